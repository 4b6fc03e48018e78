#!/usr/bin/env python3
"""Per-RPC latency of a small get-config from Python: devconf (ctypes) and, when it is
installed, ncclient, against the same local netconfd, on one session each.

Usage:
    python3 bench/python_getconfig.py [COUNT]        (default 1000)

With DEVCONF_BENCH_DIR set (bench/run.sh does it) the device running in that directory is used
(its port, known_hosts, client_ed25519 and cache/ schema cache); otherwise a device is started
with tests/fixtures/netconf/netconfd-up.sh and stopped at the end (needs root).

The library is DEVCONF_LIBRARY, else <repo>/build/lib/libdevconf.so.0 (DEVCONF_BUILD_DIR
overrides <repo>/build). The filter is the XPath
/ietf-interfaces:interfaces/interface[name='eth0'] (ncclient: the same XPath with an XML prefix
and its namespace); devconf is also measured with the equivalent subtree filter, the one
bench/devconf_bench.c uses. Output lines match the C benchmarks': name, n, median, mean, p99 (in
microseconds) and the connect time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILTER = "/ietf-interfaces:interfaces/interface[name='eth0']"
IF_NS = "urn:ietf:params:xml:ns:yang:ietf-interfaces"
# the subtree form of the same filter (what bench/devconf_bench.c sends), for a second devconf line
SUBTREE = '<interfaces xmlns="%s"><interface><name>eth0</name></interface></interfaces>' % IF_NS


def report(name: str, samples_us: list, connect_ms: float) -> None:
    s = sorted(samples_us)
    n = len(s)
    print(
        "%-28s n=%d  median=%.1f us  mean=%.1f us  p99=%.1f us  connect=%.1f ms"
        % (name, n, statistics.median(s), statistics.fmean(s), s[int(n * 0.99)] if n else 0.0, connect_ms)
    )
    sys.stdout.flush()


def bench_devconf(port: int, d: Path, cache: str, count: int) -> None:
    build = Path(os.environ.get("DEVCONF_BUILD_DIR") or REPO / "build")
    os.environ.setdefault("DEVCONF_LIBRARY", str(build / "lib" / "libdevconf.so.0"))
    sys.path.insert(0, str(REPO / "bindings" / "python"))
    import devconf

    t0 = time.perf_counter()
    dev = devconf.connect(
        "netconf://devconf-test@127.0.0.1:%d" % port,
        key_filename=str(d / "client_ed25519"),
        known_hosts=str(d / "known_hosts"),
        cache_dir=cache,
    )
    connect_ms = (time.perf_counter() - t0) * 1e3
    with dev:
        for name, flt in (("devconf (Python)", FILTER), ("devconf (Python, subtree)", SUBTREE)):
            for _ in range(10):  # warm-up
                dev.get_config("running", flt)
            samples = []
            for _ in range(count):
                t = time.perf_counter()
                out = dev.get_config("running", flt)
                samples.append((time.perf_counter() - t) * 1e6)
                if "eth0" not in out:
                    raise SystemExit("devconf: unexpected reply: %r" % out[:200])
            report(name, samples, connect_ms)


def bench_ncclient(port: int, d: Path, count: int) -> None:
    try:
        from ncclient import manager
    except ImportError:
        print("%-28s not installed (pip install ncclient)" % "ncclient")
        return
    t0 = time.perf_counter()
    m = manager.connect(
        host="127.0.0.1",
        port=port,
        username="devconf-test",
        key_filename=str(d / "client_ed25519"),
        hostkey_verify=False,
        look_for_keys=False,
        allow_agent=False,
        timeout=30,
    )
    connect_ms = (time.perf_counter() - t0) * 1e3
    flt = ("xpath", ({"if": IF_NS}, "/if:interfaces/if:interface[if:name='eth0']"))
    with m:
        for _ in range(3):
            m.get_config(source="running", filter=flt)
        samples = []
        for _ in range(count):
            t = time.perf_counter()
            r = m.get_config(source="running", filter=flt)
            samples.append((time.perf_counter() - t) * 1e6)
            if "eth0" not in r.xml:
                raise SystemExit("ncclient: unexpected reply: %r" % r.xml[:200])
    report("ncclient %s" % getattr(sys.modules.get("ncclient"), "__version__", ""), samples, connect_ms)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    own = None
    bench_dir = os.environ.get("DEVCONF_BENCH_DIR")
    if bench_dir:
        d = Path(bench_dir)
    else:
        own = Path(tempfile.mkdtemp(prefix="pybench."))
        d = own
        subprocess.run(
            ["bash", str(REPO / "tests/fixtures/netconf/netconfd-up.sh"), str(d)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    try:
        port = int((d / "port").read_text())
        # bench.py links d/cache to its shared schema cache; devconf refuses a symlinked cache
        # directory (another user's link could point it anywhere), so give it the real one
        cache = os.path.realpath(d / "cache")
        os.makedirs(cache, exist_ok=True)
        print("small get-config from Python, %d sequential RPCs on one session (127.0.0.1:%d)" % (count, port))
        bench_devconf(port, d, cache, count)
        bench_ncclient(port, d, count)
    finally:
        if own is not None:
            subprocess.run(["bash", str(REPO / "tests/fixtures/netconf/netconfd-down.sh"), str(own)],
                           stdout=subprocess.DEVNULL)
            shutil.rmtree(own, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
