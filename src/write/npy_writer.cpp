// SPDX-License-Identifier: Apache-2.0
// The .npy writer: canonical headers byte-identical to NumPy's np.save (format 1.0 when the
// header fits, 2.0 when it does not, 3.0 for text latin-1 cannot hold), payload as given, atomic
// files. Formatting never depends on the locale: numbers are written with std::to_chars.
#include <array>
#include <charconv>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "base/byte_writer.h"
#include "base/utf8.h"
#include "io/atomic_file.h"
#include "npy/npy_format.h"
#include "npyguard/writer.h"
#include "write/write_common.h"

namespace npyguard {
namespace {

using detail::checked_nbytes;
using detail::output_rejected;
using detail::write_npy_to;
using detail::writer_error;

// numpy/lib/format.py: GROWTH_AXIS_MAX_DIGITS. NumPy >= 1.24 leaves room for the growth axis
// (axis 0, or the last axis in Fortran order) to reach 21 digits without moving the data.
constexpr size_t kGrowthAxisMaxDigits = 21;
// Largest header length field of a 1.0 file (u16).
constexpr uint64_t kMaxVersion1HeaderLength = 0xFFFF;

std::string decimal(uint64_t value) {
  std::array<char, 24> text{};
  const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
  return std::string(text.data(), result.ptr);
}

// Python's repr of a tuple of ints: "()", "(3,)", "(3, 4)".
std::string shape_repr(std::span<const uint64_t> shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += decimal(shape[i]);
  }
  if (shape.size() == 1) out += ',';
  out += ')';
  return out;
}

// The rules a caller-built DType must follow are the reader's: the descr it prints must parse
// back to this very dtype. One comparison covers offsets and sizes (overlapping, out-of-record
// and unsorted fields), names and titles, kinds and item sizes, subarrays and object, with no
// second copy of the rules to drift. The dtype limits are lifted (a writer may make records a
// default reader would refuse as too big; the reader's limits decide at read time).
Status check_caller_dtype(const DType& dtype) {
  Limits permissive = Limits::trusted_local_files();
  permissive.max_dtype_depth = std::numeric_limits<uint32_t>::max();
  permissive.max_fields = std::numeric_limits<uint32_t>::max();
  permissive.max_header_chars = std::numeric_limits<uint64_t>::max();
  permissive.max_header_bytes = std::numeric_limits<uint64_t>::max();
  const Result<DType> reread = parse_descr(dtype.descr(), permissive);
  if (!reread.ok() && reread.error().code == ErrorCode::ObjectDtype) return reread.error();
  if (!reread.ok() || !(*reread == dtype)) {
    return writer_error(ErrorCode::InvalidDtype,
                        "the dtype would not be read back as the same dtype (check field offsets, "
                        "sizes, names and kinds)");
  }
  return ok_status();
}

}  // namespace

ArrayRef array_ref(const Array& array) noexcept {
  return ArrayRef{.dtype = &array.dtype(),
                  .shape = array.shape(),
                  .fortran_order = array.fortran_order(),
                  .bytes = array.bytes()};
}

Result<std::vector<std::byte>> encode_npy_header(const DType& dtype,
                                                 std::span<const uint64_t> shape,
                                                 bool fortran_order) {
  try {
    NPYGUARD_TRY(check_caller_dtype(dtype));
    std::string text = "{'descr': " + dtype.descr() +
                       ", 'fortran_order': " + (fortran_order ? "True" : "False") +
                       ", 'shape': " + shape_repr(shape) + ", }";
    if (!shape.empty()) {
      const size_t digits = decimal(shape[fortran_order ? shape.size() - 1 : 0]).size();
      text.append(kGrowthAxisMaxDigits - digits, ' ');
    }
    const std::optional<std::string> latin1 = detail::utf8_to_latin1(text);
    const std::string& encoded = latin1 ? *latin1 : text;
    // NumPy's _wrap_header: pad so preamble + header (with its final '\n') is a multiple of 64.
    auto framed_length = [&](size_t preamble) {
      const uint64_t hlen = encoded.size() + 1;
      const uint64_t padding = detail::kNpyAlignment - ((preamble + hlen) % detail::kNpyAlignment);
      return hlen + padding;
    };
    uint8_t major = 3;
    size_t preamble = detail::kPreambleSizeV2;
    if (latin1 && framed_length(detail::kPreambleSizeV1) <= kMaxVersion1HeaderLength) {
      major = 1;
      preamble = detail::kPreambleSizeV1;
    } else if (latin1) {
      major = 2;
    }
    const uint64_t header_length = framed_length(preamble);
    if (header_length > 0xFFFFFFFFu) {
      return writer_error(ErrorCode::HeaderTooLarge, "header longer than 4 GiB");
    }
    std::vector<std::byte> out;
    out.reserve(preamble + header_length);
    for (uint8_t byte : detail::kNpyMagic) out.push_back(static_cast<std::byte>(byte));
    out.push_back(static_cast<std::byte>(major));
    out.push_back(std::byte{0});
    detail::append_le(out, header_length, major == 1 ? 2 : 4);
    const auto text_bytes = detail::text_bytes(encoded);
    out.insert(out.end(), text_bytes.begin(), text_bytes.end());
    out.insert(out.end(), header_length - encoded.size() - 1, std::byte{' '});
    out.push_back(std::byte{'\n'});
    return out;
  } catch (const std::bad_alloc&) {
    return writer_error(ErrorCode::OutOfMemory, "allocating the header failed");
  }
}

Result<std::vector<std::byte>> encode_npy(const ArrayRef& array) {
  detail::VectorSink sink;
  NPYGUARD_TRY(write_npy_to(sink, array));
  return std::move(sink.bytes());
}

Status write_npy_file(const std::string& path, const ArrayRef& array) {
  NPYGUARD_TRY(checked_nbytes(array));
  NPYGUARD_ASSIGN_OR_RETURN(detail::AtomicFile file, detail::AtomicFile::create(path));
  NPYGUARD_TRY(write_npy_to(file, array));
  return file.commit();
}

Status write_npy_file(const std::string& path, const ArrayRef& array, const Limits& verify_with) {
  NPYGUARD_TRY(verify_with.validate());
  NPYGUARD_TRY(checked_nbytes(array));
  NPYGUARD_ASSIGN_OR_RETURN(detail::AtomicFile file, detail::AtomicFile::create(path));
  NPYGUARD_TRY(write_npy_to(file, array));
  const Result<NpyInfo> reread = validate_npy_file(file.temp_path(), verify_with);
  if (!reread.ok()) return output_rejected(reread.error());
  return file.commit();
}

}  // namespace npyguard
