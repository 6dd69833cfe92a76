// SPDX-License-Identifier: Apache-2.0
// DType -> the descr text NumPy writes in a header ('<f8', or [('a', '<i4'), ...] with titles,
// subarray shapes and padding entries as numpy.lib.format.dtype_to_descr gives them).
#include <span>
#include <string>

#include "npy/dtype_literal.h"
#include "npyguard/dtype.h"

namespace npyguard {
namespace {

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

}  // namespace

std::string DType::descr() const {
  std::string out;
  append_descr(out, *this);
  return out;
}

}  // namespace npyguard
