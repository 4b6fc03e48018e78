"""Notification throughput and memory (bench/notify/run.sh): netconfd, one subscribed session per
consumer, a generator that makes netconfd emit notifications, and per consumer the notifications
per second it takes; then the memory of a slow consumer with the default and a small queue.

Sections (each figure a median over --reps runs; tiny: 1 run of small counts):
  generators   which generator makes netconfd emit the most notifications per second (as seen by
               a C pull subscriber): one session committing in a loop (netconf-config-change), two
               such sessions at once, or sessions opened and closed in a loop (netconf-session-start
               and -end)
  live         each consumer subscribed while the commit generator runs: min(generator, consumer)
  drain        each consumer subscribed, the generator makes N notifications first (they wait in
               the connection: devconf reads only when pulled), then the consumer takes them as
               fast as it can: the consumer's own capacity
  slow         a C consumer that sleeps per notification (slower than the generator), with the
               default queue and a small one, alone or with a get-config on its session every K
               notifications (requests read what came before their replies into the queue): peak
               RSS, dropped, and netconfd's own RSS growth (where a backlog waits otherwise)

Consumers: devconf C through a callback (devconf_subscription_dispatch), devconf C pull
(devconf_subscription_next), devconf Python (``for n in sub``), devconf Python ``sub.next(timeout)``,
ncclient (``take_notification``) when it is importable in this interpreter (the bench venv).

Writes bench/results/notify.json and prints a table. Run as root (the test sshd switches users).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUILD = Path(os.environ.get("DEVCONF_BUILD_DIR", REPO / "build"))
CLIENT = BUILD / "bench" / "notify_client"
PY_CLIENT = HERE / "py_notify_client.py"
NETCONF_UP = REPO / "tests/fixtures/netconf/netconfd-up.sh"
NETCONF_DOWN = REPO / "tests/fixtures/netconf/netconfd-down.sh"
RESULTS = REPO / "bench" / "results" / "notify.json"
YANG_PATH = "/usr/share/yuma/modules/ietf"


def have_ncclient() -> bool:
    try:
        import ncclient  # noqa: F401
    except ImportError:
        return False
    return True


class Env:
    def __init__(self, d: Path) -> None:
        self.d = d
        self.port = int((d / "port").read_text())
        self.uri = "netconf://devconf-test@127.0.0.1:%d" % self.port
        self.cache = d / "cache"
        self.env = dict(os.environ, DEVCONF_YANG_PATH=YANG_PATH, DEVCONF_LIBRARY=str(BUILD / "lib" / "libdevconf.so.0"),
                        PYTHONPATH=str(REPO / "bindings" / "python"))
        (d / "ssh_config").write_text("Host 127.0.0.1\n  UserKnownHostsFile %s\n" % (d / "known_hosts"))

    def c_args(self) -> list:
        return ["--known-hosts", str(self.d / "known_hosts"), "--key", str(self.d / "client_ed25519"),
                "--cache", str(self.cache)]

    def py_args(self) -> list:
        return ["--port", str(self.port), "--key", str(self.d / "client_ed25519"), "--known-hosts",
                str(self.d / "known_hosts"), "--ssh-config", str(self.d / "ssh_config"), "--cache", str(self.cache)]

    def netconfd_kb(self, field: str) -> int:
        pid = int((self.d / "netconfd.pid").read_text())
        for line in Path("/proc/%d/status" % pid).read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return -1


def result_of(out: str) -> dict:
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError("no RESULT line in: %s" % out[-2000:])


def generate(env: Env, kind: str, count: int) -> dict:
    r = subprocess.run([str(CLIENT), "gen-" + kind, env.uri, *env.c_args(), "--count", str(count)],
                       env=env.env, capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        raise RuntimeError("generator %s: %s" % (kind, r.stderr[-2000:]))
    return result_of(r.stdout)


class Consumer:
    """A consumer process: started, READY awaited, then GO (drain) and its RESULT."""

    def __init__(self, env: Env, name: str, count: int, wait_go: bool, extra: list | None = None) -> None:
        if name in ("dispatch", "pull"):
            cmd = [str(CLIENT), name, env.uri, *env.c_args(), "--count", str(count)] + (extra or [])
        else:
            cmd = [sys.executable, str(PY_CLIENT), name, *env.py_args(), "--count", str(count)] + (extra or [])
        if wait_go:
            cmd.append("--wait-go")
        self.p = subprocess.Popen(cmd, env=env.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if line.strip() != "READY":
            self.p.kill()
            raise RuntimeError("consumer %s did not subscribe: %s %s" % (name, line, self.p.stderr.read()[-2000:]))

    def go(self) -> None:
        self.p.stdin.write("GO\n")
        self.p.stdin.flush()

    def result(self) -> dict:
        out, err = self.p.communicate(timeout=1800)
        if self.p.returncode != 0:
            raise RuntimeError("consumer failed: %s" % err[-2000:])
        return result_of(out)


def section_generators(env: Env, n_commit: int, n_session: int) -> list:
    rows = []
    # one committer
    c = Consumer(env, "pull", n_commit, False)
    g = generate(env, "commit", n_commit)
    r = c.result()
    rows.append(dict(generator="1 session committing in a loop", ops_per_s=g["rate"], seen=r["received"],
                     notifications_per_s=r["rate"]))
    # two committers at once
    c = Consumer(env, "pull", 2 * n_commit, False)
    out = [None, None]

    def run(i: int) -> None:
        out[i] = generate(env, "commit", n_commit)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    r = c.result()
    rows.append(dict(generator="2 sessions committing at once", ops_per_s=sum(o["rate"] for o in out if o),
                     seen=r["received"], notifications_per_s=r["rate"]))
    # session churn: every event (session-start and -end of each generator session)
    c = Consumer(env, "pull", 2 * n_session, False, ["--filter", ""])
    g = generate(env, "session", n_session)
    r = c.result()
    rows.append(dict(generator="sessions opened and closed in a loop", ops_per_s=g["rate"], seen=r["received"],
                     notifications_per_s=r["rate"]))
    return rows


def run_consumer(env: Env, name: str, n: int, drain: bool) -> dict:
    c = Consumer(env, name, n, drain)
    g = generate(env, "commit", n)
    if drain:
        time.sleep(0.5)  # the last notifications reach the consumer's socket
        c.go()
    r = c.result()
    r["generator_rate"] = g["rate"]
    # end to end: from the generator's first operation to the consumer's last notification (one
    # clock, CLOCK_MONOTONIC, for every process); lag: how long after the generator's last commit
    r["e2e_rate"] = r["received"] / (r["t_last_mono_s"] - g["t0_mono_s"])
    r["lag_s"] = r["t_last_mono_s"] - g["t_end_mono_s"]
    if r["received"] != n:
        raise RuntimeError("%s took %d of %d notifications" % (name, r["received"], n))
    return r


def section_throughput(env: Env, consumers: list, n: int, reps: int, drain: bool) -> list:
    rows = []
    samples = {name: [] for name in consumers}
    for rep in range(reps):
        order = consumers[rep % len(consumers):] + consumers[:rep % len(consumers)]
        for name in order:
            samples[name].append(run_consumer(env, name, n, drain))
    for name in consumers:
        s = samples[name]
        rows.append(dict(consumer=name, notifications=n, rate=statistics.median(x["rate"] for x in s),
                         rates=[round(x["rate"], 1) for x in s],
                         e2e_rate=statistics.median(x["e2e_rate"] for x in s),
                         lag_s=statistics.median(x["lag_s"] for x in s),
                         peak_rss_kb=statistics.median(x["peak_rss_kb"] for x in s),
                         generator_rate=statistics.median(x["generator_rate"] for x in s)))
    return rows


def section_slow(env: Env, n: int, sleep_us: int, get_every: int, small_queue: int) -> list:
    rows = []
    for label, extra in (
        ("pull only, default queue (1024)", []),
        ("pull only, queue %d" % small_queue, ["--queue", str(small_queue)]),
        ("pull + get-config every %d, default queue (1024)" % get_every, ["--get-every", str(get_every)]),
        ("pull + get-config every %d, queue %d" % (get_every, small_queue),
         ["--get-every", str(get_every), "--queue", str(small_queue)]),
    ):
        nc_before = env.netconfd_kb("VmRSS")
        c = Consumer(env, "pull", n, False, ["--sleep-us", str(sleep_us), "--idle-ms", "3000"] + extra)
        nc_peak = [nc_before]
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                nc_peak[0] = max(nc_peak[0], env.netconfd_kb("VmRSS"))
                time.sleep(0.1)

        w = threading.Thread(target=watch)
        w.start()
        g = generate(env, "commit", n)
        r = c.result()
        stop.set()
        w.join()
        rows.append(dict(consumer=label, generated=n, generator_rate=g["rate"], taken=r["received"],
                         dropped=r["dropped"], device_received=r["device_received"],
                         rss_before_kb=r["rss_before_kb"], peak_rss_kb=r["peak_rss_kb"],
                         netconfd_rss_growth_kb=nc_peak[0] - nc_before))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", action="store_true", help="small counts, one run (CI: checks that it all runs)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    a = ap.parse_args()
    if not CLIENT.exists():
        raise SystemExit("%s is missing: ninja -C %s" % (CLIENT, BUILD))
    n = 40 if a.tiny else 1000
    reps = 1 if a.tiny else 3
    slow_n = 30 if a.tiny else 600
    consumers = ["dispatch", "pull", "devconf-iter", "devconf-next"] + (["ncclient"] if have_ncclient() else [])
    d = Path(tempfile.mkdtemp(prefix="devconf-notify-bench-"))
    env_up = dict(os.environ, NETCONFD_UP_TIMEOUT="180")
    if subprocess.run(["bash", str(NETCONF_UP), str(d)], env=env_up, stdout=subprocess.DEVNULL).returncode != 0:
        raise SystemExit("netconfd-up.sh failed")
    t0 = time.monotonic()
    load0 = [round(x, 2) for x in os.getloadavg()]
    try:
        env = Env(d)
        generate(env, "commit", 1)  # warms the schema cache
        out = dict(
            tiny=a.tiny, reps=reps, consumers=consumers,
            generators=section_generators(env, n, 5 if a.tiny else 60),
            live=section_throughput(env, consumers, n, reps, drain=False),
            drain=section_throughput(env, consumers, n, reps, drain=True),
            slow=section_slow(env, slow_n, 20000, 50 if not a.tiny else 10, 16),
            versions=dict(python=sys.version.split()[0], netconfd=subprocess.run(
                ["dpkg-query", "-W", "-f", "${Version}", "netconfd"], capture_output=True, text=True).stdout),
            elapsed_s=round(time.monotonic() - t0, 1),
            # the machine is shared: its load says how much of it the run had
            cpus=os.cpu_count(), loadavg_at_end=[round(x, 2) for x in os.getloadavg()],
            loadavg_at_start=load0,
        )
        if have_ncclient():
            import ncclient

            out["versions"]["ncclient"] = ncclient.__version__
    finally:
        subprocess.run(["bash", str(NETCONF_DOWN), str(d)], capture_output=True)
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    name = RESULTS.with_name("notify-tiny.json") if a.tiny else RESULTS
    name.write_text(json.dumps(out, indent=1) + "\n")
    print_table(out)
    print("\nwritten: %s (%.0f s; %d CPUs, load average %s at the start, %s at the end)" % (
        name, out["elapsed_s"], out["cpus"], out["loadavg_at_start"], out["loadavg_at_end"]))


def print_table(out: dict) -> None:
    print("Generators (notifications per second seen by a C pull subscriber):")
    for r in out["generators"]:
        print("  %-40s %8.1f notif/s  (%d seen; %.1f operations/s)" % (
            r["generator"], r["notifications_per_s"], r["seen"], r["ops_per_s"]))
    for sec, title in (("live", "Live (generator running: min(generator, consumer))"),
                       ("drain", "Drain (backlog first: the consumer's own capacity)")):
        print("\n%s, %d notifications, median of %d:" % (title, out[sec][0]["notifications"], out["reps"]))
        for r in out[sec]:
            if sec == "live":
                print("  %-14s %7.1f notif/s end to end (lag %5.2f s; first to last %7.1f)   peak RSS %5.1f MB" % (
                    r["consumer"], r["e2e_rate"], r["lag_s"], r["rate"], r["peak_rss_kb"] / 1024))
            else:
                print("  %-14s %10.1f notif/s   peak RSS %5.1f MB   runs %s%s" % (
                    r["consumer"], r["rate"], r["peak_rss_kb"] / 1024, r["rates"],
                    "   (its reader thread took them as they came: a queue pop)" if r["consumer"] == "ncclient" else ""))
    print("\nSlow consumer (C pull, sleeps 20 ms per notification):")
    for r in out["slow"]:
        print("  %-50s taken %4d of %4d, dropped %4d, peak RSS %5.1f MB (+%4.1f), netconfd +%5.1f MB" % (
            r["consumer"], r["taken"], r["generated"], r["dropped"], r["peak_rss_kb"] / 1024,
            (r["peak_rss_kb"] - r["rss_before_kb"]) / 1024, r["netconfd_rss_growth_kb"] / 1024))


if __name__ == "__main__":
    main()
