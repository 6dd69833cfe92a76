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
#include "npyguard/dtype.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Deepest bracket nesting the parser follows. A structured dtype of depth d needs about 2d + 3
// levels; the dtype layer enforces Limits::max_dtype_depth, this only bounds recursion.
inline constexpr uint32_t kMaxLiteralDepth = 200;

struct Literal {
  enum class Kind : uint8_t { String, Bytes, Integer, Bool, Tuple, List, Dict };
  Kind kind = Kind::Tuple;
  uint64_t offset = 0;    // file offset of the literal's first token
  std::string text;       // String (UTF-8), Bytes (the bytes)
  uint64_t integer = 0;   // Integer magnitude
  bool negative = false;  // Integer sign
  bool boolean = false;   // Bool
  // Tuple and List: the elements. Dict: keys and values alternating.
  std::vector<Literal> items;
};

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
// last byte; np.save always writes it).
// NumPy's canonical layout takes a fast path (header_fast_path.h) with the same results.
Result<HeaderFields> parse_header_text(std::span<const std::byte> text, uint64_t base_offset,
                                       HeaderEncoding encoding, const Limits& limits);
// The general parser alone (what the fast path is checked against).
Result<HeaderFields> parse_header_text_general(std::span<const std::byte> text,
                                               uint64_t base_offset, HeaderEncoding encoding,
                                               const Limits& limits);

}  // namespace npyguard::detail
