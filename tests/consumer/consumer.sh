#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Consumer tests: npyguard used the ways an integrator uses it, against installs into temporary
# prefixes under WORK (never the system). Run by ctest (tests/CMakeLists.txt, label "consumer"),
# one STEP per test:
#   install-current   cmake --install of the build tree ctest runs in (no rebuild) -> WORK/current
#   build-other       the library and CLI built again with the other BUILD_SHARED_LIBS, installed
#                     -> WORK/other (so every run covers one static and one shared install)
#   find-package      a CMake project (find_package(npyguard 0.1)) against both prefixes
#   pkg-config        g++ $(pkg-config --cflags --libs npyguard) and cc -std=c99 ... npyguard-c,
#                     exactly as written, against both prefixes
#   installed-cli     the installed command runs from each prefix without LD_LIBRARY_PATH
#   shared-symbols    the shared library: SONAME libnpyguard.so.0, the public API exported, no
#                     npyguard::detail symbol in `nm -D --defined-only`
#   fetchcontent      a CMake project with FetchContent_Declare(SOURCE_DIR ...) (no network)
#   add-subdirectory  the same with add_subdirectory (not registered by default: it repeats
#                     fetchcontent's build; run it by hand)
# Usage: consumer.sh STEP SOURCE_DIR BUILD_DIR WORK_DIR SHARED(ON|OFF) CXX CC
# NPYGUARD_CONSUMER_JOBS (default 1) sets the build parallelism of the steps that compile.
set -euo pipefail
if [[ $# -ne 7 ]]; then
  echo "usage: $0 STEP SOURCE_DIR BUILD_DIR WORK_DIR SHARED CXX CC" >&2
  exit 2
fi
step=$1 source_dir=$2 build_dir=$3 work=$4 current_shared=$5 cxx=$6 cc=$7
jobs=${NPYGUARD_CONSUMER_JOBS:-1}
mkdir -p "$work"
fixture="$source_dir/tests/fixtures/npy/f8_le_2x3.npy"
pickled="$source_dir/samples/pickled_objects.npy"

shopt -s nocasematch
if [[ $current_shared == on || $current_shared == 1 || $current_shared == true ]]; then
  current_kind=shared other_kind=static other_shared=OFF
else
  current_kind=static other_kind=shared other_shared=ON
fi
shopt -u nocasematch

# The prefixes that exist, as "kind:path".
prefixes() {
  echo "$current_kind:$work/current"
  echo "$other_kind:$work/other"
}
# The directory of npyguard.pc under a prefix (lib, lib64 or lib/<multiarch>).
pc_dir() {
  local found
  found=$(find "$1" -name npyguard.pc -print -quit)
  [[ -n $found ]] || { echo "no npyguard.pc under $1" >&2; return 1; }
  dirname "$found"
}
lib_dir() { dirname "$(pc_dir "$1")"; }
expect_output() {  # expect_output WANT COMMAND...: the command's stdout must equal WANT
  local want=$1 got
  shift
  got=$("$@") || { echo "FAIL: '$*' exited $?" >&2; return 1; }
  [[ $got == "$want" ]] || { echo "FAIL: '$*' printed '$got', want '$want'" >&2; return 1; }
}
# The C consumer prints "<version> <status> <name>" and exits with the status.
expect_c_verdict() {  # expect_c_verdict WANT_STATUS WANT_WORD PROGRAM FILE [env...]
  local want_status=$1 word=$2 program=$3 file=$4 got status=0
  got=$("$program" "$file") || status=$?
  [[ $status == "$want_status" && $got == *" $word" ]] || {
    echo "FAIL: $program $file: exit $status, '$got' (want $want_status, ... $word)" >&2
    return 1
  }
}
check_consumers() {  # check_consumers DIR_WITH_BINARIES
  expect_output "'<f8' 6" "$1/consumer_cpp" "$fixture"
  expect_c_verdict 0 ok "$1/consumer_c" "$fixture"
  expect_c_verdict 1 object_dtype "$1/consumer_c" "$pickled"
}
cmake_project() {  # cmake_project BUILD_DIR ARGS...: configure and build tests/consumer/cmake_project
  local dir=$1
  shift
  rm -rf "$dir"
  cmake -S "$source_dir/tests/consumer/cmake_project" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" "$@" > "$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log" >&2; return 1; }
  cmake --build "$dir" -j "$jobs" > "$dir.build.log" 2>&1 || { cat "$dir.build.log" >&2; return 1; }
}

case $step in
  install-current)
    rm -rf "$work/current"
    cmake --install "$build_dir" --prefix "$work/current" > "$work/install-current.log"
    ;;
  build-other)
    rm -rf "$work/other" "$work/build-other"
    cmake -S "$source_dir" -B "$work/build-other" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER="$cxx" -DBUILD_SHARED_LIBS="$other_shared" -DNPYGUARD_BUILD_TESTS=OFF \
      -DNPYGUARD_BUILD_CLI=ON -DNPYGUARD_INSTALL=ON -DCMAKE_INSTALL_PREFIX="$work/other" \
      > "$work/build-other.configure.log" 2>&1 || { cat "$work/build-other.configure.log" >&2; exit 1; }
    cmake --build "$work/build-other" -j "$jobs" > "$work/build-other.log" 2>&1 ||
      { tail -50 "$work/build-other.log" >&2; exit 1; }
    cmake --install "$work/build-other" > "$work/install-other.log"
    ;;
  find-package)
    while IFS=: read -r kind prefix; do
      echo "find_package against the $kind install"
      cmake_project "$work/find-package-$kind" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCONSUMER_MODE=find_package
      LD_LIBRARY_PATH="$(lib_dir "$prefix")" check_consumers "$work/find-package-$kind"
      # SameMinorVersion while on 0.x: 0.1 is found, 0.0 and 1.0 are not.
      for wrong in 0.0 1.0; do
        cat > "$work/version-$kind-$wrong.cmake" <<EOF
