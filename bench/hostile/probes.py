#!/usr/bin/env python3
"""Before/after probes of issue 11 ("Hostile servers, faults and bad input").

Runs one devconf CLI (``--cli PATH``) against the hostile peers of the test tree (the scripted
NETCONF-over-SSH server's scenarios, tests/fixtures/netconf/sshhostile.py, the hostile RESTCONF
server tests/fixtures/restconf/hostile.py) and with bad local input, one probe per finding of the
issue, and records for each: exit status (or the signal, or "killed after 120 s"), wall time, peak
RSS of the CLI (os.wait4), what came out, and the probe's own checks (credentials at the other
server, raw C1 bytes on the terminal, the secret echoed, file modes).

    probes.py --cli build/cli/devconf --label after --json out.json [--only NAME,...]
    probes.py --combine before.json after.json > table.md

Every CLI run is bounded: killed after --kill-after seconds (120), address space limited to
--max-as MB (4096) so a runaway old binary cannot take the machine down. Every server is started
for its probe and stopped after it (and watches this process: none outlives a crash of it).

Python 3 standard library only; the peers run in the test virtualenv (DEVCONF_TEST_VENV, default
/opt/devconf-test-venv: asyncssh for the NETCONF server).
"""
import argparse
import json
import os
import pty
import re
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(REPO, "tests", "fixtures")
NCUP = os.path.join(FIX, "netconf", "scripted", "ncserver-up.sh")
NCDOWN = os.path.join(FIX, "netconf", "scripted", "ncserver-down.sh")
SSHHOSTILE = os.path.join(FIX, "netconf", "sshhostile.py")
RCHOSTILE = os.path.join(FIX, "restconf", "hostile.py")
VENV_PY = os.path.join(os.environ.get("DEVCONF_TEST_VENV", "/opt/devconf-test-venv"), "bin", "python")
SECRET_PW = "Sekr1t-pw-9"
YUMA = "/usr/share/yuma/modules/ietf"

ARGS = None
WORK = None


# ---- running the CLI ------------------------------------------------------------------------

def run_cli(argv, env=None, umask=None, tty=False, stdin=None):
    """Runs argv bounded in time and address space; returns a dict of exit, time, rss and output."""
    kill_after = ARGS.kill_after
    max_as = ARGS.max_as * 1024 * 1024

    def pre():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (max_as, max_as))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if umask is not None:
            os.umask(umask)

    full_env = dict(os.environ)
    full_env.pop("DEVCONF_PASSWORD", None)
    full_env.update(env or {})
    err_path = os.path.join(WORK, "stderr")
    keep = 256 * 1024
    with open(err_path, "wb") as err_f:
        if tty:
            master, slave = pty.openpty()
        else:
            master, slave = os.pipe()
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL, stdout=slave,
                             stderr=err_f, env=full_env, preexec_fn=pre)
        os.close(slave)
        os.set_blocking(master, False)
        killed = False
        out, total, eof = b"", 0, False

        def drain(wait):
            nonlocal out, total, eof
            while not eof:
                r, _, _ = select.select([master], [], [], wait)
                if not r:
                    return
                try:
                    d = os.read(master, 1 << 20)
                except BlockingIOError:
                    return
                except OSError:  # a pty whose other side is gone
                    eof = True
                    return
                if not d:
                    eof = True
                    return
                total += len(d)
                if len(out) < keep:
                    out += d[:keep - len(out)]
                wait = 0
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            drain(0.05)
            if not killed and time.monotonic() - t0 > kill_after:
                killed = True
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        wall = time.monotonic() - t0
        p.returncode = 0  # reaped by wait4 above
        drain(0.1)
        os.close(master)
    if killed:
        exit_s = "killed after %d s" % kill_after
    elif os.WIFSIGNALED(status):
        exit_s = "signal %s" % signal.Signals(os.WTERMSIG(status)).name
    else:
        exit_s = str(os.WEXITSTATUS(status))
    with open(err_path, "rb") as f:
        err = f.read()
    return {"exit": exit_s, "wall_s": round(wall, 1), "rss_mb": round(ru.ru_maxrss / 1024.0, 1),
            "stdout_bytes": total, "stdout_head": out[:300].decode("utf-8", "backslashreplace"),
            "stderr": err[:1500].decode("utf-8", "backslashreplace").strip(), "_stdout": out, "_stderr": err}


def has_flag(flag):
    h = subprocess.run([ARGS.cli, "--help"], capture_output=True, text=True).stdout
    return flag in h


