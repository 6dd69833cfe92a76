// SPDX-License-Identifier: Apache-2.0
// Output side: a byte sink that can patch what it already wrote (ZIP local headers are completed
// after their data), in memory or in a file, and atomic replacement of a target file. Input:
// bytes npyguard produced; output: a file that either appears complete under its name or not at
// all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "npyguard/result.h"

namespace npyguard::detail {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status write(std::span<const std::byte> bytes) = 0;
  // Overwrites already written bytes at `offset` (offset + size <= position()).
  virtual Status patch(uint64_t offset, std::span<const std::byte> bytes) = 0;
  virtual uint64_t position() const noexcept = 0;
};

class VectorSink final : public ByteSink {
 public:
  Status write(std::span<const std::byte> bytes) override;
  Status patch(uint64_t offset, std::span<const std::byte> bytes) override;
  uint64_t position() const noexcept override { return bytes_.size(); }
  std::vector<std::byte>& bytes() noexcept { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

// A temporary file next to `target` (same directory, so rename is atomic) that replaces the
// target on commit(): write, fsync, rename, fsync the directory. Destroyed without commit, it
// removes the temporary file and leaves the target as it was. A new target gets mode 0666 minus
// the umask; a replaced regular file's permission bits are kept.
class AtomicFile final : public ByteSink {
 public:
  static Result<AtomicFile> create(const std::string& target);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() override;

  Status write(std::span<const std::byte> bytes) override;
  Status patch(uint64_t offset, std::span<const std::byte> bytes) override;
  uint64_t position() const noexcept override { return position_; }
  // Where the bytes are until commit(), for reading them back before they replace anything.
  const std::string& temp_path() const noexcept { return temp_path_; }
  Status commit();

 private:
  AtomicFile(int fd, std::string temp_path, std::string target) noexcept;
  void discard() noexcept;

  int fd_ = -1;
  std::string temp_path_;
  std::string target_;
  uint64_t position_ = 0;
};

}  // namespace npyguard::detail
