// SPDX-License-Identifier: Apache-2.0
// What a `file` argument is (a path, bytes in memory, a binary file object) and how its bytes
// reach the library: paths as file-system bytes for the library's own file readers, memory as a
// span of an immutable buffer, file objects through an InputStream that calls back into Python.
// Trust boundary: the bytes are untrusted and are only moved here, never parsed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "binding.h"

namespace npyguard::python {
namespace {

// Bytes read from a file object at a time while an archive is copied into memory.
constexpr size_t kSpoolChunkBytes = size_t{1} << 20;
// The first bytes of an input tell .npy from .npz (looks_like_npz), as np.load tells them.
constexpr size_t kSniffBytes = 4;

py::object steal(PyObject* object) {
  if (object == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(object);
}

std::string bytes_text(py::handle bytes) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_AsStringAndSize(bytes.ptr(), &data, &size) < 0) throw py::error_already_set();
  return std::string(data, static_cast<size_t>(size));
}

// A file object's .name when it is a path (open() files); nullopt otherwise (BytesIO, sockets,
// files opened from a descriptor, whose name is an int).
std::optional<std::string> stream_name(py::handle file) {
  PyObject* name = PyObject_GetAttrString(file.ptr(), "name");
  if (name == nullptr) {
    PyErr_Clear();
    return std::nullopt;
  }
  py::object held = py::reinterpret_steal<py::object>(name);
  if (!py::isinstance<py::str>(held) && !py::isinstance<py::bytes>(held)) return std::nullopt;
  return fs_path(held);
}

// An open file descriptor, closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// A path that opens the regular file a file object reads, when it reads one from its start
// (position 0): /proc/self/fd/N, checked to open. nullopt otherwise (no descriptor, not a
// regular file, not at its start, no /proc): the file object is then read as a stream.
std::optional<std::string> descriptor_path(py::handle file,
                                           const std::optional<py::object>& position) {
  if (!position || !PyLong_Check(position->ptr()) || py::cast<long long>(*position) != 0) {
    return std::nullopt;
  }
  int fd = -1;
  try {
    if (!py::hasattr(file, "fileno")) return std::nullopt;
    fd = py::cast<int>(file.attr("fileno")());
  } catch (py::error_already_set&) {
    return std::nullopt;  // io.UnsupportedOperation and the like: no descriptor
  }
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  const Fd probe(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  struct stat opened {};
  if (probe.get() < 0 || ::fstat(probe.get(), &opened) != 0 || opened.st_dev != st.st_dev ||
      opened.st_ino != st.st_ino) {
    return std::nullopt;
  }
  return path;
}

}  // namespace

std::optional<py::object> stream_position(py::handle file) {
  try {
    if (py::hasattr(file, "seekable") && py::cast<bool>(file.attr("seekable")())) {
      return file.attr("tell")();
    }
  } catch (py::error_already_set&) {
    // A stream that cannot say where it is is read as a plain stream.
  }
  return std::nullopt;
}

void seek_after(const Input& input, uint64_t offset) {
  if (!input.file || !input.start_position) return;
  input.file.attr("seek")(*input.start_position + py::int_(offset));
}

FileStart read_file_start(const std::string& path, size_t cap) {
  FileStart start;
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not regular).
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return start;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) return start;
  start.file_size = static_cast<uint64_t>(st.st_size);
  const size_t want = start.file_size < cap ? static_cast<size_t>(start.file_size) : cap;
  start.bytes.resize(want);
  size_t filled = 0;
  while (filled < want) {
    const ssize_t got =
        ::pread(fd.get(), start.bytes.data() + filled, want - filled, static_cast<off_t>(filled));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return start;
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  start.bytes.resize(filled);
  start.readable = true;
  return start;
}

bool file_is_npz(const std::string& path) {
  const FileStart start = read_file_start(path, kSniffBytes);
  return start.readable && looks_like_npz(start.bytes);
}

std::string fs_path(py::handle path) {
  // os.fspath(), then os.fsencode() for str: the bytes open() would use.
  py::object spelled = steal(PyOS_FSPath(path.ptr()));
  if (PyUnicode_Check(spelled.ptr())) spelled = steal(PyUnicode_EncodeFSDefault(spelled.ptr()));
  std::string out = bytes_text(spelled);
  if (out.find('\0') != std::string::npos) throw py::value_error("embedded null byte");
  return out;
}

