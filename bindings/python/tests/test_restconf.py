"""The same Device API over RESTCONF (Jetconf: HTTP/2, TLS with a client certificate)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

import devconf
from conftest import EXAMPLES, PY_PATH

ETH1 = "/ietf-interfaces:interfaces/interface[name='eth1']"


def _desc(d, source="running"):
    data = d.get_config(source, ETH1, format="dict")
    return data["ietf-interfaces:interfaces"]["interface"][0].get("description")


@pytest.fixture
def rc(rc_server):
    d = rc_server.connect()
    try:
        yield d
    finally:
        d.close()


def test_properties(rc_server, rc):
    assert rc.protocol == "restconf"
    assert rc.session_id == 0
    assert rc.host == "127.0.0.1"
    assert rc.has_capability("candidate") and rc.has_capability("ietf-interfaces")
    assert not rc.has_capability("confirmed-commit")
    assert "restconf://127.0.0.1:%d" % rc_server.port in repr(rc)


def test_reads_have_the_netconf_shape(rc):
    xml_text = rc.get_config("running", ETH1)
    assert xml_text.lstrip().startswith('<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">')
    whole = rc.get_config("running", format="dict")
    assert "ietf-interfaces:interfaces" in whole and "ietf-restconf:data" not in whole
    assert not rc.get_config("running").lstrip().startswith("<data")
    assert rc.etag and rc.last_modified
    state = rc.get(ETH1, format="json")
    assert json.loads(state)["ietf-interfaces:interfaces"]["interface"][0]["name"] == "eth1"
    full = rc.get("/ietf-interfaces:interfaces", format="dict")["ietf-interfaces:interfaces"]["interface"]
    shallow = rc.get("/ietf-interfaces:interfaces", depth=3, format="dict")["ietf-interfaces:interfaces"]["interface"]
    assert full[0]["ietf-ip:ipv4"]["address"] and shallow[0]["ietf-ip:ipv4"] == {}
    assert [i["name"] for i in shallow] == [i["name"] for i in full]


def test_edit_commit_and_if_match(rc):
    before = _desc(rc)
    rc.edit_config({"ietf-interfaces:interfaces": {"interface": [{"name": "eth1", "description": "over restconf"}]}})
    assert "+        \"description\": \"over restconf\"," in rc.compare_config()
    rc.commit()
    assert _desc(rc) == "over restconf"
    rc.get_config("running", ETH1)
    rc.edit_config(
        {"ietf-interfaces:interfaces": {"interface": [{"name": "eth1", "description": before}]}},
        target="running",
        if_match=True,
    )
    assert _desc(rc) == before


def test_errors_over_restconf(rc_server, rc, tmp_path):
    with pytest.raises(devconf.YangError):
        rc.edit_config({"ietf-interfaces:interfaces": {"interface": [{"name": "eth1", "enabled": "perhaps"}]}})
    with pytest.raises(devconf.UnsupportedError, match="lock"):
        rc.lock()
    with pytest.raises(devconf.UnsupportedError, match="confirmed"):
        rc.commit(confirmed=True, timeout=60)
    with pytest.raises(devconf.UnsupportedError, match="confirmed-commit"):
        rc.commit_config(revert_in=60)
    with pytest.raises(devconf.HostKeyError):  # server certificate from an unknown CA
        rc_server.connect(ca_file=str(rc_server.dir / "other-ca.pem"))
    with pytest.raises(devconf.DevconfError):
        rc_server.connect(client_cert=str(rc_server.dir / "other-client.pem"),
                          client_key=str(rc_server.dir / "other-client.key"))


def test_rpc_over_restconf(rc):
    assert rc.rpc({"devconf-example:echo": {"message": "hi"}}) == {
        "devconf-example:output": {"reply": "hi", "length": 2}
    }
    assert "<reply" in rc.rpc('<echo xmlns="urn:devconf:example"><message>hi</message></echo>')
    assert "module ietf-interfaces" in rc.get_schema("ietf-interfaces")


def test_napalm_lifecycle_over_restconf(rc):
    before = _desc(rc)
    rc.load_merge_candidate(
        config={"ietf-interfaces:interfaces": {"interface": [{"name": "eth1", "description": "napalm rc"}]}}
    )
    assert "napalm rc" in rc.compare_config()
    rc.commit_config(message="restconf change")
    assert _desc(rc) == "napalm rc"
    rc.rollback()
    assert _desc(rc) == before
    rc.load_merge_candidate(
        config={"ietf-interfaces:interfaces": {"interface": [{"name": "eth1", "description": "dropped"}]}}
    )
    rc.discard_config()
    assert rc.compare_config() == ""


def test_bearer_token_is_a_secret(rc_server, caplog):
    caplog.set_level(logging.DEBUG, logger="devconf")
    token = "Tok3n-Never-Shown"
    with rc_server.connect(bearer_token=token) as d:
        text = repr(d) + repr(vars(d))
        d.get_config("running", ETH1)
    text += "\n".join(r.getMessage() for r in caplog.records)
    assert token not in text


def test_restconf_example(rc_server):
    env = dict(__import__("os").environ)
    env["PYTHONPATH"] = PY_PATH
    proc = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "restconf_set_description.py"),
            "--port", str(rc_server.port),
            "--ca-file", str(rc_server.dir / "ca.pem"),
            "--cert", str(rc_server.dir / "client.pem"),
            "--cert-key", str(rc_server.dir / "client.key"),
            "eth0", "set over RESTCONF",
        ],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"description": "set over RESTCONF"' in proc.stdout
