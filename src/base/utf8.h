// SPDX-License-Identifier: Apache-2.0
// UTF-8 and latin-1 helpers shared by the header lexer, the ZIP name policy, the writer and the
// dtype printer. Input: bytes that may be anything; decoding never reads past the span's end and
// accepts only Unicode scalar values in shortest form (what Python's decoder accepts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace npyguard::detail {

inline constexpr uint32_t kMaxCodePoint = 0x10FFFF;

constexpr bool is_surrogate(uint32_t cp) noexcept { return cp >= 0xD800 && cp <= 0xDFFF; }

// Appends the UTF-8 encoding of a valid scalar value (not a surrogate, <= U+10FFFF).
void append_utf8(std::string& out, uint32_t code_point);

// Decodes one UTF-8 sequence at bytes[pos]; returns its length, or 0 when it is not valid UTF-8
// (overlong, surrogate, above U+10FFFF, truncated).
size_t decode_utf8(std::span<const std::byte> bytes, size_t pos, uint32_t& code_point) noexcept;

// Python's len() of UTF-8 text: every byte that is not a continuation byte starts one character
// (the text must already be valid UTF-8 for the count to mean anything).
uint64_t utf8_char_count(std::span<const std::byte> text) noexcept;

// UTF-8 text -> latin-1 bytes, or nullopt when a code point is above U+00FF or the text is not
// valid UTF-8.
std::optional<std::string> utf8_to_latin1(std::string_view utf8);

}  // namespace npyguard::detail
