// SPDX-License-Identifier: Apache-2.0
// Sequential byte sources for the stream readers (read_npy_stream, validate_npy_stream, and the
// archive readers that spool a stream): an interface callers can implement for their own
// transport, and adapters for a file descriptor and a std::istream.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <span>

#include "npyguard/export.h"
#include "npyguard/result.h"

namespace npyguard {

// A sequential byte source (standard input, a pipe, a socket). read() returns the number of bytes
// stored into `out` (0 only at end of input) or an Io error. The library does not trust an
// implementation to keep this contract: a count larger than `out` is refused as io_read_failed.
class NPYGUARD_EXPORT InputStream {
 public:
  virtual ~InputStream() = default;
  virtual Result<size_t> read(std::span<std::byte> out) = 0;
};

// Reads a file descriptor with read(2), retrying on EINTR. Does not own the descriptor.
class NPYGUARD_EXPORT FdInputStream final : public InputStream {
 public:
  explicit FdInputStream(int fd) noexcept : fd_(fd) {}
  Result<size_t> read(std::span<std::byte> out) override;

 private:
  int fd_;
};

// Reads a std::istream; stream exceptions become Io errors.
class NPYGUARD_EXPORT IstreamInputStream final : public InputStream {
 public:
  explicit IstreamInputStream(std::istream& in) noexcept : in_(in) {}
  Result<size_t> read(std::span<std::byte> out) override;

 private:
  std::istream& in_;
};

}  // namespace npyguard
