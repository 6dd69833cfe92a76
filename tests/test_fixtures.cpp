// SPDX-License-Identifier: Apache-2.0
// Every fixture NumPy wrote (tests/fixtures/make_npy_fixtures.py) is read back and compared with
// what NumPy recorded in manifest.tsv: version, descr, shape, order, sizes, a digest of the raw
// payload, and a digest of the values converted to C order and host byte order.
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "npyguard/npy.h"
#include "support/catch.h"
#include "support/digest.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

const std::string kFixtureDir = std::string(NPYGUARD_SOURCE_DIR) + "/tests/fixtures/npy/";

struct ManifestRow {
  std::string file, version, descr, shape, fortran, count, nbytes, payload_fnv, c_native_fnv;
};

std::vector<ManifestRow> read_manifest() {
  std::ifstream in(kFixtureDir + "manifest.tsv");
  std::vector<ManifestRow> rows;
  std::string line;
  std::getline(in, line);  // column names
  while (std::getline(in, line)) {
    const std::vector<std::string> cols = split_tabs(line);
    REQUIRE(cols.size() == 9);
    rows.push_back(
        {cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8]});
  }
  return rows;
}

}  // namespace

TEST_CASE("every NumPy-written fixture reads back with NumPy's values", "[fixtures]") {
  const auto rows = read_manifest();
  REQUIRE(rows.size() >= 100);
  Limits limits;
  limits.max_header_bytes = 1 << 20;  // one fixture has a 72 KB header (4000 fields)
  limits.max_header_chars = 1 << 20;
  limits.max_fields = 10000;
  for (const auto& row : rows) {
    INFO(row.file);
    for (auto access : {FileAccess::Mmap, FileAccess::Pread}) {
      auto array = read_npy_file(kFixtureDir + row.file, limits, access);
      if (!array.ok()) FAIL(describe(array.error()));
      const NpyInfo& info = array->info();
      CHECK(std::to_string(info.version_major) + ".0" == row.version);
      CHECK(info.descr() == row.descr);
      CHECK(shape_text(info.shape) == row.shape);
      CHECK((info.fortran_order ? "1" : "0") == row.fortran);
      CHECK(std::to_string(info.count) == row.count);
      CHECK(std::to_string(info.nbytes) == row.nbytes);
      CHECK(fnv1a64_hex(array->bytes()) == row.payload_fnv);
      auto native = array->to_native_byte_order();
      REQUIRE(native.ok());
      auto c_order = native->to_c_order();
      REQUIRE(c_order.ok());
      // NumPy widens S0 to S1 in its conversion, so an empty payload has no comparable digest.
      if (info.nbytes > 0) CHECK(fnv1a64_hex(c_order->bytes()) == row.c_native_fnv);
    }
    auto validated = validate_npy_file(kFixtureDir + row.file, limits);
    CHECK(validated.ok());
  }
}

TEST_CASE("the default header limit matches NumPy's: the 72 KB header is refused",
          "[fixtures][limits]") {
  auto result = validate_npy_file(kFixtureDir + "v2_header_4000_fields.npy");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::HeaderTooLarge);
}

TEST_CASE("bundled samples: one accepted, two refused", "[fixtures]") {
  const std::string dir = std::string(NPYGUARD_SOURCE_DIR) + "/samples/";
  CHECK(validate_npy_file(dir + "temperatures.npy").ok());
  CHECK(validate_npy_file(dir + "pickled_objects.npy").error().code == ErrorCode::ObjectDtype);
  CHECK(validate_npy_file(dir + "huge_shape.npy").error().code == ErrorCode::ArrayTooLarge);
}
