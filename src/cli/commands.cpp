// check and inspect: run the library's bounded-memory validation on each input and turn the
// result into the CLI's text or JSON output and exit code. Input: paths or standard input holding
// untrusted bytes (.npy or .npz, told apart by their first bytes, never by name), plus library
// results whose strings (field names, titles, member names) come from those bytes; output: text
// in which no control byte from a file or path reaches the terminal raw. Standard input holding
// an archive is copied to an anonymous temporary file, because ZIP is read from its end.
#include "commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <numeric>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "input_list.h"
#include "json.h"
#include "npyguard/npyguard.h"

namespace npyguard::cli {
namespace {

// Width of the label column in inspect's text output ("data bytes:    ").
constexpr size_t kLabelWidth = 15;
// Spaces per nesting level in the field table, and between its columns.
constexpr size_t kIndentPerLevel = 2;
constexpr std::string_view kColumnGap = "  ";
constexpr std::string_view kLongDoubleNote = "platform long double (bytes only)";
constexpr unsigned char kFirstPrintable = 0x20;
constexpr unsigned char kDelete = 0x7F;

}  // namespace

namespace {

// Well-formed UTF-8 that a terminal still acts on: the C1 controls U+0080..U+009F (U+009B is
// an 8-bit CSI, which starts a colour or cursor sequence) and the bidirectional embeddings,
// overrides and isolates U+202A..U+202E and U+2066..U+2069, which reorder what follows them
// on the line ("Trojan Source").
bool is_terminal_control(std::string_view sequence) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(sequence[i]); };
  if (sequence.size() == 2) return byte(0) == 0xC2 && byte(1) <= 0x9F;
  if (sequence.size() == 3 && byte(0) == 0xE2) {
    return (byte(1) == 0x80 && byte(2) >= 0xAA && byte(2) <= 0xAE) ||
           (byte(1) == 0x81 && byte(2) >= 0xA6 && byte(2) <= 0xA9);
  }
  return false;
}

}  // namespace

std::string printable(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    // A byte outside well-formed UTF-8 is shown as \xNN too, so the line stays valid UTF-8.
    const size_t length = byte < 0x80 ? 1 : utf8_sequence_length(text, pos);
    if (length == 0 || byte < kFirstPrintable || byte == kDelete) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xFu];
      ++pos;
    } else if (is_terminal_control(text.substr(pos, length))) {
      for (const char c : text.substr(pos, length)) {
        out += "\\x";
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 0xFu];
      }
      pos += length;
    } else {
      out += text.substr(pos, length);
      pos += length;
    }
  }
  return out;
}

namespace {

// Columns a string occupies on a terminal, approximated as its UTF-8 code points.
size_t display_width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

void pad_to(std::string& line, size_t width, std::string_view cell) {
  line += cell;
  for (size_t w = display_width(cell); w < width; ++w) line += ' ';
}

void pad_left_to(std::string& line, size_t width, std::string_view cell) {
  for (size_t w = display_width(cell); w < width; ++w) line += ' ';
  line += cell;
}

void trim_right(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

bool is_io_error(const Error& error) { return error_category(error.code) == ErrorCategory::Io; }

// ---- input: format detection, standard input replay and spooling ------------------------------

// Bytes looked at to tell .npz (a ZIP signature) from .npy, as np.load does.
constexpr size_t kSniffBytes = 4;
// Chunk for copying standard input into the temporary file: memory stays flat whatever its size.
constexpr size_t kSpoolChunkBytes = size_t{64} << 10;

enum class InputFormat { Unknown, Npy, Npz };

std::string_view format_name(InputFormat format) {
  return format == InputFormat::Npz ? "npz" : "npy";
}

Error cli_error(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

// Decides the format of a path from its first bytes. Unknown when the path is not a readable
// regular file: the npy reader then opens it again and reports why, exactly as before .npz
// support. O_NONBLOCK keeps a FIFO named as a path from hanging the open, and a FIFO is never read
// here (only regular files are), so no byte is consumed behind the reader's back.
InputFormat sniff_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return InputFormat::Unknown;
  InputFormat format = InputFormat::Unknown;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    std::array<std::byte, kSniffBytes> prefix{};
    size_t filled = 0;
    bool failed = false;
    while (filled < prefix.size()) {
      const ssize_t got = ::pread(fd, prefix.data() + filled, prefix.size() - filled,
                                  static_cast<off_t>(filled));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) failed = true;
      if (got <= 0) break;
      filled += static_cast<size_t>(got);
    }
    if (!failed) {
      format = looks_like_npz(std::span(prefix).first(filled)) ? InputFormat::Npz
                                                               : InputFormat::Npy;
    }
  }
  ::close(fd);
  return format;
}

// A stream that claims more bytes than the buffer it was given holds (a broken InputStream):
// an error, never a read past the buffer.
Error over_reported_read(uint64_t offset) {
  return cli_error(ErrorCode::IoReadFailed, offset,
                   "the input stream reported more bytes read than its buffer holds");
}

// Fills `out` from `in` unless the input ends first; returns the bytes stored.
Result<size_t> read_up_to(InputStream& in, std::span<std::byte> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    NPYGUARD_ASSIGN_OR_RETURN(size_t got, in.read(out.subspan(filled)));
    if (got == 0) break;
    if (got > out.size() - filled) return over_reported_read(filled);
    filled += got;
  }
  return filled;
}

// A stream that first hands back bytes already taken from `rest` (the sniffed prefix), then reads
// `rest` itself, so the npy reader sees standard input from its first byte.
class ReplayInputStream final : public InputStream {
 public:
  ReplayInputStream(std::span<const std::byte> prefix, InputStream& rest) noexcept
      : prefix_(prefix), rest_(rest) {}

  Result<size_t> read(std::span<std::byte> out) override {
    if (consumed_ < prefix_.size()) {
      const size_t n = std::min(out.size(), prefix_.size() - consumed_);
      std::copy_n(prefix_.begin() + static_cast<std::ptrdiff_t>(consumed_), n, out.begin());
      consumed_ += n;
      return n;
    }
    return rest_.read(out);
  }

 private:
  std::span<const std::byte> prefix_;
  size_t consumed_ = 0;
  InputStream& rest_;
};

// Where temporary files go: $TMPDIR, or /tmp when it is unset or empty.
const char* temporary_directory() {
  const char* dir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): single-threaded
  return dir == nullptr || dir[0] == '\0' ? "/tmp" : dir;
}

// Writes all of `bytes` to `fd`, retrying short writes and EINTR; a failure is `code` with
// `detail`, at `offset` plus what was written (`offset` only labels the error).
Status write_all_to(int fd, std::span<const std::byte> bytes, uint64_t offset, ErrorCode code,
                    const char* detail) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t got = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return cli_error(code, offset + written, detail);
    written += static_cast<size_t>(got);
  }
  return ok_status();
}

// An anonymous temporary file (never linked into the file system) holding a copy of standard
// input, so the ZIP reader can seek in it. Created with O_TMPFILE in $TMPDIR (or /tmp), or with
// std::tmpfile() where O_TMPFILE is unavailable; it disappears when closed.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (file_ != nullptr) {
      std::fclose(file_);
    } else if (fd_ >= 0) {
      ::close(fd_);
    }
  }

  Status create() {
#ifdef O_TMPFILE
    const char* dir = temporary_directory();
    // O_EXCL: the file can never be given a name later with linkat().
    fd_ = ::open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC | O_EXCL, S_IRUSR | S_IWUSR);
    if (fd_ >= 0) return ok_status();
#endif
    file_ = std::tmpfile();
    if (file_ == nullptr) {
      return cli_error(ErrorCode::IoOpenFailed, 0,
                      "could not create a temporary file to hold standard input");
    }
    fd_ = ::fileno(file_);
    return ok_status();
  }

  // Appends all of `bytes`; `offset` (bytes written so far) only labels a failure.
  Status write_all(std::span<const std::byte> bytes, uint64_t offset) {
    return write_all_to(fd_, bytes, offset, ErrorCode::IoReadFailed,
                        "could not write standard input to a temporary file");
  }

  // A path that reopens this file read-only (the library opens inputs by path).
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_ = -1;
  std::FILE* file_ = nullptr;
};

