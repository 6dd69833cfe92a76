// Library version, kept equal to the CMake project version.
#pragma once

namespace npyguard {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace npyguard
