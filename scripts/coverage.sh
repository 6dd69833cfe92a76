#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Line and branch coverage of src/ by the unit tests, the CLI tests, the differential test and
# the replay of every seed and regression corpus: clang source-based coverage, one report.
#   scripts/coverage.sh            (prints the per-file table and the TOTAL line)
set -euo pipefail
cd "$(dirname "$0")/.."
build=$PWD/build/coverage
rm -rf "$build/profiles"
mkdir -p "$build/profiles"
flags="-fprofile-instr-generate -fcoverage-mapping"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DNPYGUARD_BUILD_TESTS=ON -DNPYGUARD_BUILD_CLI=ON > /dev/null
cmake --build "$build" -j2 > "$build/build.log" 2>&1 || { tail -n 30 "$build/build.log"; exit 1; }
# The bounded-memory test only repeats check on sparse files; the rest all count.
LLVM_PROFILE_FILE="$build/profiles/%p-%m.profraw" ctest --test-dir "$build" -j2 \
  -E '^memory\.' --output-on-failure > "$build/ctest.log" 2>&1 || { tail -n 30 "$build/ctest.log"; exit 1; }
llvm-profdata-14 merge -sparse "$build"/profiles/*.profraw -o "$build/merged.profdata"
objects=("$build/tests/npyguard_tests" -object "$build/npyguard")
for target in "$build"/fuzz/fuzz_*; do
  [[ -x "$target" && ! -d "$target" ]] && objects+=(-object "$target")
done
llvm-cov-14 report "${objects[@]}" -instr-profile="$build/merged.profdata" \
  -ignore-filename-regex='(/usr/|/tests/|/fuzz/|/src/cli/)' -show-branch-summary=true
