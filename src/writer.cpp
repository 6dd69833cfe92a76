// Writer: canonical .npy headers (byte-identical to NumPy's np.save), .npz archives, atomic files.
// Input: arrays the caller vouches for in shape (sizes are still checked: bytes must be exactly
// shape x itemsize); output: files npyguard's strict readers, NumPy and unzip all accept.
// Formatting never depends on the locale: numbers are written with std::to_chars.
#include "npyguard/writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <new>
#include <set>
#include <string>
#include <utility>

#include "atomic_file.h"
#include "crc32.h"
#include "dtype_literal.h"
#include "header_lexer.h"
#include "inflate.h"
#include "npy_format.h"
#include "npyguard/npz.h"
#include "util/checked_math.h"
#include "zip_reader.h"

namespace npyguard {
namespace {

using detail::ByteSink;

Error writer_error(ErrorCode code, const char* detail) {
  return Error{.code = code, .offset = 0, .detail = detail};
}

// numpy/lib/format.py: GROWTH_AXIS_MAX_DIGITS. NumPy >= 1.24 leaves room for the growth axis
// (axis 0, or the last axis in Fortran order) to reach 21 digits without moving the data.
constexpr size_t kGrowthAxisMaxDigits = 21;
// Largest header length field of a 1.0 file (u16).
constexpr uint64_t kMaxVersion1HeaderLength = 0xFFFF;

std::string decimal(uint64_t value) {
  std::array<char, 24> text{};
  const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
  return std::string(text.data(), result.ptr);
}

// Python's repr of a tuple of ints: "()", "(3,)", "(3, 4)".
std::string shape_repr(std::span<const uint64_t> shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += decimal(shape[i]);
  }
  if (shape.size() == 1) out += ',';
  out += ')';
  return out;
}

// UTF-8 text -> latin-1 bytes, or nullopt when a code point is above U+00FF.
std::optional<std::string> to_latin1(std::string_view utf8) {
  std::string out;
  const auto bytes = std::as_bytes(std::span(utf8.data(), utf8.size()));
  for (size_t pos = 0; pos < bytes.size();) {
    uint32_t cp = 0;
    const size_t length = detail::decode_utf8(bytes, pos, cp);
    if (length == 0 || cp > 0xFF) return std::nullopt;
    out += static_cast<char>(static_cast<uint8_t>(cp));
    pos += length;
  }
  return out;
}

Result<uint64_t> checked_nbytes(const ArrayRef& array) {
  if (array.dtype == nullptr) return writer_error(ErrorCode::ArraySizeMismatch, "no dtype");
  const auto count = detail::checked_product(array.shape);
  const auto nbytes = count ? detail::checked_mul(*count, array.dtype->itemsize) : std::nullopt;
  if (!nbytes || *nbytes != array.bytes.size()) {
    return writer_error(ErrorCode::ArraySizeMismatch,
                        "payload size is not the product of the shape times the itemsize");
  }
  return *nbytes;
}

void append_le(std::vector<std::byte>& out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}

std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

Status write_npy_to(ByteSink& sink, const ArrayRef& array) {
  NPYGUARD_TRY(checked_nbytes(array));
  NPYGUARD_ASSIGN_OR_RETURN(auto header,
                            encode_npy_header(*array.dtype, array.shape, array.fortran_order));
  NPYGUARD_TRY(sink.write(header));
  return sink.write(array.bytes);
}

// ---- .npz -------------------------------------------------------------------------------------

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
constexpr size_t kDeflateOutChunk = size_t{256} << 10;

struct WrittenEntry {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint16_t version = kVersionDefault;
  uint32_t crc = 0;
  uint64_t csize = 0;
  uint64_t usize = 0;
  uint64_t offset = 0;
};

class MemberWriter {
 public:
  MemberWriter(ByteSink& sink, const NpzWriteOptions& options) : sink_(sink), options_(options) {}

