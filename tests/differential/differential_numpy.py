#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Differential test of npyguard against NumPy, the reference reader and writer.

    differential_numpy.py NPYGUARD_BINARY WORKDIR [--seed N] [--seconds S] [--cases N]

Three parts (standard library and NumPy only):

1. .npy round trips. A seeded generator builds arrays of every dtype npyguard supports (b1,
   i1-i8, u1-u8, f2/f4/f8/long double, c8/c16/long double complex, S<n>, U<n> with non-ASCII
   text, V<n>, M8/m8 with units and multipliers), both byte orders, shapes from () and (0,) up to
   five dimensions, C and Fortran order, and structured dtypes (nested, subarray fields, titles,
   padding from align=True and explicit offsets, mixed byte orders, non-ASCII field names that
   make NumPy write format 3.0). Float data holds NaNs with non-default payloads (quiet and
   signalling, both signs), infinities, -0.0 and denormals; structure padding holds random bytes.
   Each array goes through np.save, then:
     - `npyguard check --json` accepts it and reports NumPy's descr (as JSON) and shape;
     - `npyguard sanitize IN OUT` writes OUT byte-identical to IN (np.save is already
       canonical), and np.load(OUT) equals the array bit for bit (raw bytes, so NaN payloads
       and padding count);
     - `--native-endian`, `--little-endian`, `--c-order` and `--native-endian --c-order` give
       the expected dtype and order and the same values: every leaf field is compared as
       little-endian bytes (no float arithmetic, so NaN payloads count), and OUT must be
       byte-identical to np.save of what np.load(OUT) returns (a canonical header, nothing after
       the data).
2. .npz round trips (savez and savez_compressed, one to four members, positional and named
   keys, non-ASCII keys): check accepts and agrees per member; sanitize keeping the method, with
   --store, with --deflate and with --native-endian --c-order; np.load(OUT) has the same keys
   and equal arrays, member names are '<key>.npy', methods are as expected, zipfile's testzip()
   and `unzip -t` (when /usr/bin/unzip exists) pass.
3. Agreement on rejection. Fixed files built byte by byte around valid payloads (header
   variants, dtype spellings, payload defects, hostile archives). Each goes through
   `npyguard check --json` and np.load(allow_pickle=False), the latter in a child process with
   an address-space limit. Rules:
     (a) a file npyguard accepts must load in NumPy with the same descr
         (np.lib.format.dtype_to_descr, as JSON: docs/json-output.md) and shape, per member
         for archives;
     (b) a file NumPy loads but npyguard refuses must be refused with an error name in
         ALLOWED_STRICTNESS, each tied to the SECURITY.md rule it implements;
     (c) variants that SECURITY.md's grammar promises to accept (MUST_ACCEPT) must be accepted.
   Files both accept must sanitize to exactly what np.save writes for NumPy's reading of them;
   files npyguard refuses must make sanitize exit 1 and write nothing. A few contract checks of
   sanitize follow (OUT is IN, --in-place, unwritable OUT, missing IN).

The random parts stop starting new cases once --seconds (default 60) have passed, or after
--cases cases, and the report is printed either way. Files of failing cases are kept under
WORKDIR/failures/. The sanitize parts are reported as SKIPPED when `npyguard sanitize --help`
exits 2 (the command does not exist in that binary).

