"""NETCONF Call Home (RFC 8071) from Python: ``devconf.connect(uri, call_home=PORT)`` listens and
waits for the device to connect. socat plays the device's side of the TCP connection: it dials
the listening port (retrying until devconf listens) and bridges to netconfd's private sshd
(fixture ``server``) or to its stunnel TLS front (``tls_server``), so the SSH and TLS servers are
the real ones."""
from __future__ import annotations

import shutil
import socket
import subprocess
from typing import Iterator

import pytest

import devconf

SOCAT = shutil.which("socat") or "/usr/bin/socat"


def _free_port() -> int:
    """A loopback port nobody listens on now (the kernel's pick, released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def calls() -> Iterator:
    """calls(callhome_port, device_port): the device calls home (socat, stopped after the test)."""
    procs = []

    def start(port: int, device_port: int) -> None:
        procs.append(subprocess.Popen(
            [SOCAT, "TCP:127.0.0.1:%d,retry=600,interval=0.05" % port, "TCP:127.0.0.1:%d" % device_port],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    yield start
    for p in procs:
        p.terminate()
        p.wait()


def test_ssh_call_home_reads_the_device(server, calls) -> None:
    port = _free_port()
    calls(port, server.port)
    with devconf.connect(server.uri, **server.kwargs(call_home=port, call_home_address="127.0.0.1")) as dev:
        assert dev.protocol == "netconf"
        assert dev.session_id > 0
        assert "<name>eth0</name>" in dev.get_config("running", filter="/ietf-interfaces:interfaces")


def test_tls_call_home_reads_the_device(tls_server, calls) -> None:
    port = _free_port()
    calls(port, tls_server.port)
    with devconf.connect(tls_server.uri,
                         **tls_server.kwargs(call_home=port, call_home_address="127.0.0.1")) as dev:
        assert "<name>eth0</name>" in dev.get_config("running", filter="/ietf-interfaces:interfaces")


def test_unknown_host_key_is_refused_naming_the_caller(server, calls, tmp_path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    port = _free_port()
    calls(port, server.port)
    with pytest.raises(devconf.HostKeyError, match=r"call home from 127\.0\.0\.1:\d+ on port %d: .*unknown" % port):
        devconf.connect(server.uri, **server.kwargs(known_hosts=str(empty), call_home=port,
                                                     call_home_address="127.0.0.1"))
    assert empty.read_text() == ""


def test_wrong_ca_is_refused(tls_server, calls) -> None:
    port = _free_port()
    calls(port, tls_server.port)
    with pytest.raises(devconf.HostKeyError, match="certificate verify failed"):
        devconf.connect(tls_server.uri, **tls_server.kwargs(ca_file=tls_server.file("other-ca.pem"), call_home=port,
                                                            call_home_address="127.0.0.1"))


def test_nobody_calls_raises_timeout_error(server) -> None:
    port = _free_port()
    with pytest.raises(devconf.TimeoutError, match=r"no device called home on 127\.0\.0\.1 port %d .*within 300 ms"
                       % port):
        devconf.connect(server.uri, **server.kwargs(call_home=port, call_home_address="127.0.0.1",
                                                     call_home_timeout=0.3))


def test_port_in_use_raises_connect_error(server) -> None:
    with pytest.raises(devconf.ConnectError, match="Address already in use"):
        devconf.connect(server.uri, **server.kwargs(call_home=server.port, call_home_address="127.0.0.1",
                                                     call_home_timeout=0.3))


@pytest.mark.parametrize("kw, match", [
    ({"call_home": 70000}, "port number"),
    ({"call_home": True}, "port number"),
    ({"call_home": 4334, "call_home_timeout": 0}, "call_home_timeout must be positive"),
    ({"call_home": 4334, "call_home_address": "localhost"}, "not a numeric"),
])
def test_bad_call_home_arguments(server, kw, match) -> None:
    with pytest.raises(devconf.InvalidArgument, match=match):
        devconf.connect(server.uri, **server.kwargs(**kw))


def test_call_home_needs_a_netconf_uri() -> None:
    with pytest.raises(devconf.InvalidArgument, match="netconf://"):
        devconf.connect("restconf://127.0.0.1", call_home=4334)
