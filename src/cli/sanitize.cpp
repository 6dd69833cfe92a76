// SPDX-License-Identifier: Apache-2.0
// sanitize: validate IN like check, then write its canonical copy to OUT (a file, over IN with
// --in-place, or standard output). Input: one operand naming untrusted bytes (a file, a FIFO or
// standard input); output: a canonical .npy or .npz, written atomically and read back by the
// library before it replaces anything, and a verdict line. A refused input writes nothing.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "input.h"
#include "json.h"
#include "json_output.h"
#include "report.h"
#include "text.h"

namespace npyguard::cli {
namespace {

// Where temporary files go: $TMPDIR, or /tmp when it is unset or empty.
const char* temporary_directory() {
  const char* dir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): single-threaded
  return dir == nullptr || *dir == '\0' ? "/tmp" : dir;
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
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// Writes the canonical copy of an array already read (and so validated) from IN.
void sanitize_array(Array array, const std::string& out, const Options& options,
                    InputVerdict& result) {
  Result<Array> canonical = canonical_array(std::move(array), options.sanitize);
  if (!canonical.ok()) {
    result.error = canonical.error();
    return;
  }
  result.npy = canonical->info();
  // The canonical copy is read back under the same limits before it replaces anything:
  // sanitize never writes what check would refuse.
  if (Status written = write_npy_file(out, array_ref(*canonical), options.limits); !written.ok()) {
    result.error = written.error();
  }
}

// Every .npy member of the archive in result.archive (its directory already validated) is read,
// and so validated, one at a time and appended to a fresh archive.
void sanitize_npz(const std::string& out, const Options& options, InputVerdict& result) {
  const std::vector<NpzMember>& members = result.archive->members();
  NpzWriteOptions write_options;
  write_options.verify_with = options.limits;
  using Compression = SanitizeOptions::Compression;
  const Compression wanted = options.sanitize.compression;
  const bool any_deflate = std::any_of(members.begin(), members.end(), [](const NpzMember& m) {
    return m.method == NpzMethod::Deflate;
  });
  write_options.compression =
      wanted == Compression::Deflate || (wanted == Compression::Keep && any_deflate)
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
// FIFO) read once; the library tells .npy from .npz, reads an .npy (a file with pread, not mmap:
// the output may replace the input while the copy is made) and opens an archive (spooling a
// streamed one first).
void sanitize_input(const std::string& in, const std::string& out_path, const Options& options,
                    InputVerdict& result) {
  OpenedInput opened;
  if (in != kStdinName && !is_fifo(in)) {
    opened = open_input(in, options.limits);
  } else {
    std::optional<FifoFd> fifo;
    if (in != kStdinName) {
      fifo.emplace(in);
      if (fifo->get() < 0) {
        result.error = fifo_open_error();
        return;
      }
    }
    FdInputStream stream(fifo ? fifo->get() : STDIN_FILENO);
    opened = open_input(stream, options.limits);
  }
  result.format = opened.format;
  result.error = opened.error;
  result.failed_member_name = std::move(opened.failed_member_name);
  if (!result.ok()) return;
  if (opened.archive) {
    result.archive = std::move(opened.archive);
    sanitize_npz(out_path, options, result);
  } else {
    sanitize_array(std::move(*opened.array), out_path, options, result);
  }
}

}  // namespace

int run_sanitize(const Options& options, Console& console) {
  const std::string& in = options.inputs.front();
  const std::string& out = options.sanitize.in_place ? in : options.inputs.back();
  const bool to_stdout = out == kStdinName;
  // With OUT '-' standard output carries the data, so the verdict goes to standard error.
  Console verdicts{to_stdout ? console.err : console.out, console.err, console.err_is_terminal};
  InputVerdict result;
  StdoutStaging staging;
  if (!to_stdout && in != kStdinName && !options.sanitize.in_place && same_file(in, out)) {
    result.error =
        cli_error(ErrorCode::IoSameFile, 0, "OUT is IN; pass --in-place to replace the input");
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
