// SPDX-License-Identifier: Apache-2.0
// npyguard.Limits: the C++ Limits as an immutable Python object (keyword arguments with the
// same names and defaults, a repr that shows what differs from the defaults, equality, hashing
// and pickling). Trust boundary: the caller's settings, checked by Limits::validate() and
// validate_member_patterns() before any input is read, so a bad setting is a TypeError or
// npyguard.Error(invalid_limits / zip_bad_member_pattern) at construction, never a verdict.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "binding.h"

namespace npyguard::python {
namespace {

enum class FieldType : uint8_t { U64, U32, Bool, Patterns };

struct LimitField {
  const char* name;
  FieldType type;
  uint64_t Limits::*u64 = nullptr;
  uint32_t Limits::*u32 = nullptr;
  bool Limits::*flag = nullptr;
  const char* help;
};

// Every field of npyguard::Limits, in the header's order (limits.h says why each default is
// what it is).
const std::vector<LimitField>& limit_fields() {
  static const std::vector<LimitField> fields = {
      {"max_header_chars", FieldType::U64, &Limits::max_header_chars, nullptr, nullptr,
       "header characters, counted as NumPy's max_header_size counts them"},
      {"max_header_bytes", FieldType::U64, &Limits::max_header_bytes, nullptr, nullptr,
       "header bytes, checked before the header is read"},
      {"max_ndim", FieldType::U32, nullptr, &Limits::max_ndim, nullptr, "dimensions of the shape"},
      {"max_dim_digits", FieldType::U32, nullptr, &Limits::max_dim_digits, nullptr,
       "decimal digits of one dimension (1 to 19)"},
      {"max_array_bytes", FieldType::U64, &Limits::max_array_bytes, nullptr, nullptr,
       "payload bytes of one array (lower it to what the service can hold)"},
      {"max_dtype_depth", FieldType::U32, nullptr, &Limits::max_dtype_depth, nullptr,
       "nesting depth of structured dtypes"},
      {"max_fields", FieldType::U32, nullptr, &Limits::max_fields, nullptr,
       "field entries of a structured dtype, all levels and padding entries included"},
      {"max_members", FieldType::U32, nullptr, &Limits::max_members, nullptr,
       "members of an .npz archive"},
      {"max_member_name_bytes", FieldType::U32, nullptr, &Limits::max_member_name_bytes, nullptr,
       "bytes of one member name"},
      {"max_total_uncompressed", FieldType::U64, &Limits::max_total_uncompressed, nullptr, nullptr,
       "sum of the members' uncompressed sizes"},
      {"amplification_floor_bytes", FieldType::U64, &Limits::amplification_floor_bytes, nullptr,
       nullptr, "amplification budget: max(floor, factor x archive bytes)"},
      {"max_amplification_factor", FieldType::U32, nullptr, &Limits::max_amplification_factor,
       nullptr, "amplification budget factor (0: the floor is the whole budget)"},
      {"max_total_header_bytes", FieldType::U64, &Limits::max_total_header_bytes, nullptr, nullptr,
       "sum of the members' header lengths when a whole archive is checked"},
      {"max_streamed_archive_bytes", FieldType::U64, &Limits::max_streamed_archive_bytes, nullptr,
       nullptr, "bytes of an archive read from a file object (kept in memory)"},
      {"max_compression_ratio", FieldType::U32, nullptr, &Limits::max_compression_ratio, nullptr,
       "uncompressed/compressed ratio of one deflate member"},
      {"member_patterns", FieldType::Patterns, nullptr, nullptr, nullptr,
       "RE2 patterns member names must fully match (empty: any name)"},
      {"skip_non_npy_members", FieldType::Bool, nullptr, nullptr, &Limits::skip_non_npy_members,
       "skip members that are not .npy instead of refusing the archive"},
      {"allow_fortran_order", FieldType::Bool, nullptr, nullptr, &Limits::allow_fortran_order,
       "accept Fortran-ordered payloads"},
      {"allow_big_endian", FieldType::Bool, nullptr, nullptr, &Limits::allow_big_endian,
       "accept big-endian multi-byte types"},
      {"allow_structured", FieldType::Bool, nullptr, nullptr, &Limits::allow_structured,
       "accept structured (record) dtypes"},
      {"strict_alignment", FieldType::Bool, nullptr, nullptr, &Limits::strict_alignment,
       "require the payload on a 64-byte boundary (NumPy >= 1.14)"},
      {"allow_trailing_data", FieldType::Bool, nullptr, nullptr, &Limits::allow_trailing_data,
       "accept bytes after the payload"},
      {"normalize_bool", FieldType::Bool, nullptr, nullptr, &Limits::normalize_bool,
       "rewrite bool bytes other than 0/1 to 1 instead of refusing them"},
      {"allow_invalid_unicode", FieldType::Bool, nullptr, nullptr, &Limits::allow_invalid_unicode,
       "accept U strings holding surrogates or code points above U+10FFFF"},
  };
  return fields;
}

const LimitField* find_field(const std::string& name) {
  for (const LimitField& field : limit_fields()) {
    if (name == field.name) return &field;
  }
  return nullptr;
}

py::object get_field(const Limits& limits, const LimitField& field) {
  switch (field.type) {
    case FieldType::U64:
      return py::int_(limits.*field.u64);
    case FieldType::U32:
      return py::int_(limits.*field.u32);
    case FieldType::Bool:
      return py::bool_(limits.*field.flag);
    case FieldType::Patterns: {
      py::tuple patterns(limits.member_patterns.size());
      for (size_t i = 0; i < limits.member_patterns.size(); ++i) {
        patterns[i] = py::str(limits.member_patterns[i]);
      }
      return patterns;
    }
  }
  return py::none();
}

uint64_t unsigned_value(py::handle value, const LimitField& field, uint64_t max) {
  // bool is an int in Python; a size given as True is a mistake, not 1.
  if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) {
    throw py::type_error(std::string("Limits: ") + field.name + " must be an int, not " +
                         py::cast<std::string>(py::str(value.get_type().attr("__name__"))));
  }
  const unsigned long long number = PyLong_AsUnsignedLongLong(value.ptr());
  const bool overflow =
      number == static_cast<unsigned long long>(-1) && PyErr_Occurred() != nullptr;
  if (overflow) PyErr_Clear();  // negative, or past 64 bits
  if (overflow || number > max) {
    throw py::value_error(std::string("Limits: ") + field.name + " must be between 0 and " +
                          std::to_string(max));
  }
  return number;
}

void set_field(Limits& limits, const LimitField& field, py::handle value) {
  switch (field.type) {
    case FieldType::U64:
      limits.*field.u64 = unsigned_value(value, field, std::numeric_limits<uint64_t>::max());
      return;
    case FieldType::U32:
      limits.*field.u32 =
          static_cast<uint32_t>(unsigned_value(value, field, std::numeric_limits<uint32_t>::max()));
      return;
    case FieldType::Bool:
      if (!PyBool_Check(value.ptr())) {
        throw py::type_error(std::string("Limits: ") + field.name + " must be True or False");
      }
      limits.*field.flag = value.ptr() == Py_True;
      return;
    case FieldType::Patterns: {
      // A lone string is iterable too (one pattern per character): refuse it.
      if (py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value)) {
        throw py::type_error("Limits: member_patterns must be a list of strings, not a string");
      }
      std::vector<std::string> patterns;
      for (py::handle pattern : py::iter(value)) {
        if (!py::isinstance<py::str>(pattern)) {
          throw py::type_error("Limits: member_patterns must hold strings");
        }
        patterns.push_back(py::cast<std::string>(pattern));
      }
      limits.member_patterns = std::move(patterns);
      return;
    }
  }
}

