// SPDX-License-Identifier: Apache-2.0
// NpzStreamScreen: an archive arriving as a stream is refused at the first byte that cannot
// belong to an archive the reader accepts, whatever the chunking, and never when the reader
// would accept it. Every archive in the repository's corpora is screened and then opened.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "npyguard/npz.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

const std::filesystem::path kRoot(NPYGUARD_SOURCE_DIR);

// The screen's verdict on `bytes` fed in chunks of `chunk` bytes, then finish().
Status screen(std::span<const std::byte> bytes, size_t chunk, const Limits& limits) {
  NpzStreamScreen screen(limits);
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    NPYGUARD_TRY(screen.feed(bytes.subspan(at, std::min(chunk, bytes.size() - at))));
  }
  return screen.finish();
}

Status open_and_validate(std::span<const std::byte> bytes, const Limits& limits) {
  NPYGUARD_ASSIGN_OR_RETURN(NpzArchive archive, NpzArchive::open(bytes, limits));
  return archive.validate_each([](size_t, NpyInfo&&) { return ok_status(); });
}

std::vector<std::filesystem::path> archives_in_corpora() {
  std::vector<std::filesystem::path> found;
  for (const char* dir : {"corpus", "tests/fixtures", "samples"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(kRoot / dir)) {
      if (!entry.is_regular_file() || entry.file_size() > (size_t{4} << 20)) continue;
      const Bytes bytes = read_file(entry.path().string());
      if (looks_like_npz(bytes)) found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

TEST_CASE("the stream screen never refuses what the reader accepts", "[npz][stream]") {
  const std::vector<std::filesystem::path> files = archives_in_corpora();
  REQUIRE(files.size() >= 100);
  size_t screened_out = 0;
  size_t accepted = 0;
  for (const Limits& limits : {Limits{}, Limits::for_fuzzing()}) {
    for (const auto& path : files) {
      INFO(path.string());
      const Bytes bytes = read_file(path.string());
      const Status whole = screen(bytes, bytes.size() + 1, limits);
      for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}}) {
        const Status chunked = screen(bytes, chunk, limits);
        INFO(chunk);
        REQUIRE(chunked.ok() == whole.ok());
        if (!whole.ok()) {
          CHECK(chunked.error().code == whole.error().code);
          CHECK(chunked.error().offset == whole.error().offset);
        }
      }
      const Status read = open_and_validate(bytes, limits);
      if (read.ok()) {
        ++accepted;
        if (!whole.ok()) FAIL("screen refused an accepted archive: " << describe(whole.error()));
      }
      if (path.filename().string().rfind("pass_", 0) == 0 && limits.max_members > 16) {
        CHECK(whole.ok());
      }
      if (!whole.ok()) ++screened_out;
    }
  }
  // Both outcomes occur, so neither branch is vacuous.
  CHECK(accepted > 50);
  CHECK(screened_out > 10);
}

TEST_CASE("the stream screen stops at the first impossible byte", "[npz][stream]") {
  const Bytes archive = read_file((kRoot / "tests/fixtures/npz/savez_stored.npz").string());
  REQUIRE(screen(archive, 1, Limits{}).ok());

  SECTION("a byte after the end record's comment") {
    Bytes longer = archive;
    longer.push_back(std::byte{0});
    const Status status = screen(longer, 4096, Limits{});
    CHECK(status.error().code == ErrorCode::ZipBadEndRecord);
    CHECK(status.error().offset == archive.size());
  }
  SECTION("the stream ends inside the directory") {
    const Status status = screen(std::span(archive).first(archive.size() - 30), 4096, Limits{});
    CHECK(status.error().code == ErrorCode::ZipNoEndRecord);
  }
  SECTION("garbage where the second member should start") {
    auto opened = NpzArchive::open(archive);
    REQUIRE(opened.ok());
    const uint64_t second = opened->members().at(1).local_header_offset;
    Bytes broken = archive;
    broken[second] = std::byte{'X'};
    NpzStreamScreen screen_one(Limits{});
    const Status first = screen_one.feed(std::span(broken).first(second));
    CHECK(first.ok());
    const Status status = screen_one.feed(std::span(broken).subspan(second));
    CHECK(status.error().code == ErrorCode::ZipUnaccountedBytes);
    CHECK(status.error().offset == second);
    // Sticky: more input gets the same answer.
    CHECK(screen_one.feed(std::span(broken).first(4)).error().offset == second);
    CHECK(screen_one.finish().error().code == ErrorCode::ZipUnaccountedBytes);
  }
  SECTION("prepended bytes") {
    Bytes prefixed = {std::byte{'P'}, std::byte{'K'}, std::byte{3}, std::byte{3}};
    prefixed.insert(prefixed.end(), archive.begin(), archive.end());
    CHECK(screen(prefixed, 4096, Limits{}).error().code == ErrorCode::ZipPrependedData);
  }
  SECTION("a stream longer than max_streamed_archive_bytes") {
    Limits limits;
    limits.max_streamed_archive_bytes = archive.size() - 1;
    const Status status = screen(archive, 100, limits);
    CHECK(status.error().code == ErrorCode::StreamedArchiveTooLarge);
    limits.max_streamed_archive_bytes = archive.size();
    CHECK(screen(archive, 100, limits).ok());
  }
  SECTION("more members than max_members") {
    Limits limits;
    limits.max_members = 2;
    CHECK(screen(archive, 4096, limits).error().code == ErrorCode::TooManyMembers);
  }
  SECTION("a data descriptor member ends the screening, not the stream") {
    const Bytes streamed =
        read_file((kRoot / "tests/fixtures/npz/savez_compressed_nonseekable.npz").string());
    REQUIRE(open_and_validate(streamed, Limits{}).ok());
    Bytes longer = streamed;
    longer.push_back(std::byte{0});
    CHECK(screen(longer, 4096, Limits{}).ok());  // unscreened: only the reader can tell
  }
}

TEST_CASE("single-byte mutations: the screen refuses only what the reader refuses",
          "[npz][stream]") {
  size_t refused_by_screen = 0;
  for (const char* name : {"savez_compressed.npz", "savez_names.npz", "savez_nonseekable.npz",
                           "savez_empty.npz", "savez_zip64_end_record.npz"}) {
    INFO(name);
    const Bytes original = read_file((kRoot / "tests/fixtures/npz" / name).string());
    for (size_t at = 0; at < original.size(); ++at) {
      for (uint8_t delta : {uint8_t{1}, uint8_t{0x80}, uint8_t{0xFF}}) {
        Bytes mutated = original;
        mutated[at] = static_cast<std::byte>(static_cast<uint8_t>(mutated[at]) + delta);
        const Status screened = screen(mutated, 512, Limits{});
        if (screened.ok()) continue;
        ++refused_by_screen;
        INFO("byte " << at << " + " << int{delta} << ": " << describe(screened.error()));
        REQUIRE_FALSE(open_and_validate(mutated, Limits{}).ok());
      }
    }
  }
  CHECK(refused_by_screen > 100);
}
