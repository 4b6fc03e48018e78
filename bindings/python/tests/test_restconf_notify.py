"""Notifications over RESTCONF from Python: RFC 8040 event streams (Server-Sent Events)
of the scripted responder (tests/fixtures/restconf/responder.py, scenario responder/events.json: no
RESTCONF server packaged for Debian has event streams). The same Subscription as over NETCONF:
iterator, next(timeout), a request on the subscribed device between two notifications, replay with
a stop time that ends the iteration (the CLI's subscribe over RESTCONF: tests/cli/test_cli_notify.sh)."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
from typing import Iterator, Tuple

import pytest

import devconf
import devconf.aio

REPO = pathlib.Path(__file__).resolve().parents[3]
RESPONDER = REPO / "tests" / "fixtures" / "restconf" / "responder.py"
SCENARIO = REPO / "tests" / "fixtures" / "restconf" / "responder" / "events.json"
ALARM = "devconf-test-events:alarm"
WAIT = 30.0


@pytest.fixture
def responder() -> Iterator[Tuple[str, str]]:
    """A fresh responder per test (its scripted streams are used once): (uri, directory)."""
    d = tempfile.mkdtemp(prefix="devconf-py-sse-")
    log = open(os.path.join(d, "responder.log"), "w")
    proc = subprocess.Popen([sys.executable, str(RESPONDER), str(SCENARIO), d], stdout=log, stderr=log)
    port_file = pathlib.Path(d, "port")
    for _ in range(600):
        if port_file.exists() or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert port_file.exists(), "the responder did not start"
    try:
        yield "restconf+http://127.0.0.1:%s" % port_file.read_text().strip(), d
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
        log.close()
        subprocess.run(["rm", "-rf", d], check=False)


def requests(d: str) -> list:
    with open(os.path.join(d, "requests.jsonl")) as f:
        return [json.loads(line) for line in f]


def test_iterator_over_sse_with_a_request_between(responder, tmp_path):
    uri, d = responder
    with devconf.connect(uri, cache_dir=str(tmp_path)) as dev:
        with dev.subscribe(format="json") as sub:
            first = sub.next(timeout=WAIT)
            assert first.name == ALARM and first.event_time == "2026-12-02T10:00:00Z"
            assert first.data[ALARM]["resource"] == "eth0"
            second = sub.next(timeout=WAIT)  # split across two writes by the server
            assert second.name == "devconf-test-events:restarted" and second.data[second.name]["reason"] == "upgrade"
            third = sub.next(timeout=WAIT)  # after one the schemas do not describe (skipped in JSON)
            assert third.data[ALARM]["resource"] == "psu1" and sub.rejected == 1
            # the stream stays quiet until the responder sees this request on the same device
            with pytest.raises(devconf.TimeoutError):
                sub.next(timeout=0.2)
            assert "r1" in dev.get("/devconf-example:settings")
            late = sub.next(timeout=WAIT)
            assert late.event_time == "2026-12-02T10:00:04Z" and late.data[ALARM]["resource"] == "late"
            assert sub.received == 5 and sub.dropped == 0
    paths = [r["path"] for r in requests(d)]
    assert paths.count("/streams/netconf-json") == 1


def test_replay_with_stop_time_ends_the_iteration(responder, tmp_path):
    uri, d = responder
    with devconf.connect(uri, cache_dir=str(tmp_path)) as dev:
        sub = dev.subscribe(stream="replay", start_time="2026-12-01T00:00:00Z",
                            stop_time="2026-12-01T00:00:05Z", format="json")
        got = [n.data[ALARM]["resource"] for n in sub]  # ends when the server closes the stream
        sub.close()
    assert got == ["r1", "r2"]
    stream = [r for r in requests(d) if r["path"].startswith("/streams/replay-json")]
    assert len(stream) == 1
    assert "start-time=2026-12-01T00%3A00%3A00Z" in stream[0]["path"]
    assert "stop-time=2026-12-01T00%3A00%3A05Z" in stream[0]["path"]


def test_async_iterator_over_sse(responder, tmp_path):
    uri, _ = responder

    async def main() -> list:
        dev = await devconf.aio.connect(uri, cache_dir=str(tmp_path))
        try:
            sub = await dev.subscribe(stream="replay", start_time="2026-12-01T00:00:00Z",
                                      stop_time="2026-12-01T00:00:05Z", format="json")
            out = [n.event_time async for n in sub]
            sub.close()
            return out
        finally:
            await dev.close()

    assert asyncio.run(main()) == ["2026-12-01T00:00:01Z", "2026-12-01T00:00:02Z"]
