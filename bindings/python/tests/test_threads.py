"""Sessions on threads run in parallel: ctypes releases the GIL during every C call.

Timings are compared as ratios in the same run, never against absolute wall-clock limits.
"""

from __future__ import annotations

import threading
import time

import pytest

import devconf

ETH0 = "/ietf-interfaces:interfaces/interface[name='eth0']"


def _run_threads(target, args_list):
    errors = []

    def wrap(*a):
        try:
            target(*a)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=a) for a in args_list]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, errors


def test_four_sessions_on_four_threads_work(server):
    """4 threads x 30 get-configs on 4 sessions all succeed; the time against 1 thread x 30 is
    printed, not asserted: netconfd answers one request at a time and shares this machine's 2
    CPUs with sshd and the client, so the ratio (about 2.5-3.8 here) says more about the load
    than about devconf. test_waits_on_threads_overlap proves that the GIL is released."""
    n = 30
    devs = [server.connect() for _ in range(4)]
    try:

        def work(d):
            for _ in range(n):
                d.get_config("running", ETH0)

        for d in devs:  # warm up
            work(d)
        one = min(_run_threads(work, [(devs[0],)])[0] for _ in range(3))
        runs = []
        for _ in range(3):
            elapsed, errors = _run_threads(work, [(d,) for d in devs])
            assert errors == []
            runs.append(elapsed)
        four = min(runs)
        ratio = four / one
        print("1 thread: %.1f ms, 4 threads: %.1f ms, ratio %.2f" % (one * 1e3, four * 1e3, ratio))
    finally:
        for d in devs:
            d.close()


def test_waits_on_threads_overlap(server):
    """With the device frozen, 4 get-configs with a 1 s timeout on 4 threads all time out
    together: about the time of one, where serialised waits would take 4x."""
    devs = [server.connect(timeout=1) for _ in range(4)]
    try:
        with server.stopped():

            def wait(d):
                with pytest.raises(devconf.TimeoutError):
                    d.get_config("running")

            one, errors = _run_threads(wait, [(devs[0],)])
            assert errors == []
            four, errors = _run_threads(wait, [(d,) for d in devs[1:]] + [(devs[0],)])
            assert errors == []
        ratio = four / one
        print("1 wait: %.2f s, 4 waits: %.2f s, ratio %.2f" % (one, four, ratio))
        assert ratio < 2.0
    finally:
        for d in devs:
            d.close()


def test_python_runs_while_a_call_waits(server):
    """The main thread keeps running Python code while another thread waits in C."""
    d = server.connect(timeout=2)
    try:
        with server.stopped():
            done = threading.Event()

            def wait():
                try:
                    d.get_config("running")
                except devconf.TimeoutError:
                    pass
                done.set()

            t = threading.Thread(target=wait)
            t.start()
            ticks = 0
            while not done.is_set():
                ticks += 1
            t.join()
        assert ticks > 100000
    finally:
        d.close()


def test_one_device_shared_by_threads_is_serialised(server, dev):
    """A Device used from several threads stays consistent (its lock makes the calls take turns)."""
    results = []

    def work():
        for _ in range(20):
            results.append(dev.get_config("running", ETH0, format="dict"))

    _, errors = _run_threads(work, [() for _ in range(4)])
    assert errors == []
    assert len(results) == 80 and all(r == results[0] for r in results)
