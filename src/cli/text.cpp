// SPDX-License-Identifier: Apache-2.0
// Text for humans: escaping of untrusted strings (printable), the words and numbers inspect and
// check print (shapes, dtype summaries, CRCs), and the column layout of labelled lines and field
// tables. Input: validated library values whose strings (field names, titles, paths) may hold any
// byte; output: text in which no control byte reaches the terminal raw.
#include "text.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"

namespace npyguard::cli {
namespace {

// Width of the label column in inspect's text output ("data bytes:    ").
constexpr size_t kLabelWidth = 15;
// Spaces per nesting level in the field table, and between its columns.
constexpr size_t kIndentPerLevel = 2;
constexpr std::string_view kColumnGap = "  ";
constexpr std::string_view kLongDoubleNote = "platform long double (bytes only)";
constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kDelete = 0x7F;

// Well-formed UTF-8 that a terminal still acts on: the C1 controls U+0080..U+009F (U+009B is
// an 8-bit CSI, which starts a colour or cursor sequence) and the bidirectional embeddings,
// overrides and isolates U+202A..U+202E and U+2066..U+2069, which reorder what follows them
// on the line ("Trojan Source").
bool is_terminal_control(std::string_view sequence) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(sequence[i]); };
  if (sequence.size() == 2) return byte(0) == 0xC2 && byte(1) <= 0x9F;
  if (sequence.size() == 3 && byte(0) == 0xE2) {
    return (byte(1) == 0x80 && byte(2) >= 0xAA && byte(2) <= 0xAE) ||
           (byte(1) == 0x81 && byte(2) >= 0xA6 && byte(2) <= 0xA9);
  }
  return false;
}

// Columns a string occupies on a terminal, approximated as its UTF-8 code points.
size_t display_width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

void pad_to(std::string& line, size_t width, std::string_view cell) {
  line += cell;
  for (size_t w = display_width(cell); w < width; ++w) line += ' ';
}

void pad_left_to(std::string& line, size_t width, std::string_view cell) {
  for (size_t w = display_width(cell); w < width; ++w) line += ' ';
  line += cell;
}

void trim_right(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

// The unit inside datetime64[...] brackets: "10ms", "D"; empty for the generic unit.
std::string unit_text(const DType& dtype) {
  if (dtype.unit == DatetimeUnit::Generic) return {};
  std::string out;
  if (dtype.unit_multiplier != 1) out += std::to_string(dtype.unit_multiplier);
  out += datetime_unit_name(dtype.unit);
  return out;
}

// A field's type column: its type string, or "record" for a nested structured dtype.
std::string field_type_text(const DType& dtype) {
  return dtype.kind == DTypeKind::Structured ? std::string("record") : dtype.type_string();
}

// One row of the human field table, already made printable.
struct FieldRow {
  size_t depth = 0;
  std::string name;
  std::string offset;
  std::string type;
  std::string shape;
  std::string title;
  std::string note;
};

// A string title as its text; integer and bytes titles as NumPy writes them (1, b'x').
std::string title_text(const Field& field) {
  if (!field.title) return {};
  return printable(field.title_kind == TitleKind::String ? *field.title : field.title_repr());
}

void collect_field_rows(const DType& dtype, size_t depth, std::vector<FieldRow>& rows) {
  for (const Field& field : dtype.fields) {
    rows.push_back(FieldRow{
        .depth = depth,
        .name = printable(field.name),
        .offset = std::to_string(field.offset),
        .type = printable(field_type_text(field.dtype)),
        .shape = field.shape.empty() ? std::string() : shape_text(field.shape),
        .title = title_text(field),
        .note = field.dtype.is_long_double() ? std::string(kLongDoubleNote) : std::string(),
    });
    collect_field_rows(field.dtype, depth + 1, rows);
  }
}

}  // namespace

std::string printable(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    // A byte outside well-formed UTF-8 is shown as \xNN too, so the line stays valid UTF-8.
    const size_t length = byte < 0x80 ? 1 : utf8_sequence_length(text, pos);
    if (length == 0 || byte < kFirstPrintable || byte == kDelete) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xFu];
      ++pos;
    } else if (is_terminal_control(text.substr(pos, length))) {
      for (const char c : text.substr(pos, length)) {
        out += "\\x";
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 0xFu];
      }
      pos += length;
    } else {
      out += text.substr(pos, length);
      pos += length;
    }
  }
  return out;
}

std::string version_text(const NpyInfo& info) {
  return std::to_string(info.version_major) + "." + std::to_string(info.version_minor);
}

// A shape the way Python prints a tuple: (), (3,), (3, 4).
std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ',';
  out += ')';
  return out;
}

std::string_view kind_name(DTypeKind kind) {
  switch (kind) {
    case DTypeKind::Bool:
      return "bool";
    case DTypeKind::SignedInt:
      return "int";
    case DTypeKind::UnsignedInt:
      return "uint";
    case DTypeKind::Float:
      return "float";
    case DTypeKind::Complex:
      return "complex";
    case DTypeKind::Bytes:
      return "bytes";
    case DTypeKind::Unicode:
      return "unicode";
    case DTypeKind::Void:
      return "void";
    case DTypeKind::Datetime:
      return "datetime";
    case DTypeKind::Timedelta:
      return "timedelta";
    case DTypeKind::Structured:
      return "structured";
  }
  return "unknown";
}

std::string_view byte_order_name(ByteOrder order) {
  switch (order) {
    case ByteOrder::Little:
      return "little";
    case ByteOrder::Big:
      return "big";
    case ByteOrder::NotApplicable:
      return "none";
  }
  return "none";
}