// Copies the sniffed prefix and the rest of `in` into `spool`, one chunk at a time. Every chunk
// goes through the stream screen first, so the copy stops at the first byte that cannot belong
// to an archive the reader accepts, or at max_streamed_archive_bytes, not at the end of input.
Status spool_stream(std::span<const std::byte> prefix, InputStream& in, TempFile& spool,
                    const Limits& limits) {
  NpzStreamScreen screen(limits);
  NPYGUARD_TRY(screen.feed(prefix));
  NPYGUARD_TRY(spool.write_all(prefix, 0));
  uint64_t total = prefix.size();
  std::vector<std::byte> chunk;
  try {
    chunk.resize(kSpoolChunkBytes);
  } catch (const std::bad_alloc&) {
    return cli_error(ErrorCode::OutOfMemory, total, "allocating the spool buffer failed");
  }
  while (true) {
    NPYGUARD_ASSIGN_OR_RETURN(size_t got, in.read(chunk));
    if (got == 0) break;
    if (got > chunk.size()) return over_reported_read(total);
    const auto bytes = std::span<const std::byte>(chunk).first(got);
    NPYGUARD_TRY(screen.feed(bytes));
    NPYGUARD_TRY(spool.write_all(bytes, total));
    total += got;
  }
  return screen.finish();
}

// ---- descr as JSON -------------------------------------------------------------------------

// A string title as a JSON string, an integer title as a JSON number, a bytes title as
// {"bytes_hex": "..."} (two lower-case hex digits per byte), so the three stay distinguishable.
void write_title_json(JsonWriter& json, const Field& field) {
  if (!field.title) {
    json.null();
    return;
  }
  switch (field.title_kind) {
    case TitleKind::Integer: {
      int64_t value = 0;
      const std::string& text = *field.title;
      const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
      if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size()) {
        json.integer(value);
      } else {
        json.string(text);  // not reachable: the library writes the decimal of an int64
      }
      return;
    }
    case TitleKind::Bytes:
      json.begin_object();
      json.key("bytes_hex").string(hex_bytes(*field.title));
      json.end_object();
      return;
    case TitleKind::String:
      break;
  }
  json.string(*field.title);
}

void write_shape_json(JsonWriter& json, std::span<const uint64_t> shape) {
  json.begin_array();
  for (uint64_t dim : shape) json.number(dim);
  json.end_array();
}

void write_descr_json(JsonWriter& json, const DType& dtype);

// A field's type and shape after its name, as NumPy's dtype.descr nests them: "<i4", then the
// shape; with more than one subarray level the inner levels wrap the type as [type, shape]
// pairs, innermost nearest the type (the way DType::descr() writes them back).
void write_field_type_json(JsonWriter& json, const Field& field) {
  const std::span<const uint64_t> shape(field.shape);
  const std::span<const uint32_t> ranks = field.subarray_levels();
  for (size_t i = 1; i < ranks.size(); ++i) json.begin_array();
  write_descr_json(json, field.dtype);
  size_t end = shape.size();
  for (size_t level = ranks.size(); level > 1; --level) {
    const uint32_t rank = ranks[level - 1];
    write_shape_json(json, shape.subspan(end - rank, rank));
    json.end_array();
    end -= rank;
  }
  if (end > 0) write_shape_json(json, shape.first(end));
}

void write_padding_json(JsonWriter& json, uint64_t bytes) {
  json.begin_array();
  json.string("");
  json.string("|V" + std::to_string(bytes));
  json.end_array();
}

// NumPy's dtype.descr without Python syntax (docs/json-output.md): a type string for a plain
// dtype; for a record, an array of entries [name, type] or [name, type, shape], the name being
// [title, name] when the field has a title, with gaps and the tail as ["", "|V<n>"] padding.
void write_descr_json(JsonWriter& json, const DType& dtype) {
  if (dtype.kind != DTypeKind::Structured) {
    json.string(dtype.type_string());
    return;
  }
  json.begin_array();
  uint64_t offset = 0;  // field offsets and sizes are within itemsize (DType invariant)
  for (const Field& field : dtype.fields) {
    if (field.offset > offset) write_padding_json(json, field.offset - offset);
    json.begin_array();
    if (field.title) {
      json.begin_array();
      write_title_json(json, field);
      json.string(field.name);
      json.end_array();
    } else {
      json.string(field.name);
    }
    write_field_type_json(json, field);
    json.end_array();
    offset = field.offset + field.size;
  }
  if (dtype.itemsize > offset) write_padding_json(json, dtype.itemsize - offset);
  json.end_array();
}

// write_descr_json's text on its own, for keeping after the dtype itself is gone.
std::string descr_json_text(const DType& dtype) {
  JsonWriter json;
  write_descr_json(json, dtype);
  return json.text();
}

// What check reports about one validated .npy. The dtype is kept only as its descr, already
// rendered as JSON (about as long as the header's descr text, control characters aside), so an
// archive of many wide records costs about its headers' bytes, not every parsed dtype tree.
struct NpySummary {
  uint8_t version_major = 1;
  uint8_t version_minor = 0;
  std::string descr_json;
  std::vector<uint64_t> shape;
  bool fortran_order = false;
  uint64_t count = 0;
  uint64_t nbytes = 0;
};

NpySummary summarize(const NpyInfo& info) {
  return NpySummary{.version_major = info.version_major,
                    .version_minor = info.version_minor,
                    .descr_json = descr_json_text(info.dtype),
                    .shape = info.shape,
                    .fortran_order = info.fortran_order,
                    .count = info.count,
                    .nbytes = info.nbytes};
}

// How much of each validated archive member to keep: check prints only summaries; inspect and
// sanitize need the dtype itself (bounded by Limits::max_total_header_bytes).
enum class MemberDetail { Summary, Full };

// One input after validation: which reader saw it, what it found, or where it failed.
struct CheckedInput {
  InputFormat format = InputFormat::Unknown;
  std::optional<NpyInfo> npy;          // a valid .npy
  std::optional<NpzArchive> archive;   // an .npz whose directory opened
  // Per archive member (same order): its validation result, absent for skipped members; with
  // MemberDetail::Summary only member_summaries is filled.
  std::vector<std::optional<NpyInfo>> member_infos;
  std::vector<std::optional<NpySummary>> member_summaries;
  std::optional<Error> error;
  // When opening an archive failed with an error about one directory entry: that entry's name
  // as stored (read again from the directory, since members() does not exist then).
  std::optional<std::string> failed_member_name;
  // The copy of standard input an archive was opened from; lives as long as the result.
  std::unique_ptr<TempFile> spool;

  bool ok() const { return !error.has_value(); }
  // Member names for error messages: known once the archive's directory opened.
  const std::vector<NpzMember>* members() const {
    return archive ? &archive->members() : nullptr;
  }
};

// Records why opening the archive at `path` failed, with the name of the directory entry the
// error is about when it is about one (read again: a bounded walk of the central directory).
void record_open_failure(const std::string& path, const Limits& limits, const Error& error,
                         CheckedInput& result) {
  result.error = error;
  if (error.member == kNoMember) return;
  Result<std::string> name = npz_entry_name(path, error.member, limits);
  if (name.ok()) result.failed_member_name = std::move(name).value();
}

