// SPDX-License-Identifier: Apache-2.0
// Payload checks that protect C++ callers: bool bytes must be 0 or 1 (any other value is
// undefined behaviour when read as bool), and U strings must hold Unicode scalar values. Input:
// untrusted payload bytes, whole items at a time; output: Ok or the offset of the first bad byte.
// Only the bytes of bool and U leaves are visited; other dtypes need no scan at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "array/run_plan.h"
#include "npyguard/dtype.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Most runs (contiguous bool or U bytes inside one item) a scan plan stores; dtypes that expand
// to more (subarrays of records holding bools) are walked per item instead.
inline constexpr size_t kMaxScanRuns = 4096;
// Most runs the planner may visit before it gives up and walks per item instead. Merging can
// fold many visits into one stored run, so kMaxScanRuns alone does not bound planning time.
inline constexpr size_t kMaxScanPlanVisits = 4 * kMaxScanRuns;

// What a scanned run holds: bool bytes, or UCS-4 code units in one byte order.
struct ScanKind {
  bool is_unicode = false;
  bool big_endian = false;
  friend bool operator==(const ScanKind&, const ScanKind&) = default;
};
using ScanRun = KindRun<ScanKind>;

class PayloadScanner {
 public:
  explicit PayloadScanner(const DType& dtype);

  // False when the dtype holds no bool or U bytes: nothing to scan.
  bool needed() const noexcept { return plan_.needed(); }
  // `items` holds whole items (size a multiple of itemsize); `base` is the file offset of
  // items[0], used for the error offset.
  Status scan(std::span<const std::byte> items, uint64_t base, const Limits& limits) const;
  // Rewrites every bool byte other than 0 to 1 (Limits::normalize_bool).
  void normalize_bools(std::span<std::byte> items) const;

  // For tests: whether the per-item plan was built, its size, and the steps construction took
  // (fields reduced plus runs visited while planning), which must stay bounded by the header.
  bool planned() const noexcept { return plan_.planned(); }
  size_t plan_runs() const noexcept { return plan_.plan_runs(); }
  size_t build_steps() const noexcept { return plan_.build_steps(); }

 private:
  const DType& dtype_;
  RunPlan<ScanKind> plan_;
};

}  // namespace npyguard::detail
