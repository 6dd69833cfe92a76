// SPDX-License-Identifier: Apache-2.0
// The compression door (src/inflate.h): whole-buffer inflate that succeeds only for exactly one
// complete stream of exactly the declared size, and agreement with the streaming inflater.
#include <string>
#include <vector>

#include "codec/inflate.h"
#include "support/bytes.h"
#include "support/catch.h"

using namespace npyguard;
using namespace npyguard::test;

namespace {

Bytes deflate_all(const Bytes& input, int level = 6) {
  detail::Deflater deflater(level);
  Bytes out(input.size() + 1024);
  auto step = deflater.step(input, out, true);
  REQUIRE(step.ok());
  REQUIRE(step->stream_end);
  REQUIRE(step->consumed == input.size());
  out.resize(step->produced);
  return out;
}

bool streaming_inflate_matches(const Bytes& compressed, const Bytes& expected) {
  detail::Inflater inflater;
  Bytes out(expected.size() + 1);
  auto step = inflater.step(compressed, out);
  return step.ok() && step->stream_end && step->consumed == compressed.size() &&
         step->produced == expected.size() &&
         std::equal(expected.begin(), expected.end(), out.begin());
}

}  // namespace

TEST_CASE("whole-buffer inflate accepts exactly one stream of exactly the size", "[inflate]") {
  Bytes input;
  for (int i = 0; i < 100000; ++i) input.push_back(static_cast<std::byte>((i * 7) % 13));
  const Bytes compressed = deflate_all(input);
  REQUIRE(streaming_inflate_matches(compressed, input));

  Bytes out(input.size());
  REQUIRE(detail::inflate_exact(compressed, out));
  CHECK(out == input);

  Bytes short_out(input.size() - 1);
  CHECK_FALSE(detail::inflate_exact(compressed, short_out));  // would overrun the declared size
  Bytes long_out(input.size() + 1);
  CHECK_FALSE(detail::inflate_exact(compressed, long_out));  // ends before the declared size
  Bytes trailing = compressed;
  trailing.push_back(std::byte{0});
  CHECK_FALSE(detail::inflate_exact(trailing, out));  // bytes after the end of the stream
  const Bytes truncated(compressed.begin(), compressed.end() - 3);
  CHECK_FALSE(detail::inflate_exact(truncated, out));
  Bytes corrupt = compressed;
  corrupt[0] = std::byte{0x07};  // final block of the reserved type 3
  CHECK_FALSE(detail::inflate_exact(corrupt, out));
  CHECK_FALSE(detail::inflate_exact({}, out));

  // Empty output: a stream that decodes to nothing is exactly right for a zero-byte member.
  const Bytes empty_stream = deflate_all({});
  CHECK(detail::inflate_exact(empty_stream, std::span<std::byte>()));
}
