// SPDX-License-Identifier: Apache-2.0
// The .npz writer: members as NumPy's savez/savez_compressed lay them out (key + ".npy", stored
// or deflated), streamed through CRC-32 and the deflater onto an atomic file or a buffer, then
// optionally re-read by the strict reader before the file replaces its target.
#include <new>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/checked_math.h"
#include "codec/crc32.h"
#include "codec/inflate.h"
#include "io/atomic_file.h"
#include "npyguard/npz.h"
#include "npyguard/writer.h"
#include "write/write_common.h"
#include "zip/zip_format.h"
#include "zip/zip_writer.h"

namespace npyguard {
namespace {

using detail::ByteSink;
using detail::checked_nbytes;
using detail::output_rejected;
using detail::writer_error;

constexpr size_t kDeflateOutChunk = size_t{256} << 10;

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

Result<detail::ZipWriteEntry> write_member(ByteSink& sink, const NpzWriteMember& member,
                                           const NpzWriteOptions& options) {
  NPYGUARD_ASSIGN_OR_RETURN(uint64_t nbytes, checked_nbytes(member.array));
  NPYGUARD_ASSIGN_OR_RETURN(auto header, encode_npy_header(*member.array.dtype, member.array.shape,
                                                           member.array.fortran_order));
  if (member.key.empty()) {
    return writer_error(ErrorCode::ZipUnsafeName, "member key is not a safe member name");
  }
  const auto usize = detail::checked_add<uint64_t>(header.size(), nbytes);
  if (!usize) return writer_error(ErrorCode::SizeOverflow, "member size overflows");
  const uint16_t method = options.compression == NpzCompression::Stored ? detail::kMethodStored
                                                                        : detail::kMethodDeflate;
  NPYGUARD_ASSIGN_OR_RETURN(detail::ZipWriteEntry entry,
                            detail::start_zip_entry(member.key + ".npy", method, sink.position(),
                                                    *usize, options.force_zip64));
  NPYGUARD_TRY(detail::write_local_header(sink, entry));
  MemberWriter writer(sink, options);
  NPYGUARD_TRY(writer.feed(header, false));
  NPYGUARD_TRY(writer.feed(member.array.bytes, true));
  entry.crc = writer.crc();
  entry.compressed_size = writer.compressed_size();
  NPYGUARD_TRY(detail::finish_local_header(sink, entry));
  return entry;
}

Status check_options(const NpzWriteOptions& options) {
  if (options.compression == NpzCompression::Deflate && (options.level < 1 || options.level > 9)) {
    return writer_error(ErrorCode::InvalidLimits, "deflate level must be 1..9");
  }
  if (options.verify_with) NPYGUARD_TRY(options.verify_with->validate());
  return ok_status();
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
  std::vector<detail::ZipWriteEntry> entries;
  std::set<std::string, std::less<>> keys;

  // A key is recorded with its entry, once the member is completely written.
  Status add(ByteSink& sink, const NpzWriteMember& member, const NpzWriteOptions& options) {
    if (keys.contains(member.key)) {
      return writer_error(ErrorCode::ZipDuplicateName, "two members with the same key");
    }
    NPYGUARD_ASSIGN_OR_RETURN(detail::ZipWriteEntry entry, write_member(sink, member, options));
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
  return detail::write_central_directory(sink, builder.entries, options.force_zip64);
}

}  // namespace

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
    return NpzFileWriter(
        std::make_unique<State>(State{std::move(file), options, {}, false, false}));
  } catch (const std::bad_alloc&) {
    return writer_error(ErrorCode::OutOfMemory, "allocating the archive writer failed");
  }
}

Status NpzFileWriter::add(const NpzWriteMember& member) {
  if (state_->failed)
    return writer_error(ErrorCode::WriterFailed, "add after a failed add or commit");
  if (state_->committed) return writer_error(ErrorCode::WriterCommitted, "add after commit");
  return state_->fail_on_error(state_->builder.add(state_->file, member, state_->options));
}

Status NpzFileWriter::commit() {
  if (state_->failed)
    return writer_error(ErrorCode::WriterFailed, "commit after a failed add or commit");
  if (state_->committed) return writer_error(ErrorCode::WriterCommitted, "commit twice");
  state_->committed = true;
  NPYGUARD_TRY(state_->fail_on_error(detail::write_central_directory(
      state_->file, state_->builder.entries, state_->options.force_zip64)));
  if (state_->options.verify_with) {
    NPYGUARD_TRY(
        state_->fail_on_error(verify_npz(state_->file.temp_path(), *state_->options.verify_with)));
  }
  return state_->fail_on_error(state_->file.commit());
}

}  // namespace npyguard
