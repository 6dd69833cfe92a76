// SPDX-License-Identifier: Apache-2.0
// The npy reader on hostile files crafted byte by byte: each framing, layout, payload and limit
// rule produces its exact code and offset, through every entry point (memory, stream, validate).
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "npy/payload_scan.h"
#include "npyguard/npy.h"
#include "npyguard/npz.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;
using namespace std::string_view_literals;

namespace {

Error error_of(const Bytes& file, const Limits& limits = {}) {
  auto result = read_npy(file, limits);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

// The same verdict must come from memory, stream loading and stream/memory validation.
ErrorCode code_everywhere(const Bytes& file, const Limits& limits = {}) {
  const Error memory = error_of(file, limits);
  std::string text(reinterpret_cast<const char*>(file.data()), file.size());
  std::istringstream in1(text);
  IstreamInputStream stream1(in1);
  auto streamed = read_npy_stream(stream1, limits);
  REQUIRE_FALSE(streamed.ok());
  CHECK(streamed.error().code == memory.code);
  std::istringstream in2(text);
  IstreamInputStream stream2(in2);
  auto validated = validate_npy_stream(stream2, limits);
  REQUIRE_FALSE(validated.ok());
  CHECK(validated.error().code == memory.code);
  auto validated_memory = validate_npy(file, limits);
  REQUIRE_FALSE(validated_memory.ok());
  CHECK(validated_memory.error().code == memory.code);
  // And from a file: mapped, read with pread (which knows the size up front), validated.
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("npyguard_everywhere_" + std::to_string(::getpid()) + ".npy"))
                               .string();
  std::ofstream(path, std::ios::binary)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
  const auto mapped = read_npy_file(path, limits, FileAccess::Mmap);
  const auto pread = read_npy_file(path, limits, FileAccess::Pread);
  const auto validated_file = validate_npy_file(path, limits);
  std::filesystem::remove(path);
  REQUIRE_FALSE(mapped.ok());
  REQUIRE_FALSE(pread.ok());
  REQUIRE_FALSE(validated_file.ok());
  CHECK(mapped.error().code == memory.code);
  CHECK(pread.error().code == memory.code);
  CHECK(validated_file.error().code == memory.code);
  CHECK(pread.error().offset == memory.offset);
  return memory.code;
}

Bytes f8_file(std::string_view shape, size_t payload_bytes) {
  return npy_file(simple_dict("'<f8'", shape), zeros(payload_bytes));
}

}  // namespace

TEST_CASE("magic and version", "[npy_reader]") {
  CHECK(code_everywhere(Bytes{}) == ErrorCode::TruncatedPreamble);
  CHECK(code_everywhere(bytes_of("\x93NUM")) == ErrorCode::TruncatedPreamble);
  CHECK(code_everywhere(bytes_of("PK\x03\x04 this is a zip")) == ErrorCode::BadMagic);
  CHECK(code_everywhere(bytes_of("\x93NUMPX\x01\x00"sv)) == ErrorCode::BadMagic);
  CHECK(code_everywhere(bytes_of("\x93NUMPY\x01")) == ErrorCode::TruncatedPreamble);
  CHECK(code_everywhere(bytes_of("\x93NUMPY\x01\x00\x10"sv)) == ErrorCode::TruncatedPreamble);
  CHECK(code_everywhere(bytes_of("\x93NUMPY\x02\x00\x10\x00\x00"sv)) ==
        ErrorCode::TruncatedPreamble);
  for (std::string_view version :
       {"\x01\x01"sv, "\x00\x00"sv, "\x04\x00"sv, "\x02\x01"sv, "\xff\xff"sv}) {
    Bytes file = bytes_of("\x93NUMPY");
    append(file, version);
    append(file, "\x10\x00\x00\x00"sv);
    const Error error = error_of(file);
    CHECK(error.code == ErrorCode::UnsupportedVersion);
    CHECK(error.offset == 6);
  }
}

