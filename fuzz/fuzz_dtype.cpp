// fuzz_dtype: descr literals alone, including deep and wide structured dtypes. Accepted dtypes
// must have consistent layouts and print back to text that parses to the same dtype.
#include <cstddef>
#include <cstdint>
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxFuzzInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT: text view
  const npyguard::Limits limits = npyguard::Limits::for_fuzzing();
  auto dtype = npyguard::parse_descr(text, limits);
  if (!dtype.ok()) {
    NPYGUARD_FUZZ_ASSERT(dtype.error().offset <= size);
    return 0;
  }
  check_layout(*dtype, 0);
  NPYGUARD_FUZZ_ASSERT(dtype->kind != npyguard::DTypeKind::Structured ||
                       !dtype->descr().empty());
  auto reparsed = npyguard::parse_descr(dtype->descr(), limits);
  NPYGUARD_FUZZ_ASSERT(reparsed.ok() && *reparsed == *dtype);
  return 0;
}
