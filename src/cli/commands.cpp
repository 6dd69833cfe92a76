// check and inspect: run the library's bounded-memory validation on each input and turn the
// result into the CLI's text or JSON output and exit code. Input: paths or standard input holding
// untrusted bytes, plus library results whose strings (field names, titles) come from those
// bytes; output: text in which no control byte from a file or path reaches the terminal raw.
#include "commands.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"
#include "npyguard/npyguard.h"

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

}  // namespace

std::string printable(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < kFirstPrintable || byte == kDelete) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xFu];
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

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

bool is_io_error(const Error& error) { return error_category(error.code) == ErrorCategory::Io; }

Result<NpyInfo> validate_input(const std::string& input, const Limits& limits) {
  if (input == kStdinName) {
    FdInputStream in(0);
    return validate_npy_stream(in, limits);
  }
  return validate_npy_file(input, limits);
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

// ---- check/inspect verdict lines --------------------------------------------------------------

void write_error_json(JsonWriter& json, const std::string& input, const Error& error) {
  json.begin_object();
  json.key("file").string(input);
  json.key("ok").boolean(false);
  json.key("error").begin_object();
  json.key("code").number(static_cast<uint64_t>(error.code));
  json.key("name").string(error_name(error.code));
  json.key("category").string(category_name(error_category(error.code)));
  json.key("message").string(error_message(error.code));
  json.key("detail").string(error.detail != nullptr ? error.detail : "");
  json.key("offset").number(error.offset);
  // Only npz members carry an index; keep .npy objects free of a meaningless field.
  if (error.member != kNoMember) json.key("member").number(error.member);
  json.end_object();
  json.end_object();
}

// Prints a failed validation in the shared format and returns its exit code: an input that could
// not be read (Io) is reported on `err` and exits 2, anything else is a rejection (exit 1).
int report_failure(const Options& options, Console& console, const std::string& input,
                   const Error& error) {
  const bool io = is_io_error(error);
  if (options.json) {
    JsonWriter json;
    write_error_json(json, input, error);
    console.out << json.text() << '\n';
  } else if (!io) {
    console.out << printable(input) << ": rejected: " << describe(error) << '\n';
  }
  if (io) {
    // Keep the two streams in order when they share a destination.
    console.out.flush();
    console.err << printable(input) << ": error: " << describe(error) << '\n';
    return kExitUsage;
  }
  return kExitRejected;
}

void write_check_ok_json(JsonWriter& json, const std::string& input, const NpyInfo& info) {
  json.begin_object();
  json.key("file").string(input);
  json.key("ok").boolean(true);
  json.key("version").string(version_text(info));
  json.key("descr").string(info.descr());
  json.key("shape").begin_array();
  for (uint64_t dim : info.shape) json.number(dim);
  json.end_array();
  json.key("fortran_order").boolean(info.fortran_order);
  json.key("count").number(info.count);
  json.key("nbytes").number(info.nbytes);
  json.end_object();
}

// ---- inspect -----------------------------------------------------------------------------------

void write_dtype_members_json(JsonWriter& json, const DType& dtype) {
  json.key("kind").string(kind_name(dtype.kind));
  json.key("byte_order").string(byte_order_name(dtype.byte_order));
  json.key("itemsize").number(dtype.itemsize);
  json.key("long_double").boolean(dtype.is_long_double());
  if (dtype.kind == DTypeKind::Datetime || dtype.kind == DTypeKind::Timedelta) {
    json.key("unit").string(dtype.unit == DatetimeUnit::Generic ? std::string_view("generic")
                                                                : datetime_unit_name(dtype.unit));
    json.key("unit_multiplier").number(dtype.unit_multiplier);
  }
}

void write_fields_json(JsonWriter& json, const DType& dtype) {
  json.begin_array();
  for (const Field& field : dtype.fields) {
    json.begin_object();
    json.key("name").string(field.name);
    json.key("title");
    if (field.title) {
      json.string(*field.title);
    } else {
      json.null();
    }
    json.key("offset").number(field.offset);
    json.key("descr").string(field_type_text(field.dtype));
    write_dtype_members_json(json, field.dtype);
    json.key("shape").begin_array();
    for (uint64_t dim : field.shape) json.number(dim);
    json.end_array();
    json.key("count").number(field.count);
    json.key("size").number(field.size);
    json.key("fields");
    write_fields_json(json, field.dtype);
    json.end_object();
  }
  json.end_array();
}

void write_inspect_json(JsonWriter& json, const std::string& input, const NpyInfo& info) {
  json.begin_object();
  json.key("file").string(input);
  json.key("ok").boolean(true);
  json.key("version").string(version_text(info));
  json.key("header_length").number(info.header_length);
  json.key("payload_offset").number(info.payload_offset);
  json.key("descr").string(info.descr());
  json.key("dtype").begin_object();
  write_dtype_members_json(json, info.dtype);
  json.end_object();
  json.key("shape").begin_array();
  for (uint64_t dim : info.shape) json.number(dim);
  json.end_array();
  json.key("fortran_order").boolean(info.fortran_order);
  json.key("count").number(info.count);
  json.key("nbytes").number(info.nbytes);
  json.key("fields");
  write_fields_json(json, info.dtype);
  json.end_object();
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

void collect_field_rows(const DType& dtype, size_t depth, std::vector<FieldRow>& rows) {
  for (const Field& field : dtype.fields) {
    rows.push_back(FieldRow{
        .depth = depth,
        .name = printable(field.name),
        .offset = std::to_string(field.offset),
        .type = printable(field_type_text(field.dtype)),
        .shape = field.shape.empty() ? std::string() : shape_text(field.shape),
        .title = field.title ? printable(*field.title) : std::string(),
        .note = field.dtype.is_long_double() ? std::string(kLongDoubleNote) : std::string(),
    });
    collect_field_rows(field.dtype, depth + 1, rows);
  }
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

// `label` is always a literal from this file; only `value` carries file-derived text.
void print_labeled(std::ostream& out, const char* label, std::string_view value) {
  std::string line(label);
  line += ':';
  while (line.size() < kLabelWidth) line += ' ';
  line += value;
  out << line << '\n';
}

void print_inspect_text(std::ostream& out, const std::string& input, const NpyInfo& info) {
  print_labeled(out, "file", printable(input));
  print_labeled(out, "format",
                version_text(info) + " (header " + std::to_string(info.header_length) +
                    " bytes, data at offset " + std::to_string(info.payload_offset) + ")");
  print_labeled(out, "descr", printable(info.descr()));
  print_labeled(out, "dtype", dtype_summary(info.dtype));
  print_labeled(out, "shape", shape_text(info.shape));
  print_labeled(out, "order", info.fortran_order ? "Fortran" : "C");
  print_labeled(out, "elements", std::to_string(info.count));
  print_labeled(out, "data bytes", std::to_string(info.nbytes));
  if (info.dtype.kind == DTypeKind::Structured) {
    const uint64_t top = info.dtype.fields.size();
    const uint64_t total = count_fields(info.dtype);
    std::string summary = std::to_string(top);
    if (total != top) summary += " (" + std::to_string(total) + " including nested)";
    print_labeled(out, "fields", summary);
    print_field_table(out, info.dtype);
  }
}

}  // namespace

int run_check(const Options& options, Console& console) {
  int exit_code = kExitOk;
  for (const std::string& input : options.inputs) {
    const Result<NpyInfo> result = validate_input(input, options.limits);
    if (!result.ok()) {
      exit_code = std::max(exit_code, report_failure(options, console, input, result.error()));
      continue;
    }
    if (options.quiet) continue;
    if (options.json) {
      JsonWriter json;
      write_check_ok_json(json, input, *result);
      console.out << json.text() << '\n';
    } else {
      console.out << printable(input) << ": ok\n";
    }
  }
  return exit_code;
}

int run_inspect(const Options& options, Console& console) {
  // main.cpp guarantees exactly one input.
  const std::string& input = options.inputs.front();
  const Result<NpyInfo> result = validate_input(input, options.limits);
  if (!result.ok()) return report_failure(options, console, input, result.error());
  if (options.json) {
    JsonWriter json;
    write_inspect_json(json, input, *result);
    console.out << json.text() << '\n';
  } else {
    print_inspect_text(console.out, input, *result);
  }
  return kExitOk;
}

}  // namespace npyguard::cli