TEST_CASE("versions 1.0, 2.0 and 3.0 frame the same array", "[npy_reader]") {
  for (int major : {1, 2, 3}) {
    auto result = read_npy(npy_file(simple_dict("'<f8'", "(2,)"), zeros(16), major));
    REQUIRE(result.ok());
    CHECK(result->info().version_major == major);
    CHECK(result->info().payload_offset % 64 == 0);
    CHECK(result->nbytes() == 16);
  }
}

TEST_CASE("header length beyond the input", "[npy_reader]") {
  Bytes file = npy_raw("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}\n");
  file.resize(file.size() - 5);
  CHECK(code_everywhere(file) == ErrorCode::TruncatedHeader);
  CHECK(error_of(file).offset == file.size());
}

TEST_CASE("payload must be complete and nothing may follow it", "[npy_reader]") {
  const Bytes short_file = f8_file("(3,)", 23);
  CHECK(code_everywhere(short_file) == ErrorCode::PayloadTruncated);
  CHECK(error_of(short_file).offset == short_file.size());
  const Bytes long_file = f8_file("(3,)", 25);
  CHECK(code_everywhere(long_file) == ErrorCode::TrailingData);
  CHECK(error_of(long_file).offset == payload_start(long_file) + 24);
  Limits allow;
  allow.allow_trailing_data = true;
  auto accepted = read_npy(long_file, allow);
  REQUIRE(accepted.ok());
  CHECK(accepted->nbytes() == 24);
  REQUIRE(read_npy(f8_file("(3,)", 24)).ok());
}

TEST_CASE("errors say what was found and what was expected or allowed", "[npy_reader]") {
  // The same numbers from every path that knows them (streams cannot count trailing bytes).
  const Bytes short_file = f8_file("(12,)", 86);
  const std::string expected_short = "expected 96 payload bytes, found 86";
  CHECK(render_detail(error_of(short_file)) == expected_short);
  std::string text(reinterpret_cast<const char*>(short_file.data()), short_file.size());
  std::istringstream in(text);
  IstreamInputStream stream(in);
  CHECK(render_detail(validate_npy_stream(stream).error()) == expected_short);
  std::istringstream in2(text);
  IstreamInputStream stream2(in2);
  CHECK(render_detail(read_npy_stream(stream2).error()) == expected_short);
  const ErrorFacts facts = error_facts(error_of(short_file));
  CHECK(facts.found == 86u);
  CHECK(facts.expected == 96u);
  CHECK_FALSE(facts.limit.has_value());

  CHECK(render_detail(error_of(f8_file("(3,)", 29))) == "bytes after the payload: 5");
  CHECK(error_facts(error_of(f8_file("(3,)", 29))).found == 5u);

  Bytes version = bytes_of("\x93NUMPY\x09\x00\x10\x00"sv);
  CHECK(describe(error_of(version)) ==
        "unsupported_version: unsupported .npy format version (only 1.0, 2.0 and 3.0 exist): "
        "the file says version 9.0 (offset 6)");

  Limits small;
  small.max_array_bytes = 16;
  const Error too_large = error_of(f8_file("(3,)", 24), small);
  CHECK(render_detail(too_large) == "the header declares 24 bytes; max_array_bytes is 16");
  CHECK(error_facts(too_large).found == 24u);
  CHECK(error_facts(too_large).limit == 16u);

  small = Limits{};
  small.max_header_bytes = 100;
  const Bytes wide = npy_file(simple_dict("'<f8'", "(3,)") + std::string(100, ' '), zeros(24));
  const Error header = error_of(wide, small);
  CHECK(header.code == ErrorCode::HeaderTooLarge);
  CHECK(error_facts(header).found == payload_start(wide) - 10);
  CHECK(error_facts(header).limit == 100u);

  small = Limits{};
  small.max_ndim = 2;
  const Error ndim = error_of(f8_file("(1, 1, 1)", 8), small);
  CHECK(render_detail(ndim) == "the shape has 3 dimensions; max_ndim is 2");
}

