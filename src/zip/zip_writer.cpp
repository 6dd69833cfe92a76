// SPDX-License-Identifier: Apache-2.0
// ZIP record writing (see zip_writer.h). Field order and values follow APPNOTE.TXT 4.3.7, 4.3.12,
// 4.3.14-4.3.16; the values are chosen so Python's zipfile, unzip and npyguard's reader agree.
#include "zip/zip_writer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/byte_writer.h"
#include "zip/zip_format.h"

namespace npyguard::detail {
namespace {

// DOS date 1980-01-01, time 00:00: a fixed timestamp keeps archives reproducible.
constexpr uint16_t kDosDate = (1 << 5) | 1;
constexpr uint16_t kDosTime = 0;
// "Made by" Unix (3) with ZIP 4.5; a regular file with mode 0644 in the high 16 attribute bits.
constexpr uint16_t kVersionMadeBy = (3 << 8) | 45;
constexpr uint32_t kExternalAttributes = 0100644u << 16;
constexpr uint16_t kVersionDefault = 20;  // deflate, no ZIP64 (APPNOTE 4.4.3.2)
constexpr uint16_t kVersionZip64 = 45;
// Members whose uncompressed size may get close to 4 GiB get ZIP64 local headers: deflate can
// expand incompressible data by a fraction of a percent, so the margin keeps csize below 2^32.
constexpr uint64_t kZip64SizeThreshold = 0xF0000000;

Error zip_write_error(ErrorCode code, const char* detail) {
  return Error{.code = code, .offset = 0, .detail = detail};
}

}  // namespace

Result<ZipWriteEntry> start_zip_entry(std::string name, uint16_t method, uint64_t offset,
                                      uint64_t uncompressed_size, bool force_zip64) {
  ZipWriteEntry entry;
  entry.name = std::move(name);
  const bool ascii = std::all_of(entry.name.begin(), entry.name.end(),
                                 [](char c) { return static_cast<uint8_t>(c) < 0x80; });
  entry.flags = ascii ? 0 : kFlagUtf8;
  if (unsafe_name_reason(entry.name, entry.flags) != nullptr || entry.name.size() > 0xFFFF) {
    return zip_write_error(ErrorCode::ZipUnsafeName, "member key is not a safe member name");
  }
  entry.method = method;
  entry.uncompressed_size = uncompressed_size;
  entry.offset = offset;
  entry.zip64_local = force_zip64 || uncompressed_size > kZip64SizeThreshold;
  entry.version = (entry.zip64_local || offset >= kSentinel32) ? kVersionZip64 : kVersionDefault;
  return entry;
}

Status write_local_header(ByteSink& sink, const ZipWriteEntry& entry) {
  std::vector<std::byte> local;
  append_le(local, kLocalHeaderSignature, 4);
  append_le(local, entry.version, 2);
  append_le(local, entry.flags, 2);
  append_le(local, entry.method, 2);
  append_le(local, kDosTime, 2);
  append_le(local, kDosDate, 2);
  append_le(local, 0, 4);  // crc
  append_le(local, entry.zip64_local ? kSentinel32 : 0, 4);
  append_le(local, entry.zip64_local ? kSentinel32 : 0, 4);
  append_le(local, entry.name.size(), 2);
  append_le(local, entry.zip64_local ? 20 : 0, 2);
  const auto name_bytes = text_bytes(entry.name);
  local.insert(local.end(), name_bytes.begin(), name_bytes.end());
  if (entry.zip64_local) {
    append_le(local, kZip64ExtraId, 2);
    append_le(local, 16, 2);
    append_le(local, 0, 8);
    append_le(local, 0, 8);
  }
  return sink.write(local);
}

Status finish_local_header(ByteSink& sink, const ZipWriteEntry& entry) {
  if (!entry.zip64_local && entry.compressed_size >= kSentinel32) {
    return zip_write_error(ErrorCode::Internal, "deflate output exceeded the ZIP64 margin");
  }
  std::vector<std::byte> fields;
  append_le(fields, entry.crc, 4);
  if (!entry.zip64_local) {
    append_le(fields, entry.compressed_size, 4);
    append_le(fields, entry.uncompressed_size, 4);
  }
  NPYGUARD_TRY(sink.patch(entry.offset + 14, fields));
  if (entry.zip64_local) {
    std::vector<std::byte> sizes;
    append_le(sizes, entry.uncompressed_size, 8);
    append_le(sizes, entry.compressed_size, 8);
    NPYGUARD_TRY(sink.patch(entry.offset + kLocalHeaderSize + entry.name.size() + 4, sizes));
  }
  return ok_status();
}

Status write_central_directory(ByteSink& sink, std::span<const ZipWriteEntry> entries,
                               bool force_zip64) {
  const uint64_t directory_offset = sink.position();
  std::vector<std::byte> out;
  for (const ZipWriteEntry& entry : entries) {
    const bool big_usize = force_zip64 || entry.uncompressed_size >= kSentinel32;
    const bool big_csize = force_zip64 || entry.compressed_size >= kSentinel32;
    const bool big_offset = force_zip64 || entry.offset >= kSentinel32;
    std::vector<std::byte> extra;
    if (big_usize || big_csize || big_offset) {
      std::vector<std::byte> values;
      if (big_usize) append_le(values, entry.uncompressed_size, 8);
      if (big_csize) append_le(values, entry.compressed_size, 8);
      if (big_offset) append_le(values, entry.offset, 8);
      append_le(extra, kZip64ExtraId, 2);
      append_le(extra, values.size(), 2);
      extra.insert(extra.end(), values.begin(), values.end());
    }
    append_le(out, kCentralHeaderSignature, 4);
    append_le(out, kVersionMadeBy, 2);
    append_le(out, entry.version, 2);
    append_le(out, entry.flags, 2);
    append_le(out, entry.method, 2);
    append_le(out, kDosTime, 2);
    append_le(out, kDosDate, 2);
    append_le(out, entry.crc, 4);
    append_le(out, big_csize ? kSentinel32 : entry.compressed_size, 4);
    append_le(out, big_usize ? kSentinel32 : entry.uncompressed_size, 4);
    append_le(out, entry.name.size(), 2);
    append_le(out, extra.size(), 2);
    append_le(out, 0, 2);  // comment
    append_le(out, 0, 2);  // disk
    append_le(out, 0, 2);  // internal attributes
    append_le(out, kExternalAttributes, 4);
    append_le(out, big_offset ? kSentinel32 : entry.offset, 4);
    const auto name_bytes = text_bytes(entry.name);
    out.insert(out.end(), name_bytes.begin(), name_bytes.end());
    out.insert(out.end(), extra.begin(), extra.end());
  }
  NPYGUARD_TRY(sink.write(out));
  const uint64_t directory_size = out.size();
  const uint64_t count = entries.size();
  std::vector<std::byte> end;
  const bool zip64 = force_zip64 || count >= kSentinel16 || directory_offset >= kSentinel32 ||
                     directory_size >= kSentinel32;
  if (zip64) {
    const uint64_t record_offset = sink.position();
    append_le(end, kZip64EndRecordSignature, 4);
    append_le(end, kZip64EndRecordBody, 8);
    append_le(end, kVersionMadeBy, 2);
    append_le(end, kVersionZip64, 2);
    append_le(end, 0, 4);
    append_le(end, 0, 4);
    append_le(end, count, 8);
    append_le(end, count, 8);
    append_le(end, directory_size, 8);
    append_le(end, directory_offset, 8);
    append_le(end, kZip64LocatorSignature, 4);
    append_le(end, 0, 4);
    append_le(end, record_offset, 8);
    append_le(end, 1, 4);
  }
  append_le(end, kEndRecordSignature, 4);
  append_le(end, 0, 2);
  append_le(end, 0, 2);
  const uint64_t count16 = count >= kSentinel16 ? kSentinel16 : count;
  append_le(end, count16, 2);
  append_le(end, count16, 2);
  append_le(end, directory_size >= kSentinel32 ? kSentinel32 : directory_size, 4);
  append_le(end, directory_offset >= kSentinel32 ? kSentinel32 : directory_offset, 4);
  append_le(end, 0, 2);  // comment length
  return sink.write(end);
}

}  // namespace npyguard::detail
