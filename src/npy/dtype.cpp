// dtype: descr literal -> DType, and DType -> the descr text NumPy writes. Input: a literal tree
// from untrusted header text; output: a DType whose sizes and offsets are all checked. This is
// the only place object dtype is recognised and refused: loading one needs pickle, so there is no
// setting that lets it through.
#include "npyguard/dtype.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "npy/dtype_literal.h"
#include "npy/header_lexer.h"
#include "npy/header_parser.h"
#include "base/checked_math.h"
#include "base/utf8.h"
#include "base/work_meter.h"

namespace npyguard {
namespace {

using detail::Literal;

Error error_at(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

struct UnitName {
  DatetimeUnit unit;
  std::string_view name;
};
// NumPy's datetime unit spellings (numpy/_core/src/multiarray/datetime.c, _datetime_strings).
constexpr std::array<UnitName, 13> kUnitNames = {{
    {DatetimeUnit::Year, "Y"},
    {DatetimeUnit::Month, "M"},
    {DatetimeUnit::Week, "W"},
    {DatetimeUnit::Day, "D"},
    {DatetimeUnit::Hour, "h"},
    {DatetimeUnit::Minute, "m"},
    {DatetimeUnit::Second, "s"},
    {DatetimeUnit::Millisecond, "ms"},
    {DatetimeUnit::Microsecond, "us"},
    {DatetimeUnit::Nanosecond, "ns"},
    {DatetimeUnit::Picosecond, "ps"},
    {DatetimeUnit::Femtosecond, "fs"},
    {DatetimeUnit::Attosecond, "as"},
}};

// Decimal digits of a size or multiplier inside a type string. Ten digits cover INT32_MAX; the
// value is range-checked afterwards.
constexpr size_t kMaxTypeDigits = 10;
// Largest subarray dimension: NumPy stores each one in a C int.
constexpr uint64_t kMaxSubarrayDim = 2147483647;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

// Parses digits at s[pos...]: no leading zeros (except "0"), at most kMaxTypeDigits.
std::optional<uint64_t> parse_type_number(std::string_view s, size_t& pos) {
  const size_t begin = pos;
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  const size_t count = pos - begin;
  if (count == 0 || count > kMaxTypeDigits) return std::nullopt;
  if (count > 1 && s[begin] == '0') return std::nullopt;
  uint64_t value = 0;
  for (size_t i = begin; i < pos; ++i) value = value * 10 + static_cast<uint64_t>(s[i] - '0');
  return value;
}

// Kind letters NumPy accepts as aliases or shorthands but never writes in a header.
bool is_alias_letter(char c) {
  return std::string_view("?BhHIlLqQpPedgFDGa").find(c) != std::string_view::npos;
}

bool is_object_spelling(std::string_view rest) {
  // 'O', 'O8', 'O4' (legacy), and the alias names 'object' / 'object_'.
  return (!rest.empty() && rest[0] == 'O') || rest == "object" || rest == "object_";
}

Result<DType> parse_datetime_suffix(DType dtype, std::string_view s, size_t pos,
                                    uint64_t offset) {
  if (pos == s.size()) return dtype;  // generic unit
  if (s[pos] != '[' || s.back() != ']') {
    return error_at(ErrorCode::DtypeBadDatetimeUnit, offset,
                    "datetime unit must be written as [unit] or [Nunit]");
  }
  std::string_view inside = s.substr(pos + 1, s.size() - pos - 2);
  size_t digits = 0;
  while (digits < inside.size() && is_digit(inside[digits])) ++digits;
  if (digits > 0) {
    size_t cursor = 0;
    auto multiplier = parse_type_number(inside, cursor);
    if (!multiplier || *multiplier == 0 || *multiplier > detail::kMaxItemsize) {
      return error_at(ErrorCode::DtypeBadDatetimeUnit, offset,
                      "datetime multiplier must be a decimal from 1 to 2147483647");
    }
    dtype.unit_multiplier = static_cast<uint32_t>(*multiplier);
  }
  const std::string_view unit_text = inside.substr(digits);
  for (const auto& unit : kUnitNames) {
    if (unit.name == unit_text) {
      dtype.unit = unit.unit;
      return dtype;
    }
  }
  return error_at(ErrorCode::DtypeBadDatetimeUnit, offset,
                  "unknown datetime unit (Y M W D h m s ms us ns ps fs as)");
}

bool legal_numeric_size(DTypeKind kind, uint64_t size) {
  switch (kind) {
    case DTypeKind::Bool:
      return size == 1;
    case DTypeKind::SignedInt:
    case DTypeKind::UnsignedInt:
      return size == 1 || size == 2 || size == 4 || size == 8;
    case DTypeKind::Float:
      // 12 and 16 are the platform long double (x87 extended on 32/64-bit x86, binary128 or
      // double-double elsewhere).
      return size == 2 || size == 4 || size == 8 || size == 12 || size == 16;
    case DTypeKind::Complex:
      return size == 8 || size == 16 || size == 24 || size == 32;
    case DTypeKind::Datetime:
    case DTypeKind::Timedelta:
      return size == 8;
    default:
      return true;
  }
}

// A simple type string such as "<f8", "|S5", ">M8[10ms]".
Result<DType> parse_type_string(std::string_view s, uint64_t offset) {
  char order = '\0';
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '<' || rest[0] == '>' || rest[0] == '|' || rest[0] == '=')) {
    order = rest[0];
    rest.remove_prefix(1);
  }
  if (is_object_spelling(rest)) {
    return error_at(ErrorCode::ObjectDtype, offset, "type code 'O' (Python objects)");
  }
  if (rest.empty()) {
    return error_at(ErrorCode::DtypeUnknownType, offset, "empty type string");
  }

