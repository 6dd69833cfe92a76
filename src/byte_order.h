// Byte-order conversion of payloads: every leaf of a dtype (fields at any depth included) turned
// to the host's order, in place or while copying. Input: bytes holding whole elements of a
// validated dtype; output: the same elements in host order.
#pragma once

#include <bit>
#include <cstddef>
#include <span>

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

// Byte-swaps in place every leaf of `dtype` whose order differs from the host's, over `bytes`
// holding whole elements of `dtype`.
void swap_to_host(const DType& dtype, std::span<std::byte> bytes);

// `dtype` with every leaf that has a byte order in host order.
DType with_host_order(const DType& dtype);

// True when some leaf of `dtype` is not in host order.
bool needs_swap_to_host(const DType& dtype);

}  // namespace npyguard::detail