Exit status: 0 everything agrees, 1 failures (listed at the end), 2 usage error,
77 NumPy is not importable (ctest's SKIP_RETURN_CODE).
"""

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time
import warnings
import zipfile

try:
    import numpy as np
except ImportError:
    print(f"SKIPPED: numpy is not importable by {sys.executable}")
    sys.exit(77)

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_SKIP = 0, 1, 2, 77
DEFAULT_SEED = 20240611
DEFAULT_SECONDS = 60.0
DEFAULT_CASES = 600
NPZ_EVERY = 4                   # every 4th random case is an archive
MAX_NPY_BYTES = 16 << 10        # payload size cap of a generated array
MAX_NPZ_MEMBER_BYTES = 4 << 10
MAX_ITEMSIZE = 512
COMMAND_TIMEOUT = 60            # seconds; npyguard hanging on a small file is a failure
UNZIP = "/usr/bin/unzip"
NATIVE = "<" if sys.byteorder == "little" else ">"
WORKER_FLAG = "--numpy-worker"  # internal mode: NumPy verdicts in a memory-limited child
WORKER_EXTRA_ADDRESS_SPACE = 1 << 30
SCRATCH = [os.getcwd()]        # directory for saved_bytes; set by main and the worker

# Rule (b): every refusal of a file NumPy loads must carry one of these error names. Each maps
# to the SECURITY.md rule it implements ("What NumPy accepts and npyguard refuses", the header
# grammar, and the .npz rules). Anything else NumPy loads and npyguard refuses is a failure.
ALLOWED_STRICTNESS = {
    "header_duplicate_key": "duplicate header key: NumPy lets the last win; readers disagree",
    "header_unknown_key": "unknown header key: one meaning only",
    "header_missing_key": "missing header key: one meaning only",
    "header_syntax": "comments, expressions, names, implicit string concatenation: literals "
                     "only (the header grammar)",
    "header_bad_integer": "hex, octal, underscores, signs: plain decimal only",
    "header_bad_value": "True/False as a dimension; shape a tuple of non-negative integers",
    "negative_dimension": "negative dimension: not an array",
    "header_bad_terminator": "a newline before the end of the header (more lines)",
    "header_non_ascii": "header grammar: ws is space or tab; any other control or non-ASCII "
                        "byte outside a string (form feed, CR before the final newline)",
    "header_bad_string": "raw control characters and escapes repr never writes; \\x00 and "
                         "surrogate escapes in names",
    "dtype_non_canonical": "aliases 'float64', 'i', 'd', dict-form descr: one spelling per type",
    "dtype_bad_byte_order": "'=i4', 'i4', '|i4': the writer's machine order is unknowable",
    "dtype_itemsize_overflow": "'|V4294967296', '<U1000000000': wrapped item sizes",
    "dtype_bad_size": "sizes of more than 10 digits ('<U999999999999'): wrapped item sizes",
    "dtype_bad_field": "field grammar: (name, type[, shape tuple]); NumPy also takes a bare "
                       "integer shape, which it never writes",
    "dtype_top_level_subarray": "top-level subarray descr: NumPy never writes one",
    "dtype_empty_field_name": "empty field names: ambiguous field access",
    "dtype_duplicate_field": "duplicate field names (titles count): ambiguous field access",
    "trailing_data": "bytes after the payload: hidden appended data, polyglots",
    "invalid_bool": "bool bytes other than 0/1: undefined behaviour as C++ bool",
    "invalid_unicode": "U strings with surrogates or > U+10FFFF: not Unicode",
    "size_overflow": "element count or byte size beyond int64",
    "zip_duplicate_name": ".npz rule 5: duplicate names, and 'a' vs 'a.npy' (one NumPy key)",
    "zip_not_npy_member": ".npz rule 5: members not ending in .npy (NumPy hands back raw reads)",
    "zip_version_too_new": ".npz rule 4: version needed at most 4.5 (zipfile writes 4.6 for "
                           "bzip2 and 6.3 for LZMA)",
    "zip_unsupported_method": ".npz rule 4: only stored and deflate (zipfile reads bzip2/LZMA)",
    "zip_prepended_data": ".npz rule 8: bytes before the first member",
    "zip_directory_out_of_bounds": ".npz rule 3: the directory must end where the end record "
                                   "begins (zipfile shifts all offsets instead: prepended "
                                   "data)",
    "zip_unsafe_name": ".npz rule 4: unsafe member names ('..', backslash, ...)",
    "zip_member_size_mismatch": ".npz member data: a member's .npy header must declare exactly "
                                "its uncompressed size (no trailing bytes inside a member)",
}

# The only files npyguard may accept while the NumPy under test refuses them: each is a file some
# NumPy writes, documented in SECURITY.md ("Files npyguard accepts that this NumPy may not"), and
# applies only where the condition says the NumPy under test differs.
NUMPY_DIFFERENCES = {
    "33_dims": ("NumPy 2 writes up to 64 dimensions (max_ndim defaults to NumPy 2's 64); "
                "NumPy 1.x stops at 32",
                lambda: int(np.__version__.split(".")[0]) < 2),
    "f12_long_double": ("'<f12' is the long double NumPy writes on 32-bit x86; npyguard exposes "
                        "its bytes on every platform",
                        lambda: np.dtype(np.longdouble).itemsize != 12),
    "c24_long_double": ("'<c24' is the complex long double NumPy writes on 32-bit x86",
                        lambda: np.dtype(np.longdouble).itemsize != 12),
}

SANITIZE_NPY_VARIANTS = (
    (),
    ("--native-endian",),
    ("--little-endian",),
    ("--c-order",),
    ("--native-endian", "--c-order"),
)
SANITIZE_NPZ_VARIANTS = (
    (),
    ("--store",),
    ("--deflate",),
    ("--native-endian", "--c-order"),
)


# ----------------------------------------------------------------------------------------------
# Running npyguard and recording results


class Npyguard:
    """The binary under test."""

    def __init__(self, binary):
        self.binary = binary

    def run(self, *args):
        try:
            return subprocess.run([self.binary, *args], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess([self.binary, *args], -1, b"",
                                               b"timed out after %d s" % COMMAND_TIMEOUT)

    def has_sanitize(self):
        return self.run("sanitize", "--help").returncode == 0

    def check(self, path):
        """(verdict, json) with verdict 'ok', 'rejected' or 'error: ...'."""
        r = self.run("check", "--json", path)
        text = r.stdout.decode("utf-8", "replace").strip()
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = None
        if r.returncode == 0 and doc and doc.get("ok") is True:
            return "ok", doc
        if r.returncode == 1 and doc and doc.get("ok") is False:
            return "rejected", doc
        err = r.stderr.decode("utf-8", "replace").strip()
        return f"error: exit {r.returncode}: {text or err}"[:300], doc

    def sanitize(self, options, *paths):
        return self.run("sanitize", *options, *paths)


def error_name(doc):
    return ((doc or {}).get("error") or {}).get("name", "?")


class Report:
    """Failures and counters, printed at the end."""

    def __init__(self, workdir):
        self.failures = []
        self.counts = {}
        self.failure_dir = os.path.join(workdir, "failures")

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    def fail(self, case, message, keep=()):
        """Record a failure and keep the files `keep` for reproduction."""
        self.failures.append(f"{case}: {message}")
        os.makedirs(self.failure_dir, exist_ok=True)
        for path in keep:
            if os.path.exists(path):
                shutil.copy(path, os.path.join(self.failure_dir, os.path.basename(path)))


def describe_result(r):
    out = (r.stdout + r.stderr).decode("utf-8", "replace").strip().replace("\n", " | ")
    return f"exit {r.returncode}: {out[:300]}"


def remove(*paths):
    for path in paths:
        if os.path.lexists(path):
            os.remove(path)


# ----------------------------------------------------------------------------------------------
# Comparing arrays exactly


def descr_repr(dtype):
    """The descr as the header spells it."""
    return repr(np.lib.format.dtype_to_descr(dtype))


def descr_json(dtype):
    """NumPy's descr the way npyguard's JSON gives it (docs/json-output.md): tuples and lists
    become arrays, a bytes title {"bytes_hex": ...}."""
    def title(value):
        return {"bytes_hex": value.hex()} if isinstance(value, bytes) else value

    def typ(value):
        if isinstance(value, str):
            return value
        if isinstance(value, tuple):  # (type, shape): a subarray level
            return [typ(value[0]), list(value[1])]
        return [entry(e) for e in value]

    def entry(e):
        name = [title(e[0][0]), e[0][1]] if isinstance(e[0], tuple) else e[0]
        return [name, typ(e[1])] + ([list(e[2])] if len(e) == 3 else [])

    return typ(np.lib.format.dtype_to_descr(dtype))


def leaves(arr, path=""):
    """(path, view) for every non-structured field of arr, subarray dimensions appended."""
    if arr.dtype.names is None:
        yield path or "<array>", arr
        return
    for name in arr.dtype.names:
        yield from leaves(arr[name], f"{path}.{name}" if path else name)


def swap_unit(dtype):
    """Bytes per byte-swapped unit of a scalar dtype, 0 when its bytes are never swapped."""
    if dtype.str[0] not in "<>" or dtype.kind in "bSV" or dtype.itemsize == 1:
        return 0
    if dtype.kind == "c":
        return dtype.itemsize // 2
    if dtype.kind == "U":
        return 4
    return dtype.itemsize


def swap_bytes(data, unit):
    if not unit or not data:
        return data
    return np.frombuffer(data, np.uint8).reshape(-1, unit)[:, ::-1].tobytes()


def le_bytes(leaf):
    """The values of a scalar-dtype array in logical C order as little-endian bytes. Only byte
    copies are involved (never float conversion), so NaN payloads survive."""
    raw = np.ascontiguousarray(leaf).tobytes()
    return swap_bytes(raw, swap_unit(leaf.dtype)) if leaf.dtype.str[0] == ">" else raw


def from_le_bytes(data, dtype, shape):
    """The inverse of le_bytes: an array of `dtype` holding the little-endian bytes `data`."""
    if dtype.str[0] == ">":
        data = swap_bytes(data, swap_unit(dtype))
    return np.frombuffer(data, dtype=dtype).reshape(shape)


def is_fortran(arr):
    return bool(np.isfortran(arr))


def compare_identical(expected, got):
    """Problems (strings) if got is not expected bit for bit, padding included."""
    problems = []
    if descr_repr(got.dtype) != descr_repr(expected.dtype):
        problems.append(f"dtype {descr_repr(got.dtype)} != {descr_repr(expected.dtype)}")
    if got.shape != expected.shape:
        problems.append(f"shape {got.shape} != {expected.shape}")
    if is_fortran(got) != is_fortran(expected):
        problems.append(f"fortran order {is_fortran(got)} != {is_fortran(expected)}")
    if not problems and got.tobytes() != expected.tobytes():
        problems.append("raw bytes differ: " + first_leaf_difference(expected, got))
    return problems


def compare_converted(original, got, byte_order, c_order):
    """Problems if got is not original converted to `byte_order` ('<', '>' or None: kept)
    and, with c_order, C order; values compared leaf by leaf as little-endian bytes."""
    expected_dtype = original.dtype.newbyteorder(byte_order) if byte_order else original.dtype
    expected_fortran = False if c_order else is_fortran(original)
    problems = []
    if descr_repr(got.dtype) != descr_repr(expected_dtype):
        problems.append(f"dtype {descr_repr(got.dtype)} != expected {descr_repr(expected_dtype)}")
    if got.shape != original.shape:
        problems.append(f"shape {got.shape} != {original.shape}")
    if is_fortran(got) != expected_fortran:
        problems.append(f"fortran order {is_fortran(got)} != expected {expected_fortran}")
    if not problems:
        difference = first_leaf_difference(original, got)
        if difference:
            problems.append("values differ: " + difference)
    return problems


def first_leaf_difference(a, b):
    for (path, x), (_, y) in zip(leaves(a), leaves(b)):
        bx, by = le_bytes(x), le_bytes(y)
        if bx != by:
            size = x.dtype.itemsize or 1
            k = next(i for i in range(min(len(bx), len(by))) if bx[i] != by[i]) // size
            return (f"field {path}, element {k}: {bx[k * size:(k + 1) * size].hex()} "
                    f"!= {by[k * size:(k + 1) * size].hex()} (little-endian bytes)")
    return ""


def saved_bytes(arr):
    """What np.save writes for arr. Written to a real file: np.save into a BytesIO copies
    Fortran-ordered arrays through nditer, which does not keep the bytes of structure padding."""
    path = os.path.join(SCRATCH[0], f"saved-{os.getpid()}.npy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # format 3.0 is announced with a UserWarning
        np.save(path, arr, allow_pickle=False)
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


def exact_npy(data):
    """The array in .npy bytes, built on NumPy's header parser with the payload bytes taken
    as they are. (np.load of an archive member reads into np.ndarray() by field assignment,
    which leaves structure padding uninitialised.)"""
    f = io.BytesIO(data)
    version = np.lib.format.read_magic(f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shape, fortran, dtype = np.lib.format._read_array_header(f, version)
    count = int(np.prod(shape, dtype=np.int64))
    payload = data[f.tell():]
    if len(payload) != count * dtype.itemsize:
        raise ValueError(f"{len(payload)} payload bytes for {count} x {dtype.itemsize}")
    arr = np.frombuffer(payload, dtype=dtype, count=count)
    return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)


def load_trusted(path, limit):
    """np.load of a file npyguard wrote from a small input; refuse oversized files."""
    if os.path.getsize(path) > limit:
        raise ValueError(f"{os.path.getsize(path)} bytes, more than the input could give")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.load(path, allow_pickle=False)


# ----------------------------------------------------------------------------------------------
# Random arrays

LONG_DOUBLE = np.dtype(np.longdouble)
LONG_DOUBLE_MANT = np.finfo(np.longdouble).nmant
SCALAR_CODES = ["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8",
                "c8", "c16", "S", "U", "V", "M8", "m8"]
if LONG_DOUBLE.itemsize > 8:
    SCALAR_CODES += [f"f{LONG_DOUBLE.itemsize}", f"c{2 * LONG_DOUBLE.itemsize}"]
DATETIME_UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]
DATETIME_MULTIPLIERS = ["", "", "", "2", "3", "7", "25", "1000"]
# Field names: ASCII, Latin-1 (format 1.0), beyond Latin-1 (format 3.0), and names whose repr
# needs escapes or the other quote.
FIELD_NAMES = ["a", "b", "x1", "temp", "Value", "é", "ñame", "Ωmega", "日本", "名前", "😀",
               "a b", "it's", 'say "hi"', "both'\"", "tab\tname", "back\\slash", "c1\x85",
               "del\x7f", "ß"]
NPZ_KEYS = ["arr", "données", "日本語", "x_y", "a b", "Ω", "emoji😀", "k.v", "UPPER",
            "数据", "ß-key"]
SUBARRAY_SHAPES = [(2,), (3,), (2, 2), (1, 3), (2, 1, 2)]
SPECIAL_SHAPES = [(), (0,), (0, 5), (5, 0), (1,), (1, 1), (3, 0, 2), (1, 4), (4, 1)]
FLOAT_SPECIALS = ("zero", "inf", "qnan", "qnan_payload", "snan", "min_denormal",
                  "max_denormal", "denormal", "min_normal", "max_finite", "one")
IEEE_LAYOUT = {2: (5, 10), 4: (8, 23), 8: (11, 52)}  # exponent, fraction bits


def random_scalar_dtype(rng):
    code = rng.choice(SCALAR_CODES)
    order = rng.choice("<>")
    if code == "S":
        return np.dtype(f"S{rng.randint(1, 12)}")
    if code == "V":
        return np.dtype(f"V{rng.randint(1, 12)}")
    if code == "U":
        return np.dtype(f"{order}U{rng.randint(1, 6)}")
    if code in ("M8", "m8"):
        if rng.random() < 0.1:
            return np.dtype(order + code)  # generic unit
        unit = rng.choice(DATETIME_UNITS)
        return np.dtype(f"{order}{code}[{rng.choice(DATETIME_MULTIPLIERS)}{unit}]")
    return np.dtype(order + code)


def random_dtype(rng, depth=0):
    if depth < 3 and rng.random() < (0.3 if depth == 0 else 0.15):
        return random_struct_dtype(rng, depth + 1)
    return random_scalar_dtype(rng)


def random_struct_dtype(rng, depth):
    """A record dtype: packed, aligned (padding fields) or explicit offsets (gaps and a tail),
    some fields with titles or subarray shapes, fields of any byte order."""
    names = rng.sample(FIELD_NAMES, rng.randint(1, 4))
    formats = []
    for _ in names:
        fmt = random_dtype(rng, depth)
        if rng.random() < 0.25:
            fmt = np.dtype((fmt, rng.choice(SUBARRAY_SHAPES)))
            if rng.random() < 0.3 and fmt.itemsize > 0:
                # a field whose type is itself a subarray: ('a', (type, inner), outer)
                fmt = np.dtype((fmt, rng.choice(SUBARRAY_SHAPES)))
        formats.append(fmt)
    # Titles: mostly strings; also integers and bytes, which np.save writes as their repr.
    titles = [rng.choice([f"title of {name}", f"title of {name}", rng.randint(-9, 99),
                          bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 4)))])
              if rng.random() < 0.2 else None for name in names]
    style = rng.choice(["packed", "aligned", "offsets"])
    if style == "offsets":
        offsets, position = [], 0
        for fmt in formats:
            position += rng.randint(0, 5)
            offsets.append(position)
            position += fmt.itemsize
        return np.dtype({"names": names, "formats": formats, "offsets": offsets,
                         "titles": titles, "itemsize": position + rng.randint(0, 6)})
    fields = [((title, name) if title is not None else name, fmt)
              for name, fmt, title in zip(names, formats, titles)]
    return np.dtype(fields, align=(style == "aligned"))


def random_shape(rng, itemsize, max_bytes):
    if rng.random() < 0.25:
        shape = rng.choice(SPECIAL_SHAPES)
    else:
        ndim = rng.randint(1, 5)
        shape = [rng.randint(1, 6 if ndim <= 3 else 3) for _ in range(ndim)]
    shape = list(shape)
    while int(np.prod(shape, dtype=np.int64)) * itemsize > max_bytes:
        shape[shape.index(max(shape))] -= 1
    return tuple(shape)


def ieee_bits(rng, special, ebits, fbits, explicit_int):
    """Bits of one special float: ebits exponent bits, fbits fraction bits below the integer
    bit, which x87 extended precision stores explicitly (explicit_int)."""
    emax = (1 << ebits) - 1
    quiet = 1 << (fbits - 1)
    payload = rng.getrandbits(fbits - 1) or 1
    exponent, fraction = {
        "zero": (0, 0),
        "inf": (emax, 0),
        "qnan": (emax, quiet),
        "qnan_payload": (emax, quiet | payload),
        "snan": (emax, payload),
        "min_denormal": (0, 1),
        "max_denormal": (0, (1 << fbits) - 1),
        "denormal": (0, rng.getrandbits(fbits) or 1),
        "min_normal": (1, 0),
        "max_finite": (emax - 1, (1 << fbits) - 1),
        "one": ((1 << (ebits - 1)) - 1, 0),
    }[special]
    int_bit = 1 if explicit_int and exponent != 0 else 0
    width = fbits + (1 if explicit_int else 0)
    mantissa = (int_bit << fbits) | fraction
    return (rng.getrandbits(1) << (ebits + width)) | (exponent << width) | mantissa


def float_le_bytes(rng, size):
    """One float of `size` bytes, little-endian: random bits or a special value."""
    if rng.random() < 0.4:
        return rng.randbytes(size)
    special = rng.choice(FLOAT_SPECIALS)
    if size in IEEE_LAYOUT:
        ebits, fbits = IEEE_LAYOUT[size]
        return ieee_bits(rng, special, ebits, fbits, False).to_bytes(size, "little")
    if size == LONG_DOUBLE.itemsize and LONG_DOUBLE_MANT == 63:  # x87 80-bit in 12/16 bytes
        return ieee_bits(rng, special, 15, 63, True).to_bytes(10, "little") + \
            rng.randbytes(size - 10)
    if size == LONG_DOUBLE.itemsize and LONG_DOUBLE_MANT == 112:  # IEEE binary128
        return ieee_bits(rng, special, 15, 112, False).to_bytes(16, "little")
    return rng.randbytes(size)


def random_code_point(rng):
    r = rng.random()
    if r < 0.1:
        return 0
    if r < 0.45:
        return rng.randint(0x20, 0x7E)
    if r < 0.65:
        return rng.randint(0x80, 0xFF)
    if r < 0.9:
        cp = rng.randint(0x100, 0xFFFD)
        return 0x4E2D if 0xD800 <= cp <= 0xDFFF else cp
    return rng.randint(0x10000, 0x10FFFF)


def leaf_le_bytes(rng, dtype, count):
    """`count` valid values of a scalar dtype as little-endian bytes."""
    kind, size = dtype.kind, dtype.itemsize
    if kind == "b":
        return bytes(rng.getrandbits(1) for _ in range(count))
    if kind == "U":
        return b"".join(struct.pack("<I", random_code_point(rng))
                        for _ in range(count * size // 4))
    if kind == "f":
        return b"".join(float_le_bytes(rng, size) for _ in range(count))
    if kind == "c":
        return b"".join(float_le_bytes(rng, size // 2) for _ in range(2 * count))
    if kind in "mM":
        nat = struct.pack("<q", np.iinfo(np.int64).min)
        return b"".join(nat if rng.random() < 0.1 else rng.randbytes(8) for _ in range(count))
    return rng.randbytes(size * count)


def random_array(rng, max_bytes):
    while True:
        dtype = random_dtype(rng)
        if 0 < dtype.itemsize <= MAX_ITEMSIZE:
            break
    shape = random_shape(rng, dtype.itemsize, max_bytes)
    count = int(np.prod(shape, dtype=np.int64))
    # Random bytes everywhere first, so struct padding is random too; then valid leaf values.
    arr = np.frombuffer(bytearray(rng.randbytes(count * dtype.itemsize)), dtype=dtype)
    arr = arr.reshape(shape).copy()
    for _, view in leaves(arr):
        if view.size:
            view[...] = from_le_bytes(leaf_le_bytes(rng, view.dtype, view.size), view.dtype,
                                      view.shape)
    if arr.ndim >= 2 and rng.random() < 0.5:
        arr = np.asfortranarray(arr)
    return arr


def array_summary(arr):
    order = "F" if is_fortran(arr) else "C"
    return f"{descr_repr(arr.dtype)[:120]} shape={arr.shape} {order}"


# ----------------------------------------------------------------------------------------------
# Parts 1 and 2: round trips of NumPy-written files


class Context:
    def __init__(self, ng, report, workdir, with_sanitize):
        self.ng = ng
        self.report = report
        self.cases = os.path.join(workdir, "cases")
        self.with_sanitize = with_sanitize
        self.unzip = os.access(UNZIP, os.X_OK)


def check_agrees(ctx, case, path, expected):
    """`npyguard check --json` accepts path and reports each array's descr (as JSON) and shape.
    `expected` maps npz key (None for .npy) to the array."""
    verdict, doc = ctx.ng.check(path)
    if verdict != "ok":
        detail = (doc or {}).get("error") if verdict == "rejected" else verdict
        ctx.report.fail(case, f"check refused a NumPy-written file: {detail}", [path])
        return False
    if None in expected:
        reported = {None: doc}
    else:
        reported = {m.get("key"): m for m in doc.get("members", [])}
    if set(reported) != set(expected):
        ctx.report.fail(case, f"check lists keys {sorted(map(str, reported))}, "
                              f"NumPy wrote {sorted(map(str, expected))}", [path])
        return False
    ok = True
    for key, arr in expected.items():
        info = reported[key]
        if info.get("descr") != descr_json(arr.dtype) or info.get("shape") != list(arr.shape):
            ctx.report.fail(case, f"check reports {key or ''} descr={info.get('descr')} "
                                  f"shape={info.get('shape')}, NumPy wrote {array_summary(arr)}",
                            [path])
            ok = False
    return ok


def run_npy_case(ctx, name, arr):
    report = ctx.report
    path = os.path.join(ctx.cases, name + ".npy")
    original = saved_bytes(arr)
    with open(path, "wb") as f:
        f.write(original)
    report.count("npy cases")
    failures_before = len(report.failures)
    if check_agrees(ctx, f"{name} [{array_summary(arr)}]", path, {None: arr}) and \
            ctx.with_sanitize:
        for options in SANITIZE_NPY_VARIANTS:
            sanitize_npy_case(ctx, name, path, arr, original, options)
    if len(report.failures) == failures_before:
        remove(path)


def sanitize_npy_case(ctx, name, path, arr, original, options):
    report = ctx.report
    case = f"{name} sanitize {' '.join(options) or '(plain)'} [{array_summary(arr)}]"
    out = os.path.join(ctx.cases, name + ".out.npy")
    remove(out)
    r = ctx.ng.sanitize(options, path, out)
    report.count("sanitize runs")
    if "--little-endian" in options and NATIVE == ">":
        if r.returncode != 2:
            report.fail(case, f"--little-endian on a big-endian host: {describe_result(r)}")
        return
    if r.returncode != 0 or not os.path.exists(out):
        report.fail(case, f"sanitize failed: {describe_result(r)}", [path])
        return
    with open(out, "rb") as f:
        written = f.read()
    try:
        got = load_trusted(out, 2 * len(original) + 4096)
    except Exception as e:  # noqa: BLE001 - any NumPy failure is the finding
        report.fail(case, f"np.load(OUT) failed: {type(e).__name__}: {e}", [path, out])
        return
    if not options:
        problems = [] if written == original else ["OUT is not byte-identical to IN (np.save)"]
        problems += compare_identical(arr, got)
    else:
        byte_order = NATIVE if "--native-endian" in options else \
            "<" if "--little-endian" in options else None
        problems = compare_converted(arr, got, byte_order, "--c-order" in options)
        if written != saved_bytes(got):
            problems.append("OUT is not what np.save writes for its own array (header not "
                            "canonical, or bytes after the data)")
    if problems:
        report.fail(case, "; ".join(problems), [path, out])
    else:
        remove(out)


def random_npz_members(rng):
    positional, named = [], {}
    for _ in range(rng.randint(1, 4)):
        arr = random_array(rng, MAX_NPZ_MEMBER_BYTES)
        if rng.random() < 0.4:
            positional.append(arr)
        else:
            named[rng.choice([k for k in NPZ_KEYS if k not in named])] = arr
    return positional, named


def run_npz_case(ctx, name, rng):
    report = ctx.report
    positional, named = random_npz_members(rng)
    compressed = rng.random() < 0.5
    path = os.path.join(ctx.cases, name + ".npz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (np.savez_compressed if compressed else np.savez)(path, *positional, **named)
    expected = {f"arr_{i}": a for i, a in enumerate(positional)}
    expected.update(named)
    report.count("npz cases")
    summary = ("savez_compressed" if compressed else "savez") + ": " + \
        ", ".join(f"{k}={array_summary(a)[:60]}" for k, a in expected.items())
    failures_before = len(report.failures)
    if check_agrees(ctx, f"{name} [{summary}]", path, expected) and ctx.with_sanitize:
        for options in SANITIZE_NPZ_VARIANTS:
            sanitize_npz_case(ctx, f"{name} sanitize {' '.join(options) or '(plain)'} "
                                   f"[{summary}]", path, expected, compressed, options)
    if len(report.failures) == failures_before:
        remove(path)


def sanitize_npz_case(ctx, case, path, expected, compressed, options):
    report = ctx.report
    out = path[:-4] + ".out.npz"
    remove(out)
    r = ctx.ng.sanitize(options, path, out)
    report.count("sanitize runs")
    if r.returncode != 0 or not os.path.exists(out):
        report.fail(case, f"sanitize failed: {describe_result(r)}", [path])
        return
    byte_order = NATIVE if "--native-endian" in options else None
    c_order = "--c-order" in options
    method = zipfile.ZIP_STORED if "--store" in options else \
        zipfile.ZIP_DEFLATED if "--deflate" in options or compressed else zipfile.ZIP_STORED
    problems = archive_problems(ctx, out)
    if not problems:
        problems = npz_member_problems(path, out, expected, method, byte_order, c_order)
    if not problems:
        try:
            with load_trusted(out, 4 * os.path.getsize(path) + 65536) as npz:
                got = {k: npz[k] for k in npz.files}
        except Exception as e:  # noqa: BLE001 - any NumPy failure is the finding
            got = {}
            problems.append(f"np.load(OUT) failed: {type(e).__name__}: {e}")
        if set(got) != set(expected):
            problems.append(f"np.load(OUT) keys {sorted(got)} != {sorted(expected)}")
        else:
            for k, arr in expected.items():
                problems += [f"np.load(OUT)[{k!r}]: {p}"
                             for p in compare_converted(arr, got[k], byte_order, c_order)]
    if problems:
        report.fail(case, "; ".join(problems), [path, out])
    else:
        remove(out)


def npz_member_problems(path, out, expected, method, byte_order, c_order):
    """Member names and methods of OUT; each member's bytes: NumPy's own when nothing is
    converted, else canonical (what np.save writes for the array they hold) and converted."""
    problems = []
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out) as zout:
        infos = zout.infolist()
        names = sorted(i.filename for i in infos)
        if names != sorted(k + ".npy" for k in expected):
            return [f"members {names}, expected '<key>.npy' for {sorted(expected)}"]
        if any(i.compress_type != method for i in infos):
            problems.append(f"methods {[i.compress_type for i in infos]}, expected {method}")
        for k, arr in expected.items():
            written = zout.read(k + ".npy")
            if not byte_order and not c_order:
                if written != zin.read(k + ".npy"):
                    problems.append(f"member {k}.npy is not byte-identical to NumPy's")
                continue
            try:
                got = exact_npy(written)
            except Exception as e:  # noqa: BLE001
                problems.append(f"member {k}.npy: {type(e).__name__}: {e}")
                continue
            problems += [f"member {k}.npy: {p}"
                         for p in compare_converted(arr, got, byte_order, c_order)]
            if written != saved_bytes(got):
                problems.append(f"member {k}.npy is not what np.save writes for its array")
    return problems


def archive_problems(ctx, path):
    """zipfile's CRC test and, when installed, Info-ZIP's `unzip -t`."""
    problems = []
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
        if bad is not None:
            problems.append(f"zipfile testzip(): bad member {bad!r}")
    except Exception as e:  # noqa: BLE001
        problems.append(f"zipfile cannot read OUT: {type(e).__name__}: {e}")
    if ctx.unzip:
        ctx.report.count("unzip -t runs")
        r = subprocess.run([UNZIP, "-tqq", path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=COMMAND_TIMEOUT)
        if r.returncode != 0:
            problems.append(f"unzip -t: exit {r.returncode}: "
                            f"{r.stdout.decode('utf-8', 'replace')[:200]}")
    return problems


# ----------------------------------------------------------------------------------------------
# Part 3: hand-built variants, NumPy's verdict and npyguard's


def npy_file(header, payload, version=(1, 0), align=64, terminator=b"\n", encoding=None):
    """A .npy file around header text (or bytes), padded with spaces so that the payload
    starts on an `align` boundary, then `terminator`, then `payload`."""
    if isinstance(header, str):
        header = header.encode(encoding or ("utf-8" if version == (3, 0) else "latin-1"))
    length_format = "<H" if version[0] == 1 else "<I"
    preamble = 8 + struct.calcsize(length_format)
    body = header + b" " * ((-(preamble + len(header) + len(terminator))) % align) + terminator
    return b"\x93NUMPY" + bytes(version) + struct.pack(length_format, len(body)) + body + payload


def head(descr="'<i4'", fortran="False", shape="(3, 4)"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


I4 = np.arange(12, dtype="<i4").tobytes()              # 48 bytes: the shared valid payload
BOOLS = bytes([0, 1, 1, 0])


def npy_variants():
    """(name, bytes, must_accept): must_accept marks what SECURITY.md's grammar accepts."""
    v = []

    def add(name, data, must_accept=False):
        v.append((name, data, must_accept))

    # Spellings the grammar accepts (NumPy accepts them all too).
    add("canonical", npy_file(head(), I4), True)
    add("keys_in_other_order",
        npy_file("{'shape': (3, 4), 'fortran_order': False, 'descr': '<i4'}", I4), True)
    add("no_spaces", npy_file("{'descr':'<i4','fortran_order':False,'shape':(3,4)}", I4), True)
    add("double_quoted_keys_and_descr",
        npy_file('{"descr": "<i4", "fortran_order": False, "shape": (3, 4)}', I4), True)
    add("no_trailing_comma",
        npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4)}", I4), True)
    add("tabs_between_tokens",
        npy_file("{'descr':\t'<i4',\t'fortran_order':\tFalse,\t'shape':\t(3,\t4)}", I4), True)
    add("trailing_comma_in_shape", npy_file(head(shape="(3, 4,)"), I4), True)
    add("aligned_to_16", npy_file(head(), I4, align=16), True)
    add("version_2_0", npy_file(head(), I4, version=(2, 0)), True)
    add("version_3_0", npy_file(head(), I4, version=(3, 0)), True)
    add("python2_long_dims_v1", npy_file(head(shape="(3L, 4L)"), I4), True)
    add("python2_long_dims_v2", npy_file(head(shape="(3L, 4L)"), I4, version=(2, 0)), True)
    add("fortran_order_true", npy_file(head(fortran="True"), I4), True)
    add("big_endian", npy_file(head("'>i4'"), I4), True)
    add("bool_with_>_order", npy_file(head("'>b1'", shape="(4,)"), BOOLS), True)
    add("bytes_with_<_order", npy_file(head("'<S4'", shape="(12,)"), I4), True)
    add("scalar_shape", npy_file(head(shape="()"), I4[:4]), True)
    add("zero_size", npy_file(head(shape="(0, 5)"), b""), True)
    add("half_floats", npy_file(head("'<f2'", shape="(24,)"), I4), True)
    if LONG_DOUBLE.itemsize in (12, 16):
        n = 48 // LONG_DOUBLE.itemsize
        add("long_double", npy_file(head(f"'<f{LONG_DOUBLE.itemsize}'", shape=f"({n},)"), I4),
            True)
    add("datetime_multiplier", npy_file(head("'<M8[7D]'", shape="(6,)"), I4), True)
    add("datetime_generic", npy_file(head("'<M8'", shape="(6,)"), I4), True)
    add("timedelta_big_endian_ps", npy_file(head("'>m8[ps]'", shape="(6,)"), I4), True)
    add("struct_padding_field",
        npy_file(head("[('a', '<i4'), ('', '|V4'), ('b', '<i4')]", shape="(4,)"), I4), True)
    add("struct_title", npy_file(head("[(('title', 'a'), '<i4'), ('b', '<i8')]",
                                      shape="(4,)"), I4), True)
    add("struct_subarray", npy_file(head("[('a', '<i4', (3,))]", shape="(4,)"), I4), True)
    add("struct_nested_mixed_order",
        npy_file(head("[('a', [('x', '<i2'), ('y', '>i2')]), ('b', '<i8')]", shape="(4,)"),
                 I4), True)
    add("latin1_field_name_v1", npy_file(head("[('é', '<i4')]", shape="(12,)"), I4), True)
    add("utf8_field_name_v3",
        npy_file(head("[('日本', '<i4')]", shape="(12,)"), I4, version=(3, 0)), True)
    add("escaped_field_name", npy_file(head("[('\\t\\x85\\\\', '<i4')]", shape="(12,)"), I4),
        True)
    add("double_quoted_field_name",
        npy_file(head("[(\"it's\", '<i4')]", shape="(12,)"), I4), True)
    # A field whose type is itself a subarray: np.save writes ('a', (type, inner), outer).
    nested = np.zeros(2, dtype=[("a", ("<i4", (2,)), (3,)), ("b", "|u1")])
    nested["a"] = np.arange(12).reshape(2, 3, 2)
    nested["b"] = [7, 9]
    add("struct_subarray_of_subarray", saved_bytes(nested), True)
    add("struct_subarray_three_levels",
        saved_bytes(np.ones(2, dtype=[("a", (("<i2", (2,)), (4, 5)), (3,))])), True)
    add("struct_subarray_of_record_subarray",
        saved_bytes(np.ones(2, dtype=[("a", ([("x", "<i2"), ("y", ">f4")], (2,)), (3,))])),
        True)
    add("struct_subarray_outer_level_of_shape_0",
        npy_file(head("[('a', [], (3,)), ('b', ('<i4', (2,)), (0,))]", shape="(4,)"), b""), True)
    add("struct_subarray_inner_level_of_shape_0",  # NumPy: "invalid itemsize"
        npy_file(head("[('a', ('<i4', (0,)), (3,))]", shape="(4,)"), b""))
    add("struct_subarray_of_s0",  # NumPy: "invalid itemsize"
        npy_file(head("[('a', '|S0', (3,))]", shape="(4,)"), b""))
    add("struct_subarray_empty_levels_fold",
        npy_file(head("[('a', ('<i4', ()), (3,)), ('b', (('<i4', (2,)), ()), (1,))]",
                      shape="(2,)"), I4[:40]), True)
    # Titles that are not strings: np.save writes their repr(), ints and bytes literals.
    def titled(titles, formats=("<i4", "|u1", "<i2")):
        names = ["a", "b", "c"][:len(titles)]
        arr = np.zeros(2, dtype={"names": names, "formats": list(formats[:len(titles)]),
                                 "titles": titles})
        arr[names[0]] = [1, -2]
        return saved_bytes(arr)
    add("struct_title_int", titled([1, -5, 0]), True)
    add("struct_title_bytes", titled([b"t", b"\x00\xff'\"\\\t\n\r", b""]), True)
    add("struct_title_mixed_kinds", titled([b"b", 7, "x"]), True)
    # Not keys of dtype.fields in NumPy, so they may repeat or equal a name.
    add("struct_title_int_repeated", titled([1, 1]), True)
    add("struct_title_bytes_equal_to_names", titled([b"a", b"a"]), True)
    add("struct_title_minus_zero",
        npy_file(head("[((-0, 'a'), '<i4')]", shape="(12,)"), I4), True)
    add("struct_title_bytes_non_ascii_raw",  # a SyntaxError for Python
        npy_file(head("[((b'\xe9', 'a'), '<i4')]", shape="(12,)"), I4))
    add("struct_title_bytes_unicode_escape",  # b'\u0041' is six bytes to Python
        npy_file(head("[((b'\\u0041', 'a'), '<i4')]", shape="(12,)"), I4))
    add("struct_title_string_equal_to_other_title",
        npy_file(head("[(('t', 'a'), '<i4'), (('t', 'b'), '<i4')]", shape="(6,)"), I4))
    # A Go writer pads with spaces and no final newline; NumPy reads it (literal_eval).
    add("no_final_newline", npy_file(head(), I4, terminator=b" "), True)
    add("no_final_newline_no_padding", npy_file(head(), I4, align=1, terminator=b""), True)
    # ast.literal_eval reads -0 as 0.
    add("minus_zero_dim", npy_file(head(shape="(-0, 4)"), b""), True)
    add("minus_zero_subarray_dim", npy_file(head("[('a', '<i4', (-0,))]", shape="(3,)"), b""),
        True)
    # Spellings outside the grammar that NumPy may accept.
    add("escape_in_key", npy_file("{'\\x64escr': '<i4', 'fortran_order': False, "
                                  "'shape': (3, 4)}", I4))
    add("parenthesised_descr", npy_file(head("('<i4')"), I4))
    add("header_starts_with_space", npy_file(" " + head(), I4))
    add("form_feed_whitespace", npy_file(head().replace(" ", "\x0c", 1), I4))
    add("non_breaking_space", npy_file(head().replace(" ", "\xa0", 1), I4))
    # Header keys.
    add("duplicate_key_descr", npy_file("{'descr': '<f4', 'descr': '<i4', "
                                        "'fortran_order': False, 'shape': (3, 4), }", I4))
    add("duplicate_key_shape", npy_file("{'descr': '<i4', 'fortran_order': False, "
                                        "'shape': (12,), 'shape': (3, 4), }", I4))
    add("duplicate_key_same_value", npy_file("{'descr': '<i4', 'fortran_order': False, "
                                             "'fortran_order': False, 'shape': (3, 4), }", I4))
    add("extra_key", npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), "
                              "'extra': 0, }", I4))
    add("missing_key_fortran_order", npy_file("{'descr': '<i4', 'shape': (3, 4), }", I4))
    add("missing_key_descr", npy_file("{'fortran_order': False, 'shape': (3, 4), }", I4))
    add("empty_dict", npy_file("{}", I4))
    # Shapes.
    add("negative_dim_minus_one", npy_file(head(shape="(-1, 4)"), I4))
    add("negative_dims", npy_file(head(shape="(-3, -4)"), I4))
    add("true_as_dim", npy_file(head(shape="(True, 12)"), I4))
    add("false_as_dim", npy_file(head(shape="(False,)"), b""))
    add("hex_dim", npy_file(head(shape="(0x3, 4)"), I4))
    add("octal_dim", npy_file(head(shape="(0o3, 4)"), I4))
    add("binary_dim", npy_file(head(shape="(0b11, 4)"), I4))
    add("underscore_dim", npy_file(head(shape="(1_2,)"), I4))
    add("leading_zero_dim", npy_file(head(shape="(03, 4)"), I4))
    add("plus_sign_dim", npy_file(head(shape="(+3, 4)"), I4))
    add("float_dim", npy_file(head(shape="(3.0, 4)"), I4))
    add("expression_dim", npy_file(head(shape="(1+2, 4)"), I4))
    add("parenthesised_dim", npy_file(head(shape="((3), 4)"), I4))
    add("shape_list", npy_file(head(shape="[3, 4]"), I4))
    add("shape_bare_int", npy_file(head(shape="12"), I4))
    add("shape_parenthesised_int", npy_file(head(shape="(12)"), I4))
    add("python2_long_dims_v3", npy_file(head(shape="(3L, 4L)"), I4, version=(3, 0)))
    add("lowercase_l_dim", npy_file(head(shape="(3l, 4)"), I4))
    add("huge_dim", npy_file(head(shape="(9223372036854775807,)"), I4))
    add("dim_beyond_int64", npy_file(head(shape="(9223372036854775808,)"), I4))
    add("zero_then_huge_dim", npy_file(head(shape="(0, 4611686018427387904)"), b""))
    add("huge_product_then_zero", npy_file(head(shape="(4611686018427387904, 4, 0)"), b""))
    add("33_dims", npy_file(head(shape="(" + "1, " * 32 + "4)"), I4[:16]))
    add("65_dims", npy_file(head(shape="(" + "1, " * 64 + "4)"), I4[:16]))
    # fortran_order.
    add("fortran_order_zero", npy_file(head(fortran="0"), I4))
    add("fortran_order_none", npy_file(head(fortran="None"), I4))
    add("fortran_order_string", npy_file(head(fortran="'False'"), I4))
    # Comments, expressions, names.
    add("comment_at_end", npy_file(head() + " # comment", I4))
    add("comment_on_own_line", npy_file("{'descr': '<i4', # comment\n'fortran_order': False, "
                                        "'shape': (3, 4), }", I4))
    add("implicit_concatenation", npy_file(head("'<' 'i4'"), I4))
    add("bare_name_descr", npy_file(head("int32"), I4))
    # dtype spellings.
    add("alias_float64", npy_file(head("'float64'", shape="(6,)"), I4))
    add("alias_int32", npy_file(head("'int32'"), I4))
    add("alias_char_i", npy_file(head("'i'"), I4))
    add("alias_char_d", npy_file(head("'d'", shape="(6,)"), I4))
    add("alias_<d", npy_file(head("'<d'", shape="(6,)"), I4))
    add("alias_<l", npy_file(head("'<l'", shape="(6,)"), I4))
    add("alias_<i_no_size", npy_file(head("'<i'"), I4))
    add("native_order_=i4", npy_file(head("'=i4'"), I4))
    add("no_order_i4", npy_file(head("'i4'"), I4))
    add("pipe_order_|i4", npy_file(head("'|i4'"), I4))
    add("no_order_S4", npy_file(head("'S4'", shape="(12,)"), I4))
    add("no_order_b1", npy_file(head("'b1'", shape="(4,)"), BOOLS))
    add("pipe_order_|M8[D]", npy_file(head("'|M8[D]'", shape="(6,)"), I4))
    add("dict_form_descr", npy_file(head("{'names': ['a'], 'formats': ['<i4'], "
                                         "'offsets': [0], 'itemsize': 4}", shape="(12,)"), I4))
    add("void_4294967296", npy_file(head("'|V4294967296'", shape="(0,)"), b""))
    add("unicode_999999999999", npy_file(head("'<U999999999999'", shape="(0,)"), b""))
    add("unicode_1000000000", npy_file(head("'<U1000000000'", shape="(0,)"), b""))
    add("bytes_S0_empty", npy_file(head("'|S0'", shape="(0,)"), b""))
    add("bytes_S0_three", npy_file(head("'|S0'", shape="(3,)"), b""))
    add("top_level_subarray", npy_file(head("('<i4', (4,))", shape="(3,)"), I4))
    add("object_dtype", npy_file(head("'|O'", shape="(6,)"), I4))
    add("unknown_type_q8", npy_file(head("'<q8'", shape="(6,)"), I4))
    add("bad_size_i3", npy_file(head("'<i3'", shape="(16,)"), I4))
    add("bad_datetime_unit", npy_file(head("'<M8[xs]'", shape="(6,)"), I4))
    add("f12_long_double", npy_file(head("'<f12'", shape="(4,)"), I4))
    add("c24_long_double", npy_file(head("'<c24'", shape="(2,)"), I4))
    # Structured dtypes.
    add("struct_empty_field_name",
        npy_file(head("[('', '<i4'), ('b', '<i4')]", shape="(6,)"), I4))
    add("struct_duplicate_field", npy_file(head("[('a', '<i4'), ('a', '<i4')]",
                                                shape="(6,)"), I4))
    add("struct_title_equals_other_name",
        npy_file(head("[(('b', 'a'), '<i4'), ('b', '<i4')]", shape="(6,)"), I4))
    add("struct_int_subarray_shape", npy_file(head("[('a', '<i4', 3)]", shape="(4,)"), I4))
    add("struct_empty_subarray_shape", npy_file(head("[('a', '<i4', ())]", shape="(12,)"), I4))
    add("struct_empty", npy_file(head("[]", shape="(3,)"), b""))
    add("raw_control_char_in_name", npy_file(head("[('a\x01', '<i4')]", shape="(12,)"), I4))
    add("bell_escape_in_name", npy_file(head("[('a\\a', '<i4')]", shape="(12,)"), I4))
    add("nul_escape_in_name", npy_file(head("[('a\\x00', '<i4')]", shape="(12,)"), I4))
    add("surrogate_escape_in_name", npy_file(head("[('\\ud800', '<i4')]", shape="(12,)"), I4))
    add("raw_nul_in_header", npy_file(head("'<i4\x00'"), I4))
    add("invalid_utf8_in_v3_header",
        npy_file(head("[('\xe9', '<i4')]", shape="(12,)").encode("latin-1"), I4,
                 version=(3, 0)))
    # Terminators and versions.
    add("crlf_terminator", npy_file(head(), I4, terminator=b"\r\n"))
    add("two_lines", npy_file("{'descr': '<i4',\n'fortran_order': False, 'shape': (3, 4), }",
                              I4))
    add("header_over_10000_bytes", npy_file(head() + " " * 10050, I4))
    # NumPy's max_header_size counts characters of the decoded header: a 3.0 header of more
    # than 10,000 bytes but at most 10,000 characters loads, one character more does not.
    wide = "\u65e5" * 4000
    add("v3_header_over_10000_bytes_under_10000_chars",
        saved_bytes(np.zeros(3, dtype=[(wide, "<i4"), ("b", "<u1")])), True)
    add("v3_header_10000_chars",
        npy_file(head(f"[('{wide}', '<i4')]", shape="(12,)"), I4, version=(3, 0),
                 align=12 + 10000 + 2 * 4000),
        True)
    add("v3_header_10001_chars",
        npy_file(head(f"[('{wide}', '<i4')]", shape="(12,)"), I4, version=(3, 0),
                 align=12 + 10001 + 2 * 4000))
    add("version_1_1", npy_file(head(), I4, version=(1, 1)))
    add("version_0_0", npy_file(head(), I4, version=(0, 0)))
    add("bad_magic", b"\x93NUMPZ" + npy_file(head(), I4)[6:])
    # Payloads.
    add("trailing_bytes", npy_file(head(), I4 + b"JUNK"))
    add("trailing_nul_byte", npy_file(head(), I4 + b"\x00"))
    add("truncated_payload", npy_file(head(), I4[:-1]))
    add("no_payload", npy_file(head(), b""))
    add("bool_byte_2", npy_file(head("'|b1'", shape="(4,)"), bytes([0, 1, 2, 1])))
    add("bool_byte_255", npy_file(head("'|b1'", shape="(4,)"), bytes([255, 1, 0, 1])))
    add("unicode_surrogate",
        npy_file(head("'<U2'", shape="(2,)"), struct.pack("<4I", 0x41, 0xD800, 0x42, 0x43)))
    add("unicode_beyond_10ffff",
        npy_file(head("'<U2'", shape="(2,)"), struct.pack("<4I", 0x41, 0x110000, 0x42, 0)))
    return [(name + ".npy", data, must) for name, data, must in v]


