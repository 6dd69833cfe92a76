#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Long run of the consumer differential (tests/differential/differential_consumers.py): many
# cases of one deterministic seed over every core, against the default build's judge.
#   scripts/differential_long.sh [CASES [SEED [WORKERS]]]     (default 1000000 cases, seed 1)
# Builds the judge first. Failing cases are kept in build/default/differential_long/failures/
# with a .txt each; the exit status is the harness's (0 no failure, 1 failures, 77 no NumPy).
# Continue a run with a new seed, or pass --first-case through NPYGUARD_DIFF_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-1000000}
seed=${2:-1}
workers=${3:-$(nproc)}
python=${NPYGUARD_NUMPY_PYTHON:-/usr/bin/python3}
cmake --preset default >/dev/null
cmake --build build/default --target consumer_judge -j "$workers"
exec "$python" tests/differential/differential_consumers.py build/default/tests/consumer_judge \
  build/default/differential_long --cases "$cases" --seed "$seed" --workers "$workers" --verbose \
  ${NPYGUARD_DIFF_ARGS:-}
