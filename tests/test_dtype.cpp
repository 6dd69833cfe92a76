// SPDX-License-Identifier: Apache-2.0
// dtype: every type string NumPy writes is accepted with the right kind/size/order, aliases and
// ambiguous byte orders are refused, object dtype is refused everywhere with its own code, and
// structured layouts are computed (and printed back) exactly as NumPy does.
#include <string>
#include <vector>

#include "npyguard/dtype.h"
#include "support/catch.h"

using namespace npyguard;

namespace {

ErrorCode code_of(const std::string& literal, const Limits& limits = {}) {
  auto result = parse_descr(literal, limits);
  REQUIRE_FALSE(result.ok());
  return result.error().code;
}

DType parsed(const std::string& literal) {
  auto result = parse_descr(literal, Limits{});
  if (!result.ok()) FAIL(literal << ": " << describe(result.error()));
  return *result;
}

}  // namespace

TEST_CASE("simple type strings NumPy writes", "[dtype]") {
  struct Case {
    const char* text;
    DTypeKind kind;
    ByteOrder order;
    uint64_t itemsize;
  };
  const std::vector<Case> cases = {
      {"'|b1'", DTypeKind::Bool, ByteOrder::NotApplicable, 1},
      {"'|i1'", DTypeKind::SignedInt, ByteOrder::NotApplicable, 1},
      {"'|u1'", DTypeKind::UnsignedInt, ByteOrder::NotApplicable, 1},
      {"'<i2'", DTypeKind::SignedInt, ByteOrder::Little, 2},
      {"'>i8'", DTypeKind::SignedInt, ByteOrder::Big, 8},
      {"'<u4'", DTypeKind::UnsignedInt, ByteOrder::Little, 4},
      {"'<f2'", DTypeKind::Float, ByteOrder::Little, 2},
      {"'>f4'", DTypeKind::Float, ByteOrder::Big, 4},
      {"'<f8'", DTypeKind::Float, ByteOrder::Little, 8},
      {"'<f16'", DTypeKind::Float, ByteOrder::Little, 16},
      {"'<c8'", DTypeKind::Complex, ByteOrder::Little, 8},
      {"'>c16'", DTypeKind::Complex, ByteOrder::Big, 16},
      {"'<c32'", DTypeKind::Complex, ByteOrder::Little, 32},
      {"'|S5'", DTypeKind::Bytes, ByteOrder::NotApplicable, 5},
      {"'|S0'", DTypeKind::Bytes, ByteOrder::NotApplicable, 0},
      {"'<U7'", DTypeKind::Unicode, ByteOrder::Little, 28},
      {"'>U1'", DTypeKind::Unicode, ByteOrder::Big, 4},
      {"'|V6'", DTypeKind::Void, ByteOrder::NotApplicable, 6},
      {"'<M8'", DTypeKind::Datetime, ByteOrder::Little, 8},
      {"'<M8[ns]'", DTypeKind::Datetime, ByteOrder::Little, 8},
      {"'>m8[10ms]'", DTypeKind::Timedelta, ByteOrder::Big, 8},
      // Other writers (cnpy) put '<' on single-byte types; harmless, so accepted.
      {"'<u1'", DTypeKind::UnsignedInt, ByteOrder::NotApplicable, 1},
      {"'<b1'", DTypeKind::Bool, ByteOrder::NotApplicable, 1},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const DType dt = parsed(c.text);
    CHECK(dt.kind == c.kind);
    CHECK(dt.byte_order == c.order);
    CHECK(dt.itemsize == c.itemsize);
  }
  CHECK(parsed("'<f16'").is_long_double());
  CHECK(parsed("'<c32'").is_long_double());
  CHECK_FALSE(parsed("'<f8'").is_long_double());
  const DType ten_ms = parsed("'<m8[10ms]'");
  CHECK(ten_ms.unit == DatetimeUnit::Millisecond);
  CHECK(ten_ms.unit_multiplier == 10);
  CHECK(parsed("'<M8[2W]'").unit == DatetimeUnit::Week);
  CHECK(parsed("'<M8'").unit == DatetimeUnit::Generic);
  for (const char* unit : {"Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"}) {
    const DType dt = parsed(std::string("'<M8[") + unit + "]'");
    CHECK(datetime_unit_name(dt.unit) == unit);
    CHECK(dt.descr() == std::string("'<M8[") + unit + "]'");
  }
}