find_package(npyguard $wrong QUIET CONFIG PATHS "$prefix" NO_DEFAULT_PATH)
if(npyguard_FOUND)
  message(FATAL_ERROR "find_package(npyguard $wrong) accepted version \${npyguard_VERSION}")
endif()
EOF
        cmake -P "$work/version-$kind-$wrong.cmake"
      done
    done < <(prefixes)
    ;;
  pkg-config)
    while IFS=: read -r kind prefix; do
      echo "pkg-config against the $kind install"
      export PKG_CONFIG_PATH
      PKG_CONFIG_PATH="$(pc_dir "$prefix")"
      out="$work/pkg-config-$kind"
      mkdir -p "$out"
      # Exactly as an integrator writes it: no extra -std, no extra libraries.
      # shellcheck disable=SC2046
      "$cxx" -o "$out/consumer_cpp" "$source_dir/tests/consumer/main.cpp" \
        $(pkg-config --cflags --libs npyguard)
      # shellcheck disable=SC2046
      "$cc" -std=c99 -Wall -Wextra -Werror -pedantic -o "$out/consumer_c" \
        "$source_dir/tests/consumer/main.c" $(pkg-config --cflags --libs npyguard-c)
      LD_LIBRARY_PATH="$(lib_dir "$prefix")" check_consumers "$out"
    done < <(prefixes)
    ;;
  installed-cli)
    while IFS=: read -r kind prefix; do
      echo "installed CLI of the $kind install"
      env -u LD_LIBRARY_PATH "$prefix/bin/npyguard" --version | head -n 1 | grep -q '^npyguard '
      env -u LD_LIBRARY_PATH "$prefix/bin/npyguard" check "$fixture" > /dev/null
      status=0
      env -u LD_LIBRARY_PATH "$prefix/bin/npyguard" check "$pickled" > /dev/null || status=$?
      [[ $status == 1 ]] || { echo "FAIL: check of $pickled exited $status, want 1" >&2; exit 1; }
    done < <(prefixes)
    ;;
  shared-symbols)
    if [[ $current_kind == shared ]]; then
      prefix=$work/current objects=$build_dir/src
    else
      prefix=$work/other objects=$work/build-other/src
    fi
    lib=$(find "$prefix" -name 'libnpyguard.so.0' -print -quit)
    [[ -n $lib ]] || { echo "FAIL: no libnpyguard.so.0 under $prefix" >&2; exit 1; }
    soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [[ $soname == libnpyguard.so.0 ]] || { echo "FAIL: SONAME '$soname'" >&2; exit 1; }
    symbols=$(nm -D --defined-only "$lib" | c++filt)
    detail=$(grep -c 'npyguard::detail' <<< "$symbols" || true)
    if [[ $detail != 0 ]]; then
      echo "FAIL: $detail npyguard::detail symbols exported:" >&2
      grep 'npyguard::detail' <<< "$symbols" | head -20 >&2
      exit 1
    fi
    for wanted in ' npyguard_check_file$' ' npyguard_npz_read$' 'npyguard::read_npy_file(' \
                  'npyguard::NpzArchive::open_file(' 'npyguard::build_info()'; do
      grep -q -- "$wanted" <<< "$symbols" || { echo "FAIL: '$wanted' is not exported" >&2; exit 1; }
    done
    # Every strong (out-of-line) definition of the public API must be exported: one defined in a
    # file that does not include its NPYGUARD_EXPORT declaration would be hidden.
    hidden=$(comm -23 \
      <(find "$objects" -name '*.o' -path '*npyguard_*' -exec nm -C --defined-only {} + |
        sed -n 's/^[0-9a-f]* T //p' | grep -E '^(npyguard::|npyguard_)' |
        grep -v -e 'npyguard::detail' -e '(anonymous namespace)' | sort -u) \
      <(sed 's/^[0-9a-f]* [A-Za-z] //' <<< "$symbols" | sort -u))
    if [[ -n $hidden ]]; then
      echo "FAIL: public definitions not exported (missing NPYGUARD_EXPORT declaration?):" >&2
      echo "$hidden" >&2
      exit 1
    fi
    echo "$(wc -l <<< "$symbols") symbols exported, none in npyguard::detail"
    ;;
  fetchcontent | add-subdirectory)
    mode=${step//-/_}
    [[ $mode == fetchcontent ]] || mode=add_subdirectory
    cmake_project "$work/$step" -DCONSUMER_MODE="$mode" -DNPYGUARD_SOURCE="$source_dir"
    check_consumers "$work/$step"
    ;;
  *)
    echo "unknown step $step" >&2
    exit 2
    ;;
esac
echo "consumer $step: ok"
