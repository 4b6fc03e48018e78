"""Every exception class with its fields, raised by real failures against the test device
(where a real failure can be provoked) or built from its code (ProtocolError, OutOfMemory)."""

from __future__ import annotations

import builtins
import dataclasses
import os
import pickle
import socket
import subprocess
import time

import pytest

import devconf
from devconf import _lib
from devconf.errors import error_class
from conftest import IF_NS, NC_NS


def test_code_to_class_mapping():
    expected = {
        -1: devconf.DevconfError,
        -2: devconf.InvalidArgument,
        -3: devconf.OutOfMemory,
        -4: devconf.NotFound,
        -5: devconf.TimeoutError,
        -6: devconf.ConnectError,
        -7: devconf.AuthError,
        -8: devconf.HostKeyError,
        -9: devconf.ProtocolError,
        -10: devconf.YangError,
        -11: devconf.RpcError,
        -12: devconf.UnsupportedError,
        -13: devconf.CallbackError,
    }
    for code, cls in expected.items():
        assert error_class(code) is cls
        assert cls.code == code
        assert issubclass(cls, devconf.DevconfError)
    assert error_class(-999) is devconf.DevconfError


def test_builtin_bases():
    assert issubclass(devconf.TimeoutError, builtins.TimeoutError)
    assert issubclass(devconf.ConnectError, ConnectionError)
    assert issubclass(devconf.InvalidArgument, ValueError)
    assert issubclass(devconf.OutOfMemory, MemoryError)
    assert issubclass(devconf.NotFound, LookupError)
    assert issubclass(devconf.UnsupportedError, NotImplementedError)
    assert devconf.RpcFailed is devconf.RpcError


@pytest.mark.parametrize("cls", [devconf.ProtocolError, devconf.OutOfMemory, devconf.DevconfError])
def test_constructed_errors_have_all_fields(cls):
    # These cannot be provoked against a well-behaved device: check the fields as built.
    e = cls("the device sent garbage", code=cls.code, origin="netconf")
    assert str(e) == "the device sent garbage"
    assert (e.code, e.message, e.origin, e.http_status, e.rpc_errors, e.errors) == (
        cls.code,
        "the device sent garbage",
        "netconf",
        0,
        (),
        (),
    )
    assert cls.__name__ in repr(e)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is cls and again.message == e.message and again.code == e.code


