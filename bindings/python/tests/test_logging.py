"""Log messages reach logging.getLogger("devconf"); a failing handler never reaches C."""

from __future__ import annotations

import logging

import devconf


def test_logger_has_null_handler():
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("devconf").handlers)


def test_messages_reach_the_logger(server, caplog):
    caplog.set_level(logging.DEBUG, logger="devconf")
    with server.connect() as d:
        d.get_config("running")
    msgs = [r for r in caplog.records if r.name == "devconf"]
    assert any("NETCONF session %d" % d.session_id in r.getMessage() for r in msgs)
    assert any(r.levelno == logging.DEBUG and "get-config sent" in r.getMessage() for r in msgs)
    assert {r.devconf_origin for r in msgs} >= {"devconf", "netconf"}
    assert all(r.devconf_host for r in msgs)


def test_level_follows_the_logger(server, caplog):
    caplog.set_level(logging.WARNING, logger="devconf")
    with server.connect() as d:
        d.get_config("running")
        assert not [r for r in caplog.records if r.levelno < logging.WARNING]
        caplog.set_level(logging.DEBUG, logger="devconf")
        d.get_config("running")  # re-read before the call
    assert [r for r in caplog.records if r.levelno == logging.DEBUG]


def test_failing_handler_does_not_break_calls(server):
    class Exploding(logging.Handler):
        def emit(self, record):
            raise RuntimeError("handler failure")

        def handleError(self, record):
            raise RuntimeError("handleError failure")

    log = logging.getLogger("devconf")
    h = Exploding()
    old = log.level
    log.addHandler(h)
    log.setLevel(logging.DEBUG)
    try:
        with server.connect() as d:
            assert "eth0" in d.get_config("running")
    finally:
        log.removeHandler(h)
        log.setLevel(old)


def test_commit_message_is_logged(server, dev, caplog):
    caplog.set_level(logging.INFO, logger="devconf")
    dev.commit_config(message="audit: nothing changed")
    assert any("audit: nothing changed" in r.getMessage() for r in caplog.records)
    assert isinstance(devconf.logger, logging.Logger)
