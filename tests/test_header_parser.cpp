// SPDX-License-Identifier: Apache-2.0
// The header grammar: everything NumPy (and common other writers) produce is accepted, and every
// rejection rule produces its exact error code at the right offset.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "npy/dtype_literal.h"
#include "npy/header_fast_path.h"
#include "npy/header_parser.h"
#include "npyguard/npy.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

Result<NpyInfo> parse_dict(std::string_view dict, int major = 1, const Limits& limits = {}) {
  return parse_npy_header(npy_file(dict, {}, major), limits);
}

std::optional<ErrorCode> code_of(std::string_view dict, int major = 1, const Limits& limits = {}) {
  auto result = parse_dict(dict, major, limits);
  if (result.ok()) return std::nullopt;
  return result.error().code;
}

}  // namespace

TEST_CASE("headers NumPy and other writers produce are accepted", "[header_parser]") {
  const std::vector<std::string> accepted = {
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
      "{'descr': '<f8', 'fortran_order': True, 'shape': (0, 5), }",
      "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3, 4)}",
      "{'descr':'<f8','fortran_order':False,'shape':(3,4)}",
      "{'shape': (3, 4), 'descr': '<f8', 'fortran_order': False}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4,), }",
      "{'descr':\t'<f8',\t'fortran_order': False, 'shape': (3, 4)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }",  // Python 2 longs
  };
  for (const auto& dict : accepted) {
    INFO(dict);
    auto result = parse_dict(dict);
    CHECK(result.ok());
    if (!result.ok()) UNSCOPED_INFO(describe(result.error()));
  }
  auto info = parse_dict("{'descr': '<f8', 'fortran_order': True, 'shape': (2L, 3L), }");
  REQUIRE(info.ok());
  CHECK(info->shape == std::vector<uint64_t>{2, 3});
  CHECK(info->fortran_order);
  CHECK(info->count == 6);
  CHECK(info->nbytes == 48);
  CHECK(info->payload_offset == 128);  // NumPy's framing: padded to 64
}

