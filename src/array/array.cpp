// Array accessors: typed views, byte-order and Fortran->C conversions, multi-index element access
// and structured field views. Input: an Array whose metadata and payload size were validated by
// the reader; every index, offset and size here is still checked, because callers pass indices.
#include <algorithm>
#include <new>
#include <utility>
#include <vector>

#include "npyguard/npy.h"
#include "array/byte_order.h"
#include "io/payload_buffer.h"
#include "array/transpose.h"
#include "base/checked_math.h"

namespace npyguard {
namespace {

using detail::kHostOrder;
using detail::reverse_units;
using detail::swap_to_host;
using detail::swap_unit;
using detail::with_host_order;

Error error_at(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

Result<std::shared_ptr<detail::PayloadBuffer>> copy_payload(std::span<const std::byte> payload) {
  NPYGUARD_ASSIGN_OR_RETURN(auto buffer, detail::PayloadBuffer::allocate(payload.size()));
  std::copy(payload.begin(), payload.end(), buffer->bytes().begin());
  return buffer;
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

Result<Array> Array::to_native_byte_order() const& {
  if (!detail::needs_swap_to_host(info_.dtype)) return *this;
  std::shared_ptr<detail::PayloadBuffer> buffer;
  const ByteOrder order = info_.dtype.byte_order;
  if (info_.dtype.kind == DTypeKind::Structured || order == kHostOrder ||
      order == ByteOrder::NotApplicable) {
    NPYGUARD_ASSIGN_OR_RETURN(buffer, copy_payload(payload_));
    swap_to_host(info_.dtype, buffer->bytes());
  } else {  // one pass: swap while copying
    NPYGUARD_ASSIGN_OR_RETURN(buffer, detail::PayloadBuffer::allocate(payload_.size()));
    reverse_units(payload_, buffer->bytes(), swap_unit(info_.dtype));
  }
  NpyInfo info = info_;
  info.dtype = with_host_order(info_.dtype);
  const std::span<const std::byte> view = std::as_const(*buffer).bytes();
  return Array(std::move(info), std::move(buffer), view, false);
}

Result<Array> Array::to_native_byte_order() && {
  if (!detail::needs_swap_to_host(info_.dtype)) return std::move(*this);
  // Owned payloads live in memory npyguard allocated writable (PayloadBuffer or a growable
  // buffer); with no other Array sharing it, nobody can see the bytes change.
  if (zero_copy_ || owner_.use_count() != 1) return std::as_const(*this).to_native_byte_order();
  const std::span<std::byte> bytes(const_cast<std::byte*>(payload_.data()),  // NOLINT: see above
                                   payload_.size());
  swap_to_host(info_.dtype, bytes);
  info_.dtype = with_host_order(info_.dtype);
  return std::move(*this);
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
  // Dimensions of 1 do not move bytes; dropping them leaves the same conversion.
  const std::vector<size_t> dims = detail::long_dims(info_.shape);
  NPYGUARD_ASSIGN_OR_RETURN(auto result, detail::PayloadBuffer::allocate(payload_.size()));
  std::shared_ptr<detail::PayloadBuffer> scratch;
  if (dims.size() > 2) {
    NPYGUARD_ASSIGN_OR_RETURN(scratch, detail::PayloadBuffer::allocate(payload_.size()));
  }
  detail::fortran_to_c(payload_, result->bytes(),
                       scratch ? scratch->bytes() : std::span<std::byte>(), dims,
                       static_cast<size_t>(info_.dtype.itemsize));
  const std::span<const std::byte> view = std::as_const(*result).bytes();
  return Array(std::move(info), std::move(result), view, false);
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
