// SPDX-License-Identifier: Apache-2.0
// The single table behind error_name/error_message/error_category, expanded from
// include/npyguard/error_codes.inc. Trust boundary: none. Adding a code means adding a row there,
// a line in SECURITY.md, its pinned row in tests/test_error.cpp and a test that produces it.
#include "npyguard/error.h"

#include <string.h>  // strerror_r

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace npyguard {
namespace {

// Whether an error's offset points into the input (see error_has_offset()).
enum class OffsetMeaning : bool { NoOffset = false, InInput = true };

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  ErrorCategory category;
  std::string_view message;
  OffsetMeaning offset;
};

// One row per code, expanded from the same list as the enum itself (error_codes.inc), so a code
// without its row cannot exist.
constexpr std::array kErrorTable = {
#define NPYGUARD_ERROR_CODE(enumerator, value, name, category, offset, message) \
  ErrorInfo{ErrorCode::enumerator, name, ErrorCategory::category, message, OffsetMeaning::offset},
#include "npyguard/error_codes.inc"
#undef NPYGUARD_ERROR_CODE
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
    case ErrorCategory::Misuse:
      return "misuse";
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