TEST_CASE("canonical strings print back unchanged", "[dtype]") {
  for (const char* text : {"'|b1'", "'<i4'", "'>u8'", "'<f16'", "'|S0'", "'<U7'", "'|V6'", "'<M8'",
                           "'<m8[10ms]'", "'>M8[ns]'"}) {
    CHECK(parsed(text).descr() == text);
  }
  CHECK(parsed("'<u1'").descr() == "'|u1'");
}

TEST_CASE("aliases, sizes and byte orders that are refused", "[dtype]") {
  struct Case {
    const char* text;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"'float64'", ErrorCode::DtypeNonCanonical},
      {"'i'", ErrorCode::DtypeNonCanonical},
      {"'d'", ErrorCode::DtypeNonCanonical},
      {"'<d'", ErrorCode::DtypeNonCanonical},
      {"'int32'", ErrorCode::DtypeNonCanonical},
      {"'bool'", ErrorCode::DtypeNonCanonical},
      {"'?'", ErrorCode::DtypeNonCanonical},
      {"'|S'", ErrorCode::DtypeNonCanonical},
      {"'<M'", ErrorCode::DtypeNonCanonical},
      {"{'names': ['a'], 'formats': ['<f8']}", ErrorCode::DtypeNonCanonical},
      {"'=i4'", ErrorCode::DtypeBadByteOrder},
      {"'i4'", ErrorCode::DtypeBadByteOrder},
      {"'f8'", ErrorCode::DtypeBadByteOrder},
      {"'|i4'", ErrorCode::DtypeBadByteOrder},
      {"'|U3'", ErrorCode::DtypeBadByteOrder},
      {"'<i3'", ErrorCode::DtypeBadSize},
      {"'<f1'", ErrorCode::DtypeBadSize},
      {"'<c4'", ErrorCode::DtypeBadSize},
      {"'|b2'", ErrorCode::DtypeBadSize},
      {"'<M4'", ErrorCode::DtypeBadSize},
      {"'<f08'", ErrorCode::DtypeBadSize},
      {"'<f8x'", ErrorCode::DtypeBadSize},
      {"'|S99999999999'", ErrorCode::DtypeBadSize},
      {"'|V4294967296'", ErrorCode::DtypeItemsizeOverflow},
      {"'|V2147483648'", ErrorCode::DtypeItemsizeOverflow},
      {"'<U999999999'", ErrorCode::DtypeItemsizeOverflow},
      {"'<M8[xs]'", ErrorCode::DtypeBadDatetimeUnit},
      {"'<M8[]'", ErrorCode::DtypeBadDatetimeUnit},
      {"'<M8[0ms]'", ErrorCode::DtypeBadDatetimeUnit},
      {"'<M8[05ms]'", ErrorCode::DtypeBadDatetimeUnit},
      {"'<M8[ms'", ErrorCode::DtypeBadDatetimeUnit},
      {"'<M8[B]'", ErrorCode::DtypeBadDatetimeUnit},
      {"'X4'", ErrorCode::DtypeUnknownType},
      {"''", ErrorCode::DtypeUnknownType},
      {"('<f8', (2,))", ErrorCode::DtypeTopLevelSubarray},
      {"3", ErrorCode::HeaderBadValue},
      {"True", ErrorCode::HeaderBadValue},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(error_name(code_of(c.text)) == error_name(c.code));
  }
}

TEST_CASE("object dtype is refused everywhere with object_dtype", "[dtype]") {
  for (const char* text :
       {"'|O'", "'O'", "'<O'", "'=O'", "'|O8'", "'|O4'", "'object'", "[('a', '|O')]",
        "[('a', '<f8'), ('b', [('c', '|O8')])]", "[('a', '|O', (3,))]",
        "[('a', [('b', [('c', '|O')])], (2,))]", "[(('title', 'a'), '|O')]"}) {
    INFO(text);
    auto result = parse_descr(text, Limits{});
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::ObjectDtype);
    CHECK(error_category(result.error().code) == ErrorCategory::PolicyRejected);
  }
}

