"""Local diff, dry run and conversion, and the C library's transactions (devconf_txn_*)."""

from __future__ import annotations

import pytest

import devconf
from conftest import IF_NS, description_of

CHANGE = {"ietf-interfaces:interfaces": {"interface": [{"name": "eth1", "description": "previewed"}]}}


def test_edit_diff(dev):
    unified = dev.edit_diff(CHANGE)
    assert "+    <description>previewed</description>" in unified
    assert unified.startswith("--- candidate")
    assert 'nc:operation="replace">previewed</description>' in dev.edit_diff(CHANGE, output="edit-xml")
    assert '"ietf-netconf:operation": "replace"' in dev.edit_diff(CHANGE, target="running", output="edit-json")
    assert dev.edit_diff({"ietf-interfaces:interfaces": {"interface": [{"name": "eth1"}]}}) == ""
    assert description_of(dev, "eth1", "candidate") != "previewed"  # nothing was written
    with pytest.raises(devconf.InvalidArgument, match="output"):
        dev.edit_diff(CHANGE, output="html")


def test_dry_run(dev):
    dev.dry_run(CHANGE)
    with pytest.raises(devconf.YangError) as ei:
        dev.dry_run({"ietf-interfaces:interfaces": {"interface": [{"name": "eth9"}]}})
    e = ei.value
    assert "Mandatory node" in e.message
    assert e.errors and e.errors[0].type == "application" and "type" in e.errors[0].path


def test_convert(dev):
    xml_text = dev.convert(CHANGE, to="xml")
    assert xml_text.startswith('<interfaces xmlns="%s">' % IF_NS)
    assert dev.convert(xml_text, to="dict") == CHANGE
    assert '"description": "previewed"' in dev.convert(xml_text)
    with pytest.raises(devconf.YangError):
        dev.convert('<interfaces xmlns="%s"><bogus/></interfaces>' % IF_NS)


def test_transaction_confirm_and_rollback(server, dev, restore):
    before = description_of(dev, "eth1")
    with dev.transaction() as t:
        assert t.guarantees == {"locked", "staged", "atomic", "auto-revert"}
        assert t.missing == ""
        with server.connect() as other:  # the transaction holds the lock
            with pytest.raises(devconf.RpcError) as ei:
                other.lock("candidate")
            assert ei.value.tag == "lock-denied"
        t.load(CHANGE)
        assert "+    <description>previewed</description>" in t.diff()
        assert '"description": "previewed"' in t.diff("edit-json")
        t.commit(revert_in=60)
        assert description_of(dev, "eth1") == "previewed"
        t.confirm()
        t.rollback()
        assert description_of(dev, "eth1") == before
        with pytest.raises(devconf.InvalidArgument):
            t.confirm()  # nothing pending
    assert t.closed and "closed" in repr(t)
    with pytest.raises(devconf.InvalidArgument, match="closed"):
        t.load(CHANGE)
    dev.lock("candidate")  # released by the transaction's end
    dev.unlock("candidate")


def test_transaction_replace_and_discard(server, dev):
    full = {
        "ietf-interfaces:interfaces": {
            "interface": [{"name": "eth1", "type": "iana-if-type:ethernetCsmacd", "description": "previewed"}]
        }
    }
    t = dev.transaction()
    t.load(full, mode="replace")
    diff = t.diff()
    assert "-    <name>eth0</name>" in diff and "+    <description>previewed</description>" in diff
    t.close()
    t.close()
    assert dev.edit_diff(CHANGE) != ""  # the load was discarded with the transaction
    assert description_of(dev, "eth1", "candidate") != "previewed"
    with pytest.raises(devconf.InvalidArgument, match="mode"):
        with dev.transaction() as t2:
            t2.load(CHANGE, mode="upsert")


def test_closing_the_device_ends_its_transactions(server):
    d = server.connect()
    t = d.transaction()
    d.close()
    assert t.closed
    with server.connect() as other:
        other.lock("candidate")
        other.unlock("candidate")


def test_transaction_over_restconf(rc_server):
    with rc_server.connect() as d:
        with d.transaction() as t:
            assert "staged" in t.guarantees and "locked" not in t.guarantees
            assert "lock" in t.missing
            t.load(CHANGE)
            assert "previewed" in t.diff()
            with pytest.raises(devconf.UnsupportedError):
                t.commit(revert_in=30)
