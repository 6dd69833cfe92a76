// SPDX-License-Identifier: Apache-2.0
// Copying an archive that arrives as a stream into an anonymous temporary file, so the ZIP
// reader (which starts from the end record) can seek in it. Input: untrusted stream bytes;
// output: a regular file holding exactly those bytes, or the first error. Every chunk passes the
// NpzStreamScreen before it is written, so the copy stops at the first byte that cannot belong to
// an archive the reader accepts, or at Limits::max_streamed_archive_bytes, not at end of input.
#pragma once

#include <cstddef>
#include <span>

#include "io/source.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// `prefix`: bytes already taken from the start of the stream (read to tell the format), which
// come first in the copy; `rest`: the remainder of the stream, read to its end.
Result<OpenedFile> spool_archive(std::span<const std::byte> prefix, SequentialSource& rest,
                                 const Limits& limits);

}  // namespace npyguard::detail
