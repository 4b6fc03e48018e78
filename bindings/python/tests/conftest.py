"""Test set-up: the C library from the build tree, and a real NETCONF device (yuma123 netconfd
behind a private sshd) started once per test session with the repository's fixture scripts.
Password and keyboard-interactive logins go to the scripted NETCONF server (fixture
``scripted``, tests/fixtures/netconf/scripted) with a random password per run: the test user
of netconfd's sshd has no usable password.

Environment:
    DEVCONF_BUILD_DIR  meson build directory holding lib/libdevconf.so.0 (default: <repo>/build).
                       When it is not set and DEVCONF_LIBRARY is, DEVCONF_LIBRARY is used as is.
    DEVCONF_TEST_INSTALLED=1  test the package installed in this interpreter (the wheel, in a fresh
                       virtualenv: scripts/python-ci.sh) with the library it bundles: neither the
                       source tree nor DEVCONF_LIBRARY is used.

The device is a setup requirement: when it cannot be started the tests error, they are never
skipped. Every session against the device uses one schema cache directory (netconfd crashes
when the same schema is downloaded twice in its lifetime); XDG_CACHE_HOME points at it too, so
example scripts run as subprocesses share it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

HERE = Path(__file__).resolve().parent
PKG_ROOT = HERE.parent  # bindings/python
REPO = PKG_ROOT.parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "netconf"
RC_FIXTURES = REPO / "tests" / "fixtures" / "restconf"
EXAMPLES = REPO / "examples" / "python"

# --- the library under test -----------------------------------------------------------------
INSTALLED = os.environ.get("DEVCONF_TEST_INSTALLED") == "1"
if INSTALLED:
    if os.environ.get("DEVCONF_LIBRARY") or os.environ.get("LD_LIBRARY_PATH"):
        raise pytest.UsageError("DEVCONF_TEST_INSTALLED=1 tests the bundled library: unset DEVCONF_LIBRARY "
                                "and LD_LIBRARY_PATH")
    import devconf._lib as _installed

    LIBRARY = _installed.BUNDLED
    if str(PKG_ROOT) in os.path.dirname(os.path.dirname(_installed.__file__)):
        raise pytest.UsageError("DEVCONF_TEST_INSTALLED=1 but devconf is imported from the source tree")
    #: what child processes need on PYTHONPATH to import the package under test
    PY_PATH = os.path.dirname(os.path.dirname(os.path.abspath(_installed.__file__)))
else:
    if os.environ.get("DEVCONF_BUILD_DIR") or not os.environ.get("DEVCONF_LIBRARY"):
        _build = Path(os.environ.get("DEVCONF_BUILD_DIR") or REPO / "build")
        os.environ["DEVCONF_LIBRARY"] = str(_build / "lib" / "libdevconf.so.0")
    LIBRARY = os.environ["DEVCONF_LIBRARY"]
    if not os.path.exists(LIBRARY):
        raise pytest.UsageError(
            "libdevconf not found at %s: build it first (ninja -C build), or set DEVCONF_BUILD_DIR" % LIBRARY
        )
    sys.path.insert(0, str(PKG_ROOT))
    PY_PATH = str(PKG_ROOT)

# One schema cache for the whole run (see the module docstring).
_TMP_ROOT = tempfile.mkdtemp(prefix="devconf-pytest-")
os.environ["XDG_CACHE_HOME"] = os.path.join(_TMP_ROOT, "xdg-cache")
CACHE_DIR = os.path.join(os.environ["XDG_CACHE_HOME"], "devconf")

import devconf  # noqa: E402  (after the environment is set)

IF_NS = "urn:ietf:params:xml:ns:yang:ietf-interfaces"
NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    shutil.rmtree(_TMP_ROOT, ignore_errors=True)


@dataclass
class NetconfServer:
    """A running test device and how to reach it."""

    dir: Path
    port: int
    host: str = "127.0.0.1"
    user: str = "devconf-test"
    passphrase: str = "devconf-pass"
    cache_dir: str = CACHE_DIR
    baseline: str = field(default="", repr=False)

    @property
    def uri(self) -> str:
        return "netconf://%s@%s:%d" % (self.user, self.host, self.port)

    @property
    def key(self) -> str:
        return str(self.dir / "client_ed25519")

    @property
    def key_pp(self) -> str:
        return str(self.dir / "client_ed25519_pp")

    @property
    def known_hosts(self) -> str:
        return str(self.dir / "known_hosts")

    @property
    def netconfd_pid(self) -> int:
        return int((self.dir / "netconfd.pid").read_text().strip())

    def kwargs(self, **over: Any) -> Dict[str, Any]:
        kw: Dict[str, Any] = dict(key_filename=self.key, known_hosts=self.known_hosts, cache_dir=self.cache_dir)
        kw.update(over)
        return kw

    def connect(self, **over: Any) -> devconf.Device:
        return devconf.connect(self.uri, **self.kwargs(**over))

    def example_env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            DEVCONF_HOST=self.host,
            DEVCONF_PORT=str(self.port),
            DEVCONF_USER=self.user,
            DEVCONF_KEY=self.key,
            DEVCONF_KNOWN_HOSTS=self.known_hosts,
            PYTHONPATH=os.pathsep.join([PY_PATH] + [p for p in [env.get("PYTHONPATH")] if p]),
        )
        return env

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """netconfd frozen with SIGSTOP for the block (sshd still accepts connections)."""
        pid = self.netconfd_pid
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)

    def alive(self) -> bool:
        try:
            os.kill(self.netconfd_pid, 0)
            return True
        except OSError:
            return False


@pytest.fixture(scope="session")
def server() -> Iterator[NetconfServer]:
    d = Path(tempfile.mkdtemp(prefix="dcpy.", dir="/tmp"))
    proc = subprocess.run(
        ["bash", str(FIXTURES / "netconfd-up.sh"), str(d)], capture_output=True, text=True, timeout=120
    )
    if proc.returncode != 0:
        subprocess.run(["bash", str(FIXTURES / "netconfd-down.sh"), str(d)], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        raise RuntimeError(
            "cannot start the NETCONF test device (netconfd-up.sh exit %d):\n%s%s"
            % (proc.returncode, proc.stdout, proc.stderr)
        )
    srv = NetconfServer(dir=d, port=int((d / "port").read_text().strip()))
    try:
        with srv.connect() as dev:
            srv.baseline = dev.get_config("running")
        yield srv
    finally:
        if srv.dir.exists() and (srv.dir / "netconfd.pid").exists():
            with contextlib.suppress(OSError):
                os.kill(srv.netconfd_pid, signal.SIGCONT)
        subprocess.run(["bash", str(FIXTURES / "tls-down.sh"), str(d)], capture_output=True, timeout=60)
        subprocess.run(["bash", str(FIXTURES / "netconfd-down.sh"), str(d)], capture_output=True, timeout=60)
        shutil.rmtree(d, ignore_errors=True)


@dataclass
class TlsFront:
    """The NETCONF-over-TLS front (RFC 7589) of the test device: stunnel requiring a client
    certificate of the test CA, running netconf-subsystem per connection (tls-up.sh)."""

    dir: Path  # the device's tls/ directory
    port: int
    cache_dir: str = CACHE_DIR

    @property
    def uri(self) -> str:
        return "netconf+tls://127.0.0.1:%d" % self.port

    def file(self, name: str) -> str:
        return str(self.dir / name)

    def kwargs(self, **over: Any) -> Dict[str, Any]:
        kw: Dict[str, Any] = dict(ca_file=self.file("ca.pem"), client_cert=self.file("client.pem"),
                                  client_key=self.file("client.key"), cache_dir=self.cache_dir)
        kw.update(over)
        return kw


@pytest.fixture(scope="session")
def tls_server(server: NetconfServer) -> Iterator[TlsFront]:
    """stunnel in front of the session's device (stopped before the device is)."""
    proc = subprocess.run(["bash", str(FIXTURES / "tls-up.sh"), str(server.dir)], capture_output=True, text=True,
                          timeout=120)
    try:
        if proc.returncode != 0:
            raise RuntimeError("cannot start the NETCONF-over-TLS front (tls-up.sh exit %d):\n%s%s"
                               % (proc.returncode, proc.stdout, proc.stderr))
        yield TlsFront(dir=server.dir / "tls", port=int(proc.stdout.strip().splitlines()[-1]))
    finally:
        subprocess.run(["bash", str(FIXTURES / "tls-down.sh"), str(server.dir)], capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def nmda_server() -> Iterator[NetconfServer]:
    """A second netconfd, started with --with-nmda=true (RFC 8526 get-data, ietf-origin)."""
    d = Path(tempfile.mkdtemp(prefix="dcpy-nmda.", dir="/tmp"))
    proc = subprocess.run(
        ["bash", str(FIXTURES / "netconfd-up.sh"), str(d), "--with-nmda=true"], capture_output=True, text=True,
        timeout=120,
    )
    try:
        if proc.returncode != 0:
            raise RuntimeError(
                "cannot start the NMDA test device (netconfd-up.sh exit %d):\n%s%s"
                % (proc.returncode, proc.stdout, proc.stderr)
            )
        yield NetconfServer(dir=d, port=int((d / "port").read_text().strip()))
    finally:
        subprocess.run(["bash", str(FIXTURES / "netconfd-down.sh"), str(d)], capture_output=True, timeout=60)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def dev(server: NetconfServer) -> Iterator[devconf.Device]:
    """A fresh session; the candidate is discarded and the session closed afterwards."""
    d = server.connect()
    try:
        yield d
    finally:
        if not d.closed and d.connected:
            with contextlib.suppress(devconf.DevconfError):
                d.discard_changes()
        d.close()


@dataclass
class ScriptedServer:
    """The scripted NETCONF server in its classic-hello mode (which today's library opens), with
    a random password for password and keyboard-interactive logins, generated for this run."""

    dir: Path
    port: int
    password: str = field(repr=False)
    host: str = "127.0.0.1"
    user: str = "devconf-test"
    passphrase: str = "devconf-pass"  # of the throwaway key client_ed25519_pp
    cache_dir: str = os.path.join(_TMP_ROOT, "scripted-cache")

    @property
    def uri(self) -> str:
        return "netconf://%s@%s:%d" % (self.user, self.host, self.port)

    @property
    def key(self) -> str:
        return str(self.dir / "client_ed25519")

    @property
    def key_pp(self) -> str:
        return str(self.dir / "client_ed25519_pp")

    @property
    def known_hosts(self) -> str:
        return str(self.dir / "known_hosts")

    def server_log(self) -> str:
        return (self.dir / "server.log").read_text(errors="replace")

    def kwargs(self, **over: Any) -> Dict[str, Any]:
        kw: Dict[str, Any] = dict(key_filename=self.key, known_hosts=self.known_hosts, cache_dir=self.cache_dir)
        kw.update(over)
        return kw

    def connect(self, **over: Any) -> devconf.Device:
        return devconf.connect(self.uri, **self.kwargs(**over))


@pytest.fixture(scope="session")
def scripted() -> Iterator[ScriptedServer]:
    d = Path(tempfile.mkdtemp(prefix="dcscr.", dir="/tmp"))
    password = secrets.token_urlsafe(24)
    env = dict(os.environ, NCSERVER_PASSWORD=password)
    up = FIXTURES / "scripted" / "ncserver-up.sh"
    down = FIXTURES / "scripted" / "ncserver-down.sh"
    proc = subprocess.run(["bash", str(up), str(d), "--announce", "hello", "--watch-pid", str(os.getpid())],
                          env=env, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        subprocess.run(["bash", str(down), str(d)], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        raise RuntimeError(
            "cannot start the scripted NETCONF server (ncserver-up.sh exit %d; scripts/install-test-deps.sh "
            "installs its virtualenv):\n%s%s" % (proc.returncode, proc.stdout, proc.stderr)
        )
    try:
        yield ScriptedServer(dir=d, port=int((d / "port").read_text().strip()), password=password)
    finally:
        subprocess.run(["bash", str(down), str(d)], capture_output=True, timeout=60)
        shutil.rmtree(d, ignore_errors=True)


def restore_baseline(server: NetconfServer) -> None:
    """Put the running configuration back to what it was when the device started."""
    with server.connect() as d:
        with contextlib.suppress(devconf.DevconfError):
            d.cancel_commit()
        if d.get_config("running") != server.baseline:
            d.copy_config("candidate", server.baseline)
            d.commit()
        else:
            d.discard_changes()


@pytest.fixture
def restore(server: NetconfServer) -> Iterator[None]:
    """Restores the running configuration after a test that commits."""
    yield
    restore_baseline(server)


def wait_until(pred: Any, timeout: float, interval: float = 1.5) -> bool:
    """Polls slowly (netconfd runs its confirmed-commit timer only when idle about 1 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(interval)
    return bool(pred())


def interface_xml(name: str, description: str) -> str:
    return (
        '<interfaces xmlns="%s"><interface><name>%s</name><description>%s</description></interface></interfaces>'
        % (IF_NS, name, description)
    )


def description_of(d: devconf.Device, name: str, source: str = "running") -> Any:
    data = d.get_config(source, "/ietf-interfaces:interfaces/interface[name='%s']" % name, format="dict")
    for intf in data.get("ietf-interfaces:interfaces", {}).get("interface", []):
        if intf["name"] == name:
            return intf.get("description")
    return None


@dataclass
class RestconfServer:
    """A running Jetconf test device (RESTCONF over HTTP/2 + TLS, client certificate)."""

    dir: Path
    port: int
    cache_dir: str = CACHE_DIR

    @property
    def uri(self) -> str:
        return "restconf://127.0.0.1:%d" % self.port

    def kwargs(self, **over: Any) -> Dict[str, Any]:
        kw: Dict[str, Any] = dict(
            ca_file=str(self.dir / "ca.pem"),
            client_cert=str(self.dir / "client.pem"),
            client_key=str(self.dir / "client.key"),
            cache_dir=self.cache_dir,
        )
        kw.update(over)
        return kw

    def connect(self, **over: Any) -> devconf.Device:
        return devconf.connect(self.uri, **self.kwargs(**over))


@pytest.fixture(scope="session")
def rc_server() -> Iterator[RestconfServer]:
    d = Path(tempfile.mkdtemp(prefix="dcrc.", dir="/tmp"))
    proc = subprocess.run(
        ["bash", str(RC_FIXTURES / "jetconf-up.sh"), str(d)], capture_output=True, text=True, timeout=120
    )
    if proc.returncode != 0:
        subprocess.run(["bash", str(RC_FIXTURES / "jetconf-down.sh"), str(d)], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        raise RuntimeError(
            "cannot start the RESTCONF test device (jetconf-up.sh exit %d; scripts/install-restconf-deps.sh "
            "installs it):\n%s%s" % (proc.returncode, proc.stdout, proc.stderr)
        )
    try:
        yield RestconfServer(dir=d, port=int((d / "port").read_text().strip()))
    finally:
        subprocess.run(["bash", str(RC_FIXTURES / "jetconf-down.sh"), str(d)], capture_output=True, timeout=60)
        shutil.rmtree(d, ignore_errors=True)


# --- many devices: the scripted server on consecutive ports -----------------------------------

FLEET_SIZE = 30
FLEET_PASSWORD_ENV = "DEVCONF_TEST_FLEET_PASSWORD"


@dataclass
class ScriptedFleet:
    """The scripted NETCONF server serving FLEET_SIZE devices on consecutive ports (classic hello,
    candidate, confirmed-commit 1.1), password logins with a random password that lives only in
    the environment variable FLEET_PASSWORD_ENV (the inventory names it), and the inventory file."""

    dir: Path
    ports: List[int]
    inventory: str
    cache_dir: str = os.path.join(_TMP_ROOT, "fleet-cache")
    user: str = "devconf-test"

    @property
    def known_hosts(self) -> str:
        return str(self.dir / "known_hosts")

    def uri(self, i: int) -> str:
        return "netconf://%s@127.0.0.1:%d" % (self.user, self.ports[i])

    def hosts(self) -> List["devconf.Host"]:
        return [
            devconf.Host(name="dev%02d" % (i + 1), uri=self.uri(i), password_env=FLEET_PASSWORD_ENV,
                         known_hosts=self.known_hosts)
            for i in range(len(self.ports))
        ]

    def fleet(self, **kw: Any) -> "devconf.Fleet":
        return devconf.Fleet.from_inventory(self.inventory, cache_dir=self.cache_dir, **kw)

    def connect(self, i: int, **kw: Any) -> devconf.Device:
        return devconf.connect(self.uri(i), password=os.environ[FLEET_PASSWORD_ENV], known_hosts=self.known_hosts,
                               cache_dir=self.cache_dir, **kw)


def _write_inventory(path: Path, ports: List[int], known_hosts: str) -> None:
    lines = [
        "# the scripted server's devices (written by bindings/python/tests/conftest.py)",
        "defaults:",
        "  platform: netconf",
        "  known_hosts: %s" % known_hosts,
        "  host_key_policy: strict",
        "groups:",
        "  scripted:",
        "    username: devconf-test",
        "    password_env: %s" % FLEET_PASSWORD_ENV,
        "    data:",
        "      site: loopback",
        "  even:",
        "    data:",
        "      parity: even",
        "hosts:",
    ]
    for i, p in enumerate(ports):
        groups = "[scripted, even]" if i % 2 == 1 else "[scripted]"
        lines += ["  dev%02d:" % (i + 1), "    hostname: 127.0.0.1", "    port: %d" % p, "    groups: %s" % groups]
    path.write_text("\n".join(lines) + "\n")


def _start_scripted(prefix: str, args: List[str], password: str) -> Path:
    d = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    env = dict(os.environ, NCSERVER_PASSWORD=password)
    up = FIXTURES / "scripted" / "ncserver-up.sh"
    proc = subprocess.run(["bash", str(up), str(d), "--watch-pid", str(os.getpid())] + args,
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        subprocess.run(["bash", str(FIXTURES / "scripted" / "ncserver-down.sh"), str(d)], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        raise RuntimeError("cannot start the scripted NETCONF server (%s):\n%s%s"
                           % (" ".join(args), proc.stdout, proc.stderr))
    return d


def _stop_scripted(d: Path) -> None:
    subprocess.run(["bash", str(FIXTURES / "scripted" / "ncserver-down.sh"), str(d)], capture_output=True)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def nmda_scripted() -> Iterator[ScriptedServer]:
    """The scripted server as an NMDA peer that honours get-data's parameters and edit-data
    (--nmda, with :writable-running)."""
    password = secrets.token_urlsafe(24)
    d = _start_scripted("dcnmda.", ["--announce", "hello", "--nmda", "--writable-running"], password)
    try:
        yield ScriptedServer(dir=d, port=int((d / "port").read_text().strip()), password=password,
                             cache_dir=os.path.join(_TMP_ROOT, "nmda-scripted-cache"))
    finally:
        _stop_scripted(d)


@pytest.fixture(scope="session")
def scripted_fleet() -> Iterator[ScriptedFleet]:
    password = secrets.token_urlsafe(24)
    os.environ[FLEET_PASSWORD_ENV] = password  # the inventory names it; worker processes inherit it
    d = _start_scripted("dcfleet.", ["--announce", "hello", "--ports", str(FLEET_SIZE)], password)
    try:
        ports = [int(x) for x in (d / "ports").read_text().split()]
        inv = d / "inventory.yaml"
        _write_inventory(inv, ports, str(d / "known_hosts"))
        yield ScriptedFleet(dir=d, ports=ports, inventory=str(inv))
    finally:
        _stop_scripted(d)


@dataclass
class StallingServer:
    """A scripted device that never answers its first <get-config> (the scenario 'stall', bounded by
    the server at 120 s): a call that ends before that ended because of devconf, not the server."""

    dir: Path
    port: int
    password: str = field(repr=False)
    cache_dir: str = os.path.join(_TMP_ROOT, "stall-cache")

    def kwargs(self, **over: Any) -> Dict[str, Any]:
        kw: Dict[str, Any] = dict(password=self.password, known_hosts=str(self.dir / "known_hosts"),
                                  cache_dir=self.cache_dir)
        kw.update(over)
        return kw

    @property
    def uri(self) -> str:
        return "netconf://devconf-test@127.0.0.1:%d" % self.port


@pytest.fixture(scope="session")
def stalling() -> Iterator[StallingServer]:
    password = secrets.token_urlsafe(24)
    d = _start_scripted("dcstall.", ["--announce", "hello", "--scenario", "stall", "--scenario-rpc", "get-config",
                                     "--stall-seconds", "120"], password)
    try:
        yield StallingServer(dir=d, port=int((d / "port").read_text().strip()), password=password)
    finally:
        _stop_scripted(d)


def require_extra(module: str) -> Any:
    """Import an optional dependency (nornir, dask.distributed, tqdm). Skipped when missing, except
    under DEVCONF_REQUIRE_EXTRAS=1 (scripts/python-ci.sh: the wheel's venv has them all), where a
    missing one fails."""
    if os.environ.get("DEVCONF_REQUIRE_EXTRAS") == "1":
        import importlib

        return importlib.import_module(module)
    return pytest.importorskip(module, reason="%s is not installed (scripts/python-ci.sh runs these tests)" % module)