// Opens an archive and validates every member that is not skipped, with bounded memory: each
// member's info is reduced to `detail` as soon as it is validated.
void check_archive(const std::string& path, const Limits& limits, MemberDetail detail,
                   Progress* progress, CheckedInput& result) {
  Result<NpzArchive> opened = NpzArchive::open_file(path, limits);
  if (!opened.ok()) {
    record_open_failure(path, limits, opened.error(), result);
    return;
  }
  result.archive.emplace(std::move(opened).value());
  const size_t count = result.archive->members().size();
  try {
    (detail == MemberDetail::Full ? result.member_infos.resize(count)
                                  : result.member_summaries.resize(count));
  } catch (const std::bad_alloc&) {
    result.error = cli_error(ErrorCode::OutOfMemory, 0, "allocating the member list failed");
    return;
  }
  const std::vector<NpzMember>& members = result.archive->members();
  const Status validated = result.archive->validate_each([&](size_t i, NpyInfo&& info) {
    if (progress != nullptr) {
      progress->add_bytes(members[i].uncompressed_size);
      progress->member_done();
    }
    try {
      if (detail == MemberDetail::Full) {
        result.member_infos[i] = std::move(info);
      } else {
        result.member_summaries[i] = summarize(info);
      }
    } catch (const std::bad_alloc&) {
      return Status(cli_error(ErrorCode::OutOfMemory, 0, "keeping a member's info failed"));
    }
    return ok_status();
  });
  if (!validated.ok()) result.error = validated.error();
}

// The first bytes of a stream, read to tell .npy from .npz and then handed back to the reader.
struct StreamStart {
  std::array<std::byte, kSniffBytes> bytes{};
  size_t size = 0;
  std::span<const std::byte> view() const { return std::span(bytes).first(size); }
};

// Reads the start of `in` and sets result.format. An archive is read from its end, so it is
// copied whole into result.spool (never all of it into memory, and only as far as the stream
// screen allows). False, with result.error set, when that fails.
bool begin_stream(InputStream& in, const Limits& limits, StreamStart& start,
                  CheckedInput& result) {
  const Result<size_t> got = read_up_to(in, start.bytes);
  if (!got.ok()) {
    result.error = got.error();
    return false;
  }
  start.size = *got;
  if (!looks_like_npz(start.view())) {
    result.format = InputFormat::Npy;
    return true;
  }
  result.format = InputFormat::Npz;
  result.spool = std::make_unique<TempFile>();
  if (Status created = result.spool->create(); !created.ok()) {
    result.error = created.error();
    return false;
  }
  if (Status copied = spool_stream(start.view(), in, *result.spool, limits); !copied.ok()) {
    result.error = copied.error();
    return false;
  }
  return true;
}

// Validates a stream (standard input, a FIFO, a process substitution) read once from `fd`.
CheckedInput check_stream(int fd, const Limits& limits, MemberDetail detail, Progress* progress) {
  CheckedInput result;
  FdInputStream in(fd);
  StreamStart start;
  if (!begin_stream(in, limits, start, result)) return result;
  if (result.format == InputFormat::Npz) {
    check_archive(result.spool->path(), limits, detail, progress, result);
    return result;
  }
  ReplayInputStream replay(start.view(), in);
  Result<NpyInfo> info = validate_npy_stream(replay, limits);
  if (info.ok()) {
    result.npy = std::move(info).value();
  } else {
    result.error = info.error();
  }
  return result;
}

// A named FIFO (or a process substitution's /dev/fd/N) is a stream, not a file: it can be read
// only once, so it is opened once and read like standard input. Regular files and everything
// else go to the file readers, which report what they are.
bool is_fifo(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

// An open FIFO, closed when it goes out of scope.
class FifoFd {
 public:
  explicit FifoFd(const std::string& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)) {}
  FifoFd(const FifoFd&) = delete;
  FifoFd& operator=(const FifoFd&) = delete;
  ~FifoFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Error fifo_open_error() { return cli_error(ErrorCode::IoOpenFailed, 0, "could not open the FIFO"); }

CheckedInput check_fifo(const std::string& path, const Limits& limits, MemberDetail detail,
                        Progress* progress) {
  const FifoFd fifo(path);
  if (fifo.get() < 0) {
    CheckedInput result;
    result.error = fifo_open_error();
    return result;
  }
  return check_stream(fifo.get(), limits, detail, progress);
}

// `streams_allowed`: the input was named on the command line, so a FIFO is read as a stream;
// otherwise (a walk, a list) only regular files are read, and a FIFO is refused without being
// opened for blocking reads.
CheckedInput check_input(const std::string& input, const Limits& limits, MemberDetail detail,
                         bool streams_allowed, Progress* progress = nullptr) {
  if (input == kStdinName) return check_stream(0, limits, detail, progress);
  if (streams_allowed && is_fifo(input)) return check_fifo(input, limits, detail, progress);
  CheckedInput result;
  // The .npy reader first: most inputs are .npy files, and then one open() serves. Only a
  // failure needs the sniff, to tell an archive (no .npy magic) from a broken .npy.
  Result<NpyInfo> info = validate_npy_file(input, limits);
  if (info.ok()) {
    result.format = InputFormat::Npy;
    result.npy = std::move(info).value();
    return result;
  }
  result.format = sniff_file(input);
  if (result.format == InputFormat::Npz) {
    check_archive(input, limits, detail, progress, result);
    return result;
  }
  result.error = info.error();
  return result;
}

std::string version_text(const NpyInfo& info) {
  return std::to_string(info.version_major) + "." + std::to_string(info.version_minor);
}

// A shape the way Python prints a tuple: (), (3,), (3, 4).
std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ',';
  out += ')';
  return out;
}

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

// The unit inside datetime64[...] brackets: "10ms", "D"; empty for the generic unit.
std::string unit_text(const DType& dtype) {
  if (dtype.unit == DatetimeUnit::Generic) return {};
  std::string out;
  if (dtype.unit_multiplier != 1) out += std::to_string(dtype.unit_multiplier);
  out += datetime_unit_name(dtype.unit);
  return out;
}

// A field's type column: its type string, or "record" for a nested structured dtype.
std::string field_type_text(const DType& dtype) {
  return dtype.kind == DTypeKind::Structured ? std::string("record") : dtype.type_string();
}

uint64_t count_fields(const DType& dtype) {
  uint64_t total = 0;
  for (const Field& field : dtype.fields) total += 1 + count_fields(field.dtype);
  return total;
}

// "float64, little-endian, itemsize 8" and friends.
std::string dtype_summary(const DType& dtype) {
  const uint64_t bits = dtype.itemsize * 8;  // itemsize <= INT32_MAX (DType invariant)
  std::string out;
  switch (dtype.kind) {
    case DTypeKind::Bool:
      out = "bool";
      break;
    case DTypeKind::SignedInt:
    case DTypeKind::UnsignedInt:
    case DTypeKind::Float:
    case DTypeKind::Complex:
      out = std::string(kind_name(dtype.kind)) + std::to_string(bits);
      break;
    case DTypeKind::Bytes:
      out = "byte string, length " + std::to_string(dtype.itemsize);
      break;
    case DTypeKind::Unicode:
      out = "unicode string (UCS-4), length " + std::to_string(dtype.itemsize / 4);
      break;
    case DTypeKind::Void:
      out = "raw bytes (void)";
      break;
    case DTypeKind::Datetime:
    case DTypeKind::Timedelta: {
      out = dtype.kind == DTypeKind::Datetime ? "datetime64" : "timedelta64";
      const std::string unit = unit_text(dtype);
      out += unit.empty() ? std::string(" (generic unit)") : "[" + unit + "]";
      break;
    }
    case DTypeKind::Structured:
      out = "structured, " + std::to_string(dtype.fields.size()) + " fields";
      break;
  }
  if (dtype.byte_order == ByteOrder::Little) out += ", little-endian";
  if (dtype.byte_order == ByteOrder::Big) out += ", big-endian";
  if (dtype.kind == DTypeKind::Structured && dtype.has_big_endian()) {
    out += ", has big-endian fields";
  }
  out += ", itemsize " + std::to_string(dtype.itemsize);
  if (dtype.is_long_double()) {
    out += ", ";
    out += kLongDoubleNote;
  }
  return out;
}

// ---- check/inspect verdict lines --------------------------------------------------------------

