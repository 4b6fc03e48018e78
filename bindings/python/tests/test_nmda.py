"""NMDA (RFC 8526) from Python: Device.get_data / edit_data against netconfd --with-nmda=true, the
refusal on the suite's netconfd without NMDA, and the scripted server with --nmda (a peer that
honours get-data's parameters and edit-data)."""

import asyncio
import json

import pytest

import devconf
import devconf.aio


def test_get_data_operational_with_origin(nmda_server):
    with nmda_server.connect() as dev:
        assert dev.has_capability("nmda")
        xml = dev.get_data()
        assert "<name>eth0</name>" in xml
        assert ":origin=" not in xml
        data = json.loads(dev.get_data("operational", with_origin=True, format="json"))
        entries = data["ietf-interfaces:interfaces"]["interface"]
        assert entries[0]["@"]["ietf-origin:origin"] == "ietf-origin:intended"


def test_get_data_refusals_are_local(nmda_server):
    with nmda_server.connect() as dev:
        with pytest.raises(devconf.InvalidArgument, match="only for the operational"):
            dev.get_data("running", with_origin=True)
        with pytest.raises(devconf.YangError, match="'bogus' is not an origin identity"):
            dev.get_data(origins=["bogus"])
        with pytest.raises(devconf.InvalidArgument):
            dev.get_data("nowhere")
        with pytest.raises(devconf.InvalidArgument):
            dev.get_data(max_depth=0)
        # yuma123 netconfd 2.13 answers every get-data with its whole operational datastore
        with pytest.raises(devconf.UnsupportedError, match="server bug"):
            dev.get_data("running", "<interfaces xmlns='urn:ietf:params:xml:ns:yang:ietf-interfaces'/>")
        with pytest.raises(devconf.UnsupportedError, match="edit-config"):
            dev.edit_data("<interfaces xmlns='urn:ietf:params:xml:ns:yang:ietf-interfaces'/>", "candidate")
        with pytest.raises(devconf.InvalidArgument, match="read-only"):
            dev.edit_data("<interfaces xmlns='urn:ietf:params:xml:ns:yang:ietf-interfaces'/>", "operational")


def test_nmda_on_a_device_without_it(server):
    with server.connect() as dev:
        assert not dev.has_capability("nmda")
        with pytest.raises(devconf.UnsupportedError, match="ietf-netconf-nmda"):
            dev.get_data()


def test_aio_get_data(nmda_server):
    async def main():
        async with await devconf.aio.connect(nmda_server.uri, **nmda_server.kwargs()) as dev:
            return await dev.get_data(with_origin=True)

    assert 'or:origin="or:intended"' in asyncio.run(main())


IF_NS = "urn:ietf:params:xml:ns:yang:ietf-interfaces"


def test_get_data_filters_on_a_peer_that_honours_them(nmda_scripted):
    with nmda_scripted.connect() as dev:
        assert dev.has_capability("nmda")
        state = dev.get_data(config=False)
        assert "<oper-status>down</oper-status>" in state and "<description>" not in state
        data = json.loads(dev.get_data(config=True, origins=["learned"], with_origin=True, format="json"))
        entries = data["ietf-interfaces:interfaces"]["interface"]
        assert [e["name"] for e in entries] == ["eth0"] and "description" not in entries[0]
        address = entries[0]["ietf-ip:ipv4"]
        assert address["@"]["ietf-origin:origin"] == "ietf-origin:learned"
        assert address["address"][0]["ip"] == "192.0.2.10"
        top = dev.get_data(max_depth=1)
        assert '<interfaces xmlns="%s"/>' % IF_NS in top and "<name>" not in top
        one = dev.get_data("running", "/ietf-interfaces:interfaces/interface[name='eth1']")
        assert "<name>eth1</name>" in one and "eth0" not in one


def test_edit_data_commit_and_running_on_the_peer(nmda_scripted):
    with nmda_scripted.connect() as dev:
        edit = ('<interfaces xmlns="%s"><interface><name>eth1</name><description>%s</description></interface>'
                "</interfaces>")
        dev.edit_data(edit % (IF_NS, "python candidate"), "candidate")
        assert "python candidate" not in dev.get_data("running")
        dev.commit()
        assert "<description>python candidate</description>" in dev.get_data("running")
        dev.edit_data(edit % (IF_NS, "python running"), "running")
        assert "<description>python running</description>" in dev.get_data("intended")
