"""The Python peers of the fleet benchmark (bench/fleet/run.sh), one client per process.

Per device, the job every client does: connect (password; host key checked or not, as asked),
<get-config> of running with a small subtree filter, <edit-config> of one leaf (an interface's
description) in the candidate, <commit>, <get-config> again to read the leaf back, close.

    py_fleet.py ncclient --uris FILE [--concurrency 50] --value V [--known-hosts F] [--host-key P]
    py_fleet.py scrapli  --uris FILE [--concurrency 50] --value V [--known-hosts F] [--host-key P]
    py_fleet.py nornir   --inventory FILE [--concurrency 50] --value V [--known-hosts F] [--host-key P]

  ncclient  manager.connect() per device on a ThreadPoolExecutor of --concurrency threads
  scrapli   scrapli-netconf's AsyncNetconfDriver over asyncssh, --concurrency jobs at once
            (asyncio.Semaphore). scrapli's hello starts with a newline, which the simulator
            refuses (an XML declaration must come first): patched below, as a user would.
  nornir    nornir_netconf's tasks on Nornir's threaded runner (num_workers = --concurrency),
            inventory read from the benchmark's inventory.yaml (run from its own virtualenv:
            nornir_netconf 2.1.0 does not import with nornir 3.6, see bench/README.md)

--host-key strict checks every device's key against --known-hosts (ncclient and nornir: the
fingerprint compared in ncclient's unknown_host_cb, see ncclient_host_key_args; scrapli: asyncssh's
own known_hosts check, given through transport_options, since scrapli's own check looks keys up by
host name without the port); none skips the check. The password comes from the environment
variable --password-env (default FLEET_PASSWORD).

Prints the first errors on stderr and one line
    RESULT {"devices": N, "ok": N, "failed": N, "mismatch": N, "wall_s": S}
exit status 0 when every device succeeded with the leaf read back equal to --value, else 1.
"""

import argparse
import json
import os
import re
import sys
import threading
import time

IF_NS = "urn:ietf:params:xml:ns:yang:ietf-interfaces"
FILTER = f'<interfaces xmlns="{IF_NS}"><interface><name>eth0</name></interface></interfaces>'
CONFIG = (
    '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
    f'<interfaces xmlns="{IF_NS}"><interface><name>eth0</name>'
    '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
    "<description>{value}</description></interface></interfaces></config>"
)
DESC_RE = re.compile(r"<(?:\w+:)?description>([^<]*)</(?:\w+:)?description>")
MAX_REPORTED = 5


class Tally:
    """Counts of the run, safe from several threads."""

    def __init__(self, devices):
        self.devices = devices
        self.ok = self.failed = self.mismatch = self.reported = 0
        self.lock = threading.Lock()

    def done(self, dev, got, want, error=None):
        with self.lock:
            if error is None and got == want:
                self.ok += 1
                return
            self.failed += 1
            if error is None:
                self.mismatch += 1
                error = f"read back {got!r}, expected {want!r}"
            self.reported += 1
            if self.reported <= MAX_REPORTED:
                print(f"py_fleet: {dev[0]}:{dev[1]}: {error}", file=sys.stderr)

    def result(self, wall):
        return {"devices": self.devices, "ok": self.ok, "failed": self.failed,
                "mismatch": self.mismatch, "wall_s": round(wall, 3)}


