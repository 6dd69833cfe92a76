// SPDX-License-Identifier: Apache-2.0
// Failure verdicts shared by the commands: the text line or JSON object for a rejected input,
// the message for one that could not be read, and the hint naming the option that would change
// the verdict. Input: a library error about an untrusted input; output: the CLI's exit code.
#include "report.h"

#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

#include "json.h"
#include "json_output.h"
#include "text.h"

namespace npyguard::cli {
namespace {

// The file an I/O error is about: the output for a failed write, else the input.
bool is_output_error(const Error& error) {
  return error.code == ErrorCode::IoWriteFailed || error.code == ErrorCode::WriterFailed;
}

// describe(error), with the member named before the offset when the error is inside an archive
// member: "(member 'arr_0.npy', offset N)", or "(member #3, offset N)" when its name could not
// be read (the directory entry itself is what is broken).
std::string describe_input_error(const InputVerdict& checked) {
  const Error& error = *checked.error;
  if (error.member == kNoMember) return describe(error);
  const std::string* name = checked.error_member_name();
  return describe(error, name != nullptr ? "member '" + printable(*name) + "'"
                                         : "member #" + std::to_string(error.member));
}

// What to try when an input was refused for a reason an option changes; nullptr when no option
// would. Only options that exist for `command` are suggested.
const char* hint_for(const Error& error, Command command, const Options& options,
                     const std::string& input) {
  switch (error.code) {
    case ErrorCode::ZipNotNpyMember:
      return "--skip-non-npy skips members that are not .npy";
    case ErrorCode::ArrayTooLarge:
      return "--max-bytes SIZE raises max_array_bytes";
    case ErrorCode::HeaderTooLarge:
      return std::string_view(error.detail).find("max_header_chars") != std::string_view::npos
                 ? "--max-header-chars N raises max_header_chars"
                 : "--max-header-bytes N raises max_header_bytes";
    case ErrorCode::TooManyDimensions:
      return "--max-ndim N raises max_ndim";
    case ErrorCode::DtypeTooDeep:
      return "--max-dtype-depth N raises max_dtype_depth";
    case ErrorCode::TooManyFields:
      return "--max-fields N raises max_fields";
    case ErrorCode::TrailingData:
      return "--allow-trailing-data accepts bytes after the payload (NumPy ignores them)";
    case ErrorCode::InvalidBool:
      return "--normalize-bool accepts any byte and reads it as 0 or 1";
    case ErrorCode::InvalidUnicode:
      return "--allow-invalid-unicode accepts such code points";
    case ErrorCode::TooManyMembers:
      return "--max-members N raises max_members";
    case ErrorCode::MemberNameTooLong:
      return "--max-member-name-bytes N raises max_member_name_bytes";
    case ErrorCode::TotalUncompressedTooLarge:
      return "--max-total-bytes SIZE raises max_total_uncompressed";
    case ErrorCode::CompressionRatioExceeded:
      return "--max-ratio N raises max_compression_ratio";
    case ErrorCode::TotalHeaderTooLarge:
      return "--max-total-header-bytes SIZE raises max_total_header_bytes";
    case ErrorCode::ArchiveAmplificationExceeded:
      return "--max-amplification N or --amplification-floor SIZE raise the budget";
    case ErrorCode::StreamedArchiveTooLarge:
      return "--max-stdin-bytes SIZE raises the limit, or pass the archive as a file";
    case ErrorCode::DirectoryTooLarge:
      return "--max-members N or --max-member-name-bytes N raise the directory's budget";
    case ErrorCode::IoNotRegularFile: {
      std::error_code ignored;
      return command == Command::Check && !options.recursive &&
                     std::filesystem::is_directory(input, ignored)
                 ? "use -r to check the files inside"
                 : nullptr;
    }
    default:
      return nullptr;
  }
}

}  // namespace

// Prints a failed validation and returns its exit code. An input that could not be read (Io) is
// reported on `err` as "npyguard: FILE: reason", the way system tools report a file they cannot
// use, and exits 2; anything else is a rejection on `out` (exit 1): "FILE: rejected: <describe>",
// then "; hint: ..." when an option would change the verdict. `output` is sanitize's OUT.
// A Misuse error never comes from the input's bytes (the options' Limits and member patterns are
// checked before any input is read), so it would mean the CLI called the library wrongly: the
// input was not rejected, and it is reported the same way as an unreadable one ("npyguard: FILE:
// internal error: <describe>", exit 2), so no script takes it for a verdict on the file.
int report_failure(const Options& options, Console& console, Command command,
                   const std::string& input, const InputVerdict& checked,
                   const std::string& output) {
  const Error& error = *checked.error;
  const bool io = is_io_error(error);
  const bool misuse = error_category(error.code) == ErrorCategory::Misuse;
  const char* hint = hint_for(error, command, options, input);
  if (options.json) {
    JsonWriter json;
    write_error_json(json, input, checked, hint);
    console.out << json.text() << '\n';
  } else if (!io && !misuse) {
    console.out << printable(input) << ": rejected: " << describe_input_error(checked);
    if (hint != nullptr) console.out << "; hint: " << hint;
    console.out << '\n';
  }
  if (io || misuse) {
    std::string reason = misuse ? "internal error: " + describe(error) : render_detail(error);
    if (reason.empty()) reason = error_message(error.code);
    const std::string& file = is_output_error(error) && !output.empty() ? output : input;
    // Keep the two streams in order when they share a destination.
    console.out.flush();
    console.err << "npyguard: " << printable(file) << ": " << printable(reason);
    if (hint != nullptr) console.err << " (" << hint << ')';
    console.err << '\n';
    return kExitUsage;
  }
  return kExitRejected;
}

}  // namespace npyguard::cli
