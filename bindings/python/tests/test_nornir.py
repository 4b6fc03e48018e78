"""A real Nornir run over the scripted server's devices: devconf's inventory, connection plugin and
tasks, found through the package's entry points when it is installed."""

from __future__ import annotations

import json

import pytest

from conftest import FLEET_SIZE, IF_NS, require_extra

nornir = require_extra("nornir")

from nornir import InitNornir  # noqa: E402

from devconf.nornir import (  # noqa: E402
    Devconf,
    DevconfInventory,
    devconf_apply,
    devconf_commit,
    devconf_edit_config,
    devconf_get,
    devconf_get_config,
)


def change(value):
    return ('<interfaces xmlns="%s"><interface><name>eth1</name><description>%s</description></interface>'
            "</interfaces>" % (IF_NS, value))


def description(nr):
    r = nr.run(task=devconf_get_config, filter="/ietf-interfaces:interfaces/interface[name='eth1']/description",
               format="dict", on_failed=True)
    assert not r.failed, r.failed_hosts
    return {h: m[0].result["ietf-interfaces:interfaces"]["interface"][0]["description"] for h, m in r.items()}


@pytest.fixture
def nr(scripted_fleet):
    from nornir.core.plugins.connections import ConnectionPluginRegister
    from nornir.core.plugins.inventory import InventoryPluginRegister

    # installed packages register through entry points; from a source tree, by hand
    if "devconf" not in ConnectionPluginRegister.available:
        ConnectionPluginRegister.register("devconf", Devconf)
    if "DevconfInventory" not in InventoryPluginRegister.available:
        InventoryPluginRegister.register("DevconfInventory", DevconfInventory)
    n = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": 10}},
        inventory={"plugin": "DevconfInventory",
                   "options": {"inventory": scripted_fleet.inventory, "cache_dir": scripted_fleet.cache_dir}},
        logging={"enabled": False},
    )
    yield n
    n.close_connections()


def test_inventory_resolves_like_devconf(nr, scripted_fleet):
    assert len(nr.inventory.hosts) == FLEET_SIZE
    h = nr.inventory.hosts["dev02"]
    assert h.hostname == "127.0.0.1" and h.port == scripted_fleet.ports[1] and h.username == "devconf-test"
    assert h["site"] == "loopback" and h["parity"] == "even"
    extras = h.get_connection_parameters("devconf").extras
    assert extras["known_hosts"] == scripted_fleet.known_hosts and extras["host_key_policy"] == "strict"
    assert h.password  # read from the environment variable the inventory names
    assert len(nr.filter(parity="even").inventory.hosts) == FLEET_SIZE // 2


def test_get_on_every_device(nr):
    r = nr.run(task=devconf_get, filter="/ietf-interfaces:interfaces", format="json")
    assert not r.failed and len(r) == FLEET_SIZE
    assert all("eth0" in json.dumps(m[0].result) for m in r.values())


def test_apply_diff_confirm_and_rollback(nr):
    odd = nr.filter(filter_func=lambda h: "parity" not in h.data)
    dry = odd.run(task=devconf_apply, config=change("nornir-dry"), dry_run=True)
    assert not dry.failed and all("nornir-dry" in m[0].diff and not m[0].changed for m in dry.values())
    r = odd.run(task=devconf_apply, config=change("nornir-1"), confirm=60)
    assert not r.failed and all(m[0].changed and "+" in m[0].diff for m in r.values())
    assert set(description(odd).values()) == {"nornir-1"}
    again = odd.run(task=devconf_apply, config=change("nornir-1"))
    assert all(not m[0].changed for m in again.values())

    def verify(task, dev):
        if task.host.name == "dev03":
            raise RuntimeError("post-check failed")

    r = odd.run(task=devconf_apply, config=change("nornir-2"), confirm=60, verify=verify)
    assert set(r.failed_hosts) == {"dev03"}
    got = description(odd)
    assert got.pop("dev03") == "nornir-1"  # rolled back
    assert set(got.values()) == {"nornir-2"}


def test_edit_and_commit_tasks(nr):
    one = nr.filter(name="dev05")
    r = one.run(task=devconf_edit_config, config=change("nornir-edit"))
    assert not r.failed and r["dev05"][0].changed
    assert not one.run(task=devconf_commit).failed
    assert description(one) == {"dev05": "nornir-edit"}


def test_entry_points_are_declared():
    import pathlib
    import tomllib

    for root in (pathlib.Path(__file__).resolve().parents[3], pathlib.Path(__file__).resolve().parents[1]):
        meta = tomllib.loads((root / "pyproject.toml").read_text()) if (root / "pyproject.toml").exists() else {}
        eps = meta.get("project", {}).get("entry-points", {})
        if eps:
            assert eps["nornir.plugins.connections"]["devconf"] == "devconf.nornir:Devconf"
            assert eps["nornir.plugins.inventory"]["DevconfInventory"] == "devconf.nornir:DevconfInventory"
