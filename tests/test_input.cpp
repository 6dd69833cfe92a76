// SPDX-License-Identifier: Apache-2.0
// The "whatever this is" entry points (npyguard/input.h) and the archive openers they rest on
// (NpzArchive::open_fd, open_stream): each source kind (path, descriptor, stream) tells .npy from
// .npz by content, reports the format even for a rejected input, and turns a descriptor that
// cannot be read, empty input and bytes of neither format into the expected errors.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "npyguard/input.h"
#include "npyguard/npz.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

const std::string kNpzDir = std::string(NPYGUARD_SOURCE_DIR) + "/tests/fixtures/npz/";
const std::string kStored = kNpzDir + "savez_stored.npz";

// A file under the temporary directory holding `bytes`, removed when this goes out of scope.
class TempPath {
 public:
  explicit TempPath(const Bytes& bytes, const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("npyguard_input_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream out(path_, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT: byte view
              static_cast<std::streamsize>(bytes.size()));
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  ~TempPath() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An open read-only descriptor, closed when this goes out of scope.
class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }
  int get() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string text_of(const Bytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());  // NOLINT
}

Bytes small_npy() { return npy_file(simple_dict("'<i4'", "(2,)"), zeros(8)); }

size_t validated_members(const InputVerdict& verdict) {
  size_t n = 0;
  for (const auto& info : verdict.member_infos) n += info.has_value() ? size_t{1} : size_t{0};
  return n;
}

}  // namespace

TEST_CASE("validate_input tells .npy from .npz by content for every source kind", "[input]") {
  const Bytes npz = read_file(kStored);
  const TempPath npy_file_path(small_npy(), "small.npz");  // the name lies; content decides
  const TempPath npz_file_path(npz, "archive.npy");

  SECTION("path") {
    const InputVerdict npy = validate_input(npy_file_path.path());
    REQUIRE(npy.ok());
    CHECK(npy.format == InputFormat::Npy);
    REQUIRE(npy.npy);
    CHECK(npy.npy->shape == std::vector<uint64_t>{2});
    CHECK_FALSE(npy.archive);

    const InputVerdict archive = validate_input(npz_file_path.path());
    REQUIRE(archive.ok());
    CHECK(archive.format == InputFormat::Npz);
    REQUIRE(archive.archive);
    CHECK(archive.member_infos.size() == archive.archive->members().size());
    CHECK(validated_members(archive) == archive.archive->members().size());
  }
  SECTION("descriptor, whose file position is neither used nor moved") {
    Fd fd(npz_file_path.path());
    REQUIRE(fd.get() >= 0);
    REQUIRE(::lseek(fd.get(), 7, SEEK_SET) == 7);
    const InputVerdict archive = validate_input(fd.get());
    REQUIRE(archive.ok());
    CHECK(archive.format == InputFormat::Npz);
    CHECK(::lseek(fd.get(), 0, SEEK_CUR) == 7);

    Fd npy_fd(npy_file_path.path());
    const InputVerdict npy = validate_input(npy_fd.get());
    REQUIRE(npy.ok());
    CHECK(npy.format == InputFormat::Npy);
  }
  SECTION("stream") {
    std::istringstream npz_text(text_of(npz));
    IstreamInputStream npz_stream(npz_text);
    const InputVerdict archive = validate_input(npz_stream);
    REQUIRE(archive.ok());
    CHECK(archive.format == InputFormat::Npz);
    CHECK(validated_members(archive) == archive.archive->members().size());

    std::istringstream npy_text(text_of(small_npy()));
    IstreamInputStream npy_stream(npy_text);
    const InputVerdict npy = validate_input(npy_stream);
    REQUIRE(npy.ok());
    CHECK(npy.format == InputFormat::Npy);
    CHECK(npy.npy->nbytes == 8);
  }
}

