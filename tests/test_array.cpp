// SPDX-License-Identifier: Apache-2.0
// Array accessors: typed access only when the C++ type matches exactly, byte-order and
// Fortran->C conversions give NumPy's values, element and field access are bounds-checked.
#include <algorithm>
#include <complex>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "array/array_factory.h"
#include "array/byte_order.h"
#include "base/work_meter.h"
#include "npyguard/npy.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

template <class T>
Bytes payload_of(const std::vector<T>& values, bool big_endian = false) {
  Bytes out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  if (big_endian) {
    for (size_t at = 0; at < out.size(); at += sizeof(T)) {
      std::reverse(out.begin() + static_cast<long>(at),
                   out.begin() + static_cast<long>(at + sizeof(T)));
    }
  }
  return out;
}

Array load(const Bytes& file) {
  auto result = read_npy(file);
  if (!result.ok()) FAIL(describe(result.error()));
  return *result;
}

}  // namespace

TEST_CASE("values<T> only for the exact type in host order", "[array]") {
  const std::vector<double> data = {1.5, -2.0, 3.25};
  const Bytes file = npy_file(simple_dict("'<f8'", "(3,)"), payload_of(data));
  const Array array = load(file);
  auto doubles = array.values<double>();
  REQUIRE(doubles.ok());
  CHECK(std::vector<double>(doubles->begin(), doubles->end()) == data);
  CHECK(array.values<float>().error().code == ErrorCode::TypeMismatch);
  CHECK(array.values<int64_t>().error().code == ErrorCode::TypeMismatch);
  CHECK(array.values<uint64_t>().error().code == ErrorCode::TypeMismatch);

  const Bytes big = npy_file(simple_dict("'>f8'", "(3,)"), payload_of(data, true));
  const Array big_array = load(big);
  CHECK(big_array.values<double>().error().code == ErrorCode::TypeMismatch);
  auto native = big_array.to_native_byte_order();
  REQUIRE(native.ok());
  CHECK(native->dtype().type_string() == "<f8");
  auto swapped = native->values<double>();
  REQUIRE(swapped.ok());
  CHECK(std::vector<double>(swapped->begin(), swapped->end()) == data);
}

TEST_CASE("complex and unicode byte swaps swap the right units", "[array]") {
  const std::vector<std::complex<float>> data = {{1.0f, -1.0f}, {0.5f, 2.0f}};
  Bytes payload = payload_of(data);
  // Big-endian complex: each 4-byte part reversed on its own.
  for (size_t at = 0; at < payload.size(); at += 4) {
    std::reverse(payload.begin() + static_cast<long>(at),
                 payload.begin() + static_cast<long>(at + 4));
  }
  auto native = load(npy_file(simple_dict("'>c8'", "(2,)"), payload)).to_native_byte_order();
  REQUIRE(native.ok());
  auto values = native->values<std::complex<float>>();
  REQUIRE(values.ok());
  CHECK((*values)[0] == data[0]);
  CHECK((*values)[1] == data[1]);

  const Bytes ucs4_be = bytes_of(std::string("\x00\x00\x00\x41\x00\x01\xf6\x00", 8));
  auto text = load(npy_file(simple_dict("'>U2'", "()"), ucs4_be)).to_native_byte_order();
  REQUIRE(text.ok());
  CHECK(text->bytes()[0] == std::byte{0x41});
  CHECK(text->bytes()[4] == std::byte{0x00});
  CHECK(text->bytes()[5] == std::byte{0xf6});
  CHECK(text->bytes()[6] == std::byte{0x01});
  CHECK(text->dtype().type_string() == "<U2");
}