TEST_CASE("each grammar rule rejects with its own code", "[header_parser]") {
  struct Case {
    std::string dict;
    ErrorCode code;
  };
  const std::string f8 = "'descr': '<f8', ";
  const std::vector<Case> cases = {
      {"{'descr': '<f8', 'descr': '<i4', 'fortran_order': False, 'shape': (3,)}",
       ErrorCode::HeaderDuplicateKey},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,), 'extra': 1}",
       ErrorCode::HeaderUnknownKey},
      {"{" + f8 + "'fortran_order': False}", ErrorCode::HeaderMissingKey},
      {"{" + f8 + "'shape': (3,)}", ErrorCode::HeaderMissingKey},
      {"{'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderMissingKey},
      {"{" + f8 + "'fortran_order': False, 'shape': (1+2,)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': None, 'shape': (3,)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': false, 'shape': (3,)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': 0, 'shape': (3,)}", ErrorCode::HeaderBadValue},
      {"{" + f8 + "'fortran_order': False, 'shape': (0x10,)}", ErrorCode::HeaderBadInteger},
      {"{" + f8 + "'fortran_order': False, 'shape': (1_000,)}", ErrorCode::HeaderBadInteger},
      {"{" + f8 + "'fortran_order': False, 'shape': (1.5,)}", ErrorCode::HeaderBadInteger},
      {"{" + f8 + "'fortran_order': False, 'shape': (1e3,)}", ErrorCode::HeaderBadInteger},
      {"{" + f8 + "'fortran_order': False, 'shape': (01,)}", ErrorCode::HeaderBadInteger},
      {"{" + f8 + "'fortran_order': False, 'shape': (True,)}", ErrorCode::HeaderBadValue},
      {"{" + f8 + "'fortran_order': False, 'shape': ('3',)}", ErrorCode::HeaderBadValue},
      {"{" + f8 + "'fortran_order': False, 'shape': (-1,)}", ErrorCode::NegativeDimension},
      {"{" + f8 + "'fortran_order': False, 'shape': (3, -4)}", ErrorCode::NegativeDimension},
      {"{" + f8 + "'fortran_order': False, 'shape': (3)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': False, 'shape': [3]}", ErrorCode::HeaderBadValue},
      {"{" + f8 + "'fortran_order': False, 'shape': 3}", ErrorCode::HeaderBadValue},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,)} # comment", ErrorCode::HeaderSyntax},
      {"{'descr': '<f' '8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderSyntax},
      {"{'descr': b'<f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadValue},
      {"{'descr': u'<f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{'descr': B'<f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{'descr': rb'<f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{b'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderUnknownKey},
      {"{" + f8 + "'fortran_order': False, 'shape': (b'3',)}", ErrorCode::HeaderBadValue},
      {"{'descr': b'<' b'f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderSyntax},
      {"{'descr': '<' b'f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderSyntax},
      {"{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderSyntax},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (3,)", ErrorCode::HeaderSyntax},
      {"['descr', '<f8']", ErrorCode::HeaderBadValue},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,)} {}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,),,}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': False, 'shape': (,)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "fortran_order: False, 'shape': (3,)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': False, 'shape': (99999999999999999999,)}",
       ErrorCode::DimensionTooManyDigits},
      {"{" + f8 + "'fortran_order': False, 'shape': (9999999999999999999,)}",
       ErrorCode::HeaderBadInteger},
      {"{'descr': '\\a', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{'descr': '\\ud800', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{'descr': '\\x0', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{'descr': '\\x00', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{'descr': '\\U00110000', 'fortran_order': False, 'shape': (3,)}",
       ErrorCode::HeaderBadString},
      {"{'descr': '<f8\x01', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderBadString},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,)}\x01",
       ErrorCode::HeaderNonAsciiOutsideString},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,)}\xe9",
       ErrorCode::HeaderNonAsciiOutsideString},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,)}\n", ErrorCode::HeaderBadTerminator},
      {"{" + f8 + "'fortran_order': False, 'shape': (- 3,)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': False, 'shape': (-x,)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': False, 'shape': (3 4)}", ErrorCode::HeaderSyntax},
      {"{" + f8 + "'fortran_order': False, 'shape': (3,), 'x': 'abc}", ErrorCode::HeaderBadString},
      {"{1: '<f8', 'fortran_order': False, 'shape': (3,)}", ErrorCode::HeaderUnknownKey},
  };
  for (const auto& c : cases) {
    INFO(c.dict);
    auto result = parse_dict(c.dict);
    REQUIRE_FALSE(result.ok());
    CHECK(error_name(result.error().code) == error_name(c.code));
  }
}

TEST_CASE("a dimension written -0 is 0, as Python reads it", "[header_parser]") {
  // ast.literal_eval("-0") is 0: there is no negative zero integer, so nothing is ambiguous.
  auto info = parse_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (-0, 3), }");
  REQUIRE(info.ok());
  CHECK(info->shape == std::vector<uint64_t>{0, 3});
  CHECK(info->count == 0);
  CHECK(info->nbytes == 0);
  auto subarray = parse_dict(
      "{'descr': [('a', '<i4', (-0,))], 'fortran_order': False, "
      "'shape': (2,), }");
  REQUIRE(subarray.ok());
  CHECK(subarray->dtype.fields.at(0).shape == std::vector<uint64_t>{0});
  CHECK(subarray->dtype.itemsize == 0);
  CHECK(code_of("{'descr': '<f8', 'fortran_order': False, 'shape': (-00,), }") ==
        ErrorCode::HeaderBadInteger);
  CHECK(code_of("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }") ==
        ErrorCode::NegativeDimension);
  CHECK(code_of("{'descr': '<f8', 'fortran_order': False, 'shape': (-0L,), }", 1) == std::nullopt);
}

TEST_CASE("Python 2 long suffixes are accepted only in 1.0/2.0 headers", "[header_parser]") {
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }";
  CHECK_FALSE(code_of(dict, 1).has_value());
  CHECK_FALSE(code_of(dict, 2).has_value());
  CHECK(code_of(dict, 3) == ErrorCode::HeaderBadInteger);
  CHECK(code_of("{'descr': '<f8', 'fortran_order': False, 'shape': (2l,), }", 1) ==
        ErrorCode::HeaderBadInteger);
}

