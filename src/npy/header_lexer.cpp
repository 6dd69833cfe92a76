// SPDX-License-Identifier: Apache-2.0
// Header lexer implementation. Input: untrusted header bytes (the exact range the preamble
// declared); output: well-formed tokens or an Error at the offending byte. Strings accept exactly
// the escapes Python's repr() emits (plus \" for writers that use double quotes); raw control
// characters, NUL and code points that are not Unicode scalar values are refused. Bytes literals
// (b'...', which NumPy writes for bytes field titles) accept exactly what repr() of a bytes
// object emits: printable ASCII, and \\ \' \" \t \n \r \xhh for everything else.
#include "npy/header_lexer.h"

#include <charconv>
#include <cstdint>
#include <limits>

#include "base/checked_math.h"
#include "base/utf8.h"
#include "base/work_meter.h"

namespace npyguard::detail {
namespace {

bool is_digit(uint8_t c) noexcept { return c >= '0' && c <= '9'; }
bool is_name_start(uint8_t c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(uint8_t c) noexcept { return is_name_start(c) || is_digit(c); }
// C0 controls, DEL and C1 controls: Python's repr() always escapes these, so a raw one inside a
// string literal was not written by NumPy and is refused.
bool is_control(uint32_t cp) noexcept { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

int hex_value(uint8_t c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error error_at(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

}  // namespace

Status HeaderLexer::validate_text() const {
  for (size_t i = 0; i < text_.size(); ++i) {
    if (byte_at(i) == 0) {
      return error_at(ErrorCode::HeaderNulByte, offset_of(i), "NUL byte in the header");
    }
  }
  if (encoding_ == HeaderEncoding::Utf8) {
    size_t i = 0;
    while (i < text_.size()) {
      uint32_t cp = 0;
      const size_t length = decode_utf8(text_, i, cp);
      if (length == 0) {
        return error_at(ErrorCode::HeaderInvalidUtf8, offset_of(i),
                        "invalid UTF-8 sequence in a version 3.0 header");
      }
      i += length;
    }
  }
  return ok_status();
}

Result<Token> HeaderLexer::next() {
  charge(1);  // one token; every token but End consumes at least one byte
  while (pos_ < text_.size() && (byte_at(pos_) == ' ' || byte_at(pos_) == '\t')) ++pos_;
  const uint64_t start = offset_of(pos_);
  if (pos_ == text_.size()) return Token{.kind = TokenKind::End, .offset = start};

  const uint8_t c = byte_at(pos_);
  auto punct = [&](TokenKind kind) -> Result<Token> {
    ++pos_;
    return Token{.kind = kind, .offset = start};
  };
  switch (c) {
    case '{':
      return punct(TokenKind::LBrace);
    case '}':
      return punct(TokenKind::RBrace);
    case '(':
      return punct(TokenKind::LParen);
    case ')':
      return punct(TokenKind::RParen);
    case '[':
      return punct(TokenKind::LBracket);
    case ']':
      return punct(TokenKind::RBracket);
    case ':':
      return punct(TokenKind::Colon);
    case ',':
      return punct(TokenKind::Comma);
    case '\'':
    case '"':
      return lex_string(start);
    case '\n':
      return error_at(ErrorCode::HeaderBadTerminator, start,
                      "newline before the end of the header (only the last byte may be one)");
    default:
      break;
  }
  if (is_digit(c) || c == '-') return lex_integer(start);
  if (is_name_start(c)) return lex_name(start);
  if (c >= 0x80 || c < 0x20 || c == 0x7F) {
    return error_at(ErrorCode::HeaderNonAsciiOutsideString, start,
                    "non-ASCII or control byte outside a string literal");
  }
  return error_at(ErrorCode::HeaderSyntax, start,
                  "character not allowed in the header (operators, comments and calls are not "
                  "literals)");
}

Result<Token> HeaderLexer::lex_name(uint64_t start) {
  const size_t begin = pos_;
  while (pos_ < text_.size() && is_name_char(byte_at(pos_))) ++pos_;
  const auto name = text_.subspan(begin, pos_ - begin);
  const auto equals = [&](std::string_view word) {
    if (word.size() != name.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (static_cast<uint8_t>(name[i]) != static_cast<uint8_t>(word[i])) return false;
    }
    return true;
  };
  if (equals("True")) return Token{.kind = TokenKind::True, .offset = start};
  if (equals("False")) return Token{.kind = TokenKind::False, .offset = start};
  // repr() of a bytes object is b'...' with a lower-case b; B'', rb'' and br'' never.
  if (equals("b") && pos_ < text_.size() && (byte_at(pos_) == '\'' || byte_at(pos_) == '"')) {
    return lex_bytes(start);
  }
  if (name.size() <= 2 && pos_ < text_.size() && (byte_at(pos_) == '\'' || byte_at(pos_) == '"')) {
    return error_at(ErrorCode::HeaderBadString, start,
                    "string prefixes other than b (u'', r'', f'', B'', rb'') are not accepted");
  }
  return error_at(ErrorCode::HeaderSyntax, start, "names other than True and False are refused");
}

Result<Token> HeaderLexer::lex_integer(uint64_t start) {
  Token token{.kind = TokenKind::Integer, .offset = start};
  if (byte_at(pos_) == '-') {
    token.negative = true;
    ++pos_;
    if (pos_ == text_.size() || !is_digit(byte_at(pos_))) {
      return error_at(ErrorCode::HeaderSyntax, start, "'-' is only accepted before digits");
    }
  }
  const size_t digits_begin = pos_;
  while (pos_ < text_.size() && is_digit(byte_at(pos_))) ++pos_;
  const size_t digit_count = pos_ - digits_begin;

  // Python 2 wrote longs as "3L"; NumPy still reads that in 1.0/2.0 headers (its
  // _filter_header), so npyguard does too, and nowhere else.
  if (pos_ < text_.size() && byte_at(pos_) == 'L' && encoding_ == HeaderEncoding::Latin1) {
    ++pos_;
  }
  if (pos_ < text_.size() && (is_name_char(byte_at(pos_)) || byte_at(pos_) == '.')) {
    return error_at(ErrorCode::HeaderBadInteger, start,
                    "only plain decimal integers are accepted (no hex, octal, underscores, "
                    "exponents or fractions)");
  }
  if (digit_count > 1 && byte_at(digits_begin) == '0') {
    return error_at(ErrorCode::HeaderBadInteger, start, "leading zeros are not accepted");
  }
  if (digit_count > limits_.max_dim_digits) {
    return Error{.code = ErrorCode::DimensionTooManyDigits,
                 .offset = start,
                 .detail = "an integer has {found} digits; max_dim_digits is {limit}",
                 .found = digit_count,
                 .bound = limits_.max_dim_digits};
  }
  uint64_t value = 0;
  for (size_t i = digits_begin; i < digits_begin + digit_count; ++i) {
    const auto digit = static_cast<uint64_t>(byte_at(i) - '0');
    const auto scaled = checked_mul<uint64_t>(value, 10);
    const auto next = scaled ? checked_add<uint64_t>(*scaled, digit) : std::nullopt;
    if (!next) {
      return error_at(ErrorCode::HeaderBadInteger, start, "integer does not fit in 64 bits");
    }
    value = *next;
  }
  // NumPy holds dimensions in npy_intp (int64 here); anything larger cannot describe an array.
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return error_at(ErrorCode::HeaderBadInteger, start, "integer does not fit in int64");
  }
  token.integer = value;
  // Python reads "-0" as 0 (there is no negative zero integer), so a sign on zero is dropped
  // here and "-0" means exactly what "0" means everywhere an integer is accepted.
  token.negative = token.negative && value != 0;
  return token;
}

Status HeaderLexer::append_raw_char(std::string& out) {
  const uint64_t at = offset_of(pos_);
  uint32_t cp = 0;
  if (encoding_ == HeaderEncoding::Latin1) {
    cp = byte_at(pos_);
    ++pos_;
  } else {
    const size_t length = decode_utf8(text_, pos_, cp);
    if (length == 0) {
      return error_at(ErrorCode::HeaderInvalidUtf8, at, "invalid UTF-8 in a string literal");
    }
    pos_ += length;
  }
  if (is_control(cp)) {
    return error_at(ErrorCode::HeaderBadString, at,
                    "raw control character in a string literal (repr() escapes these)");
  }
  append_utf8(out, cp);
  return ok_status();
}

Status HeaderLexer::append_escape(std::string& out, uint64_t escape_start) {
  // pos_ is just past the backslash.
  if (pos_ == text_.size()) {
    return error_at(ErrorCode::HeaderBadString, escape_start, "unterminated escape");
  }
  const uint8_t kind = byte_at(pos_);
  ++pos_;
  size_t hex_digits = 0;
  switch (kind) {
    case '\\':
      out += '\\';
      return ok_status();
    case '\'':
      out += '\'';
      return ok_status();
    case '"':
      out += '"';
      return ok_status();
    case 't':
      out += '\t';
      return ok_status();
    case 'n':
      out += '\n';
      return ok_status();
    case 'r':
      out += '\r';
      return ok_status();
    case 'x':
      hex_digits = 2;
      break;
    case 'u':
      hex_digits = 4;
      break;
    case 'U':
      hex_digits = 8;
      break;
    default:
      return error_at(ErrorCode::HeaderBadString, escape_start,
                      "escape sequence that repr() never writes");
  }
  if (hex_digits > text_.size() - pos_) {
    return error_at(ErrorCode::HeaderBadString, escape_start, "truncated hex escape");
  }
  uint32_t cp = 0;
  for (size_t i = 0; i < hex_digits; ++i) {
    const int digit = hex_value(byte_at(pos_ + i));
    if (digit < 0) {
      return error_at(ErrorCode::HeaderBadString, escape_start, "bad hex digit in an escape");
    }
    if (cp > (kMaxCodePoint >> 4)) {
      return error_at(ErrorCode::HeaderBadString, escape_start, "escape above U+10FFFF");
    }
    cp = (cp << 4) | static_cast<uint32_t>(digit);
  }
  pos_ += hex_digits;
  if (cp > kMaxCodePoint || is_surrogate(cp)) {
    return error_at(ErrorCode::HeaderBadString, escape_start,
                    "escape is a surrogate or above U+10FFFF (names must be valid Unicode)");
  }
  if (cp == 0) {
    return error_at(ErrorCode::HeaderBadString, escape_start,
                    "escaped NUL in a string (C callers would see a truncated name)");
  }
  append_utf8(out, cp);
  return ok_status();
}

Result<Token> HeaderLexer::lex_bytes(uint64_t start) {
  // pos_ is at the opening quote, just past the 'b'.
  const uint8_t quote = byte_at(pos_);
  ++pos_;
  Token token{.kind = TokenKind::Bytes, .offset = start};
  while (true) {
    if (pos_ == text_.size() || byte_at(pos_) == '\n') {
      return error_at(ErrorCode::HeaderBadString, start, "unterminated bytes literal");
    }
    const uint64_t at = offset_of(pos_);
    const uint8_t c = byte_at(pos_);
    ++pos_;
    if (c == quote) return token;
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      token.text += static_cast<char>(c);
      continue;
    }
    if (c != '\\') {
      // Python refuses non-ASCII bytes in a bytes literal; repr() escapes controls.
      return error_at(ErrorCode::HeaderBadString, at,
                      "raw control or non-ASCII byte in a bytes literal (repr() escapes these)");
    }
    if (pos_ == text_.size()) {
      return error_at(ErrorCode::HeaderBadString, at, "unterminated escape");
    }
    const uint8_t kind = byte_at(pos_);
    ++pos_;
    switch (kind) {
      case '\\':
      case '\'':
      case '"':
        token.text += static_cast<char>(kind);
        continue;
      case 't':
        token.text += '\t';
        continue;
      case 'n':
        token.text += '\n';
        continue;
      case 'r':
        token.text += '\r';
        continue;
      case 'x':
        break;
      default:
        // \u and \U are not escapes in a bytes literal (Python keeps them as six or ten
        // bytes); \a, octal and the rest are never written by repr().
        return error_at(ErrorCode::HeaderBadString, at,
                        "escape sequence that repr() of bytes never writes");
    }
    const int high = pos_ < text_.size() ? hex_value(byte_at(pos_)) : -1;
    const int low = pos_ + 1 < text_.size() ? hex_value(byte_at(pos_ + 1)) : -1;
    if (high < 0 || low < 0) {
      return error_at(ErrorCode::HeaderBadString, at, "\\x needs two hex digits");
    }
    pos_ += 2;
    token.text += static_cast<char>((high << 4) | low);
  }
}

Result<Token> HeaderLexer::lex_string(uint64_t start) {
  const uint8_t quote = byte_at(pos_);
  ++pos_;
  Token token{.kind = TokenKind::String, .offset = start};
  while (true) {
    if (pos_ == text_.size() || byte_at(pos_) == '\n') {
      return error_at(ErrorCode::HeaderBadString, start, "unterminated string literal");
    }
    const uint8_t c = byte_at(pos_);
    if (c == quote) {
      ++pos_;
      return token;
    }
    if (c == '\\') {
      const uint64_t escape_start = offset_of(pos_);
      ++pos_;
      NPYGUARD_TRY(append_escape(token.text, escape_start));
    } else if (c >= 0x20 && c < 0x7F) {
      // A run of printable ASCII (the whole of most names) needs no decoding: copy it at once.
      size_t end = pos_ + 1;
      while (end < text_.size()) {
        const uint8_t next = byte_at(end);
        if (next < 0x20 || next >= 0x7F || next == quote || next == '\\') break;
        ++end;
      }
      token.text.append(reinterpret_cast<const char*>(text_.data()) + pos_,  // NOLINT: bytes
                        end - pos_);
      pos_ = end;
    } else {
      NPYGUARD_TRY(append_raw_char(token.text));
    }
  }
}

}  // namespace npyguard::detail
