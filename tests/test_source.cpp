// SPDX-License-Identifier: Apache-2.0
// File and stream sources: mmap and pread agree, only regular files are opened, FIFOs cannot
// hang the open, and validation of a file never loads it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <istream>
#include <random>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "io/source.h"
#include "npyguard/npy.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

std::string temp_path(const std::string& name) {
  return std::string(P_tmpdir) + "/npyguard_test_" + std::to_string(::getpid()) + "_" + name;
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("mmap, pread and validation agree on a file", "[source]") {
  const std::string path = temp_path("ok.npy");
  Bytes payload;
  for (int i = 0; i < 24; ++i) payload.push_back(static_cast<std::byte>(i));
  write_bytes(path, npy_file(simple_dict("'<i2'", "(3, 4)"), payload));
  auto mapped = read_npy_file(path, Limits{}, FileAccess::Mmap);
  auto copied = read_npy_file(path, Limits{}, FileAccess::Pread);
  auto checked = validate_npy_file(path);
  REQUIRE(mapped.ok());
  REQUIRE(copied.ok());
  REQUIRE(checked.ok());
  CHECK(mapped->is_zero_copy());
  CHECK_FALSE(copied->is_zero_copy());
  CHECK(std::equal(mapped->bytes().begin(), mapped->bytes().end(), payload.begin(), payload.end()));
  CHECK(std::equal(copied->bytes().begin(), copied->bytes().end(), payload.begin(), payload.end()));
  CHECK(checked->shape == std::vector<uint64_t>{3, 4});
  std::remove(path.c_str());
}

TEST_CASE("file-level rejections match the in-memory ones", "[source]") {
  const std::string path = temp_path("bad.npy");
  const Bytes file =
      npy_file(simple_dict("'|b1'", "(4,)"), bytes_of(std::string_view("\x01\x00\x05\x01", 4)));
  write_bytes(path, file);
  for (auto access : {FileAccess::Mmap, FileAccess::Pread}) {
    auto result = read_npy_file(path, Limits{}, access);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::InvalidBool);
    CHECK(result.error().offset == payload_start(file) + 2);
  }
  auto validated = validate_npy_file(path);
  REQUIRE_FALSE(validated.ok());
  CHECK(validated.error().code == ErrorCode::InvalidBool);
  CHECK(validated.error().offset == payload_start(file) + 2);

  write_bytes(path, npy_file(simple_dict("'<f8'", "(1099511627776,)"), zeros(16)));
  Limits unlimited;
  unlimited.max_array_bytes = UINT64_MAX;
  for (auto access : {FileAccess::Mmap, FileAccess::Pread}) {
    auto result = read_npy_file(path, unlimited, access);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::PayloadTruncated);
  }
  CHECK(validate_npy_file(path, unlimited).error().code == ErrorCode::PayloadTruncated);

  write_bytes(path, Bytes{});
  CHECK(read_npy_file(path).error().code == ErrorCode::TruncatedPreamble);
  CHECK(validate_npy_file(path).error().code == ErrorCode::TruncatedPreamble);
  std::remove(path.c_str());
}

TEST_CASE("only regular files are opened", "[source]") {
  CHECK(read_npy_file("/nonexistent/x.npy").error().code == ErrorCode::IoOpenFailed);
  CHECK(validate_npy_file("/nonexistent/x.npy").error().code == ErrorCode::IoOpenFailed);
  CHECK(read_npy_file("/").error().code == ErrorCode::IoNotRegularFile);
  const std::string fifo = temp_path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Without O_NONBLOCK this open would wait forever for a writer.
  CHECK(validate_npy_file(fifo).error().code == ErrorCode::IoNotRegularFile);
  ::unlink(fifo.c_str());
}

TEST_CASE("descriptor streams read standard-input style pipes", "[source]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const Bytes file =
      npy_file(simple_dict("'<u2'", "(2,)"), bytes_of(std::string_view("\x01\x02\x03\x04", 4)));
  REQUIRE(::write(fds[1], file.data(), file.size()) == static_cast<ssize_t>(file.size()));
  ::close(fds[1]);
  FdInputStream in(fds[0]);
  auto array = read_npy_stream(in);
  ::close(fds[0]);
  REQUIRE(array.ok());
  auto values = array->values<uint16_t>();
  REQUIRE(values.ok());
  CHECK((*values)[1] == 0x0403);
}

