// SPDX-License-Identifier: Apache-2.0
// ByteReader: reads never pass the end, a failed read consumes nothing, positions are absolute.
#include <cstddef>
#include <vector>

#include "base/byte_reader.h"
#include "support/bytes.h"
#include "support/catch.h"

using npyguard::detail::ByteReader;
using npyguard::test::bytes_of;

TEST_CASE("little-endian integers are assembled byte by byte", "[byte_reader]") {
  const auto data = bytes_of("\x01\x02\x03\x04\x05\x06\x07\x08\x09");
  ByteReader reader(data, 100);
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  REQUIRE(reader.read_u16le(u16));
  CHECK(u16 == 0x0201);
  REQUIRE(reader.read_u32le(u32));
  CHECK(u32 == 0x06050403);
  CHECK(reader.position() == 106);
  uint64_t u64 = 0;
  CHECK_FALSE(reader.read_u64le(u64));  // only 3 bytes left
  CHECK(reader.position() == 106);      // the failed read consumed nothing
  CHECK(reader.remaining() == 3);
  uint8_t u8 = 0;
  REQUIRE(reader.read_u8(u8));
  CHECK(u8 == 7);
}

TEST_CASE("take and skip refuse lengths beyond the end", "[byte_reader]") {
  const auto data = bytes_of("abcdef");
  ByteReader reader(data);
  CHECK_FALSE(reader.take(7).has_value());
  CHECK_FALSE(reader.skip(SIZE_MAX));
  auto first = reader.take(2);
  REQUIRE(first.has_value());
  CHECK(first->size() == 2);
  CHECK(reader.peek_u8() == std::optional<uint8_t>(static_cast<uint8_t>(data[2])));
  CHECK(reader.position() == 2);  // peeking does not move
  CHECK(reader.skip(4));
  CHECK(reader.empty());
  CHECK_FALSE(reader.peek_u8().has_value());
}

TEST_CASE("sub readers stay inside their range and keep absolute offsets", "[byte_reader]") {
  const auto data = bytes_of("0123456789");
  ByteReader reader(data, 1000);
  CHECK_FALSE(reader.sub(5, 6).has_value());
  CHECK_FALSE(reader.sub(SIZE_MAX, 2).has_value());
  CHECK_FALSE(reader.sub(2, SIZE_MAX).has_value());
  auto sub = reader.sub(4, 3);
  REQUIRE(sub.has_value());
  CHECK(sub->position() == 1004);
  CHECK(sub->remaining() == 3);
  CHECK_FALSE(sub->skip(4));
}
