// SPDX-License-Identifier: Apache-2.0
// fuzz_dtype: descr literals alone, including deep and wide structured dtypes. Accepted dtypes
// must have consistent layouts and print back to text that parses to the same dtype. An input
// ending in a byte >= 0x80 (never the last byte of a valid literal, which ends in a quote or a
// bracket) has that byte stripped: its low three bits lower one group of limits
// (fuzz_restrict), so seeds keep their meaning. The cost invariant holds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "npyguard/dtype.h"

namespace {

void check_layout(const npyguard::DType& dtype, uint32_t depth) {
  NPYGUARD_FUZZ_ASSERT(depth <= 64);
  NPYGUARD_FUZZ_ASSERT(dtype.itemsize <= 0x7FFFFFFF);
  uint64_t end = 0;
  for (const npyguard::Field& field : dtype.fields) {
    NPYGUARD_FUZZ_ASSERT(!field.name.empty());
    NPYGUARD_FUZZ_ASSERT(field.offset >= end);  // in order, never overlapping
    NPYGUARD_FUZZ_ASSERT(field.size == field.dtype.itemsize * field.count);
    end = field.offset + field.size;
    NPYGUARD_FUZZ_ASSERT(end <= dtype.itemsize);
    check_layout(field.dtype, depth + 1);
  }
}

void run(const uint8_t* data, size_t size, uint64_t& examined) {
  npyguard::Limits limits = npyguard::Limits::for_fuzzing();
  if (size > 0 && data[size - 1] >= 0x80) {
    fuzz_restrict(limits, data[size - 1]);
    --size;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT: text view
  examined += size;
  auto dtype = npyguard::parse_descr(text, limits);
  if (!dtype.ok()) {
    NPYGUARD_FUZZ_ASSERT(dtype.error().offset <= size);
    return;
  }
  check_layout(*dtype, 0);
  NPYGUARD_FUZZ_ASSERT(dtype->kind != npyguard::DTypeKind::Structured || !dtype->descr().empty());
  const std::string canonical = dtype->descr();
  examined += 2 * canonical.size();  // printed, then parsed again
  auto reparsed = npyguard::parse_descr(canonical, limits);
  NPYGUARD_FUZZ_ASSERT(reparsed.ok() && *reparsed == *dtype);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxFuzzInput) return 0;
  fuzz_metered(data, size, run);
  return 0;
}
