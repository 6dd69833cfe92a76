// SPDX-License-Identifier: Apache-2.0
// Input handling for the commands: standard input and FIFOs named on the command line are read
// once as streams, everything else as files, all through the library's validate_input /
// open_input (which tell .npy from .npz by content). Input: operands naming untrusted bytes;
// output: the library's verdict plus what check keeps of each archive member.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "json_output.h"
#include "npyguard/npyguard.h"
#include "progress.h"

namespace npyguard::cli {

// How much of each validated archive member to keep: check prints only summaries; inspect needs
// the dtype itself (bounded by Limits::max_total_header_bytes).
enum class MemberDetail { Summary, Full };

// One input after validation. With MemberDetail::Summary only member_summaries is filled (one per
// member, absent for skipped members); with Full, the library's member_infos.
struct CheckedInput : InputVerdict {
  std::vector<std::optional<NpySummary>> member_summaries;
};

// `streams_allowed`: the input was named on the command line, so a FIFO is read as a stream;
// otherwise (a walk, a list) only regular files are read, and a FIFO is refused without being
// opened for blocking reads. `progress` (may be null) is told each archive member validated.
CheckedInput check_input(const std::string& input, const Limits& limits, MemberDetail detail,
                         bool streams_allowed, Progress* progress = nullptr);

// A named FIFO (or a process substitution's /dev/fd/N) is a stream, not a file: it can be read
// only once, so it is opened once and read like standard input.
bool is_fifo(const std::string& path);

// An open FIFO, closed when it goes out of scope.
class FifoFd {
 public:
  explicit FifoFd(const std::string& path);
  FifoFd(const FifoFd&) = delete;
  FifoFd& operator=(const FifoFd&) = delete;
  ~FifoFd();
  int get() const { return fd_; }

 private:
  int fd_;
};

// Why a FIFO named on the command line could not be opened.
Error fifo_open_error();

}  // namespace npyguard::cli
