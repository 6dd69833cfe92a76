// SPDX-License-Identifier: Apache-2.0
// The CLI's JSON writer (src/cli/json.h): hostile strings always come out as valid, single-line
// JSON (controls and DEL escaped, U+2028/U+2029 escaped, ill-formed UTF-8 replaced byte by byte
// with U+FFFD), numbers print exactly, separators follow nesting, and drain_to keeps the nesting.
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/json.h"
#include "support/catch.h"

using npyguard::cli::append_json_string;
using npyguard::cli::hex_bytes;
using npyguard::cli::is_valid_utf8;
using npyguard::cli::JsonWriter;
using npyguard::cli::utf8_sequence_length;

namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

struct StringCase {
  std::string_view input;
  std::string_view json;
};

}  // namespace

TEST_CASE("JSON strings escape quotes, backslashes, controls and DEL", "[cli][json]") {
  const std::vector<StringCase> cases = {
      {"", R"("")"},
      {"plain text", R"("plain text")"},
      {"a\"b", R"("a\"b")"},
      {"a\\b", R"("a\\b")"},
      {"/", R"("/")"},  // a solidus needs no escape (RFC 8259 section 7)
      {std::string_view("\0", 1), R"("\u0000")"},
      {"\x01\x1f", R"("\u0001\u001f")"},
      {"line\nbreak\ttab\r", R"("line\u000abreak\u0009tab\u000d")"},
      {"\x1b[31mred", R"("\u001b[31mred")"},  // no raw ESC: the output cannot drive a terminal
      {"\x7f", R"("\u007f")"},
      {" ~", R"(" ~")"},  // the printable ASCII ends pass through
  };
  for (const auto& c : cases) {
    INFO("input " << hex_bytes(c.input));
    CHECK(json_string(c.input) == c.json);
  }
}

TEST_CASE("JSON strings escape U+2028 and U+2029 and keep other UTF-8", "[cli][json]") {
  const std::vector<StringCase> cases = {
      {"\xE2\x80\xA8", R"("\u2028")"},
      {"\xE2\x80\xA9", R"("\u2029")"},
      {"a\xE2\x80\xA8"
       "b\xE2\x80\xA9"
       "c",
       R"("a\u2028b\u2029c")"},
      // Neighbours of the two line terminators are ordinary characters.
      {"\xE2\x80\xA7\xE2\x80\xAA", "\"\xE2\x80\xA7\xE2\x80\xAA\""},
      {"caf\xC3\xA9", "\"caf\xC3\xA9\""},            // U+00E9, two bytes
      {"\xE2\x82\xAC", "\"\xE2\x82\xAC\""},          // U+20AC, three bytes
      {"\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\""},  // U+1F600, four bytes
      {"\xF4\x8F\xBF\xBF", "\"\xF4\x8F\xBF\xBF\""},  // U+10FFFF, the last one
      {"\xC2\x80\xC2\x9F", "\"\xC2\x80\xC2\x9F\""},  // C1 controls are valid UTF-8
  };
  for (const auto& c : cases) {
    INFO("input " << hex_bytes(c.input));
    CHECK(json_string(c.input) == c.json);
  }
}

TEST_CASE("ill-formed UTF-8 becomes U+FFFD, one per byte not in a sequence", "[cli][json]") {
  const std::vector<StringCase> cases = {
      {"\x80", R"("\ufffd")"},  // lone continuation byte
      {"\xBF\x80", R"("\ufffd\ufffd")"},
      {"\xC0\xAF", R"("\ufffd\ufffd")"},  // overlong '/' (C0 and C1 never lead)
      {"\xC1\xBF", R"("\ufffd\ufffd")"},
      {"\xE0\x80\xAF", R"("\ufffd\ufffd\ufffd")"},            // overlong three-byte form
      {"\xF0\x80\x80\xAF", R"("\ufffd\ufffd\ufffd\ufffd")"},  // overlong four-byte form
      {"\xED\xA0\x80", R"("\ufffd\ufffd\ufffd")"},            // U+D800, a surrogate
      {"\xF4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // above U+10FFFF
      {"\xF5\x80\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},
      {"\xFF", R"("\ufffd")"},
      {"\xC3", R"("\ufffd")"},  // truncated at the end of the text
      {"\xE2\x82", R"("\ufffd\ufffd")"},
      {"\xC3(", R"("\ufffd(")"},  // lead byte followed by ASCII
      {"\xE2\x28\xA1", R"("\ufffd(\ufffd")"},
      // A valid sequence right after a bad byte survives.
      {"\xFF\xC3\xA9", "\"\\ufffd\xC3\xA9\""},
      // Replacement never eats a following quote or backslash.
      {"\xC3\"", R"("\ufffd\"")"},
  };
  for (const auto& c : cases) {
    INFO("input " << hex_bytes(c.input));
    CHECK(json_string(c.input) == c.json);
    CHECK_FALSE(is_valid_utf8(c.input));
    CHECK(is_valid_utf8(json_string(c.input)));
  }
}

TEST_CASE("UTF-8 sequence lengths follow Unicode table 3-7", "[cli][json]") {
  CHECK(utf8_sequence_length("\xC2\x80", 0) == 2);
  CHECK(utf8_sequence_length("\xDF\xBF", 0) == 2);
  CHECK(utf8_sequence_length("\xE0\xA0\x80", 0) == 3);
  CHECK(utf8_sequence_length("\xE0\x9F\xBF", 0) == 0);
  CHECK(utf8_sequence_length("\xED\x9F\xBF", 0) == 3);
  CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);
  CHECK(utf8_sequence_length("\xF0\x90\x80\x80", 0) == 4);
  CHECK(utf8_sequence_length("\xF0\x8F\xBF\xBF", 0) == 0);
  CHECK(utf8_sequence_length("\xF4\x8F\xBF\xBF", 0) == 4);
  CHECK(utf8_sequence_length("\xF4\x90\x80\x80", 0) == 0);
  CHECK(utf8_sequence_length("\xE2\x82\x41", 0) == 0);  // third byte not a continuation
  CHECK(utf8_sequence_length("ab\xC3\xA9", 2) == 2);
  CHECK(utf8_sequence_length("ab\xC3", 2) == 0);
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("ascii only"));
  CHECK(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));
}

TEST_CASE("hex_bytes writes two lower-case digits per byte", "[cli][json]") {
  CHECK(hex_bytes("") == "");
  CHECK(hex_bytes("\xff/a") == "ff2f61");
  CHECK(hex_bytes(std::string_view("\0\x0f\xf0", 3)) == "000ff0");
}

TEST_CASE("JSON numbers, booleans and null print exactly", "[cli][json]") {
  JsonWriter json;
  json.begin_array()
      .number(0)
      .number(std::numeric_limits<uint64_t>::max())
      .integer(-1)
      .integer(std::numeric_limits<int64_t>::min())
      .integer(std::numeric_limits<int64_t>::max())
      .boolean(true)
      .boolean(false)
      .null()
      .end_array();
  CHECK(json.text() ==
        "[0, 18446744073709551615, -1, -9223372036854775808, 9223372036854775807, true, false, "
        "null]");
}

TEST_CASE("JSON separators follow nesting", "[cli][json]") {
  SECTION("empty containers") {
    JsonWriter json;
    json.begin_object().key("a").begin_array().end_array().key("o").begin_object().end_object();
    json.end_object();
    CHECK(json.text() == R"({"a": [], "o": {}})");
  }
  SECTION("objects in arrays in objects") {
    JsonWriter json;
    json.begin_object().key("file").string("x.npz").key("members").begin_array();
    json.begin_object().key("name").string("a").key("shape").begin_array().number(2).number(3);
    json.end_array().end_object();
    json.begin_object().key("name").string("b").key("shape").begin_array().end_array();
    json.end_object();
    json.end_array().key("ok").boolean(true).end_object();
    CHECK(json.text() == R"({"file": "x.npz", "members": [{"name": "a", "shape": [2, 3]}, )"
                         R"({"name": "b", "shape": []}], "ok": true})");
  }
  SECTION("keys are escaped like strings") {
    JsonWriter json;
    json.begin_object().key("a\"\n\xFF").null().end_object();
    CHECK(json.text() == R"({"a\"\u000a\ufffd": null})");
  }
  SECTION("raw values take a separator like any other value") {
    JsonWriter inner;
    inner.begin_object().key("n").number(1).end_object();
    JsonWriter json;
    json.begin_array().raw(inner.text()).raw(inner.text()).end_array();
    CHECK(json.text() == R"([{"n": 1}, {"n": 1}])");
  }
  SECTION("a bare top-level value") {
    JsonWriter json;
    json.string("x");
    CHECK(json.text() == R"("x")");
  }
}

TEST_CASE("drain_to writes the text so far and keeps the nesting", "[cli][json]") {
  JsonWriter json;
  std::ostringstream out;
  json.begin_object().key("members").begin_array().number(1);
  json.drain_to(out);
  CHECK(json.text().empty());
  CHECK(out.str() == R"({"members": [1)");
  // The next element still gets its comma, and the containers still close.
  json.number(2);
  json.drain_to(out);
  json.end_array().key("count").number(2).end_object();
  CHECK(json.text() == R"(], "count": 2})");
  json.drain_to(out);
  CHECK(json.text().empty());
  CHECK(out.str() == R"({"members": [1, 2], "count": 2})");
  // Draining nothing writes nothing.
  json.drain_to(out);
  CHECK(out.str() == R"({"members": [1, 2], "count": 2})");
}
