# SPDX-License-Identifier: Apache-2.0
"""check() and inspect() say what `npyguard check --json` and `npyguard inspect --json` say."""

import io
import json
import os
import pickle
import subprocess

import numpy as np
import pytest

import npyguard
from conftest import CORPUS, FIXTURES, SAMPLES, cli_json, npy_fixtures, npz_fixtures

FILES = npy_fixtures() + npz_fixtures() + sorted(SAMPLES.glob("*.npy"))
ACCEPTED = [p for p in FILES if p.name not in ("pickled_objects.npy", "huge_shape.npy",
                                                "v2_header_4000_fields.npy")]


def cli_inspect(cli, path):
    done = subprocess.run([cli, "inspect", "--json", str(path)], capture_output=True, check=False)
    return json.loads(done.stdout)


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.name)
def test_inspect_equals_cli(cli, path):
    expected = cli_inspect(cli, path)
    assert npyguard.inspect(path) == expected
    assert npyguard.inspect(str(path)) == expected
    assert npyguard.check(path).info == expected
    # Without a name the dict says "file": None; everything else is the same.
    for source in (path.read_bytes(), io.BytesIO(path.read_bytes())):
        assert npyguard.inspect(source) == dict(expected, file=None)
    with open(path, "rb") as f:
        assert npyguard.inspect(f) == expected
        assert f.tell() == 0


def test_check_equals_cli(cli):
    expected = cli_json(cli, "check", FILES)
    for path in FILES:
        got = npyguard.check(path).to_dict()
        want = expected[str(path)]
        if "error" in want:
            want["error"].pop("hint")
        assert got == want, path.name


def test_inspect_raises_for_refused_input():
    with pytest.raises(npyguard.Error) as raised:
        npyguard.inspect(SAMPLES / "huge_shape.npy")
    assert raised.value.code == "array_too_large"
    with pytest.raises(FileNotFoundError):
        npyguard.inspect(SAMPLES / "missing.npy")


def test_verdict_of_an_accepted_npy():
    path = FIXTURES / "npy" / "rec_titles_3.npy"
    verdict = npyguard.check(path)
    expected = np.load(path)
    assert verdict and verdict.ok
    assert verdict.format == "npy" and verdict.file == str(path)
    assert verdict.code is None and verdict.offset is None and verdict.error is None
    assert verdict.shape == expected.shape
    assert verdict.dtype == expected.dtype
    assert verdict.dtype.descr == expected.dtype.descr
    assert verdict.fortran_order is False
    assert verdict.count == expected.size and verdict.nbytes == expected.nbytes
    assert verdict.version == "1.0"
    assert verdict.members is None
    verdict.raise_for_error()  # nothing to raise
    assert "ok npy" in repr(verdict)


def test_verdict_of_an_accepted_npz():
    path = FIXTURES / "npz" / "savez_compressed.npz"
    verdict = npyguard.check(path)
    assert verdict.ok and verdict.format == "npz"
    assert verdict.shape is None and verdict.dtype is None
    with np.load(path) as theirs:
        assert [m["key"] for m in verdict.members] == theirs.files
        for member in verdict.members:
            assert member["method"] == "deflate"
            assert tuple(member["shape"]) == theirs[member["key"]].shape


def test_verdict_of_unreadable_inputs(tmp_path):
    verdict = npyguard.check(tmp_path / "missing.npy")
    assert not verdict.ok
    assert verdict.code == "io_open_failed" and verdict.category == "io"
    assert verdict.format is None and verdict.offset is None
    assert verdict.errno == 2
    assert isinstance(verdict.error, FileNotFoundError)
    with pytest.raises(FileNotFoundError):
        verdict.raise_for_error()
    directory = npyguard.check(tmp_path)
    assert directory.code == "io_not_regular_file"
    assert isinstance(directory.error, IsADirectoryError)


def test_verdicts_pickle():
    paths = [SAMPLES / "temperatures.npy", SAMPLES / "pickled_objects.npy",
             FIXTURES / "npz" / "savez_compressed.npz", FIXTURES / "npy" / "rec_nested_3.npy",
             FIXTURES / "npy" / "fieldname_utf8_v3.npy",
             CORPUS / "expect" / "fail_zip_unsafe_name__invalid_utf8.npz",
             CORPUS / "expect" / "pass_member_titles_int_and_bytes.npz", SAMPLES / "missing"]
    for path in paths:
        verdict = npyguard.check(path)
        again = pickle.loads(pickle.dumps(verdict))
        assert type(again) is npyguard.Verdict
        assert again.to_dict() == verdict.to_dict()
        assert again.info == verdict.info
        assert repr(again) == repr(verdict)
        assert again.dtype == verdict.dtype
        if not verdict.ok:
            assert str(again.error) == str(verdict.error)
            assert type(again.error) is type(verdict.error)


def test_check_is_bounded_and_never_raises_for_bad_input(tmp_path):
    for data in (b"", b"\x93NUMPY", b"PK\x05\x06", b"PK\x03\x04" + bytes(100), os.urandom(300)):
        verdict = npyguard.check(data)
        assert not verdict.ok and verdict.code is not None
    # A refused setting is the caller's mistake, not a verdict.
    with pytest.raises(npyguard.Error) as raised:
        npyguard.check(b"", max_header_bytes=0)
    assert raised.value.code == "invalid_limits" and raised.value.category == "misuse"


def test_check_leaves_a_file_object_where_it_was(tmp_path):
    path = tmp_path / "a.npy"
    with open(path, "wb") as f:
        f.write(b"0123")
        np.save(f, np.arange(5))
    for opener in (lambda: open(path, "rb"), lambda: io.BytesIO(path.read_bytes())):
        with opener() as f:
            f.seek(4)
            assert npyguard.check(f).shape == (5,)
            assert f.tell() == 4
            assert npyguard.load(f).shape == (5,)
            assert f.tell() == path.stat().st_size


def test_error_codes():
    codes = npyguard.error_codes()
    names = {name for _, name, _, _ in codes}
    assert {"object_dtype", "array_too_large", "zip_unsafe_name", "io_open_failed"} <= names
    assert [number for number, _, _, _ in codes] == sorted(number for number, _, _, _ in codes)
    for number, name, category, message in codes:
        assert category in ("malformed", "unsupported", "policy_rejected", "limit_exceeded", "io",
                            "internal", "misuse") and message