  // Data through CRC-32 and, for deflate, the encoder.
  Status feed(std::span<const std::byte> bytes, bool last) {
    crc_ = detail::crc32_update(crc_, bytes);
    if (options_.compression == NpzCompression::Stored) {
      csize_ += bytes.size();
      return sink_.write(bytes);
    }
    if (out_.empty()) {
      try {
        out_.resize(kDeflateOutChunk);
      } catch (const std::bad_alloc&) {
        return writer_error(ErrorCode::OutOfMemory, "allocating the deflate buffer failed");
      }
    }
    while (true) {
      NPYGUARD_ASSIGN_OR_RETURN(detail::DeflateStep step, deflater_.step(bytes, out_, last));
      bytes = bytes.subspan(step.consumed);
      NPYGUARD_TRY(sink_.write(std::span<const std::byte>(out_).first(step.produced)));
      csize_ += step.produced;
      if (step.stream_end) return ok_status();
      if (bytes.empty() && !last && step.produced < out_.size()) return ok_status();
    }
  }
  uint32_t crc() const noexcept { return crc_; }
  uint64_t compressed_size() const noexcept { return csize_; }

 private:
  ByteSink& sink_;
  const NpzWriteOptions& options_;
  detail::Deflater deflater_{options_.level};
  std::vector<std::byte> out_;
  uint32_t crc_ = 0;
  uint64_t csize_ = 0;
};

Result<WrittenEntry> write_member(ByteSink& sink, const NpzWriteMember& member,
                                  const NpzWriteOptions& options) {
  NPYGUARD_ASSIGN_OR_RETURN(uint64_t nbytes, checked_nbytes(member.array));
  NPYGUARD_ASSIGN_OR_RETURN(auto header, encode_npy_header(*member.array.dtype,
                                                           member.array.shape,
                                                           member.array.fortran_order));
  WrittenEntry entry;
  entry.name = member.key + ".npy";
  const bool ascii = std::all_of(entry.name.begin(), entry.name.end(),
                                 [](char c) { return static_cast<uint8_t>(c) < 0x80; });
  entry.flags = ascii ? 0 : detail::kFlagUtf8;
  if (member.key.empty() || detail::unsafe_name_reason(entry.name, entry.flags) != nullptr ||
      entry.name.size() > 0xFFFF) {
    return writer_error(ErrorCode::ZipUnsafeName, "member key is not a safe member name");
  }
  entry.method = options.compression == NpzCompression::Stored ? detail::kMethodStored
                                                               : detail::kMethodDeflate;
  const auto usize = detail::checked_add<uint64_t>(header.size(), nbytes);
  if (!usize) return writer_error(ErrorCode::SizeOverflow, "member size overflows");
  entry.usize = *usize;
  entry.offset = sink.position();
  const bool zip64_local = options.force_zip64 || entry.usize > kZip64SizeThreshold;
  entry.version = (zip64_local || entry.offset >= detail::kSentinel32) ? kVersionZip64
                                                                       : kVersionDefault;
  // Local header with placeholders for CRC and sizes, patched once the data is written.
  std::vector<std::byte> local;
  append_le(local, detail::kLocalHeaderSignature, 4);
  append_le(local, entry.version, 2);
  append_le(local, entry.flags, 2);
  append_le(local, entry.method, 2);
  append_le(local, kDosTime, 2);
  append_le(local, kDosDate, 2);
  append_le(local, 0, 4);  // crc
  append_le(local, zip64_local ? detail::kSentinel32 : 0, 4);
  append_le(local, zip64_local ? detail::kSentinel32 : 0, 4);
  append_le(local, entry.name.size(), 2);
  append_le(local, zip64_local ? 20 : 0, 2);
  const auto name_bytes = as_bytes(entry.name);
  local.insert(local.end(), name_bytes.begin(), name_bytes.end());
  if (zip64_local) {
    append_le(local, detail::kZip64ExtraId, 2);
    append_le(local, 16, 2);
    append_le(local, 0, 8);
    append_le(local, 0, 8);
  }
  NPYGUARD_TRY(sink.write(local));

  MemberWriter writer(sink, options);
  NPYGUARD_TRY(writer.feed(header, false));
  NPYGUARD_TRY(writer.feed(member.array.bytes, true));
  entry.crc = writer.crc();
  entry.csize = writer.compressed_size();
  if (!zip64_local && entry.csize >= detail::kSentinel32) {
    return writer_error(ErrorCode::Internal, "deflate output exceeded the ZIP64 margin");
  }

  std::vector<std::byte> fields;
  append_le(fields, entry.crc, 4);
  if (!zip64_local) {
    append_le(fields, entry.csize, 4);
    append_le(fields, entry.usize, 4);
  }
  NPYGUARD_TRY(sink.patch(entry.offset + 14, fields));
  if (zip64_local) {
    std::vector<std::byte> sizes;
    append_le(sizes, entry.usize, 8);
    append_le(sizes, entry.csize, 8);
    NPYGUARD_TRY(sink.patch(entry.offset + detail::kLocalHeaderSize + entry.name.size() + 4,
                            sizes));
  }
  return entry;
}

Status write_central_directory(ByteSink& sink, const std::vector<WrittenEntry>& entries,
                               bool force_zip64) {
  const uint64_t directory_offset = sink.position();
  std::vector<std::byte> out;
  for (const WrittenEntry& entry : entries) {
    const bool big_usize = force_zip64 || entry.usize >= detail::kSentinel32;
    const bool big_csize = force_zip64 || entry.csize >= detail::kSentinel32;
    const bool big_offset = force_zip64 || entry.offset >= detail::kSentinel32;
    std::vector<std::byte> extra;
    if (big_usize || big_csize || big_offset) {
      std::vector<std::byte> values;
      if (big_usize) append_le(values, entry.usize, 8);
      if (big_csize) append_le(values, entry.csize, 8);
      if (big_offset) append_le(values, entry.offset, 8);
      append_le(extra, detail::kZip64ExtraId, 2);
      append_le(extra, values.size(), 2);
      extra.insert(extra.end(), values.begin(), values.end());
    }
    append_le(out, detail::kCentralHeaderSignature, 4);
    append_le(out, kVersionMadeBy, 2);
    append_le(out, entry.version, 2);
    append_le(out, entry.flags, 2);
    append_le(out, entry.method, 2);
    append_le(out, kDosTime, 2);
    append_le(out, kDosDate, 2);
    append_le(out, entry.crc, 4);
    append_le(out, big_csize ? detail::kSentinel32 : entry.csize, 4);
    append_le(out, big_usize ? detail::kSentinel32 : entry.usize, 4);
    append_le(out, entry.name.size(), 2);
    append_le(out, extra.size(), 2);
    append_le(out, 0, 2);  // comment
    append_le(out, 0, 2);  // disk
    append_le(out, 0, 2);  // internal attributes
    append_le(out, kExternalAttributes, 4);
    append_le(out, big_offset ? detail::kSentinel32 : entry.offset, 4);
    const auto name_bytes = as_bytes(entry.name);
    out.insert(out.end(), name_bytes.begin(), name_bytes.end());
    out.insert(out.end(), extra.begin(), extra.end());
  }
  NPYGUARD_TRY(sink.write(out));
  const uint64_t directory_size = out.size();
  const uint64_t count = entries.size();
  std::vector<std::byte> end;
  const bool zip64 = force_zip64 || count >= detail::kSentinel16 ||
                     directory_offset >= detail::kSentinel32 ||
                     directory_size >= detail::kSentinel32;
  if (zip64) {
    const uint64_t record_offset = sink.position();
    append_le(end, detail::kZip64EndRecordSignature, 4);
    append_le(end, detail::kZip64EndRecordBody, 8);
    append_le(end, kVersionMadeBy, 2);
    append_le(end, kVersionZip64, 2);
    append_le(end, 0, 4);
    append_le(end, 0, 4);
    append_le(end, count, 8);
    append_le(end, count, 8);
    append_le(end, directory_size, 8);
    append_le(end, directory_offset, 8);
    append_le(end, detail::kZip64LocatorSignature, 4);
    append_le(end, 0, 4);
    append_le(end, record_offset, 8);
    append_le(end, 1, 4);
  }
  append_le(end, detail::kEndRecordSignature, 4);
  append_le(end, 0, 2);
  append_le(end, 0, 2);
  const uint64_t count16 = count >= detail::kSentinel16 ? detail::kSentinel16 : count;
  append_le(end, count16, 2);
  append_le(end, count16, 2);
  append_le(end, directory_size >= detail::kSentinel32 ? detail::kSentinel32 : directory_size, 4);
  append_le(end, directory_offset >= detail::kSentinel32 ? detail::kSentinel32 : directory_offset,
            4);
  append_le(end, 0, 2);  // comment length
  return sink.write(end);
}

Status check_options(const NpzWriteOptions& options) {
  if (options.compression == NpzCompression::Deflate && (options.level < 1 || options.level > 9)) {
    return writer_error(ErrorCode::InvalidLimits, "deflate level must be 1..9");
  }
  if (options.verify_with) NPYGUARD_TRY(options.verify_with->validate());
  return ok_status();
}

// The reader's refusal of a finished output, reported as the output's: same detail, numbers,
// offset and member, so the caller learns which rule the canonical form broke.
Error output_rejected(const Error& reader_error) {
  Error rejected = reader_error;
  rejected.code = ErrorCode::OutputRejected;
  return rejected;
}

// What check would say about a finished archive, keeping nothing of its members.
Status verify_npz(const std::string& path, const Limits& limits) {
  Result<NpzArchive> archive = NpzArchive::open_file(path, limits);
  if (!archive.ok()) return output_rejected(archive.error());
  const Status members = archive->validate_each([](size_t, NpyInfo&&) { return ok_status(); });
  if (!members.ok()) return output_rejected(members.error());
  return ok_status();
}

// Members so far and their keys: an archive in progress on some sink.
struct ArchiveBuilder {
  std::vector<WrittenEntry> entries;
  std::set<std::string, std::less<>> keys;

