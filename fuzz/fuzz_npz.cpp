// SPDX-License-Identifier: Apache-2.0
// fuzz_npz: whole .npz archives from memory: directory, inflate, CRC and every member through the
// npy reader. Invariants: offsets inside what they refer to, members never larger than declared,
// validation and loading agreeing, and the cost invariant. The last byte (the ZIP comment's)
// chooses the options and lowered limits (fuzz_support.h).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz_support.h"
#include "npyguard/npz.h"

namespace {

// Member bytes a read or validation examined: up to the end of the payload when it succeeded,
// up to the error's (member-relative) offset when it failed.
template <class T>
uint64_t member_bytes(const npyguard::Result<T>& result, uint64_t end) {
  return result.ok() ? end : result.error().offset;
}

void run(const uint8_t* data, size_t size, uint64_t& examined) {
  const npyguard::Limits limits = fuzz_limits_from_tail(data, size);
  examined += size;
  auto archive = npyguard::NpzArchive::open(fuzz_bytes(data, size), limits);
  if (!archive.ok()) {
    NPYGUARD_FUZZ_ASSERT(archive.error().offset <= size);
    return;
  }
  uint64_t total = 0;
  std::optional<npyguard::Error> first_error;  // of read(), in member order
  for (size_t i = 0; i < archive->members().size(); ++i) {
    const npyguard::NpzMember& member = archive->members()[i];
    NPYGUARD_FUZZ_ASSERT(member.data_offset <= size &&
                         member.compressed_size <= size - member.data_offset);
    total += member.uncompressed_size;
    if (member.skipped) continue;
    auto info = archive->validate(i);
    auto array = archive->read(i);
    NPYGUARD_FUZZ_ASSERT(info.ok() == array.ok());
    // Twice: validate() and read() here, and read_all() below reads the member once more.
    const uint64_t end = array.ok() ? array->info().payload_offset + array->nbytes() : 0;
    examined += member_bytes(info, end) + 2 * member_bytes(array, end);
    if (!array.ok() && !first_error) first_error = array.error();
    if (!array.ok()) {
      NPYGUARD_FUZZ_ASSERT(array.error().member == i);
      NPYGUARD_FUZZ_ASSERT(array.error().offset <= member.uncompressed_size);
      NPYGUARD_FUZZ_ASSERT(info.error().code == array.error().code);
      continue;
    }
    NPYGUARD_FUZZ_ASSERT(array->nbytes() <= limits.max_array_bytes);
    NPYGUARD_FUZZ_ASSERT(array->info().payload_offset + array->nbytes() <=
                         member.uncompressed_size);
    NPYGUARD_FUZZ_ASSERT(info->nbytes == array->nbytes());
    NPYGUARD_FUZZ_ASSERT(archive->find(member.key) != nullptr);
  }
  NPYGUARD_FUZZ_ASSERT(total <= limits.max_total_uncompressed);
  // The parallel loader gives exactly what reading member by member gives.
  auto all = archive->read_all(2);
  NPYGUARD_FUZZ_ASSERT(all.ok() == !first_error.has_value());
  if (!all.ok()) {
    NPYGUARD_FUZZ_ASSERT(all.error().code == first_error->code &&
                         all.error().member == first_error->member &&
                         all.error().offset == first_error->offset);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxFuzzInput) return 0;
  fuzz_metered(data, size, run);
  return 0;
}
