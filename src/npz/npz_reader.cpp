// SPDX-License-Identifier: Apache-2.0
// npz reader: composition of the ZIP directory reader, the member-name policy, capped inflate
// with CRC-32, and the npy reader. Input: an untrusted archive; output: members that are proven
// consistent before any byte is decompressed, and arrays whose bytes were checked against their
// CRC. Sizes are settled before decompression: a member's declared size must fit the limits and
// the compression-ratio cap, and may never be exceeded while inflating.
#include <algorithm>
#include <array>
#include <atomic>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/checked_math.h"
#include "base/work_meter.h"
#include "base/worker_pool.h"
#include "codec/crc32.h"
#include "codec/inflate.h"
#include "io/descriptor.h"
#include "io/payload_buffer.h"
#include "io/source.h"
#include "npy/npy_format.h"
#include "npy/npy_stream.h"
#include "npyguard/npz.h"
#include "npz/member_policy.h"
#include "npz/npz_spool.h"
#include "zip/zip_reader.h"

namespace npyguard {

struct NpzArchive::State {
  std::span<const std::byte> memory;       // archive bytes, when opened from memory
  std::optional<detail::OpenedFile> file;  // the open file, when opened from a path
  Limits limits;
  detail::ZipDirectory directory;
  std::vector<NpzMember> members;
};

namespace {

using detail::ZipEntry;

// Compressed bytes read per refill while inflating: large enough to keep zlib busy, small enough
// to keep validation memory flat.
constexpr size_t kInflateInputChunk = size_t{64} << 10;
// Scratch space for draining a member that nobody keeps.
constexpr size_t kDrainChunk = size_t{64} << 10;

Error error_at(ErrorCode code, uint64_t offset, const char* detail, uint32_t member = kNoMember) {
  return Error{.code = code, .offset = offset, .member = member, .detail = detail};
}

Error in_member(Error error, size_t index) {
  error.member = static_cast<uint32_t>(index);
  return error;
}

constexpr std::string_view kNpySuffix = ".npy";

bool has_npy_suffix(std::string_view name) {
  return name.size() > kNpySuffix.size() &&
         name.substr(name.size() - kNpySuffix.size()) == kNpySuffix;
}

// One member's uncompressed bytes as a sequential source: stored bytes are copied out, deflate is
// inflated; never more than the declared size, and the CRC-32 and the exact end of the
// compressed data are verified when the member ends.
class MemberSource final : public detail::SequentialSource {
 public:
  MemberSource(detail::RandomAccessSource& archive, const ZipEntry& entry) noexcept
      : archive_(archive), entry_(entry) {}

  std::optional<uint64_t> total_size() const noexcept override { return entry_.uncompressed_size; }

  Result<size_t> read_some(std::span<std::byte> out) override {
    if (produced_ == entry_.uncompressed_size) {
      NPYGUARD_TRY(verify_end());
      return size_t{0};
    }
    const uint64_t left = entry_.uncompressed_size - produced_;
    if (left < out.size()) out = out.first(static_cast<size_t>(left));
    if (out.empty()) return size_t{0};
    if (entry_.method == detail::kMethodStored) {
      // produced_ < usize == csize, and data_offset + csize is inside the archive (zip_reader).
      NPYGUARD_TRY(archive_.read_at(entry_.data_offset + produced_, out));
      account(out);
      return out.size();
    }
    return inflate_into(out);
  }

  // Reads whatever the consumer left unread, then verifies the end of the member.
  Status finish() {
    std::array<std::byte, 4096> small{};
    std::vector<std::byte> scratch;
    while (produced_ < entry_.uncompressed_size) {
      std::span<std::byte> into(small);
      if (entry_.uncompressed_size - produced_ > small.size()) {
        if (scratch.empty()) {
          try {
            scratch.resize(kDrainChunk);
          } catch (const std::bad_alloc&) {
            return error_at(ErrorCode::OutOfMemory, produced_, "allocating a drain buffer");
          }
        }
        into = scratch;
      }
      NPYGUARD_ASSIGN_OR_RETURN(size_t got, read_some(into));
      if (got == 0) break;
    }
    return verify_end();
  }