  // A key is recorded with its entry, once the member is completely written.
  Status add(ByteSink& sink, const NpzWriteMember& member, const NpzWriteOptions& options) {
    if (keys.contains(member.key)) {
      return writer_error(ErrorCode::ZipDuplicateName, "two members with the same key");
    }
    NPYGUARD_ASSIGN_OR_RETURN(WrittenEntry entry, write_member(sink, member, options));
    try {
      entries.push_back(std::move(entry));
      keys.insert(member.key);
    } catch (const std::bad_alloc&) {
      return writer_error(ErrorCode::OutOfMemory, "recording the member failed");
    }
    return ok_status();
  }
};

Status write_npz_to(ByteSink& sink, std::span<const NpzWriteMember> members,
                    const NpzWriteOptions& options) {
  NPYGUARD_TRY(check_options(options));
  ArchiveBuilder builder;
  for (const NpzWriteMember& member : members) NPYGUARD_TRY(builder.add(sink, member, options));
  return write_central_directory(sink, builder.entries, options.force_zip64);
}

}  // namespace

ArrayRef array_ref(const Array& array) noexcept {
  return ArrayRef{.dtype = &array.dtype(),
                  .shape = array.shape(),
                  .fortran_order = array.fortran_order(),
                  .bytes = array.bytes()};
}