TEST_CASE("structured arrays: mixed byte orders and field views", "[array]") {
  // Record: a '<i2', b '>i4', 1 byte padding; two elements.
  Bytes payload =
      bytes_of(std::string("\x01\x00\x00\x00\x00\x02\xff"
                           "\x03\x00\x00\x00\x01\x00\xee",
                           14));
  // read_npy views the caller's bytes, so the file must outlive the Array.
  const Bytes file =
      npy_file(simple_dict("[('a', '<i2'), ('b', '>i4'), ('', '|V1')]", "(2,)"), payload);
  const Array array = load(file);
  auto b = array.field("b");
  REQUIRE(b.ok());
  CHECK(b->size() == 2);
  CHECK(b->stride() == 7);
  auto second = b->at(1);
  REQUIRE(second.ok());
  CHECK(second->size() == 4);
  CHECK((*second)[2] == std::byte{0x01});
  CHECK(b->at(2).error().code == ErrorCode::IndexOutOfRange);
  CHECK(array.field("c").error().code == ErrorCode::FieldNotFound);
  CHECK(array.field("").error().code == ErrorCode::FieldNotFound);

  auto native = array.to_native_byte_order();
  REQUIRE(native.ok());
  CHECK(native->dtype().descr() == "[('a', '<i2'), ('b', '<i4'), ('', '|V1')]");
  // b of element 0 was 00 00 00 02 (big-endian 2); now little-endian 02 00 00 00.
  CHECK(native->bytes()[2] == std::byte{0x02});
  CHECK(native->bytes()[5] == std::byte{0x00});
  CHECK(native->bytes()[6] == std::byte{0xff});  // padding untouched
  CHECK(load(npy_file(simple_dict("'<f8'", "(1,)"), zeros(8))).field("a").error().code ==
        ErrorCode::FieldNotFound);
}

TEST_CASE("Fortran to C order and multi-index access", "[array]") {
  // NumPy: a = np.arange(24, dtype='<i4').reshape(2, 3, 4); np.asfortranarray(a) stores the
  // elements with the first index varying fastest.
  std::vector<int32_t> fortran_storage;
  for (int k = 0; k < 4; ++k) {
    for (int j = 0; j < 3; ++j) {
      for (int i = 0; i < 2; ++i) fortran_storage.push_back(i * 12 + j * 4 + k);
    }
  }
  const Bytes file = npy_file(simple_dict("'<i4'", "(2, 3, 4)", true), payload_of(fortran_storage));
  const Array array = load(file);
  CHECK(array.fortran_order());
  const std::vector<uint64_t> index = {1, 2, 3};
  auto element = array.element(index);
  REQUIRE(element.ok());
  int32_t value = 0;
  std::memcpy(&value, element->data(), 4);
  CHECK(value == 23);
  auto c = array.to_c_order();
  REQUIRE(c.ok());
  CHECK_FALSE(c->fortran_order());
  auto values = c->values<int32_t>();
  REQUIRE(values.ok());
  for (int32_t i = 0; i < 24; ++i) CHECK((*values)[static_cast<size_t>(i)] == i);
  auto c_element = c->element(index);
  REQUIRE(c_element.ok());
  std::memcpy(&value, c_element->data(), 4);
  CHECK(value == 23);

  const std::vector<uint64_t> outside = {2, 0, 0};
  CHECK(array.element(outside).error().code == ErrorCode::IndexOutOfRange);
  const std::vector<uint64_t> short_index = {1, 2};
  CHECK(array.element(short_index).error().code == ErrorCode::IndexOutOfRange);
  // A 0-d array has exactly one element, addressed by the empty index.
  const Bytes scalar_file = npy_file(simple_dict("'<i4'", "()"), payload_of<int32_t>({7}));
  const Array scalar = load(scalar_file);
  CHECK(scalar.element({}).ok());
}

TEST_CASE("misaligned payloads are copied, aligned ones are views", "[array]") {
  const Bytes file = npy_file(simple_dict("'<f8'", "(2,)"), payload_of<double>({1.0, 2.0}));
  // Shift the whole file by one byte inside a larger buffer so the payload is misaligned.
  Bytes shifted(file.size() + 8);
  std::copy(file.begin(), file.end(), shifted.begin() + 1);
  const std::span<const std::byte> misaligned(shifted.data() + 1, file.size());
  auto copy = read_npy(misaligned);
  REQUIRE(copy.ok());
  CHECK_FALSE(copy->is_zero_copy());
  auto values = copy->values<double>();
  REQUIRE(values.ok());
  CHECK((*values)[1] == 2.0);
  auto view = read_npy(file);
  REQUIRE(view.ok());
  CHECK(view->is_zero_copy());
  CHECK(view->bytes().data() == file.data() + payload_start(file));
}