 private:
  void account(std::span<const std::byte> bytes) {
    crc_ = detail::crc32_update(crc_, bytes);
    produced_ += bytes.size();
  }

  Status refill() {
    const uint64_t left = entry_.compressed_size - compressed_read_;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, kInflateInputChunk));
    if (input_.size() < n) {
      try {
        input_.resize(n);
      } catch (const std::bad_alloc&) {
        return error_at(ErrorCode::OutOfMemory, produced_, "allocating an inflate buffer");
      }
    }
    // compressed_read_ + n <= csize, and data_offset + csize is inside the archive (zip_reader).
    NPYGUARD_TRY(
        archive_.read_at(entry_.data_offset + compressed_read_, std::span(input_).first(n)));
    compressed_read_ += n;
    input_begin_ = 0;
    input_end_ = n;
    return ok_status();
  }

  bool input_exhausted() const noexcept {
    return input_begin_ == input_end_ && compressed_read_ == entry_.compressed_size;
  }

  Result<size_t> inflate_into(std::span<std::byte> out) {
    while (true) {
      if (input_begin_ == input_end_ && compressed_read_ < entry_.compressed_size) {
        NPYGUARD_TRY(refill());
      }
      const auto input =
          std::span<const std::byte>(input_).subspan(input_begin_, input_end_ - input_begin_);
      NPYGUARD_ASSIGN_OR_RETURN(detail::InflateStep step, inflater_.step(input, out));
      input_begin_ += step.consumed;
      account(out.first(step.produced));
      if (step.produced > 0) return step.produced;
      if (step.stream_end || input_exhausted()) {
        return error_at(ErrorCode::InflateTruncated, produced_,
                        "the deflate data ends before the member's declared size");
      }
      if (step.consumed == 0) {
        return error_at(ErrorCode::InflateCorrupt, produced_, "inflate made no progress");
      }
    }
  }

  Status verify_end() {
    if (verified_) return ok_status();
    if (entry_.method == detail::kMethodDeflate) {
      // The stream must end exactly here: one more byte of output is an overrun (the lying-size
      // zip bomb), and compressed bytes left over belong to nothing.
      std::array<std::byte, 1> probe{};
      while (!inflater_.finished()) {
        if (input_begin_ == input_end_) {
          if (compressed_read_ == entry_.compressed_size) {
            return error_at(ErrorCode::InflateTruncated, produced_,
                            "the deflate stream does not end with the member's data");
          }
          NPYGUARD_TRY(refill());
        }
        const auto input =
            std::span<const std::byte>(input_).subspan(input_begin_, input_end_ - input_begin_);
        NPYGUARD_ASSIGN_OR_RETURN(detail::InflateStep step, inflater_.step(input, probe));
        input_begin_ += step.consumed;
        if (step.produced > 0) {
          return error_at(ErrorCode::InflateOverrun, produced_,
                          "the member inflates to more than its declared size");
        }
        if (!step.stream_end && step.consumed == 0) {
          return error_at(ErrorCode::InflateCorrupt, produced_, "inflate made no progress");
        }
      }
      if (!input_exhausted()) {
        return error_at(ErrorCode::InflateOverrun, produced_,
                        "compressed bytes left after the end of the deflate stream");
      }
    }
    if (crc_ != entry_.crc32) {
      return error_at(ErrorCode::CrcMismatch, produced_, "CRC-32 of the member data differs");
    }
    verified_ = true;
    return ok_status();
  }