TEST_CASE("a tiny file claiming a huge shape is refused before any allocation", "[npy_reader]") {
  // 1 TiB claimed by a 1 KiB file: the default limit refuses it outright.
  const Bytes file = f8_file("(137438953472,)", 1024 - 64);
  CHECK(code_everywhere(file) == ErrorCode::ArrayTooLarge);
  // With the limit lifted the reader must still not allocate: it finds the payload missing
  // (an allocation of 1 TiB would have failed as out_of_memory instead).
  Limits unlimited;
  unlimited.max_array_bytes = UINT64_MAX;
  CHECK(code_everywhere(file, unlimited) == ErrorCode::PayloadTruncated);
  Limits small;
  small.max_array_bytes = 16;
  CHECK(code_everywhere(f8_file("(3,)", 24), small) == ErrorCode::ArrayTooLarge);
}

TEST_CASE("shape arithmetic overflows are refused", "[npy_reader]") {
  CHECK(code_everywhere(f8_file("(1099511627776, 1099511627776)", 0)) == ErrorCode::SizeOverflow);
  CHECK(code_everywhere(f8_file("(4611686018427387904, 4)", 0)) == ErrorCode::SizeOverflow);
  // Element counts beyond int64 are refused even when the payload is empty.
  CHECK(code_everywhere(npy_file(simple_dict("'|S0'", "(4611686018427387904, 4)"))) ==
        ErrorCode::SizeOverflow);
  // Nor an overflow of the other dimensions times the itemsize (NumPy refuses this one too).
  CHECK(code_everywhere(npy_file(simple_dict("'<i4'", "(0, 4611686018427387904)"))) ==
        ErrorCode::SizeOverflow);
  // A zero dimension does not excuse an overflowing product of the others.
  CHECK(code_everywhere(f8_file("(0, 4294967296, 4294967296)", 0)) == ErrorCode::SizeOverflow);
  // 10^12 zero-size elements cost 128 bytes to send: by default every element counts one byte
  // against max_array_bytes (issue 12's element-count bomb), so they are refused...
  const Bytes bomb = npy_file(simple_dict("'|S0'", "(1000000000000,)"));
  CHECK(code_everywhere(bomb) == ErrorCode::ArrayTooLarge);
  // ...and with a limit that admits them, reading them is instant.
  Limits roomy;
  roomy.max_array_bytes = uint64_t{1} << 40;
  auto empty_items = read_npy(bomb, roomy);
  REQUIRE(empty_items.ok());
  CHECK(empty_items->count() == 1000000000000u);
  CHECK(empty_items->nbytes() == 0);
}

TEST_CASE("bool payloads must hold 0 or 1", "[npy_reader]") {
  Bytes payload = bytes_of(std::string("\x00\x01\x01\x00\x02\x01", 6));
  const Bytes file = npy_file(simple_dict("'|b1'", "(6,)"), payload);
  CHECK(code_everywhere(file) == ErrorCode::InvalidBool);
  CHECK(error_of(file).offset == payload_start(file) + 4);
  Limits normalize;
  normalize.normalize_bool = true;
  auto fixed = read_npy(file, normalize);
  REQUIRE(fixed.ok());
  auto values = fixed->values<bool>();
  REQUIRE(values.ok());
  CHECK(std::vector<bool>(values->begin(), values->end()) ==
        std::vector<bool>{false, true, true, false, true, true});
  // The caller's buffer is untouched by normalisation.
  CHECK(file[payload_start(file) + 4] == std::byte{2});

  // A bool inside a record, after a 4-byte field, in the second element.
  Bytes record_payload = zeros(10);
  record_payload[5 + 4] = std::byte{7};
  const Bytes record =
      npy_file(simple_dict("[('a', '<i4'), ('flag', '|b1')]", "(2,)"), record_payload);
  CHECK(code_everywhere(record) == ErrorCode::InvalidBool);
  CHECK(error_of(record).offset == payload_start(record) + 9);
  // A bool subarray inside a subarray of records.
  Bytes nested_payload = zeros(2 * 3 * 2);
  nested_payload[11] = std::byte{0xff};
  const Bytes nested =
      npy_file(simple_dict("[('r', [('f', '|b1', (2,))], (3,))]", "(2,)"), nested_payload);
  CHECK(code_everywhere(nested) == ErrorCode::InvalidBool);
  CHECK(error_of(nested).offset == payload_start(nested) + 11);
}