def test_rpc_error_entry_is_frozen():
    entry = devconf.RpcErrorEntry("application", "data-missing", "error", None, "/x", "gone", "en", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.tag = "other"  # type: ignore[misc]
    assert entry.info is None
    assert entry.to_dict()["tag"] == "data-missing"


def test_invalid_argument_from_c(server):
    with pytest.raises(devconf.InvalidArgument) as ei:
        devconf.connect("netconf://devconf-test:secret@127.0.0.1:%d" % server.port, **server.kwargs())
    e = ei.value
    assert e.code == -2 and e.origin == "devconf" and e.rpc_errors == ()
    assert "password in the URI is not accepted" in e.message
    assert "secret" not in str(e) and "secret" not in repr(e)
    assert isinstance(e, ValueError)


def test_invalid_argument_from_python(dev):
    with pytest.raises(devconf.InvalidArgument, match="source must be one of"):
        dev.get_config("nowhere")
    with pytest.raises(devconf.InvalidArgument, match="source and target are both candidate"):
        dev.copy_config("candidate", "candidate")


def test_not_found(server):
    with pytest.raises(devconf.NotFound) as ei:
        server.connect(search_dirs=["/nonexistent/yang"])
    assert ei.value.code == -4 and ei.value.origin == "os"
    assert "/nonexistent/yang" in ei.value.message


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_connect_refused(server):
    port = _free_port()
    with pytest.raises(devconf.ConnectError) as ei:
        devconf.connect("netconf://devconf-test@127.0.0.1:%d" % port, **server.kwargs())
    e = ei.value
    assert e.code == -6 and e.origin == "ssh" and isinstance(e, ConnectionError)
    assert str(port) in e.message


def test_auth_wrong_password(server):
    with pytest.raises(devconf.AuthError) as ei:
        server.connect(key_filename=None, password="wrong-password")
    e = ei.value
    assert e.code == -7 and e.origin == "ssh"
    assert "rejected" in e.message and "wrong-password" not in str(e)


def test_auth_wrong_passphrase(server):
    with pytest.raises(devconf.AuthError) as ei:
        server.connect(key_filename=server.key_pp, passphrase="not-the-passphrase")
    assert "wrong passphrase" in ei.value.message
    assert "not-the-passphrase" not in str(ei.value)


def test_auth_password_and_passphrase_work(scripted):
    with scripted.connect(key_filename=None, password=scripted.password) as d:
        assert d.session_id > 0
    with scripted.connect(key_filename=scripted.key_pp, passphrase=scripted.passphrase) as d:
        assert d.session_id > 0


def test_hostkey_unknown(server, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(devconf.HostKeyError) as ei:
        server.connect(known_hosts=str(empty))
    e = ei.value
    assert e.code == -8 and e.origin == "ssh"
    assert "unknown" in e.message and "SHA256:" in e.message


def test_hostkey_changed(server, tmp_path):
    key = tmp_path / "other_host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    pub = key.with_suffix(".pub").read_text().split()[:2]
    kh = tmp_path / "known_hosts"
    kh.write_text("[127.0.0.1]:%d %s %s\n" % (server.port, pub[0], pub[1]))
    with pytest.raises(devconf.HostKeyError) as ei:
        server.connect(known_hosts=str(kh))
    assert "CHANGED" in ei.value.message


def test_hostkey_accept_new_and_insecure_skip(server, tmp_path):
    kh = tmp_path / "known_hosts"
    kh.write_text("")
    with server.connect(known_hosts=str(kh), hostkey_policy="accept-new") as d:
        assert d.connected
    assert "[127.0.0.1]:%d" % server.port in kh.read_text()
    with server.connect(known_hosts=str(kh)) as d:  # now known: strict accepts it
        assert d.connected
    with server.connect(known_hosts=str(tmp_path / "absent"), hostkey_policy="insecure-skip") as d:
        assert d.connected
    with pytest.raises(devconf.InvalidArgument, match="hostkey_policy"):
        server.connect(hostkey_policy="trust-me")


def test_timeout_on_rpc(server):
    d = server.connect(timeout=1)
    try:
        with server.stopped():
            t0 = time.monotonic()
            with pytest.raises(devconf.TimeoutError) as ei:
                d.get_config("running")
            elapsed = time.monotonic() - t0
        e = ei.value
        assert e.code == -5 and e.origin == "netconf"
        assert isinstance(e, builtins.TimeoutError)
        assert "within 1000 ms" in e.message
        assert 0.5 < elapsed < 10
    finally:
        d.close()


def test_timeout_on_connect(server):
    with server.stopped():
        t0 = time.monotonic()
        with pytest.raises(devconf.TimeoutError) as ei:
            server.connect(connect_timeout=1.5)
        elapsed = time.monotonic() - t0
    assert ei.value.code == -5
    assert "connect timeout of 1500 ms" in ei.value.message
    assert elapsed < 10


def test_yang_error(dev):
    with pytest.raises(devconf.YangError) as ei:
        dev.edit_config('<interfaces xmlns="%s"><bogus/></interfaces>' % IF_NS)
    e = ei.value
    assert e.code == -10 and e.origin == "yang" and e.rpc_errors == ()
    assert "bogus" in e.message and "nothing sent" in e.message


def test_rpc_error_fields(dev):
    payload = (
        '<interfaces xmlns="%s" xmlns:nc="%s"><interface nc:operation="delete"><name>no-such-if</name>'
        "</interface></interfaces>" % (IF_NS, NC_NS)
    )
    with pytest.raises(devconf.RpcError) as ei:
        dev.edit_config(payload, default_operation="none")
    e = ei.value
    assert e.code == -11 and e.origin == "netconf" and e.http_status == 0
    assert len(e.errors) == 1 and e.errors is e.rpc_errors
    entry = e.errors[0]
    assert isinstance(entry, devconf.RpcErrorEntry)
    assert entry.type == "application"
    assert entry.tag == "data-missing"
    assert entry.severity == "error"
    assert entry.app_tag == "data-incomplete"
    assert "no-such-if" in entry.path
    assert entry.message == "data missing"
    assert entry.lang is None
    assert entry.info_xml.startswith("<error-info")
    assert (e.tag, e.type, e.severity, e.app_tag, e.path, e.info_xml) == (
        entry.tag,
        entry.type,
        entry.severity,
        entry.app_tag,
        entry.path,
        entry.info_xml,
    )
    assert "data-missing" in str(e)


def test_unsupported(dev):
    with pytest.raises(devconf.UnsupportedError) as ei:
        dev.edit_config('<interfaces xmlns="%s"/>' % IF_NS, target="running")
    e = ei.value
    assert e.code == -12 and e.origin == "netconf"
    assert "writable-running" in e.message and "nothing was sent" in e.message


def test_callback_error_from_kbdint_handler(server):
    class Boom(RuntimeError):
        pass

    def handler(name, instruction, prompt, echo):
        raise Boom("handler failed")

    with pytest.raises(devconf.CallbackError) as ei:
        server.connect(key_filename=None, kbdint_handler=handler)
    e = ei.value
    assert e.code == -13 and e.origin == "ssh"
    assert isinstance(e.__cause__, Boom)
    assert "Boom" in e.message


def test_kbdint_handler_answers(scripted):
    prompts = []

    def handler(name, instruction, prompt, echo):
        prompts.append((prompt, echo))
        return scripted.password

    with scripted.connect(key_filename=None, kbdint_handler=handler) as d:
        assert d.session_id > 0
    assert prompts and "assword" in prompts[0][0] and prompts[0][1] is False


def test_kbdint_handler_none_aborts(server):
    with pytest.raises(devconf.AuthError, match="aborted by the callback"):
        server.connect(key_filename=None, kbdint_handler=lambda *a: None)


def test_closed_device_raises_connect_error(server):
    d = server.connect()
    d.close()
    d.close()  # idempotent
    assert d.closed and not d.connected
    with pytest.raises(devconf.ConnectError, match="closed"):
        d.get_config()
    assert "closed" in repr(d)


def test_error_is_per_thread(server, dev):
    # A failure on another thread does not leak into this thread's exception.
    import threading

    seen = {}

    def other():
        try:
            dev.get_config("running", filter="/no-such-module:x")
        except devconf.DevconfError as e:
            seen["other"] = e

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert isinstance(seen["other"], devconf.YangError)
    with pytest.raises(devconf.InvalidArgument) as ei:
        dev.copy_config("candidate", "candidate")  # refused by the C library on this thread
    assert "source and target" in ei.value.message
    assert devconf.library_path
    assert _lib.lib.devconf_error_code(_lib.lib.devconf_error_last()) == -2


def test_max_reply_bytes(server):
    with server.connect(max_reply_bytes=16 * 1024 * 1024) as d:
        assert "interfaces" in d.get_config("running")
    # every device's hello is longer than 200 bytes
    with pytest.raises(devconf.ProtocolError) as ei:
        server.connect(max_reply_bytes=200)
    assert "max_reply_bytes" in ei.value.message
    for bad in (0, -1, "1M", True, 2**41):
        with pytest.raises(devconf.InvalidArgument, match="max_reply_bytes"):
            server.connect(max_reply_bytes=bad)
