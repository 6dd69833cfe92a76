// SPDX-License-Identifier: Apache-2.0
// NumPy arrays and dtypes from npyguard's validated metadata, and back: the only file that uses
// NumPy's C API. Input: DTypes and Arrays the library has validated, or ndarrays the caller
// wants written; output: NumPy dtypes equal to np.load's, arrays in NumPy-allocated memory (or
// over a library payload), and the DType/shape/bytes triple the writers take.
#define PY_ARRAY_UNIQUE_SYMBOL npyguard_python_ARRAY_API
#include <numpy/arrayobject.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "binding.h"

namespace npyguard::python {
namespace {

// Keeps a library Array (and so its payload: an owned buffer or a mapping) alive as the base
// object of the ndarrays viewing it.
struct PayloadOwner {
  Array array;
};

py::object steal(PyObject* object) {
  if (object == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(object);
}

PyArray_Descr* as_descr(const py::object& dtype) {
  return reinterpret_cast<PyArray_Descr*>(dtype.ptr());  // NOLINT: numpy_dtype() made it
}

PyArrayObject* as_array(const py::object& array) {
  return reinterpret_cast<PyArrayObject*>(array.ptr());  // NOLINT: checked by the callers
}

// np.dtype(spec) for a type string, a (dtype, shape) tuple or a dict of fields.
py::object dtype_from(py::handle spec) {
  PyArray_Descr* descr = nullptr;
  if (PyArray_DescrConverter(spec.ptr(), &descr) == 0 || descr == nullptr) {
    throw py::error_already_set();
  }
  return steal(reinterpret_cast<PyObject*>(descr));  // NOLINT: the C API's descr type
}

py::tuple shape_tuple(std::span<const uint64_t> shape) {
  py::tuple out(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) out[i] = py::int_(shape[i]);
  return out;
}

py::object title_object(const Field& field) {
  if (!field.title) return py::none();
  const std::string& title = *field.title;
  switch (field.title_kind) {
    case TitleKind::Integer:
      // The library holds the decimal text of an int64 ("-5").
      return steal(PyLong_FromString(title.c_str(), nullptr, 10));
    case TitleKind::Bytes:
      return py::bytes(title);
    case TitleKind::String:
      break;
  }
  return py::str(title);
}

// A field's element type with its subarray shape, nested the way the header nested it: np.save
// writes a field whose type is itself a subarray as ('a', ('<i4', (2,)), (3,)), which NumPy keeps
// as a subarray of subarrays (it does not merge the shapes), innermost level last in `shape`.
py::object field_format(const Field& field) {
  py::object format = numpy_dtype(field.dtype);
  if (field.shape.empty()) return format;
  const std::span<const uint64_t> shape(field.shape);
  const std::span<const uint32_t> levels = field.subarray_levels();
  if (levels.empty()) return dtype_from(py::make_tuple(format, shape_tuple(shape)));
  size_t end = shape.size();
  for (size_t level = levels.size(); level > 0; --level) {
    const size_t rank = levels[level - 1];
    format = dtype_from(py::make_tuple(format, shape_tuple(shape.subspan(end - rank, rank))));
    end -= rank;
  }
  return format;
}

std::vector<npy_intp> dims_of(const std::vector<uint64_t>& shape) {
  std::vector<npy_intp> dims;
  dims.reserve(shape.size());
  for (uint64_t dim : shape) {
    if (dim > static_cast<uint64_t>(std::numeric_limits<npy_intp>::max())) {
      throw py::value_error("a dimension of the array does not fit NumPy's npy_intp");
    }
    dims.push_back(static_cast<npy_intp>(dim));
  }
  return dims;
}

// An array of a type of size 0 ('|S0', '<U0', '|V0', a record of those), made the way
// numpy.lib.format.read_array makes it (a flat np.ndarray of `count` elements whose .shape is set,
// reversed and transposed for Fortran order): such arrays have no memory to lay out, their
// contiguity flags come from that construction, and NumPy's other constructors would turn S0/U0
// into S1/U1.
py::object zero_itemsize_array(const NpyInfo& info, const py::object& dtype) {
  py::object array = py::module_::import("numpy").attr("ndarray")(py::int_(info.count), dtype);
  if (!info.fortran_order) {
    array.attr("shape") = shape_tuple(info.shape);
    return array;
  }
  std::vector<uint64_t> reversed(info.shape.rbegin(), info.shape.rend());
  array.attr("shape") = shape_tuple(reversed);
  return array.attr("transpose")();
}

void copy_bytes(std::span<std::byte> to, std::span<const std::byte> from) {
  if (from.empty()) return;
  if (from.size() >= kReleaseGilBytes) {
    py::gil_scoped_release release;
    std::memcpy(to.data(), from.data(), from.size());
  } else {
    std::memcpy(to.data(), from.data(), from.size());
  }
}

// A permissive parse of descrs NumPy itself produced (writing) or npyguard already accepted
// (a verdict restored from a pickle): structure limits cannot refuse what NumPy can build.
Limits descr_limits() {
  Limits limits = Limits::trusted_local_files();
  limits.max_fields = std::numeric_limits<uint32_t>::max();
  limits.max_dtype_depth = std::numeric_limits<uint32_t>::max();
  return limits;
}

}  // namespace

void bind_arrays(py::module_& module) {
  if (_import_array() < 0) throw py::error_already_set();
  py::class_<PayloadOwner>(module, "_Payload",
                           "Keeps the memory of arrays npyguard read alive (their .base).");
}

py::object numpy_dtype(const DType& dtype) {
  if (dtype.kind != DTypeKind::Structured) return dtype_from(py::str(dtype.type_string()));
  // numpy.lib.format.descr_to_dtype's own construction: names, formats, offsets, titles (None
  // for untitled fields) and the itemsize, padding being the gaps.
  py::list names;
  py::list formats;
  py::list offsets;
  py::list titles;
  for (const Field& field : dtype.fields) {
    names.append(py::str(field.name));
    formats.append(field_format(field));
    offsets.append(py::int_(field.offset));
    titles.append(title_object(field));
  }
  py::dict spec;
  spec["names"] = names;
  spec["formats"] = formats;
  spec["offsets"] = offsets;
  spec["itemsize"] = py::int_(dtype.itemsize);
  spec["titles"] = titles;
  return dtype_from(spec);
}

NewArray new_array(const NpyInfo& info) {
  py::object dtype = numpy_dtype(info.dtype);
  py::object array;
  if (info.dtype.itemsize == 0) {
    array = zero_itemsize_array(info, dtype);
  } else {
    std::vector<npy_intp> dims = dims_of(info.shape);
    // NewFromDescr steals the descr reference; NumPy computes (and overflow-checks) the strides.
    PyArray_Descr* descr = as_descr(dtype);
    Py_INCREF(descr);
    array = steal(PyArray_NewFromDescr(&PyArray_Type, descr, static_cast<int>(dims.size()),
                                       dims.data(), nullptr, nullptr,
                                       info.fortran_order ? NPY_ARRAY_F_CONTIGUOUS : 0, nullptr));
  }
  PyArrayObject* out = as_array(array);
  const auto size = static_cast<uint64_t>(PyArray_NBYTES(out));
  if (size != info.nbytes) {
    throw py::value_error("NumPy's array size differs from the payload size npyguard validated");
  }
  auto* data = static_cast<std::byte*>(PyArray_DATA(out));
  return NewArray{.array = std::move(array),
                  .bytes = std::span<std::byte>(data, static_cast<size_t>(size))};
}

py::object array_from(Array array, Payload payload, bool writeable) {
  if (array.nbytes() == 0 || (writeable && payload == Payload::Shared)) {
    NewArray out = new_array(array.info());
    copy_bytes(out.bytes, array.bytes());
    if (!writeable) PyArray_CLEARFLAGS(as_array(out.array), NPY_ARRAY_WRITEABLE);
    return std::move(out.array);
  }
  py::object dtype = numpy_dtype(array.dtype());
  std::vector<npy_intp> dims = dims_of(array.shape());
  // A writeable view is of a Private payload: the library's own buffer, held by this Array
  // alone, so writing through it writes memory nothing else reads.
  void* data = const_cast<std::byte*>(array.bytes().data());  // NOLINT: see above
  int flags = array.fortran_order() ? NPY_ARRAY_F_CONTIGUOUS : 0;
  if (writeable) flags |= NPY_ARRAY_WRITEABLE;
  PyArray_Descr* descr = as_descr(dtype);
  Py_INCREF(descr);
  const uint64_t nbytes = array.nbytes();
  py::object owner = py::cast(PayloadOwner{std::move(array)});
  py::object out = steal(PyArray_NewFromDescr(&PyArray_Type, descr, static_cast<int>(dims.size()),
                                              dims.data(), nullptr, data, flags, nullptr));
  if (static_cast<uint64_t>(PyArray_NBYTES(as_array(out))) != nbytes) {
    throw py::value_error("NumPy's array size differs from the payload size npyguard validated");
  }
  if (PyArray_SetBaseObject(as_array(out), owner.release().ptr()) < 0) {
    throw py::error_already_set();
  }
  return out;
}

ArrayToWrite array_to_write(py::handle value) {
  py::module_ numpy = py::module_::import("numpy");
  py::object array = numpy.attr("asanyarray")(value);
  if (PyArray_Check(array.ptr()) == 0) throw py::type_error("expected an array");
  ArrayToWrite out;
  // np.save's choice: C order when the array is C-contiguous, Fortran order when it is only
  // F-contiguous, otherwise a C-ordered copy.
  if (PyArray_IS_C_CONTIGUOUS(as_array(array)) == 0) {
    if (PyArray_IS_F_CONTIGUOUS(as_array(array)) != 0) {
      out.fortran_order = true;
    } else {
      array = steal(PyArray_NewCopy(as_array(array), NPY_CORDER));
    }
  }
  PyArrayObject* source = as_array(array);
  // NumPy's descr, as np.save writes it into the header (a str for plain types, a list for
  // records), parsed back by the library: what the header will say is what npyguard reads.
  py::object descr =
      py::module_::import("numpy.lib.format").attr("dtype_to_descr")(array.attr("dtype"));
  const std::string literal = py::cast<std::string>(py::repr(descr));
  Result<DType> dtype = parse_trusted_descr(literal);
  if (!dtype.ok()) raise_error(dtype.error(), {});
  out.dtype = std::move(dtype).value();
  const int ndim = PyArray_NDIM(source);
  const npy_intp* dims = PyArray_DIMS(source);
  for (int i = 0; i < ndim; ++i) out.shape.push_back(static_cast<uint64_t>(dims[i]));
  const auto nbytes = static_cast<size_t>(PyArray_NBYTES(source));
  if (nbytes > 0) {
    out.bytes =
        std::span<const std::byte>(static_cast<const std::byte*>(PyArray_DATA(source)), nbytes);
  }
  out.keep = std::move(array);
  return out;
}

Result<DType> parse_trusted_descr(const std::string& literal) {
  return parse_descr(literal, descr_limits());
}

}  // namespace npyguard::python
