// SPDX-License-Identifier: Apache-2.0
// npz member-name policy: the user's RE2 patterns. The only file that includes RE2, so no RE2 type
// reaches a public header. Input: member names from an archive that already passed the structural
// name checks; output: accepted or zip_member_name_rejected.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "npyguard/result.h"

namespace npyguard::detail {

class MemberNamePolicy {
 public:
  // Compiles the patterns; an invalid one is zip_bad_member_pattern.
  static Result<MemberNamePolicy> compile(std::span<const std::string> patterns);
  MemberNamePolicy(MemberNamePolicy&&) noexcept;
  MemberNamePolicy& operator=(MemberNamePolicy&&) = delete;
  ~MemberNamePolicy();

  // True when there are no patterns or the name fully matches one of them.
  bool allows(std::string_view name) const;

 private:
  struct Compiled;
  explicit MemberNamePolicy(std::unique_ptr<Compiled> compiled) noexcept;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace npyguard::detail
