// SPDX-License-Identifier: Apache-2.0
// The JSON objects check, inspect and sanitize print (docs/json-output.md): NumPy's descr
// without Python syntax, the fields of a dtype, archive member entries, and the preamble and
// error object every result starts with. Input: validated library values and verdicts whose
// strings come from untrusted files; output: JSON text (JsonWriter escapes every string).
#include "json_output.h"

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "text.h"

namespace npyguard::cli {
namespace {

// The JSON layout's version (docs/json-output.md): raised whenever a key is removed or renamed
// or a value changes type or meaning; new keys may appear without a change.
constexpr uint64_t kJsonSchemaVersion = 1;

// A field's type and shape after its name, as NumPy's dtype.descr nests them: "<i4", then the
// shape; with more than one subarray level the inner levels wrap the type as [type, shape]
// pairs, innermost nearest the type (the way DType::descr() writes them back).
void write_field_type_json(JsonWriter& json, const Field& field) {
  const std::span<const uint64_t> shape(field.shape);
  const std::span<const uint32_t> ranks = field.subarray_levels();
  for (size_t i = 1; i < ranks.size(); ++i) json.begin_array();
  write_descr_json(json, field.dtype);
  size_t end = shape.size();
  for (size_t level = ranks.size(); level > 1; --level) {
    const uint32_t rank = ranks[level - 1];
    write_shape_json(json, shape.subspan(end - rank, rank));
    json.end_array();
    end -= rank;
  }
  if (end > 0) write_shape_json(json, shape.first(end));
}

void write_padding_json(JsonWriter& json, uint64_t bytes) {
  json.begin_array();
  json.string("");
  json.string("|V" + std::to_string(bytes));
  json.end_array();
}

}  // namespace

// A string title as a JSON string, an integer title as a JSON number, a bytes title as
// {"bytes_hex": "..."} (two lower-case hex digits per byte), so the three stay distinguishable.
void write_title_json(JsonWriter& json, const Field& field) {
  if (!field.title) {
    json.null();
    return;
  }
  switch (field.title_kind) {
    case TitleKind::Integer: {
      int64_t value = 0;
      const std::string& text = *field.title;
      const char* const end = std::to_address(text.cend());
      const auto parsed = std::from_chars(text.data(), end, value);
      if (parsed.ec == std::errc() && parsed.ptr == end) {
        json.integer(value);
      } else {
        json.string(text);  // not reachable: the library writes the decimal of an int64
      }
      return;
    }
    case TitleKind::Bytes:
      json.begin_object();
      json.key("bytes_hex").string(hex_bytes(*field.title));
      json.end_object();
      return;
    case TitleKind::String:
      break;
  }
  json.string(*field.title);
}

void write_shape_json(JsonWriter& json, std::span<const uint64_t> shape) {
  json.begin_array();
  for (uint64_t dim : shape) json.number(dim);
  json.end_array();
}

// NumPy's dtype.descr without Python syntax (docs/json-output.md): a type string for a plain
// dtype; for a record, an array of entries [name, type] or [name, type, shape], the name being
// [title, name] when the field has a title, with gaps and the tail as ["", "|V<n>"] padding.
void write_descr_json(JsonWriter& json, const DType& dtype) {
  if (dtype.kind != DTypeKind::Structured) {
    json.string(dtype.type_string());
    return;
  }
  json.begin_array();
  uint64_t offset = 0;  // field offsets and sizes are within itemsize (DType invariant)
  for (const Field& field : dtype.fields) {
    if (field.offset > offset) write_padding_json(json, field.offset - offset);
    json.begin_array();
    if (field.title) {
      json.begin_array();
      write_title_json(json, field);
      json.string(field.name);
      json.end_array();
    } else {
      json.string(field.name);
    }
    write_field_type_json(json, field);
    json.end_array();
    offset = field.offset + field.size;
  }
  if (dtype.itemsize > offset) write_padding_json(json, dtype.itemsize - offset);
  json.end_array();
}

// write_descr_json's text on its own, for keeping after the dtype itself is gone.
std::string descr_json_text(const DType& dtype) {
  JsonWriter json;
  write_descr_json(json, dtype);
  return json.text();
}

NpySummary summarize(const NpyInfo& info) {
  return NpySummary{.version_major = info.version_major,
                    .version_minor = info.version_minor,
                    .descr_json = descr_json_text(info.dtype),
                    .shape = info.shape,
                    .fortran_order = info.fortran_order,
                    .count = info.count,
                    .nbytes = info.nbytes};
}

// A name that may not be UTF-8 (a path from argv or a directory walk, a member name an archive
// was refused for): `key` holds it with each byte that is not part of well-formed UTF-8 replaced
// by U+FFFD, and, only when that happened, `key`_hex holds its exact bytes.
void write_name_json(JsonWriter& json, std::string_view key, std::string_view name) {
  json.key(key).string(name);
  if (!is_valid_utf8(name)) json.key(std::string(key) + "_hex").string(hex_bytes(name));
}

// "schema", "file" (and "file_hex"), "ok" and "format" open every JSON object; the format is
// null when the input could not be read far enough to tell.
void write_json_preamble(JsonWriter& json, const std::string& input, const InputVerdict& checked) {
  json.key("schema").number(kJsonSchemaVersion);
  write_name_json(json, "file", input);
  json.key("ok").boolean(checked.ok());
  json.key("format");
  if (checked.format == InputFormat::Unknown && !checked.ok()) {
    json.null();
  } else {
    json.string(format_name(checked.format));
  }
}

void write_optional_number(JsonWriter& json, std::string_view key, std::optional<uint64_t> value) {
  json.key(key);
  if (value) {
    json.number(*value);
  } else {
    json.null();
  }
}

void write_error_json(JsonWriter& json, const std::string& input, const InputVerdict& checked,
                      const char* hint) {
  const Error& error = *checked.error;
  json.begin_object();
  write_json_preamble(json, input, checked);
  json.key("error").begin_object();
  json.key("code").number(static_cast<uint64_t>(error.code));
  json.key("name").string(error_name(error.code));
  json.key("category").string(category_name(error_category(error.code)));
  json.key("message").string(error_message(error.code));
  json.key("detail").string(render_detail(error));
  write_optional_number(json, "offset",
                        error_has_offset(error.code) ? std::optional(error.offset) : std::nullopt);
  if (const std::string* name = checked.error_member_name()) {
    write_name_json(json, "member", *name);
  } else {
    json.key("member").null();
  }
  write_optional_number(
      json, "member_index",
      error.member != kNoMember ? std::optional<uint64_t>(error.member) : std::nullopt);
  const ErrorFacts facts = error_facts(error);
  write_optional_number(json, "found", facts.found);
  write_optional_number(json, "expected", facts.expected);
  write_optional_number(json, "limit", facts.limit);
  json.key("errno");
  if (error.os_errno != 0) {
    json.integer(error.os_errno);
  } else {
    json.null();
  }
  json.key("hint");
  if (hint != nullptr) {
    json.string(hint);
  } else {
    json.null();
  }
  json.end_object();
  json.end_object();
}

// The members of a check object that describe one validated .npy (a file or an archive member).
void write_npy_check_members_json(JsonWriter& json, const NpySummary& info) {
  json.key("version").string(std::to_string(info.version_major) + "." +
                             std::to_string(info.version_minor));
  json.key("descr").raw(info.descr_json);
  json.key("shape");
  write_shape_json(json, info.shape);
  json.key("fortran_order").boolean(info.fortran_order);
  json.key("count").number(info.count);
  json.key("nbytes").number(info.nbytes);
}

// An archive member's directory entry: what the ZIP structure says about it.
void write_member_entry_json(JsonWriter& json, const NpzMember& member) {
  // Names of an accepted archive are UTF-8 (the reader refuses others), so no name_hex.
  json.key("name").string(member.name);
  json.key("key").string(member.key);
  json.key("method").string(method_name(member.method));
  json.key("compressed_size").number(member.compressed_size);
  json.key("uncompressed_size").number(member.uncompressed_size);
  json.key("crc32").number(member.crc32);
  json.key("offset").number(member.local_header_offset);
  json.key("data_offset").number(member.data_offset);
  json.key("skipped").boolean(member.skipped);
}

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
    write_title_json(json, field);
    json.key("offset").number(field.offset);
    // A nested record's descr is inside its parent's; its own fields follow in "fields".
    json.key("descr");
    if (field.dtype.kind == DTypeKind::Structured) {
      json.null();
    } else {
      json.string(field.dtype.type_string());
    }
    write_dtype_members_json(json, field.dtype);
    json.key("shape");
    write_shape_json(json, field.shape);
    json.key("count").number(field.count);
    json.key("size").number(field.size);
    json.key("fields");
    write_fields_json(json, field.dtype);
    json.end_object();
  }
  json.end_array();
}

// The members of an inspect object that describe one validated .npy (a file or an archive member).
void write_npy_inspect_members_json(JsonWriter& json, const NpyInfo& info) {
  json.key("version").string(version_text(info));
  json.key("header_length").number(info.header_length);
  json.key("payload_offset").number(info.payload_offset);
  json.key("descr");
  write_descr_json(json, info.dtype);
  json.key("dtype").begin_object();
  write_dtype_members_json(json, info.dtype);
  json.end_object();
  json.key("shape");
  write_shape_json(json, info.shape);
  json.key("fortran_order").boolean(info.fortran_order);
  json.key("count").number(info.count);
  json.key("nbytes").number(info.nbytes);
  json.key("fields");
  write_fields_json(json, info.dtype);
}

}  // namespace npyguard::cli
