"""The fleet benchmark's driver (run it through bench/fleet/run.sh).

For each fleet size N it starts N simulated devices (tests/fixtures/fleet/fleet-up.sh, with every
device's host key scanned into known_hosts first, so no client pays for the simulator's key
generation), writes the inventory files, then runs every client row in turn as a child process and
measures that process (after one untimed warm-up pass of the floor over the fleet): wall time, user + system CPU and peak RSS (os.wait4's rusage of the child,
which includes the descendants it waited for), and the simulator's own CPU over the same time
(/proc/PID/stat). After each row that writes, ssh_floor reads every device's leaf back (untimed) and
the row is marked FAILED when a device does not hold the value the row set.

A row is one entry of ROWS: a command line template. Placeholders:

    {build} {repo} {here}      build directory, repository, bench/fleet/
    {python} {nornir_python}   the benchmark virtualenvs' interpreters
    {dir}                      the fleet's directory
    {inventory}                DIR/inventory.yaml (hosts/groups/defaults, Nornir/Ansible shape)
    {uris}                     DIR/uris.txt (netconf://admin@127.0.0.1:PORT, one a line)
    {first_port} {count}       the devices listen on 127.0.0.1:first_port .. first_port+count-1
    {known_hosts}              DIR/known_hosts ([127.0.0.1]:PORT ssh-rsa ..., every device)
    {host_key}                 strict (check against known_hosts) or none
    {concurrency}              devices in flight at once
    {value}                    the description the row must set on interface eth0 of every device
    {edit_file} {filter_file}  DIR/edit.xml (the <config> to merge into the candidate, holding
                               {value}) and DIR/filter.xml (the subtree filter of both reads)
    {user} {password_env}      user name, and the environment variable that holds the password

The child's exit status 0 means it thinks every device succeeded; it may print one line
'RESULT {"ok": N, "failed": N, ...}'. Everything it prints goes to bench/results/fleet-clients.log.
"""

import argparse
import json
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "fleet"
USER = "admin"
PASSWORD_ENV = "FLEET_PASSWORD"
IF_NS = "urn:ietf:params:xml:ns:yang:ietf-interfaces"
FILTER_XML = f'<interfaces xmlns="{IF_NS}"><interface><name>eth0</name></interface></interfaces>\n'
EDIT_XML = (
    '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
    f'<interfaces xmlns="{IF_NS}"><interface><name>eth0</name>'
    '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
    "<description>{value}</description></interface></interfaces></config>\n"
)
PY_FLEET = "{python} {here}/py_fleet.py"
DC_FLEET_BASE = "{build}/bench/fleet_devconf --inventory {inventory} --forks {concurrency}"
DC_FLEET = DC_FLEET_BASE + " --edit {edit_file} --filter {filter_file} --value {value}"
PY_ARGS = ("--concurrency {concurrency} --value {value} --host-key {host_key} --known-hosts {known_hosts} "
           "--password-env {password_env} --user {user}")


@dataclass
class Row:
    key: str                  # short name, used by --clients and in the JSON
    name: str                 # what the table shows
    cmd: str | None           # command line template; None: a slot not filled yet
    concurrency: int = 50
    writes: bool = True       # sets {value}: its result is checked by reading every device back
    needs: list = field(default_factory=list)  # placeholders that must name an existing file
    note: str = ""
    warmup: str | None = None  # run once per fleet, untimed, before the row's first repetition


