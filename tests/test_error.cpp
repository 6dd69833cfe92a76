// SPDX-License-Identifier: Apache-2.0
// Meta-tests of the error table: every code has a unique stable name, a message and a category,
// and values never move (the numbers below are part of the public contract).
#include <cerrno>
#include <fstream>
#include <iterator>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "npyguard/error.h"
#include "npyguard/result.h"
#include "support/catch.h"

using namespace npyguard;

TEST_CASE("every error code has a unique snake_case name and a message", "[error]") {
  std::set<std::string> names;
  REQUIRE(all_error_codes().size() > 40);
  for (ErrorCode code : all_error_codes()) {
    const std::string name(error_name(code));
    INFO("code " << static_cast<int>(code));
    CHECK(name != "unknown_error");
    CHECK(names.insert(name).second);
    for (char c : name) CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
    CHECK(error_message(code).size() > 10);
    CHECK(category_name(error_category(code)).size() > 0);
    const int value = static_cast<int>(code);
    CHECK(value >= 100);
    CHECK(value < 1000);
  }
}

// The whole published vocabulary, written out by hand: value, name, category and whether the
// offset means a place in the input. The list the library is built from (error_codes.inc) must
// match it row for row, so renumbering, renaming or recategorising a code, or adding one without
// a row here, fails.
struct PinnedCode {
  ErrorCode code;
  int value;
  std::string_view name;
  ErrorCategory category;
  bool has_offset;
};
using C = ErrorCategory;
constexpr PinnedCode kPinnedCodes[] = {
    {ErrorCode::BadMagic, 101, "bad_magic", C::Malformed, true},
    {ErrorCode::UnsupportedVersion, 102, "unsupported_version", C::Unsupported, true},
    {ErrorCode::TruncatedPreamble, 103, "truncated_preamble", C::Malformed, true},
    {ErrorCode::TruncatedHeader, 104, "truncated_header", C::Malformed, true},
    {ErrorCode::HeaderSyntax, 201, "header_syntax", C::Malformed, true},
    {ErrorCode::HeaderBadString, 202, "header_bad_string", C::Malformed, true},
    {ErrorCode::HeaderBadInteger, 203, "header_bad_integer", C::Malformed, true},
    {ErrorCode::HeaderUnknownKey, 204, "header_unknown_key", C::Malformed, true},
    {ErrorCode::HeaderMissingKey, 205, "header_missing_key", C::Malformed, true},
    {ErrorCode::HeaderDuplicateKey, 206, "header_duplicate_key", C::Malformed, true},
    {ErrorCode::HeaderBadValue, 207, "header_bad_value", C::Malformed, true},
    {ErrorCode::NegativeDimension, 208, "negative_dimension", C::Malformed, true},
    {ErrorCode::HeaderNulByte, 209, "header_nul_byte", C::Malformed, true},
    {ErrorCode::HeaderInvalidUtf8, 210, "header_invalid_utf8", C::Malformed, true},
    {ErrorCode::HeaderBadTerminator, 211, "header_bad_terminator", C::Malformed, true},
    {ErrorCode::HeaderTooDeep, 212, "header_too_deep", C::LimitExceeded, true},
    {ErrorCode::HeaderNonAsciiOutsideString, 213, "header_non_ascii", C::Malformed, true},
    {ErrorCode::ObjectDtype, 301, "object_dtype", C::PolicyRejected, true},
    {ErrorCode::DtypeUnknownType, 302, "dtype_unknown_type", C::Unsupported, true},
    {ErrorCode::DtypeBadSize, 303, "dtype_bad_size", C::Malformed, true},
    {ErrorCode::DtypeNonCanonical, 304, "dtype_non_canonical", C::Unsupported, true},
    {ErrorCode::DtypeBadByteOrder, 305, "dtype_bad_byte_order", C::Malformed, true},
    {ErrorCode::DtypeBadDatetimeUnit, 306, "dtype_bad_datetime_unit", C::Malformed, true},
    {ErrorCode::DtypeItemsizeOverflow, 307, "dtype_itemsize_overflow", C::Malformed, true},
    {ErrorCode::DtypeDuplicateField, 308, "dtype_duplicate_field", C::Malformed, true},
    {ErrorCode::DtypeEmptyFieldName, 309, "dtype_empty_field_name", C::Malformed, true},
    {ErrorCode::DtypeTopLevelSubarray, 310, "dtype_top_level_subarray", C::Unsupported, true},
    {ErrorCode::DtypeBadField, 311, "dtype_bad_field", C::Malformed, true},
    {ErrorCode::PayloadTruncated, 401, "payload_truncated", C::Malformed, true},
    {ErrorCode::TrailingData, 402, "trailing_data", C::Malformed, true},
    {ErrorCode::SizeOverflow, 403, "size_overflow", C::Malformed, true},
    {ErrorCode::InvalidBool, 404, "invalid_bool", C::Malformed, true},
    {ErrorCode::InvalidUnicode, 405, "invalid_unicode", C::Malformed, true},
    {ErrorCode::TypeMismatch, 406, "type_mismatch", C::Misuse, false},
    {ErrorCode::IndexOutOfRange, 407, "index_out_of_range", C::Misuse, false},
    {ErrorCode::FieldNotFound, 408, "field_not_found", C::Misuse, false},
    {ErrorCode::UnalignedHeader, 409, "unaligned_header", C::LimitExceeded, true},
    {ErrorCode::ArraySizeMismatch, 410, "array_size_mismatch", C::Misuse, false},
    {ErrorCode::ZipNoEndRecord, 501, "zip_no_end_record", C::Malformed, true},
    {ErrorCode::ZipAmbiguousEndRecord, 502, "zip_ambiguous_end_record", C::Malformed, true},
    {ErrorCode::ZipBadEndRecord, 503, "zip_bad_end_record", C::Malformed, true},
    {ErrorCode::ZipMultiDisk, 504, "zip_multi_disk", C::Unsupported, true},
    {ErrorCode::ZipBadZip64, 505, "zip_bad_zip64", C::Malformed, true},
    {ErrorCode::ZipDirectoryOutOfBounds, 506, "zip_directory_out_of_bounds", C::Malformed, true},
    {ErrorCode::ZipEntryCountMismatch, 507, "zip_entry_count_mismatch", C::Malformed, true},
    {ErrorCode::ZipBadCentralEntry, 508, "zip_bad_central_entry", C::Malformed, true},
    {ErrorCode::ZipBadExtraField, 509, "zip_bad_extra_field", C::Malformed, true},
    {ErrorCode::ZipLocalHeaderMismatch, 510, "zip_local_header_mismatch", C::Malformed, true},
    {ErrorCode::ZipBadLocalHeader, 511, "zip_bad_local_header", C::Malformed, true},
    {ErrorCode::ZipBadDataDescriptor, 512, "zip_bad_data_descriptor", C::Malformed, true},
    {ErrorCode::ZipEncrypted, 513, "zip_encrypted", C::Unsupported, true},
    {ErrorCode::ZipUnsupportedMethod, 514, "zip_unsupported_method", C::Unsupported, true},
    {ErrorCode::ZipDuplicateName, 515, "zip_duplicate_name", C::Malformed, true},
    {ErrorCode::ZipOverlappingEntries, 516, "zip_overlapping_entries", C::Malformed, true},
    {ErrorCode::ZipUnsafeName, 517, "zip_unsafe_name", C::PolicyRejected, true},
    {ErrorCode::ZipNotNpyMember, 518, "zip_not_npy_member", C::PolicyRejected, true},
    {ErrorCode::ZipMemberNotFound, 519, "zip_member_not_found", C::Misuse, false},
    {ErrorCode::ZipMemberNameRejected, 520, "zip_member_name_rejected", C::PolicyRejected, true},
    {ErrorCode::ZipUnknownFlags, 521, "zip_unknown_flags", C::Unsupported, true},
    {ErrorCode::ZipVersionTooNew, 522, "zip_version_too_new", C::Unsupported, true},
    {ErrorCode::ZipPrependedData, 523, "zip_prepended_data", C::Malformed, true},
    {ErrorCode::ZipUnaccountedBytes, 524, "zip_unaccounted_bytes", C::Malformed, true},
    {ErrorCode::ZipStoredSizeMismatch, 525, "zip_stored_size_mismatch", C::Malformed, true},
    {ErrorCode::ZipMemberSizeMismatch, 526, "zip_member_size_mismatch", C::Malformed, true},
    {ErrorCode::ZipBadMemberPattern, 527, "zip_bad_member_pattern", C::Misuse, false},
    {ErrorCode::ZipKeyShadowsMember, 528, "zip_key_shadows_member", C::Malformed, true},
    {ErrorCode::InflateCorrupt, 601, "inflate_corrupt", C::Malformed, true},
    {ErrorCode::InflateTruncated, 602, "inflate_truncated", C::Malformed, true},
    {ErrorCode::InflateOverrun, 603, "inflate_overrun", C::Malformed, true},
    {ErrorCode::CrcMismatch, 604, "crc_mismatch", C::Malformed, true},
    {ErrorCode::HeaderTooLarge, 701, "header_too_large", C::LimitExceeded, true},
    {ErrorCode::TooManyDimensions, 702, "too_many_dimensions", C::LimitExceeded, true},
    {ErrorCode::ArrayTooLarge, 703, "array_too_large", C::LimitExceeded, true},
    {ErrorCode::DtypeTooDeep, 704, "dtype_too_deep", C::LimitExceeded, true},
    {ErrorCode::TooManyFields, 705, "too_many_fields", C::LimitExceeded, true},
    {ErrorCode::DimensionTooManyDigits, 706, "dimension_too_many_digits", C::LimitExceeded, true},
    {ErrorCode::FortranOrderNotAllowed, 707, "fortran_order_not_allowed", C::LimitExceeded, true},
    {ErrorCode::BigEndianNotAllowed, 708, "big_endian_not_allowed", C::LimitExceeded, true},
    {ErrorCode::StructuredNotAllowed, 709, "structured_not_allowed", C::LimitExceeded, true},
    {ErrorCode::InvalidLimits, 710, "invalid_limits", C::Misuse, false},
    {ErrorCode::TooManyMembers, 711, "too_many_members", C::LimitExceeded, true},
    {ErrorCode::MemberNameTooLong, 712, "member_name_too_long", C::LimitExceeded, true},
    {ErrorCode::TotalUncompressedTooLarge, 713, "total_uncompressed_too_large", C::LimitExceeded,
     true},
    {ErrorCode::CompressionRatioExceeded, 714, "compression_ratio_exceeded", C::LimitExceeded,
     true},
    {ErrorCode::DirectoryTooLarge, 715, "directory_too_large", C::LimitExceeded, true},
    {ErrorCode::TotalHeaderTooLarge, 716, "total_header_too_large", C::LimitExceeded, true},
    {ErrorCode::StreamedArchiveTooLarge, 717, "streamed_archive_too_large", C::LimitExceeded, true},
    {ErrorCode::ArchiveAmplificationExceeded, 718, "archive_amplification_exceeded",
     C::LimitExceeded, true},
    {ErrorCode::IoOpenFailed, 801, "io_open_failed", C::Io, false},
    {ErrorCode::IoReadFailed, 802, "io_read_failed", C::Io, false},
    {ErrorCode::IoNotRegularFile, 803, "io_not_regular_file", C::Io, false},
    {ErrorCode::IoFileChanged, 804, "io_file_changed", C::Io, false},
    {ErrorCode::IoWriteFailed, 805, "io_write_failed", C::Io, false},
    {ErrorCode::IoSameFile, 806, "io_same_file", C::Io, false},
    {ErrorCode::WriterFailed, 807, "writer_failed", C::Misuse, false},
    {ErrorCode::OutputRejected, 808, "output_rejected", C::LimitExceeded, false},
    {ErrorCode::InvalidDtype, 809, "invalid_dtype", C::Misuse, false},
    {ErrorCode::WriterCommitted, 810, "writer_committed", C::Misuse, false},
    {ErrorCode::InvalidArgument, 811, "invalid_argument", C::Misuse, false},
    {ErrorCode::Internal, 901, "internal", C::Internal, false},
    {ErrorCode::OutOfMemory, 902, "out_of_memory", C::Internal, false},
};

