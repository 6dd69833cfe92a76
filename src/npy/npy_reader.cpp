// SPDX-License-Identifier: Apache-2.0
// npy reader: composes preamble -> header -> layout -> payload bounds -> payload scan into an
// Array (loading) or an NpyInfo (validation with bounded memory). Input: untrusted bytes from
// memory, a file or a stream; output: fully validated results. Buffers are sized only after the
// size was checked against the limits and against the bytes actually present (or, for streams,
// grown only as bytes actually arrive).
#include <algorithm>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "array/array_factory.h"
#include "array/byte_order.h"
#include "array/transpose.h"
#include "base/byte_reader.h"
#include "base/checked_math.h"
#include "base/work_meter.h"
#include "io/payload_buffer.h"
#include "io/source.h"
#include "npy/npy_format.h"
#include "npy/npy_stream.h"
#include "npy/payload_scan.h"
#include "npyguard/npy.h"

namespace npyguard {
namespace {

using detail::ByteReader;
using detail::kStreamChunkBytes;
using detail::PayloadScanner;
using detail::SequentialSource;

Error error_at(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

// An error whose detail names what was found and the bound it broke ({expected} or {limit}).
Error error_at(ErrorCode code, uint64_t offset, const char* detail, uint64_t found,
               uint64_t bound) {
  return Error{.code = code, .offset = offset, .detail = detail, .found = found, .bound = bound};
}

constexpr const char* kTruncatedPayloadDetail = "expected {expected} payload bytes, found {found}";

using Buffer = std::vector<std::byte>;

// Allocation failures become errors, never exceptions out of the library.
Result<std::shared_ptr<Buffer>> make_growable_buffer() {
  try {
    return std::make_shared<Buffer>();
  } catch (const std::bad_alloc&) {
    return error_at(ErrorCode::OutOfMemory, 0, "allocating the payload buffer failed");
  }
}

// First allocation when the final size is not known to be present (streams): growth from here is
// geometric and driven by bytes actually received.
constexpr size_t kInitialGrowBytes = size_t{64} << 10;

// Appends exactly `count` bytes from `source` to `out`, growing `out` only as data arrives.
// Returns the number of bytes appended (less than count when the input ends first).
Result<uint64_t> read_growing(SequentialSource& source, uint64_t count, Buffer& out) {
  uint64_t appended = 0;
  try {
    while (appended < count) {
      const uint64_t left = count - appended;
      const size_t old_size = out.size();
      size_t step = std::max(out.size(), kInitialGrowBytes);
      if (step > left) step = static_cast<size_t>(left);
      out.resize(old_size + step);
      NPYGUARD_ASSIGN_OR_RETURN(size_t got,
                                source.read_full(std::span(out).subspan(old_size, step)));
      out.resize(old_size + got);
      appended += got;
      if (got < step) break;
    }
  } catch (const std::bad_alloc&) {
    return error_at(ErrorCode::OutOfMemory, 0, "allocating an input buffer failed");
  }
  return appended;
}

struct ParsedNpy {
  NpyInfo info;
  std::span<const std::byte> payload;
};

Result<std::pair<detail::Preamble, std::span<const std::byte>>> parse_prefix(ByteReader& reader,
                                                                             const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::Preamble preamble, detail::parse_preamble(reader, limits));
  auto header = reader.take(static_cast<size_t>(preamble.header_length));
  if (!header) {
    return error_at(ErrorCode::TruncatedHeader, preamble.header_offset + reader.remaining(),
                    "input ends inside the header");
  }
  return std::pair{preamble, *header};
}

Result<ParsedNpy> parse_in_memory(std::span<const std::byte> bytes, const Limits& limits) {
  NPYGUARD_TRY(limits.validate());
  ByteReader reader(bytes);
  NPYGUARD_ASSIGN_OR_RETURN(auto prefix, parse_prefix(reader, limits));
  NPYGUARD_ASSIGN_OR_RETURN(NpyInfo info,
                            detail::interpret_header(prefix.first, prefix.second, limits));
  if (info.nbytes > reader.remaining()) {
    return error_at(ErrorCode::PayloadTruncated, bytes.size(), kTruncatedPayloadDetail,
                    reader.remaining(), info.nbytes);
  }
  auto payload = *reader.take(static_cast<size_t>(info.nbytes));
  if (!reader.empty() && !limits.allow_trailing_data) {
    return error_at(ErrorCode::TrailingData, reader.position(), "bytes after the payload: {found}",
                    reader.remaining(), 0);
  }
  NPYGUARD_TRY(PayloadScanner(info.dtype).scan(payload, info.payload_offset, limits));
  return ParsedNpy{std::move(info), payload};
}

bool is_aligned(std::span<const std::byte> bytes, uint64_t alignment) {
  // Address arithmetic only, to decide whether a copy is needed; the bytes are never accessed
  // through the integer.
  const auto address = reinterpret_cast<uintptr_t>(bytes.data());  // NOLINT
  return alignment <= 1 || address % alignment == 0;
}

// Wraps a validated payload into an Array: zero-copy when aligned and no normalisation is due,
// otherwise an owned, aligned copy.
Result<Array> make_array(ParsedNpy parsed, std::shared_ptr<const void> owner,
                         const Limits& limits) {
  const bool normalize = limits.normalize_bool && parsed.info.dtype.contains(DTypeKind::Bool);
  if (!normalize && is_aligned(parsed.payload, parsed.info.dtype.alignment())) {
    return detail::ArrayFactory::view(std::move(parsed.info), std::move(owner), parsed.payload,
                                      true);
  }
  NPYGUARD_ASSIGN_OR_RETURN(auto buffer, detail::PayloadBuffer::allocate(parsed.payload.size()));
  std::copy(parsed.payload.begin(), parsed.payload.end(), buffer->bytes().begin());
  if (normalize) PayloadScanner(parsed.info.dtype).normalize_bools(buffer->bytes());
  const std::span<std::byte> bytes = buffer->bytes();
  return detail::ArrayFactory::owned(std::move(parsed.info), std::move(buffer), bytes);
}

// Reads the preamble and header from a sequential source.
Result<NpyInfo> read_header_sequential(SequentialSource& source, const Limits& limits) {
  NPYGUARD_TRY(limits.validate());
  std::array<std::byte, detail::kPreambleSizeV2> preamble_bytes{};
  NPYGUARD_ASSIGN_OR_RETURN(
      size_t got, source.read_full(std::span(preamble_bytes).first(detail::kPreambleSizeV1)));
  if (got == detail::kPreambleSizeV1 && static_cast<uint8_t>(preamble_bytes[6]) != 1) {
    NPYGUARD_ASSIGN_OR_RETURN(size_t more,
                              source.read_full(std::span(preamble_bytes).subspan(got, 2)));
    got += more;
  }
  ByteReader reader{std::span<const std::byte>(preamble_bytes).first(got)};
  NPYGUARD_ASSIGN_OR_RETURN(detail::Preamble preamble, detail::parse_preamble(reader, limits));
  if (auto total = source.total_size();
      total && preamble.header_length > *total - preamble.header_offset) {
    return error_at(ErrorCode::TruncatedHeader, *total, "input ends inside the header");
  }
  Buffer header;
  NPYGUARD_ASSIGN_OR_RETURN(uint64_t header_got,
                            read_growing(source, preamble.header_length, header));
  if (header_got < preamble.header_length) {
    return error_at(ErrorCode::TruncatedHeader, preamble.header_offset + header_got,
                    "input ends inside the header");
  }
  return detail::interpret_header(preamble, header, limits);
}

// For sources of known size: the payload must be fully present, and nothing may follow it.
Status check_known_size(const NpyInfo& info, uint64_t total, const Limits& limits) {
  const uint64_t available = total - std::min(total, info.payload_offset);
  if (info.nbytes > available) {
    return error_at(ErrorCode::PayloadTruncated, total, kTruncatedPayloadDetail, available,
                    info.nbytes);
  }
  if (available > info.nbytes && !limits.allow_trailing_data) {
    return error_at(ErrorCode::TrailingData, info.payload_offset + info.nbytes,
                    "bytes after the payload: {found}", available - info.nbytes, 0);
  }
  return ok_status();
}

// After the payload of a stream: refuse any further byte unless trailing data is allowed.
Status check_stream_end(SequentialSource& source, const NpyInfo& info, const Limits& limits) {
  if (limits.allow_trailing_data) return ok_status();
  std::array<std::byte, 1> probe{};
  NPYGUARD_ASSIGN_OR_RETURN(size_t extra, source.read_some(probe));
  if (extra != 0) {
    return error_at(ErrorCode::TrailingData, info.payload_offset + info.nbytes,
                    "the stream goes on after the payload");
  }
  return ok_status();
}

// Whole items per chunk (at least one), so every scan sees complete items.
uint64_t scan_chunk_bytes(const NpyInfo& info) {
  const uint64_t itemsize = std::max<uint64_t>(info.itemsize(), 1);
  const uint64_t items_per_chunk = std::max<uint64_t>(detail::kStreamChunkBytes / itemsize, 1);
  return items_per_chunk * itemsize;  // <= max(chunk, itemsize): no wrap
}

// Fills `chunk` with the payload bytes that start at `done` (relative to the payload), then
// scans them (and normalises bools) and, if asked, swaps them to host order while in cache.
Status read_checked_chunk(SequentialSource& source, const NpyInfo& info,
                          const PayloadScanner& scanner, std::span<std::byte> chunk, uint64_t done,
                          const Limits& limits, bool to_host_order) {
  detail::charge(1);  // one chunk: at least one whole item, or the rest of the payload
  NPYGUARD_ASSIGN_OR_RETURN(size_t got, source.read_full(chunk));
  const uint64_t offset = info.payload_offset + done;
  if (got < chunk.size()) {
    return error_at(ErrorCode::PayloadTruncated, offset + got, kTruncatedPayloadDetail, done + got,
                    info.nbytes);
  }
  if (scanner.needed()) {
    NPYGUARD_TRY(scanner.scan(chunk, offset, limits));
    if (limits.normalize_bool) scanner.normalize_bools(chunk);
  }
  // After the scan: it checks U code units in the file's byte order.
  if (to_host_order) detail::swap_to_host(info.dtype, chunk);
  return ok_status();
}

// Reads a payload proven present (known size) straight into `out` (exactly info.nbytes), one
// chunk at a time.
Status read_payload_into(SequentialSource& source, const NpyInfo& info, std::span<std::byte> out,
                         const Limits& limits, bool to_host_order = false) {
  const PayloadScanner scanner(info.dtype);
  // Chunks keep the bytes a scan or a swap visits in cache; with neither, one read does it.
  const uint64_t chunk_bytes =
      scanner.needed() || to_host_order ? scan_chunk_bytes(info) : info.nbytes;
  uint64_t done = 0;
  while (done < info.nbytes) {
    const auto want = static_cast<size_t>(std::min(chunk_bytes, info.nbytes - done));
    NPYGUARD_TRY(read_checked_chunk(source, info, scanner,
                                    out.subspan(static_cast<size_t>(done), want), done, limits,
                                    to_host_order));
    done += want;
  }
  return ok_status();
}

// Fortran order with exactly two dimensions longer than 1 (d0 rows, d1 columns, stored column
// after column) into C order: whole columns (or pieces of one tall column) are read into a small
// buffer, scanned, optionally swapped, and transposed straight into their place in `out`.
Status read_fortran_2d_as_c(SequentialSource& source, const NpyInfo& info, size_t rows, size_t cols,
                            std::span<std::byte> out, const Limits& limits, bool to_host_order) {
  const PayloadScanner scanner(info.dtype);
  const auto itemsize = static_cast<size_t>(info.itemsize());
  const size_t column_bytes = rows * itemsize;  // <= nbytes
  const bool whole_columns = column_bytes <= detail::kStreamChunkBytes;
  const size_t columns_per_step =
      whole_columns ? std::max<size_t>(1, detail::kStreamChunkBytes / column_bytes) : 1;
  const size_t rows_per_step =
      whole_columns ? rows : std::max<size_t>(1, detail::kStreamChunkBytes / itemsize);
  // At most max(kStreamChunkBytes, itemsize) bytes: whole columns that fit the chunk, or a
  // chunk's worth of one column's items (at least one). No product here can wrap.
  NPYGUARD_ASSIGN_OR_RETURN(
      auto scratch, detail::PayloadBuffer::allocate(columns_per_step * rows_per_step * itemsize));
  uint64_t done = 0;
  // Reads the next `count` items of the file, checked like any payload chunk.
  auto next_items = [&](size_t count) -> Result<std::span<std::byte>> {
    const auto chunk = scratch->bytes().first(count * itemsize);
    NPYGUARD_TRY(read_checked_chunk(source, info, scanner, chunk, done, limits, to_host_order));
    done += chunk.size();
    return chunk;
  };
  for (size_t col = 0; col < cols;) {
    if (whole_columns) {
      const size_t count = std::min(columns_per_step, cols - col);
      NPYGUARD_ASSIGN_OR_RETURN(auto chunk, next_items(count * rows));
      // The chunk is `count` columns of `rows` items: row-major count x rows.
      detail::transpose_into(chunk.data(), out.data() + col * itemsize, count, rows, cols,
                             itemsize);
      col += count;
      continue;
    }
    for (size_t row = 0; row < rows; row += rows_per_step) {
      const size_t count = std::min(rows_per_step, rows - row);
      NPYGUARD_ASSIGN_OR_RETURN(auto chunk, next_items(count));
      detail::transpose_into(chunk.data(), out.data() + (row * cols + col) * itemsize, 1, count,
                             cols, itemsize);
    }
    ++col;
  }
  return ok_status();
}

// Known size (files, archive members): the exact size is allocated once and filled in place.
Result<Array> load_known_size(SequentialSource& source, NpyInfo info, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(auto buffer,
                            detail::PayloadBuffer::allocate(static_cast<size_t>(info.nbytes)));
  NPYGUARD_TRY(read_payload_into(source, info, buffer->bytes(), limits));
  const std::span<std::byte> bytes = buffer->bytes();
  return detail::ArrayFactory::owned(std::move(info), std::move(buffer), bytes);
}

}  // namespace

namespace detail {

Result<NpyInfo> validate_sequential(SequentialSource& source, const Limits& limits,
                                    const HeaderCheck& check_header) {
  NPYGUARD_ASSIGN_OR_RETURN(NpyInfo info, read_header_sequential(source, limits));
  if (check_header) NPYGUARD_TRY(check_header(info));
  const auto total = source.total_size();
  if (total) NPYGUARD_TRY(check_known_size(info, *total, limits));

  const PayloadScanner scanner(info.dtype);
  if (total && !scanner.needed()) return info;  // sizes proven; nothing to look at

  const uint64_t chunk_bytes = scan_chunk_bytes(info);
  Buffer chunk;
  uint64_t done = 0;
  while (done < info.nbytes) {
    const uint64_t want = std::min(chunk_bytes, info.nbytes - done);
    detail::charge(1);  // one chunk of at least one whole item
    chunk.clear();
    NPYGUARD_ASSIGN_OR_RETURN(uint64_t got, read_growing(source, want, chunk));
    const uint64_t offset = info.payload_offset + done;
    if (got < want) {
      return error_at(ErrorCode::PayloadTruncated, offset + got, kTruncatedPayloadDetail,
                      done + got, info.nbytes);
    }
    NPYGUARD_TRY(scanner.scan(chunk, offset, limits));
    done += got;
  }
  if (!total) NPYGUARD_TRY(check_stream_end(source, info, limits));
  return info;
}

Result<Array> load_sequential(SequentialSource& source, const Limits& limits,
                              const HeaderCheck& check_header) {
  NPYGUARD_ASSIGN_OR_RETURN(NpyInfo info, read_header_sequential(source, limits));
  if (check_header) NPYGUARD_TRY(check_header(info));
  const auto total = source.total_size();
  if (total) {
    NPYGUARD_TRY(check_known_size(info, *total, limits));
    return load_known_size(source, std::move(info), limits);
  }
  // A stream grows its buffer as bytes arrive.
  NPYGUARD_ASSIGN_OR_RETURN(auto buffer, make_growable_buffer());
  NPYGUARD_ASSIGN_OR_RETURN(uint64_t got, read_growing(source, info.nbytes, *buffer));
  if (got < info.nbytes) {
    return error_at(ErrorCode::PayloadTruncated, info.payload_offset + got, kTruncatedPayloadDetail,
                    got, info.nbytes);
  }
  if (!total) NPYGUARD_TRY(check_stream_end(source, info, limits));
  const PayloadScanner scanner(info.dtype);
  NPYGUARD_TRY(scanner.scan(*buffer, info.payload_offset, limits));
  if (limits.normalize_bool) scanner.normalize_bools(*buffer);
  const std::span<std::byte> bytes(*buffer);
  return detail::ArrayFactory::owned(std::move(info), std::move(buffer), bytes);
}

Result<NpyInfo> read_sequential_into(SequentialSource& source, std::span<std::byte> out,
                                     const Limits& limits, IntoOptions options,
                                     const HeaderCheck& check_header) {
  NPYGUARD_ASSIGN_OR_RETURN(NpyInfo info, read_header_sequential(source, limits));
  if (check_header) NPYGUARD_TRY(check_header(info));
  const auto total = source.total_size();
  if (!total) return error_at(ErrorCode::Internal, 0, "a sized source is needed");
  NPYGUARD_TRY(check_known_size(info, *total, limits));
  if (info.nbytes != out.size()) {
    return error_at(ErrorCode::ArraySizeMismatch, info.payload_offset,
                    "the output buffer is not exactly the payload size");
  }
  const bool swap = options.native_byte_order && needs_swap_to_host(info.dtype);
  const std::vector<size_t> dims =
      info.fortran_order && options.c_order ? long_dims(info.shape) : std::vector<size_t>();
  if (dims.size() == 2) {
    NPYGUARD_TRY(read_fortran_2d_as_c(source, info, dims[0], dims[1], out, limits, swap));
  } else if (dims.size() > 2) {
    // More dimensions: read in file order, then the whole-array conversion (two more buffers).
    NPYGUARD_ASSIGN_OR_RETURN(auto file_order, PayloadBuffer::allocate(out.size()));
    NPYGUARD_ASSIGN_OR_RETURN(auto scratch, PayloadBuffer::allocate(out.size()));
    NPYGUARD_TRY(read_payload_into(source, info, file_order->bytes(), limits, swap));
    fortran_to_c(std::as_const(*file_order).bytes(), out, scratch->bytes(), dims,
                 static_cast<size_t>(info.itemsize()));
  } else {
    NPYGUARD_TRY(read_payload_into(source, info, out, limits, swap));
  }
  if (swap) info.dtype = with_host_order(info.dtype);
  if (options.c_order) info.fortran_order = false;
  return info;
}

Result<Array> load_owned(std::shared_ptr<const PayloadBuffer> file, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(ParsedNpy parsed, parse_in_memory(file->bytes(), limits));
  return make_array(std::move(parsed), std::move(file), limits);
}

}  // namespace detail

Result<Array> read_npy(std::span<const std::byte> bytes, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(ParsedNpy parsed, parse_in_memory(bytes, limits));
  return make_array(std::move(parsed), nullptr, limits);
}

Result<NpyInfo> validate_npy(std::span<const std::byte> bytes, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(ParsedNpy parsed, parse_in_memory(bytes, limits));
  return std::move(parsed.info);
}

Result<NpyInfo> parse_npy_header(std::span<const std::byte> bytes, const Limits& limits) {
  NPYGUARD_TRY(limits.validate());
  ByteReader reader(bytes);
  NPYGUARD_ASSIGN_OR_RETURN(auto prefix, parse_prefix(reader, limits));
  return detail::interpret_header(prefix.first, prefix.second, limits);
}

Result<Array> read_npy_file(const std::string& path, const Limits& limits, FileAccess access) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile file, detail::open_regular_file(path));
  if (access == FileAccess::Mmap) {
    auto mapping = detail::MappedFile::map(file);
    if (mapping.ok()) {
      NPYGUARD_ASSIGN_OR_RETURN(ParsedNpy parsed, parse_in_memory((*mapping)->bytes(), limits));
      return make_array(std::move(parsed), std::move(mapping).value(), limits);
    }
    // Some files cannot be mapped (special filesystems); pread works everywhere.
  }
  detail::PreadSource source(file);
  return detail::load_sequential(source, limits);
}

Result<NpyInfo> read_npy_file_into(const std::string& path, std::span<std::byte> out,
                                   const Limits& limits, IntoOptions options) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile file, detail::open_regular_file(path));
  detail::PreadSource source(file);
  return detail::read_sequential_into(source, out, limits, options);
}

Result<Array> read_npy_stream(InputStream& in, const Limits& limits) {
  detail::StreamSource source(in);
  return detail::load_sequential(source, limits);
}

Result<NpyInfo> validate_npy_file(const std::string& path, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile file, detail::open_regular_file(path));
  detail::PreadSource source(file);
  return detail::validate_sequential(source, limits);
}

Result<NpyInfo> validate_npy_stream(InputStream& in, const Limits& limits) {
  detail::StreamSource source(in);
  return detail::validate_sequential(source, limits);
}

}  // namespace npyguard
