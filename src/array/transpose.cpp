// SPDX-License-Identifier: Apache-2.0
// Blocked matrix transpose of fixed-size elements, the kernel of Fortran -> C conversion.
//
// The loop order follows the destination: for each band of source rows (kBand of them, small
// enough to stay in L2), destination rows are completed one after another, so the writes run
// along the destination instead of scattering a few bytes into every destination row per tile
// (measured 4096 x 4096 float32: ~2x faster than source-row order). 4- and 8-byte elements use
// AVX2 8 x 8 / 4 x 4 register transposes where the CPU has them; a large destination is written
// with streaming stores, since it cannot stay in cache anyway and reading its old contents in
// first would only cost bandwidth.
#include "array/transpose.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "base/work_meter.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

// Kernels over buffers whose sizes the caller checked (fortran_to_c asserts them): indexing
// by pointer is what keeps the inner loops vectorised.
// NOLINTBEGIN(cppcoreguidelines-pro-bounds-pointer-arithmetic)
#define NPYGUARD_TRANSPOSE_AVX2 1
#endif

namespace npyguard::detail {
namespace {

// Source rows per band: kBand rows of a tile's width stay in L1/L2 while every destination row
// is visited once.
constexpr size_t kBand = 64;
// Tile edge of the portable path: one 64-byte line of 4-byte elements.
constexpr size_t kTile = 16;
// A destination at least this large is written with streaming stores.
constexpr size_t kStreamingBytes = size_t{8} << 20;

// Element (r, c) of `from` (row stride `from_stride`) to element (c, r) of `to` (row stride
// `to_stride`), for r in [r0, r1) and c in [c0, c1); strides in elements.
template <size_t kSize>
void transpose_scalar(const std::byte* from, std::byte* to, size_t r0, size_t r1, size_t c0,
                      size_t c1, size_t from_stride, size_t to_stride) {
  // Addresses from indices (not pointers stepped past the last row): every one formed is inside
  // the buffers.
  for (size_t c = c0; c < c1; ++c) {
    for (size_t r = r0; r < r1; ++r) {
      std::memcpy(to + (c * to_stride + r) * kSize, from + (r * from_stride + c) * kSize, kSize);
    }
  }
}

template <size_t kSize>
void transpose_portable(const std::byte* from, std::byte* to, size_t rows, size_t cols,
                        size_t to_stride) {
  for (size_t b0 = 0; b0 < rows; b0 += kBand) {
    const size_t b1 = std::min(rows, b0 + kBand);
    for (size_t c0 = 0; c0 < cols; c0 += kTile) {
      const size_t c1 = std::min(cols, c0 + kTile);
      for (size_t r0 = b0; r0 < b1; r0 += kTile) {
        transpose_scalar<kSize>(from, to, r0, std::min(b1, r0 + kTile), c0, c1, cols, to_stride);
      }
    }
  }
}

void transpose_any(const std::byte* from, std::byte* to, size_t rows, size_t cols, size_t to_stride,
                   size_t itemsize) {
  const size_t tile = std::max<size_t>(1, kTile * 16 / std::max<size_t>(itemsize, 16));
  for (size_t c0 = 0; c0 < cols; c0 += tile) {
    const size_t c1 = std::min(cols, c0 + tile);
    for (size_t r0 = 0; r0 < rows; r0 += tile) {
      const size_t r1 = std::min(rows, r0 + tile);
      for (size_t c = c0; c < c1; ++c) {
        for (size_t r = r0; r < r1; ++r) {
          std::memcpy(to + (c * to_stride + r) * itemsize, from + (r * cols + c) * itemsize,
                      itemsize);
        }
      }
    }
  }
}

#ifdef NPYGUARD_TRANSPOSE_AVX2

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

template <bool kStream>
__attribute__((target("avx2"))) inline void store_row(std::byte* at, __m256i row) {
  if (kStream && reinterpret_cast<uintptr_t>(at) % 32 == 0) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(at), row);
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(at), row);
  }
}

__attribute__((target("avx2"))) inline __m256i load_row(const std::byte* at) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
}

