#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build the hostile .npz corpus (and a few well-formed controls) in corpus/expect/.

    /usr/bin/python3 corpus/make_hostile_npz.py

Every file is named after the verdict npyguard must reach with DEFAULT limits,
telling .npz from .npy by the first bytes as np.load does (PK\x03\x04 or
PK\x05\x06 means .npz):

    fail_<error_name>__<short_description>.npz   rejected with exactly that
                                                 error (snake_case name from
                                                 include/npyguard/error.h)
    pass_<description>.npz                       accepted

The archives are assembled by the small ZIP builder below (struct.pack over
explicit record layouts from PKWARE's APPNOTE, every field overridable), with
zlib for deflate and CRC-32.  Members are real .npy files written by np.save.
Each hostile file breaks exactly one rule of the reader's check order and is
valid otherwise, unless its comment says why that is impossible.  The check
order (the first failing rule decides the code) is restated in `classify`,
a reference model of the reader used here to verify every verdict before a
file is written; it needs NumPy only to parse .npy headers of members.

The output is deterministic: fixed timestamps (1980-01-01 00:00), fixed array
contents, zlib/bz2/lzma with fixed settings.  Stale .npz files in
corpus/expect/ are removed first, so the directory always matches this script.
Every file is smaller than 64 KiB.  Needs Debian's python3-numpy.
"""

import bz2
import io
import lzma
import shutil
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np
from numpy.lib import format as npformat

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "corpus" / "expect"
MAX_FILE_BYTES = 64 * 1024

# Default limits of npyguard::Limits (include/npyguard/limits.h).
MAX_MEMBERS = 10000
MAX_MEMBER_NAME_BYTES = 1024
MAX_TOTAL_UNCOMPRESSED = 64 << 30
MAX_COMPRESSION_RATIO = 1100
# Amplification budget: the usize sum may be at most max(floor, factor x the
# archive's size in bytes).
AMPLIFICATION_FLOOR = 1 << 30
AMPLIFICATION_FACTOR = 64
# Largest central directory the default limits allow: every entry at its
# largest (46 fixed bytes, a 1024-byte name, 1024 bytes of extra + comment).
MAX_DIRECTORY_BYTES = MAX_MEMBERS * (46 + 1024 + 1024)

# Record signatures (APPNOTE 4.3.7, 4.3.9, 4.3.12, 4.3.14, 4.3.15, 4.3.16).
SIG_LOCAL = b"PK\x03\x04"
SIG_DESCRIPTOR = b"PK\x07\x08"
SIG_CENTRAL = b"PK\x01\x02"
SIG_ZIP64_END = b"PK\x06\x06"
SIG_ZIP64_LOCATOR = b"PK\x06\x07"
SIG_END = b"PK\x05\x06"

STORED, DEFLATED, BZIP2, LZMA = 0, 8, 12, 14
FLAG_ENCRYPTED = 1 << 0
FLAG_DESCRIPTOR = 1 << 3
FLAG_STRONG_ENCRYPTION = 1 << 6
FLAG_UTF8 = 1 << 11
FLAG_MASKED_HEADERS = 1 << 13
ALLOWED_FLAGS = (1 << 1) | (1 << 2) | FLAG_DESCRIPTOR | FLAG_UTF8
ENCRYPTION_FLAGS = FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS

U16_SENTINEL = 0xFFFF
U32_SENTINEL = 0xFFFFFFFF
ZIP64_EXTRA_ID = 0x0001
UNICODE_PATH_EXTRA_ID = 0x7075
# MS-DOS date 1980-01-01 and time 00:00:00, what zipfile writes for members
# opened with ZipFile.open(name, 'w').
DOS_DATE, DOS_TIME = 0x0021, 0x0000
MADE_BY_UNIX_20 = (3 << 8) | 20
FILE_ATTRIBUTES = 0o600 << 16          # -rw------- in the high half
DIRECTORY_ATTRIBUTES = (0o40775 << 16) | 0x10  # drwxrwxr-x + MS-DOS dir bit


# ==========================================================================
# .npy members
# ==========================================================================

def npy(arr, allow_pickle=False):
    """The bytes np.save writes for `arr`."""
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


# Small arrays used as members throughout (each a 128-byte header + payload).
NPY_A = npy(np.arange(6, dtype="<i4").reshape(2, 3))          # 152 bytes
NPY_B = npy(np.array([1.5, -2.25, 3.0], dtype="<f8"))          # 152 bytes
NPY_C = npy(np.arange(200, dtype="<i2") // 10)                 # 528, compressible
NPY_D = npy(np.array([[True, False], [False, True]]))          # 132 bytes
# 16 MiB exactly: NumPy's 128-byte header, then zeros.
NPY_ZEROS_16_MIB = npy(np.zeros((16 << 20) - 128, dtype="|u1"))


def npy_header_only(length):
    """The 128-byte header np.save writes for `length` bytes of |u1: the
    start of a member whose data is left out."""
    buf = io.BytesIO()
    npformat.write_array_header_1_0(
        buf, {"descr": "|u1", "fortran_order": False,
              "shape": (length - 128,)})
    return buf.getvalue()


# ==========================================================================
# Compression and checksum helpers
# ==========================================================================

def deflate(data):
    """Raw DEFLATE (no zlib header), level 9: what method 8 stores."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return compressor.compress(data) + compressor.flush()


def bzip2(data):
    """A bzip2 stream: what method 12 stores (APPNOTE 5.7)."""
    return bz2.compress(data, 9)


def lzma_zip(data):
    """Method 14 data (APPNOTE 5.8.8): LZMA SDK version (2 bytes), property
    size (2 bytes), the 5 LZMA1 properties (lc/lp/pb byte, dictionary size),
    then the raw LZMA1 stream with an end marker (flag bit 1)."""
    lc, lp, pb, dict_size = 3, 0, 2, 1 << 16
    props = bytes([(pb * 5 + lp) * 9 + lc]) + struct.pack("<L", dict_size)
    filters = [{"id": lzma.FILTER_LZMA1, "dict_size": dict_size,
                "lc": lc, "lp": lp, "pb": pb}]
    compressor = lzma.LZMACompressor(format=lzma.FORMAT_RAW, filters=filters)
    raw = compressor.compress(data) + compressor.flush()
    return struct.pack("<BBH", 9, 20, len(props)) + props + raw


def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def force_crc(prefix, target):
    """Four bytes x such that crc32(prefix + x) == target.

    For a fixed length CRC-32 is affine over GF(2), so the effect of each of
    the 32 free bits is a fixed 32-bit vector; Gaussian elimination picks the
    combination that turns crc32(prefix + 0000) into `target`.
    """
    base = crc32(prefix + bytes(4))
    basis = {}  # pivot bit -> (vector, combination of free bits)
    for bit in range(32):
        vector = crc32(prefix + (1 << bit).to_bytes(4, "little")) ^ base
        combo = 1 << bit
        for pivot in sorted(basis, reverse=True):
            if vector >> pivot & 1:
                vector ^= basis[pivot][0]
                combo ^= basis[pivot][1]
        if vector:
            basis[vector.bit_length() - 1] = (vector, combo)
    want, combo = target ^ base, 0
    for pivot in sorted(basis, reverse=True):
        if want >> pivot & 1:
            want ^= basis[pivot][0]
            combo ^= basis[pivot][1]
    assert want == 0, "CRC target not reachable"
    tail = combo.to_bytes(4, "little")
    assert crc32(prefix + tail) == target
    return tail


class BitWriter:
    """DEFLATE bit packing (RFC 1951 3.1.1): values LSB first, Huffman codes
    MSB first, bytes filled from the least significant bit."""

    def __init__(self):
        self.bits = []

    def value(self, number, count):
        self.bits += [(number >> i) & 1 for i in range(count)]

    def code(self, number, count):
        self.bits += [(number >> i) & 1 for i in reversed(range(count))]

    def getvalue(self):
        padded = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(sum(bit << i for i, bit in enumerate(padded[n:n + 8]))
                     for n in range(0, len(padded), 8))


# ==========================================================================
# The ZIP builder
# ==========================================================================
# Record layouts: (field, struct code) in file order.  Variable-length parts
# (name, extra, comment) follow the fixed part.

LOCAL_HEADER = (
    ("signature", "4s"), ("version_needed", "H"), ("flags", "H"),
    ("method", "H"), ("mtime", "H"), ("mdate", "H"), ("crc32", "L"),
    ("csize", "L"), ("usize", "L"), ("name_len", "H"), ("extra_len", "H"))
CENTRAL_HEADER = (
    ("signature", "4s"), ("version_made_by", "H"), ("version_needed", "H"),
    ("flags", "H"), ("method", "H"), ("mtime", "H"), ("mdate", "H"),
    ("crc32", "L"), ("csize", "L"), ("usize", "L"), ("name_len", "H"),
    ("extra_len", "H"), ("comment_len", "H"), ("disk_start", "H"),
    ("internal_attr", "H"), ("external_attr", "L"), ("local_offset", "L"))
ZIP64_END_RECORD = (
    ("signature", "4s"), ("record_size", "Q"), ("version_made_by", "H"),
    ("version_needed", "H"), ("disk_number", "L"), ("cd_disk", "L"),
    ("entries_this_disk", "Q"), ("entries_total", "Q"), ("cd_size", "Q"),
    ("cd_offset", "Q"))
ZIP64_LOCATOR = (
    ("signature", "4s"), ("zip64_disk", "L"), ("zip64_offset", "Q"),
    ("total_disks", "L"))
END_RECORD = (
    ("signature", "4s"), ("disk_number", "H"), ("cd_disk", "H"),
    ("entries_this_disk", "H"), ("entries_total", "H"), ("cd_size", "L"),
    ("cd_offset", "L"), ("comment_len", "H"))

LOCAL_FIXED, CENTRAL_FIXED, END_FIXED = 30, 46, 22
ZIP64_END_FIXED, ZIP64_LOCATOR_SIZE = 56, 20


def pack_record(layout, values, tail=()):
    """Pack the fixed part of a record, then append the variable parts."""
    fmt = "<" + "".join(code for _, code in layout)
    fixed = struct.pack(fmt, *(values[name] for name, _ in layout))
    return fixed + b"".join(values[name] for name in tail)


def apply_overrides(values, overrides, context, only=None):
    """Replace fields by overrides; a callable is called with `context`.

    Unknown field names raise, so a typo cannot silently build a valid file.
    """
    for name, value in (overrides or {}).items():
        if only is not None and name not in only:
            continue
        if name not in values:
            raise KeyError(f"no field {name!r} in record")
        values[name] = value(context) if callable(value) else value


def zip64_extra(*values):
    """ZIP64 extended information extra field (APPNOTE 4.5.3)."""
    return struct.pack(f"<HH{len(values)}Q", ZIP64_EXTRA_ID, 8 * len(values),
                       *values)


def unicode_path_extra(name_bytes, unicode_name):
    """Info-ZIP Unicode Path extra field (APPNOTE 4.6.9): version 1, CRC-32
    of the header's name, the UTF-8 name."""
    body = struct.pack("<BL", 1, crc32(name_bytes)) + unicode_name
    return struct.pack("<HH", UNICODE_PATH_EXTRA_ID, len(body)) + body


class Member:
    """One archive member: its payload plus how its records are written.

    name        str (UTF-8, flag bit 11 set when non-ASCII) or raw bytes
    payload     uncompressed bytes (the .npy file)
    method      compression method; `data` defaults to the payload (stored)
                or its raw deflate (8) and must be given for other methods
    declared    overrides of the true crc32/csize/usize, written consistently
                to the local header, central entry, ZIP64 extras, descriptor
    descriptor  None, or "sig32", "nosig32", "sig64", "nosig64": flag bit 3,
                zero crc/sizes in the local header, a data descriptor after
                the data (the 64-bit forms also get a zeroed local ZIP64
                extra, as zipfile writes them)
    zip64_local None, "extra" (real 32-bit sizes plus a ZIP64 extra, as
                Python 3.11 writes) or "sentinel" (version 45, 0xFFFFFFFF
                sizes, real sizes only in the ZIP64 extra)
    zip64_central  fields among "usize", "csize", "offset" written as
                0xFFFFFFFF in the central entry, with values in its extra
    local, central, descriptor_fields   per-field overrides of each record
    gap_after   bytes written after this member's data (and descriptor)
    has_local   False: only a central entry (its local_offset must be given)
    """

    def __init__(self, name, payload, method=STORED, data=None, flags=None,
                 declared=None, descriptor=None, zip64_local=None,
                 zip64_central=(), local=None, central=None,
                 descriptor_fields=None, gap_after=b"", has_local=True,
                 version_needed=20, external_attr=FILE_ATTRIBUTES):
        self.name = name.encode("utf-8") if isinstance(name, str) else name
        self.payload = payload
        self.method = method
        if data is None:
            assert method in (STORED, DEFLATED), "give data for this method"
            data = payload if method == STORED else deflate(payload)
        self.data = data
        if flags is None:
            flags = FLAG_UTF8 if isinstance(name, str) and not name.isascii() \
                else 0
            if descriptor:
                flags |= FLAG_DESCRIPTOR
        self.flags = flags
        self.crc = crc32(payload)
        self.csize = len(data)
        self.usize = len(payload)
        for key, value in (declared or {}).items():
            assert key in ("crc", "csize", "usize"), key
            setattr(self, key, value)
        self.descriptor = descriptor
        self.zip64_local = zip64_local
        self.zip64_central = tuple(zip64_central)
        self.local = local or {}
        self.central = central or {}
        self.descriptor_fields = descriptor_fields or {}
        self.gap_after = gap_after
        self.has_local = has_local
        self.version_needed = version_needed
        self.external_attr = external_attr
        self.offset = None  # set by build_zip

    # -- local header + data + descriptor ---------------------------------

    def local_header(self):
        sentinel = self.zip64_local == "sentinel"
        wide_descriptor = self.descriptor in ("sig64", "nosig64")
        if self.zip64_local in ("extra", "sentinel"):
            extra = zip64_extra(self.usize, self.csize)
        elif wide_descriptor:
            extra = zip64_extra(0, 0)
        else:
            extra = b""
        values = {"name": self.name, "extra": extra}
        apply_overrides(values, self.local, self, only=("name", "extra"))
        if self.descriptor:
            crc = csize = usize = 0
        elif sentinel:
            crc, csize, usize = self.crc, U32_SENTINEL, U32_SENTINEL
        else:
            crc, csize, usize = self.crc, self.csize, self.usize
        values.update(
            signature=SIG_LOCAL,
            version_needed=45 if sentinel else self.version_needed,
            flags=self.flags, method=self.method, mtime=DOS_TIME,
            mdate=DOS_DATE, crc32=crc, csize=csize, usize=usize,
            name_len=len(values["name"]), extra_len=len(values["extra"]))
        apply_overrides(values, self.local, self)
        return pack_record(LOCAL_HEADER, values, ("name", "extra"))

    def descriptor_bytes(self):
        if not self.descriptor:
            return b""
        values = {"signature": SIG_DESCRIPTOR, "crc32": self.crc,
                  "csize": self.csize, "usize": self.usize}
        apply_overrides(values, self.descriptor_fields, self)
        signature = values["signature"] if "nosig" not in self.descriptor \
            else b""
        sizes = "<QQ" if self.descriptor.endswith("64") else "<LL"
        return (signature + struct.pack("<L", values["crc32"])
                + struct.pack(sizes, values["csize"], values["usize"]))

    def local_record(self):
        """Everything this member occupies before the central directory."""
        return self.local_header() + self.data + self.descriptor_bytes()

    # -- central directory entry ------------------------------------------

    def central_entry(self, context):
        real = {"usize": self.usize, "csize": self.csize,
                "offset": self.offset}
        extra_values = [real[f] for f in ("usize", "csize", "offset")
                        if f in self.zip64_central]
        values = {"name": self.name,
                  "extra": zip64_extra(*extra_values) if extra_values else b"",
                  "comment": b""}
        apply_overrides(values, self.central, context,
                        only=("name", "extra", "comment"))

        def field(key):
            return U32_SENTINEL if key in self.zip64_central else real[key]

        values.update(
            signature=SIG_CENTRAL, version_made_by=MADE_BY_UNIX_20,
            version_needed=45 if self.zip64_central else self.version_needed,
            flags=self.flags, method=self.method, mtime=DOS_TIME,
            mdate=DOS_DATE, crc32=self.crc, csize=field("csize"),
            usize=field("usize"), name_len=len(values["name"]),
            extra_len=len(values["extra"]),
            comment_len=len(values["comment"]), disk_start=0,
            internal_attr=0, external_attr=self.external_attr,
            local_offset=field("offset") if self.offset is not None else 0)
        apply_overrides(values, self.central, context)
        return pack_record(CENTRAL_HEADER, values, ("name", "extra", "comment"))


class Layout:
    """Positions known once the archive is laid out (for override lambdas)."""
    cd_offset = cd_size = count = zip64_offset = end_offset = None


def build_zip(members, central_order=None, prefix=b"", cd_junk=b"",
              zip64=False, zip64_end=None, zip64_gap=b"", locator=None,
              sentinels=False, end=None, comment=b"", trailer=b""):
    """Assemble an archive.

    members        written in this order as local records
    central_order  members in central directory order (default: members)
    prefix         bytes before the first local header (offsets include it)
    cd_junk        bytes inside the central directory after the last entry
    zip64          write a ZIP64 end record and locator; zip64_end/locator
                   override their fields, zip64_gap goes between the two
    sentinels      the 32-bit end record holds 0xFFFF/0xFFFFFFFF instead of
                   its count/size/offset
    end, comment   overrides of the end record; its comment
    trailer        bytes after the end record and its comment
    """
    out = bytearray(prefix)
    for member in members:
        if member.has_local:
            member.offset = len(out)
            out += member.local_record() + member.gap_after
    layout = Layout()
    layout.cd_offset = len(out)
    entries = central_order if central_order is not None else members
    for member in entries:
        out += member.central_entry(layout)
    out += cd_junk
    layout.cd_size = len(out) - layout.cd_offset
    layout.count = len(entries)

    if zip64:
        layout.zip64_offset = len(out)
        values = dict(
            signature=SIG_ZIP64_END, record_size=ZIP64_END_FIXED - 12,
            version_made_by=45, version_needed=45, disk_number=0, cd_disk=0,
            entries_this_disk=layout.count, entries_total=layout.count,
            cd_size=layout.cd_size, cd_offset=layout.cd_offset)
        apply_overrides(values, zip64_end, layout)
        out += pack_record(ZIP64_END_RECORD, values) + zip64_gap
        values = dict(signature=SIG_ZIP64_LOCATOR, zip64_disk=0,
                      zip64_offset=layout.zip64_offset, total_disks=1)
        apply_overrides(values, locator, layout)
        out += pack_record(ZIP64_LOCATOR, values)

    layout.end_offset = len(out)
    count = U16_SENTINEL if sentinels else layout.count
    values = dict(
        signature=SIG_END, disk_number=0, cd_disk=0, entries_this_disk=count,
        entries_total=count,
        cd_size=U32_SENTINEL if sentinels else layout.cd_size,
        cd_offset=U32_SENTINEL if sentinels else layout.cd_offset,
        comment_len=len(comment))
    apply_overrides(values, end, layout)
    out += pack_record(END_RECORD, values) + comment + trailer
    return bytes(out)


def two_members(**kwargs):
    """The plain well-formed archive most cases start from: a.npy, b.npy."""
    return build_zip([Member("a.npy", NPY_A), Member("b.npy", NPY_B)],
                     **kwargs)


# ==========================================================================
# Reference model of the reader's check order
# ==========================================================================

class Reject(Exception):
    """The first failing rule: `code` is the error name."""

    def __init__(self, code, why):
        super().__init__(f"{code}: {why}")
        self.code = code


def fail(code, why):
    raise Reject(code, why)


def u16(data, pos):
    return struct.unpack_from("<H", data, pos)[0]


def u32(data, pos):
    return struct.unpack_from("<L", data, pos)[0]


def unpack_record(layout, data, pos):
    fmt = "<" + "".join(code for _, code in layout)
    return dict(zip((name for name, _ in layout),
                    struct.unpack_from(fmt, data, pos)))


def find_end_record(data):
    """Rule 1: exactly one end record ending exactly at the end of the file,
    and no other signature in zipfile's search window (64 KiB + 22 bytes)."""
    size = len(data)
    if size < END_FIXED:
        fail("zip_no_end_record", "file shorter than an end record")
    start = max(0, size - (0x10000 + END_FIXED))
    signatures, candidates = [], []
    pos = data.find(SIG_END, start)
    while pos != -1:
        signatures.append(pos)
        if pos + END_FIXED <= size and \
                pos + END_FIXED + u16(data, pos + 20) == size:
            candidates.append(pos)
        pos = data.find(SIG_END, pos + 1)
    if not candidates:
        if signatures:
            fail("zip_bad_end_record", "comment length misses the file end")
        fail("zip_no_end_record", "no end record signature")
    if len(signatures) > 1:
        fail("zip_ambiguous_end_record", f"signatures at {signatures}")
    return candidates[0]


def parse_extra(extra):
    """{id: body} of an extra area; headers must not overrun it."""
    fields, pos = {}, 0
    while pos < len(extra):
        if pos + 4 > len(extra):
            fail("zip_bad_extra_field", "extra header overruns the area")
        ident, length = struct.unpack_from("<HH", extra, pos)
        if pos + 4 + length > len(extra):
            fail("zip_bad_extra_field", "extra field overruns the area")
        if ident == ZIP64_EXTRA_ID and ident in fields:
            fail("zip_bad_extra_field", "two ZIP64 extra fields")
        fields.setdefault(ident, extra[pos + 4:pos + 4 + length])
        pos += 4 + length
    return fields


def zip64_values(extra, needed, disk=False):
    """Replace the sentinel fields in `needed` (in order) from the ZIP64 extra,
    then the 4-byte disk number when the entry's disk field is 0xFFFF."""
    if not needed and not disk:
        return {}
    body = parse_extra(extra).get(ZIP64_EXTRA_ID)
    if body is None or len(body) < 8 * len(needed) + (4 if disk else 0):
        fail("zip_bad_extra_field", f"ZIP64 extra lacks {needed}")
    values = {key: struct.unpack_from("<Q", body, 8 * i)[0]
              for i, key in enumerate(needed)}
    if disk:
        values["disk_start"] = u32(body, 8 * len(needed))
    return values


def unsafe_name(name, flags):
    """Why a member name is unsafe, or None."""
    if not name:
        return "empty"
    if name.startswith(b"/"):
        return "absolute"
    if b"\\" in name:
        return "backslash"
    if any(b < 0x20 or b == 0x7F for b in name):
        return "NUL or control character"
    if b".." in name.split(b"/"):
        return "'..' segment"
    if any(b >= 0x80 for b in name):
        if not flags & FLAG_UTF8:
            return "non-ASCII without flag bit 11"
        try:
            name.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            return "invalid UTF-8"
    return None


def read_descriptor(data, pos, limit, entry):
    """Rule 10 with bit 3: the first descriptor form matching the central
    values; returns its end."""
    for signed in (True, False):
        for wide in (False, True):
            head = SIG_DESCRIPTOR if signed else b""
            size = len(head) + 4 + (16 if wide else 8)
            if pos + size > limit or data[pos:pos + len(head)] != head:
                continue
            at = pos + len(head)
            crc = u32(data, at)
            csize, usize = struct.unpack_from("<QQ" if wide else "<LL",
                                              data, at + 4)
            if (crc, csize, usize) == (entry["crc32"], entry["csize"],
                                       entry["usize"]):
                return pos + size
    fail("zip_bad_data_descriptor", "no descriptor matching the central entry")


def check_npy_member(content, usize):
    """Rule 12, .npy part: the member's own header, then its total size."""
    if content[:6] != b"\x93NUMPY":
        fail("bad_magic", "member is not a .npy")
    if (content[6], content[7]) not in ((1, 0), (2, 0), (3, 0)):
        fail("unsupported_version", "member .npy version")
    stream = io.BytesIO(content)
    version = npformat.read_magic(stream)
    # np.load's own header reader (with its default max_header_size), for 3.0 as well.
    shape, _, dtype = npformat._read_array_header(stream, version)
    if dtype.hasobject:
        fail("object_dtype", "member holds pickled objects")
    total = stream.tell() + dtype.itemsize * int(np.prod(shape, dtype=object))
    if total != usize:
        fail("zip_member_size_mismatch", f".npy says {total}, zip {usize}")


def check_member_data(data, entry):
    """Rule 12: inflate, CRC, then the .npy inside."""
    raw = data[entry["data_start"]:entry["data_start"] + entry["csize"]]
    usize = entry["usize"]
    if entry["method"] == DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            content = inflater.decompress(raw, usize + 1)
        except zlib.error as exc:
            fail("inflate_corrupt", str(exc))
        if len(content) > usize:
            fail("inflate_overrun", "more output than usize")
        if not inflater.eof:
            fail("inflate_truncated", "stream ends before its final block")
        if inflater.unused_data:
            fail("inflate_overrun", "stream ends before csize bytes")
        if len(content) < usize:
            fail("inflate_truncated", "stream ended before usize bytes")
    else:
        content = raw
    if crc32(content) != entry["crc32"]:
        fail("crc_mismatch", "CRC-32 differs")
    check_npy_member(content, usize)


def looks_like_npz(data):
    """np.load's (and npyguard's) dispatch: a local header or an empty
    archive's end record at offset 0 means .npz, anything else .npy."""
    return data[:4] in (SIG_LOCAL, SIG_END)


def classify(data):
    """The error name npyguard must report, or None when it must accept."""
    if not looks_like_npz(data):
        # Read as an .npy; only its first check is modelled here.
        return "bad_magic" if data[:6] != b"\x93NUMPY"[:len(data)] \
            else "unmodelled_npy"
    try:
        check_archive(data)
    except Reject as reject:
        return reject.code
    return None


def check_archive(data):
    size = len(data)
    # 1. End record.
    end_at = find_end_record(data)
    end = unpack_record(END_RECORD, data, end_at)
    # 2. Disks.
    if end["disk_number"] or end["cd_disk"] or \
            end["entries_this_disk"] != end["entries_total"]:
        fail("zip_multi_disk", "end record disk fields")
    # 3. ZIP64 end record and locator.
    count, cd_size, cd_offset = (end["entries_total"], end["cd_size"],
                                 end["cd_offset"])
    cd_end = end_at
    locator_at = end_at - ZIP64_LOCATOR_SIZE
    if locator_at >= 0 and data[locator_at:locator_at + 4] == SIG_ZIP64_LOCATOR:
        locator = unpack_record(ZIP64_LOCATOR, data, locator_at)
        if locator["zip64_disk"] != 0 or locator["total_disks"] != 1:
            fail("zip_multi_disk", "ZIP64 locator disk fields")
        at = locator["zip64_offset"]
        if at + ZIP64_END_FIXED > locator_at or \
                data[at:at + 4] != SIG_ZIP64_END:
            fail("zip_bad_zip64", "no ZIP64 end record at the locator offset")
        record = unpack_record(ZIP64_END_RECORD, data, at)
        if record["record_size"] != 44 or \
                at + 12 + record["record_size"] != locator_at:
            fail("zip_bad_zip64", "ZIP64 end record size")
        if record["disk_number"] or record["cd_disk"] or \
                record["entries_this_disk"] != record["entries_total"]:
            fail("zip_multi_disk", "ZIP64 end record disk fields")
        pairs = [(end["entries_this_disk"], record["entries_this_disk"],
                  U16_SENTINEL),
                 (end["entries_total"], record["entries_total"], U16_SENTINEL),
                 (end["cd_size"], record["cd_size"], U32_SENTINEL),
                 (end["cd_offset"], record["cd_offset"], U32_SENTINEL)]
        for small, wide, sentinel in pairs:
            if small != sentinel and small != wide:
                fail("zip_bad_zip64", "ZIP64 and 32-bit values differ")
        count, cd_size, cd_offset = (record["entries_total"],
                                     record["cd_size"], record["cd_offset"])
        cd_end = at
    elif end["entries_total"] == U16_SENTINEL or \
            U32_SENTINEL in (end["cd_size"], end["cd_offset"]):
        fail("zip_bad_zip64", "sentinel without ZIP64 locator")
    # 4. Limits on the declared directory.
    if count > MAX_MEMBERS:
        fail("too_many_members", f"{count} entries")
    if cd_size > MAX_DIRECTORY_BYTES:
        fail("directory_too_large", f"{cd_size} bytes")
    if count * CENTRAL_FIXED > cd_size:
        fail("zip_entry_count_mismatch", "directory cannot hold the count")
    # 5. Directory position.
    if cd_offset + cd_size != cd_end or cd_end > size:
        fail("zip_directory_out_of_bounds", "directory does not end in place")
    # 6. Central entries.
    entries, pos = [], cd_offset
    while len(entries) < count and pos < cd_end:
        if pos + CENTRAL_FIXED > cd_end or \
                data[pos:pos + 4] != SIG_CENTRAL:
            fail("zip_bad_central_entry", f"entry at {pos}")
        entry = unpack_record(CENTRAL_HEADER, data, pos)
        name_at = pos + CENTRAL_FIXED
        extra_at = name_at + entry["name_len"]
        comment_at = extra_at + entry["extra_len"]
        next_pos = comment_at + entry["comment_len"]
        if next_pos > cd_end:
            fail("zip_bad_central_entry", "variable part overruns directory")
        name, extra = data[name_at:extra_at], data[extra_at:comment_at]
        flags = entry["flags"]
        if entry["version_needed"] & 0xFF > 45:
            fail("zip_version_too_new", str(entry["version_needed"]))
        if flags & ENCRYPTION_FLAGS:
            fail("zip_encrypted", f"flags {flags:#x}")
        if flags & ~(ALLOWED_FLAGS | ENCRYPTION_FLAGS):
            fail("zip_unknown_flags", f"flags {flags:#x}")
        if entry["method"] not in (STORED, DEFLATED):
            fail("zip_unsupported_method", str(entry["method"]))
        if entry["disk_start"] not in (0, U16_SENTINEL):
            fail("zip_multi_disk", "entry starts on another disk")
        needed = [key for key, sentinel in (("usize", U32_SENTINEL),
                                            ("csize", U32_SENTINEL),
                                            ("local_offset", U32_SENTINEL))
                  if entry[key] == sentinel]
        parse_extra(extra)
        entry.update(zip64_values(extra, needed,
                                  entry["disk_start"] == U16_SENTINEL))
        if entry["disk_start"] != 0:
            fail("zip_multi_disk", "ZIP64 extra names another disk")
        if len(name) > MAX_MEMBER_NAME_BYTES:
            fail("member_name_too_long", f"{len(name)} bytes")
        why = unsafe_name(name, flags)
        if why:
            fail("zip_unsafe_name", why)
        if entry["method"] == STORED and entry["csize"] != entry["usize"]:
            fail("zip_stored_size_mismatch", "stored csize != usize")
        entry["name"] = name
        entries.append(entry)
        pos = next_pos
    if len(entries) < count or pos != cd_end:
        fail("zip_entry_count_mismatch", "directory and count disagree")
    # 7. Names.
    seen = set()
    for entry in entries:
        key = entry["name"][:-4] if entry["name"].endswith(b".npy") \
            else entry["name"]
        if key in seen:
            fail("zip_duplicate_name", repr(entry["name"]))
        seen.add(key)
    names = {entry["name"] for entry in entries}
    for entry in entries:
        if entry["name"].endswith(b".npy") and entry["name"][:-4] in names:
            fail("zip_key_shadows_member", repr(entry["name"]))
    for entry in entries:
        if not entry["name"].endswith(b".npy"):
            fail("zip_not_npy_member", repr(entry["name"]))
    # 8. Size limits.
    if sum(entry["usize"] for entry in entries) > MAX_TOTAL_UNCOMPRESSED:
        fail("total_uncompressed_too_large", "sum of usize")
    for entry in entries:
        if entry["method"] == DEFLATED and \
                entry["usize"] > entry["csize"] * MAX_COMPRESSION_RATIO:
            fail("compression_ratio_exceeded", repr(entry["name"]))
    if sum(entry["usize"] for entry in entries) > \
            max(AMPLIFICATION_FLOOR, AMPLIFICATION_FACTOR * size):
        fail("archive_amplification_exceeded", "sum of usize for the file size")
    # 9. Shared local headers.
    offsets = [entry["local_offset"] for entry in entries]
    if len(set(offsets)) != len(offsets):
        fail("zip_overlapping_entries", "two entries share a local header")
    # 10. Local headers.
    ranges = []
    for entry in entries:
        at = entry["local_offset"]
        if at + LOCAL_FIXED > cd_offset or data[at:at + 4] != SIG_LOCAL:
            fail("zip_bad_local_header", f"no local header at {at}")
        local = unpack_record(LOCAL_HEADER, data, at)
        name_at = at + LOCAL_FIXED
        extra_at = name_at + local["name_len"]
        data_start = extra_at + local["extra_len"]
        if data_start > cd_offset:
            fail("zip_bad_local_header", "name and extra run into the directory")
        if data[name_at:extra_at] != entry["name"]:
            fail("zip_local_header_mismatch", "name")
        if local["method"] != entry["method"]:
            fail("zip_local_header_mismatch", "method")
        if local["flags"] != entry["flags"]:
            fail("zip_local_header_mismatch", "flags")
        if local["version_needed"] & 0xFF > 45:
            fail("zip_version_too_new", f"local {local['version_needed']}")
        # A local ZIP64 extra holds both sizes; 32-bit sizes that are not
        # sentinels must agree with it.
        sentinel = U32_SENTINEL in (local["usize"], local["csize"])
        body = parse_extra(data[extra_at:data_start]).get(ZIP64_EXTRA_ID)
        if body is not None and len(body) >= 16:
            wide = dict(zip(("usize", "csize"), struct.unpack_from("<QQ", body)))
            for key in ("usize", "csize"):
                if local[key] not in (U32_SENTINEL, wide[key]):
                    fail("zip_local_header_mismatch", f"ZIP64 extra {key}")
            local.update(wide)
        elif sentinel:
            fail("zip_bad_extra_field", "local ZIP64 extra lacks the sizes")
        descriptor = bool(entry["flags"] & FLAG_DESCRIPTOR)
        if not descriptor:
            for key in ("crc32", "csize", "usize"):
                if local[key] != entry[key]:
                    fail("zip_local_header_mismatch", key)
        data_end = data_start + entry["csize"]
        if data_end > cd_offset:
            fail("zip_bad_local_header", "data runs into the directory")
        range_end = read_descriptor(data, data_end, cd_offset, entry) \
            if descriptor else data_end
        entry["data_start"] = data_start
        ranges.append((at, range_end))
    # 11. Coverage.
    ranges.sort()
    if ranges and ranges[0][0] != 0:
        fail("zip_prepended_data", f"first record at {ranges[0][0]}")
    position = 0
    for start, stop in ranges:
        if start < position:
            fail("zip_overlapping_entries", f"range at {start}")
        if start > position:
            fail("zip_unaccounted_bytes", f"gap at {position}")
        position = stop
    if ranges and position != cd_offset:
        fail("zip_unaccounted_bytes", "gap before the directory")
    # 12. Member data.
    for entry in entries:
        check_member_data(data, entry)


# ==========================================================================
# Cases
# ==========================================================================

CASES = []


def case(stem):
    """Register a case; `stem` is the file name without '.npz'."""
    def register(function):
        CASES.append((stem, function))
        return function
    return register


# --- well-formed controls -------------------------------------------------

@case("pass_stored")
def pass_stored():
    return two_members()


@case("pass_deflate")
def pass_deflate():
    return build_zip([Member("a.npy", NPY_A, DEFLATED),
                      Member("c.npy", NPY_C, DEFLATED)])


@case("pass_deflate_zeros_16_mib")
def pass_deflate_zeros():
    """An honest small bomb: 16 MiB of zeros (one 16 MiB .npy after a.npy)
    deflated at level 9 to about 16 KB, 1000:1. Under the 1 GiB amplification
    floor, so the defaults accept it; tests/test_npz.cpp and
    tests/cli/check_npz_amplification.sh lower the floor to refuse it."""
    return build_zip([Member("a.npy", NPY_A, DEFLATED),
                      Member("zeros.npy", NPY_ZEROS_16_MIB, DEFLATED)])


@case("pass_deflate_option_flags")
def pass_deflate_option_flags():
    """Flag bits 1 and 2 (deflate compression option) are allowed."""
    return build_zip([Member("c.npy", NPY_C, DEFLATED, flags=0b110)])


def descriptor_archive(kind):
    """A stored and a deflate member, both streamed with flag bit 3."""
    return build_zip([Member("a.npy", NPY_A, descriptor=kind),
                      Member("c.npy", NPY_C, DEFLATED, descriptor=kind)])


@case("pass_descriptor_sig_32bit")
def pass_descriptor_sig_32bit():
    return descriptor_archive("sig32")


@case("pass_descriptor_nosig_32bit")
def pass_descriptor_nosig_32bit():
    return descriptor_archive("nosig32")


@case("pass_descriptor_sig_64bit")
def pass_descriptor_sig_64bit():
    """What zipfile writes to a non-seekable stream with ZIP64 forced."""
    return descriptor_archive("sig64")


@case("pass_descriptor_nosig_64bit")
def pass_descriptor_nosig_64bit():
    return descriptor_archive("nosig64")


@case("pass_descriptor_crc_equals_signature")
def pass_descriptor_crc_equals_signature():
    """An unsigned descriptor whose CRC-32 is 0x08074b50, i.e. starts with
    the bytes PK\\x07\\x08: a reader must not take it for a signature.  The
    last four bytes of the u1 payload are chosen to force that CRC."""
    body = npy(np.zeros(16, dtype="|u1"))
    payload = body[:-4] + force_crc(body[:-4], 0x08074B50)
    return build_zip([Member("a.npy", payload, descriptor="nosig32"),
                      Member("b.npy", NPY_B)])


@case("pass_zip64_sentinel_local_headers")
def pass_zip64_sentinel_local_headers():
    """Local headers with version 45 and 0xFFFFFFFF sizes (newer Pythons)."""
    return build_zip([Member("a.npy", NPY_A, zip64_local="sentinel"),
                      Member("c.npy", NPY_C, DEFLATED,
                             zip64_local="sentinel")])


@case("pass_zip64_local_extra")
def pass_zip64_local_extra():
    """Real sizes plus a ZIP64 extra in the local header (Python 3.11)."""
    return build_zip([Member("a.npy", NPY_A, zip64_local="extra"),
                      Member("b.npy", NPY_B, zip64_local="extra")])


@case("pass_zip64_central_extra")
def pass_zip64_central_extra():
    """Central entries whose sizes and offset all live in the ZIP64 extra."""
    fields = ("usize", "csize", "offset")
    return build_zip([Member("a.npy", NPY_A, zip64_central=fields),
                      Member("c.npy", NPY_C, DEFLATED, zip64_central=fields)])


@case("pass_zip64_end_record")
def pass_zip64_end_record():
    return two_members(zip64=True)


@case("pass_zip64_end_record_sentinels")
def pass_zip64_end_record_sentinels():
    return two_members(zip64=True, sentinels=True)


@case("pass_empty_archive")
def pass_empty_archive():
    """Just an end record: what np.savez(f) writes."""
    return build_zip([])


@case("pass_utf8_name")
def pass_utf8_name():
    return build_zip([Member("été.npy", NPY_A), Member("数据.npy", NPY_B)])


# --- members in forms NumPy writes or reads that npyguard once refused -----

def npy_framed(header, payload, version=(1, 0), terminator=b"\n"):
    """A .npy around header text: spaces to a 64-byte boundary, `terminator`, payload."""
    length_format = "<H" if version[0] == 1 else "<I"
    preamble = 8 + struct.calcsize(length_format)
    body = header + b" " * ((-(preamble + len(header) + len(terminator))) % 64) + terminator
    return (b"\x93NUMPY" + bytes(version) + struct.pack(length_format, len(body)) + body
            + payload)


@case("pass_member_field_type_is_subarray")
def pass_member_field_type_is_subarray():
    """np.save of dtype [('a', ('<i4', (2,)), (3,))]: field a is <i4 of shape (3, 2)."""
    arr = np.zeros(2, dtype=[("a", ("<i4", (2,)), (3,)), ("b", "|u1")])
    arr["a"] = np.arange(12).reshape(2, 3, 2)
    return build_zip([Member("a.npy", npy(arr), DEFLATED)])


@case("pass_member_titles_int_and_bytes")
def pass_member_titles_int_and_bytes():
    """Titles that are not strings: np.save writes ((1, 'a'), ...) and
    ((b't', 'b'), ...)."""
    arr = np.zeros(2, dtype={"names": ["a", "b"], "formats": ["<i4", "|u1"],
                             "titles": [1, b"t\x00\xff"]})
    return build_zip([Member("a.npy", npy(arr)), Member("b.npy", NPY_B)])


@case("pass_member_v3_header_over_10000_bytes")
def pass_member_v3_header_over_10000_bytes():
    """A 3.0 header of more than 10,000 bytes but fewer than 10,000
    characters: NumPy's max_header_size counts characters."""
    arr = np.zeros(2, dtype=[("\u65e5" * 3500, "<i4")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Stored array in format 3.0"
        data = npy(arr)
    assert data[6] == 3 and struct.unpack("<I", data[8:12])[0] > 10000
    return build_zip([Member("a.npy", data, DEFLATED)])


@case("pass_member_header_without_final_newline")
def pass_member_header_without_final_newline():
    """A header padded with spaces and no final newline (a Go writer's)."""
    header = b"{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"
    data = npy_framed(header, np.arange(3, dtype="<i4").tobytes(), terminator=b" ")
    return build_zip([Member("a.npy", data)])


@case("pass_member_dimension_minus_zero")
def pass_member_dimension_minus_zero():
    """A dimension written -0, which ast.literal_eval reads as 0."""
    header = b"{'descr': '<i4', 'fortran_order': False, 'shape': (-0, 3), }"
    return build_zip([Member("a.npy", npy_framed(header, b""))])


@case("pass_end_record_comment")
def pass_end_record_comment():
    return two_members(comment=b"archive comment")


@case("fail_zip_ambiguous_end_record__end_signature_in_member_data")
def fail_end_signature_in_member_data():
    """A u1 array whose bytes contain an end record signature with a comment
    length that does not reach the file end. zipfile would not pick it, but a
    reader searching differently could: any second signature in the search
    window is refused (a rare false refusal of real data, documented)."""
    fake = SIG_END + bytes(16) + struct.pack("<H", 7)
    payload = npy(np.frombuffer(fake * 2, dtype="|u1"))
    return build_zip([Member("a.npy", payload), Member("b.npy", NPY_B)])


@case("pass_unicode_path_extra_ignored")
def pass_unicode_path_extra_ignored():
    """A Unicode Path extra field (0x7075) naming '../../evil.sh' with a
    correct name CRC.  Info-ZIP unzip 6.0 lists and extracts the member as
    '../../evil.sh' (Python 3.11's zipfile ignores the field); npyguard must
    ignore it and read 'a.npy'."""
    extra = unicode_path_extra(b"a.npy", b"../../evil.sh")
    return build_zip([Member("a.npy", NPY_A, local={"extra": extra},
                             central={"extra": extra}),
                      Member("b.npy", NPY_B)])


# --- rule 1: end record ---------------------------------------------------

@case("fail_zip_no_end_record__shorter_than_end_record")
def fail_short_file():
    return two_members()[:21]


@case("fail_zip_no_end_record__truncated_half")
def fail_truncated_half():
    data = two_members()
    return data[:len(data) // 2]


@case("fail_zip_no_end_record__end_record_removed")
def fail_end_record_removed():
    return two_members()[:-END_FIXED]


@case("fail_zip_bad_end_record__comment_length_past_end")
def fail_comment_length_past_end():
    return two_members(end={"comment_len": 5})


@case("fail_zip_bad_end_record__trailing_bytes")
def fail_trailing_bytes():
    return two_members(trailer=b"appended")


@case("fail_zip_ambiguous_end_record__end_record_in_comment")
def fail_end_record_in_comment():
    """The comment is itself an empty end record with comment length 0, so
    both signatures satisfy position + 22 + comment length == file size."""
    fake = struct.pack("<4s4H2LH", SIG_END, 0, 0, 0, 0, 0, 0, 0)
    return two_members(comment=fake)


@case("fail_zip_ambiguous_end_record__hidden_archive_in_comment")
def fail_hidden_archive_in_comment():
    """The outer end record's comment is a complete second archive plus one
    byte: npyguard's end record is the outer one, while zipfile's rfind finds
    the hidden archive's record and np.load returns the hidden arrays."""
    hidden = build_zip([Member("a.npy", NPY_B), Member("b.npy", NPY_A)])
    return two_members(comment=hidden + b"X")


@case("fail_zip_ambiguous_end_record__comment_ends_in_signature")
def fail_comment_ends_in_signature():
    """A comment ending in PK\\5\\6: zipfile's rfind lands there and gives up
    (too short for a record); npyguard used not to look at the last 21 bytes."""
    return two_members(comment=b"hello" + SIG_END)


# --- rule 2: disks ------------------------------------------------------

@case("fail_zip_multi_disk__end_disk_number")
def fail_end_disk_number():
    return two_members(end={"disk_number": 1})


@case("fail_zip_multi_disk__end_directory_disk")
def fail_end_directory_disk():
    return two_members(end={"cd_disk": 1})


@case("fail_zip_multi_disk__end_entries_this_disk")
def fail_end_entries_this_disk():
    return two_members(end={"entries_this_disk": 1})


@case("fail_zip_multi_disk__zip64_locator_disk")
def fail_locator_disk():
    return two_members(zip64=True, locator={"zip64_disk": 1})


@case("fail_zip_multi_disk__zip64_locator_total_disks")
def fail_locator_total_disks():
    return two_members(zip64=True, locator={"total_disks": 2})


@case("fail_zip_multi_disk__central_disk_start")
def fail_central_disk_start():
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B, central={"disk_start": 1})])


# --- rule 3: ZIP64 end record ------------------------------------------

@case("fail_zip_bad_zip64__locator_offset_wrong")
def fail_locator_offset_wrong():
    return two_members(zip64=True, sentinels=True,
                       locator={"zip64_offset": lambda L: L.zip64_offset - 4})


@case("fail_zip_bad_zip64__record_bad_signature")
def fail_record_bad_signature():
    return two_members(zip64=True, sentinels=True,
                       zip64_end={"signature": b"PK\x06\x08"})


@case("fail_zip_bad_zip64__record_size_too_small")
def fail_record_size_too_small():
    """record_size 40 (< 44); the record then also ends before the locator."""
    return two_members(zip64=True, sentinels=True,
                       zip64_end={"record_size": 40})


@case("fail_zip_bad_zip64__record_extensible_data")
def fail_record_extensible_data():
    """record_size 44 + 56 with 56 bytes of extensible data that end at the
    locator: zipfile reads the 56 bytes just before the locator (here: the
    extensible data, a forged record) whatever the locator's offset says."""
    return two_members(zip64=True, sentinels=True,
                       zip64_end={"record_size": 44 + 56},
                       zip64_gap=bytes(56))


@case("fail_zip_bad_zip64__record_not_adjacent_to_locator")
def fail_record_not_adjacent():
    """Four unaccounted bytes between the ZIP64 end record and the locator."""
    return two_members(zip64=True, sentinels=True, zip64_gap=b"\0\0\0\0")


@case("fail_zip_bad_zip64__count_disagrees")
def fail_zip64_count_disagrees():
    return two_members(zip64=True, zip64_end={"entries_this_disk": 3,
                                              "entries_total": 3})


@case("fail_zip_bad_zip64__directory_size_disagrees")
def fail_zip64_size_disagrees():
    return two_members(zip64=True,
                       zip64_end={"cd_size": lambda L: L.cd_size + 1})


@case("fail_zip_bad_zip64__directory_offset_disagrees")
def fail_zip64_offset_disagrees():
    return two_members(zip64=True,
                       zip64_end={"cd_offset": lambda L: L.cd_offset - 1})


@case("fail_zip_bad_zip64__sentinel_offset_without_locator")
def fail_sentinel_offset():
    return two_members(end={"cd_offset": U32_SENTINEL})


@case("fail_zip_bad_zip64__sentinel_count_without_locator")
def fail_sentinel_count():
    return two_members(end={"entries_this_disk": U16_SENTINEL,
                            "entries_total": U16_SENTINEL})


# --- rule 4: directory limits ------------------------------------------

@case("fail_too_many_members__count_10001")
def fail_too_many_members():
    """The end record declares 10001 entries.  A real 10001-entry directory
    needs > 500 KB, over this corpus' 64 KiB cap, so only the count lies
    (which rule 4 checks before anything else looks at the directory)."""
    return two_members(end={"entries_this_disk": MAX_MEMBERS + 1,
                            "entries_total": MAX_MEMBERS + 1})


@case("fail_directory_too_large__declared_size")
def fail_directory_too_large():
    """Declared directory size one byte over the limit (the file is small,
    so the directory would also be out of bounds: rule 4 comes first)."""
    return two_members(end={"cd_size": MAX_DIRECTORY_BYTES + 1})


@case("fail_zip_entry_count_mismatch__count_exceeds_directory")
def fail_count_exceeds_directory():
    """100 entries cannot fit in a 102-byte directory (100 * 46 > 102)."""
    return two_members(end={"entries_this_disk": 100, "entries_total": 100})


# --- rule 5: directory position ----------------------------------------

@case("fail_zip_directory_out_of_bounds__offset_too_small")
def fail_cd_offset_too_small():
    return two_members(end={"cd_offset": lambda L: L.cd_offset - 1})


@case("fail_zip_directory_out_of_bounds__size_too_large")
def fail_cd_size_too_large():
    return two_members(end={"cd_size": lambda L: L.cd_size + 1})


@case("fail_zip_directory_out_of_bounds__offset_past_end_of_file")
def fail_cd_offset_past_eof():
    return two_members(end={"cd_offset": 0x7FFFFFFF})


@case("fail_zip_directory_out_of_bounds__zip64_offset_wraps")
def fail_cd_offset_wraps():
    """ZIP64 directory size 1000 and offset 2**64 + zip64_pos - 1000: the
    sum wraps to exactly the ZIP64 record's position in 64-bit arithmetic."""
    size = 1000
    return two_members(zip64=True, sentinels=True, zip64_end={
        "cd_size": size,
        "cd_offset": lambda L: (1 << 64) + L.zip64_offset - size})


# --- rule 6: central entries -------------------------------------------

@case("fail_zip_bad_central_entry__bad_signature")
def fail_central_bad_signature():
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B,
                             central={"signature": b"PK\x01\x03"})])


