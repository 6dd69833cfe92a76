// SPDX-License-Identifier: Apache-2.0
// The .npz reader: every NumPy-written archive reads back with NumPy's values (stored, deflate,
// data descriptors, ZIP64 shapes, unicode names, zero and many members), and the limits and
// policies that need non-default settings (bombs with honest sizes, patterns, skipping) hold.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "npyguard/npz.h"
#include "npyguard/writer.h"
#include "support/bytes.h"
#include "support/catch.h"
#include "support/digest.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

const std::string kNpzDir = std::string(NPYGUARD_SOURCE_DIR) + "/tests/fixtures/npz/";

struct Row {
  std::string file, member, descr, shape, fortran, count, nbytes, payload_fnv;
};

std::vector<Row> read_manifest() {
  std::ifstream in(kNpzDir + "manifest.tsv");
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const std::vector<std::string> cols = split_tabs(line);
    REQUIRE(cols.size() == 8);
    rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7]});
  }
  return rows;
}

}  // namespace

TEST_CASE("every NumPy-written archive reads back with NumPy's values", "[npz]") {
  const auto rows = read_manifest();
  REQUIRE(rows.size() >= 10);
  std::map<std::string, std::vector<const Row*>> by_file;
  for (const Row& row : rows) by_file[row.file].push_back(&row);
  for (const auto& [file, members] : by_file) {
    INFO(file);
    const Bytes bytes = read_file(kNpzDir + file);
    CHECK(looks_like_npz(bytes));
    auto from_memory = NpzArchive::open(bytes);
    auto from_file = NpzArchive::open_file(kNpzDir + file);
    if (!from_memory.ok()) FAIL(describe(from_memory.error()));
    REQUIRE(from_file.ok());
    for (const NpzArchive* archive : {&*from_memory, &*from_file}) {
      const size_t expected_members = members.front()->member.empty() ? 0 : members.size();
      REQUIRE(archive->members().size() == expected_members);
      auto all = archive->validate_all();
      if (!all.ok()) FAIL(describe(all.error()));
      CHECK(all->size() == expected_members);
      for (const Row* row : members) {
        if (row->member.empty()) continue;
        INFO(row->member);
        auto array = archive->read(row->member);
        if (!array.ok()) FAIL(describe(array.error()));
        CHECK(array->info().descr() == row->descr);
        CHECK(shape_text(array->shape()) == row->shape);
        CHECK((array->fortran_order() ? "1" : "0") == row->fortran);
        CHECK(std::to_string(array->count()) == row->count);
        CHECK(std::to_string(array->nbytes()) == row->nbytes);
        CHECK(fnv1a64_hex(array->bytes()) == row->payload_fnv);
        // The same member by its key (name without .npy).
        const NpzMember* member = archive->find(row->member);
        REQUIRE(member != nullptr);
        CHECK(archive->find(member->key) == member);
      }
    }
  }
}

TEST_CASE("member lookups and skipped members", "[npz]") {
  const Bytes bytes = read_file(kNpzDir + "savez_stored.npz");
  auto archive = NpzArchive::open(bytes);
  REQUIRE(archive.ok());
  CHECK(archive->read("no_such_member").error().code == ErrorCode::ZipMemberNotFound);
  CHECK(archive->read(size_t{100000}).error().code == ErrorCode::ZipMemberNotFound);
  CHECK(archive->find("no_such_member") == nullptr);
}

TEST_CASE("skipped non-.npy members are listed but cannot be read", "[npz][limits]") {
  const Bytes bytes = read_file(std::string(NPYGUARD_SOURCE_DIR) +
                                "/corpus/expect/fail_zip_not_npy_member__text_file.npz");
  CHECK(NpzArchive::open(bytes).error().code == ErrorCode::ZipNotNpyMember);
  Limits limits;
  limits.skip_non_npy_members = true;
  auto archive = NpzArchive::open(bytes, limits);
  if (!archive.ok()) FAIL(describe(archive.error()));
  size_t skipped = 0;
  for (size_t i = 0; i < archive->members().size(); ++i) {
    if (!archive->members()[i].skipped) continue;
    ++skipped;
    const auto refused = archive->read(i);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::ZipNotNpyMember);
    CHECK(refused.error().member == i);
    CHECK(archive->validate(i).error().code == ErrorCode::ZipNotNpyMember);
  }
  CHECK(skipped == 1);
  auto infos = archive->validate_all();
  REQUIRE(infos.ok());
  CHECK(infos->size() == archive->members().size() - 1);
}

