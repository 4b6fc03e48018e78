"""devconf.Fleet over the C fleet engine, against the scripted server's devices on consecutive ports."""

from __future__ import annotations

import json
import os
import pickle
import threading

import pytest

import devconf
from conftest import FLEET_PASSWORD_ENV, FLEET_SIZE, IF_NS, require_extra

IF_FILTER = "/ietf-interfaces:interfaces/interface[name='eth0']"


def change(value: str) -> str:
    return ('<interfaces xmlns="%s"><interface><name>eth0</name><description>%s</description></interface>'
            "</interfaces>" % (IF_NS, value))


def eth0_description(f: devconf.Fleet) -> dict:
    run = f.run("get_config", filter=IF_FILTER + "/description", format="json")
    assert run.summary["failed"] == 0, run.failed
    out = {}
    for r in run:
        data = json.loads(r.data)
        out[r.device] = data["ietf-interfaces:interfaces"]["interface"][0]["description"]
    return out


def test_inventory_and_selection(scripted_fleet):
    with scripted_fleet.fleet() as f:
        assert len(f) == FLEET_SIZE
        assert f.names()[:2] == ["dev01", "dev02"]
        assert f.uris()["dev01"].endswith(":%d" % scripted_fleet.ports[0])
        assert f.select("group:even") == FLEET_SIZE // 2
        assert f.names() == ["dev%02d" % i for i in range(2, FLEET_SIZE + 1, 2)]
        assert f.select("dev0*,!dev01") == 8
        with pytest.raises(devconf.InvalidArgument, match="nomatch"):
            f.select("nomatch")


def test_get_config_on_every_device_gives_records(scripted_fleet):
    seen = []
    progress = []
    with scripted_fleet.fleet() as f:
        run = f.run("get_config", filter=IF_FILTER, forks=8, on_result=seen.append,
                    progress=lambda done, failed, total, nbytes: progress.append((done, failed, total)))
    assert run.summary["total"] == run.summary["ok"] == FLEET_SIZE
    assert run.summary["bytes"] > 0 and run.error is None
    assert sorted(r.device for r in run) == ["dev%02d" % i for i in range(1, FLEET_SIZE + 1)]
    assert [r.device for r in seen] == [r.device for r in run]  # streamed as each finished
    assert progress[-1] == (FLEET_SIZE, 0, FLEET_SIZE)
    assert [p[0] for p in progress] == list(range(1, FLEET_SIZE + 1))
    records = run.records()
    text = json.dumps(records)  # plain data
    assert "<name>eth0</name>" in records[0]["data"] and "eth1" not in records[0]["data"]
    assert set(records[0]) >= {"device", "uri", "ok", "data", "error", "elapsed_ms", "attempts", "txn_state"}
    assert os.environ[FLEET_PASSWORD_ENV] not in text
    assert run["dev01"].ok and run["dev01"].attempts == 1


def test_hosts_list_and_unreachable_device(scripted_fleet):
    hosts = scripted_fleet.hosts()[:3]
    hosts.append(devconf.Host(name="gone", uri="netconf://devconf-test@127.0.0.1:1", password_env=FLEET_PASSWORD_ENV,
                              known_hosts=scripted_fleet.known_hosts, connect_timeout=5))
    with devconf.Fleet(hosts, cache_dir=scripted_fleet.cache_dir) as f:
        run = f.run("connect")
    assert run.summary["ok"] == 3 and run.summary["failed"] == 1
    bad = run["gone"]
    assert not bad.ok and bad.error_type == "ConnectError" and bad.code == devconf.ConnectError.code
    assert "127.0.0.1" in bad.error
    with pytest.raises(devconf.ConnectError):
        run.raise_on_error()


def test_python_job_runs_on_each_open_session(scripted_fleet):
    def job(dev: devconf.Device) -> str:
        assert dev.has_capability("candidate")
        return "%s %s" % (dev.host, dev.get_config("running", IF_FILTER + "/enabled", format="json").count("eth0"))

    def failing(dev: devconf.Device) -> None:
        raise RuntimeError("pre-check failed on %d" % dev.session_id)

    with scripted_fleet.fleet(limit="dev0*") as f:
        run = f.run(job, forks=4)
        assert run.summary["ok"] == 9
        assert all(r.data == "127.0.0.1 1" for r in run)
        run = f.run(failing)
    assert run.summary["failed"] == 9
    r = run["dev01"]
    assert r.error.startswith("RuntimeError: pre-check failed on") and r.code == devconf.CallbackError.code


def test_cancel_stops_the_run(scripted_fleet):
    stop = threading.Event()
    with scripted_fleet.fleet() as f:
        run = f.run("get_config", forks=1, cancel=stop, on_result=lambda r: stop.set())
    assert run.summary["total"] == FLEET_SIZE
    assert run.summary["cancelled"] >= 1 and run.summary["ok"] >= 1
    assert isinstance(run.error, devconf.Cancelled)
    assert any(r.error_type == "Cancelled" for r in run.failed)


