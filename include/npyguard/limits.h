// SPDX-License-Identifier: Apache-2.0
// Limits: the one resource budget and policy set every reader takes, passed explicitly and never
// stored globally. The defaults (Limits{}, the same as Limits::untrusted_uploads()) are meant for
// untrusted uploads: they bound the work an input can cause by the input's own size (no header,
// directory or inflated archive can grow far beyond the bytes that were sent), and they refuse
// everything ambiguous. The memory limits (max_array_bytes, max_total_uncompressed) are set high
// enough for real data; a service should lower them to what it can hold. Each field says why it
// has its value. Object dtype rejection is deliberately not here: no setting can turn it off.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "npyguard/export.h"
#include "npyguard/result.h"

namespace npyguard {

struct NPYGUARD_EXPORT Limits {
  // Header characters, counted the way NumPy applies its max_header_size (_MAX_HEADER_SIZE,
  // 10,000): the length of the decoded header text, padding and newline included (bytes for
  // 1.0/2.0, which are latin-1; code points for 3.0, which is UTF-8), refused when greater. So
  // npyguard and np.load without allow_pickle refuse exactly the same header sizes.
  uint64_t max_header_chars = 10000;
  // Header text bytes (after the length field), checked before the header is read: this bounds
  // the memory and work of one header. 40,000 is the most bytes 10,000 UTF-8 characters can
  // take (4 each), so by default it never refuses a header max_header_chars accepts; a larger
  // header only ever describes a huge structured dtype.
  uint64_t max_header_bytes = 40000;
  // Dimensions of the shape. NumPy 2.x allows 64 (1.x: 32); more can only be hostile.
  uint32_t max_ndim = 64;
  // Decimal digits in one dimension or subarray size. 19 digits hold any int64 (NumPy's npy_intp).
  uint32_t max_dim_digits = 19;
  // Payload bytes of one array. 16 GiB by default: enough for real data, and more memory than
  // most services can spare, so a service should lower it to what it is prepared to hold. Every
  // element counts at least one byte, so an array of a type of size 0 (|S0, |V0, a record
  // without fields), which costs nothing to send and everything to iterate, holds at most this
  // many.
  uint64_t max_array_bytes = uint64_t{16} << 30;
  // Nesting depth of structured dtypes (records in records, subarrays of records). NumPy itself
  // recurses without a limit; 32 levels is far beyond any real schema.
  uint32_t max_dtype_depth = 32;
  // Field entries across all nesting levels of a structured dtype, NumPy's ('', '|V<n>') padding
  // entries included: each one is parsing work, whether or not it becomes a field.
  uint32_t max_fields = 4096;
  // Members of an .npz archive.
  uint32_t max_members = 10000;
  // Bytes of one member name in an .npz archive.
  uint32_t max_member_name_bytes = 1024;
  // Sum of uncompressed member sizes in an .npz archive: the absolute cap, whatever the
  // archive's size (the amplification budget below is relative to it).
  uint64_t max_total_uncompressed = uint64_t{64} << 30;
  // The amplification budget: the sum of the members' uncompressed sizes (the sum capped by
  // max_total_uncompressed, skipped members included) may be at most
  //   max(amplification_floor_bytes, max_amplification_factor x archive bytes),
  // checked on the declared sizes when the archive is opened, before anything is inflated.
  // Archive bytes are the input's real size (file size, span size, the copy of standard input),
  // so nothing the archive declares can raise the budget. Why: a ratio per member cannot tell a
  // bomb from real data. DEFLATE tops out near 1032:1, which zeros reach and real archives come
  // close to (735:1 on 51 MB members of sparse matrices), so max_compression_ratio only catches
  // archives that lie about their sizes, and a 4 MB upload that honestly inflates to 4 GiB passes
  // every per-member check. The budget bounds what a reader can be made to produce by what the
  // sender had to send. The floor, 1 GiB, lets every small archive through however well it
  // compresses: DEFLATE needs about 1 MB to make 1 GiB, so only larger archives can be refused.
  // The factor, 64, is a sixteenth of a bomb's ratio: a 16 MB archive may inflate to 1 GiB, a
  // 1 GiB one to 64 GiB (where max_total_uncompressed takes over). Real data that compresses
  // better than 64:1 as a whole and inflates beyond 1 GiB (large, mostly empty or constant
  // arrays) needs a higher factor or floor: CLI --max-amplification, --amplification-floor.
  uint64_t amplification_floor_bytes = uint64_t{1} << 30;
  // A factor of 0 makes the floor the whole budget, whatever the archive's size; validate()
  // refuses a floor and a factor both 0 (a budget of 0 bytes refuses every archive holding
  // data). A factor of max_compression_ratio or more never refuses an archive the other checks
  // accept (each member may declare at most that multiple of its compressed bytes, which must
  // lie inside the archive); it only changes the error code of one that lies about its sizes.
  uint32_t max_amplification_factor = 64;
  // Sum of the members' header lengths when a whole archive is validated or loaded at once
  // (validate_all, validate_each, read_all). Every member's parsed dtype is held at the same
  // time there (about 12 bytes of memory per header byte for a wide record), so this, not
  // max_members x max_header_bytes (400 MB of headers), bounds that memory. 8 MiB is 65,000
  // headers of NumPy's usual 128 bytes.
  uint64_t max_total_header_bytes = uint64_t{8} << 20;
  // Bytes of an archive read from a stream (NpzStreamScreen; the CLI's standard input, which is
  // copied to a temporary file because ZIP is read from its end). 1 GiB keeps a stream from
  // filling the temporary directory; pass larger archives as files, or raise it.
  uint64_t max_streamed_archive_bytes = uint64_t{1} << 30;
  // Uncompressed/compressed ratio of one deflate member. DEFLATE cannot exceed about 1032:1, so
  // this only catches members that lie about their sizes, or matters when lowered; an honest
  // bomb is the amplification budget's to refuse.
  uint32_t max_compression_ratio = 1100;

