// SPDX-License-Identifier: Apache-2.0
// Which files a check run covers: the operands, the paths of a --files-from list, and with
// --recursive the files below each directory operand. Input: operands and list files from the
// caller, directory trees that may be hostile (symbolic links, loops, FIFOs, unreadable
// directories); output: the paths to check in a stable order and a count of what was skipped and
// why, so that a run never passes by silently looking at nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "commands.h"

namespace npyguard::cli {

// What the walk left out, by reason; every count is printed in check's summary.
struct SkippedFiles {
  uint64_t filtered = 0;         // left out by --include / --exclude
  uint64_t directory_links = 0;  // symbolic links to directories (never followed)
  uint64_t broken_links = 0;     // symbolic links whose target does not exist
  uint64_t not_regular = 0;      // FIFOs, sockets, devices found in a walk
  uint64_t repeated_dirs = 0;    // a directory reached a second time (a bind-mount loop)

  uint64_t total() const {
    return filtered + directory_links + broken_links + not_regular + repeated_dirs;
  }
};

// One path to check.
struct ListedInput {
  std::string path;
  // Named on the command line: a FIFO there is read as a stream (it was asked for). A path a
  // walk found or a list named is checked only as a regular file, so a FIFO (even one swapped
  // in after the walk) can never block the run.
  bool streams_allowed = false;
};

struct InputList {
  std::vector<ListedInput> inputs;  // to check, in order
  SkippedFiles skipped;
  // Directories or list files that could not be read: the run cannot pass.
  uint64_t unreadable = 0;
};

// Collects the inputs of a check run. Problems reading a directory, an entry of one, or a list
// are reported on console.err as "npyguard: PATH: reason" and counted in `unreadable`.
InputList gather_inputs(const Options& options, Console& console);

}  // namespace npyguard::cli
