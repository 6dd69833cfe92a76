// SPDX-License-Identifier: Apache-2.0
// Input handling for check and inspect: which operand is a stream (standard input, a FIFO named
// on the command line) and which a file, then the library's validate_input on it. Input:
// operands naming untrusted bytes; output: a CheckedInput. The format is told by the library (by
// content, as np.load does), which also spools a streamed archive; nothing here reads a byte of
// the input itself.
#include "input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <new>
#include <string>
#include <utility>

#include "commands.h"
#include "report.h"

namespace npyguard::cli {
namespace {

// What to do with each validated archive member: tell `progress`, and keep a summary (check) or
// leave the full info to the library (inspect, which has no progress).
MemberInfoVisitor member_visitor(MemberDetail detail, Progress* progress, CheckedInput& result) {
  if (detail == MemberDetail::Full && progress == nullptr) return {};
  return
      [detail, progress, &result](const NpzArchive& archive, size_t i, NpyInfo&& info) -> Status {
        const std::vector<NpzMember>& members = archive.members();
        if (progress != nullptr) {
          progress->add_bytes(members[i].uncompressed_size);
          progress->member_done();
        }
        try {
          if (detail == MemberDetail::Full) {
            if (result.member_infos.empty()) result.member_infos.resize(members.size());
            result.member_infos[i] = std::move(info);
          } else {
            if (result.member_summaries.empty()) result.member_summaries.resize(members.size());
            result.member_summaries[i] = summarize(info);
          }
        } catch (const std::bad_alloc&) {
          return Status(cli_error(ErrorCode::OutOfMemory, 0, "keeping a member's info failed"));
        }
        return ok_status();
      };
}

CheckedInput check_stream(int fd, const Limits& limits, MemberDetail detail, Progress* progress) {
  CheckedInput result;
  FdInputStream in(fd);
  // The visitor fills `result`'s own vectors, so the verdict is moved into the base part only.
  InputVerdict verdict = validate_input(in, limits, member_visitor(detail, progress, result));
  static_cast<InputVerdict&>(result) = std::move(verdict);
  return result;
}

}  // namespace

bool is_fifo(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

FifoFd::FifoFd(const std::string& path)
    : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)) {}

FifoFd::~FifoFd() {
  if (fd_ >= 0) ::close(fd_);
}

Error fifo_open_error() { return cli_error(ErrorCode::IoOpenFailed, 0, "could not open the FIFO"); }

CheckedInput check_input(const std::string& input, const Limits& limits, MemberDetail detail,
                         bool streams_allowed, Progress* progress) {
  if (input == kStdinName) return check_stream(STDIN_FILENO, limits, detail, progress);
  if (streams_allowed && is_fifo(input)) {
    const FifoFd fifo(input);
    if (fifo.get() < 0) {
      CheckedInput result;
      result.error = fifo_open_error();
      return result;
    }
    return check_stream(fifo.get(), limits, detail, progress);
  }
  // Regular files and everything else go to the library's file reader, which reports what they
  // are (a directory, a device) when they are not regular files.
  CheckedInput result;
  InputVerdict verdict = validate_input(input, limits, member_visitor(detail, progress, result));
  static_cast<InputVerdict&>(result) = std::move(verdict);
  return result;
}

}  // namespace npyguard::cli
