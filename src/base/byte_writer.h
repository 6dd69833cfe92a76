// SPDX-License-Identifier: Apache-2.0
// Little-endian integers appended to a byte vector: the writers' counterpart of ByteReader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace npyguard::detail {

// The low `width` bytes of `value`, least significant first (may throw std::bad_alloc).
inline void append_le(std::vector<std::byte>& out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}

inline std::span<const std::byte> text_bytes(std::string_view text) noexcept {
  return std::as_bytes(std::span(text.data(), text.size()));
}

}  // namespace npyguard::detail
