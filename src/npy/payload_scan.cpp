// SPDX-License-Identifier: Apache-2.0
// Payload scan implementation. Input: untrusted payload bytes in whole items and a validated
// DType; output: Ok or the first invalid bool/U byte.
//
// Which bytes are scanned comes from a RunPlan (array/run_plan.h, which states the cost bound):
// work grows with the payload bytes actually scanned, never with counts of zero-size or ignored
// fields, and an array of zero elements is never walked at all.
#include "npy/payload_scan.h"

#include <optional>
#include <utility>

#include "base/work_meter.h"

namespace npyguard::detail {
namespace {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;

// The run kind of a leaf: bool bytes, U code units in its byte order, or nothing to scan.
std::optional<ScanKind> scan_kind(const DType& leaf) {
  if (leaf.kind == DTypeKind::Bool) return ScanKind{};
  if (leaf.kind == DTypeKind::Unicode) {
    return ScanKind{.is_unicode = true, .big_endian = leaf.byte_order == ByteOrder::Big};
  }
  return std::nullopt;
}

uint32_t load_u32(std::span<const std::byte> bytes, size_t at, bool big_endian) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    const auto byte = static_cast<uint32_t>(bytes[at + i]);
    value |= big_endian ? byte << (8 * (3 - i)) : byte << (8 * i);
  }
  return value;
}

// Checks one run inside `item`; returns the index (inside item) of the first bad byte, or
// item.size() when the run is clean.
size_t check_run(std::span<const std::byte> item, const ScanRun& run) {
  const auto bytes = item.subspan(static_cast<size_t>(run.offset), static_cast<size_t>(run.length));
  if (!run.kind.is_unicode) {
    uint8_t any_high = 0;
    for (std::byte b : bytes) any_high |= static_cast<uint8_t>(static_cast<uint8_t>(b) & 0xFE);
    if (any_high == 0) return item.size();
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (static_cast<uint8_t>(bytes[i]) > 1) return static_cast<size_t>(run.offset) + i;
    }
    return item.size();
  }
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    const uint32_t cp = load_u32(bytes, i, run.kind.big_endian);
    if (cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return static_cast<size_t>(run.offset) + i;
    }
  }
  return item.size();
}

}  // namespace

PayloadScanner::PayloadScanner(const DType& dtype)
    : dtype_(dtype), plan_(dtype, scan_kind, kMaxScanRuns, kMaxScanPlanVisits) {}

Status PayloadScanner::scan(std::span<const std::byte> items, uint64_t base,
                            const Limits& limits) const {
  if (!plan_.needed() || items.empty()) return ok_status();
  const auto itemsize = static_cast<size_t>(dtype_.itemsize);
  const bool check_unicode = !limits.allow_invalid_unicode;
  const auto skipped = [&](const ScanKind& kind) {
    return kind.is_unicode ? !check_unicode : limits.normalize_bool;
  };
  const auto invalid = [&](bool unicode, uint64_t offset) {
    return Error{.code = unicode ? ErrorCode::InvalidUnicode : ErrorCode::InvalidBool,
                 .offset = offset,
                 .detail = unicode ? "code point is a surrogate or above U+10FFFF"
                                   : "bool byte is neither 0 nor 1"};
  };
  if (const std::optional<ScanKind> kind = plan_.whole_kind()) {
    // A plain bool or U array, or records that are nothing but one kind of run, is one run over
    // the whole chunk: a single tight loop the compiler vectorises, instead of one call per
    // element.
    if (skipped(*kind)) return ok_status();
    const size_t whole = items.size() - items.size() % itemsize;
    charge(whole / 64 + 1);  // one vectorised pass: a step per cache line
    const auto all = items.first(whole);
    const size_t bad = check_run(all, ScanRun{.offset = 0, .length = whole, .kind = *kind});
    if (bad == all.size()) return ok_status();
    return invalid(kind->is_unicode, base + bad);
  }
  uint64_t steps = 0;  // runs visited: each is non-empty, so at most the payload bytes
  for (size_t start = 0; start + itemsize <= items.size(); start += itemsize) {
    const auto item = items.subspan(start, itemsize);
    size_t bad = item.size();
    bool bad_is_unicode = false;
    plan_.for_each_run([&](const ScanRun& run) {
      ++steps;
      if (skipped(run.kind)) return true;
      bad = check_run(item, run);
      bad_is_unicode = run.kind.is_unicode;
      return bad == item.size();
    });
    if (bad != item.size()) {
      charge(steps);
      return invalid(bad_is_unicode, base + start + bad);
    }
  }
  charge(steps);
  return ok_status();
}

void PayloadScanner::normalize_bools(std::span<std::byte> items) const {
  if (!plan_.needed() || items.empty()) return;
  const auto set_bools = [](std::span<std::byte> bytes) {
    for (std::byte& b : bytes) b = b != std::byte{0} ? std::byte{1} : std::byte{0};
  };
  const auto itemsize = static_cast<size_t>(dtype_.itemsize);
  if (const std::optional<ScanKind> kind = plan_.whole_kind()) {
    if (kind->is_unicode) return;
    const size_t whole = items.size() - items.size() % itemsize;
    charge(whole / 64 + 1);
    set_bools(items.first(whole));
    return;
  }
  uint64_t steps = 0;
  for (size_t start = 0; start + itemsize <= items.size(); start += itemsize) {
    auto item = items.subspan(start, itemsize);
    plan_.for_each_run([&](const ScanRun& run) {
      ++steps;
      if (!run.kind.is_unicode) {
        set_bools(item.subspan(static_cast<size_t>(run.offset), static_cast<size_t>(run.length)));
      }
      return true;
    });
  }
  charge(steps);
}

}  // namespace npyguard::detail
