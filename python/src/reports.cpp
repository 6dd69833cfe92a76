// SPDX-License-Identifier: Apache-2.0
// npyguard.check and npyguard.inspect: the CLI's verdict on one input, as a Verdict object (which
// never raises for a bad input) and as the dicts `npyguard check --json` and `npyguard inspect
// --json` print (docs/json-output.md), key for key. Validation runs with bounded memory
// (validate_npy_file, validate_npy_stream, NpzArchive::validate_each) and without the GIL.
// Trust boundary: inputs are untrusted and only the library reads them; reports are built from
// what it validated.
#include <algorithm>
#include <charconv>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "binding.h"

namespace npyguard::python {
namespace {

// Version of the --json layout these dicts follow (docs/json-output.md).
constexpr int kJsonSchemaVersion = 1;
// A file at most this large is read whole and validated in memory (as load() does).
constexpr size_t kWholeFileBytes = size_t{64} << 10;
// Version of a Verdict's pickled state.
constexpr int kVerdictStateVersion = 1;

enum class Format : uint8_t { Unknown, Npy, Npz };

// One input after validation, as the CLI's CheckedInput: which reader saw it, what it found,
// or where it failed.
struct Verdict {
  std::optional<std::string> file;
  Format format = Format::Unknown;
  std::optional<ErrorReport> error;
  std::optional<NpyInfo> npy;
  bool npz_opened = false;
  std::vector<NpzMember> members;
  std::vector<std::optional<NpyInfo>> member_infos;
};

// ---- validation --------------------------------------------------------------------------

void fail(Verdict& verdict, const Error& error, const ErrorContext& context) {
  verdict.error = report_error(error, context);
}

void check_archive(Verdict& verdict, const Input& input,
                   const std::shared_ptr<std::vector<std::byte>>& spooled, const Limits& limits) {
  verdict.format = Format::Npz;
  const ErrorContext context{.filename = input.display};
  std::optional<Result<NpzArchive>> opened;
  std::optional<Status> validated;
  {
    py::gil_scoped_release release;
    if (spooled) {
      opened.emplace(NpzArchive::open(*spooled, limits));
    } else if (input.kind == Input::Kind::Memory) {
      opened.emplace(NpzArchive::open(input.bytes, limits));
    } else {
      opened.emplace(NpzArchive::open_file(input.path, limits));
    }
    if (opened->ok()) {
      const NpzArchive& archive = **opened;
      verdict.npz_opened = true;
      verdict.members = archive.members();
      verdict.member_infos.resize(verdict.members.size());
      validated.emplace(archive.validate_each([&](size_t index, NpyInfo&& info) {
        verdict.member_infos[index] = std::move(info);
        return ok_status();
      }));
    }
  }
  if (!opened->ok()) {
    const Error& error = opened->error();
    ErrorContext located = context;
    if (error.member != kNoMember) {
      located.member = entry_name(input, spooled.get(), error.member, limits);
    }
    fail(verdict, error, located);
    return;
  }
  if (!validated->ok()) {
    const Error& error = validated->error();
    ErrorContext located = context;
    if (error.member < verdict.members.size()) located.member = verdict.members[error.member].name;
    fail(verdict, error, located);
  }
}

Verdict check_path(const Input& input, const Limits& limits) {
  Verdict verdict{.file = input.display};
  const ErrorContext context{.filename = input.display};
  // A small file is read whole with one open() and validated in memory (the same verdict, in
  // fewer system calls); a larger one is validated by the library's file readers, whose memory
  // stays bounded whatever the size.
  auto start = std::make_shared<FileStart>();
  std::optional<Result<NpyInfo>> info;
  {
    py::gil_scoped_release release;
    *start = read_file_start(input.path, kWholeFileBytes);
    if (!start->readable) {
      info.emplace(validate_npy_file(input.path, limits));
    } else if (!looks_like_npz(start->bytes)) {
      info.emplace(start->whole() ? validate_npy(start->bytes, limits)
                                  : validate_npy_file(input.path, limits));
    }
  }
  if (!info) {
    std::shared_ptr<std::vector<std::byte>> whole;
    if (start->whole()) whole = std::shared_ptr<std::vector<std::byte>>(start, &start->bytes);
    check_archive(verdict, input, whole, limits);
    return verdict;
  }
  if (info->ok()) {
    verdict.format = Format::Npy;
    verdict.npy = std::move(*info).value();
    return verdict;
  }
  // The CLI says "format": null for an input it could not read far enough to tell.
  verdict.format = start->readable ? Format::Npy : Format::Unknown;
  fail(verdict, info->error(), context);
  return verdict;
}

Verdict check_memory(const Input& input, const Limits& limits) {
  Verdict verdict{.file = input.display};
  if (looks_like_npz(input.bytes)) {
    check_archive(verdict, input, nullptr, limits);
    return verdict;
  }
  verdict.format = Format::Npy;
  Result<NpyInfo> info = [&] {
    py::gil_scoped_release release;
    return validate_npy(input.bytes, limits);
  }();
  if (info.ok()) {
    verdict.npy = std::move(info).value();
  } else {
    fail(verdict, info.error(), ErrorContext{.filename = input.display});
  }
  return verdict;
}

Verdict check_stream(const Input& input, const Limits& limits) {
  Verdict verdict{.file = input.display};
  const bool seekable = input.start_position.has_value();
  StreamStart start = begin_stream(input.file);
  const ErrorContext context{.filename = input.display};
  if (start.npz) {
    verdict.format = Format::Npz;
    auto spooled = spool_archive(input.file, std::move(start.prefix), limits, seekable);
    if (!spooled.ok()) {
      fail(verdict, spooled.error(), context);
      return verdict;
    }
    check_archive(verdict, input, *spooled, limits);
    return verdict;
  }
  verdict.format = Format::Npy;
  PythonStream stream(input.file, std::move(start.prefix));
  Result<NpyInfo> info = [&] {
    py::gil_scoped_release release;
    return validate_npy_stream(stream, limits);
  }();
  stream.rethrow_pending();
  if (info.ok()) {
    verdict.npy = std::move(info).value();
  } else {
    fail(verdict, info.error(), context);
  }
  return verdict;
}

Verdict check(py::handle file, py::handle limits_object) {
  const Limits& limits = limits_of(limits_object);
  const Input input = classify_input(file);
  Verdict verdict;
  switch (input.kind) {
    case Input::Kind::Path:
      verdict = check_path(input, limits);
      break;
    case Input::Kind::Memory:
      verdict = check_memory(input, limits);
      break;
    case Input::Kind::Stream:
      verdict = check_stream(input, limits);
      break;
  }
  // check() leaves a seekable file object where it found it (so it can be loaded next).
  if (input.file && input.start_position) input.file.attr("seek")(*input.start_position);
  // A misuse error is the caller's (or this module's) bug, never a verdict on the input.
  if (verdict.error && error_category(verdict.error->code) == ErrorCategory::Misuse) {
    raise_report(*verdict.error);
  }
  return verdict;
}

// ---- the --json dicts --------------------------------------------------------------------

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

py::str text(std::string_view value) { return py::str(value.data(), value.size()); }

// Bytes of the well-formed UTF-8 sequence at `pos` (Unicode table 3-7: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0: the CLI's JSON writer replaces each byte that does
// not start one with U+FFFD, one replacement per byte, and so does json_text().
size_t utf8_sequence_length(std::string_view text, size_t pos) {
  const auto byte_at = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte_at(pos);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;
    if (lead == 0xED) second_high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;
  } else {
    return 0;
  }
  if (length > text.size() - pos) return 0;
  const unsigned char second = byte_at(pos + 1);
  if (second < second_low || second > second_high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte_at(pos + i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool is_utf8(std::string_view value) {
  for (size_t pos = 0; pos < value.size();) {
    const size_t length = utf8_sequence_length(value, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

// A JSON string of the CLI: each byte that is not part of well-formed UTF-8 becomes U+FFFD.
py::str json_text(const std::string& value) {
  std::string repaired;
  const std::string* text = &value;
  if (!is_utf8(value)) {
    for (size_t pos = 0; pos < value.size();) {
      const size_t length = utf8_sequence_length(value, pos);
      if (length == 0) {
        repaired += "\xEF\xBF\xBD";
        ++pos;
      } else {
        repaired.append(value, pos, length);
        pos += length;
      }
    }
    text = &repaired;
  }
  PyObject* decoded =
      PyUnicode_DecodeUTF8(text->data(), static_cast<Py_ssize_t>(text->size()), "strict");
  if (decoded == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(decoded);
}

std::string hex_bytes(const std::string& value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(value.size() * 2);
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xF];
  }
  return out;
}

// A name key and, when the name is not UTF-8, its "<key>_hex" sibling (docs/json-output.md).
void add_name(py::dict& out, const char* key, const std::string& name) {
  out[key] = json_text(name);
  if (!is_utf8(name)) out[(std::string(key) + "_hex").c_str()] = text(hex_bytes(name));
}

py::list shape_list(std::span<const uint64_t> shape) {
  py::list out;
  for (uint64_t dim : shape) out.append(py::int_(dim));
  return out;
}

py::object title_json(const Field& field) {
  if (!field.title) return py::none();
  switch (field.title_kind) {
    case TitleKind::Integer: {
      int64_t value = 0;
      const std::string& title = *field.title;
      const auto parsed = std::from_chars(title.data(), title.data() + title.size(), value);
      if (parsed.ec == std::errc() && parsed.ptr == title.data() + title.size()) {
        return py::int_(value);
      }
      return json_text(title);
    }
    case TitleKind::Bytes: {
      py::dict out;
      out["bytes_hex"] = text(hex_bytes(*field.title));
      return out;
    }
    case TitleKind::String:
      break;
  }
  return json_text(*field.title);
}

py::object descr_json(const DType& dtype);

// A field's type after its name, nested as NumPy's dtype.descr nests subarray levels.
void add_field_type(py::list& entry, const Field& field) {
  const std::span<const uint64_t> shape(field.shape);
  const std::span<const uint32_t> ranks = field.subarray_levels();
  py::object type = descr_json(field.dtype);
  size_t end = shape.size();
  for (size_t level = ranks.size(); level > 1; --level) {
    const uint32_t rank = ranks[level - 1];
    py::list pair;
    pair.append(type);
    pair.append(shape_list(shape.subspan(end - rank, rank)));
    type = std::move(pair);
    end -= rank;
  }
  entry.append(type);
  if (end > 0) entry.append(shape_list(shape.first(end)));
}

py::list padding_json(uint64_t bytes) {
  py::list entry;
  entry.append(text(""));
  entry.append(text("|V" + std::to_string(bytes)));
  return entry;
}

py::object descr_json(const DType& dtype) {
  if (dtype.kind != DTypeKind::Structured) return text(dtype.type_string());
  py::list out;
  uint64_t offset = 0;
  for (const Field& field : dtype.fields) {
    if (field.offset > offset) out.append(padding_json(field.offset - offset));
    py::list entry;
    if (field.title) {
      py::list name;
      name.append(title_json(field));
      name.append(json_text(field.name));
      entry.append(name);
    } else {
      entry.append(json_text(field.name));
    }
    add_field_type(entry, field);
    out.append(entry);
    offset = field.offset + field.size;
  }
  if (dtype.itemsize > offset) out.append(padding_json(dtype.itemsize - offset));
  return out;
}

void add_dtype_keys(py::dict& out, const DType& dtype) {
  out["kind"] = text(kind_name(dtype.kind));
  out["byte_order"] = text(byte_order_name(dtype.byte_order));
  out["itemsize"] = py::int_(dtype.itemsize);
  out["long_double"] = py::bool_(dtype.is_long_double());
  if (dtype.kind == DTypeKind::Datetime || dtype.kind == DTypeKind::Timedelta) {
    out["unit"] = dtype.unit == DatetimeUnit::Generic ? text("generic")
                                                      : text(datetime_unit_name(dtype.unit));
    out["unit_multiplier"] = py::int_(dtype.unit_multiplier);
  }
}

py::list fields_json(const DType& dtype) {
  py::list out;
  for (const Field& field : dtype.fields) {
    py::dict entry;
    entry["name"] = json_text(field.name);
    entry["title"] = title_json(field);
    entry["offset"] = py::int_(field.offset);
    entry["descr"] = field.dtype.kind == DTypeKind::Structured
                         ? py::object(py::none())
                         : py::object(text(field.dtype.type_string()));
    add_dtype_keys(entry, field.dtype);
    entry["shape"] = shape_list(field.shape);
    entry["count"] = py::int_(field.count);
    entry["size"] = py::int_(field.size);
    entry["fields"] = fields_json(field.dtype);
    out.append(entry);
  }
  return out;
}

std::string version_text(const NpyInfo& info) {
  return std::to_string(info.version_major) + "." + std::to_string(info.version_minor);
}

void add_npy_check(py::dict& out, const NpyInfo& info) {
  out["version"] = text(version_text(info));
  out["descr"] = descr_json(info.dtype);
  out["shape"] = shape_list(info.shape);
  out["fortran_order"] = py::bool_(info.fortran_order);
  out["count"] = py::int_(info.count);
  out["nbytes"] = py::int_(info.nbytes);
}

std::string_view method_name(NpzMethod method) {
  return method == NpzMethod::Deflate ? "deflate" : "stored";
}

void add_member_entry(py::dict& out, const NpzMember& member) {
  out["name"] = json_text(member.name);
  out["key"] = json_text(member.key);
  out["method"] = text(method_name(member.method));
  out["compressed_size"] = py::int_(member.compressed_size);
  out["uncompressed_size"] = py::int_(member.uncompressed_size);
  out["crc32"] = py::int_(member.crc32);
  out["offset"] = py::int_(member.local_header_offset);
  out["data_offset"] = py::int_(member.data_offset);
  out["skipped"] = py::bool_(member.skipped);
}

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

const char* format_text(Format format) { return format == Format::Npz ? "npz" : "npy"; }

py::dict preamble(const Verdict& verdict) {
  py::dict out;
  out["schema"] = py::int_(kJsonSchemaVersion);
  if (verdict.file) {
    add_name(out, "file", *verdict.file);
  } else {
    out["file"] = py::none();
  }
  out["ok"] = py::bool_(!verdict.error);
  if (verdict.format == Format::Unknown && verdict.error) {
    out["format"] = py::none();
  } else {
    out["format"] = text(format_text(verdict.format));
  }
  return out;
}

py::object optional_number(std::optional<uint64_t> value) {
  return value ? py::object(py::int_(*value)) : py::object(py::none());
}

py::dict error_json(const ErrorReport& error) {
  py::dict out;
  out["code"] = py::int_(static_cast<unsigned>(error.code));
  out["name"] = text(error_name(error.code));
  out["category"] = text(category_name(error_category(error.code)));
  out["message"] = text(error_message(error.code));
  out["detail"] = json_text(error.detail);
  out["offset"] =
      error_has_offset(error.code) ? py::object(py::int_(error.offset)) : py::object(py::none());
  if (error.member_name && error.member != kNoMember) {
    add_name(out, "member", *error.member_name);
  } else {
    out["member"] = py::none();
  }
  out["member_index"] =
      error.member != kNoMember ? py::object(py::int_(error.member)) : py::object(py::none());
  out["found"] = optional_number(error.facts.found);
  out["expected"] = optional_number(error.facts.expected);
  out["limit"] = optional_number(error.facts.limit);
  out["errno"] =
      error.os_errno != 0 ? py::object(py::int_(error.os_errno)) : py::object(py::none());
  return out;
}

py::dict check_json(const Verdict& verdict) {
  py::dict out = preamble(verdict);
  if (verdict.error) {
    out["error"] = error_json(*verdict.error);
  } else if (verdict.format == Format::Npz) {
    py::list members;
    for (size_t i = 0; i < verdict.members.size(); ++i) {
      py::dict member;
      add_member_entry(member, verdict.members[i]);
      if (i < verdict.member_infos.size() && verdict.member_infos[i]) {
        add_npy_check(member, *verdict.member_infos[i]);
      }
      members.append(member);
    }
    out["members"] = members;
  } else if (verdict.npy) {
    add_npy_check(out, *verdict.npy);
  }
  return out;
}

py::object inspect_json(const Verdict& verdict) {
  if (verdict.error) return py::none();
  py::dict out = preamble(verdict);
  if (verdict.format == Format::Npz) {
    uint64_t compressed = 0;
    uint64_t uncompressed = 0;
    for (const NpzMember& member : verdict.members) {
      compressed = saturating_add(compressed, member.compressed_size);
      uncompressed = saturating_add(uncompressed, member.uncompressed_size);
    }
    out["compressed_bytes"] = py::int_(compressed);
    out["uncompressed_bytes"] = py::int_(uncompressed);
    py::list members;
    for (size_t i = 0; i < verdict.members.size(); ++i) {
      py::dict member;
      add_member_entry(member, verdict.members[i]);
      if (i < verdict.member_infos.size() && verdict.member_infos[i]) {
        add_npy_inspect(member, *verdict.member_infos[i]);
      }
      members.append(member);
    }
    out["members"] = members;
  } else if (verdict.npy) {
    add_npy_inspect(out, *verdict.npy);
  }
  return out;
}

// ---- pickling ----------------------------------------------------------------------------

py::object optional_string(const std::optional<std::string>& value) {
  return value ? py::object(py::bytes(*value)) : py::object(py::none());
}

std::optional<std::string> string_from(py::handle value) {
  if (value.is_none()) return std::nullopt;
  return py::cast<std::string>(py::bytes(py::reinterpret_borrow<py::object>(value)));
}

std::optional<uint64_t> number_from(py::handle value) {
  if (value.is_none()) return std::nullopt;
  return py::cast<uint64_t>(value);
}

py::tuple npy_state(const NpyInfo& info) {
  return py::make_tuple(info.version_major, info.version_minor, info.header_length,
                        py::bytes(info.dtype.descr()), shape_list(info.shape), info.fortran_order,
                        info.count, info.nbytes, info.payload_offset);
}

NpyInfo npy_from_state(const py::tuple& state) {
  NpyInfo info;
  info.version_major = py::cast<uint8_t>(state[0]);
  info.version_minor = py::cast<uint8_t>(state[1]);
  info.header_length = py::cast<uint64_t>(state[2]);
  Result<DType> dtype = parse_trusted_descr(py::cast<std::string>(state[3]));
  if (!dtype.ok()) raise_error(dtype.error(), {});
  info.dtype = std::move(dtype).value();
  for (py::handle dim : py::reinterpret_borrow<py::list>(state[4])) {
    info.shape.push_back(py::cast<uint64_t>(dim));
  }
  info.fortran_order = py::cast<bool>(state[5]);
  info.count = py::cast<uint64_t>(state[6]);
  info.nbytes = py::cast<uint64_t>(state[7]);
  info.payload_offset = py::cast<uint64_t>(state[8]);
  return info;
}

py::object optional_npy_state(const std::optional<NpyInfo>& info) {
  return info ? py::object(npy_state(*info)) : py::object(py::none());
}

std::optional<NpyInfo> optional_npy_from(py::handle state) {
  if (state.is_none()) return std::nullopt;
  return npy_from_state(py::reinterpret_borrow<py::tuple>(state));
}

py::tuple error_state(const ErrorReport& error) {
  return py::make_tuple(static_cast<unsigned>(error.code), error.offset, error.member,
                        py::bytes(error.detail), py::bytes(error.description),
                        optional_number(error.facts.found), optional_number(error.facts.expected),
                        optional_number(error.facts.limit), error.os_errno,
                        optional_string(error.member_name), optional_string(error.filename));
}

ErrorReport error_from_state(const py::tuple& state) {
  const auto number = py::cast<unsigned>(state[0]);
  const auto codes = all_error_codes();
  const auto found = std::find_if(codes.begin(), codes.end(), [&](ErrorCode code) {
    return static_cast<unsigned>(code) == number;
  });
  if (found == codes.end()) throw py::value_error("unknown npyguard error code in pickled state");
  ErrorReport error;
  error.code = *found;
  error.offset = py::cast<uint64_t>(state[1]);
  error.member = py::cast<uint32_t>(state[2]);
  error.detail = py::cast<std::string>(state[3]);
  error.description = py::cast<std::string>(state[4]);
  error.facts.found = number_from(state[5]);
  error.facts.expected = number_from(state[6]);
  error.facts.limit = number_from(state[7]);
  error.os_errno = py::cast<int>(state[8]);
  error.member_name = string_from(state[9]);
  error.filename = string_from(state[10]);
  return error;
}

py::tuple member_state(const NpzMember& member) {
  return py::make_tuple(py::bytes(member.name), py::bytes(member.key),
                        static_cast<unsigned>(member.method), member.compressed_size,
                        member.uncompressed_size, member.crc32, member.local_header_offset,
                        member.data_offset, member.skipped);
}

NpzMember member_from_state(const py::tuple& state) {
  NpzMember member;
  member.name = py::cast<std::string>(state[0]);
  member.key = py::cast<std::string>(state[1]);
  const auto method = py::cast<unsigned>(state[2]);
  if (method != static_cast<unsigned>(NpzMethod::Stored) &&
      method != static_cast<unsigned>(NpzMethod::Deflate)) {
    throw py::value_error("unknown compression method in pickled state");
  }
  member.method = static_cast<NpzMethod>(method);
  member.compressed_size = py::cast<uint64_t>(state[3]);
  member.uncompressed_size = py::cast<uint64_t>(state[4]);
  member.crc32 = py::cast<uint32_t>(state[5]);
  member.local_header_offset = py::cast<uint64_t>(state[6]);
  member.data_offset = py::cast<uint64_t>(state[7]);
  member.skipped = py::cast<bool>(state[8]);
  return member;
}

py::tuple verdict_state(const Verdict& verdict) {
  py::list members;
  for (const NpzMember& member : verdict.members) members.append(member_state(member));
  py::list infos;
  for (const auto& info : verdict.member_infos) infos.append(optional_npy_state(info));
  return py::make_tuple(
      kVerdictStateVersion, optional_string(verdict.file), static_cast<unsigned>(verdict.format),
      verdict.error ? py::object(error_state(*verdict.error)) : py::object(py::none()),
      optional_npy_state(verdict.npy), verdict.npz_opened, members, infos);
}

Verdict verdict_from_state(const py::tuple& state) {
  if (state.size() != 8 || py::cast<int>(state[0]) != kVerdictStateVersion) {
    throw py::value_error("not a pickled npyguard.Verdict of this version");
  }
  Verdict verdict;
  verdict.file = string_from(state[1]);
  const auto format = py::cast<unsigned>(state[2]);
  if (format > static_cast<unsigned>(Format::Npz)) throw py::value_error("bad pickled format");
  verdict.format = static_cast<Format>(format);
  if (!state[3].is_none())
    verdict.error = error_from_state(py::reinterpret_borrow<py::tuple>(state[3]));
  verdict.npy = optional_npy_from(state[4]);
  verdict.npz_opened = py::cast<bool>(state[5]);
  for (py::handle member : py::reinterpret_borrow<py::list>(state[6])) {
    verdict.members.push_back(member_from_state(py::reinterpret_borrow<py::tuple>(member)));
  }
  for (py::handle info : py::reinterpret_borrow<py::list>(state[7])) {
    verdict.member_infos.push_back(optional_npy_from(info));
  }
  return verdict;
}

// ---- the Verdict class -------------------------------------------------------------------

template <class Get>
py::object when_failed(const Verdict& verdict, Get get) {
  return verdict.error ? py::object(get(*verdict.error)) : py::object(py::none());
}

template <class Get>
py::object when_npy(const Verdict& verdict, Get get) {
  return !verdict.error && verdict.npy ? py::object(get(*verdict.npy)) : py::object(py::none());
}

std::string verdict_repr(const Verdict& verdict) {
  std::string out = "<npyguard.Verdict ";
  if (verdict.file) out += py::cast<std::string>(py::repr(path_text(*verdict.file))) + ": ";
  if (verdict.error) return out + "rejected: " + verdict.error->description + ">";
  out += "ok";
  if (verdict.npy) {
    out += " npy " + verdict.npy->descr();
    out += " shape (";
    for (size_t i = 0; i < verdict.npy->shape.size(); ++i) {
      out += (i > 0 ? ", " : "") + std::to_string(verdict.npy->shape[i]);
    }
    out += verdict.npy->shape.size() == 1 ? ",)" : ")";
  } else {
    out += " npz, " + std::to_string(verdict.members.size()) + " members";
  }
  return out + ">";
}

const char* kVerdictDoc =
    "What npyguard.check() found: the verdict `npyguard check` prints, never an exception.\n\n"
    "ok (also bool(verdict)) is True for an accepted input. A rejected one has code (the\n"
    "stable error name, e.g. 'object_dtype'), number, category, message, detail, offset,\n"
    "member (the archive member's name), member_index, found, expected, limit and errno,\n"
    "which are None for an accepted one; error is the npyguard.Error (or OSError) load() would\n"
    "raise, and raise_for_error() raises it. An accepted .npy has version, descr, dtype\n"
    "(numpy.dtype), shape, fortran_order, count and nbytes; an accepted .npz has members.\n"
    "info is the dict `npyguard inspect --json` prints; to_dict() is the one `npyguard check\n"
    "--json` prints (without its CLI-specific 'hint'). Verdicts pickle.";

}  // namespace

void add_npy_inspect(py::dict& out, const NpyInfo& info) {
  out["version"] = text(version_text(info));
  out["header_length"] = py::int_(info.header_length);
  out["payload_offset"] = py::int_(info.payload_offset);
  out["descr"] = descr_json(info.dtype);
  py::dict dtype;
  add_dtype_keys(dtype, info.dtype);
  out["dtype"] = dtype;
  out["shape"] = shape_list(info.shape);
  out["fortran_order"] = py::bool_(info.fortran_order);
  out["count"] = py::int_(info.count);
  out["nbytes"] = py::int_(info.nbytes);
  out["fields"] = fields_json(info.dtype);
}

void bind_reports(py::module_& module) {
  py::class_<Verdict> verdict_class(module, "Verdict", kVerdictDoc);
  verdict_class.def_property_readonly("ok", [](const Verdict& v) { return !v.error; })
      .def("__bool__", [](const Verdict& v) { return !v.error; })
      .def_property_readonly("format",
                             [](const Verdict& v) -> py::object {
                               if (v.format == Format::Unknown) return py::none();
                               return text(format_text(v.format));
                             })
      .def_property_readonly("file",
                             [](const Verdict& v) -> py::object {
                               return v.file ? py::object(path_text(*v.file))
                                             : py::object(py::none());
                             })
      .def_property_readonly(
          "code",
          [](const Verdict& v) {
            return when_failed(v, [](const ErrorReport& e) { return text(error_name(e.code)); });
          })
      .def_property_readonly("number",
                             [](const Verdict& v) {
                               return when_failed(v, [](const ErrorReport& e) {
                                 return py::int_(static_cast<unsigned>(e.code));
                               });
                             })
      .def_property_readonly("category",
                             [](const Verdict& v) {
                               return when_failed(v, [](const ErrorReport& e) {
                                 return text(category_name(error_category(e.code)));
                               });
                             })
      .def_property_readonly(
          "message",
          [](const Verdict& v) {
            return when_failed(v, [](const ErrorReport& e) { return text(error_message(e.code)); });
          })
      .def_property_readonly("detail",
                             [](const Verdict& v) {
                               return when_failed(
                                   v, [](const ErrorReport& e) { return json_text(e.detail); });
                             })
      .def_property_readonly("offset",
                             [](const Verdict& v) -> py::object {
                               if (!v.error || !error_has_offset(v.error->code)) return py::none();
                               return py::int_(v.error->offset);
                             })
      .def_property_readonly("member",
                             [](const Verdict& v) -> py::object {
                               if (!v.error || !v.error->member_name) return py::none();
                               return member_text(*v.error->member_name);
                             })
      .def_property_readonly("member_index",
                             [](const Verdict& v) -> py::object {
                               if (!v.error || v.error->member == kNoMember) return py::none();
                               return py::int_(v.error->member);
                             })
      .def_property_readonly("found",
                             [](const Verdict& v) {
                               return v.error ? optional_number(v.error->facts.found)
                                              : py::object(py::none());
                             })
      .def_property_readonly("expected",
                             [](const Verdict& v) {
                               return v.error ? optional_number(v.error->facts.expected)
                                              : py::object(py::none());
                             })
      .def_property_readonly("limit",
                             [](const Verdict& v) {
                               return v.error ? optional_number(v.error->facts.limit)
                                              : py::object(py::none());
                             })
      .def_property_readonly("errno",
                             [](const Verdict& v) -> py::object {
                               if (!v.error || v.error->os_errno == 0) return py::none();
                               return py::int_(v.error->os_errno);
                             })
      .def_property_readonly("error",
                             [](const Verdict& v) {
                               return when_failed(
                                   v, [](const ErrorReport& e) { return make_exception(e); });
                             })
      .def(
          "raise_for_error",
          [](const Verdict& v) {
            if (v.error) raise_report(*v.error);
          },
          "Raises the error load() would raise for this input; does nothing when ok.")
      .def_property_readonly("version",
                             [](const Verdict& v) {
                               return when_npy(
                                   v, [](const NpyInfo& i) { return text(version_text(i)); });
                             })
      .def_property_readonly(
          "descr",
          [](const Verdict& v) {
            return when_npy(v, [](const NpyInfo& i) { return descr_json(i.dtype); });
          },
          "The dtype as the --json 'descr' (a type string, or lists for records).")
      .def_property_readonly(
          "dtype",
          [](const Verdict& v) {
            return when_npy(v, [](const NpyInfo& i) { return numpy_dtype(i.dtype); });
          },
          "The numpy.dtype np.load would give the array.")
      .def_property_readonly(
          "shape",
          [](const Verdict& v) {
            return when_npy(v, [](const NpyInfo& i) { return py::tuple(shape_list(i.shape)); });
          })
      .def_property_readonly("fortran_order",
                             [](const Verdict& v) {
                               return when_npy(
                                   v, [](const NpyInfo& i) { return py::bool_(i.fortran_order); });
                             })
      .def_property_readonly("count",
                             [](const Verdict& v) {
                               return when_npy(v,
                                               [](const NpyInfo& i) { return py::int_(i.count); });
                             })
      .def_property_readonly("nbytes",
                             [](const Verdict& v) {
                               return when_npy(v,
                                               [](const NpyInfo& i) { return py::int_(i.nbytes); });
                             })
      .def_property_readonly(
          "members",
          [](const Verdict& v) -> py::object {
            if (v.error || v.format != Format::Npz) return py::none();
            return inspect_json(v)["members"];
          },
          "For an accepted .npz: its members as inspect describes them.")
      .def_property_readonly("info", &inspect_json,
                             "For an accepted input: the dict `npyguard inspect --json` prints.")
      .def("to_dict", &check_json, "The dict `npyguard check --json` prints.")
      .def("__repr__", &verdict_repr)
      .def(py::pickle(&verdict_state, &verdict_from_state));

  module.def("check", &check, py::arg("file"), py::arg("limits"));
  module.def(
      "inspect",
      [](py::handle file, py::handle limits) {
        const Verdict verdict = check(file, limits);
        if (verdict.error) raise_report(*verdict.error);
        return inspect_json(verdict);
      },
      py::arg("file"), py::arg("limits"));
}

}  // namespace npyguard::python
