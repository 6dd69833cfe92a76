// SPDX-License-Identifier: Apache-2.0
// The record parser: a descr literal (a type string, or a list of (name, descr[, shape]) tuples,
// names optionally (title, name), nested to Limits::max_dtype_depth) -> DType, with every size,
// offset, name and title checked the way NumPy's _convert_from_descr would, and refused where
// NumPy would misread it. Input: a literal tree from untrusted header text.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/checked_math.h"
#include "base/work_meter.h"
#include "npy/dtype_literal.h"
#include "npy/dtype_type_string.h"
#include "npy/header_lexer.h"
#include "npy/header_parser.h"
#include "npyguard/dtype.h"

namespace npyguard {
namespace {

using detail::dtype_error;
using detail::kMaxSubarrayDim;
using detail::Literal;
using detail::parse_type_string;

// The literal kinds a title may be, and what each becomes.
std::optional<TitleKind> title_kind_of(Literal::Kind kind) {
  switch (kind) {
    case Literal::Kind::String:
      return TitleKind::String;
    case Literal::Kind::Integer:
      return TitleKind::Integer;
    case Literal::Kind::Bytes:
      return TitleKind::Bytes;
    default:
      return std::nullopt;
  }
}

// An integer literal as Python prints it (the lexer already made "-0" plain 0).
std::string integer_text(const Literal& literal) {
  return (literal.negative ? "-" : "") + std::to_string(literal.integer);
}

class StructuredParser {
 public:
  explicit StructuredParser(const Limits& limits) : limits_(limits) {}

  Result<DType> parse_top(const Literal& literal) {
    switch (literal.kind) {
      case Literal::Kind::String:
        return parse_type_string(literal.text, literal.offset);
      case Literal::Kind::List:
        return parse_record(literal, 1);
      case Literal::Kind::Tuple:
        return dtype_error(ErrorCode::DtypeTopLevelSubarray, literal.offset,
                           "a (descr, shape) subarray at the top level");
      case Literal::Kind::Dict:
        return dtype_error(ErrorCode::DtypeNonCanonical, literal.offset,
                           "dict-form descr; NumPy writes a list of fields");
      default:
        return dtype_error(ErrorCode::HeaderBadValue, literal.offset,
                           "'descr' must be a type string or a list of fields");
    }
  }