bool is_path_like(py::handle file) {
  if (PyUnicode_Check(file.ptr()) || PyBytes_Check(file.ptr())) return true;
  return py::hasattr(file, "__fspath__");
}

Input classify_input(py::handle file) {
  Input input;
  // str and os.PathLike are paths (bytes are contents here, unlike np.load, which would take
  // bytes as a file name: an upload arrives as bytes).
  if (PyUnicode_Check(file.ptr()) ||
      (!PyObject_CheckBuffer(file.ptr()) && py::hasattr(file, "__fspath__"))) {
    input.kind = Input::Kind::Path;
    input.path = fs_path(file);
    input.display = input.path;
    return input;
  }
  if (PyObject_CheckBuffer(file.ptr()) != 0) {
    input.kind = Input::Kind::Memory;
    if (PyBytes_CheckExact(file.ptr())) {
      input.owner = py::reinterpret_borrow<py::object>(file);
    } else {
      py::object view = steal(PyMemoryView_FromObject(file.ptr()));
      const Py_buffer* buffer = PyMemoryView_GET_BUFFER(view.ptr());
      // Only bytes are immutable. Any other buffer (bytearray, array, a memory map, even a
      // read-only view of one of them) is copied once: the library reads the bytes again
      // after validating them (and an archive reads them whenever a member is read), so they
      // must not change underneath it. A contiguous view of bytes is read in place.
      const bool of_bytes = buffer->obj != nullptr && PyBytes_CheckExact(buffer->obj);
      if (of_bytes && PyBuffer_IsContiguous(buffer, 'C') != 0) {
        input.owner = std::move(view);
      } else {
        input.owner = steal(PyBytes_FromObject(view.ptr()));
      }
    }
    if (PyBytes_Check(input.owner.ptr())) {
      input.bytes = std::span<const std::byte>(
          reinterpret_cast<const std::byte*>(PyBytes_AS_STRING(input.owner.ptr())),  // NOLINT
          static_cast<size_t>(PyBytes_GET_SIZE(input.owner.ptr())));
    } else {
      const Py_buffer* buffer = PyMemoryView_GET_BUFFER(input.owner.ptr());
      input.bytes = std::span<const std::byte>(static_cast<const std::byte*>(buffer->buf),
                                               static_cast<size_t>(buffer->len));
    }
    return input;
  }
  if (py::hasattr(file, "read")) {
    if (py::isinstance(file, py::module_::import("io").attr("TextIOBase"))) {
      throw py::type_error("the file object must be opened in binary mode ('rb'), not text");
    }
    input.file = py::reinterpret_borrow<py::object>(file);
    input.display = stream_name(file);
    input.start_position = stream_position(file);
    if (input.start_position && py::isinstance(file, py::module_::import("io").attr("BytesIO"))) {
      // Its bytes are in memory already: read them as bytes (a copy, from where it is).
      input.kind = Input::Kind::Memory;
      input.owner = file.attr("read")();
      if (!PyBytes_Check(input.owner.ptr())) throw py::type_error("BytesIO.read() gave no bytes");
      input.bytes = std::span<const std::byte>(
          reinterpret_cast<const std::byte*>(PyBytes_AS_STRING(input.owner.ptr())),  // NOLINT
          static_cast<size_t>(PyBytes_GET_SIZE(input.owner.ptr())));
      return input;
    }
    if (std::optional<std::string> path = descriptor_path(file, input.start_position)) {
      input.kind = Input::Kind::Path;
      input.path = std::move(*path);
      return input;
    }
    input.kind = Input::Kind::Stream;
    return input;
  }
  throw py::type_error(
      "expected a path (str or os.PathLike), a bytes-like object or a binary "
      "file object, not " +
      py::cast<std::string>(file.get_type().attr("__name__")));
}

