#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Python package against np.load, in the same run, on the same files (page cache warm).

    /usr/bin/python3 bench/python_bench.py [--repetitions N] [--update BENCHMARKS.md]

Builds the module with the `bench` preset (g++ -O2, no work meter) into build/bench/python
(--no-build: as it is; --installed: the npyguard pip installed instead), writes the inputs
with NumPy into build/bench-data/python/ (kept between runs):
    f8_le_256m.npy      256 MiB of float64, little-endian, C order
    deflate_8x32m.npz   np.savez_compressed of 8 members of 32 MiB float64 that compress about
                        3.5:1 (a slow random walk rounded to 1/4096, as bench/make_bench_files.py)
    small/              10,000 small .npy files (8 to 4,096 float32 values each)
then times each case as a median of N runs, NumPy and npyguard alternating, and prints the
table (with --update, it replaces the block between the python-results markers). The issue's
floors: 256 MiB load >= 1.0x np.load, .npz deflate >= 1.5x, 10,000 tiny files load >= 5x and
check() >= 20x. Two "(limit)" rows time what bounds a loader on this machine in npyguard's
place: one preadv() into a new array (any load that returns new memory), and zlib's raw
inflate of every member on one thread (any reader that inflates with zlib, as both do).
"""

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
import zipfile
import zlib
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MIB = 1 << 20
DATA = ROOT / "build" / "bench-data" / "python"


def build():
    for command in (["cmake", "--preset", "bench"],
                    ["cmake", "--build", "--preset", "bench", "--target", "_npyguard",
                     "npyguard_python_package"]):
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def prepare():
    sys.path.insert(0, str(ROOT / "bench"))
    from make_bench_files import compressible, save  # the same writers bench/run.py uses

    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261125)
    f8 = rng.random(256 * MIB // 8)
    save(DATA / "f8_le_256m.npy", lambda f: np.save(f, f8), 256 * MIB)
    del f8
    deflated = DATA / "deflate_8x32m.npz"
    if not deflated.exists():
        walks = {f"m{i}": compressible(rng, 4 * MIB) for i in range(8)}
        save(deflated, lambda f: np.savez_compressed(f, **walks))
        del walks
    small = DATA / "small"
    small.mkdir(exist_ok=True)
    if len(list(small.iterdir())) != 10000:
        sizes = rng.integers(8, 4097, size=10000)
        for i, n in enumerate(sizes):
            np.save(small / f"s{i:05d}.npy", rng.random(int(n), dtype=np.float32))
    return sorted(str(p) for p in small.iterdir())


def raw_members(path):
    """(compressed bytes, uncompressed size) of every member of an archive."""
    data = Path(path).read_bytes()
    out = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            start = info.header_offset
            name = int.from_bytes(data[start + 26:start + 28], "little")
            extra = int.from_bytes(data[start + 28:start + 30], "little")
            begin = start + 30 + name + extra
            out.append((data[begin:begin + info.compress_size], info.file_size))
    return out


def median_seconds(function, repetitions):
    times = []
    for _ in range(repetitions):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(cases, repetitions):
    """Each case: (label, bytes, reference, ours). Runs alternate reference/ours per round;
    each side keeps every run's time."""
    rows = []
    for label, size, reference, ours in cases:
        reference()  # warm the page cache and every code path once
        ours()
        theirs_times, our_times = [], []
        for _ in range(repetitions):
            theirs_times.append(median_seconds(reference, 1))
            our_times.append(median_seconds(ours, 1))
        rows.append((label, size, theirs_times, our_times))
        print(f"  {label}: np.load {statistics.median(theirs_times) * 1e3:.1f} ms, "
              f"npyguard {statistics.median(our_times) * 1e3:.1f} ms", file=sys.stderr,
              flush=True)
    return rows


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"NumPy {np.__version__}, Python {platform.python_version()}")


