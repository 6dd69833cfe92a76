#!/bin/bash -eu
# SPDX-License-Identifier: Apache-2.0
# Builds npyguard's fuzz targets the way OSS-Fuzz and ClusterFuzzLite run a project's build.sh:
# the engine sets $CC, $CXX, $CFLAGS, $CXXFLAGS (sanitizer and coverage flags), $LIB_FUZZING_ENGINE
# (the engine's link flags), $SRC and $OUT (where the targets, their dictionaries, options and
# seed corpora go) and $WORK (scratch). scripts/fuzz_ci.sh runs this script locally with the same
# variables to prove it works.
#
# Output per target: $OUT/<target>, $OUT/<target>.dict, $OUT/<target>.options and
# $OUT/<target>_seed_corpus.zip (seeds plus every regression input, so the engine starts from
# every input that ever failed).
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${WORK:-$(mktemp -d)}
jobs=$(nproc 2>/dev/null || echo 2)
cmake_extra=()

# OSS-Fuzz images build with libc++, so a prebuilt libstdc++ RE2 cannot be linked: when the
# Dockerfile put RE2's source in $SRC/re2, build it with the engine's compiler and flags.
if [[ -d "${SRC:-/nonexistent}/re2" ]]; then
  cmake -S "$SRC/re2" -B "$work/re2-build" -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DBUILD_SHARED_LIBS=OFF -DRE2_BUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX="$work/deps"
  cmake --build "$work/re2-build" -j"$jobs"
  cmake --install "$work/re2-build"
  cmake_extra+=(-DCMAKE_PREFIX_PATH="$work/deps")
fi

# The same for libdeflate (C): a static build the fuzzers link, found through its libdeflate.pc.
if [[ -d "${SRC:-/nonexistent}/libdeflate" ]]; then
  cmake -S "$SRC/libdeflate" -B "$work/libdeflate-build" -DCMAKE_BUILD_TYPE= \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DLIBDEFLATE_BUILD_SHARED_LIB=OFF \
    -DLIBDEFLATE_BUILD_GZIP=OFF -DCMAKE_INSTALL_PREFIX="$work/deps" -DCMAKE_INSTALL_LIBDIR=lib
  cmake --build "$work/libdeflate-build" -j"$jobs"
  cmake --install "$work/libdeflate-build"
  export PKG_CONFIG_PATH="$work/deps/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  [[ ${#cmake_extra[@]} -gt 0 ]] || cmake_extra+=(-DCMAKE_PREFIX_PATH="$work/deps")
fi

# CMAKE_BUILD_TYPE is empty: the engine's CXXFLAGS decide optimisation, sanitizers and coverage
# instrumentation (so NPYGUARD_FUZZ_INSTRUMENT adds none: libFuzzer's CFLAGS carry
# -fsanitize=fuzzer-no-link, afl-clang-fast instruments by itself). $LIB_FUZZING_ENGINE is a flag
# (-fsanitize=fuzzer) or an archive's path (AFL++'s libAFLDriver.a). The work meter is on (it is
# with NPYGUARD_BUILD_FUZZERS anyway): every target checks its cost invariant. Hardening stays on:
# _GLIBCXX_ASSERTIONS under libstdc++, libc++'s assertion or hardening mode under libc++.
cmake -S "$project_dir" -B "$work/npyguard-build" -DCMAKE_BUILD_TYPE= \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DNPYGUARD_BUILD_FUZZERS=ON -DNPYGUARD_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DNPYGUARD_FUZZ_INSTRUMENT= \
  -DNPYGUARD_WORK_METER=ON \
  -DNPYGUARD_BUILD_TESTS=OFF -DNPYGUARD_BUILD_CLI=OFF -DNPYGUARD_INSTALL=OFF \
  -DNPYGUARD_WERROR=OFF "${cmake_extra[@]}"
cmake --build "$work/npyguard-build" -j"$jobs"

mkdir -p "$OUT"
while read -r target; do
  [[ -n "$target" ]] || continue
  cp "$work/npyguard-build/fuzz/$target" "$OUT/"
  cp "$project_dir/fuzz/$target.dict" "$OUT/$target.dict"
  # Inputs above 64 KiB are skipped by every target (kMaxFuzzInput), so the engine need not make them.
  # The resource flags of scripts/fuzz_ci.sh, so ClusterFuzzLite fails slow or greedy inputs too.
  printf '[libfuzzer]\nmax_len = 65536\ndict = %s.dict\ntimeout = 3\nmalloc_limit_mb = 16\nrss_limit_mb = 1536\n' \
    "$target" > "$OUT/$target.options"
  python3 - "$OUT/${target}_seed_corpus.zip" "$project_dir/corpus/$target" \
    "$project_dir/corpus/regressions/$target" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    for directory in sys.argv[2:]:
        if not os.path.isdir(directory):
            continue
        prefix = os.path.basename(os.path.dirname(directory)) + "-" if "regressions" in directory else ""
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                archive.write(path, prefix + name)
PY
done < "$work/npyguard-build/fuzz/targets.txt"
