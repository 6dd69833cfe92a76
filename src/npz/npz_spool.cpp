// SPDX-License-Identifier: Apache-2.0
// Spooling a streamed archive to an anonymous temporary file under the stream screen. Input:
// untrusted stream bytes; output: the copy, sized, or an error at the stream offset where the
// bytes stopped being acceptable (or could not be read or written).
#include "npz/npz_spool.h"

#include <new>
#include <utility>
#include <vector>

#include "io/descriptor.h"
#include "npyguard/npz.h"

namespace npyguard::detail {
namespace {

// Chunk for copying the stream: memory stays flat whatever its size, and the screen sees the
// stream in steps small enough to stop early.
constexpr size_t kSpoolChunkBytes = size_t{64} << 10;

constexpr const char* kWriteFailed = "could not write the streamed archive to a temporary file";

}  // namespace

Result<OpenedFile> spool_archive(std::span<const std::byte> prefix, SequentialSource& rest,
                                 const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(
      FileDescriptor fd,
      create_anonymous_file("could not create a temporary file to hold the streamed archive"));
  NpzStreamScreen screen(limits);
  NPYGUARD_TRY(screen.feed(prefix));
  // IoReadFailed, not IoWriteFailed: the copy is part of reading the input, and a write error
  // here is about no output file of the caller's.
  NPYGUARD_TRY(write_all(fd.get(), prefix, 0, ErrorCode::IoReadFailed, kWriteFailed));
  uint64_t total = prefix.size();
  std::vector<std::byte> chunk;
  try {
    chunk.resize(kSpoolChunkBytes);
  } catch (const std::bad_alloc&) {
    return Error{.code = ErrorCode::OutOfMemory,
                 .offset = total,
                 .detail = "allocating the spool buffer failed"};
  }
  while (true) {
    // StreamSource refuses a count larger than the chunk, so `got` indexes safely.
    NPYGUARD_ASSIGN_OR_RETURN(size_t got, rest.read_some(chunk));
    if (got == 0) break;
    const auto bytes = std::span<const std::byte>(chunk).first(got);
    NPYGUARD_TRY(screen.feed(bytes));
    NPYGUARD_TRY(write_all(fd.get(), bytes, total, ErrorCode::IoReadFailed, kWriteFailed));
    total += got;  // bounded by the screen's max_streamed_archive_bytes
  }
  NPYGUARD_TRY(screen.finish());
  return OpenedFile{.fd = std::move(fd), .size = total};
}

}  // namespace npyguard::detail
