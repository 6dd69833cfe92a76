// SPDX-License-Identifier: Apache-2.0
// Error vocabulary of npyguard: stable codes, categories and the Error value every failing call
// returns. Trust boundary: none (plain data). Codes are grouped in ranges (1xx container, 2xx
// header grammar, 3xx dtype, 4xx shape/payload, 5xx zip, 6xx inflate, 7xx limits, 8xx I/O,
// 9xx internal). A value, once published, never changes meaning and is never reused; new codes go
// at the end of their range. The codes are listed once, in error_codes.inc; SECURITY.md lists
// every code with its name.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "npyguard/export.h"

namespace npyguard {

// The codes, with their values, are listed once in error_codes.inc, together with each one's name,
// category, message and offset meaning (error.cpp expands the same rows into its table).
enum class ErrorCode : uint16_t {
// NOLINTNEXTLINE(bugprone-macro-parentheses): `enumerator` is a name being declared
#define NPYGUARD_ERROR_CODE(enumerator, value, name, category, offset, message) enumerator = value,
#include "npyguard/error_codes.inc"
#undef NPYGUARD_ERROR_CODE
};

// What kind of failure a code is; scripts branch on this rather than on individual codes.
enum class ErrorCategory : uint8_t {
  Malformed,       // the bytes break the format
  Unsupported,     // well-formed but outside what npyguard reads
  PolicyRejected,  // well-formed, deliberately refused (object dtype)
  LimitExceeded,   // a configured limit or toggle refused it
  Io,              // the input could not be read
  Internal,        // a bug or resource exhaustion in npyguard itself
  Misuse,          // the calling code asked for something wrong (a type, index, field or member
                   // the data does not have, a buffer of the wrong size, inconsistent Limits or
                   // member patterns, a writer used after it failed); never caused by input bytes
};

// Sentinel for Error::member when the error is not inside an npz member.
inline constexpr uint32_t kNoMember = 0xFFFFFFFFu;

// A plain value, copied in every failing Result: nothing in it is owned, so making one never
// allocates. The numbers a site knew (a size and the limit it broke, the count found and the
// count required) travel as integers and are spelled out only when the error is rendered.
struct Error {
  ErrorCode code;
  // Byte offset where the problem was found: file-absolute for .npy and ZIP structures,
  // member-relative (uncompressed) inside an npz member. Meaningless (and left 0) for codes
  // where error_has_offset() is false: I/O, configuration and API-misuse errors.
  uint64_t offset = 0;
  // Index of the npz member the error is in, or kNoMember.
  uint32_t member = kNoMember;
  // Static text naming the precise rule that failed; never owned, never null. It may name the
  // numbers below by placeholder, which describe() and render_detail() replace with decimals:
  //   {found}     `found`: what the input holds there (a size, a count, a major version)
  //   {expected}  `bound`: what the format requires in its place
  //   {limit}     `bound`: the configured limit the input went past
  //   {minor}     `bound`: the minor version after a major one ("version {found}.{minor}")
  // A number belongs to the error exactly when its detail names it (error_facts()), so a site
  // cannot set a number and forget to say what it means. Any other '{' is literal text.
  const char* detail = "";
  uint64_t found = 0;
  uint64_t bound = 0;
  // errno of the system call that failed (Io errors from files), or 0. Rendered after the
  // detail as the system's text ("no such file or directory").
  int os_errno = 0;
};

// Stable snake_case identifier ("object_dtype"); "unknown_error" for values not in the table.
NPYGUARD_EXPORT std::string_view error_name(ErrorCode code) noexcept;
// One-sentence human explanation of the code.
NPYGUARD_EXPORT std::string_view error_message(ErrorCode code) noexcept;
NPYGUARD_EXPORT ErrorCategory error_category(ErrorCode code) noexcept;
NPYGUARD_EXPORT std::string_view category_name(ErrorCategory category) noexcept;
// Whether Error::offset means a place in the input for this code: false for I/O errors (an
// open or a read failed, wherever it was), bad Limits or member patterns, API misuse (a wrong
// type, index or field name asked for), output_rejected (the offset would be in an output that
// was never written) and internal errors; true for every code about the input's bytes.
NPYGUARD_EXPORT bool error_has_offset(ErrorCode code) noexcept;

// The numbers an error's detail names; each is absent when the detail does not name it.
struct ErrorFacts {
  std::optional<uint64_t> found;
  std::optional<uint64_t> expected;
  std::optional<uint64_t> limit;
};
NPYGUARD_EXPORT ErrorFacts error_facts(const Error& error) noexcept;

// The detail with its placeholders filled in, followed by ": <system error text>" when
// os_errno is set ("fstat() failed: input/output error"); empty when there is neither.
NPYGUARD_EXPORT std::string render_detail(const Error& error);

// "<name>: <message>: <rendered detail> (offset N)" for logs and the CLI. The ": <detail>" part
// is left out when render_detail() is empty, the parenthesis when there is no meaningful offset
// (error_has_offset()) and no location.
NPYGUARD_EXPORT std::string describe(const Error& error);
// The same with a location before the offset: "... (member 'x.npy', offset N)" for
// location "member 'x.npy'". The caller formats (and escapes) the location.
NPYGUARD_EXPORT std::string describe(const Error& error, std::string_view location);

// Every code in the table, in numeric order (for documentation and meta-tests).
NPYGUARD_EXPORT std::span<const ErrorCode> all_error_codes() noexcept;

}  // namespace npyguard
