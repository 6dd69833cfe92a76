// SPDX-License-Identifier: Apache-2.0
// Hardened ZIP directory reader: end records (with ZIP64), central directory, local headers and
// data descriptors, every field bounds-checked and cross-checked; it never decompresses. Input:
// an untrusted archive behind RandomAccessSource; output: entries whose byte ranges are proven to
// tile the archive exactly (no prepended data, no gaps, no overlaps) and whose local and central
// descriptions agree, so no other ZIP reader can see different members in the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/source.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"
#include "zip/zip_format.h"

namespace npyguard::detail {

struct ZipEntry {
  std::string name;  // raw bytes as stored; UTF-8 (or ASCII) once read_central_directory accepts it
  uint16_t version_needed = 0;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
  uint64_t central_offset = 0;  // where this entry's central header starts (for error offsets)
  // Filled by resolve_local_headers:
  uint64_t data_offset = 0;  // first byte of the (compressed) data
  uint64_t end_offset = 0;   // one past the data and its data descriptor
};

struct ZipDirectory {
  std::vector<ZipEntry> entries;  // central-directory order
  uint64_t directory_offset = 0;
  uint64_t directory_size = 0;
};

// End records and the central directory, with per-entry field checks and name safety. Reads no
// local header.
Result<ZipDirectory> read_central_directory(RandomAccessSource& source, const Limits& limits);

// The stored name of central entry `index` (raw bytes, unchecked), reading only the end records
// and the central entries before it: names the entry an error from read_central_directory or
// later directory checks is about. Memory is bounded as in read_central_directory.
Result<std::string> read_entry_name(RandomAccessSource& source, const Limits& limits,
                                    uint32_t index);

// Local headers cross-checked against the central entries, data descriptors, and the tiling of
// the archive by member ranges.
Status resolve_local_headers(RandomAccessSource& source, ZipDirectory& directory);

}  // namespace npyguard::detail
