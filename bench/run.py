#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run every benchmark side by side and print the results as Markdown tables of medians and ratios.

    /usr/bin/python3 bench/run.py [--repetitions N] [--update BENCHMARKS.md]

1. builds the `bench` preset (g++ -O2) and writes the inputs (bench/make_bench_files.py);
2. reads every input once so the page cache is warm;
3. runs build/bench/bench/bench_npyguard (Google Benchmark, N repetitions, medians): npyguard
   next to pread() into an already faulted buffer, pread() into a fresh huge-page buffer, and raw
   zlib inflate + CRC-32;
4. times NumPy in this same process tree on the same files (medians of N);
5. runs the npyguard command as a whole process under /usr/bin/time -v: `check -r` over 10,000
   small files with -j 1 and -j 0, and `check` of a 4 GiB file (wall time and peak RSS).
With --update, the tables replace the block between the results markers in the given file.
"""

import argparse
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from numpy.lib import format as npformat

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "build" / "bench-data"
BUILD = ROOT / "build" / "bench"
MIB = 1 << 20


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def build_and_prepare():
    sh("cmake", "--preset", "bench", stdout=subprocess.DEVNULL)
    sh("cmake", "--build", "--preset", "bench", stdout=subprocess.DEVNULL)
    sh(sys.executable, "bench/make_bench_files.py", str(DATA), stdout=subprocess.DEVNULL)
    for path in sorted(DATA.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                while f.read(64 * MIB):
                    pass


def run_google_benchmark(repetitions):
    out = subprocess.run(
        [str(BUILD / "bench" / "bench_npyguard"), f"--benchmark_repetitions={repetitions}",
         "--benchmark_report_aggregates_only=true", "--benchmark_format=json",
         "--benchmark_min_time=0.3", "--benchmark_min_warmup_time=0.3"],
        check=True, cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "NPYGUARD_BENCH_DATA": str(DATA)})
    results = {}
    for entry in json.loads(out.stdout)["benchmarks"]:
        # With one repetition Google Benchmark reports no aggregates: the run is the median.
        wanted = "median" if repetitions > 1 else None
        if entry.get("aggregate_name") != wanted:
            continue
        name = entry["run_name"].removesuffix("/real_time")
        seconds = entry["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[
            entry["time_unit"]]
        results[name] = seconds
    return results


def median_time(function, repetitions, number=1):
    times = []
    function()  # warm-up
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(number):
            function()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def header_of(arr):
    out = io.BytesIO()
    np.save(out, arr)
    return out.getvalue()


def numpy_figures(repetitions):
    figures = {}
    simple = header_of(np.zeros((1000, 3)))
    fields = np.dtype([(f"field_{i}", t) for i, t in
                       zip(range(20), ["<i4", "<f8", "|u1", "<i8", ">f4"] * 4)])
    structured = header_of(np.zeros(1000, dtype=fields))
    for name, data in (("simple", simple), ("structured20", structured)):
        def read_header(data=data):
            f = io.BytesIO(data)
            npformat.read_magic(f)
            npformat.read_array_header_1_0(f)
        figures[f"header/{name}"] = median_time(read_header, repetitions, number=2000)
    for name in ("f8_le_256m.npy", "f8_be_256m.npy", "f4_fortran_64m.npy"):
        figures[f"load/{name}"] = median_time(lambda: np.load(DATA / name), repetitions)
    def load_native():
        # NumPy's fastest conversion of a loaded array: swap in place, relabel the dtype
        # (astype("=f8") would allocate and fill a second array).
        loaded = np.load(DATA / "f8_be_256m.npy")
        loaded.byteswap(inplace=True)
        return loaded.view(loaded.dtype.newbyteorder("="))
    figures["load/f8_be_256m.npy/native"] = median_time(load_native, repetitions)
    figures["load/f4_fortran_64m.npy/c_order"] = median_time(
        lambda: np.ascontiguousarray(np.load(DATA / "f4_fortran_64m.npy")), repetitions)
    for name in ("f8_le_256m.npy", "f8_le_1g.npy"):
        figures[f"mmap_open/{name}"] = median_time(
            lambda: np.load(DATA / name, mmap_mode="r"), repetitions, number=50)
    for name in ("stored_8x32m.npz", "deflate_256m.npz"):
        def load_all(name=name):
            with np.load(DATA / name) as archive:
                return [archive[key] for key in archive.files]
        figures[f"npz/{name}"] = median_time(load_all, repetitions)
    return figures


def time_process(args):
    """Wall seconds and peak RSS (KiB) of one run of `args` under /usr/bin/time -v."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *args], cwd=ROOT, capture_output=True,
                          text=True)
    wall = time.perf_counter() - start
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return wall, rss, done.returncode