  DType dtype;
  const char kind_char = rest[0];
  switch (kind_char) {
    case 'b':
      dtype.kind = DTypeKind::Bool;
      break;
    case 'i':
      dtype.kind = DTypeKind::SignedInt;
      break;
    case 'u':
      dtype.kind = DTypeKind::UnsignedInt;
      break;
    case 'f':
      dtype.kind = DTypeKind::Float;
      break;
    case 'c':
      dtype.kind = DTypeKind::Complex;
      break;
    case 'S':
      dtype.kind = DTypeKind::Bytes;
      break;
    case 'U':
      dtype.kind = DTypeKind::Unicode;
      break;
    case 'V':
      dtype.kind = DTypeKind::Void;
      break;
    case 'M':
      dtype.kind = DTypeKind::Datetime;
      break;
    case 'm':
      dtype.kind = DTypeKind::Timedelta;
      break;
    default:
      if (is_alias_letter(kind_char) ||
          (is_lower(kind_char) && rest.size() > 1 && is_lower(rest[1]))) {
        return error_at(ErrorCode::DtypeNonCanonical, offset,
                        "NumPy alias or shorthand; npyguard reads only canonical type strings "
                        "such as '<f8' or '|u1'");
      }
      return error_at(ErrorCode::DtypeUnknownType, offset, "unknown type code");
  }
  // Named aliases such as 'bool', 'int32', 'float64', 'uint8', 'complex64', 'str', 'void',
  // 'bytes', 'm8' spelled 'timedelta64'... start with a kind letter followed by more letters.
  if (rest.size() > 1 && !is_digit(rest[1])) {
    return error_at(ErrorCode::DtypeNonCanonical, offset,
                    "NumPy type name or shorthand without a size; npyguard reads only canonical "
                    "type strings such as '<f8'");
  }
  if (rest.size() == 1) {
    return error_at(ErrorCode::DtypeNonCanonical, offset,
                    "type code without a size (NumPy writes e.g. '<i4', '|S0', '<M8')");
  }
  size_t pos = 1;
  auto size = parse_type_number(rest, pos);
  if (!size) {
    return error_at(ErrorCode::DtypeBadSize, offset,
                    "size must be decimal without leading zeros and at most 10 digits");
  }
  if (!legal_numeric_size(dtype.kind, *size)) {
    return error_at(ErrorCode::DtypeBadSize, offset, "that type does not come in this size");
  }
  uint64_t itemsize = *size;
  if (dtype.kind == DTypeKind::Unicode) {
    auto bytes = detail::checked_mul<uint64_t>(*size, 4);
    if (!bytes) return error_at(ErrorCode::DtypeItemsizeOverflow, offset, "U size overflows");
    itemsize = *bytes;
  }
  if (itemsize > detail::kMaxItemsize) {
    return error_at(ErrorCode::DtypeItemsizeOverflow, offset,
                    "item size above 2147483647 bytes (NumPy 1.x silently wraps it)");
  }
  dtype.itemsize = itemsize;

