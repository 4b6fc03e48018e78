#!/usr/bin/env python3
"""devconf benchmark runner: starts local servers, runs every client side by side, writes
bench/results/results.json and bench/results/chart.png and prints the table with the targets.

Run it through bench/run.sh (which installs what it needs and builds first):

    bench/run.sh            full sizes (about 10-20 minutes on 2 cores)
    bench/run.sh --tiny     tiny sizes, for CI (under 2 minutes)

Every figure is a median: each client process measures in-process (monotonic clock) and reports
its samples; a figure is the median, over the repetitions, of each repetition's median. Clients
run one process at a time, in an order rotated per repetition. Peak memory of a client is the
maximum resident set size of its process (wait4's ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("DEVCONF_BUILD_DIR") or REPO / "build")
RESULTS = REPO / "bench" / "results"
NETCONF_UP = REPO / "tests/fixtures/netconf/netconfd-up.sh"
NETCONF_DOWN = REPO / "tests/fixtures/netconf/netconfd-down.sh"
JETCONF_UP = REPO / "tests/fixtures/restconf/jetconf-up.sh"
JETCONF_DOWN = REPO / "tests/fixtures/restconf/jetconf-down.sh"
USER = "devconf-test"

SIZES = {
    # reps: repetitions of every measurement; slow_cap: RPC counts for ncclient, whose every
    # RPC waits for its transport thread's 100 ms tick (1,000 of them would take 100 s a round)
    "full": dict(reps=3, connect=20, getconfig=1000, getconfig_slow=200, full_ifaces=10000, full_count=5, edit=50, edit_slow=20,
                 sessions=100, concurrent_reps=2, concurrent_timeout=300, rc_get=1000, rc_leaves=1000, rc_push=5, timeout=900),
    "tiny": dict(reps=1, connect=4, getconfig=20, getconfig_slow=5, full_ifaces=200, full_count=2, edit=5, edit_slow=3,
                 sessions=5, concurrent_reps=1, concurrent_timeout=60, rc_get=20, rc_leaves=50, rc_push=2, timeout=60),
}

# Clients: label, kind (c/py), and how they are named in the table.
NAMES = {
    "devconf-c": "devconf (C)",
    "devconf-py": "devconf (Python)",
    "devconf-c-text": "devconf (C), device_text",
    "devconf-py-text": "devconf (Python), device_text",
    "raw-nc": "raw libnetconf2 (C)",
    "raw-nc-shared": "raw libnetconf2, shared ctx (C)",
    "ncclient": "ncclient",
    "scrapli": "scrapli-netconf",
    "ssh-hello": "bare SSH + hello (C, libssh)",
    "ssh-bytes": "bare SSH, reply bytes only (floor)",
    "httpx": "httpx (HTTP/2)",
    "requests": "requests",
}
NETCONF_CLIENTS = ["devconf-c", "devconf-py", "raw-nc", "ncclient", "scrapli"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# ------------------------------------------------------------------ running clients


class Runner:
    def __init__(self, work: Path, size: dict, venv_python: str) -> None:
        self.work = work
        self.size = size
        self.py = venv_python
        self.logf = open(work / "clients.log", "a")
        self.failures: list = []

    def _run_once(self, argv: list, env: dict, timeout: float):
        out_path = self.work / "client.out"
        with open(out_path, "w") as out, open(self.work / "client.err", "w") as err:
            p = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=REPO)
            deadline = time.monotonic() + timeout
            while True:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    p.kill()
                    pid, status, ru = os.wait4(p.pid, 0)
                    p.returncode = -9
                    return None, "timed out after %ds" % timeout, 0
                time.sleep(0.02)
            p.returncode = os.waitstatus_to_exitcode(status)
        text = out_path.read_text(errors="replace")
        errtext = (self.work / "client.err").read_text(errors="replace")
        self.logf.write("$ %s\n%s%s\n" % (" ".join(argv)[:400], text[-2000:], errtext[-3000:]))
        self.logf.flush()
        res = None
        for line in text.splitlines():
            if line.startswith("RESULT "):
                res = json.loads(line[7:])
        if p.returncode != 0 or res is None:
            tail = (errtext.strip().splitlines() or text.strip().splitlines() or ["(no output)"])[-1]
            how = "exit %d" % p.returncode
            if p.returncode < 0:
                import signal

                try:
                    how = "killed by %s" % signal.Signals(-p.returncode).name
                except ValueError:
                    pass
            return None, "%s: %s" % (how, tail[:300]), ru.ru_maxrss
        return res, None, ru.ru_maxrss

    def run(self, what: str, argv: list, env_extra: dict | None = None, timeout: float | None = None):
        """Runs one client process (retried once on failure); returns its RESULT dict with
        'maxrss_kb' added, or a dict with 'error'."""
        env = dict(os.environ)
        env.setdefault("DEVCONF_LIBRARY", str(BUILD / "lib" / "libdevconf.so.0"))
        env.update(env_extra or {})
        err = None
        for attempt in (1, 2):
            res, err, maxrss = self._run_once(argv, env, timeout or self.size["timeout"])
            if res is not None:
                res["maxrss_kb"] = maxrss
                if attempt == 2:
                    res["retried_after"] = first_err
                return res
            first_err = err
            log("    %s failed (%s)%s" % (what, err, ", retrying" if attempt == 1 else ""))
        self.failures.append("%s: %s" % (what, err))
        return {"error": err}


# ------------------------------------------------------------------ servers


def netconf_up(d: Path, hello_delay: str, extra_env: dict | None = None) -> int:
    env = dict(os.environ, NETCONFD_UP_HELLO_DELAY=hello_delay, NETCONFD_UP_TIMEOUT="180")
    env.update(extra_env or {})
    r = subprocess.run(["bash", str(NETCONF_UP), str(d)], env=env, stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("netconfd-up.sh %s failed" % d)
    port = int((d / "port").read_text())
    # scrapli's known_hosts reader wants the plain host name and one key per host: the
    # device's ed25519 key under "127.0.0.1" (the same key the others check under [127.0.0.1]:port)
    lines = [ln for ln in (d / "known_hosts").read_text().splitlines() if " ssh-ed25519 " in ln]
    (d / "known_hosts_noport").write_text("".join("127.0.0.1 " + ln.split(" ", 1)[1] + "\n" for ln in lines))
    # ncclient reads the known_hosts file to check against from an ssh_config file
    (d / "ssh_config").write_text("Host 127.0.0.1\n  UserKnownHostsFile %s\n" % (d / "known_hosts"))
    return port


def netconf_down(d: Path) -> None:
    subprocess.run(["bash", str(NETCONF_DOWN), str(d)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_startup(d: Path, n: int) -> None:
    d.mkdir(parents=True, exist_ok=True)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n'
             '  <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">\n']
    for k in range(n):
        parts.append(
            "    <interface><name>eth%d</name><description>benchmark interface %d</description>"
            '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
            "<enabled>%s</enabled></interface>\n" % (k, k, "true" if k % 2 == 0 else "false"))
    parts.append("  </interfaces>\n</config>\n")
    (d / "startup-cfg.xml").write_text("".join(parts))


def jetconf_up(d: Path, n: int) -> int:
    d.mkdir(parents=True, exist_ok=True)
    data = {"ietf-interfaces:interfaces": {"interface": [
        {"name": "eth%d" % k, "description": "interface %d" % k, "type": "iana-if-type:ethernetCsmacd",
         "enabled": True} for k in range(n)]}}
    (d / "bench-data.json").write_text(json.dumps(data))
    env = dict(os.environ, JETCONF_UP_DATA=str(d / "bench-data.json"), JETCONF_UP_TIMEOUT="120")
    r = subprocess.run(["bash", str(JETCONF_UP), str(d)], env=env, stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("jetconf-up.sh %s failed" % d)
    return int((d / "port").read_text())


def jetconf_down(d: Path) -> None:
    subprocess.run(["bash", str(JETCONF_DOWN), str(d)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ------------------------------------------------------------------ the measurements


class Bench:
    def __init__(self, work: Path, size_name: str, venv_python: str) -> None:
        self.work = work
        self.size_name = size_name
        self.size = SIZES[size_name]
        self.runner = Runner(work, self.size, venv_python)
        self.py = venv_python
        self.cache = work / "schema-cache"
        self.cache.mkdir()
        self.raw: dict = {}  # measurement -> client -> list of per-repetition results

    # argv builders ------------------------------------------------------------

    def nc_argv(self, client: str, mode: str, d: Path, port: int, **kw) -> list:
        key, kh = str(d / "client_ed25519"), str(d / "known_hosts")
        if client in ("devconf-c", "devconf-c-text"):
            argv = [str(BUILD / "bench/devconf_bench"), mode, "netconf://%s@127.0.0.1:%d" % (USER, port),
                    "--known-hosts", kh, "--key", key, "--cache", str(self.cache)]
            if client == "devconf-c-text":
                argv.append("--device-text")
        elif client in ("raw-nc", "raw-nc-shared"):
            argv = [str(BUILD / "bench/raw_nc_bench"), mode, "127.0.0.1", str(port), USER, key, str(self.cache), kh]
            if client == "raw-nc-shared":
                argv.append("--shared-ctx")
        elif client in ("ssh-hello", "ssh-bytes"):
            argv = [str(BUILD / "bench/ssh_hello"), "127.0.0.1", str(port), USER, key, kh]
            if client == "ssh-bytes":
                argv.append("--full")
        else:
            a = dict(port=port, user=USER, key=key, known_hosts=kh, known_hosts_noport=str(d / "known_hosts_noport"),
                     ssh_config=str(d / "ssh_config"), cache=str(self.cache), count=kw.get("count", 1),
                     threads=kw.get("threads", 1))
            return [self.py, str(REPO / "bench/py_clients.py"), client, mode, json.dumps(a)]
        if "count" in kw:
            argv += ["--count", str(kw["count"])]
        if "threads" in kw:
            argv += ["--threads", str(kw["threads"])]
        return argv

    def rc_argv(self, client: str, mode: str, d: Path, port: int, count: int, leaves: int) -> list:
        if client == "devconf-c":
            return [str(BUILD / "bench/devconf_bench"), mode, "restconf://127.0.0.1:%d" % port, "--ca",
                    str(d / "ca.pem"), "--cert", str(d / "client.pem"), "--cert-key", str(d / "client.key"),
                    "--cache", str(self.cache / "restconf"), "--count", str(count), "--leaves", str(leaves)]
        a = dict(port=port, restconf=True, ca=str(d / "ca.pem"), cert=str(d / "client.pem"),
                 cert_key=str(d / "client.key"), cache=str(self.cache / "restconf"), count=count, leaves=leaves)
        return [self.py, str(REPO / "bench/py_clients.py"), client, mode, json.dumps(a)]

    def rounds(self, name: str, clients: list, argv_of, reps: int, timeout: float | None = None) -> None:
        store = self.raw.setdefault(name, {})
        for rep in range(reps):
            order = clients[rep % len(clients):] + clients[:rep % len(clients)]
            for c in order:
                t0 = time.monotonic()
                res = self.runner.run("%s/%s" % (name, c), argv_of(c), timeout=timeout)
                store.setdefault(c, []).append(res)
                log("    %-8s %-22s rep %d: %s (%.1f s)" % (name, c, rep + 1, brief(name, res), time.monotonic() - t0))

    # sections -----------------------------------------------------------------

    def netconf_connect(self) -> None:
        """1 connect + hello: one netconfd with a small configuration."""
        s = self.size
        d = self.work / "nc-connect"
        # The hello gate of netconfd-up.sh at 2 ms (not 50): it holds back what a client sends right
        # after its <hello> (a netconfd bug leaves an RPC read together with the hello unanswered),
        # so it delays the schema requests libnetconf2 makes while connecting by that much; bash's
        # gate itself runs for every client, the bare SSH one included.
        port = netconf_up(d, "0.002")
        try:
            log("  warming the shared schema cache")
            self.runner.run("warm", self.nc_argv("devconf-c", "connect", d, port, count=1))
            log("  1. connect + hello")
            self.rounds("connect", ["ssh-hello"] + NETCONF_CLIENTS,
                        lambda c: self.nc_argv(c, "connect", d, port, count=s["connect"]), s["reps"])
        finally:
            netconf_down(d)

    def netconf_small(self) -> None:
        """2 small get-config, 4 edit+commit: one netconfd with a small configuration."""
        s = self.size
        d = self.work / "nc-small"
        # the full 50 ms hello gate: only each session's first RPC waits for it, and that one is
        # never timed
        port = netconf_up(d, "0.05")
        try:
            log("  2. small get-config, sequential")
            self.rounds("getconfig", NETCONF_CLIENTS,
                        lambda c: self.nc_argv(c, "getconfig", d, port,
                                               count=s["getconfig_slow"] if c == "ncclient" else s["getconfig"]),
                        s["reps"])
            log("  4. edit-config + commit")
            self.rounds("edit", NETCONF_CLIENTS,
                        lambda c: self.nc_argv(c, "edit", d, port,
                                               count=s["edit_slow"] if c == "ncclient" else s["edit"]), s["reps"])
            self.python_hook(d, port)
        finally:
            netconf_down(d)

    def python_hook(self, d: Path, port: int) -> None:
        """bench/python_getconfig.py (owned by the Python bindings): run as a cross-check when present."""
        script = REPO / "bench" / "python_getconfig.py"
        if not script.exists():
            return
        link = d / "cache"
        if not link.exists():
            link.symlink_to(self.cache)
        count = self.size["getconfig_slow"]
        log("  (cross-check: bench/python_getconfig.py %d)" % count)
        r = subprocess.run([self.py, str(script), str(count)], env=dict(os.environ, DEVCONF_BENCH_DIR=str(d)),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        self.python_hook_output = r.stdout.strip()
        for line in r.stdout.strip().splitlines():
            log("    | " + line)

    def netconf_large(self) -> None:
        """3 full get-config of a large configuration."""
        s = self.size
        d = self.work / "nc-large"
        write_startup(d, s["full_ifaces"])
        log("  starting netconfd with %d interfaces" % s["full_ifaces"])
        port = netconf_up(d, "0.05")
        try:
            log("  3. full get-config")
            self.rounds("full", ["ssh-bytes"] + NETCONF_CLIENTS + ["devconf-c-text", "devconf-py-text"],
                        lambda c: self.nc_argv(c, "full", d, port, count=s["full_count"]), s["reps"])
        finally:
            netconf_down(d)

    def netconf_concurrent(self) -> None:
        """5 many sessions at once."""
        s = self.size
        d = self.work / "nc-conc"
        # The hello gate at 300 ms: under a storm of connections netconfd otherwise sometimes
        # leaves a client's first RPC (read together with its hello) unanswered for good, even with
        # the 50 ms default (see netconfd-up.sh). Only the connect phase waits for it.
        port = netconf_up(d, "0.3")
        try:
            log("  5. %d sessions at once (each opened on its own thread, then all get-config at once)" % s["sessions"])
            self.rounds("concurrent", NETCONF_CLIENTS + ["raw-nc-shared"],
                        lambda c: self.nc_argv(c, "concurrent", d, port, threads=s["sessions"]),
                        s["concurrent_reps"], timeout=s["concurrent_timeout"])
        finally:
            netconf_down(d)

    def restconf(self) -> None:
        """6 RESTCONF against Jetconf."""
        s = self.size
        d = self.work / "rc"
        (self.cache / "restconf").mkdir(exist_ok=True)
        port = jetconf_up(d, s["rc_leaves"])
        try:
            log("  6a. RESTCONF GET of one interface, sequential")
            self.rounds("rc-get", ["devconf-c", "devconf-py", "httpx"],
                        lambda c: self.rc_argv(c, "rc-get", d, port, s["rc_get"], s["rc_leaves"]), s["reps"])
            log("  6b. RESTCONF push of %d interface descriptions + commit" % s["rc_leaves"])
            self.rounds("rc-push", ["devconf-c", "devconf-py", "httpx"],
                        lambda c: self.rc_argv(c, "rc-push", d, port, s["rc_push"], s["rc_leaves"]), s["reps"])
        finally:
            jetconf_down(d)


def brief(name: str, res: dict) -> str:
    if "error" in res:
        return "FAILED " + res["error"]
    if "unavailable" in res:
        return "n/a: " + res["unavailable"]
    if "samples_us" in res and name not in ("concurrent", "full"):
        return "median %.3f ms of %d" % (statistics.median(res["samples_us"]) / 1e3, len(res["samples_us"]))
    if name == "full":
        return "median %.1f ms of %d, %.1f MB peak, %d bytes" % (statistics.median(res["samples_us"]) / 1e3,
                                                               len(res["samples_us"]), res["maxrss_kb"] / 1024,
                                                               res["bytes"])
    if name == "concurrent":
        return "%.0f kB/session, get wall %.1f ms, connect wall %.0f ms" % (
            res["per_session_kb"], res["get_wall_us"] / 1e3, res["connect_wall_us"] / 1e3)
    return "ok"


# ------------------------------------------------------------------ figures, targets, output

# measurement id -> (title, unit, extractor(res) -> value, lower is better)
def _med(res, skip_first=False):
    xs = res["samples_us"][1:] if skip_first and len(res["samples_us"]) > 1 else res["samples_us"]
    return statistics.median(xs) / 1e3


METRICS = [
    ("connect", "connect", "1. connect + hello (2nd and later connects: warm schema cache)", "ms",
     lambda r: _med(r, skip_first=True)),
    ("getconfig", "getconfig", "2. small get-config, per RPC (sequential, one session)", "ms", _med),
    ("full_wall", "full", "3. full get-config of the large configuration: wall time", "ms", _med),
    ("full_mem", "full", "3. full get-config of the large configuration: client peak RSS", "MB",
     lambda r: r["maxrss_kb"] / 1024),
    ("edit", "edit", "4. edit-config + commit (small configuration), per change", "ms", _med),
    ("conc_mem", "concurrent", "5. sessions at once: memory per additional session", "MB",
     lambda r: r["per_session_kb"] / 1024),
    ("conc_get", "concurrent", "5. sessions at once: wall time of all their get-configs", "ms",
     lambda r: r["get_wall_us"] / 1e3),
    ("conc_connect", "concurrent", "5. sessions at once: wall time until all are connected (300 ms hello gate)", "s",
     lambda r: r["connect_wall_us"] / 1e6),
    ("rc_get", "rc-get", "6a. RESTCONF GET of one resource, per request", "ms", _med),
    ("rc_push", "rc-push", "6b. RESTCONF push of the leaves + commit, per push", "ms", _med),
]


def figures(raw: dict) -> dict:
    out = {}
    for mid, src, title, unit, fn in METRICS:
        per = {}
        for client, runs in raw.get(src, {}).items():
            if mid == "full_mem" and client == "ssh-bytes":
                continue
            vals, notes = [], []
            for r in runs:
                if "error" in r:
                    notes.append("failed: " + r["error"])
                elif "unavailable" in r:
                    notes.append("n/a (" + r["unavailable"] + ")")
                else:
                    vals.append(fn(r))
                    if r.get("retried_after"):
                        notes.append("retried after: " + r["retried_after"])
            per[client] = {"value": median(vals), "reps": vals, "notes": sorted(set(notes))}
        out[mid] = {"title": title, "unit": unit, "clients": per}
    # 3: what each client adds to the floor (the server and the transport, measured by ssh-bytes)
    floor = out.get("full_wall", {}).get("clients", {}).get("ssh-bytes", {}).get("value")
    if floor is not None:
        per = {}
        for c, v in out["full_wall"]["clients"].items():
            if c != "ssh-bytes":
                per[c] = {"value": None if v["value"] is None else max(v["value"] - floor, 0.0), "reps": [],
                          "notes": v["notes"]}
        fo = {"title": "3. full get-config: client time above the floor (wall minus bare SSH bytes)", "unit": "ms",
              "clients": per}
        items = list(out.items())
        i = [k for k, _ in items].index("full_wall") + 1
        out = dict(items[:i] + [("full_client", fo)] + items[i:])
    # ratios to devconf C
    for mid, m in out.items():
        base = m["clients"].get("devconf-c", {}).get("value")
        for c, v in m["clients"].items():
            v["ratio_to_devconf_c"] = (v["value"] / base) if (base and v["value"] is not None) else None
    return out


def val(figs, mid, client):
    return figs.get(mid, {}).get("clients", {}).get(client, {}).get("value")


def targets(figs: dict, size: dict) -> list:
    t = []

    def add(name, ok, figure):
        t.append({"target": name, "met": ok, "figure": figure})

    def ratio(a, b):
        return a / b if (a is not None and b) else None

    for mid, label in (("getconfig", "2"), ("full_wall", "3 (wall)"), ("edit", "4")):
        r = ratio(val(figs, mid, "devconf-c"), val(figs, mid, "raw-nc"))
        add("devconf C within 1.2x of raw libnetconf2 on %s" % label, None if r is None else r <= 1.2,
            None if r is None else "%.2fx (%.3f vs %.3f %s)" % (r, val(figs, mid, "devconf-c"), val(figs, mid, "raw-nc"),
                                                               figs[mid]["unit"]))
    r = ratio(val(figs, "full_mem", "devconf-c"), val(figs, "full_mem", "raw-nc"))
    add("(also) devconf C peak memory on 3 within 1.2x of raw libnetconf2", None if r is None else r <= 1.2,
        None if r is None else "%.2fx (%.1f vs %.1f MB)" % (r, val(figs, "full_mem", "devconf-c"),
                                                             val(figs, "full_mem", "raw-nc")))
    for mid, label in (("connect", "1"), ("getconfig", "2"), ("full_wall", "3"), ("edit", "4"), ("rc_get", "6a"),
                       ("rc_push", "6b")):
        r = ratio(val(figs, mid, "devconf-py"), val(figs, mid, "devconf-c"))
        add("devconf Python within 1.5x of devconf C on %s" % label, None if r is None else r <= 1.5,
            None if r is None else "%.2fx (%.3f vs %.3f %s)" % (r, val(figs, mid, "devconf-py"),
                                                               val(figs, mid, "devconf-c"), figs[mid]["unit"]))
    r = ratio(val(figs, "getconfig", "ncclient"), val(figs, "getconfig", "devconf-c"))
    add("devconf C at least 50x faster than ncclient on 2", None if r is None else r >= 50,
        None if r is None else "%.0fx (%.3f vs %.3f ms)" % (r, val(figs, "getconfig", "ncclient"),
                                                             val(figs, "getconfig", "devconf-c")))
    r = ratio(val(figs, "full_wall", "ncclient"), val(figs, "full_wall", "devconf-c"))
    rm = ratio(val(figs, "full_mem", "ncclient"), val(figs, "full_mem", "devconf-c"))
    add("devconf C at least 3x faster than ncclient on 3, with lower peak memory",
        None if r is None or rm is None else (r >= 3 and rm > 1),
        None if r is None or rm is None else "%.2fx faster (%.0f vs %.0f ms); memory %.1f vs %.1f MB" % (
            r, val(figs, "full_wall", "ncclient"), val(figs, "full_wall", "devconf-c"),
            val(figs, "full_mem", "ncclient"), val(figs, "full_mem", "devconf-c")))
    # ncclient, like scrapli, hands back the device's text: devconf's like-for-like read is device_text
    r = ratio(val(figs, "full_wall", "ncclient"), val(figs, "full_wall", "devconf-c-text"))
    rm = ratio(val(figs, "full_mem", "ncclient"), val(figs, "full_mem", "devconf-c-text"))
    add("devconf C with device_text at least 3x faster than ncclient on 3, with lower peak memory",
        None if r is None or rm is None else (r >= 3 and rm > 1),
        None if r is None or rm is None else "%.2fx faster (%.0f vs %.0f ms); memory %.1f vs %.1f MB" % (
            r, val(figs, "full_wall", "ncclient"), val(figs, "full_wall", "devconf-c-text"),
            val(figs, "full_mem", "ncclient"), val(figs, "full_mem", "devconf-c-text")))
    r = ratio(val(figs, "full_wall", "devconf-py-text"), val(figs, "full_wall", "devconf-c-text"))
    add("devconf Python within 1.5x of devconf C on 3 with device_text", None if r is None else r <= 1.5,
        None if r is None else "%.2fx (%.1f vs %.1f ms)" % (r, val(figs, "full_wall", "devconf-py-text"),
                                                             val(figs, "full_wall", "devconf-c-text")))
    r = ratio(val(figs, "full_client", "ncclient"), val(figs, "full_client", "devconf-c"))
    add("(also) devconf C at least 3x less client time than ncclient on 3 (wall minus the bare SSH floor)",
        None if r is None else r >= 3,
        None if r is None else "%.2fx (%.1f vs %.1f ms above a floor of %.1f ms)" % (
            r, val(figs, "full_client", "ncclient"), val(figs, "full_client", "devconf-c"),
            val(figs, "full_wall", "ssh-bytes")))
    r = ratio(val(figs, "connect", "devconf-c"), val(figs, "connect", "ssh-hello"))
    add("devconf C second connect (warm cache) within 1.5x of bare SSH + hello", None if r is None else r <= 1.5,
        None if r is None else "%.2fx (%.1f vs %.1f ms)" % (r, val(figs, "connect", "devconf-c"),
                                                             val(figs, "connect", "ssh-hello")))
    for c in ("devconf-c", "devconf-py"):
        v = val(figs, "conc_mem", c)
        notes = figs.get("conc_mem", {}).get("clients", {}).get(c, {}).get("notes", [])
        crashed = [n for n in notes if n.startswith("failed")]
        add("%s: %d concurrent sessions at most 2 MB each" % (NAMES[c], size["sessions"]),
            None if v is None else v <= 2.0,
            None if v is None else "%.2f MB per session%s" % (
                v, "; BUT some repetitions crashed (%s)" % "; ".join(crashed) if crashed else ""))
    return t


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "ms":
        return "%.3f" % v if v < 10 else "%.1f" % v
    return "%.2f" % v


def fmt_ratio(r):
    return "%.0fx" % r if r >= 10 else "%.2fx" % r


def table(figs: dict, tg: list, size_name: str, size: dict) -> str:
    lines = []
    w = 34
    for mid, m in figs.items():
        lines.append("")
        lines.append("%s  [%s]" % (m["title"], m["unit"]))
        lines.append("  %-*s %12s %12s  %s" % (w, "client", m["unit"], "vs devconf C", "notes"))
        order = ["ssh-hello", "ssh-bytes", "devconf-c", "devconf-py", "raw-nc", "raw-nc-shared", "ncclient", "scrapli",
                 "httpx"]
        for c in sorted(m["clients"], key=lambda c: order.index(c) if c in order else 99):
            v = m["clients"][c]
            r = v["ratio_to_devconf_c"]
            lines.append("  %-*s %12s %12s  %s" % (w, NAMES.get(c, c), fmt(v["value"], m["unit"]),
                                                  "-" if r is None else "%.2fx" % r, "; ".join(v["notes"])[:120]))
        if mid.startswith("rc_"):
            lines.append("  %-*s %12s %12s  %s" % (w, NAMES["requests"], "n/a", "-",
                                                  "HTTP/1.1 only; Jetconf speaks HTTP/2 only (httpx is the Python column)"))
    lines.append("")
    lines.append("Targets (%s sizes%s):" % (size_name, ": indicative only" if size_name == "tiny" else ""))
    for x in tg:
        state = "n/a " if x["met"] is None else ("MET " if x["met"] else "MISSED")
        lines.append("  [%-6s] %s: %s" % (state, x["target"], x["figure"] or "no figure"))
    return "\n".join(lines)


def chart(figs: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    order = ["ssh-hello", "ssh-bytes", "devconf-c", "devconf-py", "devconf-c-text", "devconf-py-text", "raw-nc",
             "raw-nc-shared", "ncclient", "scrapli", "httpx"]
    colors = {"devconf-c": "#1b7837", "devconf-py": "#5aae61", "devconf-c-text": "#00441b", "devconf-py-text": "#a6dba0",
              "raw-nc": "#2166ac", "raw-nc-shared": "#67a9cf",
              "ncclient": "#d6604d", "scrapli": "#f4a582", "ssh-hello": "#999999", "ssh-bytes": "#999999", "httpx": "#b2abd2"}
    short = {"devconf-c": "devconf C", "devconf-py": "devconf Py", "devconf-c-text": "devconf C\ndevice_text",
             "devconf-py-text": "devconf Py\ndevice_text", "raw-nc": "raw lnc2", "raw-nc-shared":
             "raw lnc2\nshared ctx", "ncclient": "ncclient", "scrapli": "scrapli", "ssh-hello": "bare SSH\n+hello", "ssh-bytes": "bare SSH\nbytes only",
             "httpx": "httpx"}
    mids = list(figs)
    ncol = 3
    nrow = (len(mids) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(18, 5.2 * nrow))
    for ax, mid in zip(axes.flat, mids):
        m = figs[mid]
        cs = [c for c in order if c in m["clients"] and m["clients"][c]["value"] is not None]
        vs = [m["clients"][c]["value"] for c in cs]
        bars = ax.bar(range(len(cs)), vs, color=[colors.get(c, "#888") for c in cs],
                      edgecolor=["black" if c == "devconf-c" else "none" for c in cs], linewidth=1.5)
        ax.set_xticks(range(len(cs)))
        crowded = len(cs) > 6
        ax.set_xticklabels([short.get(c, c) for c in cs], fontsize=8 if crowded else 9,
                           rotation=30 if crowded else 0, ha="right" if crowded else "center")
        t = m["title"]
        ax.set_title(t if len(t) < 60 else t[:t.rfind(" ", 0, 60)] + "\n" + t[t.rfind(" ", 0, 60) + 1:], fontsize=10)
        ax.set_ylabel(m["unit"] + (" (log scale)" if vs and min(vs) > 0 and max(vs) / min(vs) > 30 else ""))
        if vs and min(vs) > 0 and max(vs) / min(vs) > 30:
            ax.set_yscale("log")
        for b, c in zip(bars, cs):
            v = m["clients"][c]["value"]
            r = m["clients"][c]["ratio_to_devconf_c"]
            label = fmt(v, m["unit"]) + ("" if r is None or c == "devconf-c" else "\n" + fmt_ratio(r))
            ax.annotate(label, (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom", fontsize=8,
                        xytext=(0, 2), textcoords="offset points")
        ax.margins(y=0.25)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(mids):]:
        ax.axis("off")
    fig.suptitle(title + "   (lower is better; label: value and ratio to devconf C, outlined)", fontsize=13)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=80)
    plt.close(fig)


def versions(py: str) -> dict:
    v = {}
    code = ("import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
            "['ncclient','scrapli','scrapli_netconf','asyncssh','paramiko','httpx','h2','matplotlib']}))")
    try:
        v.update(json.loads(subprocess.run([py, "-c", code], stdout=subprocess.PIPE, text=True).stdout))
    except (ValueError, OSError):
        pass
    for pkg in ("libnetconf2-2", "libyang2", "libssh-4", "netconfd", "openssh-server", "libcurl4"):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        if r.returncode == 0:
            v[pkg] = r.stdout
    jet = os.environ.get("DEVCONF_JETCONF_VENV", "/opt/devconf-jetconf-venv") + "/bin/python"
    r = subprocess.run([jet, "-c", "import importlib.metadata as m; print(m.version('jetconf'))"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if r.returncode == 0:
        v["jetconf"] = r.stdout.strip()
    return v


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiny", action="store_true", help="tiny sizes (CI)")
    ap.add_argument("--only", default="", help="comma list of sections: small,large,concurrent,restconf")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--render", metavar="RESULTS_JSON", help="only print the table and draw the chart of a results file")
    args = ap.parse_args()
    if args.render:
        doc = json.loads(Path(args.render).read_text())
        figs = figures(doc["raw"])
        size = doc["sizes"]
        tg = targets(figs, size)
        chart(figs, RESULTS / "chart.png", "devconf benchmark (%s sizes: %d RPCs, %d interfaces, %d sessions, %d "
              "RESTCONF leaves; %d reps)" % (doc["size"], size["getconfig"], size["full_ifaces"], size["sessions"],
                                            size["rc_leaves"], size["reps"]))
        print(table(figs, tg, doc["size"], size))
        return 0
    if os.geteuid() != 0:
        raise SystemExit("bench: must run as root (the test servers' sshd must switch users)")
    size_name = "tiny" if args.tiny else "full"
    size = SIZES[size_name]
    work = Path(tempfile.mkdtemp(prefix="devconf-bench."))
    RESULTS.mkdir(parents=True, exist_ok=True)
    b = Bench(work, size_name, sys.executable)
    t0 = time.monotonic()
    sections = [s for s in args.only.split(",") if s] or ["small", "large", "concurrent", "restconf"]
    log("devconf benchmark, %s sizes, work directory %s" % (size_name, work))
    try:
        if "small" in sections:
            b.netconf_connect()
            b.netconf_small()
        if "large" in sections:
            b.netconf_large()
        if "concurrent" in sections:
            b.netconf_concurrent()
        if "restconf" in sections:
            b.restconf()
    finally:
        for d in ("nc-connect", "nc-small", "nc-large", "nc-conc"):
            netconf_down(work / d)
        jetconf_down(work / "rc")
        if not args.keep:
            shutil.copy(work / "clients.log", RESULTS / "clients.log")
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - t0
    figs = figures(b.raw)
    tg = targets(figs, size)
    title = "devconf benchmark (%s sizes: %d RPCs, %d interfaces, %d sessions, %d RESTCONF leaves; %d reps)" % (
        size_name, size["getconfig"], size["full_ifaces"], size["sessions"], size["rc_leaves"], size["reps"])
    doc = {
        "size": size_name,
        "sizes": size,
        "elapsed_s": round(elapsed, 1),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(sys.executable),
        "figures": figs,
        "targets": tg,
        "failures": b.runner.failures,
        "raw": b.raw,
        "python_getconfig_py": getattr(b, "python_hook_output", None),
    }
    (RESULTS / "results.json").write_text(json.dumps(doc, indent=1))
    try:
        chart(figs, RESULTS / "chart.png", title)
        chart_note = str(RESULTS / "chart.png")
    except Exception as e:  # noqa: BLE001  (the table and JSON still stand)
        chart_note = "not drawn: %s" % e
    print(title)
    print(table(figs, tg, size_name, size))
    print("")
    print("results: %s   chart: %s   client log: %s   (%.0f s)" % (RESULTS / "results.json", chart_note,
                                                                   RESULTS / "clients.log", elapsed))
    if b.runner.failures:
        print("FAILED runs: " + "; ".join(b.runner.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
