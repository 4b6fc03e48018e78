"""The NAPALM-style configuration lifecycle on Device."""

from __future__ import annotations

import time

import pytest

import devconf
from conftest import IF_NS, description_of, interface_xml, wait_until


def _change(desc):
    return {"ietf-interfaces:interfaces": {"interface": [{"name": "eth0", "description": desc}]}}


def test_merge_compare_commit_rollback(server, dev, restore):
    before = description_of(dev, "eth0")
    assert dev.compare_config() == ""
    dev.load_merge_candidate(config=_change("napalm merge"))
    diff = dev.compare_config()
    assert diff.startswith("--- running\n+++ candidate\n")
    assert '-        "description": "%s",' % before in diff
    assert '+        "description": "napalm merge",' in diff
    assert dev.diff() == diff
    xml_diff = dev.compare_config(format="xml")
    assert "+    <description>napalm merge</description>" in xml_diff
    assert "-    <description>%s</description>" % before in xml_diff
    assert not dev.has_pending_commit()
    dev.commit_config(message="pytest merge")
    assert dev.last_commit_message == "pytest merge"
    assert description_of(dev, "eth0") == "napalm merge"
    assert dev.compare_config() == ""
    dev.rollback()
    assert description_of(dev, "eth0") == before
    with pytest.raises(devconf.InvalidArgument, match="committed nothing"):
        dev.rollback()


def test_load_from_file_and_discard(server, dev, tmp_path):
    f = tmp_path / "change.xml"
    f.write_text(interface_xml("eth1", "from a file"))
    dev.load_merge_candidate(filename=str(f))
    assert description_of(dev, "eth1", "candidate") == "from a file"
    assert "from a file" in dev.compare_config()
    dev.discard_config()
    assert dev.compare_config() == ""
    with pytest.raises(devconf.InvalidArgument, match="exactly one"):
        dev.load_merge_candidate()
    with pytest.raises(devconf.InvalidArgument, match="exactly one"):
        dev.load_merge_candidate(filename=str(f), config="<x/>")
    with pytest.raises(devconf.InvalidArgument, match="format"):
        dev.compare_config(format="yaml")


def test_replace_candidate(server, dev, restore):
    full = (
        '<interfaces xmlns="%s"><interface><name>eth0</name>'
        '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
        "<description>replaced</description></interface></interfaces>" % IF_NS
    )
    dev.load_replace_candidate(config=full)
    diff = dev.compare_config()
    assert '-        "name": "eth1",' in diff
    assert '+        "description": "replaced",' in diff
    dev.commit_config()
    assert "eth1" not in dev.get_config("running")
    dev.rollback()
    running = dev.get_config("running")
    assert "eth1" in running and "replaced" not in running


def test_revert_in_then_confirm(server, dev, restore):
    dev.load_merge_candidate(config=_change("confirm me"))
    dev.commit_config(revert_in=30)
    assert dev.has_pending_commit()
    with pytest.raises(devconf.InvalidArgument, match="pending"):
        dev.commit_config()
    dev.confirm_commit()
    assert not dev.has_pending_commit()
    with pytest.raises(devconf.InvalidArgument, match="no confirmed commit"):
        dev.confirm_commit()
    # confirmed: it stays after the revert time would have passed
    assert description_of(dev, "eth0") == "confirm me"


def test_revert_in_expires(server, dev, restore):
    before = description_of(dev, "eth0")
    dev.load_merge_candidate(config=_change("reverts by itself"))
    t0 = time.monotonic()
    dev.commit_config(revert_in=2)
    assert dev.has_pending_commit()
    assert description_of(dev, "eth0") == "reverts by itself"
    # netconfd runs its timer only when idle about 1 s: poll slowly
    assert wait_until(lambda: description_of(dev, "eth0") == before, timeout=30, interval=1.5)
    assert time.monotonic() - t0 >= 2
    assert not dev.has_pending_commit()


def test_rollback_of_pending_commit_cancels_it(server, dev, restore):
    before = description_of(dev, "eth0")
    dev.load_merge_candidate(config=_change("cancel via rollback"))
    dev.commit_config(revert_in=120)
    assert description_of(dev, "eth0") == "cancel via rollback"
    dev.rollback()
    assert description_of(dev, "eth0") == before
    assert not dev.has_pending_commit()


def test_napalm_verbs_need_candidate(server, dev, monkeypatch):
    real = devconf.Device.has_capability
    monkeypatch.setattr(devconf.Device, "has_capability", lambda self, n: False if n == "candidate" else real(self, n))
    for call in (
        lambda: dev.load_merge_candidate(config=_change("x")),
        lambda: dev.load_replace_candidate(config=_change("x")),
        dev.compare_config,
        dev.commit_config,
        dev.discard_config,
        dev.rollback,
    ):
        with pytest.raises(devconf.UnsupportedError, match="'candidate' capability"):
            call()
    monkeypatch.setattr(
        devconf.Device, "has_capability", lambda self, n: False if n == "confirmed-commit" else real(self, n)
    )
    with pytest.raises(devconf.UnsupportedError, match="'confirmed-commit' capability"):
        dev.commit_config(revert_in=10)