TEST_CASE("a member skipped for its name but holding .npy data is still validated", "[npz]") {
  // NumPy parses any member whose data starts with the .npy magic; data.bin holds object dtype.
  const Bytes bytes =
      read_file(std::string(NPYGUARD_SOURCE_DIR) +
                "/corpus/expect/fail_zip_not_npy_member__npy_content_other_name.npz");
  Limits limits;
  limits.skip_non_npy_members = true;
  auto archive = NpzArchive::open(bytes, limits);
  if (!archive.ok()) FAIL(describe(archive.error()));
  REQUIRE(archive->members().size() == 2);
  CHECK_FALSE(archive->members()[1].skipped);
  CHECK(archive->members()[1].key == "data.bin");  // NpzFile.files keeps the full name
  const auto all = archive->validate_all();
  REQUIRE_FALSE(all.ok());
  CHECK(all.error().code == ErrorCode::ObjectDtype);
  CHECK(all.error().member == 1);
  CHECK(archive->read("data.bin").error().code == ErrorCode::ObjectDtype);
}

TEST_CASE("keys that are another member's full name are refused", "[npz]") {
  for (const char* name : {"fail_zip_key_shadows_member__npy_npy.npz",
                           "fail_zip_key_shadows_member__savez_keys.npz"}) {
    const Bytes bytes = read_file(std::string(NPYGUARD_SOURCE_DIR) + "/corpus/expect/" + name);
    const auto archive = NpzArchive::open(bytes);
    REQUIRE_FALSE(archive.ok());
    CHECK(archive.error().code == ErrorCode::ZipKeyShadowsMember);
  }
}

TEST_CASE("a large deflate member with trailing data reads when trailing data is allowed",
          "[npz][limits]") {
  // Larger than 12 + max_header_bytes + max_array_bytes: the whole-member path is not taken, and
  // read() used to report that as `internal` instead of reading the member by streaming.
  const Bytes bytes =
      read_file(std::string(NPYGUARD_SOURCE_DIR) +
                "/corpus/expect/fail_zip_member_size_mismatch__deflate_trailing_beyond_limits.npz");
  CHECK(NpzArchive::open(bytes).value().read(0).error().code == ErrorCode::ZipMemberSizeMismatch);
  Limits limits;
  limits.allow_trailing_data = true;
  limits.max_array_bytes = 64;
  limits.max_header_bytes = 10000;  // the member must be too large for the whole-member path
  auto archive = NpzArchive::open(bytes, limits);
  REQUIRE(archive.ok());
  REQUIRE(archive->members().at(0).uncompressed_size > 12 + limits.max_header_bytes + 64);
  const auto array = archive->read(0);
  if (!array.ok()) FAIL(describe(array.error()));
  CHECK(array->shape() == std::vector<uint64_t>{16});
  CHECK(archive->validate(0).ok());
}

TEST_CASE("one inflater, one verdict: a stream only libdeflate decodes is refused on every path",
          "[npz]") {
  // Distance symbol 30 in a fixed-Huffman block: zlib refuses it, libdeflate 1.14 did not.
  const Bytes bytes =
      read_file(std::string(NPYGUARD_SOURCE_DIR) +
                "/corpus/expect/fail_inflate_corrupt__fixed_huffman_distance_symbol_30.npz");
  auto archive = NpzArchive::open(bytes);
  REQUIRE(archive.ok());
  CHECK(archive->read(0).error().code == ErrorCode::InflateCorrupt);
  CHECK(archive->validate(0).error().code == ErrorCode::InflateCorrupt);
  const auto all = archive->read_all(2);
  REQUIRE_FALSE(all.ok());
  CHECK(all.error().code == ErrorCode::InflateCorrupt);
  Bytes out(25804);  // the payload: 25,804 zero bytes
  CHECK(archive->read_into(0, out).error().code == ErrorCode::InflateCorrupt);
}

