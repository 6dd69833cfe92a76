// SPDX-License-Identifier: Apache-2.0
// validate_input and open_input: tell .npy from .npz by the first bytes (looks_like_npz, as
// np.load does), then run the format's own reader. Input: a path, a caller's descriptor or a
// stream, all untrusted bytes; output: an InputVerdict / OpenedInput naming the format even when
// the input is rejected. A stream's first bytes are handed back to the .npy reader (it sees the
// stream from its first byte); a streamed archive is spooled to an anonymous temporary file.
#include "npyguard/input.h"

#include <algorithm>
#include <array>
#include <new>
#include <utility>

#include "io/descriptor.h"
#include "io/source.h"
#include "npy/npy_stream.h"
#include "npz/npz_spool.h"
#include "zip/zip_reader.h"

namespace npyguard {
namespace {

// Bytes looked at to tell .npz (a ZIP signature) from .npy, as np.load does.
constexpr size_t kSniffBytes = 4;

struct Prefix {
  std::array<std::byte, kSniffBytes> bytes{};
  size_t size = 0;
  std::span<const std::byte> view() const noexcept { return std::span(bytes).first(size); }
};

// A source whose first bytes were already taken (to sniff it): hands them back first, then
// reads the rest, so a reader sees the input from its first byte and its offsets stay true. For
// a file this saves a second read of the first bytes; `rest` then knows the total size.
class PrefixedSource final : public detail::SequentialSource {
 public:
  PrefixedSource(const Prefix& prefix, detail::SequentialSource& rest) noexcept
      : prefix_(prefix.view()), rest_(rest) {}

  Result<size_t> read_some(std::span<std::byte> out) override {
    if (consumed_ < prefix_.size()) {
      const size_t n = std::min(out.size(), prefix_.size() - consumed_);
      std::copy_n(prefix_.begin() + static_cast<std::ptrdiff_t>(consumed_), n, out.begin());
      consumed_ += n;
      return n;
    }
    return rest_.read_some(out);
  }
  std::optional<uint64_t> total_size() const noexcept override { return rest_.total_size(); }

