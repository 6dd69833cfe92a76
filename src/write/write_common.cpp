// SPDX-License-Identifier: Apache-2.0
// Shared writer helpers (see write_common.h).
#include "write/write_common.h"

#include "base/checked_math.h"

namespace npyguard::detail {

Error writer_error(ErrorCode code, const char* detail) {
  return Error{.code = code, .offset = 0, .detail = detail};
}

Result<uint64_t> checked_nbytes(const ArrayRef& array) {
  if (array.dtype == nullptr) return writer_error(ErrorCode::ArraySizeMismatch, "no dtype");
  const auto count = checked_product(array.shape);
  const auto nbytes = count ? checked_mul(*count, array.dtype->itemsize) : std::nullopt;
  if (!nbytes || *nbytes != array.bytes.size()) {
    return writer_error(ErrorCode::ArraySizeMismatch,
                        "payload size is not the product of the shape times the itemsize");
  }
  return *nbytes;
}

Status write_npy_to(ByteSink& sink, const ArrayRef& array) {
  NPYGUARD_TRY(checked_nbytes(array));
  NPYGUARD_ASSIGN_OR_RETURN(auto header,
                            encode_npy_header(*array.dtype, array.shape, array.fortran_order));
  NPYGUARD_TRY(sink.write(header));
  return sink.write(array.bytes);
}

Error output_rejected(const Error& reader_error) {
  Error rejected = reader_error;
  rejected.code = ErrorCode::OutputRejected;
  return rejected;
}

}  // namespace npyguard::detail
