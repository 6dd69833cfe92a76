// SPDX-License-Identifier: Apache-2.0
// ZIP directory reader implementation. Input: untrusted archive bytes; output: a ZipDirectory in
// which every entry's local header, sizes and byte range are proven consistent. The order of the
// checks is part of the contract (corpus/expect relies on it): end records, ZIP64, directory
// bounds, central entries, then (resolve_local_headers) local headers, descriptors and tiling.
#include "zip/zip_reader.h"

#include <algorithm>
#include <array>
#include <new>
#include <numeric>
#include <optional>
#include <utility>

#include "base/byte_reader.h"
#include "base/checked_math.h"
#include "base/work_meter.h"

namespace npyguard::detail {
namespace {

Error zip_error(ErrorCode code, uint64_t offset, const char* detail, uint32_t member = kNoMember) {
  return Error{.code = code, .offset = offset, .member = member, .detail = detail};
}

Result<std::vector<std::byte>> read_range(RandomAccessSource& source, uint64_t offset,
                                          uint64_t length) {
  auto size = checked_narrow<size_t>(length);
  if (!size) return zip_error(ErrorCode::Internal, offset, "range too large");
  std::vector<std::byte> out;
  try {
    out.resize(*size);
  } catch (const std::bad_alloc&) {
    return zip_error(ErrorCode::OutOfMemory, offset, "allocating a directory buffer failed");
  }
  NPYGUARD_TRY(source.read_at(offset, out));
  return out;
}

const char* method_name(uint16_t method) {
  switch (method) {
    case 1:
      return "method 1 (shrink) is not supported; only stored (0) and deflate (8) are";
    case 6:
      return "method 6 (implode) is not supported; only stored (0) and deflate (8) are";
    case 9:
      return "method 9 (deflate64) is not supported; only stored (0) and deflate (8) are";
    case 12:
      return "method 12 (bzip2) is not supported; only stored (0) and deflate (8) are";
    case 14:
      return "method 14 (LZMA) is not supported; only stored (0) and deflate (8) are";
    case 93:
      return "method 93 (zstd) is not supported; only stored (0) and deflate (8) are";
    case 95:
      return "method 95 (xz) is not supported; only stored (0) and deflate (8) are";
    case 98:
      return "method 98 (PPMd) is not supported; only stored (0) and deflate (8) are";
    case 99:
      return "method 99 (AES encryption) is not supported";
    default:
      return "unknown compression method; only stored (0) and deflate (8) are supported";
  }
}

}  // namespace

namespace {

struct Zip64Values {
  std::optional<uint64_t> uncompressed_size;
  std::optional<uint64_t> compressed_size;
  std::optional<uint64_t> local_header_offset;
  std::optional<uint32_t> disk;
  bool present = false;
  size_t length = 0;  // bytes of data in the ZIP64 extra
};

// Walks an extra-field area: every (id, length) header must fit, the ZIP64 field may appear once.
// The ZIP64 field's data is returned raw; which values it holds depends on the sentinels.
Result<std::optional<std::span<const std::byte>>> find_zip64_extra(std::span<const std::byte> extra,
                                                                   uint64_t base, uint32_t member) {
  ByteReader reader(extra, base);
  std::optional<std::span<const std::byte>> zip64;
  while (!reader.empty()) {
    charge(1);  // one extra record: at least 4 bytes of the extra area
    uint16_t id = 0;
    uint16_t length = 0;
    if (!reader.read_u16le(id) || !reader.read_u16le(length)) {
      return zip_error(ErrorCode::ZipBadExtraField, reader.position(),
                       "truncated extra field header", member);
    }
    auto data = reader.take(length);
    if (!data) {
      return zip_error(ErrorCode::ZipBadExtraField, reader.position(),
                       "extra field longer than the extra area", member);
    }
    if (id == kZip64ExtraId) {
      if (zip64) {
        return zip_error(ErrorCode::ZipBadExtraField, reader.position(), "two ZIP64 extra fields",
                         member);
      }
      zip64 = *data;
    }
  }
  return zip64;
}

// Central directory: values are present only for fields holding sentinels, in the order
// uncompressed size, compressed size, local header offset, disk (APPNOTE 4.5.3).
Result<Zip64Values> parse_central_zip64(std::span<const std::byte> extra, uint64_t base,
                                        uint32_t member, bool need_usize, bool need_csize,
                                        bool need_offset, bool need_disk) {
  NPYGUARD_ASSIGN_OR_RETURN(auto field, find_zip64_extra(extra, base, member));
  Zip64Values values;
  if (!field) {
    if (need_usize || need_csize || need_offset || need_disk) {
      return zip_error(ErrorCode::ZipBadExtraField, base,
                       "a 0xFFFFFFFF field needs a ZIP64 extra field", member);
    }
    return values;
  }
  values.present = true;
  values.length = field->size();
  ByteReader reader(*field, base);
  auto read64 = [&](bool needed, std::optional<uint64_t>& out) -> Status {
    if (!needed) return ok_status();
    uint64_t value = 0;
    if (!reader.read_u64le(value)) {
      return zip_error(ErrorCode::ZipBadExtraField, reader.position(),
                       "ZIP64 extra field lacks a value its sentinel needs", member);
    }
    out = value;
    return ok_status();
  };
  NPYGUARD_TRY(read64(need_usize, values.uncompressed_size));
  NPYGUARD_TRY(read64(need_csize, values.compressed_size));
  NPYGUARD_TRY(read64(need_offset, values.local_header_offset));
  if (need_disk) {
    uint32_t disk = 0;
    if (!reader.read_u32le(disk)) {
      return zip_error(ErrorCode::ZipBadExtraField, reader.position(),
                       "ZIP64 extra field lacks the disk number", member);
    }
    values.disk = disk;
  }
  return values;
}

struct EndRecord {
  uint64_t offset = 0;  // of the 32-bit end record
  uint64_t entry_count = 0;
  uint64_t directory_size = 0;
  uint64_t directory_offset = 0;
  uint64_t directory_end = 0;  // where the directory must end: ZIP64 record or end record
};

Result<EndRecord> find_end_record(RandomAccessSource& source) {
  const uint64_t size = source.size();
  if (size < kEndRecordSize) {
    return zip_error(ErrorCode::ZipNoEndRecord, size, "input too short for an end record");
  }
  const uint64_t tail_length = std::min<uint64_t>(size, kEndSearchWindow);
  const uint64_t tail_offset = size - tail_length;
  NPYGUARD_ASSIGN_OR_RETURN(auto tail, read_range(source, tail_offset, tail_length));

  // The record npyguard reads is the one whose comment reaches the end exactly. Python's zipfile
  // takes the last signature in the window instead, and other readers search in other ways, so
  // any second signature (inside a comment, in the last member's data, in the last 21 bytes)
  // could make another reader see another archive: with more than one, the archive is refused.
  std::optional<size_t> found;
  std::optional<size_t> other;
  bool saw_signature = false;
  charge(tail.size());  // one step per position of the search window
  for (size_t pos = 0; pos + 4 <= tail.size(); ++pos) {
    ByteReader reader(std::span<const std::byte>(tail).subspan(pos));
    uint32_t signature = 0;
    if (!reader.read_u32le(signature) || signature != kEndRecordSignature) continue;
    saw_signature = true;
    uint16_t comment_length = 0;
    const bool reaches_end = pos + kEndRecordSize <= tail.size() && reader.skip(16) &&
                             reader.read_u16le(comment_length) &&
                             pos + kEndRecordSize + comment_length == tail.size();
    if (reaches_end && !found) {
      found = pos;
    } else if (!other) {
      other = pos;
    }
  }
  if (!found) {
    return saw_signature
               ? zip_error(ErrorCode::ZipBadEndRecord, size,
                           "end record comment length does not reach the end of the input")
               : zip_error(ErrorCode::ZipNoEndRecord, size, "no end-of-central-directory record");
  }
  if (other) {
    return zip_error(ErrorCode::ZipAmbiguousEndRecord, tail_offset + *other,
                     "a second end-record signature near the end of the archive; readers that "
                     "search for it differently would see a different archive");
  }

  EndRecord end;
  end.offset = tail_offset + *found;
  ByteReader reader(std::span<const std::byte>(tail).subspan(*found + 4), end.offset + 4);
  uint16_t disk = 0, directory_disk = 0, disk_entries = 0, total_entries = 0;
  uint32_t directory_size = 0, directory_offset = 0;
  if (!reader.read_u16le(disk) || !reader.read_u16le(directory_disk) ||
      !reader.read_u16le(disk_entries) || !reader.read_u16le(total_entries) ||
      !reader.read_u32le(directory_size) || !reader.read_u32le(directory_offset)) {
    return zip_error(ErrorCode::Internal, end.offset, "end record shorter than checked");
  }
  if (disk != 0 || directory_disk != 0 || disk_entries != total_entries) {
    return zip_error(ErrorCode::ZipMultiDisk, end.offset + 4, "end record spans several disks");
  }
  end.entry_count = total_entries;
  end.directory_size = directory_size;
  end.directory_offset = directory_offset;
  end.directory_end = end.offset;
  const bool needs_zip64 = total_entries == kSentinel16 || directory_size == kSentinel32 ||
                           directory_offset == kSentinel32;

  // ZIP64: a locator right before the end record points at the ZIP64 end record, which must sit
  // right before the locator.
  std::optional<std::vector<std::byte>> locator;
  if (end.offset >= kZip64LocatorSize) {
    NPYGUARD_ASSIGN_OR_RETURN(
        auto bytes, read_range(source, end.offset - kZip64LocatorSize, kZip64LocatorSize));
    ByteReader probe(bytes);
    uint32_t signature = 0;
    if (probe.read_u32le(signature) && signature == kZip64LocatorSignature) locator = bytes;
  }
  if (!locator) {
    if (needs_zip64) {
      return zip_error(ErrorCode::ZipBadZip64, end.offset,
                       "end record holds ZIP64 sentinels but there is no ZIP64 locator");
    }
    return end;
  }
  const uint64_t locator_offset = end.offset - kZip64LocatorSize;
  ByteReader loc(*locator, locator_offset);
  uint32_t record_disk = 0, total_disks = 0;
  uint64_t record_offset = 0;
  if (!loc.skip(4) || !loc.read_u32le(record_disk) || !loc.read_u64le(record_offset) ||
      !loc.read_u32le(total_disks)) {
    return zip_error(ErrorCode::Internal, locator_offset, "locator shorter than checked");
  }
  if (record_disk != 0 || total_disks != 1) {
    return zip_error(ErrorCode::ZipMultiDisk, locator_offset, "ZIP64 locator names other disks");
  }
  if (record_offset > locator_offset || locator_offset - record_offset < kZip64EndRecordSize) {
    return zip_error(ErrorCode::ZipBadZip64, locator_offset,
                     "ZIP64 end record offset does not leave room before the locator");
  }
  NPYGUARD_ASSIGN_OR_RETURN(auto record, read_range(source, record_offset, kZip64EndRecordSize));
  ByteReader rec(record, record_offset);
  uint32_t signature = 0;
  uint64_t record_size = 0;
  uint16_t made_by = 0, needed = 0;
  uint32_t disk64 = 0, directory_disk64 = 0;
  uint64_t disk_entries64 = 0, total_entries64 = 0, directory_size64 = 0, directory_offset64 = 0;
  if (!rec.read_u32le(signature) || !rec.read_u64le(record_size) || !rec.read_u16le(made_by) ||
      !rec.read_u16le(needed) || !rec.read_u32le(disk64) || !rec.read_u32le(directory_disk64) ||
      !rec.read_u64le(disk_entries64) || !rec.read_u64le(total_entries64) ||
      !rec.read_u64le(directory_size64) || !rec.read_u64le(directory_offset64)) {
    return zip_error(ErrorCode::Internal, record_offset, "ZIP64 record shorter than checked");
  }
  if (signature != kZip64EndRecordSignature) {
    return zip_error(ErrorCode::ZipBadZip64, record_offset, "bad ZIP64 end record signature");
  }
  // The record's size field counts the bytes after itself (12 bytes of signature and size).
  const auto record_end = checked_add<uint64_t>(record_offset, 12);
  const auto record_end_full = record_end ? checked_add(*record_end, record_size) : std::nullopt;
  // zipfile reads the 56 bytes right before the locator whatever the locator says, and ignores
  // extensible data; a record of any other size could hide a second record zipfile would read.
  if (record_size != kZip64EndRecordBody || !record_end_full ||
      *record_end_full != locator_offset) {
    return zip_error(ErrorCode::ZipBadZip64, record_offset + 4,
                     "ZIP64 end record is not exactly 56 bytes ending at the locator (extensible "
                     "data is refused)");
  }
  if (disk64 != 0 || directory_disk64 != 0 || disk_entries64 != total_entries64) {
    return zip_error(ErrorCode::ZipMultiDisk, record_offset, "ZIP64 end record spans disks");
  }
  const bool agrees = (total_entries == kSentinel16 || total_entries == total_entries64) &&
                      (directory_size == kSentinel32 || directory_size == directory_size64) &&
                      (directory_offset == kSentinel32 || directory_offset == directory_offset64);
  if (!agrees) {
    return zip_error(ErrorCode::ZipBadZip64, record_offset,
                     "ZIP64 end record disagrees with the 32-bit end record");
  }
  end.entry_count = total_entries64;
  end.directory_size = directory_size64;
  end.directory_offset = directory_offset64;
  end.directory_end = record_offset;
  return end;
}

Result<ZipEntry> parse_central_entry(ByteReader& reader, uint32_t index, const Limits& limits) {
  const uint64_t start = reader.position();
  uint32_t signature = 0;
  uint16_t made_by = 0, needed = 0, flags = 0, method = 0, time = 0, date = 0;
  uint32_t crc = 0, csize32 = 0, usize32 = 0, external = 0, offset32 = 0;
  uint16_t name_length = 0, extra_length = 0, comment_length = 0, disk = 0, internal = 0;
  if (!reader.read_u32le(signature) || !reader.read_u16le(made_by) || !reader.read_u16le(needed) ||
      !reader.read_u16le(flags) || !reader.read_u16le(method) || !reader.read_u16le(time) ||
      !reader.read_u16le(date) || !reader.read_u32le(crc) || !reader.read_u32le(csize32) ||
      !reader.read_u32le(usize32) || !reader.read_u16le(name_length) ||
      !reader.read_u16le(extra_length) || !reader.read_u16le(comment_length) ||
      !reader.read_u16le(disk) || !reader.read_u16le(internal) || !reader.read_u32le(external) ||
      !reader.read_u32le(offset32)) {
    return zip_error(ErrorCode::ZipBadCentralEntry, start, "truncated central entry", index);
  }
  if (signature != kCentralHeaderSignature) {
    return zip_error(ErrorCode::ZipBadCentralEntry, start, "bad central entry signature", index);
  }
  const uint64_t name_offset = reader.position();
  auto name = reader.take(name_length);
  const uint64_t extra_offset = reader.position();
  auto extra = name ? reader.take(extra_length) : std::nullopt;
  auto comment = extra ? reader.take(comment_length) : std::nullopt;
  if (!comment) {
    return zip_error(ErrorCode::ZipBadCentralEntry, start,
                     "central entry name, extra or comment runs past the directory", index);
  }
  if ((needed & 0xFF) > kMaxVersionNeeded) {
    return zip_error(ErrorCode::ZipVersionTooNew, start + 6, "version needed above 4.5", index);
  }
  if ((flags & (kFlagEncrypted | kFlagStrongEncryption | kFlagMaskedHeaders)) != 0) {
    return zip_error(ErrorCode::ZipEncrypted, start + 8, "encrypted member", index);
  }
  if ((flags & ~(kFlagDeflateOptions | kFlagDataDescriptor | kFlagUtf8)) != 0) {
    return zip_error(ErrorCode::ZipUnknownFlags, start + 8, "unknown or reserved flag bits", index);
  }
  if (method != kMethodStored && method != kMethodDeflate) {
    return zip_error(ErrorCode::ZipUnsupportedMethod, start + 10, method_name(method), index);
  }
  if (disk != 0 && disk != kSentinel16) {
    return zip_error(ErrorCode::ZipMultiDisk, start + 34, "member starts on another disk", index);
  }
  NPYGUARD_ASSIGN_OR_RETURN(
      Zip64Values zip64,
      parse_central_zip64(*extra, extra_offset, index, usize32 == kSentinel32,
                          csize32 == kSentinel32, offset32 == kSentinel32, disk == kSentinel16));
  if (zip64.disk && *zip64.disk != 0) {
    return zip_error(ErrorCode::ZipMultiDisk, extra_offset, "member starts on another disk", index);
  }
  if (name_length > limits.max_member_name_bytes) {
    return Error{.code = ErrorCode::MemberNameTooLong,
                 .offset = name_offset,
                 .member = index,
                 .detail = "the name is {found} bytes; max_member_name_bytes is {limit}",
                 .found = name_length,
                 .bound = limits.max_member_name_bytes};
  }
  ZipEntry entry;
  entry.name.assign(reinterpret_cast<const char*>(name->data()), name->size());  // NOLINT: bytes
  if (const char* reason = unsafe_name_reason(entry.name, flags)) {
    return zip_error(ErrorCode::ZipUnsafeName, name_offset, reason, index);
  }
  entry.central_offset = start;
  entry.version_needed = needed;
  entry.flags = flags;
  entry.method = method;
  entry.crc32 = crc;
  entry.uncompressed_size = zip64.uncompressed_size.value_or(usize32);
  entry.compressed_size = zip64.compressed_size.value_or(csize32);
  entry.local_header_offset = zip64.local_header_offset.value_or(offset32);
  if (method == kMethodStored && entry.compressed_size != entry.uncompressed_size) {
    return zip_error(ErrorCode::ZipStoredSizeMismatch, start + 20,
                     "stored member with different compressed and uncompressed sizes", index);
  }
  return entry;
}

// The data descriptor after a bit-3 member: optional signature, CRC, then 32- or 64-bit sizes
// (64-bit exactly when the local header carries a ZIP64 extra, APPNOTE 4.3.9.2). A CRC that
// happens to equal the signature makes the signature optional in two ways; exactly one reading
// may agree with the central directory, or the descriptor is refused as ambiguous.
Result<uint64_t> check_data_descriptor(RandomAccessSource& source, const ZipEntry& entry,
                                       uint64_t data_end, uint64_t limit, bool wide,
                                       uint32_t index) {
  constexpr size_t kMaxDescriptor = 4 + 4 + 8 + 8;
  const uint64_t available = limit - data_end;
  std::array<std::byte, kMaxDescriptor> bytes{};
  const size_t length = static_cast<size_t>(std::min<uint64_t>(available, kMaxDescriptor));
  NPYGUARD_TRY(source.read_at(data_end, std::span(bytes).first(length)));
  const auto view = std::span<const std::byte>(bytes).first(length);

  // Returns the descriptor's length when the reading (with or without signature) agrees.
  auto reading = [&](bool with_signature) -> std::optional<size_t> {
    ByteReader reader(view, data_end);
    uint32_t signature = 0, crc = 0;
    if (with_signature &&
        (!reader.read_u32le(signature) || signature != kDataDescriptorSignature)) {
      return std::nullopt;
    }
    uint64_t csize = 0, usize = 0;
    bool complete = reader.read_u32le(crc);
    if (wide) {
      complete = complete && reader.read_u64le(csize) && reader.read_u64le(usize);
    } else {
      uint32_t c32 = 0, u32 = 0;
      complete = complete && reader.read_u32le(c32) && reader.read_u32le(u32);
      csize = c32;
      usize = u32;
    }
    if (!complete || crc != entry.crc32 || csize != entry.compressed_size ||
        usize != entry.uncompressed_size) {
      return std::nullopt;
    }
    return reader.consumed();
  };
  const auto signed_reading = reading(true);
  const auto bare_reading = reading(false);
  if (signed_reading && bare_reading) {
    return zip_error(ErrorCode::ZipBadDataDescriptor, data_end,
                     "data descriptor reads two ways (CRC equals the signature)", index);
  }
  if (!signed_reading && !bare_reading) {
    return zip_error(ErrorCode::ZipBadDataDescriptor, data_end,
                     "data descriptor missing or disagreeing with the central directory", index);
  }
  return data_end + (signed_reading ? *signed_reading : *bare_reading);
}

Status resolve_one_local_header(RandomAccessSource& source, ZipEntry& entry, uint64_t limit,
                                uint32_t index) {
  const uint64_t start = entry.local_header_offset;
  if (start > limit || limit - start < kLocalHeaderSize) {
    // Report where the bad pointer is, not where it points.
    return zip_error(ErrorCode::ZipBadLocalHeader, entry.central_offset + kCentralOffsetField,
                     "local header offset points outside the archive's member area", index);
  }
  std::array<std::byte, kLocalHeaderSize> fixed{};
  NPYGUARD_TRY(source.read_at(start, fixed));
  ByteReader reader(fixed, start);
  uint32_t signature = 0, crc = 0, csize32 = 0, usize32 = 0;
  uint16_t needed = 0, flags = 0, method = 0, time = 0, date = 0, name_length = 0, extra_length = 0;
  if (!reader.read_u32le(signature) || !reader.read_u16le(needed) || !reader.read_u16le(flags) ||
      !reader.read_u16le(method) || !reader.read_u16le(time) || !reader.read_u16le(date) ||
      !reader.read_u32le(crc) || !reader.read_u32le(csize32) || !reader.read_u32le(usize32) ||
      !reader.read_u16le(name_length) || !reader.read_u16le(extra_length)) {
    return zip_error(ErrorCode::Internal, start, "local header shorter than checked", index);
  }
  if (signature != kLocalHeaderSignature) {
    return zip_error(ErrorCode::ZipBadLocalHeader, start, "bad local header signature", index);
  }
  const uint64_t variable = static_cast<uint64_t>(name_length) + extra_length;
  if (limit - start - kLocalHeaderSize < variable) {
    return zip_error(ErrorCode::ZipBadLocalHeader, start,
                     "local name and extra run past the member area", index);
  }
  // start + 30 + variable <= limit was checked above, so the sums below cannot wrap.
  NPYGUARD_ASSIGN_OR_RETURN(auto rest, read_range(source, start + kLocalHeaderSize, variable));
  const std::string_view local_name(reinterpret_cast<const char*>(rest.data()),  // NOLINT
                                    name_length);
  if (local_name != entry.name) {
    return zip_error(ErrorCode::ZipLocalHeaderMismatch, start + kLocalHeaderSize,
                     "local and central names differ", index);
  }
  if (method != entry.method) {
    return zip_error(ErrorCode::ZipLocalHeaderMismatch, start + 8,
                     "local and central compression methods differ", index);
  }
  if (flags != entry.flags) {
    return zip_error(ErrorCode::ZipLocalHeaderMismatch, start + 6, "local and central flags differ",
                     index);
  }
  if ((needed & 0xFF) > kMaxVersionNeeded) {
    return zip_error(ErrorCode::ZipVersionTooNew, start + 4, "version needed above 4.5", index);
  }
  const uint64_t extra_offset = start + kLocalHeaderSize + name_length;
  NPYGUARD_ASSIGN_OR_RETURN(
      auto zip64_field,
      find_zip64_extra(std::span<const std::byte>(rest).subspan(name_length), extra_offset, index));
  // The local ZIP64 field, when present, holds both sizes (APPNOTE 4.5.3); a 0xFFFFFFFF size
  // without it cannot be resolved.
  uint64_t usize = usize32, csize = csize32;
  if (zip64_field) {
    ByteReader z(*zip64_field, extra_offset + 4);
    uint64_t extra_usize = 0, extra_csize = 0;
    const bool has_sizes = z.read_u64le(extra_usize) && z.read_u64le(extra_csize);
    if (!has_sizes && (usize32 == kSentinel32 || csize32 == kSentinel32)) {
      return zip_error(ErrorCode::ZipBadExtraField, extra_offset,
                       "local ZIP64 extra field lacks the sizes", index);
    }
    if (has_sizes) {
      if ((usize32 != kSentinel32 && usize32 != extra_usize) ||
          (csize32 != kSentinel32 && csize32 != extra_csize)) {
        return zip_error(ErrorCode::ZipLocalHeaderMismatch, extra_offset,
                         "local 32-bit sizes disagree with the local ZIP64 extra", index);
      }
      usize = extra_usize;
      csize = extra_csize;
    }
  } else if (usize32 == kSentinel32 || csize32 == kSentinel32) {
    return zip_error(ErrorCode::ZipBadExtraField, extra_offset,
                     "local 0xFFFFFFFF size without a ZIP64 extra field", index);
  }
  const bool descriptor = (flags & kFlagDataDescriptor) != 0;
  if (!descriptor) {
    if (crc != entry.crc32) {
      return zip_error(ErrorCode::ZipLocalHeaderMismatch, start + 14,
                       "local and central CRC-32 differ", index);
    }
    if (csize != entry.compressed_size) {
      return zip_error(ErrorCode::ZipLocalHeaderMismatch, start + 18,
                       "local and central compressed sizes differ", index);
    }
    if (usize != entry.uncompressed_size) {
      return zip_error(ErrorCode::ZipLocalHeaderMismatch, start + 22,
                       "local and central uncompressed sizes differ", index);
    }
  }
  entry.data_offset = start + kLocalHeaderSize + variable;
  if (entry.compressed_size > limit - entry.data_offset) {
    return zip_error(ErrorCode::ZipBadLocalHeader, entry.data_offset,
                     "member data runs past the member area", index);
  }
  const uint64_t data_end = entry.data_offset + entry.compressed_size;  // <= limit, checked above
  if (!descriptor) {
    entry.end_offset = data_end;
    return ok_status();
  }
  NPYGUARD_ASSIGN_OR_RETURN(
      entry.end_offset,
      check_data_descriptor(source, entry, data_end, limit, zip64_field.has_value(), index));
  return ok_status();
}

// The most central-directory bytes the member limits allow (nullopt: beyond 64 bits).
std::optional<uint64_t> directory_budget(const Limits& limits) {
  const auto per_member =
      checked_add<uint64_t>(kCentralHeaderSize + kCentralExtraBudget, limits.max_member_name_bytes);
  return per_member ? checked_mul<uint64_t>(*per_member, limits.max_members) : std::nullopt;
}

}  // namespace

Result<ZipDirectory> read_central_directory(RandomAccessSource& source, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(EndRecord end, find_end_record(source));
  if (end.entry_count > limits.max_members) {
    return Error{.code = ErrorCode::TooManyMembers,
                 .offset = end.offset,
                 .detail = "the archive declares {found} members; max_members is {limit}",
                 .found = end.entry_count,
                 .bound = limits.max_members};
  }
  // Bound the directory buffer by what the member limits allow, before reading it.
  const std::optional<uint64_t> budget = directory_budget(limits);
  if (!budget || end.directory_size > *budget) {
    return Error{.code = ErrorCode::DirectoryTooLarge,
                 .offset = end.offset,
                 .detail = budget ? "the central directory is {found} bytes; the member limits "
                                    "allow {limit}"
                                  : "central directory larger than the member limits allow",
                 .found = end.directory_size,
                 .bound = budget.value_or(0)};
  }
  const auto minimum = checked_mul<uint64_t>(end.entry_count, kCentralHeaderSize);
  if (!minimum || *minimum > end.directory_size) {
    return zip_error(ErrorCode::ZipEntryCountMismatch, end.offset,
                     "entry count larger than the central directory can hold");
  }
  const auto directory_end = checked_add(end.directory_offset, end.directory_size);
  if (!directory_end || *directory_end != end.directory_end) {
    return zip_error(ErrorCode::ZipDirectoryOutOfBounds, end.offset,
                     "central directory does not end where the end record begins");
  }

  NPYGUARD_ASSIGN_OR_RETURN(auto bytes,
                            read_range(source, end.directory_offset, end.directory_size));
  ZipDirectory directory;
  directory.directory_offset = end.directory_offset;
  directory.directory_size = end.directory_size;
  try {
    directory.entries.reserve(static_cast<size_t>(end.entry_count));
  } catch (const std::bad_alloc&) {
    return zip_error(ErrorCode::OutOfMemory, end.offset, "allocating the entry list failed");
  }
  ByteReader reader(bytes, end.directory_offset);
  for (uint64_t i = 0; i < end.entry_count; ++i) {
    const auto index = static_cast<uint32_t>(i);  // <= max_members
    charge(1);  // one central entry: at least 46 bytes of the directory
    if (reader.empty()) {
      return Error{.code = ErrorCode::ZipEntryCountMismatch,
                   .offset = reader.position(),
                   .detail =
                       "the end record declares {expected} entries; the central "
                       "directory holds {found}",
                   .found = i,
                   .bound = end.entry_count};
    }
    NPYGUARD_ASSIGN_OR_RETURN(ZipEntry entry, parse_central_entry(reader, index, limits));
    directory.entries.push_back(std::move(entry));
  }
  if (!reader.empty()) {
    return zip_error(ErrorCode::ZipEntryCountMismatch, reader.position(),
                     "bytes left in the central directory after the declared entries");
  }
  return directory;
}

Result<std::string> read_entry_name(RandomAccessSource& source, const Limits& limits,
                                    uint32_t index) {
  NPYGUARD_ASSIGN_OR_RETURN(EndRecord end, find_end_record(source));
  // An archive with more entries than max_members is the input's fault, not the caller's.
  if (end.entry_count > limits.max_members) {
    return zip_error(ErrorCode::TooManyMembers, end.offset,
                     "the end record declares more entries than max_members");
  }
  if (index >= end.entry_count) {
    return zip_error(ErrorCode::ZipMemberNotFound, end.offset, "no central entry of that index");
  }
  // The same bound on the directory buffer as read_central_directory.
  const std::optional<uint64_t> budget = directory_budget(limits);
  if (!budget || end.directory_size > *budget) {
    return zip_error(ErrorCode::DirectoryTooLarge, end.offset,
                     "central directory larger than the member limits allow");
  }
  NPYGUARD_ASSIGN_OR_RETURN(auto bytes,
                            read_range(source, end.directory_offset, end.directory_size));
  ByteReader reader(bytes, end.directory_offset);
  // Only the length fields of the entries before `index` are read (APPNOTE 4.3.12: name,
  // extra and comment lengths at offsets 28, 30 and 32 of the 46-byte header).
  constexpr size_t kBeforeLengths = 24;
  constexpr size_t kAfterLengths = 12;
  for (uint32_t i = 0;; ++i) {
    charge(1);  // one central entry header
    const uint64_t start = reader.position();
    uint32_t signature = 0;
    uint16_t name_length = 0, extra_length = 0, comment_length = 0;
    if (!reader.read_u32le(signature) || signature != kCentralHeaderSignature ||
        !reader.skip(kBeforeLengths) || !reader.read_u16le(name_length) ||
        !reader.read_u16le(extra_length) || !reader.read_u16le(comment_length) ||
        !reader.skip(kAfterLengths)) {
      return zip_error(ErrorCode::ZipBadCentralEntry, start, "unreadable central entry", i);
    }
    if (i == index) {
      if (name_length > limits.max_member_name_bytes) {
        return zip_error(ErrorCode::MemberNameTooLong, reader.position(),
                         "member name longer than max_member_name_bytes", i);
      }
      const auto name = reader.take(name_length);
      if (!name) {
        return zip_error(ErrorCode::ZipBadCentralEntry, start,
                         "central entry name runs past the directory", i);
      }
      try {
        return std::string(reinterpret_cast<const char*>(name->data()),  // NOLINT: bytes
                           name->size());
      } catch (const std::bad_alloc&) {
        return zip_error(ErrorCode::OutOfMemory, start, "allocating the name failed", i);
      }
    }
    if (!reader.skip(size_t{name_length} + extra_length + comment_length)) {
      return zip_error(ErrorCode::ZipBadCentralEntry, start,
                       "central entry name, extra or comment runs past the directory", i);
    }
  }
}

Status resolve_local_headers(RandomAccessSource& source, ZipDirectory& directory) {
  auto& entries = directory.entries;
  // Sorting, the shared-header check, one local header per entry and the tiling walk.
  charge(4 * entries.size() + 1);
  std::vector<uint32_t> order(entries.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return entries[a].local_header_offset < entries[b].local_header_offset;
  });
  // Many central entries sharing one local header is the full-overlap zip bomb.
  for (size_t i = 1; i < order.size(); ++i) {
    if (entries[order[i]].local_header_offset == entries[order[i - 1]].local_header_offset) {
      return zip_error(ErrorCode::ZipOverlappingEntries,
                       entries[order[i]].central_offset + kCentralOffsetField,
                       "two central entries share one local header", order[i]);
    }
  }
  for (uint32_t i = 0; i < entries.size(); ++i) {
    NPYGUARD_TRY(resolve_one_local_header(source, entries[i], directory.directory_offset, i));
  }
  // The member ranges must tile [0, directory_offset) exactly.
  uint64_t expected = 0;
  for (uint32_t index : order) {
    const ZipEntry& entry = entries[index];
    if (entry.local_header_offset < expected) {
      return zip_error(ErrorCode::ZipOverlappingEntries, entry.local_header_offset,
                       "member starts inside the previous member's data", index);
    }
    if (entry.local_header_offset > expected) {
      return expected == 0 ? zip_error(ErrorCode::ZipPrependedData, 0,
                                       "bytes before the first local header", index)
                           : zip_error(ErrorCode::ZipUnaccountedBytes, expected,
                                       "bytes between members belong to no member", index);
    }
    expected = entry.end_offset;
  }
  if (expected != directory.directory_offset) {
    return entries.empty()
               ? zip_error(ErrorCode::ZipPrependedData, 0, "bytes before the central directory")
               : zip_error(ErrorCode::ZipUnaccountedBytes, expected,
                           "bytes between the last member and the central directory");
  }
  return ok_status();
}

}  // namespace npyguard::detail
