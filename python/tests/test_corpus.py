# SPDX-License-Identifier: Apache-2.0
"""Every corpus input (seeds, regressions, golden outcomes) and every hostile sample gets the
verdict the CLI gives it: check() from a path, from bytes and from a file object says exactly
what `npyguard check --json` says, and load() raises npyguard.Error with the same code."""

import io
import warnings

import numpy as np
import pytest

import npyguard
from conftest import CORPUS, SAMPLES, assert_same_array, cli_json, corpus_files

FILES = corpus_files() + sorted(SAMPLES.glob("*.npy"))


def without_hint(obj):
    obj = dict(obj)
    if "error" in obj:
        obj["error"] = {k: v for k, v in obj["error"].items() if k != "hint"}
    return obj


@pytest.fixture(scope="module")
def verdicts(cli):
    return cli_json(cli, "check", FILES)


def test_corpus_is_there():
    assert len(FILES) > 1000
    assert len(list((CORPUS / "expect").glob("fail_*"))) > 100


def expected_name(path):
    """corpus/expect/fail_<error_name>__*: the golden outcome the file's name states."""
    if path.parent.name == "expect" and path.name.startswith("fail_"):
        return path.name[len("fail_"):].split("__")[0]
    return None


def load_everything(source):
    """load(), then every member of an archive (members are validated when read)."""
    result = npyguard.load(source)
    if isinstance(result, npyguard.NpzFile):
        return {key: result[key] for key in result.files}
    return result


def test_check_matches_cli(verdicts):
    mismatches = []
    for path in FILES:
        expected = without_hint(verdicts[str(path)])
        data = path.read_bytes()
        for kind, source in (("path", str(path)), ("bytes", data), ("file", io.BytesIO(data))):
            verdict = npyguard.check(source)
            got = verdict.to_dict()
            if kind != "path":
                # Without a name there is no file key to compare, and the format of an
                # unreadable input is never unknown in memory.
                got["file"] = expected["file"]
            trailing = not expected["ok"] and expected["error"]["name"] == "trailing_data"
            if kind == "file" and trailing:
                # A stream cannot say how many bytes follow the payload (it stops reading).
                for obj in (got, expected):
                    obj["error"] = dict(obj["error"], detail=None, found=None)
            if got != expected:
                mismatches.append((path.name, kind, got, expected))
            name = expected_name(path)
            if name is not None:
                assert verdict.code == name, (path.name, kind)
            if path.parent.name == "expect" and path.name.startswith("pass_"):
                assert verdict.ok, (path.name, kind, verdict)
    assert not mismatches, mismatches[:3]


def test_load_raises_the_cli_code(verdicts):
    checked = 0
    for path in FILES:
        expected = verdicts[str(path)]
        data = path.read_bytes()
        for source in (str(path), data, io.BytesIO(data)):
            if expected["ok"]:
                try:
                    load_everything(source)
                except ValueError as error:
                    # Accepted by npyguard, but an array NumPy itself cannot make (a zero-size
                    # array whose dimensions multiply past what NumPy allows): NumPy's own
                    # ValueError, never an npyguard.Error.
                    assert not isinstance(error, npyguard.Error), (path.name, error)
                continue
            code = expected["error"]["name"]
            with pytest.raises((npyguard.Error, OSError)) as raised:
                load_everything(source)
            error = raised.value
            if code == "total_header_too_large":
                # A budget of check and read_all (all members' headers held at once); load()
                # reads one member at a time.
                continue
            assert error.code == code, (path.name, error)
            assert error.number == expected["error"]["code"]
            assert error.offset == expected["error"]["offset"], (path.name, error)
            assert error.member_index == expected["error"]["member_index"]
            if "member_hex" in expected["error"]:
                # Not UTF-8: the CLI shows U+FFFD and gives the bytes in hex; Python keeps
                # them as surrogate escapes (os.fsdecode's way), so they can be recovered.
                member = error.member.encode("utf-8", "surrogateescape")
                assert member == bytes.fromhex(expected["error"]["member_hex"])
            else:
                assert error.member == expected["error"]["member"], (path.name, error)
            checked += 1
    assert checked > 1000


def test_accepted_corpus_inputs_load_as_numpy_does(verdicts):
    compared = 0
    for path in FILES:
        if not verdicts[str(path)]["ok"]:
            continue
        data = path.read_bytes()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = np.load(io.BytesIO(data), allow_pickle=False)
                if isinstance(theirs, np.lib.npyio.NpzFile):
                    theirs = {key: theirs[key] for key in theirs.files}
        except Exception:  # noqa: BLE001 - NumPy refusing what npyguard accepts is not ours
            continue
        try:
            ours = load_everything(data)
        except ValueError:
            continue  # NumPy's own array constructors refused it, as above
        if isinstance(theirs, dict):
            assert list(ours) == list(theirs)
            for key in theirs:
                assert_same_array(ours[key], theirs[key])
        else:
            assert_same_array(ours, theirs)
        compared += 1
    assert compared > 50


def test_verdict_attributes_match_the_error():
    path = CORPUS / "expect" / "fail_object_dtype__pickled_member.npz"
    verdict = npyguard.check(path)
    assert not verdict and not verdict.ok
    with pytest.raises(npyguard.Error) as raised:
        load_everything(path)
    error = raised.value
    for name in ("code", "number", "category", "message", "detail", "offset", "member",
                 "member_index", "found", "expected", "limit"):
        assert getattr(verdict, name) == getattr(error, name), name
    assert verdict.member is not None
    assert type(verdict.error) is npyguard.Error
    assert str(verdict.error) == str(error)
    with pytest.raises(npyguard.Error):
        verdict.raise_for_error()
    assert verdict.info is None and verdict.shape is None and verdict.members is None
