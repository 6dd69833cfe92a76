// SPDX-License-Identifier: Apache-2.0
// Failure verdicts shared by the commands. Input: a library error about an untrusted input;
// output: a rejection line or JSON object, or an "npyguard: FILE: reason" line, and an exit code.
#pragma once

#include <string>

#include "commands.h"
#include "npyguard/npyguard.h"

namespace npyguard::cli {

// Which command reports a failure: the hints it can give differ (only check has -r).
enum class Command { Check, Inspect, Sanitize };

// An error made by the CLI itself (a FIFO it could not open, staging that failed).
inline Error cli_error(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

inline bool is_io_error(const Error& error) {
  return error_category(error.code) == ErrorCategory::Io;
}

// Prints a failed validation (checked.error) and returns its exit code; `output` is sanitize's
// OUT. See report.cpp for the text layout.
int report_failure(const Options& options, Console& console, Command command,
                   const std::string& input, const InputVerdict& checked,
                   const std::string& output = {});

}  // namespace npyguard::cli