TEST_CASE("read failures and files that shrink are Io errors", "[source]") {
  // read(2) on a directory descriptor fails with EISDIR.
  const int dir = ::open("/", O_RDONLY | O_DIRECTORY);
  REQUIRE(dir >= 0);
  FdInputStream from_dir(dir);
  auto failed = validate_npy_stream(from_dir);
  ::close(dir);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::IoReadFailed);

  // fstat said N bytes, but the file now holds fewer: the reader notices instead of trusting N.
  const std::string path = temp_path("shrunk.npy");
  write_bytes(path, npy_file(simple_dict("'<f8'", "(4,)"), zeros(32)));
  auto opened = detail::open_regular_file(path);
  REQUIRE(opened.ok());
  REQUIRE(::truncate(path.c_str(), 70) == 0);
  detail::PreadSource source(*opened);
  std::vector<std::byte> buffer(128);
  auto first = source.read_full(buffer);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == ErrorCode::IoFileChanged);
  detail::FileRandomAccess random(*opened);
  auto at = random.read_at(60, std::span(buffer).first(20));
  REQUIRE_FALSE(at.ok());
  CHECK(at.error().code == ErrorCode::IoFileChanged);
  std::remove(path.c_str());
}

TEST_CASE("open failures and failing istreams are Io errors", "[source]") {
  // ENOTDIR and ENAMETOOLONG: still io_open_failed, with the errno kept and rendered.
  const auto not_dir = read_npy_file("/dev/null/x.npy");
  REQUIRE_FALSE(not_dir.ok());
  CHECK(not_dir.error().code == ErrorCode::IoOpenFailed);
  CHECK(not_dir.error().os_errno == ENOTDIR);
  CHECK(render_detail(not_dir.error()) == "not a directory");
  CHECK(describe(not_dir.error()) ==
        "io_open_failed: the input could not be opened: not a directory");
  const auto missing = read_npy_file("/nonexistent-npyguard-test/x.npy");
  CHECK(missing.error().os_errno == ENOENT);
  CHECK(render_detail(missing.error()) == "no such file or directory");
  const auto directory = read_npy_file("/");
  CHECK(directory.error().code == ErrorCode::IoNotRegularFile);
  CHECK(render_detail(directory.error()) == "is a directory");
  CHECK(validate_npy_file(std::string(5000, 'a')).error().code == ErrorCode::IoOpenFailed);
  CHECK(
      detail::MemoryRandomAccess(Bytes(4)).read_at(2, std::span(Bytes(3).data(), 3)).error().code ==
      ErrorCode::IoReadFailed);

  // A stream buffer whose read throws: std::istream turns that into badbit, or rethrows it
  // when exceptions are enabled; IstreamInputStream reports both as io_read_failed.
  struct ThrowingBuffer : std::streambuf {
    int_type underflow() override { throw std::runtime_error("device gone"); }
  };
  ThrowingBuffer buffer;
  std::istream quiet(&buffer);
  IstreamInputStream quiet_in(quiet);
  const auto bad = validate_npy_stream(quiet_in);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::IoReadFailed);
  CHECK(std::string_view(bad.error().detail) == "stream read failed");
  std::istream loud(&buffer);
  loud.exceptions(std::ios::badbit);
  IstreamInputStream loud_in(loud);
  const auto thrown = read_npy_stream(loud_in);
  REQUIRE_FALSE(thrown.ok());
  CHECK(thrown.error().code == ErrorCode::IoReadFailed);
  CHECK(std::string_view(thrown.error().detail) == "stream threw while reading");
}

