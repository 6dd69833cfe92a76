// SPDX-License-Identifier: Apache-2.0
// The type-string grammar: "<f8", "|S5", ">M8[10ms]", "|V16" -> DType, and back. This is the
// only place object dtype is recognised and refused (the record parser reaches it for every
// field): loading one needs pickle, so there is no setting that lets it through.
#include "npy/dtype_type_string.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "base/checked_math.h"
#include "npy/dtype_literal.h"
#include "npyguard/dtype.h"

namespace npyguard {
namespace {

using detail::dtype_error;

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

Result<DType> parse_datetime_suffix(DType dtype, std::string_view s, size_t pos, uint64_t offset) {
  if (pos == s.size()) return dtype;  // generic unit
  if (s[pos] != '[' || s.back() != ']') {
    return dtype_error(ErrorCode::DtypeBadDatetimeUnit, offset,
                       "datetime unit must be written as [unit] or [Nunit]");
  }
  std::string_view inside = s.substr(pos + 1, s.size() - pos - 2);
  size_t digits = 0;
  while (digits < inside.size() && is_digit(inside[digits])) ++digits;
  if (digits > 0) {
    size_t cursor = 0;
    auto multiplier = parse_type_number(inside, cursor);
    if (!multiplier || *multiplier == 0 || *multiplier > detail::kMaxItemsize) {
      return dtype_error(ErrorCode::DtypeBadDatetimeUnit, offset,
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
  return dtype_error(ErrorCode::DtypeBadDatetimeUnit, offset,
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

}  // namespace

namespace detail {

// A simple type string such as "<f8", "|S5", ">M8[10ms]".
Result<DType> parse_type_string(std::string_view s, uint64_t offset) {
  char order = '\0';
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '<' || rest[0] == '>' || rest[0] == '|' || rest[0] == '=')) {
    order = rest[0];
    rest.remove_prefix(1);
  }
  if (is_object_spelling(rest)) {
    return dtype_error(ErrorCode::ObjectDtype, offset, "type code 'O' (Python objects)");
  }
  if (rest.empty()) {
    return dtype_error(ErrorCode::DtypeUnknownType, offset, "empty type string");
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
        return dtype_error(ErrorCode::DtypeNonCanonical, offset,
                           "NumPy alias or shorthand; npyguard reads only canonical type strings "
                           "such as '<f8' or '|u1'");
      }
      return dtype_error(ErrorCode::DtypeUnknownType, offset, "unknown type code");
  }
  // Named aliases such as 'bool', 'int32', 'float64', 'uint8', 'complex64', 'str', 'void',
  // 'bytes', 'm8' spelled 'timedelta64'... start with a kind letter followed by more letters.
  if (rest.size() > 1 && !is_digit(rest[1])) {
    return dtype_error(ErrorCode::DtypeNonCanonical, offset,
                       "NumPy type name or shorthand without a size; npyguard reads only canonical "
                       "type strings such as '<f8'");
  }
  if (rest.size() == 1) {
    return dtype_error(ErrorCode::DtypeNonCanonical, offset,
                       "type code without a size (NumPy writes e.g. '<i4', '|S0', '<M8')");
  }
  size_t pos = 1;
  auto size = parse_type_number(rest, pos);
  if (!size) {
    return dtype_error(ErrorCode::DtypeBadSize, offset,
                       "size must be decimal without leading zeros and at most 10 digits");
  }
  if (!legal_numeric_size(dtype.kind, *size)) {
    return dtype_error(ErrorCode::DtypeBadSize, offset, "that type does not come in this size");
  }
  uint64_t itemsize = *size;
  if (dtype.kind == DTypeKind::Unicode) {
    auto bytes = detail::checked_mul<uint64_t>(*size, 4);
    if (!bytes) return dtype_error(ErrorCode::DtypeItemsizeOverflow, offset, "U size overflows");
    itemsize = *bytes;
  }
  if (itemsize > detail::kMaxItemsize) {
    return dtype_error(ErrorCode::DtypeItemsizeOverflow, offset,
                       "item size above 2147483647 bytes (NumPy 1.x silently wraps it)");
  }
  dtype.itemsize = itemsize;

  if (dtype.kind == DTypeKind::Datetime || dtype.kind == DTypeKind::Timedelta) {
    NPYGUARD_ASSIGN_OR_RETURN(dtype, parse_datetime_suffix(std::move(dtype), rest, pos, offset));
  } else if (pos != rest.size()) {
    return dtype_error(ErrorCode::DtypeBadSize, offset, "unexpected text after the size");
  }

  // Byte order: '|' where it cannot matter, '<' or '>' where it does. '=' and a missing order
  // mean "the writer's machine", which a reader cannot know, so both are refused.
  const bool order_irrelevant =
      dtype.kind == DTypeKind::Bytes || dtype.kind == DTypeKind::Void || dtype.itemsize == 1;
  if (order == '\0' || order == '=') {
    return dtype_error(ErrorCode::DtypeBadByteOrder, offset,
                       order == '=' ? "native byte order '=' depends on the writer's machine"
                                    : "missing byte order ('<', '>' or '|')");
  }
  if (order_irrelevant) {
    dtype.byte_order = ByteOrder::NotApplicable;
  } else if (order == '|') {
    return dtype_error(ErrorCode::DtypeBadByteOrder, offset,
                       "'|' is only valid for single-byte, S and V types");
  } else {
    dtype.byte_order = order == '<' ? ByteOrder::Little : ByteOrder::Big;
  }
  return dtype;
}

}  // namespace detail

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

}  // namespace npyguard
