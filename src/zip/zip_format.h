// SPDX-License-Identifier: Apache-2.0
// The ZIP format as npyguard reads and writes it: record signatures and sizes, flag bits,
// methods and sentinels (APPNOTE.TXT), and the member-name safety rule. Shared by the reader and
// the writer, so both sides of a round trip use one definition of each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace npyguard::detail {

// APPNOTE.TXT 4.3.7 (local file header), 4.3.9 (data descriptor), 4.3.12 (central directory
// header), 4.3.14 (ZIP64 end of central directory record), 4.3.15 (ZIP64 locator), 4.3.16 (end of
// central directory record).
inline constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
inline constexpr uint32_t kDataDescriptorSignature = 0x08074b50;
inline constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
inline constexpr uint32_t kZip64EndRecordSignature = 0x06064b50;
inline constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
inline constexpr uint32_t kEndRecordSignature = 0x06054b50;
inline constexpr size_t kLocalHeaderSize = 30;
inline constexpr size_t kCentralHeaderSize = 46;
// Position of the local-header-offset field inside a central header (APPNOTE 4.3.12).
inline constexpr size_t kCentralOffsetField = 42;
inline constexpr size_t kEndRecordSize = 22;
// Python's zipfile (_EndRecData) looks for the last end-record signature in the final 64 KiB + 22
// bytes, one byte more than the longest legal comment (65,535 bytes) reaches; the ambiguity check covers that
// whole window so no signature zipfile could find goes unseen.
inline constexpr size_t kEndSearchWindow = (size_t{1} << 16) + 22;
inline constexpr size_t kZip64LocatorSize = 20;
// Signature, record size, then 44 bytes of fixed fields (APPNOTE 4.3.14.1).
inline constexpr size_t kZip64EndRecordSize = 56;
inline constexpr uint64_t kZip64EndRecordBody = 44;
// ZIP64 extended information extra field id (APPNOTE 4.5.3).
inline constexpr uint16_t kZip64ExtraId = 0x0001;
// Highest "version needed to extract" accepted: 4.5 is ZIP64 (APPNOTE 4.4.3.2); later versions
// bring encryption and compression methods npyguard does not read.
inline constexpr uint16_t kMaxVersionNeeded = 45;
// Central-directory bytes budgeted per member beyond its name: extra fields plus comment. NumPy
// writes at most a 28-byte ZIP64 extra and no comment; 1 KiB leaves room for other writers while
// bounding the directory buffer by the member limits.
inline constexpr uint64_t kCentralExtraBudget = 1024;
// ZIP sentinels meaning "the value is in the ZIP64 record or extra field".
inline constexpr uint16_t kSentinel16 = 0xFFFF;
inline constexpr uint32_t kSentinel32 = 0xFFFFFFFF;

// General purpose flag bits (APPNOTE 4.4.4).
inline constexpr uint16_t kFlagEncrypted = 0x0001;
inline constexpr uint16_t kFlagDeflateOptions = 0x0006;  // bits 1-2: compression level hints
inline constexpr uint16_t kFlagDataDescriptor = 0x0008;
inline constexpr uint16_t kFlagStrongEncryption = 0x0040;
inline constexpr uint16_t kFlagUtf8 = 0x0800;
inline constexpr uint16_t kFlagMaskedHeaders = 0x2000;  // central directory encryption

inline constexpr uint16_t kMethodStored = 0;
inline constexpr uint16_t kMethodDeflate = 8;

// Why a member name is unsafe, or nullptr when it is safe. Names must be relative, free of '.',
// '..' and empty segments, backslashes, drive letters, NUL and control characters; non-ASCII
// names need the UTF-8 flag (bit 11) and valid UTF-8 (CP437 names are refused, not guessed).
const char* unsafe_name_reason(std::string_view name, uint16_t flags);

}  // namespace npyguard::detail
