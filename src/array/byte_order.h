// SPDX-License-Identifier: Apache-2.0
// Byte-order conversion of payloads: every leaf of a dtype (fields at any depth included) turned
// to the host's order, in place or while copying. Input: bytes holding whole elements of a
// validated dtype; output: the same elements in host order.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "array/run_plan.h"
#include "npyguard/dtype.h"

namespace npyguard::detail {

inline constexpr ByteOrder kHostOrder =
    std::endian::native == std::endian::little ? ByteOrder::Little : ByteOrder::Big;

// Writes `from` with the bytes of every `unit`-byte group reversed into `to` (same size; the two
// may be the same memory).
void reverse_units(std::span<const std::byte> from, std::span<std::byte> to, size_t unit);
void reverse_units(std::span<std::byte> bytes, size_t unit);

// The unit whose bytes reverse for a non-structured leaf: complex parts swap separately, U
// strings are UCS-4 code units.
size_t swap_unit(const DType& dtype);

// Most runs a swap plan stores, and most runs its planner visits before it gives up and walks
// the reduced record per element instead (merging can fold many visits into one stored run, so
// the run count alone does not bound planning time). Same reasoning as the payload scanner's
// kMaxScanRuns / kMaxScanPlanVisits.
inline constexpr size_t kMaxSwapRuns = 4096;
inline constexpr size_t kMaxSwapPlanVisits = 4 * kMaxSwapRuns;

// What swap_to_host does to each element of a dtype, computed once from the dtype (a RunPlan
// whose kind is the swap unit): zero-size fields, leaves already in host order and single-byte
// leaves are gone, adjacent runs of one unit are merged, and a subarray of records that are one
// run collapses into one run. Applying it visits only runs holding bytes to swap, so the work per
// element is bounded by the element's bytes, never by the fields the header declares.
class SwapPlan {
 public:
  explicit SwapPlan(const DType& dtype);
  // False when no byte of an element changes.
  bool needed() const noexcept { return plan_.needed(); }
  // Swaps in place `bytes` holding whole elements of the dtype.
  void apply(std::span<std::byte> bytes) const;

  // For tests: whether the flat per-element run list was built, its size, and the steps
  // construction took.
  bool planned() const noexcept { return plan_.planned(); }
  size_t plan_runs() const noexcept { return plan_.plan_runs(); }
  size_t build_steps() const noexcept { return plan_.build_steps(); }

 private:
  uint64_t itemsize_ = 0;
  RunPlan<uint64_t> plan_;  // kind: the unit whose bytes reverse
};

// Byte-swaps in place every leaf of `dtype` whose order differs from the host's, over `bytes`
// holding whole elements of `dtype` (builds a SwapPlan; reuse one for many calls).
void swap_to_host(const DType& dtype, std::span<std::byte> bytes);

// `dtype` with every leaf that has a byte order in host order.
DType with_host_order(const DType& dtype);

// True when some leaf of `dtype` is not in host order.
bool needs_swap_to_host(const DType& dtype);

}  // namespace npyguard::detail
