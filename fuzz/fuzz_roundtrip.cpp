// SPDX-License-Identifier: Apache-2.0
// fuzz_roundtrip: any .npy (or .npz, chosen by content) that is accepted is written back
// canonically and read again: metadata and payload bytes must be the same, and writing the
// canonical copy again must give identical bytes (sanitize is idempotent). The last byte chooses
// the options and lowered limits (fuzz_support.h) of the first read; canonical copies are re-read
// with the same toggles but the unlowered limits (a canonical header may be longer than the
// original). The cost invariant holds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.h"
#include "npyguard/npz.h"
#include "npyguard/writer.h"

namespace {

void check_npy(const npyguard::Array& array, const npyguard::Limits& limits, uint64_t& examined) {
  auto canonical = npyguard::encode_npy(npyguard::array_ref(array));
  NPYGUARD_FUZZ_ASSERT(canonical.ok());
  examined += 3 * canonical->size();  // encoded, re-read, encoded again
  auto reread = npyguard::read_npy(*canonical, limits);
  // The one legitimate refusal: NumPy's repr escapes bytes such as U+00A0 in names, so the
  // canonical header can outgrow the header limits the original met; sanitize then refuses
  // with output_rejected instead of writing it.
  if (!reread.ok() && reread.error().code == npyguard::ErrorCode::HeaderTooLarge &&
      canonical->size() - array.nbytes() > array.info().payload_offset) {
    return;
  }
  NPYGUARD_FUZZ_ASSERT(reread.ok());
  NPYGUARD_FUZZ_ASSERT(reread->dtype() == array.dtype());
  NPYGUARD_FUZZ_ASSERT(reread->shape() == array.shape());
  NPYGUARD_FUZZ_ASSERT(reread->fortran_order() == array.fortran_order());
  NPYGUARD_FUZZ_ASSERT(reread->bytes().size() == array.bytes().size());
  NPYGUARD_FUZZ_ASSERT(
      std::equal(reread->bytes().begin(), reread->bytes().end(), array.bytes().begin()));
  NPYGUARD_FUZZ_ASSERT(reread->info().payload_offset % 64 == 0);
  auto again = npyguard::encode_npy(npyguard::array_ref(*reread));
  NPYGUARD_FUZZ_ASSERT(again.ok() && *again == *canonical);
}

void run(const uint8_t* data, size_t size, uint64_t& examined) {
  const auto input = fuzz_bytes(data, size);
  npyguard::Limits limits = fuzz_limits_from_tail(data, size);
  // Canonical copies re-read under the same limits must pass them too.
  limits.allow_trailing_data = false;
  npyguard::Limits reread = npyguard::Limits::for_fuzzing();
  fuzz_toggles(reread, size > 0 ? data[size - 1] : 0);
  reread.allow_trailing_data = false;
  examined += size;
  if (!npyguard::looks_like_npz(input)) {
    auto array = npyguard::read_npy(input, limits);
    if (array.ok()) check_npy(*array, reread, examined);
    return;
  }
  auto archive = npyguard::NpzArchive::open(input, limits);
  if (!archive.ok()) return;
  std::vector<npyguard::Array> arrays;
  std::vector<npyguard::NpzWriteMember> members;
  for (size_t i = 0; i < archive->members().size(); ++i) {
    auto array = archive->read(i);
    if (!array.ok()) {
      examined += array.error().offset;
      return;
    }
    examined += array->info().payload_offset + array->nbytes();
    check_npy(*array, reread, examined);
    arrays.push_back(std::move(array).value());
  }
  for (size_t i = 0; i < arrays.size(); ++i) {
    members.push_back({.key = archive->members()[i].key, .array = npyguard::array_ref(arrays[i])});
  }
  auto canonical = npyguard::encode_npz(members);
  NPYGUARD_FUZZ_ASSERT(canonical.ok());
  examined += 2 * canonical->size();  // encoded, then opened and read again
  auto reopened = npyguard::NpzArchive::open(*canonical, reread);
  NPYGUARD_FUZZ_ASSERT(reopened.ok());
  NPYGUARD_FUZZ_ASSERT(reopened->members().size() == arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    auto back = reopened->read(i);
    NPYGUARD_FUZZ_ASSERT(back.ok());
    NPYGUARD_FUZZ_ASSERT(back->dtype() == arrays[i].dtype());
    NPYGUARD_FUZZ_ASSERT(std::equal(back->bytes().begin(), back->bytes().end(),
                                    arrays[i].bytes().begin(), arrays[i].bytes().end()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxFuzzInput) return 0;
  fuzz_metered(data, size, run);
  return 0;
}