// 8 x 8 block of 4-byte elements: `in` rows `in_step` bytes apart to `out` rows `out_step` apart.
template <bool kStream>
__attribute__((target("avx2"))) void block_4(const std::byte* in, size_t in_step, std::byte* out,
                                             size_t out_step) {
  __m256 r[8];
  for (size_t i = 0; i < 8; ++i) r[i] = _mm256_castsi256_ps(load_row(in + i * in_step));
  // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves exchanged.
  __m256 t[8];
  for (size_t i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  __m256 s[8];
  for (size_t i = 0; i < 2; ++i) {
    s[4 * i + 0] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    s[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    s[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    s[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  for (size_t i = 0; i < 4; ++i) {
    store_row<kStream>(out + i * out_step,
                       _mm256_castps_si256(_mm256_permute2f128_ps(s[i], s[i + 4], 0x20)));
    store_row<kStream>(out + (i + 4) * out_step,
                       _mm256_castps_si256(_mm256_permute2f128_ps(s[i], s[i + 4], 0x31)));
  }
}

// 4 x 4 block of 8-byte elements.
template <bool kStream>
__attribute__((target("avx2"))) void block_8(const std::byte* in, size_t in_step, std::byte* out,
                                             size_t out_step) {
  __m256d r[4];
  for (size_t i = 0; i < 4; ++i) r[i] = _mm256_castsi256_pd(load_row(in + i * in_step));
  const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]);
  const __m256d t1 = _mm256_unpackhi_pd(r[0], r[1]);
  const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]);
  const __m256d t3 = _mm256_unpackhi_pd(r[2], r[3]);
  store_row<kStream>(out, _mm256_castpd_si256(_mm256_permute2f128_pd(t0, t2, 0x20)));
  store_row<kStream>(out + out_step, _mm256_castpd_si256(_mm256_permute2f128_pd(t1, t3, 0x20)));
  store_row<kStream>(out + 2 * out_step, _mm256_castpd_si256(_mm256_permute2f128_pd(t0, t2, 0x31)));
  store_row<kStream>(out + 3 * out_step, _mm256_castpd_si256(_mm256_permute2f128_pd(t1, t3, 0x31)));
}

// Whole kBlock x kBlock blocks in registers, the ragged right and bottom edges element by element.
template <size_t kSize, bool kStream>
__attribute__((target("avx2"))) void transpose_avx2(const std::byte* from, std::byte* to,
                                                    size_t rows, size_t cols, size_t to_stride) {
  constexpr size_t kBlock = 32 / kSize;
  const size_t in_step = cols * kSize;
  const size_t out_step = to_stride * kSize;
  const size_t whole_cols = cols - cols % kBlock;
  for (size_t b0 = 0; b0 < rows; b0 += kBand) {
    const size_t b1 = std::min(rows, b0 + kBand);
    const size_t whole_b1 = b0 + (b1 - b0) - (b1 - b0) % kBlock;
    for (size_t c0 = 0; c0 < whole_cols; c0 += kBlock) {
      for (size_t r0 = b0; r0 < whole_b1; r0 += kBlock) {
        const std::byte* in = from + (r0 * cols + c0) * kSize;
        std::byte* out = to + (c0 * to_stride + r0) * kSize;
        if constexpr (kSize == 4) {
          block_4<kStream>(in, in_step, out, out_step);
        } else {
          block_8<kStream>(in, in_step, out, out_step);
        }
      }
      transpose_scalar<kSize>(from, to, whole_b1, b1, c0, c0 + kBlock, cols, to_stride);
    }
    transpose_scalar<kSize>(from, to, b0, b1, whole_cols, cols, cols, to_stride);
  }
  // Streaming stores are weakly ordered: make them visible before anyone else reads `to`.
  if constexpr (kStream) _mm_sfence();
}

#endif  // NPYGUARD_TRANSPOSE_AVX2

template <size_t kSize>
void transpose_fixed(const std::byte* from, std::byte* to, size_t rows, size_t cols,
                     size_t to_stride, TransposeSimd simd) {
#ifdef NPYGUARD_TRANSPOSE_AVX2
  if constexpr (kSize == 4 || kSize == 8) {
    if (simd == TransposeSimd::Auto && cpu_has_avx2()) {
      // The destination spans cols rows of to_stride elements (no overflow: it is inside `to`).
      if ((cols - 1) * to_stride * kSize >= kStreamingBytes) {
        return transpose_avx2<kSize, true>(from, to, rows, cols, to_stride);
      }
      return transpose_avx2<kSize, false>(from, to, rows, cols, to_stride);
    }
  }
#else
  (void)simd;
#endif
  transpose_portable<kSize>(from, to, rows, cols, to_stride);
}

}  // namespace

void transpose_into(const std::byte* from, std::byte* to, size_t rows, size_t cols,
                    size_t to_stride, size_t itemsize, TransposeSimd simd) {
  // One step per element moved (+1 per call); the caller's buffers hold rows * cols elements,
  // so the product cannot wrap.
  charge(rows * cols + 1);
  if (rows == 0 || cols == 0) return;
  switch (itemsize) {
    case 1:
      return transpose_fixed<1>(from, to, rows, cols, to_stride, simd);
    case 2:
      return transpose_fixed<2>(from, to, rows, cols, to_stride, simd);
    case 4:
      return transpose_fixed<4>(from, to, rows, cols, to_stride, simd);
    case 8:
      return transpose_fixed<8>(from, to, rows, cols, to_stride, simd);
    case 16:
      return transpose_fixed<16>(from, to, rows, cols, to_stride, simd);
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
// NOLINTEND(cppcoreguidelines-pro-bounds-pointer-arithmetic)
