// SPDX-License-Identifier: Apache-2.0
// Shared helpers for fuzz targets: input size guard, invariant traps, option bits and lowered
// limits chosen by the input, and the cost invariant (library work within a constant times the
// bytes examined). Targets are stateless: nothing here keeps data between runs (the work meter
// is reset at the start of every input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "base/work_meter.h"
#include "npyguard/limits.h"

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

// ---- Options from the input ----------------------------------------------------------------
//
// One options byte, shared by every target so each option's code paths are fuzzed everywhere:
//   bit 0 allow_trailing_data     bit 1 normalize_bool     bit 2 allow_invalid_unicode
//   bit 3 strict_alignment        bit 4 skip_non_npy_members
//   bits 5-7 == 7, byte not 0xFF: apply one lowered limit, chosen by a second byte
//   (fuzz_restrict). 0xFF is excluded because -1 and NaN payloads end in it (19 of the 130
//   fuzz_npy seeds), and those seeds should keep the default limits.
// Whole-file targets take it from the last byte (fuzz_limits_from_tail): a ZIP's last byte is
// its comment's (0 without one), so archive seeds keep the defaults and the fuzzer reaches the
// options by adding a comment; bits 0-2 keep the meaning fuzz_npy gave them before. Lowered
// limits need the three top bits set, so most payload bytes leave the limits alone and the old
// seeds still reach deep.
inline constexpr uint8_t kFuzzRestrictBits = 0xE0;

inline void fuzz_toggles(npyguard::Limits& limits, uint8_t bits) {
  limits.allow_trailing_data = (bits & 1) != 0;
  limits.normalize_bool = (bits & 2) != 0;
  limits.allow_invalid_unicode = (bits & 4) != 0;
  limits.strict_alignment = (bits & 8) != 0;
  limits.skip_non_npy_members = (bits & 16) != 0;
}

// Lowers one group of limits (which & 7; 0 leaves them). Each value sits just below what the
// seeds need, so both sides of every check are reached.
inline void fuzz_restrict(npyguard::Limits& limits, uint8_t which) {
  switch (which & 7) {
    case 1:
      limits.max_header_bytes = 128;  // a minimal 1.0 file is 128 bytes with its padding
      limits.max_header_chars = 118;  // the header text of that minimal file
      break;
    case 2:
      limits.max_array_bytes = 256;
      limits.max_total_uncompressed = 1024;
      // Binds on archives that inflate past twice their size: deflate seeds of compressible
      // arrays do, stored ones never (the ratio group keeps every member under 4:1, so the
      // budget could hardly bind there).
      limits.amplification_floor_bytes = 256;
      limits.max_amplification_factor = 2;
      break;
    case 3:
      limits.max_ndim = 2;
      limits.max_dim_digits = 3;
      break;
    case 4:
      limits.max_fields = 4;
      limits.max_dtype_depth = 2;
      break;
    case 5:
      limits.max_members = 2;
      limits.max_member_name_bytes = 12;
      limits.max_total_header_bytes = 256;  // two headers of NumPy's usual 118 bytes
      break;
    case 6:
      limits.max_compression_ratio = 4;
      break;
    case 7:
      limits.allow_fortran_order = false;
      limits.allow_big_endian = false;
      limits.allow_structured = false;
      // NumPy's default keys, and single-letter names.
      limits.member_patterns = {"arr_[0-9]+\\.npy", "[a-z]\\.npy"};
      break;
    default:
      break;
  }
}

inline npyguard::Limits fuzz_limits(uint8_t options, uint8_t restriction) {
  npyguard::Limits limits = npyguard::Limits::for_fuzzing();
  fuzz_toggles(limits, options);
  if ((options & kFuzzRestrictBits) == kFuzzRestrictBits && options != 0xFF) {
    fuzz_restrict(limits, restriction);
  }
  return limits;
}

// Options from the last byte, the lowered limit from the one before it.
inline npyguard::Limits fuzz_limits_from_tail(const uint8_t* data, size_t size) {
  if (size == 0) return npyguard::Limits::for_fuzzing();
  return fuzz_limits(data[size - 1], size >= 2 ? data[size - 2] : 0);
}

// ---- Cost invariant ------------------------------------------------------------------------
//
// The library charges the meter (src/util/work_meter.h) one step per iteration of every loop
// whose trip count the input controls; each target resets it, runs, and traps when the steps
// exceed kWorkPerByte x (bytes examined + 1). "Bytes examined" is what the target handed over or
// got back: the input once per call that parses it, and once per call the payload bytes a call
// produced or converted (an npz member's uncompressed bytes up to where it succeeded or failed).
// A step is one token, literal, field, scan or swap run, chunk, extra record, central entry,
// moved element, or one 64-byte line of a vectorised scan; none may be charged per zero-size
// thing the header claims.
//
// kWorkPerByte, measured 2026-12-02 by replaying every seed and regression input with
// NPYGUARD_WORK_REPORT=1: the highest steps / (examined + 1) per target were fuzz_npy 0.80,
// fuzz_npy_header 0.26, fuzz_dtype 2.0 (the empty input: two steps against an allowance of one
// byte; 0.58 otherwise), fuzz_zip 1.05 (the end-record search charges one step per byte of its
// window), fuzz_npz 1.11, fuzz_npz_structured 1.52, fuzz_roundtrip 1.0; over the corpora that
// 20 s + 60 s of fuzzing grew, still 2.0 (three-byte descrs) and 1.54 otherwise. 4 is twice the
// worst case; it is also small enough to catch the pattern the swap plan fixed: walking 64 fields
// (the fuzzing max_fields) per 2-byte element is 32 steps per payload byte per conversion,
// against an allowance of 4 x 6 examined bytes per payload byte in fuzz_npy.
inline constexpr uint64_t kWorkPerByte = 4;

inline void fuzz_work_start() { npyguard::detail::reset_work_meter(); }

inline void fuzz_work_check(uint64_t examined) {
  if (!npyguard::detail::kWorkMeterEnabled) return;
  const uint64_t work = npyguard::detail::work_done();
  if (work > kWorkPerByte * (examined + 1)) {
    std::fprintf(stderr, "cost invariant: %llu steps for %llu examined bytes (limit %llu x)\n",
                 static_cast<unsigned long long>(work), static_cast<unsigned long long>(examined),
                 static_cast<unsigned long long>(kWorkPerByte));
    __builtin_trap();
  }
}

// Records the ratio for measuring kWorkPerByte: NPYGUARD_WORK_REPORT=1 in the environment makes
// every input print "work <steps> <examined>" (used only by hand, never by CI).
inline void fuzz_work_report(uint64_t examined) {
  if (!npyguard::detail::kWorkMeterEnabled) return;
  if (std::getenv("NPYGUARD_WORK_REPORT") == nullptr) return;
  std::fprintf(stderr, "work %llu %llu\n",
               static_cast<unsigned long long>(npyguard::detail::work_done()),
               static_cast<unsigned long long>(examined));
}

// Both at once, after the run (fuzz_metered below calls it).
inline void fuzz_work_end(uint64_t examined) {
  fuzz_work_report(examined);
  fuzz_work_check(examined);
}

// One metered run of a target: `run(data, size, examined)` adds the bytes it examined, and the
// cost invariant is checked afterwards.
template <class Run>
void fuzz_metered(const uint8_t* data, size_t size, Run&& run) {
  fuzz_work_start();
  uint64_t examined = 0;
  run(data, size, examined);
  fuzz_work_end(examined);
}
