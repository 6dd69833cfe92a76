// SPDX-License-Identifier: Apache-2.0
// The npy reader over a sequential source, for callers inside the library that produce the bytes
// themselves (the .npz reader's member streams). Input: an untrusted byte stream; output: a
// validated NpyInfo or Array. `check_header`, when given, is the container's own check of the
// parsed header (an archive compares the sizes it declares): it runs before any payload is read,
// and its error is returned as is.
#pragma once

#include <cstdint>
#include <functional>

#include "io/payload_buffer.h"
#include "io/source.h"
#include "npyguard/npy.h"

namespace npyguard::detail {

using HeaderCheck = std::function<Status(const NpyInfo&)>;

Result<NpyInfo> validate_sequential(SequentialSource& source, const Limits& limits,
                                    const HeaderCheck& check_header = {});
Result<Array> load_sequential(SequentialSource& source, const Limits& limits,
                              const HeaderCheck& check_header = {});

// The payload into a caller's buffer (see read_npy_file_into); the source must know its size.
Result<NpyInfo> read_sequential_into(SequentialSource& source, std::span<std::byte> out,
                                     const Limits& limits, IntoOptions options,
                                     const HeaderCheck& check_header = {});

// A whole .npy file already in memory the library owns (an inflated member): validated like
// read_npy, and the Array views `file` (keeping it alive) instead of copying the payload.
Result<Array> load_owned(std::shared_ptr<const PayloadBuffer> file, const Limits& limits);

}  // namespace npyguard::detail
