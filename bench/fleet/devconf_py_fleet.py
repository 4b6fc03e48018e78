"""The devconf Python rows of the fleet benchmark (bench/fleet/run.sh), one client per process.

Per device, the benchmark's job (see py_fleet.py): connect (password; host key checked against the
fleet's known_hosts), <get-config> of running with the small subtree filter, <edit-config> of one
leaf in the candidate, <commit>, <get-config> again to read the leaf back, close.

    devconf_py_fleet.py threads --uris FILE ...      devconf.connect() per device on a ThreadPoolExecutor
    devconf_py_fleet.py asyncio --uris FILE ...      devconf.aio, asyncio.gather of every device; the C
                                                     calls on devconf.aio's bounded pool (--concurrency)
    devconf_py_fleet.py fleet --inventory FILE ...   devconf.Fleet.run(job): the C engine's pool (forks =
                                                     --concurrency), the job in Python on each open session
    devconf_py_fleet.py nornir --inventory FILE ...  Nornir 3.6, threaded runner (num_workers =
                                                     --concurrency), DevconfInventory + devconf's tasks
    devconf_py_fleet.py dask --inventory FILE ...    Dask LocalCluster, 2 worker processes x 1 thread,
                                                     devconf.run_on_dask: one inventory shard a worker,
                                                     each on the C engine with --concurrency / 2 forks

Runs with the interpreter of scripts/install-python-deps.sh (Nornir and Dask are there) and the
package of this repository (PYTHONPATH=bindings/python, DEVCONF_LIBRARY=build/lib/libdevconf.so.0).
The benchmark's inventory keeps its host-key settings under `data` (for Nornir's own inventory);
this client copies them into the settings devconf reads. Prints one line
    RESULT {"devices": N, "ok": N, "failed": N, "mismatch": N, "wall_s": S}
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time

IF_NS = "urn:ietf:params:xml:ns:yang:ietf-interfaces"
FILTER = f'<interfaces xmlns="{IF_NS}"><interface><name>eth0</name></interface></interfaces>'
CONFIG = (
    f'<interfaces xmlns="{IF_NS}"><interface><name>eth0</name>'
    '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
    "<description>{value}</description></interface></interfaces>"
)
DESC_RE = re.compile(r"<(?:\w+:)?description>([^<]*)</(?:\w+:)?description>")


def first_description(xml):
    m = DESC_RE.search(xml or "")
    return m.group(1) if m else None


def job_on(dev, value):
    """The benchmark's job on an open devconf.Device; returns the description read back."""
    dev.get_config("running", FILTER)
    dev.edit_config(CONFIG.format(value=value), target="candidate")
    dev.commit()
    return first_description(dev.get_config("running", FILTER))


def read_uris(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def devconf_inventory(path, known_hosts, host_key):
    """The benchmark's inventory with known_hosts / host_key_policy as devconf settings."""
    text = open(path, encoding="utf-8").read()
    policy = "strict" if host_key == "strict" else "insecure-skip"
    extra = f"  known_hosts: {known_hosts}\n  host_key_policy: {policy}\n" if known_hosts else \
        f"  host_key_policy: {policy}\n"
    if "\n  host_key_policy:" not in text:  # the driver's inventory has them at defaults already
        text = text.replace("defaults:\n", "defaults:\n" + extra, 1)
    fd, out = tempfile.mkstemp(prefix="devconf-bench-inventory-", suffix=".yaml")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return out


class Tally:
    def __init__(self, n):
        self.n, self.ok, self.failed, self.mismatch, self.shown = n, 0, 0, 0, 0

    def done(self, name, got, want, error=None):
        if error is None and got == want:
            self.ok += 1
            return
        self.failed += 1
        if error is None:
            self.mismatch += 1
            error = f"read back {got!r}, expected {want!r}"
        self.shown += 1
        if self.shown <= 5:
            print(f"devconf_py_fleet: {name}: {error}", file=sys.stderr)

    def result(self, wall):
        return {"devices": self.n, "ok": self.ok, "failed": self.failed, "mismatch": self.mismatch,
                "wall_s": round(wall, 3)}


def connect_kw(args, password):
    return dict(password=password, known_hosts=args.known_hosts,
                hostkey_policy="strict" if args.host_key == "strict" else "insecure-skip", timeout=30)


def run_threads(args, password):
    from concurrent.futures import ThreadPoolExecutor

    import devconf

    uris = read_uris(args.uris)
    tally = Tally(len(uris))

    def job(uri):
        try:
            with devconf.connect(uri, **connect_kw(args, password)) as d:
                tally.done(uri, job_on(d, args.value), args.value)
        except Exception as e:  # noqa: BLE001
            tally.done(uri, None, args.value, f"{type(e).__name__}: {e}")

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(job, uris))
    return tally.result(time.monotonic() - t0)