TEST_CASE("validate_input hands members to a visitor instead of keeping them", "[input]") {
  std::vector<size_t> seen;
  const InputVerdict verdict =
      validate_input(kStored, {}, [&](const NpzArchive& archive, size_t i, NpyInfo&& info) {
        CHECK(i < archive.members().size());
        CHECK(info.nbytes <= archive.members()[i].uncompressed_size);
        seen.push_back(i);
        return ok_status();
      });
  REQUIRE(verdict.ok());
  CHECK(verdict.member_infos.empty());
  REQUIRE(verdict.archive);
  CHECK(seen.size() == verdict.archive->members().size());

  const InputVerdict stopped =
      validate_input(kStored, {}, [](const NpzArchive&, size_t, NpyInfo&&) -> Status {
        return Error{.code = ErrorCode::IoWriteFailed, .detail = "the visitor stops"};
      });
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error->code == ErrorCode::IoWriteFailed);
  CHECK(stopped.format == InputFormat::Npz);
}

TEST_CASE("validate_input reports errors with the format they were found in", "[input]") {
  SECTION("a descriptor that is not open is an Io error of unknown format") {
    Fd fd(kStored);
    const int number = fd.get();
    fd.close();
    const InputVerdict verdict = validate_input(number);
    REQUIRE_FALSE(verdict.ok());
    CHECK(verdict.format == InputFormat::Unknown);
    CHECK(verdict.error->code == ErrorCode::IoOpenFailed);
    CHECK(error_category(verdict.error->code) == ErrorCategory::Io);
    CHECK_FALSE(NpzArchive::open_fd(number).ok());
  }
  SECTION("a write-only descriptor cannot be read") {
    const TempPath file(small_npy(), "write_only.npy");
    const int fd = ::open(file.path().c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    const InputVerdict verdict = validate_input(fd);
    ::close(fd);
    REQUIRE_FALSE(verdict.ok());
    CHECK(verdict.error->code == ErrorCode::IoReadFailed);
    CHECK(verdict.format == InputFormat::Unknown);
  }
  SECTION("a pipe is not a regular file (it is a stream)") {
    int pipe_fds[2] = {-1, -1};
    REQUIRE(::pipe(pipe_fds) == 0);
    const InputVerdict verdict = validate_input(pipe_fds[0]);
    const auto archive = NpzArchive::open_fd(pipe_fds[0]);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    REQUIRE_FALSE(verdict.ok());
    CHECK(verdict.error->code == ErrorCode::IoNotRegularFile);
    REQUIRE_FALSE(archive.ok());
    CHECK(archive.error().code == ErrorCode::IoNotRegularFile);
  }
  SECTION("a missing path") {
    const InputVerdict verdict = validate_input(kNpzDir + "no such file.npz");
    REQUIRE_FALSE(verdict.ok());
    CHECK(verdict.format == InputFormat::Unknown);
    CHECK(verdict.error->code == ErrorCode::IoOpenFailed);
  }
  SECTION("empty input is a truncated .npy, from a file and from a stream") {
    const TempPath empty(Bytes{}, "empty");
    const InputVerdict from_file = validate_input(empty.path());
    REQUIRE_FALSE(from_file.ok());
    CHECK(from_file.format == InputFormat::Npy);
    std::istringstream text;
    IstreamInputStream stream(text);
    const InputVerdict from_stream = validate_input(stream);
    REQUIRE_FALSE(from_stream.ok());
    CHECK(from_stream.format == InputFormat::Npy);
    CHECK(from_stream.error->code == from_file.error->code);
  }
  SECTION("bytes of neither format are a .npy with a bad magic") {
    const Bytes junk = bytes_of("hello, world\n");
    const TempPath file(junk, "junk");
    const InputVerdict from_file = validate_input(file.path());
    REQUIRE_FALSE(from_file.ok());
    CHECK(from_file.format == InputFormat::Npy);
    CHECK(from_file.error->code == ErrorCode::BadMagic);
    std::istringstream text(text_of(junk));
    IstreamInputStream stream(text);
    const InputVerdict from_stream = validate_input(stream);
    REQUIRE_FALSE(from_stream.ok());
    CHECK(from_stream.error->code == ErrorCode::BadMagic);
  }
  SECTION("an archive refused while opening names the entry it is about") {
    Limits limits;
    limits.member_patterns = {"no member is called this"};
    const InputVerdict verdict = validate_input(kStored, limits);
    REQUIRE_FALSE(verdict.ok());
    CHECK(verdict.format == InputFormat::Npz);
    CHECK(verdict.error->code == ErrorCode::ZipMemberNameRejected);
    CHECK_FALSE(verdict.archive);
    REQUIRE(verdict.failed_member_name);
    REQUIRE(verdict.error_member_name() != nullptr);
    CHECK(*verdict.error_member_name() == *verdict.failed_member_name);
    const auto name = npz_entry_name(kStored, verdict.error->member, limits);
    REQUIRE(name.ok());
    CHECK(*name == *verdict.failed_member_name);
  }
  SECTION("a streamed archive longer than max_streamed_archive_bytes stops being copied") {
    Limits limits;
    limits.max_streamed_archive_bytes = 64;
    std::istringstream text(text_of(read_file(kStored)));
    IstreamInputStream stream(text);
    const InputVerdict verdict = validate_input(stream, limits);
    REQUIRE_FALSE(verdict.ok());
    CHECK(verdict.format == InputFormat::Npz);
    CHECK(verdict.error->code == ErrorCode::StreamedArchiveTooLarge);
  }
}

TEST_CASE("NpzArchive::open_fd keeps its own descriptor; open_stream its own copy",
          "[input][npz]") {
  const auto reference = NpzArchive::open_file(kStored);
  REQUIRE(reference.ok());
  const auto expected = reference->read_all();
  REQUIRE(expected.ok());

  Fd fd(kStored);
  auto from_fd = NpzArchive::open_fd(fd.get());
  fd.close();  // the archive holds a duplicate
  REQUIRE(from_fd.ok());
  const auto read_fd = from_fd->read_all();
  REQUIRE(read_fd.ok());
  REQUIRE(read_fd->size() == expected->size());

  std::istringstream text(text_of(read_file(kStored)));
  IstreamInputStream stream(text);
  auto from_stream = NpzArchive::open_stream(stream);
  REQUIRE(from_stream.ok());
  const auto read_stream = from_stream->read_all(2);
  REQUIRE(read_stream.ok());
  REQUIRE(read_stream->size() == expected->size());
  for (size_t i = 0; i < expected->size(); ++i) {
    CHECK((*read_fd)[i].info().descr() == (*expected)[i].info().descr());
    CHECK(std::equal((*read_stream)[i].bytes().begin(), (*read_stream)[i].bytes().end(),
                     (*expected)[i].bytes().begin(), (*expected)[i].bytes().end()));
  }

  // Not an archive at all: refused by the stream screen or the reader, never accepted.
  std::istringstream junk("PK\x03\x04 but nothing more");
  IstreamInputStream junk_stream(junk);
  CHECK_FALSE(NpzArchive::open_stream(junk_stream).ok());
}

TEST_CASE("open_input loads an .npy and opens an .npz", "[input]") {
  const TempPath npy(small_npy(), "open.npy");
  const OpenedInput array = open_input(npy.path());
  REQUIRE(array.ok());
  CHECK(array.format == InputFormat::Npy);
  REQUIRE(array.array);
  CHECK(array.array->nbytes() == 8);
  CHECK_FALSE(array.array->is_zero_copy());  // pread, never mapped

  std::istringstream text(text_of(read_file(kStored)));
  IstreamInputStream stream(text);
  const OpenedInput archive = open_input(stream);
  REQUIRE(archive.ok());
  CHECK(archive.format == InputFormat::Npz);
  REQUIRE(archive.archive);
  CHECK(archive.archive->read(0).ok());

  Fd fd(npy.path());
  const OpenedInput from_fd = open_input(fd.get());
  REQUIRE(from_fd.ok());
  CHECK(from_fd.array->nbytes() == 8);

  std::istringstream truncated(text_of(small_npy()).substr(0, 20));
  IstreamInputStream truncated_stream(truncated);
  const OpenedInput refused = open_input(truncated_stream);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.format == InputFormat::Npy);
  CHECK_FALSE(refused.array);
}

TEST_CASE("format_name", "[input]") {
  CHECK(format_name(InputFormat::Npy) == "npy");
  CHECK(format_name(InputFormat::Npz) == "npz");
  CHECK(format_name(InputFormat::Unknown) == "unknown");
}
