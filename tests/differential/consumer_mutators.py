# SPDX-License-Identifier: Apache-2.0
"""Seeds and structure-aware mutators for the consumer differential (differential_consumers.py).

Input: a case number and a run seed; output: the bytes of one .npy or .npz file and a short
description of what was done to it. Everything is deterministic in (seed, case): every random
choice comes from one random.Random seeded with both. The seeds are files NumPy itself writes
(np.save, np.savez, np.savez_compressed, and zipfile streaming members to a pipe, which gives
data descriptors); the mutators know the formats:

  .npy  magic and version bytes, the header-length field (value and width), the header text as
        a dict literal rebuilt from parts (keys: quoting, order, duplicates, extra and missing
        keys; descr: spellings of every seed's dtype, structured field lists with titles,
        subarray shapes, padding entries; shape: tuple spellings, digits, signs, prefixes,
        suffixes; fortran_order values; separators and whitespace), Python tokens of the header
        (delete, repeat, swap, replace from a dictionary), single header bytes, padding and the
        terminator, and the payload (resized to the new declared size, truncated, extended,
        bytes changed);
  .npz  a model of the archive (members with local header, data, descriptor; central entries;
        ZIP64 end record and locator; end record) that is laid out again after structural
        changes (names and name collisions, member order, central order, duplicate and missing
        entries, gaps, prepended and appended bytes, comments, extras including the ZIP64 extra
        and the Unicode path extra, data descriptors, compression method and deflate streams,
        member data mutated as .npy with or without the CRC recomputed), and whose packed fields
        are then overridden one at a time (every field of every record) before a last optional
        byte flip.
Needs NumPy (for the seeds and for sizing payloads after a header change).
"""

import ast
import bz2
import io
import lzma
import random
import re
import struct
import warnings
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npformat

MAGIC = b"\x93NUMPY"
SIG_LOCAL = b"PK\x03\x04"
SIG_CENTRAL = b"PK\x01\x02"
SIG_DESCRIPTOR = b"PK\x07\x08"
SIG_END = b"PK\x05\x06"
SIG_ZIP64_END = b"PK\x06\x06"
SIG_ZIP64_LOCATOR = b"PK\x06\x07"
U16_MAX = 0xFFFF
U32_MAX = 0xFFFFFFFF
FLAG_DESCRIPTOR = 1 << 3
FLAG_UTF8 = 1 << 11
# Largest payload a mutation resizes a member or file to: the point is the header, not the data.
MAX_RESIZED_PAYLOAD = 1 << 20


# ==========================================================================
# Seeds (what NumPy writes)
# ==========================================================================

