// SPDX-License-Identifier: Apache-2.0
// check's progress line: files, archive members and bytes done, on standard error. Input:
// counters bumped by the checking threads; output: one line redrawn in place on a terminal (or,
// with --progress on a pipe or file, one line per second), never mixed into a verdict line.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

namespace npyguard::cli {

enum class ProgressMode : uint8_t {
  Auto,    // on a terminal, once a run has taken about a second
  Always,  // --progress: from the start, on a terminal or not
  Never,   // --no-progress, --quiet
};

class Progress {
 public:
  // `err_is_terminal` says how to draw: in place on a terminal, whole lines elsewhere.
  Progress(ProgressMode mode, bool err_is_terminal, std::ostream& err, uint64_t total_files);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // Stops the ticker and erases the line, so what follows starts on a clean line.
  ~Progress();

  void add_bytes(uint64_t bytes) noexcept { bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  void member_done() noexcept { members_.fetch_add(1, std::memory_order_relaxed); }
  void file_done() noexcept { files_.fetch_add(1, std::memory_order_relaxed); }

  // True when a line may be drawn: whoever prints must then flush before releasing hold().
  bool active() const noexcept { return enabled_; }

  // Taken by whoever writes to the console: the line is erased first and is not redrawn until
  // the lock is released.
  [[nodiscard]] std::unique_lock<std::mutex> hold();

 private:
  void tick();
  std::string line() const;
  void draw_locked();
  void erase_locked();

  bool enabled_ = false;
  bool in_place_;
  bool closing_line_ = false;  // print the final counts as a last line (--progress, no terminal)
  std::ostream& err_;
  uint64_t total_files_;
  std::atomic<uint64_t> files_{0};
  std::atomic<uint64_t> members_{0};
  std::atomic<uint64_t> bytes_{0};
  std::chrono::steady_clock::duration first_delay_{};
  std::chrono::steady_clock::duration period_{};
  std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;  // guarded by mutex_
  size_t drawn_ = 0;       // characters of the line on screen now (guarded by mutex_)
  std::thread ticker_;
};

}  // namespace npyguard::cli
