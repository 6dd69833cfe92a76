// SPDX-License-Identifier: Apache-2.0
// Payload buffers: huge-page-backed anonymous mappings for large payloads, aligned heap blocks for
// small ones. Input: a size already checked against the limits and the input's real size.
#include "io/payload_buffer.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace npyguard::detail {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
// Below this a heap block is cheaper than a mapping (mmap/munmap are syscalls, and glibc reuses
// freed heap memory without new faults).
constexpr size_t kMappingThreshold = size_t{4} << 20;
constexpr std::align_val_t kHeapAlignment{64};

Error out_of_memory() {
  return Error{.code = ErrorCode::OutOfMemory, .detail = "allocating a payload buffer failed"};
}

}  // namespace

Result<std::shared_ptr<PayloadBuffer>> PayloadBuffer::allocate(size_t size) {
  void* mapping = nullptr;
  size_t mapped = 0;
  std::byte* data = nullptr;
  if (size >= kMappingThreshold && size <= SIZE_MAX - 2 * kHugePage) {
    // Over-map by one huge page, then trim head and tail so the buffer starts on a 2 MiB boundary
    // (the kernel only backs aligned 2 MiB ranges with huge pages).
    const size_t rounded = (size + kHugePage - 1) & ~(kHugePage - 1);
    const size_t span = rounded + kHugePage;
    void* raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return out_of_memory();
    const auto base = reinterpret_cast<uintptr_t>(raw);  // NOLINT: address arithmetic only
    const uintptr_t aligned = (base + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
    const size_t head = aligned - base;
    if (head > 0) ::munmap(raw, head);
    if (span - head > rounded) {
      ::munmap(reinterpret_cast<void*>(aligned + rounded), span - head - rounded);  // NOLINT
    }
    mapping = reinterpret_cast<void*>(aligned);  // NOLINT: the mapping we keep
    mapped = rounded;
    // Advice only: without transparent huge pages the mapping still works with 4 KiB pages, and
    // systems without MADV_HUGEPAGE (it is Linux's) simply get no advice.
#ifdef MADV_HUGEPAGE
    ::madvise(mapping, mapped, MADV_HUGEPAGE);
#endif
    data = static_cast<std::byte*>(mapping);
  } else if (size > 0) {
    mapping = ::operator new(size, kHeapAlignment, std::nothrow);
    if (mapping == nullptr) return out_of_memory();
    data = static_cast<std::byte*>(mapping);
  }
  try {
    return std::make_shared<PayloadBuffer>(mapping, mapped, data, size);
  } catch (const std::bad_alloc&) {
    if (mapped > 0) {
      ::munmap(mapping, mapped);
    } else if (mapping != nullptr) {
      ::operator delete(mapping, kHeapAlignment);
    }
    return out_of_memory();
  }
}

PayloadBuffer::~PayloadBuffer() {
  if (mapped_ > 0) {
    ::munmap(mapping_, mapped_);
  } else if (mapping_ != nullptr) {
    ::operator delete(mapping_, kHeapAlignment);
  }
}

}  // namespace npyguard::detail
