// Payload scan implementation. Input: untrusted payload bytes in whole items and a validated
// DType; output: Ok or the first invalid bool/U byte. Work is proportional to the bytes of bool
// and U leaves: zero-size fields and fields without such leaves are never visited, so a huge
// subarray count of an empty type cannot turn into a long loop.
#include "payload_scan.h"

#include <utility>

namespace npyguard::detail {
namespace {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;

bool needs_scan(const DType& dtype) {
  return dtype.itemsize > 0 &&
         (dtype.contains(DTypeKind::Bool) || dtype.contains(DTypeKind::Unicode));
}

// Calls visit(run) for every bool/U run of one item whose first byte is at `base`, in offset
// order. Returns false as soon as visit does.
template <class Visit>
bool for_each_run(const DType& dtype, uint64_t base, Visit& visit) {
  switch (dtype.kind) {
    case DTypeKind::Bool:
      return visit(ScanRun{.offset = base, .length = dtype.itemsize});
    case DTypeKind::Unicode:
      return visit(ScanRun{.offset = base,
                           .length = dtype.itemsize,
                           .is_unicode = true,
                           .big_endian = dtype.byte_order == ByteOrder::Big});
    case DTypeKind::Structured:
      for (const Field& field : dtype.fields) {
        if (!needs_scan(field.dtype)) continue;
        const bool simple = field.dtype.kind != DTypeKind::Structured;
        if (simple) {
          // A subarray of a simple type is one contiguous run.
          if (!visit(ScanRun{.offset = base + field.offset,
                             .length = field.size,
                             .is_unicode = field.dtype.kind == DTypeKind::Unicode,
                             .big_endian = field.dtype.byte_order == ByteOrder::Big})) {
            return false;
          }
          continue;
        }
        for (uint64_t i = 0; i < field.count; ++i) {
          if (!for_each_run(field.dtype, base + field.offset + i * field.dtype.itemsize, visit)) {
            return false;
          }
        }
      }
      return true;
    default:
      return true;
  }
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

PayloadScanner::PayloadScanner(const DType& dtype) : dtype_(dtype), needed_(needs_scan(dtype)) {
  if (!needed_) return;
  planned_ = true;
  auto collect = [this](const ScanRun& run) {
    if (!runs_.empty()) {
      ScanRun& last = runs_.back();
      if (last.is_unicode == run.is_unicode && last.big_endian == run.big_endian &&
          last.offset + last.length == run.offset) {
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
  for_each_run(dtype_, 0, collect);
  if (!planned_) runs_.clear();
}

Status PayloadScanner::scan(std::span<const std::byte> items, uint64_t base,
                            const Limits& limits) const {
  if (!needed_) return ok_status();
  const auto itemsize = static_cast<size_t>(dtype_.itemsize);
  const bool check_unicode = !limits.allow_invalid_unicode;
  if (dtype_.kind != DTypeKind::Structured) {
    // A plain bool or U array is one run over the whole chunk: a single tight loop the compiler
    // vectorises, instead of one call per element.
    const bool unicode = dtype_.kind == DTypeKind::Unicode;
    if (unicode ? !check_unicode : limits.normalize_bool) return ok_status();
    const size_t whole = items.size() - items.size() % itemsize;
    const auto all = items.first(whole);
    const size_t bad = check_run(all, ScanRun{.offset = 0,
                                               .length = whole,
                                               .is_unicode = unicode,
                                               .big_endian = dtype_.byte_order == ByteOrder::Big});
    if (bad == all.size()) return ok_status();
    return Error{.code = unicode ? ErrorCode::InvalidUnicode : ErrorCode::InvalidBool,
                 .offset = base + bad,
                 .detail = unicode ? "code point is a surrogate or above U+10FFFF"
                                   : "bool byte is neither 0 nor 1"};
  }
  for (size_t start = 0; start + itemsize <= items.size(); start += itemsize) {
    const auto item = items.subspan(start, itemsize);
    size_t bad = item.size();
    bool bad_is_unicode = false;
    auto check = [&](const ScanRun& run) {
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
      for_each_run(dtype_, 0, check);
    }
    if (bad != item.size()) {
      return Error{.code = bad_is_unicode ? ErrorCode::InvalidUnicode : ErrorCode::InvalidBool,
                   .offset = base + start + bad,
                   .detail = bad_is_unicode ? "code point is a surrogate or above U+10FFFF"
                                            : "bool byte is neither 0 nor 1"};
    }
  }
  return ok_status();
}

void PayloadScanner::normalize_bools(std::span<std::byte> items) const {
  if (!needed_) return;
  if (dtype_.kind == DTypeKind::Bool) {
    for (std::byte& b : items) b = b != std::byte{0} ? std::byte{1} : std::byte{0};
    return;
  }
  const auto itemsize = static_cast<size_t>(dtype_.itemsize);
  for (size_t start = 0; start + itemsize <= items.size(); start += itemsize) {
    auto item = items.subspan(start, itemsize);
    auto fix = [&](const ScanRun& run) {
      if (run.is_unicode) return true;
      for (std::byte& b : item.subspan(static_cast<size_t>(run.offset),
                                       static_cast<size_t>(run.length))) {
        if (b != std::byte{0}) b = std::byte{1};
      }
      return true;
    };
    if (planned_) {
      for (const ScanRun& run : runs_) fix(run);
    } else {
      for_each_run(dtype_, 0, fix);
    }
  }
}

}  // namespace npyguard::detail