  detail::RandomAccessSource& archive_;
  const ZipEntry& entry_;
  detail::Inflater inflater_;
  std::vector<std::byte> input_;
  size_t input_begin_ = 0;
  size_t input_end_ = 0;
  uint64_t compressed_read_ = 0;
  uint64_t produced_ = 0;
  uint32_t crc_ = 0;
  bool verified_ = false;
};

// Names (duplicates, .npy suffix, patterns) and sizes (totals, ratio, amplification): everything
// that can be decided from the central directory and the archive's own size, before any local
// header is read.
Status apply_member_policy(const detail::ZipDirectory& directory, const Limits& limits,
                           uint64_t archive_bytes, std::vector<NpzMember>& members) {
  NPYGUARD_ASSIGN_OR_RETURN(auto patterns,
                            detail::MemberNamePolicy::compile(limits.member_patterns));
  std::set<std::string, std::less<>> keys;
  uint64_t total = 0;
  // Five passes over the entries (keys, shadowing, suffix, patterns, sizes).
  detail::charge(5 * directory.entries.size() + 1);
  for (size_t i = 0; i < directory.entries.size(); ++i) {
    const ZipEntry& entry = directory.entries[i];
    const auto index = static_cast<uint32_t>(i);
    NpzMember member;
    member.name = entry.name;
    const bool npy = has_npy_suffix(entry.name);
    member.key = npy ? entry.name.substr(0, entry.name.size() - kNpySuffix.size()) : entry.name;
    // NumPy's NpzFile maps both "a" and "a.npy" to the key "a"; two readers of one archive would
    // see different arrays under the same key.
    if (!keys.insert(member.key).second) {
      return error_at(ErrorCode::ZipDuplicateName, entry.central_offset,
                      "two members have the same name once '.npy' is removed", index);
    }
    member.method = static_cast<NpzMethod>(entry.method);
    member.compressed_size = entry.compressed_size;
    member.uncompressed_size = entry.uncompressed_size;
    member.crc32 = entry.crc32;
    member.local_header_offset = entry.local_header_offset;
    member.skipped = !npy;
    members.push_back(std::move(member));
  }
  // NpzFile[key] tries the key as a full member name before key + ".npy": with members "a.npy"
  // and "a.npy.npy", z["a.npy"] is the first, while the second's key is "a.npy" too.
  std::set<std::string_view, std::less<>> names;
  for (const NpzMember& member : members) names.insert(member.name);
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].key != members[i].name && names.count(members[i].key) != 0) {
      return error_at(ErrorCode::ZipKeyShadowsMember, directory.entries[i].central_offset,
                      "a member's key (its name without '.npy') is another member's full name",
                      static_cast<uint32_t>(i));
    }
  }
  for (size_t i = 0; i < directory.entries.size(); ++i) {
    if (members[i].skipped && !limits.skip_non_npy_members) {
      return error_at(ErrorCode::ZipNotNpyMember, directory.entries[i].central_offset, "",
                      static_cast<uint32_t>(i));
    }
  }
  for (size_t i = 0; i < directory.entries.size(); ++i) {
    if (!members[i].skipped && !patterns.allows(members[i].name)) {
      return error_at(ErrorCode::ZipMemberNameRejected, directory.entries[i].central_offset,
                      "member name matches none of the allowed patterns", static_cast<uint32_t>(i));
    }
  }
  for (size_t i = 0; i < directory.entries.size(); ++i) {
    const ZipEntry& entry = directory.entries[i];
    const auto index = static_cast<uint32_t>(i);
    auto sum = detail::checked_add(total, entry.uncompressed_size);
    if (!sum || *sum > limits.max_total_uncompressed) {
      return Error{.code = ErrorCode::TotalUncompressedTooLarge,
                   .offset = entry.central_offset,
                   .member = index,
                   .detail = sum ? "the members up to this one add up to {found} bytes; "
                                   "max_total_uncompressed is {limit}"
                                 : "the members' sizes add up to more than 2^64 bytes",
                   .found = sum.value_or(0),
                   .bound = limits.max_total_uncompressed};
    }
    total = *sum;
    if (entry.method == detail::kMethodDeflate) {
      const auto ceiling =
          detail::checked_mul<uint64_t>(entry.compressed_size, limits.max_compression_ratio);
      if (ceiling && entry.uncompressed_size > *ceiling) {
        // Rounded up, so the ratio shown is above the limit whenever the sizes are.
        const uint64_t csize = entry.compressed_size;
        const uint64_t usize = entry.uncompressed_size;
        const uint64_t ratio = csize == 0 ? 0 : usize / csize + (usize % csize != 0 ? 1 : 0);
        return Error{.code = ErrorCode::CompressionRatioExceeded,
                     .offset = entry.central_offset,
                     .member = index,
                     .detail = csize == 0 ? "the member declares {found} bytes from 0 "
                                            "compressed bytes"
                                          : "the member declares a compression ratio of "
                                            "{found}:1 (rounded up); max_compression_ratio is "
                                            "{limit}",
                     .found = csize == 0 ? usize : ratio,
                     .bound = limits.max_compression_ratio};
      }
    }
  }
  // Last, because it is about the archive as a whole: each member passed its own checks, and
  // together they would still make a reader produce too much for what was sent.
  const uint64_t budget = limits.amplification_budget(archive_bytes);
  if (total <= budget) return ok_status();
  detail::charge(directory.entries.size());  // the walk naming the member that crosses it
  uint64_t running = 0;
  for (size_t i = 0; i < directory.entries.size(); ++i) {
    const ZipEntry& entry = directory.entries[i];
    // Never overflows: every prefix sum is at most `total`, checked above.
    running = detail::checked_add(running, entry.uncompressed_size).value_or(total);
    if (running > budget) {
      return Error{.code = ErrorCode::ArchiveAmplificationExceeded,
                   .offset = entry.central_offset,
                   .member = static_cast<uint32_t>(i),
                   .detail =
                       "the members up to this one would inflate to {found} bytes; the "
                       "budget for this archive is {limit} (max(amplification_floor_bytes, "
                       "max_amplification_factor x its size))",
                   .found = running,
                   .bound = budget};
    }
  }
  return error_at(ErrorCode::Internal, 0, "amplification total disagrees with its members");
}

