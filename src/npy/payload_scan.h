// Payload checks that protect C++ callers: bool bytes must be 0 or 1 (any other value is
// undefined behaviour when read as bool), and U strings must hold Unicode scalar values. Input:
// untrusted payload bytes, whole items at a time; output: Ok or the offset of the first bad byte.
// Only the bytes of bool and U leaves are visited; other dtypes need no scan at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

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

struct ScanRun {
  uint64_t offset = 0;  // inside the item
  uint64_t length = 0;  // bytes
  bool is_unicode = false;
  bool big_endian = false;
};

// One field of a record that holds bool or U bytes (size > 0): either a single run covering all
// `count` elements (a leaf, or a record that is nothing but one kind of run), or `count` copies
// of node `node`, `stride` bytes apart.
struct ScanField {
  uint64_t offset = 0;  // inside the parent record
  uint64_t count = 0;
  uint64_t stride = 0;  // the element's itemsize
  uint32_t node = 0;    // index into PayloadScanner::nodes_ when !whole
  bool whole = false;   // run describes the whole field
  ScanRun run;          // when whole: the field as one run (offset inside the parent)
};

// A record reduced to the fields that hold scanned bytes; zero-size fields and fields without
// bool/U bytes are gone, so walking it costs at most one step per scanned byte.
struct ScanNode {
  std::vector<ScanField> fields;
  bool whole = false;  // the record is one run [0, itemsize) of a single kind
  ScanRun run;         // when whole
};

class PayloadScanner {
 public:
  explicit PayloadScanner(const DType& dtype);

  // False when the dtype holds no bool or U bytes: nothing to scan.
  bool needed() const noexcept { return needed_; }
  // `items` holds whole items (size a multiple of itemsize); `base` is the file offset of
  // items[0], used for the error offset.
  Status scan(std::span<const std::byte> items, uint64_t base, const Limits& limits) const;
  // Rewrites every bool byte other than 0 to 1 (Limits::normalize_bool).
  void normalize_bools(std::span<std::byte> items) const;

  // For tests: whether the per-item plan was built, its size, and the steps construction took
  // (fields reduced plus runs visited while planning), which must stay bounded by the header.
  bool planned() const noexcept { return planned_; }
  size_t plan_runs() const noexcept { return runs_.size(); }
  size_t build_steps() const noexcept { return build_steps_; }

 private:
  // Reduces `dtype` (Structured) into nodes_; returns its index.
  uint32_t reduce(const DType& dtype);
  template <class Visit>
  bool for_each_run(const ScanNode& node, uint64_t base, Visit& visit) const;
  template <class Visit>
  bool for_each_item_run(Visit& visit) const;

  const DType& dtype_;
  bool needed_ = false;
  bool planned_ = false;  // runs_ holds the full plan; otherwise walk nodes_ per item
  std::vector<ScanRun> runs_;
  std::vector<ScanNode> nodes_;  // children before parents; nodes_[root_] is dtype_ itself
  uint32_t root_ = 0;
  size_t build_steps_ = 0;
};

}  // namespace npyguard::detail
