#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Quick start, step 2 (and CI, through .ci/run): install what is missing, then build and run the
# whole test suite under g++ (default preset), ASan+UBSan (asan preset) and clang 14 (the
# presets build the Python module, and ctest runs its pytest suite), check the formatting and
# run clang-tidy (scripts/lint.sh), install the Python package with pip into a venv and test the
# installed copy, then build the fuzz targets through fuzz/build.sh (as OSS-Fuzz/ClusterFuzzLite
# do) and fuzz each for a bounded time with libFuzzer (NPYGUARD_FUZZ_SECONDS per target, default
# 45) and with AFL++ (NPYGUARD_AFL_SECONDS, default 45). The run stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
npyguard_install_deps

stage() { echo; echo "=== $* ==="; }
start=$SECONDS

for preset in default asan dev-clang; do
  stage "configure + build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  stage "ctest: $preset"
  ctest --preset "$preset"
done

# clang-format and clang-tidy (about 4 minutes on 2 cores), on the default preset's compile commands.
stage "lint: clang-format and clang-tidy"
scripts/lint.sh build/default

stage "python package: pip wheel/install --no-build-isolation into a venv, then its tests"
scripts/test_python_package.sh

stage "fuzz: fuzz/build.sh with OSS-Fuzz variables, then ${NPYGUARD_FUZZ_SECONDS:-45} s per target"
scripts/fuzz_ci.sh "${NPYGUARD_FUZZ_SECONDS:-45}"

# The second engine: about 5 minutes on 2 cores (build and 4 rounds of two targets).
stage "fuzz (AFL++): fuzz/build.sh as OSS-Fuzz's afl engine, then ${NPYGUARD_AFL_SECONDS:-45} s per target"
scripts/fuzz_ci.sh --engine afl "${NPYGUARD_AFL_SECONDS:-45}"

echo
echo "all test stages passed in $((SECONDS - start)) s"
