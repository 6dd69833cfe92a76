# SPDX-License-Identifier: Apache-2.0
"""npyguard.load against np.load on every NumPy-written fixture, from every kind of source."""

import io
import os
import pathlib
import pickle

import numpy as np
import pytest

import npyguard
from conftest import FIXTURES, SAMPLES, assert_same_array, npy_fixtures, npz_fixtures

NPY = npy_fixtures()
NPZ = npz_fixtures()


def sources(path):
    """The same file as every kind of `file` load() takes."""
    data = path.read_bytes()
    return {
        "str": str(path),
        "pathlib": pathlib.Path(path),
        "bytes": data,
        "bytearray": bytearray(data),
        "memoryview": memoryview(data),
        "BytesIO": io.BytesIO(data),
        "open": open(path, "rb"),
        "unbuffered": open(path, "rb", buffering=0),
    }


def numpy_load(path, **kwargs):
    """np.load, and the settings npyguard needs to accept what it accepted: NumPy refuses a
    header over max_header_size (10,000 characters) by default, as npyguard does."""
    try:
        return np.load(path, allow_pickle=False, **kwargs), {}
    except ValueError as refused:
        if "max_header_size" not in str(refused):
            raise
    with pytest.raises(npyguard.Error) as raised:
        npyguard.load(path)
    assert raised.value.code == "header_too_large"
    return np.load(path, allow_pickle=False, max_header_size=10**6, **kwargs), {
        "max_header_size": 10**6}


def test_fixtures_exist():
    assert len(NPY) >= 100
    assert len(NPZ) >= 8


@pytest.mark.parametrize("path", NPY, ids=lambda p: p.name)
def test_npy_fixture_equals_np_load(path):
    expected, settings = numpy_load(path)
    for kind, source in sources(path).items():
        try:
            ours = npyguard.load(source, **settings)
        finally:
            if hasattr(source, "close"):
                source.close()
        assert_same_array(ours, expected)
        assert ours.flags.writeable, kind
        assert ours.flags.aligned, kind


@pytest.mark.parametrize("path", NPY, ids=lambda p: p.name)
def test_npy_fixture_through_read_npy_file_into(path):
    # Large files have their header parsed from their first bytes and their payload read by
    # read_npy_file_into straight into NumPy's memory; force that path on the small fixtures,
    # with a prefix that holds the header (parse_npy_header) and one that does not.
    expected, settings = numpy_load(path)
    limits = npyguard._limits(None, settings)
    for whole_file_bytes in (0, 200):
        ours = npyguard._native.load(str(path), limits, False, whole_file_bytes)
        assert_same_array(ours, expected)
        assert ours.flags.owndata  # NumPy-allocated, filled in place
        ours[...] = ours  # writeable


@pytest.mark.parametrize("path", NPY, ids=lambda p: p.name)
def test_npy_fixture_mmap(path):
    expected, settings = numpy_load(path, mmap_mode="r")
    ours = npyguard.load(path, mmap_mode="r", **settings)
    assert_same_array(ours, np.asarray(expected))
    assert not ours.flags.writeable
    with pytest.raises(ValueError):
        ours[...] = 0 if ours.size else ours


def assert_same_npz(ours, theirs):
    assert isinstance(ours, npyguard.NpzFile)
    assert ours.files == theirs.files
    assert list(ours) == list(theirs)
    assert list(ours.keys()) == list(theirs.keys())
    assert len(ours) == len(theirs)
    for key in theirs.files:
        assert key in ours
        assert_same_array(ours[key], theirs[key])
        assert_same_array(getattr(ours.f, key), theirs[key])
    for name in theirs.zip.namelist():
        assert name in ours
        assert_same_array(ours[name], theirs[name])


@pytest.mark.parametrize("path", NPZ, ids=lambda p: p.name)
def test_npz_fixture_equals_np_load(path):
    with np.load(path, allow_pickle=False) as theirs:
        for kind, source in sources(path).items():
            with npyguard.load(source) as ours:
                assert_same_npz(ours, theirs)
            if hasattr(source, "close"):
                source.close()


