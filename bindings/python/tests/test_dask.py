"""The scale-out recipe: a Dask LocalCluster of 2 worker processes runs the fleet over inventory
shards (each worker's C engine runs its shard), results gathered in the client."""

from __future__ import annotations

import os

import pytest

import devconf
from conftest import FLEET_SIZE, require_extra

distributed = require_extra("dask.distributed")


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    # workers are new processes (spawn): they import devconf themselves and inherit the
    # environment (DEVCONF_LIBRARY from the test set-up, and the password's variable)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def where(dev):
    return "%d %s" % (os.getpid(), dev.get_config("running", "/ietf-interfaces:interfaces/interface[name='eth0']/name"))


def test_fleet_over_two_worker_processes(client, scripted_fleet):
    with scripted_fleet.fleet() as f:
        run = devconf.run_on_dask(client, f, where, forks=8)
    assert run.summary["total"] == run.summary["ok"] == FLEET_SIZE
    pids = {int(r.data.split()[0]) for r in run}
    assert len(pids) == 2 and os.getpid() not in pids
    assert all("eth0" in r.data for r in run)
    assert sorted(r.device for r in run) == sorted("dev%02d" % i for i in range(1, FLEET_SIZE + 1))


def test_shards_map_and_gather_by_hand(client, scripted_fleet):
    with scripted_fleet.fleet(limit="group:even") as f:
        shards = f.shards(3)
    futures = client.map(devconf.run_shard, shards, operation="get_config",
                         filter="/ietf-interfaces:interfaces", pure=False)
    run = devconf.RunResult.merge(client.gather(futures))
    assert run.summary["ok"] == FLEET_SIZE // 2 and run.error is None
    assert len(run.records()) == FLEET_SIZE // 2


def test_a_device_cannot_travel_but_says_why(client, scripted_fleet):
    with scripted_fleet.connect(0) as d:
        with pytest.raises(Exception) as ei:
            client.submit(lambda x: x, d).result()
    chain, e = [], ei.value
    while e is not None:
        chain.append(str(e))
        e = e.__cause__ or e.__context__
    assert any("devconf.Device cannot be pickled" in m and "connect where the work runs" in m for m in chain), chain