  if (dtype.kind == DTypeKind::Datetime || dtype.kind == DTypeKind::Timedelta) {
    NPYGUARD_ASSIGN_OR_RETURN(dtype, parse_datetime_suffix(std::move(dtype), rest, pos, offset));
  } else if (pos != rest.size()) {
    return error_at(ErrorCode::DtypeBadSize, offset, "unexpected text after the size");
  }

  // Byte order: '|' where it cannot matter, '<' or '>' where it does. '=' and a missing order
  // mean "the writer's machine", which a reader cannot know, so both are refused.
  const bool order_irrelevant = dtype.kind == DTypeKind::Bytes ||
                                dtype.kind == DTypeKind::Void || dtype.itemsize == 1;
  if (order == '\0' || order == '=') {
    return error_at(ErrorCode::DtypeBadByteOrder, offset,
                    order == '=' ? "native byte order '=' depends on the writer's machine"
                                 : "missing byte order ('<', '>' or '|')");
  }
  if (order_irrelevant) {
    dtype.byte_order = ByteOrder::NotApplicable;
  } else if (order == '|') {
    return error_at(ErrorCode::DtypeBadByteOrder, offset,
                    "'|' is only valid for single-byte, S and V types");
  } else {
    dtype.byte_order = order == '<' ? ByteOrder::Little : ByteOrder::Big;
  }
  return dtype;
}

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
        return error_at(ErrorCode::DtypeTopLevelSubarray, literal.offset,
                        "a (descr, shape) subarray at the top level");
      case Literal::Kind::Dict:
        return error_at(ErrorCode::DtypeNonCanonical, literal.offset,
                        "dict-form descr; NumPy writes a list of fields");
      default:
        return error_at(ErrorCode::HeaderBadValue, literal.offset,
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
        return error_at(ErrorCode::DtypeBadField, entry.offset,
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
        return error_at(ErrorCode::DtypeBadField, name.offset,
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
          return error_at(ErrorCode::DtypeBadField, descr->offset,
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
        return error_at(ErrorCode::DtypeBadField, descr->offset,
                        "a field's descr must be a type string, a list of fields or a "
                        "(descr, shape) subarray");
      }
      if (!levels.empty()) NPYGUARD_TRY(parse_subarray_levels(levels, field));
      auto size = detail::checked_mul<uint64_t>(field.dtype.itemsize, field.count);
      if (!size || *size > detail::kMaxItemsize) {
        return error_at(ErrorCode::DtypeItemsizeOverflow, entry.offset,
                        "field size above 2147483647 bytes");
      }
      field.size = *size;

      // NumPy writes gaps as ('', '|V<n>') and drops them when reading; so do we.
      const bool is_padding = field.name.empty() && !field.title && entry.items.size() == 2 &&
                              field.dtype.kind == DTypeKind::Void;
      if (!is_padding) {
        if (field.name.empty()) {
          return error_at(ErrorCode::DtypeEmptyFieldName, name.offset,
                          "empty field name on a field that is not V padding");
        }
        // NumPy makes a string title a second key of dtype.fields (refusing one already used
        // as a name or title, and an empty one would be the key ''); integer and bytes titles
        // are only kept with their field, never keys, so NumPy lets them repeat or equal a
        // name, and so does npyguard: nothing can be looked up by them.
        const bool title_is_key = field.title && field.title_kind == TitleKind::String;
        if (title_is_key && (field.title->empty() || *field.title == field.name)) {
          return error_at(ErrorCode::DtypeDuplicateField, name.offset,
                          "a title must be non-empty and differ from its field name");
        }
        if (!used_names.insert(field.name).second ||
            (title_is_key && !used_names.insert(*field.title).second)) {
          return error_at(ErrorCode::DtypeDuplicateField, name.offset,
                          "field name or title already used in this record");
        }
      }
      field.offset = offset;
      auto end = detail::checked_add<uint64_t>(offset, field.size);
      if (!end || *end > detail::kMaxItemsize) {
        return error_at(ErrorCode::DtypeItemsizeOverflow, entry.offset,
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
        return error_at(ErrorCode::DtypeBadField, shape->offset,
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
          return error_at(ErrorCode::DtypeBadField, dim.offset,
                          "subarray dimensions must be integers");
        }
        if (dim.negative) {
          return error_at(ErrorCode::NegativeDimension, dim.offset, "negative subarray dimension");
        }
        // NumPy keeps subarray dimensions in a C int, whatever the element size.
        if (dim.integer > kMaxSubarrayDim) {
          return error_at(ErrorCode::DtypeBadField, dim.offset,
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
        return error_at(ErrorCode::DtypeBadField, shape.offset,
                        "a subarray of a type of size 0 that is not a record (NumPy refuses it)");
      }
      if (shape.items.empty()) continue;  // no subarray: the element type stays what it was
      for (const Literal& dim : shape.items) element_empty = element_empty || dim.integer == 0;
      element_unsized = element_empty;  // a subarray type has no fields
    }
    auto count = detail::checked_product(field.shape);
    if (!count || *count > detail::kMaxItemsize) {
      return error_at(ErrorCode::DtypeItemsizeOverflow, levels.front()->offset,
                      "subarray element count overflows");
    }
    field.count = *count;
    if (ranks.size() > 1) field.subarray_ranks = std::move(ranks);
    return ok_status();
  }

  const Limits& limits_;
  uint32_t field_count_ = 0;
};

void append_shape_repr(std::string& out, std::span<const uint64_t> shape) {
  out += '(';
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ',';
  out += ')';
}

void append_descr(std::string& out, const DType& dtype);

// A field's type and shape after its name: "'<i4'", "'<i4', (3, 2)", or with subarray levels
// "('<i4', (2,)), (3,)" (innermost level nearest the type, the outermost as the entry's shape).
void append_field_type(std::string& out, const Field& field) {
  const std::span<const uint64_t> shape(field.shape);
  const std::span<const uint32_t> ranks = field.subarray_levels();
  for (size_t i = 1; i < ranks.size(); ++i) out += '(';
  append_descr(out, field.dtype);
  size_t end = shape.size();
  for (size_t level = ranks.size(); level > 1; --level) {
    const uint32_t rank = ranks[level - 1];
    out += ", ";
    append_shape_repr(out, shape.subspan(end - rank, rank));
    out += ')';
    end -= rank;
  }
  if (end > 0) {
    out += ", ";
    append_shape_repr(out, shape.first(end));
  }
}

void append_descr(std::string& out, const DType& dtype) {
  if (dtype.kind != DTypeKind::Structured) {
    out += detail::python_repr(dtype.type_string());
    return;
  }
  // Mirrors how NumPy's dtype.descr describes a record: fields in offset order, gaps and the tail
  // beyond the last field as ('', '|V<n>') padding entries.
  out += '[';
  uint64_t offset = 0;
  bool first = true;
  auto separator = [&] {
    if (!first) out += ", ";
    first = false;
  };
  for (const Field& field : dtype.fields) {
    if (field.offset > offset) {
      separator();
      out += "('', '|V" + std::to_string(field.offset - offset) + "')";
    }
    separator();
    out += '(';
    if (field.title) {
      out += '(' + field.title_repr() + ", " + detail::python_repr(field.name) + ')';
    } else {
      out += detail::python_repr(field.name);
    }
    out += ", ";
    append_field_type(out, field);
    out += ')';
    offset = field.offset + field.size;
  }
  if (dtype.itemsize > offset) {
    separator();
    out += "('', '|V" + std::to_string(dtype.itemsize - offset) + "')";
  }
  out += ']';
}

// Approximates Python's str.isprintable() for non-ASCII code points: separators other than the
// ASCII space, format characters, C1 controls, surrogates, private use and noncharacters are
// escaped by repr(). TODO(writer): unassigned code points need the Unicode database to match
// repr() exactly.
bool python_printable(uint32_t cp) {
  if (cp <= 0xA0 || cp == 0xAD) return false;
  if (cp == 0x34F) return true;
  if ((cp >= 0x600 && cp <= 0x605) || cp == 0x61C || cp == 0x6DD || cp == 0x70F ||
      cp == 0x180E || cp == 0x1680) {
    return false;
  }
  if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
      (cp >= 0x205F && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F) || cp == 0x3000) {
    return false;
  }
  if ((cp >= 0xD800 && cp <= 0xF8FF) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)) {
    return false;
  }
  if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) return false;  // noncharacters
  if (cp >= 0xF0000 || (cp >= 0xE0000 && cp <= 0xE0FFF)) return false;
  return true;
}

}  // namespace

