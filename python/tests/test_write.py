# SPDX-License-Identifier: Apache-2.0
"""save, savez, savez_compressed and sanitize: NumPy's bytes, atomic files, refusals."""

import io
import os
import zipfile

import numpy as np
import pytest

import npyguard
from conftest import CORPUS, FIXTURES, SAMPLES, assert_same_array, npy_fixtures, npz_fixtures

# np.save warns when a header needs format 2.0 or 3.0, and so does npyguard.save.
pytestmark = pytest.mark.filterwarnings("ignore:Stored array in format")

LOADABLE = [p for p in npy_fixtures() if p.name != "v2_header_4000_fields.npy"]


def little_endian(dtype):
    """`dtype` with every leaf little-endian, titles and offsets kept (NumPy's newbyteorder
    drops the title keys of a record's fields)."""
    def fix(descr):
        if isinstance(descr, str):
            return descr.replace(">", "<")
        if isinstance(descr, tuple):
            return (fix(descr[0]), descr[1])
        return [(entry[0], fix(entry[1]), *entry[2:]) for entry in descr]
    return np.lib.format.descr_to_dtype(fix(np.lib.format.dtype_to_descr(dtype)))


def native_c_order(array):
    """What sanitize(native_byte_order=True, c_order=True) must make of `array`."""
    if array.dtype.itemsize == 0:
        return array  # NumPy's copies turn S0 into S1
    target = little_endian(array.dtype)
    if array.dtype.names is not None:
        converted = array.astype(target)
    elif array.dtype.byteorder == ">":
        converted = array.byteswap().view(target)
    else:
        converted = array
    return converted.copy(order="C")


def numpy_bytes(array):
    out = io.BytesIO()
    np.save(out, array)
    return out.getvalue()


def ours_bytes(array):
    out = io.BytesIO()
    npyguard.save(out, array)
    return out.getvalue()


@pytest.mark.parametrize("path", LOADABLE, ids=lambda p: p.name)
def test_save_writes_numpys_bytes(path, tmp_path):
    array = np.load(path)
    expected = numpy_bytes(array)
    assert ours_bytes(array) == expected
    npyguard.save(tmp_path / "out", array)  # ".npy" appended, as np.save does
    assert (tmp_path / "out.npy").read_bytes() == expected
    npyguard.save(str(tmp_path / "again.npy"), array)
    assert (tmp_path / "again.npy").read_bytes() == expected
    assert sorted(os.listdir(tmp_path)) == ["again.npy", "out.npy"]  # no temporary files left


@pytest.mark.parametrize("make", [
    lambda: np.arange(24, dtype=">i4").reshape(2, 3, 4)[:, ::2],  # not contiguous: C copy
    lambda: np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    lambda: np.arange(12.0).reshape(3, 4).T,  # F-contiguous view
    lambda: np.float64(3.5),
    lambda: [[1, 2], [3, 4]],
    lambda: np.ma.masked_array(np.arange(4), mask=[0, 1, 0, 0]),
    lambda: np.zeros((0, 3), dtype="U3"),
    lambda: np.array(["héllo", "wörld"]),
    lambda: np.zeros(3, dtype=[("ü", "<i4"), ("π", "f8", (2,))]),  # version 3.0 header
    lambda: np.zeros(2, dtype=[("a" * 70000, "<i4")]),  # version 2.0 header
])
def test_save_matches_np_save_on_odd_arrays(make):
    assert ours_bytes(make()) == numpy_bytes(make())


@pytest.mark.parametrize("dtype, version",
                         [([("π", "<i4")], "3.0"), ([("a" * 70000, "<i4")], "2.0")])
def test_save_warns_as_np_save_does(dtype, version):
    array = np.zeros(1, dtype=dtype)
    with pytest.warns(UserWarning, match="Stored array in format " + version):
        np.save(io.BytesIO(), array)
    with pytest.warns(UserWarning, match="Stored array in format " + version):
        npyguard.save(io.BytesIO(), array)


def test_save_to_an_unbuffered_file(tmp_path):
    array = np.arange(100000.0)
    with open(tmp_path / "a.npy", "wb", buffering=0) as f:
        npyguard.save(f, array)
    assert (tmp_path / "a.npy").read_bytes() == numpy_bytes(array)


def test_save_refuses_object_arrays(tmp_path):
    for array in (np.array([{}, None], dtype=object),
                  np.zeros(2, dtype=[("a", "<i4"), ("b", "O")])):
        with pytest.raises(npyguard.Error) as raised:
            npyguard.save(tmp_path / "objects.npy", array)
        assert raised.value.code == "object_dtype"
    assert not os.listdir(tmp_path)  # nothing written, no temporary file left


def test_save_replaces_a_file_atomically(tmp_path):
    target = tmp_path / "a.npy"
    target.write_bytes(b"old")
    target.chmod(0o640)
    npyguard.save(target, np.arange(3))
    assert target.read_bytes() == numpy_bytes(np.arange(3))
    assert target.stat().st_mode & 0o777 == 0o640
    with pytest.raises(FileNotFoundError):
        npyguard.save(tmp_path / "no" / "such" / "dir.npy", np.arange(3))


def npz_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: (info.compress_type, archive.read(info)) for info in
                archive.infolist()}


