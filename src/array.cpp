// Array accessors: typed views, byte-order and Fortran->C conversions, multi-index element access
// and structured field views. Input: an Array whose metadata and payload size were validated by
// the reader; every index, offset and size here is still checked, because callers pass indices.
#include <algorithm>
#include <bit>
#include <new>
#include <utility>
#include <vector>

#include "npyguard/npy.h"
#include "util/checked_math.h"

namespace npyguard {
namespace {

Error error_at(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

constexpr ByteOrder kHostOrder =
    std::endian::native == std::endian::little ? ByteOrder::Little : ByteOrder::Big;

using Buffer = std::vector<std::byte>;

Result<std::shared_ptr<Buffer>> copy_payload(std::span<const std::byte> payload) {
  try {
    return std::make_shared<Buffer>(payload.begin(), payload.end());
  } catch (const std::bad_alloc&) {
    return error_at(ErrorCode::OutOfMemory, 0, "allocating a converted copy failed");
  }
}

void reverse_units(std::span<std::byte> bytes, size_t unit) {
  for (size_t at = 0; at + unit <= bytes.size(); at += unit) {
    std::reverse(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                 bytes.begin() + static_cast<std::ptrdiff_t>(at + unit));
  }
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
  size_t unit = static_cast<size_t>(dtype.itemsize);
  if (dtype.kind == DTypeKind::Complex) unit /= 2;  // real and imaginary parts swap separately
  if (dtype.kind == DTypeKind::Unicode) unit = 4;   // UCS-4 code units
  reverse_units(bytes, unit);
}

DType with_host_order(const DType& dtype) {
  DType out = dtype;
  if (out.byte_order != ByteOrder::NotApplicable) out.byte_order = kHostOrder;
  for (Field& field : out.fields) field.dtype = with_host_order(field.dtype);
  return out;
}

}  // namespace

Status Array::check_typed_access(DTypeKind kind, uint64_t size, uint64_t alignment) const {
  const DType& dt = info_.dtype;
  if (dt.kind != kind || dt.itemsize != size) {
    return error_at(ErrorCode::TypeMismatch, 0, "requested type differs from the dtype");
  }
  if (size > 1 && dt.byte_order != kHostOrder) {
    return error_at(ErrorCode::TypeMismatch, 0,
                    "array is not in host byte order; call to_native_byte_order() first");
  }
  const auto address = reinterpret_cast<uintptr_t>(payload_.data());  // NOLINT: alignment test
  if (alignment > 1 && address % alignment != 0) {
    return error_at(ErrorCode::TypeMismatch, 0, "payload is not aligned for the type");
  }
  auto expected = detail::checked_mul(info_.count, size);
  if (!expected || *expected != payload_.size()) {
    return error_at(ErrorCode::Internal, 0, "payload size does not match count x itemsize");
  }
  return ok_status();
}

Result<Array> Array::to_native_byte_order() const {
  const bool needs_swap =
      kHostOrder == ByteOrder::Little ? info_.dtype.has_big_endian() : true;
  if (!needs_swap) return *this;
  NPYGUARD_ASSIGN_OR_RETURN(auto buffer, copy_payload(payload_));
  swap_to_host(info_.dtype, *buffer);
  NpyInfo info = info_;
  info.dtype = with_host_order(info_.dtype);
  std::span<const std::byte> view(*buffer);
  return Array(std::move(info), std::move(buffer), view, false);
}

Result<Array> Array::to_c_order() const {
  NpyInfo info = info_;
  info.fortran_order = false;
  // With at most one dimension longer than 1, both orders store the same bytes.
  const auto long_dims =
      std::count_if(info_.shape.begin(), info_.shape.end(), [](uint64_t d) { return d > 1; });
  if (!info_.fortran_order || long_dims <= 1 || info_.nbytes == 0) {
    return Array(std::move(info), owner_, payload_, zero_copy_);
  }
  Buffer out;
  try {
    out.resize(payload_.size());
  } catch (const std::bad_alloc&) {
    return error_at(ErrorCode::OutOfMemory, 0, "allocating a C-order copy failed");
  }
  const size_t ndim = info_.shape.size();
  const auto itemsize = static_cast<size_t>(info_.dtype.itemsize);
  // Fortran strides: the first index varies fastest. All values are bounded by nbytes.
  std::vector<size_t> fstride(ndim);
  size_t stride = itemsize;
  for (size_t k = 0; k < ndim; ++k) {
    fstride[k] = stride;
    stride *= static_cast<size_t>(info_.shape[k]);
  }
  // Walk the output in C order with an odometer over the index, tracking the source offset.
  std::vector<uint64_t> index(ndim, 0);
  size_t source = 0;
  for (size_t dest = 0; dest < out.size(); dest += itemsize) {
    std::copy_n(payload_.begin() + static_cast<std::ptrdiff_t>(source), itemsize,
                out.begin() + static_cast<std::ptrdiff_t>(dest));
    for (size_t pos = ndim; pos > 0; --pos) {
      const size_t k = pos - 1;
      if (++index[k] < info_.shape[k]) {
        source += fstride[k];
        break;
      }
      source -= fstride[k] * static_cast<size_t>(info_.shape[k] - 1);
      index[k] = 0;
    }
  }
  auto buffer = std::make_shared<Buffer>(std::move(out));
  std::span<const std::byte> view(*buffer);
  return Array(std::move(info), std::move(buffer), view, false);
}

Result<std::span<const std::byte>> Array::element(std::span<const uint64_t> index) const {
  const auto& shape = info_.shape;
  if (index.size() != shape.size()) {
    return error_at(ErrorCode::IndexOutOfRange, 0, "index needs one value per dimension");
  }
  uint64_t offset = 0;
  uint64_t stride = info_.dtype.itemsize;
  for (size_t i = 0; i < shape.size(); ++i) {
    // C order: the last index varies fastest; Fortran order: the first.
    const size_t k = info_.fortran_order ? i : shape.size() - 1 - i;
    if (index[k] >= shape[k]) {
      return error_at(ErrorCode::IndexOutOfRange, 0, "index outside the shape");
    }
    auto term = detail::checked_mul(index[k], stride);
    auto sum = term ? detail::checked_add(offset, *term) : std::nullopt;
    auto next_stride = detail::checked_mul(stride, shape[k]);
    if (!sum || !next_stride) return error_at(ErrorCode::Internal, 0, "index arithmetic overflow");
    offset = *sum;
    stride = *next_stride;
  }
  const uint64_t size = info_.dtype.itemsize;
  if (offset > payload_.size() || size > payload_.size() - offset) {
    return error_at(ErrorCode::Internal, 0, "element outside the payload");
  }
  return payload_.subspan(static_cast<size_t>(offset), static_cast<size_t>(size));
}

Result<FieldView> Array::field(std::string_view name) const {
  if (info_.dtype.kind != DTypeKind::Structured) {
    return error_at(ErrorCode::FieldNotFound, 0, "the array is not structured");
  }
  for (const Field& f : info_.dtype.fields) {
    if (f.name == name) return FieldView(&f, payload_, info_.dtype.itemsize, info_.count);
  }
  return error_at(ErrorCode::FieldNotFound, 0, "no field with that name");
}

Result<std::span<const std::byte>> FieldView::at(uint64_t index) const {
  if (index >= count_) return error_at(ErrorCode::IndexOutOfRange, 0, "element index too large");
  auto base = detail::checked_mul(index, stride_);
  auto start = base ? detail::checked_add(*base, field_->offset) : std::nullopt;
  if (!start || *start > payload_.size() || field_->size > payload_.size() - *start) {
    return error_at(ErrorCode::Internal, 0, "field outside the payload");
  }
  return payload_.subspan(static_cast<size_t>(*start), static_cast<size_t>(field_->size));
}

}  // namespace npyguard