namespace detail {

Result<DType> dtype_from_literal(const Literal& literal, const Limits& limits) {
  StructuredParser parser(limits);
  return parser.parse_top(literal);
}

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

std::string python_bytes_repr(std::string_view bytes) {
  // CPython's bytes repr: single quotes unless the bytes hold ' and no "; printable ASCII as
  // is, \\ and the quote escaped, \t \n \r, every other byte as \xhh.
  const bool has_single = bytes.find('\'') != std::string_view::npos;
  const bool has_double = bytes.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out = "b";
  out += quote;
  constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : bytes) {
    const auto c = static_cast<uint8_t>(ch);
    if (c == static_cast<uint8_t>(quote) || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  out += quote;
  return out;
}

std::string python_repr(std::string_view utf8) {
  const bool has_single = utf8.find('\'') != std::string_view::npos;
  const bool has_double = utf8.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  const auto bytes = std::as_bytes(std::span(utf8.data(), utf8.size()));
  size_t pos = 0;
  constexpr char kHex[] = "0123456789abcdef";
  auto hex = [&](uint32_t value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
  };
  while (pos < bytes.size()) {
    uint32_t cp = 0;
    size_t length = decode_utf8(bytes, pos, cp);
    if (length == 0) {  // not reachable for names from the lexer; escape the raw byte
      cp = static_cast<uint8_t>(bytes[pos]);
      length = 1;
    }
    const std::string_view raw = utf8.substr(pos, length);
    pos += length;
    if (cp == static_cast<uint32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || cp == 0x7F) {
      out += "\\x";
      hex(cp, 2);
    } else if (cp < 0x7F || python_printable(cp)) {
      out += raw;
    } else if (cp <= 0xFF) {
      out += "\\x";
      hex(cp, 2);
    } else if (cp <= 0xFFFF) {
      out += "\\u";
      hex(cp, 4);
    } else {
      out += "\\U";
      hex(cp, 8);
    }
  }
  out += quote;
  return out;
}

}  // namespace detail

Result<DType> parse_descr(std::string_view literal_text, const Limits& limits, bool latin1) {
  const auto bytes = std::as_bytes(std::span(literal_text.data(), literal_text.size()));
  detail::HeaderLexer lexer(bytes, 0,
                            latin1 ? detail::HeaderEncoding::Latin1 : detail::HeaderEncoding::Utf8,
                            limits);
  NPYGUARD_ASSIGN_OR_RETURN(Literal literal, detail::parse_single_literal(lexer));
  return detail::dtype_from_literal(literal, limits);
}

std::string_view datetime_unit_name(DatetimeUnit unit) noexcept {
  for (const auto& entry : kUnitNames) {
    if (entry.unit == unit) return entry.name;
  }
  return "";
}

std::string DType::type_string() const {
  std::string out;
  out += byte_order == ByteOrder::Little ? '<' : (byte_order == ByteOrder::Big ? '>' : '|');
  uint64_t size = itemsize;
  switch (kind) {
    case DTypeKind::Bool:
      out += 'b';
      break;
    case DTypeKind::SignedInt:
      out += 'i';
      break;
    case DTypeKind::UnsignedInt:
      out += 'u';
      break;
    case DTypeKind::Float:
      out += 'f';
      break;
    case DTypeKind::Complex:
      out += 'c';
      break;
    case DTypeKind::Bytes:
      out += 'S';
      break;
    case DTypeKind::Unicode:
      out += 'U';
      size = itemsize / 4;
      break;
    case DTypeKind::Void:
      out += 'V';
      break;
    case DTypeKind::Datetime:
      out += 'M';
      break;
    case DTypeKind::Timedelta:
      out += 'm';
      break;
    case DTypeKind::Structured:
      return {};
  }
  out += std::to_string(size);
  if ((kind == DTypeKind::Datetime || kind == DTypeKind::Timedelta) &&
      unit != DatetimeUnit::Generic) {
    out += '[';
    if (unit_multiplier != 1) out += std::to_string(unit_multiplier);
    out += datetime_unit_name(unit);
    out += ']';
  }
  return out;
}

std::span<const uint32_t> Field::subarray_levels() const noexcept {
  const std::span<const uint32_t> ranks(subarray_ranks);
  const bool nested = ranks.size() > 1 &&
                      std::find(ranks.begin(), ranks.end(), 0u) == ranks.end() &&
                      std::accumulate(ranks.begin(), ranks.end(), uint64_t{0}) == shape.size();
  return nested ? ranks : std::span<const uint32_t>();
}

std::string Field::title_repr() const {
  if (!title) return {};
  switch (title_kind) {
    case TitleKind::Integer:
      return *title;
    case TitleKind::Bytes:
      return detail::python_bytes_repr(*title);
    case TitleKind::String:
      break;
  }
  return detail::python_repr(*title);
}

std::string DType::descr() const {
  std::string out;
  append_descr(out, *this);
  return out;
}

bool DType::is_long_double() const noexcept {
  return (kind == DTypeKind::Float && itemsize >= 12) ||
         (kind == DTypeKind::Complex && itemsize >= 24);
}

bool DType::has_big_endian() const noexcept {
  if (byte_order == ByteOrder::Big) return true;
  for (const Field& field : fields) {
    if (field.dtype.has_big_endian()) return true;
  }
  return false;
}

bool DType::contains(DTypeKind leaf_kind) const noexcept {
  if (kind == leaf_kind) return true;
  for (const Field& field : fields) {
    if (field.dtype.contains(leaf_kind)) return true;
  }
  return false;
}

uint64_t DType::alignment() const noexcept {
  switch (kind) {
    case DTypeKind::Bool:
    case DTypeKind::Bytes:
    case DTypeKind::Void:
    case DTypeKind::Structured:
      return 1;
    case DTypeKind::Unicode:
      return 4;
    case DTypeKind::Complex:
      return itemsize == 24 ? 4 : itemsize / 2;
    case DTypeKind::Float:
      return itemsize == 12 ? 4 : itemsize;
    default:
      return itemsize;
  }
}

DType DType::with_little_endian_leaves() const {
  DType out = *this;
  if (out.byte_order == ByteOrder::Big) out.byte_order = ByteOrder::Little;
  for (Field& field : out.fields) field.dtype = field.dtype.with_little_endian_leaves();
  return out;
}

}  // namespace npyguard