@pytest.mark.parametrize("path", NPZ, ids=lambda p: p.name)
def test_npz_read_all_equals_reading_each_member(path):
    with np.load(path) as theirs, npyguard.load(path) as ours:
        everything = ours.read_all()
        assert list(everything) == theirs.files
        for key in theirs.files:
            assert_same_array(everything[key], theirs[key])
        assert list(ours.read_all(threads=1)) == theirs.files
        with pytest.raises(ValueError):
            ours.read_all(threads=0)


def test_npz_read_all_raises_the_first_error():
    path = FIXTURES.parent.parent / "corpus" / "expect" / "fail_crc_mismatch__deflate.npz"
    npz = npyguard.load(path)
    with pytest.raises(npyguard.Error) as one_by_one:
        {key: npz[key] for key in npz}
    with pytest.raises(npyguard.Error) as all_at_once:
        npz.read_all()
    assert all_at_once.value.code == one_by_one.value.code == "crc_mismatch"
    assert all_at_once.value.member == one_by_one.value.member is not None


@pytest.mark.parametrize("path", NPZ, ids=lambda p: p.name)
def test_npz_fixture_mmap_mode_is_ignored(path):
    with np.load(path, mmap_mode="r") as theirs, npyguard.load(path, mmap_mode="r") as ours:
        assert_same_npz(ours, theirs)


def test_npz_mapping_behaviour(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, x=np.arange(3), y=np.ones((2, 2)))
    npz = npyguard.load(path)
    assert npz.files == ["x", "y"]
    assert "x" in npz and "x.npy" in npz and "z" not in npz and "x.np" not in npz
    assert dict(npz.items()).keys() == {"x", "y"}
    with pytest.raises(KeyError, match="z is not a file in the archive"):
        npz["z"]
    with pytest.raises(AttributeError):
        npz.f.z
    assert "with keys: x, y" in repr(npz)
    # Each read is a new array: changing one does not change the next.
    first = npz["x"]
    first[0] = 100
    assert npz["x"][0] == 0
    npz.close()
    assert "(closed)" in repr(npz)
    with pytest.raises(ValueError, match="closed"):
        npz["x"]
    npz.close()  # twice is fine


def test_npz_lookup_order_is_numpys(tmp_path):
    # A member literally named "a.npy.npy" has key "a.npy": the full name wins first, then the
    # key (np.load's NpzFile.__getitem__ order).
    path = tmp_path / "n.npz"
    np.savez(path, **{"a.npy": np.arange(2), "b": np.arange(3)})
    with np.load(path) as theirs, npyguard.load(path) as ours:
        assert ours.files == theirs.files == ["a.npy", "b"]
        for key in ("a.npy", "a.npy.npy", "b", "b.npy"):
            assert_same_array(ours[key], theirs[key])


def test_npz_pickles(tmp_path):
    path = tmp_path / "p.npz"
    np.savez_compressed(path, a=np.arange(10))
    for source in (str(path), path, path.read_bytes()):
        npz = npyguard.load(source, max_ndim=3)
        again = pickle.loads(pickle.dumps(npz))
        assert again.files == ["a"]
        assert_same_array(again["a"], np.arange(10))
        assert again._limits == npyguard.Limits(max_ndim=3)
    with open(path, "rb") as f:
        with pytest.raises(TypeError, match="file object"):
            pickle.dumps(npyguard.load(f))


def test_skipped_members_are_not_keys(tmp_path):
    import zipfile

    path = tmp_path / "s.npz"
    np.savez(path, a=np.arange(2))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("notes.txt", b"hello")
    with pytest.raises(npyguard.Error) as raised:
        npyguard.load(path)
    assert raised.value.code == "zip_not_npy_member"
    assert raised.value.member == "notes.txt"
    npz = npyguard.load(path, skip_non_npy_members=True)
    assert npz.files == ["a"]
    assert "notes.txt" not in npz
    with pytest.raises(KeyError):
        npz["notes.txt"]


