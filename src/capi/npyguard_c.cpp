// SPDX-License-Identifier: Apache-2.0
// The C API (include/npyguard/npyguard_c.h) over the public C++ API. Input: arguments from C
// callers, which may be null, sized wrongly or point at untrusted bytes; output: handles that
// wrap validated C++ objects, and errors copied into caller-owned npyguard_error structs. Every
// entry point catches every exception (none may cross into C) and maps it to an error value; the
// file parses nothing itself: all validation is the C++ readers'. Names follow the C header's
// snake_case (src/capi/.clang-tidy).
#include "npyguard/npyguard_c.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "npyguard/npyguard.h"

using npyguard::Array;
using npyguard::DType;
using npyguard::Error;
using npyguard::ErrorCategory;
using npyguard::ErrorCode;
using npyguard::Field;
using npyguard::Limits;
using npyguard::NpyInfo;
using npyguard::Result;
using npyguard::Status;

// The handle types the header declares. The dtype tree mirrors an NpyInfo's DType tree once, so
// accessors hand out borrowed pointers into it and C strings that live as long as the info.
struct npyguard_dtype {
  const DType* dtype = nullptr;
  std::string type_string;
  std::string unit;
  std::vector<npyguard_field> fields;
};

struct npyguard_field {
  const Field* field = nullptr;
  std::string title;
  bool has_title = false;
  npyguard_dtype dtype;
};

struct npyguard_info {
  NpyInfo info;
  std::string descr;
  npyguard_dtype root;
};

struct npyguard_npy {
  std::unique_ptr<npyguard_info> info;
  // Opened from a descriptor or memory: the validated array (owned copy or view).
  std::optional<Array> array;
  // Opened by path: read again from the path, under the same limits.
  std::string path;
  Limits limits;
};

struct npyguard_npz {
  explicit npyguard_npz(npyguard::NpzArchive opened) : archive(std::move(opened)) {}
  npyguard::NpzArchive archive;
};

struct npyguard_npz_writer {
  explicit npyguard_npz_writer(npyguard::NpzFileWriter created) : writer(std::move(created)) {}
  npyguard::NpzFileWriter writer;
};

namespace {

// The C constants are the C++ enumerators' values, so a kind or order converts by value.
static_assert(NPYGUARD_KIND_BOOL == static_cast<int>(npyguard::DTypeKind::Bool));
static_assert(NPYGUARD_KIND_SIGNED_INT == static_cast<int>(npyguard::DTypeKind::SignedInt));
static_assert(NPYGUARD_KIND_UNSIGNED_INT == static_cast<int>(npyguard::DTypeKind::UnsignedInt));
static_assert(NPYGUARD_KIND_FLOAT == static_cast<int>(npyguard::DTypeKind::Float));
static_assert(NPYGUARD_KIND_COMPLEX == static_cast<int>(npyguard::DTypeKind::Complex));
static_assert(NPYGUARD_KIND_BYTES == static_cast<int>(npyguard::DTypeKind::Bytes));
static_assert(NPYGUARD_KIND_UNICODE == static_cast<int>(npyguard::DTypeKind::Unicode));
static_assert(NPYGUARD_KIND_VOID == static_cast<int>(npyguard::DTypeKind::Void));
static_assert(NPYGUARD_KIND_DATETIME == static_cast<int>(npyguard::DTypeKind::Datetime));
static_assert(NPYGUARD_KIND_TIMEDELTA == static_cast<int>(npyguard::DTypeKind::Timedelta));
static_assert(NPYGUARD_KIND_STRUCTURED == static_cast<int>(npyguard::DTypeKind::Structured));
static_assert(NPYGUARD_ORDER_LITTLE == static_cast<int>(npyguard::ByteOrder::Little));
static_assert(NPYGUARD_ORDER_BIG == static_cast<int>(npyguard::ByteOrder::Big));
static_assert(NPYGUARD_ORDER_NOT_APPLICABLE ==
              static_cast<int>(npyguard::ByteOrder::NotApplicable));
static_assert(NPYGUARD_METHOD_STORED == static_cast<int>(npyguard::NpzMethod::Stored));
static_assert(NPYGUARD_METHOD_DEFLATE == static_cast<int>(npyguard::NpzMethod::Deflate));
static_assert(NPYGUARD_NO_MEMBER == npyguard::kNoMember);

// The size of the first published npyguard_limits (every field up to allow_invalid_unicode);
// a caller's struct_size below it cannot be a version of the struct.
constexpr size_t kLimitsFirstSize = offsetof(npyguard_limits, allow_invalid_unicode) + sizeof(int);
static_assert(kLimitsFirstSize <= sizeof(npyguard_limits));
// The deflate level used when a caller passes 0: zlib's default, which numpy.savez_compressed
// uses.
constexpr int kDefaultDeflateLevel = 6;
constexpr int kMaxDeflateLevel = 9;
constexpr unsigned kKnownReadFlags = NPYGUARD_READ_NATIVE_BYTE_ORDER | NPYGUARD_READ_C_ORDER;
// Bytes that become '?' in a member name copied into an error: C0 controls and DEL.
constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kDelete = 0x7F;
// UTF-8 continuation bytes are 10xxxxxx.
constexpr unsigned char kContinuationMask = 0xC0;
constexpr unsigned char kContinuationBits = 0x80;

Error misuse(const char* detail) {
  return Error{.code = ErrorCode::InvalidArgument, .detail = detail};
}

int category_value(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::Malformed:
      return NPYGUARD_CATEGORY_MALFORMED;
    case ErrorCategory::Unsupported:
      return NPYGUARD_CATEGORY_UNSUPPORTED;
    case ErrorCategory::PolicyRejected:
      return NPYGUARD_CATEGORY_POLICY_REJECTED;
    case ErrorCategory::LimitExceeded:
      return NPYGUARD_CATEGORY_LIMIT_EXCEEDED;
    case ErrorCategory::Io:
      return NPYGUARD_CATEGORY_IO;
    case ErrorCategory::Internal:
      return NPYGUARD_CATEGORY_INTERNAL;
    case ErrorCategory::Misuse:
      return NPYGUARD_CATEGORY_MISUSE;
  }
  return NPYGUARD_CATEGORY_INTERNAL;
}