Result<std::vector<std::byte>> encode_npy_header(const DType& dtype,
                                                 std::span<const uint64_t> shape,
                                                 bool fortran_order) {
  try {
    std::string text = "{'descr': " + dtype.descr() +
                       ", 'fortran_order': " + (fortran_order ? "True" : "False") +
                       ", 'shape': " + shape_repr(shape) + ", }";
    if (!shape.empty()) {
      const size_t digits = decimal(shape[fortran_order ? shape.size() - 1 : 0]).size();
      text.append(kGrowthAxisMaxDigits - digits, ' ');
    }
    const std::optional<std::string> latin1 = to_latin1(text);
    const std::string& encoded = latin1 ? *latin1 : text;
    // NumPy's _wrap_header: pad so preamble + header (with its final '\n') is a multiple of 64.
    auto framed_length = [&](size_t preamble) {
      const uint64_t hlen = encoded.size() + 1;
      const uint64_t padding =
          detail::kNpyAlignment - ((preamble + hlen) % detail::kNpyAlignment);
      return hlen + padding;
    };
    uint8_t major = 3;
    size_t preamble = detail::kPreambleSizeV2;
    if (latin1 && framed_length(detail::kPreambleSizeV1) <= kMaxVersion1HeaderLength) {
      major = 1;
      preamble = detail::kPreambleSizeV1;
    } else if (latin1) {
      major = 2;
    }
    const uint64_t header_length = framed_length(preamble);
    if (header_length > 0xFFFFFFFFu) {
      return writer_error(ErrorCode::HeaderTooLarge, "header longer than 4 GiB");
    }
    std::vector<std::byte> out;
    out.reserve(preamble + header_length);
    for (uint8_t byte : detail::kNpyMagic) out.push_back(static_cast<std::byte>(byte));
    out.push_back(static_cast<std::byte>(major));
    out.push_back(std::byte{0});
    append_le(out, header_length, major == 1 ? 2 : 4);
    const auto text_bytes = as_bytes(encoded);
    out.insert(out.end(), text_bytes.begin(), text_bytes.end());
    out.insert(out.end(), header_length - encoded.size() - 1, std::byte{' '});
    out.push_back(std::byte{'\n'});
    return out;
  } catch (const std::bad_alloc&) {
    return writer_error(ErrorCode::OutOfMemory, "allocating the header failed");
  }
}

