#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bounded-memory check for `npyguard check`: validating 4 GiB inputs, or archives of many members
with wide headers, must stay under 64 MiB of peak RSS (inspect under 128 MiB), because check never loads payloads (it proves sizes from fstat and streams the bytes
that need a scan through a 1 MiB buffer; .npz members are inflated in 64 KiB steps).

    bounded_memory.py NPYGUARD_BINARY

Builds sparse files in a temporary directory (they take almost no disk space): a 4 GiB '<f8'
.npy (sizes only), a 4 GiB '|b1' .npy (every byte scanned), a 4 GiB stored .npz and a 256 MiB
deflate .npz (every byte inflated and CRC-checked), runs the binary on each and reads the child's
peak RSS as GNU time reports it. Skipped (exit 77, ctest's SKIP_RETURN_CODE) for sanitizer builds, whose
shadow memory makes RSS meaningless. Standard library only.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

GIB = 1 << 30
RSS_LIMIT_BYTES = 64 << 20
# inspect holds every member's parsed dtype: SECURITY.md bounds it at about 12 bytes per header
# byte, under 128 MiB with the default max_total_header_bytes of 8 MiB.
INSPECT_RSS_LIMIT_BYTES = 128 << 20
CHUNK = 64 << 20  # zero bytes per write/CRC step while building files


def npy_header(descr: str, count: int) -> bytes:
    """A NumPy 1.0 header for a 1-d array, padded to 64 bytes as NumPy does."""
    text = "{'descr': '%s', 'fortran_order': False, 'shape': (%d,), }" % (descr, count)
    pad = (64 - (10 + len(text) + 1) % 64) % 64
    text = text + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("ascii")


def sparse_npy(path: str, descr: str, itemsize: int, nbytes: int) -> None:
    header = npy_header(descr, nbytes // itemsize)
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + nbytes)  # a hole: reads as zeros, occupies no blocks


def crc_of_zeros(crc: int, count: int) -> int:
    zeros = bytes(CHUNK)
    while count > 0:
        n = min(count, CHUNK)
        crc = zlib.crc32(zeros[:n], crc)
        count -= n
    return crc


def zip_with_one_member(path: str, name: bytes, method: int, header: bytes, payload_zeros: int,
                        deflate: bool) -> None:
    """An .npz with one member: `header` followed by `payload_zeros` zero bytes, stored (sparse)
    or deflated, with ZIP64 sizes in the local and central headers and a ZIP64 end record."""
    usize = len(header) + payload_zeros
    crc = crc_of_zeros(zlib.crc32(header), payload_zeros)
    zip64_extra_local = struct.pack("<HHQQ", 1, 16, usize, 0)  # csize patched below
    with open(path, "w+b") as f:
        local_len = 30 + len(name) + len(zip64_extra_local)
        f.seek(local_len)
        if deflate:
            comp = zlib.compressobj(1, zlib.DEFLATED, -15)
            f.write(comp.compress(header))
            zeros = bytes(CHUNK)
            left = payload_zeros
            while left > 0:
                n = min(left, CHUNK)
                f.write(comp.compress(zeros[:n]))
                left -= n
            f.write(comp.flush())
            csize = f.tell() - local_len
        else:
            f.write(header)
            csize = usize
            f.truncate(local_len + usize)
        data_end = local_len + csize
        f.seek(0)
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, method, 0, 0x21, crc,
                            0xFFFFFFFF, 0xFFFFFFFF, len(name), len(zip64_extra_local)))
        f.write(name)
        f.write(struct.pack("<HHQQ", 1, 16, usize, csize))
        f.seek(data_end)
        central_extra = struct.pack("<HHQQ", 1, 16, usize, csize)
        central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, method, 0, 0x21, crc,
                              0xFFFFFFFF, 0xFFFFFFFF, len(name), len(central_extra), 0, 0, 0, 0,
                              0) + name + central_extra
        f.write(central)
        zip64_end = f.tell()
        f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1, len(central),
                            data_end))
        f.write(struct.pack("<IIQI", 0x07064B50, 0, zip64_end, 1))
        offset32 = data_end if data_end < 0xFFFFFFFF else 0xFFFFFFFF  # sentinel: see ZIP64 record
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), offset32, 0))