// NumPy parses every member whose data starts with the .npy magic as an array, whatever its name
// (NpzFile.__getitem__), so a member skipped for its name is still validated as an array when its
// content says it is one; its key is its full name, as in NpzFile.files. Costs at most the
// compressed bytes needed for six bytes of output per skipped member.
Status unskip_npy_content(NpzArchive::State& state, detail::RandomAccessSource& source) {
  // Compiled again only when a member turns out to be an array (apply_member_policy's copy is
  // gone by now), so archives without such members pay nothing.
  std::optional<detail::MemberNamePolicy> patterns;
  detail::charge(state.members.size() + 1);
  for (size_t i = 0; i < state.members.size(); ++i) {
    NpzMember& member = state.members[i];
    if (!member.skipped) continue;
    const ZipEntry& entry = state.directory.entries[i];
    MemberSource data(source, entry);
    std::array<std::byte, detail::kNpyMagic.size()> prefix{};
    size_t have = 0;
    while (have < prefix.size()) {
      auto got = data.read_some(std::span(prefix).subspan(have));
      if (!got.ok()) return in_member(got.error(), i);
      if (*got == 0) break;
      have += *got;
    }
    const bool magic =
        have == prefix.size() &&
        std::equal(prefix.begin(), prefix.end(), detail::kNpyMagic.begin(),
                   [](std::byte a, uint8_t b) { return static_cast<uint8_t>(a) == b; });
    if (!magic) continue;
    if (!patterns) {
      NPYGUARD_ASSIGN_OR_RETURN(auto compiled,
                                detail::MemberNamePolicy::compile(state.limits.member_patterns));
      patterns.emplace(std::move(compiled));
    }
    if (!patterns->allows(member.name)) {
      return error_at(ErrorCode::ZipMemberNameRejected, entry.central_offset,
                      "member name matches none of the allowed patterns", static_cast<uint32_t>(i));
    }
    member.skipped = false;
  }
  return ok_status();
}