TEST_CASE("records with more separate bool runs than the scan plan holds", "[npy_reader]") {
  // 5,000 records of (bool, pad) inside each element: 5,000 runs that do not merge, more than
  // the scanner plans (4,096), so it walks the dtype tree for every element instead.
  const std::string dict = simple_dict("[('r', [('b', '|b1'), ('pad', '|V1')], (5000,))]", "(2,)");
  Bytes payload = zeros(2 * 5000 * 2);
  for (size_t i = 0; i < payload.size(); i += 2) payload[i] = std::byte{1};
  CHECK(read_npy(npy_file(dict, payload)).ok());
  payload[10000 + 2 * 4321] = std::byte{3};
  payload[10000 + 2 * 4321 + 1] = std::byte{9};  // padding bytes are not bools
  const Bytes bad = npy_file(dict, payload);
  CHECK(code_everywhere(bad) == ErrorCode::InvalidBool);
  CHECK(error_of(bad).offset == payload_start(bad) + 10000 + 2 * 4321);
  Limits normalize;
  normalize.normalize_bool = true;
  auto fixed = read_npy(bad, normalize);
  REQUIRE(fixed.ok());
  const auto fixed_bytes = fixed->bytes();
  CHECK(fixed_bytes[10000 + 2 * 4321] == std::byte{1});
  CHECK(fixed_bytes[10000 + 2 * 4321 + 1] == std::byte{9});
}

// Issue 11: the scan planner used to expand every subarray element of a record, so a 128-byte
// header could make it loop 2^31 times (and 2^31 x 381 with zero-size fields) before a
// zero-element array was accepted. Its work must now be bounded by the header.
namespace {

// "[('a', [('c', '|b1'), ('z0', '|b1', (0,)), ...], (count,))]" with `zero_fields` zero-size
// bool fields in the inner record, and `tail` appended to the inner record's field list.
std::string subarray_of_bools(uint64_t count, int zero_fields, std::string_view tail = "") {
  std::string inner = "('c', '|b1')";
  for (int i = 0; i < zero_fields; ++i) inner += ", ('z" + std::to_string(i) + "', '|b1', (0,))";
  inner += tail;
  return "[('a', [" + inner + "], (" + std::to_string(count) + ",))]";
}

DType parsed_descr(const std::string& descr) {
  auto dtype = parse_descr(descr, Limits{});
  REQUIRE(dtype.ok());
  return *dtype;
}

}  // namespace

TEST_CASE("scan planning is bounded by the header, not by subarray counts", "[npy_reader]") {
  const std::string huge = subarray_of_bools(2147483647, 0);
  const std::string many_zero = subarray_of_bools(2147483647, 380);
  for (const std::string& descr : {huge, many_zero}) {
    const DType dtype = parsed_descr(descr);
    const detail::PayloadScanner scanner(dtype);
    CHECK(scanner.needed());
    CHECK(scanner.planned());
    CHECK(scanner.plan_runs() == 1);  // the whole item is one run of bools
    CHECK(scanner.build_steps() < 1000);
    // Shape (0,): nothing to scan, accepted everywhere.
    const Bytes file = npy_file(simple_dict(descr, "(0,)"));
    CHECK(read_npy(file).ok());
    CHECK(validate_npy(file).ok());
  }
  // Only zero-size fields hold bools: nothing needs scanning at all.
  const DType empty_bools = parsed_descr(
      "[('a', [('z', '|b1', (0,)), ('p', '|V1')], (2147483647,)), ('u', [('w', '<U0')], (9,))]");
  const detail::PayloadScanner nothing(empty_bools);
  CHECK_FALSE(nothing.needed());
  CHECK(nothing.build_steps() < 1000);
  // Records that are not one run (a pad byte after the bool) cannot collapse; planning stops
  // after a bounded number of visits and the scan walks each item instead.
  const DType padded = parsed_descr(subarray_of_bools(2147483646 / 2, 380, ", ('p', '|V1')"));
  const detail::PayloadScanner walker(padded);
  CHECK(walker.needed());
  CHECK_FALSE(walker.planned());
  CHECK(walker.build_steps() <= 400 + detail::kMaxScanPlanVisits + 1);
}

