"""Notifications from Python against netconfd: Device.subscribe() and its Subscription (iterator,
next(timeout), async iterator interleaved with requests on the same device, counters, overflow,
close from another thread), and the ncclient dialect (create_subscription, take_notification).

netconfd emits RFC 6470 netconf-config-change on its NETCONF stream when another session commits.
Waits are generous bounds (a shared, small CI machine), never timing assertions."""

from __future__ import annotations

import asyncio
import datetime
import threading
import xml.etree.ElementTree as ET

import pytest

import devconf
import devconf.aio
from devconf import manager
from conftest import interface_xml

NOTIF_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"
CHANGE = "ietf-netconf-notifications:netconf-config-change"
CHANGE_FILTER = '<netconf-config-change xmlns="%s"/>' % NOTIF_NS
WAIT = 30.0


@pytest.fixture
def pair(server, restore):
    """A subscribed-to device and another that commits."""
    with server.connect() as dev, server.connect() as other:
        yield dev, other


def commit(other, description, name="eth0"):
    other.edit_config(interface_xml(name, description), target="candidate")
    other.commit()


def test_iterator_yields_config_changes_with_event_time_and_path(pair):
    dev, other = pair
    with dev.subscribe(filter=CHANGE_FILTER) as sub:
        commit(other, "py notify one")
        commit(other, "py notify two")
        got = []
        for n in sub:
            got.append(n)
            if len(got) == 2:
                break
    assert sub.closed
    for n in got:
        assert isinstance(n, devconf.Notification)
        assert n.name == CHANGE
        assert n.format == "xml" and n.xml == n.text and n.data is None
        assert isinstance(n.event_datetime, datetime.datetime) and n.event_datetime.tzinfo is not None
        assert n.event_time[:4].isdigit() and n.event_time[10] == "T"
        root = ET.fromstring(n.text)
        assert root.tag == "{%s}netconf-config-change" % NOTIF_NS
        target = root.find("{%s}edit/{%s}target" % (NOTIF_NS, NOTIF_NS))
        assert target is not None and "interface[" in target.text and "eth0" in target.text
        assert n.dropped_before == 0
        env = ET.fromstring(n.envelope_xml)
        assert env.find("{urn:ietf:params:xml:ns:netconf:notification:1.0}eventTime").text == n.event_time
    assert sub.received >= 2 and sub.dropped == 0  # counters stay readable after close


def test_json_format_gives_a_dict(pair):
    dev, other = pair
    with dev.subscribe(filter=CHANGE_FILTER, format="json", stream="NETCONF") as sub:
        commit(other, "py notify json")
        n = sub.next(timeout=WAIT)
    assert n is not None and n.format == "json" and n.xml is None
    edit = n.data[CHANGE]["edit"]
    assert any("eth0" in e["target"] for e in edit)


def test_next_times_out_with_devconf_timeout_error_and_goes_on(pair):
    dev, other = pair
    with dev.subscribe(filter=CHANGE_FILTER) as sub:
        with pytest.raises(devconf.TimeoutError, match="no notification"):
            sub.next(timeout=0)
        with pytest.raises(TimeoutError):  # also the builtin
            sub.next(timeout=0.3)
        commit(other, "py after the quiet")
        n = sub.next(timeout=WAIT)
        assert n is not None and n.name == CHANGE


def test_async_iterator_while_the_same_device_reads(server, restore):
    async def main():
        async with await devconf.aio.connect(server.uri, **server.kwargs()) as adev:
            sub = await adev.subscribe(filter=CHANGE_FILTER)
            other = await devconf.aio.connect(server.uri, **server.kwargs())
            got = []

            async def consume():
                async for n in sub:
                    got.append(n)
                    if len(got) == 2:
                        return

            task = asyncio.ensure_future(consume())
            await other.edit_config(interface_xml("eth0", "aio one"), target="candidate")
            await other.commit()
            # the same device serves a read while its subscription is being waited on
            config = await adev.get_config(filter="/ietf-interfaces:interfaces")
            assert "aio one" in config
            await other.edit_config(interface_xml("eth0", "aio two"), target="candidate")
            await other.commit()
            await task
            await other.close()
            sub.close()
            return got

    got = asyncio.run(asyncio.wait_for(main(), 120))
    assert [n.name for n in got] == [CHANGE, CHANGE]


def test_async_cancellation_leaves_the_subscription_usable(pair):
    dev, other = pair

    async def main(sub):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(sub.anext(), 0.3)
        with pytest.raises(devconf.TimeoutError):
            await sub.anext(timeout=0.1)

    with dev.subscribe(filter=CHANGE_FILTER) as sub:
        asyncio.run(main(sub))
        commit(other, "py after cancel")
        assert sub.next(timeout=WAIT).name == CHANGE


