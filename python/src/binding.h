// SPDX-License-Identifier: Apache-2.0
// Shared declarations of the Python extension module npyguard._npyguard: the glue between
// Python objects and npyguard's public C++ API. Trust boundary: inputs (paths, bytes, file
// objects) are untrusted and reach the library unparsed; everything parsed comes back from the
// library already validated. Python exceptions are raised only here, at the edge: the library's
// Error values become npyguard.Error (or OSError for I/O failures) through raise_error().
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "npyguard/npyguard.h"

namespace npyguard::python {

namespace py = pybind11;

// Above this size a copy is worth releasing the GIL for.
inline constexpr size_t kReleaseGilBytes = size_t{1} << 20;

// ---- errors.cpp ------------------------------------------------------------------------------

// Where an error happened, for the exception's attributes and message.
struct ErrorContext {
  std::optional<std::string> filename;  // the input (or output) as the caller named it
  std::optional<std::string> member;    // the archive member the error is about, by name
};

// An Error with its text rendered: what exceptions and verdicts carry (and what a pickled
// verdict keeps, since Error::detail points at static text).
struct ErrorReport {
  ErrorCode code = ErrorCode::Internal;
  uint64_t offset = 0;
  uint32_t member = kNoMember;
  std::string detail;       // render_detail()
  std::string description;  // describe(), naming the member
  ErrorFacts facts;
  int os_errno = 0;
  std::optional<std::string> member_name;
  std::optional<std::string> filename;
};

// Looks up npyguard._error (the exception classes) once, at import; adds error_codes().
void bind_errors(py::module_& module);
ErrorReport report_error(const Error& error, const ErrorContext& context);
// The Python exception for a report: npyguard.Error, or an OSError subclass for Io codes.
py::object make_exception(const ErrorReport& report);
// Raise it (throws py::error_already_set). They need the GIL.
[[noreturn]] void raise_report(const ErrorReport& report);
[[noreturn]] void raise_error(const Error& error, const ErrorContext& context);
// An error the binding itself reports, with a static detail (like the library's own).
Error binding_error(ErrorCode code, const char* detail);
// A path (file-system bytes) or member name (UTF-8 bytes) as str; bytes that do not decode
// become surrogate escapes, as os.fsdecode() makes them.
py::str path_text(const std::string& path);
py::str member_text(const std::string& name);

// ---- arrays.cpp (the only user of NumPy's C API) ---------------------------------------------

// Imports NumPy's C API and registers the payload owner class.
void bind_arrays(py::module_& module);
// The NumPy dtype for a validated DType, built the way numpy.lib.format.descr_to_dtype builds
// it from the same descr (so it compares equal to np.load's, titles, offsets and itemsize
// included).
py::object numpy_dtype(const DType& dtype);
// A new, NumPy-allocated, uninitialized array for `info` (its dtype, shape and order), and its
// bytes (exactly info.nbytes of them) for the reader to fill.
struct NewArray {
  py::object array;
  std::span<std::byte> bytes;
};
NewArray new_array(const NpyInfo& info);
// Whose memory an Array's payload is: the Array's alone (what NpzArchive::read, the stream
// reader and FileAccess::Pread return: a buffer the library allocated for this read), or shared
// with someone else (the caller's bytes, a read-only mapping of the file). Array::is_zero_copy()
// cannot tell them apart: a deflate member is a zero-copy view of its own inflated buffer.
enum class Payload : uint8_t { Private, Shared };
// An ndarray over a library Array's payload without copying it when that is safe: the Array
// lives as long as the ndarray (its .base). A writeable array over a Shared payload is a copy
// in NumPy-allocated memory instead.
py::object array_from(Array array, Payload payload, bool writeable);
// What writing needs from an ndarray: its dtype as npyguard's DType (from NumPy's own
// dtype_to_descr, through the library's descr parser), shape, order and bytes (a C- or
// F-contiguous array is used in place; any other is copied to C order first, as np.save does).
struct ArrayToWrite {
  py::object keep;  // the (possibly copied) ndarray the bytes belong to
  DType dtype;
  std::vector<uint64_t> shape;
  bool fortran_order = false;
  std::span<const std::byte> bytes;
  ArrayRef ref() const {
    return ArrayRef{
        .dtype = &dtype, .shape = shape, .fortran_order = fortran_order, .bytes = bytes};
  }
};
// `value` goes through numpy.asanyarray first. Raises npyguard.Error for what npyguard cannot
// write (object arrays included).
ArrayToWrite array_to_write(py::handle value);
// Parses a descr NumPy produced or npyguard already accepted, under limits that cannot refuse a
// structure NumPy can build (a verdict restored from a pickle, a dtype to be written).
Result<DType> parse_trusted_descr(const std::string& literal);

// ---- limits.cpp ------------------------------------------------------------------------------

void bind_limits(py::module_& module);
// The Limits a call was given (a npyguard.Limits instance).
const Limits& limits_of(py::handle limits);

// ---- inputs.cpp ------------------------------------------------------------------------------

// What a `file` argument is: a path, bytes in memory, or a binary file object (a stream).
// A file object is read the way that gives the verdict the CLI gives the same bytes in a file:
// one over a regular file, at its start, is read through its descriptor (/proc/self/fd/N, by the
// library's file readers); an io.BytesIO is read into memory; anything else (sockets, pipes,
// wrappers) is a stream, read through PythonStream as the CLI reads standard input.
struct Input {
  enum class Kind : uint8_t { Path, Memory, Stream };
  Kind kind = Kind::Path;
  std::string path;  // Kind::Path: file-system encoded bytes for open()
  // The name for messages and reports: the path as given, a file object's .name, or nullopt.
  std::optional<std::string> display;
  // Kind::Memory: the bytes, kept alive (and immutable) by `owner`.
  py::object owner;
  std::span<const std::byte> bytes;
  // Kind::Stream, and Path or Memory inputs that came as a file object: the file object, and
  // where it was (its tell()) when it is seekable; load() leaves it after the array, as np.load
  // does, and check() where it was.
  py::object file;
  std::optional<py::object> start_position;
};
// Leaves a file object `offset` bytes after where the input started (no-op for other inputs).
void seek_after(const Input& input, uint64_t offset);
Input classify_input(py::handle file);
// True when a path (or str, bytes) argument: what the writers accept as a target name.
bool is_path_like(py::handle file);
std::string fs_path(py::handle path);

// The first bytes of a regular file, and its size. `readable` is false when the file cannot be
// opened, is not a regular file or a read fails: the library's own reader then opens it and
// reports why (with the error code the CLI reports). No GIL needed.
struct FileStart {
  bool readable = false;
  uint64_t file_size = 0;
  std::vector<std::byte> bytes;
  bool whole() const { return readable && bytes.size() == file_size; }
};
FileStart read_file_start(const std::string& path, size_t cap);
// True when the file starts like an archive (looks_like_npz).
bool file_is_npz(const std::string& path);

// Reads up to `out.size()` bytes from a file object, calling readinto/read with the GIL held;
// short only at the end of the stream. Python exceptions propagate.
size_t read_python_file(py::handle file, std::span<std::byte> out);

// An InputStream over a Python binary file object, for the library's stream readers, which run
// with the GIL released: each read() takes the GIL for the Python call. `replay` holds bytes
// already read from the stream (its first bytes, read to tell .npy from .npz), handed out first.
// A Python exception inside a read is kept (and the read fails); rethrow_pending() raises it
// once the library call has returned.
class PythonStream final : public InputStream {
 public:
  PythonStream(py::object file, std::vector<std::byte> replay);
  ~PythonStream() override;
  Result<size_t> read(std::span<std::byte> out) override;
  // Raises the Python exception a read met, if any (GIL held).
  void rethrow_pending();
  uint64_t consumed() const noexcept { return consumed_; }

