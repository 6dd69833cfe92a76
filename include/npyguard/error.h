// Error vocabulary of npyguard: stable codes, categories and the Error value every failing call
// returns. Trust boundary: none (plain data). Codes are grouped in ranges (1xx container, 2xx
// header grammar, 3xx dtype, 4xx shape/payload, 5xx zip, 6xx inflate, 7xx limits, 8xx I/O,
// 9xx internal). A value, once published, never changes meaning and is never reused; new codes go
// at the end of their range. SECURITY.md lists every code with its name.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace npyguard {

enum class ErrorCode : uint16_t {
  // 1xx: magic, version, container framing.
  BadMagic = 101,            // bad_magic
  UnsupportedVersion = 102,  // unsupported_version
  TruncatedPreamble = 103,   // truncated_preamble
  TruncatedHeader = 104,     // truncated_header

  // 2xx: the header text grammar.
  HeaderSyntax = 201,          // header_syntax
  HeaderBadString = 202,       // header_bad_string
  HeaderBadInteger = 203,      // header_bad_integer
  HeaderUnknownKey = 204,      // header_unknown_key
  HeaderMissingKey = 205,      // header_missing_key
  HeaderDuplicateKey = 206,    // header_duplicate_key
  HeaderBadValue = 207,        // header_bad_value
  NegativeDimension = 208,     // negative_dimension
  HeaderNulByte = 209,         // header_nul_byte
  HeaderInvalidUtf8 = 210,     // header_invalid_utf8
  HeaderBadTerminator = 211,   // header_bad_terminator
  HeaderTooDeep = 212,         // header_too_deep
  HeaderNonAsciiOutsideString = 213,  // header_non_ascii

  // 3xx: dtype (descr) semantics.
  ObjectDtype = 301,           // object_dtype
  DtypeUnknownType = 302,      // dtype_unknown_type
  DtypeBadSize = 303,          // dtype_bad_size
  DtypeNonCanonical = 304,     // dtype_non_canonical
  DtypeBadByteOrder = 305,     // dtype_bad_byte_order
  DtypeBadDatetimeUnit = 306,  // dtype_bad_datetime_unit
  DtypeItemsizeOverflow = 307, // dtype_itemsize_overflow
  DtypeDuplicateField = 308,   // dtype_duplicate_field
  DtypeEmptyFieldName = 309,   // dtype_empty_field_name
  DtypeTopLevelSubarray = 310, // dtype_top_level_subarray
  DtypeBadField = 311,         // dtype_bad_field

  // 4xx: shape, layout and payload.
  PayloadTruncated = 401,       // payload_truncated
  TrailingData = 402,           // trailing_data
  SizeOverflow = 403,           // size_overflow
  InvalidBool = 404,            // invalid_bool
  InvalidUnicode = 405,         // invalid_unicode
  TypeMismatch = 406,           // type_mismatch
  IndexOutOfRange = 407,        // index_out_of_range
  FieldNotFound = 408,          // field_not_found
  UnalignedHeader = 409,        // unaligned_header
  ArraySizeMismatch = 410,      // array_size_mismatch

  // 5xx: zip structure (the .npz reader).
  ZipNoEndRecord = 501,          // zip_no_end_record
  ZipAmbiguousEndRecord = 502,   // zip_ambiguous_end_record
  ZipBadEndRecord = 503,         // zip_bad_end_record
  ZipMultiDisk = 504,            // zip_multi_disk
  ZipBadZip64 = 505,             // zip_bad_zip64
  ZipDirectoryOutOfBounds = 506, // zip_directory_out_of_bounds
  ZipEntryCountMismatch = 507,   // zip_entry_count_mismatch
  ZipBadCentralEntry = 508,      // zip_bad_central_entry
  ZipBadExtraField = 509,        // zip_bad_extra_field
  ZipLocalHeaderMismatch = 510,  // zip_local_header_mismatch
  ZipBadLocalHeader = 511,       // zip_bad_local_header
  ZipBadDataDescriptor = 512,    // zip_bad_data_descriptor
  ZipEncrypted = 513,            // zip_encrypted
  ZipUnsupportedMethod = 514,    // zip_unsupported_method
  ZipDuplicateName = 515,        // zip_duplicate_name
  ZipOverlappingEntries = 516,   // zip_overlapping_entries
  ZipUnsafeName = 517,           // zip_unsafe_name
  ZipNotNpyMember = 518,         // zip_not_npy_member
  ZipMemberNotFound = 519,       // zip_member_not_found
  ZipMemberNameRejected = 520,   // zip_member_name_rejected
  ZipUnknownFlags = 521,         // zip_unknown_flags
  ZipVersionTooNew = 522,        // zip_version_too_new
  ZipPrependedData = 523,        // zip_prepended_data
  ZipUnaccountedBytes = 524,     // zip_unaccounted_bytes
  ZipStoredSizeMismatch = 525,   // zip_stored_size_mismatch
  ZipMemberSizeMismatch = 526,   // zip_member_size_mismatch
  ZipBadMemberPattern = 527,     // zip_bad_member_pattern
  ZipKeyShadowsMember = 528,     // zip_key_shadows_member

  // 6xx: inflate and checksums (the .npz reader).
  InflateCorrupt = 601,    // inflate_corrupt
  InflateTruncated = 602,  // inflate_truncated
  InflateOverrun = 603,    // inflate_overrun
  CrcMismatch = 604,       // crc_mismatch