TEST_CASE("structured layouts: titles, padding, subarrays, nesting", "[dtype]") {
  const DType dt = parsed("[(('ta', 'a'), '<i4'), ('', '|V4'), ('b', '>f8'), ('', '|V8')]");
  REQUIRE(dt.kind == DTypeKind::Structured);
  REQUIRE(dt.fields.size() == 2);
  CHECK(dt.fields[0].name == "a");
  CHECK(dt.fields[0].title == std::optional<std::string>("ta"));
  CHECK(dt.fields[0].offset == 0);
  CHECK(dt.fields[1].name == "b");
  CHECK(dt.fields[1].offset == 8);
  CHECK(dt.itemsize == 24);
  CHECK(dt.has_big_endian());
  // NumPy's padding entries are regenerated from the offsets.
  CHECK(dt.descr() == "[(('ta', 'a'), '<i4'), ('', '|V4'), ('b', '>f8'), ('', '|V8')]");

  const DType sub = parsed("[('a', '<f8', (2, 3)), ('n', [('x', '|b1'), ('y', '<U2')], (2,))]");
  REQUIRE(sub.fields.size() == 2);
  CHECK(sub.fields[0].shape == std::vector<uint64_t>{2, 3});
  CHECK(sub.fields[0].count == 6);
  CHECK(sub.fields[0].size == 48);
  CHECK(sub.fields[1].offset == 48);
  CHECK(sub.fields[1].dtype.itemsize == 9);
  CHECK(sub.fields[1].size == 18);
  CHECK(sub.itemsize == 66);
  CHECK(sub.contains(DTypeKind::Bool));
  CHECK(sub.contains(DTypeKind::Unicode));
  CHECK(sub.descr() == "[('a', '<f8', (2, 3)), ('n', [('x', '|b1'), ('y', '<U2')], (2,))]");

  // np.save writes a field whose type is itself a subarray as ('a', (type, inner), outer);
  // NumPy reads it as a subarray of subarrays: the same bytes as type with shape outer + inner.
  const DType nested = parsed("[('a', ('<i4', (2,)), (3,)), ('b', '|u1')]");
  REQUIRE(nested.fields.size() == 2);
  CHECK(nested.fields[0].dtype.type_string() == "<i4");
  CHECK(nested.fields[0].shape == std::vector<uint64_t>{3, 2});
  CHECK(nested.fields[0].count == 6);
  CHECK(nested.fields[0].size == 24);
  CHECK(nested.fields[0].subarray_ranks == std::vector<uint32_t>{1, 1});
  CHECK(nested.fields[1].offset == 24);
  CHECK(nested.itemsize == 25);
  CHECK(nested.descr() == "[('a', ('<i4', (2,)), (3,)), ('b', '|u1')]");
  CHECK(nested != parsed("[('a', '<i4', (3, 2)), ('b', '|u1')]"));  // as NumPy's dtypes differ
  const DType three = parsed("[('a', (('<i4', (2,)), (4, 5)), (3,))]");
  CHECK(three.fields[0].shape == std::vector<uint64_t>{3, 4, 5, 2});
  CHECK(three.fields[0].subarray_ranks == std::vector<uint32_t>{1, 2, 1});
  CHECK(three.descr() == "[('a', (('<i4', (2,)), (4, 5)), (3,))]");
  const DType record = parsed("[('a', ([('x', '<i2'), ('y', '>f4')], (2,)), (3,))]");
  CHECK(record.fields[0].shape == std::vector<uint64_t>{3, 2});
  CHECK(record.fields[0].dtype.fields.size() == 2);
  CHECK(record.itemsize == 36);
  CHECK(record.descr() == "[('a', ([('x', '<i2'), ('y', '>f4')], (2,)), (3,))]");
  // Levels of shape () are no subarray: NumPy folds them, and so does the printed descr.
  const DType folded = parsed("[('a', ('<i4', ()), (3,)), ('b', ('<i4', (2,)), ())]");
  CHECK(folded.fields[0].shape == std::vector<uint64_t>{3});
  CHECK(folded.fields[0].subarray_ranks.empty());
  CHECK(folded.fields[1].shape == std::vector<uint64_t>{2});
  CHECK(folded.descr() == "[('a', '<i4', (3,)), ('b', '<i4', (2,))]");
  // A record of size 0 can be a subarray's element, and a zero outer level is fine.
  CHECK(parsed("[('a', [], (3,)), ('b', ('<i4', (2,)), (0,))]").itemsize == 0);

  CHECK(parsed("[]").itemsize == 0);
  CHECK(parsed("[('', '|V8')]").itemsize == 8);
  CHECK(parsed("[('', '|V8')]").descr() == "[('', '|V8')]");
  CHECK(parsed("[('a', '<i4'),]").fields.size() == 1);
}