TEST_CASE("NUL bytes are refused wherever they appear", "[header_parser]") {
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}";
  dict += '\0';
  auto result = parse_dict(dict);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::HeaderNulByte);
  CHECK(result.error().offset == 10 + dict.size() - 1);  // file-absolute offset of the NUL
}

TEST_CASE("the header ends with spaces and at most one final newline", "[header_parser]") {
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}";
  // np.save always writes the newline; NumPy reads headers without it (a Go writer ends with
  // the padding spaces), and so does npyguard, with the same fields.
  auto no_newline = parse_npy_header(npy_raw(dict + "   "));
  REQUIRE(no_newline.ok());
  CHECK(no_newline->shape == std::vector<uint64_t>{3});
  CHECK(no_newline->dtype.type_string() == "<f8");
  CHECK(parse_npy_header(npy_raw(dict)).ok());
  CHECK(parse_npy_header(npy_raw(dict + " \t "), {}).ok());
  auto two_lines = parse_npy_header(npy_raw(dict + "\n  \n"));
  REQUIRE_FALSE(two_lines.ok());
  CHECK(two_lines.error().code == ErrorCode::HeaderBadTerminator);
  auto newline_then_spaces = parse_npy_header(npy_raw(dict + "\n  "));
  REQUIRE_FALSE(newline_then_spaces.ok());
  CHECK(newline_then_spaces.error().code == ErrorCode::HeaderBadTerminator);
  auto empty = parse_npy_header(npy_raw(""));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::HeaderSyntax);
  auto only_spaces = parse_npy_header(npy_raw("   \n"));
  REQUIRE_FALSE(only_spaces.ok());
  CHECK(only_spaces.error().code == ErrorCode::HeaderSyntax);
  auto only_newline = parse_npy_header(npy_raw(dict + "\n"));
  CHECK(only_newline.ok());
  // 16-byte padding (NumPy before 1.14) is fine unless strict_alignment asks for 64.
  std::string header16 = dict;
  header16.append((16 - (10 + header16.size() + 1) % 16) % 16, ' ');
  header16 += '\n';
  CHECK(parse_npy_header(npy_raw(header16)).ok());
  Limits strict;
  strict.strict_alignment = true;
  if ((10 + header16.size()) % 64 != 0) {
    auto unaligned = parse_npy_header(npy_raw(header16), strict);
    REQUIRE_FALSE(unaligned.ok());
    CHECK(unaligned.error().code == ErrorCode::UnalignedHeader);
  }
  CHECK(parse_npy_header(npy_file(dict), strict).ok());
}

TEST_CASE("string escapes and encodings decode to UTF-8 field names", "[header_parser]") {
  auto name_of = [](std::string_view descr, int major) -> std::string {
    auto info = parse_dict(
        "{'descr': " + std::string(descr) + ", 'fortran_order': False, 'shape': (1,), }", major);
    if (!info.ok()) return "error: " + std::string(error_name(info.error().code));
    return info->dtype.fields.at(0).name;
  };
  CHECK(name_of("[('a\\'b', '<i4')]", 1) == "a'b");
  CHECK(name_of("[(\"a'b\", '<i4')]", 1) == "a'b");
  CHECK(name_of("[('a\\\\b\\t', '<i4')]", 1) == "a\\b\t");
  CHECK(name_of("[('q\\\"\\n\\r', '<i4')]", 1) == "q\"\n\r");
  CHECK(name_of("[('\\xe9t\\xe9', '<i4')]", 1) == "\xc3\xa9t\xc3\xa9");
  CHECK(name_of("[('\\u540d', '<i4')]", 3) == "\xe5\x90\x8d");
  CHECK(name_of("[('\\U0001f600', '<i4')]", 3) == "\xf0\x9f\x98\x80");
  // A raw latin-1 byte in a 1.0 header (how NumPy writes 'été') becomes UTF-8.
  CHECK(name_of("[('\xe9t\xe9', '<i4')]", 1) == "\xc3\xa9t\xc3\xa9");
  // The same bytes are not UTF-8, so a 3.0 header with them is refused.
  CHECK(name_of("[('\xe9t\xe9', '<i4')]", 3) == "error: header_invalid_utf8");
  CHECK(name_of("[('\xe5\x90\x8d', '<i4')]", 3) == "\xe5\x90\x8d");
  // Overlong UTF-8 and UTF-8-encoded surrogates are invalid.
  CHECK(name_of("[('\xc0\xaf', '<i4')]", 3) == "error: header_invalid_utf8");
  CHECK(name_of("[('\xed\xa0\x80', '<i4')]", 3) == "error: header_invalid_utf8");
  // Raw C1 control bytes are escaped by repr(), so a raw one was not written by NumPy.
  CHECK(name_of("[('\x85', '<i4')]", 1) == "error: header_bad_string");
}

