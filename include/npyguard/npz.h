// SPDX-License-Identifier: Apache-2.0
// Reading .npz archives (ZIP files of .npy members, as numpy.savez and savez_compressed write
// them) from memory, a file, a descriptor or a stream. The archive's directory is validated completely when it is opened;
// member data is decompressed only when read or validated, always capped at the size the member
// declares and checked against its CRC-32. Every member goes through the same strict npy reader.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "npyguard/export.h"
#include "npyguard/input_stream.h"
#include "npyguard/limits.h"
#include "npyguard/npy.h"
#include "npyguard/result.h"

namespace npyguard {

enum class NpzMethod : uint16_t {
  Stored = 0,
  Deflate = 8,
};

struct NpzMember {
  std::string name;  // as stored in the archive, UTF-8 ("arr_0.npy")
  std::string key;   // the name NumPy gives it: without the ".npy" suffix ("arr_0")
  NpzMethod method = NpzMethod::Stored;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint32_t crc32 = 0;
  uint64_t local_header_offset = 0;
  uint64_t data_offset = 0;
  bool skipped = false;  // not a .npy member, skipped under Limits::skip_non_npy_members
};

// True when `prefix` starts like a ZIP archive (a local header or an empty archive's end record),
// which is how NumPy's np.load tells .npz from .npy.
NPYGUARD_EXPORT bool looks_like_npz(std::span<const std::byte> prefix) noexcept;

// Compiles `patterns` as NpzArchive::open will (RE2, full match): zip_bad_member_pattern names
// the first that is not valid RE2. For checking configuration before any archive arrives.
NPYGUARD_EXPORT Status validate_member_patterns(std::span<const std::string> patterns);

// The name central-directory entry `index` of an archive has, as stored: for naming the member
// an error from NpzArchive::open/open_file is about, since such errors (which carry the entry's
// index in Error::member) come before members() exists. Reads only the end records and the
// central entries up to `index`, with the memory open() would use. The name is the raw bytes
// and may be what open() refused (control characters, not UTF-8). An error when the entry's
// own header cannot be read or its name is longer than max_member_name_bytes.
NPYGUARD_EXPORT Result<std::string> npz_entry_name(std::span<const std::byte> bytes, uint32_t index,
                                                   const Limits& limits = {});
NPYGUARD_EXPORT Result<std::string> npz_entry_name(const std::string& path, uint32_t index,
                                                   const Limits& limits = {});
// The same for an open regular file (read with pread from offset 0; the descriptor is not kept).
NPYGUARD_EXPORT Result<std::string> npz_entry_name(int fd, uint32_t index,
                                                   const Limits& limits = {});

// Screens an archive arriving as a stream (standard input, an upload in transit) record by
// record, so that a caller copying it somewhere seekable can stop as soon as the bytes cannot be
// an archive NpzArchive accepts, instead of copying until a size cap. The reader requires the
// records to tile the archive from its first byte, so the place of every record is known in
// advance. Apart from its size cap it never refuses what NpzArchive::open accepts under the same
// limits (its error code for a refused archive may differ from the reader's, which sees the
// directory first); accepting proves nothing (the copy must still be opened). Members with a
// data descriptor or ZIP64 local sizes end the screening: their data length is not in the local
// header, and the rest of the stream is only counted.
class NPYGUARD_EXPORT NpzStreamScreen {
 public:
  explicit NpzStreamScreen(const Limits& limits = {}) noexcept;
  // The next bytes of the stream. An error (offset in the stream) once they cannot belong to an
  // archive the reader accepts, or once the stream is longer than
  // Limits::max_streamed_archive_bytes; every later call returns the same error.
  Status feed(std::span<const std::byte> bytes);
  // The end of the stream: an error when it ended anywhere but right after the end record and
  // its comment.
  Status finish();
  uint64_t bytes_seen() const noexcept { return offset_; }

 private:
  enum class Record : uint8_t { Start, Local, Central, Zip64End, Zip64Locator, End };
  enum class Phase : uint8_t { Signature, Fixed, Skip, Done, Unscreened, Failed };
  Status fail(ErrorCode code, uint64_t at, const char* detail, uint64_t found = 0,
              uint64_t bound = 0);
  Status begin_record();
  Status end_fixed_part();

