// SPDX-License-Identifier: Apache-2.0
// zlib wrapper: raw inflate with the caller's output bound. Input: untrusted deflate
// streams; output: bytes or inflate_corrupt. zlib's own bounds checking is relied on for the
// bitstream; everything about sizes (caps, ratios, totals) is decided by the caller before and
// while calling step().
#include "codec/inflate.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <new>

namespace npyguard::detail {
namespace {

// Raw deflate: negative window bits tell zlib there is no zlib/gzip wrapper (zlib.h, inflateInit2).
constexpr int kRawDeflateWindowBits = -15;
// zlib counts in uInt; feed it at most this much per call.
constexpr size_t kMaxZlibChunk = UINT_MAX;

Error inflate_error(ErrorCode code, const char* detail) {
  return Error{.code = code, .offset = 0, .detail = detail};
}

}  // namespace

struct Inflater::State {
  z_stream stream{};
  bool initialised = false;
  ~State() {
    if (initialised) ::inflateEnd(&stream);
  }
};

bool inflate_exact(std::span<const std::byte> in, std::span<std::byte> out) noexcept {
  // zlib decides on every path: it is what Python's zipfile (and so np.load) uses, and a second
  // decoder would be a second verdict (libdeflate 1.14 decodes streams zlib refuses, e.g.
  // fixed-Huffman distance codes 30 and 31). One call over the whole buffers avoids the
  // streaming reader's per-chunk copies.
  z_stream z{};
  if (::inflateInit2(&z, kRawDeflateWindowBits) != Z_OK) return false;
  size_t in_pos = 0;
  size_t out_pos = 0;
  // zlib refuses a null output pointer even with no room, which an empty span may have.
  Bytef no_output = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    const size_t in_n = std::min(in.size() - in_pos, kMaxZlibChunk);
    const size_t out_n = std::min(out.size() - out_pos, kMaxZlibChunk);
    // zlib's API takes non-const input pointers but never writes through them.
    z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data() + in_pos));  // NOLINT
    z.avail_in = static_cast<uInt>(in_n);
    z.next_out =
        out.empty() ? &no_output : reinterpret_cast<Bytef*>(out.data() + out_pos);  // NOLINT: zlib
    z.avail_out = static_cast<uInt>(out_n);
    rc = ::inflate(&z, Z_NO_FLUSH);
    const size_t consumed = in_n - z.avail_in;
    const size_t produced = out_n - z.avail_out;
    in_pos += consumed;
    out_pos += produced;
    if (rc == Z_OK && consumed == 0 && produced == 0) break;  // no progress: truncated or full
  }
  const bool ended = rc == Z_STREAM_END;
  ::inflateEnd(&z);
  // One complete stream, every input byte used, exactly the declared size produced. A stream that
  // would write past out.size() stops with Z_OK/Z_BUF_ERROR, not Z_STREAM_END.
  return ended && in_pos == in.size() && out_pos == out.size();
}

Inflater::Inflater() noexcept = default;
Inflater::~Inflater() = default;

Result<InflateStep> Inflater::step(std::span<const std::byte> in, std::span<std::byte> out) {
  if (!state_) {
    try {
      state_ = std::make_unique<State>();
    } catch (const std::bad_alloc&) {
      return inflate_error(ErrorCode::OutOfMemory, "allocating the inflate state failed");
    }
    if (::inflateInit2(&state_->stream, kRawDeflateWindowBits) != Z_OK) {
      return inflate_error(ErrorCode::OutOfMemory, "inflateInit2 failed");
    }
    state_->initialised = true;
  }
  InflateStep result;
  if (finished_) return result;
  z_stream& z = state_->stream;
  const size_t in_n = std::min(in.size(), kMaxZlibChunk);
  const size_t out_n = std::min(out.size(), kMaxZlibChunk);
  // zlib's API takes non-const input pointers but never writes through them.
  z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));  // NOLINT
  z.avail_in = static_cast<uInt>(in_n);
  z.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT: zlib's API
  z.avail_out = static_cast<uInt>(out_n);
  const int rc = ::inflate(&z, Z_NO_FLUSH);
  result.consumed = in_n - z.avail_in;
  result.produced = out_n - z.avail_out;
  switch (rc) {
    case Z_STREAM_END:
      finished_ = true;
      result.stream_end = true;
      return result;
    case Z_OK:
    case Z_BUF_ERROR:  // no progress possible: needs more input or more output space
      return result;
    case Z_MEM_ERROR:
      return inflate_error(ErrorCode::OutOfMemory, "zlib ran out of memory");
    default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
      return inflate_error(ErrorCode::InflateCorrupt,
                           z.msg != nullptr ? "invalid deflate data" : "inflate failed");
  }
}

struct Deflater::State {
  z_stream stream{};
  bool initialised = false;
  ~State() {
    if (initialised) ::deflateEnd(&stream);
  }
};

Deflater::Deflater(int level) noexcept : level_(level) {}
Deflater::~Deflater() = default;

Result<DeflateStep> Deflater::step(std::span<const std::byte> in, std::span<std::byte> out,
                                   bool finish) {
  if (!state_) {
    try {
      state_ = std::make_unique<State>();
    } catch (const std::bad_alloc&) {
      return inflate_error(ErrorCode::OutOfMemory, "allocating the deflate state failed");
    }
    // Memory level 8 is zlib's default (zlib.h, deflateInit2).
    if (::deflateInit2(&state_->stream, level_, Z_DEFLATED, kRawDeflateWindowBits, 8,
                       Z_DEFAULT_STRATEGY) != Z_OK) {
      return inflate_error(ErrorCode::Internal, "deflateInit2 failed (bad level?)");
    }
    state_->initialised = true;
  }
  z_stream& z = state_->stream;
  const size_t in_n = std::min(in.size(), kMaxZlibChunk);
  const size_t out_n = std::min(out.size(), kMaxZlibChunk);
  z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));  // NOLINT: zlib API
  z.avail_in = static_cast<uInt>(in_n);
  z.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT: zlib's API
  z.avail_out = static_cast<uInt>(out_n);
  const bool last = finish && in_n == in.size();
  const int rc = ::deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
  DeflateStep result;
  result.consumed = in_n - z.avail_in;
  result.produced = out_n - z.avail_out;
  if (rc == Z_STREAM_END) {
    result.stream_end = true;
  } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
    return inflate_error(ErrorCode::Internal, "deflate failed");
  }
  return result;
}

const char* zlib_header_version() noexcept { return ZLIB_VERSION; }
const char* zlib_runtime_version() noexcept { return ::zlibVersion(); }

}  // namespace npyguard::detail
