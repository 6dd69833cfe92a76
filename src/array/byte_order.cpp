// Byte-order conversion: fixed-size swaps the compiler vectorises for 2-, 4- and 8-byte units,
// a generic reversal for the rest, and for structured dtypes a swap plan computed once from the
// dtype (SwapPlan), so the per-element work is bounded by the element's bytes and not by the
// number of fields the header declares. Input: bytes holding whole elements of a validated dtype;
// output: the same elements in host order.
#include "array/byte_order.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "base/work_meter.h"

// The byte-reversal kernel walks spans whose sizes are multiples of the unit (checked by callers).
// NOLINTBEGIN(cppcoreguidelines-pro-bounds-pointer-arithmetic)

namespace npyguard::detail {
namespace {

template <class Unit, Unit (*kSwap)(Unit)>
void swap_fixed(const std::byte* from, std::byte* to, size_t count) {
  // memcpy in and out: no alignment assumed, and the compiler vectorises the loop.
  for (size_t i = 0; i < count; ++i) {
    Unit value;
    std::memcpy(&value, from + i * sizeof(Unit), sizeof(Unit));
    value = kSwap(value);
    std::memcpy(to + i * sizeof(Unit), &value, sizeof(Unit));
  }
}

uint16_t swap16(uint16_t v) { return __builtin_bswap16(v); }
uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }
uint64_t swap64(uint64_t v) { return __builtin_bswap64(v); }

}  // namespace

// Writes `from` with the bytes of every `unit`-byte group reversed into `to` (same size; the two
// may be the same memory).
void reverse_units(std::span<const std::byte> from, std::span<std::byte> to, size_t unit) {
  const size_t count = from.size() / std::max<size_t>(unit, 1);
  switch (unit) {
    case 2:
      return swap_fixed<uint16_t, swap16>(from.data(), to.data(), count);
    case 4:
      return swap_fixed<uint32_t, swap32>(from.data(), to.data(), count);
    case 8:
      return swap_fixed<uint64_t, swap64>(from.data(), to.data(), count);
    default:
      for (size_t at = 0; at + unit <= from.size(); at += unit) {
        for (size_t i = 0; i < unit / 2; ++i) {
          const std::byte low = from[at + i];
          const std::byte high = from[at + unit - 1 - i];
          to[at + i] = high;
          to[at + unit - 1 - i] = low;
        }
        if (unit % 2 == 1) to[at + unit / 2] = from[at + unit / 2];
      }
  }
}

void reverse_units(std::span<std::byte> bytes, size_t unit) { reverse_units(bytes, bytes, unit); }

// The unit whose bytes reverse for a non-structured leaf: complex parts swap separately, U
// strings are UCS-4 code units.
size_t swap_unit(const DType& dtype) {
  if (dtype.kind == DTypeKind::Complex) return static_cast<size_t>(dtype.itemsize) / 2;
  if (dtype.kind == DTypeKind::Unicode) return 4;
  return static_cast<size_t>(dtype.itemsize);
}

namespace {

// A leaf whose bytes change when turned to host order: it has an order, not the host's, and a
// unit of at least two bytes.
bool leaf_swaps(const DType& dtype) {
  return dtype.byte_order != ByteOrder::NotApplicable && dtype.byte_order != kHostOrder &&
         swap_unit(dtype) > 1;
}

}  // namespace