 private:
  Result<DType> parse_record(const Literal& list, uint32_t depth) {
    if (depth > limits_.max_dtype_depth) {
      return Error{.code = ErrorCode::DtypeTooDeep,
                   .offset = list.offset,
                   .detail = "records nest more than max_dtype_depth ({limit}) levels deep",
                   .bound = limits_.max_dtype_depth};
    }
    DType record;
    record.kind = DTypeKind::Structured;
    record.byte_order = ByteOrder::NotApplicable;
    std::set<std::string, std::less<>> used_names;
    uint64_t offset = 0;
    for (const Literal& entry : list.items) {
      detail::charge(1);  // one field entry of the header (std::set insertions are logarithmic)
      if (++field_count_ > limits_.max_fields) {
        return Error{.code = ErrorCode::TooManyFields,
                     .offset = entry.offset,
                     .detail = "the dtype has more than max_fields ({limit}) fields",
                     .bound = limits_.max_fields};
      }
      if (entry.kind != Literal::Kind::Tuple ||
          (entry.items.size() != 2 && entry.items.size() != 3)) {
        return dtype_error(ErrorCode::DtypeBadField, entry.offset,
                           "a field must be (name, descr) or (name, descr, shape)");
      }
      Field field;
      const Literal& name = entry.items[0];
      if (name.kind == Literal::Kind::String) {
        field.name = name.text;
      } else if (name.kind == Literal::Kind::Tuple && name.items.size() == 2 &&
                 name.items[1].kind == Literal::Kind::String && title_kind_of(name.items[0].kind)) {
        const Literal& title = name.items[0];
        field.title_kind = *title_kind_of(title.kind);
        field.title = title.kind == Literal::Kind::Integer ? integer_text(title) : title.text;
        field.name = name.items[1].text;
      } else {
        return dtype_error(ErrorCode::DtypeBadField, name.offset,
                           "a field name must be a string or a (title, name) pair, the title a "
                           "string, an integer or a bytes literal");
      }

      // The subarray levels, outermost first: the entry's own shape, then the shape of each
      // (descr, shape) tuple around the element type, which np.save writes for a field whose
      // type is itself a subarray, always with the entry's own shape (a two-item entry with a
      // tuple type is one NumPy writes as (name, type, shape), so it stays refused). The literal
      // parser's depth bound bounds this loop.
      std::vector<const Literal*> levels;
      if (entry.items.size() == 3) levels.push_back(&entry.items[2]);
      const Literal* descr = &entry.items[1];
      while (descr->kind == Literal::Kind::Tuple && !levels.empty()) {
        if (descr->items.size() != 2) {
          return dtype_error(ErrorCode::DtypeBadField, descr->offset,
                             "a subarray descr must be a (descr, shape) pair");
        }
        levels.push_back(&descr->items[1]);
        descr = &descr->items[0];
      }
      if (descr->kind == Literal::Kind::String) {
        NPYGUARD_ASSIGN_OR_RETURN(field.dtype, parse_type_string(descr->text, descr->offset));
      } else if (descr->kind == Literal::Kind::List) {
        NPYGUARD_ASSIGN_OR_RETURN(field.dtype, parse_record(*descr, depth + 1));
      } else {
        return dtype_error(ErrorCode::DtypeBadField, descr->offset,
                           "a field's descr must be a type string, a list of fields or a "
                           "(descr, shape) subarray");
      }
      if (!levels.empty()) NPYGUARD_TRY(parse_subarray_levels(levels, field));
      auto size = detail::checked_mul<uint64_t>(field.dtype.itemsize, field.count);
      if (!size || *size > detail::kMaxItemsize) {
        return dtype_error(ErrorCode::DtypeItemsizeOverflow, entry.offset,
                           "field size above 2147483647 bytes");
      }
      field.size = *size;

      // NumPy writes gaps as ('', '|V<n>') and drops them when reading; so do we.
      const bool is_padding = field.name.empty() && !field.title && entry.items.size() == 2 &&
                              field.dtype.kind == DTypeKind::Void;
      if (!is_padding) {
        if (field.name.empty()) {
          return dtype_error(ErrorCode::DtypeEmptyFieldName, name.offset,
                             "empty field name on a field that is not V padding");
        }
        // NumPy makes a string title a second key of dtype.fields (refusing one already used
        // as a name or title, and an empty one would be the key ''); integer and bytes titles
        // are only kept with their field, never keys, so NumPy lets them repeat or equal a
        // name, and so does npyguard: nothing can be looked up by them.
        const bool title_is_key = field.title && field.title_kind == TitleKind::String;
        if (title_is_key && (field.title->empty() || *field.title == field.name)) {
          return dtype_error(ErrorCode::DtypeDuplicateField, name.offset,
                             "a title must be non-empty and differ from its field name");
        }
        if (!used_names.insert(field.name).second ||
            (title_is_key && !used_names.insert(*field.title).second)) {
          return dtype_error(ErrorCode::DtypeDuplicateField, name.offset,
                             "field name or title already used in this record");
        }
      }
      field.offset = offset;
      auto end = detail::checked_add<uint64_t>(offset, field.size);
      if (!end || *end > detail::kMaxItemsize) {
        return dtype_error(ErrorCode::DtypeItemsizeOverflow, entry.offset,
                           "record size above 2147483647 bytes");
      }
      offset = *end;
      if (!is_padding) record.fields.push_back(std::move(field));
    }
    record.itemsize = offset;
    return record;
  }

