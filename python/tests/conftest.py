# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the npyguard package tests.

ctest runs these against the in-tree build (PYTHONPATH=build/<preset>/python) with
NPYGUARD_SOURCE_DIR (the repository) and NPYGUARD_CLI (the npyguard command built next to it)
set; run by hand, the repository is found from this file and the CLI in build/default.
"""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

SOURCE_DIR = Path(os.environ.get("NPYGUARD_SOURCE_DIR", Path(__file__).resolve().parents[2]))
FIXTURES = SOURCE_DIR / "tests" / "fixtures"
CORPUS = SOURCE_DIR / "corpus"
SAMPLES = SOURCE_DIR / "samples"

# Reproducible and bounded: a fixed derivation of examples, no example database written into
# the tree, no per-example deadline (a loaded 2-core CI machine is slow, not wrong).
settings.register_profile("npyguard", derandomize=True, database=None, deadline=None,
                          max_examples=150, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
# NPYGUARD_HYPOTHESIS_PROFILE=thorough: random (not derandomized) and ten times longer, for
# hunting rather than for CI.
settings.register_profile("thorough", parent=settings.get_profile("npyguard"), derandomize=False,
                          max_examples=1500)
settings.load_profile(os.environ.get("NPYGUARD_HYPOTHESIS_PROFILE", "npyguard"))


def cli_path():
    """The npyguard command to compare against, or None."""
    configured = os.environ.get("NPYGUARD_CLI")
    if configured:
        return configured
    candidate = SOURCE_DIR / "build" / "default" / "npyguard"
    return str(candidate) if candidate.exists() else None


@pytest.fixture(scope="session")
def cli():
    path = cli_path()
    if path is None:
        pytest.skip("the npyguard command is not built (set NPYGUARD_CLI)")
    return path


def cli_json(cli, command, files, *options):
    """Runs `npyguard <command> --json` and returns its objects by file."""
    paths = [str(f) for f in files]
    done = subprocess.run([cli, command, "--json", *options, *paths], capture_output=True,
                          check=False)
    assert done.returncode in (0, 1, 2), done.stderr.decode(errors="replace")
    objects = [json.loads(line) for line in done.stdout.decode().splitlines() if line]
    return {obj["file"]: obj for obj in objects}


def npy_fixtures():
    return sorted((FIXTURES / "npy").glob("*.npy"))


def npz_fixtures():
    return sorted((FIXTURES / "npz").glob("*.npz"))


def corpus_files():
    """Every file in corpus/ (seeds, regressions, expected outcomes), sorted."""
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".py", ".md"))


def raw_bytes(array):
    """The array's elements as stored, in its memory order (C or Fortran)."""
    return array.tobytes(order="A")


def assert_same_array(ours, theirs):
    """Equal in every respect np.load promises: type, dtype (titles, offsets, itemsize, byte
    order), shape, memory order, and the element bytes; structured arrays also field by field
    (NumPy's own reads define no padding bytes)."""
    assert type(ours) is np.ndarray
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.dtype.descr == theirs.dtype.descr
    assert ours.dtype.itemsize == theirs.dtype.itemsize
    assert ours.dtype.fields == theirs.dtype.fields
    assert ours.dtype.str == theirs.dtype.str
    assert ours.shape == theirs.shape
    assert ours.flags.c_contiguous == theirs.flags.c_contiguous
    assert ours.flags.f_contiguous == theirs.flags.f_contiguous
    if ours.dtype.names is None:
        assert raw_bytes(ours) == raw_bytes(theirs)
    else:
        for name in ours.dtype.names:
            assert_same_array_field(ours[name], theirs[name])


def assert_same_array_field(ours, theirs):
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    if ours.dtype.names is None:
        assert np.ascontiguousarray(ours).tobytes() == np.ascontiguousarray(theirs).tobytes()
    else:
        for name in ours.dtype.names:
            assert_same_array_field(ours[name], theirs[name])
