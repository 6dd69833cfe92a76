// SPDX-License-Identifier: Apache-2.0
// The header fast path's dtype builders (see dtype_literal.h): a type string alone, or a record
// of plain fields, built without a literal tree. A second copy of the record rules, kept
// identical to StructuredParser's (dtype_record.cpp) by fuzz_npy_header, which compares both
// paths on every input.
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <utility>

#include "base/checked_math.h"
#include "base/work_meter.h"
#include "npy/dtype_literal.h"
#include "npy/dtype_type_string.h"
#include "npyguard/dtype.h"

namespace npyguard::detail {

std::optional<DType> dtype_from_type_string(std::string_view type_string) {
  auto dtype = parse_type_string(type_string, 0);
  if (!dtype.ok()) return std::nullopt;
  return std::move(dtype).value();
}

std::optional<DType> record_from_simple_fields(std::span<const SimpleField> fields,
                                               const Limits& limits) {
  // The rules of StructuredParser::parse_record for entries ('name', 'type'), in its order; any
  // rule that would fail gives nullopt.
  if (limits.max_dtype_depth < 1 || fields.size() > limits.max_fields ||
      fields.size() > kMaxSimpleFields) {
    return std::nullopt;
  }
  DType record;
  record.kind = DTypeKind::Structured;
  record.byte_order = ByteOrder::NotApplicable;
  record.fields.reserve(fields.size());
  uint64_t offset = 0;
  for (const SimpleField& entry : fields) {
    // The duplicate-name scan below is linear: at most kMaxSimpleFields steps per field.
    detail::charge(1 + record.fields.size());
    auto dtype = parse_type_string(entry.type_string, 0);
    if (!dtype.ok() || dtype->itemsize > kMaxItemsize) return std::nullopt;
    const bool is_padding = entry.name.empty() && dtype->kind == DTypeKind::Void;
    if (entry.name.empty() && !is_padding) return std::nullopt;
    if (!is_padding) {
      // Records from the fast path are small enough for a linear scan (max_fields bounds it).
      for (const Field& previous : record.fields) {
        if (previous.name == entry.name) return std::nullopt;
      }
    }
    const uint64_t size = dtype->itemsize;
    const auto end = checked_add<uint64_t>(offset, size);
    if (!end || *end > kMaxItemsize) return std::nullopt;
    if (!is_padding) {
      Field field;
      field.name = std::string(entry.name);
      field.offset = offset;
      field.dtype = std::move(dtype).value();
      field.size = size;
      record.fields.push_back(std::move(field));
    }
    offset = *end;
  }
  record.itemsize = offset;
  return record;
}

}  // namespace npyguard::detail