// A stored member of exactly 0x08074B50 bytes whose CRC-32 is 0x08074B50, followed by a signed
// 32-bit data descriptor: read with the signature it is (sig, crc, csize, usize); read without,
// (crc, csize, usize) starting at the signature agrees with the directory too. The member is a
// hole in a sparse file, so the test costs no disk space; the directory is all that is read.
TEST_CASE("a data descriptor that reads two ways is refused", "[npz]") {
  constexpr uint64_t kSize = 0x08074B50;
  const auto build = [&](bool with_signature) {
    Bytes local;
    append(local, "PK\x03\x04");
    append_le(local, 20, 2);
    append_le(local, 8, 2);   // flags: data descriptor
    append_le(local, 0, 2);   // stored
    append_le(local, 0, 4);   // time, date
    append_le(local, 0, 12);  // crc, sizes: in the descriptor
    append_le(local, 5, 2);
    append_le(local, 0, 2);
    append(local, "a.npy");
    Bytes tail;
    if (with_signature) append(tail, "PK\x07\x08");
    append_le(tail, kSize, 4);  // the CRC-32 the test declares
    append_le(tail, kSize, 4);
    append_le(tail, kSize, 4);
    const uint64_t directory_offset = local.size() + kSize + tail.size();
    Bytes central;
    append(central, "PK\x01\x02");
    append_le(central, 20, 2);
    append_le(central, 20, 2);
    append_le(central, 8, 2);
    append_le(central, 0, 2);
    append_le(central, 0, 4);
    append_le(central, kSize, 4);
    append_le(central, kSize, 4);
    append_le(central, kSize, 4);
    append_le(central, 5, 2);
    append_le(central, 0, 12);  // extra, comment, disk, internal and external attributes
    append_le(central, 0, 4);   // local header offset
    append(central, "a.npy");
    const size_t directory_size = central.size();
    append(tail, central);
    append(tail, "PK\x05\x06");
    append_le(tail, 0, 4);
    append_le(tail, 1, 2);
    append_le(tail, 1, 2);
    append_le(tail, directory_size, 4);
    append_le(tail, directory_offset, 4);
    append_le(tail, 0, 2);
    const std::string path = std::filesystem::temp_directory_path() /
                             ("npyguard_descriptor_" + std::to_string(::getpid()) + ".npz");
    {
      std::ofstream out(path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(local.data()),  // NOLINT: byte view
                static_cast<std::streamsize>(local.size()));
      out.seekp(static_cast<std::streamoff>(local.size() + kSize));
      out.write(reinterpret_cast<const char*>(tail.data()),  // NOLINT: byte view
                static_cast<std::streamsize>(tail.size()));
    }
    auto archive = NpzArchive::open_file(path);
    std::filesystem::remove(path);
    return archive;
  };
  const auto ambiguous = build(true);
  REQUIRE_FALSE(ambiguous.ok());
  CHECK(ambiguous.error().code == ErrorCode::ZipBadDataDescriptor);
  CHECK(ambiguous.error().offset == 35 + kSize);
  // Without the signature only one reading agrees: the directory is accepted (the CRC is only
  // checked when the member is read).
  const auto bare = build(false);
  if (!bare.ok()) FAIL(describe(bare.error()));
  CHECK(bare->members().at(0).uncompressed_size == kSize);
}

TEST_CASE("member-name patterns are RE2, full match", "[npz][limits]") {
  const Bytes bytes = read_file(kNpzDir + "savez_stored.npz");
  auto plain = NpzArchive::open(bytes);
  REQUIRE(plain.ok());
  REQUIRE_FALSE(plain->members().empty());
  Limits limits;
  limits.member_patterns = {".*\\.npy"};
  CHECK(NpzArchive::open(bytes, limits).ok());
  limits.member_patterns = {"nothing_matches"};
  auto refused = NpzArchive::open(bytes, limits);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::ZipMemberNameRejected);
  CHECK(refused.error().member == 0);
  limits.member_patterns = {"(unclosed"};
  CHECK(NpzArchive::open(bytes, limits).error().code == ErrorCode::ZipBadMemberPattern);
  // A pattern that would backtrack exponentially in other engines is linear in RE2.
  limits.member_patterns = {"(a+)+$"};
  CHECK(NpzArchive::open(bytes, limits).error().code == ErrorCode::ZipMemberNameRejected);
}

