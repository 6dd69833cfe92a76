// SPDX-License-Identifier: Apache-2.0
// The validated dtype model: what a .npy descr means once npyguard has accepted it. Every DType
// handed out is complete and consistent (sizes and offsets checked, no object types anywhere).
// Trust boundary: none here; parse_descr() is the entry point for untrusted text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "npyguard/export.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard {

enum class DTypeKind : uint8_t {
  Bool,         // b1
  SignedInt,    // i1 i2 i4 i8
  UnsignedInt,  // u1 u2 u4 u8
  Float,        // f2 f4 f8, and platform long double f12/f16 (bytes only, see long_double)
  Complex,      // c8 c16, and platform long double complex c24/c32
  Bytes,        // S<n>: n bytes, NUL-padded
  Unicode,      // U<n>: n UCS-4 code units, 4n bytes
  Void,         // V<n>: n opaque bytes
  Datetime,     // M8[unit]
  Timedelta,    // m8[unit]
  Structured,   // a record of named fields
};

enum class ByteOrder : uint8_t {
  Little,         // '<'
  Big,            // '>'
  NotApplicable,  // '|': single bytes, S, V, structured
};

// datetime64/timedelta64 units as NumPy spells them inside the brackets.
enum class DatetimeUnit : uint8_t {
  Generic,  // no brackets: '<M8'
  Year,
  Month,
  Week,
  Day,
  Hour,
  Minute,
  Second,
  Millisecond,
  Microsecond,
  Nanosecond,
  Picosecond,
  Femtosecond,
  Attosecond,
};

struct Field;

// What kind of Python object a field's title is. NumPy takes any object as a title and np.save
// writes its repr(); npyguard reads the three a header can spell as a plain literal.
enum class TitleKind : uint8_t {
  String,   // 'text': also a key of NumPy's dtype.fields, so it must not clash with any name
  Integer,  // 1, -5: NumPy keeps it with the field only (not a key)
  Bytes,    // b'text': likewise only kept with the field
};

struct NPYGUARD_EXPORT DType {
  DTypeKind kind = DTypeKind::Void;
  ByteOrder byte_order = ByteOrder::NotApplicable;
  // Bytes per element. NumPy 1.x stores it in a C int, so npyguard refuses anything above
  // INT32_MAX rather than let it wrap the way NumPy 1.24 turns '|V4294967296' into V0.
  uint64_t itemsize = 0;
  // Datetime and Timedelta only: the unit and its multiplier ('<M8[10ms]' is 10 x Millisecond).
  DatetimeUnit unit = DatetimeUnit::Generic;
  uint32_t unit_multiplier = 1;
  // Structured only: the named fields in offset order. NumPy's padding entries ('', '|V4') are
  // not fields; they appear as gaps between offsets and as itemsize beyond the last field.
  std::vector<Field> fields;

  // The descr exactly as NumPy writes it in a header: "'<f8'" or "[('a', '<i4'), ...]".
  std::string descr() const;
  // The type string alone for non-structured types ("<f8"); empty for Structured.
  std::string type_string() const;
  // True when float/complex of a platform long double size (f12 f16 c24 c32): x87 80-bit
  // extended on x86 and x86-64, IEEE binary128 on most other platforms. npyguard exposes the
  // bytes and never reinterprets them as the host's long double.
  bool is_long_double() const noexcept;
  // True when some leaf (this type, any field, at any depth) has byte order Big.
  bool has_big_endian() const noexcept;
  // True when some leaf has the given kind.
  bool contains(DTypeKind leaf_kind) const noexcept;
  // Natural alignment a C++ reader needs to dereference elements in place (1 for bytes).
  uint64_t alignment() const noexcept;
  // The same type with every multi-byte leaf in little-endian order.
  DType with_little_endian_leaves() const;

  friend bool operator==(const DType&, const DType&) = default;
};

struct NPYGUARD_EXPORT Field {
  std::string name;  // UTF-8, never empty
  // From a ((title, name), descr) entry, read as title_kind says: String titles are UTF-8,
  // Integer titles the decimal text ("-5"; "-0" is "0"), Bytes titles the bytes themselves
  // (any byte values, NUL included).
  std::optional<std::string> title;
  uint64_t offset = 0;          // bytes from the start of the record
  DType dtype;                  // the element type
  std::vector<uint64_t> shape;  // subarray shape; empty for a plain field
  uint64_t count = 1;           // elements in the subarray (product of shape)
  uint64_t size = 0;            // bytes: dtype.itemsize * count
  // How the header nested the subarray, when it used more than one (descr, shape) level: the
  // number of dimensions of each level, outermost first. np.save writes a field whose type is
  // itself a subarray as ('a', ('<i4', (2,)), (3,)); NumPy reads that as a subarray of (3,)
  // subarrays of (2,) ints, which is `shape` (3, 2) of '<i4' here (outer dimensions first, the
  // same bytes in the same order) with ranks {1, 1}. Empty for a plain field or a single level.
  // Read through subarray_levels(), to write the descr back exactly as NumPy does.
  std::vector<uint32_t> subarray_ranks;
  TitleKind title_kind = TitleKind::String;  // meaningful only when title is set

  // The title as NumPy's header writes it (Python's repr): 'text', 1, b'text'; empty without
  // a title.
  std::string title_repr() const;
  // subarray_ranks when they describe `shape` as nested levels (more than one level, none empty,
  // adding up to its dimensions); empty otherwise, when the shape is written as one level (a
  // caller-built Field whose ranks do not fit included).
  std::span<const uint32_t> subarray_levels() const noexcept;

  friend bool operator==(const Field&, const Field&) = default;
};

// Parses a descr written as a Python literal, exactly as it appears after "'descr': " in a header
// (e.g. "'<f8'" or "[('a', '<i4')]"). Used by the header parser and the dtype fuzzer.
// `latin1` selects version 1.0/2.0 string decoding; otherwise the text must be UTF-8 (3.0).
NPYGUARD_EXPORT Result<DType> parse_descr(std::string_view literal_text, const Limits& limits,
                                          bool latin1 = false);

NPYGUARD_EXPORT std::string_view datetime_unit_name(DatetimeUnit unit) noexcept;

}  // namespace npyguard
