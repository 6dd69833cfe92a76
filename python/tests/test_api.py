# SPDX-License-Identifier: Apache-2.0
"""npyguard.Limits, the package's surface (docstrings, stubs, version) and its error types."""

import ast
import pickle
import pydoc
import re
import tomllib

import pytest

import npyguard
from conftest import SOURCE_DIR

STUB = SOURCE_DIR / "python" / "npyguard" / "__init__.pyi"


def test_limits_defaults_are_the_libraries():
    limits = npyguard.Limits()
    assert limits == npyguard.Limits.untrusted_uploads()
    assert limits.max_header_chars == 10000  # NumPy's _MAX_HEADER_SIZE
    assert limits.max_array_bytes == 16 << 30
    assert limits.member_patterns == ()
    assert limits.allow_trailing_data is False
    assert repr(limits) == "npyguard.Limits()"
    assert npyguard.Limits.trusted_local_files() != limits
    assert npyguard.Limits.for_fuzzing().max_array_bytes < limits.max_array_bytes


def test_limits_settings():
    limits = npyguard.Limits(max_array_bytes=1 << 20, member_patterns=["arr_[0-9]+\\.npy"],
                             allow_big_endian=False)
    assert limits.max_array_bytes == 1 << 20
    assert limits.member_patterns == ("arr_[0-9]+\\.npy",)
    assert repr(limits) == ("npyguard.Limits(max_array_bytes=1048576, member_patterns=["
                            "'arr_[0-9]+\\\\.npy'], allow_big_endian=False)")
    assert eval(repr(limits), {"npyguard": npyguard}) == limits
    changed = limits.replace(max_ndim=3)
    assert changed.max_ndim == 3 and limits.max_ndim == 64 and changed != limits
    assert pickle.loads(pickle.dumps(changed)) == changed
    assert hash(pickle.loads(pickle.dumps(changed))) == hash(changed)
    assert {limits: 1}[npyguard.Limits(**limits.to_dict())] == 1
    with pytest.raises(AttributeError):
        limits.max_ndim = 5  # immutable


@pytest.mark.parametrize("settings, error", [
    ({"max_ndim": -1}, ValueError),
    ({"max_ndim": 1 << 32}, ValueError),
    ({"max_array_bytes": 1 << 64}, ValueError),
    ({"max_ndim": 2.0}, TypeError),
    ({"max_ndim": True}, TypeError),
    ({"allow_big_endian": 1}, TypeError),
    ({"member_patterns": "abc"}, TypeError),
    ({"member_patterns": [1]}, TypeError),
    ({"no_such_setting": 1}, TypeError),
])
def test_limits_refuse_bad_values(settings, error):
    with pytest.raises(error):
        npyguard.Limits(**settings)


def test_limits_are_validated_when_made():
    with pytest.raises(npyguard.Error) as raised:
        npyguard.Limits(max_header_bytes=0)
    assert raised.value.code == "invalid_limits" and raised.value.category == "misuse"
    with pytest.raises(npyguard.Error) as raised:
        npyguard.Limits(member_patterns=["("])
    assert raised.value.code == "zip_bad_member_pattern"
    with pytest.raises(npyguard.Error):
        npyguard.Limits(max_dim_digits=20)


def test_stub_defaults_match_limits():
    tree = ast.parse(STUB.read_text())
    limits = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Limits")
    init = next(n for n in limits.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    stubbed = {arg.arg: ast.literal_eval(default)
               for arg, default in zip(init.args.kwonlyargs, init.args.kw_defaults)}
    actual = npyguard.Limits().to_dict()
    assert list(stubbed) == list(actual)
    for name, value in actual.items():
        assert stubbed[name] == (list(value) if isinstance(value, tuple) else value) or \
            (stubbed[name] == () and value == ()), name


def test_stub_names_every_public_name():
    tree = ast.parse(STUB.read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    assert set(npyguard.__all__) <= stubbed


def test_versions_agree():
    project = tomllib.loads((SOURCE_DIR / "pyproject.toml").read_text())["project"]
    cmake = re.search(r"project\(npyguard VERSION ([0-9.]+)",
                      (SOURCE_DIR / "CMakeLists.txt").read_text()).group(1)
    assert npyguard.__version__ == project["version"] == cmake


def test_help_is_useful():
    text = pydoc.render_doc(npyguard.load, renderer=pydoc.plaintext)
    for word in ("mmap_mode", "allow_pickle", "npyguard.Error", "max_array_bytes", "NpzFile"):
        assert word in text
    limits_help = pydoc.render_doc(npyguard.Limits, renderer=pydoc.plaintext)
    assert "max_array_bytes=17179869184" in limits_help
    for function in (npyguard.check, npyguard.inspect, npyguard.sanitize, npyguard.save,
                     npyguard.savez, npyguard.savez_compressed, npyguard.NpzFile,
                     npyguard.Verdict, npyguard.Error):
        assert function.__doc__ and len(function.__doc__) > 80, function


def test_error_is_a_value_error_and_pickles():
    assert issubclass(npyguard.Error, ValueError)
    assert npyguard.Error.__module__ == "npyguard._error"
    error = npyguard.Error("x")
    assert error.code is None and str(error) == "x"


def test_readme_upload_handler_example():
    readme = (SOURCE_DIR / "README.md").read_text()
    start = readme.index("import npyguard\n\nLIMITS")
    code = readme[start:readme.index("```", start)]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    handle = namespace["handle_upload"]
    samples = SOURCE_DIR / "samples"
    assert handle((samples / "temperatures.npy").read_bytes()) == (200, {"array": [3, 7]})
    status, body = handle((samples / "pickled_objects.npy").read_bytes())
    assert status == 422 and body["code"] == "object_dtype" and body["offset"] == 20
    member = SOURCE_DIR / "corpus" / "expect" / "fail_object_dtype__pickled_member.npz"
    status, body = handle(member.read_bytes())
    assert status == 422 and body["code"] == "object_dtype" and body["member"] is not None
    status, body = handle((SOURCE_DIR / "tests" / "fixtures" / "npz" / "savez_stored.npz")
                          .read_bytes())
    assert status == 200 and body
