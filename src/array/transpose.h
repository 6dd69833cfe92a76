// SPDX-License-Identifier: Apache-2.0
// Cache-blocked matrix transpose of fixed-size elements, the kernel of Fortran -> C conversion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace npyguard::detail {

// `from` holds a rows x cols matrix in row-major order, `to` receives its cols x rows transpose.
// Both spans are rows * cols * itemsize bytes and do not overlap.
void transpose(std::span<const std::byte> from, std::span<std::byte> to, size_t rows, size_t cols,
               size_t itemsize);

// Whether transpose_into may use the CPU's vector instructions (tests compare both paths).
enum class TransposeSimd { Auto, Off };

// The same into a larger row-major matrix: element (r, c) of `from` goes to element
// c * to_stride + r of `to` (strides in elements; to_stride >= rows). `to` must hold
// ((cols - 1) * to_stride + rows) elements; the caller guarantees it. Elements of `to` outside
// those positions are not written.
void transpose_into(const std::byte* from, std::byte* to, size_t rows, size_t cols,
                    size_t to_stride, size_t itemsize, TransposeSimd simd = TransposeSimd::Auto);

// The dimensions that move bytes in an order conversion: the shape without its 1s.
std::vector<size_t> long_dims(std::span<const uint64_t> shape);

// Fortran -> C order of a whole payload: `from` holds an array of `dims` (all > 1) in Fortran
// order, `to` receives it in C order; `scratch` (same size) is needed when dims.size() > 2 and
// may be empty otherwise. No span overlaps another.
void fortran_to_c(std::span<const std::byte> from, std::span<std::byte> to,
                  std::span<std::byte> scratch, std::span<const size_t> dims, size_t itemsize);

}  // namespace npyguard::detail