@case("fail_zip_bad_central_entry__name_overruns_directory")
def fail_central_name_overrun():
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B, central={"name_len": 100})])


@case("fail_zip_bad_central_entry__comment_overruns_directory")
def fail_central_comment_overrun():
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B, central={"comment_len": 9})])


@case("fail_zip_version_too_new__version_needed_63")
def fail_version_63():
    return build_zip([Member("a.npy", NPY_A, version_needed=63)])


@case("fail_zip_version_too_new__bzip2_as_written")
def fail_bzip2_as_written():
    """A bzip2 member as zip tools write it: version needed 46 comes first."""
    return build_zip([Member("a.npy", NPY_A, BZIP2, data=bzip2(NPY_A),
                             version_needed=46)])


@case("fail_zip_encrypted__flag_bit0")
def fail_encrypted_bit0():
    return build_zip([Member("a.npy", NPY_A, flags=FLAG_ENCRYPTED)])


@case("fail_zip_encrypted__flag_bit6_strong")
def fail_encrypted_bit6():
    return build_zip([Member("a.npy", NPY_A,
                             flags=FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)])


@case("fail_zip_encrypted__flag_bit13_masked_headers")
def fail_encrypted_bit13():
    return build_zip([Member("a.npy", NPY_A, flags=FLAG_MASKED_HEADERS)])