namespace {

// An InputStream that breaks its contract: it fills `out` honestly from `bytes`, then claims to
// have stored `extra` bytes more than `out` holds.
class OverreportingStream final : public InputStream {
 public:
  OverreportingStream(Bytes bytes, size_t extra) : bytes_(std::move(bytes)), extra_(extra) {}
  Result<size_t> read(std::span<std::byte> out) override {
    const size_t n = std::min(out.size(), bytes_.size() - consumed_);
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(consumed_), n, out.begin());
    consumed_ += n;
    return out.size() + extra_;
  }

 private:
  Bytes bytes_;
  size_t extra_;
  size_t consumed_ = 0;
};

}  // namespace

TEST_CASE("a stream that reports more bytes than it was given room for is an Io error",
          "[source]") {
  const Bytes file = npy_file(simple_dict("'<u1'", "(4,)"), Bytes(4));
  for (const size_t extra : {size_t{1}, size_t{4096}, SIZE_MAX - 64}) {
    INFO("extra " << extra);
    OverreportingStream stream(file, extra);
    detail::StreamSource source(stream);
    Bytes buffer(16);
    const auto got = source.read_some(buffer);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == ErrorCode::IoReadFailed);
    const auto facts = error_facts(got.error());
    CHECK(facts.expected == uint64_t{16});
    CHECK(facts.found == uint64_t{16} + extra);

    // Through the public entry points the lie ends the read before any count is used.
    OverreportingStream read_stream(file, extra);
    const auto array = read_npy_stream(read_stream);
    REQUIRE_FALSE(array.ok());
    CHECK(array.error().code == ErrorCode::IoReadFailed);
    OverreportingStream validate_stream(file, extra);
    const auto info = validate_npy_stream(validate_stream);
    REQUIRE_FALSE(info.ok());
    CHECK(info.error().code == ErrorCode::IoReadFailed);
  }
}

TEST_CASE("read_npy_file_into fills the caller's buffer, validated like a load", "[source]") {
  const std::string path = temp_path("into.npy");
  Bytes payload(24);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::byte>(i + 1);
  write_bytes(path, npy_file(simple_dict("'<i2'", "(3, 4)"), payload));
  Bytes out(24, std::byte{0xEE});
  auto info = read_npy_file_into(path, out);
  REQUIRE(info.ok());
  CHECK(info->shape == std::vector<uint64_t>{3, 4});
  CHECK(out == payload);
  // Wrong size: refused before anything is read.
  Bytes small(23, std::byte{0xEE});
  auto refused = read_npy_file_into(path, small);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::ArraySizeMismatch);
  CHECK(std::all_of(small.begin(), small.end(), [](std::byte b) { return b == std::byte{0xEE}; }));
  // Payload rules hold: a bad bool is refused, and normalised on request.
  Bytes bools = bytes_of(std::string_view("\x00\x01\x05", 3));
  write_bytes(path, npy_file(simple_dict("'|b1'", "(3,)"), bools));
  Bytes three(3);
  CHECK(read_npy_file_into(path, three).error().code == ErrorCode::InvalidBool);
  Limits normalize;
  normalize.normalize_bool = true;
  REQUIRE(read_npy_file_into(path, three, normalize).ok());
  CHECK(three == bytes_of(std::string_view("\x00\x01\x01", 3)));
  // Native byte order while reading: a big-endian record with a U field and a complex field
  // comes out exactly as the Array conversion makes it, and the info says host order.
  Bytes record;
  append(record, std::string_view("\x00\x01\x02\x03", 4));                  // >i4
  append(record, std::string_view("\x00\x00\x00\x41\x00\x00\x00\x42", 8));  // >U2 "AB"
  append(record, std::string_view("\x3f\x80\x00\x00\x40\x00\x00\x00", 8));  // >c8 1+2j
  const Bytes big =
      npy_file(simple_dict("[('a', '>i4'), ('s', '>U2'), ('z', '>c8')]", "(1,)"), record);
  write_bytes(path, big);
  const auto loaded = read_npy(big);
  REQUIRE(loaded.ok());
  const auto converted = loaded->to_native_byte_order();
  REQUIRE(converted.ok());
  const Bytes expected(converted->bytes().begin(), converted->bytes().end());
  CHECK(expected != record);
  Bytes native(record.size());
  auto swapped = read_npy_file_into(path, native, {}, {.native_byte_order = true});
  REQUIRE(swapped.ok());
  CHECK(native == expected);
  CHECK(swapped->descr() == "[('a', '<i4'), ('s', '<U2'), ('z', '<c8')]");
  // Bad U code units are caught in the file's order, before the swap.
  Bytes bad_unicode = record;
  bad_unicode[4] = std::byte{0xD8};  // 0xD8000041: above U+10FFFF
  write_bytes(path, npy_file(simple_dict("[('a', '>i4'), ('s', '>U2'), ('z', '>c8')]", "(1,)"),
                             bad_unicode));
  CHECK(read_npy_file_into(path, native, {}, {.native_byte_order = true}).error().code ==
        ErrorCode::InvalidUnicode);
  // Truncated and trailing data as for read_npy_file.
  write_bytes(path, npy_file(simple_dict("'|u1'", "(4,)"), Bytes(3)));
  Bytes four(4);
  CHECK(read_npy_file_into(path, four).error().code == ErrorCode::PayloadTruncated);
  std::remove(path.c_str());
}

