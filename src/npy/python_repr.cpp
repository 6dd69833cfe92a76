// SPDX-License-Identifier: Apache-2.0
// Python's repr() of str and bytes values, as NumPy's header writer produces them for field names
// and titles: the quote choice, the escapes and which code points print as themselves.
#include <span>
#include <string>
#include <string_view>

#include "base/utf8.h"
#include "npy/dtype_literal.h"
#include "npyguard/dtype.h"

namespace npyguard {
namespace {

// Approximates Python's str.isprintable() for non-ASCII code points: separators other than the
// ASCII space, format characters, C1 controls, surrogates, private use and noncharacters are
// escaped by repr(). TODO(writer): unassigned code points need the Unicode database to match
// repr() exactly.
bool python_printable(uint32_t cp) {
  if (cp <= 0xA0 || cp == 0xAD) return false;
  if (cp == 0x34F) return true;
  if ((cp >= 0x600 && cp <= 0x605) || cp == 0x61C || cp == 0x6DD || cp == 0x70F || cp == 0x180E ||
      cp == 0x1680) {
    return false;
  }
  if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
      (cp >= 0x205F && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F) || cp == 0x3000) {
    return false;
  }
  if ((cp >= 0xD800 && cp <= 0xF8FF) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)) {
    return false;
  }
  if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) return false;  // noncharacters
  if (cp >= 0xF0000 || (cp >= 0xE0000 && cp <= 0xE0FFF)) return false;
  return true;
}

}  // namespace

namespace detail {

std::string python_bytes_repr(std::string_view bytes) {
  // CPython's bytes repr: single quotes unless the bytes hold ' and no "; printable ASCII as
  // is, \\ and the quote escaped, \t \n \r, every other byte as \xhh.
  const bool has_single = bytes.find('\'') != std::string_view::npos;
  const bool has_double = bytes.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out = "b";
  out += quote;
  constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : bytes) {
    const auto c = static_cast<uint8_t>(ch);
    if (c == static_cast<uint8_t>(quote) || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  out += quote;
  return out;
}

std::string python_repr(std::string_view utf8) {
  const bool has_single = utf8.find('\'') != std::string_view::npos;
  const bool has_double = utf8.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  const auto bytes = std::as_bytes(std::span(utf8.data(), utf8.size()));
  size_t pos = 0;
  constexpr char kHex[] = "0123456789abcdef";
  auto hex = [&](uint32_t value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
  };
  while (pos < bytes.size()) {
    uint32_t cp = 0;
    size_t length = decode_utf8(bytes, pos, cp);
    if (length == 0) {  // not reachable for names from the lexer; escape the raw byte
      cp = static_cast<uint8_t>(bytes[pos]);
      length = 1;
    }
    const std::string_view raw = utf8.substr(pos, length);
    pos += length;
    if (cp == static_cast<uint32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
      // NOLINTNEXTLINE(bugprone-branch-clone): repr's cases in its own order
    } else if (cp < 0x20 || cp == 0x7F) {
      out += "\\x";
      hex(cp, 2);
    } else if (cp < 0x7F || python_printable(cp)) {
      out += raw;
    } else if (cp <= 0xFF) {
      out += "\\x";
      hex(cp, 2);
    } else if (cp <= 0xFFFF) {
      out += "\\u";
      hex(cp, 4);
    } else {
      out += "\\U";
      hex(cp, 8);
    }
  }
  out += quote;
  return out;
}

}  // namespace detail

std::string Field::title_repr() const {
  if (!title) return {};
  switch (title_kind) {
    case TitleKind::Integer:
      return *title;
    case TitleKind::Bytes:
      return detail::python_bytes_repr(*title);
    case TitleKind::String:
      break;
  }
  return detail::python_repr(*title);
}

}  // namespace npyguard