TEST_CASE("every code's value, name, category and offset meaning are pinned", "[error]") {
  const std::span<const ErrorCode> codes = all_error_codes();
  REQUIRE(codes.size() == std::size(kPinnedCodes));
  for (size_t i = 0; i < codes.size(); ++i) {
    const PinnedCode& pinned = kPinnedCodes[i];
    INFO(pinned.name);
    CHECK(static_cast<int>(pinned.code) == pinned.value);
    CHECK(static_cast<int>(codes[i]) == pinned.value);
    CHECK(error_name(codes[i]) == pinned.name);
    CHECK(error_category(codes[i]) == pinned.category);
    CHECK(error_has_offset(codes[i]) == pinned.has_offset);
  }
}

TEST_CASE("category values and names are pinned", "[error]") {
  // Appended at the end only: the numeric values are part of the ABI.
  CHECK(static_cast<int>(ErrorCategory::Malformed) == 0);
  CHECK(static_cast<int>(ErrorCategory::Unsupported) == 1);
  CHECK(static_cast<int>(ErrorCategory::PolicyRejected) == 2);
  CHECK(static_cast<int>(ErrorCategory::LimitExceeded) == 3);
  CHECK(static_cast<int>(ErrorCategory::Io) == 4);
  CHECK(static_cast<int>(ErrorCategory::Internal) == 5);
  CHECK(static_cast<int>(ErrorCategory::Misuse) == 6);
  CHECK(category_name(ErrorCategory::Malformed) == "malformed");
  CHECK(category_name(ErrorCategory::Unsupported) == "unsupported");
  CHECK(category_name(ErrorCategory::PolicyRejected) == "policy_rejected");
  CHECK(category_name(ErrorCategory::LimitExceeded) == "limit_exceeded");
  CHECK(category_name(ErrorCategory::Io) == "io");
  CHECK(category_name(ErrorCategory::Internal) == "internal");
  CHECK(category_name(ErrorCategory::Misuse) == "misuse");
}