  // Combines the subarray levels (outermost first) into one shape, as NumPy lays them out: a
  // subarray of subarrays is the outer dimensions followed by the inner ones. A level of shape
  // () is no subarray (NumPy folds dtype((t, ())) into t), so only non-empty levels are ranks.
  Status parse_subarray_levels(std::span<const Literal* const> levels, Field& field) {
    std::vector<uint32_t> ranks;
    for (const Literal* shape : levels) {
      if (shape->kind != Literal::Kind::Tuple) {
        return dtype_error(ErrorCode::DtypeBadField, shape->offset,
                           "a subarray shape must be a tuple (NumPy writes (n,) even for one "
                           "dimension)");
      }
      if (shape->items.size() > limits_.max_ndim - field.shape.size()) {
        return Error{.code = ErrorCode::TooManyDimensions,
                     .offset = shape->offset,
                     .detail = "a subarray field has {found} dimensions; max_ndim is {limit}",
                     .found = field.shape.size() + shape->items.size(),
                     .bound = limits_.max_ndim};
      }
      for (const Literal& dim : shape->items) {
        if (dim.kind != Literal::Kind::Integer) {
          return dtype_error(ErrorCode::DtypeBadField, dim.offset,
                             "subarray dimensions must be integers");
        }
        if (dim.negative) {
          return dtype_error(ErrorCode::NegativeDimension, dim.offset,
                             "negative subarray dimension");
        }
        // NumPy keeps subarray dimensions in a C int, whatever the element size.
        if (dim.integer > kMaxSubarrayDim) {
          return dtype_error(ErrorCode::DtypeBadField, dim.offset,
                             "subarray dimension above 2^31 - 1 (NumPy keeps it in a C int)");
        }
        field.shape.push_back(dim.integer);
      }
      if (!shape->items.empty()) ranks.push_back(static_cast<uint32_t>(shape->items.size()));
    }
    // NumPy applies the levels innermost first, and takes the shape of a level around a type of
    // size 0 that is not a record (|S0, |V0, <U0, or a subarray with no elements) for an item
    // size, which it refuses ("invalid itemsize in generic type tuple"), even for a shape ().
    bool element_empty = field.dtype.itemsize == 0;
    bool element_unsized = element_empty && field.dtype.kind != DTypeKind::Structured;
    // Counts down without wrapping (the build checks unsigned overflow).
    for (size_t level = levels.size(); level > 0; --level) {
      const Literal& shape = *levels[level - 1];
      if (element_unsized) {
        return dtype_error(
            ErrorCode::DtypeBadField, shape.offset,
            "a subarray of a type of size 0 that is not a record (NumPy refuses it)");
      }
      if (shape.items.empty()) continue;  // no subarray: the element type stays what it was
      for (const Literal& dim : shape.items) element_empty = element_empty || dim.integer == 0;
      element_unsized = element_empty;  // a subarray type has no fields
    }
    auto count = detail::checked_product(field.shape);
    if (!count || *count > detail::kMaxItemsize) {
      return dtype_error(ErrorCode::DtypeItemsizeOverflow, levels.front()->offset,
                         "subarray element count overflows");
    }
    field.count = *count;
    if (ranks.size() > 1) field.subarray_ranks = std::move(ranks);
    return ok_status();
  }

  const Limits& limits_;
  uint32_t field_count_ = 0;
};

}  // namespace

namespace detail {

Result<DType> dtype_from_literal(const Literal& literal, const Limits& limits) {
  StructuredParser parser(limits);
  return parser.parse_top(literal);
}

}  // namespace detail

Result<DType> parse_descr(std::string_view literal_text, const Limits& limits, bool latin1) {
  const auto bytes = std::as_bytes(std::span(literal_text.data(), literal_text.size()));
  detail::HeaderLexer lexer(
      bytes, 0, latin1 ? detail::HeaderEncoding::Latin1 : detail::HeaderEncoding::Utf8, limits);
  NPYGUARD_ASSIGN_OR_RETURN(Literal literal, detail::parse_single_literal(lexer));
  return detail::dtype_from_literal(literal, limits);
}

}  // namespace npyguard