// The JSON layout's version (docs/json-output.md): raised whenever a key is removed or renamed
// or a value changes type or meaning; new keys may appear without a change.
constexpr uint64_t kJsonSchemaVersion = 1;

// Which command reports a failure: the hints it can give differ (only check has -r).
enum class Command { Check, Inspect, Sanitize };

// A name that may not be UTF-8 (a path from argv or a directory walk, a member name an archive
// was refused for): `key` holds it with each byte that is not part of well-formed UTF-8 replaced
// by U+FFFD, and, only when that happened, `key`_hex holds its exact bytes.
void write_name_json(JsonWriter& json, std::string_view key, std::string_view name) {
  json.key(key).string(name);
  if (!is_valid_utf8(name)) json.key(std::string(key) + "_hex").string(hex_bytes(name));
}

// The name of the member an error is about: from the member list once the archive opened, from
// the directory entry read again when opening it failed; nullptr when neither is known.
const std::string* failed_member_name(const Error& error, const CheckedInput& checked) {
  if (error.member == kNoMember) return nullptr;
  const std::vector<NpzMember>* members = checked.members();
  if (members != nullptr && error.member < members->size()) return &(*members)[error.member].name;
  return checked.failed_member_name ? &*checked.failed_member_name : nullptr;
}

// describe(error), with the member named before the offset when the error is inside an archive
// member: "(member 'arr_0.npy', offset N)", or "(member #3, offset N)" when its name could not
// be read (the directory entry itself is what is broken).
std::string describe_input_error(const Error& error, const CheckedInput& checked) {
  if (error.member == kNoMember) return describe(error);
  const std::string* name = failed_member_name(error, checked);
  return describe(error, name != nullptr ? "member '" + printable(*name) + "'"
                                         : "member #" + std::to_string(error.member));
}

// What to try when an input was refused for a reason an option changes; nullptr when no option
// would. Only options that exist for `command` are suggested.
const char* hint_for(const Error& error, Command command, const Options& options,
                     const std::string& input) {
  switch (error.code) {
    case ErrorCode::ZipNotNpyMember:
      return "--skip-non-npy skips members that are not .npy";
    case ErrorCode::ArrayTooLarge:
      return "--max-bytes SIZE raises max_array_bytes";
    case ErrorCode::HeaderTooLarge:
      return std::string_view(error.detail).find("max_header_chars") != std::string_view::npos
                 ? "--max-header-chars N raises max_header_chars"
                 : "--max-header-bytes N raises max_header_bytes";
    case ErrorCode::TooManyDimensions:
      return "--max-ndim N raises max_ndim";
    case ErrorCode::DtypeTooDeep:
      return "--max-dtype-depth N raises max_dtype_depth";
    case ErrorCode::TooManyFields:
      return "--max-fields N raises max_fields";
    case ErrorCode::TrailingData:
      return "--allow-trailing-data accepts bytes after the payload (NumPy ignores them)";
    case ErrorCode::InvalidBool:
      return "--normalize-bool accepts any byte and reads it as 0 or 1";
    case ErrorCode::InvalidUnicode:
      return "--allow-invalid-unicode accepts such code points";
    case ErrorCode::TooManyMembers:
      return "--max-members N raises max_members";
    case ErrorCode::MemberNameTooLong:
      return "--max-member-name-bytes N raises max_member_name_bytes";
    case ErrorCode::TotalUncompressedTooLarge:
      return "--max-total-bytes SIZE raises max_total_uncompressed";
    case ErrorCode::CompressionRatioExceeded:
      return "--max-ratio N raises max_compression_ratio";
    case ErrorCode::TotalHeaderTooLarge:
      return "--max-total-header-bytes SIZE raises max_total_header_bytes";
    case ErrorCode::ArchiveAmplificationExceeded:
      return "--max-amplification N or --amplification-floor SIZE raise the budget";
    case ErrorCode::StreamedArchiveTooLarge:
      return "--max-stdin-bytes SIZE raises the limit, or pass the archive as a file";
    case ErrorCode::DirectoryTooLarge:
      return "--max-members N or --max-member-name-bytes N raise the directory's budget";
    case ErrorCode::IoNotRegularFile: {
      std::error_code ignored;
      return command == Command::Check && !options.recursive &&
                     std::filesystem::is_directory(input, ignored)
                 ? "use -r to check the files inside"
                 : nullptr;
    }
    default:
      return nullptr;
  }
}

// "schema", "file" (and "file_hex"), "ok" and "format" open every JSON object; the format is
// null when the input could not be read far enough to tell.
void write_json_preamble(JsonWriter& json, const std::string& input, const CheckedInput& checked) {
  json.key("schema").number(kJsonSchemaVersion);
  write_name_json(json, "file", input);
  json.key("ok").boolean(checked.ok());
  json.key("format");
  if (checked.format == InputFormat::Unknown && !checked.ok()) {
    json.null();
  } else {
    json.string(format_name(checked.format));
  }
}

void write_optional_number(JsonWriter& json, std::string_view key, std::optional<uint64_t> value) {
  json.key(key);
  if (value) {
    json.number(*value);
  } else {
    json.null();
  }
}

void write_error_json(JsonWriter& json, const std::string& input, const CheckedInput& checked,
                      const char* hint) {
  const Error& error = *checked.error;
  json.begin_object();
  write_json_preamble(json, input, checked);
  json.key("error").begin_object();
  json.key("code").number(static_cast<uint64_t>(error.code));
  json.key("name").string(error_name(error.code));
  json.key("category").string(category_name(error_category(error.code)));
  json.key("message").string(error_message(error.code));
  json.key("detail").string(render_detail(error));
  write_optional_number(json, "offset",
                        error_has_offset(error.code) ? std::optional(error.offset) : std::nullopt);
  if (const std::string* name = failed_member_name(error, checked)) {
    write_name_json(json, "member", *name);
  } else {
    json.key("member").null();
  }
  write_optional_number(
      json, "member_index",
      error.member != kNoMember ? std::optional<uint64_t>(error.member) : std::nullopt);
  const ErrorFacts facts = error_facts(error);
  write_optional_number(json, "found", facts.found);
  write_optional_number(json, "expected", facts.expected);
  write_optional_number(json, "limit", facts.limit);
  json.key("errno");
  if (error.os_errno != 0) {
    json.integer(error.os_errno);
  } else {
    json.null();
  }
  json.key("hint");
  if (hint != nullptr) {
    json.string(hint);
  } else {
    json.null();
  }
  json.end_object();
  json.end_object();
}

// The file an I/O error is about: the output for a failed write, else the input.
bool is_output_error(const Error& error) {
  return error.code == ErrorCode::IoWriteFailed || error.code == ErrorCode::WriterFailed;
}

// Prints a failed validation and returns its exit code. An input that could not be read (Io) is
// reported on `err` as "npyguard: FILE: reason", the way system tools report a file they cannot
// use, and exits 2; anything else is a rejection on `out` (exit 1): "FILE: rejected: <describe>",
// then "; hint: ..." when an option would change the verdict. `output` is sanitize's OUT.
// A Misuse error never comes from the input's bytes (the options' Limits and member patterns are
// checked before any input is read), so it would mean the CLI called the library wrongly: the
// input was not rejected, and it is reported the same way as an unreadable one ("npyguard: FILE:
// internal error: <describe>", exit 2), so no script takes it for a verdict on the file.
int report_failure(const Options& options, Console& console, Command command,
                   const std::string& input, const CheckedInput& checked,
                   const std::string& output = {}) {
  const Error& error = *checked.error;
  const bool io = is_io_error(error);
  const bool misuse = error_category(error.code) == ErrorCategory::Misuse;
  const char* hint = hint_for(error, command, options, input);
  if (options.json) {
    JsonWriter json;
    write_error_json(json, input, checked, hint);
    console.out << json.text() << '\n';
  } else if (!io && !misuse) {
    console.out << printable(input) << ": rejected: " << describe_input_error(error, checked);
    if (hint != nullptr) console.out << "; hint: " << hint;
    console.out << '\n';
  }
  if (io || misuse) {
    std::string reason = misuse ? "internal error: " + describe(error) : render_detail(error);
    if (reason.empty()) reason = error_message(error.code);
    const std::string& file = is_output_error(error) && !output.empty() ? output : input;
    // Keep the two streams in order when they share a destination.
    console.out.flush();
    console.err << "npyguard: " << printable(file) << ": " << printable(reason);
    if (hint != nullptr) console.err << " (" << hint << ')';
    console.err << '\n';
    return kExitUsage;
  }
  return kExitRejected;
}

