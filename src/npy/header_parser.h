// SPDX-License-Identifier: Apache-2.0
// Header parser: tokens -> a literal tree (recursive descent with a depth limit) -> the three
// header fields, with exact keys, no duplicates and typed values. The descr stays a literal here;
// dtype.cpp gives it meaning. Input: untrusted header text; output: validated HeaderFields.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "npy/header_lexer.h"
#include "npy/header_literal.h"
#include "npyguard/dtype.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Parses exactly one literal and requires the text to end after it.
Result<Literal> parse_single_literal(HeaderLexer& lexer);

struct HeaderFields {
  Literal descr;  // the fast path sets only kind and offset, and sets dtype instead
  std::optional<DType> dtype;
  std::vector<uint64_t> shape;
  uint64_t shape_offset = 0;  // file offset of the shape tuple, for size errors
  bool fortran_order = false;
};

// Parses header text: one dict literal, optional spaces and tabs, and an optional final '\n' (the
// last byte; np.save always writes it). The general parser, for every layout; the header reader
// tries NumPy's canonical layout first (parse_header_text in header_fast_path.h).
Result<HeaderFields> parse_header_text_general(std::span<const std::byte> text,
                                               uint64_t base_offset, HeaderEncoding encoding,
                                               const Limits& limits);

}  // namespace npyguard::detail