@case("fail_zip_unknown_flags__flag_bit5_patched")
def fail_unknown_flag5():
    return build_zip([Member("a.npy", NPY_A, flags=1 << 5)])


@case("fail_zip_unknown_flags__flag_bit15_reserved")
def fail_unknown_flag15():
    return build_zip([Member("a.npy", NPY_A, flags=1 << 15)])


@case("fail_zip_unsupported_method__bzip2")
def fail_method_bzip2():
    """Real bzip2 data, version needed kept at 20 so the method decides."""
    return build_zip([Member("a.npy", NPY_A, BZIP2, data=bzip2(NPY_A))])


@case("fail_zip_unsupported_method__lzma")
def fail_method_lzma():
    """Real LZMA data with its 9-byte header and flag bit 1 (end marker);
    version needed kept at 20 so the method decides."""
    return build_zip([Member("a.npy", NPY_A, LZMA, data=lzma_zip(NPY_A),
                             flags=1 << 1)])


@case("fail_zip_bad_extra_field__zip64_usize_missing")
def fail_zip64_usize_missing():
    return build_zip([Member("a.npy", NPY_A, zip64_central=("usize",),
                             central={"extra": b""})])


@case("fail_zip_bad_extra_field__zip64_csize_missing")
def fail_zip64_csize_missing():
    """usize and csize are both sentinels, the extra carries only usize."""
    return build_zip([Member("a.npy", NPY_A,
                             zip64_central=("usize", "csize"),
                             central={"extra": zip64_extra(len(NPY_A))})])


