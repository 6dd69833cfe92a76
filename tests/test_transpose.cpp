// SPDX-License-Identifier: Apache-2.0
// The transpose kernels (portable and vector) against a plain element-by-element reference:
// every element lands where it belongs, nothing outside the destination positions is written,
// for element sizes of every kernel, ragged edges, bands, unaligned buffers and a destination
// large enough for streaming stores.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "array/transpose.h"
#include "support/catch.h"

namespace {

using npyguard::detail::transpose_into;
using npyguard::detail::TransposeSimd;

struct Case {
  size_t rows, cols, to_stride, itemsize, to_offset;
};

void check_case(const Case& c, TransposeSimd simd, std::mt19937_64& random) {
  INFO("rows " << c.rows << " cols " << c.cols << " to_stride " << c.to_stride << " itemsize "
               << c.itemsize << " to_offset " << c.to_offset << " simd "
               << (simd == TransposeSimd::Auto ? "auto" : "off"));
  std::vector<std::byte> from(c.rows * c.cols * c.itemsize + 1);
  for (auto& b : from) b = static_cast<std::byte>(random());
  const size_t to_elements = (c.cols - 1) * c.to_stride + c.rows;
  // Canary bytes around and between the destination rows: they must survive.
  const auto canary = std::byte{0xA5};
  std::vector<std::byte> to(c.to_offset + to_elements * c.itemsize + 64, canary);
  std::vector<std::byte> expected = to;
  std::byte* const dest = to.data() + c.to_offset;
  std::byte* const want = expected.data() + c.to_offset;
  for (size_t r = 0; r < c.rows; ++r) {
    for (size_t col = 0; col < c.cols; ++col) {
      std::memcpy(want + (col * c.to_stride + r) * c.itemsize,
                  from.data() + (r * c.cols + col) * c.itemsize, c.itemsize);
    }
  }
  transpose_into(from.data(), dest, c.rows, c.cols, c.to_stride, c.itemsize, simd);
  size_t first_difference = to.size();
  for (size_t i = 0; i < to.size(); ++i) {
    if (to[i] != expected[i]) {
      first_difference = i;
      break;
    }
  }
  CHECK(first_difference == to.size());
}

}  // namespace

TEST_CASE("transpose_into matches the reference for every kernel and edge", "[transpose]") {
  std::mt19937_64 random(20261125);
  const std::vector<size_t> itemsizes = {1, 2, 3, 4, 8, 12, 16};
  // Dimensions around the 4- and 8-element vector blocks, the 16-element tiles and the
  // 64-row bands, plus single rows and columns.
  const std::vector<size_t> dims = {1, 3, 4, 7, 8, 9, 16, 17, 63, 64, 65, 130};
  for (const size_t itemsize : itemsizes) {
    for (const size_t rows : dims) {
      for (const size_t cols : dims) {
        const size_t extra = random() % 3 == 0 ? random() % 9 : 0;        // gaps between rows
        const size_t offset = random() % 2 == 0 ? 0 : 1 + random() % 31;  // unaligned
        const Case c{rows, cols, rows + extra, itemsize, offset};
        check_case(c, TransposeSimd::Auto, random);
        check_case(c, TransposeSimd::Off, random);
      }
    }
  }
}

TEST_CASE("transpose_into a destination large enough for streaming stores", "[transpose]") {
  std::mt19937_64 random(7);
  // (cols - 1) * to_stride * itemsize >= 8 MiB takes the streaming-store path where the CPU has
  // one; aligned (offset 0, 32) and unaligned destinations, and a ragged band and edge.
  for (const size_t itemsize : {size_t{4}, size_t{8}}) {
    for (const size_t offset : {size_t{0}, size_t{4}, size_t{32}}) {
      const size_t rows = itemsize == 4 ? 1500 : 1030;
      const size_t cols = itemsize == 4 ? 1403 : 1029;
      check_case({rows, cols, rows, itemsize, offset}, TransposeSimd::Auto, random);
    }
  }
  check_case({77, 30000, 100, 4, 0}, TransposeSimd::Auto, random);
}
