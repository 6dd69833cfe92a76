// SPDX-License-Identifier: Apache-2.0
// Reading .npy files: from memory, from a file (mmap, pread fallback) and from a stream, either
// loading the array (Array) or validating it with bounded memory (validate_*). Every function
// takes untrusted input and returns a fully validated result or an Error; none throws for bad
// input.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "npyguard/dtype.h"
#include "npyguard/export.h"
#include "npyguard/input_stream.h"
#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard {

// Everything the preamble and header say, after validation.
struct NpyInfo {
  uint8_t version_major = 1;
  uint8_t version_minor = 0;
  uint64_t header_length = 0;  // bytes of header text (after the length field)
  DType dtype;
  std::vector<uint64_t> shape;
  bool fortran_order = false;
  uint64_t count = 0;           // elements (product of shape)
  uint64_t nbytes = 0;          // payload bytes (count * itemsize)
  uint64_t payload_offset = 0;  // file offset of the first payload byte

  uint64_t itemsize() const noexcept { return dtype.itemsize; }
  std::string descr() const { return dtype.descr(); }
};

// One field of a structured array seen across all elements: element i's field bytes start at
// i * stride inside the payload.
class NPYGUARD_EXPORT FieldView {
 public:
  const Field& field() const noexcept { return *field_; }
  uint64_t size() const noexcept { return count_; }
  uint64_t stride() const noexcept { return stride_; }
  // The field's bytes in element `index` (field.size bytes), bounds-checked.
  Result<std::span<const std::byte>> at(uint64_t index) const;

 private:
  friend class Array;
  FieldView(const Field* field, std::span<const std::byte> payload, uint64_t stride,
            uint64_t count) noexcept
      : field_(field), payload_(payload), stride_(stride), count_(count) {}
  const Field* field_;
  std::span<const std::byte> payload_;
  uint64_t stride_;
  uint64_t count_;
};

namespace detail {
struct ArrayFactory;
}  // namespace detail

// A validated array: metadata plus payload bytes. The payload is a zero-copy view into a mapped
// file or the caller's buffer when it is aligned for the dtype, otherwise an owned copy. Copies of
// an Array share the payload.
class NPYGUARD_EXPORT Array {
 public:
  const NpyInfo& info() const noexcept { return info_; }
  const DType& dtype() const noexcept { return info_.dtype; }
  const std::vector<uint64_t>& shape() const noexcept { return info_.shape; }
  bool fortran_order() const noexcept { return info_.fortran_order; }
  uint64_t itemsize() const noexcept { return info_.dtype.itemsize; }
  uint64_t count() const noexcept { return info_.count; }
  uint64_t nbytes() const noexcept { return info_.nbytes; }
  // The payload exactly as stored (file byte order and element order).
  std::span<const std::byte> bytes() const noexcept { return payload_; }
  // True when the payload is a view into the source rather than a copy.
  bool is_zero_copy() const noexcept { return zero_copy_; }

  // The elements as T, in storage order (Fortran order when fortran_order()). Succeeds only when
  // T is exactly the dtype in host byte order; otherwise type_mismatch, never a reinterpretation.
  // Supported T: bool, int8..int64, uint8..uint64, float, double, complex<float>, complex<double>.
  template <class T>
  Result<std::span<const T>> values() const;

  // A copy with every multi-byte leaf in host (little-endian) byte order.
  Result<Array> to_native_byte_order() const&;
  // The same, converting in place when this array is the only owner of an owned (not zero-copy)
  // payload, which saves a second buffer of the payload's size; otherwise a copy as above. Spans
  // and field views taken from the array before the call then see the converted bytes.
  Result<Array> to_native_byte_order() &&;
  // A copy in C (row-major) element order; a C-ordered array is returned as is (shared).
  Result<Array> to_c_order() const;
  // The bytes of the element at a multi-index (one index per dimension), bounds-checked, honouring
  // fortran_order.
  Result<std::span<const std::byte>> element(std::span<const uint64_t> index) const;
  // A structured array's field by name (not by title).
  Result<FieldView> field(std::string_view name) const;

 private:
  // Only the readers and conversions build Arrays (detail::ArrayFactory, which checks that the
  // payload is exactly the size the metadata says), so every Array's bytes match its shape.
  friend struct detail::ArrayFactory;
  Array(NpyInfo info, std::shared_ptr<const void> owner, std::span<const std::byte> payload,
        std::span<std::byte> writable, bool zero_copy) noexcept
      : info_(std::move(info)),
        owner_(std::move(owner)),
        payload_(payload),
        writable_(writable),
        zero_copy_(zero_copy) {}

  Status check_typed_access(DTypeKind kind, uint64_t size, uint64_t alignment) const;

  NpyInfo info_;
  std::shared_ptr<const void> owner_;  // keeps a mapping or an owned buffer alive
  std::span<const std::byte> payload_;
  // The same bytes, writable, when npyguard allocated them (empty for views into a mapping or a
  // caller's buffer): what an in-place conversion may write to.
  std::span<std::byte> writable_;
  bool zero_copy_ = false;
};

