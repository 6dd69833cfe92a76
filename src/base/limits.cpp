// SPDX-License-Identifier: Apache-2.0
// Limits: the fuzzing profile and consistency checks. Trust boundary: Limits come from the caller
// (and from CLI options), so validate() refuses settings that would make checks meaningless.
#include "npyguard/limits.h"

#include <algorithm>
#include <limits>

#include "base/checked_math.h"

namespace npyguard {

Limits Limits::untrusted_uploads() noexcept { return Limits{}; }

Limits Limits::trusted_local_files() noexcept {
  Limits limits;
  // Bounded by what one machine holds, not by what a stranger could make it do.
  limits.max_array_bytes = uint64_t{1} << 40;          // 1 TiB: beyond nearly any machine's memory
  limits.max_total_uncompressed = uint64_t{16} << 40;  // 16 TiB: ext4's largest file
  limits.max_streamed_archive_bytes = uint64_t{64} << 30;
  // The largest factor: the budget can no longer bind (the product exceeds what any archive
  // the ratio check accepts can declare, whatever max_compression_ratio is raised to).
  limits.max_amplification_factor = std::numeric_limits<uint32_t>::max();
  return limits;
}

Limits Limits::for_fuzzing() noexcept {
  Limits limits;
  limits.max_header_bytes = 4096;
  limits.max_header_chars = 4096;
  limits.max_ndim = 8;
  limits.max_dim_digits = 12;
  limits.max_array_bytes = uint64_t{1} << 20;  // 1 MiB: conversions stay well under a millisecond
  limits.max_dtype_depth = 6;
  limits.max_fields = 64;
  limits.max_members = 16;
  limits.max_member_name_bytes = 64;
  limits.max_total_uncompressed = uint64_t{4} << 20;
  limits.max_total_header_bytes = uint64_t{16} << 10;
  limits.max_streamed_archive_bytes = uint64_t{8} << 20;
  limits.max_compression_ratio = 1100;
  // 64 KiB inputs x 64 is max_total_uncompressed: the budget binds below it (small inputs
  // declaring more than 1 MiB), so both checks are reached.
  limits.amplification_floor_bytes = uint64_t{1} << 20;
  limits.max_amplification_factor = 64;
  return limits;
}

uint64_t Limits::amplification_budget(uint64_t archive_bytes) const noexcept {
  const auto scaled = detail::checked_mul<uint64_t>(archive_bytes, max_amplification_factor);
  // An overflowing product is larger than any 64-bit sum of sizes, so nothing can exceed it.
  if (!scaled) return std::numeric_limits<uint64_t>::max();
  return std::max(*scaled, amplification_floor_bytes);
}

Status Limits::validate() const {
  const auto invalid = [](const char* detail) {
    return Error{.code = ErrorCode::InvalidLimits, .offset = 0, .detail = detail};
  };
  if (max_header_bytes == 0) return invalid("max_header_bytes must be positive");
  if (max_header_chars == 0) return invalid("max_header_chars must be positive");
  if (max_dim_digits == 0 || max_dim_digits > 19) {
    return invalid("max_dim_digits must be between 1 and 19 (int64)");
  }
  if (max_dtype_depth == 0) return invalid("max_dtype_depth must be positive");
  if (max_compression_ratio == 0) return invalid("max_compression_ratio must be positive");
  if (max_total_header_bytes == 0) return invalid("max_total_header_bytes must be positive");
  if (amplification_floor_bytes == 0 && max_amplification_factor == 0) {
    return invalid("amplification_floor_bytes and max_amplification_factor cannot both be 0");
  }
  if (max_streamed_archive_bytes == 0) {
    return invalid("max_streamed_archive_bytes must be positive");
  }
  return ok_status();
}

}  // namespace npyguard
