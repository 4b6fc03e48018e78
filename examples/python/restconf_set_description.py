#!/usr/bin/env python3
"""Set an interface's description over RESTCONF: the same calls as set_description.py.

Usage:
    restconf_set_description.py [--host HOST] [--port PORT] [--ca-file PEM] [--cert PEM]
                                [--cert-key PEM] INTERFACE DESCRIPTION

Options default to DEVCONF_HOST (127.0.0.1), DEVCONF_PORT (443), DEVCONF_CA_FILE,
DEVCONF_CLIENT_CERT and DEVCONF_CLIENT_KEY. The server certificate is verified against the
CA file (default: the system store). The edit is staged in the session and sent on commit().
"""
import argparse
import os
import sys

import devconf


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default=env("DEVCONF_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env("DEVCONF_PORT", "443")))
    p.add_argument("--ca-file", default=env("DEVCONF_CA_FILE"))
    p.add_argument("--cert", default=env("DEVCONF_CLIENT_CERT"))
    p.add_argument("--cert-key", default=env("DEVCONF_CLIENT_KEY"))
    p.add_argument("interface")
    p.add_argument("description")
    return p.parse_args()


def main():
    a = parse_args()
    change = {"ietf-interfaces:interfaces": {"interface": [{"name": a.interface, "description": a.description}]}}
    uri = "restconf://%s:%d" % (a.host, a.port)
    try:
        with devconf.connect(uri, ca_file=a.ca_file, client_cert=a.cert, client_key=a.cert_key) as dev:
            dev.edit_config(change, target="candidate")
            print(dev.compare_config(), end="")
            dev.commit()
            xpath = "/ietf-interfaces:interfaces/interface[name='%s']" % a.interface
            print(dev.get_config("running", filter=xpath, format="json"))
    except devconf.DevconfError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