 private:
  std::span<const std::byte> prefix_;
  size_t consumed_ = 0;
  detail::SequentialSource& rest_;
};

// Reads up to kSniffBytes from the start of `source`.
Result<Prefix> read_prefix(detail::SequentialSource& source) {
  Prefix prefix;
  NPYGUARD_ASSIGN_OR_RETURN(prefix.size, source.read_full(prefix.bytes));
  return prefix;
}

// Opens the archive held in `file` into `out`: its archive, or its error and, for an error about
// one directory entry, that entry's stored name (read again: a bounded walk of the directory).
template <class Out>
bool open_archive(const detail::OpenedFile& file, const Limits& limits, Out& out) {
  Result<NpzArchive> archive = NpzArchive::open_fd(file.fd.get(), limits);
  if (archive.ok()) {
    out.archive.emplace(std::move(archive).value());
    return true;
  }
  out.error = archive.error();
  if (out.error->member != kNoMember) {
    detail::FileRandomAccess source(file);
    Result<std::string> name = detail::read_entry_name(source, limits, out.error->member);
    if (name.ok()) out.failed_member_name = std::move(name).value();
  }
  return false;
}

// Validates every member that is not skipped (validate_each's order and header budget), each
// info going to `visit`, or into out.member_infos without one.
void validate_members(const MemberInfoVisitor& visit, InputVerdict& out) {
  const NpzArchive& archive = *out.archive;
  if (!visit) {
    try {
      out.member_infos.resize(archive.members().size());
    } catch (const std::bad_alloc&) {
      out.error =
          Error{.code = ErrorCode::OutOfMemory, .detail = "allocating the member list failed"};
      return;
    }
  }
  const Status validated = archive.validate_each([&](size_t i, NpyInfo&& info) -> Status {
    if (visit) return visit(archive, i, std::move(info));
    try {
      out.member_infos[i] = std::move(info);
    } catch (const std::bad_alloc&) {
      return Error{.code = ErrorCode::OutOfMemory, .detail = "keeping a member's info failed"};
    }
    return ok_status();
  });
  if (!validated.ok()) out.error = validated.error();
}

// What each entry point does once the format is known.
struct Validate {
  const Limits& limits;
  const MemberInfoVisitor& visit;
  using Out = InputVerdict;
  void npy(detail::SequentialSource& source, Out& out) const {
    Result<NpyInfo> info = detail::validate_sequential(source, limits);
    if (info.ok()) {
      out.npy = std::move(info).value();
    } else {
      out.error = info.error();
    }
  }
  void npz(const detail::OpenedFile& file, Out& out) const {
    if (open_archive(file, limits, out)) validate_members(visit, out);
  }
};

struct Open {
  const Limits& limits;
  using Out = OpenedInput;
  void npy(detail::SequentialSource& source, Out& out) const {
    Result<Array> array = detail::load_sequential(source, limits);
    if (array.ok()) {
      out.array.emplace(std::move(array).value());
    } else {
      out.error = array.error();
    }
  }
  void npz(const detail::OpenedFile& file, Out& out) const { open_archive(file, limits, out); }
};

// A regular file, opened already (or the error opening it): sniffed with pread, then read.
template <class Job>
typename Job::Out from_file(Result<detail::OpenedFile> opened, const Limits& limits,
                            const Job& job) {
  typename Job::Out out;
  if (Status valid = limits.validate(); !valid.ok()) {
    out.error = valid.error();
    return out;
  }
  if (!opened.ok()) {
    out.error = opened.error();
    return out;
  }
  const detail::OpenedFile& file = *opened;
  detail::PreadSource source(file);
  Result<Prefix> prefix = read_prefix(source);
  if (!prefix.ok()) {
    out.error = prefix.error();
    return out;
  }
  if (looks_like_npz(prefix->view())) {
    out.format = InputFormat::Npz;
    job.npz(file, out);
  } else {
    out.format = InputFormat::Npy;
    PrefixedSource whole(*prefix, source);
    job.npy(whole, out);
  }
  return out;
}

// A stream read once: sniffed, then an .npy read as it arrives or an archive spooled first.
template <class Job>
typename Job::Out from_stream(InputStream& in, const Limits& limits, const Job& job) {
  typename Job::Out out;
  if (Status valid = limits.validate(); !valid.ok()) {
    out.error = valid.error();
    return out;
  }
  detail::StreamSource stream(in);
  Result<Prefix> prefix = read_prefix(stream);
  if (!prefix.ok()) {
    out.error = prefix.error();
    return out;
  }
  if (!looks_like_npz(prefix->view())) {
    out.format = InputFormat::Npy;
    PrefixedSource whole(*prefix, stream);
    job.npy(whole, out);
    return out;
  }
  out.format = InputFormat::Npz;
  Result<detail::OpenedFile> spool = detail::spool_archive(prefix->view(), stream, limits);
  if (!spool.ok()) {
    out.error = spool.error();
    return out;
  }
  job.npz(*spool, out);
  return out;
}

}  // namespace

std::string_view format_name(InputFormat format) noexcept {
  switch (format) {
    case InputFormat::Npy:
      return "npy";
    case InputFormat::Npz:
      return "npz";
    case InputFormat::Unknown:
      break;
  }
  return "unknown";
}

const std::string* InputVerdict::error_member_name() const noexcept {
  if (!error || error->member == kNoMember) return nullptr;
  if (archive && error->member < archive->members().size()) {
    return &archive->members()[error->member].name;
  }
  return failed_member_name ? &*failed_member_name : nullptr;
}

InputVerdict validate_input(const std::string& path, const Limits& limits,
                            const MemberInfoVisitor& visit_member) {
  return from_file(detail::open_regular_file(path), limits, Validate{limits, visit_member});
}

InputVerdict validate_input(int fd, const Limits& limits, const MemberInfoVisitor& visit_member) {
  return from_file(detail::open_regular_descriptor(fd), limits, Validate{limits, visit_member});
}

InputVerdict validate_input(InputStream& in, const Limits& limits,
                            const MemberInfoVisitor& visit_member) {
  return from_stream(in, limits, Validate{limits, visit_member});
}

OpenedInput open_input(const std::string& path, const Limits& limits) {
  return from_file(detail::open_regular_file(path), limits, Open{limits});
}

OpenedInput open_input(int fd, const Limits& limits) {
  return from_file(detail::open_regular_descriptor(fd), limits, Open{limits});
}

OpenedInput open_input(InputStream& in, const Limits& limits) {
  return from_stream(in, limits, Open{limits});
}

}  // namespace npyguard
