// SPDX-License-Identifier: Apache-2.0
// fuzz_npy_header: the header text grammar alone (bytes -> lexer -> parser -> dtype). The last
// input byte picks the encoding (bit 0: latin-1 as in 1.0/2.0, or UTF-8 as in 3.0) and, in bits
// 1-3, one group of lowered limits (fuzz_restrict; seeds end in 0 or 1: the defaults). The cost
// invariant holds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "npy/dtype_literal.h"
#include "npy/header_fast_path.h"
#include "npy/header_parser.h"
#include "npyguard/dtype.h"

namespace {

void run(const uint8_t* data, size_t size, uint64_t& examined) {
  const bool utf8 = (data[size - 1] & 1) != 0;
  const auto text = fuzz_bytes(data, size - 1);
  npyguard::Limits limits = npyguard::Limits::for_fuzzing();
  fuzz_restrict(limits, static_cast<uint8_t>(data[size - 1] >> 1));
  // Examined three times: the dispatching parse, the fast path and the general parser.
  examined += 3 * size;
  const uint64_t base = 10;  // as if after a 1.0 preamble
  const auto encoding =
      utf8 ? npyguard::detail::HeaderEncoding::Utf8 : npyguard::detail::HeaderEncoding::Latin1;
  auto fields = npyguard::detail::parse_header_text(text, base, encoding, limits);
  // The canonical fast path may only accept what the general parser accepts, identically.
  if (npyguard::detail::match_canonical_header(text, base, limits)) {
    auto general = npyguard::detail::parse_header_text_general(text, base, encoding, limits);
    NPYGUARD_FUZZ_ASSERT(fields.ok() && general.ok());
    NPYGUARD_FUZZ_ASSERT(general->descr.kind == fields->descr.kind &&
                         general->descr.offset == fields->descr.offset &&
                         general->shape == fields->shape &&
                         general->shape_offset == fields->shape_offset &&
                         general->fortran_order == fields->fortran_order);
    if (fields->dtype) {
      // A record the fast path built must be exactly the general path's, which must not fail.
      auto built = npyguard::detail::dtype_from_literal(general->descr, limits);
      NPYGUARD_FUZZ_ASSERT(built.ok() && *built == *fields->dtype);
    } else {
      NPYGUARD_FUZZ_ASSERT(general->descr.text == fields->descr.text);
    }
  }
  if (!fields.ok()) {
    NPYGUARD_FUZZ_ASSERT(fields.error().offset <= base + text.size());
    return;
  }
  NPYGUARD_FUZZ_ASSERT(fields->shape.size() <= limits.max_ndim);
  auto dtype = fields->dtype ? npyguard::Result<npyguard::DType>(*fields->dtype)
                             : npyguard::detail::dtype_from_literal(fields->descr, limits);
  if (!dtype.ok()) {
    NPYGUARD_FUZZ_ASSERT(dtype.error().offset <= base + text.size());
    return;
  }
  const std::string canonical = dtype->descr();
  examined += 2 * canonical.size();  // printed, then parsed again
  auto reparsed = npyguard::parse_descr(canonical, limits);
  NPYGUARD_FUZZ_ASSERT(reparsed.ok() && *reparsed == *dtype);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > kMaxFuzzInput) return 0;
  fuzz_metered(data, size, run);
  return 0;
}