def npz_bytes(members, prefix=b"", shifted=False):
    """A ZIP archive of (name, data, method) written by Python's zipfile after `prefix`;
    its offsets count from the start of the file, or with `shifted` from the end of prefix
    (what prepending bytes to an existing archive gives)."""
    buf = io.BytesIO()
    buf.write(b"" if shifted else prefix)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buf, "a") as z:  # "a" on a non-archive appends a new one
            for name, data, method in members:
                z.writestr(name, data, compress_type=method)
    return (prefix if shifted else b"") + buf.getvalue()


def with_version_needed(archive, version):
    """The archive with 'version needed to extract' of every local and central header set."""
    data = bytearray(archive)
    for signature, field in ((b"PK\x03\x04", 4), (b"PK\x01\x02", 6)):
        at = data.find(signature)
        while at >= 0:
            struct.pack_into("<H", data, at + field, version)
            at = data.find(signature, at + 4)
    return bytes(data)


def npz_variants():
    a = saved_bytes(np.arange(6, dtype="<i8"))
    b = saved_bytes(np.array([1.5, -0.0, np.inf], dtype=">f4"))
    stored, deflated = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
    v = [
        ("npz_stored", npz_bytes([("a.npy", a, stored), ("b.npy", b, stored)]), True),
        ("npz_deflated", npz_bytes([("a.npy", a, deflated), ("données.npy", b, deflated)]),
         True),
        ("npz_duplicate_member", npz_bytes([("a.npy", b, stored), ("a.npy", a, stored)]), False),
        ("npz_a_and_a.npy", npz_bytes([("a", b, stored), ("a.npy", a, stored)]), False),
        ("npz_non_npy_member", npz_bytes([("a.npy", a, stored), ("readme.txt", b"hi", stored)]),
         False),
        ("npz_lzma_member", npz_bytes([("a.npy", a, zipfile.ZIP_LZMA)]), False),
        ("npz_bzip2_member", npz_bytes([("a.npy", a, zipfile.ZIP_BZIP2)]), False),
        ("npz_lzma_member_version_2.0", with_version_needed(
            npz_bytes([("a.npy", a, zipfile.ZIP_LZMA)]), 20), False),
        ("npz_bzip2_member_version_2.0", with_version_needed(
            npz_bytes([("a.npy", a, zipfile.ZIP_BZIP2)]), 20), False),
        # np.load sniffs the first bytes for a ZIP signature; zipfile then finds the members.
        ("npz_prepended_data", npz_bytes([("a.npy", a, stored)],
                                         prefix=b"PK\x03\x04" + b"JUNK" * 8), False),
        ("npz_prepended_data_shifted_offsets",
         npz_bytes([("a.npy", a, stored)], prefix=b"PK\x03\x04" + b"JUNK" * 8, shifted=True),
         False),
        ("npz_member_trailing_bytes", npz_bytes([("a.npy", a + b"JUNK", stored)]), False),
        ("npz_parent_dir_name", npz_bytes([("../evil.npy", a, stored)]), False),
        ("npz_backslash_name", npz_bytes([("dir\\x.npy", a, stored)]), False),
        ("npz_member_bool_2",
         npz_bytes([("m.npy", npy_file(head("'|b1'", shape="(4,)"), bytes([0, 2, 1, 1])),
                     deflated)]), False),
    ]
    return [(name + ".npz", data, must) for name, data, must in v]