def test_file_object_position_after_load(tmp_path):
    # np.load reads from the current position and leaves the file just after the array, so
    # several arrays written one after another read back in order.
    buffer = io.BytesIO()
    buffer.write(b"junk")
    np.save(buffer, np.arange(3))
    np.save(buffer, np.arange(4.0))
    buffer.seek(4)
    first = npyguard.load(buffer, allow_trailing_data=True)
    assert_same_array(first, np.arange(3))
    second = npyguard.load(buffer, allow_trailing_data=True)
    assert_same_array(second, np.arange(4.0))
    assert buffer.read() == b""
    # By default the bytes after the first array are refused, as trailing data.
    buffer.seek(4)
    with pytest.raises(npyguard.Error) as raised:
        npyguard.load(buffer)
    assert raised.value.code == "trailing_data"


class Unseekable(io.RawIOBase):
    """A socket-like stream: readinto only, short reads, no seek."""

    def __init__(self, data, chunk=7):
        self._data = memoryview(data)
        self._chunk = chunk

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self._chunk, len(self._data))
        buffer[:count] = self._data[:count]
        self._data = self._data[count:]
        return count


class ReadOnly:
    """The least a file object can be: read(n) only."""

    def __init__(self, data):
        self._stream = io.BytesIO(data)

    def read(self, size=-1):
        return self._stream.read(min(size, 5) if size and size > 0 else size)


@pytest.mark.parametrize("name", ["rec_nested_3.npy", "f8_le_3x4_fortran.npy", "U7_be_6.npy"])
def test_streams_without_seek_or_readinto(name):
    path = FIXTURES / "npy" / name
    expected = np.load(path)
    assert_same_array(npyguard.load(Unseekable(path.read_bytes())), expected)
    assert_same_array(npyguard.load(ReadOnly(path.read_bytes())), expected)


def test_npz_streams():
    path = FIXTURES / "npz" / "savez_compressed.npz"
    with np.load(path) as theirs:
        assert_same_npz(npyguard.load(Unseekable(path.read_bytes(), chunk=1000)), theirs)
        assert_same_npz(npyguard.load(ReadOnly(path.read_bytes())), theirs)


def test_streamed_archive_limit():
    path = FIXTURES / "npz" / "savez_compressed.npz"
    with pytest.raises(npyguard.Error) as raised:
        npyguard.load(Unseekable(path.read_bytes()), max_streamed_archive_bytes=100)
    assert raised.value.category == "limit_exceeded"


def test_file_object_errors_propagate():
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        npyguard.load(Broken())

    class Later(Unseekable):
        def readinto(self, buffer):
            if not self._data[:6].tobytes().startswith(b"\x93NUMPY") and len(self._data) < 100:
                raise RuntimeError("connection reset")
            return super().readinto(buffer)

    data = (FIXTURES / "npy" / "f8_le_12.npy").read_bytes()
    with pytest.raises(RuntimeError, match="connection reset"):
        npyguard.load(Later(data, chunk=64))
    with pytest.raises(RuntimeError, match="connection reset"):
        npyguard.check(Later(data, chunk=64))
    with pytest.raises(TypeError, match="binary mode"):
        with open(FIXTURES / "npy" / "f8_le_12.npy", "r", encoding="latin-1") as text:
            npyguard.load(text)


def test_allow_pickle_is_refused():
    with pytest.raises(ValueError, match="never unpickles"):
        npyguard.load(SAMPLES / "temperatures.npy", allow_pickle=True)


