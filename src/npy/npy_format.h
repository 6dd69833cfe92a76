// SPDX-License-Identifier: Apache-2.0
// The .npy framing: preamble (magic, version, header length) and the step from header text to a
// fully checked NpyInfo (dtype, shape, element count, byte size, limits and policy toggles).
// Input: untrusted bytes; output: validated metadata. Nothing here touches the payload.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/byte_reader.h"
#include "npy/header_lexer.h"
#include "npyguard/limits.h"
#include "npyguard/npy.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// numpy/lib/format.py: MAGIC_PREFIX = b'\x93NUMPY'.
inline constexpr std::array<uint8_t, 6> kNpyMagic = {0x93, 'N', 'U', 'M', 'P', 'Y'};
// Magic, two version bytes, then a u16 (1.0) or u32 (2.0, 3.0) header length.
inline constexpr size_t kPreambleSizeV1 = 10;
inline constexpr size_t kPreambleSizeV2 = 12;
// NumPy >= 1.14 aligns the payload to 64 bytes (ARRAY_ALIGN in format.py).
inline constexpr uint64_t kNpyAlignment = 64;

struct Preamble {
  uint8_t major = 1;
  uint8_t minor = 0;
  uint64_t header_length = 0;
  uint64_t header_offset = 0;  // == preamble size
  HeaderEncoding encoding = HeaderEncoding::Latin1;
};

// Reads the preamble from the start of `reader`. `reader` may hold fewer bytes than a full
// preamble (a short file); the error then says exactly what is missing. Also applies the header
// size limit and strict_alignment.
Result<Preamble> parse_preamble(ByteReader& reader, const Limits& limits);

// Header text -> NpyInfo with count, nbytes and payload_offset computed and every limit and
// policy toggle applied.
Result<NpyInfo> interpret_header(const Preamble& preamble, std::span<const std::byte> header_text,
                                 const Limits& limits);

}  // namespace npyguard::detail