  // 7xx: a configured limit or policy toggle refused the input.
  HeaderTooLarge = 701,          // header_too_large
  TooManyDimensions = 702,       // too_many_dimensions
  ArrayTooLarge = 703,           // array_too_large
  DtypeTooDeep = 704,            // dtype_too_deep
  TooManyFields = 705,           // too_many_fields
  DimensionTooManyDigits = 706,  // dimension_too_many_digits
  FortranOrderNotAllowed = 707,  // fortran_order_not_allowed
  BigEndianNotAllowed = 708,     // big_endian_not_allowed
  StructuredNotAllowed = 709,    // structured_not_allowed
  InvalidLimits = 710,           // invalid_limits
  TooManyMembers = 711,          // too_many_members
  MemberNameTooLong = 712,       // member_name_too_long
  TotalUncompressedTooLarge = 713,  // total_uncompressed_too_large
  CompressionRatioExceeded = 714,   // compression_ratio_exceeded
  DirectoryTooLarge = 715,       // directory_too_large
  TotalHeaderTooLarge = 716,     // total_header_too_large
  StreamedArchiveTooLarge = 717, // streamed_archive_too_large
  ArchiveAmplificationExceeded = 718,  // archive_amplification_exceeded

  // 8xx: I/O.
  IoOpenFailed = 801,   // io_open_failed
  IoReadFailed = 802,   // io_read_failed
  IoNotRegularFile = 803,  // io_not_regular_file
  IoFileChanged = 804,  // io_file_changed
  IoWriteFailed = 805,  // io_write_failed
  IoSameFile = 806,     // io_same_file
  WriterFailed = 807,   // writer_failed
  OutputRejected = 808, // output_rejected

  // 9xx: internal.
  Internal = 901,     // internal
  OutOfMemory = 902,  // out_of_memory
};

// What kind of failure a code is; scripts branch on this rather than on individual codes.
enum class ErrorCategory : uint8_t {
  Malformed,       // the bytes break the format
  Unsupported,     // well-formed but outside what npyguard reads
  PolicyRejected,  // well-formed, deliberately refused (object dtype)
  LimitExceeded,   // a configured limit or toggle refused it
  Io,              // the input could not be read
  Internal,        // a bug or resource exhaustion in npyguard itself
};

// Sentinel for Error::member when the error is not inside an npz member.
inline constexpr uint32_t kNoMember = 0xFFFFFFFFu;

// A plain value, copied in every failing Result: nothing in it is owned, so making one never
// allocates. The numbers a site knew (a size and the limit it broke, the count found and the
// count required) travel as integers and are spelled out only when the error is rendered.
struct Error {
  ErrorCode code;
  // Byte offset where the problem was found: file-absolute for .npy and ZIP structures,
  // member-relative (uncompressed) inside an npz member. Meaningless (and left 0) for codes
  // where error_has_offset() is false: I/O, configuration and API-misuse errors.
  uint64_t offset = 0;
  // Index of the npz member the error is in, or kNoMember.
  uint32_t member = kNoMember;
  // Static text naming the precise rule that failed; never owned, never null. It may name the
  // numbers below by placeholder, which describe() and render_detail() replace with decimals:
  //   {found}     `found`: what the input holds there (a size, a count, a major version)
  //   {expected}  `bound`: what the format requires in its place
  //   {limit}     `bound`: the configured limit the input went past
  //   {minor}     `bound`: the minor version after a major one ("version {found}.{minor}")
  // A number belongs to the error exactly when its detail names it (error_facts()), so a site
  // cannot set a number and forget to say what it means. Any other '{' is literal text.
  const char* detail = "";
  uint64_t found = 0;
  uint64_t bound = 0;
  // errno of the system call that failed (Io errors from files), or 0. Rendered after the
  // detail as the system's text ("no such file or directory").
  int os_errno = 0;
};

// Stable snake_case identifier ("object_dtype"); "unknown_error" for values not in the table.
std::string_view error_name(ErrorCode code) noexcept;
// One-sentence human explanation of the code.
std::string_view error_message(ErrorCode code) noexcept;
ErrorCategory error_category(ErrorCode code) noexcept;
std::string_view category_name(ErrorCategory category) noexcept;
// Whether Error::offset means a place in the input for this code: false for I/O errors (an
// open or a read failed, wherever it was), bad Limits or member patterns, API misuse (a wrong
// type, index or field name asked for), output_rejected (the offset would be in an output that
// was never written) and internal errors; true for every code about the input's bytes.
bool error_has_offset(ErrorCode code) noexcept;

// The numbers an error's detail names; each is absent when the detail does not name it.
struct ErrorFacts {
  std::optional<uint64_t> found;
  std::optional<uint64_t> expected;
  std::optional<uint64_t> limit;
};
ErrorFacts error_facts(const Error& error) noexcept;

// The detail with its placeholders filled in, followed by ": <system error text>" when
// os_errno is set ("fstat() failed: input/output error"); empty when there is neither.
std::string render_detail(const Error& error);

// "<name>: <message>: <rendered detail> (offset N)" for logs and the CLI. The ": <detail>" part
// is left out when render_detail() is empty, the parenthesis when there is no meaningful offset
// (error_has_offset()) and no location.
std::string describe(const Error& error);
// The same with a location before the offset: "... (member 'x.npy', offset N)" for
// location "member 'x.npy'". The caller formats (and escapes) the location.
std::string describe(const Error& error, std::string_view location);

// Every code in the table, in numeric order (for documentation and meta-tests).
std::span<const ErrorCode> all_error_codes() noexcept;

}  // namespace npyguard
