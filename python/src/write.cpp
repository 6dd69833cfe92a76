// SPDX-License-Identifier: Apache-2.0
// npyguard.save, savez, savez_compressed and sanitize: ndarrays written with the headers and
// archives the library writes (np.save's header, byte for byte), atomically when the target is
// a path; sanitize validates its input completely and writes the canonical copy only after
// reading it back (what `npyguard sanitize` does). Trust boundary: arrays to write come from the
// caller; sanitize's input is untrusted and read only by the library.
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "binding.h"

namespace npyguard::python {
namespace {

py::object steal(PyObject* object) {
  if (object == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(object);
}

// Writes all of `bytes` to a Python file object (a raw stream may take part of a write).
void write_to_file(py::handle file, std::span<const std::byte> bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const std::span<const std::byte> rest = bytes.subspan(written);
    py::object view = steal(PyMemoryView_FromMemory(
        const_cast<char*>(reinterpret_cast<const char*>(rest.data())),  // NOLINT: PyBUF_READ
        static_cast<Py_ssize_t>(rest.size()), PyBUF_READ));
    py::object result = file.attr("write")(view);
    view.attr("release")();
    // BufferedIOBase.write returns the whole length (or None from some wrappers, meaning all of
    // it); RawIOBase.write may return less, or None when it would block.
    if (result.is_none()) {
      if (py::isinstance(file, py::module_::import("io").attr("RawIOBase"))) {
        PyErr_SetString(PyExc_BlockingIOError, "the file object is in non-blocking mode");
        throw py::error_already_set();
      }
      return;
    }
    const auto count = py::cast<long long>(result);
    if (count <= 0 || static_cast<unsigned long long>(count) > rest.size()) {
      throw py::value_error("write() returned an impossible byte count");
    }
    written += static_cast<size_t>(count);
  }
}

void write_to_file(py::handle file, const std::vector<std::byte>& bytes) {
  write_to_file(file, std::span<const std::byte>(bytes));
}

// np.save's warning for a header that needs format 2.0 or 3.0 (older NumPy cannot read it).
void warn_like_numpy(const ArrayToWrite& array) {
  Result<std::vector<std::byte>> header =
      encode_npy_header(array.dtype, array.shape, array.fortran_order);
  if (!header.ok() || header->size() < 7) return;  // the write itself reports the error
  const auto major = static_cast<unsigned>((*header)[6]);
  const char* text = major == 3 ? "Stored array in format 3.0. It can only be read by NumPy >= 1.17"
                     : major == 2 ? "Stored array in format 2.0. It can only beread by NumPy >= 1.9"
                                  : nullptr;
  if (text != nullptr && PyErr_WarnEx(PyExc_UserWarning, text, 1) < 0) {
    throw py::error_already_set();
  }
}

ErrorContext output_context(const std::optional<std::string>& path) {
  return ErrorContext{.filename = path};
}

void save_path(py::handle path_object, py::handle value) {
  const std::string path = fs_path(path_object);
  const ArrayToWrite array = array_to_write(value);
  warn_like_numpy(array);
  const Status written = [&] {
    py::gil_scoped_release release;
    return write_npy_file(path, array.ref());
  }();
  if (!written.ok()) raise_error(written.error(), output_context(path));
}

void save_file(py::handle file, py::handle value) {
  const ArrayToWrite array = array_to_write(value);
  Result<std::vector<std::byte>> header =
      encode_npy_header(array.dtype, array.shape, array.fortran_order);
  if (!header.ok()) raise_error(header.error(), {});
  warn_like_numpy(array);
  write_to_file(file, *header);
  write_to_file(file, array.bytes);
}

void savez(py::handle target, const py::list& items, bool compress) {
  std::vector<ArrayToWrite> arrays;
  arrays.reserve(items.size());
  std::vector<std::string> keys;
  for (py::handle item : items) {
    const auto pair = py::reinterpret_borrow<py::tuple>(item);
    keys.push_back(py::cast<std::string>(pair[0]));
    arrays.push_back(array_to_write(pair[1]));
    warn_like_numpy(arrays.back());
  }
  std::vector<NpzWriteMember> members;
  for (size_t i = 0; i < arrays.size(); ++i) {
    members.push_back(NpzWriteMember{.key = keys[i], .array = arrays[i].ref()});
  }
  // The members are np.save's bytes, deflated at zlib's default level (6) for
  // savez_compressed as numpy.savez_compressed does. The ZIP records are the library's own
  // (ZIP64 only where sizes need it), not zipfile's byte for byte.
  NpzWriteOptions options;
  options.compression = compress ? NpzCompression::Deflate : NpzCompression::Stored;
  if (is_path_like(target)) {
    const std::string path = fs_path(target);
    const Status written = [&] {
      py::gil_scoped_release release;
      return write_npz_file(path, members, options);
    }();
    if (!written.ok()) raise_error(written.error(), output_context(path));
    return;
  }
  Result<std::vector<std::byte>> encoded = [&] {
    py::gil_scoped_release release;
    return encode_npz(members, options);
  }();
  if (!encoded.ok()) raise_error(encoded.error(), {});
  write_to_file(target, *encoded);
}

// ---- sanitize ----------------------------------------------------------------------------

struct SanitizeOptions {
  bool native_byte_order = false;
  bool c_order = false;
  // nullopt: deflate when any input member is deflated (what the CLI keeps by default).
  std::optional<bool> compress;
};

Result<Array> canonical(Array array, const SanitizeOptions& options) {
  if (options.native_byte_order) {
    NPYGUARD_ASSIGN_OR_RETURN(array, std::move(array).to_native_byte_order());
  }
  if (options.c_order) {
    NPYGUARD_ASSIGN_OR_RETURN(array, array.to_c_order());
  }
  return array;
}

// The error for a written copy the reader refused: output_rejected with the reader's account.
Error rejected_output(const Error& error) {
  Error out = error;
  out.code = ErrorCode::OutputRejected;
  return out;
}

// Where the canonical copy goes: a path (written atomically, read back first) or a file object
// (encoded in memory, read back, then written).
struct Output {
  std::optional<std::string> path;
  py::object file;
};

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

void sanitize_array(Result<Array> read, const Input& input, const Output& output,
                    const Limits& limits, const SanitizeOptions& options) {
  if (!read.ok()) raise_error(read.error(), ErrorContext{.filename = input.display});
  Result<Array> array = [&] {
    py::gil_scoped_release release;
    return canonical(std::move(read).value(), options);
  }();
  if (!array.ok()) raise_error(array.error(), ErrorContext{.filename = input.display});
  if (output.path) {
    const Status written = [&] {
      py::gil_scoped_release release;
      return write_npy_file(*output.path, array_ref(*array), limits);
    }();
    if (!written.ok()) raise_error(written.error(), output_context(output.path));
    return;
  }
  Result<std::vector<std::byte>> encoded = [&] {
    py::gil_scoped_release release;
    Result<std::vector<std::byte>> bytes = encode_npy(array_ref(*array));
    if (bytes.ok()) {
      const Result<NpyInfo> verified = validate_npy(*bytes, limits);
      if (!verified.ok()) return Result<std::vector<std::byte>>(rejected_output(verified.error()));
    }
    return bytes;
  }();
  if (!encoded.ok()) raise_error(encoded.error(), {});
  write_to_file(output.file, *encoded);
}

void sanitize_archive(const Input& input, const std::shared_ptr<std::vector<std::byte>>& spooled,
                      const Output& output, const Limits& limits, const SanitizeOptions& options) {
  const ErrorContext context{.filename = input.display};
  std::optional<Result<NpzArchive>> opened;
  {
    py::gil_scoped_release release;
    if (spooled) {
      opened.emplace(NpzArchive::open(*spooled, limits));
    } else if (input.kind == Input::Kind::Memory) {
      opened.emplace(NpzArchive::open(input.bytes, limits));
    } else {
      opened.emplace(NpzArchive::open_file(input.path, limits));
    }
  }
  if (!opened->ok()) {
    ErrorContext located = context;
    const Error& error = opened->error();
    if (error.member != kNoMember) {
      located.member = entry_name(input, spooled.get(), error.member, limits);
    }
    raise_error(error, located);
  }
  const NpzArchive& archive = **opened;
  const std::vector<NpzMember>& members = archive.members();
  NpzWriteOptions write_options;
  const bool any_deflate = std::any_of(members.begin(), members.end(), [](const NpzMember& m) {
    return m.method == NpzMethod::Deflate;
  });
  write_options.compression =
      options.compress.value_or(any_deflate) ? NpzCompression::Deflate : NpzCompression::Stored;
  // Which input member an error is about, for its name (the output's members are numbered
  // among the members written).
  std::vector<size_t> written;
  Status copied = ok_status();
  std::optional<Error> commit_error;
  std::vector<std::byte> encoded;
  {
    py::gil_scoped_release release;
    if (output.path) {
      write_options.verify_with = limits;
      Result<NpzFileWriter> writer = NpzFileWriter::create(*output.path, write_options);
      if (!writer.ok()) {
        commit_error = writer.error();
      } else {
        copied = archive.read_each([&](size_t i, Array&& read) -> Status {
          NPYGUARD_ASSIGN_OR_RETURN(Array array, canonical(std::move(read), options));
          NPYGUARD_TRY(writer->add({.key = members[i].key, .array = array_ref(array)}));
          written.push_back(i);
          return ok_status();
        });
        if (copied.ok()) {
          if (Status committed = writer->commit(); !committed.ok())
            commit_error = committed.error();
        }
      }
    } else {
      // A file object gets the whole archive at once: every array is held until it is encoded.
      std::vector<Array> arrays;
      copied = archive.read_each([&](size_t i, Array&& read) -> Status {
        NPYGUARD_ASSIGN_OR_RETURN(Array array, canonical(std::move(read), options));
        arrays.push_back(std::move(array));
        written.push_back(i);
        return ok_status();
      });
      if (copied.ok()) {
        std::vector<NpzWriteMember> out;
        for (size_t k = 0; k < arrays.size(); ++k) {
          out.push_back({.key = members[written[k]].key, .array = array_ref(arrays[k])});
        }
        Result<std::vector<std::byte>> bytes = encode_npz(out, write_options);
        if (!bytes.ok()) {
          commit_error = bytes.error();
        } else {
          // Read back as the file writers do (verify_with): never hand out what check refuses.
          Result<NpzArchive> reopened = NpzArchive::open(*bytes, limits);
          if (!reopened.ok()) {
            commit_error = rejected_output(reopened.error());
          } else if (auto verified = reopened->validate_all(); !verified.ok()) {
            commit_error = rejected_output(verified.error());
          } else {
            encoded = std::move(bytes).value();
          }
        }
      }
    }
  }
  if (!copied.ok()) {
    ErrorContext located = context;
    const Error& error = copied.error();
    if (error.member < members.size()) located.member = members[error.member].name;
    raise_error(error, located);
  }
  if (commit_error) {
    ErrorContext located = output_context(output.path);
    if (commit_error->member != kNoMember && commit_error->member < written.size()) {
      const size_t input_index = written[commit_error->member];
      commit_error->member = static_cast<uint32_t>(input_index);
      located.member = members[input_index].name;
    }
    raise_error(*commit_error, located);
  }
  if (!output.path) write_to_file(output.file, encoded);
}

void sanitize(py::handle source, py::handle destination, bool native_byte_order, bool c_order,
              py::handle compress, py::handle limits_object) {
  const Limits& limits = limits_of(limits_object);
  const SanitizeOptions options{.native_byte_order = native_byte_order,
                                .c_order = c_order,
                                .compress = compress.is_none()
                                                ? std::nullopt
                                                : std::optional<bool>(py::cast<bool>(compress))};
  const Input input = classify_input(source);
  Output output;
  if (is_path_like(destination)) {
    output.path = fs_path(destination);
    if (input.kind == Input::Kind::Path && same_file(input.path, *output.path)) {
      raise_error(binding_error(ErrorCode::IoSameFile,
                                "the output is the input; write the copy elsewhere, then rename "
                                "it over the input"),
                  output_context(output.path));
    }
  } else if (py::hasattr(destination, "write")) {
    output.file = py::reinterpret_borrow<py::object>(destination);
  } else {
    throw py::type_error("sanitize: dst must be a path or a binary file object");
  }
  switch (input.kind) {
    case Input::Kind::Path:
      if (file_is_npz(input.path)) return sanitize_archive(input, nullptr, output, limits, options);
      // pread, not mmap: the output may replace the input while the copy is made.
      return sanitize_array(
          [&] {
            py::gil_scoped_release release;
            return read_npy_file(input.path, limits, FileAccess::Pread);
          }(),
          input, output, limits, options);
    case Input::Kind::Memory:
      if (looks_like_npz(input.bytes)) {
        return sanitize_archive(input, nullptr, output, limits, options);
      }
      return sanitize_array(
          [&] {
            py::gil_scoped_release release;
            return read_npy(input.bytes, limits);
          }(),
          input, output, limits, options);
    case Input::Kind::Stream: {
      const bool seekable = input.start_position.has_value();
      StreamStart start = begin_stream(input.file);
      if (start.npz) {
        auto spooled = spool_archive(input.file, std::move(start.prefix), limits, seekable);
        if (!spooled.ok()) raise_error(spooled.error(), ErrorContext{.filename = input.display});
        return sanitize_archive(input, *spooled, output, limits, options);
      }
      PythonStream stream(input.file, std::move(start.prefix));
      Result<Array> read = [&] {
        py::gil_scoped_release release;
        return read_npy_stream(stream, limits);
      }();
      stream.rethrow_pending();
      return sanitize_array(std::move(read), input, output, limits, options);
    }
  }
}

}  // namespace

void bind_write(py::module_& module) {
  module.def("save_path", &save_path, py::arg("path"), py::arg("array"));
  module.def("save_file", &save_file, py::arg("file"), py::arg("array"));
  module.def("savez", &savez, py::arg("target"), py::arg("items"), py::arg("compress"));
  module.def("sanitize", &sanitize, py::arg("src"), py::arg("dst"), py::arg("native_byte_order"),
             py::arg("c_order"), py::arg("compress"), py::arg("limits"));
}

}  // namespace npyguard::python
