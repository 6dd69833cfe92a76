// Byte-order conversion of payloads: every leaf of a dtype (fields at any depth included) turned
// to the host's order, in place or while copying. Input: bytes holding whole elements of a
// validated dtype; output: the same elements in host order.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

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

// Bytes [offset, offset + length) of an element whose `unit`-byte groups reverse.
struct SwapRun {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t unit = 0;
};

// One field of a reduced record holding bytes to swap: a single run covering all `count`
// elements (a leaf, or a record that is one run of one unit), or `count` copies of node `node`,
// `stride` bytes apart.
struct SwapField {
  uint64_t offset = 0;
  uint64_t count = 0;
  uint64_t stride = 0;
  uint32_t node = 0;
  bool whole = false;
  SwapRun run;  // when whole; offset inside the parent record
};

struct SwapNode {
  std::vector<SwapField> fields;
  bool whole = false;  // the record is one run [0, itemsize) of one unit
  SwapRun run;
};

// What swap_to_host does to each element of a dtype, computed once from the dtype: zero-size
// fields, leaves already in host order and single-byte leaves are gone, adjacent runs of one
// unit are merged, and a subarray of records that are one run collapses into one run. Applying
// it visits only runs holding bytes to swap (each non-empty and disjoint), so the work per
// element is at most (dtype depth) x (element bytes): it grows with the payload bytes, never with
// the number of zero-size or untouched fields the header declares. Building it is one step per
// field in the header plus at most kMaxSwapPlanVisits run visits.
class SwapPlan {
 public:
  explicit SwapPlan(const DType& dtype);

  // False when no byte of an element changes.
  bool needed() const noexcept { return needed_; }
  // Swaps in place `bytes` holding whole elements of the dtype.
  void apply(std::span<std::byte> bytes) const;

  // For tests: whether the flat per-element run list was built, its size, and the steps
  // construction took.
  bool planned() const noexcept { return planned_; }
  size_t plan_runs() const noexcept { return runs_.size(); }
  size_t build_steps() const noexcept { return build_steps_; }

 private:
  uint32_t reduce(const DType& dtype);
  template <class Visit>
  bool for_each_run(const SwapNode& node, uint64_t base, Visit& visit) const;

  uint64_t itemsize_ = 0;
  bool needed_ = false;
  bool planned_ = false;
  std::vector<SwapRun> runs_;
  std::vector<SwapNode> nodes_;  // children before parents; nodes_[root_] is the dtype itself
  uint32_t root_ = 0;
  size_t build_steps_ = 0;
};

// Byte-swaps in place every leaf of `dtype` whose order differs from the host's, over `bytes`
// holding whole elements of `dtype` (builds a SwapPlan; reuse one for many calls).
void swap_to_host(const DType& dtype, std::span<std::byte> bytes);

// `dtype` with every leaf that has a byte order in host order.
DType with_host_order(const DType& dtype);

// True when some leaf of `dtype` is not in host order.
bool needs_swap_to_host(const DType& dtype);

}  // namespace npyguard::detail
