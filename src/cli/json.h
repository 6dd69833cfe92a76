// SPDX-License-Identifier: Apache-2.0
// A minimal JSON emitter for the CLI's --json output. Input: strings that may come from hostile
// files or from argv (field names, titles, paths), so they may hold control characters or bytes
// that are not UTF-8; output: always valid, single-line JSON text. Not a parser, and not a general
// library: only what the CLI writes (objects, arrays, strings, integers, booleans, null).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace npyguard::cli {

// Appends `text` to `out` as a quoted JSON string literal. `"` and `\` are escaped, every byte
// below 0x20 and DEL become \u00XX (never a raw control byte, so output cannot drive a terminal),
// U+2028/U+2029 become \u2028/\u2029 (JavaScript line terminators), and each byte that does not
// belong to a well-formed UTF-8 sequence becomes \ufffd, so the result is valid UTF-8 whatever
// the input.
void append_json_string(std::string& out, std::string_view text);

// Length of the well-formed UTF-8 sequence starting at text[pos] (a byte >= 0x80), or 0 when the
// bytes there are not one (Unicode 15 table 3-7: no overlong forms, surrogates, or code points
// above U+10FFFF).
size_t utf8_sequence_length(std::string_view text, size_t pos);

// True when `text` is well-formed UTF-8 (so append_json_string replaced nothing in it).
bool is_valid_utf8(std::string_view text) noexcept;

// Two lower-case hex digits per byte: "\xff/a" -> "ff2f61".
std::string hex_bytes(std::string_view bytes);

// Builds one JSON value, inserting commas and colons itself. Callers pair every begin_* with its
// end_* and give every member of an object a key(); the writer does not diagnose misuse beyond
// that because all its input comes from this program's own code.
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  // Distinct names instead of overloads: a string literal would otherwise bind to bool.
  JsonWriter& string(std::string_view text);
  JsonWriter& number(uint64_t value);
  JsonWriter& integer(int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // A complete value this program rendered earlier with another JsonWriter (kept as text so a
  // summary costs its bytes, not the structure it came from).
  JsonWriter& raw(std::string_view json_value);

  // The text written so far (complete once every container is closed), or since the last
  // drain_to.
  const std::string& text() const noexcept { return out_; }
  // Writes the text so far to `out` and forgets it, so a long value (an archive of many
  // members) never has to be held in memory whole; the nesting state is kept.
  void drain_to(std::ostream& out);

 private:
  // Emits the separator a new value needs at the current position.
  void start_value();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string out_;
  // One entry per open container: true until its first element has been written.
  std::vector<bool> first_in_container_;
  bool after_key_ = false;
};

}  // namespace npyguard::cli
