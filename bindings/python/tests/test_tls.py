"""NETCONF over TLS (RFC 7589) from Python: the URI and the TLS keyword arguments of connect(),
against netconfd behind stunnel (fixture ``tls_server``, tests/fixtures/netconf/tls-up.sh)."""
from __future__ import annotations

import pytest

import devconf


def test_netconf_over_tls_reads_the_device(tls_server) -> None:
    with devconf.connect(tls_server.uri, **tls_server.kwargs()) as dev:
        assert dev.protocol == "netconf"
        assert dev.has_capability("candidate")
        assert "<name>eth0</name>" in dev.get_config("running", filter="/ietf-interfaces:interfaces")


def test_wrong_ca_raises_host_key_error(tls_server) -> None:
    with pytest.raises(devconf.HostKeyError, match="certificate verify failed"):
        devconf.connect(tls_server.uri, **tls_server.kwargs(ca_file=tls_server.file("other-ca.pem")))


def test_missing_client_certificate_is_refused_locally(tls_server) -> None:
    with pytest.raises(devconf.InvalidArgument, match="needs a client certificate"):
        devconf.connect(tls_server.uri, **tls_server.kwargs(client_cert=None, client_key=None))


def test_untrusted_client_certificate_raises_auth_error(tls_server) -> None:
    with pytest.raises(devconf.AuthError, match="refused the client certificate"):
        devconf.connect(tls_server.uri, **tls_server.kwargs(client_cert=tls_server.file("other-client.pem"),
                                                            client_key=tls_server.file("other-client.key")))
