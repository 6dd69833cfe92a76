// SPDX-License-Identifier: Apache-2.0
// ByteReader: a cursor over untrusted bytes that cannot read past its end. Every read either
// succeeds completely or consumes nothing; integers are assembled byte by byte (little-endian),
// never by casting memory to a struct. position() is absolute (base + consumed), so errors can
// report the offset in the original file even for a reader over a sub-range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace npyguard::detail {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes, uint64_t base_offset = 0) noexcept
      : bytes_(bytes), base_(base_offset) {}

  size_t remaining() const noexcept { return bytes_.size() - pos_; }
  bool empty() const noexcept { return remaining() == 0; }
  // Absolute offset of the next unread byte.
  uint64_t position() const noexcept { return base_ + pos_; }
  size_t consumed() const noexcept { return pos_; }

  [[nodiscard]] std::optional<std::span<const std::byte>> take(size_t n) noexcept {
    if (n > remaining()) return std::nullopt;
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  [[nodiscard]] bool skip(size_t n) noexcept {
    if (n > remaining()) return false;
    pos_ += n;
    return true;
  }
  // The next byte without consuming it.
  [[nodiscard]] std::optional<uint8_t> peek_u8() const noexcept {
    if (remaining() == 0) return std::nullopt;
    return static_cast<uint8_t>(bytes_[pos_]);
  }
  [[nodiscard]] bool read_u8(uint8_t& out) noexcept { return read_le(out); }
  [[nodiscard]] bool read_u16le(uint16_t& out) noexcept { return read_le(out); }
  [[nodiscard]] bool read_u32le(uint32_t& out) noexcept { return read_le(out); }
  [[nodiscard]] bool read_u64le(uint64_t& out) noexcept { return read_le(out); }

  // A reader over [offset, offset + len) of this reader's whole range (not only the unread part),
  // or nullopt when that range is not inside it.
  [[nodiscard]] std::optional<ByteReader> sub(size_t offset, size_t len) const noexcept {
    if (offset > bytes_.size() || len > bytes_.size() - offset) return std::nullopt;
    return ByteReader(bytes_.subspan(offset, len), base_ + offset);
  }

 private:
  template <class T>
  [[nodiscard]] bool read_le(T& out) noexcept {
    if (sizeof(T) > remaining()) return false;
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      value = static_cast<T>(value | (static_cast<T>(bytes_[pos_ + i]) << (8 * i)));
    }
    pos_ += sizeof(T);
    out = value;
    return true;
  }

  std::span<const std::byte> bytes_;
  uint64_t base_;
  size_t pos_ = 0;
};

}  // namespace npyguard::detail
