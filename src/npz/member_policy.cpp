// SPDX-License-Identifier: Apache-2.0
// Member-name patterns with RE2 (linear-time matching: a pattern from configuration cannot make
// matching hang, unlike backtracking engines). Input: patterns from the caller and names from the
// archive; output: accept or refuse. Patterns use RE2 syntax and must match the whole name.
#include "npz/member_policy.h"

#include <re2/re2.h>

#include <new>
#include <span>
#include <string>
#include <utility>

// The public declaration (NPYGUARD_EXPORT) of validate_member_patterns, defined here.
#include "npyguard/npz.h"

namespace npyguard::detail {

// Memory RE2 may use per compiled pattern: enough for any sensible name pattern, small enough
// that a hostile configuration cannot make compilation expensive (re2.h documents max_mem).
constexpr int64_t kPatternMaxMem = int64_t{1} << 20;

struct MemberNamePolicy::Compiled {
  std::vector<std::unique_ptr<RE2>> patterns;
};

MemberNamePolicy::MemberNamePolicy(std::unique_ptr<Compiled> compiled) noexcept
    : compiled_(std::move(compiled)) {}
MemberNamePolicy::MemberNamePolicy(MemberNamePolicy&&) noexcept = default;
MemberNamePolicy::~MemberNamePolicy() = default;

Result<MemberNamePolicy> MemberNamePolicy::compile(std::span<const std::string> patterns) {
  try {
    auto compiled = std::make_unique<Compiled>();
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kPatternMaxMem);
    for (const std::string& text : patterns) {
      auto pattern = std::make_unique<RE2>(text, options);
      if (!pattern->ok()) {
        return Error{.code = ErrorCode::ZipBadMemberPattern,
                     .detail = "a member pattern is not valid RE2 syntax"};
      }
      compiled->patterns.push_back(std::move(pattern));
    }
    return MemberNamePolicy(std::move(compiled));
  } catch (const std::bad_alloc&) {
    return Error{.code = ErrorCode::OutOfMemory, .detail = "compiling member patterns failed"};
  }
}

bool MemberNamePolicy::allows(std::string_view name) const {
  if (compiled_->patterns.empty()) return true;
  for (const auto& pattern : compiled_->patterns) {
    if (RE2::FullMatch(re2::StringPiece(name.data(), name.size()), *pattern)) return true;
  }
  return false;
}

}  // namespace npyguard::detail

namespace npyguard {

Status validate_member_patterns(std::span<const std::string> patterns) {
  auto compiled = detail::MemberNamePolicy::compile(patterns);
  if (!compiled.ok()) return compiled.error();
  return ok_status();
}

}  // namespace npyguard
