// SPDX-License-Identifier: Apache-2.0
// The canonical-header matcher: a cursor over the header that only moves forward past bytes it
// has checked; any byte that is not exactly the canonical layout ends the match (nullopt).
#include "npy/header_fast_path.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "npy/dtype_literal.h"

namespace npyguard::detail {
namespace {

// Longest type string NumPy writes for a simple dtype is about 20 bytes ("<m8[10000000000ns]"
// style); longer ones are left to the general parser.
constexpr size_t kMaxTypeString = 32;
// 18 decimal digits always fit in int64 (the general lexer's bound), so no overflow check here.
constexpr size_t kMaxFastDigits = 18;

class Matcher {
 public:
  explicit Matcher(std::span<const std::byte> text) : text_(text) {}

  // Consumes `expected` if the text continues with it; otherwise moves nothing.
  bool literal(std::string_view expected) {
    if (text_.size() - pos_ < expected.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (static_cast<char>(text_[pos_ + i]) != expected[i]) return false;
    }
    pos_ += expected.size();
    return true;
  }
  size_t position() const { return pos_; }

  // A type string: letters, digits and < > | [ ] only (no quote, backslash or escape).
  std::optional<std::string_view> type_string() {
    const size_t start = pos_;
    while (pos_ < text_.size() && pos_ - start <= kMaxTypeString) {
      const auto c = static_cast<char>(text_[pos_]);
      const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '<' || c == '>' || c == '|' || c == '[' ||
                           c == ']';
      if (!allowed) break;
      ++pos_;
    }
    if (pos_ == start || pos_ - start > kMaxTypeString) return std::nullopt;
    return view(start);
  }

  // A field name as repr() writes it in single quotes: printable ASCII other than the quote and
  // the backslash (so no escapes), possibly empty.
  std::string_view plain_name() {
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c < 0x20 || c >= 0x7F || c == '\'' || c == '\\') break;
      ++pos_;
    }
    return view(start);
  }

  // A dimension: digits without a leading zero (a lone 0 is fine), at most `max_digits`.
  bool dimension(size_t max_digits, uint64_t& value) {
    const size_t start = pos_;
    value = 0;
    while (pos_ < text_.size()) {
      const auto c = static_cast<char>(text_[pos_]);
      if (c < '0' || c > '9') break;
      value = value * 10 + static_cast<uint64_t>(c - '0');
      ++pos_;
      if (pos_ - start > max_digits) return false;
    }
    const size_t digits = pos_ - start;
    // Whatever follows ("3L", "1e3", "3.0") must be the tuple's punctuation, checked next.
    return digits > 0 && !(digits > 1 && static_cast<char>(text_[start]) == '0');
  }

  // Spaces to the final '\n', which must be the last byte.
  bool padding_to_end() {
    while (pos_ + 1 < text_.size() && static_cast<char>(text_[pos_]) == ' ') ++pos_;
    return pos_ + 1 == text_.size() && static_cast<char>(text_[pos_]) == '\n';
  }

 private:
  std::string_view view(size_t start) const {
    return {reinterpret_cast<const char*>(text_.data()) + start, pos_ - start};  // NOLINT
  }

  std::span<const std::byte> text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<HeaderFields> match_canonical_header(std::span<const std::byte> text,
                                                   uint64_t base_offset, const Limits& limits) {
  Matcher m(text);
  HeaderFields fields;
  if (!m.literal("{'descr': ")) return std::nullopt;
  fields.descr.offset = base_offset + m.position();
  if (m.literal("[")) {
    // [('name', 'type'), ...]: built straight into a DType.
    fields.descr.kind = Literal::Kind::List;
    std::array<SimpleField, kMaxSimpleFields> entries;
    size_t count = 0;
    do {
      if (count == entries.size() || !m.literal("('")) return std::nullopt;
      const std::string_view name = m.plain_name();
      if (!m.literal("', '")) return std::nullopt;
      const auto type = m.type_string();
      if (!type || !m.literal("')")) return std::nullopt;
      entries[count++] = SimpleField{.name = name, .type_string = *type};
    } while (m.literal(", "));
    if (!m.literal("]")) return std::nullopt;
    fields.dtype = record_from_simple_fields(std::span(entries).first(count), limits);
    if (!fields.dtype) return std::nullopt;
  } else {
    fields.descr.kind = Literal::Kind::String;
    const auto type = m.literal("'") ? m.type_string() : std::nullopt;
    if (!type || !m.literal("'")) return std::nullopt;
    fields.descr.text = std::string(*type);
  }
  if (!m.literal(", 'fortran_order': ")) return std::nullopt;
  if (m.literal("True")) {
    fields.fortran_order = true;
  } else if (m.literal("False")) {
    fields.fortran_order = false;
  } else {
    return std::nullopt;
  }
  if (!m.literal(", 'shape': ")) return std::nullopt;
  fields.shape_offset = base_offset + m.position();
  if (!m.literal("(")) return std::nullopt;
  const size_t max_digits = std::min<size_t>(limits.max_dim_digits, kMaxFastDigits);
  // "()", "(n,)" or "(n, m, ...)" exactly as repr() writes a tuple.
  if (!m.literal(")")) {
    while (true) {
      uint64_t dim = 0;
      if (fields.shape.size() == limits.max_ndim || !m.dimension(max_digits, dim)) {
        return std::nullopt;
      }
      fields.shape.push_back(dim);
      if (fields.shape.size() == 1 ? m.literal(",)") : m.literal(")")) break;
      if (!m.literal(", ")) return std::nullopt;
    }
  }
  if (!m.literal(", }") || !m.padding_to_end()) return std::nullopt;
  return fields;
}

Result<HeaderFields> parse_header_text(std::span<const std::byte> text, uint64_t base_offset,
                                       HeaderEncoding encoding, const Limits& limits) {
  if (auto fields = match_canonical_header(text, base_offset, limits)) return std::move(*fields);
  return parse_header_text_general(text, base_offset, encoding, limits);
}

}  // namespace npyguard::detail