  static constexpr size_t kSignatureSize = 4;
  static constexpr size_t kLongestFixedPart = 56;  // the ZIP64 end record
  uint32_t max_members_;
  uint32_t max_name_bytes_;
  uint64_t max_bytes_;
  Phase phase_ = Phase::Signature;
  Record last_ = Record::Start;  // the last record completed (or begun, while in Fixed/Skip)
  std::array<std::byte, kLongestFixedPart> fixed_{};
  size_t fixed_have_ = 0;
  size_t fixed_need_ = kSignatureSize;  // the signature comes first
  uint64_t record_start_ = 0;
  uint64_t skip_left_ = 0;
  uint64_t offset_ = 0;
  uint64_t local_headers_ = 0;
  uint64_t central_headers_ = 0;
  Error error_{.code = ErrorCode::Internal};
};

class NPYGUARD_EXPORT NpzArchive {
 public:
  // Validates the whole directory: end records, ZIP64, central entries, local headers, names,
  // overlaps, sizes, limits. Errors about one entry carry its index in Error::member.
  // From memory: the archive reads `bytes` whenever a member is read, so keep them alive and
  // unchanged for as long as the NpzArchive (or a copy) is used.
  static Result<NpzArchive> open(std::span<const std::byte> bytes, const Limits& limits = {});
  // From a path: opened read-only, read with pread (never mapped), so memory stays bounded.
  static Result<NpzArchive> open_file(const std::string& path, const Limits& limits = {});
  // From an open descriptor of a regular file (io_not_regular_file for a pipe, a socket, a
  // directory: use open_stream for those; io_open_failed when `fd` is not open). The archive
  // keeps its own duplicate (F_DUPFD_CLOEXEC), so the caller may close `fd` at once, and reads
  // with pread from offset 0: the descriptor's file position is neither used nor moved.
  static Result<NpzArchive> open_fd(int fd, const Limits& limits = {});
  // From a stream read once to its end (standard input, a pipe, an upload): ZIP is read from its
  // end record, so the bytes are copied first into an anonymous temporary file ($TMPDIR or /tmp,
  // never linked into the file system, gone with the last copy of the archive). The copy goes
  // through NpzStreamScreen: it stops at the first byte that cannot belong to an archive this
  // reader accepts, or past Limits::max_streamed_archive_bytes (streamed_archive_too_large).
  static Result<NpzArchive> open_stream(InputStream& in, const Limits& limits = {});

  const std::vector<NpzMember>& members() const noexcept;
  // The member with this name or key ("x" finds "x.npy"), or nullptr.
  const NpzMember* find(std::string_view name_or_key) const noexcept;

  // Decompresses and reads one member into an owned Array. Errors inside the member carry its
  // index in Error::member and member-relative (uncompressed) offsets.
  Result<Array> read(std::string_view name_or_key) const;
  Result<Array> read(size_t index) const;
  // Loads every member that is not skipped, in member order, up to `threads` members at a time
  // (0: one per core): a multi-member deflate archive inflates on every core. The result is the
  // same as calling read() on each member in order: the arrays, or the first error in member
  // order, where the members' header lengths together may not exceed
  // Limits::max_total_header_bytes (total_header_too_large, as for validate_all).
  Result<std::vector<Array>> read_all(unsigned threads = 0) const;
  // read_all's verdict with one member in memory at a time: each array goes to `visit` (index,
  // array) as soon as it is read; a non-ok Status from `visit` stops the walk and is returned.
  Status read_each(const std::function<Status(size_t, Array&&)>& visit) const;
  // Reads one member's payload into a caller's buffer, like read_npy_file_into (same options,
  // same size rule): the member is inflated or copied straight into `out`, and its end (exact
  // size, CRC-32) is verified before this returns.
  Result<NpyInfo> read_into(size_t index, std::span<std::byte> out, IntoOptions options = {}) const;
  // Validates one member without keeping it: memory stays bounded whatever its size.
  Result<NpyInfo> validate(size_t index) const;
  // Validates every member that is not skipped, in order; stops at the first error. The
  // members' header lengths together may not exceed Limits::max_total_header_bytes
  // (total_header_too_large), which bounds the memory of the infos returned; read_all holds
  // every dtype at once too and is bounded the same way.
  Result<std::vector<NpyInfo>> validate_all() const;
  // The same verdict, keeping nothing: each member's info goes to `visit` (index, info) as soon
  // as it is validated, and a non-ok Status from `visit` stops the walk and is returned.
  Status validate_each(const std::function<Status(size_t, NpyInfo&&)>& visit) const;

  struct State;

 private:
  explicit NpzArchive(std::shared_ptr<const State> state) noexcept : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace npyguard
