#!/usr/bin/env python3
"""Read the interfaces configuration (ietf-interfaces) with a subtree filter.

Usage:
    get_interfaces.py [--host HOST] [--port PORT] [--user USER] [--key KEYFILE]
                      [--password PASSWORD] [--known-hosts FILE] [--format xml|json]

Options default to DEVCONF_HOST, DEVCONF_PORT, DEVCONF_USER, DEVCONF_KEY, DEVCONF_PASSWORD and
DEVCONF_KNOWN_HOSTS, as in capabilities.py.
"""
import argparse
import os
import sys

import devconf

FILTER = '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>'


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default=env("DEVCONF_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env("DEVCONF_PORT", "830")))
    p.add_argument("--user", default=env("DEVCONF_USER"))
    p.add_argument("--key", default=env("DEVCONF_KEY"))
    p.add_argument("--password", default=env("DEVCONF_PASSWORD"))
    p.add_argument("--known-hosts", default=env("DEVCONF_KNOWN_HOSTS"))
    p.add_argument("--format", choices=("xml", "json"), default="xml")
    return p.parse_args()


def main():
    a = parse_args()
    uri = "netconf://%s:%d" % (a.host, a.port)
    try:
        with devconf.connect(uri, username=a.user, key_filename=a.key, password=a.password,
                             known_hosts=a.known_hosts) as dev:
            print(dev.get_config("running", filter=FILTER, format=a.format))
            # The same as Python data: names and descriptions.
            data = dev.get_config("running", filter=FILTER, format="dict")
            for intf in data.get("ietf-interfaces:interfaces", {}).get("interface", []):
                print("%-8s %s" % (intf["name"], intf.get("description", "")))
    except devconf.DevconfError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
