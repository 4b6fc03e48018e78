"""Partial lock (RFC 5717) from Python: Device.partial_lock() / partial_unlock() / partially_locked(),
against the scripted NETCONF server in --partial-lock mode (yuma123 netconfd announces :partial-lock
but refuses every <partial-lock>: see tests/api/test_partial_lock.c)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

import devconf
from conftest import FIXTURES, ScriptedServer

ETH0 = "/ietf-interfaces:interfaces/interface[name='pl0']"
ETH1 = "/ietf-interfaces:interfaces/interface[name='pl1']"


@pytest.fixture(scope="module")
def plock() -> Iterator[ScriptedServer]:
    d = Path(tempfile.mkdtemp(prefix="dcpl.", dir="/tmp"))
    env = dict(os.environ, NCSERVER_PASSWORD=secrets.token_urlsafe(24))
    up = FIXTURES / "scripted" / "ncserver-up.sh"
    down = FIXTURES / "scripted" / "ncserver-down.sh"
    proc = subprocess.run(["bash", str(up), str(d), "--announce", "hello", "--partial-lock", "--watch-pid",
                           str(os.getpid())], env=env, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        subprocess.run(["bash", str(down), str(d)], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        raise RuntimeError("cannot start the scripted server: %s%s" % (proc.stdout, proc.stderr))
    try:
        yield ScriptedServer(dir=d, port=int((d / "port").read_text().strip()), password=env["NCSERVER_PASSWORD"],
                             cache_dir=str(d / "cache"))
    finally:
        subprocess.run(["bash", str(down), str(d)], capture_output=True, timeout=60)
        shutil.rmtree(d, ignore_errors=True)


def change(dev: devconf.Device, name: str, description: str) -> None:
    """Changes interface name's description in the candidate and commits (the type: mandatory here)."""
    xml = ('<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>%s</name>'
           '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
           '<description>%s</description></interface></interfaces>' % (name, description))
    try:
        dev.edit_config(xml, target="candidate")
        dev.commit()
    except devconf.DevconfError:
        dev.discard_changes()
        raise


def test_partial_lock_keeps_other_sessions_out_of_the_locked_part(plock):
    with plock.connect() as a, plock.connect() as b:
        change(b, "pl0", "created")
        change(b, "pl1", "created")
        lock_id = a.partial_lock(ETH0)
        assert isinstance(lock_id, int)
        with pytest.raises(devconf.RpcError):
            change(b, "pl0", "changed by b while locked")
        change(b, "pl1", "changed by b")  # another part: accepted
        with pytest.raises(devconf.RpcError, match="held by session %d" % a.session_id):
            b.partial_lock([ETH0])
        a.partial_unlock(lock_id)
        change(b, "pl0", "changed by b after the unlock")
        with a.partially_locked([ETH0, ETH1]) as lid:
            assert isinstance(lid, int)
            with pytest.raises(devconf.RpcError):
                change(b, "pl1", "locked again")
        change(b, "pl1", "released by the with block")


def test_partial_lock_refusals(plock):
    with plock.connect() as a:
        with pytest.raises(devconf.YangError):
            a.partial_lock("/ietf-interfaces:nothing-here")
        with pytest.raises(devconf.InvalidArgument):
            a.partial_lock([])
        with pytest.raises(devconf.InvalidArgument):
            a.partial_unlock(-1)
        with pytest.raises(devconf.RpcError):
            a.partial_unlock(424242)
