// SPDX-License-Identifier: Apache-2.0
// Atomic file replacement and byte sinks. Input: bytes produced by the writer; output: a target
// file replaced in one rename, or left untouched. Every system call is checked; a short or failed
// write (full disk, file size limit) becomes io_write_failed and the temporary file is removed.
#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
// getrandom(2) is Linux's (and FreeBSD's); other POSIX systems read /dev/urandom instead.
#if defined(__linux__) || defined(__FreeBSD__)
#include <sys/random.h>
#define NPYGUARD_HAVE_GETRANDOM 1
#endif

#include <algorithm>
#include <array>
#include <cerrno>
#include <new>
#include <span>
#include <string_view>
#include <utility>

#include "base/checked_math.h"

namespace npyguard::detail {
namespace {

// `os_errno`: the failed call's errno, captured before any clean-up call can change it.
Error write_error(uint64_t offset, const char* detail, int os_errno = 0) {
  return Error{
      .code = ErrorCode::IoWriteFailed, .offset = offset, .detail = detail, .os_errno = os_errno};
}

// Permissions asked for a new file; the kernel takes the process umask (or the directory's
// default ACL) off them, as for any file a tool creates.
constexpr mode_t kNewFileMode = 0666;
// Permissions of a temporary file that will take over an existing file's: owner only until
// fchmod gives it the replaced file's bits, so it is never readable by more users than the file
// it replaces, not even for the moment between creation and fchmod.
constexpr mode_t kPrivateMode = 0600;
// Permission bits kept from a file being replaced: rwx for owner, group and others. Set-id and
// sticky bits are not carried over to data npyguard wrote.
constexpr mode_t kKeptModeBits = 0777;
// Group and other permission bits: dropped when the replaced file's group cannot be kept.
constexpr mode_t kGroupOtherBits = 0077;
// Attempts at an unused temporary name before giving up (each name has 36 random bits).
constexpr int kTempNameAttempts = 64;
constexpr int kSuffixLength = 6;

// Fills `out` from the kernel's random generator; false if it fails.
bool fill_random(std::span<unsigned char> out) {
#ifdef NPYGUARD_HAVE_GETRANDOM
  return ::getrandom(out.data(), out.size(), 0) == static_cast<ssize_t>(out.size());
#else
  const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t got = ::read(fd, out.subspan(done).data(), out.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    done += static_cast<size_t>(got);
  }
  ::close(fd);
  return done == out.size();
#endif
}

// Six random name characters from the kernel's generator (getrandom cannot throw, unlike
// std::random_device); false if it fails.
bool random_suffix(std::string& out) {
  constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::array<unsigned char, kSuffixLength> random{};
  if (!fill_random(random)) return false;
  for (unsigned char byte : random) out += kAlphabet[byte % kAlphabet.size()];
  return true;
}

// A fresh file named `prefix` + six random characters, opened for writing with O_EXCL so an
// existing file (or a symlink planted there) is never opened. Unlike mkostemp, which fixes mode
// 0600, `mode` goes through the umask.
int create_unique(const std::string& prefix, mode_t mode, std::string& path) {
  for (int attempt = 0; attempt < kTempNameAttempts; ++attempt) {
    path = prefix;
    if (!random_suffix(path)) return -1;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

// Gives the temporary file the replaced file's owner, group and permission bits. The owner can
// only be given by root, and a group only by a member of it; when the group cannot be kept,
// group and other bits are dropped, so that no one outside the replaced file's group and owner
// gains access.
bool take_over_permissions(int fd, const struct stat& replaced) {
  mode_t mode = replaced.st_mode & kKeptModeBits;
  if (::fchown(fd, replaced.st_uid, replaced.st_gid) != 0 &&
      ::fchown(fd, static_cast<uid_t>(-1), replaced.st_gid) != 0) {
    struct stat created {};
    if (::fstat(fd, &created) != 0) return false;
    if (created.st_gid != replaced.st_gid) mode &= ~kGroupOtherBits;
  }
  return ::fchmod(fd, mode) == 0;
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status VectorSink::write(std::span<const std::byte> bytes) {
  try {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  } catch (const std::bad_alloc&) {
    return Error{.code = ErrorCode::OutOfMemory,
                 .offset = bytes_.size(),
                 .detail = "growing the output buffer failed"};
  }
  return ok_status();
}

Status VectorSink::patch(uint64_t offset, std::span<const std::byte> bytes) {
  if (offset > bytes_.size() || bytes.size() > bytes_.size() - offset) {
    return Error{.code = ErrorCode::Internal, .offset = offset, .detail = "patch beyond output"};
  }
  std::copy(bytes.begin(), bytes.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(offset));
  return ok_status();
}

AtomicFile::AtomicFile(int fd, std::string temp_path, std::string target) noexcept
    : fd_(fd), temp_path_(std::move(temp_path)), target_(std::move(target)) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      temp_path_(std::move(other.temp_path_)),
      target_(std::move(other.target_)),
      position_(other.position_) {
  other.temp_path_.clear();
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

Result<AtomicFile> AtomicFile::create(const std::string& target) {
  const std::string directory = directory_of(target);
  const size_t slash = target.rfind('/');
  const std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  if (base.empty()) return write_error(0, "the output path names a directory");
  // A file being replaced keeps its permissions: a private 0600 input must not become readable
  // by others through sanitize --in-place. (stat follows a symlink: rename then replaces the
  // link itself with a regular file that has the mode of the file it pointed to.)
  struct stat existing {};
  const bool replaces = ::stat(target.c_str(), &existing) == 0 && S_ISREG(existing.st_mode);
  // A hidden name in the same directory: rename() within one filesystem is atomic.
  std::string temp;
  const int fd = create_unique(directory + "/." + base + ".npyguard-",
                               replaces ? kPrivateMode : kNewFileMode, temp);
  if (fd < 0) {
    return write_error(0, "cannot create a temporary file next to the output", errno);
  }
  if (replaces && !take_over_permissions(fd, existing)) {
    const int failed = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return write_error(0, "cannot give the output the replaced file's permissions", failed);
  }
  return AtomicFile(fd, std::move(temp), target);
}

Status AtomicFile::write(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // n == 0 sets no errno; ENOSPC stands for a device that takes no more bytes.
      return write_error(position_, "write() failed", n < 0 ? errno : ENOSPC);
    }
    position_ += static_cast<uint64_t>(n);
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return ok_status();
}

Status AtomicFile::patch(uint64_t offset, std::span<const std::byte> bytes) {
  if (offset > position_ || bytes.size() > position_ - offset) {
    return Error{.code = ErrorCode::Internal, .offset = offset, .detail = "patch beyond output"};
  }
  size_t done = 0;
  while (done < bytes.size()) {
    auto at = checked_narrow<off_t>(offset + done);
    if (!at) return write_error(offset, "offset too large");
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, *at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return write_error(offset + done, "pwrite() failed", n < 0 ? errno : ENOSPC);
    done += static_cast<size_t>(n);
  }
  return ok_status();
}

Status AtomicFile::commit() {
  if (fd_ < 0) return Error{.code = ErrorCode::Internal, .detail = "commit of a closed file"};
  // The data must be durable before the name points at it, or a crash could leave an empty file
  // under the target's name.
  if (::fsync(fd_) != 0) {
    const int failed = errno;
    discard();
    return write_error(position_, "fsync() failed", failed);
  }
  if (::close(std::exchange(fd_, -1)) != 0) {
    const int failed = errno;
    discard();
    return write_error(position_, "close() failed", failed);
  }
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    const int failed = errno;
    discard();
    return write_error(position_, "rename() over the output failed", failed);
  }
  temp_path_.clear();
  // Make the rename itself durable.
  const int dir = ::open(directory_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

}  // namespace npyguard::detail