uint64_t count_fields(const DType& dtype) {
  uint64_t total = 0;
  for (const Field& field : dtype.fields) total += 1 + count_fields(field.dtype);
  return total;
}

// "float64, little-endian, itemsize 8" and friends.
std::string dtype_summary(const DType& dtype) {
  const uint64_t bits = dtype.itemsize * 8;  // itemsize <= INT32_MAX (DType invariant)
  std::string out;
  switch (dtype.kind) {
    case DTypeKind::Bool:
      out = "bool";
      break;
    case DTypeKind::SignedInt:
    case DTypeKind::UnsignedInt:
    case DTypeKind::Float:
    case DTypeKind::Complex:
      out = std::string(kind_name(dtype.kind)) + std::to_string(bits);
      break;
    case DTypeKind::Bytes:
      out = "byte string, length " + std::to_string(dtype.itemsize);
      break;
    case DTypeKind::Unicode:
      out = "unicode string (UCS-4), length " + std::to_string(dtype.itemsize / 4);
      break;
    case DTypeKind::Void:
      out = "raw bytes (void)";
      break;
    case DTypeKind::Datetime:
    case DTypeKind::Timedelta: {
      out = dtype.kind == DTypeKind::Datetime ? "datetime64" : "timedelta64";
      const std::string unit = unit_text(dtype);
      out += unit.empty() ? std::string(" (generic unit)") : "[" + unit + "]";
      break;
    }
    case DTypeKind::Structured:
      out = "structured, " + std::to_string(dtype.fields.size()) + " fields";
      break;
  }
  if (dtype.byte_order == ByteOrder::Little) out += ", little-endian";
  if (dtype.byte_order == ByteOrder::Big) out += ", big-endian";
  if (dtype.kind == DTypeKind::Structured && dtype.has_big_endian()) {
    out += ", has big-endian fields";
  }
  out += ", itemsize " + std::to_string(dtype.itemsize);
  if (dtype.is_long_double()) {
    out += ", ";
    out += kLongDoubleNote;
  }
  return out;
}

std::string_view method_name(NpzMethod method) {
  switch (method) {
    case NpzMethod::Stored:
      return "stored";
    case NpzMethod::Deflate:
      return "deflate";
  }
  return "unknown";
}

// Sum that sticks at the maximum instead of wrapping (totals are only displayed).
uint64_t saturating_add(uint64_t a, uint64_t b) {
  return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

ArchiveTotals archive_totals(const std::vector<NpzMember>& members) {
  ArchiveTotals totals;
  for (const NpzMember& member : members) {
    totals.compressed = saturating_add(totals.compressed, member.compressed_size);
    totals.uncompressed = saturating_add(totals.uncompressed, member.uncompressed_size);
    if (member.skipped) ++totals.skipped;
  }
  return totals;
}

// The field table: names indented by nesting depth (offsets are relative to the enclosing
// record), columns sized to their content, TITLE and NOTE only when some row has one.
void print_field_table(std::ostream& out, const DType& dtype) {
  std::vector<FieldRow> rows;
  collect_field_rows(dtype, 0, rows);
  const FieldRow header{.name = "NAME",
                        .offset = "OFFSET",
                        .type = "DESCR",
                        .shape = "SHAPE",
                        .title = "TITLE",
                        .note = "NOTE"};
  size_t name_width = display_width(header.name);
  size_t offset_width = display_width(header.offset);
  size_t type_width = display_width(header.type);
  size_t shape_width = display_width(header.shape);
  size_t title_width = 0;
  bool any_title = false;
  bool any_note = false;
  for (const FieldRow& row : rows) {
    name_width = std::max(name_width, row.depth * kIndentPerLevel + display_width(row.name));
    offset_width = std::max(offset_width, display_width(row.offset));
    type_width = std::max(type_width, display_width(row.type));
    shape_width = std::max(shape_width, display_width(row.shape));
    title_width = std::max(title_width, display_width(row.title));
    any_title = any_title || !row.title.empty();
    any_note = any_note || !row.note.empty();
  }
  if (any_title) title_width = std::max(title_width, display_width(header.title));

  const auto print_row = [&](const FieldRow& row) {
    std::string line(kIndentPerLevel, ' ');
    const std::string indent(row.depth * kIndentPerLevel, ' ');
    pad_to(line, name_width, indent + row.name);
    line += kColumnGap;
    pad_left_to(line, offset_width, row.offset);
    line += kColumnGap;
    pad_to(line, type_width, row.type);
    line += kColumnGap;
    pad_to(line, shape_width, row.shape);
    if (any_title) {
      line += kColumnGap;
      pad_to(line, title_width, row.title);
    }
    if (any_note) {
      line += kColumnGap;
      line += row.note;
    }
    trim_right(line);
    out << line << '\n';
  };
  print_row(header);
  for (const FieldRow& row : rows) print_row(row);
}

// `label` is a literal from this file or a number; only `value` carries file-derived text.
void print_labeled(std::ostream& out, std::string_view label, std::string_view value) {
  std::string line(label);
  line += ':';
  while (line.size() < kLabelWidth) line += ' ';
  line += value;
  out << line << '\n';
}

// Writes `text` (whole lines) with `indent` before every line.
void print_indented(std::ostream& out, std::string_view text, std::string_view indent) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    out << indent << line << '\n';
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::string crc_text(uint32_t crc) {
  constexpr std::string_view kHex = "0123456789abcdef";
  constexpr unsigned kHexDigits = 8;
  std::string out(kHexDigits, '0');
  for (unsigned i = 0; i < kHexDigits; ++i) {
    out[kHexDigits - 1 - i] = kHex[(crc >> (4 * i)) & 0xFu];
  }
  return out;
}

}  // namespace npyguard::cli
