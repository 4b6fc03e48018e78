"""The examples in examples/python: all compile; the ncclient-style, set_description and
napalm_style ones (and the read-only ones) run against the test device."""

from __future__ import annotations

import py_compile
import subprocess
import sys

import pytest

from conftest import EXAMPLES, description_of, restore_baseline

SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))


def test_the_examples_are_there():
    assert set(SCRIPTS) >= {
        "capabilities.py",
        "get_interfaces.py",
        "set_description.py",
        "ncclient_style.py",
        "napalm_style.py",
    }


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_compiles(name, tmp_path):
    py_compile.compile(str(EXAMPLES / name), cfile=str(tmp_path / (name + "c")), doraise=True)


def _run(server, name, *args):
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        env=server.example_env(),
        timeout=120,
    )
    assert proc.returncode == 0, "%s failed:\n%s\n%s" % (name, proc.stdout, proc.stderr)
    return proc.stdout


def test_capabilities_example(server):
    out = _run(server, "capabilities.py")
    assert "urn:ietf:params:netconf:capability:candidate:1.0" in out
    assert "candidate         yes" in out


def test_get_interfaces_example(server):
    out = _run(server, "get_interfaces.py", "--format", "json")
    assert '"ietf-interfaces:interfaces"' in out and "eth1" in out


def test_set_description_example(server, restore):
    out = _run(server, "set_description.py", "eth1", "set by the example")
    assert '+        "description": "set by the example",' in out
    assert '"description": "set by the example"' in out.split("+++ candidate")[-1]
    with server.connect() as d:
        assert description_of(d, "eth1") == "set by the example"


def test_ncclient_style_example(server, restore):
    out = _run(server, "ncclient_style.py", "eth0", "ncclient style")
    assert "Connected, session id" in out
    assert "urn:ietf:params:netconf:capability:candidate:1.0" in out
    assert "description is now: ncclient style" in out
    # and with host-key checking
    out = _run(server, "ncclient_style.py", "--known-hosts", server.known_hosts, "eth0", "checked")
    assert "description is now: checked" in out


def test_napalm_style_example(server, restore):
    out = _run(server, "napalm_style.py", "--revert-in", "60", "--rollback", "eth1", "napalm example")
    assert "confirmed" in out and "rolled back" in out
    with server.connect() as d:
        assert description_of(d, "eth1") != "napalm example"
    restore_baseline(server)