// The members of a check object that describe one validated .npy (a file or an archive member).
void write_npy_check_members_json(JsonWriter& json, const NpySummary& info) {
  json.key("version").string(std::to_string(info.version_major) + "." +
                             std::to_string(info.version_minor));
  json.key("descr").raw(info.descr_json);
  json.key("shape");
  write_shape_json(json, info.shape);
  json.key("fortran_order").boolean(info.fortran_order);
  json.key("count").number(info.count);
  json.key("nbytes").number(info.nbytes);
}

std::string_view method_name(NpzMethod method) {
  switch (method) {
    case NpzMethod::Stored:
      return "stored";
    case NpzMethod::Deflate:
      return "deflate";
  }
  return "unknown";
}

// An archive member's directory entry: what the ZIP structure says about it.
void write_member_entry_json(JsonWriter& json, const NpzMember& member) {
  // Names of an accepted archive are UTF-8 (the reader refuses others), so no name_hex.
  json.key("name").string(member.name);
  json.key("key").string(member.key);
  json.key("method").string(method_name(member.method));
  json.key("compressed_size").number(member.compressed_size);
  json.key("uncompressed_size").number(member.uncompressed_size);
  json.key("crc32").number(member.crc32);
  json.key("offset").number(member.local_header_offset);
  json.key("data_offset").number(member.data_offset);
  json.key("skipped").boolean(member.skipped);
}

// The "members" array of an archive: each directory entry, plus `write_npy`'s description of the
// members that were validated (`infos`: one per member, absent for skipped members). The text is
// drained to `out` after every member, so the output is never held whole.
template <typename Info, typename WriteNpy>
void write_members_json(JsonWriter& json, const CheckedInput& checked,
                        const std::vector<std::optional<Info>>& infos, WriteNpy write_npy,
                        std::ostream& out) {
  const std::vector<NpzMember>& members = checked.archive->members();
  json.key("members").begin_array();
  for (size_t i = 0; i < members.size(); ++i) {
    json.begin_object();
    write_member_entry_json(json, members[i]);
    if (i < infos.size() && infos[i]) write_npy(json, *infos[i]);
    json.end_object();
    json.drain_to(out);
  }
  json.end_array();
}

void write_check_ok_json(JsonWriter& json, const std::string& input, const CheckedInput& checked,
                         std::ostream& out) {
  json.begin_object();
  write_json_preamble(json, input, checked);
  if (checked.archive) {
    write_members_json(json, checked, checked.member_summaries, write_npy_check_members_json,
                       out);
  } else {
    write_npy_check_members_json(json, summarize(*checked.npy));
  }
  json.end_object();
}

// ---- inspect -----------------------------------------------------------------------------------

void write_dtype_members_json(JsonWriter& json, const DType& dtype) {
  json.key("kind").string(kind_name(dtype.kind));
  json.key("byte_order").string(byte_order_name(dtype.byte_order));
  json.key("itemsize").number(dtype.itemsize);
  json.key("long_double").boolean(dtype.is_long_double());
  if (dtype.kind == DTypeKind::Datetime || dtype.kind == DTypeKind::Timedelta) {
    json.key("unit").string(dtype.unit == DatetimeUnit::Generic ? std::string_view("generic")
                                                                : datetime_unit_name(dtype.unit));
    json.key("unit_multiplier").number(dtype.unit_multiplier);
  }
}

void write_fields_json(JsonWriter& json, const DType& dtype) {
  json.begin_array();
  for (const Field& field : dtype.fields) {
    json.begin_object();
    json.key("name").string(field.name);
    json.key("title");
    write_title_json(json, field);
    json.key("offset").number(field.offset);
    // A nested record's descr is inside its parent's; its own fields follow in "fields".
    json.key("descr");
    if (field.dtype.kind == DTypeKind::Structured) {
      json.null();
    } else {
      json.string(field.dtype.type_string());
    }
    write_dtype_members_json(json, field.dtype);
    json.key("shape");
    write_shape_json(json, field.shape);
    json.key("count").number(field.count);
    json.key("size").number(field.size);
    json.key("fields");
    write_fields_json(json, field.dtype);
    json.end_object();
  }
  json.end_array();
}

// The members of an inspect object that describe one validated .npy (a file or an archive member).
void write_npy_inspect_members_json(JsonWriter& json, const NpyInfo& info) {
  json.key("version").string(version_text(info));
  json.key("header_length").number(info.header_length);
  json.key("payload_offset").number(info.payload_offset);
  json.key("descr");
  write_descr_json(json, info.dtype);
  json.key("dtype").begin_object();
  write_dtype_members_json(json, info.dtype);
  json.end_object();
  json.key("shape");
  write_shape_json(json, info.shape);
  json.key("fortran_order").boolean(info.fortran_order);
  json.key("count").number(info.count);
  json.key("nbytes").number(info.nbytes);
  json.key("fields");
  write_fields_json(json, info.dtype);
}