def run_asyncio(args, password):
    import asyncio

    import devconf.aio

    devconf.aio.set_max_threads(args.concurrency)
    uris = read_uris(args.uris)
    tally = Tally(len(uris))

    async def job(uri):
        try:
            async with await devconf.aio.connect(uri, **connect_kw(args, password)) as d:
                await d.get_config("running", FILTER)
                await d.edit_config(CONFIG.format(value=args.value), target="candidate")
                await d.commit()
                got = first_description(await d.get_config("running", FILTER))
            tally.done(uri, got, args.value)
        except Exception as e:  # noqa: BLE001
            tally.done(uri, None, args.value, f"{type(e).__name__}: {e}")

    async def main():
        await asyncio.gather(*(job(u) for u in uris))

    t0 = time.monotonic()
    asyncio.run(main())
    return tally.result(time.monotonic() - t0)


def _fleet_job(value):
    def job(dev):
        return job_on(dev, value) or ""
    return job


def tally_run(run, value):
    tally = Tally(run.summary["total"])
    for r in run:
        tally.done(r.device, r.data if r.ok else None, value, None if r.ok else f"{r.error_type}: {r.error}")
    return tally


def run_fleet(args, password):
    import devconf

    inv = devconf_inventory(args.inventory, args.known_hosts, args.host_key)
    try:
        t0 = time.monotonic()
        with devconf.Fleet.from_inventory(inv) as f:
            run = f.run(_fleet_job(args.value), forks=args.concurrency)
        wall = time.monotonic() - t0
    finally:
        os.unlink(inv)
    return tally_run(run, args.value).result(wall)


def run_dask(args, password):
    from dask.distributed import Client, LocalCluster

    import devconf

    inv = devconf_inventory(args.inventory, args.known_hosts, args.host_key)
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            client.wait_for_workers(2)
            t0 = time.monotonic()
            with devconf.Fleet.from_inventory(inv) as f:
                run = devconf.run_on_dask(client, f, _fleet_job(args.value), forks=max(1, args.concurrency // 2))
            wall = time.monotonic() - t0
    finally:
        os.unlink(inv)
    return tally_run(run, args.value).result(wall)


def run_nornir(args, password):
    from nornir import InitNornir
    from nornir.core.plugins.connections import ConnectionPluginRegister
    from nornir.core.plugins.inventory import InventoryPluginRegister

    from devconf.nornir import Devconf, DevconfInventory, devconf_commit, devconf_edit_config, devconf_get_config

    if "devconf" not in ConnectionPluginRegister.available:  # from a source tree: no entry points
        ConnectionPluginRegister.register("devconf", Devconf)
    if "DevconfInventory" not in InventoryPluginRegister.available:
        InventoryPluginRegister.register("DevconfInventory", DevconfInventory)
    inv = devconf_inventory(args.inventory, args.known_hosts, args.host_key)
    try:
        nr = InitNornir(runner={"plugin": "threaded", "options": {"num_workers": args.concurrency}},
                        inventory={"plugin": "DevconfInventory", "options": {"inventory": inv}},
                        logging={"enabled": False})
    finally:
        os.unlink(inv)

    def fleet_job(task):
        try:
            task.run(task=devconf_get_config, filter=FILTER)
            task.run(task=devconf_edit_config, config=CONFIG.format(value=args.value))
            task.run(task=devconf_commit)
            r = task.run(task=devconf_get_config, filter=FILTER)
            return first_description(r.result)
        finally:
            task.host.close_connections()

    tally = Tally(len(nr.inventory.hosts))
    t0 = time.monotonic()
    res = nr.run(task=fleet_job)
    wall = time.monotonic() - t0
    for name, multi in res.items():
        if multi.failed:
            exc = next((r.exception for r in multi if r.exception), None)
            tally.done(name, None, args.value, f"{type(exc).__name__}: {exc}" if exc else "failed")
        else:
            tally.done(name, multi[0].result, args.value)
    return tally.result(wall)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("client", choices=["threads", "asyncio", "fleet", "nornir", "dask"])
    p.add_argument("--uris")
    p.add_argument("--inventory")
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--value", required=True)
    p.add_argument("--known-hosts")
    p.add_argument("--host-key", choices=["strict", "none"], default="strict")
    p.add_argument("--password-env", default="FLEET_PASSWORD")
    p.add_argument("--user", default="admin")
    args = p.parse_args()
    password = os.environ.get(args.password_env)
    if password is None:
        p.error(f"the environment variable {args.password_env} (the password) is not set")
    fn = {"threads": run_threads, "asyncio": run_asyncio, "fleet": run_fleet, "nornir": run_nornir,
          "dask": run_dask}[args.client]
    result = fn(args, password)
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if result["failed"] == 0 and result["ok"] == result["devices"] else 1


if __name__ == "__main__":
    sys.exit(main())
