// Bridge between the header parser's literal tree and the DType model (dtype.cpp). Input: a
// literal from untrusted header text; output: a fully validated DType.
#pragma once

#include <string>
#include <string_view>

#include "header_parser.h"
#include "npyguard/dtype.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Largest item size npyguard accepts: NumPy 1.x stores itemsize in a C int.
inline constexpr uint64_t kMaxItemsize = 0x7FFFFFFF;

Result<DType> dtype_from_literal(const Literal& literal, const Limits& limits);

// Python's repr() of a str given as UTF-8, as NumPy's header writer produces it.
std::string python_repr(std::string_view utf8);

}  // namespace npyguard::detail
