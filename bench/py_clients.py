#!/usr/bin/env python3
"""The Python clients of the benchmark, one measurement per run (bench/bench.py calls this).

    py_clients.py CLIENT MODE JSON_ARGS

CLIENT: devconf-py (the ctypes package in bindings/python over build/lib/libdevconf.so.0),
ncclient, scrapli (scrapli-netconf over asyncssh), httpx (RESTCONF, HTTP/2).
MODE: connect, getconfig, full, edit, concurrent (NETCONF); rc-get, rc-push (RESTCONF): the same
work as the C clients (see devconf_bench.c). JSON_ARGS: host, port, user, key, known_hosts,
cache, count, threads, leaves, ca, cert, cert_key, ssh_config.

Prints one line "RESULT {json}" like the C clients; "RESULT {"unavailable": "why"}" when the
client cannot run here (for example the devconf package is not built yet).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IF_NS = "urn:ietf:params:xml:ns:yang:ietf-interfaces"
# The same small filter for every NETCONF client: one interface, as a subtree filter.
SMALL_SUBTREE = '<interfaces xmlns="%s"><interface><name>eth0</name></interface></interfaces>' % IF_NS
EDIT_XML = ('<interfaces xmlns="%s"><interface><name>eth0</name><description>%%s edit %%d</description>'
            "</interface></interfaces>" % IF_NS)
RC_PATH = "/ietf-interfaces:interfaces/interface[name='eth0']"
NC_CONFIG_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"


def now_us() -> float:
    return time.perf_counter() * 1e6


def status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def result(**kw) -> None:
    sys.stdout.flush()
    print("RESULT " + json.dumps(kw), flush=True)


# ---------------------------------------------------------------- clients
# Each client class: open() -> session, small_get(s), full_get(s) -> bytes, edit(s, i), close(s).


class DevconfPy:
    name = "devconf-py"

    def __init__(self, a: dict) -> None:
        build = Path(os.environ.get("DEVCONF_BUILD_DIR") or REPO / "build")
        os.environ.setdefault("DEVCONF_LIBRARY", str(build / "lib" / "libdevconf.so.0"))
        sys.path.insert(0, str(REPO / "bindings" / "python"))
        import devconf  # noqa: F401  (ImportError: reported as unavailable)

        self.devconf = devconf
        self.a = a

    def open(self):
        a = self.a
        if a.get("restconf"):
            return self.devconf.connect(
                "restconf://127.0.0.1:%d" % a["port"], ca_file=a["ca"], client_cert=a["cert"],
                client_key=a["cert_key"], cache_dir=a["cache"], connect_timeout=120, timeout=120)
        return self.devconf.connect(
            "netconf://%s@127.0.0.1:%d" % (a["user"], a["port"]), key_filename=a["key"],
            known_hosts=a["known_hosts"], cache_dir=a["cache"], connect_timeout=120, timeout=120)

    def small_get(self, s) -> None:
        out = s.get_config("running", SMALL_SUBTREE)
        if "eth0" not in out:
            raise SystemExit("devconf-py: unexpected reply %r" % out[:200])

    def full_get(self, s) -> int:
        return len(s.get_config("running"))

    def edit(self, s, i: int) -> None:
        s.edit_config(EDIT_XML % ("devconf Python", i), target="candidate")
        s.commit()

    def discard(self, s) -> None:
        s.discard_changes()

    def rc_get(self, s) -> None:
        out = s.get_config("running", RC_PATH, format="json")
        if "eth0" not in out:
            raise SystemExit("devconf-py: unexpected reply %r" % out[:200])

    def rc_push(self, s, i: int, leaves: int) -> None:
        s.edit_config({"ietf-interfaces:interfaces": {"interface": [
            {"name": "eth%d" % k, "description": "devconf Python push %d" % i} for k in range(leaves)]}},
            target="candidate")
        s.commit()

    def close(self, s) -> None:
        s.close()


class Ncclient:
    name = "ncclient"

    def __init__(self, a: dict) -> None:
        from ncclient import manager

        self.manager = manager
        self.a = a

    def open(self):
        a = self.a
        # host key checked against the device's known_hosts, as for every client
        return self.manager.connect(
            host="127.0.0.1", port=a["port"], username=a["user"], key_filename=a["key"],
            hostkey_verify=True, ssh_config=a["ssh_config"], look_for_keys=False, allow_agent=False,
            timeout=120)

    def small_get(self, s) -> None:
        r = s.get_config(source="running", filter=("subtree", SMALL_SUBTREE))
        if "eth0" not in r.xml:
            raise SystemExit("ncclient: unexpected reply")

    def full_get(self, s) -> int:
        return len(s.get_config(source="running").xml)

    def edit(self, s, i: int) -> None:
        s.edit_config(target="candidate", config='<config xmlns="%s">%s</config>' % (NC_CONFIG_NS, EDIT_XML % ("ncclient", i)))
        s.commit()

    def discard(self, s) -> None:
        s.discard_changes()

    def close(self, s) -> None:
        s.close_session()


class Scrapli:
    """scrapli-netconf over asyncssh (its system transport forces a PTY, which the test sshd refuses
    with PermitTTY no; its paramiko transport only takes RSA keys). Each session runs its own event
    loop, so the calls stay synchronous and threads work as for the other clients."""

    name = "scrapli"

    def __init__(self, a: dict) -> None:
        import asyncio

        from scrapli_netconf.driver import AsyncNetconfDriver

        self.asyncio = asyncio
        self.Driver = AsyncNetconfDriver
        self.a = a

    class _S:
        def __init__(self, loop, conn) -> None:
            self.loop, self.conn = loop, conn

        def run(self, coro):
            return self.loop.run_until_complete(coro)

    def open(self):
        a = self.a
        loop = self.asyncio.new_event_loop()
        conn = self.Driver(
            host="127.0.0.1", port=a["port"], auth_username=a["user"], auth_private_key=a["key"],
            auth_strict_key=True, ssh_known_hosts_file=a["known_hosts_noport"], ssh_config_file=False,
            transport="asyncssh", timeout_socket=120, timeout_transport=120, timeout_ops=120)
        s = self._S(loop, conn)
        s.run(conn.open())
        return s

    @staticmethod
    def _check(r) -> str:
        if r.failed:
            raise SystemExit("scrapli: rpc failed: %s" % r.result[:300])
        return r.result

    def small_get(self, s) -> None:
        r = s.run(s.conn.get_config(source="running", filter_=SMALL_SUBTREE, filter_type="subtree"))
        if "eth0" not in self._check(r):
            raise SystemExit("scrapli: unexpected reply")

    def full_get(self, s) -> int:
        return len(self._check(s.run(s.conn.get_config(source="running"))))

    def edit(self, s, i: int) -> None:
        self._check(s.run(s.conn.edit_config(config="<config>%s</config>" % (EDIT_XML % ("scrapli", i)),
                                             target="candidate")))
        self._check(s.run(s.conn.commit()))

    def discard(self, s) -> None:
        s.run(s.conn.discard())

    def close(self, s) -> None:
        s.run(s.conn.close())
        s.loop.close()


class Httpx:
    name = "httpx"
    MT = "application/yang.api+json"  # Jetconf's (draft) media type

    def __init__(self, a: dict) -> None:
        import httpx

        self.httpx = httpx
        self.a = a
        self.base = "https://127.0.0.1:%d" % a["port"]

    def open(self):
        a = self.a
        import ssl

        # httpx 0.28: the client certificate goes into the SSL context (its deprecated cert= argument
        # is not applied together with verify=<CA file>, and Jetconf then drops the connection)
        tls = ssl.create_default_context(cafile=a["ca"])
        tls.load_cert_chain(a["cert"], a["cert_key"])
        c = self.httpx.Client(http2=True, verify=tls, timeout=120, headers={"Accept": self.MT})
        c.get(self.base + "/restconf").raise_for_status()
        return c

    def rc_get(self, c) -> None:
        r = c.get(self.base + "/restconf_running/data/ietf-interfaces:interfaces/interface=eth0")
        r.raise_for_status()
        if r.http_version != "HTTP/2":
            raise SystemExit("httpx: not HTTP/2")
        if r.json()["ietf-interfaces:interface"][0]["name"] != "eth0":
            raise SystemExit("httpx: unexpected reply")

    def rc_push(self, c, i: int, leaves: int) -> None:
        # Jetconf has no PATCH: replace the list with every entry (its mandatory type included).
        body = {"ietf-interfaces:interfaces": {"interface": [
            {"name": "eth%d" % k, "type": "iana-if-type:ethernetCsmacd", "enabled": True,
             "description": "httpx push %d" % i} for k in range(leaves)]}}
        r = c.put(self.base + "/restconf/data/ietf-interfaces:interfaces", content=json.dumps(body),
                  headers={"Content-Type": self.MT})
        r.raise_for_status()
        c.post(self.base + "/restconf/operations/jetconf:conf-commit").raise_for_status()

    def close(self, c) -> None:
        c.close()


class DevconfPyText(DevconfPy):
    """devconf from Python with device_text=True: the device's XML, never parsed."""

    name = "devconf-py-text"

    def small_get(self, s) -> None:
        out = s.get_config("running", SMALL_SUBTREE, device_text=True)
        if "eth0" not in out:
            raise SystemExit("devconf-py-text: unexpected reply %r" % out[:200])

    def full_get(self, s) -> int:
        return len(s.get_config("running", device_text=True))


