// Byte-order conversion: fixed-size swaps the compiler vectorises for 2-, 4- and 8-byte units,
// a generic reversal for the rest, and a walk over structured fields.
#include "byte_order.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

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

// Byte-swaps every leaf of `dtype` whose order differs from the host's, over `bytes` holding
// whole elements of `dtype`.
void swap_to_host(const DType& dtype, std::span<std::byte> bytes) {
  if (dtype.itemsize == 0) return;
  if (dtype.kind == DTypeKind::Structured) {
    const auto itemsize = static_cast<size_t>(dtype.itemsize);
    for (size_t at = 0; at + itemsize <= bytes.size(); at += itemsize) {
      for (const Field& field : dtype.fields) {
        if (!field.dtype.has_big_endian() && kHostOrder == ByteOrder::Little) continue;
        swap_to_host(field.dtype, bytes.subspan(at + static_cast<size_t>(field.offset),
                                                static_cast<size_t>(field.size)));
      }
    }
    return;
  }
  if (dtype.byte_order == ByteOrder::NotApplicable || dtype.byte_order == kHostOrder) return;
  reverse_units(bytes, swap_unit(dtype));
}

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
