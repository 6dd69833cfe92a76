// The .npz reader: every NumPy-written archive reads back with NumPy's values (stored, deflate,
// data descriptors, ZIP64 shapes, unicode names, zero and many members), and the limits and
// policies that need non-default settings (bombs with honest sizes, patterns, skipping) hold.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "npyguard/npz.h"
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
