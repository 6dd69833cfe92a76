#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Python package as its users install it: a fresh venv made with --system-site-packages
# (Debian's NumPy, pybind11, pytest and Hypothesis stay visible), then, from the repository root,
# `pip wheel --no-build-isolation .` and `pip install --no-build-isolation .` (both build the
# library and the module again with CMake, in build/temp.*: seconds when nothing changed), an
# import and a load, and the package's pytest suite against the installed copy (compared with
# build/default's npyguard command when it is there). Bounded: every step has a timeout.
# Nothing is downloaded: pip finds everything it needs on the system.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 -m venv --system-site-packages "$work/venv"
py=$work/venv/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INDEX=1

echo "--- pip wheel --no-build-isolation ."
timeout 1200 "$py" -m pip wheel --no-build-isolation -q -w "$work/wheels" .
ls "$work"/wheels/npyguard-*.whl

echo "--- pip install --no-build-isolation . (into the venv)"
timeout 1200 "$py" -m pip install --no-build-isolation -q .

echo "--- import and load"
(cd "$work" && timeout 60 "$py" - "$root" <<'PY'
import sys
from pathlib import Path

import numpy as np
import npyguard

root = Path(sys.argv[1])
assert Path(npyguard.__file__).is_relative_to(Path(sys.prefix)), npyguard.__file__
samples = root / "samples"
array = npyguard.load(samples / "temperatures.npy", max_array_bytes=1 << 20)
assert np.array_equal(array, np.load(samples / "temperatures.npy"))
assert npyguard.check(samples / "pickled_objects.npy").code == "object_dtype"
try:
    npyguard.load(samples / "huge_shape.npy")
except npyguard.Error as error:
    assert error.code == "array_too_large"
else:
    raise AssertionError("huge_shape.npy was accepted")
print("npyguard", npyguard.__version__, "from", npyguard.__file__, "works")
PY
)

echo "--- pytest against the installed package"
cli=()
if [[ -x build/default/npyguard ]]; then cli=(NPYGUARD_CLI="$root/build/default/npyguard"); fi
(cd "$work" && env -u PYTHONPATH NPYGUARD_SOURCE_DIR="$root" "${cli[@]}" PYTHONDONTWRITEBYTECODE=1 \
  timeout 600 "$py" -m pytest -q -p no:cacheprovider "$root/python/tests")