def table(rows, floors):
    # A "(limit)" row times the limit in place of npyguard, against the same np.load. On a
    # shared machine other work only ever adds time, so the best runs are shown beside the
    # medians: the ratio of the minimums is the one least disturbed by it.
    lines = ["| case | np.load: median (best) | npyguard: median (best) | speed-up: medians "
             "(best runs) | floor |", "|---|---:|---:|---:|---:|"]
    for (label, size, theirs, ours), floor in zip(rows, floors):
        def shown(times):
            median, best = statistics.median(times), min(times)
            if size:
                rate = f"{size / median / 1e6:,.0f} MB/s"
                return f"{median * 1e3:,.1f} ms ({best * 1e3:,.1f}; {rate})"
            per_file = f"{median / 10000 * 1e6:,.1f} µs/file"
            return f"{median * 1e3:,.0f} ms ({best * 1e3:,.0f}; {per_file})"
        ratio = statistics.median(theirs) / statistics.median(ours)
        best_ratio = min(theirs) / min(ours)
        lines.append(f"| {label} | {shown(theirs)} | {shown(ours)} | {ratio:.2f}x "
                     f"({best_ratio:.2f}x) | {floor} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--update", type=Path)
    parser.add_argument("--no-build", action="store_true",
                        help="use build/bench/python as it is, without building it first")
    parser.add_argument("--installed", action="store_true",
                        help="benchmark the npyguard installed for this interpreter instead")
    args = parser.parse_args()
    if not args.installed:
        if not args.no_build:
            build()
        sys.path.insert(0, str(ROOT / "build" / "bench" / "python"))
    import npyguard

    small = prepare()
    big = str(DATA / "f8_le_256m.npy")
    deflated = str(DATA / "deflate_8x32m.npz")

    def np_npz():
        with np.load(deflated) as npz:
            return [npz[k] for k in npz.files]

    def ng_npz():
        with npyguard.load(deflated) as npz:
            return [npz[k] for k in npz.files]

    def ng_npz_all():
        with npyguard.load(deflated) as npz:
            return npz.read_all()

    members = raw_members(deflated)

    def zlib_only():
        # The single-thread limit of any reader that inflates with zlib, as NumPy and
        # npyguard both do: raw inflate of each member, nothing else.
        # The output buffer is sized up front, as npyguard sizes its own.
        return [zlib.decompress(data, -15, size) for data, size in members]

    def fresh_pread():
        # The limit of any loader that returns new memory: one preadv() into a new array.
        array = np.empty(256 * MIB // 8)
        fd = os.open(big, os.O_RDONLY)
        try:
            os.preadv(fd, [memoryview(array).cast("B")], 128)
        finally:
            os.close(fd)
        return array

    def np_small():
        for path in small:
            np.load(path)

    def ng_small():
        for path in small:
            npyguard.load(path)

    def ng_check_small():
        for path in small:
            npyguard.check(path)

    cases = [
        ("f8_le_256m.npy: load", 256 * MIB, lambda: np.load(big), lambda: npyguard.load(big),
         "1.0x"),
        ("(limit) one preadv() into a new array", 256 * MIB, lambda: np.load(big), fresh_pread,
         ""),
        ("f8_le_256m.npy: mmap_mode='r'", 256 * MIB, lambda: np.load(big, mmap_mode="r"),
         lambda: npyguard.load(big, mmap_mode="r"), ""),
        ("deflate_8x32m.npz: npz[key] for every key", 256 * MIB, np_npz, ng_npz, "1.5x"),
        ("deflate_8x32m.npz: npz.read_all() (all cores)", 256 * MIB, np_npz, ng_npz_all,
         "1.5x"),
        ("(limit) zlib inflate alone, one thread", 256 * MIB, np_npz, zlib_only, ""),
        ("10,000 small .npy files: load", 0, np_small, ng_small, "5x"),
        ("10,000 small .npy files: check() vs np.load", 0, np_small, ng_check_small, "20x"),
    ]
    floors = [case[4] for case in cases]
    cases = [case[:4] for case in cases]
    print(f"npyguard {npyguard.__version__} from {npyguard.__file__}", file=sys.stderr)
    rows = compare(cases, args.repetitions)
    text = (f"Measured {date.today().isoformat()} on {machine()}; npyguard's module from the "
            f"`bench` preset (g++ -O2); medians of {args.repetitions} runs, NumPy and npyguard "
            f"alternating.\n\n" + table(rows, floors))
    print(text)
    if args.update:
        document = args.update.read_text()
        begin, end = "<!-- python-results:begin -->\n", "<!-- python-results:end -->"
        start = document.index(begin) + len(begin)
        stop = document.index(end)
        args.update.write_text(document[:start] + text + document[stop:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
