#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the benchmark inputs (about 2.5 GiB) with NumPy into DIR (default build/bench-data).

    /usr/bin/python3 bench/make_bench_files.py [DIR]

Files already present with the right size are kept, so reruns are cheap.  Values are seeded,
so every run measures the same bytes:
    f8_le_256m.npy      256 MiB float64 little-endian, C order
    f8_be_256m.npy      the same values big-endian
    f4_fortran_64m.npy  64 MiB float32, 4096 x 4096, Fortran order
    f8_le_1g.npy        1 GiB float64 (for the mmap open)
    stored_8x32m.npz    np.savez of 8 members of 32 MiB float64
    deflate_256m.npz    np.savez_compressed of 8 members of 32 MiB float64 that compress
                        moderately (about 3.5:1: a slow random walk rounded to 1/4096)
    small/              10,000 small .npy files (8 to 4,096 float32 values each)
    f8_4g.npy           4 GiB float64, for whole-process `npyguard check` (nothing to scan)
    b1_4g.npy           4 GiB bool, all False, a sparse file (check reads every byte)
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MIB = 1 << 20


def save(path, make, size_hint=None):
    """np.save/savez unless the file exists with the expected size."""
    if path.exists() and (size_hint is None or path.stat().st_size >= size_hint):
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as out:
        make(out)
    tmp.rename(path)


def compressible(rng, count):
    walk = np.cumsum(rng.standard_normal(count) * 0.02)
    return np.round(walk * 4096) / 4096


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "bench-data"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261125)
    f8 = rng.random(256 * MIB // 8)
    save(out / "f8_le_256m.npy", lambda f: np.save(f, f8), 256 * MIB)
    save(out / "f8_be_256m.npy", lambda f: np.save(f, f8.astype(">f8")), 256 * MIB)
    f4 = np.asfortranarray(rng.random((4096, 4096), dtype=np.float32))
    save(out / "f4_fortran_64m.npy", lambda f: np.save(f, f4), 64 * MIB)
    del f4
    save(out / "f8_le_1g.npy",
         lambda f: np.save(f, np.concatenate([f8, f8, f8, f8])), 1024 * MIB)
    members = {f"m{i}": f8[i * 4 * MIB:(i + 1) * 4 * MIB] for i in range(8)}
    save(out / "stored_8x32m.npz", lambda f: np.savez(f, **members), 256 * MIB)
    walks = {f"m{i}": compressible(rng, 4 * MIB) for i in range(8)}
    save(out / "deflate_256m.npz", lambda f: np.savez_compressed(f, **walks))
    small = out / "small"
    small.mkdir(exist_ok=True)
    if len(list(small.iterdir())) != 10000:
        sizes = rng.integers(8, 4097, size=10000)
        for i, n in enumerate(sizes):
            np.save(small / f"s{i:05d}.npy", rng.random(int(n), dtype=np.float32))
    big = out / "f8_4g.npy"
    if not big.exists() or big.stat().st_size < 4096 * MIB:
        # Written in pieces so generating it never needs 4 GiB of memory.
        header_array = np.lib.format.open_memmap(big.with_suffix(".tmp"), mode="w+",
                                                 dtype="<f8", shape=(512 * MIB,))
        for start in range(0, 512 * MIB, 32 * MIB):
            header_array[start:start + 32 * MIB] = f8[:32 * MIB]
        header_array.flush()
        del header_array
        big.with_suffix(".tmp").rename(big)
    bools = out / "b1_4g.npy"
    if not bools.exists():
        # open_memmap sizes the file without writing the data: a hole that reads as zeros.
        sparse = np.lib.format.open_memmap(bools.with_suffix(".tmp"), mode="w+", dtype="|b1",
                                           shape=(4096 * MIB,))
        del sparse
        bools.with_suffix(".tmp").rename(bools)
    print(f"benchmark inputs ready in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