 private:
  py::object file_;
  bool has_readinto_;
  std::vector<std::byte> replay_;
  size_t replayed_ = 0;
  uint64_t consumed_ = 0;
  std::optional<py::error_already_set> pending_;
};

// The first bytes of a stream and what they say.
struct StreamStart {
  std::vector<std::byte> prefix;  // up to 4 bytes
  bool npz = false;
};
StreamStart begin_stream(py::handle file);
// The rest of an archive arriving as a file object, read into memory (at most
// Limits::max_streamed_archive_bytes). An unseekable stream goes through NpzStreamScreen (the
// CLI's screening of standard input), so one that cannot be an archive npyguard accepts stops
// early, with the screen's error. Python exceptions from reads propagate.
Result<std::shared_ptr<std::vector<std::byte>>> spool_archive(py::handle file,
                                                              std::vector<std::byte> prefix,
                                                              const Limits& limits, bool seekable);
// Where a seekable file object is (its tell()), or nullopt for a stream that cannot seek.
std::optional<py::object> stream_position(py::handle file);

// ---- read.cpp --------------------------------------------------------------------------------

// An opened .npz archive and what keeps its bytes alive (the caller's bytes or a spooled stream).
struct ArchiveHandle {
  NpzArchive archive;
  py::object owner;                                 // a bytes object the archive reads
  std::shared_ptr<std::vector<std::byte>> spooled;  // or the stream's copy
  std::optional<std::string> display;
};
// The name of directory entry `index` of an archive that failed to open, when readable.
std::optional<std::string> entry_name(const Input& input, const std::vector<std::byte>* spooled,
                                      uint32_t index, const Limits& limits);
void bind_read(py::module_& module);

// ---- reports.cpp -----------------------------------------------------------------------------

void bind_reports(py::module_& module);
// inspect --json's description of one validated .npy (the keys after "format").
void add_npy_inspect(py::dict& out, const NpyInfo& info);

// ---- write.cpp -------------------------------------------------------------------------------

void bind_write(py::module_& module);

}  // namespace npyguard::python