// Loads from memory. The returned Array may view `bytes` directly: keep them alive and unchanged
// for as long as the Array is used.
NPYGUARD_EXPORT Result<Array> read_npy(std::span<const std::byte> bytes, const Limits& limits = {});

enum class FileAccess : uint8_t {
  // mmap the file read-only (zero-copy). A file truncated by another process while mapped
  // raises SIGBUS on access; use Pread for files that others may modify concurrently.
  Mmap,
  // pread the payload into an owned buffer, sized only after validation.
  Pread,
};

// Loads from a path. The file is opened read-only, never writable; its size comes from fstat.
NPYGUARD_EXPORT Result<Array> read_npy_file(const std::string& path, const Limits& limits = {},
                                            FileAccess access = FileAccess::Mmap);
// Loads the payload of a file into memory the caller provides (a buffer it reuses, a tensor it
// already allocated): validated exactly like read_npy_file, read straight into `out` with no
// allocation of its own. `out` must be exactly the payload size (NpyInfo::nbytes, from
// validate_npy_file or parse_npy_header), else array_size_mismatch before anything is read.
// On error `out` may hold part of the data. Returns the file's metadata.
struct IntoOptions {
  // Swap every leaf to host byte order as each chunk arrives (while it is in cache); the
  // returned NpyInfo then describes the host-order dtype.
  bool native_byte_order = false;
  // Write a Fortran-ordered array in C order: with two dimensions longer than 1, each chunk is
  // transposed into place as it arrives; with more, the file-order data is converted at the end
  // (using two temporary buffers of the payload's size). The NpyInfo then says C order.
  bool c_order = false;
};
NPYGUARD_EXPORT Result<NpyInfo> read_npy_file_into(const std::string& path,
                                                   std::span<std::byte> out,
                                                   const Limits& limits = {},
                                                   IntoOptions options = {});
// Loads from a stream. Memory grows with the bytes actually received (never with a size the
// header merely claims) and stops at the declared payload size.
NPYGUARD_EXPORT Result<Array> read_npy_stream(InputStream& in, const Limits& limits = {});

// Validates without loading: memory stays bounded (a small chunk buffer) whatever the file size.
NPYGUARD_EXPORT Result<NpyInfo> validate_npy(std::span<const std::byte> bytes,
                                             const Limits& limits = {});
NPYGUARD_EXPORT Result<NpyInfo> validate_npy_file(const std::string& path,
                                                  const Limits& limits = {});
NPYGUARD_EXPORT Result<NpyInfo> validate_npy_stream(InputStream& in, const Limits& limits = {});

// Parses only the preamble and header from the start of a file; `bytes` may be a prefix of the
// file. Limits that need the payload (size, trailing data) are not checked here.
NPYGUARD_EXPORT Result<NpyInfo> parse_npy_header(std::span<const std::byte> bytes,
                                                 const Limits& limits = {});

namespace detail {
template <class T>
struct TypeTraits {
  static constexpr bool supported = false;
};
template <>
struct TypeTraits<bool> {
  static constexpr bool supported = true;
  static constexpr DTypeKind kind = DTypeKind::Bool;
};
// T is a type and K an enumerator name: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NPYGUARD_DECLARE_TYPE_(T, K)                \
  template <>                                       \
  struct TypeTraits<T> {                            \
    static constexpr bool supported = true;         \
    static constexpr DTypeKind kind = DTypeKind::K; \
  }
NPYGUARD_DECLARE_TYPE_(int8_t, SignedInt);
NPYGUARD_DECLARE_TYPE_(int16_t, SignedInt);
NPYGUARD_DECLARE_TYPE_(int32_t, SignedInt);
NPYGUARD_DECLARE_TYPE_(int64_t, SignedInt);
NPYGUARD_DECLARE_TYPE_(uint8_t, UnsignedInt);
NPYGUARD_DECLARE_TYPE_(uint16_t, UnsignedInt);
NPYGUARD_DECLARE_TYPE_(uint32_t, UnsignedInt);
NPYGUARD_DECLARE_TYPE_(uint64_t, UnsignedInt);
NPYGUARD_DECLARE_TYPE_(float, Float);
NPYGUARD_DECLARE_TYPE_(double, Float);
NPYGUARD_DECLARE_TYPE_(std::complex<float>, Complex);
NPYGUARD_DECLARE_TYPE_(std::complex<double>, Complex);
// NOLINTEND(bugprone-macro-parentheses)
#undef NPYGUARD_DECLARE_TYPE_
}  // namespace detail

template <class T>
Result<std::span<const T>> Array::values() const {
  static_assert(detail::TypeTraits<T>::supported, "values<T>: unsupported element type");
  static_assert(std::is_trivially_copyable_v<T>);
  NPYGUARD_TRY(check_typed_access(detail::TypeTraits<T>::kind, sizeof(T), alignof(T)));
  // check_typed_access proved: dtype is exactly T in host order, the payload is aligned for T,
  // its size is count * sizeof(T), and bool payloads hold only 0/1. Only then is it viewed as T.
  const T* first = reinterpret_cast<const T*>(payload_.data());  // NOLINT: validated above
  return std::span<const T>(first, static_cast<size_t>(info_.count));
}

}  // namespace npyguard
