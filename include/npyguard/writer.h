// SPDX-License-Identifier: Apache-2.0
// Writing .npy files and .npz archives: headers byte-identical to NumPy's np.save, ZIP archives
// readable by NumPy, unzip and npyguard's own strict reader, and atomic file replacement (a failed
// write leaves the target untouched and no temporary file behind).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "npyguard/dtype.h"
#include "npyguard/export.h"
#include "npyguard/limits.h"
#include "npyguard/npy.h"
#include "npyguard/result.h"

namespace npyguard {

// What to write: a dtype, a shape, an element order, and the payload in that order
// (count x itemsize bytes). Nothing is copied; the referenced data must outlive the call.
struct ArrayRef {
  const DType* dtype = nullptr;
  std::span<const uint64_t> shape;
  bool fortran_order = false;
  std::span<const std::byte> bytes;
};

// The view of an Array to write it back.
NPYGUARD_EXPORT ArrayRef array_ref(const Array& array) noexcept;

// Preamble and header exactly as NumPy >= 1.24 writes them: format 1.0 unless the header needs
// 2.0 (longer than 65,535 bytes) or 3.0 (field names that are not latin-1); keys sorted; spare
// spaces for the growth axis; padded with spaces so the data starts on a 64-byte boundary; '\n'.
NPYGUARD_EXPORT Result<std::vector<std::byte>> encode_npy_header(const DType& dtype,
                                                                 std::span<const uint64_t> shape,
                                                                 bool fortran_order);
// A whole .npy file in memory.
NPYGUARD_EXPORT Result<std::vector<std::byte>> encode_npy(const ArrayRef& array);
// Writes a .npy file atomically: a temporary file in the target's directory, flushed with fsync,
// then renamed over the target. A new file gets mode 0666 minus the umask; a replaced regular
// file keeps its permission bits (the same holds for the .npz writers).
NPYGUARD_EXPORT Status write_npy_file(const std::string& path, const ArrayRef& array);
// The same, but the finished file is first read back with the reader under `verify_with` (what
// `check` would say about it): a file the reader refuses never replaces the target, and the
// result is output_rejected with the reader's detail, offset and member. The canonical header
// can be longer than the input's (NumPy escapes bytes such as U+00A0 in field names as \xa0).
NPYGUARD_EXPORT Status write_npy_file(const std::string& path, const ArrayRef& array,
                                      const Limits& verify_with);

enum class NpzCompression : uint8_t {
  Stored,   // like numpy.savez
  Deflate,  // like numpy.savez_compressed
};

struct NpzWriteMember {
  std::string key;  // the NumPy key; the member is written as "<key>.npy"
  ArrayRef array;
};

struct NpzWriteOptions {
  NpzCompression compression = NpzCompression::Stored;
  int level = 6;  // zlib level 1..9 for Deflate (numpy.savez_compressed uses zlib's default, 6)
  // ZIP64 records for every member and the end of the directory even where 32-bit fields would
  // do (like Python's zipfile force_zip64=True): for consumers that expect them, and for testing
  // readers' ZIP64 paths without writing 4 GiB.
  bool force_zip64 = false;
  // For the file writers: when set, the finished archive is opened and every member validated
  // under these limits before it replaces the target; refused: output_rejected, as for
  // write_npy_file's verify_with.
  std::optional<Limits> verify_with;
};

// An .npz archive in memory / written atomically to a file. ZIP64 records are written where sizes
// or offsets need them. Keys must be safe member names (what the reader accepts) and unique.
NPYGUARD_EXPORT Result<std::vector<std::byte>> encode_npz(std::span<const NpzWriteMember> members,
                                                          const NpzWriteOptions& options = {});
NPYGUARD_EXPORT Status write_npz_file(const std::string& path,
                                      std::span<const NpzWriteMember> members,
                                      const NpzWriteOptions& options = {});

// Writes an .npz one member at a time (only one member's data needs to be in memory), atomically:
// nothing appears under `path` until commit() succeeds. The first add() or commit() that fails
// makes the writer failed for good: every later add() and commit() returns writer_failed and the
// target is never written (the temporary file may hold part of the refused member).
class NPYGUARD_EXPORT NpzFileWriter {
 public:
  static Result<NpzFileWriter> create(const std::string& path, const NpzWriteOptions& options = {});
  NpzFileWriter(NpzFileWriter&&) noexcept;
  NpzFileWriter& operator=(NpzFileWriter&&) noexcept;
  ~NpzFileWriter();
  Status add(const NpzWriteMember& member);
  Status commit();

  struct State;

 private:
  explicit NpzFileWriter(std::unique_ptr<State> state) noexcept;
  std::unique_ptr<State> state_;
};

}  // namespace npyguard
