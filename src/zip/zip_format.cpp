// SPDX-License-Identifier: Apache-2.0
// Member-name safety (see zip_format.h): a name must mean the same relative path to every
// extractor, so anything that some tool would read as absolute, parent-relative, a drive or a
// different encoding is refused.
#include "zip/zip_format.h"

#include <span>

#include "base/utf8.h"

namespace npyguard::detail {

const char* unsafe_name_reason(std::string_view name, uint16_t flags) {
  if (name.empty()) return "empty member name";
  if (name.front() == '/') return "absolute member name";
  bool non_ascii = false;
  for (char c : name) {
    const auto byte = static_cast<uint8_t>(c);
    if (byte == 0) return "NUL in member name";
    if (byte < 0x20 || byte == 0x7F) return "control character in member name";
    if (byte == '\\') return "backslash in member name";
    if (byte >= 0x80) non_ascii = true;
  }
  if (non_ascii) {
    if ((flags & kFlagUtf8) == 0) {
      return "non-ASCII member name without the UTF-8 flag (CP437 names are refused)";
    }
    const auto bytes = std::as_bytes(std::span(name.data(), name.size()));
    for (size_t pos = 0; pos < bytes.size();) {
      uint32_t cp = 0;
      const size_t length = decode_utf8(bytes, pos, cp);
      if (length == 0) return "member name is not valid UTF-8";
      pos += length;
    }
  }
  size_t start = 0;
  bool first = true;
  while (start <= name.size()) {
    const size_t slash = name.find('/', start);
    const size_t end = slash == std::string_view::npos ? name.size() : slash;
    const std::string_view segment = name.substr(start, end - start);
    const bool last = slash == std::string_view::npos;
    if (segment == "..") return "'..' segment in member name (path traversal)";
    if (segment == ".") return "'.' segment in member name";
    if (segment.empty() && !last) return "empty segment in member name";
    if (first && segment.size() == 2 && segment[1] == ':') return "drive letter in member name";
    first = false;
    if (last) break;
    start = slash + 1;
  }
  return nullptr;
}

}  // namespace npyguard::detail