TEST_CASE("misuse codes never point into the input", "[error]") {
  for (ErrorCode code : all_error_codes()) {
    INFO(error_name(code));
    if (error_category(code) == ErrorCategory::Misuse) CHECK_FALSE(error_has_offset(code));
  }
}

TEST_CASE("published code values never change", "[error]") {
  CHECK(error_category(ErrorCode::ObjectDtype) == ErrorCategory::PolicyRejected);
  CHECK(error_message(ErrorCode::ObjectDtype).find("pickle") != std::string_view::npos);
}

TEST_CASE("unknown values are reported, not crashed on", "[error]") {
  const auto bogus = static_cast<ErrorCode>(999);
  CHECK(error_name(bogus) == "unknown_error");
  CHECK(error_category(bogus) == ErrorCategory::Internal);
  CHECK(error_message(bogus) == "unknown error code");
  CHECK(category_name(static_cast<ErrorCategory>(200)) == "internal");
}

TEST_CASE("describe() includes name, detail and offset", "[error]") {
  const Error error{.code = ErrorCode::NegativeDimension, .offset = 42, .detail = "negative dim"};
  CHECK(describe(error) ==
        "negative_dimension: a dimension in the shape is negative: negative dim (offset 42)");
  CHECK(describe(error, "member 'a.npy'") ==
        "negative_dimension: a dimension in the shape is negative: negative dim (member "
        "'a.npy', offset 42)");
  const Error bare{.code = ErrorCode::CrcMismatch, .offset = 7};
  CHECK(describe(bare) == "crc_mismatch: the member's CRC-32 does not match its data (offset 7)");
}

