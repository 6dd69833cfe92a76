// SPDX-License-Identifier: Apache-2.0
// Byte-order conversion: fixed-size swaps the compiler vectorises for 2-, 4- and 8-byte units,
// a generic reversal for the rest, and for structured dtypes a swap plan computed once from the
// dtype (SwapPlan), so the per-element work is bounded by the element's bytes and not by the
// number of fields the header declares. Input: bytes holding whole elements of a validated dtype;
// output: the same elements in host order.
#include "array/byte_order.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
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

// The run kind of a leaf for the plan: its swap unit, when its bytes change.
std::optional<uint64_t> swap_kind(const DType& leaf) {
  if (!leaf_swaps(leaf)) return std::nullopt;
  return swap_unit(leaf);
}

}  // namespace

SwapPlan::SwapPlan(const DType& dtype)
    : itemsize_(dtype.itemsize), plan_(dtype, swap_kind, kMaxSwapRuns, kMaxSwapPlanVisits) {}

void SwapPlan::apply(std::span<std::byte> bytes) const {
  if (!plan_.needed() || bytes.empty()) return;
  const auto itemsize = static_cast<size_t>(itemsize_);
  const size_t whole = bytes.size() - bytes.size() % itemsize;
  if (const std::optional<uint64_t> unit = plan_.whole_kind()) {
    // Every byte of every element is one unit-wise reversal: one call over the whole buffer.
    charge(whole / static_cast<size_t>(*unit));
    reverse_units(bytes.first(whole), static_cast<size_t>(*unit));
    return;
  }
  uint64_t steps = 0;
  for (size_t at = 0; at + itemsize <= bytes.size(); at += itemsize) {
    auto item = bytes.subspan(at, itemsize);
    plan_.for_each_run([&](const KindRun<uint64_t>& run) {
      ++steps;
      reverse_units(item.subspan(static_cast<size_t>(run.offset), static_cast<size_t>(run.length)),
                    static_cast<size_t>(run.kind));
      return true;
    });
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