// Sum that sticks at the maximum instead of wrapping (totals are only displayed).
uint64_t saturating_add(uint64_t a, uint64_t b) {
  return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

struct ArchiveTotals {
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  size_t skipped = 0;
};

ArchiveTotals archive_totals(const std::vector<NpzMember>& members) {
  ArchiveTotals totals;
  for (const NpzMember& member : members) {
    totals.compressed = saturating_add(totals.compressed, member.compressed_size);
    totals.uncompressed = saturating_add(totals.uncompressed, member.uncompressed_size);
    if (member.skipped) ++totals.skipped;
  }
  return totals;
}

void write_inspect_json(JsonWriter& json, const std::string& input, const CheckedInput& checked,
                        std::ostream& out) {
  json.begin_object();
  write_json_preamble(json, input, checked);
  if (checked.archive) {
    const ArchiveTotals totals = archive_totals(checked.archive->members());
    json.key("compressed_bytes").number(totals.compressed);
    json.key("uncompressed_bytes").number(totals.uncompressed);
    write_members_json(json, checked, checked.member_infos, write_npy_inspect_members_json, out);
  } else {
    write_npy_inspect_members_json(json, *checked.npy);
  }
  json.end_object();
}

// One row of the human field table, already made printable.
struct FieldRow {
  size_t depth = 0;
  std::string name;
  std::string offset;
  std::string type;
  std::string shape;
  std::string title;
  std::string note;
};

// A string title as its text; integer and bytes titles as NumPy writes them (1, b'x').
std::string title_text(const Field& field) {
  if (!field.title) return {};
  return printable(field.title_kind == TitleKind::String ? *field.title : field.title_repr());
}

void collect_field_rows(const DType& dtype, size_t depth, std::vector<FieldRow>& rows) {
  for (const Field& field : dtype.fields) {
    rows.push_back(FieldRow{
        .depth = depth,
        .name = printable(field.name),
        .offset = std::to_string(field.offset),
        .type = printable(field_type_text(field.dtype)),
        .shape = field.shape.empty() ? std::string() : shape_text(field.shape),
        .title = title_text(field),
        .note = field.dtype.is_long_double() ? std::string(kLongDoubleNote) : std::string(),
    });
    collect_field_rows(field.dtype, depth + 1, rows);
  }
}

// The field table: names indented by nesting depth (offsets are relative to the enclosing
// record), columns sized to their content, TITLE and NOTE only when some row has one.
void print_field_table(std::ostream& out, const DType& dtype) {
  std::vector<FieldRow> rows;
  collect_field_rows(dtype, 0, rows);
  const FieldRow header{.name = "NAME",
                        .offset = "OFFSET",
                        .type = "DESCR",
                        .shape = "SHAPE",
                        .title = "TITLE",
                        .note = "NOTE"};
  size_t name_width = display_width(header.name);
  size_t offset_width = display_width(header.offset);
  size_t type_width = display_width(header.type);
  size_t shape_width = display_width(header.shape);
  size_t title_width = 0;
  bool any_title = false;
  bool any_note = false;
  for (const FieldRow& row : rows) {
    name_width = std::max(name_width, row.depth * kIndentPerLevel + display_width(row.name));
    offset_width = std::max(offset_width, display_width(row.offset));
    type_width = std::max(type_width, display_width(row.type));
    shape_width = std::max(shape_width, display_width(row.shape));
    title_width = std::max(title_width, display_width(row.title));
    any_title = any_title || !row.title.empty();
    any_note = any_note || !row.note.empty();
  }
  if (any_title) title_width = std::max(title_width, display_width(header.title));

  const auto print_row = [&](const FieldRow& row) {
    std::string line(kIndentPerLevel, ' ');
    const std::string indent(row.depth * kIndentPerLevel, ' ');
    pad_to(line, name_width, indent + row.name);
    line += kColumnGap;
    pad_left_to(line, offset_width, row.offset);
    line += kColumnGap;
    pad_to(line, type_width, row.type);
    line += kColumnGap;
    pad_to(line, shape_width, row.shape);
    if (any_title) {
      line += kColumnGap;
      pad_to(line, title_width, row.title);
    }
    if (any_note) {
      line += kColumnGap;
      line += row.note;
    }
    trim_right(line);
    out << line << '\n';
  };
  print_row(header);
  for (const FieldRow& row : rows) print_row(row);
}

// `label` is a literal from this file or a number; only `value` carries file-derived text.
void print_labeled(std::ostream& out, std::string_view label, std::string_view value) {
  std::string line(label);
  line += ':';
  while (line.size() < kLabelWidth) line += ' ';
  line += value;
  out << line << '\n';
}

// Everything inspect says about one .npy after its name: format, dtype, shape, fields.
void print_npy_description(std::ostream& out, const NpyInfo& info) {
  print_labeled(out, "format",
                version_text(info) + " (header " + std::to_string(info.header_length) +
                    " bytes, data at offset " + std::to_string(info.payload_offset) + ")");
  // The plain type string, as --json gives it; a record keeps NumPy's list form, which a person
  // can paste into np.dtype().
  print_labeled(out, "descr", printable(info.dtype.kind == DTypeKind::Structured
                                            ? info.descr()
                                            : info.dtype.type_string()));
  print_labeled(out, "dtype", dtype_summary(info.dtype));
  print_labeled(out, "shape", shape_text(info.shape));
  print_labeled(out, "order", info.fortran_order ? "Fortran" : "C");
  print_labeled(out, "elements", std::to_string(info.count));
  print_labeled(out, "data bytes", std::to_string(info.nbytes));
  if (info.dtype.kind == DTypeKind::Structured) {
    const uint64_t top = info.dtype.fields.size();
    const uint64_t total = count_fields(info.dtype);
    std::string summary = std::to_string(top);
    if (total != top) summary += " (" + std::to_string(total) + " including nested)";
    print_labeled(out, "fields", summary);
    print_field_table(out, info.dtype);
  }
}

void print_inspect_text(std::ostream& out, const std::string& input, const NpyInfo& info) {
  print_labeled(out, "file", printable(input));
  print_npy_description(out, info);
}

// Writes `text` (whole lines) with `indent` before every line.
void print_indented(std::ostream& out, std::string_view text, std::string_view indent) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    out << indent << line << '\n';
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::string crc_text(uint32_t crc) {
  constexpr std::string_view kHex = "0123456789abcdef";
  constexpr unsigned kHexDigits = 8;
  std::string out(kHexDigits, '0');
  for (unsigned i = 0; i < kHexDigits; ++i) {
    out[kHexDigits - 1 - i] = kHex[(crc >> (4 * i)) & 0xFu];
  }
  return out;
}

void print_archive_text(std::ostream& out, const std::string& input, const CheckedInput& checked) {
  const std::vector<NpzMember>& members = checked.archive->members();
  const ArchiveTotals totals = archive_totals(members);
  print_labeled(out, "file", printable(input));
  print_labeled(out, "format", "npz (ZIP archive of .npy members)");
  std::string count = std::to_string(members.size());
  if (totals.skipped > 0) count += " (" + std::to_string(totals.skipped) + " skipped)";
  print_labeled(out, "members", count);
  print_labeled(out, "compressed", std::to_string(totals.compressed) + " bytes");
  print_labeled(out, "uncompressed", std::to_string(totals.uncompressed) + " bytes");
  constexpr std::string_view kMemberIndent = "  ";
  for (size_t i = 0; i < members.size(); ++i) {
    const NpzMember& member = members[i];
    out << '\n';
    print_labeled(out, "member " + std::to_string(i), printable(member.name));
    std::ostringstream block;
    print_labeled(block, "key", printable(member.key));
    print_labeled(block, "method", method_name(member.method));
    print_labeled(block, "compressed", std::to_string(member.compressed_size) + " bytes");
    print_labeled(block, "uncompressed", std::to_string(member.uncompressed_size) + " bytes");
    print_labeled(block, "crc32", crc_text(member.crc32));
    print_labeled(block, "offset", std::to_string(member.local_header_offset) +
                                       " (data at offset " + std::to_string(member.data_offset) +
                                       ")");
    if (i < checked.member_infos.size() && checked.member_infos[i]) {
      print_npy_description(block, *checked.member_infos[i]);
    } else {
      print_labeled(block, "skipped", "not a .npy member");
    }
    print_indented(out, block.str(), kMemberIndent);
  }
}

}  // namespace

namespace {

int print_check_verdict(const std::string& input, const Options& options, Console& console,
                        const CheckedInput& checked) {
  if (!checked.ok()) return report_failure(options, console, Command::Check, input, checked);
  if (options.quiet) return kExitOk;
  if (options.json) {
    JsonWriter json;
    write_check_ok_json(json, input, checked, console.out);
    console.out << json.text() << '\n';
  } else {
    console.out << printable(input) << ": ok\n";
  }
  return kExitOk;
}

// Validates one input and prints its verdict; returns its exit code. `progress` (may be null) is
// told what was examined; with `hold_terminal` (console is the terminal, not a buffer) it is also
// kept off the terminal while the verdict is printed.
int check_one(const ListedInput& listed, const Options& options, Console& console,
              Progress* progress, bool hold_terminal) {
  const std::string& input = listed.path;
  const CheckedInput checked =
      check_input(input, options.limits, MemberDetail::Summary, listed.streams_allowed, progress);
  std::unique_lock<std::mutex> hold;
  if (progress != nullptr) {
    if (checked.npy) {
      progress->add_bytes(saturating_add(checked.npy->payload_offset, checked.npy->nbytes));
    }
    progress->file_done();
    if (hold_terminal) hold = progress->hold();
  }
  const int code = print_check_verdict(input, options, console, checked);
  // The verdict must be on the terminal before the progress line may be drawn again.
  if (progress != nullptr && progress->active()) console.out.flush();
  return code;
}

// How many inputs ended each way; the summary and the exit code are made from these.
struct Tally {
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t unreadable = 0;

