#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Quick start, step 1: install what is missing, build npyguard, and check the bundled samples
# (one file is accepted, two hostile ones are rejected with their error codes).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
npyguard_install_deps

cmake --preset default >/dev/null
cmake --build --preset default

echo
echo "\$ build/default/npyguard check samples/*.npy"
status=0
build/default/npyguard check samples/*.npy || status=$?
echo
# Exit code 1 means "some input was rejected", which is exactly what the hostile samples are for.
if [[ $status -eq 1 ]]; then
  echo "npyguard is built: build/default/npyguard (exit code 1 above = hostile samples rejected)."
else
  echo "unexpected exit code $status from npyguard check" >&2
  exit 1
fi