Result<std::shared_ptr<const NpzArchive::State>> open_state(
    std::shared_ptr<NpzArchive::State> state, detail::RandomAccessSource& source) {
  NPYGUARD_TRY(state->limits.validate());
  NPYGUARD_ASSIGN_OR_RETURN(state->directory,
                            detail::read_central_directory(source, state->limits));
  try {
    state->members.reserve(state->directory.entries.size());
  } catch (const std::bad_alloc&) {
    return error_at(ErrorCode::OutOfMemory, 0, "allocating the member list failed");
  }
  NPYGUARD_TRY(apply_member_policy(state->directory, state->limits, source.size(), state->members));
  NPYGUARD_TRY(detail::resolve_local_headers(source, state->directory));
  for (size_t i = 0; i < state->members.size(); ++i) {
    state->members[i].data_offset = state->directory.entries[i].data_offset;
  }
  NPYGUARD_TRY(unskip_npy_content(*state, source));
  return std::shared_ptr<const NpzArchive::State>(std::move(state));
}

Result<std::shared_ptr<NpzArchive::State>> new_state(const Limits& limits) {
  try {
    auto state = std::make_shared<NpzArchive::State>();
    state->limits = limits;
    return state;
  } catch (const std::bad_alloc&) {
    return error_at(ErrorCode::OutOfMemory, 0, "allocating the archive state failed");
  }
}

// Runs `body` with a random-access view of the archive, whichever way it was opened.
template <class Body>
auto with_source(const NpzArchive::State& state, Body&& body) {
  if (state.file) {
    detail::FileRandomAccess source(*state.file);
    return body(source);
  }
  detail::MemoryRandomAccess source(state.memory);
  return body(source);
}

}  // namespace

bool looks_like_npz(std::span<const std::byte> prefix) noexcept {
  if (prefix.size() < 4) return false;
  const auto at = [&](size_t i) { return static_cast<uint8_t>(prefix[i]); };
  return at(0) == 'P' && at(1) == 'K' && ((at(2) == 3 && at(3) == 4) || (at(2) == 5 && at(3) == 6));
}

Result<NpzArchive> NpzArchive::open(std::span<const std::byte> bytes, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(std::shared_ptr<State> state, new_state(limits));
  state->memory = bytes;
  detail::MemoryRandomAccess source(bytes);
  NPYGUARD_ASSIGN_OR_RETURN(auto opened, open_state(std::move(state), source));
  return NpzArchive(std::move(opened));
}

Result<NpzArchive> NpzArchive::open_file(const std::string& path, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile file, detail::open_regular_file(path));
  NPYGUARD_ASSIGN_OR_RETURN(std::shared_ptr<State> state, new_state(limits));
  state->file.emplace(std::move(file));
  detail::FileRandomAccess source(*state->file);
  NPYGUARD_ASSIGN_OR_RETURN(auto opened, open_state(std::move(state), source));
  return NpzArchive(std::move(opened));
}

Result<NpzArchive> NpzArchive::open_fd(int fd, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile file, detail::open_regular_descriptor(fd));
  NPYGUARD_ASSIGN_OR_RETURN(std::shared_ptr<State> state, new_state(limits));
  state->file.emplace(std::move(file));
  detail::FileRandomAccess source(*state->file);
  NPYGUARD_ASSIGN_OR_RETURN(auto opened, open_state(std::move(state), source));
  return NpzArchive(std::move(opened));
}