def _arrays():
    """(name, array) pairs covering the dtype families, orders and shapes NumPy writes."""
    rng = np.random.default_rng(7)
    out = []

    def add(name, arr):
        out.append((name, arr))

    add("i4_2x3", np.arange(6, dtype="<i4").reshape(2, 3))
    add("f8_be", np.array([1.5, -2.25, np.nan], dtype=">f8"))
    add("b1", np.array([[True, False], [False, True]]))
    add("u1", np.arange(10, dtype="u1"))
    add("i8_empty", np.zeros((0,), dtype="<i8"))
    add("f4_0x3", np.zeros((0, 3), dtype="<f4"))
    add("f2_0d", np.array(1.5, dtype="<f2"))
    add("c16", np.array([1 + 2j, -3j], dtype="<c16"))
    add("c8_be", np.array([1 + 2j], dtype=">c8"))
    add("U3", np.array(["ab", "\u00e9t\u00e9", "\u4e2d"], dtype="<U3"))
    add("U2_be", np.array(["x", "yz"], dtype=">U2"))
    add("S5", np.array([b"ab", b"hello", b""], dtype="S5"))
    add("V4", np.frombuffer(b"\x01\x02\x03\x04\x05\x06\x07\x08", dtype="V4"))
    add("M8_ns", np.array([0, 10**9], dtype="<M8[ns]"))
    add("m8_10s", np.array([3, -1], dtype="<m8[10s]"))
    add("M8_generic", np.array(["NaT"], dtype="<M8"))
    add("f4_fortran", np.asfortranarray(rng.standard_normal((3, 4)).astype("<f4")))
    add("i2_fortran_be", np.asfortranarray(np.arange(12, dtype=">i2").reshape(2, 3, 2)))
    add("u2_compressible", (np.arange(600, dtype="<u2") // 50))
    add("f16", np.array([1.0, -2.0], dtype=np.longdouble))
    s1 = np.dtype([("a", "<i4"), ("b", ">f8", (2,))])
    add("struct", np.array([(1, (2.0, 3.0)), (4, (5.0, 6.0))], dtype=s1))
    s2 = np.dtype({"names": ["x", "y"], "formats": ["<i2", "u1"], "titles": ["tx", None],
                   "offsets": [0, 4], "itemsize": 8})
    add("struct_title_pad", np.zeros(3, dtype=s2))
    s3 = np.dtype([("outer", [("in1", "<u2"), ("in2", "S3")]), ("flag", "?")])
    add("struct_nested", np.zeros((2, 2), dtype=s3))
    add("struct_0d", np.array((7, (1.0, 2.0)), dtype=s1))
    add("struct_fortran", np.asfortranarray(np.zeros((2, 3), dtype=s1)))
    add("struct_latin1_name", np.zeros(2, dtype=[("\u00e9t\u00e9", "<i4")]))
    add("struct_utf8_name", np.zeros(2, dtype=[("\u4e2d", "<i4"), ("b", "<U1")]))
    add("struct_subarray_2d", np.zeros(1, dtype=[("m", "<f4", (2, 3))]))
    add("i4_3d", np.arange(24, dtype="<i4").reshape(2, 3, 4))
    add("i8_big_dim", np.zeros((1, 1, 1, 5), dtype="<i8"))
    return out


def _npy_bytes(arr):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Stored array in format 3.0"
        np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


class _Unseekable:
    """A write-only stream without tell/seek: zipfile then writes data descriptors."""

    def __init__(self):
        self.buf = io.BytesIO()

    def write(self, data):
        return self.buf.write(data)

    def flush(self):
        pass


def _streamed_npz(members, compression):
    """Members written the way np.savez does, but to a pipe: flag bit 3 + data descriptors."""
    out = _Unseekable()
    with zipfile.ZipFile(out, mode="w", compression=compression, allowZip64=True) as zf:
        for key, arr in members:
            with zf.open(key + ".npy", "w", force_zip64=True) as f, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                npformat.write_array(f, arr, allow_pickle=False)
    return out.buf.getvalue()


def build_seeds():
    """{'npy': [(name, bytes)], 'npz': [(name, bytes)]}, all written by NumPy."""
    arrays = _arrays()
    npy = [(name, _npy_bytes(arr)) for name, arr in arrays]
    by_name = dict(arrays)
    npz = []

    def savez(name, compressed, *positional, **named):
        buf = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (np.savez_compressed if compressed else np.savez)(buf, *positional, **named)
        npz.append((name, buf.getvalue()))

    savez("savez_one", False, by_name["i4_2x3"])
    savez("savez_two_named", False, a=by_name["f8_be"], b=by_name["b1"])
    savez("savez_three_mixed", False, by_name["U3"], by_name["struct"], y=by_name["f4_fortran"])
    savez("savez_empty", False)
    savez("savez_unicode_key", False, **{"\u00e9t\u00e9": by_name["u1"]})
    savez("savez_0d_and_empty", False, z=by_name["f2_0d"], e=by_name["i8_empty"])
    savez("savez_compressed_one", True, by_name["u2_compressible"])
    savez("savez_compressed_two", True, p=by_name["struct_nested"], q=by_name["i2_fortran_be"])
    savez("savez_compressed_mixed", True, by_name["S5"], by_name["M8_ns"], by_name["struct_0d"])
    npz.append(("streamed_stored", _streamed_npz(
        [("a", by_name["i4_2x3"]), ("b", by_name["c16"])], zipfile.ZIP_STORED)))
    npz.append(("streamed_deflate", _streamed_npz(
        [("x", by_name["u2_compressible"]), ("y", by_name["struct"])], zipfile.ZIP_DEFLATED)))
    SEED_ARCHIVES[:] = [data for _, data in npz]
    return {"npy": npy, "npz": npz}


# ==========================================================================
# .npy: parts, header text, mutations
# ==========================================================================

def encode_text(text, encoding):
    """Header text as bytes; characters latin-1 cannot hold go out as UTF-8 (a mislabelled
    header is one of the cases)."""
    try:
        return text.encode(encoding, "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


FALLBACK_HEADER = {"descr": "<i4", "fortran_order": False, "shape": (3,)}


class Npy:
    """A .npy file as parts; bytes() puts them back together."""

    def __init__(self, data):
        self.magic = data[:6]
        self.major = data[6] if len(data) > 6 else 1
        self.minor = data[7] if len(data) > 7 else 0
        width = 2 if self.major == 1 else 4
        field = data[8:8 + width].ljust(width, b"\0")
        (hlen,) = struct.unpack("<H" if width == 2 else "<I", field)
        raw = data[8 + width:8 + width + hlen]
        self.encoding = "utf-8" if self.major == 3 else "latin-1"
        text = raw.decode(self.encoding, "surrogateescape")
        body = text.rstrip(" \n")
        self.header = body                   # the dict literal
        self.terminator = text[len(body):]   # spaces + "\n" as NumPy wrote them
        self.seed_header = FALLBACK_HEADER
        try:
            parsed = ast.literal_eval(body)
            if (isinstance(parsed, dict) and isinstance(parsed.get("descr"), (str, list))
                    and isinstance(parsed.get("shape"), tuple)
                    and all(isinstance(n, int) for n in parsed["shape"])
                    and "fortran_order" in parsed):
                self.seed_header = parsed
        except Exception:  # noqa: BLE001 - an already mutated member
            pass
        self.payload = data[8 + width + hlen:]
        self.hlen_override = None            # (width, value) to lie in the length field
        self.raw_override = None             # header bytes to use instead of encoding text

    def header_bytes(self):
        if self.raw_override is not None:
            return self.raw_override
        return encode_text(self.header + self.terminator, self.encoding)

    def bytes(self):
        head = self.header_bytes()
        width = 2 if self.major == 1 else 4
        value = len(head)
        if self.hlen_override is not None:
            width, value = self.hlen_override
        if width == 2:
            field = struct.pack("<H", value & U16_MAX)
        else:
            field = struct.pack("<I", value & U32_MAX)
        return self.magic + bytes([self.major & 0xFF, self.minor & 0xFF]) + field + head + \
            self.payload


def canonical_padding(prefix_len, body_len, align=64):
    """Spaces + newline making prefix + body + padding a multiple of `align`."""
    total = prefix_len + body_len + 1
    return " " * ((-total) % align) + "\n"


# Spellings of one dtype string a header may carry instead of NumPy's.
def descr_spellings(rng, descr):
    out = [repr(descr), '"' + descr + '"' if isinstance(descr, str) else repr(descr)]
    if isinstance(descr, str) and len(descr) >= 2:
        order, rest = descr[0], descr[1:]
        kind = rest[0]
        out += [repr(rest), repr("=" + rest), repr("|" + rest), repr(">" + rest),
                repr("<" + rest), repr(" " + descr), repr(descr + " "), repr(order + rest + "0"),
                repr(order + kind + "0" + rest[1:]), repr(descr.upper()),
                "(" + repr(descr) + ", ())", "(" + repr(descr) + ", (2,))",
                "(" + repr(descr) + ", 2)", "[('f0', " + repr(descr) + ")]",
                "'" + "".join("\\x%02x" % ord(c) for c in descr) + "'", "u" + repr(descr),
                repr(descr)[:-1] + "' '" + "'", "b" + repr(descr),
                "{'names': ['f0'], 'formats': [%r]}" % descr, "[(%r,)]" % descr,
                "(%r, [('f0', %r)])" % (descr, descr)]
        try:
            dt = np.dtype(descr)
            out += [repr(dt.name), repr(dt.char), repr(np.dtype(dt.str).str),
                    repr(dt.newbyteorder().str)]
        except Exception:  # noqa: BLE001 - a spelling NumPy itself refuses is still a spelling
            pass
    elif isinstance(descr, list):
        out += [mutate_field_list(rng, descr) for _ in range(3)]
    return out


def mutate_field_list(rng, fields):
    """A structured descr list with one structural change, as header text."""
    try:
        return _mutate_field_list(rng, fields)
    except (IndexError, TypeError):  # a field list an earlier step already broke
        return repr(fields)


def _mutate_field_list(rng, fields):
    fields = [list(f) for f in fields]
    if not fields:
        return "[]"
    i = rng.randrange(len(fields))
    f = fields[i]
    choice = rng.randrange(14)
    if choice == 0:
        f[0] = ("title", f[0]) if isinstance(f[0], str) else f[0][1]
    elif choice == 1:
        f[0] = (1, f[0] if isinstance(f[0], str) else f[0][1])  # non-string title
    elif choice == 2:
        f[0] = ""  # empty name (not padding unless V)
    elif choice == 3 and len(fields) > 1:
        fields[(i + 1) % len(fields)][0] = f[0]  # duplicate name
    elif choice == 4:
        f[1] = (f[1], (2,)) if isinstance(f[1], str) else f[1]  # (descr, shape) as the type
    elif choice == 5:
        if len(f) == 3:
            f[2] = rng.choice([(), (0,), (1,), 3, (2, 2), (-1,), (2**31,)])
        else:
            f.append(rng.choice([(), (0,), (1,), 2, (3, 1)]))
    elif choice == 6:
        fields.insert(i, ["", "|V%d" % rng.choice([0, 1, 3, 8])])  # padding entry
    elif choice == 7:
        fields.insert(i, ["pad", "|V2"])
    elif choice == 8:
        f[1] = [("n", "<i2")]  # nested record
    elif choice == 9:
        del fields[i]
    elif choice == 10:
        f[0] = f[0].encode("utf-8", "surrogatepass") if isinstance(f[0], str) else f[0]
    elif choice == 11:
        f[0] = (f[0], f[0]) if isinstance(f[0], str) else (f[0][1], f[0][1])  # title == name
    elif choice == 12:
        f[1] = rng.choice(["<i4", "i4", "=i4", "|O", "O", "<U0", "|S0", "|V0", "<M8[Y]", "float64"])
    else:
        fields.append(list(fields[0]))
    return repr([tuple(x) for x in fields])


SHAPE_ITEM_SPELLINGS = ["{n}", "0{n}", "{n}L", "+{n}", "-{n}", "-0", "0x{n}", "{n}_0", "{n}.0",
                        "True", "False", " {n} ", "{n}l", "00", "2147483648", "4294967296",
                        "9223372036854775807", "9223372036854775808", "18446744073709551616",
                        "(1)", "int({n})", "{n}j", "-1", "1e3", "\t{n}", "{n} L", "{n}LL",
                        "0o{n}", "0b1", "{n}.", "-{n}L", "\u0661", "{n}\x00"]


def shape_spellings(rng, shape):
    """Header text for `shape`, NumPy's spelling and variants."""
    dims = list(shape)
    out = [repr(tuple(dims)), repr(dims), "(" + ", ".join(map(str, dims)) + ")"]
    if len(dims) == 1:
        out += [str(dims[0]), "(%d)" % dims[0], "(%d,,)" % dims[0]]
    for _ in range(4):
        items = [str(d) for d in dims] or []
        if items and rng.random() < 0.8:
            j = rng.randrange(len(items))
            items[j] = rng.choice(SHAPE_ITEM_SPELLINGS).format(n=dims[j])
        elif rng.random() < 0.5:
            items.append(rng.choice(["0", "1", "2", "-1", "1L"]))
        elif items:
            items.pop(rng.randrange(len(items)))
        sep = rng.choice([", ", ",", " , ", ",\t"])
        trail = rng.choice(["", ",", ", "]) if len(items) != 1 else rng.choice([",", ", ", ""])
        out.append("(" + sep.join(items) + trail + ")")
    out.append("(" + ", ".join(["1"] * rng.choice([31, 32, 33, 64, 65])) + ",)")
    return out


FORTRAN_SPELLINGS = ["True", "False", "1", "0", "None", "'True'", "true", "(False)", "not True",
                     "False ", " True", "0b0", "[]", "False or True"]
KEY_SPELLINGS = ["'{k}'", '"{k}"', "'{k} '", "u'{k}'", "b'{k}'", "'{a}' '{b}'", "'{K}'",
                 "'\\x{hex}{rest}'", "{k}", "'{k}\\n'"]


def key_spelling(rng, key):
    if rng.random() < 0.7:
        return repr(key)
    half = len(key) // 2
    return rng.choice(KEY_SPELLINGS).format(k=key, a=key[:half], b=key[half:], K=key.upper(),
                                            hex="%02x" % ord(key[0]), rest=key[1:])


def rebuild_header(rng, header_text, seed_header):
    """A new dict literal from the current header's values (the seed's where the current text
    no longer has them), with spellings and structure varied."""
    try:
        d = ast.literal_eval(header_text)
    except Exception:  # noqa: BLE001
        d = None
    if not isinstance(d, dict):
        d = {}
    entries = []
    for key in ("descr", "fortran_order", "shape"):
        value = d.get(key, seed_header[key])
        if key == "descr" and not isinstance(value, (str, list)):
            value = seed_header[key]
        if key == "shape" and not (isinstance(value, tuple)
                                   and all(isinstance(n, int) for n in value)):
            value = seed_header[key]
        if key == "descr":
            text = rng.choice(descr_spellings(rng, value)) if rng.random() < 0.6 else repr(value)
        elif key == "shape":
            text = rng.choice(shape_spellings(rng, value)) if rng.random() < 0.6 else repr(value)
        else:
            text = rng.choice(FORTRAN_SPELLINGS) if rng.random() < 0.5 else repr(value)
        entries.append([key_spelling(rng, key), text])
    roll = rng.random()
    if roll < 0.15:
        rng.shuffle(entries)
    elif roll < 0.3:
        j = rng.randrange(len(entries))
        dup = [entries[j][0], rng.choice([entries[j][1], "0", "()", "False", "'<i4'"])]
        entries.insert(rng.randrange(len(entries) + 1), dup)
    elif roll < 0.4:
        entries.insert(rng.randrange(len(entries) + 1),
                       [rng.choice(["'extra'", "'Descr'", "'shape '", "1", "''"]),
                        rng.choice(["0", "None", "'x'", "()"])])
    elif roll < 0.48:
        entries.pop(rng.randrange(len(entries)))
    colon = rng.choice([": ", ":", " : ", ":\t", ": "])
    comma = rng.choice([", ", ",", " ,", ",\t", ", "])
    inner = comma.join(k + colon + v for k, v in entries)
    tail = rng.choice([", ", ",", "", ", ", " "])
    lead = rng.choice(["{", "{", "{ ", " {", "\t{"])
    end = rng.choice(["}", "}", " }", "}  "])
    text = lead + inner + tail + end
    if rng.random() < 0.05:
        text = text.replace(comma, comma + "# c\n", 1)
    return text


TOKEN_RE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z_0-9]*|"""
                      r"""[0-9][0-9A-Za-z_.]*|\s+|.""", re.S)
TOKEN_DICTIONARY = ["'descr'", "'shape'", "'fortran_order'", "True", "False", "None", "(", ")",
                    "[", "]", "{", "}", ",", ":", " ", "\t", "\n", "'<i4'", "'|b1'", "'<U1'",
                    "'|O'", "0", "1", "-1", "L", "'\\x00'", "'\\u00e9'", "'\\U0001f600'", "'\\'",
                    "\"'\"", "'\\\\'", "\\", "#", "'a'", "(('t', 'n'), '<i4')", "\x00", "\x0c",
                    "\r", "\u00e9", "99999999999999999999"]


def mutate_tokens(rng, text):
    tokens = TOKEN_RE.findall(text)
    if not tokens:
        return text
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        i = rng.randrange(len(tokens))
        op = rng.randrange(5)
        if op == 0 and len(tokens) > 1:
            del tokens[i]
        elif op == 1:
            tokens.insert(i, tokens[i])
        elif op == 2 and i + 1 < len(tokens):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        elif op == 3:
            tokens[i] = rng.choice(TOKEN_DICTIONARY)
        else:
            tokens.insert(i, rng.choice(TOKEN_DICTIONARY))
    return "".join(tokens)


INTERESTING_BYTES = [0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20, 0x22, 0x27, 0x28, 0x29, 0x2C, 0x30,
                     0x3A, 0x4C, 0x5C, 0x7B, 0x7D, 0x7F, 0x80, 0x85, 0xA0, 0xC3, 0xE9, 0xFF]


def mutate_bytes(rng, data, count=1, interesting=INTERESTING_BYTES):
    data = bytearray(data)
    for _ in range(count):
        if not data:
            data.append(rng.choice(interesting))
            continue
        i = rng.randrange(len(data))
        op = rng.randrange(4)
        if op == 0:
            data[i] = rng.choice(interesting)
        elif op == 1:
            data[i] ^= 1 << rng.randrange(8)
        elif op == 2:
            data.insert(i, rng.choice(interesting))
        else:
            del data[i]
    return bytes(data)


def declared_nbytes(npy):
    """What NumPy would read as payload size for the header, or None."""
    try:
        d = ast.literal_eval(npy.header)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dt = npformat.descr_to_dtype(d["descr"])
        count = 1
        for n in d["shape"]:
            count *= int(n)
        return count * dt.itemsize
    except Exception:  # noqa: BLE001
        return None


def resize_payload(rng, npy):
    n = declared_nbytes(npy)
    if n is None or n < 0 or n > MAX_RESIZED_PAYLOAD:
        return
    old = npy.payload or b"\x00"
    npy.payload = (old * (n // len(old) + 1))[:n]


def fix_padding(rng, npy):
    """NumPy's padding (64-byte alignment, or 16 as before 1.14), or a defect in it."""
    width = 2 if npy.major == 1 else 4
    prefix = 8 + width
    body = len(encode_text(npy.header, npy.encoding))
    roll = rng.random()
    if roll < 0.6:
        npy.terminator = canonical_padding(prefix, body)
    elif roll < 0.7:
        npy.terminator = canonical_padding(prefix, body, 16)
    else:
        npy.terminator = rng.choice(["", " ", "\n", "\n\n", "\t\n", "\r\n", " \r", "\x00", "\x0c\n",
                                     " " * 40, " " * 40 + "\n ", "\n" + " " * 10,
                                     canonical_padding(prefix, body)[:-1] + "\x00",
                                     " " * 10000 + "\n", " " * 70000 + "\n"])


# Valid dtypes NumPy writes rarely or spells in one way only: zero sizes, datetime multipliers,
# long doubles, padding-only and empty records, nested subarrays.
DESCR_POOL = ["'<M8[1000ms]'", "'<m8[7D]'", "'<M8[1s]'", "'>m8[60s]'", "'<M8[2147483647s]'",
              "'<M8[as]'", "'<M8[Y]'", "'<m8[3M]'", "'|S0'", "'<U0'", "'|V0'", "[]", "'<f16'",
              "'>c32'", "'<c8'", "'|b1'", "'>u1'", "'<b1'", "'<S3'", "'>V3'", "'|i1'",
              "[('a', '<i4', (0,))]", "[('', '|V4')]", "[('a', '<i4'), ('', '|V4')]",
              "[('a', [('b', '<i2', (2,))], (3,))]", "[('a', [('', '|V4')])]",
              "[(('t', 'a'), '<i4'), (('u', 'b'), '>f8', (2, 1))]", "[('a', '<i4', (1,))]",
              "[('a', '<i4', ())]", "[('a', [])]", "[('a', '|V0'), ('b', '|S0')]",
              "[('a', '<U1', (2,)), ('b', '|b1')]", "'\\x3ci4'", "'\\u003ci4'",
              "'\\U0000003cf8'", "[('\\x61', '<i4')]", "[('a', '|S0', (2,))]",
              "[('a', '<U0', ())]", "[('a', '|V0', (1,))]", "[('a', '<i4', (0, 2147483648))]",
              "[('a', '<i4', (2147483647, 0))]",
              "[('a', '|u1', %r)]" % ((1,) * 33,), "[('a', [('b', '|S0')], (2,))]"]
# Field names as header source text: quotes, backslashes, escapes of controls and non-ASCII
# (raw and escaped), and escapes Python reads but repr never writes (\N, octal, \a, \0).
NAME_POOL = [r"a'b", r'a"b', r"a\'\"b", r"a\\b", r"a\tb", r"a\nb", r"a\x7fb", r"\xa0", r"\xad",
             r"\u2028", r"\uffff", r"\U0010ffff", r"\U0001f600", r"e\u0301", r"\u00e9",
             r"\xe9", r"\x85", " ", "a ", "0", "f0", r"\x41", r"\u0041", r"\U00000041",
             r"\N{BULLET}", r"\101", r"\a", r"\0", r"\x00", r"\ud800", r"\u00", "\\",
             "a\tb", "\xa0", "\u00e9", "\x7f", "\u4e2d"]


def names_and_dtypes(rng, npy):
    """A descr from DESCR_POOL, or a record whose field names come from NAME_POOL."""
    body = npy.seed_header
    if rng.random() < 0.5:
        descr = rng.choice(DESCR_POOL)
    else:
        names = [rng.choice(NAME_POOL) for _ in range(rng.choice([1, 1, 2, 3]))]
        quote = rng.choice(["'", '"'])

        def spelled(n):
            text = n.replace(quote, "\\" + quote) if rng.random() < 0.7 else n
            return quote + text + quote

        fields = []
        for n in names:
            name = spelled(n)
            if rng.random() < 0.25:  # (title, name), the title from the same pool
                name = "(%s, %s)" % (spelled(rng.choice(NAME_POOL)), name)
            fields.append("(%s, '<i%d')" % (name, rng.choice([1, 2, 4])))
        descr = "[" + ", ".join(fields) + "]"
    shape = repr(tuple(body["shape"])) if rng.random() < 0.7 else rng.choice(
        ["()", "(0,)", "(1,)", "(2, 0)", "(3,)"])
    npy.header = "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (
        descr, rng.choice(["False", "True"]), shape)
    npy.encoding = "utf-8" if npy.major == 3 else "latin-1"
    fix_padding(rng, npy)
    resize_payload(rng, npy)


DIM_POOL = [0, 1, 2, 3, 2**31 - 1, 2**31, 2**32, 2**40, 2**62, 2**63 - 1, 2**63]


def extreme_shapes(rng, npy):
    """Shapes whose product is zero or wraps: huge dimensions next to a 0, or alone."""
    dims = [rng.choice(DIM_POOL) for _ in range(rng.choice([1, 2, 2, 3, 4]))]
    if rng.random() < 0.6:
        dims[rng.randrange(len(dims))] = 0
    d = dict(npy.seed_header)
    descr = d["descr"] if rng.random() < 0.6 else rng.choice(["|S0", "|V0", "<U0", []])
    npy.header = "{'descr': %r, 'fortran_order': %s, 'shape': %r, }" % (
        descr, rng.choice(["False", "True"]), tuple(dims))
    fix_padding(rng, npy)
    resize_payload(rng, npy)


def mutate_npy_bytes(rng, data):
    """(bytes, description) of one structure-aware mutation of a .npy file."""
    npy = Npy(data)
    what = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        family = rng.choices(
            ["rebuild", "tokens", "header_byte", "version", "hlen", "magic", "padding", "payload",
             "encoding", "names", "dims"], weights=[30, 14, 8, 6, 6, 2, 8, 10, 4, 10, 4])[0]
        what.append(family)
        if family == "rebuild":
            npy.header = rebuild_header(rng, npy.header, npy.seed_header)
            fix_padding(rng, npy)
            if rng.random() < 0.8:
                resize_payload(rng, npy)
        elif family == "tokens":
            npy.header = mutate_tokens(rng, npy.header)
            fix_padding(rng, npy)
            if rng.random() < 0.6:
                resize_payload(rng, npy)
        elif family == "header_byte":
            raw = npy.header_bytes()
            npy.raw_override = mutate_bytes(rng, raw, rng.choice([1, 1, 2]))
        elif family == "version":
            npy.major, npy.minor = rng.choice([(1, 0), (2, 0), (3, 0), (1, 1), (0, 0), (2, 1),
                                               (4, 0), (255, 255), (1, 255), (3, 1), (0, 1)])
            if rng.random() < 0.7:
                fix_padding(rng, npy)
        elif family == "hlen":
            true_len = len(npy.header_bytes())
            width = 2 if npy.major == 1 else 4
            if rng.random() < 0.2:
                width = 6 - width
            value = rng.choice([true_len + rng.choice([-64, -8, -2, -1, 1, 2, 8, 64]), 0, 1,
                                U16_MAX, U32_MAX, 10000, 10001, 65536, true_len])
            npy.hlen_override = (width, max(0, value))
        elif family == "magic":
            npy.magic = mutate_bytes(rng, npy.magic, 1, [0x93, 0x92, 0x4E, 0x6E, 0x00, 0x50])
        elif family == "padding":
            fix_padding(rng, npy)
        elif family == "payload":
            op = rng.randrange(5)
            if op == 0 and npy.payload:
                npy.payload = npy.payload[:rng.randrange(len(npy.payload))]
            elif op == 1:
                npy.payload += bytes(rng.choice([1, 3, 8, 64]))
            elif op == 2 and npy.payload:
                npy.payload = mutate_bytes(rng, npy.payload, 1, [0, 1, 2, 0x80, 0xFF, 0xD8, 0x11])
            elif op == 3 and npy.payload:
                b = bytearray(npy.payload)  # a UCS-4 surrogate or > U+10FFFF, or a bool 2
                j = rng.randrange(len(b) // 4 + 1) * 4
                b[j:j + 4] = rng.choice([b"\x00\xd8\x00\x00", b"\x00\x00\x11\x00",
                                         b"\x02\x00\x00\x00"])
                npy.payload = bytes(b[:len(npy.payload)])
            else:
                resize_payload(rng, npy)
        elif family == "names":
            names_and_dtypes(rng, npy)
        elif family == "dims":
            extreme_shapes(rng, npy)
        elif family == "encoding":
            # Non-ASCII text in the header under every version: latin-1 in 1.0/2.0 decodes
            # differently from UTF-8 in 3.0.
            name = rng.choice(["\u00e9", "\u4e2d", "\u00ff", "\U0001f600", "\x85", "\u00a0"])
            text = npy.header
            if "[(" in text:
                text = re.sub(r"\('([^']*)'", lambda m: "('" + m.group(1) + name + "'", text, 1)
            else:
                text = text.replace("'descr'", "'descr" + name + "'", 1) \
                    if rng.random() < 0.3 else text
            npy.header = text
            npy.encoding = rng.choice(["utf-8", "latin-1"]) if name < "\u0100" else "utf-8"
            if rng.random() < 0.5:
                npy.major = rng.choice([1, 2, 3])
            fix_padding(rng, npy)
    return npy.bytes(), "npy:" + "+".join(what)


# ==========================================================================
# ZIP model
# ==========================================================================

LOCAL_FIELDS = [("sig", "4s"), ("version", "H"), ("flags", "H"), ("method", "H"), ("time", "H"),
                ("date", "H"), ("crc", "I"), ("csize", "I"), ("usize", "I"), ("nlen", "H"),
                ("xlen", "H")]
CENTRAL_FIELDS = [("sig", "4s"), ("made_by", "H"), ("version", "H"), ("flags", "H"),
                  ("method", "H"), ("time", "H"), ("date", "H"), ("crc", "I"), ("csize", "I"),
                  ("usize", "I"), ("nlen", "H"), ("xlen", "H"), ("clen", "H"), ("disk", "H"),
                  ("iattr", "H"), ("eattr", "I"), ("offset", "I")]
ZIP64_END_FIELDS = [("sig", "4s"), ("size", "Q"), ("made_by", "H"), ("version", "H"),
                    ("disk", "I"), ("cd_disk", "I"), ("n_disk", "Q"), ("n_total", "Q"),
                    ("cd_size", "Q"), ("cd_offset", "Q")]
LOCATOR_FIELDS = [("sig", "4s"), ("disk", "I"), ("offset", "Q"), ("ndisks", "I")]
END_FIELDS = [("sig", "4s"), ("disk", "H"), ("cd_disk", "H"), ("n_disk", "H"), ("n_total", "H"),
              ("cd_size", "I"), ("cd_offset", "I"), ("clen", "H")]


def _unpack(fields, data, pos):
    fmt = "<" + "".join(f for _, f in fields)
    values = struct.unpack_from(fmt, data, pos)
    return dict(zip([n for n, _ in fields], values)), pos + struct.calcsize(fmt)


def _pack(fields, values):
    out = []
    for name, f in fields:
        v = values[name]
        if f != "4s":
            v &= (1 << (8 * struct.calcsize(f))) - 1
        out.append(struct.pack("<" + f, v))
    return b"".join(out)


def parse_extra(extra):
    """[(id, data)] of an extra field area (as far as it parses)."""
    out, pos = [], 0
    while pos + 4 <= len(extra):
        hid, size = struct.unpack_from("<HH", extra, pos)
        out.append((hid, extra[pos + 4:pos + 4 + size]))
        pos += 4 + size
    return out


def pack_extra(items):
    return b"".join(struct.pack("<HH", hid, len(data)) + data for hid, data in items)


def deflate(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, split=0):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    if split and data:
        out = b""
        for i in range(0, len(data), split):
            out += c.compress(data[i:i + split]) + c.flush(zlib.Z_SYNC_FLUSH)
        return out + c.flush()
    return c.compress(data) + c.flush()


def inflate(data):
    """What zipfile's decompressor makes of a member's data (None when zlib refuses)."""
    try:
        d = zlib.decompressobj(-15)
        return d.decompress(data) + d.flush()
    except zlib.error:
        return None


class Member:
    def __init__(self):
        self.name = b""
        self.central_name = None     # None: same as the local name
        self.flags = 0
        self.method = 0
        self.version = 20
        self.made_by = 20
        self.time = 0
        self.date = 0x21
        self.crc = 0
        self.raw = b""               # uncompressed bytes
        self.data = b""              # bytes as stored
        self.local_extra = b""
        self.central_extra = b""
        self.comment = b""
        self.iattr = 0
        self.eattr = 0o600 << 16
        self.local_zip64 = "none"    # none | real (real 32-bit sizes + extra) | sentinel
        self.central_zip64 = False   # sizes/offset in a ZIP64 extra in the central entry (True:
        #                              all three; a tuple: those fields only)
        self.central_zip64_all = False  # list all three values whatever the sentinels say
        self.descriptor = None       # None | "sig32" | "sig64" | "nosig32" | "nosig64"
        self.gap_after = b""

    def recompute(self, fix_crc=True):
        if fix_crc:
            self.crc = zlib.crc32(self.raw) & U32_MAX


class Archive:
    def __init__(self):
        self.members = []
        self.central_order = None    # list of member indices; None: local order
        self.prefix = b""
        self.before_cd = b""
        self.between_cd_end = b""
        self.trailing = b""
        self.comment = b""
        self.zip64_end = False
        self.zip64_extensible = b""
        self.end_sentinels = False   # 0xFFFF / 0xFFFFFFFF in the end record (ZIP64 values rule)

    def order(self):
        return self.central_order if self.central_order is not None else \
            list(range(len(self.members)))


def parse_archive(data):
    """The model of a well-formed archive (the seeds)."""
    arc = Archive()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        arc.comment = zf.comment
    end = data.rfind(SIG_END)
    if end >= 20 and data[end - 20:end - 16] == SIG_ZIP64_LOCATOR:
        arc.zip64_end = True
    for info in infos:
        m = Member()
        fields, pos = _unpack(LOCAL_FIELDS, data, info.header_offset)
        m.name = data[pos:pos + fields["nlen"]]
        pos += fields["nlen"]
        m.local_extra = data[pos:pos + fields["xlen"]]
        pos += fields["xlen"]
        m.flags, m.method, m.version = fields["flags"], fields["method"], fields["version"]
        m.time, m.date = fields["time"], fields["date"]
        m.data = data[pos:pos + info.compress_size]
        m.raw = zf_read(data, info.filename)
        m.crc = info.CRC
        m.made_by = info.create_version | (info.create_system << 8)
        m.iattr, m.eattr = info.internal_attr, info.external_attr
        m.comment = info.comment
        ids = [hid for hid, _ in parse_extra(m.local_extra)]
        if 1 in ids:
            m.local_zip64 = "sentinel" if fields["usize"] == U32_MAX else "real"
        m.local_extra = pack_extra([(h, d) for h, d in parse_extra(m.local_extra) if h != 1])
        m.central_extra = pack_extra([(h, d) for h, d in parse_extra(info.extra) if h != 1])
        m.central_zip64 = any(h == 1 for h, _ in parse_extra(info.extra))
        if m.flags & FLAG_DESCRIPTOR:
            after = pos + info.compress_size
            sig = data[after:after + 4] == SIG_DESCRIPTOR
            m.descriptor = ("sig" if sig else "nosig") + ("64" if m.local_zip64 != "none" else "32")
        arc.members.append(m)
    return arc


def zf_read(data, name):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


class Record:
    """One packed record: its field table, values, and the variable bytes that follow."""

    def __init__(self, kind, index, fields, values, tail=b""):
        self.kind, self.index, self.fields = kind, index, fields
        self.values, self.tail = values, tail

    def bytes(self):
        return _pack(self.fields, self.values) + self.tail


def zip64_extra(values):
    return struct.pack("<HH", 1, 8 * len(values)) + b"".join(struct.pack("<Q", v) for v in values)


def layout(arc):
    """[Record or bytes] for the archive, offsets and sizes computed from the model."""
    out, pos = [], 0

    def emit(item):
        nonlocal pos
        out.append(item)
        pos += len(item.bytes() if isinstance(item, Record) else item)

    if arc.prefix:
        emit(arc.prefix)
    offsets = []
    for i, m in enumerate(arc.members):
        offsets.append(pos)
        usize, csize = len(m.raw), len(m.data)
        extra = m.local_extra
        lv = {"sig": SIG_LOCAL, "version": m.version, "flags": m.flags, "method": m.method,
              "time": m.time, "date": m.date, "crc": m.crc, "csize": csize, "usize": usize}
        if m.local_zip64 != "none":
            # Python writes zeros here when the sizes follow in a data descriptor.
            streamed = m.flags & FLAG_DESCRIPTOR and m.descriptor is not None
            extra = zip64_extra([0, 0] if streamed else [usize, csize]) + extra
            if m.local_zip64 == "sentinel":
                lv["csize"] = lv["usize"] = U32_MAX
        if m.flags & FLAG_DESCRIPTOR and m.descriptor is not None:
            lv["crc"] = 0
            if m.local_zip64 != "sentinel":
                lv["csize"] = lv["usize"] = 0
        lv["nlen"], lv["xlen"] = len(m.name), len(extra)
        emit(Record("local", i, LOCAL_FIELDS, lv, m.name + extra))
        emit(m.data)
        if m.descriptor is not None:
            wide = m.descriptor.endswith("64")
            fields = ([("sig", "4s")] if m.descriptor.startswith("sig") else []) + \
                [("crc", "I"), ("csize", "Q" if wide else "I"), ("usize", "Q" if wide else "I")]
            dv = {"sig": SIG_DESCRIPTOR, "crc": m.crc, "csize": csize, "usize": usize}
            emit(Record("descriptor", i, fields, dv))
        if m.gap_after:
            emit(m.gap_after)
    if arc.before_cd:
        emit(arc.before_cd)
    cd_start = pos
    order = arc.order()
    for i in order:
        m = arc.members[i]
        name = m.name if m.central_name is None else m.central_name
        cv = {"sig": SIG_CENTRAL, "made_by": m.made_by, "version": m.version, "flags": m.flags,
              "method": m.method, "time": m.time, "date": m.date, "crc": m.crc,
              "csize": len(m.data), "usize": len(m.raw), "clen": len(m.comment), "disk": 0,
              "iattr": m.iattr, "eattr": m.eattr, "offset": offsets[i]}
        extra = m.central_extra
        if m.central_zip64:
            values = {"usize": len(m.raw), "csize": len(m.data), "offset": offsets[i]}
            chosen = m.central_zip64 if isinstance(m.central_zip64, tuple) else tuple(values)
            listed = tuple(values) if getattr(m, "central_zip64_all", False) else chosen
            extra = zip64_extra([values[f] for f in ("usize", "csize", "offset")
                                 if f in listed]) + extra
            for f in chosen:
                cv[f] = U32_MAX
        cv["nlen"], cv["xlen"] = len(name), len(extra)
        emit(Record("central", i, CENTRAL_FIELDS, cv, name + extra + m.comment))
    cd_size = pos - cd_start
    if arc.between_cd_end:
        emit(arc.between_cd_end)
    n = len(order)
    if arc.zip64_end:
        z64_pos = pos
        zv = {"sig": SIG_ZIP64_END, "size": 44 + len(arc.zip64_extensible), "made_by": 45,
              "version": 45, "disk": 0, "cd_disk": 0, "n_disk": n, "n_total": n,
              "cd_size": cd_size, "cd_offset": cd_start}
        emit(Record("zip64_end", 0, ZIP64_END_FIELDS, zv, arc.zip64_extensible))
        emit(Record("locator", 0, LOCATOR_FIELDS,
                    {"sig": SIG_ZIP64_LOCATOR, "disk": 0, "offset": z64_pos, "ndisks": 1}))
    ev = {"sig": SIG_END, "disk": 0, "cd_disk": 0, "n_disk": min(n, U16_MAX),
          "n_total": min(n, U16_MAX), "cd_size": min(cd_size, U32_MAX),
          "cd_offset": min(cd_start, U32_MAX), "clen": len(arc.comment)}
    if arc.zip64_end and arc.end_sentinels:
        ev.update(n_disk=U16_MAX, n_total=U16_MAX, cd_size=U32_MAX, cd_offset=U32_MAX)
    emit(Record("end", 0, END_FIELDS, ev, arc.comment))
    if arc.trailing:
        emit(arc.trailing)
    return out


def serialize(items):
    return b"".join(i.bytes() if isinstance(i, Record) else i for i in items)


# ==========================================================================
# ZIP mutations
# ==========================================================================

NAME_VARIANTS = ["{k}", "{k}.npy.npy", "{k}.NPY", "{k}.npy ", " {k}.npy", "./{k}.npy",
                 "/{k}.npy", "../{k}.npy", "d/{k}.npy", "d//{k}.npy", "d\\{k}.npy", "C:{k}.npy",
                 "{k}\x00x.npy", "{k}.npy\x00", "{k}\u00e9.npy", "{k}\x7f.npy", "{k}\n.npy",
                 ".npy", "{k}.npz", "{k}.", "{k}.npy/", "arr_0.npy", "{K}.npy", "{k}.np",
                 "{k}\u2044.npy", "{k}\udcff.npy"]


def member_key(m):
    name = m.name.decode("utf-8", "replace")
    return name[:-4] if name.endswith(".npy") else name


def rename(rng, arc):
    if not arc.members:
        return "rename:none"
    m = rng.choice(arc.members)
    key = member_key(m) or "a"
    others = [x for x in arc.members if x is not m]
    roll = rng.random()
    if roll < 0.25 and others:
        other = rng.choice(others)
        new = rng.choice([other.name, other.name[:-4] if other.name.endswith(b".npy") else
                          other.name + b".npy", other.name + b".npy", other.name.upper()])
        what = "collide"
    else:
        text = rng.choice(NAME_VARIANTS).format(k=key, K=key.upper())
        new = text.encode("utf-8", "surrogateescape")
        what = "variant"
    if rng.random() < 0.15:
        m.central_name = new  # local and central names differ
        return "rename:central_" + what
    m.name = new
    if any(b >= 0x80 for b in new) and rng.random() < 0.7:
        m.flags |= FLAG_UTF8
    elif rng.random() < 0.2:
        m.flags &= ~FLAG_UTF8
    return "rename:" + what


def reorder(rng, arc):
    n = len(arc.members)
    if n == 0:
        return "order:none"
    roll = rng.randrange(6)
    order = arc.order()
    if roll == 0 and n > 1:
        rng.shuffle(arc.members)
        return "order:locals_shuffled"
    if roll == 1 and n > 1:
        order = order[:]
        rng.shuffle(order)
        arc.central_order = order
        return "order:central_shuffled"
    if roll == 2 and order:
        arc.central_order = order + [rng.choice(order)]
        return "order:central_duplicate"
    if roll == 3 and order:
        order = order[:]
        del order[rng.randrange(len(order))]
        arc.central_order = order
        return "order:central_missing"
    if roll == 4:
        m = arc.members[rng.randrange(n)]
        copy = Member()
        copy.__dict__.update(m.__dict__)
        arc.members.append(copy)
        arc.central_order = None
        return "order:member_copied"
    del arc.members[rng.randrange(n)]
    arc.central_order = None
    return "order:member_removed"


def gaps(rng, arc):
    junk = rng.choice([b"\x00", b"junk", SIG_LOCAL, SIG_END, SIG_CENTRAL, bytes(30),
                       SIG_END + bytes(18), b"PK\x05\x06" + bytes(16) + b"\x00\x00"])
    where = rng.randrange(6)
    if where == 0:
        arc.prefix = junk
    elif where == 1 and arc.members:
        rng.choice(arc.members).gap_after = junk
    elif where == 2:
        arc.before_cd = junk
    elif where == 3:
        arc.between_cd_end = junk
    elif where == 4:
        arc.trailing = junk
    else:
        arc.prefix = rng.choice([b"#!/bin/sh\nexit 0\n", MAGIC + b"\x01\x00"])
    return "gap:%d" % where


def comments(rng, arc):
    roll = rng.randrange(5)
    if roll == 0:
        arc.comment = rng.choice([b"c", b"x" * 100, b"PK\x05\x06", b"a" * 70000])
    elif roll == 1:
        # A complete second (empty) archive in the comment.
        arc.comment = SIG_END + bytes(18)
    elif roll == 2:
        arc.comment = b"note" + SIG_END
    elif roll == 3 and arc.members:
        rng.choice(arc.members).comment = rng.choice([b"member comment", SIG_END + bytes(18)])
    else:
        arc.comment = serialize(layout(_clone(arc)))[-22:] if arc.members else b""
    return "comment:%d" % roll


def _clone(arc):
    new = Archive()
    new.__dict__.update(arc.__dict__)
    new.members = []
    for m in arc.members:
        c = Member()
        c.__dict__.update(m.__dict__)
        new.members.append(c)
    new.central_order = None if arc.central_order is None else list(arc.central_order)
    return new


def extras(rng, arc):
    if not arc.members:
        return "extra:none"
    m = rng.choice(arc.members)
    roll = rng.randrange(11)
    if roll == 0:
        m.local_zip64 = rng.choice(["none", "real", "sentinel"])
    elif roll == 1:
        m.central_zip64 = not m.central_zip64
    elif roll == 2:
        other = rng.choice(["x.npy", "arr_9.npy", member_key(m) + "2.npy"]).encode()
        upath = struct.pack("<BI", 1, zlib.crc32(m.name) & U32_MAX) + other
        target = "local_extra" if rng.random() < 0.5 else "central_extra"
        setattr(m, target, getattr(m, target) + pack_extra([(0x7075, upath)]))
    elif roll == 3:
        setattr(m, rng.choice(["local_extra", "central_extra"]),
                pack_extra([(0xCAFE, b"abc")]))
    elif roll == 4:
        m.local_extra += b"\x01\x00"  # truncated header
    elif roll == 5:
        m.local_extra += struct.pack("<HH", 0x5455, 40) + b"x"  # overruns the area
    elif roll == 6:
        m.local_extra += zip64_extra([len(m.raw), len(m.data)])  # a second ZIP64 extra
    elif roll == 7:
        m.central_extra += zip64_extra([len(m.raw) + 1])
    elif roll == 8:
        m.local_extra += struct.pack("<HH", 1, 0)  # an empty ZIP64 extra
    elif roll == 9:
        arc.zip64_end = not arc.zip64_end
    else:
        arc.zip64_end = True
        arc.end_sentinels = rng.random() < 0.5
        if rng.random() < 0.4:
            arc.zip64_extensible = rng.choice([b"\x00" * 4, SIG_ZIP64_END + bytes(52)])
    return "extra:%d" % roll


def descriptors(rng, arc):
    if not arc.members:
        return "descriptor:none"
    m = rng.choice(arc.members)
    roll = rng.randrange(5)
    if roll == 0:
        m.flags |= FLAG_DESCRIPTOR
        m.descriptor = rng.choice(["sig32", "sig64", "nosig32", "nosig64"])
    elif roll == 1:
        m.flags &= ~FLAG_DESCRIPTOR
        m.descriptor = None
    elif roll == 2:
        m.flags |= FLAG_DESCRIPTOR  # flag without a descriptor
        m.descriptor = None
    elif roll == 3:
        m.descriptor = rng.choice(["sig32", "sig64"])  # descriptor without the flag
    else:
        m.flags |= FLAG_DESCRIPTOR
        m.descriptor = rng.choice(["sig32", "sig64", "nosig32", "nosig64"])
        m.local_zip64 = rng.choice(["none", "real", "sentinel"])
    return "descriptor:%d" % roll


def compress(rng, m, method):
    if method == 0:
        m.data = m.raw
    elif method == 8:
        m.data = deflate(m.raw, rng.choice([0, 1, 6, 9]),
                         rng.choice([zlib.Z_DEFAULT_STRATEGY, zlib.Z_FIXED, zlib.Z_HUFFMAN_ONLY,
                                     zlib.Z_RLE]), rng.choice([0, 0, 7, 64]))
    elif method == 12:
        m.data = bz2.compress(m.raw)
    elif method == 14:
        props = bytes([93]) + struct.pack("<L", 1 << 16)
        raw = lzma.LZMACompressor(format=lzma.FORMAT_RAW, filters=[
            {"id": lzma.FILTER_LZMA1, "dict_size": 1 << 16}]).compress(m.raw)
        m.data = struct.pack("<BBH", 9, 20, 5) + props + raw
    m.method = method


def compression(rng, arc):
    if not arc.members:
        return "method:none"
    m = rng.choice(arc.members)
    roll = rng.randrange(7)
    if roll <= 2:
        compress(rng, m, 8 if roll < 2 else 0)
    elif roll == 3:
        compress(rng, m, rng.choice([12, 14]))
        m.version = 46 if m.method == 12 else 63
    elif roll == 4 and m.method == 8:
        # Bits changed inside the deflate stream; zlib's reading of it becomes the data, with
        # the CRC and size fixed (or not).
        m.data = mutate_bytes(rng, m.data, rng.choice([1, 2]), list(range(256)))
        out = inflate(m.data)
        if out is not None and rng.random() < 0.8:
            m.raw = out
            m.recompute()
            return "method:deflate_flip_fixed"
        return "method:deflate_flip"
    elif roll == 5 and m.method == 8:
        m.data = m.data + rng.choice([b"\x00", b"\x03\x00", deflate(b"more")])
        return "method:deflate_trailing"
    elif roll == 6 and m.method == 8:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        m.data = c.compress(m.raw) + c.flush(zlib.Z_SYNC_FLUSH)  # no final block
        return "method:deflate_unfinished"
    return "method:%d" % roll


def member_data(rng, arc):
    """The member's .npy bytes mutated as a .npy, recompressed; CRC fixed or kept."""
    if not arc.members:
        return "data:none"
    m = rng.choice(arc.members)
    if m.raw[:6] == MAGIC and rng.random() < 0.85:
        m.raw, what = mutate_npy_bytes(rng, m.raw)
    else:
        m.raw = mutate_bytes(rng, m.raw, 1)
        what = "bytes"
    compress(rng, m, m.method if m.method in (0, 8) else 0)
    fixed = rng.random() < 0.85
    m.recompute(fix_crc=fixed)
    return "data:" + what + (":crc_fixed" if fixed else ":crc_stale")


def add_member(rng, arc):
    m = Member()
    roll = rng.randrange(4)
    if roll == 0:
        m.name, m.raw = b"notes.txt", b"hello"
    elif roll == 1:
        m.name, m.raw = b"fake.npy", b"not an array"
    elif roll == 2:
        m.name, m.raw = b"dir/", b""
        m.eattr = (0o40775 << 16) | 0x10
    else:
        m.name, m.raw = b"extra.npy", _npy_bytes(np.arange(3, dtype="<i4"))
        m.name = rng.choice([b"extra.npy", b"extra", b"extra.bin"])
    compress(rng, m, rng.choice([0, 8]))
    m.recompute()
    arc.members.insert(rng.randrange(len(arc.members) + 1), m)
    arc.central_order = None
    return "add:%d" % roll


def zip64_end(rng, arc):
    """ZIP64 end record and locator: present, with sentinels in the end record or not, with
    extensible data, or a second record hidden before the real one."""
    arc.zip64_end = True
    roll = rng.randrange(5)
    if roll == 0:
        arc.end_sentinels = True
    elif roll == 1:
        arc.zip64_extensible = rng.choice([b"\x00" * 4, b"\x00" * 56, SIG_ZIP64_END + bytes(52)])
    elif roll == 2:
        # Bytes before the record that look like another ZIP64 end record.
        arc.between_cd_end = SIG_ZIP64_END + struct.pack("<Q", 44) + bytes(44)
    elif roll == 3:
        arc.end_sentinels = rng.random() < 0.5
        arc.zip64_extensible = b""
    return "zip64_end:%d" % roll


def zip64_partial(rng, arc):
    """ZIP64 extras with only some of the 32-bit fields set to the sentinel: APPNOTE 4.5.3 puts
    only those fields in the extra, in the order usize, csize, offset (what zipfile reads);
    a writer that always puts all of them would make readers disagree."""
    if not arc.members:
        return "zip64_partial:none"
    m = rng.choice(arc.members)
    fields = [f for f in ("usize", "csize", "offset") if rng.random() < 0.5] or ["csize"]
    m.central_zip64 = tuple(fields)
    m.central_zip64_all = rng.random() < 0.3  # all three values whatever the sentinels say
    return "zip64_partial:" + ",".join(fields) + (":all" if m.central_zip64_all else "")


def concatenate(rng, arc, seeds_npz=None):
    """Another complete archive before or after this one (zipfile finds one of them)."""
    other = rng.choice(SEED_ARCHIVES) if SEED_ARCHIVES else b""
    if rng.random() < 0.5:
        arc.trailing = other
        return "concat:after"
    arc.prefix = other
    return "concat:before"


def empty(rng, arc):
    arc.members = []
    arc.central_order = None
    return "empty"


STRUCTURAL = [(rename, 12), (reorder, 8), (gaps, 6), (comments, 5), (extras, 10),
              (descriptors, 8), (compression, 10), (member_data, 30), (add_member, 4), (empty, 1),
              (zip64_end, 6), (zip64_partial, 5), (concatenate, 2)]
SEED_ARCHIVES = []


def field_override(rng, items):
    """One packed field of one record set to a neighbouring or interesting value."""
    records = [r for r in items if isinstance(r, Record)]
    if not records:
        return "field:none"
    r = rng.choice(records)
    names = [n for n, _ in r.fields if n != "sig" or rng.random() < 0.1]
    name = rng.choice(names)
    fmt = dict(r.fields)[name]
    if fmt == "4s":
        sig = mutate_bytes(rng, r.values[name], 1, [0x50, 0x4B, 0, 1, 2, 5, 6, 7, 8])
        r.values[name] = sig[:4].ljust(4, b"\0")
        return "field:%s.sig" % r.kind
    v = r.values[name]
    peers = [p.values[name] for p in records if p is not r and name in p.values
             and not isinstance(p.values[name], bytes)]
    top = (1 << (8 * struct.calcsize(fmt))) - 1
    choice = rng.random()
    if choice < 0.4:
        v = v + rng.choice([-1, 1, -2, 2, -4, 4, -16, 16, -22, 22, -30, 30, -46, 46, 8, -8])
    elif choice < 0.55 and peers:
        v = rng.choice(peers)
    elif choice < 0.75:
        v = rng.choice([0, 1, top, top - 1, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF, 45, 20, 63, 8, 12])
    else:
        v = v ^ (1 << rng.randrange(8 * struct.calcsize(fmt)))
    r.values[name] = max(0, v) & top
    return "field:%s.%s" % (r.kind, name)


def mutate_npz_bytes(rng, data):
    arc = parse_archive(data)
    what = []
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
        fn = rng.choices([f for f, _ in STRUCTURAL], weights=[w for _, w in STRUCTURAL])[0]
        what.append(fn(rng, arc))
    items = layout(arc)
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2]) if what else rng.choice([1, 1, 2])):
        what.append(field_override(rng, items))
    out = serialize(items)
    if rng.random() < 0.05:
        out = mutate_bytes(rng, out, 1, list(range(256)))
        what.append("byte")
    return out, "npz:" + "+".join(what)


def make_case(seeds, seed, case):
    """(bytes, suffix, description) of case number `case` of run `seed`."""
    rng = random.Random("%d:%d" % (seed, case))
    if rng.random() < 0.45:
        name, data = rng.choice(seeds["npy"])
        out, what = mutate_npy_bytes(rng, data)
        return out, ".npy", name + ":" + what
    name, data = rng.choice(seeds["npz"])
    out, what = mutate_npz_bytes(rng, data)
    return out, ".npz", name + ":" + what
