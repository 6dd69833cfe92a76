// Shared helpers for fuzz targets: input size guard, invariant traps, option bits from a trailing
// byte. Targets are stateless: nothing here keeps data between runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

// Inputs larger than this are skipped: every interesting .npy structure fits, and bigger inputs
// only slow the fuzzer down (re2's fuzzer guards its inputs the same way).
inline constexpr size_t kMaxFuzzInput = 1 << 16;

// An invariant the library promises; a violation is a bug the fuzzer must report.
#define NPYGUARD_FUZZ_ASSERT(cond) \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (false)

inline std::span<const std::byte> fuzz_bytes(const uint8_t* data, size_t size) {
  return std::as_bytes(std::span<const uint8_t>(data, size));
}