TEST_CASE("bytes literals: exactly the escapes repr() of bytes writes", "[header_parser]") {
  auto title_of = [](std::string_view title, int major = 1) -> std::string {
    auto info = parse_dict("{'descr': [((" + std::string(title) +
                               ", 'a'), '<i4')], 'fortran_order': False, 'shape': (1,), }",
                           major);
    if (!info.ok()) return "error: " + std::string(error_name(info.error().code));
    const Field& field = info->dtype.fields.at(0);
    if (field.title_kind != TitleKind::Bytes) return "not bytes";
    return *field.title;
  };
  CHECK(title_of("b't'") == "t");
  CHECK(title_of("b\"it's\"") == "it's");
  CHECK(title_of("b''") == "");
  CHECK(title_of("b'\\x00\\xff\\xAB'") == std::string("\x00\xff\xab", 3));
  CHECK(title_of("b'\\\\\\'\\\"\\t\\n\\r'") == "\\'\"\t\n\r");
  CHECK(title_of("b't'", 3) == "t");
  // \u is no escape in a bytes literal (Python keeps the six bytes); repr() never writes it.
  CHECK(title_of("b'\\u0041'") == "error: header_bad_string");
  CHECK(title_of("b'\\a'") == "error: header_bad_string");
  CHECK(title_of("b'\\101'") == "error: header_bad_string");
  CHECK(title_of("b'\\x4'") == "error: header_bad_string");
  CHECK(title_of("b'\\x4g'") == "error: header_bad_string");
  // Python refuses a non-ASCII byte in a bytes literal; repr() escapes controls.
  CHECK(title_of("b'\xe9'") == "error: header_bad_string");
  CHECK(title_of("b'\xc3\xa9'", 3) == "error: header_bad_string");
  CHECK(title_of("b'\t'") == "error: header_bad_string");
  CHECK(title_of("b'\x7f'") == "error: header_bad_string");
  CHECK(title_of("b'abc") == "error: header_bad_string");
  CHECK(title_of("b'abc\\") == "error: header_bad_string");
}