@case("fail_zip_bad_extra_field__zip64_offset_missing")
def fail_zip64_offset_missing():
    """The local offset is a sentinel; the ZIP64 extra is present but empty."""
    return build_zip([Member("a.npy", NPY_A), Member(
        "b.npy", NPY_B, zip64_central=("offset",),
        central={"extra": zip64_extra()})])


@case("fail_zip_bad_extra_field__header_overruns_area")
def fail_extra_overrun():
    """An extra field (id 0xCAFE) declaring 10 bytes with only 4 present."""
    extra = struct.pack("<HH", 0xCAFE, 10) + b"\0" * 4
    return build_zip([Member("a.npy", NPY_A, central={"extra": extra})])


@case("fail_zip_bad_extra_field__truncated_header")
def fail_extra_truncated_header():
    """A 3-byte extra area: not even room for an id + length header."""
    return build_zip([Member("a.npy", NPY_A,
                             central={"extra": b"\x01\x00\x00"})])


@case("fail_member_name_too_long__1025_bytes")
def fail_name_too_long():
    return build_zip([Member("n" * 1021 + ".npy", NPY_A)])


def unsafe(name, flags=None):
    return build_zip([Member(name, NPY_A, flags=flags),
                      Member("b.npy", NPY_B)])


@case("fail_zip_unsafe_name__empty")
def fail_name_empty():
    return unsafe(b"")


