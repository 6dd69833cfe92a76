// SPDX-License-Identifier: Apache-2.0
// Input sources behind one sequential read interface (a regular file read with pread, an
// InputStream; the .npz reader adds its members), plus read-only opening and mapping of files and
// random access for ZIP directories. Input: a path or descriptor the caller names; output: bytes,
// never more than asked for. Files are opened O_RDONLY (never writable) and non-blocking, so a
// FIFO passed as a path cannot hang the open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "npyguard/input_stream.h"
#include "npyguard/result.h"

namespace npyguard::detail {

// Chunk size for streaming reads and scans: large enough to amortise syscalls, small enough that
// validation memory stays flat.
inline constexpr size_t kStreamChunkBytes = size_t{1} << 20;

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) = delete;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();
  int get() const noexcept { return fd_; }

 private:
  int fd_ = -1;
};

struct OpenedFile {
  FileDescriptor fd;
  uint64_t size = 0;  // from fstat, before anything is read or mapped
};

// Opens a regular file read-only; anything else (directory, FIFO, device) is refused.
Result<OpenedFile> open_regular_file(const std::string& path);

// Takes over an open descriptor: refused (and closed) unless it is a regular file; its size
// comes from fstat. What open_regular_file and open_regular_descriptor share.
Result<OpenedFile> adopt_regular_file(FileDescriptor fd);

// A read-only private mapping of a whole file; owns it until destroyed.
class MappedFile {
 public:
  static Result<std::shared_ptr<const MappedFile>> map(const OpenedFile& file);
  // Takes ownership of a mapping made by map(); public only for std::make_shared.
  MappedFile(void* address, size_t size) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::span<const std::byte> bytes() const noexcept { return bytes_; }

 private:
  void* address_ = nullptr;
  std::span<const std::byte> bytes_;
};

// Sequential reads with an optional known total size.
class SequentialSource {
 public:
  virtual ~SequentialSource() = default;
  // Reads up to out.size() bytes; 0 means end of input.
  virtual Result<size_t> read_some(std::span<std::byte> out) = 0;
  // Total size when known up front (files, members), else nullopt (streams).
  virtual std::optional<uint64_t> total_size() const noexcept = 0;

  // Fills `out` completely unless the input ends first; returns the bytes stored.
  Result<size_t> read_full(std::span<std::byte> out);
};

class PreadSource final : public SequentialSource {
 public:
  explicit PreadSource(const OpenedFile& file) noexcept : file_(file) {}
  Result<size_t> read_some(std::span<std::byte> out) override;
  std::optional<uint64_t> total_size() const noexcept override { return file_.size; }

 private:
  const OpenedFile& file_;
  uint64_t pos_ = 0;
};

class StreamSource final : public SequentialSource {
 public:
  explicit StreamSource(InputStream& in) noexcept : in_(in) {}
  // The caller's InputStream is not trusted to keep its contract: a count larger than `out`
  // becomes an Io error here, before any caller indexes with it.
  Result<size_t> read_some(std::span<std::byte> out) override;
  std::optional<uint64_t> total_size() const noexcept override { return std::nullopt; }

 private:
  InputStream& in_;
};

// Random access by offset over a source of known size (ZIP archives are read from the end).
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual uint64_t size() const noexcept = 0;
  // Fills `out` from `offset`; fails (io_read_failed / io_file_changed) unless every byte exists.
  virtual Status read_at(uint64_t offset, std::span<std::byte> out) = 0;
};

class MemoryRandomAccess final : public RandomAccessSource {
 public:
  explicit MemoryRandomAccess(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}
  uint64_t size() const noexcept override { return bytes_.size(); }
  Status read_at(uint64_t offset, std::span<std::byte> out) override;

 private:
  std::span<const std::byte> bytes_;
};

class FileRandomAccess final : public RandomAccessSource {
 public:
  explicit FileRandomAccess(const OpenedFile& file) noexcept : file_(file) {}
  uint64_t size() const noexcept override { return file_.size; }
  Status read_at(uint64_t offset, std::span<std::byte> out) override;

 private:
  const OpenedFile& file_;
};

}  // namespace npyguard::detail