TEST_CASE("header limits are checked", "[header_parser][limits]") {
  Limits limits;
  limits.max_ndim = 3;
  CHECK(code_of("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1)}", 1, limits) ==
        ErrorCode::TooManyDimensions);
  CHECK_FALSE(code_of("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1)}", 1, limits)
                  .has_value());
  limits = Limits{};
  limits.max_dim_digits = 3;
  CHECK(code_of("{'descr': '<f8', 'fortran_order': False, 'shape': (1000,)}", 1, limits) ==
        ErrorCode::DimensionTooManyDigits);
  limits = Limits{};
  limits.max_header_bytes = 100;
  auto big =
      parse_npy_header(npy_file(simple_dict("'<f8'", "(3,)") + std::string(200, ' ')), limits);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::HeaderTooLarge);
  CHECK(big.error().offset == 8);
  // NumPy's max_header_size counts characters of the decoded header (len(str) > 10000 is
  // refused); max_header_chars does the same, and max_header_bytes bounds the bytes read.
  const auto v3_header = [](size_t name_chars, size_t total_chars) {
    std::string name;
    for (size_t i = 0; i < name_chars; ++i) name += "\xe6\x97\xa5";  // U+65E5, 3 UTF-8 bytes
    std::string header = simple_dict("[('" + name + "', '<i4')]", "(1,)");
    const size_t chars = header.size() - 2 * name_chars;
    header.append(total_chars - chars - 1, ' ');
    header += '\n';
    return npy_raw(header, 3);
  };
  Bytes at_limit = v3_header(4000, 10000);  // 18,000 bytes, 10,000 characters
  append(at_limit, zeros(4));
  REQUIRE(at_limit.size() - 12 - 4 == 18000);
  auto wide = read_npy(at_limit);
  if (!wide.ok()) FAIL(describe(wide.error()));
  CHECK(wide->dtype().fields.at(0).name.size() == 12000);
  auto over = parse_npy_header(v3_header(4000, 10001));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == ErrorCode::HeaderTooLarge);
  CHECK(over.error().offset == 8);
  limits = Limits{};
  limits.max_header_bytes = 17999;  // the byte bound still applies
  auto too_many_bytes = parse_npy_header(v3_header(4000, 10000), limits);
  REQUIRE_FALSE(too_many_bytes.ok());
  CHECK(too_many_bytes.error().code == ErrorCode::HeaderTooLarge);
  limits.max_header_bytes = 18000;
  CHECK(parse_npy_header(v3_header(4000, 10000), limits).ok());
  // Latin-1 (1.0, 2.0): one character per byte, refused from the declared length alone.
  std::string latin1 = simple_dict("'<f8'", "(3,)");
  latin1.append(10000 - latin1.size() - 1, ' ');
  latin1 += '\n';
  CHECK(parse_npy_header(npy_raw(latin1, 2)).ok());
  latin1.insert(0, " ");
  auto latin1_over = parse_npy_header(npy_raw(latin1, 2));
  REQUIRE_FALSE(latin1_over.ok());
  CHECK(latin1_over.error().code == ErrorCode::HeaderTooLarge);
  limits = Limits{};
  limits.max_header_chars = 0;
  CHECK(code_of(simple_dict("'<f8'", "(3,)"), 1, limits) == ErrorCode::InvalidLimits);
  // 300 nested brackets exceed the parser's recursion bound before any deeper work.
  std::string deep = "{'descr': " + std::string(300, '[') + std::string(300, ']') +
                     ", 'fortran_order': False, 'shape': ()}";
  CHECK(code_of(deep) == ErrorCode::HeaderTooDeep);
  Limits invalid;
  invalid.max_dim_digits = 0;
  CHECK(code_of(simple_dict("'<f8'", "(3,)"), 1, invalid) == ErrorCode::InvalidLimits);
}