def numpy_verdict(path):
    """What np.load(allow_pickle=False) makes of path: {'ok': True, 'members': {key: {descr,
    shape, canonical}}} (key '' for .npy; canonical: sha256 of np.save of the array) or
    {'ok': False, 'error': ...}."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = np.load(path, allow_pickle=False)
            if isinstance(loaded, np.lib.npyio.NpzFile):
                with loaded:
                    members = {k: loaded[k] for k in loaded.files}
            else:
                members = {"": loaded}
    except Exception as e:  # noqa: BLE001 - every NumPy refusal is a verdict
        return {"ok": False, "error": f"{type(e).__name__}: {str(e)[:100]}"}
    result = {}
    for key, value in members.items():
        if not isinstance(value, np.ndarray):
            result[key] = {"raw": True}
            continue
        try:
            canonical = hashlib.sha256(saved_bytes(value)).hexdigest()
        except Exception as e:  # noqa: BLE001
            canonical = f"np.save failed: {type(e).__name__}"
        result[key] = {"descr": descr_repr(value.dtype), "descr_json": descr_json(value.dtype),
                       "shape": list(value.shape),
                       "canonical": canonical}
    return {"ok": True, "members": result}


def numpy_worker(scratch):
    """Internal mode: verdicts for the paths on stdin, one JSON line each, under an
    address-space limit so that a header claiming terabytes cannot exhaust the machine."""
    import resource
    SCRATCH[0] = scratch
    with open("/proc/self/statm") as f:
        in_use = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = in_use + WORKER_EXTRA_ADDRESS_SPACE
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for line in sys.stdin:
        print(json.dumps(numpy_verdict(line.rstrip("\n"))), flush=True)
    return EXIT_OK


def numpy_verdicts(paths, scratch):
    """Run the worker; a path it dies or hangs on gets a verdict saying so and the rest go to
    a fresh worker."""
    verdicts, remaining = {}, list(paths)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    while remaining:
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), WORKER_FLAG, scratch],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                env=env)
        try:
            out, _ = proc.communicate("".join(p + "\n" for p in remaining), timeout=120)
            died = f"NumPy process died (exit {proc.returncode})"
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            died = "NumPy process timed out"
        lines = out.splitlines()
        for path, line in zip(remaining, lines):
            verdicts[path] = json.loads(line)
        if len(lines) < len(remaining):
            verdicts[remaining[len(lines)]] = {"ok": False, "error": died}
        remaining = remaining[len(lines) + 1:]
    return verdicts


def judge(name, ng_verdict, ng_doc, np_verdict, must_accept):
    """(outcome, problem): outcome 'both accept', 'both reject', 'strict: <name>',
    'numpy difference' or 'FAIL'."""
    if ng_verdict.startswith("error"):
        return "FAIL", f"npyguard could not judge the file: {ng_verdict}"
    if ng_verdict == "ok":
        if not np_verdict["ok"]:
            difference = NUMPY_DIFFERENCES.get(name.rsplit(".", 1)[0])
            if difference is not None and difference[1]():
                return "numpy difference", None
            return "FAIL", ("rule (a): npyguard accepts a file NumPy refuses "
                            f"({np_verdict['error']})")
        if "members" in ng_doc:
            ours = {m.get("key"): m for m in ng_doc["members"] if not m.get("skipped")}
        else:
            ours = {"": ng_doc}
        theirs = np_verdict["members"]
        if set(ours) != set(theirs):
            return "FAIL", f"rule (a): keys {sorted(ours)} != NumPy's {sorted(theirs)}"
        for key, info in ours.items():
            want = theirs[key]
            if info.get("descr") != want.get("descr_json") or \
                    info.get("shape") != want.get("shape"):
                return "FAIL", (f"rule (a): {key or 'array'}: npyguard descr={info.get('descr')}"
                                f" shape={info.get('shape')}, NumPy descr={want.get('descr')} "
                                f"shape={want.get('shape')}")
        return "both accept", None
    name = error_name(ng_doc)
    if must_accept:
        return "FAIL", f"rule (c): SECURITY.md's grammar accepts this; npyguard refused: {name}"
    if not np_verdict["ok"]:
        return "both reject", None
    if name in ALLOWED_STRICTNESS:
        return f"strict: {name}", None
    return "FAIL", f"rule (b): NumPy loads it, npyguard refused with {name}, not in " \
                   "ALLOWED_STRICTNESS"


def run_variants(ctx, deadline):
    """Part 3. Returns the number of variants judged."""
    report = ctx.report
    variants = npy_variants() + npz_variants()
    directory = os.path.join(ctx.cases, "variants")
    os.makedirs(directory, exist_ok=True)
    paths = []
    for name, data, _ in variants:
        paths.append(os.path.join(directory, name))
        with open(paths[-1], "wb") as f:
            f.write(data)
    verdicts = numpy_verdicts(paths, ctx.cases)
    rows = []
    judged = 0
    for (name, _, must_accept), path in zip(variants, paths):
        if time.monotonic() > deadline:
            rows.append((name, "-", "-", "NOT RUN (time budget used)"))
            report.count("variants not run")
            continue
        judged += 1
        ng_verdict, ng_doc = ctx.ng.check(path)
        np_verdict = verdicts[path]
        outcome, problem = judge(name, ng_verdict, ng_doc, np_verdict, must_accept)
        report.count(f"variants {outcome.split(':')[0]}")
        if problem:
            report.fail(f"variant {name}", problem, [path])
        elif ctx.with_sanitize and outcome != "numpy difference":
            problem = sanitize_variant(ctx, name, path, ng_verdict, np_verdict)
            if problem:
                report.fail(f"variant {name} sanitize", problem, [path])
                outcome += " / sanitize FAIL"
        np_text = "error: " + np_verdict["error"] if not np_verdict["ok"] else "ok " + ", ".join(
            f"{m.get('descr', 'raw bytes')} {tuple(m['shape']) if 'shape' in m else ''}".strip()
            for m in np_verdict["members"].values())
        ng_text = "ok" if ng_verdict == "ok" else error_name(ng_doc) \
            if ng_verdict == "rejected" else ng_verdict
        rows.append((name, np_text, ng_text, outcome))
    print_table(rows)
    return judged


def sanitize_variant(ctx, name, path, ng_verdict, np_verdict):
    """A refused file must make sanitize exit 1 and write nothing; an accepted one must come
    out as exactly what np.save writes for NumPy's reading of it."""
    out = path + ".out"
    remove(out)
    r = ctx.ng.sanitize((), path, out)
    ctx.report.count("sanitize runs")
    if ng_verdict != "ok":
        problem = None
        if r.returncode != 1:
            problem = f"refused file: expected exit 1, got {describe_result(r)}"
        elif os.path.lexists(out):
            problem = "refused file: sanitize wrote OUT anyway"
        remove(out)
        return problem
    if r.returncode != 0 or not os.path.exists(out):
        return f"sanitize failed: {describe_result(r)}"
    problem = None
    if name.endswith(".npy"):
        with open(out, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest != np_verdict["members"][""]["canonical"]:
            problem = "OUT differs from np.save(np.load(IN))"
    else:
        problems = archive_problems(ctx, out)
        with zipfile.ZipFile(out) as z:
            names = sorted(z.namelist())
            wanted = sorted(k + ".npy" for k in np_verdict["members"])
            if names != wanted:
                problems.append(f"members {names} != {wanted}")
            else:
                for key, info in np_verdict["members"].items():
                    if hashlib.sha256(z.read(key + ".npy")).hexdigest() != info["canonical"]:
                        problems.append(f"member {key}.npy differs from np.save(np.load(IN))")
        problem = "; ".join(problems) or None
    if not problem:
        remove(out)
    return problem


def print_table(rows):
    widths = [max(len(r[i]) for r in rows + [("case", "numpy", "npyguard", "result")])
              for i in range(3)]
    widths = [min(w, limit) for w, limit in zip(widths, (36, 56, 28))]
    header = ("case", "np.load", "npyguard check", "result")
    for row in [header] + rows:
        cells = [str(c)[:w].ljust(w) for c, w in zip(row[:3], widths)]
        print("  " + " | ".join(cells + [row[3]]))


def sanitize_contract(ctx):
    """OUT is IN (same path, another spelling, hard link, symlink), --in-place on accepted and
    refused files, OUT in a missing directory, missing IN."""
    report, ng = ctx.report, ctx.ng
    directory = os.path.join(ctx.cases, "contract")
    os.makedirs(directory, exist_ok=True)
    canonical = npy_file(head(), I4)
    variant = npy_file("{'shape': (3, 4), 'descr': '<i4', 'fortran_order': False}", I4,
                       version=(2, 0), align=16)
    refused = npy_file(head(), I4 + b"JUNK")

    def put(name, data):
        path = os.path.join(directory, name)
        remove(path)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def expect(case, r, code, path=None, content=None):
        report.count("sanitize runs")
        if r.returncode != code:
            report.fail(f"contract {case}", f"expected exit {code}, got {describe_result(r)}")
        elif path is not None:
            with open(path, "rb") as f:
                if f.read() != content:
                    report.fail(f"contract {case}", f"{os.path.basename(path)} has the wrong "
                                                    "bytes afterwards")

    src = put("in.npy", variant)
    expect("OUT is IN", ng.sanitize((), src, src), 2, src, variant)
    expect("OUT is IN spelled differently",
           ng.sanitize((), src, os.path.join(directory, ".", "in.npy")), 2, src, variant)
    link = os.path.join(directory, "hardlink.npy")
    remove(link)
    os.link(src, link)
    expect("OUT is a hard link to IN", ng.sanitize((), src, link), 2, src, variant)
    symlink = os.path.join(directory, "symlink.npy")
    remove(symlink)
    os.symlink("in.npy", symlink)
    expect("OUT is a symlink to IN", ng.sanitize((), src, symlink), 2, src, variant)
    expect("--in-place canonicalises", ng.sanitize(("--in-place",), src), 0, src, canonical)
    bad = put("refused.npy", refused)
    expect("--in-place on a refused file", ng.sanitize(("--in-place",), bad), 1, bad, refused)
    expect("OUT in a missing directory",
           ng.sanitize((), src, os.path.join(directory, "missing", "out.npy")), 2)
    expect("missing IN", ng.sanitize((), os.path.join(directory, "absent.npy"),
                                     os.path.join(directory, "out.npy")), 2)
    if os.path.exists(os.path.join(directory, "out.npy")):
        report.fail("contract missing IN", "OUT was written")
    remove(src, link, symlink, bad)


# ----------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", help="the npyguard executable")
    parser.add_argument("workdir", help="scratch directory (created; failing cases kept)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS,
                        help="wall-time budget; no new case starts after it")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES,
                        help="most random cases (npy and npz together)")
    return parser.parse_args(argv)