def read_uris(path, default_user):
    """netconf://[user@]host[:port] lines -> [(host, port, user)]."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"netconf://(?:([^@/]+)@)?([^:/\[\]]+|\[[^\]]+\])(?::(\d+))?/?", line)
            if not m:
                raise SystemExit(f"py_fleet: {path}: not a netconf:// URI: {line}")
            out.append((m.group(2).strip("[]"), int(m.group(3) or 830), m.group(1) or default_user))
    return out


def read_known_hosts(path):
    """known_hosts lines '[host]:port type base64' (or 'host type base64') -> {(host, port): b64}."""
    keys = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or line.startswith("#"):
                continue
            m = re.fullmatch(r"\[([^\]]+)\]:(\d+)", parts[0])
            keys[(m.group(1), int(m.group(2))) if m else (parts[0], 22)] = parts[2]
    return keys


def ncclient_host_key_args(policy, keys, host, port):
    """ncclient's arguments for a host key check against the key known for host:port.

    ncclient's own ways (hostkey_b64=, or known_hosts) both restrict the key negotiation to the
    key's name, "ssh-rsa" for the simulator's RSA keys, which paramiko 5 no longer has as a
    signature algorithm (KeyError: 'ssh-rsa'). So: hostkey_verify=True with ncclient's documented
    unknown_host_cb, which compares the server key's fingerprint with the known one (nothing
    else is known to ncclient: it loads only ~/.ssh/known_hosts)."""
    if policy != "strict":
        return {"hostkey_verify": False}
    import base64
    import hashlib

    b64 = keys.get((host, port))
    want = None
    if b64:
        digest = hashlib.md5(base64.b64decode(b64)).hexdigest()  # noqa: S324 - ncclient's fingerprint
        want = ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
    return {"hostkey_verify": True, "unknown_host_cb": lambda _host, fingerprint: fingerprint == want}


def first_description(xml):
    m = DESC_RE.search(xml)
    return m.group(1) if m else None


# --- ncclient, a thread pool ---------------------------------------------------------------------
def run_ncclient(args, password):
    from concurrent.futures import ThreadPoolExecutor

    from ncclient import manager

    devs = read_uris(args.uris, args.user)
    keys = read_known_hosts(args.known_hosts) if args.host_key == "strict" else {}
    tally = Tally(len(devs))

    def job(dev):
        host, port, user = dev
        kw = dict(host=host, port=port, username=user, password=password, look_for_keys=False,
                  allow_agent=False, timeout=30)
        kw.update(ncclient_host_key_args(args.host_key, keys, host, port))
        try:
            with manager.connect(**kw) as m:
                m.get_config(source="running", filter=("subtree", FILTER))
                m.edit_config(target="candidate", config=CONFIG.format(value=args.value))
                m.commit()
                got = first_description(m.get_config(source="running", filter=("subtree", FILTER)).data_xml)
            tally.done(dev, got, args.value)
        except Exception as e:  # noqa: BLE001 - a device's failure is counted, the run goes on
            tally.done(dev, None, args.value, f"{type(e).__name__}: {e}")

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(job, devs))
    return tally.result(time.monotonic() - t0)


# --- scrapli-netconf, asyncio --------------------------------------------------------------------
def patch_scrapli_hello():
    """scrapli-netconf's hello text starts with a newline before the XML declaration; the simulator
    refuses that ("The processing instruction target matching [xX][mM][lL] is not allowed") and
    the session hangs. Send the same hello without the leading whitespace."""
    from scrapli_netconf.channel.base_channel import BaseNetconfChannel

    def _pre_send_client_capabilities(self, client_capabilities):
        hello = client_capabilities.value.lstrip()
        self.logger.debug(f"attempting to send capabilities: {client_capabilities}")
        self.write(hello)
        return hello.encode()

    BaseNetconfChannel._pre_send_client_capabilities = _pre_send_client_capabilities


def run_scrapli(args, password):
    import asyncio

    patch_scrapli_hello()
    import asyncssh
    from scrapli_netconf.driver import AsyncNetconfDriver

    devs = read_uris(args.uris, args.user)
    tally = Tally(len(devs))
    asyncssh_opts = {}
    if args.host_key == "strict":
        with open(args.known_hosts, encoding="utf-8") as f:
            asyncssh_opts["known_hosts"] = asyncssh.import_known_hosts(f.read())  # parsed once

    async def job(dev, sem):
        host, port, user = dev
        async with sem:
            conn = AsyncNetconfDriver(
                host=host, port=port, auth_username=user, auth_password=password,
                auth_strict_key=False, transport="asyncssh", timeout_socket=30, timeout_transport=30,
                timeout_ops=30, transport_options={"asyncssh": dict(asyncssh_opts)})
            try:
                await conn.open()
                try:
                    for r in (await conn.get_config(source="running", filter_=FILTER, filter_type="subtree"),
                              await conn.edit_config(config=CONFIG.format(value=args.value), target="candidate"),
                              await conn.commit()):
                        if r.failed:
                            raise RuntimeError(f"rpc failed: {r.result[:200]}")
                    r = await conn.get_config(source="running", filter_=FILTER, filter_type="subtree")
                    got = first_description(r.result)
                finally:
                    await conn.close()
                tally.done(dev, got, args.value)
            except Exception as e:  # noqa: BLE001
                tally.done(dev, None, args.value, f"{type(e).__name__}: {e}")

    async def main():
        sem = asyncio.Semaphore(args.concurrency)
        await asyncio.gather(*(job(d, sem) for d in devs))

    t0 = time.monotonic()
    asyncio.run(main())
    return tally.result(time.monotonic() - t0)


# --- Nornir + nornir_netconf -----------------------------------------------------------------------
def run_nornir(args, password):
    import tempfile

    from nornir import InitNornir
    from nornir.core.inventory import ConnectionOptions
    from nornir_netconf.plugins.tasks import netconf_commit, netconf_edit_config, netconf_get_config
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    with open(args.inventory, encoding="utf-8") as f:
        inv = yaml.load(f)
    keys = read_known_hosts(args.known_hosts) if args.host_key == "strict" else {}

    def netconf_opts(host, port):
        # nornir_netconf hands the host's platform to ncclient as its device handler's name;
        # "netconf" (the inventory's platform: the protocol) is none of ncclient's vendors.
        extras = {"look_for_keys": False, "allow_agent": False, "timeout": 30,
                  "device_params": {"name": "default"}}
        extras.update(ncclient_host_key_args(args.host_key, keys, host, port))
        return ConnectionOptions(extras=extras)

    def fleet_job(task):
        # The session is closed at the end of each host's job: Nornir would otherwise keep every
        # host's connection (and its ncclient transport thread, waking every 100 ms) until
        # close_connections(); at 1,000 devices that cost 150 s of system CPU and RPC timeouts.
        try:
            task.run(task=netconf_get_config, source="running", path=FILTER, filter_type="subtree")
            task.run(task=netconf_edit_config, config=CONFIG.format(value=args.value), target="candidate")
            task.run(task=netconf_commit)
            r = task.run(task=netconf_get_config, source="running", path=FILTER, filter_type="subtree")
            return first_description(r.result.rpc.data_xml)
        finally:
            task.host.close_connections()

    with tempfile.TemporaryDirectory() as tmp:
        # Nornir's SimpleInventory takes hosts, groups and defaults as three files: the same
        # content, with the credential references (password_env) left out.
        files = {}
        for part in ("hosts", "groups", "defaults"):
            files[part] = os.path.join(tmp, f"{part}.yaml")
            data = inv.get(part) or {}
            if part == "groups":
                data = {g: {k: v for k, v in (d or {}).items() if k != "password_env"} for g, d in data.items()}
            elif part == "defaults":
                data = {k: v for k, v in data.items() if k != "password_env"}
            with open(files[part], "w", encoding="utf-8") as f:
                yaml.dump(data, f)
        nr = InitNornir(
            runner={"plugin": "threaded", "options": {"num_workers": args.concurrency}},
            inventory={"plugin": "SimpleInventory",
                       "options": {"host_file": files["hosts"], "group_file": files["groups"],
                                   "defaults_file": files["defaults"]}},
            logging={"enabled": False})
    for h in nr.inventory.hosts.values():
        h.password = password
        h.connection_options["netconf"] = netconf_opts(h.hostname, h.port)
    tally = Tally(len(nr.inventory.hosts))
    t0 = time.monotonic()
    res = nr.run(task=fleet_job)
    nr.close_connections()
    wall = time.monotonic() - t0
    for name, multi in res.items():
        host = nr.inventory.hosts[name]
        dev = (host.hostname, host.port)
        if multi.failed:
            exc = next((r.exception for r in multi if r.exception), None)
            tally.done(dev, None, args.value, f"{type(exc).__name__}: {exc}" if exc else "failed")
        else:
            tally.done(dev, multi[0].result, args.value)
    return tally.result(wall)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("client", choices=["ncclient", "scrapli", "nornir"])
    p.add_argument("--uris")
    p.add_argument("--inventory")
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--value", required=True)
    p.add_argument("--known-hosts")
    p.add_argument("--host-key", choices=["strict", "none"], default="strict")
    p.add_argument("--password-env", default="FLEET_PASSWORD")
    p.add_argument("--user", default="admin")
    args = p.parse_args()
    if args.host_key == "strict" and not args.known_hosts:
        p.error("--host-key strict needs --known-hosts")
    if args.client == "nornir" and not args.inventory:
        p.error("nornir needs --inventory")
    if args.client != "nornir" and not args.uris:
        p.error(f"{args.client} needs --uris")
    password = os.environ.get(args.password_env)
    if password is None:
        p.error(f"the environment variable {args.password_env} (the password) is not set")
    result = {"ncclient": run_ncclient, "scrapli": run_scrapli, "nornir": run_nornir}[args.client](args, password)
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if result["failed"] == 0 and result["ok"] == result["devices"] else 1


if __name__ == "__main__":
    sys.exit(main())