Result<NpzArchive> NpzArchive::open_stream(InputStream& in, const Limits& limits) {
  NPYGUARD_TRY(limits.validate());
  detail::StreamSource source(in);
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile spool, detail::spool_archive({}, source, limits));
  // The archive keeps its own duplicate; this copy closes when `spool` goes out of scope.
  return open_fd(spool.fd.get(), limits);
}

Result<std::string> npz_entry_name(int fd, uint32_t index, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile file, detail::open_regular_descriptor(fd));
  detail::FileRandomAccess source(file);
  return detail::read_entry_name(source, limits, index);
}

Result<std::string> npz_entry_name(std::span<const std::byte> bytes, uint32_t index,
                                   const Limits& limits) {
  detail::MemoryRandomAccess source(bytes);
  return detail::read_entry_name(source, limits, index);
}

Result<std::string> npz_entry_name(const std::string& path, uint32_t index, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(detail::OpenedFile file, detail::open_regular_file(path));
  detail::FileRandomAccess source(file);
  return detail::read_entry_name(source, limits, index);
}

const std::vector<NpzMember>& NpzArchive::members() const noexcept { return state_->members; }

const NpzMember* NpzArchive::find(std::string_view name_or_key) const noexcept {
  for (const NpzMember& member : state_->members) {
    if (member.name == name_or_key || member.key == name_or_key) return &member;
  }
  return nullptr;
}

Result<Array> NpzArchive::read(std::string_view name_or_key) const {
  const NpzMember* member = find(name_or_key);
  if (member == nullptr) {
    return error_at(ErrorCode::ZipMemberNotFound, 0, "no member with that name or key");
  }
  return read(static_cast<size_t>(member - state_->members.data()));
}

namespace {

// Runs `consume` (the npy reader, loading or validating) over member `index`'s uncompressed
// bytes, then verifies the member's end (exact size, CRC-32) even if `consume` stopped early.
// Errors carry the member index.
template <class T, class Consume>
Result<T> with_member(const NpzArchive::State& state, size_t index, Consume&& consume) {
  if (index >= state.members.size()) {
    return error_at(ErrorCode::ZipMemberNotFound, 0, "member index out of range");
  }
  if (state.members[index].skipped) {
    return in_member(error_at(ErrorCode::ZipNotNpyMember, 0, "member was skipped (not .npy)"),
                     index);
  }
  const ZipEntry& entry = state.directory.entries[index];
  return with_source(state, [&](detail::RandomAccessSource& source) -> Result<T> {
    MemberSource member(source, entry);
    Result<T> result = consume(member, entry.uncompressed_size);
    if (!result.ok()) return in_member(result.error(), index);
    const Status end = member.finish();
    if (!end.ok()) return in_member(end.error(), index);
    return result;
  });
}

}  // namespace

namespace {

// Deflate members are loaded whole when that works: the compressed bytes read at once, inflated
// (zlib, in one pass) into a buffer of exactly the declared size, CRC-32, then the .npy parsed in
// place. Any failure (corrupt data, wrong sizes, CRC, a bad .npy, a member too big for this path)
// gives nullopt and the streaming reader runs instead, so errors and their offsets are exactly the
// streaming reader's. Both paths use the same zlib, so they cannot disagree on a verdict.
std::optional<Array> load_deflate_whole(const NpzArchive::State& state, const ZipEntry& entry) {
  const auto compressed_size = detail::checked_narrow<size_t>(entry.compressed_size);
  const auto size = detail::checked_narrow<size_t>(entry.uncompressed_size);
  if (!compressed_size || !size) return std::nullopt;
  // Both sizes passed the archive limits, and the compressed bytes lie inside the archive. The
  // member's own header is only read after inflating, so the buffer must also fit what a valid
  // member can be under the array limits (preamble + header + payload); a bigger one takes the
  // streaming path, which refuses an oversized header before sizing anything.
  const auto framing =
      detail::checked_add<uint64_t>(detail::kPreambleSizeV2, state.limits.max_header_bytes);
  const auto largest_valid =
      framing ? detail::checked_add(*framing, state.limits.max_array_bytes) : std::nullopt;
  if (!largest_valid || entry.uncompressed_size > *largest_valid) return std::nullopt;
  auto file = detail::PayloadBuffer::allocate(*size);
  if (!file.ok()) return std::nullopt;
  {  // the compressed copy lives only while it is inflated
    auto compressed = detail::PayloadBuffer::allocate(*compressed_size);
    if (!compressed.ok()) return std::nullopt;
    const Status read = with_source(state, [&](detail::RandomAccessSource& source) {
      return source.read_at(entry.data_offset, (*compressed)->bytes());
    });
    if (!read.ok() ||
        !detail::inflate_exact(std::as_const(**compressed).bytes(), (*file)->bytes()) ||
        detail::crc32_update(0, std::as_const(**file).bytes()) != entry.crc32) {
      return std::nullopt;
    }
  }
  auto array = detail::load_owned(std::move(file).value(), state.limits);
  if (!array.ok()) return std::nullopt;
  return std::move(array).value();
}

// Sums the header lengths of members held together against max_total_header_bytes.
class HeaderBudget {
 public:
  explicit HeaderBudget(const Limits& limits) noexcept : limit_(limits.max_total_header_bytes) {}

