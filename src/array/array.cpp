// SPDX-License-Identifier: Apache-2.0
// Array accessors: typed views, byte-order and Fortran->C conversions, multi-index element access
// and structured field views. Input: an Array whose metadata and payload size were validated by
// the reader; every index, offset and size here is still checked, because callers pass indices.
#include <algorithm>
#include <new>
#include <utility>
#include <vector>

#include "array/array_factory.h"
#include "array/byte_order.h"
#include "array/transpose.h"
#include "base/checked_math.h"
#include "io/payload_buffer.h"
#include "npyguard/npy.h"

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

// The size the metadata promises: info.nbytes, equal to count x itemsize, count the shape's
// product.
bool sizes_agree(const NpyInfo& info, size_t payload_size) {
  const auto count = detail::checked_product(info.shape);
  const auto nbytes = count ? detail::checked_mul(*count, info.dtype.itemsize) : std::nullopt;
  return count && nbytes && *count == info.count && *nbytes == info.nbytes &&
         info.nbytes == payload_size;
}

}  // namespace

namespace detail {

Result<Array> ArrayFactory::view(NpyInfo info, std::shared_ptr<const void> owner,
                                 std::span<const std::byte> payload, bool zero_copy) {
  if (!sizes_agree(info, payload.size())) {
    return error_at(ErrorCode::Internal, 0, "payload size does not match the array's metadata");
  }
  return Array(std::move(info), std::move(owner), payload, {}, zero_copy);
}

Result<Array> ArrayFactory::owned(NpyInfo info, std::shared_ptr<void> owner,
                                  std::span<std::byte> payload) {
  if (!sizes_agree(info, payload.size())) {
    return error_at(ErrorCode::Internal, 0, "payload size does not match the array's metadata");
  }
  return Array(std::move(info), std::move(owner), payload, payload, false);
}

}  // namespace detail

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
  const std::span<std::byte> bytes = buffer->bytes();
  return detail::ArrayFactory::owned(std::move(info), std::move(buffer), bytes);
}

Result<Array> Array::to_native_byte_order() && {
  if (!detail::needs_swap_to_host(info_.dtype)) return std::move(*this);
  // Only bytes npyguard allocated are writable_; with no other Array sharing them, nobody can
  // see them change.
  if (writable_.empty() || owner_.use_count() != 1) {
    return std::as_const(*this).to_native_byte_order();
  }
  swap_to_host(info_.dtype, writable_);
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
    // Shares the payload read-only: the original may still be converted in place later, so the
    // copy must not be (it would no longer be the only owner anyway).
    return detail::ArrayFactory::view(std::move(info), owner_, payload_, zero_copy_);
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
  const std::span<std::byte> bytes = result->bytes();
  return detail::ArrayFactory::owned(std::move(info), std::move(result), bytes);
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