TEST_CASE("an error from opening an archive can name its entry", "[npz]") {
  const std::string expect = std::string(NPYGUARD_SOURCE_DIR) + "/corpus/expect/";
  const Bytes text_member = read_file(expect + "fail_zip_not_npy_member__text_file.npz");
  const auto refused = NpzArchive::open(text_member);
  REQUIRE(refused.error().code == ErrorCode::ZipNotNpyMember);
  REQUIRE(refused.error().member != kNoMember);
  const auto name = npz_entry_name(text_member, refused.error().member);
  REQUIRE(name.ok());
  CHECK_FALSE(name->ends_with(".npy"));
  CHECK(npz_entry_name(expect + "fail_zip_not_npy_member__text_file.npz", refused.error().member)
            .value() == *name);

  // Names the reader refuses come back as stored, bytes and all.
  const Bytes invalid = read_file(expect + "fail_zip_unsafe_name__invalid_utf8.npz");
  const auto unsafe = NpzArchive::open(invalid);
  REQUIRE(unsafe.error().code == ErrorCode::ZipUnsafeName);
  CHECK(npz_entry_name(invalid, unsafe.error().member).value() == "a\xff.npy");
  const Bytes control = read_file(expect + "fail_zip_unsafe_name__control_char.npz");
  CHECK(npz_entry_name(control, NpzArchive::open(control).error().member).value() == "a\nb.npy");

  // An entry whose own header is broken has no name to give; later ones are never reached.
  const Bytes bad_signature = read_file(expect + "fail_zip_bad_central_entry__bad_signature.npz");
  const auto broken = NpzArchive::open(bad_signature);
  REQUIRE(broken.error().code == ErrorCode::ZipBadCentralEntry);
  CHECK(npz_entry_name(bad_signature, broken.error().member).error().code ==
        ErrorCode::ZipBadCentralEntry);
  CHECK(npz_entry_name(bad_signature, 0).ok());

  // The name is held to max_member_name_bytes, and the index to the archive's entries.
  const Bytes stored = read_file(kNpzDir + "savez_stored.npz");
  Limits limits;
  limits.max_member_name_bytes = 3;
  CHECK(npz_entry_name(stored, 0, limits).error().code == ErrorCode::MemberNameTooLong);
  CHECK(npz_entry_name(stored, 0).value() == "f8_2x3.npy");
  CHECK(npz_entry_name(stored, 1000).error().code == ErrorCode::ZipMemberNotFound);
  // More entries than max_members is the archive's fault (a limit), not a caller's bad index.
  Limits few;
  few.max_members = 1;
  CHECK(npz_entry_name(stored, 0, few).error().code == ErrorCode::TooManyMembers);
  CHECK(npz_entry_name(Bytes(10), 0).error().code == ErrorCode::ZipNoEndRecord);
  for (size_t cut = 0; cut < stored.size(); cut += 7) {
    const Bytes prefix(stored.begin(), stored.begin() + static_cast<std::ptrdiff_t>(cut));
    CHECK_FALSE(npz_entry_name(prefix, 0).ok());
  }
}

TEST_CASE("archive limit errors carry the numbers they compare", "[npz][limits]") {
  const Bytes many = read_file(kNpzDir + "savez_many_members.npz");
  Limits limits;
  limits.max_members = 10;
  const auto too_many = NpzArchive::open(many, limits);
  REQUIRE(too_many.error().code == ErrorCode::TooManyMembers);
  CHECK(error_facts(too_many.error()).limit == 10u);
  CHECK(error_facts(too_many.error()).found > 10u);
  const Bytes stored = read_file(kNpzDir + "savez_stored.npz");
  limits = Limits{};
  limits.max_total_uncompressed = 100;
  const auto total = NpzArchive::open(stored, limits);
  REQUIRE(total.error().code == ErrorCode::TotalUncompressedTooLarge);
  CHECK(error_facts(total.error()).limit == 100u);
  CHECK(error_facts(total.error()).found > 100u);
  CHECK(describe(total.error()).find("max_total_uncompressed is 100 (") != std::string::npos);
}

TEST_CASE("archive limits: member count and total size", "[npz][limits]") {
  const Bytes many = read_file(kNpzDir + "savez_many_members.npz");
  Limits limits;
  limits.max_members = 10;
  CHECK(NpzArchive::open(many, limits).error().code == ErrorCode::TooManyMembers);
  const Bytes stored = read_file(kNpzDir + "savez_stored.npz");
  limits = Limits{};
  limits.max_total_uncompressed = 100;
  CHECK(NpzArchive::open(stored, limits).error().code == ErrorCode::TotalUncompressedTooLarge);
  limits = Limits{};
  limits.max_member_name_bytes = 3;
  CHECK(NpzArchive::open(stored, limits).error().code == ErrorCode::MemberNameTooLong);
}

