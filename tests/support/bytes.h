// SPDX-License-Identifier: Apache-2.0
// Byte-building helpers for tests: hostile inputs are written inline, readable, from these pieces
// instead of opaque blobs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace npyguard::test {

using Bytes = std::vector<std::byte>;

inline Bytes bytes_of(std::string_view text) {
  Bytes out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

inline void append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}
inline void append(Bytes& out, std::string_view text) { append(out, bytes_of(text)); }
// `width` little-endian bytes of `value`; bytes beyond the eighth are zero (a run of zero fields).
inline void append_le(Bytes& out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    out.push_back(static_cast<std::byte>(i < 8 ? (value >> (8 * i)) & 0xFF : 0));
  }
}

// A .npy preamble for `major`.0 followed by `header` verbatim (no padding, no newline added).
inline Bytes npy_raw(std::string_view header, int major = 1) {
  Bytes out = bytes_of("\x93NUMPY");
  out.push_back(static_cast<std::byte>(major));
  out.push_back(std::byte{0});
  append_le(out, header.size(), major == 1 ? 2 : 4);
  append(out, header);
  return out;
}

// A .npy file the way NumPy frames it: `dict` padded with spaces so the payload starts on a
// 64-byte boundary, then '\n', then `payload`.
inline Bytes npy_file(std::string_view dict, const Bytes& payload = {}, int major = 1) {
  const size_t preamble = major == 1 ? 10 : 12;
  std::string header(dict);
  const size_t unpadded = preamble + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  Bytes out = npy_raw(header, major);
  append(out, payload);
  return out;
}

inline std::string simple_dict(std::string_view descr, std::string_view shape,
                               bool fortran = false) {
  return "{'descr': " + std::string(descr) + ", 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + std::string(shape) + ", }";
}

// File offset of the payload of a file built by npy_file/npy_raw (preamble + header length).
inline size_t payload_start(const Bytes& file) {
  const bool v1 = static_cast<uint8_t>(file.at(6)) == 1;
  size_t length = static_cast<uint8_t>(file.at(8)) | (static_cast<size_t>(file.at(9)) << 8);
  if (!v1)
    length |= (static_cast<size_t>(file.at(10)) << 16) | (static_cast<size_t>(file.at(11)) << 24);
  return (v1 ? 10 : 12) + length;
}

inline Bytes zeros(size_t n) { return Bytes(n, std::byte{0}); }

// Throws (a test failure under Catch) when the file cannot be opened, so a misspelt fixture
// name cannot pass as an empty input.
inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test file " + path);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

}  // namespace npyguard::test