def test_full_queue_drops_counts_and_reports_the_gap(pair):
    dev, other = pair
    with dev.subscribe(filter=CHANGE_FILTER, queue=1) as sub:
        for i in range(3):
            commit(other, "py overflow %d" % i)
        # a request on the subscribed session reads what arrived before its reply into the queue
        dev.get_config(filter="/ietf-interfaces:interfaces")
        assert sub.received == 3
        assert sub.dropped == 2
        assert sub.rejected == 0
        first = sub.next(timeout=WAIT)
        assert first.dropped_before == 0
        commit(other, "py overflow after")
        after = sub.next(timeout=WAIT)
        assert after.dropped_before == 2
    assert sub.dropped == 2


def test_close_while_another_thread_waits_is_safe(pair):
    dev, _ = pair
    sub = dev.subscribe(filter=CHANGE_FILTER)
    result = {}
    started = threading.Event()

    def waiter():
        started.set()
        result["n"] = sub.next()  # no timeout: returns None once closed

    t = threading.Thread(target=waiter)
    t.start()
    started.wait(WAIT)
    sub.close()
    t.join(WAIT)
    assert not t.is_alive()
    assert result == {"n": None}
    assert sub.closed
    assert sub.next(timeout=1) is None
    assert list(sub) == []
    sub.close()  # idempotent
    # the session goes on
    assert "interfaces" in dev.get_config(filter="/ietf-interfaces:interfaces")


def test_closing_the_device_closes_its_subscription(server):
    dev = server.connect()
    sub = dev.subscribe()
    dev.close()
    assert sub.closed
    assert sub.next(timeout=0) is None


def test_replay_then_the_stop_time_ends_the_iteration(pair):
    """netconfd keeps a replay log (its stream list says so, though its hello has no :replay): a
    start time in the past replays a commit made before the subscription, and the stop time ends
    the iteration (RFC 5277 notificationComplete)."""
    dev, other = pair
    commit(other, "py replayed")
    now = datetime.datetime.now(datetime.timezone.utc)
    with dev.subscribe(filter=CHANGE_FILTER, start_time=now - datetime.timedelta(hours=1),
                       stop_time=now + datetime.timedelta(seconds=3)) as sub:
        got = [n for n in sub]  # ends at the stop time
    changes = [n for n in got if n.name == CHANGE]
    assert changes, [n.name for n in got]
    assert all(n.event_datetime <= now + datetime.timedelta(seconds=1) for n in changes)


def test_refusals_before_sending(pair):
    dev, _ = pair
    with pytest.raises(devconf.InvalidArgument, match="stop_time needs start_time"):
        dev.subscribe(stop_time="2030-01-01T00:00:00Z")
    with pytest.raises(devconf.InvalidArgument, match="timezone-aware"):
        dev.subscribe(start_time=datetime.datetime(2020, 1, 1))
    with pytest.raises(devconf.InvalidArgument, match="RFC 3339"):
        dev.subscribe(start_time="yesterday")
    with pytest.raises(devconf.InvalidArgument, match="queue"):
        dev.subscribe(queue=0)
    with pytest.raises(devconf.InvalidArgument, match="format"):
        dev.subscribe(format="yaml")
    with pytest.raises(devconf.YangError):
        dev.subscribe(filter="<unclosed")
    with pytest.raises(devconf.InvalidArgument, match="later than the start time"):
        dev.subscribe(start_time="2030-01-02T00:00:00Z", stop_time="2030-01-01T00:00:00Z")
    with dev.subscribe() as sub:
        with pytest.raises(devconf.InvalidArgument, match="already has a subscription"):
            dev.subscribe()
        with pytest.raises(devconf.InvalidArgument):
            sub.next(timeout=-1)


def test_manager_create_subscription_and_take_notification(server, restore):
    m = manager.connect(
        host=server.host, port=server.port, username=server.user, key_filename=server.key,
        hostkey_verify=True, known_hosts_file=server.known_hosts, look_for_keys=False, allow_agent=False,
        cache_dir=server.cache_dir,
    )
    with m, server.connect() as other:
        assert m.take_notification(block=False) is None  # no subscription yet
        reply = m.create_subscription(filter=("subtree", CHANGE_FILTER))
        assert reply.ok
        assert m.take_notification(block=False) is None
        assert m.take_notification(timeout=0.2) is None
        commit(other, "py manager")
        n = m.take_notification(timeout=WAIT)
        assert n is not None
        assert "<eventTime>" in n.notification_xml and "netconf-config-change" in n.notification_xml
        ele = n.notification_ele
        assert ele.tag == "{urn:ietf:params:xml:ns:netconf:notification:1.0}notification"
        assert n.eventTime == n.event_time and n.name == CHANGE
        assert m.notifications_dropped == 0
        with pytest.raises(devconf.InvalidArgument, match="already has a subscription"):
            m.create_subscription()
