# SPDX-License-Identifier: Apache-2.0
"""Property tests: random dtypes (nested records, titles, offsets, padding, subarrays of
subarrays, both byte orders, every datetime unit), shapes and orders. NumPy writes ->
npyguard loads what np.load loads; npyguard writes -> the bytes np.save writes."""

import io
import os
import tempfile
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import npyguard
from conftest import assert_same_array

UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]
ORDER = st.sampled_from("<>")

NUMBERS = st.tuples(ORDER, st.sampled_from(
    ["i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16", "f16", "c32"])).map("".join)
SINGLE_BYTE = st.sampled_from(["|b1", "|i1", "|u1"])
SIZED = st.one_of(st.integers(0, 6).map("|S{}".format), st.integers(1, 6).map("|V{}".format),
                  st.tuples(ORDER, st.integers(0, 4)).map(lambda t: "%sU%d" % t))
DATETIMES = st.tuples(
    ORDER, st.sampled_from(["M8", "m8"]),
    st.one_of(st.just(""), st.tuples(st.sampled_from(["", "2", "10", "25"]),
                                     st.sampled_from(UNITS)).map(lambda t: "[%s%s]" % t)),
).map("".join)
LEAVES = st.one_of(NUMBERS, SINGLE_BYTE, SIZED, DATETIMES).map(np.dtype)

# Only printable characters (str.isprintable(): no C* or Z* category but the ASCII space):
# repr() escapes the others, and the library's header writer cannot tell all of them apart
# without the Unicode database (its TODO in src/dtype.cpp); test_unprintable_names pins the gap.
NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp",
                                                    "Zs"),
                              whitelist_characters=" ", max_codepoint=0x2FFF),
                min_size=1, max_size=5)
SUBARRAY = st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple)


@st.composite
def records(draw, children):
    fields = draw(st.lists(st.tuples(NAMES, children), min_size=1, max_size=4,
                           unique_by=lambda f: f[0]))
    names, formats, offsets, titles = [], [], [], []
    used = {name for name, _ in fields}
    offset = 0
    for name, child in fields:
        # A subarray field, sometimes of a subarray (NumPy keeps the levels apart).
        for _ in range(draw(st.integers(0, 2)) if child.itemsize else 0):
            child = np.dtype((child, draw(SUBARRAY)))
        offset += draw(st.sampled_from([0, 0, 0, 1, 3]))  # padding before the field
        title = draw(st.one_of(st.none(), NAMES, st.integers(-3, 3), st.binary(max_size=3)))
        if isinstance(title, str):
            if title in used:
                title = None
            else:
                used.add(title)
        names.append(name)
        formats.append(child)
        offsets.append(offset)
        titles.append(title)
        offset += child.itemsize
    itemsize = offset + draw(st.sampled_from([0, 0, 2]))  # padding after the last field
    return np.dtype({"names": names, "formats": formats, "offsets": offsets,
                     "titles": titles, "itemsize": itemsize})


DTYPES = st.recursive(LEAVES, records, max_leaves=8)
SHAPES = st.lists(st.integers(0, 4), max_size=3).map(tuple)


def make_valid(view):
    """Random bytes are valid for every type but bool (0/1 only) and unicode (code points)."""
    dtype = view.dtype
    if dtype.names is not None:
        for name in dtype.names:
            make_valid(view[name])
    elif dtype.kind == "b":
        raw = view.view(np.uint8)
        np.bitwise_and(raw, np.uint8(1), out=raw)
    elif dtype.kind == "U" and dtype.itemsize > 0:
        view[...] = "ẞx\u00e9"


@st.composite
def arrays(draw):
    dtype = draw(DTYPES)
    shape = draw(SHAPES)
    order = draw(st.sampled_from("CF"))
    count = int(np.prod(shape)) if shape else 1
    nbytes = count * dtype.itemsize
    if nbytes == 0:
        array = np.zeros(shape, dtype=dtype, order=order)
    else:
        raw = draw(st.binary(min_size=nbytes, max_size=nbytes))
        array = np.frombuffer(raw, dtype=dtype, count=count).copy().reshape(shape, order=order)
    make_valid(array)
    return array


def numpy_save(array):
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.save(out, array)
    return out.getvalue()


def roundtrips_in_numpy(data):
    """Only what NumPy itself reads back as it wrote it is a fair question for npyguard."""
    try:
        np.load(io.BytesIO(data))
    except Exception:  # noqa: BLE001
        return False
    return True


@given(arrays())
def test_numpy_writes_npyguard_loads(array):
    data = numpy_save(array)
    assume(roundtrips_in_numpy(data))
    expected = np.load(io.BytesIO(data))
    assert_same_array(npyguard.load(data), expected)
    verdict = npyguard.check(data)
    assert verdict.ok, verdict
    assert verdict.dtype == expected.dtype and verdict.shape == expected.shape
    assert verdict.fortran_order == (expected.flags.f_contiguous and not
                                     expected.flags.c_contiguous)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "a.npy")
        with open(path, "wb") as f:
            f.write(data)
        assert_same_array(npyguard.load(path), expected)
        assert_same_array(npyguard._native.load(path, npyguard.Limits(), False, 0), expected)
        assert_same_array(np.asarray(npyguard.load(path, mmap_mode="r")), expected)


@given(arrays())
def test_npyguard_writes_numpys_bytes(array):
    expected = numpy_save(array)
    ours = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        npyguard.save(ours, array)
    assert ours.getvalue() == expected
    if roundtrips_in_numpy(expected):
        assert_same_array(np.load(io.BytesIO(ours.getvalue())), np.load(io.BytesIO(expected)))


@given(st.lists(arrays(), min_size=1, max_size=3), st.booleans())
def test_savez_members_and_loads(members, compressed):
    data = [numpy_save(a) for a in members]
    assume(all(roundtrips_in_numpy(d) for d in data))
    ours = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (npyguard.savez_compressed if compressed else npyguard.savez)(ours, *members)
    with zipfile.ZipFile(io.BytesIO(ours.getvalue())) as archive:
        assert archive.namelist() == ["arr_%d.npy" % i for i in range(len(members))]
        assert [archive.read(n) for n in archive.namelist()] == data
    with np.load(io.BytesIO(ours.getvalue())) as theirs, npyguard.load(ours.getvalue()) as npz:
        assert npz.files == theirs.files
        for key in theirs.files:
            assert_same_array(npz[key], theirs[key])


@pytest.mark.xfail(strict=True, reason="library gap: the header writer approximates "
                   "str.isprintable() without the Unicode database, so it writes some "
                   "unprintable code points raw (format 3.0) where np.save escapes them (1.0)")
@pytest.mark.parametrize("name", ["\u0a49", "\u0890"])  # unassigned; a format character (Cf)
def test_unprintable_names(name):
    array = np.zeros(1, dtype=[(name, "?")])
    ours = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        npyguard.save(ours, array)
    assert ours.getvalue() == numpy_save(array)
