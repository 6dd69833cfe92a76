// The npy reader over a sequential source, for callers inside the library that produce the bytes
// themselves (the .npz reader's member streams). Input: an untrusted byte stream; output: a
// validated NpyInfo or Array. `member_size`, when given, is the size the container declares for
// these bytes; the .npy header must agree with it before any payload is read.
#pragma once

#include <cstdint>
#include <optional>

#include "npyguard/npy.h"
#include "payload_buffer.h"
#include "source.h"

namespace npyguard::detail {

Result<NpyInfo> validate_sequential(SequentialSource& source, const Limits& limits,
                                    std::optional<uint64_t> member_size = std::nullopt);
Result<Array> load_sequential(SequentialSource& source, const Limits& limits,
                              std::optional<uint64_t> member_size = std::nullopt);

// The payload into a caller's buffer (see read_npy_file_into); the source must know its size.
Result<NpyInfo> read_sequential_into(SequentialSource& source, std::span<std::byte> out,
                                     const Limits& limits, IntoOptions options,
                                     std::optional<uint64_t> member_size = std::nullopt);

// A whole .npy file already in memory the library owns (an inflated member): validated like
// read_npy, and the Array views `file` (keeping it alive) instead of copying the payload.
Result<Array> load_owned(std::shared_ptr<const PayloadBuffer> file, const Limits& limits);

}  // namespace npyguard::detail