TEST_CASE("Fortran to C conversion agrees with element access for random shapes", "[array]") {
  // Element sizes that take each transpose kernel (1, 2, 4, 8, 16 bytes and odd sizes), shapes of
  // 2 to 5 dimensions including 1s, and tiles that do not divide the dimensions.
  std::mt19937_64 random(20261125);
  const std::vector<std::string> descrs = {"'|u1'",  "'<u2'", "'<f4'",  "'>f8'",
                                           "'<c16'", "'|S3'", "'|V12'", "'<U5'"};
  for (int round = 0; round < 120; ++round) {
    const std::string& descr = descrs[static_cast<size_t>(round) % descrs.size()];
    const size_t ndim = 2 + random() % 4;
    std::vector<uint64_t> shape;
    std::string shape_text = "(";
    uint64_t count = 1;
    for (size_t k = 0; k < ndim; ++k) {
      const uint64_t d = (random() % 4 == 0) ? 1 : 1 + random() % (ndim == 2 ? 70 : 9);
      shape.push_back(d);
      count *= d;
      shape_text += std::to_string(d) + ", ";
    }
    shape_text += ")";
    const Bytes probe = npy_file(simple_dict(descr, shape_text, true), {});
    auto info = parse_npy_header(probe);
    REQUIRE(info.ok());
    Bytes payload(static_cast<size_t>(count * info->dtype.itemsize));
    // 0 or 1 in the first byte of every 4: valid bools and code points, and distinguishable.
    for (size_t i = 0; i < payload.size(); ++i) {
      payload[i] = static_cast<std::byte>(i % 4 == 0 ? random() % 2 : 0);
    }
    // The file outlives the array: read_npy views memory it is given without copying.
    const Bytes file = npy_file(simple_dict(descr, shape_text, true), payload);
    const Array fortran = load(file);
    auto c = fortran.to_c_order();
    REQUIRE(c.ok());
    INFO(descr << " " << shape_text);
    CHECK_FALSE(c->fortran_order());
    // Every element, walked in C order, is the same bytes in both arrays, and the C-order copy
    // holds them contiguously in that order.
    std::vector<uint64_t> index(ndim, 0);
    const auto itemsize = static_cast<size_t>(info->dtype.itemsize);
    bool all_equal = true;
    for (uint64_t n = 0; n < count; ++n) {
      auto from = fortran.element(index);
      REQUIRE(from.ok());
      const auto to = c->bytes().subspan(static_cast<size_t>(n) * itemsize, itemsize);
      all_equal = all_equal && std::equal(from->begin(), from->end(), to.begin(), to.end());
      for (size_t k = ndim; k-- > 0;) {
        if (++index[k] < shape[k]) break;
        index[k] = 0;
      }
    }
    CHECK(all_equal);
  }
}

TEST_CASE("zero-size big-endian leaves still change order", "[array]") {
  // Found by fuzz_npy: '>U0' has no bytes to swap, but the native copy must not call itself
  // big-endian (corpus/regressions/fuzz_npy/2026-11-25-zero-size-big-endian-leaf-*).
  const std::vector<std::pair<const char*, size_t>> cases = {
      {"'>U0'", 0}, {"[('v', '>U0'), ('w', '|i1')]", 2}, {"[('a', [('v', '>U0')])]", 0}};
  for (const auto& [descr, payload_bytes] : cases) {
    INFO(descr);
    const Bytes file = npy_file(simple_dict(descr, "(2,)"), Bytes(payload_bytes));
    const Array array = load(file);
    auto native = array.to_native_byte_order();
    REQUIRE(native.ok());
    CHECK_FALSE(native->dtype().has_big_endian());
    CHECK(native->nbytes() == array.nbytes());
  }
}

