// SPDX-License-Identifier: Apache-2.0
// The one way to build an Array (its constructor is private): metadata the reader validated and
// a payload whose size must be exactly info.nbytes = count x itemsize, count the product of the
// shape. A mismatch is a library bug, reported as internal instead of producing an Array whose
// accessors would trust a wrong size.
#pragma once

#include <memory>
#include <span>

#include "npyguard/npy.h"

namespace npyguard::detail {

struct ArrayFactory {
  // A read-only view: into a mapped file, a caller's buffer, or bytes shared with another Array.
  static Result<Array> view(NpyInfo info, std::shared_ptr<const void> owner,
                            std::span<const std::byte> payload, bool zero_copy);
  // Bytes npyguard allocated and `owner` keeps alive: conversions may later write them in place.
  static Result<Array> owned(NpyInfo info, std::shared_ptr<void> owner,
                             std::span<std::byte> payload);
};

}  // namespace npyguard::detail
