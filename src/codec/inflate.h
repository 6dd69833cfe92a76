// SPDX-License-Identifier: Apache-2.0
// Bounded raw-deflate decoding and deflate encoding for the writer: the only door to zlib (CRC-32
// is in crc32.h). Input: untrusted compressed bytes; output: decoded bytes, never more than the
// caller's buffer holds. No zlib type appears here, so nothing else in npyguard can call it
// directly. zlib is the only decoder: it is the one Python and NumPy use, so its verdict is the
// consumer's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "npyguard/result.h"

namespace npyguard::detail {

// Whole-buffer raw inflate (zlib in one pass, no intermediate chunks) for a member whose sizes are
// known: true only when `in` is exactly one complete deflate stream that decodes to exactly
// out.size() bytes. False says nothing about why; the caller re-reads with the streaming Inflater
// for the exact error and offset.
bool inflate_exact(std::span<const std::byte> in, std::span<std::byte> out) noexcept;

struct InflateStep {
  size_t consumed = 0;      // input bytes used
  size_t produced = 0;      // output bytes written
  bool stream_end = false;  // the deflate stream's final block ended
};

// A raw deflate (RFC 1951, no zlib or gzip wrapper) decoder.
class Inflater {
 public:
  Inflater() noexcept;
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Decodes from `in` into `out`. Errors: inflate_corrupt for invalid data, out_of_memory.
  // A step that consumes and produces nothing with input left is reported as is; the caller
  // decides whether that means truncation.
  Result<InflateStep> step(std::span<const std::byte> in, std::span<std::byte> out);
  bool finished() const noexcept { return finished_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool finished_ = false;
};

struct DeflateStep {
  size_t consumed = 0;
  size_t produced = 0;
  bool stream_end = false;  // with finish: every input byte is encoded and the stream is closed
};

// A raw deflate encoder (the writer's side; input is npyguard's own data).
class Deflater {
 public:
  explicit Deflater(int level) noexcept;
  ~Deflater();
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Encodes from `in` into `out`; with `finish`, flushes and ends the stream once `in` is used.
  Result<DeflateStep> step(std::span<const std::byte> in, std::span<std::byte> out, bool finish);

 private:
  struct State;
  int level_;
  std::unique_ptr<State> state_;
};

// The zlib version of the headers this was compiled against (ZLIB_VERSION) and of the library
// it runs with (zlibVersion()); for build_info(). Static strings.
const char* zlib_header_version() noexcept;
const char* zlib_runtime_version() noexcept;

}  // namespace npyguard::detail