TEST_CASE("integer and bytes titles, as np.save writes them", "[dtype]") {
  // np.dtype({'names': ['a', 'b', 'c'], 'formats': ['<i4', '|u1', '<i2'],
  //           'titles': [1, b't', 'x']}).descr, as np.save writes it.
  const DType dt = parsed("[((1, 'a'), '<i4'), ((b't', 'b'), '|u1'), (('x', 'c'), '<i2')]");
  REQUIRE(dt.fields.size() == 3);
  CHECK(dt.fields[0].title == std::optional<std::string>("1"));
  CHECK(dt.fields[0].title_kind == TitleKind::Integer);
  CHECK(dt.fields[0].title_repr() == "1");
  CHECK(dt.fields[1].title == std::optional<std::string>("t"));
  CHECK(dt.fields[1].title_kind == TitleKind::Bytes);
  CHECK(dt.fields[1].title_repr() == "b't'");
  CHECK(dt.fields[2].title_kind == TitleKind::String);
  CHECK(dt.fields[2].title_repr() == "'x'");
  CHECK(dt.descr() == "[((1, 'a'), '<i4'), ((b't', 'b'), '|u1'), (('x', 'c'), '<i2')]");
  // Kinds are part of the title: 1, '1' and b'1' are three different NumPy dtypes.
  CHECK(parsed("[((1, 'a'), '<i4')]") != parsed("[(('1', 'a'), '<i4')]"));
  CHECK(parsed("[((b'1', 'a'), '<i4')]") != parsed("[(('1', 'a'), '<i4')]"));
  CHECK(parsed("[((-5, 'a'), '<i4')]").fields[0].title == std::optional<std::string>("-5"));
  CHECK(parsed("[((-0, 'a'), '<i4')]").descr() == "[((0, 'a'), '<i4')]");
  // Bytes print back as repr() of bytes: quotes chosen as Python does, \xhh for the rest.
  CHECK(parsed("[((b'\\x00\\xff\\'\"\\\\\\t', 'a'), '<i4')]").descr() ==
        "[((b'\\x00\\xff\\'\"\\\\\\t', 'a'), '<i4')]");
  CHECK(parsed("[((b\"it's\", 'a'), '<i4')]").descr() == "[((b\"it's\", 'a'), '<i4')]");
  // NumPy makes only string titles keys of dtype.fields: integer and bytes titles may repeat,
  // equal a name or be empty, and NumPy loads such dtypes unchanged.
  CHECK(parsed("[((1, 'a'), '<i4'), ((1, 'b'), '<i4')]").fields.size() == 2);
  CHECK(parsed("[((b't', 'a'), '<i4'), ((b't', 'b'), '<i4')]").fields.size() == 2);
  CHECK(parsed("[((b'a', 'a'), '<i4'), ((b'b', 'c'), '<i4'), ('b', '<i4')]").itemsize == 12);
  CHECK(parsed("[((b'', 'a'), '<i4')]").fields[0].title == std::optional<std::string>(""));
  CHECK(parsed("[((1, 'a'), '<i4'), ('1', '<i4')]").fields.size() == 2);
}