// NPYGUARD_REJECTED for a verdict on the input, NPYGUARD_ERROR for everything else (the CLI's
// exit codes 1 and 2).
int status_of(const Error& error) {
  switch (npyguard::error_category(error.code)) {
    case ErrorCategory::Malformed:
    case ErrorCategory::Unsupported:
    case ErrorCategory::PolicyRejected:
    case ErrorCategory::LimitExceeded:
      return NPYGUARD_REJECTED;
    case ErrorCategory::Io:
    case ErrorCategory::Internal:
    case ErrorCategory::Misuse:
      return NPYGUARD_ERROR;
  }
  return NPYGUARD_ERROR;
}

// Copies `text` into a buffer of `capacity` bytes, NUL-terminated, cut at a UTF-8 character
// boundary when it does not fit; returns whether it was cut.
bool copy_text(std::span<char> buffer, std::string_view text) noexcept {
  if (buffer.empty()) return !text.empty();
  size_t length = std::min(text.size(), buffer.size() - 1);
  const bool cut = length < text.size();
  if (cut) {
    while (length > 0 &&
           (static_cast<unsigned char>(text[length]) & kContinuationMask) == kContinuationBits) {
      --length;
    }
  }
  std::copy_n(text.begin(), length, buffer.begin());
  buffer[length] = '\0';
  return cut;
}

// A member name fit for a C string and a terminal: NUL and other control bytes become '?'.
std::string printable_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < kFirstPrintable || byte == kDelete) c = '?';
  }
  return out;
}

// Fills `out` (when not null) and returns the status for `error`. Never throws: if rendering the
// message runs out of memory, the code's fixed message stands in for it.
int fail(npyguard_error* out, const Error& error, std::string_view member_name = {}) noexcept {
  if (out != nullptr) {
    *out = npyguard_error{};
    out->code = static_cast<int>(error.code);
    const ErrorCategory category = npyguard::error_category(error.code);
    out->category = category_value(category);
    out->has_offset = npyguard::error_has_offset(error.code) ? 1 : 0;
    out->offset = error.offset;
    out->member = error.member;
    out->os_errno = error.os_errno;
    bool cut = copy_text(out->name, npyguard::error_name(error.code));
    cut = copy_text(out->category_name, npyguard::category_name(category)) || cut;
    try {
      const std::string name = printable_name(member_name);
      cut = copy_text(out->member_name, name) || cut;
      const std::string message =
          name.empty() ? npyguard::describe(error)
                       : npyguard::describe(error, std::string("member '") + name + "'");
      cut = copy_text(out->message, message) || cut;
    } catch (...) {
      cut = copy_text(out->message, npyguard::error_message(error.code)) || cut;
    }
    out->truncated = cut ? 1 : 0;
  }
  return status_of(error);
}

// Runs one entry point's body, turning any exception into an error value.
template <class Body>
int guarded(npyguard_error* error, Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (const std::bad_alloc&) {
    return fail(error, Error{.code = ErrorCode::OutOfMemory,
                             .detail = "memory ran out inside a C API call"});
  } catch (...) {
    return fail(error, Error{.code = ErrorCode::Internal,
                             .detail = "an exception reached the C API boundary"});
  }
}

