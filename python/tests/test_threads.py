# SPDX-License-Identifier: Apache-2.0
"""Threads and processes: concurrent calls give correct results, the GIL is released while the
library reads, inflates and scans (another thread keeps running meanwhile), and arguments and
results pickle, so npyguard works in multiprocessing and worker pools."""

import concurrent.futures
import io
import multiprocessing
import pickle
import sys
import threading
import time

import numpy as np
import pytest

import npyguard
from conftest import FIXTURES, SAMPLES, assert_same_array, npy_fixtures

LOADABLE = [p for p in npy_fixtures() if p.name != "v2_header_4000_fields.npy"]


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory):
    """An archive whose member takes the library a while to inflate and CRC-check (zeros
    deflate fast and inflate 1000:1, so it is quick to make)."""
    path = tmp_path_factory.mktemp("threads") / "zeros.npz"
    np.savez_compressed(path, zeros=np.zeros(96 << 20, dtype=np.uint8))
    return path


class Counter(threading.Thread):
    """Counts while it holds the GIL, and lets it go (sleep(0)) after every step."""

    def __init__(self):
        super().__init__(daemon=True)
        self.count = 0
        self.stop = False
        self.running = threading.Event()

    def run(self):
        self.running.set()
        while not self.stop:
            self.count += 1
            time.sleep(0)


def progress_during(call):
    """How far a counting thread gets while `call` runs in this thread. The switch interval
    is set far beyond the test's length, so this thread never has to hand the GIL over: the
    counter can run during the call only if the call itself releases the GIL. Not a timing
    measurement: a call that keeps the GIL leaves the counter at exactly 0."""
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        counter = Counter()
        counter.start()
        counter.running.wait()
        before = counter.count
        result = call()
        during = counter.count - before
        counter.stop = True
        counter.join()
    finally:
        sys.setswitchinterval(old_interval)
    return during, result


def test_the_counter_cannot_run_while_the_gil_is_held():
    data = b"x" * (64 << 20)
    during, _ = progress_during(lambda: data.replace(b"x", b"y"))  # keeps the GIL throughout
    assert during == 0


def test_gil_is_released_while_inflating(big_archive):
    with npyguard.load(big_archive) as npz:
        during, array = progress_during(lambda: npz["zeros"])
    assert array.shape == (96 << 20,) and not array.any()
    assert during > 0


def test_gil_is_released_while_checking(big_archive):
    during, verdict = progress_during(lambda: npyguard.check(big_archive))
    assert verdict.ok
    assert during > 0


def test_gil_is_released_while_scanning_memory():
    # A bool payload is scanned byte by byte (only 0 and 1 are valid).
    out = io.BytesIO()
    np.save(out, np.ones(128 << 20, dtype=bool))
    data = out.getvalue()
    during, verdict = progress_during(lambda: npyguard.check(data))
    assert verdict.ok
    assert during > 0


def test_threads_load_correctly_at_once():
    expected = {p: np.load(p) for p in LOADABLE}
    npz_path = FIXTURES / "npz" / "savez_compressed.npz"
    with np.load(npz_path) as theirs:
        expected_npz = {k: theirs[k] for k in theirs.files}
    shared = npyguard.load(npz_path)  # one archive read from every thread

    def work(round_):
        for path in LOADABLE[round_ % 7::7]:
            assert_same_array(npyguard.load(path), expected[path])
            assert_same_array(npyguard.load(path.read_bytes()), expected[path])
            assert npyguard.check(path).ok
        for key, value in expected_npz.items():
            assert_same_array(shared[key], value)
        return round_

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(work, range(32))) == list(range(32))


def test_closing_while_other_threads_read(big_archive):
    npz = npyguard.load(big_archive)
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        reads = [pool.submit(lambda: npz["zeros"]) for _ in range(3)]
        npz.close()
        for read in reads:
            try:
                assert read.result().shape == (96 << 20,)
            except ValueError as closed:  # a read that started after close()
                assert "closed" in str(closed)


def test_everything_pickles(tmp_path):
    limits = npyguard.Limits(max_array_bytes=1 << 20, member_patterns=["arr_[0-9]+\\.npy"])
    verdict = npyguard.check(SAMPLES / "pickled_objects.npy")
    try:
        npyguard.load(SAMPLES / "huge_shape.npy")
    except npyguard.Error as refused:
        error = refused
    for value in (limits, verdict, error, npyguard.load(SAMPLES / "temperatures.npy")):
        again = pickle.loads(pickle.dumps(value))
        assert type(again) is type(value)


def check_code(path):
    return npyguard.check(path).code


def load_sum(path):
    return float(npyguard.load(path, limits=npyguard.Limits(max_ndim=4)).sum())


def test_multiprocessing_pool():
    paths = [str(SAMPLES / name) for name in
             ("temperatures.npy", "pickled_objects.npy", "huge_shape.npy")]
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        assert pool.map(check_code, paths) == [None, "object_dtype", "array_too_large"]
        verdicts = pool.map(npyguard.check, paths)
        assert [v.code for v in verdicts] == [None, "object_dtype", "array_too_large"]
        assert pool.apply(load_sum, (paths[0],)) == float(np.load(paths[0]).sum())
        with pytest.raises(npyguard.Error) as raised:
            pool.apply(npyguard.load, (paths[1],))
        assert raised.value.code == "object_dtype"