Limits with_changes(Limits limits, const py::kwargs& changes) {
  for (auto item : changes) {
    const std::string name = py::cast<std::string>(item.first);
    const LimitField* field = find_field(name);
    if (field == nullptr) {
      throw py::type_error("Limits got an unexpected keyword argument '" + name + "'");
    }
    set_field(limits, *field, item.second);
  }
  if (Status valid = limits.validate(); !valid.ok()) raise_error(valid.error(), {});
  if (Status valid = validate_member_patterns(limits.member_patterns); !valid.ok()) {
    raise_error(valid.error(), {});
  }
  return limits;
}

std::string limits_repr(const Limits& limits) {
  const Limits defaults;
  std::string out = "npyguard.Limits(";
  bool first = true;
  for (const LimitField& field : limit_fields()) {
    py::object value = get_field(limits, field);
    if (value.equal(get_field(defaults, field))) continue;
    if (!first) out += ", ";
    first = false;
    out += field.name;
    out += '=';
    out += py::cast<std::string>(
        py::repr(field.type == FieldType::Patterns ? py::object(py::list(value)) : value));
  }
  return out + ")";
}

py::dict limits_dict(const Limits& limits) {
  py::dict out;
  for (const LimitField& field : limit_fields()) out[field.name] = get_field(limits, field);
  return out;
}

