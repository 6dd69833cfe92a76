// SPDX-License-Identifier: Apache-2.0
// Owned, uninitialised memory for array payloads. Large buffers are anonymous mappings aligned to
// 2 MiB with transparent huge pages requested, so filling them costs one page fault per 2 MiB
// instead of one per 4 KiB (on a VM each fault is expensive: a 256 MiB buffer of 4 KiB pages
// costs more to fault in than to fill); small ones come from the heap. Never zero-filled: every
// byte is written by the caller (read from the input or converted) before the buffer is shared.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "npyguard/result.h"

namespace npyguard::detail {

class PayloadBuffer {
 public:
  // Fails with out_of_memory, never throws; size 0 allocates nothing.
  static Result<std::shared_ptr<PayloadBuffer>> allocate(size_t size);

  PayloadBuffer(const PayloadBuffer&) = delete;
  PayloadBuffer& operator=(const PayloadBuffer&) = delete;
  ~PayloadBuffer();

  std::span<std::byte> bytes() noexcept { return {data_, size_}; }
  std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }

  // Public only for std::make_shared; use allocate().
  PayloadBuffer(void* mapping, size_t mapped, std::byte* data, size_t size) noexcept
      : mapping_(mapping), mapped_(mapped), data_(data), size_(size) {}

 private:
  void* mapping_;  // mmap base (mapped_ > 0) or heap block (mapped_ == 0), or null
  size_t mapped_;
  std::byte* data_;
  size_t size_;
};

}  // namespace npyguard::detail
