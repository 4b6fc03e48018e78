"""ncclient drop-in gaps: m.timeout after connecting, schema errors caught by `except RPCError`,
the two meanings of timeout, and the per-device timeout setter."""

from __future__ import annotations

import pytest

import devconf
from conftest import IF_NS
from devconf import manager


def _manager(stalling, **kw):
    return manager.connect(host="127.0.0.1", port=stalling.port, username="devconf-test", password=stalling.password,
                           known_hosts_file=str(stalling.dir / "known_hosts"), look_for_keys=False,
                           allow_agent=False, cache_dir=stalling.cache_dir, **kw)


def test_manager_timeout_set_after_connecting_bounds_the_next_rpc(stalling):
    """The session's RPC timeout is an hour and the device stalls for 120 s before closing the
    channel: only m.timeout = 1 can turn this into a timeout (else a closed-connection error)."""
    with _manager(stalling, manager_params={"timeout": 3600}) as m:
        assert m.timeout == 3600
        m.timeout = 1
        assert m.timeout == 1 and m.device.timeout == 1
        with pytest.raises(manager.TimeoutExpiredError) as ei:
            m.get_config(source="running")
        assert isinstance(ei.value, devconf.TimeoutError) and isinstance(ei.value, TimeoutError)
        with pytest.raises(ValueError):
            m.timeout = 0


def test_device_timeout_setter(stalling):
    with devconf.connect(stalling.uri, **stalling.kwargs(timeout=3600)) as d:
        d.timeout = 0.5
        with pytest.raises(devconf.TimeoutError):
            d.get_config("running")
        d.timeout = None
        assert d.timeout is None


def test_schema_error_is_an_rpc_error_for_ncclient_scripts(scripted):
    bad = '<config><interfaces xmlns="%s"><interfacez><name>x</name></interfacez></interfaces></config>' % IF_NS
    with manager.connect(host="127.0.0.1", port=scripted.port, username=scripted.user, password=scripted.password,
                         known_hosts_file=scripted.known_hosts, look_for_keys=False, allow_agent=False,
                         cache_dir=scripted.cache_dir) as m:
        try:
            m.edit_config(target="candidate", config=bad)
        except manager.RPCError as e:  # the ncclient idiom
            assert isinstance(e, devconf.YangError) and e.code == devconf.YangError.code
            assert e.tag == "invalid-value" and e.severity == "error" and e.type == "application"
            assert "interfacez" in str(e)
            assert "<rpc-error>" in e.xml
        else:
            pytest.fail("a payload the schema refuses must raise RPCError")
        m.raise_mode = manager.RaiseMode.NONE
        reply = m.edit_config(target="candidate", config=bad)
        assert not reply.ok and reply.error.tag == "invalid-value"


def test_connect_timeout_meanings_are_documented():
    assert "connect_timeout" in devconf.connect.__doc__ and "every later network wait" in devconf.connect.__doc__
    assert "m.timeout" in manager.__doc__ and "connect_timeout=" in manager.__doc__



def test_xpath_filter_typo_is_refused_like_a_subtree_typo(scripted):
    """Issue 13.6: an XPath filter naming no schema node is refused locally (the C check), as a
    subtree typo is; ncclient scripts get an RPCError for it."""
    with scripted.connect() as d:
        with pytest.raises(devconf.YangError):
            d.get_config("running", '<interfacez xmlns="%s"/>' % IF_NS)
        with pytest.raises(devconf.YangError, match="interfacez.*nothing sent"):
            d.get_config("running", "/ietf-interfaces:interfacez")
        with pytest.raises(devconf.YangError):
            d.get("/ietf-interfaces:interfaces/interfacez")
        assert "eth0" in d.get_config("running", "/ietf-interfaces:interfaces")
    with manager.connect(host="127.0.0.1", port=scripted.port, username=scripted.user, password=scripted.password,
                         known_hosts_file=scripted.known_hosts, look_for_keys=False, allow_agent=False,
                         cache_dir=scripted.cache_dir) as m:
        with pytest.raises(manager.RPCError, match="interfacez"):
            m.get_config(source="running", filter=("xpath", "/ietf-interfaces:interfacez"))