TEST_CASE("structured dtype rejections", "[dtype]") {
  struct Case {
    const char* text;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"[('a', '<i4'), ('a', '<f8')]", ErrorCode::DtypeDuplicateField},
      {"[(('b', 'a'), '<i4'), ('b', '<f8')]", ErrorCode::DtypeDuplicateField},
      {"[(('a', 'a'), '<i4')]", ErrorCode::DtypeDuplicateField},
      {"[('', '<i4')]", ErrorCode::DtypeEmptyFieldName},
      {"[('', '|V4', (2,))]", ErrorCode::DtypeEmptyFieldName},
      {"[('', [('a', '<i4')])]", ErrorCode::DtypeEmptyFieldName},
      {"[('a',)]", ErrorCode::DtypeBadField},
      {"[('a', '<i4', (2,), 1)]", ErrorCode::DtypeBadField},
      {"['a']", ErrorCode::DtypeBadField},
      {"[(1, '<i4')]", ErrorCode::DtypeBadField},
      {"[(('t',), '<i4')]", ErrorCode::DtypeBadField},
      // Titles NumPy can hold but a plain literal here does not spell: bools, tuples, lists.
      {"[((True, 'a'), '<i4')]", ErrorCode::DtypeBadField},
      {"[(((1,), 'a'), '<i4')]", ErrorCode::DtypeBadField},
      {"[((1, b'a'), '<i4')]", ErrorCode::DtypeBadField},
      // Integer titles are read like every header integer: int64, max_dim_digits digits.
      {"[((9999999999999999999, 'a'), '<i4')]", ErrorCode::HeaderBadInteger},
      {"[((99999999999999999999, 'a'), '<i4')]", ErrorCode::DimensionTooManyDigits},
      {"[(b'a', '<i4')]", ErrorCode::DtypeBadField},
      {"[((1, ''), '|V4')]", ErrorCode::DtypeEmptyFieldName},
      {"[((b'x', ''), '|V4')]", ErrorCode::DtypeEmptyFieldName},
      {"[('a', ('<i4', (2,)))]", ErrorCode::DtypeBadField},  // NumPy writes ('a', '<i4', (2,))
      {"[('a', ('<i4',), (3,))]", ErrorCode::DtypeBadField},
      {"[('a', ('<i4', (2,), (1,)), (3,))]", ErrorCode::DtypeBadField},
      {"[('a', ('<i4', 2), (3,))]", ErrorCode::DtypeBadField},
      {"[('a', ('<i4', (-2,)), (3,))]", ErrorCode::NegativeDimension},
      {"[('a', ('|O', (2,)), (3,))]", ErrorCode::ObjectDtype},
      {"[('a', ('<f8', (65536,)), (65536,))]", ErrorCode::DtypeItemsizeOverflow},
      // NumPy reads a shape around a type of size 0 that is not a record as an item size.
      {"[('a', '|S0', (3,))]", ErrorCode::DtypeBadField},
      {"[('a', '|V0', ())]", ErrorCode::DtypeBadField},
      {"[('a', ('<i4', (0,)), (3,))]", ErrorCode::DtypeBadField},
      {"[('a', ('<i4', (2, 0)), ())]", ErrorCode::DtypeBadField},
      {"[('a', ([], (2,)), (3,))]", ErrorCode::DtypeBadField},
      {"[('a', '<i4', 2)]", ErrorCode::DtypeBadField},
      {"[('a', '<i4', (-2,))]", ErrorCode::NegativeDimension},
      {"[('a', '<i4', ('2',))]", ErrorCode::DtypeBadField},
      {"[('a', '<f8', (1000000000,))]", ErrorCode::DtypeItemsizeOverflow},
      {"[('a', '|V2000000000'), ('b', '|V2000000000')]", ErrorCode::DtypeItemsizeOverflow},
      {"[('a', '<f8', (65536, 65536))]", ErrorCode::DtypeItemsizeOverflow},
      {"[('a', '<f8', (4294967296, 4294967296, 4294967296))]", ErrorCode::DtypeBadField},
      {"[('a', '<f8', (2147483647, 2147483647, 2147483647))]", ErrorCode::DtypeItemsizeOverflow},
      {"[('a', '|V0', (0, 2147483648))]", ErrorCode::DtypeBadField},
      {"[('a', 'float64')]", ErrorCode::DtypeNonCanonical},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(error_name(code_of(c.text)) == error_name(c.code));
  }
}