  void count(int exit_code) {
    if (exit_code == kExitOk) {
      ++accepted;
    } else if (exit_code == kExitRejected) {
      ++rejected;
    } else {
      ++unreadable;
    }
  }
  uint64_t checked() const { return accepted + rejected + unreadable; }
  int exit_code() const {
    return unreadable > 0 ? kExitUsage : rejected > 0 ? kExitRejected : kExitOk;
  }
};

// Printed for an input whose check ran out of memory in a job thread. Its name is not printed:
// formatting it could need the memory that just ran out.
constexpr const char* kOutOfMemoryVerdict = "npyguard: internal error: out of memory\n";

// One input's printed verdict, produced on a worker and printed in input order.
struct Verdict {
  std::string out;
  std::string err;
  int exit_code = kExitOk;
  bool done = false;
  bool out_of_memory = false;  // the check threw: print kOutOfMemoryVerdict instead
};

void check_sequential(const std::vector<ListedInput>& inputs, const Options& options,
                      Console& console, Progress* progress, Tally& tally) {
  for (const ListedInput& input : inputs) {
    tally.count(check_one(input, options, console, progress, /*hold_terminal=*/true));
  }
}

void check_parallel(const std::vector<ListedInput>& inputs, const Options& options,
                    Console& console, unsigned jobs, Progress* progress, Tally& tally) {
  std::vector<Verdict> verdicts(inputs.size());
  std::mutex mutex;
  size_t frontier = 0;  // the first verdict not yet printed (guarded by mutex)
  std::atomic<size_t> next{0};
  // Verdicts are printed in input order, so output (and a diff of two runs) does not depend on
  // scheduling: whichever thread finishes the verdict at the frontier prints it and every
  // finished one after it. No thread ever waits for another, except for the lock.
  auto work = [&] {
    for (size_t i = next++; i < inputs.size(); i = next++) {
      Verdict verdict;
      try {
        std::ostringstream out, err;
        Console buffered{out, err};
        verdict.exit_code =
            check_one(inputs[i], options, buffered, progress, /*hold_terminal=*/false);
        verdict.out = out.str();
        verdict.err = err.str();
      } catch (...) {
        // Memory ran out while checking or printing: an exception leaving a job thread would
        // terminate the process, so it becomes this input's verdict (exit 2, like main's).
        verdict = Verdict{};
        verdict.exit_code = kExitUsage;
        verdict.out_of_memory = true;
      }
      verdict.done = true;
      const std::lock_guard<std::mutex> lock(mutex);
      verdicts[i] = std::move(verdict);
      if (i != frontier) continue;
      std::unique_lock<std::mutex> hold;
      if (progress != nullptr) hold = progress->hold();
      for (; frontier < inputs.size() && verdicts[frontier].done; ++frontier) {
        const Verdict printed = std::move(verdicts[frontier]);
        console.out << printed.out;
        // Standard output stays buffered (a write per file under the lock would serialise the
        // jobs); it is flushed only before an error line, so the two streams interleave as in
        // a sequential run.
        if (!printed.err.empty() || printed.out_of_memory) {
          console.out.flush();
          console.err << (printed.out_of_memory ? std::string_view(kOutOfMemoryVerdict)
                                                : std::string_view(printed.err));
        }
        tally.count(printed.exit_code);
      }
      if (progress != nullptr && progress->active()) console.out.flush();
    }
  };
  // This thread is one of the jobs; a job thread that cannot be started only means fewer jobs
  // (an exception leaving here with a started thread unjoined would terminate the process).
  std::vector<std::thread> workers;
  try {
    workers.reserve(jobs - 1);
    for (unsigned w = 1; w < jobs; ++w) workers.emplace_back(work);
  } catch (const std::system_error&) {
  } catch (const std::bad_alloc&) {
  }
  work();
  for (std::thread& worker : workers) worker.join();
}

// "3 files" / "1 file".
std::string count_text(uint64_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

// The skipped part of the summary: "; 2 skipped (1 symbolic link to a directory, not followed;
// 1 not a regular file)", or empty when nothing was.
std::string skipped_text(const SkippedFiles& skipped) {
  if (skipped.total() == 0) return {};
  std::string reasons;
  const auto add = [&](uint64_t n, std::string_view one, std::string_view many) {
    if (n == 0) return;
    if (!reasons.empty()) reasons += ", ";
    reasons += std::to_string(n) + " " + std::string(n == 1 ? one : many);
  };
  add(skipped.filtered, "left out by --include/--exclude", "left out by --include/--exclude");
  add(skipped.directory_links, "symbolic link to a directory (not followed)",
      "symbolic links to directories (not followed)");
  add(skipped.broken_links, "broken symbolic link", "broken symbolic links");
  add(skipped.not_regular, "not a regular file", "not regular files");
  add(skipped.repeated_dirs, "directory reached twice", "directories reached twice");
  return "; " + std::to_string(skipped.total()) + " skipped (" + reasons + ")";
}

// "; 1 path could not be read" (a directory, an entry of one, or a list), or empty.
std::string unreadable_text(uint64_t unreadable) {
  if (unreadable == 0) return {};
  return "; " + count_text(unreadable, "path") + " could not be read";
}

}  // namespace

int run_check(const Options& options, Console& console) {
  const InputList list = gather_inputs(options, console);
  const std::vector<ListedInput>& inputs = list.inputs;
  Tally tally;
  {
    const ProgressMode mode =
        options.quiet && options.progress == ProgressMode::Auto ? ProgressMode::Never
                                                                : options.progress;
    Progress progress(mode, console.err_is_terminal, console.err, inputs.size());
    unsigned jobs = options.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                      : options.jobs;
    jobs = static_cast<unsigned>(std::min<size_t>(jobs, inputs.size()));
    if (jobs <= 1) {
      check_sequential(inputs, options, console, &progress, tally);
    } else {
      check_parallel(inputs, options, console, jobs, &progress, tally);
    }
  }
  console.out.flush();
  // A walk or a list decides what is checked, so say what it covered: a run that looked at
  // nothing, or skipped files, must not pass unnoticed.
  const bool listed = options.recursive || options.files_from.has_value();
  if (listed) {
    console.err << "npyguard: " << count_text(tally.checked(), "file") << " checked: "
                << tally.accepted << " accepted, " << tally.rejected << " rejected, "
                << tally.unreadable << " unreadable" << skipped_text(list.skipped)
                << unreadable_text(list.unreadable)
                << '\n';
  }
  if (tally.checked() == 0) {
    console.err << "npyguard: no file was checked"
                << (list.skipped.total() > 0 ? " (every file found was skipped)" : "") << '\n';
    return kExitUsage;
  }
  return list.unreadable > 0 ? kExitUsage : tally.exit_code();
}

int run_inspect(const Options& options, Console& console) {
  // main.cpp guarantees exactly one input.
  const std::string& input = options.inputs.front();
  const CheckedInput checked =
      check_input(input, options.limits, MemberDetail::Full, /*streams_allowed=*/true);
  if (!checked.ok()) return report_failure(options, console, Command::Inspect, input, checked);
  if (options.json) {
    JsonWriter json;
    write_inspect_json(json, input, checked, console.out);
    console.out << json.text() << '\n';
  } else if (checked.archive) {
    print_archive_text(console.out, input, checked);
  } else {
    print_inspect_text(console.out, input, *checked.npy);
  }
  return kExitOk;
}

// An empty archive (an end record and nothing else): opening it compiles the member patterns and
// touches nothing else, which tells a bad pattern apart before any input is read.
namespace {

// ---- sanitize ----------------------------------------------------------------------------------

Result<Array> canonical_array(Array array, const SanitizeOptions& sanitize) {
  if (sanitize.native_endian) {
    NPYGUARD_ASSIGN_OR_RETURN(array, array.to_native_byte_order());
  }
  if (sanitize.c_order) {
    NPYGUARD_ASSIGN_OR_RETURN(array, array.to_c_order());
  }
  return array;
}

// True when both paths name one existing file (hard links and symlinks included).
bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// Writes the canonical copy of an array already read (and so validated) from IN.
void sanitize_array(Result<Array> array, const std::string& out, const Options& options,
                    CheckedInput& result) {
  if (array.ok()) array = canonical_array(std::move(array).value(), options.sanitize);
  if (!array.ok()) {
    result.error = array.error();
    return;
  }
  result.npy = array->info();
  // The canonical copy is read back under the same limits before it replaces anything:
  // sanitize never writes what check would refuse.
  if (Status written = write_npy_file(out, array_ref(*array), options.limits); !written.ok()) {
    result.error = written.error();
  }
}

// Every .npy member is read (and so validated) one at a time and appended to a fresh archive.
void sanitize_npz(const std::string& in, const std::string& out, const Options& options,
                  CheckedInput& result) {
  Result<NpzArchive> opened = NpzArchive::open_file(in, options.limits);
  if (!opened.ok()) {
    record_open_failure(in, options.limits, opened.error(), result);
    return;
  }
  result.archive.emplace(std::move(opened).value());
  const std::vector<NpzMember>& members = result.archive->members();
  NpzWriteOptions write_options;
  write_options.verify_with = options.limits;
  using Compression = SanitizeOptions::Compression;
  const Compression wanted = options.sanitize.compression;
  const bool any_deflate = std::any_of(members.begin(), members.end(), [](const NpzMember& m) {
    return m.method == NpzMethod::Deflate;
  });
  write_options.compression = wanted == Compression::Deflate ||
                                      (wanted == Compression::Keep && any_deflate)
                                  ? NpzCompression::Deflate
                                  : NpzCompression::Stored;
  Result<NpzFileWriter> writer = NpzFileWriter::create(out, write_options);
  if (!writer.ok()) {
    result.error = writer.error();
    return;
  }
  // One member in memory at a time (read_each applies check's header budget too); nothing of
  // it is kept after it is written. written[k] is the input index of output member k, for
  // naming the member an output_rejected error is about.
  std::vector<size_t> written;
  const Status copied = result.archive->read_each([&](size_t i, Array&& read) -> Status {
    NPYGUARD_ASSIGN_OR_RETURN(Array array, canonical_array(std::move(read), options.sanitize));
    NPYGUARD_TRY(writer->add({.key = members[i].key, .array = array_ref(array)}));
    try {
      written.push_back(i);
    } catch (const std::bad_alloc&) {
      return cli_error(ErrorCode::OutOfMemory, 0, "recording the written member failed");
    }
    return ok_status();
  });
  if (!copied.ok()) {
    result.error = copied.error();
    return;  // the writer is dropped uncommitted: OUT is left untouched
  }
  if (Status committed = writer->commit(); !committed.ok()) {
    result.error = committed.error();
    if (result.error->member != kNoMember && result.error->member < written.size()) {
      result.error->member = static_cast<uint32_t>(written[result.error->member]);
    }
  }
}

}  // namespace

namespace {

// Bytes copied from the staged output to standard output per write.
constexpr size_t kCopyChunkBytes = size_t{64} << 10;

// OUT '-': the output is written (atomically, and read back) into a private temporary directory
// first, and copied to standard output only once it is complete, so a refused input writes
// nothing there. The directory and file are removed when this goes out of scope.
class StdoutStaging {
 public:
  StdoutStaging() = default;
  StdoutStaging(const StdoutStaging&) = delete;
  StdoutStaging& operator=(const StdoutStaging&) = delete;
  ~StdoutStaging() {
    if (dir_.empty()) return;
    ::unlink(path().c_str());
    ::rmdir(dir_.c_str());
  }

