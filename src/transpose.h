// Cache-blocked matrix transpose of fixed-size elements, the kernel of Fortran -> C conversion.
#pragma once

#include <cstddef>
#include <span>

namespace npyguard::detail {

// `from` holds a rows x cols matrix in row-major order, `to` receives its cols x rows transpose.
// Both spans are rows * cols * itemsize bytes and do not overlap.
void transpose(std::span<const std::byte> from, std::span<std::byte> to, size_t rows, size_t cols,
               size_t itemsize);

}  // namespace npyguard::detail
