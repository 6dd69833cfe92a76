// SPDX-License-Identifier: Apache-2.0
// fuzz_npz_structured: a structure-aware target. The input chooses member contents and directory
// shapes (stored or deflate, data descriptors with or without signature, ZIP64 local extras, a
// ZIP64 end record, UTF-8 names); the target builds a well-formed archive around them with correct
// CRCs, sizes and offsets, so the fuzzer reaches the npy-in-npz paths instead of dying at CRC
// checks. Invariant: a well-formed archive is never refused for its ZIP structure, its deflate
// stream or its CRC; only the member bytes (the .npy inside) may be refused. The options byte
// also chooses the reader's toggles (bits 1-4) and one group of lowered limits (bits 5-7; see
// fuzz_support.h), which may refuse an archive for a limit or a policy but never for its
// structure. The cost invariant holds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "codec/crc32.h"
#include "codec/inflate.h"
#include "fuzz_support.h"
#include "npyguard/npz.h"

namespace {

using Bytes = std::vector<std::byte>;

void le(Bytes& out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}

struct Shape {
  bool deflate = false;
  bool descriptor = false;
  bool descriptor_signature = false;
  bool zip64_local = false;
  bool utf8_name = false;
};

struct Central {
  std::string name;
  Shape shape;
  uint32_t crc = 0;
  uint64_t csize = 0, usize = 0, offset = 0;
};

Bytes compress(std::span<const std::byte> data) {
  npyguard::detail::Deflater deflater(6);
  Bytes out(data.size() + data.size() / 8 + 64);
  size_t produced = 0;
  while (true) {
    auto step = deflater.step(data, std::span(out).subspan(produced), true);
    if (!step.ok()) __builtin_trap();
    data = data.subspan(step->consumed);
    produced += step->produced;
    if (step->stream_end) break;
    if (produced == out.size()) out.resize(out.size() * 2);
  }
  out.resize(produced);
  return out;
}

void add_member(Bytes& zip, std::vector<Central>& central, std::string name, const Shape& shape,
                std::span<const std::byte> content) {
  Central entry{.name = std::move(name), .shape = shape};
  entry.crc = npyguard::detail::crc32_update(0, content);
  entry.usize = content.size();
  const Bytes data = shape.deflate ? compress(content) : Bytes(content.begin(), content.end());
  entry.csize = data.size();
  entry.offset = zip.size();
  const uint16_t flags = (shape.descriptor ? 0x0008 : 0) | (shape.utf8_name ? 0x0800 : 0);
  le(zip, 0x04034b50, 4);
  le(zip, shape.zip64_local ? 45 : 20, 2);
  le(zip, flags, 2);
  le(zip, shape.deflate ? 8 : 0, 2);
  le(zip, 0, 2);
  le(zip, 0x21, 2);
  const bool known = !shape.descriptor;
  le(zip, known ? entry.crc : 0, 4);
  le(zip, shape.zip64_local ? 0xFFFFFFFF : (known ? entry.csize : 0), 4);
  le(zip, shape.zip64_local ? 0xFFFFFFFF : (known ? entry.usize : 0), 4);
  le(zip, entry.name.size(), 2);
  le(zip, shape.zip64_local ? 20 : 0, 2);
  for (char c : entry.name) zip.push_back(static_cast<std::byte>(c));
  if (shape.zip64_local) {
    le(zip, 1, 2);
    le(zip, 16, 2);
    le(zip, known ? entry.usize : 0, 8);
    le(zip, known ? entry.csize : 0, 8);
  }
  zip.insert(zip.end(), data.begin(), data.end());
  if (shape.descriptor) {
    if (shape.descriptor_signature) le(zip, 0x08074b50, 4);
    le(zip, entry.crc, 4);
    le(zip, entry.csize, shape.zip64_local ? 8 : 4);
    le(zip, entry.usize, shape.zip64_local ? 8 : 4);
  }
  central.push_back(std::move(entry));
}

void finish(Bytes& zip, const std::vector<Central>& central, bool zip64_end) {
  const uint64_t directory_offset = zip.size();
  for (const Central& entry : central) {
    const uint16_t flags =
        (entry.shape.descriptor ? 0x0008 : 0) | (entry.shape.utf8_name ? 0x0800 : 0);
    le(zip, 0x02014b50, 4);
    le(zip, (3 << 8) | 45, 2);
    le(zip, entry.shape.zip64_local ? 45 : 20, 2);
    le(zip, flags, 2);
    le(zip, entry.shape.deflate ? 8 : 0, 2);
    le(zip, 0, 2);
    le(zip, 0x21, 2);
    le(zip, entry.crc, 4);
    le(zip, entry.csize, 4);
    le(zip, entry.usize, 4);
    le(zip, entry.name.size(), 2);
    le(zip, 0, 2);
    le(zip, 0, 2);
    le(zip, 0, 2);
    le(zip, 0, 2);
    le(zip, 0, 4);
    le(zip, entry.offset, 4);
    for (char c : entry.name) zip.push_back(static_cast<std::byte>(c));
  }
  const uint64_t directory_size = zip.size() - directory_offset;
  if (zip64_end) {
    const uint64_t record = zip.size();
    le(zip, 0x06064b50, 4);
    le(zip, 44, 8);
    le(zip, (3 << 8) | 45, 2);
    le(zip, 45, 2);
    le(zip, 0, 8);
    le(zip, central.size(), 8);
    le(zip, central.size(), 8);
    le(zip, directory_size, 8);
    le(zip, directory_offset, 8);
    le(zip, 0x07064b50, 4);
    le(zip, 0, 4);
    le(zip, record, 8);
    le(zip, 1, 4);
  }
  le(zip, 0x06054b50, 4);
  le(zip, 0, 4);
  le(zip, central.size(), 2);
  le(zip, central.size(), 2);
  le(zip, directory_size, 4);
  le(zip, directory_offset, 4);
  le(zip, 0, 2);
}

bool structural(npyguard::ErrorCode code) {
  // Member bytes may themselves hold an end-record signature whose comment length reaches the
  // end of the archive; refusing that as ambiguous is right (another reader could pick it).
  if (code == npyguard::ErrorCode::ZipAmbiguousEndRecord) return false;
  // Member-name patterns (a lowered-limits group) are policy, not structure.
  if (code == npyguard::ErrorCode::ZipMemberNameRejected) return false;
  const auto value = static_cast<int>(code);
  const bool zip = value >= 501 && value <= 525;
  const bool inflate = value >= 601 && value <= 604;
  return zip || inflate;
}

// Traps on a structural error, saying which rule fired first: the triage starts there.
void refuse_structural(const npyguard::Error& error) {
  if (!structural(error.code)) return;
  std::fprintf(stderr, "structural error in a well-formed archive: %s\n",
               npyguard::describe(error).c_str());
  __builtin_trap();
}

// Input: [options byte] then members, each [shape byte][length byte][length bytes of content].
// Options: bit 0 a ZIP64 end record, bits 1-4 the toggles of fuzz_toggles (trailing data,
// normalize_bool, invalid Unicode, strict alignment), bits 5-7 the group of fuzz_restrict.
void run(const uint8_t* data, size_t size, uint64_t& examined) {
  const auto input = fuzz_bytes(data, size);
  const bool zip64_end = (data[0] & 1) != 0;
  Bytes zip;
  std::vector<Central> central;
  size_t pos = 1;
  for (int index = 0; index < 4 && pos + 2 <= size; ++index) {
    const uint8_t bits = data[pos];
    // Lengths up to 255 x 16 bytes: enough for a header plus a small payload.
    const size_t length = std::min<size_t>(static_cast<size_t>(data[pos + 1]) * 16, size - pos - 2);
    const auto content = input.subspan(pos + 2, length);
    pos += 2 + length;
    Shape shape{.deflate = (bits & 1) != 0,
                .descriptor = (bits & 2) != 0,
                .descriptor_signature = (bits & 4) != 0,
                .zip64_local = (bits & 8) != 0,
                .utf8_name = (bits & 16) != 0};
    std::string name =
        (shape.utf8_name ? "\xc3\xa9" : "") + std::string("m") + std::to_string(index) + ".npy";
    add_member(zip, central, std::move(name), shape, content);
  }
  finish(zip, central, zip64_end);

  npyguard::Limits limits = npyguard::Limits::for_fuzzing();
  fuzz_toggles(limits, static_cast<uint8_t>((data[0] >> 1) & 0x0F));
  fuzz_restrict(limits, static_cast<uint8_t>(data[0] >> 5));
  examined += zip.size();
  auto archive = npyguard::NpzArchive::open(zip, limits);
  if (!archive.ok()) {
    // Limits (member sizes above the fuzzing budget) may refuse it; the structure may not.
    refuse_structural(archive.error());
    return;
  }
  NPYGUARD_FUZZ_ASSERT(archive->members().size() == central.size());
  for (size_t i = 0; i < central.size(); ++i) {
    auto array = archive->read(i);
    if (!array.ok()) {
      refuse_structural(array.error());
      NPYGUARD_FUZZ_ASSERT(array.error().member == i);
      examined += array.error().offset;
      continue;
    }
    // The payload ends where the member does, unless trailing bytes are allowed.
    const uint64_t end = array->info().payload_offset + array->nbytes();
    NPYGUARD_FUZZ_ASSERT(limits.allow_trailing_data ? end <= central[i].usize
                                                    : end == central[i].usize);
    examined += central[i].usize;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > kMaxFuzzInput) return 0;
  fuzz_metered(data, size, run);
  return 0;
}
