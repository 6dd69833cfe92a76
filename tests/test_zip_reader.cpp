// SPDX-License-Identifier: Apache-2.0
// The ZIP member-name policies on their own: the structural name check shared by the reader and
// the writer (unsafe_name_reason: no traversal, absolute paths, drive letters, backslashes,
// controls, or non-UTF-8 names), and the caller's RE2 patterns (MemberNamePolicy: full match,
// any pattern, bad syntax is its own error).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "npyguard/npz.h"
#include "npz/member_policy.h"
#include "support/catch.h"
#include "zip/zip_format.h"
#include "zip/zip_reader.h"

using namespace npyguard;
using npyguard::detail::kFlagUtf8;
using npyguard::detail::MemberNamePolicy;
using npyguard::detail::unsafe_name_reason;

namespace {

struct NameCase {
  std::string_view name;
  uint16_t flags;
  const char* reason;  // nullptr: the name is safe
};

std::string reason_text(const char* reason) { return reason == nullptr ? "(safe)" : reason; }

}  // namespace

TEST_CASE("member names: safe names pass", "[zip]") {
  const std::vector<NameCase> cases = {
      {"a.npy", 0, nullptr},
      {"arr_0.npy", 0, nullptr},
      {"dir/sub/a.npy", 0, nullptr},
      {"dir/", 0, nullptr},  // a directory entry: only the last segment may be empty
      {".hidden.npy", 0, nullptr},
      {"...", 0, nullptr},  // only exactly "." and ".." are special
      {"..a", 0, nullptr},
      {"a..", 0, nullptr},
      {"a/b:c", 0, nullptr},  // a colon is a drive letter only as the first segment's 2nd byte
      {"dir/C:", 0, nullptr},
      {"ab:", 0, nullptr},
      {"plain", kFlagUtf8, nullptr},  // the UTF-8 flag on an ASCII name is harmless
      {"caf\xC3\xA9.npy", kFlagUtf8, nullptr},
      {"\xF0\x9F\x98\x80/x", kFlagUtf8, nullptr},
      {" ~", 0, nullptr},
  };
  for (const auto& c : cases) {
    INFO("name '" << std::string(c.name) << "' flags " << c.flags);
    CHECK(reason_text(unsafe_name_reason(c.name, c.flags)) == "(safe)");
  }
}

TEST_CASE("member names: each unsafe form has its own reason", "[zip]") {
  const char* const kTraversal = "'..' segment in member name (path traversal)";
  const char* const kDot = "'.' segment in member name";
  const char* const kEmptySegment = "empty segment in member name";
  const char* const kControl = "control character in member name";
  const char* const kNoFlag =
      "non-ASCII member name without the UTF-8 flag (CP437 names are refused)";
  const char* const kBadUtf8 = "member name is not valid UTF-8";
  const std::vector<NameCase> cases = {
      {"", 0, "empty member name"},
      {"/a.npy", 0, "absolute member name"},
      {"/", 0, "absolute member name"},
      {std::string_view("a\0b", 3), 0, "NUL in member name"},
      {"a\nb", 0, kControl},
      {"a\x1f", 0, kControl},
      {"\x7f", 0, kControl},
      {"a\\b.npy", 0, "backslash in member name"},
      {"..\\a.npy", 0, "backslash in member name"},
      {"..", 0, kTraversal},
      {"../a.npy", 0, kTraversal},
      {"a/../../b", 0, kTraversal},
      {"a/..", 0, kTraversal},
      {".", 0, kDot},
      {"./a.npy", 0, kDot},
      {"a/./b", 0, kDot},
      {"a//b", 0, kEmptySegment},
      {"a/b//", 0, kEmptySegment},
      {"C:", 0, "drive letter in member name"},
      {"c:/a.npy", 0, "drive letter in member name"},
      {"caf\xC3\xA9.npy", 0, kNoFlag},  // CP437 or UTF-8? Not guessed: refused
      {"\x80", 0, kNoFlag},
      {"\x80", kFlagUtf8, kBadUtf8},
      {"\xC0\xAF", kFlagUtf8, kBadUtf8},             // overlong '/'
      {"a\xC0\xAE\xC0\xAE/b", kFlagUtf8, kBadUtf8},  // overlong "..": cannot sneak past
      {"\xED\xA0\x80", kFlagUtf8, kBadUtf8},         // a surrogate
      {"\xF4\x90\x80\x80", kFlagUtf8, kBadUtf8},     // above U+10FFFF
      {"caf\xC3", kFlagUtf8, kBadUtf8},              // truncated sequence
  };
  for (const auto& c : cases) {
    INFO("name bytes " << c.name.size() << " '" << std::string(c.name) << "' flags " << c.flags);
    CHECK(reason_text(unsafe_name_reason(c.name, c.flags)) == std::string(c.reason));
  }
}

TEST_CASE("member-name patterns: no patterns allow every name", "[zip][npz]") {
  auto policy = MemberNamePolicy::compile({});
  REQUIRE(policy.ok());
  CHECK(policy->allows(""));
  CHECK(policy->allows("anything/at all.npy"));
}

TEST_CASE("member-name patterns must match the whole name, any one pattern suffices",
          "[zip][npz]") {
  auto policy = MemberNamePolicy::compile(std::vector<std::string>{"arr_[0-9]+\\.npy", "meta/.*"});
  REQUIRE(policy.ok());
  CHECK(policy->allows("arr_0.npy"));
  CHECK(policy->allows("arr_123.npy"));
  CHECK(policy->allows("meta/x.npy"));
  CHECK_FALSE(policy->allows("arr_.npy"));
  CHECK_FALSE(policy->allows("xarr_0.npy"));  // no search: an unanchored pattern is anchored
  CHECK_FALSE(policy->allows("arr_0.npyx"));
  CHECK_FALSE(policy->allows("dir/meta/x.npy"));
  CHECK_FALSE(policy->allows(""));
  // Names are bytes: a NUL inside the name is matched, not a terminator.
  CHECK_FALSE(policy->allows(std::string_view("arr_0.npy\0x", 11)));
  // A moved policy keeps its compiled patterns.
  MemberNamePolicy moved(std::move(*policy));
  CHECK(moved.allows("arr_7.npy"));
}

TEST_CASE("member-name patterns with bad RE2 syntax are zip_bad_member_pattern", "[zip][npz]") {
  for (const std::string& bad :
       {std::string("(unclosed"), std::string("a{2,1}"), std::string("[z-a]"), std::string("\\")}) {
    INFO("pattern " << bad);
    auto policy = MemberNamePolicy::compile(std::vector<std::string>{"ok", bad});
    REQUIRE_FALSE(policy.ok());
    CHECK(policy.error().code == ErrorCode::ZipBadMemberPattern);
    // The public check says the same, before any archive is opened.
    const std::vector<std::string> patterns{"ok", bad};
    const Status checked = validate_member_patterns(patterns);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().code == ErrorCode::ZipBadMemberPattern);
  }
  const std::vector<std::string> good{"arr_[0-9]+\\.npy", ".*"};
  CHECK(validate_member_patterns(good).ok());
  CHECK(validate_member_patterns({}).ok());
}

TEST_CASE("Limits::validate leaves member patterns to the archive reader (test_npz: refused there)",
          "[zip][npz][limits]") {
  Limits limits;
  limits.member_patterns = {"(unclosed"};
  CHECK(limits.validate().ok());
}