def process_figures(repetitions):
    cli = str(BUILD / "npyguard")
    figures = {}
    runs = {
        "check -r small/ (10,000 files) -j 1": [cli, "check", "-q", "-r", "-j", "1",
                                                 str(DATA / "small")],
        "check -r small/ (10,000 files) -j 0": [cli, "check", "-q", "-r", "-j", "0",
                                                 str(DATA / "small")],
        "check f8_4g.npy (4 GiB, sizes only)": [cli, "check", str(DATA / "f8_4g.npy")],
        "check b1_4g.npy (4 GiB, every byte scanned)": [cli, "check", str(DATA / "b1_4g.npy")],
        "check deflate_256m.npz": [cli, "check", str(DATA / "deflate_256m.npz")],
    }
    for label, args in runs.items():
        samples = [time_process(args) for _ in range(repetitions)]
        assert all(code == 0 for _, _, code in samples), f"{label}: npyguard failed"
        figures[label] = (statistics.median(s[0] for s in samples),
                          max(s[1] for s in samples))
    return figures


def fmt_rate(bytes_count, seconds):
    return f"{bytes_count / seconds / 1e6:,.0f} MB/s"


def tables(gb, numpy_t, proc):
    size = {name: (DATA / name).stat().st_size for name in
            ("f8_le_256m.npy", "f8_be_256m.npy", "f4_fortran_64m.npy", "stored_8x32m.npz")}
    lines = []
    add = lines.append
    add("### Header parsing (headers per second, one core)\n")
    add("| header | npyguard | NumPy `read_array_header_1_0` | ratio |")
    add("|---|---:|---:|---:|")
    for name in ("simple", "structured20"):
        ours, theirs = gb[f"header/{name}/npyguard"], numpy_t[f"header/{name}"]
        add(f"| {name} | {1 / ours:,.0f} | {1 / theirs:,.0f} | {theirs / ours:,.0f}x |")
    add("\n### `.npy` load into memory (page cache warm)\n")
    add("| file | npyguard | pread, faulted buffer | ratio | pread, fresh buffer | ratio "
        "| np.load | vs NumPy |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = [("f8_le_256m.npy", "npyguard", "f8_le_256m.npy", "load"),
            ("f8_le_256m.npy", "npyguard_into", "f8_le_256m.npy",
             "read_npy_file_into a reused buffer"),
            ("f4_fortran_64m.npy", "npyguard_into", "f4_fortran_64m.npy",
             "read_npy_file_into a reused buffer"),
            ("f8_be_256m.npy", "npyguard", "f8_be_256m.npy", "load (file order)"),
            ("f8_be_256m.npy", "npyguard_native", "f8_be_256m.npy/native",
             "load + to native order (in place)"),
            ("f8_be_256m.npy", "npyguard_into_native", "f8_be_256m.npy/native",
             "read_npy_file_into a reused buffer, native order"),
            ("f4_fortran_64m.npy", "npyguard", "f4_fortran_64m.npy", "load (Fortran order)"),
            ("f4_fortran_64m.npy", "npyguard_c_order", "f4_fortran_64m.npy/c_order",
             "load + to C order"),
            ("f4_fortran_64m.npy", "npyguard_into_c_order", "f4_fortran_64m.npy/c_order",
             "read_npy_file_into a reused buffer, C order")]
    for file, ours_name, numpy_name, label in rows:
        ours = gb[f"load/{file}/{ours_name}"]
        faulted = gb[f"load/{file}/read_prefaulted"]
        fresh = gb[f"load/{file}/read_fresh"]
        theirs = numpy_t[f"load/{numpy_name}"]
        add(f"| {file}: {label} | {fmt_rate(size[file], ours)} | {fmt_rate(size[file], faulted)} "
            f"| {faulted / ours:.2f}x | {fmt_rate(size[file], fresh)} | {fresh / ours:.2f}x "
            f"| {fmt_rate(size[file], theirs)} | {theirs / ours:.2f}x |")
    add("\n### Zero-copy open (mmap + full validation of the header and sizes)\n")
    add("| file | npyguard | np.load(mmap_mode='r') |")
    add("|---|---:|---:|")
    for file in ("f8_le_256m.npy", "f8_le_1g.npy"):
        add(f"| {file} | {gb[f'mmap_open/{file}/npyguard'] * 1e6:,.0f} us "
            f"| {numpy_t[f'mmap_open/{file}'] * 1e6:,.0f} us |")
    add("\n### `.npz` (every member loaded)\n")
    add("| archive | npyguard read (one thread) | read_all (all cores) | read_into a reused "
        "buffer | limit | ratio: read / read_into | np.load | vs NumPy (read) |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    stored = size["stored_8x32m.npz"]
    deflated_out = 8 * 4 * MIB * 8
    for name, limit_name, out_bytes in (("stored_8x32m.npz", "read_prefaulted", stored),
                                        ("deflate_256m.npz", "zlib_inflate_crc", deflated_out)):
        ours = gb[f"npz/{name}/npyguard"]
        parallel = gb[f"npz/{name}/npyguard_read_all"]
        into = gb[f"npz/{name}/npyguard_into"]
        limit = gb[f"npz/{name}/{limit_name}"]
        theirs = numpy_t[f"npz/{name}"]
        limit_label = "pread" if limit_name == "read_prefaulted" else "zlib inflate + CRC-32"
        add(f"| {name} | {fmt_rate(out_bytes, ours)} | {fmt_rate(out_bytes, parallel)} "
            f"| {fmt_rate(out_bytes, into)} | {fmt_rate(out_bytes, limit)} ({limit_label}) "
            f"| {limit / ours:.2f}x / {limit / into:.2f}x "
            f"| {fmt_rate(out_bytes, theirs)} | {theirs / ours:.2f}x |")
    add("\n### Whole process: `npyguard check` (wall time, peak RSS from `/usr/bin/time -v`)\n")
    add("| run | wall | throughput | peak RSS |")
    add("|---|---:|---:|---:|")
    big = (DATA / "f8_4g.npy").stat().st_size  # b1_4g.npy has the same size
    for label, (wall, rss) in proc.items():
        if "10,000" in label:
            rate = f"{10000 / wall:,.0f} files/s"
        elif "4 GiB" in label:
            rate = fmt_rate(big, wall)
        else:
            rate = fmt_rate(deflated_out, wall)
        add(f"| `{label}` | {wall * 1e3:,.0f} ms | {rate} | {rss / 1024:.1f} MiB |")
    return "\n".join(lines) + "\n"


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"NumPy {np.__version__}, Python {platform.python_version()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--update", type=Path)
    args = parser.parse_args()
    build_and_prepare()
    gb = run_google_benchmark(args.repetitions)
    numpy_t = numpy_figures(args.repetitions)
    proc = process_figures(max(3, args.repetitions // 2))
    text = (f"Measured {date.today().isoformat()} on {machine()}; medians of "
            f"{args.repetitions} runs.\n\n" + tables(gb, numpy_t, proc))
    print(text)
    if args.update:
        document = args.update.read_text()
        begin, end = "<!-- results:begin -->\n", "<!-- results:end -->"
        start = document.index(begin) + len(begin)
        stop = document.index(end)
        args.update.write_text(document[:start] + text + document[stop:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