ROWS = [
    Row("floor", "bare SSH floor (libssh, C threads)",
        "{build}/bench/ssh_floor --uris {uris} --pool {concurrency} --host-key {host_key} "
        "--known-hosts {known_hosts} --password-env {password_env} --user {user}",
        writes=False, needs=["{build}/bench/ssh_floor"],
        note="connect + auth + netconf subsystem + hello + one get-config, nothing else"),
    Row("ncclient", "ncclient, thread pool", f"{PY_FLEET} ncclient --uris {{uris}} {PY_ARGS}",
        needs=["{python}"]),
    Row("scrapli", "scrapli-netconf, asyncio", f"{PY_FLEET} scrapli --uris {{uris}} {PY_ARGS}",
        needs=["{python}"]),
    Row("nornir", "Nornir + nornir_netconf, threaded runner",
        f"{{nornir_python}} {{here}}/py_fleet.py nornir --inventory {{inventory}} {PY_ARGS}",
        needs=["{nornir_python}"]),
    # --- devconf ------------------------------------------------------------------------------
    # The C fleet engine (devconf_fleet_run, a callback job per device). Warm: the schema cache of
    # {dir}/devconf-cache was filled by one untimed connect of every device first, so a connect
    # sends no <get-schema> at all; cold: a new empty cache for every run (each device's modules
    # are fetched and checked against what the cache holds: the price of the first contact).
    Row("devconf-c", "devconf C fleet (warm schema cache)",
        DC_FLEET + " --cache-dir {dir}/devconf-cache",
        needs=["{build}/bench/fleet_devconf"],
        warmup=DC_FLEET_BASE + " --cache-dir {dir}/devconf-cache --op connect",
        note="devconf_fleet_run, callback job: get-config, edit-config, commit, get-config"),
    Row("devconf-c-cold", "devconf C fleet (cold: empty schema cache)",
        DC_FLEET + " --cache-dir {dir}/devconf-cache-{value}",
        needs=["{build}/bench/fleet_devconf"]),
    Row("devconf-cli", "devconf CLI --inventory (3 fan-outs)",
        "bash {here}/cli_fleet.sh {build}/cli/devconf {inventory} {concurrency} {filter_file} {edit_file} "
        "{dir}/devconf-cache",
        needs=["{build}/cli/devconf"],
        warmup=DC_FLEET_BASE + " --cache-dir {dir}/devconf-cache --op connect",
        note="devconf --inventory: get-config; edit-config --commit; get-config: each over the fleet"),
]

# --- devconf from Python (bindings/python; scripts/install-python-deps.sh's interpreter, which has
# Nornir 3.6 and Dask): one row per way a Python user runs the fleet. See devconf_py_fleet.py.
# Their schema cache is {dir}/xdg/devconf (XDG_CACHE_HOME), filled by one untimed connect pass first,
# like the C row's: every devconf row runs warm.
DEVCONF_PY = ("env XDG_CACHE_HOME={dir}/xdg DEVCONF_LIBRARY={build}/lib/libdevconf.so.0 "
              "PYTHONPATH={repo}/bindings/python "
              + os.environ.get("DEVCONF_PY_VENV", "/opt/devconf-python-venv") + "/bin/python "
              + "{here}/devconf_py_fleet.py")
_DEVCONF_PY_NEEDS = ["{build}/lib/libdevconf.so.0", os.environ.get("DEVCONF_PY_VENV", "/opt/devconf-python-venv")]
_DEVCONF_PY_WARMUP = DC_FLEET_BASE + " --cache-dir {dir}/xdg/devconf --op connect"
ROWS += [
    Row("devconf-py-threads", "devconf Python, thread pool",
        f"{DEVCONF_PY} threads --uris {{uris}} {PY_ARGS}", needs=_DEVCONF_PY_NEEDS, warmup=_DEVCONF_PY_WARMUP),
    Row("devconf-py-asyncio", "devconf Python, asyncio (devconf.aio)",
        f"{DEVCONF_PY} asyncio --uris {{uris}} {PY_ARGS}", needs=_DEVCONF_PY_NEEDS, warmup=_DEVCONF_PY_WARMUP),
    Row("devconf-py-fleet", "devconf Python, Fleet.run (C engine, Python job)",
        f"{DEVCONF_PY} fleet --inventory {{inventory}} {PY_ARGS}", needs=_DEVCONF_PY_NEEDS, warmup=_DEVCONF_PY_WARMUP),
    Row("devconf-py-nornir", "Nornir + devconf plugin, threaded runner",
        f"{DEVCONF_PY} nornir --inventory {{inventory}} {PY_ARGS}", needs=_DEVCONF_PY_NEEDS, warmup=_DEVCONF_PY_WARMUP),
    Row("devconf-py-dask", "devconf Python on Dask (2 worker processes, shards)",
        f"{DEVCONF_PY} dask --inventory {{inventory}} {PY_ARGS}", needs=_DEVCONF_PY_NEEDS, warmup=_DEVCONF_PY_WARMUP),
]


def log(msg):
    print(f"fleet_bench: {msg}", file=sys.stderr, flush=True)


def fmt(template, values):
    return template.format(**values)


