// Payload scan implementation. Input: untrusted payload bytes in whole items and a validated
// DType; output: Ok or the first invalid bool/U byte.
//
// Cost bound: no loop here is bounded by a subarray's element count or a field count alone.
// The constructor reduces each record once (one step per field in the header, so work is
// bounded by the header bytes): zero-size fields and fields without bool/U bytes are dropped,
// and a subarray of records that are one contiguous run of a single kind collapses to one run
// (stride x count) instead of `count` entries. Planning then visits at most kMaxScanPlanVisits
// runs. Scanning an item visits only fields that hold at least one scanned byte, each visited
// run is non-empty and disjoint, so per-item work is at most (dtype depth) x (item bytes): it
// grows with the payload bytes actually scanned, never with counts of zero-size things, and an
// array of zero elements is never walked at all.
#include "npy/payload_scan.h"

#include <utility>

#include "base/work_meter.h"

namespace npyguard::detail {
namespace {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;

bool same_kind(const ScanRun& a, const ScanRun& b) {
  return a.is_unicode == b.is_unicode && a.big_endian == b.big_endian;
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
  if (!run.is_unicode) {
    uint8_t any_high = 0;
    for (std::byte b : bytes) any_high |= static_cast<uint8_t>(static_cast<uint8_t>(b) & 0xFE);
    if (any_high == 0) return item.size();
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (static_cast<uint8_t>(bytes[i]) > 1) return static_cast<size_t>(run.offset) + i;
    }
    return item.size();
  }
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    const uint32_t cp = load_u32(bytes, i, run.big_endian);
    if (cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return static_cast<size_t>(run.offset) + i;
    }
  }
  return item.size();
}

}  // namespace

uint32_t PayloadScanner::reduce(const DType& dtype) {
  ScanNode node;
  bool contiguous = true;  // the fields so far form one run [0, node.run.length) of one kind
  for (const Field& field : dtype.fields) {
    ++build_steps_;
    if (field.size == 0) continue;  // a zero-size subtree has nothing to scan, however deep
    ScanField reduced{.offset = field.offset, .count = field.count, .stride = field.dtype.itemsize};
    switch (field.dtype.kind) {
      case DTypeKind::Bool:
      case DTypeKind::Unicode:
        reduced.whole = true;
        reduced.run = ScanRun{.offset = field.offset,
                              .length = field.size,
                              .is_unicode = field.dtype.kind == DTypeKind::Unicode,
                              .big_endian = field.dtype.byte_order == ByteOrder::Big};
        break;
      case DTypeKind::Structured: {
        const uint32_t child = reduce(field.dtype);
        if (nodes_[child].fields.empty()) continue;
        if (nodes_[child].whole) {
          // `count` back-to-back copies of one run are one run over the whole field.
          reduced.whole = true;
          reduced.run = nodes_[child].run;
          reduced.run.offset = field.offset;
          reduced.run.length = field.size;
        } else {
          reduced.node = child;
        }
        break;
      }
      default:
        continue;
    }
    // NOLINTNEXTLINE(bugprone-branch-clone): the first and last cases both end a run, for different reasons
    if (!reduced.whole) {
      contiguous = false;
    } else if (node.fields.empty()) {
      contiguous = reduced.run.offset == 0;
      node.run = reduced.run;
    } else if (contiguous && same_kind(node.run, reduced.run) &&
               node.run.length == reduced.run.offset) {
      node.run.length += reduced.run.length;  // fields are in offset order, inside itemsize
    } else {
      contiguous = false;
    }
    node.fields.push_back(reduced);
  }
  node.whole = contiguous && !node.fields.empty() && node.run.length == dtype.itemsize;
  nodes_.push_back(std::move(node));
  return static_cast<uint32_t>(nodes_.size() - 1);  // <= fields in the dtype, < 2^32
}

// Calls visit(run) for every bool/U run of one item whose first byte is at `base`, in offset
// order. Returns false as soon as visit does. Offsets stay inside the item (<= INT32_MAX), so
// the sums below cannot wrap.
template <class Visit>
bool PayloadScanner::for_each_run(const ScanNode& node, uint64_t base, Visit& visit) const {
  for (const ScanField& field : node.fields) {
    if (field.whole) {
      ScanRun run = field.run;
      run.offset = base + field.offset;
      if (!visit(run)) return false;
      continue;
    }
    // Every element holds at least one scanned byte, so this loop is bounded by payload bytes.
    const ScanNode& child = nodes_[field.node];
    for (uint64_t i = 0; i < field.count; ++i) {
      if (!for_each_run(child, base + field.offset + i * field.stride, visit)) return false;
    }
  }
  return true;
}

template <class Visit>
bool PayloadScanner::for_each_item_run(Visit& visit) const {
  const ScanNode& root = nodes_[root_];
  if (root.whole) return visit(root.run);
  return for_each_run(root, 0, visit);
}