TEST_CASE("the canonical fast path matches np.save's layout and agrees with the parser",
          "[header_parser]") {
  const Limits limits;
  // Every NumPy-written fixture: a simple dtype written by np.save must take the fast path, and
  // for every file the fast path's result (when it matches) equals the general parser's.
  size_t matched = 0;
  size_t matched_records = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(NPYGUARD_SOURCE_DIR) / "tests/fixtures/npy")) {
    if (entry.path().extension() != ".npy") continue;
    const Bytes file = read_file(entry.path().string());
    if (file.size() < 10 || static_cast<uint8_t>(file[6]) != 1) continue;  // 1.0 headers
    const size_t length = static_cast<size_t>(file[8]) | (static_cast<size_t>(file[9]) << 8);
    const auto text = std::span<const std::byte>(file).subspan(10, length);
    const auto fast = detail::match_canonical_header(text, 10, limits);
    const auto general =
        detail::parse_header_text_general(text, 10, detail::HeaderEncoding::Latin1, limits);
    INFO(entry.path().filename().string());
    const bool structured = static_cast<char>(text[10]) == '[';
    const bool legacy = entry.path().filename().string().rfind("legacy_", 0) == 0;
    if (!structured && !legacy) CHECK(fast.has_value());
    if (!fast) continue;
    ++matched;
    matched_records += fast->dtype.has_value();
    REQUIRE(general.ok());
    if (fast->dtype) {
      auto built = detail::dtype_from_literal(general->descr, limits);
      REQUIRE(built.ok());
      CHECK(*built == *fast->dtype);
    } else {
      CHECK(fast->descr.text == general->descr.text);
    }
    CHECK(fast->descr.kind == general->descr.kind);
    CHECK(fast->descr.offset == general->descr.offset);
    CHECK(fast->shape == general->shape);
    CHECK(fast->shape_offset == general->shape_offset);
    CHECK(fast->fortran_order == general->fortran_order);
  }
  CHECK(matched > 50);
  CHECK(matched_records > 3);

  // Valid but not canonical, or not valid: left to the general parser.
  const auto bytes_with_newline = [](std::string dict) {
    dict += "\n";
    return bytes_of(dict);
  };
  for (const char* dict : {
           "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4,), }",  // trailing comma
           "{'descr': '<f8', 'fortran_order': False, 'shape': (3,4), }",    // no space
           // Found by fuzz_npy_header: an extra ')' after a 1-d shape was consumed.
           "{'descr': '|S5', 'fortran_order': False, 'shape': (5,)), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': ()), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (3), }",    // not a tuple
           "{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }",  // Python 2 long
           "{'descr': '<f8', 'fortran_order': False, 'shape': (03,), }",  // leading zero
           "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}",  // no ", }"
           "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,), }",
           "{'descr': \"<f8\", 'fortran_order': False, 'shape': (3,), }",
           "{'descr': '<f\\x38', 'fortran_order': False, 'shape': (3,), }",
           "{'fortran_order': False, 'descr': '<f8', 'shape': (3,), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\t",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (1234567890123456789,), }",
       }) {
    INFO(dict);
    CHECK_FALSE(detail::match_canonical_header(bytes_with_newline(dict), 10, limits));
  }
  // Records the fast path leaves to the general parser: its errors, and forms it does not build.
  for (const char* dict : {
           "{'descr': [('a', '<i4'), ('a', '<f8')], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [('', '<i4')], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [('a', '|O')], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [('a', '<i4', (2,))], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [(('t', 'a'), '<i4')], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [('a', [('b', '<i4')])], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [(\"it's\", '<i4')], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [('a\\tb', '<i4')], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [('a', '<i4'),], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [], 'fortran_order': False, 'shape': (3,), }",
           "{'descr': [('a', '|V2000000000'), ('b', '|V2000000000')], 'fortran_order': False, "
           "'shape': (3,), }",
       }) {
    INFO(dict);
    CHECK_FALSE(detail::match_canonical_header(bytes_with_newline(dict), 10, limits));
  }
  std::string wide = "{'descr': [";
  for (size_t i = 0; i <= detail::kMaxSimpleFields; ++i) {
    wide += "('f" + std::to_string(i) + "', '<i4'), ";
  }
  wide.resize(wide.size() - 2);
  wide += "], 'fortran_order': False, 'shape': (3,), }";
  CHECK_FALSE(detail::match_canonical_header(bytes_with_newline(wide), 10, limits));
  // Padding is dropped as the general parser drops it.
  const auto padded = detail::match_canonical_header(
      bytes_with_newline("{'descr': [('a', '<i4'), ('', '|V4'), ('b', '>f8')], "
                         "'fortran_order': False, 'shape': (3,), }"),
      10, limits);
  REQUIRE(padded);
  REQUIRE(padded->dtype);
  CHECK(padded->dtype->itemsize == 16);
  REQUIRE(padded->dtype->fields.size() == 2);
  CHECK(padded->dtype->fields[1].offset == 8);
  const Bytes no_newline = bytes_of("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
  CHECK_FALSE(detail::match_canonical_header(no_newline, 10, limits));
  // Limits apply: more dimensions or digits than allowed is the general parser's error to give.
  Limits tight;
  tight.max_ndim = 1;
  tight.max_dim_digits = 2;
  const Bytes two_dims =
      bytes_with_newline("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }");
  const Bytes three_digits =
      bytes_with_newline("{'descr': '<f8', 'fortran_order': True, 'shape': (300,), }");
  CHECK(detail::match_canonical_header(two_dims, 10, limits));
  CHECK_FALSE(detail::match_canonical_header(two_dims, 10, tight));
  CHECK_FALSE(detail::match_canonical_header(three_digits, 10, tight));
  const auto zero_d =
      detail::match_canonical_header(bytes_with_newline("{'descr': '|b1', 'fortran_order': "
                                                        "False, 'shape': (), }   "),
                                     10, limits);
  REQUIRE(zero_d);
  CHECK(zero_d->shape.empty());
}
