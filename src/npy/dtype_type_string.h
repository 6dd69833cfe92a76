// SPDX-License-Identifier: Apache-2.0
// What the dtype parsers share: the type-string grammar ("<f8", "|S5", ">M8[10ms]"), used alone
// and inside records, and the bounds NumPy puts on sizes.
#pragma once

#include <cstdint>
#include <string_view>

#include "npyguard/dtype.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Largest subarray dimension: NumPy stores each one in a C int.
inline constexpr uint64_t kMaxSubarrayDim = 2147483647;

inline Error dtype_error(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

// One simple type string at file offset `offset` (for errors) -> DType; object ('O') refused with
// object_dtype, every alias NumPy never writes refused, sizes checked.
Result<DType> parse_type_string(std::string_view s, uint64_t offset);

}  // namespace npyguard::detail
