// SPDX-License-Identifier: Apache-2.0
// Header lexer: untrusted header bytes -> tokens of the small Python-literal subset npyguard
// accepts (punctuation, quoted strings and b'' bytes literals with repr's escapes, plain decimal
// integers, True/False).
// It gives tokens no meaning; it only guarantees each token is well-formed, decodes strings to
// UTF-8 (from latin-1 for format 1.0/2.0, from validated UTF-8 for 3.0) and records offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "npyguard/limits.h"
#include "npyguard/result.h"

namespace npyguard::detail {

enum class HeaderEncoding : uint8_t {
  Latin1,  // format 1.0 and 2.0
  Utf8,    // format 3.0
};

enum class TokenKind : uint8_t {
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Colon,
  Comma,
  String,
  Bytes,  // b'...': NumPy writes these only as field titles
  Integer,
  True,
  False,
  End,
};

struct Token {
  TokenKind kind = TokenKind::End;
  uint64_t offset = 0;    // absolute file offset of the token's first byte
  std::string text;       // String: decoded UTF-8 contents; Bytes: the bytes
  uint64_t integer = 0;   // Integer: magnitude (fits in int64)
  bool negative = false;  // Integer: written with a leading '-' and not zero ("-0" is 0)
};

class HeaderLexer {
 public:
  // `base_offset` is the file offset of text[0], so token offsets are file-absolute.
  HeaderLexer(std::span<const std::byte> text, uint64_t base_offset, HeaderEncoding encoding,
              const Limits& limits) noexcept
      : text_(text), base_(base_offset), encoding_(encoding), limits_(limits) {}

  // Checks properties of the whole text that no single token can see (NUL bytes, UTF-8).
  Status validate_text() const;
  Result<Token> next();

 private:
  Result<Token> lex_string(uint64_t start);
  Result<Token> lex_bytes(uint64_t start);
  Result<Token> lex_integer(uint64_t start);
  Result<Token> lex_name(uint64_t start);
  // Decodes one raw (unescaped) character of a string literal into `out` as UTF-8.
  Status append_raw_char(std::string& out);
  Status append_escape(std::string& out, uint64_t escape_start);

  uint8_t byte_at(size_t i) const noexcept { return static_cast<uint8_t>(text_[i]); }
  uint64_t offset_of(size_t i) const noexcept { return base_ + i; }

  std::span<const std::byte> text_;
  uint64_t base_;
  HeaderEncoding encoding_;
  const Limits& limits_;
  size_t pos_ = 0;
};

}  // namespace npyguard::detail
