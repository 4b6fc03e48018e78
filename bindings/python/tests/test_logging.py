"""Log messages reach logging.getLogger("devconf"); a failing handler never reaches C."""

from __future__ import annotations

import logging

import devconf


def test_logger_has_null_handler():
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("devconf").handlers)


def test_messages_reach_child_loggers_by_origin(server, caplog):
    caplog.set_level(logging.DEBUG, logger="devconf")
    with server.connect() as d:
        d.get_config("running")
    msgs = [r for r in caplog.records if r.name.startswith("devconf.")]
    assert any("NETCONF session %d" % d.session_id in r.getMessage() for r in msgs if r.name == "devconf.session")
    assert any(r.levelno == logging.DEBUG and "get-config sent" in r.getMessage()
               for r in msgs if r.name == "devconf.netconf")
    assert {r.devconf_origin for r in msgs} >= {"devconf", "netconf", "ssh"}
    assert all(r.name == "devconf." + {"devconf": "session"}.get(r.devconf_origin, r.devconf_origin) for r in msgs)
    assert all(r.devconf_host for r in msgs)


def test_info_says_connected_and_committed_only(server, caplog):
    """logging.basicConfig(level=INFO): one line a connection, one a commit; the rest is DEBUG."""
    caplog.set_level(logging.INFO, logger="devconf")
    with server.connect() as d:
        d.get_config("running")
        d.commit()
    info = [r for r in caplog.records if r.name.startswith("devconf") and r.levelno == logging.INFO]
    assert [r.name for r in info] == ["devconf.session", "devconf.session"], [r.getMessage() for r in info]
    assert "NETCONF session %d" % d.session_id in info[0].getMessage()
    assert info[1].getMessage().endswith("committed")


def test_a_child_logger_alone_gets_its_debug(server, caplog):
    caplog.set_level(logging.WARNING, logger="devconf")
    caplog.set_level(logging.DEBUG, logger="devconf.netconf")
    with server.connect() as d:
        d.get_config("running")
    names = {r.name for r in caplog.records if r.levelno == logging.DEBUG}
    assert "devconf.netconf" in names and "devconf.ssh" not in names


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
