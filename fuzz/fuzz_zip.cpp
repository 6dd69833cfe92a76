// SPDX-License-Identifier: Apache-2.0
// fuzz_zip: the ZIP directory reader alone (end records, ZIP64, central and local headers,
// descriptors, tiling); nothing is decompressed. Accepted directories must describe member ranges
// that tile the input up to the central directory. The last byte (the ZIP comment's) chooses the
// lowered limits (fuzz_support.h); the cost invariant holds. An accepted directory must also pass
// the stream screen (NpzStreamScreen) fed in input-chosen chunks.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "io/source.h"
#include "npyguard/limits.h"
#include "npyguard/npz.h"
#include "zip/zip_reader.h"

namespace {

void run(const uint8_t* data, size_t size) {
  const npyguard::Limits limits = fuzz_limits_from_tail(data, size);
  npyguard::detail::MemoryRandomAccess source(fuzz_bytes(data, size));
  auto directory = npyguard::detail::read_central_directory(source, limits);
  if (!directory.ok()) {
    NPYGUARD_FUZZ_ASSERT(directory.error().offset <= size);
    return;
  }
  NPYGUARD_FUZZ_ASSERT(directory->entries.size() <= limits.max_members);
  NPYGUARD_FUZZ_ASSERT(directory->directory_offset <= size &&
                       directory->directory_size <= size - directory->directory_offset);
  auto resolved = npyguard::detail::resolve_local_headers(source, *directory);
  if (!resolved.ok()) {
    NPYGUARD_FUZZ_ASSERT(resolved.error().offset <= size);
    return;
  }
  uint64_t covered = 0;
  for (const auto& entry : directory->entries) {
    NPYGUARD_FUZZ_ASSERT(entry.local_header_offset < entry.data_offset);
    NPYGUARD_FUZZ_ASSERT(entry.data_offset + entry.compressed_size <= entry.end_offset);
    NPYGUARD_FUZZ_ASSERT(entry.end_offset <= directory->directory_offset);
    NPYGUARD_FUZZ_ASSERT(entry.name.size() <= limits.max_member_name_bytes);
    covered += entry.end_offset - entry.local_header_offset;
  }
  // Tiling: the member ranges cover exactly the bytes before the central directory.
  NPYGUARD_FUZZ_ASSERT(covered == directory->directory_offset);
  // The stream screen (standard input) never refuses an archive whose directory the reader
  // accepts, whatever the chunking.
  npyguard::NpzStreamScreen screen(limits);
  const auto input = fuzz_bytes(data, size);
  const size_t chunk = size % 61 + 1;
  for (size_t at = 0; at < size; at += chunk) {
    NPYGUARD_FUZZ_ASSERT(screen.feed(input.subspan(at, std::min(chunk, size - at))).ok());
  }
  NPYGUARD_FUZZ_ASSERT(screen.finish().ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxFuzzInput) return 0;
  fuzz_metered(data, size, [](const uint8_t* bytes, size_t length, uint64_t& examined) {
    run(bytes, length);
    examined = length;
  });
  return 0;
}
