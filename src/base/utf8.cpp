// SPDX-License-Identifier: Apache-2.0
// UTF-8 encoding and decoding (see utf8.h).
#include "base/utf8.h"

namespace npyguard::detail {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t decode_utf8(std::span<const std::byte> bytes, size_t pos, uint32_t& code_point) noexcept {
  if (pos >= bytes.size()) return 0;
  const auto at = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  const uint8_t lead = at(pos);
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min_value = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1Fu;
    min_value = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0Fu;
    min_value = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07u;
    min_value = 0x10000;
  } else {
    return 0;
  }
  if (length > bytes.size() - pos) return 0;
  for (size_t i = 1; i < length; ++i) {
    const uint8_t c = at(pos + i);
    if ((c & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (c & 0x3Fu);
  }
  if (cp < min_value || cp > kMaxCodePoint || is_surrogate(cp)) return 0;
  code_point = cp;
  return length;
}

uint64_t utf8_char_count(std::span<const std::byte> text) noexcept {
  uint64_t count = 0;
  for (const std::byte b : text) {
    if ((static_cast<uint8_t>(b) & 0xC0u) != 0x80u) ++count;
  }
  return count;
}

std::optional<std::string> utf8_to_latin1(std::string_view utf8) {
  std::string out;
  const auto bytes = std::as_bytes(std::span(utf8.data(), utf8.size()));
  for (size_t pos = 0; pos < bytes.size();) {
    uint32_t cp = 0;
    const size_t length = decode_utf8(bytes, pos, cp);
    if (length == 0 || cp > 0xFF) return std::nullopt;
    out += static_cast<char>(static_cast<uint8_t>(cp));
    pos += length;
  }
  return out;
}

}  // namespace npyguard::detail
