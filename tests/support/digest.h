// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the fixture tests: the FNV-1a 64 digest the fixture generators write into
// their manifests, and the manifest's shape spelling.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace npyguard::test {

inline std::string fnv1a64_hex(std::span<const std::byte> bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::byte b : bytes) {
    hash ^= static_cast<uint8_t>(b);
    hash *= 0x100000001b3ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

// "2,3" for (2, 3); "" for a 0-d array.
inline std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) out += (i > 0 ? "," : "") + std::to_string(shape[i]);
  return out;
}

// Splits one tab-separated manifest line (empty trailing columns kept).
inline std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return cols;
    start = tab + 1;
  }
}

}  // namespace npyguard::test