TEST_CASE("to_native_byte_order on an rvalue converts in place only when nothing shares it",
          "[array]") {
  const std::vector<double> data = {1.5, -2.0, 3.25, 1e300};
  const Bytes big = npy_file(simple_dict("'>f8'", "(4,)"), payload_of(data, true));
  // An owned copy: a misaligned view of the file forces one.
  Bytes shifted(1);
  shifted.insert(shifted.end(), big.begin(), big.end());
  const std::span<const std::byte> misaligned = std::span(shifted).subspan(1);
  auto owned = read_npy(misaligned);
  REQUIRE(owned.ok());
  REQUIRE_FALSE(owned->is_zero_copy());

  SECTION("sole owner: same memory, converted") {
    const std::byte* before = owned->bytes().data();
    auto native = std::move(*owned).to_native_byte_order();
    REQUIRE(native.ok());
    CHECK(native->bytes().data() == before);
    CHECK(native->dtype().type_string() == "<f8");
    auto values = native->values<double>();
    REQUIRE(values.ok());
    CHECK(std::vector<double>(values->begin(), values->end()) == data);
  }
  SECTION("shared: the other copy keeps its big-endian bytes") {
    const Array other = *owned;
    auto native = std::move(*owned).to_native_byte_order();
    REQUIRE(native.ok());
    CHECK(native->bytes().data() != other.bytes().data());
    CHECK(other.dtype().type_string() == ">f8");
    const Bytes expected = payload_of(data, true);
    CHECK(std::equal(other.bytes().begin(), other.bytes().end(), expected.begin(), expected.end()));
    auto values = native->values<double>();
    REQUIRE(values.ok());
    CHECK(std::vector<double>(values->begin(), values->end()) == data);
  }
  SECTION("zero-copy view: the caller's bytes are never written") {
    const Bytes file_copy = big;
    auto view = read_npy(big);
    REQUIRE(view.ok());
    REQUIRE(view->is_zero_copy());
    auto native = std::move(*view).to_native_byte_order();
    REQUIRE(native.ok());
    CHECK(big == file_copy);
    CHECK(native->dtype().type_string() == "<f8");
  }
}

namespace {

// The per-field walk swap_to_host did before the swap plan (one visit per field per element,
// zero-size ones included), kept as the reference the plan must agree with.
void reference_swap(const DType& dtype, std::span<std::byte> bytes) {
  if (dtype.itemsize == 0) return;
  const auto itemsize = static_cast<size_t>(dtype.itemsize);
  if (dtype.kind == DTypeKind::Structured) {
    for (size_t at = 0; at + itemsize <= bytes.size(); at += itemsize) {
      for (const Field& field : dtype.fields) {
        reference_swap(field.dtype, bytes.subspan(at + static_cast<size_t>(field.offset),
                                                  static_cast<size_t>(field.size)));
      }
    }
    return;
  }
  if (dtype.byte_order == ByteOrder::NotApplicable || dtype.byte_order == detail::kHostOrder) {
    return;
  }
  detail::reverse_units(bytes, detail::swap_unit(dtype));
}

std::string zero_size_fields(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += "('z" + std::to_string(i) + "', '>i4', (0,)), ";
  return out;
}

DType descr_dtype(const std::string& descr) {
  auto dtype = parse_descr(descr, Limits{});
  REQUIRE(dtype.ok());
  return *dtype;
}

Bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (std::byte& b : out) b = static_cast<std::byte>(rng() & 0xFF);
  return out;
}

}  // namespace

TEST_CASE("byte-order conversion costs payload bytes, not fields x elements",
          "[array][regression]") {
  // 600 zero-size big-endian fields and one '>u2': the old walk visited all 601 fields of
  // every 2-byte element (work = payload x fields); the plan is one run over the whole item.
  const DType many = descr_dtype("[" + zero_size_fields(600) + "('v', '>u2')]");
  REQUIRE(many.itemsize == 2);
  const detail::SwapPlan plan(many);
  CHECK(plan.needed());
  CHECK(plan.planned());
  CHECK(plan.plan_runs() == 1);
  CHECK(plan.build_steps() <= 601);
  Bytes bytes = random_bytes(size_t{2} << 16, 7);
  Bytes expected = bytes;
  reference_swap(many, expected);
  detail::reset_work_meter();
  plan.apply(bytes);
  if (detail::kWorkMeterEnabled) CHECK(detail::work_done() <= bytes.size());
  CHECK(bytes == expected);

  // The same through the public API (300 fields: a header within NumPy's 10,000 bytes).
  const std::string descr = "[" + zero_size_fields(300) + "('v', '>u2')]";
  const Bytes payload = random_bytes(2 * 1000, 8);
  const Bytes file = npy_file(simple_dict(descr, "(1000,)"), payload);
  auto native = load(file).to_native_byte_order();
  REQUIRE(native.ok());
  Bytes swapped = payload;
  reference_swap(descr_dtype(descr), swapped);
  CHECK(std::equal(native->bytes().begin(), native->bytes().end(), swapped.begin(), swapped.end()));
  CHECK_FALSE(native->dtype().has_big_endian());

  // Only zero-size or single-byte big-endian leaves: nothing to swap at all.
  const detail::SwapPlan nothing(descr_dtype("[" + zero_size_fields(50) + "('b', '>i1')]"));
  CHECK_FALSE(nothing.needed());

  // A subarray of records that cannot collapse (a pad byte each), with more records than the
  // planner may visit: it walks per element instead, and building stays bounded by the header.
  const DType huge = descr_dtype("[('a', [('x', '>u4'), " + zero_size_fields(20) +
                                 "('p', '|V1')], (400000000,))]");
  const detail::SwapPlan walker(huge);
  CHECK(walker.needed());
  CHECK_FALSE(walker.planned());
  CHECK(walker.build_steps() <= 30 + detail::kMaxSwapPlanVisits + 1);
}