uint32_t SwapPlan::reduce(const DType& dtype) {
  SwapNode node;
  bool contiguous = true;  // the fields so far form one run [0, node.run.length) of one unit
  for (const Field& field : dtype.fields) {
    ++build_steps_;
    if (field.size == 0) continue;  // nothing to swap, however many fields it holds
    SwapField reduced{.offset = field.offset, .count = field.count, .stride = field.dtype.itemsize};
    if (field.dtype.kind == DTypeKind::Structured) {
      const uint32_t child = reduce(field.dtype);
      if (nodes_[child].fields.empty()) continue;
      if (nodes_[child].whole) {
        // `count` back-to-back copies of one run of one unit are one run over the field.
        reduced.whole = true;
        reduced.run =
            SwapRun{.offset = field.offset, .length = field.size, .unit = nodes_[child].run.unit};
      } else {
        reduced.node = child;
      }
    } else {
      if (!leaf_swaps(field.dtype)) continue;
      reduced.whole = true;
      reduced.run =
          SwapRun{.offset = field.offset, .length = field.size, .unit = swap_unit(field.dtype)};
    }
    // NOLINTNEXTLINE(bugprone-branch-clone): the first and last cases both end a run, for different reasons
    if (!reduced.whole) {
      contiguous = false;
    } else if (node.fields.empty()) {
      contiguous = reduced.run.offset == 0;
      node.run = reduced.run;
    } else if (contiguous && node.run.unit == reduced.run.unit &&
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

// Calls visit(run) for every run of one element whose first byte is at `base`, in offset order;
// returns false as soon as visit does. Offsets stay inside the element (<= INT32_MAX).
template <class Visit>
bool SwapPlan::for_each_run(const SwapNode& node, uint64_t base, Visit& visit) const {
  for (const SwapField& field : node.fields) {
    if (field.whole) {
      SwapRun run = field.run;
      run.offset = base + field.offset;
      if (!visit(run)) return false;
      continue;
    }
    // Every element of the subarray holds at least one swapped byte: bounded by payload bytes.
    const SwapNode& child = nodes_[field.node];
    for (uint64_t i = 0; i < field.count; ++i) {
      if (!for_each_run(child, base + field.offset + i * field.stride, visit)) return false;
    }
  }
  return true;
}

SwapPlan::SwapPlan(const DType& dtype) : itemsize_(dtype.itemsize) {
  if (dtype.itemsize == 0) return;
  if (dtype.kind != DTypeKind::Structured) {
    if (!leaf_swaps(dtype)) return;
    needed_ = planned_ = true;
    runs_.push_back(SwapRun{.offset = 0, .length = dtype.itemsize, .unit = swap_unit(dtype)});
    return;
  }
  root_ = reduce(dtype);
  needed_ = !nodes_[root_].fields.empty();
  charge(build_steps_);
  if (!needed_) return;
  if (nodes_[root_].whole) {
    planned_ = true;
    runs_.push_back(nodes_[root_].run);
    return;
  }
  planned_ = true;
  size_t visits = 0;
  auto collect = [this, &visits](const SwapRun& run) {
    if (++visits > kMaxSwapPlanVisits) {
      planned_ = false;
      return false;
    }
    if (!runs_.empty()) {
      SwapRun& last = runs_.back();
      if (last.unit == run.unit && last.offset + last.length == run.offset) {
        last.length += run.length;  // adjacent runs of one unit merge
        return true;
      }
    }
    if (runs_.size() == kMaxSwapRuns) {
      planned_ = false;
      return false;
    }
    runs_.push_back(run);
    return true;
  };
  for_each_run(nodes_[root_], 0, collect);
  build_steps_ += visits;
  charge(visits);
  if (!planned_) runs_.clear();
}

void SwapPlan::apply(std::span<std::byte> bytes) const {
  if (!needed_ || bytes.empty()) return;
  const auto itemsize = static_cast<size_t>(itemsize_);
  const size_t whole = bytes.size() - bytes.size() % itemsize;
  if (planned_ && runs_.size() == 1 && runs_[0].length == itemsize_) {
    // Every byte of every element is one unit-wise reversal: one call over the whole buffer.
    charge(whole / static_cast<size_t>(runs_[0].unit));
    reverse_units(bytes.first(whole), static_cast<size_t>(runs_[0].unit));
    return;
  }
  uint64_t steps = 0;
  for (size_t at = 0; at + itemsize <= bytes.size(); at += itemsize) {
    auto item = bytes.subspan(at, itemsize);
    auto swap = [&](const SwapRun& run) {
      ++steps;
      reverse_units(item.subspan(static_cast<size_t>(run.offset), static_cast<size_t>(run.length)),
                    static_cast<size_t>(run.unit));
      return true;
    };
    if (planned_) {
      for (const SwapRun& run : runs_) swap(run);
    } else {
      for_each_run(nodes_[root_], 0, swap);
    }
  }
  charge(steps);
}

void swap_to_host(const DType& dtype, std::span<std::byte> bytes) { SwapPlan(dtype).apply(bytes); }

DType with_host_order(const DType& dtype) {
  DType out = dtype;
  if (out.byte_order != ByteOrder::NotApplicable) out.byte_order = kHostOrder;
  for (Field& field : out.fields) field.dtype = with_host_order(field.dtype);
  return out;
}

bool needs_swap_to_host(const DType& dtype) {
  if (dtype.kind == DTypeKind::Structured) {
    return std::any_of(dtype.fields.begin(), dtype.fields.end(),
                       [](const Field& field) { return needs_swap_to_host(field.dtype); });
  }
  // A zero-size leaf ('>U0') has no bytes to swap, but its dtype still changes order.
  return dtype.byte_order != ByteOrder::NotApplicable && dtype.byte_order != kHostOrder;
}

}  // namespace npyguard::detail
// NOLINTEND(cppcoreguidelines-pro-bounds-pointer-arithmetic)