TEST_CASE("whole-archive reads hold at most max_total_header_bytes of headers", "[npz][limits]") {
  // savez_stored.npz: nine members whose headers NumPy writes 118 bytes long (padded to 128
  // with the preamble).
  const Bytes stored = read_file(kNpzDir + "savez_stored.npz");
  auto plain = NpzArchive::open(stored);
  REQUIRE(plain.ok());
  auto infos = plain->validate_all();
  REQUIRE(infos.ok());
  REQUIRE(infos->size() == 9);
  uint64_t sum_of_first_four = 0;
  for (size_t i = 0; i < 4; ++i) sum_of_first_four += (*infos)[i].header_length;

  Limits limits;
  limits.max_total_header_bytes = sum_of_first_four;  // exactly four members fit
  auto archive = NpzArchive::open(stored, limits);
  REQUIRE(archive.ok());
  const Error refused = archive->validate_all().error();
  CHECK(refused.code == ErrorCode::TotalHeaderTooLarge);
  CHECK(refused.member == 4);
  for (unsigned threads : {1u, 2u, 8u}) {
    INFO(threads);
    const auto loaded = archive->read_all(threads);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::TotalHeaderTooLarge);
    CHECK(loaded.error().member == 4);
  }
  // One member at a time is not a whole-archive read: each stays readable.
  CHECK(archive->validate(8).ok());
  CHECK(archive->read(8).ok());

  // validate_each hands over the first four, then stops with the same verdict.
  std::vector<size_t> visited;
  const Status walked = archive->validate_each([&](size_t index, NpyInfo&& info) {
    visited.push_back(index);
    CHECK(info.header_length > 0);
    return ok_status();
  });
  CHECK(walked.error().code == ErrorCode::TotalHeaderTooLarge);
  CHECK(visited == std::vector<size_t>{0, 1, 2, 3});
  // A visitor's own error stops the walk and comes back unchanged.
  visited.clear();
  const Status stopped = plain->validate_each([&](size_t index, NpyInfo&&) -> Status {
    visited.push_back(index);
    if (index == 1) return Error{.code = ErrorCode::OutOfMemory, .detail = "visitor"};
    return ok_status();
  });
  CHECK(stopped.error().code == ErrorCode::OutOfMemory);
  CHECK(visited == std::vector<size_t>{0, 1});

  limits.max_total_header_bytes = 0;
  CHECK(NpzArchive::open(stored, limits).error().code == ErrorCode::InvalidLimits);
}

TEST_CASE("read_all loads members in parallel with read()'s results", "[npz]") {
  // savez_empty.npz: no members, so no helper threads (a count of zero once asked for 2^32 - 1).
  for (const char* name : {"savez_compressed.npz", "savez_stored.npz", "savez_many_members.npz",
                           "savez_compressed_nonseekable.npz", "savez_empty.npz"}) {
    const std::string path = kNpzDir + name;
    INFO(name);
    auto archive = NpzArchive::open_file(path);
    REQUIRE(archive.ok());
    for (unsigned threads : {0u, 1u, 3u}) {
      auto all = archive->read_all(threads);
      REQUIRE(all.ok());
      size_t next = 0;
      for (size_t i = 0; i < archive->members().size(); ++i) {
        if (archive->members()[i].skipped) continue;
        auto one = archive->read(i);
        REQUIRE(one.ok());
        REQUIRE(next < all->size());
        const Array& parallel = (*all)[next++];
        CHECK(parallel.info().descr() == one->info().descr());
        CHECK(std::equal(parallel.bytes().begin(), parallel.bytes().end(), one->bytes().begin(),
                         one->bytes().end()));
      }
      CHECK(next == all->size());
    }
  }

  // Six deflate members, the fourth and sixth corrupted after writing: every thread count
  // reports the fourth member's error, exactly as read(3) does.
  DType f8{.kind = DTypeKind::Float, .byte_order = ByteOrder::Little, .itemsize = 8};
  const std::vector<uint64_t> shape = {4096};
  Bytes payload(4096 * 8);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::byte>(i % 61);
  std::vector<NpzWriteMember> members;
  for (int i = 0; i < 6; ++i) {
    members.push_back({.key = "m" + std::to_string(i),
                       .array = {.dtype = &f8, .shape = shape, .bytes = payload}});
  }
  auto bytes = encode_npz(members, {.compression = NpzCompression::Deflate});
  REQUIRE(bytes.ok());
  auto clean = NpzArchive::open(*bytes);
  REQUIRE(clean.ok());
  for (size_t broken : {size_t{5}, size_t{3}}) {
    const NpzMember& member = clean->members()[broken];
    (*bytes)[member.data_offset + member.compressed_size / 2] ^= std::byte{0x55};
  }
  auto archive = NpzArchive::open(*bytes);
  REQUIRE(archive.ok());
  const auto expected = archive->read(3);
  REQUIRE_FALSE(expected.ok());
  for (unsigned threads : {1u, 2u, 6u}) {
    auto all = archive->read_all(threads);
    REQUIRE_FALSE(all.ok());
    CHECK(all.error().member == 3);
    CHECK(all.error().code == expected.error().code);
    CHECK(all.error().offset == expected.error().offset);
  }
}

