// fuzz_npy_header: the header text grammar alone (bytes -> lexer -> parser -> dtype). The last
// input byte picks the encoding (latin-1 as in 1.0/2.0, or UTF-8 as in 3.0).
#include <cstddef>
#include <cstdint>

#include "dtype_literal.h"
#include "fuzz_support.h"
#include "header_parser.h"
#include "npyguard/dtype.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > kMaxFuzzInput) return 0;
  const bool utf8 = (data[size - 1] & 1) != 0;
  const auto text = fuzz_bytes(data, size - 1);
  const npyguard::Limits limits = npyguard::Limits::for_fuzzing();
  const uint64_t base = 10;  // as if after a 1.0 preamble
  auto fields = npyguard::detail::parse_header_text(
      text, base, utf8 ? npyguard::detail::HeaderEncoding::Utf8 : npyguard::detail::HeaderEncoding::Latin1,
      limits);
  if (!fields.ok()) {
    NPYGUARD_FUZZ_ASSERT(fields.error().offset <= base + text.size());
    return 0;
  }
  NPYGUARD_FUZZ_ASSERT(fields->shape.size() <= limits.max_ndim);
  auto dtype = npyguard::detail::dtype_from_literal(fields->descr, limits);
  if (!dtype.ok()) {
    NPYGUARD_FUZZ_ASSERT(dtype.error().offset <= base + text.size());
    return 0;
  }
  auto reparsed = npyguard::parse_descr(dtype->descr(), limits);
  NPYGUARD_FUZZ_ASSERT(reparsed.ok() && *reparsed == *dtype);
  return 0;
}
