// SPDX-License-Identifier: Apache-2.0
// CRC-32 (ISO-HDLC, as ZIP uses it). Every byte of every archive member is checksummed, so on a
// stored member the CRC is the only work beside the read itself: long inputs take a folding
// kernel with 256- or 512-bit carry-less multiplies where the CPU has them (several times the
// speed of libdeflate 1.14's 128-bit one, which is Debian 12's), everything else libdeflate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace npyguard::detail {

// Which implementation computes the CRC; Auto picks the fastest the CPU has. The others exist so
// tests can check every kernel against the reference on a machine that has them.
enum class Crc32Kernel { Auto, Libdeflate, Vpclmul256, Vpclmul512 };

// Whether `kernel` can run on this CPU (Auto and Libdeflate always can).
bool crc32_kernel_available(Crc32Kernel kernel) noexcept;

// CRC-32 of `bytes`, continuing from `crc` (start with 0). `kernel` must be available.
uint32_t crc32_update(uint32_t crc, std::span<const std::byte> bytes,
                      Crc32Kernel kernel = Crc32Kernel::Auto) noexcept;

// LIBDEFLATE_VERSION_STRING of the headers this was compiled against (libdeflate has no run-time
// version call); for build_info(). A static string.
const char* libdeflate_version() noexcept;

}  // namespace npyguard::detail