TEST_CASE("read_into fills a caller's buffer with a member, end and CRC verified", "[npz]") {
  for (const char* name :
       {"savez_compressed.npz", "savez_stored.npz", "savez_compressed_nonseekable.npz"}) {
    INFO(name);
    auto archive = NpzArchive::open_file(kNpzDir + name);
    REQUIRE(archive.ok());
    for (size_t i = 0; i < archive->members().size(); ++i) {
      auto whole = archive->read(i);
      REQUIRE(whole.ok());
      Bytes out(whole->nbytes());
      auto info = archive->read_into(i, out);
      REQUIRE(info.ok());
      CHECK(info->descr() == whole->info().descr());
      CHECK(std::equal(out.begin(), out.end(), whole->bytes().begin(), whole->bytes().end()));
      Bytes wrong(whole->nbytes() + 1);
      CHECK(archive->read_into(i, wrong).error().code == ErrorCode::ArraySizeMismatch);
    }
  }
  // A corrupted deflate member: the CRC (or the stream) fails, with the member's index.
  DType u4{.kind = DTypeKind::UnsignedInt, .byte_order = ByteOrder::Little, .itemsize = 4};
  const std::vector<uint64_t> shape = {2048};
  Bytes payload(2048 * 4);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::byte>(i % 7);
  const std::vector<NpzWriteMember> members = {
      {.key = "x", .array = {.dtype = &u4, .shape = shape, .bytes = payload}}};
  for (auto compression : {NpzCompression::Stored, NpzCompression::Deflate}) {
    auto bytes = encode_npz(members, {.compression = compression});
    REQUIRE(bytes.ok());
    auto clean = NpzArchive::open(*bytes);
    REQUIRE(clean.ok());
    const NpzMember& member = clean->members()[0];
    (*bytes)[member.data_offset + member.compressed_size - 3] ^= std::byte{0x10};
    auto archive = NpzArchive::open(*bytes);
    REQUIRE(archive.ok());
    Bytes out(payload.size());
    auto refused = archive->read_into(0, out);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().member == 0);
    CHECK(refused.error().code == archive->read(0).error().code);
  }
}

TEST_CASE("a deflate member larger than the array limits is refused like the streaming path",
          "[npz][limits]") {
  // The whole-member path must not size a buffer beyond what the limits allow a member to be;
  // such members go through the streaming reader, which refuses the header first.
  DType f8{.kind = DTypeKind::Float, .byte_order = ByteOrder::Little, .itemsize = 8};
  const std::vector<uint64_t> shape = {4096};
  const Bytes payload(4096 * 8, std::byte{0});
  const std::vector<NpzWriteMember> members = {
      {.key = "big", .array = {.dtype = &f8, .shape = shape, .bytes = payload}}};
  auto bytes = encode_npz(members, {.compression = NpzCompression::Deflate});
  REQUIRE(bytes.ok());
  Limits limits;
  limits.max_array_bytes = 1024;
  auto archive = NpzArchive::open(*bytes, limits);
  REQUIRE(archive.ok());
  const auto read = archive->read(0);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::ArrayTooLarge);
  CHECK(read.error().code == archive->validate(0).error().code);
  CHECK(read.error().offset == archive->validate(0).error().offset);
}

namespace {

const std::string kExpectDir = std::string(NPYGUARD_SOURCE_DIR) + "/corpus/expect/";

uint64_t total_uncompressed(const NpzArchive& archive) {
  uint64_t total = 0;
  for (const NpzMember& member : archive.members()) total += member.uncompressed_size;
  return total;
}

}  // namespace