Result<std::vector<std::byte>> encode_npy(const ArrayRef& array) {
  detail::VectorSink sink;
  NPYGUARD_TRY(write_npy_to(sink, array));
  return std::move(sink.bytes());
}

Status write_npy_file(const std::string& path, const ArrayRef& array) {
  NPYGUARD_TRY(checked_nbytes(array));
  NPYGUARD_ASSIGN_OR_RETURN(detail::AtomicFile file, detail::AtomicFile::create(path));
  NPYGUARD_TRY(write_npy_to(file, array));
  return file.commit();
}

Status write_npy_file(const std::string& path, const ArrayRef& array, const Limits& verify_with) {
  NPYGUARD_TRY(verify_with.validate());
  NPYGUARD_TRY(checked_nbytes(array));
  NPYGUARD_ASSIGN_OR_RETURN(detail::AtomicFile file, detail::AtomicFile::create(path));
  NPYGUARD_TRY(write_npy_to(file, array));
  const Result<NpyInfo> reread = validate_npy_file(file.temp_path(), verify_with);
  if (!reread.ok()) return output_rejected(reread.error());
  return file.commit();
}

Result<std::vector<std::byte>> encode_npz(std::span<const NpzWriteMember> members,
                                          const NpzWriteOptions& options) {
  detail::VectorSink sink;
  NPYGUARD_TRY(write_npz_to(sink, members, options));
  return std::move(sink.bytes());
}

Status write_npz_file(const std::string& path, std::span<const NpzWriteMember> members,
                      const NpzWriteOptions& options) {
  NPYGUARD_ASSIGN_OR_RETURN(NpzFileWriter writer, NpzFileWriter::create(path, options));
  for (const NpzWriteMember& member : members) NPYGUARD_TRY(writer.add(member));
  return writer.commit();
}

struct NpzFileWriter::State {
  detail::AtomicFile file;
  NpzWriteOptions options;
  ArchiveBuilder builder;
  bool committed = false;
  // Set by the first add() or commit() that fails: the temporary file may hold part of a member
  // by then, so the archive can never be completed and every later call says so.
  bool failed = false;

  Status fail_on_error(Status status) {
    if (!status.ok()) failed = true;
    return status;
  }
};

NpzFileWriter::NpzFileWriter(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
NpzFileWriter::NpzFileWriter(NpzFileWriter&&) noexcept = default;
NpzFileWriter& NpzFileWriter::operator=(NpzFileWriter&&) noexcept = default;
NpzFileWriter::~NpzFileWriter() = default;

Result<NpzFileWriter> NpzFileWriter::create(const std::string& path,
                                            const NpzWriteOptions& options) {
  NPYGUARD_TRY(check_options(options));
  NPYGUARD_ASSIGN_OR_RETURN(detail::AtomicFile file, detail::AtomicFile::create(path));
  try {
    return NpzFileWriter(std::make_unique<State>(State{std::move(file), options, {}, false, false}));
  } catch (const std::bad_alloc&) {
    return writer_error(ErrorCode::OutOfMemory, "allocating the archive writer failed");
  }
}

Status NpzFileWriter::add(const NpzWriteMember& member) {
  if (state_->failed) return writer_error(ErrorCode::WriterFailed, "add after a failed add or commit");
  if (state_->committed) return writer_error(ErrorCode::Internal, "add after commit");
  return state_->fail_on_error(state_->builder.add(state_->file, member, state_->options));
}

Status NpzFileWriter::commit() {
  if (state_->failed) return writer_error(ErrorCode::WriterFailed, "commit after a failed add or commit");
  if (state_->committed) return writer_error(ErrorCode::Internal, "commit twice");
  state_->committed = true;
  NPYGUARD_TRY(state_->fail_on_error(write_central_directory(
      state_->file, state_->builder.entries, state_->options.force_zip64)));
  if (state_->options.verify_with) {
    NPYGUARD_TRY(state_->fail_on_error(
        verify_npz(state_->file.temp_path(), *state_->options.verify_with)));
  }
  return state_->fail_on_error(state_->file.commit());
}

}  // namespace npyguard