@case("fail_zip_unsafe_name__absolute_path")
def fail_name_absolute():
    return unsafe("/tmp/a.npy")


@case("fail_zip_unsafe_name__parent_traversal")
def fail_name_traversal():
    return unsafe("../evil.npy")


@case("fail_zip_unsafe_name__inner_traversal")
def fail_name_inner_traversal():
    return unsafe("a/../../evil.npy")


@case("fail_zip_unsafe_name__backslash")
def fail_name_backslash():
    return unsafe("..\\evil.npy")


@case("fail_zip_unsafe_name__nul")
def fail_name_nul():
    return unsafe(b"a\x00b.npy")


@case("fail_zip_unsafe_name__control_char")
def fail_name_control():
    return unsafe(b"a\nb.npy")


@case("fail_zip_unsafe_name__del_char")
def fail_name_del():
    return unsafe(b"a\x7fb.npy")


@case("fail_zip_unsafe_name__non_ascii_without_utf8_flag")
def fail_name_non_ascii():
    return unsafe("été.npy".encode("utf-8"), flags=0)


@case("fail_zip_unsafe_name__invalid_utf8")
def fail_name_invalid_utf8():
    return unsafe(b"a\xff.npy", flags=FLAG_UTF8)


@case("fail_zip_unsafe_name__overlong_utf8_slash")
def fail_name_overlong():
    """C0 AF is an overlong '/': a lax decoder turns it into '/evil.npy'."""
    return unsafe(b"\xc0\xafevil.npy", flags=FLAG_UTF8)


