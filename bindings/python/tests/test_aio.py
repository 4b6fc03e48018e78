"""devconf.aio: coroutines over a bounded thread pool, cancellation that stops the C wait."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

import devconf
import devconf.aio
from conftest import FLEET_PASSWORD_ENV, FLEET_SIZE, IF_NS


def run(coro):
    return asyncio.run(coro)


def test_gather_over_many_devices_with_a_small_pool(scripted_fleet):
    before = devconf.aio.max_threads()
    devconf.aio.set_max_threads(4)
    threads_seen = set()

    async def one(i):
        async with await devconf.aio.connect(scripted_fleet.uri(i), password=os.environ[FLEET_PASSWORD_ENV],
                                             known_hosts=scripted_fleet.known_hosts,
                                             cache_dir=scripted_fleet.cache_dir) as d:
            threads_seen.add(await devconf.aio._run(threading.get_ident))
            assert d.has_capability("candidate") and d.session_id > 0
            return await d.get_config("running", "/ietf-interfaces:interfaces/interface[name='eth1']", format="dict")

    async def main():
        return await asyncio.gather(*(one(i) for i in range(FLEET_SIZE)))

    try:
        res = run(main())
    finally:
        devconf.aio.set_max_threads(before)
    assert len(res) == FLEET_SIZE
    assert all(r["ietf-interfaces:interfaces"]["interface"][0]["name"] == "eth1" for r in res)
    assert len(threads_seen) <= 4  # a bounded pool, not a thread per device


def test_edit_commit_and_errors_as_coroutines(scripted_fleet):
    async def main():
        d = await devconf.aio.connect(scripted_fleet.uri(FLEET_SIZE - 1), password=os.environ[FLEET_PASSWORD_ENV],
                                      known_hosts=scripted_fleet.known_hosts, cache_dir=scripted_fleet.cache_dir)
        try:
            payload = ('<interfaces xmlns="%s"><interface><name>eth1</name><description>aio</description>'
                       "</interface></interfaces>" % IF_NS)
            assert "+" in await d.edit_diff(payload)
            await d.edit_config(payload, target="candidate")
            assert "aio" in await d.compare_config()
            await d.commit()
            assert "aio" in await d.get_config("running", "/ietf-interfaces:interfaces/interface[name='eth1']")
            with pytest.raises(devconf.YangError):
                await d.edit_config('<interfacez xmlns="%s"/>' % IF_NS)
            async with await d.transaction() as t:
                await t.load(payload.replace("aio", "aio-txn"))
                assert "aio-txn" in await t.diff()
        finally:
            await d.close()
        assert d.closed

    run(main())


def test_cancelling_a_task_stops_the_c_call(stalling):
    """The stalling device never answers get-config (for 120 s): the call must end because it was
    cancelled (devconf.Cancelled inside the worker), and the task with CancelledError."""
    outcome = {}

    def recorded(fn):
        def call(*a, **kw):
            try:
                return fn(*a, **kw)
            except BaseException as e:
                outcome["exc"] = e
                raise
        return call

    async def main():
        d = await devconf.aio.connect(stalling.uri, **stalling.kwargs(timeout=3600))
        started = asyncio.Event()
        loop = asyncio.get_running_loop()

        def get():
            loop.call_soon_threadsafe(started.set)
            return d.sync.get_config("running")

        task = asyncio.ensure_future(devconf.aio._run(recorded(get)))
        await started.wait()
        await asyncio.sleep(0.2)  # let the request go out
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        d.sync.close()

    run(main())
    assert isinstance(outcome["exc"], devconf.Cancelled), outcome


def test_wait_for_cancels_and_the_pool_is_free_again(stalling, scripted_fleet):
    before = devconf.aio.max_threads()
    devconf.aio.set_max_threads(1)  # one thread: the next call needs the stalled one to have ended

    async def main():
        d = await devconf.aio.connect(stalling.uri, **stalling.kwargs(timeout=3600))
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(d.get_config("running"), 0.5)
        ident = await devconf.aio._run(threading.get_ident)
        await d.close()
        return ident

    try:
        assert run(main())
    finally:
        devconf.aio.set_max_threads(before)


def test_per_call_timeout_is_a_devconf_timeout(stalling):
    async def main():
        d = await devconf.aio.connect(stalling.uri, **stalling.kwargs(timeout=3600))
        try:
            with pytest.raises(devconf.TimeoutError):
                await d.get_config("running", timeout=0.5)
        finally:
            await d.close()

    run(main())


def test_fleet_run_async(scripted_fleet):
    async def main():
        with scripted_fleet.fleet(limit="dev0*") as f:
            return await f.run_async("get", filter="/ietf-interfaces:interfaces")

    res = run(main())
    assert res.summary["ok"] == 9


def test_async_device_is_not_picklable(scripted_fleet):
    import pickle

    async def main():
        d = await devconf.aio.connect(scripted_fleet.uri(0), password=os.environ[FLEET_PASSWORD_ENV],
                                      known_hosts=scripted_fleet.known_hosts, cache_dir=scripted_fleet.cache_dir)
        try:
            with pytest.raises(TypeError, match="cannot be pickled"):
                pickle.dumps(d)
        finally:
            await d.close()

    run(main())
