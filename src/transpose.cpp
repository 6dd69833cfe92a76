// Blocked transpose: tiles small enough that the source rows and destination rows of one tile
// stay in L1, so every cache line is loaded once instead of once per element. Element sizes of
// 1, 2, 4, 8 and 16 bytes get fixed-size copies the compiler turns into single moves.
#include "transpose.h"

#include <algorithm>
#include <cstring>

namespace npyguard::detail {
namespace {

// 16 x 16: the source rows of a tile, a power-of-two stride apart, map to few L1 sets; more rows
// than the cache has ways would evict each other (measured: 32 x 32 is ~20% slower at 4096^2).
constexpr size_t kTile = 16;

template <size_t kSize>
void transpose_fixed(const std::byte* from, std::byte* to, size_t rows, size_t cols,
                     size_t to_stride) {
  for (size_t r0 = 0; r0 < rows; r0 += kTile) {
    const size_t r1 = std::min(rows, r0 + kTile);
    for (size_t c0 = 0; c0 < cols; c0 += kTile) {
      const size_t c1 = std::min(cols, c0 + kTile);
      for (size_t c = c0; c < c1; ++c) {
        std::byte* out = to + (c * to_stride + r0) * kSize;
        const std::byte* in = from + (r0 * cols + c) * kSize;
        for (size_t r = r0; r < r1; ++r, out += kSize, in += cols * kSize) {
          std::memcpy(out, in, kSize);
        }
      }
    }
  }
}

void transpose_any(const std::byte* from, std::byte* to, size_t rows, size_t cols,
                   size_t to_stride, size_t itemsize) {
  const size_t tile = std::max<size_t>(1, kTile * 16 / std::max<size_t>(itemsize, 16));
  for (size_t r0 = 0; r0 < rows; r0 += tile) {
    const size_t r1 = std::min(rows, r0 + tile);
    for (size_t c0 = 0; c0 < cols; c0 += tile) {
      const size_t c1 = std::min(cols, c0 + tile);
      for (size_t c = c0; c < c1; ++c) {
        for (size_t r = r0; r < r1; ++r) {
          std::memcpy(to + (c * to_stride + r) * itemsize, from + (r * cols + c) * itemsize,
                      itemsize);
        }
      }
    }
  }
}

}  // namespace

void transpose_into(const std::byte* from, std::byte* to, size_t rows, size_t cols,
                    size_t to_stride, size_t itemsize) {
  switch (itemsize) {
    case 1:
      return transpose_fixed<1>(from, to, rows, cols, to_stride);
    case 2:
      return transpose_fixed<2>(from, to, rows, cols, to_stride);
    case 4:
      return transpose_fixed<4>(from, to, rows, cols, to_stride);
    case 8:
      return transpose_fixed<8>(from, to, rows, cols, to_stride);
    case 16:
      return transpose_fixed<16>(from, to, rows, cols, to_stride);
    default:
      return transpose_any(from, to, rows, cols, to_stride, itemsize);
  }
}

std::vector<size_t> long_dims(std::span<const uint64_t> shape) {
  std::vector<size_t> dims;
  for (uint64_t d : shape) {
    if (d > 1) dims.push_back(static_cast<size_t>(d));  // each <= count, which fits size_t
  }
  return dims;
}

void fortran_to_c(std::span<const std::byte> from, std::span<std::byte> to,
                  std::span<std::byte> scratch, std::span<const size_t> dims, size_t itemsize) {
  if (dims.size() < 2) {
    std::copy(from.begin(), from.end(), to.begin());
    return;
  }
  // A Fortran array of dims (d0, d1, ..., dn) is the C array of (dn, ..., d1, d0). Transposing it
  // as a (d1*...*dn) x d0 matrix puts d0 first; each row is then a Fortran array of (d1, ..., dn),
  // converted the same way. That is n-1 passes, ping-ponging between `to` and `scratch` so the
  // last one lands in `to`.
  const size_t passes = dims.size() - 1;
  std::span<const std::byte> source = from;
  size_t rows_outer = 1;  // independent sub-arrays already split off in front
  for (size_t pass = 0; pass < passes; ++pass) {
    const std::span<std::byte> target = (passes - pass) % 2 == 1 ? to : scratch;
    const size_t first = dims[pass];
    size_t rest = 1;
    for (size_t k = pass + 1; k < dims.size(); ++k) rest *= dims[k];
    const size_t block = first * rest * itemsize;
    for (size_t r = 0; r < rows_outer; ++r) {
      transpose(source.subspan(r * block, block), target.subspan(r * block, block), rest, first,
                itemsize);
    }
    rows_outer *= first;
    source = target;
  }
}

void transpose(std::span<const std::byte> from, std::span<std::byte> to, size_t rows, size_t cols,
               size_t itemsize) {
  // Sizes were validated when the array was read: rows * cols * itemsize == from.size().
  transpose_into(from.data(), to.data(), rows, cols, rows, itemsize);
}

}  // namespace npyguard::detail