TEST_CASE("the default amplification budget refuses 4 GiB declared by a 722-byte archive",
          "[npz][limits]") {
  // Four members each declaring 1 GiB from 1 MiB (the ratio zeros reach, under
  // max_compression_ratio): the directory of an honest 4 MB bomb, data left out.
  const std::string path =
      kExpectDir + "fail_archive_amplification_exceeded__4_gib_declared_in_1_kib.npz";
  const Bytes bytes = read_file(path);
  for (const auto& refused : {NpzArchive::open(bytes), NpzArchive::open_file(path)}) {
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::ArchiveAmplificationExceeded);
    CHECK(error_category(refused.error().code) == ErrorCategory::LimitExceeded);
    // The first member fits the 1 GiB floor; the second takes the sum past it, and the error
    // says by how much.
    CHECK(refused.error().member == 1);
    CHECK(refused.error().bound == uint64_t{1} << 30);
    CHECK(refused.error().found > uint64_t{2} << 29);
    CHECK(describe(refused.error()).find("the budget for this archive is 1073741824") !=
          std::string::npos);
  }
  // Decided on the declared sizes before any local header is read: with the budget out of the
  // way, the next check finds the missing data.
  constexpr uint64_t kDeclared = uint64_t{4} << 30;
  Limits loose;
  loose.max_amplification_factor = static_cast<uint32_t>(kDeclared / bytes.size());
  CHECK(NpzArchive::open(bytes, loose).error().code == ErrorCode::ArchiveAmplificationExceeded);
  loose.max_amplification_factor += 1;  // now factor x size >= 4 GiB
  CHECK(NpzArchive::open(bytes, loose).error().code == ErrorCode::ZipBadLocalHeader);
  CHECK(NpzArchive::open(bytes, Limits::trusted_local_files()).error().code ==
        ErrorCode::ZipBadLocalHeader);
  loose = Limits{};
  loose.amplification_floor_bytes = kDeclared;  // exactly the declared total
  CHECK(NpzArchive::open(bytes, loose).error().code == ErrorCode::ZipBadLocalHeader);
  loose.amplification_floor_bytes -= 1;
  CHECK(NpzArchive::open(bytes, loose).error().code == ErrorCode::ArchiveAmplificationExceeded);
}

TEST_CASE("an honest small bomb passes the default budget and is refused below it",
          "[npz][limits]") {
  // a.npy, then 16 MiB of zeros deflated at level 9 into about 16 KB.
  const std::string path = kExpectDir + "pass_deflate_zeros_16_mib.npz";
  const Bytes bytes = read_file(path);
  auto plain = NpzArchive::open(bytes);
  if (!plain.ok()) FAIL(describe(plain.error()));
  const uint64_t total = total_uncompressed(*plain);
  const uint64_t size = bytes.size();
  REQUIRE(total > (uint64_t{16} << 20));
  REQUIRE(total / size > 1000);  // a ratio no per-member check refuses
  CHECK(plain->read_all(2).ok());
  CHECK(plain->validate_all().ok());

  // Floor below the total: the factor decides, to the byte.
  Limits limits;
  limits.amplification_floor_bytes = uint64_t{1} << 20;
  const auto at_factor = [&](uint64_t factor) {
    limits.max_amplification_factor = static_cast<uint32_t>(factor);
    return NpzArchive::open(bytes, limits);
  };
  const auto refused = at_factor((total - 1) / size);  // factor x size < total
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::ArchiveAmplificationExceeded);
  CHECK(refused.error().member == 1);  // zeros.npy takes the sum past the budget
  CHECK(at_factor(64).error().code == ErrorCode::ArchiveAmplificationExceeded);
  CHECK(NpzArchive::open_file(path, limits).error().code ==
        ErrorCode::ArchiveAmplificationExceeded);
  auto accepted = at_factor((total + size - 1) / size);  // factor x size >= total
  if (!accepted.ok()) FAIL(describe(accepted.error()));
  // Every path starts from an opened archive, so a refused one can be neither read nor
  // validated; one accepted under the raised factor reads in full on every path.
  CHECK(accepted->read("zeros").ok());
  CHECK(accepted->read_all(2).ok());
  size_t visited = 0;
  CHECK(accepted
            ->validate_each([&](size_t, NpyInfo&&) {
              ++visited;
              return ok_status();
            })
            .ok());
  CHECK(visited == 2);

  // Factor 0: the floor alone, to the byte.
  limits.max_amplification_factor = 0;
  limits.amplification_floor_bytes = total;
  CHECK(NpzArchive::open(bytes, limits).ok());
  limits.amplification_floor_bytes = total - 1;
  CHECK(NpzArchive::open(bytes, limits).error().code == ErrorCode::ArchiveAmplificationExceeded);
  limits.amplification_floor_bytes = 0;
  CHECK(NpzArchive::open(bytes, limits).error().code == ErrorCode::InvalidLimits);
  // Floor 0 with a factor is a purely proportional budget.
  limits.max_amplification_factor = 64;
  CHECK(NpzArchive::open(bytes, limits).error().code == ErrorCode::ArchiveAmplificationExceeded);

  // max_total_uncompressed stays the absolute cap, checked first.
  limits = Limits{};
  limits.max_total_uncompressed = total - 1;
  CHECK(NpzArchive::open(bytes, limits).error().code == ErrorCode::TotalUncompressedTooLarge);
}