TEST_CASE("bools in nested subarrays with zero-size fields are still scanned", "[npy_reader]") {
  // Collapsed to one run per item: 3,000 records of (bool, 50 zero-size bools) in each element.
  const std::string dense = simple_dict(subarray_of_bools(3000, 50), "(2,)");
  Bytes payload = zeros(2 * 3000);
  for (size_t i = 0; i < payload.size(); i += 3) payload[i] = std::byte{1};
  CHECK(read_npy(npy_file(dense, payload)).ok());
  payload[3000 + 1234] = std::byte{2};
  const Bytes bad = npy_file(dense, payload);
  CHECK(code_everywhere(bad) == ErrorCode::InvalidBool);
  CHECK(error_of(bad).offset == payload_start(bad) + 3000 + 1234);

  // Not collapsible (a pad byte per record) and more records than the plan holds: walked per
  // item, same code and offset, padding never checked.
  const std::string padded = simple_dict(subarray_of_bools(5000, 50, ", ('p', '|V1')"), "(2,)");
  const DType padded_dtype = parsed_descr(subarray_of_bools(5000, 50, ", ('p', '|V1')"));
  const detail::PayloadScanner walker(padded_dtype);
  CHECK_FALSE(walker.planned());
  CHECK(walker.build_steps() < 60 + detail::kMaxScanPlanVisits + 1);
  Bytes padded_payload = zeros(2 * 5000 * 2);
  for (size_t i = 1; i < padded_payload.size(); i += 2) padded_payload[i] = std::byte{0xAB};
  CHECK(read_npy(npy_file(padded, padded_payload)).ok());
  padded_payload[10000 + 2 * 4321] = std::byte{0x80};
  const Bytes padded_bad = npy_file(padded, padded_payload);
  CHECK(code_everywhere(padded_bad) == ErrorCode::InvalidBool);
  CHECK(error_of(padded_bad).offset == payload_start(padded_bad) + 10000 + 2 * 4321);

  // A small nested record that mixes bools, U and zero-size fields keeps its exact plan.
  const std::string mixed_descr =
      "[('r', [('f', '|b1', (2,)), ('z', '|b1', (0,)), ('s', '>U1')], (3,)), ('t', '|b1')]";
  const detail::PayloadScanner mixed(parsed_descr(mixed_descr));
  CHECK(mixed.planned());
  CHECK(mixed.plan_runs() == 7);  // 3 x (bools, U) then the last bool
  Bytes mixed_payload = zeros(2 * 19);
  mixed_payload[19 + 2 * 6 + 2 + 1] = std::byte{0xD8};  // '>U1' 0x00D80000: above U+10FFFF
  const Bytes mixed_bad = npy_file(simple_dict(mixed_descr, "(2,)"), mixed_payload);
  CHECK(code_everywhere(mixed_bad) == ErrorCode::InvalidUnicode);
  CHECK(error_of(mixed_bad).offset == payload_start(mixed_bad) + 19 + 2 * 6 + 2);
}

TEST_CASE("U strings must hold Unicode scalar values", "[npy_reader]") {
  auto u32_file = [](std::string_view descr, uint32_t value, bool big) {
    Bytes payload;
    for (int i = 0; i < 4; ++i) {
      const int shift = big ? 8 * (3 - i) : 8 * i;
      payload.push_back(static_cast<std::byte>((value >> shift) & 0xFF));
    }
    return npy_file(simple_dict(descr, "(1,)"), payload);
  };
  CHECK(read_npy(u32_file("'<U1'", 0x1F600, false)).ok());
  CHECK(read_npy(u32_file("'>U1'", 0x1F600, true)).ok());
  CHECK(code_everywhere(u32_file("'<U1'", 0x110000, false)) == ErrorCode::InvalidUnicode);
  CHECK(code_everywhere(u32_file("'<U1'", 0xD800, false)) == ErrorCode::InvalidUnicode);
  CHECK(code_everywhere(u32_file("'>U1'", 0xDFFF, true)) == ErrorCode::InvalidUnicode);
  // Read with the wrong byte order, a valid code point becomes invalid.
  CHECK(code_everywhere(u32_file("'>U1'", 0x1F600, false)) == ErrorCode::InvalidUnicode);
  Limits lenient;
  lenient.allow_invalid_unicode = true;
  CHECK(read_npy(u32_file("'<U1'", 0x110000, false), lenient).ok());
}

