// SPDX-License-Identifier: Apache-2.0
// The worker pool's thread handling, a copy of src/base/worker_pool.cpp (see worker_pool.h): start
// what can be started, always join. Input: a thread count and a body; output: none.
#include "worker_pool.h"

#include <algorithm>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace npyguard::cli {
namespace {

// Joins every thread it holds when it goes out of scope, however the scope is left.
class Joiner {
 public:
  explicit Joiner(std::vector<std::thread>& threads) noexcept : threads_(threads) {}
  Joiner(const Joiner&) = delete;
  Joiner& operator=(const Joiner&) = delete;
  ~Joiner() {
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  std::vector<std::thread>& threads_;
};

}  // namespace

unsigned pool_threads(unsigned requested, size_t tasks) noexcept {
  const unsigned wanted =
      requested == 0 ? std::max(1u, std::thread::hardware_concurrency()) : requested;
  return static_cast<unsigned>(std::clamp<size_t>(tasks, 1, wanted));
}

void run_on_threads(unsigned threads, const std::function<void()>& body) {
  std::vector<std::thread> workers;
  const Joiner joiner(workers);
  try {
    if (threads > 1) workers.reserve(threads - 1);
    for (unsigned w = 1; w < threads; ++w) workers.emplace_back(body);
  } catch (const std::system_error&) {
    // Fewer threads: this one still runs the body below.
  } catch (const std::bad_alloc&) {
  }
  body();
}

}  // namespace npyguard::cli
