// SPDX-License-Identifier: Apache-2.0
// CRC-32 (src/crc32.h): known answers computed by Python's zlib, chunking, empty input, and
// every kernel this CPU has against libdeflate's for lengths around the fold's edges, unaligned
// starts and running values.
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "codec/crc32.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;
using detail::Crc32Kernel;

namespace {

const Crc32Kernel kAllKernels[] = {Crc32Kernel::Auto, Crc32Kernel::Libdeflate,
                                   Crc32Kernel::Vpclmul256, Crc32Kernel::Vpclmul512};

// (i * 7 + i / 251) mod 256: not periodic in any power of two.
Bytes pattern(size_t size) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<std::byte>((i * 7 + i / 251) % 256);
  return out;
}

}  // namespace

TEST_CASE("CRC-32 known answers, chunking and empty input", "[crc32]") {
  for (const Crc32Kernel kernel : kAllKernels) {
    if (!detail::crc32_kernel_available(kernel)) continue;
    INFO("kernel " << static_cast<int>(kernel));
    const Bytes check = bytes_of("123456789");
    CHECK(detail::crc32_update(0, check, kernel) == 0xCBF43926u);  // the standard check value
    const uint32_t first = detail::crc32_update(0, std::span(check).first(4), kernel);
    CHECK(detail::crc32_update(first, std::span(check).subspan(4), kernel) == 0xCBF43926u);
    // An empty span (whose data() may be null) leaves the running value unchanged.
    CHECK(detail::crc32_update(0xDEADBEEFu, {}, kernel) == 0xDEADBEEFu);
    CHECK(detail::crc32_update(first, Bytes{}, kernel) == first);
    CHECK(detail::crc32_update(0, {}, kernel) == 0);
    // Long enough to fold; values from zlib.crc32 in Python.
    const Bytes long_input = pattern((size_t{1} << 20) + 77);
    CHECK(detail::crc32_update(0, long_input, kernel) == 0x56898e8cu);
    CHECK(detail::crc32_update(0x12345678u, std::span(long_input).subspan(3), kernel) ==
          0x15b838d8u);
    CHECK(detail::crc32_update(0, std::span(long_input).first(600), kernel) == 0xcd5d84e6u);
  }
}

TEST_CASE("every CRC-32 kernel agrees with libdeflate's", "[crc32]") {
  std::mt19937_64 random(20261125);
  Bytes data(9000);
  for (auto& b : data) b = static_cast<std::byte>(random());
  size_t kernels_run = 0;
  for (const Crc32Kernel kernel : kAllKernels) {
    if (!detail::crc32_kernel_available(kernel)) continue;
    ++kernels_run;
    INFO("kernel " << static_cast<int>(kernel));
    // Every length from 0 to 1600 (the folds start at two strides, 512 or 1024 bytes, and step
    // by one), then longer ones, each from an unaligned start and a random running value.
    bool all_equal = true;
    for (size_t size = 0; size <= 8000; size += size < 1600 ? 1 : 97) {
      const size_t start = static_cast<size_t>(random() % 64);
      const auto crc = static_cast<uint32_t>(random());
      const auto input = std::span<const std::byte>(data).subspan(start, size);
      const uint32_t want = detail::crc32_update(crc, input, Crc32Kernel::Libdeflate);
      const uint32_t got = detail::crc32_update(crc, input, kernel);
      if (got != want) {
        UNSCOPED_INFO("size " << size << " start " << start);
        all_equal = false;
      }
    }
    CHECK(all_equal);
  }
  CHECK(kernels_run >= 2);  // Auto and Libdeflate run everywhere
}
