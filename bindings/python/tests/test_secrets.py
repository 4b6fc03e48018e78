"""A password or passphrase never appears in repr(), log output or exception text.

Against the scripted NETCONF server (fixture ``scripted``), whose password is random per run."""

from __future__ import annotations

import logging
import traceback

import pytest

import devconf
from devconf import manager

PASSPHRASE = "devconf-pass"
WRONG = "Wr0ng-S3cret-Value"


def _all_text(caplog, *objs):
    parts = [r.getMessage() for r in caplog.records]
    parts += [repr(r.__dict__) for r in caplog.records]
    for o in objs:
        parts.append(repr(o))
        parts.append(str(o))
        if isinstance(o, BaseException):
            parts.append("".join(traceback.format_exception(type(o), o, o.__traceback__)))
            parts.append(repr(getattr(o, "__dict__", {})))
    return "\n".join(parts)


def test_secrets_not_in_repr_logs_or_errors(scripted, caplog):
    server = scripted
    password = server.password
    caplog.set_level(logging.DEBUG, logger="devconf")
    seen = []
    with server.connect(key_filename=None, password=password) as d:
        seen += [d, d.__dict__]
        d.get_config("running")
    with server.connect(key_filename=server.key_pp, passphrase=PASSPHRASE) as d:
        seen += [d, d.__dict__]
    for kw in (
        dict(key_filename=None, password=WRONG),
        dict(key_filename=server.key_pp, passphrase=WRONG),
    ):
        with pytest.raises(devconf.AuthError) as ei:
            server.connect(**kw)
        seen.append(ei.value)
    with pytest.raises(devconf.InvalidArgument) as ei:
        devconf.connect("netconf://devconf-test:%s@127.0.0.1:%d" % (WRONG, server.port), **server.kwargs())
    seen.append(ei.value)
    with manager.connect(
        host=server.host,
        port=server.port,
        username=server.user,
        password=password,
        known_hosts_file=server.known_hosts,
        look_for_keys=False,
        allow_agent=False,
        cache_dir=server.cache_dir,
    ) as m:
        seen += [m, m.__dict__, m.device.__dict__]
    with pytest.raises(devconf.AuthError) as ei:
        manager.connect(
            host=server.host,
            port=server.port,
            username=server.user,
            password=WRONG,
            known_hosts_file=server.known_hosts,
            look_for_keys=False,
            allow_agent=False,
            cache_dir=server.cache_dir,
        )
    seen.append(ei.value)
    text = _all_text(caplog, *seen)
    assert any(r.levelno == logging.DEBUG for r in caplog.records), "DEBUG logging reached Python"
    for secret in (password, PASSPHRASE, WRONG):
        assert secret not in text
    assert password not in server.server_log() and WRONG not in server.server_log()


def test_options_struct_is_wiped_and_not_kept(scripted):
    d = scripted.connect(key_filename=None, password=scripted.password)
    try:
        for value in vars(d).values():
            assert scripted.password not in repr(value)
    finally:
        d.close()