TEST_CASE("policy toggles", "[npy_reader][limits]") {
  Limits limits;
  limits.allow_fortran_order = false;
  CHECK(code_everywhere(npy_file(simple_dict("'<f8'", "(2, 2)", true), zeros(32)), limits) ==
        ErrorCode::FortranOrderNotAllowed);
  limits = Limits{};
  limits.allow_big_endian = false;
  CHECK(code_everywhere(npy_file(simple_dict("'>f8'", "(2,)"), zeros(16)), limits) ==
        ErrorCode::BigEndianNotAllowed);
  CHECK(code_everywhere(npy_file(simple_dict("[('a', [('b', '>i2')])]", "(2,)"), zeros(4)),
                        limits) == ErrorCode::BigEndianNotAllowed);
  CHECK(read_npy(npy_file(simple_dict("'|u1'", "(2,)"), zeros(2)), limits).ok());
  limits = Limits{};
  limits.allow_structured = false;
  CHECK(code_everywhere(npy_file(simple_dict("[('a', '<i4')]", "(2,)"), zeros(8)), limits) ==
        ErrorCode::StructuredNotAllowed);
}

TEST_CASE("object arrays are refused with object_dtype before the pickle is touched",
          "[npy_reader]") {
  const Bytes file = npy_file(simple_dict("'|O'", "(3,)"), bytes_of("\x80\x04\x95pickle..."));
  CHECK(code_everywhere(file) == ErrorCode::ObjectDtype);
}

