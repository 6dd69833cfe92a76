// The single table behind error_name/error_message/error_category. Trust boundary: none. Adding a
// code means adding a row here, a line in SECURITY.md and a test that produces it.
#include "npyguard/error.h"

#include <string.h>  // strerror_r

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace npyguard {
namespace {

// Whether an error's offset points into the input (see error_has_offset()).
enum class OffsetMeaning : bool { None = false, InInput = true };

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  ErrorCategory category;
  std::string_view message;
  OffsetMeaning offset = OffsetMeaning::InInput;
};

constexpr OffsetMeaning kNoOffset = OffsetMeaning::None;

using C = ErrorCategory;

constexpr std::array kErrorTable = {
    ErrorInfo{ErrorCode::BadMagic, "bad_magic", C::Malformed,
              "not a .npy file: the first six bytes are not \\x93NUMPY"},
    ErrorInfo{ErrorCode::UnsupportedVersion, "unsupported_version", C::Unsupported,
              "unsupported .npy format version (only 1.0, 2.0 and 3.0 exist)"},
    ErrorInfo{ErrorCode::TruncatedPreamble, "truncated_preamble", C::Malformed,
              "the file ends inside the magic, version or header length"},
    ErrorInfo{ErrorCode::TruncatedHeader, "truncated_header", C::Malformed,
              "the file ends before the header length it declares"},

    ErrorInfo{ErrorCode::HeaderSyntax, "header_syntax", C::Malformed,
              "the header is not a dict literal of the accepted grammar"},
    ErrorInfo{ErrorCode::HeaderBadString, "header_bad_string", C::Malformed,
              "malformed string literal in the header"},
    ErrorInfo{ErrorCode::HeaderBadInteger, "header_bad_integer", C::Malformed,
              "malformed integer in the header (only plain decimal digits are accepted)"},
    ErrorInfo{ErrorCode::HeaderUnknownKey, "header_unknown_key", C::Malformed,
              "the header has a key other than descr, fortran_order and shape"},
    ErrorInfo{ErrorCode::HeaderMissingKey, "header_missing_key", C::Malformed,
              "the header lacks one of descr, fortran_order and shape"},
    ErrorInfo{ErrorCode::HeaderDuplicateKey, "header_duplicate_key", C::Malformed,
              "a header key appears twice (readers disagree on which one wins)"},
    ErrorInfo{ErrorCode::HeaderBadValue, "header_bad_value", C::Malformed,
              "a header value has the wrong type"},
    ErrorInfo{ErrorCode::NegativeDimension, "negative_dimension", C::Malformed,
              "a dimension in the shape is negative"},
    ErrorInfo{ErrorCode::HeaderNulByte, "header_nul_byte", C::Malformed,
              "the header contains a NUL byte"},
    ErrorInfo{ErrorCode::HeaderInvalidUtf8, "header_invalid_utf8", C::Malformed,
              "a version 3.0 header is not valid UTF-8"},
    ErrorInfo{ErrorCode::HeaderBadTerminator, "header_bad_terminator", C::Malformed,
              "the header has a newline before its end (only the last byte may be one)"},
    ErrorInfo{ErrorCode::HeaderTooDeep, "header_too_deep", C::LimitExceeded,
              "the header nests brackets deeper than the parser allows"},
    ErrorInfo{ErrorCode::HeaderNonAsciiOutsideString, "header_non_ascii", C::Malformed,
              "a non-ASCII or control byte appears outside a string literal"},

    ErrorInfo{ErrorCode::ObjectDtype, "object_dtype", C::PolicyRejected,
              "object dtype: loading it would need pickle, which npyguard never does"},
    ErrorInfo{ErrorCode::DtypeUnknownType, "dtype_unknown_type", C::Unsupported,
              "unknown type code in the descr"},
    ErrorInfo{ErrorCode::DtypeBadSize, "dtype_bad_size", C::Malformed,
              "the descr gives a size that type does not have"},
    ErrorInfo{ErrorCode::DtypeNonCanonical, "dtype_non_canonical", C::Unsupported,
              "the descr is a NumPy alias or shorthand, not the canonical type string NumPy "
              "writes (e.g. '<f8')"},
    ErrorInfo{ErrorCode::DtypeBadByteOrder, "dtype_bad_byte_order", C::Malformed,
              "the descr's byte order is missing, native ('='), or wrong for the type"},
    ErrorInfo{ErrorCode::DtypeBadDatetimeUnit, "dtype_bad_datetime_unit", C::Malformed,
              "malformed datetime64/timedelta64 unit"},
    ErrorInfo{ErrorCode::DtypeItemsizeOverflow, "dtype_itemsize_overflow", C::Malformed,
              "the item size of the dtype overflows"},
    ErrorInfo{ErrorCode::DtypeDuplicateField, "dtype_duplicate_field", C::Malformed,
              "two fields (or a field and a title) of a structured dtype share a name"},
    ErrorInfo{ErrorCode::DtypeEmptyFieldName, "dtype_empty_field_name", C::Malformed,
              "a structured field has an empty name but is not padding"},
    ErrorInfo{ErrorCode::DtypeTopLevelSubarray, "dtype_top_level_subarray", C::Unsupported,
              "a subarray descr at the top level (NumPy never writes one and folds it into the "
              "shape)"},
    ErrorInfo{ErrorCode::DtypeBadField, "dtype_bad_field", C::Malformed,
              "a structured field is not a (name, descr) or (name, descr, shape) tuple"},

    ErrorInfo{ErrorCode::PayloadTruncated, "payload_truncated", C::Malformed,
              "the data ends before the size the header declares"},
    ErrorInfo{ErrorCode::TrailingData, "trailing_data", C::Malformed,
              "bytes follow the array data"},
    ErrorInfo{ErrorCode::SizeOverflow, "size_overflow", C::Malformed,
              "the shape times the item size overflows 64 bits"},
    ErrorInfo{ErrorCode::InvalidBool, "invalid_bool", C::Malformed,
              "a bool element holds a byte other than 0 or 1"},
    ErrorInfo{ErrorCode::InvalidUnicode, "invalid_unicode", C::Malformed,
              "a U string holds a surrogate or a code point above U+10FFFF"},
    ErrorInfo{ErrorCode::TypeMismatch, "type_mismatch", C::Unsupported,
              "the requested C++ type does not match the array's dtype and byte order", kNoOffset},
    ErrorInfo{ErrorCode::IndexOutOfRange, "index_out_of_range", C::Unsupported,
              "an index is outside the array's shape", kNoOffset},
    ErrorInfo{ErrorCode::FieldNotFound, "field_not_found", C::Unsupported,
              "the structured dtype has no field of that name", kNoOffset},
    ErrorInfo{ErrorCode::UnalignedHeader, "unaligned_header", C::LimitExceeded,
              "the data does not start on a 64-byte boundary (strict_alignment)"},
    ErrorInfo{ErrorCode::ArraySizeMismatch, "array_size_mismatch", C::Unsupported,
              "a caller's buffer is not the size the array needs (shape x itemsize)", kNoOffset},

    ErrorInfo{ErrorCode::ZipNoEndRecord, "zip_no_end_record", C::Malformed,
              "no end-of-central-directory record where a ZIP archive must have one"},
    ErrorInfo{ErrorCode::ZipAmbiguousEndRecord, "zip_ambiguous_end_record", C::Malformed,
              "more than one end-of-central-directory record (readers would disagree)"},
    ErrorInfo{ErrorCode::ZipBadEndRecord, "zip_bad_end_record", C::Malformed,
              "the end-of-central-directory record is inconsistent"},
    ErrorInfo{ErrorCode::ZipMultiDisk, "zip_multi_disk", C::Unsupported,
              "multi-disk (split) archives are not accepted"},
    ErrorInfo{ErrorCode::ZipBadZip64, "zip_bad_zip64", C::Malformed,
              "the ZIP64 end record or locator is missing, truncated or disagrees with the "
              "32-bit record"},
    ErrorInfo{ErrorCode::ZipDirectoryOutOfBounds, "zip_directory_out_of_bounds", C::Malformed,
              "the central directory lies outside the archive or not right before its end "
              "record"},
    ErrorInfo{ErrorCode::ZipEntryCountMismatch, "zip_entry_count_mismatch", C::Malformed,
              "the entry count disagrees with the entries in the central directory"},
    ErrorInfo{ErrorCode::ZipBadCentralEntry, "zip_bad_central_entry", C::Malformed,
              "malformed central directory entry"},
    ErrorInfo{ErrorCode::ZipBadExtraField, "zip_bad_extra_field", C::Malformed,
              "malformed or truncated extra field (ZIP64 information)"},
    ErrorInfo{ErrorCode::ZipLocalHeaderMismatch, "zip_local_header_mismatch", C::Malformed,
              "the local header disagrees with the central directory (archive smuggling)"},
    ErrorInfo{ErrorCode::ZipBadLocalHeader, "zip_bad_local_header", C::Malformed,
              "malformed local file header, or one pointing outside the archive"},
    ErrorInfo{ErrorCode::ZipBadDataDescriptor, "zip_bad_data_descriptor", C::Malformed,
              "the data descriptor is missing or disagrees with the central directory"},
    ErrorInfo{ErrorCode::ZipEncrypted, "zip_encrypted", C::Unsupported,
              "encrypted archive members are not accepted"},
    ErrorInfo{ErrorCode::ZipUnsupportedMethod, "zip_unsupported_method", C::Unsupported,
              "compression method other than stored (0) or deflate (8)"},
    ErrorInfo{ErrorCode::ZipDuplicateName, "zip_duplicate_name", C::Malformed,
              "two members share a name, or collide once '.npy' is stripped"},
    ErrorInfo{ErrorCode::ZipOverlappingEntries, "zip_overlapping_entries", C::Malformed,
              "member byte ranges overlap each other or the central directory (zip bomb)"},
    ErrorInfo{ErrorCode::ZipUnsafeName, "zip_unsafe_name", C::PolicyRejected,
              "unsafe member name (empty, absolute, '..', backslash, NUL or control "
              "characters, or not valid UTF-8)"},
    ErrorInfo{ErrorCode::ZipNotNpyMember, "zip_not_npy_member", C::PolicyRejected,
              "a member whose name does not end in .npy (NumPy would hand back raw bytes)"},
    ErrorInfo{ErrorCode::ZipMemberNotFound, "zip_member_not_found", C::Unsupported,
              "no member of that name", kNoOffset},
    ErrorInfo{ErrorCode::ZipMemberNameRejected, "zip_member_name_rejected", C::PolicyRejected,
              "a member name does not match the allowed member patterns"},
    ErrorInfo{ErrorCode::ZipUnknownFlags, "zip_unknown_flags", C::Unsupported,
              "unknown or reserved general-purpose flag bits"},
    ErrorInfo{ErrorCode::ZipVersionTooNew, "zip_version_too_new", C::Unsupported,
              "the entry needs a ZIP version above 4.5 to extract"},
    ErrorInfo{ErrorCode::ZipPrependedData, "zip_prepended_data", C::Malformed,
              "bytes before the first local header (self-extractor or polyglot)"},
    ErrorInfo{ErrorCode::ZipUnaccountedBytes, "zip_unaccounted_bytes", C::Malformed,
              "bytes between members that belong to no member"},
    ErrorInfo{ErrorCode::ZipStoredSizeMismatch, "zip_stored_size_mismatch", C::Malformed,
              "a stored member's compressed and uncompressed sizes differ"},
    ErrorInfo{ErrorCode::ZipMemberSizeMismatch, "zip_member_size_mismatch", C::Malformed,
              "a member's size differs from what its own .npy header declares"},
    ErrorInfo{ErrorCode::ZipBadMemberPattern, "zip_bad_member_pattern", C::Internal,
              "a member-name pattern is not a valid RE2 regular expression", kNoOffset},
    ErrorInfo{ErrorCode::ZipKeyShadowsMember, "zip_key_shadows_member", C::Malformed,
              "a member's key is another member's full name, so NumPy would load a different "
              "member under that key"},

    ErrorInfo{ErrorCode::InflateCorrupt, "inflate_corrupt", C::Malformed,
              "the deflate data is corrupt"},
    ErrorInfo{ErrorCode::InflateTruncated, "inflate_truncated", C::Malformed,
              "the deflate data ends before the member does"},
    ErrorInfo{ErrorCode::InflateOverrun, "inflate_overrun", C::Malformed,
              "the member inflates to more, or consumes other, bytes than its sizes declare"},
    ErrorInfo{ErrorCode::CrcMismatch, "crc_mismatch", C::Malformed,
              "the member's CRC-32 does not match its data"},

    ErrorInfo{ErrorCode::HeaderTooLarge, "header_too_large", C::LimitExceeded,
              "the header is longer than max_header_bytes or max_header_chars"},
    ErrorInfo{ErrorCode::TooManyDimensions, "too_many_dimensions", C::LimitExceeded,
              "the shape has more dimensions than max_ndim"},
    ErrorInfo{ErrorCode::ArrayTooLarge, "array_too_large", C::LimitExceeded,
              "the array is larger than max_array_bytes"},
    ErrorInfo{ErrorCode::DtypeTooDeep, "dtype_too_deep", C::LimitExceeded,
              "the structured dtype nests deeper than max_dtype_depth"},
    ErrorInfo{ErrorCode::TooManyFields, "too_many_fields", C::LimitExceeded,
              "the structured dtype has more fields than max_fields"},
    ErrorInfo{ErrorCode::DimensionTooManyDigits, "dimension_too_many_digits", C::LimitExceeded,
              "a dimension has more digits than max_dim_digits"},
    ErrorInfo{ErrorCode::FortranOrderNotAllowed, "fortran_order_not_allowed", C::LimitExceeded,
              "Fortran-ordered data is not allowed by the limits"},
    ErrorInfo{ErrorCode::BigEndianNotAllowed, "big_endian_not_allowed", C::LimitExceeded,
              "big-endian data is not allowed by the limits"},
    ErrorInfo{ErrorCode::StructuredNotAllowed, "structured_not_allowed", C::LimitExceeded,
              "structured dtypes are not allowed by the limits"},
    ErrorInfo{ErrorCode::InvalidLimits, "invalid_limits", C::Internal,
              "the Limits passed in are inconsistent", kNoOffset},

    ErrorInfo{ErrorCode::TooManyMembers, "too_many_members", C::LimitExceeded,
              "the archive has more members than max_members"},
    ErrorInfo{ErrorCode::MemberNameTooLong, "member_name_too_long", C::LimitExceeded,
              "a member name is longer than max_member_name_bytes"},
    ErrorInfo{ErrorCode::TotalUncompressedTooLarge, "total_uncompressed_too_large",
              C::LimitExceeded, "the members' uncompressed sizes add up to more than "
              "max_total_uncompressed"},
    ErrorInfo{ErrorCode::CompressionRatioExceeded, "compression_ratio_exceeded",
              C::LimitExceeded, "a member's declared compression ratio exceeds "
              "max_compression_ratio (zip bomb)"},
    ErrorInfo{ErrorCode::DirectoryTooLarge, "directory_too_large", C::LimitExceeded,
              "the central directory is larger than the member limits allow"},
    ErrorInfo{ErrorCode::TotalHeaderTooLarge, "total_header_too_large", C::LimitExceeded,
              "the members' headers add up to more than max_total_header_bytes"},
    ErrorInfo{ErrorCode::StreamedArchiveTooLarge, "streamed_archive_too_large",
              C::LimitExceeded, "the archive on standard input (or another stream) is longer "
              "than max_streamed_archive_bytes"},
    ErrorInfo{ErrorCode::ArchiveAmplificationExceeded, "archive_amplification_exceeded",
              C::LimitExceeded, "the archive would inflate to more than max_amplification_factor "
              "times its own size and more than amplification_floor_bytes (a decompression "
              "bomb, or data that compresses unusually well)"},

    ErrorInfo{ErrorCode::IoOpenFailed, "io_open_failed", C::Io, "the input could not be opened",
              kNoOffset},
    ErrorInfo{ErrorCode::IoReadFailed, "io_read_failed", C::Io, "reading the input failed",
              kNoOffset},
    ErrorInfo{ErrorCode::IoNotRegularFile, "io_not_regular_file", C::Io,
              "the path is not a regular file", kNoOffset},
    ErrorInfo{ErrorCode::IoFileChanged, "io_file_changed", C::Io,
              "the file changed size while it was being read", kNoOffset},
    ErrorInfo{ErrorCode::IoWriteFailed, "io_write_failed", C::Io,
              "writing the output failed; the target was left untouched", kNoOffset},
    ErrorInfo{ErrorCode::IoSameFile, "io_same_file", C::Io,
              "the output is the input file (use --in-place to replace it)", kNoOffset},
    ErrorInfo{ErrorCode::WriterFailed, "writer_failed", C::Io,
              "an earlier step of this archive writer failed, so the archive cannot be "
              "completed; nothing was written to the target (start a new writer)",
              kNoOffset},
    ErrorInfo{ErrorCode::OutputRejected, "output_rejected", C::LimitExceeded,
              "the canonical output would be refused under the same limits (its headers are "
              "written the way NumPy writes them, and its members may compress better than "
              "the input's); nothing was written to the target",
              kNoOffset},

    ErrorInfo{ErrorCode::Internal, "internal", C::Internal, "internal error (a bug in npyguard)",
              kNoOffset},
    ErrorInfo{ErrorCode::OutOfMemory, "out_of_memory", C::Internal, "memory allocation failed",
              kNoOffset},
};

consteval bool table_is_sorted_and_unique() {
  for (size_t i = 1; i < kErrorTable.size(); ++i) {
    if (!(kErrorTable[i - 1].code < kErrorTable[i].code)) return false;
  }
  return true;
}
static_assert(table_is_sorted_and_unique(), "error table must be sorted by code, no duplicates");

consteval std::array<ErrorCode, kErrorTable.size()> make_code_list() {
  std::array<ErrorCode, kErrorTable.size()> out{};
  for (size_t i = 0; i < kErrorTable.size(); ++i) out[i] = kErrorTable[i].code;
  return out;
}
constexpr auto kAllCodes = make_code_list();

const ErrorInfo* find(ErrorCode code) noexcept {
  for (const auto& info : kErrorTable) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

}  // namespace

std::string_view error_name(ErrorCode code) noexcept {
  const ErrorInfo* info = find(code);
  return info != nullptr ? info->name : "unknown_error";
}

std::string_view error_message(ErrorCode code) noexcept {
  const ErrorInfo* info = find(code);
  return info != nullptr ? info->message : "unknown error code";
}

ErrorCategory error_category(ErrorCode code) noexcept {
  const ErrorInfo* info = find(code);
  return info != nullptr ? info->category : ErrorCategory::Internal;
}

std::string_view category_name(ErrorCategory category) noexcept {
  switch (category) {
    case ErrorCategory::Malformed:
      return "malformed";
    case ErrorCategory::Unsupported:
      return "unsupported";
    case ErrorCategory::PolicyRejected:
      return "policy_rejected";
    case ErrorCategory::LimitExceeded:
      return "limit_exceeded";
    case ErrorCategory::Io:
      return "io";
    case ErrorCategory::Internal:
      return "internal";
  }
  return "internal";
}

std::span<const ErrorCode> all_error_codes() noexcept { return kAllCodes; }

bool error_has_offset(ErrorCode code) noexcept {
  const ErrorInfo* info = find(code);
  return info == nullptr || info->offset == OffsetMeaning::InInput;
}

namespace {

// The placeholders a detail may hold (error.h), and which number each one stands for.
enum class Slot : uint8_t { Found, Bound };
struct Placeholder {
  std::string_view text;
  Slot slot;
};
constexpr std::array kPlaceholders = {
    Placeholder{"{found}", Slot::Found},
    Placeholder{"{expected}", Slot::Bound},
    Placeholder{"{limit}", Slot::Bound},
    Placeholder{"{minor}", Slot::Bound},
};

bool names(std::string_view detail, std::string_view placeholder) noexcept {
  return detail.find(placeholder) != std::string_view::npos;
}

// strerror_r comes in two flavours (GNU: returns the text; XSI: fills the buffer, returns 0).
[[maybe_unused]] const char* strerror_result(const char* text, const char*) { return text; }
[[maybe_unused]] const char* strerror_result(int status, const char* buffer) {
  return status == 0 ? buffer : "unknown system error";
}

// The system's text for an errno, first letter lower-cased to read like the rest of a message
// ("No such file or directory" -> "no such file or directory"; "EOF" would stay as it is).
std::string system_error_text(int os_errno) {
  constexpr size_t kBufferSize = 128;
  std::array<char, kBufferSize> buffer{};
  std::string text =
      strerror_result(strerror_r(os_errno, buffer.data(), buffer.size()), buffer.data());
  if (text.size() >= 2 && std::isupper(static_cast<unsigned char>(text[0])) != 0 &&
      std::islower(static_cast<unsigned char>(text[1])) != 0) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

}  // namespace

ErrorFacts error_facts(const Error& error) noexcept {
  ErrorFacts facts;
  if (error.detail == nullptr) return facts;
  const std::string_view detail(error.detail);
  if (names(detail, "{found}")) facts.found = error.found;
  if (names(detail, "{expected}")) facts.expected = error.bound;
  if (names(detail, "{limit}")) facts.limit = error.bound;
  return facts;
}

std::string render_detail(const Error& error) {
  std::string out;
  std::string_view rest = error.detail != nullptr ? std::string_view(error.detail) : "";
  while (!rest.empty()) {
    const size_t brace = rest.find('{');
    out += rest.substr(0, brace);
    if (brace == std::string_view::npos) break;
    rest.remove_prefix(brace);
    const auto* match =
        std::find_if(kPlaceholders.begin(), kPlaceholders.end(),
                     [&](const Placeholder& p) { return rest.starts_with(p.text); });
    if (match == kPlaceholders.end()) {
      out += '{';
      rest.remove_prefix(1);
      continue;
    }
    out += std::to_string(match->slot == Slot::Found ? error.found : error.bound);
    rest.remove_prefix(match->text.size());
  }
  if (error.os_errno != 0) {
    if (!out.empty()) out += ": ";
    out += system_error_text(error.os_errno);
  }
  return out;
}

std::string describe(const Error& error) { return describe(error, {}); }

std::string describe(const Error& error, std::string_view location) {
  std::string out(error_name(error.code));
  out += ": ";
  out += error_message(error.code);
  if (const std::string detail = render_detail(error); !detail.empty()) {
    out += ": ";
    out += detail;
  }
  const bool offset = error_has_offset(error.code);
  if (location.empty() && !offset) return out;
  out += " (";
  out += location;
  if (offset) {
    if (!location.empty()) out += ", ";
    out += "offset ";
    out += std::to_string(error.offset);
  }
  out += ')';
  return out;
}

}  // namespace npyguard