// The C++ limits for a caller's struct (NULL: the defaults).
Result<Limits> to_limits(const npyguard_limits* in) {
  Limits out;
  if (in == nullptr) return out;
  if (in->struct_size < kLimitsFirstSize) {
    return misuse("npyguard_limits.struct_size is smaller than any version of the struct");
  }
  out.max_header_chars = in->max_header_chars;
  out.max_header_bytes = in->max_header_bytes;
  out.max_ndim = in->max_ndim;
  out.max_dim_digits = in->max_dim_digits;
  out.max_array_bytes = in->max_array_bytes;
  out.max_dtype_depth = in->max_dtype_depth;
  out.max_fields = in->max_fields;
  out.max_members = in->max_members;
  out.max_member_name_bytes = in->max_member_name_bytes;
  out.max_total_uncompressed = in->max_total_uncompressed;
  out.amplification_floor_bytes = in->amplification_floor_bytes;
  out.max_amplification_factor = in->max_amplification_factor;
  out.max_compression_ratio = in->max_compression_ratio;
  out.max_total_header_bytes = in->max_total_header_bytes;
  out.max_streamed_archive_bytes = in->max_streamed_archive_bytes;
  if (in->member_pattern_count > 0) {
    if (in->member_patterns == nullptr) return misuse("member_patterns is NULL");
    const std::span<const char* const> patterns(in->member_patterns, in->member_pattern_count);
    for (const char* pattern : patterns) {
      if (pattern == nullptr) return misuse("an entry of member_patterns is NULL");
      out.member_patterns.emplace_back(pattern);
    }
  }
  out.skip_non_npy_members = in->skip_non_npy_members != 0;
  out.allow_fortran_order = in->allow_fortran_order != 0;
  out.allow_big_endian = in->allow_big_endian != 0;
  out.allow_structured = in->allow_structured != 0;
  out.strict_alignment = in->strict_alignment != 0;
  out.allow_trailing_data = in->allow_trailing_data != 0;
  out.normalize_bool = in->normalize_bool != 0;
  out.allow_invalid_unicode = in->allow_invalid_unicode != 0;
  NPYGUARD_TRY(out.validate());
  return out;
}

npyguard_limits from_limits(const Limits& in) {
  npyguard_limits out{};
  out.struct_size = sizeof(npyguard_limits);
  out.max_header_chars = in.max_header_chars;
  out.max_header_bytes = in.max_header_bytes;
  out.max_ndim = in.max_ndim;
  out.max_dim_digits = in.max_dim_digits;
  out.max_array_bytes = in.max_array_bytes;
  out.max_dtype_depth = in.max_dtype_depth;
  out.max_fields = in.max_fields;
  out.max_members = in.max_members;
  out.max_member_name_bytes = in.max_member_name_bytes;
  out.max_total_uncompressed = in.max_total_uncompressed;
  out.amplification_floor_bytes = in.amplification_floor_bytes;
  out.max_amplification_factor = in.max_amplification_factor;
  out.max_compression_ratio = in.max_compression_ratio;
  out.max_total_header_bytes = in.max_total_header_bytes;
  out.max_streamed_archive_bytes = in.max_streamed_archive_bytes;
  out.skip_non_npy_members = in.skip_non_npy_members ? 1 : 0;
  out.allow_fortran_order = in.allow_fortran_order ? 1 : 0;
  out.allow_big_endian = in.allow_big_endian ? 1 : 0;
  out.allow_structured = in.allow_structured ? 1 : 0;
  out.strict_alignment = in.strict_alignment ? 1 : 0;
  out.allow_trailing_data = in.allow_trailing_data ? 1 : 0;
  out.normalize_bool = in.normalize_bool ? 1 : 0;
  out.allow_invalid_unicode = in.allow_invalid_unicode ? 1 : 0;
  return out;
}

// Mirrors `dtype` (already validated, so its depth is bounded by max_dtype_depth) into `node`.
void mirror_dtype(const DType& dtype, npyguard_dtype& node) {
  node.dtype = &dtype;
  node.type_string = dtype.type_string();
  node.unit = std::string(npyguard::datetime_unit_name(dtype.unit));
  node.fields.resize(dtype.fields.size());
  for (size_t i = 0; i < dtype.fields.size(); ++i) {
    const Field& field = dtype.fields[i];
    npyguard_field& mirrored = node.fields[i];
    mirrored.field = &field;
    mirrored.has_title = field.title.has_value();
    if (mirrored.has_title) mirrored.title = field.title_repr();
    mirror_dtype(field.dtype, mirrored.dtype);
  }
}

std::unique_ptr<npyguard_info> make_info(NpyInfo info) {
  auto out = std::make_unique<npyguard_info>();
  out->info = std::move(info);
  out->descr = out->info.descr();
  mirror_dtype(out->info.dtype, out->root);
  return out;
}

bool known_flags(unsigned flags) { return (flags & ~kKnownReadFlags) == 0; }

npyguard::IntoOptions into_options(unsigned flags) {
  return npyguard::IntoOptions{.native_byte_order = (flags & NPYGUARD_READ_NATIVE_BYTE_ORDER) != 0,
                               .c_order = (flags & NPYGUARD_READ_C_ORDER) != 0};
}

std::span<std::byte> out_span(void* out, size_t size) {
  return {static_cast<std::byte*>(out), size};
}

std::span<const std::byte> in_span(const void* data, size_t size) {
  return {static_cast<const std::byte*>(data), size};
}

Error size_mismatch(uint64_t found, uint64_t expected) {
  return Error{.code = ErrorCode::ArraySizeMismatch,
               .detail = "the buffer holds {found} bytes; the payload is {expected} bytes",
               .found = found,
               .bound = expected};
}

