// SPDX-License-Identifier: Apache-2.0
// Checked arithmetic at the uint64/int64/size_t edges: every helper must refuse the first value
// that would wrap and accept the last one that does not.
#include <cstdint>
#include <limits>
#include <vector>

#include "base/checked_math.h"
#include "support/catch.h"

using npyguard::detail::checked_add;
using npyguard::detail::checked_mul;
using npyguard::detail::checked_narrow;
using npyguard::detail::checked_product;
using npyguard::detail::checked_sub;

constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

TEST_CASE("checked_add at the uint64 edge", "[checked_math]") {
  CHECK(checked_add<uint64_t>(kMax64 - 1, 1) == kMax64);
  CHECK_FALSE(checked_add<uint64_t>(kMax64, 1).has_value());
  CHECK_FALSE(checked_add<uint64_t>(kMax64 / 2 + 1, kMax64 / 2 + 1).has_value());
  CHECK(checked_add<uint32_t>(0xFFFFFFFEu, 1) == 0xFFFFFFFFu);
  CHECK_FALSE(checked_add<uint32_t>(0xFFFFFFFFu, 1).has_value());
}

TEST_CASE("checked_sub refuses underflow", "[checked_math]") {
  CHECK(checked_sub<uint64_t>(5, 5) == 0u);
  CHECK_FALSE(checked_sub<uint64_t>(4, 5).has_value());
}

TEST_CASE("checked_mul at the uint64 edge", "[checked_math]") {
  CHECK(checked_mul<uint64_t>(uint64_t{1} << 32, (uint64_t{1} << 32) - 1) ==
        (uint64_t{1} << 32) * ((uint64_t{1} << 32) - 1));
  CHECK_FALSE(checked_mul<uint64_t>(uint64_t{1} << 32, uint64_t{1} << 32).has_value());
  CHECK_FALSE(checked_mul<uint64_t>(kMax64, 2).has_value());
  CHECK(checked_mul<uint64_t>(kMax64, 1) == kMax64);
  CHECK(checked_mul<uint64_t>(kMax64, 0) == 0u);
}

TEST_CASE("checked_product of shapes", "[checked_math]") {
  CHECK(checked_product({}) == 1u);  // 0-d array: one element
  std::vector<uint64_t> dims = {3, 4, 5};
  CHECK(checked_product(dims) == 60u);
  dims = {uint64_t{1} << 32, uint64_t{1} << 31};
  CHECK(checked_product(dims) == uint64_t{1} << 63);
  dims = {uint64_t{1} << 32, uint64_t{1} << 32};
  CHECK_FALSE(checked_product(dims).has_value());
  // A zero dimension must not hide an overflow among the other dimensions.
  dims = {0, uint64_t{1} << 40, uint64_t{1} << 40};
  CHECK_FALSE(checked_product(dims).has_value());
  dims = {uint64_t{1} << 40, 0, uint64_t{1} << 20};
  CHECK(checked_product(dims) == 0u);
}

TEST_CASE("checked_narrow between signed and unsigned", "[checked_math]") {
  CHECK(checked_narrow<int64_t>(uint64_t{std::numeric_limits<int64_t>::max()}) ==
        std::numeric_limits<int64_t>::max());
  CHECK_FALSE(checked_narrow<int64_t>(uint64_t{1} << 63).has_value());
  CHECK_FALSE(checked_narrow<uint64_t>(int64_t{-1}).has_value());
  CHECK(checked_narrow<uint32_t>(uint64_t{0xFFFFFFFF}) == 0xFFFFFFFFu);
  CHECK_FALSE(checked_narrow<uint32_t>(uint64_t{0x100000000}).has_value());
  CHECK_FALSE(checked_narrow<size_t>(int64_t{-5}).has_value());
  CHECK(checked_narrow<uint16_t>(65535) == 65535);
  CHECK_FALSE(checked_narrow<uint16_t>(65536).has_value());
}
