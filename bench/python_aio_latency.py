"""Per-RPC latency of devconf's asyncio API next to the synchronous one (a benchmark, not a test).

Starts the scripted NETCONF server (tests/fixtures/netconf/scripted, one device) in a temporary
directory, opens one session with each API and times N small <get-config> calls one after the
other (median and 90th percentile, after a warm-up), then the same from 10 devices' sessions at once
(asyncio.gather vs a thread pool of 10), and prints a table.

    env DEVCONF_LIBRARY=build/lib/libdevconf.so.0 PYTHONPATH=bindings/python \\
        /opt/devconf-python-venv/bin/python bench/python_aio_latency.py [--rpcs 500]
"""

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPTED = REPO / "tests" / "fixtures" / "netconf" / "scripted"
FILTER = "/ietf-interfaces:interfaces/interface[name='eth0']/description"


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rpcs", type=int, default=500)
    ap.add_argument("--devices", type=int, default=10)
    args = ap.parse_args()
    import devconf
    import devconf.aio

    d = Path(tempfile.mkdtemp(prefix="devconf-aio-bench-"))
    subprocess.run(["bash", str(SCRIPTED / "ncserver-up.sh"), str(d), "--announce", "hello", "--ports",
                    str(args.devices), "--watch-pid", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)
    try:
        ports = [int(x) for x in (d / "ports").read_text().split()]
        kw = dict(key_filename=str(d / "client_ed25519"), known_hosts=str(d / "known_hosts"),
                  cache_dir=str(d / "cache"))
        uri = lambda p: "netconf://devconf-test@127.0.0.1:%d" % p  # noqa: E731
        rows = []

        with devconf.connect(uri(ports[0]), **kw) as dev:
            for _ in range(50):
                dev.get_config("running", FILTER)
            lat = []
            for _ in range(args.rpcs):
                t = time.perf_counter()
                dev.get_config("running", FILTER)
                lat.append((time.perf_counter() - t) * 1000)
            rows.append(("sync Device.get_config, one session", lat))

        async def aio_seq():
            async with await devconf.aio.connect(uri(ports[0]), **kw) as adev:
                for _ in range(50):
                    await adev.get_config("running", FILTER)
                lat = []
                for _ in range(args.rpcs):
                    t = time.perf_counter()
                    await adev.get_config("running", FILTER)
                    lat.append((time.perf_counter() - t) * 1000)
                return lat

        rows.append(("asyncio AsyncDevice.get_config, one session", asyncio.run(aio_seq())))

        n = args.devices
        per = max(1, args.rpcs // n)
        devs = [devconf.connect(uri(p), **kw) for p in ports[:n]]
        try:
            def loop(dev):
                out = []
                for _ in range(per):
                    t = time.perf_counter()
                    dev.get_config("running", FILTER)
                    out.append((time.perf_counter() - t) * 1000)
                return out
            t0 = time.perf_counter()
            with ThreadPoolExecutor(n) as pool:
                lat = [x for part in pool.map(loop, devs) for x in part]
            wall_sync = time.perf_counter() - t0
            rows.append(("sync, %d sessions on %d threads" % (n, n), lat))
        finally:
            for x in devs:
                x.close()

        async def aio_many():
            adevs = await asyncio.gather(*(devconf.aio.connect(uri(p), **kw) for p in ports[:n]))
            async def loop(adev):
                out = []
                for _ in range(per):
                    t = time.perf_counter()
                    await adev.get_config("running", FILTER)
                    out.append((time.perf_counter() - t) * 1000)
                return out
            t0 = time.perf_counter()
            parts = await asyncio.gather(*(loop(a) for a in adevs))
            wall = time.perf_counter() - t0
            await asyncio.gather(*(a.close() for a in adevs))
            return [x for p in parts for x in p], wall
        lat, wall_aio = asyncio.run(aio_many())
        rows.append(("asyncio, %d sessions gathered" % n, lat))

        print("\nPer-RPC latency, small <get-config> (scripted server, %d RPCs a row), ms" % args.rpcs)
        print("%-46s %8s %8s %8s" % ("", "median", "p90", "mean"))
        for name, lat in rows:
            print("%-46s %8.2f %8.2f %8.2f" % (name, statistics.median(lat), pct(lat, 0.9), statistics.mean(lat)))
        print("throughput with %d sessions: sync threads %.0f RPC/s, asyncio %.0f RPC/s"
              % (n, per * n / wall_sync, per * n / wall_aio))
    finally:
        subprocess.run(["bash", str(SCRIPTED / "ncserver-down.sh"), str(d)], stdout=subprocess.DEVNULL)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