  // .npz members must match at least one of these RE2 patterns (full match on the member name,
  // e.g. "arr_[0-9]+\\.npy"); empty accepts every name. RE2 runs in linear time, so a pattern
  // from configuration can never make the reader hang.
  std::vector<std::string> member_patterns;
  // Skip .npz members whose names do not end in .npy instead of refusing the archive (NumPy would
  // hand them back as raw bytes of unbounded size).
  bool skip_non_npy_members = false;

  // Accept Fortran-ordered payloads.
  bool allow_fortran_order = true;
  // Accept big-endian multi-byte types.
  bool allow_big_endian = true;
  // Accept structured (record) dtypes.
  bool allow_structured = true;
  // Require the payload to start on a 64-byte boundary, as NumPy >= 1.14 writes it. Off by
  // default because NumPy before 1.14 aligned to 16 and its files are still valid.
  bool strict_alignment = false;
  // Accept bytes after the payload (NumPy ignores them; npyguard refuses them by default because
  // hidden appended data is how polyglot files are built).
  bool allow_trailing_data = false;
  // A bool array holding bytes other than 0/1 is undefined behaviour to read as C++ bool. When
  // true such bytes are rewritten to 1 in an owned copy instead of being rejected.
  bool normalize_bool = false;
  // Accept U (UCS-4) strings holding code points above U+10FFFF or surrogates.
  bool allow_invalid_unicode = false;

  // Canned settings, as RE2::Options has its CannedOptions. untrusted_uploads() is exactly the
  // defaults (Limits{} == Limits::untrusted_uploads()), for files from anyone; lower its memory
  // limits to what the service can hold.
  static Limits untrusted_uploads() noexcept;
  // For files the caller trusts (its own outputs, a local dataset): only resource limits are
  // raised (arrays up to 1 TiB, archives up to 16 TiB uncompressed, the amplification budget
  // off, 64 GiB on standard input). Policy stays as it is: object dtypes, trailing data,
  // invalid bool bytes and invalid Unicode are refused, and the header limits stay NumPy's, so
  // every file accepted still loads with np.load(allow_pickle=False). Bad bytes are still
  // refused with an error; what grows is only what a reader may be asked to hold or produce.
  static Limits trusted_local_files() noexcept;
  // Small enough that no fuzz input can exhaust memory or time.
  static Limits for_fuzzing() noexcept;
  // Rejects settings that make no sense (zero header bytes, ratio 0, ...). Member patterns are
  // compiled, and a bad one refused, where they are used: when an archive opens, or beforehand
  // with validate_member_patterns() (npz.h).
  Status validate() const;
  // The amplification budget for an archive of `archive_bytes` bytes: max(floor, factor x
  // archive_bytes), or UINT64_MAX when the product overflows (no sum of sizes can exceed it).
  uint64_t amplification_budget(uint64_t archive_bytes) const noexcept;

  bool operator==(const Limits&) const = default;
};

}  // namespace npyguard
