// SPDX-License-Identifier: Apache-2.0
// check: validate every input with bounded memory and print one verdict per input, in input
// order, sequentially or on a pool of jobs (-j). Input: operands, walked directories and lists
// naming untrusted files; output: verdict lines or JSON objects, a summary for walks and lists,
// and the exit code of the CLI contract.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.h"
#include "input.h"
#include "input_list.h"
#include "json.h"
#include "json_output.h"
#include "report.h"
#include "text.h"
#include "worker_pool.h"

namespace npyguard::cli {
namespace {

void write_check_ok_json(JsonWriter& json, const std::string& input, const CheckedInput& checked,
                         std::ostream& out) {
  json.begin_object();
  write_json_preamble(json, input, checked);
  if (checked.archive) {
    write_members_json(json, checked.archive->members(), checked.member_summaries,
                       write_npy_check_members_json, out);
  } else {
    write_npy_check_members_json(json, summarize(*checked.npy));
  }
  json.end_object();
}

int print_check_verdict(const std::string& input, const Options& options, Console& console,
                        const CheckedInput& checked) {
  if (!checked.ok()) return report_failure(options, console, Command::Check, input, checked);
  if (options.quiet) return kExitOk;
  if (options.json) {
    JsonWriter json;
    write_check_ok_json(json, input, checked, console.out);
    console.out << json.text() << '\n';
  } else {
    console.out << printable(input) << ": ok\n";
  }
  return kExitOk;
}

// Validates one input and prints its verdict; returns its exit code. `progress` (may be null) is
// told what was examined; with `hold_terminal` (console is the terminal, not a buffer) it is also
// kept off the terminal while the verdict is printed.
int check_one(const ListedInput& listed, const Options& options, Console& console,
              Progress* progress, bool hold_terminal) {
  const std::string& input = listed.path;
  const CheckedInput checked =
      check_input(input, options.limits, MemberDetail::Summary, listed.streams_allowed, progress);
  std::unique_lock<std::mutex> hold;
  if (progress != nullptr) {
    if (checked.npy) {
      progress->add_bytes(saturating_add(checked.npy->payload_offset, checked.npy->nbytes));
    }
    progress->file_done();
    if (hold_terminal) hold = progress->hold();
  }
  const int code = print_check_verdict(input, options, console, checked);
  // The verdict must be on the terminal before the progress line may be drawn again.
  if (progress != nullptr && progress->active()) console.out.flush();
  return code;
}

// How many inputs ended each way; the summary and the exit code are made from these.
struct Tally {
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t unreadable = 0;

