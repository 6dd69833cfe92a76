// Meta-tests of the error table: every code has a unique stable name, a message and a category,
// and values never move (the numbers below are part of the public contract).
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
  const std::string text = describe(error);
  CHECK(text.find("negative_dimension") == 0);
  CHECK(text.find("negative dim") != std::string::npos);
  CHECK(text.find("(offset 42)") != std::string::npos);
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
    CHECK(text.find(row) != std::string::npos);
  }
}
