// SPDX-License-Identifier: Apache-2.0
// JSON emission for the CLI. Input: arbitrary bytes (file names from argv, field names and titles
// decoded by the library); output: valid UTF-8 JSON with every control byte escaped. The UTF-8
// check follows the well-formed byte sequences of Unicode 15 table 3-7, so overlong forms,
// surrogates and code points above U+10FFFF are all replaced rather than passed through.
#include "json.h"

#include <cstddef>

namespace npyguard::cli {
namespace {

// JSON forbids raw characters below U+0020 inside strings (RFC 8259 section 7).
constexpr unsigned char kFirstPrintable = 0x20;
// DEL is legal JSON but a terminal control character; escaping it costs nothing.
constexpr unsigned char kDelete = 0x7F;
constexpr std::string_view kReplacement = "\\ufffd";

void append_unicode_escape(std::string& out, unsigned code) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) {
    out += kHex[(code >> shift) & 0xFu];
  }
}

bool is_continuation(unsigned char byte) { return (byte & 0xC0u) == 0x80u; }

}  // namespace

// Encodes table 3-7: the second byte's range depends on the lead byte.
size_t utf8_sequence_length(std::string_view text, size_t pos) {
  const auto byte_at = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte_at(pos);
  size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // no overlong forms
    if (lead == 0xED) second_high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // no overlong forms
    if (lead == 0xF4) second_high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (length > text.size() - pos) return 0;
  const unsigned char second = byte_at(pos + 1);
  if (second < second_low || second > second_high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte_at(pos + i))) return 0;
  }
  return length;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      if (byte == '"' || byte == '\\') {
        out += '\\';
        out += static_cast<char>(byte);
      } else if (byte < kFirstPrintable || byte == kDelete) {
        append_unicode_escape(out, byte);
      } else {
        out += static_cast<char>(byte);
      }
      ++pos;
      continue;
    }
    const size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      out += kReplacement;
      ++pos;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) end a line in JavaScript source.
    const std::string_view sequence = text.substr(pos, length);
    if (sequence == "\xE2\x80\xA8" || sequence == "\xE2\x80\xA9") {
      append_unicode_escape(out, sequence == "\xE2\x80\xA8" ? 0x2028u : 0x2029u);
    } else {
      out += sequence;
    }
    pos += length;
  }
  out += '"';
}

bool is_valid_utf8(std::string_view text) noexcept {
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

std::string hex_bytes(std::string_view bytes) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xFu];
  }
  return out;
}

void JsonWriter::start_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_in_container_.empty()) {
    if (!first_in_container_.back()) out_ += ", ";
    first_in_container_.back() = false;
  }
}

JsonWriter& JsonWriter::open(char bracket) {
  start_value();
  out_ += bracket;
  first_in_container_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  if (!first_in_container_.empty()) first_in_container_.pop_back();
  out_ += bracket;
  return *this;
}

void JsonWriter::drain_to(std::ostream& out) {
  out << out_;
  out_.clear();
}

JsonWriter& JsonWriter::begin_object() { return open('{'); }
JsonWriter& JsonWriter::end_object() { return close('}'); }
JsonWriter& JsonWriter::begin_array() { return open('['); }
JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
  start_value();
  append_json_string(out_, name);
  out_ += ": ";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  start_value();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::number(uint64_t value) {
  start_value();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::integer(int64_t value) {
  start_value();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  start_value();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  start_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json_value) {
  start_value();
  out_ += json_value;
  return *this;
}

}  // namespace npyguard::cli