# ---- peers ----------------------------------------------------------------------------------

class NcServer:
    """The scripted NETCONF-over-SSH server (ncserver-up.sh / ncserver-down.sh)."""

    def __init__(self, scenario=None, base="both", stall=150, extra=()):
        self.dir = tempfile.mkdtemp(prefix="nc-", dir=WORK)
        args = ["bash", NCUP, self.dir, "--announce", "hello", "--base", base, "--stall-seconds", str(stall),
                "--watch-pid", str(os.getpid()), "--max-lifetime", "1800"]
        if scenario:
            args += ["--scenario", scenario, "--scenario-rpc", "get-config"]
        args += list(extra)
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.dir, "port")) as f:
            self.port = int(f.read().strip())

    def cli(self, *opts, cache="cache"):
        return [ARGS.cli, "--known-hosts", os.path.join(self.dir, "known_hosts"),
                "--key", os.path.join(self.dir, "client_ed25519"),
                "--cache-dir", os.path.join(self.dir, cache)] + list(opts) + [self.uri()]

    def uri(self):
        return "netconf://devconf-test@127.0.0.1:%d" % self.port

    def stop(self):
        subprocess.run(["bash", NCDOWN, self.dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class PyServer:
    """A standard-library server script that writes DIR/port (hostile.py, sshhostile.py)."""

    def __init__(self, argv, pidfile):
        self.dir = tempfile.mkdtemp(prefix="srv-", dir=WORK)
        argv = [a.replace("{dir}", self.dir) for a in argv]
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        port = os.path.join(self.dir, "port")
        for _ in range(600):
            if os.path.exists(port) and open(port).read().strip():
                break
            if self.proc.poll() is not None:
                raise RuntimeError("server %s exited: %s" % (argv, open(self.log.name).read()))
            time.sleep(0.05)
        else:
            raise RuntimeError("server %s did not start" % argv)
        self.port = int(open(port).read().strip())

    def file(self, name):
        try:
            with open(os.path.join(self.dir, name)) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class RcHostile(PyServer):
    def __init__(self, scenario, tls=False):
        argv = [VENV_PY, RCHOSTILE, scenario, "{dir}"] + (["--tls"] if tls else [])
        super().__init__(argv, "hostile.pid")
        self.tls = tls

    def uri(self):
        return "%s://127.0.0.1:%d" % ("restconf" if self.tls else "restconf+http", self.port)

    def cli(self, *opts):
        a = [ARGS.cli, "--search-dir", YUMA, "--cache-dir", os.path.join(self.dir, "cache")]
        if self.tls:
            a += ["--ca-file", os.path.join(self.dir, "cert.pem")]
        return a + list(opts) + [self.uri()]

    def elsewhere(self):
        """Requests that reached the bystander server, and how many carried the credentials."""
        lines = [json.loads(x) for x in self.file("elsewhere.jsonl").splitlines() if x.strip()]
        auth = [x for x in lines if x.get("authorization")]
        return {"elsewhere_requests": len(lines), "elsewhere_with_credentials": len(auth),
                "elsewhere_first": (lines[0]["method"] + " " + lines[0]["path"] + " Authorization: " +
                                    str(lines[0].get("authorization"))) if lines else ""}


# ---- probes ---------------------------------------------------------------------------------

PROBES = []


def probe(name, finding, desc):
    def deco(fn):
        PROBES.append((name, finding, desc, fn))
        return fn
    return deco


def nc_probe(scenario, base, cli_opts, cmd, **kw):
    s = NcServer(scenario, base, **kw)
    try:
        r = run_cli(s.cli(*cli_opts) + cmd)
        log = open(os.path.join(s.dir, "server.log"), errors="replace").read()
        r["scenario_applied"] = ("scenario %s" % scenario) in log or scenario in json.dumps(
            json.load(open(os.path.join(s.dir, "stats.json")))) if scenario else None
        return r
    finally:
        s.stop()


@probe("chunk-minus-one", "1. libnetconf2 chunk header `#-1`",
       "NETCONF 1.1 server answers get-config with chunk header `#-1` + 4 KiB; `--timeout 10 get-config`")
def p_chunk_m1():
    return nc_probe("chunk-minus-one", "1.1", ["--timeout", "10"], ["get-config"])


@probe("chunk-zero", "1. libnetconf2 chunk header `#0`",
       "NETCONF 1.1 server answers get-config with chunk header `#0` + 4 KiB; `--timeout 10 get-config`")
def p_chunk_0():
    return nc_probe("chunk-zero", "1.1", ["--timeout", "10"], ["get-config"])


def rc_creds(scenario, tls, cmd):
    h = RcHostile(scenario, tls)
    try:
        r = run_cli(h.cli("--user", "admin", "--password-env", "PROBE_PW", "--timeout", "10") + cmd,
                    env={"PROBE_PW": SECRET_PW})
        r.update(h.elsewhere())
        r["secret_in_output"] = SECRET_PW.encode() in r["_stdout"] + r["_stderr"]
        return r
    finally:
        h.stop()


@probe("hostmeta-userinfo-http", "2. host-meta href `@localhost:PORT` (credential redirect)",
       "restconf+http: host-meta href `@localhost:OTHER/restconf`; basic auth; `get-config`; "
       "requests at the other server counted")
def p_hm_http():
    return rc_creds("hostmeta-userinfo", False, ["get-config"])


@probe("hostmeta-userinfo-https", "2. host-meta href `@localhost:PORT` (credential redirect)",
       "restconf (TLS): host-meta href `@localhost:OTHER/restconf`; basic auth; `get-config`")
def p_hm_https():
    return rc_creds("hostmeta-userinfo", True, ["get-config"])


@probe("schema-elsewhere-http", "2. get-schema schema URL redirect",
       "restconf+http: yang-library schema URL `http://127.0.0.1:P@localhost:OTHER/...`; basic auth; "
       "`get-schema devconf-example`")
def p_schema_http():
    return rc_creds("schema-elsewhere", False, ["get-schema", "devconf-example"])


@probe("schema-elsewhere-https", "2. get-schema schema URL redirect",
       "restconf (TLS): schema URL `https://127.0.0.1:P@localhost:OTHER/...`; basic auth; `get-schema devconf-example`")
def p_schema_https():
    return rc_creds("schema-elsewhere", True, ["get-schema", "devconf-example"])


@probe("drip", "3. --timeout: reply dripped 1 byte/s",
       "NETCONF: the get-config reply sent 1 byte per second; `--timeout 10 get-config`")
def p_drip():
    return nc_probe("drip", "both", ["--timeout", "10"], ["get-config"])


@probe("chunk-header-only", "3. --timeout: chunk header with no body",
       "NETCONF 1.1: `\\n#100\\n` and nothing more; `--timeout 10 get-config`")
def p_header_only():
    return nc_probe("chunk-header-only", "1.1", ["--timeout", "10"], ["get-config"])


@probe("huge-reply-timeout", "3. --timeout: 500 MB reply",
       "NETCONF: a 500 MB get-config reply streamed at full speed; `--timeout 10 get-config > /dev/null`")
def p_huge_timeout():
    return nc_probe("huge-reply", "both", ["--timeout", "10"], ["get-config"])


def rc_plain(scenario, opts, cmd, tls=False):
    h = RcHostile(scenario, tls)
    try:
        return run_cli(h.cli(*opts) + cmd)
    finally:
        h.stop()


@probe("drip-device-text", "3. --timeout: reply dripped 1 byte/s",
       "as `drip`, the device_text read path: `--timeout 10 get-config --device-text`")
def p_drip_dt():
    return nc_probe("drip", "both", ["--timeout", "10"], ["get-config", "--device-text"])


@probe("rc-drip", "3. --timeout: reply dripped (RESTCONF)",
       "RESTCONF: a 1 KB body dripped 1 byte per 50 ms (about 50 s); `--timeout 5 get-config --filter /devconf-example:items`")
def p_rc_drip():
    return rc_plain("drip", ["--timeout", "5"], ["get-config", "--filter", "/devconf-example:items"])


@probe("rc-stall", "3. --timeout: reply dripped (RESTCONF)",
       "RESTCONF: request read, no answer at all (30 s); `--timeout 5 get-config --filter /devconf-example:items`")
def p_rc_stall():
    return rc_plain("stall", ["--timeout", "5"], ["get-config", "--filter", "/devconf-example:items"])


def ssh_hostile(scenario):
    h = PyServer([sys.executable, SSHHOSTILE, scenario, "{dir}", "--max-seconds", "150",
                  "--watch-pid", str(os.getpid())], "sshhostile.pid")
    try:
        kh = os.path.join(h.dir, "known_hosts")
        open(kh, "w").close()
        return run_cli([ARGS.cli, "--known-hosts", kh, "--timeout", "10", "--password-env", "PROBE_PW",
                        "netconf://devconf-test@127.0.0.1:%d" % h.port, "get-config"], env={"PROBE_PW": "x"})
    finally:
        h.stop()


@probe("connect-silent", "3. --timeout: connect",
       "TCP server that accepts and never writes a byte (no SSH banner); `--timeout 10 get-config`")
def p_connect_silent():
    return ssh_hostile("silent")


@probe("connect-banner-drip", "3. --timeout: connect",
       "SSH version line dripped 1 byte/s, no key exchange; `--timeout 10 get-config`")
def p_connect_drip():
    return ssh_hostile("banner-drip")


@probe("connect-no-kex", "3. --timeout: connect",
       "proper SSH version line, key exchange never answered; `--timeout 10 get-config`")
def p_connect_nokex():
    return ssh_hostile("no-kex")


@probe("huge-reply-size", "4. size: NETCONF 500 MB reply",
       "NETCONF: a 500 MB get-config reply; `--timeout 100 get-config > /dev/null` (time enough to read it all)")
def p_huge_size():
    return nc_probe("huge-reply", "both", ["--timeout", "100"], ["get-config"])


@probe("huge-reply-device-text", "4. size: NETCONF 500 MB reply",
       "as above, the device_text read path: `--timeout 100 get-config --device-text > /dev/null`")
def p_huge_dt():
    return nc_probe("huge-reply", "both", ["--timeout", "100"], ["get-config", "--device-text"])


@probe("rc-huge", "4. size: RESTCONF 500 MB body",
       "RESTCONF: a 600 MiB chunked JSON body for /devconf-example:items; "
       "`--timeout 100 get-config --filter /devconf-example:items > /dev/null`")
def p_rc_huge():
    return rc_plain("huge", ["--timeout", "100"], ["get-config", "--filter", "/devconf-example:items"])


@probe("rc-huge-device-text", "4. size: RESTCONF 500 MB body",
       "as above, `get-config --device-text`")
def p_rc_huge_dt():
    return rc_plain("huge", ["--timeout", "100"], ["get-config", "--device-text", "--filter",
                                                   "/devconf-example:items"])


@probe("rc-gzip", "4. size: RESTCONF 500 MB body",
       "RESTCONF: a 0.5 MB gzip body that inflates to 512 MiB; `--timeout 100 get-config --filter /devconf-example:items`")
def p_rc_gzip():
    return rc_plain("gzip", ["--timeout", "100"], ["get-config", "--filter", "/devconf-example:items"])


@probe("rc-errors", "4. size: 100,000 RESTCONF errors",
       "RESTCONF: a 400 whose body holds 100,000 errors (10 MB JSON); `get-config --filter /devconf-example:items`")
def p_rc_errors():
    r = rc_plain("errors", ["--timeout", "30"], ["get-config", "--filter", "/devconf-example:items"])
    r["stderr_lines"] = r["_stderr"].count(b"\n")
    r["stderr_bytes"] = len(r["_stderr"])
    return r


@probe("rc-no-yang-library", "5. RESTCONF: no schema for the data (yang-library 404)",
       "RESTCONF: yang-library answers 404, the datastore holds devconf-example data; `get-config` (XML)")
def p_rc_nolib():
    return rc_plain("no-yang-library", ["--timeout", "10"], ["get-config"])


@probe("rc-no-yang-library-json", "5. RESTCONF: no schema for the data (yang-library 404)",
       "as above, `--format json get-config` (the server's own format)")
def p_rc_nolib_json():
    return rc_plain("no-yang-library", ["--timeout", "10", "--format", "json"], ["get-config"])


@probe("rc-http10", "5. RESTCONF: HTTP/1.0 server",
       "RESTCONF: HTTP/1.0, no Content-Type, no Content-Length (body ends at close); `get-config`")
def p_rc_http10():
    return rc_plain("http10", ["--timeout", "10"], ["get-config"])


@probe("rc-deep", "5. RESTCONF: 100,000-deep JSON",
       "RESTCONF: the datastore's JSON nests 100,000 objects; `get-config`")
def p_rc_deep():
    return rc_plain("deep", ["--timeout", "10"], ["get-config"])


@probe("rc-deep-items", "5. RESTCONF: 100,000-deep JSON",
       "RESTCONF: a list entry's leaf nests 100,000 JSON objects; `get-config --filter /devconf-example:items`")
def p_rc_deep_items():
    return rc_plain("deep", ["--timeout", "10"], ["get-config", "--filter", "/devconf-example:items"])


@probe("rc-data-404", "5. RESTCONF: 404 on a read",
       "RESTCONF: 404 with an ietf-restconf:errors body for /devconf-example:items; "
       "`get-config --filter /devconf-example:items`")
def p_rc_404():
    return rc_plain("data-404", ["--timeout", "10"], ["get-config", "--filter", "/devconf-example:items"])


@probe("payload-dev-zero", "6. local: payload /dev/zero",
       "`edit-config /dev/zero` against a normal NETCONF server")
def p_dev_zero():
    s = NcServer()
    try:
        return run_cli(s.cli("--timeout", "10") + ["edit-config", "/dev/zero"])
    finally:
        s.stop()


@probe("c1-tty", "6. local: C1 control characters to the terminal",
       "NETCONF: a description with U+009B CSI / U+009D OSC; `get-config` with stdout on a pseudo-terminal; "
       "raw C1 bytes (C2 9B) counted in what reached the terminal")
def p_c1():
    s = NcServer("c1-controls")
    try:
        r = run_cli(s.cli("--timeout", "10") + ["get-config"], tty=True)
        out = r["_stdout"]
        r["raw_c1_on_tty"] = out.count(b"\xc2\x9b") + out.count(b"\xc2\x9d")
        r["escaped_on_tty"] = out.count(b"\\u009b")
        return r
    finally:
        s.stop()


@probe("unwrap-config", "6. local: `<data>/>` / `<config>/>` unwrap",
       "CLI route to `devconf__unwrap_element`: `edit-config FILE` with FILE = `<config>/>` (normal NETCONF "
       "server); `<data>/>` has no CLI route (a RESTCONF datastore body): unit test only")
def p_unwrap():
    s = NcServer()
    try:
        f = os.path.join(s.dir, "payload.xml")
        with open(f, "w") as fh:
            fh.write("<config>/>")
        r = run_cli(s.cli("--timeout", "10") + ["edit-config", f])
        stats = json.load(open(os.path.join(s.dir, "stats.json")))
        r["edit_config_sent"] = "edit-config" in json.dumps(stats)
        return r
    finally:
        s.stop()


@probe("password-env-echo", "6. local: --password-env echo",
       "`--password-env 'Sekr1t pw!' get` (the password given by mistake); is `Sekr1t` on stderr?")
def p_pwenv():
    s = NcServer()
    try:
        r = run_cli([ARGS.cli, "--known-hosts", os.path.join(s.dir, "known_hosts"), "--password-env", "Sekr1t pw!",
                     "--timeout", "10", s.uri(), "get"])
        r["secret_echoed"] = b"Sekr1t" in r["_stderr"] + r["_stdout"]
        return r
    finally:
        s.stop()


@probe("umask-000", "6. local: file modes under umask 000",
       "umask 000; `--hostkey accept-new --known-hosts NEWDIR/known_hosts --cache-dir NEWCACHE capabilities`; "
       "modes of known_hosts, its new directory and every cache file/directory")
def p_umask():
    s = NcServer()
    try:
        kh = os.path.join(s.dir, "new", "known_hosts")
        cache = os.path.join(s.dir, "cache000")
        r = run_cli([ARGS.cli, "--hostkey", "accept-new", "--known-hosts", kh, "--key",
                     os.path.join(s.dir, "client_ed25519"), "--cache-dir", cache, "--timeout", "10", s.uri(),
                     "capabilities"], umask=0)

        def mode(p):
            try:
                return "%o" % stat.S_IMODE(os.stat(p).st_mode)
            except OSError as e:
                return "missing (%s)" % e.strerror
        r["known_hosts_mode"] = mode(kh)
        r["known_hosts_dir_mode"] = mode(os.path.dirname(kh))
        files, loose = 0, []
        for root, dirs, fs in os.walk(cache):
            for d in dirs:
                m = stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode)
                if m != 0o700:
                    loose.append("%s/ %o" % (os.path.relpath(os.path.join(root, d), cache), m))
            for f in fs:
                files += 1
                m = stat.S_IMODE(os.stat(os.path.join(root, f)).st_mode)
                if m != 0o600:
                    loose.append("%s %o" % (os.path.relpath(os.path.join(root, f), cache), m))
        r["cache_root_mode"] = mode(cache)
        r["cache_files"] = files
        r["cache_not_private"] = len(loose)
        r["cache_not_private_examples"] = loose[:4]
        return r
    finally:
        s.stop()


# ---- the table ------------------------------------------------------------------------------

def summary(r):
    """One cell: exit / time / RSS, then the probe's own checks and the first line of stderr."""
    if r is None:
        return "not run"
    if "error" in r:
        return "probe failed: %s" % r["error"]
    cell = "exit %s, %.1f s, %.0f MB" % (r["exit"], r["wall_s"], r["rss_mb"])
    notes = ["stdout %d B" % r["stdout_bytes"]]
    for k in ("elsewhere_requests", "elsewhere_with_credentials", "raw_c1_on_tty", "escaped_on_tty", "secret_echoed",
              "known_hosts_mode", "known_hosts_dir_mode", "cache_files", "cache_not_private", "edit_config_sent",
              "stderr_lines"):
        if k in r:
            notes.append("%s=%s" % (k, r[k]))
    msg = ""
    if r.get("stderr"):
        lines = [ln for ln in r["stderr"].splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("devconf:") and "warning:" not in ln]
        others = [ln for ln in lines if "warning:" not in ln]
        msg = (errors[-1:] or others[:1] or lines[:1] or [""])[0]
        if len(msg) > 220:
            msg = msg[:220] + "..."
    cell += "; " + ", ".join(notes)
    if msg:
        cell += "; `" + msg.replace("`", "'").replace("|", "\\|") + "`"
    return cell


def combine(before_path, after_path):
    b = json.load(open(before_path))
    a = json.load(open(after_path))
    lines = ["| finding | probe | before (%s) | after (%s) |" % (b["cli_version"], a["cli_version"]),
             "|---|---|---|---|"]
    for p in a["probes"]:
        pb = next((x for x in b["probes"] if x["name"] == p["name"]), None)
        lines.append("| %s | %s | %s | %s |" % (p["finding"], p["desc"].replace("|", "\\|"),
                                               summary(pb["result"] if pb else None), summary(p["result"])))
    return "\n".join(lines) + "\n"


def main():
    global ARGS, WORK
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", help="the devconf CLI to probe")
    ap.add_argument("--label", default="run")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--only", help="comma-separated probe names")
    ap.add_argument("--kill-after", type=int, default=120)
    ap.add_argument("--max-as", type=int, default=4096, help="address space limit of the CLI, MB")
    ap.add_argument("--combine", nargs=2, metavar=("BEFORE_JSON", "AFTER_JSON"))
    ap.add_argument("--list", action="store_true")
    ARGS = ap.parse_args()
    if ARGS.list:
        for n, f, d, _ in PROBES:
            print("%-26s %s" % (n, f))
        return 0
    if ARGS.combine:
        sys.stdout.write(combine(*ARGS.combine))
        return 0
    if not ARGS.cli:
        ap.error("--cli is required")
    ARGS.cli = os.path.abspath(ARGS.cli)
    only = set(ARGS.only.split(",")) if ARGS.only else None
    WORK = tempfile.mkdtemp(prefix="devconf-probes-")
    version = subprocess.run([ARGS.cli, "--version"], capture_output=True, text=True).stdout.strip()
    results = {"label": ARGS.label, "cli": ARGS.cli, "cli_version": version, "max_payload_flag":
               has_flag("--max-payload"), "probes": []}
    if only and ARGS.json and os.path.exists(ARGS.json):
        # --only into an existing file: the probes run now replace theirs, the others are kept
        prev = json.load(open(ARGS.json))
        if prev.get("cli") == ARGS.cli:
            results["probes"] = [p for p in prev["probes"] if p["name"] not in only]
    try:
        for name, finding, desc, fn in PROBES:
            if only and name not in only:
                continue
            sys.stderr.write("probe %s ... " % name)
            sys.stderr.flush()
            try:
                r = fn()
            except Exception as e:  # a probe whose peer failed is reported, not fatal
                r = {"error": "%s: %s" % (type(e).__name__, e)}
            for k in [k for k in r if k.startswith("_")]:
                del r[k]
            sys.stderr.write("%s\n" % summary(r))
            results["probes"].append({"name": name, "finding": finding, "desc": desc, "result": r})
            order = [n for n, _, _, _ in PROBES]
            results["probes"].sort(key=lambda p: order.index(p["name"]) if p["name"] in order else len(order))
            if ARGS.json:
                with open(ARGS.json, "w") as f:
                    json.dump(results, f, indent=1)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print("| finding | probe | %s |" % ARGS.label)
    print("|---|---|---|")
    for p in results["probes"]:
        print("| %s | %s | %s |" % (p["finding"], p["desc"].replace("|", "\\|"), summary(p["result"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