std::string class_doc() {
  std::string doc =
      "Limits(**settings)\n\n"
      "The resource budget and policy every npyguard call takes (npyguard::Limits). The\n"
      "defaults are for untrusted uploads; lower max_array_bytes and max_total_uncompressed\n"
      "to what the service can hold. Immutable: replace() returns a changed copy. Every\n"
      "function also takes the same names as keyword arguments, or limits=Limits(...).\n\n"
      "Settings and their defaults:\n";
  const Limits defaults;
  for (const LimitField& field : limit_fields()) {
    py::object value = get_field(defaults, field);
    doc += "  ";
    doc += field.name;
    doc += '=';
    doc += py::cast<std::string>(
        py::repr(field.type == FieldType::Patterns ? py::object(py::list(value)) : value));
    doc += ": ";
    doc += field.help;
    doc += '\n';
  }
  return doc;
}

}  // namespace

void bind_limits(py::module_& module) {
  py::class_<Limits> limits(module, "Limits", class_doc().c_str());
  limits.def(py::init([](const py::kwargs& settings) { return with_changes(Limits{}, settings); }));
  for (const LimitField& field : limit_fields()) {
    const LimitField* described = &field;
    limits.def_property_readonly(
        field.name, [described](const Limits& self) { return get_field(self, *described); },
        field.help);
  }
  limits.def(
      "replace",
      [](const Limits& self, const py::kwargs& changes) { return with_changes(self, changes); },
      "A copy with the given settings changed (like dataclasses.replace).");
  limits.def("to_dict", &limits_dict, "Every setting by name.");
  limits.def_static("untrusted_uploads", &Limits::untrusted_uploads,
                    "The defaults: for files from anyone (Limits() is the same).");
  limits.def_static("trusted_local_files", &Limits::trusted_local_files,
                    "Raised resource limits for files the caller trusts; every policy refusal "
                    "stays (accepted files still load with np.load(allow_pickle=False)).");
  limits.def_static("for_fuzzing", &Limits::for_fuzzing,
                    "Small enough that no input can exhaust memory or time.");
  limits.def("__repr__", &limits_repr);
  limits.def("__eq__", [](const Limits& self, py::object other) -> py::object {
    if (!py::isinstance<Limits>(other))
      return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    return py::bool_(self == py::cast<const Limits&>(other));
  });
  limits.def("__hash__", [](const Limits& self) {
    py::list values;
    for (const LimitField& field : limit_fields()) values.append(get_field(self, field));
    return py::hash(py::tuple(values));
  });
  limits.def(py::pickle([](const Limits& self) { return limits_dict(self); },
                        [](const py::dict& state) {
                          py::kwargs settings;
                          for (auto item : state) settings[item.first] = item.second;
                          return with_changes(Limits{}, settings);
                        }));
}

const Limits& limits_of(py::handle limits) { return py::cast<const Limits&>(limits); }

}  // namespace npyguard::python