def wide_record_header(fields: int) -> bytes:
    """A legal 1.0 header for shape (1,) of a record of `fields` one-byte fields with one- and
    two-letter names (620 fields make a header just under NumPy's 10,000 bytes)."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    names = list(letters) + [a + b for a in letters for b in letters]
    descr = "[" + ", ".join("('%s', '|u1')" % name for name in names[:fields]) + "]"
    text = "{'descr': %s, 'fortran_order': False, 'shape': (1,), }" % descr
    pad = (64 - (10 + len(text) + 1) % 64) % 64
    text = text + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("ascii")


def wide_archive(path: str, members: int) -> None:
    """Deflate members that each hold a wide record: every member's dtype is a 620-field tree,
    so an archive reader that keeps all of them grows with members x fields."""
    header = wide_record_header(620)
    data = header + bytes(620)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(members):
            archive.writestr("m%05d.npy" % i, data)


def peak_rss_of(cmd):
    """Runs cmd under GNU time, which reports the exec'd child's own peak RSS (measuring from here
    would count the fork of this Python process before exec)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    lines = result.stderr.strip().splitlines()
    rss_kib = int(lines[-1]) if lines and lines[-1].isdigit() else 1 << 40
    result.stderr = "\n".join(lines[:-1])
    return result, rss_kib * 1024


def main() -> int:
    binary = sys.argv[1]
    with open(binary, "rb") as f:
        if b"__asan_init" in f.read():
            print("sanitizer build: RSS is not meaningful, skipping")
            return 77
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        path = os.path.join(tmp, "f8_4gib.npy")
        sparse_npy(path, "<f8", 8, 4 * GIB)
        cases.append(path)
        path = os.path.join(tmp, "b1_4gib.npy")
        sparse_npy(path, "|b1", 1, 4 * GIB)
        cases.append(path)
        path = os.path.join(tmp, "stored_4gib.npz")
        zip_with_one_member(path, b"big.npy", 0, npy_header("<f8", (4 * GIB) // 8), 4 * GIB,
                            deflate=False)
        cases.append(path)
        path = os.path.join(tmp, "deflate_256mib.npz")
        zip_with_one_member(path, b"big.npy", 8, npy_header("|b1", GIB // 4), GIB // 4,
                            deflate=True)
        cases.append(path)
        for path in cases:
            result, rss = peak_rss_of([binary, "check", "--max-bytes", "8G", path])
            verdict = "ok" if result.returncode == 0 and rss < RSS_LIMIT_BYTES else "FAIL"
            print(f"{verdict}: {os.path.basename(path)}: exit {result.returncode}, "
                  f"peak RSS {rss / (1 << 20):.1f} MiB: {result.stdout.strip()}"
                  f"{result.stderr.strip()}")
            if verdict != "ok":
                failures += 1

        # Many members with wide headers: 10,000 of them (an 18 MB archive) add up to far more
        # than max_total_header_bytes and are refused; 800 fit and are accepted. Neither may
        # make check keep every dtype, and inspect stays under its documented bound.
        refused = os.path.join(tmp, "wide_10000.npz")
        wide_archive(refused, 10000)
        accepted = os.path.join(tmp, "wide_800.npz")
        wide_archive(accepted, 800)
        runs = [
            (["check"], refused, 1, RSS_LIMIT_BYTES, "total_header_too_large"),
            (["check", "--json"], refused, 1, RSS_LIMIT_BYTES, "total_header_too_large"),
            (["inspect", "--json"], refused, 1, INSPECT_RSS_LIMIT_BYTES, "total_header_too_large"),
            (["check"], accepted, 0, RSS_LIMIT_BYTES, ": ok"),
            (["check", "--json"], accepted, 0, RSS_LIMIT_BYTES, '"ok": true'),
            (["inspect", "--json"], accepted, 0, INSPECT_RSS_LIMIT_BYTES, '"ok": true'),
            (["inspect"], accepted, 0, INSPECT_RSS_LIMIT_BYTES, "member 799"),
        ]
        for args, path, want_exit, limit, want_text in runs:
            result, rss = peak_rss_of([binary] + args + [path])
            good = result.returncode == want_exit and rss < limit and want_text in result.stdout
            if good and "--json" in args and want_exit == 0:
                good = len(json.loads(result.stdout)["members"]) == 800
            verdict = "ok" if good else "FAIL"
            print(f"{verdict}: {' '.join(args)} {os.path.basename(path)}: exit "
                  f"{result.returncode}, peak RSS {rss / (1 << 20):.1f} MiB "
                  f"(limit {limit >> 20} MiB), {len(result.stdout)} bytes of output")
            if not good:
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
