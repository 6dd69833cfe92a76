// SPDX-License-Identifier: Apache-2.0
// The progress ticker: a thread that wakes a few times a second and redraws one line on standard
// error. It only reads atomic counters and never touches standard output, so it cannot change a
// verdict or its order; hold() keeps it off the terminal while a verdict is printed.
#include "progress.h"

#include <array>
#include <ostream>
#include <system_error>

namespace npyguard::cli {
namespace {

using std::chrono::milliseconds;

// A check shorter than this never shows the line in Auto mode: it would only flicker.
constexpr milliseconds kAutoDelay{1000};
// Redraw period on a terminal, and line period elsewhere (a log gets one line per second).
constexpr milliseconds kTerminalPeriod{250};
constexpr milliseconds kLinePeriod{1000};
constexpr unsigned kKibShift = 10;

// "123 B", "4.5 MiB": one decimal, powers of 1024.
std::string bytes_text(uint64_t bytes) {
  constexpr std::array<const char*, 5> kUnits = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  uint64_t whole = bytes;
  uint64_t rest = 0;  // the remainder below `whole`, in units of the next smaller unit
  while (whole >= (uint64_t{1} << kKibShift) && unit + 1 < kUnits.size()) {
    rest = whole & ((uint64_t{1} << kKibShift) - 1);
    whole >>= kKibShift;
    ++unit;
  }
  std::string out = std::to_string(whole);
  if (unit > 0) out += "." + std::to_string(rest * 10 >> kKibShift);
  return out + " " + kUnits[unit];
}

}  // namespace

Progress::Progress(ProgressMode mode, bool err_is_terminal, std::ostream& err, uint64_t total_files)
    : in_place_(err_is_terminal), err_(err), total_files_(total_files) {
  if (mode == ProgressMode::Never || (mode == ProgressMode::Auto && !err_is_terminal)) return;
  enabled_ = true;
  period_ = err_is_terminal ? kTerminalPeriod : kLinePeriod;
  first_delay_ = kAutoDelay;
  if (mode == ProgressMode::Always) {
    // Asked for: say so at once, however short the run turns out to be.
    first_delay_ = period_;
    draw_locked();
    closing_line_ = !in_place_;
  }
  try {
    ticker_ = std::thread([this] { tick(); });
  } catch (const std::system_error&) {
    // No thread, no progress line: the check itself is unaffected.
  }
}

Progress::~Progress() {
  if (!enabled_) return;
  if (ticker_.joinable()) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stop_signal_.notify_all();
    ticker_.join();
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  // A log asked for progress gets the final counts; a terminal gets its line back.
  if (closing_line_) {
    draw_locked();
  } else {
    erase_locked();
  }
  err_.flush();
}

std::unique_lock<std::mutex> Progress::hold() {
  std::unique_lock<std::mutex> lock(mutex_);
  erase_locked();
  return lock;
}

std::string Progress::line() const {
  std::string text = "npyguard: " + std::to_string(files_.load(std::memory_order_relaxed)) + "/" +
                     std::to_string(total_files_) + " files";
  if (const uint64_t members = members_.load(std::memory_order_relaxed); members > 0) {
    text += ", " + std::to_string(members) + " archive members";
  }
  return text + ", " + bytes_text(bytes_.load(std::memory_order_relaxed)) + " checked";
}

void Progress::erase_locked() {
  if (!in_place_ || drawn_ == 0) return;
  err_ << '\r' << std::string(drawn_, ' ') << '\r';
  err_.flush();
  drawn_ = 0;
}

void Progress::tick() {
  // A thread function must not throw (that terminates the process); without memory for the
  // line there is simply no more progress.
  try {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_signal_.wait_for(lock, first_delay_, [this] { return stopping_; })) return;
    while (true) {
      draw_locked();
      if (stop_signal_.wait_for(lock, period_, [this] { return stopping_; })) return;
    }
  } catch (...) {
  }
}

void Progress::draw_locked() {
  const std::string text = line();
  if (in_place_) {
    // Overwrite the previous line, and blank what is left of it if the new one is shorter.
    err_ << '\r' << text;
    if (text.size() < drawn_) err_ << std::string(drawn_ - text.size(), ' ') << '\r' << text;
    drawn_ = text.size();
  } else {
    err_ << text << '\n';
  }
  err_.flush();
}

}  // namespace npyguard::cli