CLIENTS = {"devconf-py": DevconfPy, "devconf-py-text": DevconfPyText, "ncclient": Ncclient, "scrapli": Scrapli,
           "httpx": Httpx}


# ---------------------------------------------------------------- modes


def mode_connect(cl, a) -> None:
    t = []
    for _ in range(a["count"]):
        t0 = now_us()
        s = cl.open()
        t.append(now_us() - t0)
        cl.close(s)
    result(samples_us=t)


def timed_loop(cl, s, fn, n) -> list:
    t = []
    for i in range(n):
        t0 = now_us()
        fn(s, i)
        t.append(now_us() - t0)
    return t


def mode_getconfig(cl, a) -> None:
    s = cl.open()
    cl.small_get(s)
    t = timed_loop(cl, s, lambda s, i: cl.small_get(s), a["count"])
    cl.close(s)
    result(samples_us=t)


def mode_full(cl, a) -> None:
    s = cl.open()
    cl.small_get(s)  # the session's first RPC is never timed (the test server's hello gate holds it)
    rss = status_kb("VmRSS")
    reset = reset_peak()
    t, hwm, n = [], 0, 0
    for i in range(a["count"]):
        t0 = now_us()
        n = cl.full_get(s)
        t.append(now_us() - t0)
        if i == 0:
            hwm = status_kb("VmHWM")  # the peak of one get-config
    cl.close(s)
    out = dict(samples_us=t, bytes=n, rss_before_kb=rss)
    if reset:
        out["peak_during_kb"] = hwm
    result(**out)


