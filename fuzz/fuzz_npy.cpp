// SPDX-License-Identifier: Apache-2.0
// fuzz_npy: whole .npy files from memory with small limits, then every accessor of an accepted
// Array, so bounds checks are exercised and not only parsing. The last byte chooses the options
// and lowered limits (fuzz_support.h). Invariants trap, the cost invariant included.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.h"
#include "npyguard/npy.h"

namespace {

// Bytes examined (fuzz_work_check): the input once per parse, the payload once per conversion.
void run(const uint8_t* data, size_t size, uint64_t& examined) {
  const auto input = fuzz_bytes(data, size);
  const npyguard::Limits limits = fuzz_limits_from_tail(data, size);
  examined += 2 * size;
  auto result = npyguard::read_npy(input, limits);
  auto validated = npyguard::validate_npy(input, limits);
  NPYGUARD_FUZZ_ASSERT(result.ok() == validated.ok());
  if (!result.ok()) {
    NPYGUARD_FUZZ_ASSERT(result.error().offset <= size);
    NPYGUARD_FUZZ_ASSERT(validated.error().code == result.error().code);
    return;
  }
  const npyguard::Array& array = *result;
  const npyguard::NpyInfo& info = array.info();
  // The payload is exactly count x itemsize and lies inside the input.
  NPYGUARD_FUZZ_ASSERT(array.bytes().size() == info.nbytes);
  NPYGUARD_FUZZ_ASSERT(info.payload_offset <= size && info.nbytes <= size - info.payload_offset);
  NPYGUARD_FUZZ_ASSERT(info.nbytes <= limits.max_array_bytes);
  if (array.is_zero_copy() && info.nbytes > 0) {
    NPYGUARD_FUZZ_ASSERT(array.bytes().data() == input.data() + info.payload_offset);
  }
  // The canonical descr parses back to the same dtype.
  examined += info.descr().size();
  auto reparsed = npyguard::parse_descr(info.descr(), limits);
  NPYGUARD_FUZZ_ASSERT(reparsed.ok() && *reparsed == info.dtype);

  // Below: three more parses of the input or the payload, and three conversions.
  examined += size + 3 * info.nbytes;
  (void)array.values<double>();
  (void)array.values<bool>();
  (void)array.values<int32_t>();
  auto native = array.to_native_byte_order();
  NPYGUARD_FUZZ_ASSERT(native.ok() && native->nbytes() == info.nbytes);
  NPYGUARD_FUZZ_ASSERT(!native->dtype().has_big_endian());
  // Converting a sole owner in place gives the same bytes as the copying conversion.
  auto reread = npyguard::read_npy(input, limits);
  NPYGUARD_FUZZ_ASSERT(reread.ok());
  npyguard::Array sole = std::move(reread).value();
  auto in_place = std::move(sole).to_native_byte_order();
  NPYGUARD_FUZZ_ASSERT(in_place.ok() && in_place->dtype() == native->dtype());
  NPYGUARD_FUZZ_ASSERT(std::equal(in_place->bytes().begin(), in_place->bytes().end(),
                                  native->bytes().begin(), native->bytes().end()));
  auto c_order = native->to_c_order();
  NPYGUARD_FUZZ_ASSERT(c_order.ok() && !c_order->fortran_order());
  NPYGUARD_FUZZ_ASSERT(c_order->bytes().size() == info.nbytes);
  if (info.count > 0) {
    // The transpose moved every element to where element() finds it: the last one and one
    // chosen by the input's bytes hold the same bytes in both orders.
    std::vector<uint64_t> last(info.shape.size());
    std::vector<uint64_t> chosen(info.shape.size());
    for (size_t i = 0; i < last.size(); ++i) {
      last[i] = info.shape[i] - 1;
      chosen[i] = data[i % size] % info.shape[i];
    }
    auto element = array.element(last);
    NPYGUARD_FUZZ_ASSERT(element.ok() && element->size() == info.itemsize());
    for (const auto& index : {last, chosen}) {
      auto from = native->element(index);
      auto to = c_order->element(index);
      NPYGUARD_FUZZ_ASSERT(from.ok() && to.ok());
      NPYGUARD_FUZZ_ASSERT(std::equal(from->begin(), from->end(), to->begin(), to->end()));
    }
    if (!info.shape.empty()) {
      last[0] = info.shape[0];
      NPYGUARD_FUZZ_ASSERT(!array.element(last).ok());
    }
  }
  for (const npyguard::Field& field : info.dtype.fields) {
    auto view = array.field(field.name);
    NPYGUARD_FUZZ_ASSERT(view.ok());
    if (view->size() > 0) {
      auto bytes = view->at(view->size() - 1);
      NPYGUARD_FUZZ_ASSERT(bytes.ok() && bytes->size() == field.size);
    }
    NPYGUARD_FUZZ_ASSERT(!view->at(view->size()).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxFuzzInput) return 0;
  fuzz_metered(data, size, run);
  return 0;
}