@case("fail_zip_stored_size_mismatch__csize_larger")
def fail_stored_size_mismatch():
    """Stored, csize = usize + 4, and 4 real bytes follow so the layout holds."""
    return build_zip([Member("a.npy", NPY_A, data=NPY_A + b"\0\0\0\0"),
                      Member("b.npy", NPY_B)])


@case("fail_zip_entry_count_mismatch__fewer_entries_than_declared")
def fail_fewer_entries():
    """Three entries declared, two present; names are long enough that
    3 * 46 still fits in the directory, so rule 4 passes."""
    return build_zip([Member("first_member_long_name.npy", NPY_A),
                      Member("second_member_long_name.npy", NPY_B)],
                     end={"entries_this_disk": 3, "entries_total": 3})


@case("fail_zip_entry_count_mismatch__bytes_left_in_directory")
def fail_bytes_left():
    return two_members(cd_junk=b"leftover")


# --- rule 7: names ----------------------------------------------------------

@case("fail_zip_key_shadows_member__npy_npy")
def fail_key_shadows_member():
    """Members a.npy and a.npy.npy: NpzFile['a.npy'] is the first (full name
    first), while npyguard's key 'a.npy' names the second."""
    return build_zip([Member("a.npy", NPY_A), Member("a.npy.npy", NPY_B)])


@case("fail_zip_key_shadows_member__savez_keys")
def fail_key_shadows_member_savez():
    """What np.savez(f, **{'arr_0.npy': x, 'arr_0': y}) itself writes."""
    return build_zip([Member("arr_0.npy.npy", NPY_A), Member("arr_0.npy", NPY_B)])


@case("fail_zip_duplicate_name__same_name")
def fail_duplicate_name():
    return build_zip([Member("a.npy", NPY_A), Member("a.npy", NPY_B)])


@case("fail_zip_duplicate_name__npy_suffix_alias")
def fail_duplicate_alias():
    """'a' and 'a.npy' are both the key 'a' for np.load."""
    return build_zip([Member("a", NPY_A), Member("a.npy", NPY_B)])


@case("fail_zip_not_npy_member__text_file")
def fail_not_npy_text():
    return build_zip([Member("a.npy", NPY_A),
                      Member("readme.txt", b"not an array\n")])


@case("fail_zip_not_npy_member__npy_content_other_name")
def fail_not_npy_npy_content():
    """data.bin holds a pickled object .npy: NpzFile parses every member whose
    data starts with the magic, whatever its name, so even with
    skip_non_npy_members it must be validated (tests/test_npz.cpp)."""
    return build_zip([Member("a.npy", NPY_A),
                      Member("data.bin", npy(np.array([None, 1], dtype=object),
                                             allow_pickle=True), DEFLATED)])


@case("fail_zip_not_npy_member__directory_entry")
def fail_not_npy_directory():
    return build_zip([Member("d/", b"", external_attr=DIRECTORY_ATTRIBUTES),
                      Member("d/a.npy", NPY_A)])


# --- rule 8: size limits -------------------------------------------------

@case("fail_total_uncompressed_too_large__65_gib")
def fail_total_65_gib():
    """One deflate member declaring 65 GiB through ZIP64 extras (local and
    central agree).  The ratio is exceeded too; the total is checked first."""
    size = 65 << 30
    return build_zip([Member("a.npy", NPY_A, DEFLATED,
                             declared={"usize": size}, zip64_local="sentinel",
                             zip64_central=("usize",))])


