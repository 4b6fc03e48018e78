#!/usr/bin/env python3
"""List the capabilities a NETCONF device announces, and what devconf makes of them.

Usage:
    capabilities.py [--host HOST] [--port PORT] [--user USER] [--key KEYFILE]
                    [--password PASSWORD] [--known-hosts FILE]

Each option defaults to an environment variable: DEVCONF_HOST (127.0.0.1), DEVCONF_PORT (830),
DEVCONF_USER, DEVCONF_KEY, DEVCONF_PASSWORD, DEVCONF_KNOWN_HOSTS (~/.ssh/known_hosts).
The host key is checked against the known_hosts file.
"""
import argparse
import os
import sys

import devconf


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default=env("DEVCONF_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env("DEVCONF_PORT", "830")))
    p.add_argument("--user", default=env("DEVCONF_USER"))
    p.add_argument("--key", default=env("DEVCONF_KEY"))
    p.add_argument("--password", default=env("DEVCONF_PASSWORD"))
    p.add_argument("--known-hosts", default=env("DEVCONF_KNOWN_HOSTS"))
    return p.parse_args()


def main():
    a = parse_args()
    uri = "netconf://%s:%d" % (a.host, a.port)
    try:
        with devconf.connect(uri, username=a.user, key_filename=a.key, password=a.password,
                             known_hosts=a.known_hosts) as dev:
            print("session %d with %s" % (dev.session_id, dev.host))
            for cap in dev.capabilities:
                print("  " + cap)
            for name in ("candidate", "confirmed-commit", "validate", "writable-running", "startup", "xpath"):
                print("%-17s %s" % (name, "yes" if dev.has_capability(name) else "no"))
    except devconf.DevconfError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
