// SPDX-License-Identifier: Apache-2.0
// Bridge between the header parser's literal tree and the DType model (dtype.cpp). Input: a
// literal from untrusted header text; output: a fully validated DType.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "npy/header_literal.h"
#include "npyguard/dtype.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Largest item size npyguard accepts: NumPy 1.x stores itemsize in a C int.
inline constexpr uint64_t kMaxItemsize = 0x7FFFFFFF;

Result<DType> dtype_from_literal(const Literal& literal, const Limits& limits);

// The header fast path's builders (header_fast_path.cpp). Each gives exactly what
// dtype_from_literal gives for the equivalent literal, or nullopt whenever that would be an
// error (the general path then reports it).
std::optional<DType> dtype_from_type_string(std::string_view type_string);
struct SimpleField {
  std::string_view name;  // printable ASCII, may be empty (padding)
  std::string_view type_string;
};
// A record of plain fields: no titles, subarrays or nesting; at most kMaxSimpleFields of them
// (duplicate names are found by a linear scan).
inline constexpr size_t kMaxSimpleFields = 64;
std::optional<DType> record_from_simple_fields(std::span<const SimpleField> fields,
                                               const Limits& limits);

// Python's repr() of a str given as UTF-8, as NumPy's header writer produces it.
std::string python_repr(std::string_view utf8);
// Python's repr() of a bytes object: b'...'.
std::string python_bytes_repr(std::string_view bytes);

}  // namespace npyguard::detail