def test_a_failing_callback_fails_the_run_loudly(scripted_fleet):
    def boom(result):
        raise ValueError("my handler")

    with scripted_fleet.fleet(limit="dev01,dev02") as f:
        with pytest.raises(devconf.CallbackError, match="ValueError: my handler"):
            f.run("connect", on_result=boom, forks=1)


def test_progress_true_uses_tqdm_or_plain_lines(scripted_fleet, capsys):
    with scripted_fleet.fleet(limit="dev01,dev02,dev03") as f:
        f.run("connect", progress=True)
    err = capsys.readouterr().err
    try:
        import tqdm  # noqa: F401
    except ImportError:
        assert "devconf run: 3/3 devices, 0 failed" in err
    else:
        assert "3/3" in err


def test_progress_with_a_tqdm_bar(scripted_fleet):
    tqdm = require_extra("tqdm")
    bar = tqdm.tqdm(disable=False, file=open(os.devnull, "w"))
    with scripted_fleet.fleet(limit="dev01,dev02,dev03") as f:
        f.run("connect", progress=bar)
    assert bar.n == 3 and bar.total == 3
    bar.close()


def test_transaction_all_and_rollback_on_failure(scripted_fleet):
    with scripted_fleet.fleet(limit="dev1*") as f:  # dev10..dev19
        run = f.transaction(change("fleet-txn-1"), confirm_seconds=60)
        assert run.summary["ok"] == 10
        assert {r.txn_state for r in run} == {"committed"}
        assert set(eth0_description(f).values()) == {"fleet-txn-1"}
    hosts = scripted_fleet.hosts()[10:13]
    hosts.append(devconf.Host(name="gone", uri="netconf://devconf-test@127.0.0.1:1", password_env=FLEET_PASSWORD_ENV,
                              known_hosts=scripted_fleet.known_hosts, connect_timeout=5))
    with devconf.Fleet(hosts, cache_dir=scripted_fleet.cache_dir) as f:
        with pytest.raises(devconf.DevconfError, match="gone") as ei:
            f.transaction(change("fleet-txn-2"))
        results = ei.value.results
        assert "committed" not in {r.txn_state for r in results}
        f.select("dev11,dev12,dev13")
        assert set(eth0_description(f).values()) == {"fleet-txn-1"}  # nothing changed anywhere


def test_apply_with_dry_run_and_diff(scripted_fleet):
    with scripted_fleet.fleet(limit="dev2*") as f:
        run = f.run("apply", config=change("fleet-apply"), dry_run=True)
        assert run.summary["ok"] == 10
        assert all("+" in r.data and "fleet-apply" in r.data for r in run)
        assert "fleet-apply" not in set(eth0_description(f).values())
        run = f.run("apply", config=change("fleet-apply"), confirm=60)
        assert run.summary["ok"] == 10
        assert set(eth0_description(f).values()) == {"fleet-apply"}


def test_pickling_ships_descriptions_never_secrets(scripted_fleet, monkeypatch):
    h = devconf.Host(name="a", uri="netconf://x@127.0.0.1:830", password="s3cret-literal")
    with pytest.raises(TypeError, match="refusing to pickle a secret"):
        pickle.dumps(h)
    assert "s3cret" not in repr(h)
    with scripted_fleet.fleet(limit="group:even") as f:
        blob = pickle.dumps(f)
        shards = f.shards(4)
        names = f.names()
    assert os.environ[FLEET_PASSWORD_ENV].encode() not in blob
    assert sorted(n for s in shards for n in s.names) == sorted(names)
    assert [len(s) for s in shards] == [4, 4, 4, 3]
    g = pickle.loads(blob)
    try:
        assert g.names() == names
        assert g.run("connect").summary["ok"] == len(names)
    finally:
        g.close()
    part = devconf.run_shard(pickle.loads(pickle.dumps(shards[1])), "connect")
    assert sorted(r.device for r in part) == sorted(shards[1].names)
    merged = devconf.RunResult.merge([part, part])
    assert merged.summary["ok"] == 2 * len(shards[1].names)
    assert pickle.loads(pickle.dumps(merged)).summary == merged.summary
    # the worker reads the password from its own environment
    monkeypatch.delenv(FLEET_PASSWORD_ENV)
    with pytest.raises(devconf.NotFound, match=FLEET_PASSWORD_ENV):
        shards[0].fleet()


def test_device_refuses_to_be_pickled(scripted_fleet):
    with scripted_fleet.connect(0) as d:
        with pytest.raises(TypeError, match="devconf.Device cannot be pickled.*connect where the work runs"):
            pickle.dumps(d)
        assert os.environ[FLEET_PASSWORD_ENV] not in repr(d)


def test_fleet_works_in_a_forked_child(scripted_fleet):
    """The binding keeps no state that breaks on fork: a child forked after use runs a fleet."""
    import multiprocessing

    with scripted_fleet.fleet(limit="dev01,dev02") as f:
        assert f.run("connect").summary["ok"] == 2
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(1) as pool:
            res = pool.apply(devconf.run_shard, (f.spec(), "get_config"), {"filter": IF_FILTER})
    assert res.summary["ok"] == 2 and "eth0" in res["dev02"].data