// Whether a file read again by path still says what it said when it was opened; a conversion
// changes the dtype's byte order and the order flag, so those are compared only when unchanged.
bool same_file_layout(const NpyInfo& opened, const NpyInfo& read, unsigned flags) {
  if (opened.header_length != read.header_length || opened.payload_offset != read.payload_offset ||
      opened.shape != read.shape || opened.nbytes != read.nbytes ||
      opened.dtype.itemsize != read.dtype.itemsize) {
    return false;
  }
  if ((flags & NPYGUARD_READ_NATIVE_BYTE_ORDER) == 0 && !(opened.dtype == read.dtype)) return false;
  if ((flags & NPYGUARD_READ_C_ORDER) == 0 && opened.fortran_order != read.fortran_order) {
    return false;
  }
  return true;
}

// Copies an array's payload into `out`, converted as `flags` ask.
Result<NpyInfo> copy_array(const Array& stored, std::span<std::byte> out, unsigned flags) {
  if (out.size() != stored.nbytes()) return size_mismatch(out.size(), stored.nbytes());
  std::optional<Array> converted;
  const Array* source = &stored;
  if ((flags & NPYGUARD_READ_NATIVE_BYTE_ORDER) != 0) {
    NPYGUARD_ASSIGN_OR_RETURN(Array native, source->to_native_byte_order());
    converted.emplace(std::move(native));
    source = &*converted;
  }
  if ((flags & NPYGUARD_READ_C_ORDER) != 0 && source->fortran_order()) {
    NPYGUARD_ASSIGN_OR_RETURN(Array c_order, source->to_c_order());
    converted.emplace(std::move(c_order));
    source = &*converted;
  }
  const std::span<const std::byte> bytes = source->bytes();
  if (bytes.size() != out.size()) return size_mismatch(out.size(), bytes.size());
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return source->info();
}

int hand_out_info(NpyInfo info, npyguard_info** info_out) {
  if (info_out != nullptr) *info_out = make_info(std::move(info)).release();
  return NPYGUARD_OK;
}

// What the C caller described: the parsed dtype, which array_ref_of() points the ArrayRef at once
// it has reached its final place in memory.
struct parsed_array {
  DType dtype;
};

Result<parsed_array> parse_array(const npyguard_array_desc* array) {
  if (array == nullptr || array->descr == nullptr) return misuse("the array or its descr is NULL");
  if (array->ndim > 0 && array->shape == nullptr) return misuse("shape is NULL but ndim is not 0");
  if (array->size > 0 && array->data == nullptr) return misuse("data is NULL but size is not 0");
  const std::string_view descr(array->descr);
  const size_t first = descr.find_first_not_of(' ');
  std::string literal;
  if (first != std::string_view::npos &&
      (descr[first] == '\'' || descr[first] == '"' || descr[first] == '[')) {
    literal = descr;
  } else {
    if (descr.find_first_of("'\\") != std::string_view::npos) {
      return misuse("a bare type string holds a quote or backslash");
    }
    literal = "'" + std::string(descr) + "'";
  }
  NPYGUARD_ASSIGN_OR_RETURN(DType dtype, npyguard::parse_descr(literal, Limits{}));
  return parsed_array{.dtype = std::move(dtype)};
}

// The ArrayRef over a parsed_array (which must stay where it is while the ref is used).
npyguard::ArrayRef array_ref_of(const parsed_array& parsed, const npyguard_array_desc* array) {
  return npyguard::ArrayRef{.dtype = &parsed.dtype,
                            .shape = array->ndim > 0
                                         ? std::span<const uint64_t>(array->shape, array->ndim)
                                         : std::span<const uint64_t>(),
                            .fortran_order = array->fortran_order != 0,
                            .bytes = in_span(array->data, array->size)};
}

Status check_archive(const npyguard::NpzArchive& archive) {
  return archive.validate_each([](size_t, NpyInfo&&) { return npyguard::ok_status(); });
}

const char* member_name_of(const npyguard::NpzArchive& archive, uint32_t member) {
  if (member >= archive.members().size()) return "";
  return archive.members()[member].name.c_str();
}

template <class Open>
int open_archive(const npyguard_limits* limits, npyguard_npz** out, npyguard_error* error,
                 Open&& open) {
  if (out == nullptr) return fail(error, misuse("out is NULL"));
  *out = nullptr;
  auto cpp_limits = to_limits(limits);
  if (!cpp_limits.ok()) return fail(error, cpp_limits.error());
  Result<npyguard::NpzArchive> archive = std::forward<Open>(open)(*cpp_limits);
  if (!archive.ok()) return fail(error, archive.error());
  *out = std::make_unique<npyguard_npz>(std::move(archive).value()).release();
  return NPYGUARD_OK;
}
Status check_index(const npyguard_npz* npz, size_t index) {
  if (npz == nullptr) return misuse("npz is NULL");
  if (index >= npz->archive.members().size()) {
    return Error{.code = ErrorCode::IndexOutOfRange,
                 .detail = "member index {found}; the archive has {expected} members",
                 .found = index,
                 .bound = npz->archive.members().size()};
  }
  return npyguard::ok_status();
}
}  // namespace

