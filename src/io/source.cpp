// SPDX-License-Identifier: Apache-2.0
// Input sources: read-only file opening, mmap, pread and stream adapters. Input: paths and
// descriptors named by the caller; output: bytes and Io errors (with errno folded into the
// detail), never exceptions.
#include "io/source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <istream>
#include <utility>

#include "base/checked_math.h"

namespace npyguard {
namespace detail {
namespace {

Error io_error(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

// The same for a failed system call, keeping its errno (read right after the call).
Error os_error(ErrorCode code, uint64_t offset, const char* detail, int os_errno) {
  return Error{.code = code, .offset = offset, .detail = detail, .os_errno = os_errno};
}

// What a path that is not a regular file is instead, in words.
const char* not_regular_reason(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a named pipe (FIFO)";
  if (S_ISCHR(mode)) return "is a character device";
  if (S_ISBLK(mode)) return "is a block device";
  if (S_ISSOCK(mode)) return "is a socket";
  return "is not a regular file";
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

Result<OpenedFile> open_regular_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    // The system's text says it all ("no such file or directory", "permission denied").
    return os_error(ErrorCode::IoOpenFailed, 0, "", errno);
  }
  // O_NONBLOCK stays set: reads of regular files ignore it (open(2)), and clearing it would cost
  // two system calls per file, a third of what checking a small file takes.
  return adopt_regular_file(FileDescriptor(fd));
}

Result<OpenedFile> adopt_regular_file(FileDescriptor fd) {
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return os_error(ErrorCode::IoReadFailed, 0, "fstat() failed", errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return io_error(ErrorCode::IoNotRegularFile, 0, not_regular_reason(st.st_mode));
  }
  auto size = checked_narrow<uint64_t>(st.st_size);
  if (!size) return io_error(ErrorCode::IoReadFailed, 0, "negative file size");
  return OpenedFile{.fd = std::move(fd), .size = *size};
}

MappedFile::MappedFile(void* address, size_t size) noexcept
    : address_(address), bytes_(static_cast<const std::byte*>(address), size) {}

MappedFile::~MappedFile() {
  if (address_ != nullptr) ::munmap(address_, bytes_.size());
}

Result<std::shared_ptr<const MappedFile>> MappedFile::map(const OpenedFile& file) {
  auto size = checked_narrow<size_t>(file.size);
  if (!size) return io_error(ErrorCode::IoReadFailed, 0, "file too large to map");
  if (*size == 0) {
    return std::shared_ptr<const MappedFile>(std::make_shared<MappedFile>(nullptr, 0));
  }
  void* address = ::mmap(nullptr, *size, PROT_READ, MAP_PRIVATE, file.fd.get(), 0);
  if (address == MAP_FAILED) {
    return os_error(ErrorCode::IoReadFailed, 0, "mmap() failed", errno);
  }
  return std::shared_ptr<const MappedFile>(std::make_shared<MappedFile>(address, *size));
}

Result<size_t> SequentialSource::read_full(std::span<std::byte> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    NPYGUARD_ASSIGN_OR_RETURN(size_t got, read_some(out.subspan(filled)));
    if (got == 0) break;
    filled += got;
  }
  return filled;
}

Result<size_t> PreadSource::read_some(std::span<std::byte> out) {
  if (pos_ >= file_.size) return size_t{0};
  const uint64_t left = file_.size - pos_;
  const size_t want = left < out.size() ? static_cast<size_t>(left) : out.size();
  auto offset = checked_narrow<off_t>(pos_);
  if (!offset) return io_error(ErrorCode::IoReadFailed, pos_, "offset too large");
  ssize_t got = 0;
  do {
    got = ::pread(file_.fd.get(), out.data(), want, *offset);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return os_error(ErrorCode::IoReadFailed, pos_, "pread() failed", errno);
  if (got == 0 && want > 0) {
    // fstat promised more bytes than the file now holds.
    return Error{.code = ErrorCode::IoFileChanged,
                 .detail = "the file was {expected} bytes when opened and ended after {found}",
                 .found = pos_,
                 .bound = file_.size};
  }
  pos_ += static_cast<uint64_t>(got);
  return static_cast<size_t>(got);
}

Result<size_t> StreamSource::read_some(std::span<std::byte> out) {
  NPYGUARD_ASSIGN_OR_RETURN(size_t got, in_.read(out));
  if (got > out.size()) {
    return Error{.code = ErrorCode::IoReadFailed,
                 .detail =
                     "the input stream reported {found} bytes read into a buffer of "
                     "{expected}",
                 .found = got,
                 .bound = out.size()};
  }
  return got;
}

Status MemoryRandomAccess::read_at(uint64_t offset, std::span<std::byte> out) {
  if (offset > bytes_.size() || out.size() > bytes_.size() - offset) {
    return io_error(ErrorCode::IoReadFailed, offset, "read beyond the end of the input");
  }
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
  return ok_status();
}

Status FileRandomAccess::read_at(uint64_t offset, std::span<std::byte> out) {
  if (offset > file_.size || out.size() > file_.size - offset) {
    return io_error(ErrorCode::IoReadFailed, offset, "read beyond the end of the file");
  }
  size_t filled = 0;
  while (filled < out.size()) {
    auto at = checked_narrow<off_t>(offset + filled);
    if (!at) return io_error(ErrorCode::IoReadFailed, offset, "offset too large");
    const ssize_t got = ::pread(file_.fd.get(), out.data() + filled, out.size() - filled, *at);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return os_error(ErrorCode::IoReadFailed, offset + filled, "pread() failed", errno);
    }
    if (got == 0) {
      return Error{.code = ErrorCode::IoFileChanged,
                   .detail = "the file was {expected} bytes when opened and ended after {found}",
                   .found = offset + filled,
                   .bound = file_.size};
    }
    filled += static_cast<size_t>(got);
  }
  return ok_status();
}

}  // namespace detail

Result<size_t> FdInputStream::read(std::span<std::byte> out) {
  ssize_t got = 0;
  do {
    got = ::read(fd_, out.data(), out.size());
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    return Error{.code = ErrorCode::IoReadFailed, .detail = "read() failed", .os_errno = errno};
  }
  return static_cast<size_t>(got);
}

Result<size_t> IstreamInputStream::read(std::span<std::byte> out) {
  try {
    auto wanted = detail::checked_narrow<std::streamsize>(out.size());
    if (!wanted) wanted = std::streamsize{1} << 30;
    in_.read(reinterpret_cast<char*>(out.data()), *wanted);  // NOLINT: char view of our buffer
    const auto got = in_.gcount();
    if (in_.bad()) {
      return Error{.code = ErrorCode::IoReadFailed, .detail = "stream read failed"};
    }
    return static_cast<size_t>(got);
  } catch (...) {
    return Error{.code = ErrorCode::IoReadFailed, .detail = "stream threw while reading"};
  }
}

}  // namespace npyguard