TEST_CASE("describe() fills in the numbers the detail names, and only those", "[error]") {
  const Error too_large{.code = ErrorCode::ArrayTooLarge,
                        .offset = 60,
                        .detail = "the header declares {found} bytes; max_array_bytes is {limit}",
                        .found = 8796093022208,
                        .bound = 1024};
  CHECK(render_detail(too_large) ==
        "the header declares 8796093022208 bytes; max_array_bytes is 1024");
  CHECK(describe(too_large) ==
        "array_too_large: the array is larger than max_array_bytes: the header declares "
        "8796093022208 bytes; max_array_bytes is 1024 (offset 60)");
  const ErrorFacts facts = error_facts(too_large);
  CHECK(facts.found == 8796093022208u);
  CHECK(facts.limit == 1024u);
  CHECK_FALSE(facts.expected.has_value());

  const Error short_payload{.code = ErrorCode::PayloadTruncated,
                            .detail = "expected {expected} payload bytes, found {found}",
                            .found = 86,
                            .bound = 96};
  CHECK(render_detail(short_payload) == "expected 96 payload bytes, found 86");
  CHECK(error_facts(short_payload).expected == 96u);
  CHECK_FALSE(error_facts(short_payload).limit.has_value());

  const Error version{.code = ErrorCode::UnsupportedVersion,
                      .offset = 6,
                      .detail = "the file says version {found}.{minor}",
                      .found = 9,
                      .bound = 0};
  CHECK(render_detail(version) == "the file says version 9.0");
  CHECK(error_facts(version).found == 9u);
  CHECK_FALSE(error_facts(version).expected.has_value());

  // Numbers a detail does not name are not part of the error; other braces are plain text.
  const Error unnamed{.code = ErrorCode::TrailingData, .detail = "{x} {found", .found = 5};
  CHECK(render_detail(unnamed) == "{x} {found");
  CHECK_FALSE(error_facts(unnamed).found.has_value());
}

