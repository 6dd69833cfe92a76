// The single table behind error_name/error_message/error_category. Trust boundary: none. Adding a
// code means adding a row here, a line in SECURITY.md and a test that produces it.
#include "npyguard/error.h"

#include <array>
#include <string>

namespace npyguard {
namespace {

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  ErrorCategory category;
  std::string_view message;
};

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
              "the header does not end with optional spaces and a single newline"},
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
              "the requested C++ type does not match the array's dtype and byte order"},
    ErrorInfo{ErrorCode::IndexOutOfRange, "index_out_of_range", C::Unsupported,
              "an index is outside the array's shape"},
    ErrorInfo{ErrorCode::FieldNotFound, "field_not_found", C::Unsupported,
              "the structured dtype has no field of that name"},
    ErrorInfo{ErrorCode::UnalignedHeader, "unaligned_header", C::LimitExceeded,
              "the data does not start on a 64-byte boundary (strict_alignment)"},

    ErrorInfo{ErrorCode::HeaderTooLarge, "header_too_large", C::LimitExceeded,
              "the header is longer than max_header_bytes"},
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
              "the Limits passed in are inconsistent"},

    ErrorInfo{ErrorCode::IoOpenFailed, "io_open_failed", C::Io, "the input could not be opened"},
    ErrorInfo{ErrorCode::IoReadFailed, "io_read_failed", C::Io, "reading the input failed"},
    ErrorInfo{ErrorCode::IoNotRegularFile, "io_not_regular_file", C::Io,
              "the path is not a regular file"},
    ErrorInfo{ErrorCode::IoFileChanged, "io_file_changed", C::Io,
              "the file changed size while it was being read"},

    ErrorInfo{ErrorCode::Internal, "internal", C::Internal, "internal error (a bug in npyguard)"},
    ErrorInfo{ErrorCode::OutOfMemory, "out_of_memory", C::Internal,
              "memory allocation failed"},
};

constexpr bool table_is_sorted_and_unique() {
  for (size_t i = 1; i < kErrorTable.size(); ++i) {
    if (!(kErrorTable[i - 1].code < kErrorTable[i].code)) return false;
  }
  return true;
}
static_assert(table_is_sorted_and_unique(), "error table must be sorted by code, no duplicates");

constexpr std::array<ErrorCode, kErrorTable.size()> make_code_list() {
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

std::string describe(const Error& error) {
  std::string out(error_name(error.code));
  out += ": ";
  out += error_message(error.code);
  if (error.detail != nullptr && error.detail[0] != '\0') {
    out += ": ";
    out += error.detail;
  }
  out += " (offset ";
  out += std::to_string(error.offset);
  out += ')';
  return out;
}

}  // namespace npyguard
