// SPDX-License-Identifier: Apache-2.0
// npyguard.load's native half: .npy inputs become ndarrays (NumPy-allocated and filled by the
// library, or over a buffer only the library holds), .npz inputs become an _Archive whose
// directory is validated on open and whose members are validated as they are read. The GIL is
// released whenever the library reads, parses, inflates or scans. Trust boundary: the inputs
// are untrusted and only the library parses them; this file moves bytes and builds objects from
// validated metadata.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "binding.h"

namespace npyguard::python {
namespace {

// A .npy file at most this large is read whole into memory with one open() and parsed there
// (read_npy); a larger one has its header parsed from its first bytes, and its payload read by
// read_npy_file_into straight into the NumPy array. 64 KiB holds every header the default
// limits accept (max_header_bytes 40,000) and costs one read.
constexpr size_t kWholeFileBytes = size_t{64} << 10;
// At least the bytes that tell .npy from .npz.
constexpr size_t kMinStartBytes = 4;

ErrorContext context_of(const Input& input) { return ErrorContext{.filename = input.display}; }

// The error a failed open of an archive reports, with the name of the directory entry it is about.
[[noreturn]] void raise_open_error(const Error& error, const Input& input,
                                   const std::vector<std::byte>* spooled, const Limits& limits) {
  ErrorContext context = context_of(input);
  if (error.member != kNoMember) context.member = entry_name(input, spooled, error.member, limits);
  raise_error(error, context);
}

py::object open_archive(const Input& input, std::shared_ptr<std::vector<std::byte>> spooled,
                        const Limits& limits) {
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
  if (!opened->ok()) raise_open_error(opened->error(), input, spooled.get(), limits);
  return py::cast(ArchiveHandle{.archive = std::move(*opened).value(),
                                .owner = input.owner,
                                .spooled = std::move(spooled),
                                .display = input.display});
}

// The payload of a validated Array copied into a new NumPy array.
py::object copied(const Array& array) {
  NewArray out = new_array(array.info());
  if (!out.bytes.empty()) {
    if (out.bytes.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      std::memcpy(out.bytes.data(), array.bytes().data(), out.bytes.size());
    } else {
      std::memcpy(out.bytes.data(), array.bytes().data(), out.bytes.size());
    }
  }
  return std::move(out.array);
}

// Where the array ends in its file: a file object is left there, as np.load leaves it.
uint64_t end_of(const NpyInfo& info) { return info.payload_offset + info.nbytes; }

bool same_layout(const NpyInfo& a, const NpyInfo& b) {
  return a.dtype == b.dtype && a.shape == b.shape && a.fortran_order == b.fortran_order &&
         a.nbytes == b.nbytes;
}

// A .npy or .npz path. `whole_file_bytes` is kWholeFileBytes except in tests, which lower it to
// take the read_npy_file_into path on small files too.
py::object load_path(const Input& input, const Limits& limits, size_t whole_file_bytes) {
  const ErrorContext context = context_of(input);
  FileStart start;
  std::optional<Result<Array>> small;
  std::optional<Result<NpyInfo>> header;
  {
    py::gil_scoped_release release;
    start = read_file_start(input.path, std::max(whole_file_bytes, kMinStartBytes));
    if (start.readable && !looks_like_npz(start.bytes)) {
      if (start.whole()) {
        small.emplace(read_npy(start.bytes, limits));
      } else {
        header.emplace(parse_npy_header(start.bytes, limits));
        // Nothing is allocated for a header the library has not accepted in full, nor for a
        // payload larger than the limit or the file: the library's file reader then gives
        // the verdict (the same the CLI gives).
        const bool plausible = header->ok() && (*header)->nbytes <= limits.max_array_bytes &&
                               (*header)->payload_offset <= start.file_size &&
                               (*header)->nbytes <= start.file_size - (*header)->payload_offset;
        if (!plausible) {
          Result<NpyInfo> verdict = validate_npy_file(input.path, limits);
          if (!verdict.ok()) {
            header.emplace(verdict.error());
          } else if (!header->ok()) {
            // Only a header longer than the bytes read above gets here.
            header.emplace(std::move(verdict).value());
          } else {
            header.emplace(
                binding_error(ErrorCode::IoFileChanged, "the file changed while it was read"));
          }
        }
      }
    }
  }
  if (!start.readable) {
    // Let the library open it and say why it cannot be read.
    Result<NpyInfo> verdict = [&] {
      py::gil_scoped_release release;
      return validate_npy_file(input.path, limits);
    }();
    raise_error(verdict.ok()
                    ? binding_error(ErrorCode::IoFileChanged, "the file changed while it was read")
                    : verdict.error(),
                context);
  }
  if (looks_like_npz(start.bytes)) return open_archive(input, nullptr, limits);
  if (small) {
    if (!small->ok()) raise_error(small->error(), context);
    seek_after(input, end_of(small->value().info()));
    return copied(**small);
  }
  if (!header->ok()) raise_error(header->error(), context);
  const NpyInfo& info = **header;
  NewArray out = new_array(info);
  Result<NpyInfo> read = [&] {
    py::gil_scoped_release release;
    return read_npy_file_into(input.path, out.bytes, limits);
  }();
  if (!read.ok()) raise_error(read.error(), context);
  if (!same_layout(*read, info)) {
    raise_error(binding_error(ErrorCode::IoFileChanged, "the file changed while it was read"),
                context);
  }
  seek_after(input, end_of(info));
  return std::move(out.array);
}

// mmap_mode='r': a read-only array over a read-only mapping of the file (NumPy ignores
// mmap_mode for archives, and so does this).
py::object load_path_mapped(const Input& input, const Limits& limits) {
  Result<Array> mapped = [&] {
    py::gil_scoped_release release;
    return read_npy_file(input.path, limits, FileAccess::Mmap);
  }();
  if (!mapped.ok()) {
    if (file_is_npz(input.path)) return open_archive(input, nullptr, limits);
    raise_error(mapped.error(), context_of(input));
  }
  return array_from(std::move(mapped).value(), Payload::Shared, false);
}

py::object load_memory(const Input& input, const Limits& limits) {
  if (looks_like_npz(input.bytes)) return open_archive(input, nullptr, limits);
  Result<Array> array = [&] {
    py::gil_scoped_release release;
    return read_npy(input.bytes, limits);
  }();
  if (!array.ok()) raise_error(array.error(), context_of(input));
  seek_after(input, end_of(array->info()));
  // From memory, a zero-copy Array views the caller's bytes; any other is the library's own
  // aligned (or bool-normalised) copy, and becomes the ndarray's memory as it is.
  const Payload payload = array->is_zero_copy() ? Payload::Shared : Payload::Private;
  return array_from(std::move(array).value(), payload, true);
}

py::object load_stream(const Input& input, const Limits& limits) {
  StreamStart start = begin_stream(input.file);
  if (start.npz) {
    auto spooled = spool_archive(input.file, std::move(start.prefix), limits,
                                 input.start_position.has_value());
    if (!spooled.ok()) raise_error(spooled.error(), context_of(input));
    return open_archive(input, std::move(spooled).value(), limits);
  }
  PythonStream stream(input.file, std::move(start.prefix));
  Result<Array> array = [&] {
    py::gil_scoped_release release;
    return read_npy_stream(stream, limits);
  }();
  stream.rethrow_pending();
  if (!array.ok()) raise_error(array.error(), context_of(input));
  // np.load leaves the file just after the array (several arrays can follow each other in one
  // file when allow_trailing_data is set); the stream reader may have read ahead.
  seek_after(input, end_of(array->info()));
  return array_from(std::move(array).value(), Payload::Private, true);
}

py::object load(py::handle file, py::handle limits_object, bool mmap, size_t whole_file_bytes) {
  const Limits& limits = limits_of(limits_object);
  const Input input = classify_input(file);
  if (mmap && input.file) {
    throw py::value_error("mmap_mode needs a path: a memory map cannot use an open file object");
  }
  switch (input.kind) {
    case Input::Kind::Path:
      return mmap ? load_path_mapped(input, limits) : load_path(input, limits, whole_file_bytes);
    case Input::Kind::Memory:
      if (mmap) throw py::value_error("mmap_mode needs a path, not bytes");
      return load_memory(input, limits);
    case Input::Kind::Stream:
      return load_stream(input, limits);
  }
  throw py::type_error("unreachable");
}

// The member an error inside an archive is about.
ErrorContext member_context(const ArchiveHandle& handle, const Error& error, size_t index) {
  ErrorContext context{.filename = handle.display};
  const auto& members = handle.archive.members();
  const size_t at = error.member != kNoMember ? error.member : index;
  if (at < members.size()) context.member = members[at].name;
  return context;
}

py::object read_member(const ArchiveHandle& handle, size_t index) {
  if (index >= handle.archive.members().size()) throw py::index_error("no such member");
  // A copy shares the archive's state: reading works while another thread closes the NpzFile.
  const NpzArchive archive = handle.archive;
  Result<Array> array = [&] {
    py::gil_scoped_release release;
    return archive.read(index);
  }();
  if (!array.ok()) raise_error(array.error(), member_context(handle, array.error(), index));
  // NpzArchive::read hands out an owned Array: inflated or copied into the library's buffer.
  return array_from(std::move(array).value(), Payload::Private, true);
}

// Every member that is not skipped, read up to `threads` at a time (0: one per core), in member
// order; the first error in member order is raised, as by reading the members one by one.
py::list read_all_members(const ArchiveHandle& handle, unsigned threads) {
  const NpzArchive archive = handle.archive;
  Result<std::vector<Array>> arrays = [&] {
    py::gil_scoped_release release;
    return archive.read_all(threads);
  }();
  if (!arrays.ok()) {
    raise_error(arrays.error(), member_context(handle, arrays.error(), kNoMember));
  }
  py::list out;
  for (Array& array : *arrays) {
    out.append(array_from(std::move(array), Payload::Private, true));
  }
  return out;
}

py::list member_list(const ArchiveHandle& handle) {
  py::list out;
  for (const NpzMember& member : handle.archive.members()) {
    out.append(
        py::make_tuple(py::str(member.name), py::str(member.key), py::bool_(member.skipped)));
  }
  return out;
}

}  // namespace

std::optional<std::string> entry_name(const Input& input, const std::vector<std::byte>* spooled,
                                      uint32_t index, const Limits& limits) {
  Result<std::string> name = [&] {
    py::gil_scoped_release release;
    if (spooled != nullptr) return npz_entry_name(*spooled, index, limits);
    if (input.kind == Input::Kind::Memory) return npz_entry_name(input.bytes, index, limits);
    return npz_entry_name(input.path, index, limits);
  }();
  if (!name.ok()) return std::nullopt;
  return std::move(name).value();
}

void bind_read(py::module_& module) {
  py::class_<ArchiveHandle>(module, "_Archive",
                            "An open .npz archive (npyguard.NpzFile holds one).")
      .def_property_readonly("members", &member_list,
                             "(name, key, skipped) of every directory entry, in order.")
      .def("read", &read_member, py::arg("index"),
           "Reads (inflates, CRC-checks, validates) member `index` into a new ndarray.")
      .def("read_all", &read_all_members, py::arg("threads") = 0,
           "Reads every member that is not skipped, `threads` at a time (0: one per core).");
  module.def("load", &load, py::arg("file"), py::arg("limits"), py::arg("mmap") = false,
             py::arg("whole_file_bytes") = kWholeFileBytes,
             "The native load: an ndarray for .npy input, an _Archive for .npz input.");
}

}  // namespace npyguard::python