TEST_CASE("depth and field-count limits", "[dtype][limits]") {
  Limits limits;
  limits.max_dtype_depth = 3;
  CHECK(parse_descr("[('a', [('b', [('c', '<i4')])])]", limits).ok());
  CHECK(code_of("[('a', [('b', [('c', [('d', '<i4')])])])]", limits) == ErrorCode::DtypeTooDeep);
  limits = Limits{};
  limits.max_fields = 4;
  CHECK(parse_descr("[('a', '<i4'), ('b', '<i4'), ('c', '<i4'), ('d', '<i4')]", limits).ok());
  CHECK(code_of("[('a', '<i4'), ('b', '<i4'), ('c', '<i4'), ('d', '<i4'), ('e', '<i4')]", limits) ==
        ErrorCode::TooManyFields);
  limits.max_ndim = 2;
  CHECK(parse_descr("[('a', '<i4', (2, 3))]", limits).ok());
  CHECK(code_of("[('a', '<i4', (1, 2, 3))]", limits) == ErrorCode::TooManyDimensions);
  // Subarray levels count together: their combined shape is the field's.
  CHECK(parse_descr("[('a', ('<i4', (2,)), (3,))]", limits).ok());
  CHECK(code_of("[('a', ('<i4', (2,)), (3, 1))]", limits) == ErrorCode::TooManyDimensions);
  // Nested fields count toward the same budget.
  CHECK(code_of("[('a', [('b', '<i4'), ('c', '<i4')]), ('d', [('e', '<i4')])]", limits) ==
        ErrorCode::TooManyFields);
}

TEST_CASE("field names print back as Python's repr", "[dtype]") {
  CHECK(parsed("[(\"it's\", '<i4')]").descr() == "[(\"it's\", '<i4')]");
  CHECK(parsed("[('both\\'\"', '<i4')]").descr() == "[('both\\'\"', '<i4')]");
  CHECK(parsed("[('tab\\there', '<i4')]").descr() == "[('tab\\there', '<i4')]");
  CHECK(parsed("[('\\xe9t\\xe9', '<i4')]").descr() == "[('\xc3\xa9t\xc3\xa9', '<i4')]");
  CHECK(parsed("[('\\x85', '<i4')]").descr() == "[('\\x85', '<i4')]");
  CHECK(parsed("[('\\u200b', '<i4')]").descr() == "[('\\u200b', '<i4')]");
  CHECK(parsed("[('line\\nfeed\\rreturn', '<i4')]").descr() == "[('line\\nfeed\\rreturn', '<i4')]");
  CHECK(parsed("[('\\u2028\\u180e\\uffff\\ufdd0', '<i4')]").descr() ==
        "[('\\u2028\\u180e\\uffff\\ufdd0', '<i4')]");
  // A format character outside the BMP (TAG LATIN SMALL LETTER A) gets the 8-digit escape.
  CHECK(parsed("[('\\U000e0061', '<i4')]").descr() == "[('\\U000e0061', '<i4')]");
  CHECK(parsed("[('\\U0001f600', '<i4')]").descr() == "[('\xf0\x9f\x98\x80', '<i4')]");
}

TEST_CASE("type strings and little-endian copies of nested types", "[dtype]") {
  const DType nested = parsed(
      "[('a', '>i4'), ('b', [('c', '>f8', (2,)), ('d', '|u1')]), "
      "('e', '<c16')]");
  CHECK(nested.type_string().empty());
  CHECK(nested.has_big_endian());
  const DType little = nested.with_little_endian_leaves();
  CHECK_FALSE(little.has_big_endian());
  CHECK(little.descr() ==
        "[('a', '<i4'), ('b', [('c', '<f8', (2,)), ('d', '|u1')]), ('e', '<c16')]");
  CHECK(little.itemsize == nested.itemsize);
  CHECK(little.fields.at(1).dtype.fields.at(0).offset ==
        nested.fields.at(1).dtype.fields.at(0).offset);
  CHECK(parsed("'>M8[10us]'").type_string() == ">M8[10us]");
  CHECK(parsed("'>M8[10us]'").with_little_endian_leaves().type_string() == "<M8[10us]");
  CHECK(parsed("'|S0'").with_little_endian_leaves().type_string() == "|S0");
}
