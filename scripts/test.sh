#!/usr/bin/env bash
# Quick start, step 2 (and CI, through .ci/run): install what is missing, then build and run the
# whole test suite under g++ (default preset), ASan+UBSan (asan preset) and clang 14. Every stage
# is bounded; the run stops at the first failure.
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

echo
echo "all test stages passed in $((SECONDS - start)) s"