TEST_CASE("errors without a place in the input carry no offset", "[error]") {
  for (ErrorCode code :
       {ErrorCode::IoOpenFailed, ErrorCode::IoReadFailed, ErrorCode::IoNotRegularFile,
        ErrorCode::IoWriteFailed, ErrorCode::InvalidLimits, ErrorCode::ZipBadMemberPattern,
        ErrorCode::TypeMismatch, ErrorCode::OutputRejected, ErrorCode::Internal,
        ErrorCode::OutOfMemory}) {
    INFO(error_name(code));
    CHECK_FALSE(error_has_offset(code));
  }
  for (ErrorCode code : {ErrorCode::BadMagic, ErrorCode::TrailingData, ErrorCode::ZipPrependedData,
                         ErrorCode::ArrayTooLarge, ErrorCode::StreamedArchiveTooLarge}) {
    INFO(error_name(code));
    CHECK(error_has_offset(code));
  }
  const Error open_failed{.code = ErrorCode::IoOpenFailed, .os_errno = ENOENT};
  CHECK(describe(open_failed) ==
        "io_open_failed: the input could not be opened: no such file or directory");
  const Error read_failed{
      .code = ErrorCode::IoReadFailed, .offset = 4096, .detail = "pread() failed", .os_errno = EIO};
  CHECK(describe(read_failed) ==
        "io_read_failed: reading the input failed: pread() failed: input/output error");
  // A location is still given when there is no offset.
  const Error rejected{.code = ErrorCode::OutputRejected, .offset = 99, .detail = "d"};
  CHECK(describe(rejected, "member 'a.npy'").ends_with(": d (member 'a.npy')"));
}

TEST_CASE("Result holds a value or an error, never both", "[error]") {
  Result<int> good = 5;
  REQUIRE(good.ok());
  CHECK(*good == 5);
  Result<int> bad = Error{.code = ErrorCode::Internal};
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::Internal);
  Status fine = ok_status();
  CHECK(fine.ok());
  Status failed = Error{.code = ErrorCode::IoReadFailed};
  CHECK(failed.error().code == ErrorCode::IoReadFailed);
}

TEST_CASE("SECURITY.md documents every error code with its value", "[error]") {
  std::ifstream in(std::string(NPYGUARD_SOURCE_DIR) + "/SECURITY.md");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(text.empty());
  for (ErrorCode code : all_error_codes()) {
    const std::string row = "| " + std::to_string(static_cast<int>(code)) + " | `" +
                            std::string(error_name(code)) + "` | " +
                            std::string(category_name(error_category(code)));
    INFO(row);
    const size_t at = text.find(row);
    REQUIRE(at != std::string::npos);
    // ... and whether its offset means a place in the input.
    const std::string line = text.substr(at, text.find('\n', at) - at);
    CHECK(line.ends_with(error_has_offset(code) ? " | yes |" : " | no |"));
  }
}