extern "C" {

const char* npyguard_version(void) { return npyguard::kVersion; }

const char* npyguard_error_name(int code) {
  if (code < 0 || code > UINT16_MAX) return "unknown_error";
  // error_name() returns views of the string literals of the error table: NUL-terminated.
  return npyguard::error_name(static_cast<ErrorCode>(code)).data();
}

int npyguard_limits_init(npyguard_limits* limits, size_t struct_size, int preset,
                         npyguard_error* error) {
  return guarded(error, [&] {
    if (limits == nullptr) return fail(error, misuse("limits is NULL"));
    if (struct_size < kLimitsFirstSize) {
      return fail(error, misuse("struct_size is smaller than any version of npyguard_limits"));
    }
    Limits chosen;
    if (preset == NPYGUARD_LIMITS_UNTRUSTED_UPLOADS) {
      chosen = Limits::untrusted_uploads();
    } else if (preset == NPYGUARD_LIMITS_TRUSTED_LOCAL_FILES) {
      chosen = Limits::trusted_local_files();
    } else {
      return fail(error, misuse("unknown limits preset"));
    }
    npyguard_limits filled = from_limits(chosen);
    const size_t size = std::min(struct_size, sizeof(npyguard_limits));
    filled.struct_size = size;
    std::memcpy(limits, &filled, size);
    return NPYGUARD_OK;
  });
}

int npyguard_check_file(const char* path, const npyguard_limits* limits, npyguard_error* error) {
  return guarded(error, [&] {
    if (path == nullptr) return fail(error, misuse("path is NULL"));
    auto cpp_limits = to_limits(limits);
    if (!cpp_limits.ok()) return fail(error, cpp_limits.error());
    const npyguard::InputVerdict verdict = npyguard::validate_input(std::string(path), *cpp_limits);
    if (verdict.ok()) return NPYGUARD_OK;
    const std::string* member = verdict.error_member_name();
    return fail(error, *verdict.error, member != nullptr ? std::string_view(*member) : "");
  });
}

int npyguard_check_memory(const void* data, size_t size, const npyguard_limits* limits,
                          npyguard_error* error) {
  return guarded(error, [&] {
    if (data == nullptr && size > 0) return fail(error, misuse("data is NULL"));
    auto cpp_limits = to_limits(limits);
    if (!cpp_limits.ok()) return fail(error, cpp_limits.error());
    const std::span<const std::byte> bytes = in_span(data, size);
    if (npyguard::looks_like_npz(bytes)) {
      auto archive = npyguard::NpzArchive::open(bytes, *cpp_limits);
      if (!archive.ok()) return fail(error, archive.error());
      const Status checked = check_archive(*archive);
      if (!checked.ok()) {
        return fail(error, checked.error(), member_name_of(*archive, checked.error().member));
      }
      return NPYGUARD_OK;
    }
    auto info = npyguard::validate_npy(bytes, *cpp_limits);
    return info.ok() ? NPYGUARD_OK : fail(error, info.error());
  });
}

// ---- dtype tree and info accessors (no allocation, no failure: null handles give zeros) ----

int npyguard_dtype_kind(const npyguard_dtype* dtype) {
  return dtype == nullptr ? -1 : static_cast<int>(dtype->dtype->kind);
}
int npyguard_dtype_byte_order(const npyguard_dtype* dtype) {
  return dtype == nullptr ? -1 : static_cast<int>(dtype->dtype->byte_order);
}
uint64_t npyguard_dtype_itemsize(const npyguard_dtype* dtype) {
  return dtype == nullptr ? 0 : dtype->dtype->itemsize;
}
const char* npyguard_dtype_datetime_unit(const npyguard_dtype* dtype) {
  return dtype == nullptr ? "" : dtype->unit.c_str();
}
uint32_t npyguard_dtype_datetime_multiplier(const npyguard_dtype* dtype) {
  return dtype == nullptr ? 0 : dtype->dtype->unit_multiplier;
}
const char* npyguard_dtype_type_string(const npyguard_dtype* dtype) {
  return dtype == nullptr ? "" : dtype->type_string.c_str();
}
size_t npyguard_dtype_field_count(const npyguard_dtype* dtype) {
  return dtype == nullptr ? 0 : dtype->fields.size();
}
const npyguard_field* npyguard_dtype_field(const npyguard_dtype* dtype, size_t index) {
  if (dtype == nullptr || index >= dtype->fields.size()) return nullptr;
  return &dtype->fields[index];
}

const char* npyguard_field_name(const npyguard_field* field) {
  return field == nullptr ? "" : field->field->name.c_str();
}
const char* npyguard_field_title(const npyguard_field* field) {
  return field == nullptr || !field->has_title ? nullptr : field->title.c_str();
}
uint64_t npyguard_field_offset(const npyguard_field* field) {
  return field == nullptr ? 0 : field->field->offset;
}
const npyguard_dtype* npyguard_field_dtype(const npyguard_field* field) {
  return field == nullptr ? nullptr : &field->dtype;
}
size_t npyguard_field_ndim(const npyguard_field* field) {
  return field == nullptr ? 0 : field->field->shape.size();
}
const uint64_t* npyguard_field_shape(const npyguard_field* field) {
  return field == nullptr || field->field->shape.empty() ? nullptr : field->field->shape.data();
}
uint64_t npyguard_field_size(const npyguard_field* field) {
  return field == nullptr ? 0 : field->field->size;
}

const npyguard_dtype* npyguard_info_dtype(const npyguard_info* info) {
  return info == nullptr ? nullptr : &info->root;
}
const char* npyguard_info_descr(const npyguard_info* info) {
  return info == nullptr ? "" : info->descr.c_str();
}
size_t npyguard_info_ndim(const npyguard_info* info) {
  return info == nullptr ? 0 : info->info.shape.size();
}
const uint64_t* npyguard_info_shape(const npyguard_info* info) {
  return info == nullptr || info->info.shape.empty() ? nullptr : info->info.shape.data();
}
int npyguard_info_fortran_order(const npyguard_info* info) {
  return info != nullptr && info->info.fortran_order ? 1 : 0;
}
uint64_t npyguard_info_count(const npyguard_info* info) {
  return info == nullptr ? 0 : info->info.count;
}
uint64_t npyguard_info_nbytes(const npyguard_info* info) {
  return info == nullptr ? 0 : info->info.nbytes;
}
int npyguard_info_version_major(const npyguard_info* info) {
  return info == nullptr ? 0 : info->info.version_major;
}
int npyguard_info_version_minor(const npyguard_info* info) {
  return info == nullptr ? 0 : info->info.version_minor;
}
uint64_t npyguard_info_header_length(const npyguard_info* info) {
  return info == nullptr ? 0 : info->info.header_length;
}
uint64_t npyguard_info_payload_offset(const npyguard_info* info) {
  return info == nullptr ? 0 : info->info.payload_offset;
}
void npyguard_info_free(npyguard_info* info) { std::unique_ptr<npyguard_info> owned(info); }

// ---- .npy ----

int npyguard_npy_open_file(const char* path, const npyguard_limits* limits, npyguard_npy** out,
                           npyguard_error* error) {
  return guarded(error, [&] {
    if (path == nullptr || out == nullptr) return fail(error, misuse("path or out is NULL"));
    *out = nullptr;
    auto cpp_limits = to_limits(limits);
    if (!cpp_limits.ok()) return fail(error, cpp_limits.error());
    auto info = npyguard::validate_npy_file(std::string(path), *cpp_limits);
    if (!info.ok()) return fail(error, info.error());
    auto handle = std::make_unique<npyguard_npy>();
    handle->info = make_info(std::move(info).value());
    handle->path = path;
    handle->limits = std::move(cpp_limits).value();
    *out = handle.release();
    return NPYGUARD_OK;
  });
}

int npyguard_npy_open_fd(int fd, const npyguard_limits* limits, npyguard_npy** out,
                         npyguard_error* error) {
  return guarded(error, [&] {
    if (out == nullptr) return fail(error, misuse("out is NULL"));
    *out = nullptr;
    auto cpp_limits = to_limits(limits);
    if (!cpp_limits.ok()) return fail(error, cpp_limits.error());
    npyguard::OpenedInput opened = npyguard::open_input(fd, *cpp_limits);
    if (!opened.ok()) return fail(error, *opened.error);
    if (!opened.array.has_value()) {
      return fail(error, Error{.code = ErrorCode::BadMagic,
                               .detail = "the descriptor holds an .npz archive, not an .npy "
                                         "file (npyguard_npz_open_fd opens it)"});
    }
    auto handle = std::make_unique<npyguard_npy>();
    handle->info = make_info(opened.array->info());
    handle->array = std::move(opened.array);
    *out = handle.release();
    return NPYGUARD_OK;
  });
}

int npyguard_npy_open_memory(const void* data, size_t size, const npyguard_limits* limits,
                             npyguard_npy** out, npyguard_error* error) {
  return guarded(error, [&] {
    if (out == nullptr || (data == nullptr && size > 0)) {
      return fail(error, misuse("data or out is NULL"));
    }
    *out = nullptr;
    auto cpp_limits = to_limits(limits);
    if (!cpp_limits.ok()) return fail(error, cpp_limits.error());
    auto array = npyguard::read_npy(in_span(data, size), *cpp_limits);
    if (!array.ok()) return fail(error, array.error());
    auto handle = std::make_unique<npyguard_npy>();
    handle->info = make_info(array->info());
    handle->array = std::move(array).value();
    *out = handle.release();
    return NPYGUARD_OK;
  });
}

const npyguard_info* npyguard_npy_info(const npyguard_npy* npy) {
  return npy == nullptr ? nullptr : npy->info.get();
}

int npyguard_npy_read(const npyguard_npy* npy, void* out, size_t out_size, unsigned flags,
                      npyguard_info** info_out, npyguard_error* error) {
  return guarded(error, [&] {
    if (info_out != nullptr) *info_out = nullptr;
    if (npy == nullptr) return fail(error, misuse("npy is NULL"));
    if (out == nullptr && out_size > 0) return fail(error, misuse("out is NULL"));
    if (!known_flags(flags)) return fail(error, misuse("unknown read flags"));
    const std::span<std::byte> buffer = out_span(out, out_size);
    if (npy->array.has_value()) {
      auto read = copy_array(*npy->array, buffer, flags);
      if (!read.ok()) return fail(error, read.error());
      return hand_out_info(std::move(read).value(), info_out);
    }
    if (out_size != npy->info->info.nbytes) {
      return fail(error, size_mismatch(out_size, npy->info->info.nbytes));
    }
    auto read = npyguard::read_npy_file_into(npy->path, buffer, npy->limits, into_options(flags));
    if (!read.ok()) return fail(error, read.error());
    if (!same_file_layout(npy->info->info, *read, flags)) {
      return fail(error, Error{.code = ErrorCode::IoFileChanged,
                               .detail = "the file no longer has the header it had when it was "
                                         "opened"});
    }
    return hand_out_info(std::move(read).value(), info_out);
  });
}

void npyguard_npy_close(npyguard_npy* npy) { std::unique_ptr<npyguard_npy> owned(npy); }

// ---- .npz ----

int npyguard_npz_open_file(const char* path, const npyguard_limits* limits, npyguard_npz** out,
                           npyguard_error* error) {
  return guarded(error, [&] {
    if (path == nullptr) return fail(error, misuse("path is NULL"));
    const std::string owned_path(path);
    return open_archive(limits, out, error, [&](const Limits& checked) {
      return npyguard::NpzArchive::open_file(owned_path, checked);
    });
  });
}

int npyguard_npz_open_fd(int fd, const npyguard_limits* limits, npyguard_npz** out,
                         npyguard_error* error) {
  return guarded(error, [&] {
    return open_archive(limits, out, error, [&](const Limits& checked) {
      return npyguard::NpzArchive::open_fd(fd, checked);
    });
  });
}

int npyguard_npz_open_memory(const void* data, size_t size, const npyguard_limits* limits,
                             npyguard_npz** out, npyguard_error* error) {
  return guarded(error, [&] {
    if (data == nullptr && size > 0) return fail(error, misuse("data is NULL"));
    return open_archive(limits, out, error, [&](const Limits& checked) {
      return npyguard::NpzArchive::open(in_span(data, size), checked);
    });
  });
}

size_t npyguard_npz_member_count(const npyguard_npz* npz) {
  return npz == nullptr ? 0 : npz->archive.members().size();
}

int npyguard_npz_member(const npyguard_npz* npz, size_t index, npyguard_npz_member_desc* out,
                        npyguard_error* error) {
  return guarded(error, [&] {
    if (out == nullptr) return fail(error, misuse("out is NULL"));
    const Status valid = check_index(npz, index);
    if (!valid.ok()) return fail(error, valid.error());
    const npyguard::NpzMember& member = npz->archive.members()[index];
    *out = npyguard_npz_member_desc{.name = member.name.c_str(),
                                    .key = member.key.c_str(),
                                    .method = static_cast<int>(member.method),
                                    .skipped = member.skipped ? 1 : 0,
                                    .compressed_size = member.compressed_size,
                                    .uncompressed_size = member.uncompressed_size,
                                    .crc32 = member.crc32,
                                    .local_header_offset = member.local_header_offset,
                                    .data_offset = member.data_offset};
    return NPYGUARD_OK;
  });
}

int npyguard_npz_find(const npyguard_npz* npz, const char* name_or_key, size_t* index,
                      npyguard_error* error) {
  return guarded(error, [&] {
    if (npz == nullptr || name_or_key == nullptr || index == nullptr) {
      return fail(error, misuse("npz, name_or_key or index is NULL"));
    }
    const npyguard::NpzMember* found = npz->archive.find(name_or_key);
    if (found == nullptr) {
      return fail(error, Error{.code = ErrorCode::ZipMemberNotFound,
                               .detail = "no member has this name or key"});
    }
    // find() returns a pointer into members(), so its distance from the front is the index.
    const std::vector<npyguard::NpzMember>& members = npz->archive.members();
    for (size_t i = 0; i < members.size(); ++i) {
      if (&members[i] == found) {
        *index = i;
        return NPYGUARD_OK;
      }
    }
    return fail(error, Error{.code = ErrorCode::Internal, .detail = "find() left members()"});
  });
}

int npyguard_npz_member_info(const npyguard_npz* npz, size_t index, npyguard_info** out,
                             npyguard_error* error) {
  return guarded(error, [&] {
    if (out == nullptr) return fail(error, misuse("out is NULL"));
    *out = nullptr;
    const Status valid = check_index(npz, index);
    if (!valid.ok()) return fail(error, valid.error());
    auto info = npz->archive.validate(index);
    if (!info.ok()) return fail(error, info.error(), npz->archive.members()[index].name);
    *out = make_info(std::move(info).value()).release();
    return NPYGUARD_OK;
  });
}

int npyguard_npz_read(const npyguard_npz* npz, size_t index, void* out, size_t out_size,
                      unsigned flags, npyguard_info** info_out, npyguard_error* error) {
  return guarded(error, [&] {
    if (info_out != nullptr) *info_out = nullptr;
    const Status valid = check_index(npz, index);
    if (!valid.ok()) return fail(error, valid.error());
    if (out == nullptr && out_size > 0) return fail(error, misuse("out is NULL"));
    if (!known_flags(flags)) return fail(error, misuse("unknown read flags"));
    auto read = npz->archive.read_into(index, out_span(out, out_size), into_options(flags));
    if (!read.ok()) return fail(error, read.error(), npz->archive.members()[index].name);
    return hand_out_info(std::move(read).value(), info_out);
  });
}

void npyguard_npz_close(npyguard_npz* npz) { std::unique_ptr<npyguard_npz> owned(npz); }

// ---- writing ----

int npyguard_write_npy_file(const char* path, const npyguard_array_desc* array,
                            npyguard_error* error) {
  return guarded(error, [&] {
    if (path == nullptr) return fail(error, misuse("path is NULL"));
    auto parsed = parse_array(array);
    if (!parsed.ok()) return fail(error, parsed.error());
    const Status written = npyguard::write_npy_file(path, array_ref_of(*parsed, array));
    return written.ok() ? NPYGUARD_OK : fail(error, written.error());
  });
}

int npyguard_encode_npy(const npyguard_array_desc* array, void** out, size_t* out_size,
                        npyguard_error* error) {
  return guarded(error, [&] {
    if (out == nullptr || out_size == nullptr) return fail(error, misuse("out is NULL"));
    *out = nullptr;
    *out_size = 0;
    auto parsed = parse_array(array);
    if (!parsed.ok()) return fail(error, parsed.error());
    auto encoded = npyguard::encode_npy(array_ref_of(*parsed, array));
    if (!encoded.ok()) return fail(error, encoded.error());
    // malloc, so that C callers could also release it with free(); npyguard_free is the
    // documented way.
    void* buffer = std::malloc(std::max<size_t>(encoded->size(), 1));
    if (buffer == nullptr) {
      return fail(error, Error{.code = ErrorCode::OutOfMemory, .detail = "malloc failed"});
    }
    std::copy(encoded->begin(), encoded->end(), static_cast<std::byte*>(buffer));
    *out = buffer;
    *out_size = encoded->size();
    return NPYGUARD_OK;
  });
}

void npyguard_free(void* buffer) { std::free(buffer); }

int npyguard_npz_writer_create(const char* path, int compression, int level,
                               npyguard_npz_writer** out, npyguard_error* error) {
  return guarded(error, [&] {
    if (path == nullptr || out == nullptr) return fail(error, misuse("path or out is NULL"));
    *out = nullptr;
    npyguard::NpzWriteOptions options;
    if (compression == NPYGUARD_NPZ_STORED) {
      options.compression = npyguard::NpzCompression::Stored;
    } else if (compression == NPYGUARD_NPZ_DEFLATE) {
      options.compression = npyguard::NpzCompression::Deflate;
    } else {
      return fail(error, misuse("unknown compression"));
    }
    if (level < 0 || level > kMaxDeflateLevel) return fail(error, misuse("level is not 0..9"));
    options.level = level == 0 ? kDefaultDeflateLevel : level;
    auto writer = npyguard::NpzFileWriter::create(path, options);
    if (!writer.ok()) return fail(error, writer.error());
    *out = std::make_unique<npyguard_npz_writer>(std::move(writer).value()).release();
    return NPYGUARD_OK;
  });
}

int npyguard_npz_writer_add(npyguard_npz_writer* writer, const char* key,
                            const npyguard_array_desc* array, npyguard_error* error) {
  return guarded(error, [&] {
    if (writer == nullptr || key == nullptr) return fail(error, misuse("writer or key is NULL"));
    auto parsed = parse_array(array);
    if (!parsed.ok()) return fail(error, parsed.error());
    const Status added = writer->writer.add(
        npyguard::NpzWriteMember{.key = key, .array = array_ref_of(*parsed, array)});
    return added.ok() ? NPYGUARD_OK : fail(error, added.error());
  });
}

int npyguard_npz_writer_commit(npyguard_npz_writer* writer, npyguard_error* error) {
  return guarded(error, [&] {
    if (writer == nullptr) return fail(error, misuse("writer is NULL"));
    const Status committed = writer->writer.commit();
    return committed.ok() ? NPYGUARD_OK : fail(error, committed.error());
  });
}

void npyguard_npz_writer_free(npyguard_npz_writer* writer) {
  std::unique_ptr<npyguard_npz_writer> owned(writer);
}

}  // extern "C"
