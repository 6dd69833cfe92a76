#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages npyguard builds and tests with, skipping those already present.
# Sourced by setup.sh and test.sh; safe to run repeatedly. Needs root (or sudo) only when
# something is missing.
set -euo pipefail

NPYGUARD_PACKAGES=(
  cmake g++ make pkg-config       # build
  clang libclang-rt-14-dev llvm-14  # fuzzing, clang sanitizers, coverage (llvm-cov)
  clang-format-14 clang-tidy-14   # scripts/lint.sh
  afl++                           # second fuzzing engine: scripts/fuzz_ci.sh --engine afl
  zlib1g-dev libre2-dev           # deflate for .npz, linear-time member-name patterns
  libdeflate-dev                  # CRC-32 tails (zlib is the only inflater)
  catch2                          # unit tests
  libbenchmark-dev                # bench/
  python3 python3-numpy           # fixture generation and differential tests
  python3-dev pybind11-dev python3-pybind11  # the Python package (python/)
  python3-pytest python3-hypothesis          # its tests
  python3-venv python3-pip python3-setuptools python3-wheel  # pip install/wheel of it
  unzip                           # cross-checking written archives
  time                            # peak-RSS test of npyguard check
  groff-base                      # checking the generated man page
)

npyguard_install_deps() {
  local missing=()
  for pkg in "${NPYGUARD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  echo "npyguard: installing missing Debian packages: ${missing[*]}"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
