// SPDX-License-Identifier: Apache-2.0
// The payload scanner on its own (src/npy/payload_scan.h): which dtypes need a scan, that only
// bool and U bytes are looked at, the offset of the first bad byte (file-absolute), both byte
// orders of U, normalisation, and that the per-item walk (dtypes too big to plan) finds the same
// bytes as the plan.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "npy/payload_scan.h"
#include "npyguard/dtype.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using npyguard::detail::PayloadScanner;
using npyguard::test::Bytes;

namespace {

DType dtype_of(const std::string& descr) {
  auto parsed = parse_descr(descr, Limits{});
  if (!parsed.ok()) FAIL("descr " << descr << ": " << parsed.error().detail);
  return *parsed;
}

void put_u32(Bytes& bytes, size_t at, uint32_t value, bool big_endian) {
  for (size_t i = 0; i < 4; ++i) {
    const size_t shift = big_endian ? 8 * (3 - i) : 8 * i;
    bytes[at + i] = static_cast<std::byte>((value >> shift) & 0xFF);
  }
}

}  // namespace

TEST_CASE("payload scan: only dtypes holding bool or U bytes need one", "[payload_scan]") {
  for (const char* plain :
       {"'<f8'", "'<i4'", "'|S5'", "'|V8'", "'<M8[s]'", "[('a', '<i4'), ('b', '|S3')]"}) {
    INFO(plain);
    const DType dtype = dtype_of(plain);
    CHECK_FALSE(PayloadScanner(dtype).needed());
  }
  for (const char* scanned : {"'|b1'", "'<U2'", "'>U1'", "[('a', '<i4'), ('b', '|b1')]",
                              "[('a', [('b', '<U1', (2,))])]"}) {
    INFO(scanned);
    const DType dtype = dtype_of(scanned);
    CHECK(PayloadScanner(dtype).needed());
  }
}

TEST_CASE("payload scan: bool bytes other than 0 and 1, at their file offset", "[payload_scan]") {
  const DType dtype = dtype_of("'|b1'");
  const PayloadScanner scanner(dtype);
  Bytes items(100, std::byte{1});
  items[10] = std::byte{0};
  CHECK(scanner.scan(items, 128, Limits{}).ok());
  items[37] = std::byte{2};
  items[80] = std::byte{0xFF};
  const Status bad = scanner.scan(items, 128, Limits{});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::InvalidBool);
  CHECK(bad.error().offset == 128 + 37);  // the first bad byte, not the last
  // normalize_bool: accepted by the scan, rewritten by normalize_bools.
  Limits normalizing;
  normalizing.normalize_bool = true;
  CHECK(scanner.scan(items, 0, normalizing).ok());
  scanner.normalize_bools(items);
  CHECK(items[37] == std::byte{1});
  CHECK(items[80] == std::byte{1});
  CHECK(items[10] == std::byte{0});
}

TEST_CASE("payload scan: U code units must be Unicode scalar values, in either byte order",
          "[payload_scan]") {
  for (const bool big : {false, true}) {
    INFO((big ? "big-endian" : "little-endian"));
    const DType dtype = dtype_of(big ? "'>U2'" : "'<U2'");
    const PayloadScanner scanner(dtype);
    Bytes items(8 * 4);  // four items of two code units
    put_u32(items, 0, 'a', big);
    put_u32(items, 4, 0x10FFFF, big);  // the largest scalar value
    put_u32(items, 8, 0xD7FF, big);
    put_u32(items, 12, 0xE000, big);
    CHECK(scanner.scan(items, 0, Limits{}).ok());
    for (const uint32_t bad_unit :
         {uint32_t{0xD800}, uint32_t{0xDFFF}, uint32_t{0x110000}, uint32_t{0xFFFFFFFF}}) {
      Bytes broken = items;
      put_u32(broken, 20, bad_unit, big);
      const Status bad = scanner.scan(broken, 64, Limits{});
      REQUIRE_FALSE(bad.ok());
      CHECK(bad.error().code == ErrorCode::InvalidUnicode);
      CHECK(bad.error().offset == 64 + 20);
      Limits lenient;
      lenient.allow_invalid_unicode = true;
      CHECK(scanner.scan(broken, 64, lenient).ok());
    }
  }
}

TEST_CASE("payload scan: in a record only the bool and U bytes are looked at", "[payload_scan]") {
  // Item: i4 at 0, bool at 4, 3 padding bytes, U1 at 8 (12 bytes).
  const DType dtype = dtype_of("[('a', '<i4'), ('b', '|b1'), ('', '|V3'), ('c', '<U1')]");
  const PayloadScanner scanner(dtype);
  Bytes items(3 * 12, std::byte{0xFF});  // garbage everywhere...
  for (size_t item = 0; item < 3; ++item) {
    items[item * 12 + 4] = std::byte{1};        // ...but valid bools
    put_u32(items, item * 12 + 8, 'x', false);  // ...and valid code points
  }
  CHECK(scanner.scan(items, 0, Limits{}).ok());
  items[2 * 12 + 4] = std::byte{7};
  const Status bad = scanner.scan(items, 1000, Limits{});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::InvalidBool);
  CHECK(bad.error().offset == 1000 + 2 * 12 + 4);
}

TEST_CASE("payload scan: dtypes too big to plan are walked per item with the same verdicts",
          "[payload_scan]") {
  // A (1000, 1000) subarray of records, each a bool between two i2: a million runs per item,
  // far more than a plan may store.
  const DType dtype =
      dtype_of("[('r', [('x', '<i2'), ('flag', '|b1'), ('y', '<i2')], (1000, 1000))]");
  const PayloadScanner scanner(dtype);
  REQUIRE(scanner.needed());
  CHECK_FALSE(scanner.planned());
  // Planning gave up by its own bound, not after visiting the expansion.
  CHECK(scanner.build_steps() <= npyguard::detail::kMaxScanPlanVisits + 16);
  constexpr size_t kRecords = 1000 * 1000;
  const size_t itemsize = kRecords * 5;
  Bytes items(2 * itemsize, std::byte{0x55});
  for (size_t i = 0; i < 2 * kRecords; ++i) items[i * 5 + 2] = std::byte{0};
  CHECK(scanner.scan(items, 0, Limits{}).ok());
  const size_t bad_at = itemsize + 654321 * 5 + 2;  // item 1, record 654321, its flag
  items[bad_at] = std::byte{2};
  const Status bad = scanner.scan(items, 0, Limits{});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().offset == bad_at);
  scanner.normalize_bools(items);
  CHECK(items[bad_at] == std::byte{1});
  CHECK(items[bad_at - 1] == std::byte{0x55});  // the neighbouring i2 byte is untouched
}
