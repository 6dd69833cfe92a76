// SPDX-License-Identifier: Apache-2.0
// Header parser implementation. Input: tokens from HeaderLexer over untrusted text; output: a
// literal tree, then HeaderFields with the exact key set. Grammar (EBNF in SECURITY.md):
//   value := string | bytes | integer | "True" | "False" | tuple | list | dict
//   tuple := "(" ")" | "(" value "," ")" | "(" value ("," value)+ [","] ")"
//   list  := "[" [ value ("," value)* [","] ] "]"
//   dict  := "{" [ value ":" value ("," value ":" value)* [","] ] "}"
#include "npy/header_parser.h"

#include <array>
#include <optional>
#include <utility>

#include "base/work_meter.h"

namespace npyguard::detail {
namespace {

Error error_at(ErrorCode code, uint64_t offset, const char* detail) {
  return Error{.code = code, .offset = offset, .detail = detail};
}

class LiteralParser {
 public:
  explicit LiteralParser(HeaderLexer& lexer) : lexer_(lexer) {}

  Status start() {
    NPYGUARD_ASSIGN_OR_RETURN(current_, lexer_.next());
    return ok_status();
  }
  const Token& current() const { return current_; }

  Result<Literal> parse_value(uint32_t depth) {
    if (depth > kMaxLiteralDepth) {
      return error_at(ErrorCode::HeaderTooDeep, current_.offset, "brackets nested too deeply");
    }
    charge(1);  // one literal node: bounded by the tokens, so by the header bytes
    Literal literal;
    literal.offset = current_.offset;
    switch (current_.kind) {
      case TokenKind::String:
      case TokenKind::Bytes:
        literal.kind =
            current_.kind == TokenKind::String ? Literal::Kind::String : Literal::Kind::Bytes;
        literal.text = std::move(current_.text);
        NPYGUARD_TRY(advance());
        if (current_.kind == TokenKind::String || current_.kind == TokenKind::Bytes) {
          return error_at(ErrorCode::HeaderSyntax, current_.offset,
                          "adjacent string literals (implicit concatenation) are refused");
        }
        return literal;
      case TokenKind::Integer:
        literal.kind = Literal::Kind::Integer;
        literal.integer = current_.integer;
        literal.negative = current_.negative;
        NPYGUARD_TRY(advance());
        return literal;
      case TokenKind::True:
      case TokenKind::False:
        literal.kind = Literal::Kind::Bool;
        literal.boolean = current_.kind == TokenKind::True;
        NPYGUARD_TRY(advance());
        return literal;
      case TokenKind::LParen:
        return parse_sequence(std::move(literal), Literal::Kind::Tuple, TokenKind::RParen, depth);
      case TokenKind::LBracket:
        return parse_sequence(std::move(literal), Literal::Kind::List, TokenKind::RBracket, depth);
      case TokenKind::LBrace:
        return parse_dict(std::move(literal), depth);
      case TokenKind::End:
        return error_at(ErrorCode::HeaderSyntax, current_.offset, "header ends inside a value");
      default:
        return error_at(ErrorCode::HeaderSyntax, current_.offset, "expected a value");
    }
  }

 private:
  Status advance() {
    NPYGUARD_ASSIGN_OR_RETURN(current_, lexer_.next());
    return ok_status();
  }

  Status expect(TokenKind kind, const char* detail) {
    if (current_.kind != kind) return error_at(ErrorCode::HeaderSyntax, current_.offset, detail);
    return advance();
  }

  Result<Literal> parse_sequence(Literal literal, Literal::Kind kind, TokenKind close,
                                 uint32_t depth) {
    literal.kind = kind;
    // Tuples in headers hold 2 or 3 items (a field) or a few dimensions; lists hold fields.
    literal.items.reserve(kind == Literal::Kind::Tuple ? 3 : 8);
    NPYGUARD_TRY(advance());  // the opening bracket
    bool saw_comma = false;
    while (current_.kind != close) {
      NPYGUARD_ASSIGN_OR_RETURN(Literal item, parse_value(depth + 1));
      literal.items.push_back(std::move(item));
      if (current_.kind == TokenKind::Comma) {
        saw_comma = true;
        NPYGUARD_TRY(advance());
        continue;
      }
      if (current_.kind != close) {
        return error_at(ErrorCode::HeaderSyntax, current_.offset,
                        "expected ',' or a closing bracket");
      }
    }
    // "(x)" is a parenthesised x in Python, not a tuple; NumPy never writes it, and accepting
    // it would make "(3)" mean shape 3 for us and an error for NumPy.
    if (kind == Literal::Kind::Tuple && literal.items.size() == 1 && !saw_comma) {
      return error_at(ErrorCode::HeaderSyntax, literal.offset,
                      "a one-element tuple needs a trailing comma");
    }
    NPYGUARD_TRY(advance());  // the closing bracket
    return literal;
  }

