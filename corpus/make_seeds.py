#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build the small seed corpora for the fuzz targets from the committed NumPy fixtures.

    python3 corpus/make_seeds.py

Reads tests/fixtures/npy/ (written by NumPy through tests/fixtures/make_npy_fixtures.py) and
samples/, and writes:
  corpus/fuzz_npy/         whole .npy files (the small ones; large payloads teach the fuzzer nothing)
  corpus/fuzz_npy_header/  header text of each file plus one trailing byte choosing the encoding
                           (0: latin-1 as in 1.0/2.0, 1: UTF-8 as in 3.0), as fuzz_npy_header reads it
  corpus/fuzz_dtype/       each distinct descr literal
  corpus/fuzz_roundtrip/   the small .npy seeds and the small archives together
  corpus/fuzz_npz_structured/
                           small .npy files wrapped in fuzz_npz_structured's input format:
                           [options][shape bits][length/16][member bytes], cycling through the
                           directory shapes (stored/deflate, descriptors, ZIP64)
  corpus/fuzz_zip/, corpus/fuzz_npz/
                           the NumPy-written archives in tests/fixtures/npz/ and the crafted ones in
                           corpus/expect/ (both targets read whole archives)
Only the standard library is needed. Output is deterministic; stale seeds are removed (the
grown-* inputs promoted from fuzzing campaigns are kept).
"""

import hashlib
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "npy"
NPZ_FIXTURES = ROOT / "tests" / "fixtures" / "npz"
EXPECT = ROOT / "corpus" / "expect"
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "corpus"
# Seeds above this size are skipped: small seeds mutate faster.
MAX_SEED_BYTES = 4096
# Archives are bigger by nature; the fuzzers cap inputs at 64 KiB.
MAX_ARCHIVE_SEED_BYTES = 65536


def reset(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        # grown-* inputs come from fuzzing campaigns (scripts/fuzz_campaign.sh --promote), not
        # from fixtures: each reaches code no seed reaches, so they are kept.
        if old.is_file() and not old.name.startswith("grown-"):
            old.unlink()
    return directory


def write_seed(directory: Path, data: bytes, stem: str) -> None:
    digest = hashlib.sha1(data).hexdigest()[:12]
    (directory / f"{stem}-{digest}").write_bytes(data)


def split_npy(data: bytes):
    """Return (major, header_text) of a well-formed .npy, or None."""
    if len(data) < 10 or data[:6] != b"\x93NUMPY":
        return None
    major = data[6]
    if major == 1:
        (length,) = struct.unpack_from("<H", data, 8)
        start = 10
    else:
        (length,) = struct.unpack_from("<I", data, 8)
        start = 12
    return major, data[start:start + length]


def main() -> None:
    npy_dir = reset(CORPUS / "fuzz_npy")
    structured_dir = reset(CORPUS / "fuzz_npz_structured")
    shape_cycle = 0
    roundtrip_dir = reset(CORPUS / "fuzz_roundtrip")
    header_dir = reset(CORPUS / "fuzz_npy_header")
    dtype_dir = reset(CORPUS / "fuzz_dtype")
    descrs = set()
    sources = sorted(FIXTURES.glob("*.npy")) + sorted(SAMPLES.glob("*.npy"))
    for path in sources:
        data = path.read_bytes()
        if len(data) <= MAX_SEED_BYTES:
            write_seed(npy_dir, data, path.stem)
            write_seed(roundtrip_dir, data, path.stem)
            if len(data) <= 255 * 16 and shape_cycle < 60:
                shape_bits = shape_cycle % 32
                options = shape_cycle % 2
                blocks = (len(data) + 15) // 16
                write_seed(structured_dir, bytes([options, shape_bits, blocks]) + data, path.stem)
                shape_cycle += 1
        parts = split_npy(data)
        if parts is None:
            continue
        major, header = parts
        if len(header) <= MAX_SEED_BYTES:
            write_seed(header_dir, header + (b"\x01" if major == 3 else b"\x00"), path.stem)
    for line in (FIXTURES / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        descr = line.split("\t")[2]
        if len(descr.encode("utf-8")) <= MAX_SEED_BYTES:
            descrs.add(descr)
    for descr in sorted(descrs):
        write_seed(dtype_dir, descr.encode("utf-8"), "descr")
    zip_dir = reset(CORPUS / "fuzz_zip")
    npz_dir = reset(CORPUS / "fuzz_npz")
    archives = sorted(NPZ_FIXTURES.glob("*.npz")) + sorted(EXPECT.glob("*.npz"))
    for path in archives:
        data = path.read_bytes()
        if len(data) <= MAX_ARCHIVE_SEED_BYTES:
            write_seed(zip_dir, data, path.stem[:40])
            write_seed(npz_dir, data, path.stem[:40])
            if path.name.startswith(("pass_", "savez")) and len(data) <= MAX_SEED_BYTES * 4:
                write_seed(roundtrip_dir, data, path.stem[:40])


if __name__ == "__main__":
    main()