TEST_CASE("read_npy_file_into in C order matches the Array conversions", "[source]") {
  const std::string path = temp_path("into_c.npy");
  std::mt19937_64 random(1125);
  struct Case {
    const char* descr;
    const char* shape;
  };
  // Wide and tall (a column above the 1 MiB step: pieces of one column), odd item sizes,
  // dimensions of 1, three and four dimensions (converted at the end).
  const std::vector<Case> cases = {
      {"'<f4'", "(37, 53)"},
      {"'>f8'", "(300000, 3)"},
      {"'|u1'", "(1, 70, 1, 9)"},
      {"'>c16'", "(5, 7)"},
      {"'|S3'", "(129, 2)"},
      {"'<i2'", "(4, 5, 6)"},
      {"[('a', '>i4'), ('b', '|b1')]", "(11, 13)"},
      {"'>U2'", "(3, 4, 2, 5)"},
      {"'<f8'", "(1, 1)"},
      {"'|b1'", "(1000, 2000)"},
  };
  for (const Case& c : cases) {
    INFO(c.descr << " " << c.shape);
    const Bytes probe = npy_file(simple_dict(c.descr, c.shape, true));
    auto info = parse_npy_header(probe);
    REQUIRE(info.ok());
    Bytes payload(static_cast<size_t>(info->nbytes));
    // 0 or 1 in one byte of every 4: valid bools, and valid code units in either byte order.
    const size_t set_byte = std::string_view(c.descr).find(">U") != std::string_view::npos ? 3 : 0;
    for (size_t i = 0; i < payload.size(); ++i) {
      payload[i] = static_cast<std::byte>(i % 4 == set_byte ? random() % 2 : 0);
    }
    const Bytes file = npy_file(simple_dict(c.descr, c.shape, true), payload);
    write_bytes(path, file);
    const auto array = read_npy(file);
    REQUIRE(array.ok());
    for (const bool native : {false, true}) {
      auto converted = native ? array->to_native_byte_order() : Result<Array>(*array);
      REQUIRE(converted.ok());
      auto expected = converted->to_c_order();
      REQUIRE(expected.ok());
      Bytes out(payload.size());
      auto read = read_npy_file_into(path, out, {}, {.native_byte_order = native, .c_order = true});
      REQUIRE(read.ok());
      CHECK_FALSE(read->fortran_order);
      CHECK(read->descr() == expected->info().descr());
      CHECK(std::equal(out.begin(), out.end(), expected->bytes().begin(), expected->bytes().end()));
    }
  }
  // A bad bool is reported at its file offset, as in every other path.
  Bytes bools(6 * 7);
  bools[23] = std::byte{2};
  const Bytes bad = npy_file(simple_dict("'|b1'", "(6, 7)", true), bools);
  write_bytes(path, bad);
  Bytes out(bools.size());
  auto refused = read_npy_file_into(path, out, {}, {.c_order = true});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::InvalidBool);
  CHECK(refused.error().offset == payload_start(bad) + 23);
  std::remove(path.c_str());
}
