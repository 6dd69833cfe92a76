// SPDX-License-Identifier: Apache-2.0
// Work meter: counts the steps of every loop whose trip count comes from the input (header
// tokens and literals, dtype fields, scan planning and scanning, directory entries, member loops,
// byte-order swap runs, transpose elements), so the fuzz targets can check that work stays
// within a constant times the bytes examined. Input: step counts from library code; output: one
// process-wide counter the fuzz targets reset and read. Compiled to nothing unless
// NPYGUARD_WORK_METER is defined (fuzz builds and the test presets); it never changes behaviour.
//
// One atomic counter rather than a thread_local one: NpzArchive::read_all's worker threads
// charge the same meter as the calling thread. Charges are made once per loop or per coarse
// step (never per byte in a hot loop), so the relaxed add costs nothing measurable.
#pragma once

#include <cstdint>

#if defined(NPYGUARD_WORK_METER)
#include <atomic>
#endif

namespace npyguard::detail {

#if defined(NPYGUARD_WORK_METER)

inline constexpr bool kWorkMeterEnabled = true;

// Process-wide; only the fuzz targets (and tests) read or reset it.
inline std::atomic<uint64_t> g_work_meter{0};  // NOLINT: the meter is global by design

inline void charge(uint64_t steps) noexcept {
  g_work_meter.fetch_add(steps, std::memory_order_relaxed);
}
inline void reset_work_meter() noexcept { g_work_meter.store(0, std::memory_order_relaxed); }
inline uint64_t work_done() noexcept { return g_work_meter.load(std::memory_order_relaxed); }

#else

inline constexpr bool kWorkMeterEnabled = false;

inline void charge(uint64_t /*steps*/) noexcept {}
inline void reset_work_meter() noexcept {}
inline uint64_t work_done() noexcept { return 0; }

#endif

}  // namespace npyguard::detail