def main(argv):
    if len(argv) == 2 and argv[0] == WORKER_FLAG:
        return numpy_worker(argv[1])
    args = parse_args(argv)
    start = time.monotonic()
    deadline = start + args.seconds
    if not os.access(args.binary, os.X_OK):
        print(f"error: {args.binary} is not an executable", file=sys.stderr)
        return EXIT_USAGE
    ng = Npyguard(os.path.abspath(args.binary))
    report = Report(args.workdir)
    ctx = Context(ng, report, args.workdir, ng.has_sanitize())
    shutil.rmtree(ctx.cases, ignore_errors=True)
    shutil.rmtree(report.failure_dir, ignore_errors=True)
    os.makedirs(ctx.cases)
    SCRATCH[0] = ctx.cases
    print(f"npyguard differential test: NumPy {np.__version__}, seed {args.seed}, "
          f"budget {args.seconds:g} s, up to {args.cases} random cases, "
          f"long double {LONG_DOUBLE.itemsize} bytes ({LONG_DOUBLE_MANT + 1}-bit mantissa)")
    if not ctx.with_sanitize:
        print("SKIPPED: `npyguard sanitize --help` exits 2: the sanitize checks are skipped")
    if not ctx.unzip:
        print(f"note: {UNZIP} not found, `unzip -t` is skipped")

    print("\nPart 3: agreement on rejection (np.load verdict, npyguard verdict)")
    variants = run_variants(ctx, deadline)
    if ctx.with_sanitize:
        sanitize_contract(ctx)

    print("\nParts 1 and 2: round trips of NumPy-written .npy and .npz files")
    index = 0
    while index < args.cases and time.monotonic() < deadline:
        rng = random.Random(f"{args.seed}:{index}")
        name = f"case{index:05d}"
        if index % NPZ_EVERY == NPZ_EVERY - 1:
            run_npz_case(ctx, name, rng)
        else:
            run_npy_case(ctx, name, random_array(rng, MAX_NPY_BYTES))
        index += 1
    if index < args.cases:
        print(f"  time budget used after {index} of {args.cases} random cases")
    counts = report.counts
    for what in sorted(counts):
        print(f"  {what}: {counts[what]}")

    shutil.rmtree(ctx.cases, ignore_errors=True)  # failing cases were copied to failures/
    elapsed = time.monotonic() - start
    if report.failures:
        print(f"\nFAILURES ({len(report.failures)}; files kept in {report.failure_dir}):")
        for failure in report.failures:
            print("  - " + failure)
    sanitize_state = f"{counts.get('sanitize runs', 0)} sanitize runs" if ctx.with_sanitize \
        else "sanitize SKIPPED"
    print(f"\nSUMMARY: {'FAIL' if report.failures else 'PASS'}: "
          f"{counts.get('npy cases', 0)} npy + {counts.get('npz cases', 0)} npz random cases, "
          f"{variants} variants, {sanitize_state}, {len(report.failures)} failures, "
          f"{elapsed:.1f} s (seed {args.seed})")
    return EXIT_FAIL if report.failures else EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
