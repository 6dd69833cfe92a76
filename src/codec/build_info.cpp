// SPDX-License-Identifier: Apache-2.0
// build_info(): the library's version and the versions of zlib, libdeflate and RE2 it was built
// with, for `npyguard --version` and bug reports. Input: none; output: static strings. RE2 has
// no version in its headers, so CMake passes what it found at configure time
// (NPYGUARD_RE2_VERSION).
#include "codec/crc32.h"
#include "codec/inflate.h"
#include "npyguard/version.h"

#ifndef NPYGUARD_RE2_VERSION
#define NPYGUARD_RE2_VERSION "unknown"
#endif

namespace npyguard {

BuildInfo build_info() noexcept {
  return BuildInfo{.version = kVersion,
                   .zlib_header = detail::zlib_header_version(),
                   .zlib_runtime = detail::zlib_runtime_version(),
                   .libdeflate = detail::libdeflate_version(),
                   .re2 = NPYGUARD_RE2_VERSION};
}

}  // namespace npyguard