  void count(int exit_code) {
    if (exit_code == kExitOk) {
      ++accepted;
    } else if (exit_code == kExitRejected) {
      ++rejected;
    } else {
      ++unreadable;
    }
  }
  uint64_t checked() const { return accepted + rejected + unreadable; }
  int exit_code() const {
    return unreadable > 0 ? kExitUsage : rejected > 0 ? kExitRejected : kExitOk;
  }
};

// Printed for an input whose check ran out of memory in a job thread. Its name is not printed:
// formatting it could need the memory that just ran out.
constexpr const char* kOutOfMemoryVerdict = "npyguard: internal error: out of memory\n";

// One input's printed verdict, produced on a worker and printed in input order.
struct Verdict {
  std::string out;
  std::string err;
  int exit_code = kExitOk;
  bool done = false;
  bool out_of_memory = false;  // the check threw: print kOutOfMemoryVerdict instead
};

void check_sequential(const std::vector<ListedInput>& inputs, const Options& options,
                      Console& console, Progress* progress, Tally& tally) {
  for (const ListedInput& input : inputs) {
    tally.count(check_one(input, options, console, progress, /*hold_terminal=*/true));
  }
}

void check_parallel(const std::vector<ListedInput>& inputs, const Options& options,
                    Console& console, unsigned jobs, Progress* progress, Tally& tally) {
  std::vector<Verdict> verdicts(inputs.size());
  std::mutex mutex;
  size_t frontier = 0;  // the first verdict not yet printed (guarded by mutex)
  std::atomic<size_t> next{0};
  // Verdicts are printed in input order, so output (and a diff of two runs) does not depend on
  // scheduling: whichever thread finishes the verdict at the frontier prints it and every
  // finished one after it. No thread ever waits for another, except for the lock.
  auto work = [&] {
    for (size_t i = next++; i < inputs.size(); i = next++) {
      Verdict verdict;
      try {
        std::ostringstream out, err;
        Console buffered{out, err};
        verdict.exit_code =
            check_one(inputs[i], options, buffered, progress, /*hold_terminal=*/false);
        verdict.out = out.str();
        verdict.err = err.str();
      } catch (...) {
        // Memory ran out while checking or printing: an exception leaving a job thread would
        // terminate the process, so it becomes this input's verdict (exit 2, like main's).
        verdict = Verdict{};
        verdict.exit_code = kExitUsage;
        verdict.out_of_memory = true;
      }
      verdict.done = true;
      const std::lock_guard<std::mutex> lock(mutex);
      verdicts[i] = std::move(verdict);
      if (i != frontier) continue;
      std::unique_lock<std::mutex> hold;
      if (progress != nullptr) hold = progress->hold();
      for (; frontier < inputs.size() && verdicts[frontier].done; ++frontier) {
        const Verdict printed = std::move(verdicts[frontier]);
        console.out << printed.out;
        // Standard output stays buffered (a write per file under the lock would serialise the
        // jobs); it is flushed only before an error line, so the two streams interleave as in
        // a sequential run.
        if (!printed.err.empty() || printed.out_of_memory) {
          console.out.flush();
          console.err << (printed.out_of_memory ? std::string_view(kOutOfMemoryVerdict)
                                                : std::string_view(printed.err));
        }
        tally.count(printed.exit_code);
      }
      if (progress != nullptr && progress->active()) console.out.flush();
    }
  };
  // This thread is one of the jobs, and any one job can finish every input, so a job thread that
  // cannot be started only means fewer jobs.
  run_on_threads(jobs, work);
}

// "3 files" / "1 file".
std::string count_text(uint64_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

// The skipped part of the summary: "; 2 skipped (1 symbolic link to a directory, not followed;
// 1 not a regular file)", or empty when nothing was.
std::string skipped_text(const SkippedFiles& skipped) {
  if (skipped.total() == 0) return {};
  std::string reasons;
  const auto add = [&](uint64_t n, std::string_view one, std::string_view many) {
    if (n == 0) return;
    if (!reasons.empty()) reasons += ", ";
    reasons += std::to_string(n) + " " + std::string(n == 1 ? one : many);
  };
  add(skipped.filtered, "left out by --include/--exclude", "left out by --include/--exclude");
  add(skipped.directory_links, "symbolic link to a directory (not followed)",
      "symbolic links to directories (not followed)");
  add(skipped.broken_links, "broken symbolic link", "broken symbolic links");
  add(skipped.not_regular, "not a regular file", "not regular files");
  add(skipped.repeated_dirs, "directory reached twice", "directories reached twice");
  return "; " + std::to_string(skipped.total()) + " skipped (" + reasons + ")";
}

// "; 1 path could not be read" (a directory, an entry of one, or a list), or empty.
std::string unreadable_text(uint64_t unreadable) {
  if (unreadable == 0) return {};
  return "; " + count_text(unreadable, "path") + " could not be read";
}

}  // namespace

int run_check(const Options& options, Console& console) {
  const InputList list = gather_inputs(options, console);
  const std::vector<ListedInput>& inputs = list.inputs;
  Tally tally;
  {
    const ProgressMode mode = options.quiet && options.progress == ProgressMode::Auto
                                  ? ProgressMode::Never
                                  : options.progress;
    Progress progress(mode, console.err_is_terminal, console.err, inputs.size());
    const unsigned jobs = pool_threads(options.jobs, inputs.size());
    if (jobs <= 1) {
      check_sequential(inputs, options, console, &progress, tally);
    } else {
      check_parallel(inputs, options, console, jobs, &progress, tally);
    }
  }
  console.out.flush();
  // A walk or a list decides what is checked, so say what it covered: a run that looked at
  // nothing, or skipped files, must not pass unnoticed.
  const bool listed = options.recursive || options.files_from.has_value();
  if (listed) {
    console.err << "npyguard: " << count_text(tally.checked(), "file")
                << " checked: " << tally.accepted << " accepted, " << tally.rejected
                << " rejected, " << tally.unreadable << " unreadable" << skipped_text(list.skipped)
                << unreadable_text(list.unreadable) << '\n';
  }
  if (tally.checked() == 0) {
    console.err << "npyguard: no file was checked"
                << (list.skipped.total() > 0 ? " (every file found was skipped)" : "") << '\n';
    return kExitUsage;
  }
  return list.unreadable > 0 ? kExitUsage : tally.exit_code();
}

}  // namespace npyguard::cli
