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

if(NPYGUARD_HARDENING)
  # Checked operator[] on span/vector/string: a logic slip becomes an abort, not a read past the end.
  target_compile_definitions(npyguard_flags INTERFACE _GLIBCXX_ASSERTIONS)
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

if(NPYGUARD_BUILD_FUZZERS)
  # Coverage instrumentation for the library; the fuzzer runtime links only into fuzz targets.
  target_compile_options(npyguard_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
