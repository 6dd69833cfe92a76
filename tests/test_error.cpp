// Meta-tests of the error table: every code has a unique stable name, a message and a category,
// and values never move (the numbers below are part of the public contract).
#include <cerrno>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

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

TEST_CASE("published code values never change", "[error]") {
  CHECK(static_cast<int>(ErrorCode::BadMagic) == 101);
  CHECK(static_cast<int>(ErrorCode::HeaderSyntax) == 201);
  CHECK(static_cast<int>(ErrorCode::ObjectDtype) == 301);
  CHECK(static_cast<int>(ErrorCode::PayloadTruncated) == 401);
  CHECK(static_cast<int>(ErrorCode::TrailingData) == 402);
  CHECK(static_cast<int>(ErrorCode::HeaderTooLarge) == 701);
  CHECK(static_cast<int>(ErrorCode::IoOpenFailed) == 801);
  CHECK(static_cast<int>(ErrorCode::Internal) == 901);
  CHECK(error_name(ErrorCode::ObjectDtype) == "object_dtype");
  CHECK(error_category(ErrorCode::ObjectDtype) == ErrorCategory::PolicyRejected);
  CHECK(error_name(ErrorCode::TrailingData) == "trailing_data");
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