PayloadScanner::PayloadScanner(const DType& dtype) : dtype_(dtype) {
  if (dtype.itemsize == 0) return;
  if (dtype.kind == DTypeKind::Bool || dtype.kind == DTypeKind::Unicode) {
    needed_ = true;  // scanned as one run over the whole chunk, no plan needed
    return;
  }
  if (dtype.kind != DTypeKind::Structured) return;
  root_ = reduce(dtype);
  charge(build_steps_);  // one step per field of the header
  needed_ = !nodes_[root_].fields.empty();
  if (!needed_) return;
  planned_ = true;
  size_t visits = 0;
  auto collect = [this, &visits](const ScanRun& run) {
    if (++visits > kMaxScanPlanVisits) {
      planned_ = false;
      return false;
    }
    if (!runs_.empty()) {
      ScanRun& last = runs_.back();
      if (same_kind(last, run) && last.offset + last.length == run.offset) {
        last.length += run.length;  // adjacent runs of the same kind merge
        return true;
      }
    }
    if (runs_.size() == kMaxScanRuns) {
      planned_ = false;
      return false;
    }
    runs_.push_back(run);
    return true;
  };
  for_each_item_run(collect);
  build_steps_ += visits;
  charge(visits);  // at most kMaxScanPlanVisits
  if (!planned_) runs_.clear();
}

Status PayloadScanner::scan(std::span<const std::byte> items, uint64_t base,
                            const Limits& limits) const {
  if (!needed_ || items.empty()) return ok_status();
  const auto itemsize = static_cast<size_t>(dtype_.itemsize);
  const bool check_unicode = !limits.allow_invalid_unicode;
  const bool plain = dtype_.kind != DTypeKind::Structured;
  if (plain || (planned_ && nodes_[root_].whole)) {
    // A plain bool or U array, or records that are nothing but one kind of run, is one run over
    // the whole chunk: a single tight loop the compiler vectorises, instead of one call per
    // element.
    const bool unicode = plain ? dtype_.kind == DTypeKind::Unicode : nodes_[root_].run.is_unicode;
    const bool big = plain ? dtype_.byte_order == ByteOrder::Big : nodes_[root_].run.big_endian;
    if (unicode ? !check_unicode : limits.normalize_bool) return ok_status();
    const size_t whole = items.size() - items.size() % itemsize;
    charge(whole / 64 + 1);  // one vectorised pass: a step per cache line
    const auto all = items.first(whole);
    const size_t bad = check_run(
        all, ScanRun{.offset = 0, .length = whole, .is_unicode = unicode, .big_endian = big});
    if (bad == all.size()) return ok_status();
    return Error{.code = unicode ? ErrorCode::InvalidUnicode : ErrorCode::InvalidBool,
                 .offset = base + bad,
                 .detail = unicode ? "code point is a surrogate or above U+10FFFF"
                                   : "bool byte is neither 0 nor 1"};
  }
  uint64_t steps = 0;  // runs visited: each is non-empty, so at most the payload bytes
  for (size_t start = 0; start + itemsize <= items.size(); start += itemsize) {
    const auto item = items.subspan(start, itemsize);
    size_t bad = item.size();
    bool bad_is_unicode = false;
    auto check = [&](const ScanRun& run) {
      ++steps;
      if (run.is_unicode ? !check_unicode : limits.normalize_bool) return true;
      bad = check_run(item, run);
      bad_is_unicode = run.is_unicode;
      return bad == item.size();
    };
    if (planned_) {
      for (const ScanRun& run : runs_) {
        if (!check(run)) break;
      }
    } else {
      for_each_item_run(check);
    }
    if (bad != item.size()) {
      charge(steps);
      return Error{.code = bad_is_unicode ? ErrorCode::InvalidUnicode : ErrorCode::InvalidBool,
                   .offset = base + start + bad,
                   .detail = bad_is_unicode ? "code point is a surrogate or above U+10FFFF"
                                            : "bool byte is neither 0 nor 1"};
    }
  }
  charge(steps);
  return ok_status();
}

void PayloadScanner::normalize_bools(std::span<std::byte> items) const {
  if (!needed_ || items.empty() || dtype_.kind == DTypeKind::Unicode) return;
  if (dtype_.kind == DTypeKind::Bool) {
    for (std::byte& b : items) b = b != std::byte{0} ? std::byte{1} : std::byte{0};
    return;
  }
  const auto itemsize = static_cast<size_t>(dtype_.itemsize);
  uint64_t steps = 0;
  for (size_t start = 0; start + itemsize <= items.size(); start += itemsize) {
    auto item = items.subspan(start, itemsize);
    auto fix = [&](const ScanRun& run) {
      ++steps;
      if (run.is_unicode) return true;
      for (std::byte& b :
           item.subspan(static_cast<size_t>(run.offset), static_cast<size_t>(run.length))) {
        if (b != std::byte{0}) b = std::byte{1};
      }
      return true;
    };
    if (planned_) {
      for (const ScanRun& run : runs_) fix(run);
    } else {
      for_each_item_run(fix);
    }
  }
  charge(steps);
}

}  // namespace npyguard::detail