@pytest.mark.parametrize("compressed", [False, True])
def test_savez_members_are_numpys(compressed, tmp_path):
    arrays = [np.arange(10), np.ones((3, 4), order="F")]
    named = {"x": np.array([b"ab", b"c"]), "big_endian": np.arange(5, dtype=">u2"),
             "rec": np.zeros(2, dtype=[(("t", "a"), "<i4"), ("b", "f2", (2,))])}
    save = np.savez_compressed if compressed else np.savez
    ours_save = npyguard.savez_compressed if compressed else npyguard.savez
    theirs = io.BytesIO()
    save(theirs, *arrays, **named)
    ours = io.BytesIO()
    ours_save(ours, *arrays, **named)
    expected = npz_members(theirs.getvalue())
    got = npz_members(ours.getvalue())
    assert list(got) == list(expected)  # the same names in the same order
    assert got == expected  # the same method and the same np.save bytes in every member
    theirs.seek(0)
    with np.load(io.BytesIO(ours.getvalue())) as reread, np.load(theirs) as original:
        for key in original.files:
            assert_same_array(reread[key], original[key])
    ours_save(tmp_path / "out", *arrays, **named)  # ".npz" appended
    assert npz_members((tmp_path / "out.npz").read_bytes()) == expected
    assert os.listdir(tmp_path) == ["out.npz"]


def test_savez_deflates_as_zlib_does():
    # Same zlib, same level, same stream: the compressed bytes match zipfile's too.
    array = np.repeat(np.arange(1000), 50)
    theirs = io.BytesIO()
    np.savez_compressed(theirs, a=array)
    ours = io.BytesIO()
    npyguard.savez_compressed(ours, a=array)
    with zipfile.ZipFile(theirs) as t, zipfile.ZipFile(ours) as o:
        assert t.getinfo("a.npy").compress_size == o.getinfo("a.npy").compress_size
        assert t.getinfo("a.npy").CRC == o.getinfo("a.npy").CRC


def test_savez_refusals(tmp_path):
    with pytest.raises(ValueError, match="Cannot use un-named variables and keyword arr_0"):
        npyguard.savez(tmp_path / "a.npz", np.arange(2), arr_0=np.arange(3))
    with pytest.raises(npyguard.Error) as raised:
        npyguard.savez(tmp_path / "b.npz", **{"../evil": np.arange(2)})
    assert raised.value.category in ("policy_rejected", "misuse")
    with pytest.raises(npyguard.Error) as raised:
        npyguard.savez(tmp_path / "c.npz", a=np.array([None], dtype=object))
    assert raised.value.code == "object_dtype"
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("path", LOADABLE, ids=lambda p: p.name)
def test_sanitize_npy_gives_np_saves_bytes(path, tmp_path):
    array = np.load(path)
    npyguard.sanitize(path, tmp_path / "out.npy")
    assert (tmp_path / "out.npy").read_bytes() == numpy_bytes(array)
    out = io.BytesIO()
    npyguard.sanitize(path.read_bytes(), out)
    assert out.getvalue() == numpy_bytes(array)
    npyguard.sanitize(path, tmp_path / "native.npy", native_byte_order=True, c_order=True)
    native = np.load(tmp_path / "native.npy")
    assert_same_array(native, native_c_order(array))


@pytest.mark.parametrize("path", npz_fixtures(), ids=lambda p: p.name)
def test_sanitize_npz(path, tmp_path):
    with np.load(path) as original:
        for compress, method in ((None, None), (True, zipfile.ZIP_DEFLATED),
                                 (False, zipfile.ZIP_STORED)):
            out = tmp_path / "out.npz"
            npyguard.sanitize(path, out, compress=compress)
            with np.load(out) as sanitized:
                assert sanitized.files == original.files
                for key in original.files:
                    assert_same_array(sanitized[key], original[key])
            with zipfile.ZipFile(out) as archive:
                assert [i.filename for i in archive.infolist()] == \
                    [k + ".npy" for k in original.files]
                if method is not None:
                    assert {i.compress_type for i in archive.infolist()} <= {method}
            buffer = io.BytesIO()
            npyguard.sanitize(io.BytesIO(path.read_bytes()), buffer, compress=compress)
            assert npz_members(buffer.getvalue()) == npz_members(out.read_bytes())


def test_sanitize_refuses_and_writes_nothing(tmp_path):
    for bad in (SAMPLES / "pickled_objects.npy", SAMPLES / "huge_shape.npy",
                CORPUS / "expect" / "fail_crc_mismatch__deflate.npz"):
        with pytest.raises(npyguard.Error):
            npyguard.sanitize(bad, tmp_path / "out")
    assert not os.listdir(tmp_path)
    target = tmp_path / "same.npy"
    np.save(target, np.arange(3))
    with pytest.raises(OSError) as raised:
        npyguard.sanitize(target, target)
    assert raised.value.code == "io_same_file"
    # Limits apply to the copy as to the input.
    with pytest.raises(npyguard.Error) as raised:
        npyguard.sanitize(target, tmp_path / "small.npy", max_array_bytes=8)
    assert raised.value.code == "array_too_large"
    assert sorted(os.listdir(tmp_path)) == ["same.npy"]


def test_sanitize_a_stream_to_a_file_object():
    data = (FIXTURES / "npy" / "f8_be_3x4_fortran.npy").read_bytes()

    class Stream(io.RawIOBase):
        def __init__(self):
            self.data = memoryview(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            count = min(len(buffer), 10, len(self.data))
            buffer[:count] = self.data[:count]
            self.data = self.data[count:]
            return count

    out = io.BytesIO()
    npyguard.sanitize(Stream(), out, native_byte_order=True, c_order=True)
    result = np.load(io.BytesIO(out.getvalue()))
    expected = np.load(io.BytesIO(data))
    assert result.dtype == np.dtype("<f8") and result.flags.c_contiguous
    assert np.array_equal(result, expected)