TEST_CASE("streams grow memory with the data, not with the claimed size", "[npy_reader]") {
  // 15 GiB claimed (within the default limit) but 100 bytes sent: the answer is a truncation.
  const Bytes file = f8_file("(2013265920,)", 100);
  std::string text(reinterpret_cast<const char*>(file.data()), file.size());
  std::istringstream in(text);
  IstreamInputStream stream(in);
  auto result = read_npy_stream(stream, Limits{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::PayloadTruncated);
  CHECK(result.error().offset == file.size());
}

TEST_CASE("a field whose type is a subarray reads as NumPy lays it out", "[npy_reader]") {
  // np.save of np.dtype([('a', ('<i4', (2,)), (3,)), ('b', '|u1')]) with a['a'] = arange(12)
  // reshaped (2, 3, 2): NumPy's a['a'] has shape (2, 3, 2), outer dimensions first.
  const Bytes file = read_file(std::string(NPYGUARD_SOURCE_DIR) +
                               "/corpus/regressions/fuzz_npy/"
                               "2026-12-02-field-type-is-a-subarray.npy");
  auto array = read_npy(file);
  if (!array.ok()) FAIL(describe(array.error()));
  CHECK(array->info().descr() == "[('a', ('<i4', (2,)), (3,)), ('b', '|u1')]");
  auto field = array->field("a");
  REQUIRE(field.ok());
  CHECK(field->field().shape == std::vector<uint64_t>{3, 2});
  CHECK(field->field().dtype.type_string() == "<i4");
  for (uint64_t row = 0; row < 2; ++row) {
    auto bytes = field->at(row);
    REQUIRE(bytes.ok());
    REQUIRE(bytes->size() == 24);
    for (uint64_t i = 0; i < 6; ++i) {
      int32_t value = 0;
      std::memcpy(&value, bytes->data() + 4 * i, 4);
      CHECK(value == static_cast<int32_t>(row * 6 + i));
    }
  }
  auto b = array->field("b");
  REQUIRE(b.ok());
  CHECK(static_cast<int>(b->at(1).value()[0]) == 9);
}

TEST_CASE("NumPy-written forms once refused are read as NumPy reads them",
          "[npy_reader][regression]") {
  struct Case {
    const char* file;
    const char* descr;
    std::vector<uint64_t> shape;
  };
  const std::vector<Case> cases = {
      {"2026-12-02-header-spaces-no-final-newline.npy", "'<i4'", {3}},
      {"2026-12-02-dimension-minus-zero.npy", "'<i4'", {0, 3}},
      {"2026-12-02-title-integer.npy", "[((1, 'a'), '<i4'), ((-5, 'b'), '|u1')]", {2}},
      {"2026-12-02-title-bytes.npy",
       "[((b't', 'a'), '<i4'), ((b'\\x00\\xff\\'\"\\\\\\t', 'b'), '|u1')]",
       {2}},
      {"2026-12-02-field-type-is-a-subarray.npy",
       "[('a', ('<i4', (2,)), (3,)), ('b', '|u1')]",
       {2}},
  };
  const std::string dir = std::string(NPYGUARD_SOURCE_DIR) + "/corpus/regressions/fuzz_npy/";
  for (const Case& c : cases) {
    INFO(c.file);
    auto array = read_npy_file(dir + c.file);
    if (!array.ok()) FAIL(describe(array.error()));
    CHECK(array->info().descr() == c.descr);
    CHECK(array->shape() == c.shape);
  }
  auto wide = read_npy_file(dir + "2026-12-02-v3-header-over-10000-bytes-under-10000-chars.npy");
  if (!wide.ok()) FAIL(describe(wide.error()));
  CHECK(wide->info().version_major == 3);
  CHECK(wide->info().header_length > 10000);
  auto bytes_title = read_npy_file(dir + "2026-12-02-title-bytes.npy");
  REQUIRE(bytes_title.ok());
  CHECK(bytes_title->dtype().fields.at(1).title ==
        std::optional<std::string>(std::string("\x00\xff'\"\\\t", 6)));
}

TEST_CASE("consumer differentials: shapes NumPy's reshape and subarrays refuse",
          "[npy][differential]") {
  const std::string dir = std::string(NPYGUARD_SOURCE_DIR) + "/corpus/regressions/differential/";
  // A type of size 0 with dimensions that multiply past int64 before the 0, in NumPy's order
  // (reversed for Fortran order).
  for (const char* name : {"2026-12-02-zero-itemsize-dim-product-overflow-c.npy",
                           "2026-12-02-zero-itemsize-dim-product-overflow-fortran.npy"}) {
    INFO(name);
    const auto refused = validate_npy_file(dir + name);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::SizeOverflow);
  }
  const auto archive =
      NpzArchive::open_file(dir + "2026-12-02-zero-itemsize-dim-product-overflow-member.npz");
  REQUIRE(archive.ok());
  CHECK(archive->validate_all().error().code == ErrorCode::SizeOverflow);
  // A zero-size field whose subarray dimension does not fit NumPy's C int.
  const auto wide = validate_npy_file(dir + "2026-12-02-zero-size-subarray-dim-above-int32.npy");
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.error().code == ErrorCode::DtypeBadField);
  // The same dimensions after the 0 are fine, as in NumPy: (0, 3, 2^62) of |V0.
  const std::string header =
      "{'descr': '|V0', 'fortran_order': False, 'shape': (0, 3, "
      "4611686018427387904), }";
  Bytes file = {std::byte{0x93}, std::byte{'N'}, std::byte{'U'}, std::byte{'M'},
                std::byte{'P'},  std::byte{'Y'}, std::byte{1},   std::byte{0}};
  std::string padded = header;
  padded.append(64 - (10 + padded.size() + 1) % 64, ' ');
  padded += '\n';
  file.push_back(static_cast<std::byte>(padded.size() & 0xFF));
  file.push_back(static_cast<std::byte>(padded.size() >> 8));
  for (char c : padded) file.push_back(static_cast<std::byte>(c));
  const auto fine = read_npy(file);
  if (!fine.ok()) FAIL(describe(fine.error()));
  CHECK(fine->info().count == 0);
}
