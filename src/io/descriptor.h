// SPDX-License-Identifier: Apache-2.0
// Descriptors the library did not open itself: a caller's already-open file (duplicated, so the
// library's copy lives as long as it needs it) and anonymous temporary files for spooling a
// stream. Input: a descriptor number from the caller, or nothing; output: an OpenedFile (regular
// files only) or an Io error, never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "io/source.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Duplicates `fd` (F_DUPFD_CLOEXEC) and checks, like open_regular_file, that it is a regular
// file; its size comes from fstat. The caller keeps its own descriptor. Reads go through pread,
// so neither copy's file position matters or moves.
Result<OpenedFile> open_regular_descriptor(int fd);

// An anonymous temporary file open for reading and writing, never linked into the file system
// (O_TMPFILE in $TMPDIR or /tmp; where that is unavailable, a file created with mkstemp and
// unlinked at once). It disappears when its descriptor is closed. `detail` names what the file
// is for in the error when it cannot be created.
Result<FileDescriptor> create_anonymous_file(const char* detail);

// Writes all of `bytes` to `fd`, retrying short writes and EINTR. A failure is `code` with
// `detail`, at `offset` plus the bytes already written (`offset` only labels the error).
Status write_all(int fd, std::span<const std::byte> bytes, uint64_t offset, ErrorCode code,
                 const char* detail);

}  // namespace npyguard::detail
