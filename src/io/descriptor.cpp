// SPDX-License-Identifier: Apache-2.0
// Caller-owned descriptors and anonymous temporary files. Input: descriptor numbers and bytes
// the library already holds; output: OpenedFile values and Io errors (errno kept), never
// exceptions.
#include "io/descriptor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "base/checked_math.h"

namespace npyguard::detail {
namespace {

Error io_error(ErrorCode code, uint64_t offset, const char* detail, int os_errno = 0) {
  return Error{.code = code, .offset = offset, .detail = detail, .os_errno = os_errno};
}

// What a descriptor that is not a regular file is instead, in words (as open_regular_file says
// it for a path).
// Where temporary files go: $TMPDIR, or /tmp when it is unset or empty.
std::string temporary_directory() {
  const char* dir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): read, never set
  return dir == nullptr || *dir == '\0' ? std::string("/tmp") : std::string(dir);
}

}  // namespace

Result<OpenedFile> open_regular_descriptor(int fd) {
  // A duplicate, so the archive's lifetime does not depend on when the caller closes its copy,
  // and a descriptor number reused by the caller later can never be read by mistake.
  const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0)
    return io_error(ErrorCode::IoOpenFailed, 0, "could not duplicate the descriptor", errno);
  return adopt_regular_file(FileDescriptor(own));
}

Result<FileDescriptor> create_anonymous_file(const char* detail) {
  const std::string dir = temporary_directory();
#ifdef O_TMPFILE
  // O_EXCL: the file can never be given a name later with linkat().
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC | O_EXCL, S_IRUSR | S_IWUSR);
  if (fd >= 0) return FileDescriptor(fd);
#endif
  // Filesystems without O_TMPFILE: a private name, removed before anything is written to it.
  std::string pattern = dir + "/npyguard-spool.XXXXXX";
  const int named = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (named < 0) return io_error(ErrorCode::IoOpenFailed, 0, detail, errno);
  FileDescriptor file(named);
  if (::unlink(pattern.c_str()) != 0) return io_error(ErrorCode::IoOpenFailed, 0, detail, errno);
  return file;
}

Status write_all(int fd, std::span<const std::byte> bytes, uint64_t offset, ErrorCode code,
                 const char* detail) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t got = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return io_error(code, offset + written, detail, got < 0 ? errno : 0);
    written += static_cast<size_t>(got);
  }
  return ok_status();
}

}  // namespace npyguard::detail
