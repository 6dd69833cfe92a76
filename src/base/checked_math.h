// SPDX-License-Identifier: Apache-2.0
// Overflow-checked arithmetic on sizes derived from untrusted input. Every length, offset, count,
// dimension and byte size read from a file is combined only through these helpers; each returns
// std::nullopt instead of wrapping.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

namespace npyguard::detail {

// npyguard builds only where size_t is 64 bits (LP64 Linux and the like). Every size read from a
// file is a uint64_t and is checked, against the input's length and the limits, as a uint64_t;
// once it is known to describe bytes in memory it is narrowed to size_t with a plain
// static_cast, which this assertion makes lossless. A 32-bit port would have to turn each of
// those casts into checked_narrow first.
static_assert(sizeof(size_t) == sizeof(uint64_t) &&
                  std::numeric_limits<size_t>::max() == std::numeric_limits<uint64_t>::max(),
              "npyguard needs a 64-bit size_t (see checked_math.h)");

template <class T>
requires std::is_unsigned_v<T>
[[nodiscard]] constexpr std::optional<T> checked_add(T a, T b) noexcept {
  T out;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

template <class T>
requires std::is_unsigned_v<T>
[[nodiscard]] constexpr std::optional<T> checked_sub(T a, T b) noexcept {
  T out;
  if (__builtin_sub_overflow(a, b, &out)) return std::nullopt;
  return out;
}

template <class T>
requires std::is_unsigned_v<T>
[[nodiscard]] constexpr std::optional<T> checked_mul(T a, T b) noexcept {
  T out;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// Product of all dimensions; the empty product is 1 (a 0-d array has one element). A zero
// dimension does not excuse an overflow among the others: (0, 2^40, 2^40) is refused, because
// NumPy computes the product in int64 and a wrapped intermediate is how hostile shapes slip past.
[[nodiscard]] constexpr std::optional<uint64_t> checked_product(
    std::span<const uint64_t> dims) noexcept {
  uint64_t nonzero_product = 1;
  bool has_zero = false;
  for (uint64_t dim : dims) {
    if (dim == 0) {
      has_zero = true;
    } else if (__builtin_mul_overflow(nonzero_product, dim, &nonzero_product)) {
      return std::nullopt;
    }
  }
  return has_zero ? 0 : nonzero_product;
}

// Converts between integer types, failing when the value does not fit.
template <class To, class From>
requires std::is_integral_v<To> && std::is_integral_v<From>
[[nodiscard]] constexpr std::optional<To> checked_narrow(From value) noexcept {
  if (!std::in_range<To>(value)) return std::nullopt;
  return static_cast<To>(value);
}

}  // namespace npyguard::detail
