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

struct ScanRun {
  uint64_t offset = 0;  // inside the item
  uint64_t length = 0;  // bytes
  bool is_unicode = false;
  bool big_endian = false;
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

 private:
  const DType& dtype_;
  bool needed_ = false;
  bool planned_ = false;  // runs_ holds the full plan; otherwise walk the dtype per item
  std::vector<ScanRun> runs_;
};

}  // namespace npyguard::detail