  Result<Literal> parse_dict(Literal literal, uint32_t depth) {
    literal.kind = Literal::Kind::Dict;
    NPYGUARD_TRY(advance());  // '{'
    while (current_.kind != TokenKind::RBrace) {
      NPYGUARD_ASSIGN_OR_RETURN(Literal key, parse_value(depth + 1));
      NPYGUARD_TRY(expect(TokenKind::Colon, "expected ':' after a dict key"));
      NPYGUARD_ASSIGN_OR_RETURN(Literal value, parse_value(depth + 1));
      literal.items.push_back(std::move(key));
      literal.items.push_back(std::move(value));
      if (current_.kind == TokenKind::Comma) {
        NPYGUARD_TRY(advance());
        continue;
      }
      if (current_.kind != TokenKind::RBrace) {
        return error_at(ErrorCode::HeaderSyntax, current_.offset, "expected ',' or '}'");
      }
    }
    NPYGUARD_TRY(advance());  // '}'
    return literal;
  }

  HeaderLexer& lexer_;
  Token current_;
};

enum class Key : uint8_t { Descr, FortranOrder, Shape };
constexpr std::array<std::string_view, 3> kKeyNames = {"descr", "fortran_order", "shape"};

Result<std::vector<uint64_t>> shape_from_literal(const Literal& literal, const Limits& limits) {
  if (literal.kind != Literal::Kind::Tuple) {
    return error_at(ErrorCode::HeaderBadValue, literal.offset,
                    "'shape' must be a tuple of integers");
  }
  if (literal.items.size() > limits.max_ndim) {
    return Error{.code = ErrorCode::TooManyDimensions,
                 .offset = literal.offset,
                 .detail = "the shape has {found} dimensions; max_ndim is {limit}",
                 .found = literal.items.size(),
                 .bound = limits.max_ndim};
  }
  std::vector<uint64_t> shape;
  shape.reserve(literal.items.size());
  for (const Literal& dim : literal.items) {
    if (dim.kind != Literal::Kind::Integer) {
      return error_at(ErrorCode::HeaderBadValue, dim.offset,
                      "every dimension must be an integer (not a bool, string or tuple)");
    }
    if (dim.negative) {
      return error_at(ErrorCode::NegativeDimension, dim.offset, "negative dimension");
    }
    shape.push_back(dim.integer);
  }
  return shape;
}

}  // namespace

Result<Literal> parse_single_literal(HeaderLexer& lexer) {
  NPYGUARD_TRY(lexer.validate_text());
  LiteralParser parser(lexer);
  NPYGUARD_TRY(parser.start());
  NPYGUARD_ASSIGN_OR_RETURN(Literal literal, parser.parse_value(0));
  if (parser.current().kind != TokenKind::End) {
    return error_at(ErrorCode::HeaderSyntax, parser.current().offset,
                    "text after the end of the literal");
  }
  return literal;
}

Result<HeaderFields> parse_header_text_general(std::span<const std::byte> text,
                                               uint64_t base_offset, HeaderEncoding encoding,
                                               const Limits& limits) {
  // np.save always ends the header with '\n', but NumPy's reader (ast.literal_eval) does not
  // need it, and other writers (a Go one) end with the padding spaces alone; either way the
  // header means the same, so the final newline is optional. A newline anywhere else is still
  // refused by the lexer.
  const bool has_newline = !text.empty() && static_cast<uint8_t>(text.back()) == '\n';
  HeaderLexer lexer(has_newline ? text.first(text.size() - 1) : text, base_offset, encoding,
                    limits);
  NPYGUARD_ASSIGN_OR_RETURN(Literal dict, parse_single_literal(lexer));
  if (dict.kind != Literal::Kind::Dict) {
    return error_at(ErrorCode::HeaderBadValue, dict.offset, "the header must be a dict literal");
  }

  std::array<std::optional<size_t>, 3> value_index{};
  for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
    const Literal& key = dict.items[i];
    if (key.kind != Literal::Kind::String) {
      return error_at(ErrorCode::HeaderUnknownKey, key.offset, "header keys must be strings");
    }
    size_t which = kKeyNames.size();
    for (size_t k = 0; k < kKeyNames.size(); ++k) {
      if (key.text == kKeyNames[k]) which = k;
    }
    if (which == kKeyNames.size()) {
      return error_at(ErrorCode::HeaderUnknownKey, key.offset,
                      "only 'descr', 'fortran_order' and 'shape' are allowed");
    }
    if (value_index[which]) {
      return error_at(ErrorCode::HeaderDuplicateKey, key.offset, "key appears twice");
    }
    value_index[which] = i + 1;
  }
  for (size_t k = 0; k < kKeyNames.size(); ++k) {
    if (!value_index[k]) {
      return error_at(
          ErrorCode::HeaderMissingKey, dict.offset,
          k == 0 ? "missing 'descr'" : (k == 1 ? "missing 'fortran_order'" : "missing 'shape'"));
    }
  }

  HeaderFields fields;
  const Literal& fortran = dict.items[*value_index[static_cast<size_t>(Key::FortranOrder)]];
  if (fortran.kind != Literal::Kind::Bool) {
    return error_at(ErrorCode::HeaderBadValue, fortran.offset,
                    "'fortran_order' must be True or False");
  }
  fields.fortran_order = fortran.boolean;
  const Literal& shape = dict.items[*value_index[static_cast<size_t>(Key::Shape)]];
  NPYGUARD_ASSIGN_OR_RETURN(fields.shape, shape_from_literal(shape, limits));
  fields.shape_offset = shape.offset;
  fields.descr = std::move(dict.items[*value_index[static_cast<size_t>(Key::Descr)]]);
  return fields;
}

}  // namespace npyguard::detail