namespace {

void raise_non_blocking() {
  PyErr_SetString(PyExc_BlockingIOError, "the file object is in non-blocking mode");
  throw py::error_already_set();
}

// One readinto() (or read()) call: what the stream has, 0 only at its end.
size_t read_once(py::handle file, std::span<std::byte> out, bool has_readinto) {
  if (has_readinto) {
    py::object view =
        steal(PyMemoryView_FromMemory(reinterpret_cast<char*>(out.data()),  // NOLINT
                                      static_cast<Py_ssize_t>(out.size()), PyBUF_WRITE));
    py::object result = file.attr("readinto")(view);
    // The file object must not keep a view of memory that is not its own.
    view.attr("release")();
    if (result.is_none()) raise_non_blocking();
    const auto count = py::cast<long long>(result);
    if (count < 0 || static_cast<unsigned long long>(count) > out.size()) {
      throw py::value_error("readinto() returned an impossible byte count");
    }
    return static_cast<size_t>(count);
  }
  py::object chunk = file.attr("read")(out.size());
  if (chunk.is_none()) raise_non_blocking();
  if (!PyBytes_Check(chunk.ptr())) {
    throw py::type_error("the file object must be opened in binary mode (read() returned " +
                         py::cast<std::string>(chunk.get_type().attr("__name__")) + ")");
  }
  const auto size = static_cast<size_t>(PyBytes_GET_SIZE(chunk.ptr()));
  if (size > out.size()) throw py::value_error("read() returned more bytes than asked for");
  std::memcpy(out.data(), PyBytes_AS_STRING(chunk.ptr()), size);
  return size;
}

}  // namespace

size_t read_python_file(py::handle file, std::span<std::byte> out) {
  const bool has_readinto = py::hasattr(file, "readinto");
  size_t filled = 0;
  while (filled < out.size()) {
    const size_t got = read_once(file, out.subspan(filled), has_readinto);
    if (got == 0) break;
    filled += got;
  }
  return filled;
}

PythonStream::PythonStream(py::object file, std::vector<std::byte> replay)
    : file_(std::move(file)),
      has_readinto_(py::hasattr(file_, "readinto")),
      replay_(std::move(replay)) {}

PythonStream::~PythonStream() = default;

Result<size_t> PythonStream::read(std::span<std::byte> out) {
  if (out.empty()) return size_t{0};
  if (replayed_ < replay_.size()) {
    const size_t count = std::min(out.size(), replay_.size() - replayed_);
    std::memcpy(out.data(), replay_.data() + replayed_, count);
    replayed_ += count;
    consumed_ += count;
    return count;
  }
  py::gil_scoped_acquire gil;
  if (pending_) return binding_error(ErrorCode::IoReadFailed, "reading the file object failed");
  try {
    // One call: a stream hands out what it has (at least one byte unless it ended).
    const size_t got = read_once(file_, out, has_readinto_);
    consumed_ += got;
    return got;
  } catch (py::error_already_set& error) {
    pending_ = std::move(error);
  } catch (const std::exception& error) {
    PyErr_SetString(PyExc_RuntimeError, error.what());
    pending_.emplace();
  }
  return binding_error(ErrorCode::IoReadFailed, "reading the file object failed");
}

void PythonStream::rethrow_pending() {
  if (!pending_) return;
  py::error_already_set error = std::move(*pending_);
  pending_.reset();
  throw error;
}

StreamStart begin_stream(py::handle file) {
  StreamStart start;
  start.prefix.resize(kSniffBytes);
  start.prefix.resize(read_python_file(file, start.prefix));
  start.npz = looks_like_npz(start.prefix);
  return start;
}

Result<std::shared_ptr<std::vector<std::byte>>> spool_archive(py::handle file,
                                                              std::vector<std::byte> prefix,
                                                              const Limits& limits, bool seekable) {
  auto data = std::make_shared<std::vector<std::byte>>(std::move(prefix));
  // An unseekable stream (a socket, a pipe) is screened as the CLI screens standard input, so
  // that one which cannot be an archive stops early; a seekable one (a file, BytesIO) is read
  // whole and judged by the reader alone, exactly as the same bytes in a file would be.
  std::optional<NpzStreamScreen> screen;
  if (!seekable) {
    screen.emplace(limits);
    NPYGUARD_TRY(screen->feed(*data));
  }
  const uint64_t max_bytes = limits.max_streamed_archive_bytes;
  while (true) {
    const size_t have = data->size();
    if (have > max_bytes) {
      return Error{.code = ErrorCode::StreamedArchiveTooLarge,
                   .offset = max_bytes,
                   .detail = "the stream is longer than max_streamed_archive_bytes ({limit} bytes)",
                   .bound = max_bytes};
    }
    data->resize(have + kSpoolChunkBytes);
    const size_t got = read_python_file(file, std::span(*data).subspan(have));
    data->resize(have + got);
    if (got == 0) break;
    if (screen) NPYGUARD_TRY(screen->feed(std::span<const std::byte>(*data).subspan(have)));
  }
  if (screen) NPYGUARD_TRY(screen->finish());
  data->shrink_to_fit();
  return data;
}

}  // namespace npyguard::python
