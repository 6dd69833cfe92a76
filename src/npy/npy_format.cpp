// SPDX-License-Identifier: Apache-2.0
// Preamble parsing and header interpretation for .npy. Input: untrusted bytes; output: a
// validated Preamble / NpyInfo. The order follows "size everything first": version, header length
// against the limit, grammar, dtype, then shape x itemsize with checked arithmetic against the
// limits, all before any payload byte is looked at or any buffer is sized.
#include "npy/npy_format.h"

#include <limits>
#include <utility>
#include <vector>

#include "base/checked_math.h"
#include "base/utf8.h"
#include "npy/dtype_literal.h"
#include "npy/header_fast_path.h"

namespace npyguard::detail {
namespace {

Error error_at(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

// An error whose detail names what was found and the bound it broke ({expected} or {limit}).
Error error_at(ErrorCode code, uint64_t offset, const char* detail, uint64_t found,
               uint64_t bound) {
  return Error{.code = code, .offset = offset, .detail = detail, .found = found, .bound = bound};
}

}  // namespace

Result<Preamble> parse_preamble(ByteReader& reader, const Limits& limits) {
  for (size_t i = 0; i < kNpyMagic.size(); ++i) {
    uint8_t byte = 0;
    if (!reader.read_u8(byte)) {
      return error_at(ErrorCode::TruncatedPreamble, reader.position(),
                      "input ends inside the magic string");
    }
    if (byte != kNpyMagic[i]) {
      return error_at(ErrorCode::BadMagic, i, "the file does not start with \\x93NUMPY");
    }
  }
  Preamble preamble;
  if (!reader.read_u8(preamble.major) || !reader.read_u8(preamble.minor)) {
    return error_at(ErrorCode::TruncatedPreamble, reader.position(),
                    "input ends inside the version bytes");
  }
  const bool known = preamble.minor == 0 && preamble.major >= 1 && preamble.major <= 3;
  if (!known) {
    return error_at(ErrorCode::UnsupportedVersion, kNpyMagic.size(),
                    "the file says version {found}.{minor}", preamble.major, preamble.minor);
  }
  if (preamble.major == 1) {
    uint16_t length = 0;
    if (!reader.read_u16le(length)) {
      return error_at(ErrorCode::TruncatedPreamble, reader.position(),
                      "input ends inside the header length");
    }
    preamble.header_length = length;
  } else {
    uint32_t length = 0;
    if (!reader.read_u32le(length)) {
      return error_at(ErrorCode::TruncatedPreamble, reader.position(),
                      "input ends inside the header length");
    }
    preamble.header_length = length;
  }
  preamble.header_offset = reader.position();
  preamble.encoding = preamble.major == 3 ? HeaderEncoding::Utf8 : HeaderEncoding::Latin1;

  if (preamble.header_length > limits.max_header_bytes) {
    return error_at(ErrorCode::HeaderTooLarge, kNpyMagic.size() + 2,
                    "the header is {found} bytes; max_header_bytes is {limit}",
                    preamble.header_length, limits.max_header_bytes);
  }
  // A latin-1 header has one character per byte, so NumPy's character count is known now; a
  // UTF-8 one is counted once it has been read (interpret_header).
  if (preamble.encoding == HeaderEncoding::Latin1 &&
      preamble.header_length > limits.max_header_chars) {
    return error_at(ErrorCode::HeaderTooLarge, kNpyMagic.size() + 2,
                    "the header is {found} characters (latin-1: one per byte); "
                    "max_header_chars is {limit}",
                    preamble.header_length, limits.max_header_chars);
  }
  const auto payload_offset = checked_add(preamble.header_offset, preamble.header_length);
  if (limits.strict_alignment && (!payload_offset || *payload_offset % kNpyAlignment != 0)) {
    return error_at(ErrorCode::UnalignedHeader, kNpyMagic.size() + 2,
                    "payload does not start on a 64-byte boundary");
  }
  return preamble;
}

Result<NpyInfo> interpret_header(const Preamble& preamble, std::span<const std::byte> header_text,
                                 const Limits& limits) {
  if (preamble.encoding == HeaderEncoding::Utf8) {
    const uint64_t chars = utf8_char_count(header_text);
    if (chars > limits.max_header_chars) {
      return error_at(ErrorCode::HeaderTooLarge, kNpyMagic.size() + 2,
                      "the header is {found} characters; max_header_chars is {limit} (NumPy's "
                      "max_header_size counts decoded characters)",
                      chars, limits.max_header_chars);
    }
  }
  NPYGUARD_ASSIGN_OR_RETURN(
      HeaderFields fields,
      parse_header_text(header_text, preamble.header_offset, preamble.encoding, limits));
  // The header fast path builds simple records itself; everything else is built here.
  NPYGUARD_ASSIGN_OR_RETURN(DType dtype, fields.dtype ? Result<DType>(std::move(*fields.dtype))
                                                      : dtype_from_literal(fields.descr, limits));

  const uint64_t descr_offset = fields.descr.offset;
  if (dtype.kind == DTypeKind::Structured && !limits.allow_structured) {
    return error_at(ErrorCode::StructuredNotAllowed, descr_offset,
                    "structured dtype refused by allow_structured=false");
  }
  if (!limits.allow_big_endian && dtype.has_big_endian()) {
    return error_at(ErrorCode::BigEndianNotAllowed, descr_offset,
                    "big-endian data refused by allow_big_endian=false");
  }
  if (fields.fortran_order && !limits.allow_fortran_order) {
    return error_at(ErrorCode::FortranOrderNotAllowed, preamble.header_offset,
                    "Fortran order refused by allow_fortran_order=false");
  }

  NpyInfo info;
  info.version_major = preamble.major;
  info.version_minor = preamble.minor;
  info.header_length = preamble.header_length;
  auto payload_offset = checked_add(preamble.header_offset, preamble.header_length);
  auto count = checked_product(fields.shape);
  // NumPy counts elements in npy_intp (int64); a count beyond it cannot be an array.
  if (!payload_offset || !count ||
      *count > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return error_at(ErrorCode::SizeOverflow, fields.shape_offset, "element count overflows int64");
  }
  auto nbytes = checked_mul(*count, dtype.itemsize);
  // An empty array is no excuse either: like NumPy, the non-zero dimensions times the itemsize
  // must fit, so (0, 2^62) of '<i4' is refused as NumPy refuses it.
  std::vector<uint64_t> nonzero_dims;
  for (uint64_t dim : fields.shape) {
    if (dim != 0) nonzero_dims.push_back(dim);
  }
  const auto nonzero_count = checked_product(nonzero_dims);
  const auto nonzero_bytes =
      nonzero_count ? checked_mul(*nonzero_count, dtype.itemsize) : std::nullopt;
  constexpr auto kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!nbytes || *nbytes > kInt64Max || !nonzero_bytes || *nonzero_bytes > kInt64Max) {
    return error_at(ErrorCode::SizeOverflow, fields.shape_offset,
                    "shape x itemsize overflows int64");
  }
  // np.load then gives the data its shape (reversed for Fortran order) multiplying the
  // dimensions in that order with an int64 overflow check that a later 0 does not undo: for a
  // type of size 0, (3, 2^62, 0) is refused there and (0, 3, 2^62) is not. (With an item size
  // of 1 or more the check above is stricter.)
  uint64_t reshaped = 1;
  for (size_t i = 0; i < fields.shape.size() && reshaped != 0; ++i) {
    const uint64_t dim = fields.shape[fields.fortran_order ? fields.shape.size() - 1 - i : i];
    const auto product = checked_mul(reshaped, dim);
    if (!product || *product > kInt64Max) {
      return error_at(ErrorCode::SizeOverflow, fields.shape_offset,
                      "dimensions before the first 0 multiply past int64 (NumPy's reshape "
                      "refuses it even for an empty array)");
    }
    reshaped = *product;
  }
  if (*nbytes > limits.max_array_bytes) {
    return error_at(ErrorCode::ArrayTooLarge, fields.shape_offset,
                    "the header declares {found} bytes; max_array_bytes is {limit}", *nbytes,
                    limits.max_array_bytes);
  }
  // Elements of a type of size 0 (|S0, |V0, a record without fields) cost nothing to send and
  // everything to iterate, so each one counts as one byte against the same limit.
  if (*count > limits.max_array_bytes) {
    return error_at(ErrorCode::ArrayTooLarge, fields.shape_offset,
                    "the header declares {found} elements, each counted as at least one byte; "
                    "max_array_bytes is {limit}",
                    *count, limits.max_array_bytes);
  }
  info.dtype = std::move(dtype);
  info.shape = std::move(fields.shape);
  info.fortran_order = fields.fortran_order;
  info.count = *count;
  info.nbytes = *nbytes;
  info.payload_offset = *payload_offset;
  return info;
}

}  // namespace npyguard::detail
