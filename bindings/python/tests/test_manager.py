"""devconf.manager: ncclient's dialect, and a textbook ncclient script run with one changed import."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import xml.dom.minidom
import xml.etree.ElementTree as ET

import pytest

import devconf
from devconf import manager
from conftest import IF_NS, NC_NS, description_of, restore_baseline

IF_FILTER = '<interfaces xmlns="%s"><interface><name>eth1</name></interface></interfaces>' % IF_NS


def _connect(server, **over):
    kw = dict(
        host=server.host,
        port=server.port,
        username=server.user,
        key_filename=server.key,
        hostkey_verify=True,
        known_hosts_file=server.known_hosts,
        look_for_keys=False,
        allow_agent=False,
        cache_dir=server.cache_dir,
    )
    kw.update(over)
    return manager.connect(**kw)


@pytest.fixture
def m(server):
    mgr = _connect(server)
    try:
        yield mgr
    finally:
        if mgr.connected:
            mgr.raise_mode = manager.RaiseMode.NONE
            mgr.discard_changes()
        mgr.close_session()


def test_connect_and_properties(server, m):
    assert m.connected
    assert m.session_id.isdigit() and int(m.session_id) > 0
    caps = m.server_capabilities
    assert len(caps) == len(list(caps)) > 10
    assert ":candidate" in caps
    assert ":confirmed-commit:1.1" in caps
    assert ":base:1.1" in caps
    assert "urn:ietf:params:netconf:capability:with-defaults:1.0" in caps  # without its parameters
    assert ":writable-running" not in caps
    assert caps[":candidate"] == "urn:ietf:params:netconf:capability:candidate:1.0"
    assert all(isinstance(c, str) for c in caps)
    assert ":base:1.0" in m.client_capabilities
    assert m.timeout == 30
    m.timeout = 10
    assert m.timeout == 10
    assert isinstance(m.device, devconf.Device)
    with pytest.raises(AttributeError, match="vendor"):
        m.get_configuration()  # a Junos-only operation


def test_connect_with_password_and_insecure_skip_warns(scripted, caplog):
    server = scripted
    caplog.set_level(logging.WARNING, logger="devconf")
    with manager.connect(
        host=server.host,
        port=server.port,
        username=server.user,
        password=server.password,
        hostkey_verify=False,
        look_for_keys=False,
        allow_agent=False,
        cache_dir=server.cache_dir,
        device_params={"name": "default"},
    ) as m:
        assert m.connected
    assert any("NOT checked" in r.getMessage() for r in caplog.records)
    assert not m.connected


def test_connect_tries_each_key(server, tmp_path):
    bogus = tmp_path / "id_bogus"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(bogus)], check=True)
    with _connect(server, key_filename=[str(bogus), server.key]) as m:
        assert m.connected
    with pytest.raises(devconf.AuthError):
        _connect(server, key_filename=str(bogus))
    with pytest.raises(TypeError, match="unexpected keyword"):
        _connect(server, no_such_option=1)


def test_connect_hostkey_verify_refuses_unknown(server, tmp_path):
    kh = tmp_path / "kh"
    kh.write_text("")
    with pytest.raises(devconf.HostKeyError):
        _connect(server, known_hosts_file=str(kh))


def test_get_and_get_config_filters(m):
    r = m.get(filter=("subtree", IF_FILTER))
    assert r.ok and "eth1" in r.data_xml
    r = m.get_config(source="running", filter=("subtree", IF_FILTER))
    assert isinstance(r, manager.GetReply)
    assert r.ok and r.errors == [] and r.error is None
    assert r.xml.startswith('<rpc-reply xmlns="%s" message-id="urn:uuid:' % NC_NS)
    assert r.data_xml.startswith('<data xmlns="%s">' % NC_NS)
    names = [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)]
    assert names == ["eth1"]
    assert r.data is r.data_ele
    try:
        from lxml import etree
    except ImportError:  # xml.etree without lxml
        assert isinstance(r.data_ele, ET.Element)
    else:
        assert isinstance(r.data_ele, etree._Element)
        r2 = m.dispatch(etree.fromstring('<get-config xmlns="%s"><source><running/></source></get-config>' % NC_NS))
        assert "eth0" in r2.data_xml
    xml.dom.minidom.parseString(r.xml)  # well-formed
    # xpath: module names, or XML prefixes with a namespace map, or a <filter> element
    r = m.get_config("running", filter=("xpath", "/ietf-interfaces:interfaces/interface[name='eth0']"))
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth0"]
    r = m.get_config("running", filter=("xpath", ({"if": IF_NS}, "/if:interfaces/if:interface[if:name='eth1']")))
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth1"]
    r = m.get_config(
        "running",
        filter='<filter type="xpath" xmlns:if="%s" select="/if:interfaces/if:interface/if:name"/>' % IF_NS,
    )
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth0", "eth1"]
    r = m.get_config("running", filter='<filter type="subtree">%s</filter>' % IF_FILTER)
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth1"]
    r = m.get_config("running", filter=ET.fromstring('<filter type="subtree">%s</filter>' % IF_FILTER))
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth1"]
    r = m.get_config("running", filter=("subtree", ET.fromstring(IF_FILTER)), with_defaults="report-all")
    assert "eth1" in r.data_xml
    r = m.get_config("candidate", filter=("xpath", "/ietf-interfaces:interfaces/interface[name='none']"))
    assert r.data_xml == '<data xmlns="%s"/>' % NC_NS
    with pytest.raises(devconf.InvalidArgument):
        m.get_config("running", filter=("regex", "eth.*"))


def test_edit_commit_and_rpc_error(server, m, restore):
    config = """
    <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
      <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
        <interface><name>eth1</name><description>from the manager</description></interface>
      </interfaces>
    </config>"""
    with m.locked(target="candidate"):
        r = m.edit_config(target="candidate", config=config, default_operation="merge", error_option="stop-on-error")
        assert r.ok and "<ok/>" in r.xml
        assert m.commit(confirmed=True, timeout="30").ok
        assert m.commit(confirmed=True, timeout=30).ok  # extends the confirmed commit
        assert m.commit().ok
    assert description_of(m.device, "eth1") == "from the manager"
    # positional config, as ncclient allows
    m.edit_config(config, "xml", "candidate")
    assert m.discard_changes().ok
    delete = (
        '<config xmlns:nc="%s"><interfaces xmlns="%s"><interface nc:operation="delete"><name>absent</name>'
        "</interface></interfaces></config>" % (NC_NS, IF_NS)
    )
    with pytest.raises(manager.RPCError) as ei:
        m.edit_config(target="candidate", config=delete, default_operation="none")
    e = ei.value
    assert isinstance(e, devconf.RpcError) and isinstance(e, manager.OperationError)
    assert (e.type, e.tag, e.severity, e.app_tag) == ("application", "data-missing", "error", "data-incomplete")
    assert "absent" in e.path
    assert e.message == "data missing" and str(e) == "data missing"
    assert e.info.startswith("<error-info")
    assert e.errors == [e]
    assert e.to_dict()["tag"] == "data-missing"
    assert e.xml.startswith("<rpc-error><error-type>application</error-type>")
    assert "data-missing" in e.summary
    # raise_mode NONE: the reply carries the error
    m.raise_mode = manager.RaiseMode.NONE
    r = m.edit_config(target="candidate", config=delete, default_operation="none")
    assert not r.ok and r.error.tag == "data-missing" and "<rpc-error>" in r.xml
    m.raise_mode = manager.RaiseMode.ERRORS
    with pytest.raises(manager.RPCError):
        m.edit_config(target="candidate", config=delete, default_operation="none")
    with pytest.raises(ValueError):
        m.raise_mode = 7
    with pytest.raises(devconf.UnsupportedError):
        m.edit_config(target="candidate", config=config, format="text")


def test_cancel_commit_and_persist(server, m, restore):
    m.edit_config(target="candidate", config=_desc("eth0", "cancel me"))
    m.commit(confirmed=True, timeout=60, persist="mgr-persist")
    assert description_of(m.device, "eth0") == "cancel me"
    assert m.cancel_commit(persist_id="mgr-persist").ok
    assert description_of(m.device, "eth0") != "cancel me"


def _desc(name, text):
    return '<config><interfaces xmlns="%s"><interface><name>%s</name><description>%s</description></interface></interfaces></config>' % (
        IF_NS,
        name,
        text,
    )


def test_copy_delete_validate_lock(server, m):
    assert m.copy_config(source="running", target="startup").ok
    assert m.delete_config(target="startup").ok
    assert m.copy_config("running", "startup").ok
    assert m.copy_config(source=_desc("eth0", "copied").replace("<config>", '<config xmlns="%s">' % NC_NS).replace(
        "<interface><name>eth0</name>", '<interface><name>eth0</name><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
    ), target="candidate").ok
    assert description_of(m.device, "eth0", "candidate") == "copied"
    assert m.discard_changes().ok
    assert m.validate(source="running").ok
    assert m.lock("candidate").ok
    with _connect(server) as other:
        with pytest.raises(manager.RPCError) as ei:
            other.lock(target="candidate")
        assert ei.value.tag == "lock-denied"
    assert m.unlock(target="candidate").ok


def test_get_schema_dispatch_kill(server, m):
    r = m.get_schema("ietf-interfaces")
    assert isinstance(r, manager.GetSchemaReply)
    assert r.data.lstrip().startswith("module ietf-interfaces")
    assert "module ietf-interfaces" in r.data_ele.text
    # dispatch of a base get-config with filter (routed) and of another RPC
    r = m.dispatch(
        '<get-config xmlns="%s"><source><running/></source><filter type="subtree">%s</filter></get-config>'
        % (NC_NS, IF_FILTER)
    )
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth1"]
    r = m.dispatch('<get-config xmlns="%s"/>' % NC_NS, source="running", filter=("subtree", IF_FILTER))
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth1"]
    r = m.dispatch(
        '<get xmlns="%s"><filter type="xpath" xmlns:if="%s" select="/if:interfaces/if:interface[if:name=\'eth0\']"/></get>'
        % (NC_NS, IF_NS)
    )
    assert [e.text for e in r.data_ele.iter("{%s}name" % IF_NS)] == ["eth0"]
    r = m.dispatch('<get-my-session xmlns="http://netconfcentral.org/ns/yuma-mysession"/>')
    assert r.ok and "<indent" in r.xml
    assert r.data_ele.find("{http://netconfcentral.org/ns/yuma-mysession}indent").text
    r = m.dispatch(ET.fromstring('<lock xmlns="%s"><target><candidate/></target></lock>' % NC_NS))
    assert r.ok and "<ok/>" in r.xml
    m.dispatch('<unlock xmlns="%s"/>' % NC_NS, source=None, filter=None) if False else m.unlock()
    victim = _connect(server)
    assert m.kill_session(victim.session_id).ok
    victim.close_session()
    with pytest.raises(manager.RPCError):
        m.kill_session(999999)


def test_close_session(server):
    mgr = _connect(server)
    assert mgr.close_session().ok
    assert not mgr.connected
    with pytest.raises(devconf.ConnectError):
        mgr.get_config("running")


TEXTBOOK = textwrap.dedent(
    '''
    from devconf import manager
    import sys
    import xml.dom.minidom

    host, port, user, key, known_hosts = sys.argv[1:6]

    conf = """
    <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
      <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
        <interface>
          <name>eth1</name>
          <description>configured by a textbook script</description>
        </interface>
      </interfaces>
    </config>
    """

    with manager.connect(host=host, port=int(port), username=user, key_filename=key,
                         hostkey_verify=False, look_for_keys=False, allow_agent=False) as m:
        print("session", m.session_id)
        for c in m.server_capabilities:
            print(c)
        assert ":candidate" in m.server_capabilities
        netconf_filter = """
        <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
          <interface><name>eth1</name></interface>
        </interfaces>"""
        reply = m.get_config(source="running", filter=("subtree", netconf_filter))
        print(xml.dom.minidom.parseString(reply.xml).toprettyxml())
        with m.locked(target="candidate"):
            m.edit_config(target="candidate", config=conf)
            m.commit()
        reply = m.get_config("running", filter=("subtree", netconf_filter))
        print(reply.data_xml)
        print(reply.ok)
    '''
)


def test_textbook_ncclient_script(server, tmp_path, restore):
    script = tmp_path / "textbook.py"
    script.write_text(TEXTBOOK)
    proc = subprocess.run(
        [sys.executable, str(script), server.host, str(server.port), server.user, server.key, server.known_hosts],
        capture_output=True,
        text=True,
        env=server.example_env(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "urn:ietf:params:netconf:capability:candidate:1.0" in proc.stdout
    assert "configured by a textbook script" in proc.stdout
    assert proc.stdout.strip().endswith("True")
    restore_baseline(server)
