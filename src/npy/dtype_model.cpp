// SPDX-License-Identifier: Apache-2.0
// Queries on a validated DType: sizes, byte orders, kinds, alignment, subarray levels.
#include <algorithm>
#include <numeric>
#include <span>

#include "npyguard/dtype.h"

namespace npyguard {

std::span<const uint32_t> Field::subarray_levels() const noexcept {
  const std::span<const uint32_t> ranks(subarray_ranks);
  const bool nested = ranks.size() > 1 &&
                      std::find(ranks.begin(), ranks.end(), 0u) == ranks.end() &&
                      std::accumulate(ranks.begin(), ranks.end(), uint64_t{0}) == shape.size();
  return nested ? ranks : std::span<const uint32_t>();
}

bool DType::is_long_double() const noexcept {
  return (kind == DTypeKind::Float && itemsize >= 12) ||
         (kind == DTypeKind::Complex && itemsize >= 24);
}

bool DType::has_big_endian() const noexcept {
  if (byte_order == ByteOrder::Big) return true;
  for (const Field& field : fields) {
    if (field.dtype.has_big_endian()) return true;
  }
  return false;
}

bool DType::contains(DTypeKind leaf_kind) const noexcept {
  if (kind == leaf_kind) return true;
  for (const Field& field : fields) {
    if (field.dtype.contains(leaf_kind)) return true;
  }
  return false;
}

uint64_t DType::alignment() const noexcept {
  switch (kind) {
    case DTypeKind::Bool:
    case DTypeKind::Bytes:
    case DTypeKind::Void:
    case DTypeKind::Structured:
      return 1;
    case DTypeKind::Unicode:
      return 4;
    case DTypeKind::Complex:
      return itemsize == 24 ? 4 : itemsize / 2;
    case DTypeKind::Float:
      return itemsize == 12 ? 4 : itemsize;
    default:
      return itemsize;
  }
}

DType DType::with_little_endian_leaves() const {
  DType out = *this;
  if (out.byte_order == ByteOrder::Big) out.byte_order = ByteOrder::Little;
  for (Field& field : out.fields) field.dtype = field.dtype.with_little_endian_leaves();
  return out;
}

}  // namespace npyguard