TEST_CASE("the swap plan agrees with a per-field walk on mixed records", "[array]") {
  const std::vector<std::string> descrs = {
      // Adjacent runs of one unit merge; different units and native leaves stay apart.
      "[('a', '>u4'), ('b', '>i4'), ('c', '<u2'), ('d', '>f8'), ('e', '|u1'), ('f', '>c8')]",
      // Collapsible subarray of records, then a non-collapsible one with padding and U.
      "[('r', [('x', '>u2'), ('y', '>i2')], (7,)), ('s', [('u', '>U2'), ('p', '|V3'),"
      " ('z', '>f4', (0,))], (5,)), ('t', '>m8[s]')]",
      // Nested three deep with zero-size records and a little-endian run between big ones.
      "[('o', [('i', [('k', '>u8'), ('e', [('q', '>u4')], (0,))], (3,)), ('l', '<i4'),"
      " ('m', '>i4')], (2,)), ('n', '>f2', (3, 2))]",
      // More distinct runs than the flat plan stores: walked per element.
      "[('w', [('x', '>u2'), ('p', '|V1')], (5000,))]",
  };
  uint32_t seed = 1;
  for (const std::string& descr : descrs) {
    const DType dtype = descr_dtype(descr);
    const detail::SwapPlan plan(dtype);
    Bytes bytes = random_bytes(static_cast<size_t>(dtype.itemsize) * 3, seed++);
    Bytes expected = bytes;
    reference_swap(dtype, expected);
    plan.apply(bytes);
    CHECK(bytes == expected);
  }
  CHECK_FALSE(detail::SwapPlan(descr_dtype(descrs.back())).planned());
}

TEST_CASE("an Array can be built only through the checked factory", "[array]") {
  // The constructor is private: no caller can pair metadata with a payload of another size.
  STATIC_REQUIRE_FALSE(std::is_constructible_v<Array, NpyInfo, std::shared_ptr<const void>,
                                               std::span<const std::byte>, bool>);
  STATIC_REQUIRE_FALSE(
      std::is_constructible_v<Array, NpyInfo, std::shared_ptr<const void>,
                              std::span<const std::byte>, std::span<std::byte>, bool>);

  const Bytes file = npy_file(simple_dict("'<i4'", "(2, 3)"), Bytes(24, std::byte{1}));
  auto array = read_npy(file);
  REQUIRE(array.ok());
  const NpyInfo info = array->info();
  auto storage = std::make_shared<std::vector<std::byte>>(24);
  CHECK(detail::ArrayFactory::owned(info, storage, std::span(*storage)).ok());
  CHECK(detail::ArrayFactory::view(info, storage, std::span(*storage), false).ok());
  // One byte short or long, or metadata whose count or nbytes disagree with the shape: refused.
  for (size_t size : {size_t{23}, size_t{25}, size_t{0}}) {
    auto wrong = std::make_shared<std::vector<std::byte>>(size);
    auto owned = detail::ArrayFactory::owned(info, wrong, std::span(*wrong));
    REQUIRE_FALSE(owned.ok());
    CHECK(owned.error().code == ErrorCode::Internal);
    CHECK_FALSE(detail::ArrayFactory::view(info, wrong, std::span(*wrong), false).ok());
  }
  NpyInfo lying = info;
  lying.count = 3;
  CHECK_FALSE(detail::ArrayFactory::view(lying, storage, std::span(*storage), false).ok());
  lying = info;
  lying.shape[0] = 4;
  CHECK_FALSE(detail::ArrayFactory::view(lying, storage, std::span(*storage), false).ok());
}