def test_object_arrays_are_refused_with_their_code():
    with pytest.raises(npyguard.Error) as raised:
        npyguard.load(SAMPLES / "pickled_objects.npy")
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.code == "object_dtype"
    assert error.number == 301
    assert error.category == "policy_rejected"
    assert error.offset == 20
    assert error.member is None and error.member_index is None
    assert error.filename == str(SAMPLES / "pickled_objects.npy")
    assert str(error).startswith("object_dtype: ")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is npyguard.Error
    assert (again.code, again.offset, str(again)) == (error.code, error.offset, str(error))


def test_limits_as_keywords_and_objects():
    path = SAMPLES / "temperatures.npy"
    size = np.load(path).nbytes
    npyguard.load(path, max_array_bytes=size)
    npyguard.load(path, limits=npyguard.Limits(max_array_bytes=size))
    for call in (lambda: npyguard.load(path, max_array_bytes=size - 1),
                 lambda: npyguard.load(path, limits=npyguard.Limits(max_array_bytes=size - 1)),
                 lambda: npyguard.load(path, limits=npyguard.Limits(max_array_bytes=1),
                                       max_array_bytes=size - 1)):
        with pytest.raises(npyguard.Error) as raised:
            call()
        assert raised.value.code == "array_too_large"
        assert raised.value.limit == size - 1
        assert raised.value.found == size
    # np.load's own name for the header limit.
    with pytest.raises(npyguard.Error) as raised:
        npyguard.load(path, max_header_size=10)
    assert raised.value.code == "header_too_large"
    with pytest.raises(TypeError):
        npyguard.load(path, no_such_limit=1)
    with pytest.raises(TypeError):
        npyguard.load(path, limits={"max_ndim": 3})


def test_io_errors_are_oserrors(tmp_path):
    with pytest.raises(FileNotFoundError) as raised:
        npyguard.load(tmp_path / "missing.npy")
    assert raised.value.code == "io_open_failed"
    assert raised.value.category == "io"
    assert raised.value.filename == str(tmp_path / "missing.npy")
    with pytest.raises(IsADirectoryError) as raised:
        npyguard.load(tmp_path)
    assert raised.value.code == "io_not_regular_file"
    if os.getuid() != 0:
        locked = tmp_path / "locked.npy"
        np.save(locked, np.arange(2))
        locked.chmod(0)
        with pytest.raises(PermissionError):
            npyguard.load(locked)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as raised:
        npyguard.load(fifo)  # never blocks waiting for a writer
    assert raised.value.code == "io_not_regular_file"


def test_bad_arguments():
    with pytest.raises(TypeError, match="path"):
        npyguard.load(12)
    with pytest.raises(ValueError, match="mmap_mode"):
        npyguard.load(SAMPLES / "temperatures.npy", mmap_mode="r+")
    with pytest.raises(ValueError, match="mmap_mode needs a path"):
        npyguard.load(b"\x93NUMPY", mmap_mode="r")
    with pytest.raises(ValueError, match="null"):
        npyguard.load("a\0b")


def test_views_of_mutable_buffers_are_copied_too():
    data = bytearray((FIXTURES / "npz" / "savez_stored.npz").read_bytes())
    npz = npyguard.load(memoryview(data).toreadonly())
    data[:] = bytes(len(data))
    with np.load(FIXTURES / "npz" / "savez_stored.npz") as theirs:
        assert_same_npz(npz, theirs)


def test_mutable_buffers_are_copied_before_reading():
    data = bytearray((FIXTURES / "npz" / "savez_stored.npz").read_bytes())
    npz = npyguard.load(data)
    data[:] = bytes(len(data))  # the archive read a private copy
    with np.load(FIXTURES / "npz" / "savez_stored.npz") as theirs:
        assert_same_npz(npz, theirs)


def test_unsized_strings_keep_numpys_dtype():
    # np.load gives dtype('S') (itemsize 0) for a '|S0' file, not S1.
    path = FIXTURES / "npy" / "S0_3.npy"
    ours = npyguard.load(path)
    assert ours.dtype.itemsize == 0 and ours.shape == (3,)
    assert_same_array(ours, np.load(path))
