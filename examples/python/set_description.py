#!/usr/bin/env python3
"""Set an interface's description in the candidate datastore and commit it.

Usage:
    set_description.py [connection options] INTERFACE DESCRIPTION

Connection options (--host, --port, --user, --key, --password, --known-hosts) default to
DEVCONF_HOST, DEVCONF_PORT, DEVCONF_USER, DEVCONF_KEY, DEVCONF_PASSWORD, DEVCONF_KNOWN_HOSTS.
The candidate is locked while it is edited; on any error the change is discarded.
"""
import argparse
import os
import sys
from xml.sax.saxutils import escape

import devconf

EDIT = """<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
  <interface>
    <name>{name}</name>
    <description>{description}</description>
  </interface>
</interfaces>"""


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default=env("DEVCONF_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env("DEVCONF_PORT", "830")))
    p.add_argument("--user", default=env("DEVCONF_USER"))
    p.add_argument("--key", default=env("DEVCONF_KEY"))
    p.add_argument("--password", default=env("DEVCONF_PASSWORD"))
    p.add_argument("--known-hosts", default=env("DEVCONF_KNOWN_HOSTS"))
    p.add_argument("interface")
    p.add_argument("description")
    return p.parse_args()


def main():
    a = parse_args()
    uri = "netconf://%s:%d" % (a.host, a.port)
    try:
        with devconf.connect(uri, username=a.user, key_filename=a.key, password=a.password,
                             known_hosts=a.known_hosts) as dev:
            with dev.locked("candidate"):
                try:
                    dev.edit_config(EDIT.format(name=escape(a.interface), description=escape(a.description)),
                                    target="candidate")
                    print(dev.compare_config(), end="")
                    dev.commit()
                except devconf.DevconfError:
                    dev.discard_changes()
                    raise
            xpath = "/ietf-interfaces:interfaces/interface[name='%s']/description" % a.interface
            print(dev.get_config("running", filter=xpath, format="json"))
    except devconf.RpcError as e:
        print("the device refused: %s" % e, file=sys.stderr)
        for err in e.errors:
            print("  %s %s %s" % (err.tag, err.path or "", err.message or ""), file=sys.stderr)
        return 1
    except devconf.DevconfError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
