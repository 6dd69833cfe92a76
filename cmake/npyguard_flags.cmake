# SPDX-License-Identifier: Apache-2.0
# npyguard_flags: warnings, hardening and sanitizers for npyguard's own targets. A non-exported
# INTERFACE target linked PRIVATE, so none of this leaks into consumers' builds.
add_library(npyguard_flags INTERFACE)

target_compile_options(npyguard_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast
  -Wnon-virtual-dtor -Wimplicit-fallthrough
  # Designated initializers deliberately leave defaulted members out.
  -Wno-missing-field-initializers)
if(NPYGUARD_WERROR)
  target_compile_options(npyguard_flags INTERFACE -Werror)
endif()

# Which standard library CMAKE_CXX_FLAGS select (-stdlib=libc++ in OSS-Fuzz and ClusterFuzzLite):
# the hardening switch below and the RE2 check in CMakeLists.txt depend on it.
include(CheckCXXSourceCompiles)
check_cxx_source_compiles("#include <version>
  #ifndef _LIBCPP_VERSION
  #error not libc++
  #endif
  int main() {}" NPYGUARD_STDLIB_IS_LIBCXX)

if(NPYGUARD_HARDENING)
  # Checked operator[] on span/vector/string: a logic slip becomes an abort, not a read past the end.
  # The switch belongs to the standard library in use: _GLIBCXX_ASSERTIONS means nothing to libc++,
  # whose switch changed between releases.
  if(NPYGUARD_STDLIB_IS_LIBCXX)
    check_cxx_source_compiles("#include <version>
      #if _LIBCPP_VERSION < 180000
      #error before libc++ 18
      #endif
      int main() {}" NPYGUARD_LIBCXX_18)
    check_cxx_source_compiles("#include <version>
      #if _LIBCPP_VERSION < 150000
      #error before libc++ 15
      #endif
      int main() {}" NPYGUARD_LIBCXX_15)
    if(NPYGUARD_LIBCXX_18)
      # libc++ 18+: the hardening modes; "extensive" checks every bounds precondition and, unlike
      # "debug", keeps the ABI.
      set(_npyguard_libcxx_hardening _LIBCPP_HARDENING_MODE=_LIBCPP_HARDENING_MODE_EXTENSIVE)
    elseif(NPYGUARD_LIBCXX_15)
      # libc++ 15-17: one assertion switch (deprecated in 17 in favour of the modes above).
      set(_npyguard_libcxx_hardening _LIBCPP_ENABLE_ASSERTIONS=1)
    else()
      # libc++ 14 (Debian 12's libc++-14-dev) knows neither: its basic assertions (span and vector
      # operator[] among them, no iterator debugging, no ABI change) are _LIBCPP_DEBUG=0.
      # Verified: an out-of-range span index aborts with "span<T>[] index out of bounds".
      set(_npyguard_libcxx_hardening _LIBCPP_DEBUG=0)
    endif()
    target_compile_definitions(npyguard_flags INTERFACE ${_npyguard_libcxx_hardening})
  else()
    target_compile_definitions(npyguard_flags INTERFACE _GLIBCXX_ASSERTIONS)
  endif()
  target_compile_options(npyguard_flags INTERFACE -fstack-protector-strong)
endif()

if(NPYGUARD_SANITIZE)
  set(_npyguard_san -fsanitize=${NPYGUARD_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Unsigned wraparound is defined behaviour but never intended on sizes from a file.
    # libstdc++'s own headers wrap on purpose (string compare, hashing); only our code is held to it.
    list(APPEND _npyguard_san -fsanitize=unsigned-integer-overflow
         -fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/cmake/ubsan_ignorelist.txt)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow-based warnings misfire on sanitizer-instrumented code (documented in the GCC
    # manual for -fsanitize=address); keep them as warnings there, errors everywhere else.
    list(APPEND _npyguard_san -Wno-error=maybe-uninitialized -Wno-error=stringop-overflow)
  endif()
  target_compile_options(npyguard_flags INTERFACE ${_npyguard_san})
  target_link_options(npyguard_flags INTERFACE ${_npyguard_san})
endif()

# Coverage instrumentation for the library and the targets (the fuzzer runtime links only into fuzz
# targets, through NPYGUARD_FUZZ_ENGINE). The default suits libFuzzer (the fuzz preset);
# fuzz/build.sh empties it, because under the OSS-Fuzz contract the engine's $CFLAGS carry the
# instrumentation it needs (afl-clang-fast instruments by itself and takes no libFuzzer flags).
set(NPYGUARD_FUZZ_INSTRUMENT "-fsanitize=fuzzer-no-link" CACHE STRING
    "Compile flags instrumenting the library and fuzz targets for the fuzzing engine")
if(NPYGUARD_BUILD_FUZZERS AND NPYGUARD_FUZZ_INSTRUMENT)
  separate_arguments(_npyguard_fuzz_instrument UNIX_COMMAND "${NPYGUARD_FUZZ_INSTRUMENT}")
  target_compile_options(npyguard_flags INTERFACE ${_npyguard_fuzz_instrument})
endif()