  Status charge(uint64_t header_length, size_t index) {
    const auto sum = detail::checked_add<uint64_t>(total_, header_length);
    if (!sum || *sum > limit_) {
      return in_member(Error{.code = ErrorCode::TotalHeaderTooLarge,
                             .detail = sum ? "the member headers up to this one add up to "
                                             "{found} bytes; max_total_header_bytes is {limit}"
                                           : "the member headers add up to more than 2^64 bytes",
                             .found = sum.value_or(0),
                             .bound = limit_},
                       index);
    }
    total_ = *sum;
    return ok_status();
  }

 private:
  uint64_t limit_;
  uint64_t total_ = 0;
};

// An archive member's size is declared twice (its ZIP sizes and its own header); they must agree
// before any payload is read or any buffer sized.
Status check_member_size(const NpyInfo& info, uint64_t member_size, const Limits& limits) {
  const auto declared = detail::checked_add(info.payload_offset, info.nbytes);
  const bool fits = declared && (limits.allow_trailing_data ? *declared <= member_size
                                                            : *declared == member_size);
  if (!fits && declared) {
    return Error{.code = ErrorCode::ZipMemberSizeMismatch,
                 .offset = info.payload_offset,
                 .detail = "the .npy header describes {found} bytes; the ZIP entry says {expected}",
                 .found = *declared,
                 .bound = member_size};
  }
  if (!fits) {
    return error_at(ErrorCode::ZipMemberSizeMismatch, info.payload_offset,
                    "the .npy header's size overflows 64 bits");
  }
  return ok_status();
}

detail::HeaderCheck member_size_check(uint64_t member_size, const Limits& limits) {
  return [member_size, &limits](const NpyInfo& info) {
    return check_member_size(info, member_size, limits);
  };
}

}  // namespace

Result<Array> NpzArchive::read(size_t index) const {
  const bool whole = index < state_->members.size() && !state_->members[index].skipped &&
                     state_->directory.entries[index].method == detail::kMethodDeflate;
  if (whole) {
    if (auto array = load_deflate_whole(*state_, state_->directory.entries[index])) {
      return std::move(*array);
    }
  }
  return with_member<Array>(*state_, index, [&](MemberSource& member, uint64_t size) {
    return detail::load_sequential(member, state_->limits, member_size_check(size, state_->limits));
  });
}