def cpu_of(pid):
    """(user + system seconds, RSS MB) of a running process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / tick
        rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        return cpu, rss
    except (OSError, IndexError, ValueError):
        return float("nan"), float("nan")


def write_inventory(d, first, count, known_hosts, testtool, host_key):
    """DIR/inventory.yaml (the Nornir/Ansible shape) and DIR/uris.txt. Credentials by reference only."""
    width = max(4, len(str(count)))
    lines = [
        f"# {count} simulated NETCONF devices ({testtool}) on 127.0.0.1:{first}-{first + count - 1}",
        "# written by bench/fleet/fleet_bench.py; the shape is described in tests/fixtures/fleet/README.md",
        "defaults:",
        "  port: 830",
        "  platform: netconf",
        f"  host_key_policy: {'strict' if host_key == 'strict' else 'insecure-skip'}",
        f"  known_hosts: {known_hosts}",
        "groups:",
        "  sim:",
        f"    username: {USER}",
        f"    password_env: {PASSWORD_ENV}",
        "    platform: netconf",
        "    data:",
        "      simulator: netconf-testtool",
        "      site: loopback",
        "hosts:",
    ]
    uris = []
    for i in range(count):
        port = first + i
        lines += [f"  dev{i + 1:0{width}d}:", "    hostname: 127.0.0.1", f"    port: {port}", "    groups: [sim]"]
        uris.append(f"netconf://{USER}@127.0.0.1:{port}")
    (d / "inventory.yaml").write_text("\n".join(lines) + "\n")
    (d / "uris.txt").write_text("\n".join(uris) + "\n")


def parse_result(out):
    for line in reversed(out.splitlines()):
        if line.startswith("RESULT "):
            try:
                return json.loads(line[7:])
            except ValueError:
                return None
    return None


def run_child(argv, env, logf, label):
    """Runs argv, returns (exit status, wall s, user s, sys s, peak RSS MB, stdout)."""
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    logf.write(f"===== {label}\n$ {shlex.join(argv)}\n{text}\n")
    logf.flush()
    return p.returncode, wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024, text


def main():
    ap = argparse.ArgumentParser(description="fleet benchmark driver")
    ap.add_argument("--tiny", action="store_true", help="N = 5, one repetition (CI)")
    ap.add_argument("--sizes", default=None, help="comma-separated fleet sizes (default 10,100,1000)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 2, tiny 1)")
    ap.add_argument("--clients", default=None, help="comma-separated row keys (default: all filled rows)")
    ap.add_argument("--concurrency", type=int, default=None, help="every row's concurrency (default: per row, 50)")
    ap.add_argument("--host-key", choices=["strict", "none"], default="strict")
    ap.add_argument("--no-pin", action="store_true", help="do not pin simulator and client to different cores")
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--nornir-python", default=os.environ.get("DEVCONF_BENCH_NORNIR_VENV",
                                                               "/opt/devconf-bench-nornir-venv") + "/bin/python")
    ap.add_argument("--results", default=str(REPO / "bench" / "results"))
    ap.add_argument("--keep", action="store_true", help="keep the fleets' directories")
    args = ap.parse_args()

    sizes = [5] if args.tiny and not args.sizes else [int(s) for s in (args.sizes or "10,100,1000").split(",")]
    reps = args.reps or (1 if args.tiny else 2)
    wanted = args.clients.split(",") if args.clients else None
    if wanted:
        unknown = set(wanted) - {r.key for r in ROWS}
        if unknown:
            ap.error(f"unknown client(s) {', '.join(sorted(unknown))}; rows: {', '.join(r.key for r in ROWS)}")

    ncpu = os.cpu_count() or 1
    pin = not args.no_pin and ncpu >= 2 and shutil.which("taskset")
    sim_cpus, client_cpus = ("0", ",".join(str(c) for c in range(1, ncpu))) if pin else ("", "")
    pinning = (f"simulator pinned to CPU {sim_cpus}, clients to CPU {client_cpus} (taskset)" if pin
               else f"not pinned ({'--no-pin' if args.no_pin else 'fewer than 2 CPUs or no taskset'}): "
                    "simulator and client share the cores")
    results_dir = Path(args.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    logf = open(results_dir / "fleet-clients.log", "w")
    env = dict(os.environ, **{PASSWORD_ENV: os.environ.get(PASSWORD_ENV, "fleet-bench")})

    base_values = {"build": args.build, "repo": str(REPO), "here": str(HERE), "python": args.python,
                   "nornir_python": args.nornir_python, "host_key": args.host_key, "user": USER,
                   "password_env": PASSWORD_ENV}
    rows = []
    skipped = []
    for r in ROWS:
        if wanted and r.key not in wanted:
            continue
        if r.cmd is None:
            skipped.append((r, "slot not filled yet"))
            continue
        missing = [fmt(n, base_values) for n in r.needs if not Path(fmt(n, base_values)).exists()]
        if missing:
            skipped.append((r, f"missing {', '.join(missing)}"))
            continue
        rows.append(r)
    for r, why in skipped:
        if wanted or r.cmd is not None:
            log(f"row '{r.name}' skipped: {why}")

    report = {"pinning": pinning, "host_key": args.host_key, "reps": reps, "sizes": sizes,
              "machine": {"cpus": ncpu, "kernel": platform.release(), "python": platform.python_version()},
              "rows": {r.key: {"name": r.name, "template": r.cmd, "note": r.note} for r in ROWS},
              "fleets": {}}
    failed_any = False
    for n in sizes:
        d = Path(tempfile.mkdtemp(prefix=f"devconf-fleet-{n}-"))
        fleet = {"runs": []}
        report["fleets"][str(n)] = fleet
        try:
            # Started on every core, so that making the N host keys (about 0.2 s of CPU each) uses
            # both; pinned (every thread of the JVM) once that is done.
            log(f"N = {n}: starting the simulator and scanning {n} host keys")
            t0 = time.monotonic()
            # The simulator keeps about 145 KB per closed session: every row and its read-back
            # opens N sessions a repetition (the CLI row 3 N), so its heap is sized for the run
            # (at most three quarters of the machine's memory) unless FLEET_UP_XMX says otherwise.
            up_env = dict(os.environ)
            if "FLEET_UP_XMX" not in up_env:
                sessions = n * (reps * (2 * len(rows) + 2) + 4)
                mem_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
                xmx_mb = min(1024 + sessions * 160 // 1024, mem_mb * 3 // 4)
                up_env["FLEET_UP_XMX"] = f"{max(xmx_mb, 2048)}m"
            subprocess.run(["bash", str(FIXTURE / "fleet-up.sh"), str(d), str(n), "--known-hosts"],
                           check=True, stdout=subprocess.DEVNULL, env=up_env)
            fleet["up_s"] = round(time.monotonic() - t0, 2)
            first, count = map(int, (d / "ports").read_text().split())
            version = (d / "version").read_text().strip()
            report["simulator"] = version
            sim_pid = int((d / "simulator.pid").read_text())
            if pin:
                subprocess.run(["taskset", "-a", "-c", "-p", sim_cpus, str(sim_pid)], check=True,
                               stdout=subprocess.DEVNULL)
            fleet["sim_cpu_at_start_s"], fleet["sim_rss_at_start_mb"] = (round(x, 2) for x in cpu_of(sim_pid))
            log(f"N = {n}: up in {fleet['up_s']} s (known_hosts included); {version}")
            write_inventory(d, first, count, d / "known_hosts", version.split(" on ")[0], args.host_key)
            # One untimed pass of the floor over every device first: the simulator's JIT would
            # otherwise make the first rows of the first repetition pay for its warm-up.
            run_child([f"{args.build}/bench/ssh_floor", "--uris", str(d / "uris.txt"), "--pool", "20",
                       "--host-key", "none", "--password-env", PASSWORD_ENV, "--user", USER],
                      env, logf, f"N={n} warm-up")
            (d / "filter.xml").write_text(FILTER_XML)
            # Rows' own untimed preparation (e.g. filling a schema cache), each distinct one once.
            done_warmups = set()
            for r in rows:
                if not r.warmup:
                    continue
                wvals = dict(base_values, dir=str(d), inventory=str(d / "inventory.yaml"),
                             uris=str(d / "uris.txt"), first_port=first, count=count,
                             known_hosts=str(d / "known_hosts"), concurrency=args.concurrency or r.concurrency,
                             value="warmup", edit_file=str(d / "edit.xml"), filter_file=str(d / "filter.xml"))
                wargv = shlex.split(fmt(r.warmup, wvals))
                if tuple(wargv) in done_warmups:
                    continue
                done_warmups.add(tuple(wargv))
                wrc, wwall, *_ = run_child(wargv, env, logf, f"N={n} {r.key} warm-up")
                log(f"N = {n}: warm-up of {r.key}: {wwall:.2f} s, exit {wrc}")
            for rep in range(reps):
                order = rows[rep % len(rows):] + rows[:rep % len(rows)] if rows else []
                for r in order:
                    value = f"fleet-{r.key}-n{n}-r{rep}-{random.randrange(16**6):06x}"
                    (d / "edit.xml").write_text(EDIT_XML.format(value=value))
                    conc = args.concurrency or r.concurrency
                    vals = dict(base_values, dir=str(d), inventory=str(d / "inventory.yaml"),
                                uris=str(d / "uris.txt"), first_port=first, count=count,
                                known_hosts=str(d / "known_hosts"), concurrency=conc, value=value,
                                edit_file=str(d / "edit.xml"), filter_file=str(d / "filter.xml"))
                    argv = shlex.split(fmt(r.cmd, vals))
                    if pin:
                        argv = ["taskset", "-c", client_cpus] + argv
                    sim0, _ = cpu_of(sim_pid)
                    rc, wall, ut, st, rss, out = run_child(argv, env, logf, f"N={n} rep={rep} {r.key}")
                    sim1, sim_rss = cpu_of(sim_pid)
                    res = parse_result(out) or {}
                    verify = None
                    if r.writes:
                        vrc, *_ , vout = run_child(
                            [f"{args.build}/bench/ssh_floor", "--uris", str(d / "uris.txt"), "--pool", "20",
                             "--host-key", "none", "--password-env", PASSWORD_ENV, "--user", USER,
                             "--expect", value], env, logf, f"N={n} rep={rep} {r.key} read-back check")
                        verify = parse_result(vout) or {"ok": 0, "failed": n, "mismatch": None}
                    ok_devices = verify["ok"] if verify else res.get("ok", n if rc == 0 else 0)
                    failed = rc != 0 or ok_devices != n
                    failed_any |= failed
                    run = {"row": r.key, "rep": rep, "concurrency": conc, "value": value, "exit": rc,
                           "wall_s": round(wall, 3), "user_s": round(ut, 3), "sys_s": round(st, 3),
                           "peak_rss_mb": round(rss, 1), "sim_cpu_s": round(sim1 - sim0, 2),
                           "sim_rss_mb": round(sim_rss, 1), "client_result": res, "read_back": verify,
                           "ok_devices": ok_devices, "failed": failed}
                    fleet["runs"].append(run)
                    log(f"N = {n} rep {rep} {r.key:9s} wall {wall:7.2f} s  cpu {ut:6.2f}+{st:5.2f} s  "
                        f"rss {rss:6.1f} MB  sim cpu {sim1 - sim0:6.2f} s  "
                        f"{'ok' if not failed else f'FAILED ({ok_devices}/{n} ok, exit {rc})'}")
            fleet["sim_cpu_total_s"] = round(cpu_of(sim_pid)[0], 2)
        finally:
            subprocess.run(["bash", str(FIXTURE / "fleet-down.sh"), str(d)], check=False)
            if args.keep:
                log(f"kept {d}")
            else:
                shutil.rmtree(d, ignore_errors=True)

    # --- table: medians over the repetitions ---------------------------------------------------
    table = []
    for n in sizes:
        runs = report["fleets"][str(n)]["runs"]
        for r in rows:
            rr = [x for x in runs if x["row"] == r.key]
            if not rr:
                continue
            med = {k: statistics.median(x[k] for x in rr)
                   for k in ("wall_s", "user_s", "sys_s", "peak_rss_mb", "sim_cpu_s")}
            bad = [x for x in rr if x["failed"]]
            table.append({"n": n, "row": r.key, "name": r.name, "concurrency": rr[0]["concurrency"],
                          "reps": len(rr), **{k: round(v, 3) for k, v in med.items()},
                          "cpu_ms_per_device": round((med["user_s"] + med["sys_s"]) * 1000 / n, 2),
                          "status": "ok" if not bad else
                          f"FAILED in {len(bad)}/{len(rr)} (min {min(x['ok_devices'] for x in bad)}/{n} ok)"})
    report["table"] = table
    report["not_run"] = [{"row": r.key, "name": r.name, "why": why, "note": r.note} for r, why in skipped]
    (results_dir / "fleet.json").write_text(json.dumps(report, indent=1) + "\n")

    print(f"\nFleet benchmark: {report.get('simulator', 'simulator not started')}")
    print(f"{pinning}; host keys: {args.host_key}; medians of {reps} run(s); job per device: connect, "
          "get-config (filter), edit-config candidate, commit, get-config, close (floor: connect + hello "
          "+ one get-config)")
    hdr = f"{'N':>5}  {'client':42s} {'conc':>4} {'wall s':>8} {'CPU user+sys s':>15} {'ms/dev':>7} " \
          f"{'peak RSS MB':>11} {'sim CPU s':>9}  status"
    print(hdr)
    print("-" * len(hdr))
    for t in table:
        print(f"{t['n']:>5}  {t['name']:42s} {t['concurrency']:>4} {t['wall_s']:>8.2f} "
              f"{t['user_s']:>7.2f} + {t['sys_s']:<5.2f} {t['cpu_ms_per_device']:>7.2f} "
              f"{t['peak_rss_mb']:>11.1f} {t['sim_cpu_s']:>9.2f}  {t['status']}")
    for r, why in skipped:
        print(f"{'':>5}  {r.name:42s} {'':>4} {'-':>8}  not run: {why}")
    print(f"\nwrote {results_dir / 'fleet.json'} and {results_dir / 'fleet-clients.log'}")
    return 1 if failed_any else 0


if __name__ == "__main__":
    sys.exit(main())