@case("fail_total_uncompressed_too_large__sum_wraps_64bit")
def fail_total_wraps():
    """Two members of 2**63 bytes each: the sum is 0 modulo 2**64."""
    size = 1 << 63
    return build_zip([
        Member(name, payload, DEFLATED, declared={"usize": size},
               zip64_local="sentinel", zip64_central=("usize",))
        for name, payload in (("a.npy", NPY_A), ("b.npy", NPY_B))])


@case("fail_compression_ratio_exceeded__declared_1gib")
def fail_ratio_1gib():
    """Zip bomb with lying sizes declared huge: ~100 compressed bytes said
    to inflate to 1 GiB (headers agree, CRC is the real data's)."""
    return build_zip([Member("a.npy", NPY_A, DEFLATED,
                             declared={"usize": 1 << 30})])


@case("fail_compression_ratio_exceeded__zero_csize")
def fail_ratio_zero_csize():
    """A deflate member with no compressed bytes at all but a real usize."""
    return build_zip([Member("a.npy", NPY_A, DEFLATED, data=b"")])


@case("fail_archive_amplification_exceeded__4_gib_declared_in_1_kib")
def fail_amplification_4_gib():
    """The honest bomb the per-member checks let through: four members of
    1 GiB of zeros, each declaring the compressed size zlib level 9 reaches
    on zeros (1 MiB, 1024:1, under max_compression_ratio), 4 GiB in all. The
    real archive is 4 MB, too large to keep here; this one is its directory
    with the compressed data left out (each member holds only the deflated
    .npy header), which the budget, checked on the declared sizes before any
    local header is read, refuses first: 4 GiB > max(1 GiB, 64 x ~1 KiB).
    Read further, the missing data would be zip_bad_local_header."""
    size = 1 << 30
    header = npy_header_only(size)
    return build_zip([
        Member(f"zeros_{index}.npy", header, DEFLATED,
               declared={"usize": size, "csize": size // 1024})
        for index in range(4)])


# --- rule 9: shared local headers --------------------------------------

@case("fail_zip_overlapping_entries__full_overlap")
def fail_full_overlap():
    """Full-overlap bomb: three central entries (distinct names) pointing
    at one local entry."""
    shared = Member("a.npy", NPY_A)
    aliases = [Member(name, NPY_A, has_local=False,
                      central={"local_offset": lambda L: shared.offset})
               for name in ("b.npy", "c.npy")]
    return build_zip([shared], central_order=[shared] + aliases)


# --- rule 10: local headers --------------------------------------------

@case("fail_zip_bad_local_header__bad_signature")
def fail_local_bad_signature():
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B,
                             local={"signature": b"PK\x03\x05"})])


@case("fail_zip_bad_local_header__offset_past_directory")
def fail_local_offset_past_directory():
    return build_zip([Member("a.npy", NPY_A), Member(
        "b.npy", NPY_B, central={"local_offset": lambda L: L.cd_offset - 10})])


@case("fail_zip_bad_local_header__data_past_directory")
def fail_local_data_past_directory():
    """The last stored member claims 20 more bytes (csize = usize, both
    headers agree) than there are before the central directory."""
    size = len(NPY_B) + 20
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B,
                             declared={"csize": size, "usize": size})])


def local_mismatch(**local):
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B, local=local)])


@case("fail_zip_local_header_mismatch__name")
def fail_local_name():
    return local_mismatch(name=b"x.npy")


@case("fail_zip_local_header_mismatch__method")
def fail_local_method():
    return build_zip([Member("c.npy", NPY_C, DEFLATED,
                             local={"method": STORED})])


@case("fail_zip_local_header_mismatch__flags")
def fail_local_flags():
    return local_mismatch(flags=FLAG_UTF8)


@case("fail_zip_local_header_mismatch__crc")
def fail_local_crc():
    return local_mismatch(crc32=crc32(NPY_B) ^ 1)


@case("fail_zip_local_header_mismatch__csize")
def fail_local_csize():
    return local_mismatch(csize=len(NPY_B) + 1)


@case("fail_zip_local_header_mismatch__usize")
def fail_local_usize():
    return local_mismatch(usize=len(NPY_B) + 1)


@case("fail_zip_local_header_mismatch__zip64_extra_usize")
def fail_local_zip64_usize():
    """Local sizes are sentinels; the local ZIP64 extra's usize is off by 1."""
    return build_zip([Member("a.npy", NPY_A, zip64_local="sentinel", local={
        "extra": zip64_extra(len(NPY_A) + 1, len(NPY_A))})])


@case("fail_zip_bad_extra_field__local_zip64_missing")
def fail_local_zip64_missing():
    """Local sizes are 0xFFFFFFFF but the local header has no ZIP64 extra."""
    return build_zip([Member("a.npy", NPY_A, zip64_local="sentinel",
                             local={"extra": b""})])


@case("fail_zip_bad_data_descriptor__missing")
def fail_descriptor_missing():
    """Flag bit 3, but the next local header follows the data directly."""
    first = Member("a.npy", NPY_A, descriptor="sig32")
    first.descriptor_bytes = lambda: b""
    return build_zip([first, Member("b.npy", NPY_B)])


@case("fail_zip_bad_data_descriptor__crc")
def fail_descriptor_crc():
    return build_zip([Member("a.npy", NPY_A, descriptor="sig32",
                             descriptor_fields={"crc32": crc32(NPY_A) ^ 1})])


@case("fail_zip_bad_data_descriptor__csize")
def fail_descriptor_csize():
    return build_zip([Member("c.npy", NPY_C, DEFLATED, descriptor="nosig32",
                             descriptor_fields={"csize": 1})])


@case("fail_zip_bad_data_descriptor__usize_high_bits")
def fail_descriptor_usize_high():
    """A 64-bit descriptor whose usize has bit 32 set: equal only mod 2**32."""
    return build_zip([Member("a.npy", NPY_A, descriptor="sig64",
                             descriptor_fields={
                                 "usize": len(NPY_A) + (1 << 32)})])


# --- rule 11: coverage -----------------------------------------------------

@case("fail_zip_prepended_data__orphan_local_header")
def fail_prepended_orphan():
    """A complete stored local record that no central entry references (a
    deleted member left in place) before the archive, every offset adjusted.
    The file still starts with PK\x03\x04, so it is dispatched as an .npz."""
    orphan = Member("old.npy", NPY_B).local_record()
    return two_members(prefix=orphan)


@case("fail_bad_magic__shell_stub_before_zip")
def fail_shell_stub():
    """A shell script before a valid archive, every offset adjusted (the
    self-extractor layout; Python's zipfile reads it).  npyguard, like
    np.load, tells .npz from .npy by the first bytes, so this is read as an
    .npy and refused for its magic; the .npz reader itself, given these
    bytes, would report zip_prepended_data."""
    return two_members(prefix=b"#!/bin/sh\necho 'not a zip'\nexit 0\n")


@case("fail_zip_overlapping_entries__quoted_overlap")
def fail_quoted_overlap():
    """Quoted overlap: stored a.npy's data is b.npy's whole local record,
    sizes and CRC honest; b.npy's range lies inside a.npy's."""
    inner = Member("b.npy", NPY_B, has_local=False)
    outer = Member("a.npy", inner.local_record())
    inner.central = {"local_offset":
                     lambda L: outer.offset + LOCAL_FIXED + len(outer.name)}
    return build_zip([outer], central_order=[outer, inner])


@case("fail_zip_unaccounted_bytes__gap_between_members")
def fail_gap_between():
    return build_zip([Member("a.npy", NPY_A, gap_after=b"hidden payload!!"),
                      Member("b.npy", NPY_B)])


@case("fail_zip_unaccounted_bytes__gap_before_directory")
def fail_gap_before_directory():
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B, gap_after=b"hidden payload!!")])


# --- rule 12: member data --------------------------------------------------

def deflate_member(data, payload=NPY_A, **kwargs):
    """a.npy with the given compressed bytes and the payload's CRC/usize."""
    return build_zip([Member("a.npy", payload, DEFLATED, data=data, **kwargs)])


@case("fail_inflate_corrupt__invalid_block_type")
def fail_inflate_block_type():
    """First block header: BFINAL=1, BTYPE=11 (reserved)."""
    return deflate_member(b"\x07" + bytes(15))


@case("fail_inflate_corrupt__distance_too_far")
def fail_inflate_distance():
    """Fixed-Huffman block: literal 'x', then a match of length 3 at
    distance 4 when only one byte has been produced."""
    bits = BitWriter()
    bits.value(1, 1)            # BFINAL
    bits.value(1, 2)            # BTYPE 01: fixed Huffman
    bits.code(0x30 + ord("x"), 8)   # literal 0..143: 8-bit codes from 0x30
    bits.code(257 - 256, 7)     # length symbol 257 = length 3 (7-bit code)
    bits.code(3, 5)             # distance code 3 = distance 4
    bits.code(0, 7)             # end of block (256)
    return deflate_member(bits.getvalue() + bytes(8))


def fixed_huffman_with_distance_symbol(symbol):
    """A fixed-Huffman stream of a zero-filled u1 .npy whose last three bytes
    come from a match with distance symbol `symbol` (30 and 31 are invalid,
    RFC 1951 3.2.6). Returns (payload, stream)."""
    payload = npy(np.zeros(25804, dtype="|u1"))
    header = payload[:len(payload) - 25804]
    bits = BitWriter()
    bits.value(1, 1)            # BFINAL
    bits.value(1, 2)            # BTYPE 01: fixed Huffman
    for byte in header:
        if byte < 144:
            bits.code(0x30 + byte, 8)
        else:
            bits.code(0x190 + byte - 144, 9)
    bits.code(0x30, 8)          # literal 0
    for _ in range(100):        # 100 x 258 zeros: symbol 285, distance 1
        bits.code(0xC5, 8)
        bits.code(0, 5)
    bits.code(257 - 256, 7)     # length 3
    bits.code(symbol, 5)        # the distance symbol under test
    bits.value(0, 13)           # extra bits, as for symbol 29
    bits.code(0, 7)             # end of block
    return payload, bits.getvalue()


@case("fail_inflate_corrupt__fixed_huffman_distance_symbol_30")
def fail_inflate_distance_30():
    """zlib (Python's and NumPy's inflater) refuses distance symbol 30;
    libdeflate 1.14 decodes it like symbol 29 and produced the payload, so a
    second inflater would have given a second verdict."""
    payload, stream = fixed_huffman_with_distance_symbol(30)
    return deflate_member(stream, payload)