Result<std::vector<Array>> NpzArchive::read_all(unsigned threads) const {
  const size_t count = state_->members.size();
  threads = detail::pool_threads(threads, count);
  std::vector<std::optional<Result<Array>>> results(count);
  // Indices past the first failure need not be read: their result could never be returned.
  std::atomic<size_t> next{0};
  std::atomic<size_t> first_failure{count};
  // Header bytes of the arrays held so far, in any order. Once over the budget no new index is
  // taken. The flag is tested before an index is taken, never after, so every index taken below
  // the first failure is read: the members read form a prefix, and the in-order check below finds
  // the member that crosses the budget among them without meeting one that was never read.
  std::atomic<uint64_t> header_bytes{0};
  std::atomic<bool> over_budget{false};
  auto work = [&] {
    while (!over_budget.load()) {
      const size_t i = next++;
      if (i >= count || i >= first_failure.load()) return;
      if (state_->members[i].skipped) continue;
      results[i] = read(i);
      if (!results[i]->ok()) {
        size_t seen = first_failure.load();
        while (i < seen && !first_failure.compare_exchange_weak(seen, i)) {
        }
      } else if (header_bytes += (*results[i])->info().header_length;
                 header_bytes.load() > state_->limits.max_total_header_bytes) {
        over_budget = true;
      }
    }
  };
  // Any one thread can finish every index, so a thread that could not be started only means
  // fewer helpers.
  detail::run_on_threads(threads, work);
  std::vector<Array> arrays;
  try {
    arrays.reserve(count);
  } catch (const std::bad_alloc&) {
    return error_at(ErrorCode::OutOfMemory, 0, "allocating the array list failed");
  }
  HeaderBudget budget(state_->limits);
  for (size_t i = 0; i < count; ++i) {
    if (state_->members[i].skipped) continue;
    if (!results[i]->ok()) return results[i]->error();
    NPYGUARD_TRY(budget.charge((*results[i])->info().header_length, i));
    arrays.push_back(std::move(*results[i]).value());
  }
  return arrays;
}

Result<NpyInfo> NpzArchive::read_into(size_t index, std::span<std::byte> out,
                                      IntoOptions options) const {
  return with_member<NpyInfo>(*state_, index, [&](MemberSource& member, uint64_t size) {
    return detail::read_sequential_into(member, out, state_->limits, options,
                                        member_size_check(size, state_->limits));
  });
}

Result<NpyInfo> NpzArchive::validate(size_t index) const {
  return with_member<NpyInfo>(*state_, index, [&](MemberSource& member, uint64_t size) {
    return detail::validate_sequential(member, state_->limits,
                                       member_size_check(size, state_->limits));
  });
}

Status NpzArchive::validate_each(const std::function<Status(size_t, NpyInfo&&)>& visit) const {
  HeaderBudget budget(state_->limits);
  for (size_t i = 0; i < state_->members.size(); ++i) {
    if (state_->members[i].skipped) continue;
    NPYGUARD_ASSIGN_OR_RETURN(NpyInfo info, validate(i));
    NPYGUARD_TRY(budget.charge(info.header_length, i));
    NPYGUARD_TRY(visit(i, std::move(info)));
  }
  return ok_status();
}

Status NpzArchive::read_each(const std::function<Status(size_t, Array&&)>& visit) const {
  HeaderBudget budget(state_->limits);
  for (size_t i = 0; i < state_->members.size(); ++i) {
    if (state_->members[i].skipped) continue;
    NPYGUARD_ASSIGN_OR_RETURN(Array array, read(i));
    NPYGUARD_TRY(budget.charge(array.info().header_length, i));
    NPYGUARD_TRY(visit(i, std::move(array)));
  }
  return ok_status();
}

Result<std::vector<NpyInfo>> NpzArchive::validate_all() const {
  std::vector<NpyInfo> infos;
  NPYGUARD_TRY(validate_each([&](size_t, NpyInfo&& info) -> Status {
    try {
      infos.push_back(std::move(info));
    } catch (const std::bad_alloc&) {
      return error_at(ErrorCode::OutOfMemory, 0, "allocating the info list failed");
    }
    return ok_status();
  }));
  return infos;
}

}  // namespace npyguard
