// SPDX-License-Identifier: Apache-2.0
// The literal tree the header parser builds from header text (a Python literal: strings, bytes,
// integers, booleans, tuples, lists, dicts), which the dtype parser then gives meaning. A value
// type with no behaviour, so the parser and the dtype code share it without depending on each
// other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace npyguard::detail