TEST_CASE("every real archive passes the default amplification budget", "[npz][limits]") {
  std::vector<std::string> paths;
  for (const auto& dir : {kNpzDir, kExpectDir}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      const bool archive = name.size() > 4 && name.substr(name.size() - 4) == ".npz";
      if (archive && (dir == kNpzDir || name.rfind("pass_", 0) == 0)) {
        paths.push_back(entry.path().string());
      }
    }
  }
  REQUIRE(paths.size() > 20);
  for (const std::string& path : paths) {
    INFO(path);
    const auto archive = NpzArchive::open_file(path);
    if (!archive.ok()) FAIL(describe(archive.error()));
    CHECK(total_uncompressed(*archive) <=
          Limits{}.amplification_budget(std::filesystem::file_size(path)));
  }
}

TEST_CASE("the amplification budget saturates instead of overflowing", "[npz][limits]") {
  Limits limits;
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  CHECK(limits.amplification_budget(0) == kGiB);
  CHECK(limits.amplification_budget(uint64_t{1} << 20) == kGiB);  // 64 MiB: the floor wins
  CHECK(limits.amplification_budget(uint64_t{16} << 20) == kGiB);
  CHECK(limits.amplification_budget((uint64_t{16} << 20) + 1) == kGiB + 64);
  CHECK(limits.amplification_budget(uint64_t{1} << 30) == uint64_t{64} << 30);
  // 64 x 2^58 is 2^64: one past the largest product.
  CHECK(limits.amplification_budget((uint64_t{1} << 58) - 1) == kMax - 63);
  CHECK(limits.amplification_budget(uint64_t{1} << 58) == kMax);
  CHECK(limits.amplification_budget(kMax) == kMax);
  limits.max_amplification_factor = std::numeric_limits<uint32_t>::max();
  // (2^32 - 1) x 2^32 still fits; x 2^33 does not.
  CHECK(limits.amplification_budget(uint64_t{1} << 32) == kMax - ((uint64_t{1} << 32) - 1));
  CHECK(limits.amplification_budget(uint64_t{1} << 33) == kMax);
  limits.max_amplification_factor = 0;
  CHECK(limits.amplification_budget(kMax) == kGiB);
}

TEST_CASE(
    "canned limits: untrusted_uploads is the defaults, trusted_local_files loosens only "
    "resources",
    "[npz][limits]") {
  const Limits defaults;
  const Limits untrusted = Limits::untrusted_uploads();
  CHECK(untrusted == defaults);
  CHECK(untrusted.amplification_floor_bytes == uint64_t{1} << 30);
  CHECK(untrusted.max_amplification_factor == 64);
  Limits changed = defaults;
  changed.max_amplification_factor = 65;
  CHECK_FALSE(changed == defaults);
  changed = defaults;
  changed.member_patterns = {"x"};
  CHECK_FALSE(changed == defaults);

  const Limits trusted = Limits::trusted_local_files();
  CHECK(trusted.validate().ok());
  CHECK(Limits::for_fuzzing().validate().ok());
  CHECK(untrusted.validate().ok());
  CHECK(trusted.max_array_bytes > defaults.max_array_bytes);
  CHECK(trusted.max_total_uncompressed > defaults.max_total_uncompressed);
  CHECK(trusted.max_streamed_archive_bytes > defaults.max_streamed_archive_bytes);
  CHECK(trusted.amplification_budget(1) >= trusted.max_compression_ratio);
  // Only resource limits move: with those put back, it is the defaults again.
  Limits policy = trusted;
  policy.max_array_bytes = defaults.max_array_bytes;
  policy.max_total_uncompressed = defaults.max_total_uncompressed;
  policy.max_streamed_archive_bytes = defaults.max_streamed_archive_bytes;
  policy.max_amplification_factor = defaults.max_amplification_factor;
  CHECK(policy == defaults);

  // The 16 MiB zeros archive refused under a lowered floor opens under trusted_local_files with
  // that same floor: the factor no longer binds.
  const Bytes bytes = read_file(kExpectDir + "pass_deflate_zeros_16_mib.npz");
  Limits trusted_low_floor = trusted;
  trusted_low_floor.amplification_floor_bytes = uint64_t{1} << 20;
  CHECK(NpzArchive::open(bytes, trusted_low_floor).ok());
}
