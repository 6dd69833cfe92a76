// SPDX-License-Identifier: Apache-2.0
// The worker pool of check -j: one job body run on several threads, the calling thread being one
// of them. Input: a thread count asked for and a body that takes its tasks from shared state;
// output: nothing, once every thread has returned.
//
// The library's NpzArchive::read_all uses the same helper from src/base/worker_pool.h; the CLI
// keeps this copy because it is built on the public headers only (STYLE.md section 1), and a
// thread pool is no part of the library's API. Keep the two alike.
#pragma once

#include <cstddef>
#include <functional>

namespace npyguard::cli {

// The threads a pool needs for `tasks` tasks when `requested` were asked for (0: one per core):
// at least 1 (the calling thread, even for no task), at most one per task.
unsigned pool_threads(unsigned requested, size_t tasks) noexcept;

// Runs `body` on `threads` threads, this one included, and returns when all have returned. A
// thread that cannot be started (no memory, a thread limit) only means fewer threads, so `body`
// must let any one thread finish every task. Every started thread is joined even if `body`
// throws on this thread (a std::thread destroyed unjoined would terminate the process); the
// exception is then rethrown.
void run_on_threads(unsigned threads, const std::function<void()>& body);

}  // namespace npyguard::cli
