// SPDX-License-Identifier: Apache-2.0
// Text for humans, shared by the commands: escaping of untrusted strings, the words and numbers
// check and inspect print, and the column layout of labelled lines and field tables. Input:
// validated library values whose strings may hold any byte; output: printable text.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "npyguard/npyguard.h"

namespace npyguard::cli {

// Control bytes (from a hostile field name, an odd path or argv) are shown as \xNN so they cannot
// move the cursor, recolour the terminal or forge extra output lines, and so is every byte that
// is not part of well-formed UTF-8, and every byte of a C1 control or a bidirectional override
// (U+0080..U+009F, U+202A..U+202E, U+2066..U+2069). Other bytes, including the rest of UTF-8,
// pass through.
std::string printable(std::string_view text);

// "1.0": the format version of a validated .npy.
std::string version_text(const NpyInfo& info);
// A shape the way Python prints a tuple: (), (3,), (3, 4).
std::string shape_text(const std::vector<uint64_t>& shape);
// "int", "float", "structured", ... (also the JSON "kind").
std::string_view kind_name(DTypeKind kind);
// "little", "big", "none" (also the JSON "byte_order").
std::string_view byte_order_name(ByteOrder order);
// Fields of a structured dtype, nested ones included.
uint64_t count_fields(const DType& dtype);
// "float64, little-endian, itemsize 8" and friends.
std::string dtype_summary(const DType& dtype);
// "stored", "deflate".
std::string_view method_name(NpzMethod method);
// Eight lower-case hex digits.
std::string crc_text(uint32_t crc);

// Sum that sticks at the maximum instead of wrapping (totals are only displayed).
uint64_t saturating_add(uint64_t a, uint64_t b);

struct ArchiveTotals {
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  size_t skipped = 0;
};
ArchiveTotals archive_totals(const std::vector<NpzMember>& members);

// "label:" padded to the label column, then `value`. `label` is a literal or a number; only
// `value` carries file-derived text, already made printable.
void print_labeled(std::ostream& out, std::string_view label, std::string_view value);
// Writes `text` (whole lines) with `indent` before every line.
void print_indented(std::ostream& out, std::string_view text, std::string_view indent);
// The field table of a structured dtype: names indented by nesting depth, columns sized to their
// content, TITLE and NOTE only when some row has one.
void print_field_table(std::ostream& out, const DType& dtype);

}  // namespace npyguard::cli
