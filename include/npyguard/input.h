// SPDX-License-Identifier: Apache-2.0
// "Whatever this is": entry points that take an input of unknown format (a path, an open
// descriptor, a stream), tell .npy from .npz by content the way np.load does (looks_like_npz on
// the first four bytes, never the name), and then validate it (validate_input) or open it for
// reading (open_input) with the same bounded-memory readers as the format-specific functions.
// Input: untrusted bytes; output: a verdict that says which format the input turned out to be
// even when it was rejected, so a rejection can still be reported against the right format and
// archive member. Streams holding an archive are copied to an anonymous temporary file first
// (NpzArchive::open_stream): ZIP is read from its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "npyguard/error.h"
#include "npyguard/export.h"
#include "npyguard/input_stream.h"
#include "npyguard/limits.h"
#include "npyguard/npy.h"
#include "npyguard/npz.h"
#include "npyguard/result.h"

namespace npyguard {

enum class InputFormat : uint8_t {
  Unknown,  // the input could not be opened or read far enough to tell
  Npy,      // anything that does not start like a ZIP archive (np.load tries it as .npy)
  Npz,      // starts with a ZIP local header or an empty archive's end record
};

// "unknown", "npy", "npz".
NPYGUARD_EXPORT std::string_view format_name(InputFormat format) noexcept;

// What validate_input found. Not a Result: a rejected input still has a format and, for an
// archive whose directory opened, a member list naming the member that was rejected.
struct NPYGUARD_EXPORT InputVerdict {
  InputFormat format = InputFormat::Unknown;
  // Why the input was rejected or could not be read (an Io error); none when it was accepted.
  std::optional<Error> error;
  // An accepted .npy.
  std::optional<NpyInfo> npy;
  // An .npz whose directory opened (also when one of its members was then rejected).
  std::optional<NpzArchive> archive;
  // Without a member visitor: one entry per archive member, in member order, holding its info
  // once it was validated (absent for skipped members and for members after a rejected one).
  std::vector<std::optional<NpyInfo>> member_infos;
  // When opening the archive failed with an error about one directory entry (Error::member):
  // that entry's name as stored, read again from the directory; raw bytes, possibly what the
  // reader refused (control characters, not UTF-8). Absent when it could not be read either.
  std::optional<std::string> failed_member_name;

  bool ok() const noexcept { return !error.has_value(); }
  // The name of the member `error` is about: from the archive's member list, else
  // failed_member_name; nullptr when there is none or the error is about no member.
  const std::string* error_member_name() const noexcept;
};

// Receives each archive member's info as soon as it is validated (the archive, the member's
// index, its info); a non-ok Status stops the walk and becomes the verdict's error. With a
// visitor, InputVerdict::member_infos stays empty, so memory does not grow with the member count.
using MemberInfoVisitor = std::function<Status(const NpzArchive&, size_t, NpyInfo&&)>;

// Validates a file named by path: opened once (read-only, regular files only), sniffed with
// pread, then validated like validate_npy_file or NpzArchive::open_file + validate_each
// (including the header budget of max_total_header_bytes).
NPYGUARD_EXPORT InputVerdict validate_input(const std::string& path, const Limits& limits = {},
                                            const MemberInfoVisitor& visit_member = {});
// The same for an open regular file: duplicated, never closed or moved (read with pread from
// offset 0); io_not_regular_file for a pipe or socket (use the stream overload), io_open_failed
// when `fd` is not an open descriptor.
NPYGUARD_EXPORT InputVerdict validate_input(int fd, const Limits& limits = {},
                                            const MemberInfoVisitor& visit_member = {});
// The same for a stream read once: an .npy is validated as it arrives (validate_npy_stream);
// an archive is spooled under NpzStreamScreen (NpzArchive::open_stream) and then validated.
NPYGUARD_EXPORT InputVerdict validate_input(InputStream& in, const Limits& limits = {},
                                            const MemberInfoVisitor& visit_member = {});

// What open_input found: an .npy loaded whole (validated), or an .npz opened (its directory
// validated; each member is validated when it is read).
struct OpenedInput {
  InputFormat format = InputFormat::Unknown;
  std::optional<Error> error;                     // as in InputVerdict
  std::optional<Array> array;                     // a loaded .npy
  std::optional<NpzArchive> archive;              // an opened .npz
  std::optional<std::string> failed_member_name;  // as in InputVerdict

  bool ok() const noexcept { return !error.has_value(); }
};

// Opens a file named by path. An .npy payload is read with pread into an owned buffer, never
// mapped, so the file may be replaced (even by this process's own output) while it is in use.
NPYGUARD_EXPORT OpenedInput open_input(const std::string& path, const Limits& limits = {});
// The same for an open regular file (see validate_input(int, ...)).
NPYGUARD_EXPORT OpenedInput open_input(int fd, const Limits& limits = {});
// The same for a stream read once (read_npy_stream, or NpzArchive::open_stream).
NPYGUARD_EXPORT OpenedInput open_input(InputStream& in, const Limits& limits = {});

}  // namespace npyguard