def mode_edit(cl, a) -> None:
    s = cl.open()
    cl.discard(s)
    t = timed_loop(cl, s, cl.edit, a["count"])
    cl.close(s)
    result(samples_us=t)


def mode_concurrent(cl, a) -> None:
    n = a["threads"]
    rss0 = status_kb("VmRSS")
    first = cl.open()
    cl.small_get(first)
    rss1 = status_kb("VmRSS")
    connected = threading.Barrier(n)
    go = threading.Barrier(n)
    done = threading.Barrier(n)
    release = threading.Barrier(n)
    lat = [0.0] * n
    errors = []

    def worker(idx: int) -> None:
        s = None
        try:
            s = cl.open()
        except BaseException as e:  # noqa: BLE001  (reported below)
            errors.append(repr(e))
            for b in (connected, go, done, release):
                b.abort()
            return
        try:
            cl.small_get(s)  # warm-up: the session's first RPC is never timed
            connected.wait()
            go.wait()
            t0 = now_us()
            cl.small_get(s)
            lat[idx] = now_us() - t0
            done.wait()
            release.wait()
        except threading.BrokenBarrierError:
            pass
        finally:
            cl.close(s)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(1, n)]
    t0 = now_us()
    for th in threads:
        th.start()
    try:
        connected.wait()
        connect_wall = now_us() - t0
        t1 = now_us()
        go.wait()
        g0 = now_us()
        cl.small_get(first)
        lat[0] = now_us() - g0
        done.wait()
        get_wall = now_us() - t1
        rssn = status_kb("VmRSS")
        release.wait()
    except threading.BrokenBarrierError:
        raise SystemExit("%s: a session failed to open: %s" % (cl.name, errors[:1]))
    for th in threads:
        th.join()
    cl.close(first)
    result(sessions=n, connect_wall_us=connect_wall, get_wall_us=get_wall, samples_us=lat, rss_base_kb=rss0,
           rss_one_kb=rss1, rss_all_kb=rssn, per_session_kb=(rssn - rss1) / (n - 1) if n > 1 else 0)


def mode_rc_get(cl, a) -> None:
    s = cl.open()
    cl.rc_get(s)
    t = timed_loop(cl, s, lambda s, i: cl.rc_get(s), a["count"])
    cl.close(s)
    result(samples_us=t)


def mode_rc_push(cl, a) -> None:
    s = cl.open()
    t = timed_loop(cl, s, lambda s, i: cl.rc_push(s, i, a["leaves"]), a["count"])
    cl.close(s)
    result(samples_us=t)


MODES = {"connect": mode_connect, "getconfig": mode_getconfig, "full": mode_full, "edit": mode_edit,
         "concurrent": mode_concurrent, "rc-get": mode_rc_get, "rc-push": mode_rc_push}


def main() -> int:
    if len(sys.argv) != 4 or sys.argv[1] not in CLIENTS or sys.argv[2] not in MODES:
        print(__doc__, file=sys.stderr)
        return 2
    a = json.loads(sys.argv[3])
    try:
        cl = CLIENTS[sys.argv[1]](a)
    except ImportError as e:
        result(unavailable="%s (%s)" % (type(e).__name__, e))
        return 0
    MODES[sys.argv[2]](cl, a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