  Status create() {
    std::string pattern = std::string(temporary_directory()) + "/npyguard-sanitize.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return cli_error(ErrorCode::IoOpenFailed, 0,
                       "could not create a temporary directory to stage standard output");
    }
    dir_ = std::move(pattern);
    return ok_status();
  }

  std::string path() const { return dir_ + "/out"; }

  // Copies the staged output to standard output. The file and its directory are removed first
  // (the open descriptor keeps the data), so nothing is left behind however the copy ends.
  Status copy_to_stdout() {
    const int fd = ::open(path().c_str(), O_RDONLY | O_CLOEXEC);
    ::unlink(path().c_str());
    ::rmdir(dir_.c_str());
    dir_.clear();
    if (fd < 0) return cli_error(ErrorCode::IoOpenFailed, 0, "could not reopen the staged output");
    std::vector<std::byte> chunk;
    Status status = ok_status();
    try {
      chunk.resize(kCopyChunkBytes);
    } catch (const std::bad_alloc&) {
      status = cli_error(ErrorCode::OutOfMemory, 0, "allocating the copy buffer failed");
    }
    uint64_t copied = 0;
    while (status.ok()) {
      const ssize_t got = ::read(fd, chunk.data(), chunk.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) status = cli_error(ErrorCode::IoReadFailed, copied, "reading the staged output");
      if (got <= 0) break;
      status = write_all_to(STDOUT_FILENO,
                            std::span<const std::byte>(chunk).first(static_cast<size_t>(got)),
                            copied, ErrorCode::IoWriteFailed, "writing to standard output failed");
      copied += static_cast<uint64_t>(got);
    }
    ::close(fd);
    return status;
  }

 private:
  std::string dir_;
};

// Validates IN and writes its canonical copy to `out_path`. IN is a file, or a stream ('-', a
// FIFO) read once: an .npy is read as it arrives, an archive is spooled first.
void sanitize_input(const std::string& in, const std::string& out_path, const Options& options,
                    CheckedInput& result) {
  const bool from_stdin = in == kStdinName;
  if (!from_stdin && !is_fifo(in)) {
    result.format = sniff_file(in);
    if (result.format == InputFormat::Npz) {
      sanitize_npz(in, out_path, options, result);
    } else {
      // pread, not mmap: the output may replace the input while the copy is made.
      sanitize_array(read_npy_file(in, options.limits, FileAccess::Pread), out_path, options,
                     result);
    }
    return;
  }
  std::optional<FifoFd> fifo;
  if (!from_stdin) {
    fifo.emplace(in);
    if (fifo->get() < 0) {
      result.error = fifo_open_error();
      return;
    }
  }
  FdInputStream stream(from_stdin ? STDIN_FILENO : fifo->get());
  StreamStart start;
  if (!begin_stream(stream, options.limits, start, result)) return;
  if (result.format == InputFormat::Npz) {
    sanitize_npz(result.spool->path(), out_path, options, result);
    return;
  }
  ReplayInputStream replay(start.view(), stream);
  sanitize_array(read_npy_stream(replay, options.limits), out_path, options, result);
}

}  // namespace

int run_sanitize(const Options& options, Console& console) {
  const std::string& in = options.inputs.front();
  const std::string& out = options.sanitize.in_place ? in : options.inputs.back();
  const bool to_stdout = out == kStdinName;
  // With OUT '-' standard output carries the data, so the verdict goes to standard error.
  Console verdicts{to_stdout ? console.err : console.out, console.err, console.err_is_terminal};
  CheckedInput result;
  StdoutStaging staging;
  if (!to_stdout && in != kStdinName && !options.sanitize.in_place && same_file(in, out)) {
    result.error = cli_error(ErrorCode::IoSameFile, 0,
                             "OUT is IN; pass --in-place to replace the input");
  } else if (Status staged = to_stdout ? staging.create() : ok_status(); !staged.ok()) {
    result.error = staged.error();
  } else {
    sanitize_input(in, to_stdout ? staging.path() : out, options, result);
    if (result.ok() && to_stdout) {
      if (Status copied = staging.copy_to_stdout(); !copied.ok()) result.error = copied.error();
    }
  }
  if (!result.ok()) return report_failure(options, verdicts, Command::Sanitize, in, result, out);
  if (options.json) {
    JsonWriter json;
    json.begin_object();
    write_json_preamble(json, in, result);
    write_name_json(json, "output", out);
    json.end_object();
    verdicts.out << json.text() << '\n';
  } else {
    verdicts.out << printable(in) << ": ok -> " << printable(out) << '\n';
  }
  return kExitOk;
}

}  // namespace npyguard::cli