@case("fail_inflate_corrupt__stored_block_length")
def fail_inflate_stored_length():
    """A stored block whose NLEN is not the complement of LEN."""
    return deflate_member(b"\x01" + struct.pack("<HH", 5, 0) + b"hello")


@case("fail_inflate_truncated__stream_cut")
def fail_inflate_cut():
    stream = deflate(NPY_C)
    return deflate_member(stream[:len(stream) // 2], NPY_C)


@case("fail_inflate_truncated__stream_ends_early")
def fail_inflate_ends_early():
    """A complete stream of all but the last 16 bytes of the payload."""
    return deflate_member(deflate(NPY_C[:-16]), NPY_C)


@case("fail_inflate_truncated__no_final_block")
def fail_inflate_no_final_block():
    """Every byte of the payload, but the stream is only sync-flushed: its
    final block never comes, so the data ends inside an unfinished stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    stream = compressor.compress(NPY_C) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return deflate_member(stream, NPY_C)


@case("fail_inflate_overrun__bomb_declared_small")
def fail_inflate_bomb():
    """Zip bomb with lying sizes declared small: usize, CRC and the .npy
    header describe a 1000-byte member, the stream inflates to 1 MiB more."""
    head = npy(np.zeros(1000 - 128, dtype="|u1"))
    assert len(head) == 1000
    return deflate_member(deflate(head + bytes(1 << 20)), head)


@case("fail_inflate_overrun__unconsumed_input")
def fail_inflate_unconsumed():
    """A complete stream followed by 8 more bytes inside csize."""
    return deflate_member(deflate(NPY_A) + b"trailing")


@case("fail_crc_mismatch__stored")
def fail_crc_stored():
    return build_zip([Member("a.npy", NPY_A,
                             declared={"crc": crc32(NPY_A) ^ 0x80000000})])


@case("fail_crc_mismatch__deflate")
def fail_crc_deflate():
    return build_zip([Member("c.npy", NPY_C, DEFLATED,
                             declared={"crc": crc32(NPY_C) ^ 1})])


@case("fail_zip_member_size_mismatch__npy_declares_more")
def fail_member_npy_more():
    """The .npy header describes 100 bytes of payload; only 50 are there."""
    return build_zip([Member("a.npy", npy(np.zeros(100, "|u1"))[:-50])])


@case("fail_zip_member_size_mismatch__npy_declares_less")
def fail_member_npy_less():
    """Eight bytes after the .npy payload, inside the member."""
    return build_zip([Member("a.npy", NPY_A + b"trailing")])


@case("fail_zip_member_size_mismatch__deflate_trailing_beyond_limits")
def fail_member_deflate_trailing_large():
    """20,000 bytes after a 16-byte payload in a deflate member: refused by
    default; with allow_trailing_data and a small max_array_bytes the member is
    larger than the whole-member path takes, and read() used to answer
    `internal` instead of the array (tests/test_npz.cpp)."""
    return build_zip([Member("a.npy", npy(np.zeros(16, "|u1")) + bytes(20000),
                             DEFLATED)])


@case("fail_object_dtype__pickled_member")
def fail_object_member():
    objects = np.empty(3, dtype=object)
    objects[:] = [1, "two", None]
    return build_zip([Member("a.npy", npy(objects, allow_pickle=True),
                             DEFLATED)])


@case("fail_bad_magic__member")
def fail_bad_magic_member():
    return build_zip([Member("a.npy", NPY_A[:5] + b"X" + NPY_A[6:])])


@case("fail_unsupported_version__member")
def fail_unsupported_version_member():
    return build_zip([Member("a.npy", NPY_A[:6] + b"\x01\x01" + NPY_A[8:])])


# --- rules added with the coverage work: methods by name, disks, ZIP64 ----

# Every method the reader names in its message (APPNOTE 4.4.5), plus one it
# does not know.  The member data is the stored .npy: only the method field
# decides the verdict.
for _method, _label in ((1, "shrink"), (6, "implode"), (7, "unknown_7"),
                        (9, "deflate64"), (93, "zstd"), (95, "xz"),
                        (98, "ppmd"), (99, "aes")):
    case(f"fail_zip_unsupported_method__{_label}")(
        lambda method=_method: build_zip([Member("a.npy", NPY_A, method,
                                                 data=NPY_A)]))


@case("fail_zip_bad_extra_field__two_zip64_extras")
def fail_two_zip64_extras():
    extra = zip64_extra(len(NPY_A)) * 2
    return build_zip([Member("a.npy", NPY_A, zip64_central=("usize",),
                             central={"extra": extra})])


@case("pass_zip64_disk_sentinel")
def pass_zip64_disk_sentinel():
    """Disk field 0xFFFF with the real disk (0) in the ZIP64 extra, after
    the offset (APPNOTE 4.5.3 order)."""
    member = Member("a.npy", NPY_A, zip64_central=("offset",))
    member.central = {
        "disk_start": U16_SENTINEL,
        "extra": lambda L: struct.pack("<HHQL", ZIP64_EXTRA_ID, 12,
                                       member.offset, 0)}
    return build_zip([member, Member("b.npy", NPY_B)])


@case("fail_zip_multi_disk__zip64_extra_disk")
def fail_zip64_extra_disk():
    member = Member("a.npy", NPY_A)
    member.central = {"disk_start": U16_SENTINEL,
                      "extra": struct.pack("<HHL", ZIP64_EXTRA_ID, 4, 1)}
    return build_zip([member])


@case("fail_zip_bad_extra_field__zip64_extra_lacks_disk")
def fail_zip64_extra_lacks_disk():
    member = Member("a.npy", NPY_A, zip64_central=("usize",))
    member.central = {"disk_start": U16_SENTINEL}
    return build_zip([member])


@case("fail_zip_multi_disk__zip64_record_disk")
def fail_zip64_record_disk():
    return two_members(zip64=True, zip64_end={"disk_number": 1})


@case("fail_zip_multi_disk__zip64_record_entries_this_disk")
def fail_zip64_record_entries_this_disk():
    return two_members(zip64=True, sentinels=True,
                       zip64_end={"entries_this_disk": 1})


@case("fail_zip_bad_zip64__record_offset_inside_locator_room")
def fail_zip64_record_no_room():
    """The locator points 40 bytes before itself: no room for a record."""
    return two_members(zip64=True,
                       locator={"zip64_offset": lambda L: L.zip64_offset + 16})


@case("fail_zip_bad_central_entry__truncated_fixed_part")
def fail_central_truncated():
    """A third entry of which only 24 bytes fit in the directory; long names
    keep the count within what the directory size can hold."""
    return build_zip([Member("a" * 40 + ".npy", NPY_A),
                      Member("b" * 40 + ".npy", NPY_B)],
                     cd_junk=SIG_CENTRAL + bytes(20),
                     end={"entries_this_disk": 3, "entries_total": 3})


@case("fail_zip_version_too_new__local")
def fail_local_version():
    return build_zip([Member("a.npy", NPY_A, local={"version_needed": 63})])


@case("fail_zip_bad_local_header__extra_runs_into_directory")
def fail_local_extra_overrun():
    return build_zip([Member("a.npy", NPY_A),
                      Member("b.npy", NPY_B, local={"extra_len": 0xFFFF})])


@case("fail_zip_bad_extra_field__local_zip64_lacks_sizes")
def fail_local_zip64_short():
    return build_zip([Member("a.npy", NPY_A, zip64_local="sentinel", local={
        "extra": zip64_extra(len(NPY_A))})])


@case("fail_zip_local_header_mismatch__32bit_and_zip64_sizes")
def fail_local_zip64_disagrees():
    """Real 32-bit sizes plus a ZIP64 extra whose usize differs."""
    return build_zip([Member("a.npy", NPY_A, zip64_local="extra", local={
        "extra": zip64_extra(len(NPY_A) + 1, len(NPY_A))})])


# ==========================================================================
# Checks against other readers, output
# ==========================================================================

def check_pass_with_python(name, data):
    """A pass_ file must also be a good archive for zipfile and np.load."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        bad = archive.testzip()
        assert bad is None, f"{name}: zipfile test failed on {bad}"
    with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
        for key in loaded.files:
            assert loaded[key] is not None


def check_unicode_path_with_unzip(path):
    """Show the 0x7075 field matters: unzip (when installed) takes it."""
    if shutil.which("unzip") is None:
        return
    listing = subprocess.run(["unzip", "-Z1", str(path)], check=True,
                             capture_output=True).stdout.decode()
    assert "../../evil.sh" in listing.splitlines(), listing


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for stale in OUT_DIR.glob("*.npz"):
        stale.unlink()
    stems = [stem for stem, _ in CASES]
    assert len(stems) == len(set(stems)), "duplicate case name"
    known = set(error_names())
    for stem, function in CASES:
        data = function()
        assert len(data) < MAX_FILE_BYTES, f"{stem}: {len(data)} bytes"
        verdict = classify(data)
        if stem.startswith("pass_"):
            assert verdict is None, f"{stem}: model rejects it ({verdict})"
            check_pass_with_python(stem, data)
        else:
            expected = stem[len("fail_"):].split("__")[0]
            assert expected in known, f"{stem}: unknown error {expected}"
            assert verdict == expected, f"{stem}: model says {verdict}"
        (OUT_DIR / f"{stem}.npz").write_bytes(data)
    check_unicode_path_with_unzip(OUT_DIR / "pass_unicode_path_extra_ignored.npz")
    passes = sum(stem.startswith("pass_") for stem in stems)
    print(f"wrote {len(stems)} files ({passes} pass, {len(stems) - passes} "
          f"fail) to {OUT_DIR}")
    return 0


def error_names():
    """snake_case error names from the trailing comments of error.h."""
    header = ROOT / "include" / "npyguard" / "error.h"
    names = []
    for line in header.read_text(encoding="utf-8").splitlines():
        if "= " in line and "//" in line and line.strip()[0].isupper():
            names.append(line.split("//")[1].strip())
    return names


if __name__ == "__main__":
    sys.exit(main())
