// SPDX-License-Identifier: Apache-2.0
// NpzStreamScreen: follows an archive arriving as a stream record by record (local header,
// name, extra and data; central headers; ZIP64 end record and locator; end record and comment)
// and refuses it at the first byte that cannot be where the strict reader (zip_reader.cpp)
// requires it. Input: untrusted bytes in chunks of any size; output: an early verdict, never a
// copy. Every rule here is one zip_reader.cpp also enforces, so the screen refuses only what the
// reader would refuse.
#include <algorithm>
#include <cstddef>

#include "base/byte_reader.h"
#include "npyguard/npz.h"
#include "zip/zip_reader.h"

namespace npyguard {
namespace {

// Fields read from the fixed parts, as offsets from the record's signature (APPNOTE 4.3.7,
// 4.3.12, 4.3.14, 4.3.16).
constexpr size_t kLocalVersionAt = 4;
constexpr size_t kLocalFlagsAt = 6;
constexpr size_t kLocalMethodAt = 8;
constexpr size_t kLocalCompressedSizeAt = 18;
constexpr size_t kLocalUncompressedSizeAt = 22;
constexpr size_t kLocalNameLengthAt = 26;
constexpr size_t kLocalExtraLengthAt = 28;
constexpr size_t kCentralNameLengthAt = 28;
constexpr size_t kCentralExtraLengthAt = 30;
constexpr size_t kCentralCommentLengthAt = 32;
constexpr size_t kZip64RecordSizeAt = 4;
constexpr size_t kEndCommentLengthAt = 20;
// Flag bits the reader refuses on any member (zip_reader.cpp: encrypted, or unknown).
constexpr uint16_t kRefusedFlags = static_cast<uint16_t>(
    ~(detail::kFlagDeflateOptions | detail::kFlagDataDescriptor | detail::kFlagUtf8));
constexpr uint16_t kVersionByte = 0xFF;

// A little-endian field of the fixed part, read through the bounded cursor (the fixed part is
// complete when this is called, so a field inside it always reads).
template <typename T>
T field(std::span<const std::byte> fixed, size_t at) {
  T value = 0;
  auto reader = detail::ByteReader(fixed).sub(at, sizeof(T));
  if (reader) {
    if constexpr (sizeof(T) == 2) (void)reader->read_u16le(value);
    if constexpr (sizeof(T) == 4) (void)reader->read_u32le(value);
    if constexpr (sizeof(T) == 8) (void)reader->read_u64le(value);
  }
  return value;
}

}  // namespace

static_assert(detail::kZip64EndRecordSize == 56 && detail::kLocalHeaderSize <= 56 &&
                  detail::kCentralHeaderSize <= 56,
              "NpzStreamScreen::kLongestFixedPart must hold every fixed part");

NpzStreamScreen::NpzStreamScreen(const Limits& limits) noexcept
    : max_members_(limits.max_members),
      max_name_bytes_(limits.max_member_name_bytes),
      max_bytes_(limits.max_streamed_archive_bytes) {}

Status NpzStreamScreen::fail(ErrorCode code, uint64_t at, const char* detail, uint64_t found,
                             uint64_t bound) {
  phase_ = Phase::Failed;
  error_ = Error{.code = code, .offset = at, .detail = detail, .found = found, .bound = bound};
  return error_;
}

// The signature is complete: which record it opens, and whether that record may come next.
Status NpzStreamScreen::begin_record() {
  const auto signature = field<uint32_t>(fixed_, 0);
  Record next = Record::Start;
  size_t fixed = 0;
  bool allowed = false;
  switch (signature) {
    case detail::kLocalHeaderSignature:
      next = Record::Local;
      fixed = detail::kLocalHeaderSize;
      allowed = last_ == Record::Start || last_ == Record::Local;
      break;
    case detail::kCentralHeaderSignature:
      next = Record::Central;
      fixed = detail::kCentralHeaderSize;
      allowed = last_ == Record::Local || last_ == Record::Central;
      break;
    case detail::kZip64EndRecordSignature:
      next = Record::Zip64End;
      fixed = detail::kZip64EndRecordSize;
      allowed = last_ == Record::Start || last_ == Record::Central;
      break;
    case detail::kZip64LocatorSignature:
      next = Record::Zip64Locator;
      fixed = detail::kZip64LocatorSize;
      allowed = last_ == Record::Zip64End;
      break;
    case detail::kEndRecordSignature:
      next = Record::End;
      fixed = detail::kEndRecordSize;
      allowed = last_ == Record::Start || last_ == Record::Central || last_ == Record::Zip64Locator;
      break;
    default:
      break;
  }
  if (!allowed) {
    return fail(record_start_ == 0 ? ErrorCode::ZipPrependedData : ErrorCode::ZipUnaccountedBytes,
                record_start_,
                "bytes where the next ZIP record must start are not that record (the stream "
                "was not read further)");
  }
  // Leaving the directory: every local header needs exactly one central header.
  if (next != Record::Central && last_ == Record::Central && central_headers_ != local_headers_) {
    return fail(ErrorCode::ZipEntryCountMismatch, record_start_,
                "fewer central headers than local headers");
  }
  last_ = next;
  fixed_need_ = fixed;
  phase_ = Phase::Fixed;
  return ok_status();
}

// The fixed part of the current record is complete: check it and find its variable length.
Status NpzStreamScreen::end_fixed_part() {
  skip_left_ = 0;
  switch (last_) {
    case Record::Local: {
      if (++local_headers_ > max_members_) {
        return fail(ErrorCode::TooManyMembers, record_start_,
                    "more than max_members ({limit}) local headers", 0, max_members_);
      }
      const auto version = field<uint16_t>(fixed_, kLocalVersionAt);
      const auto flags = field<uint16_t>(fixed_, kLocalFlagsAt);
      const auto method = field<uint16_t>(fixed_, kLocalMethodAt);
      const auto compressed = field<uint32_t>(fixed_, kLocalCompressedSizeAt);
      const auto uncompressed = field<uint32_t>(fixed_, kLocalUncompressedSizeAt);
      const auto name = field<uint16_t>(fixed_, kLocalNameLengthAt);
      const auto extra = field<uint16_t>(fixed_, kLocalExtraLengthAt);
      // The rules the reader applies to every member whatever its directory says (local and
      // central fields must agree, and the central ones are held to these).
      if ((version & kVersionByte) > detail::kMaxVersionNeeded) {
        return fail(ErrorCode::ZipVersionTooNew, record_start_ + kLocalVersionAt,
                    "version needed above 4.5");
      }
      if ((flags & kRefusedFlags) != 0) {
        return fail((flags & detail::kFlagEncrypted) != 0 ? ErrorCode::ZipEncrypted
                                                          : ErrorCode::ZipUnknownFlags,
                    record_start_ + kLocalFlagsAt, "encrypted member or unknown flag bits");
      }
      if (method != detail::kMethodStored && method != detail::kMethodDeflate) {
        return fail(ErrorCode::ZipUnsupportedMethod, record_start_ + kLocalMethodAt,
                    "compression method other than stored or deflate");
      }
      if (name > max_name_bytes_) {
        return fail(ErrorCode::MemberNameTooLong, record_start_ + kLocalNameLengthAt,
                    "a local header's name is {found} bytes; max_member_name_bytes is {limit}",
                    name, max_name_bytes_);
      }
      if ((flags & detail::kFlagDataDescriptor) != 0 || compressed == detail::kSentinel32 ||
          uncompressed == detail::kSentinel32) {
        phase_ = Phase::Unscreened;  // the data's length is not in the fixed part
        return ok_status();
      }
      skip_left_ = uint64_t{name} + extra + compressed;  // at most 2^32 + 2^17: cannot wrap
      break;
    }
    case Record::Central: {
      if (++central_headers_ > local_headers_) {
        return fail(ErrorCode::ZipEntryCountMismatch, record_start_,
                    "more central headers than local headers");
      }
      skip_left_ = uint64_t{field<uint16_t>(fixed_, kCentralNameLengthAt)} +
                   field<uint16_t>(fixed_, kCentralExtraLengthAt) +
                   field<uint16_t>(fixed_, kCentralCommentLengthAt);
      break;
    }
    case Record::Zip64End:
      if (field<uint64_t>(fixed_, kZip64RecordSizeAt) != detail::kZip64EndRecordBody) {
        return fail(ErrorCode::ZipBadZip64, record_start_ + kZip64RecordSizeAt,
                    "ZIP64 end record is not exactly 56 bytes (extensible data is refused)");
      }
      break;
    case Record::Zip64Locator:
      break;
    case Record::End:
      skip_left_ = field<uint16_t>(fixed_, kEndCommentLengthAt);
      break;
    case Record::Start:
      break;
  }
  phase_ = Phase::Skip;
  return ok_status();
}

Status NpzStreamScreen::feed(std::span<const std::byte> bytes) {
  if (phase_ == Phase::Failed) return error_;
  if (bytes.size() > max_bytes_ - std::min(offset_, max_bytes_)) {
    return fail(ErrorCode::StreamedArchiveTooLarge, max_bytes_,
                "the stream is longer than max_streamed_archive_bytes ({limit} bytes)", 0,
                max_bytes_);
  }
  detail::ByteReader in(bytes, offset_);
  while (!in.empty()) {
    switch (phase_) {
      case Phase::Failed:
        return error_;
      case Phase::Unscreened:
        offset_ += in.remaining();
        return ok_status();
      case Phase::Done:
        return fail(ErrorCode::ZipBadEndRecord, in.position(),
                    "bytes follow the end record's comment");
      case Phase::Signature:
      case Phase::Fixed: {
        if (fixed_have_ == 0) record_start_ = in.position();
        const size_t n = std::min(fixed_need_ - fixed_have_, in.remaining());
        const auto taken = in.take(n);
        std::copy(taken->begin(), taken->end(),
                  fixed_.begin() + static_cast<std::ptrdiff_t>(fixed_have_));
        fixed_have_ += n;
        if (fixed_have_ < fixed_need_) break;
        const Status step = phase_ == Phase::Signature ? begin_record() : end_fixed_part();
        if (!step.ok()) return step;
        break;
      }
      case Phase::Skip: {
        const uint64_t n = std::min<uint64_t>(skip_left_, in.remaining());
        (void)in.skip(static_cast<size_t>(n));
        skip_left_ -= n;
        break;
      }
    }
    // A record whose variable part is behind us: the next one starts with its signature.
    if (phase_ == Phase::Skip && skip_left_ == 0) {
      fixed_have_ = 0;
      fixed_need_ = kSignatureSize;
      phase_ = last_ == Record::End ? Phase::Done : Phase::Signature;
    }
    offset_ = in.position();
  }
  offset_ = in.position();
  return phase_ == Phase::Failed ? error_ : ok_status();
}

Status NpzStreamScreen::finish() {
  if (phase_ == Phase::Failed) return error_;
  if (phase_ == Phase::Done || phase_ == Phase::Unscreened) return ok_status();
  return fail(ErrorCode::ZipNoEndRecord, offset_,
              "the stream ended before the end record and its comment were complete");
}

}  // namespace npyguard
