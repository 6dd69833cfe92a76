// SPDX-License-Identifier: Apache-2.0
// ZIP records as npyguard writes them: local headers (CRC and sizes patched in once the data is
// written), the central directory and the end records, ZIP64 where a size or an offset needs it.
// Fixed timestamp and attributes, so the same members always give the same bytes. The member
// data itself (stored or deflated) is the caller's to write between the two calls.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "io/atomic_file.h"
#include "npyguard/result.h"

namespace npyguard::detail {

struct ZipWriteEntry {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint16_t version = 0;
  bool zip64_local = false;  // the local header carries a ZIP64 extra with the sizes
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t offset = 0;  // of the local header
};

// An entry for `name` whose local header starts at `offset`: the UTF-8 flag for a non-ASCII
// name, ZIP64 when forced or when `uncompressed_size` may come near 4 GiB. zip_unsafe_name when
// the name breaks the member-name rule (zip_format.h) or is longer than a ZIP name can be.
Result<ZipWriteEntry> start_zip_entry(std::string name, uint16_t method, uint64_t offset,
                                      uint64_t uncompressed_size, bool force_zip64);

// The local header with CRC and sizes zeroed; the data follows at sink.position().
Status write_local_header(ByteSink& sink, const ZipWriteEntry& entry);

// Patches the CRC and sizes (entry.crc, entry.compressed_size) into the local header written
// before. Internal when the compressed size outgrew a header without ZIP64.
Status finish_local_header(ByteSink& sink, const ZipWriteEntry& entry);

// The central directory for `entries` (in order) and the end records, from sink.position().
Status write_central_directory(ByteSink& sink, std::span<const ZipWriteEntry> entries,
                               bool force_zip64);

}  // namespace npyguard::detail
