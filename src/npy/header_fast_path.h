// SPDX-License-Identifier: Apache-2.0
// Recognises the header layout NumPy's np.save writes,
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }   + spaces + '\n'
// byte for byte, without building a literal tree, for a type string or a record of up to 64
// plain fields ([('a', '<i4'), ('', '|V4'), ...] with printable ASCII names; no titles,
// subarrays or nesting): most headers a loader sees, at several times the general parser's
// speed. It only ever accepts text the general parser accepts with the same
// result (fuzz_npy_header checks both on every input); anything else, valid or not, is left to
// the general parser, which also produces every error.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "npy/header_parser.h"
#include "npyguard/limits.h"

namespace npyguard::detail {

// `text` is the whole header including the final '\n'; `base_offset` is its file offset.
std::optional<HeaderFields> match_canonical_header(std::span<const std::byte> text,
                                                   uint64_t base_offset, const Limits& limits);

// Header text -> fields: NumPy's canonical layout through match_canonical_header, anything else
// (and every error) through parse_header_text_general, with the same results either way.
Result<HeaderFields> parse_header_text(std::span<const std::byte> text, uint64_t base_offset,
                                       HeaderEncoding encoding, const Limits& limits);

}  // namespace npyguard::detail
