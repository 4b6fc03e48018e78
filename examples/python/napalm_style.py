#!/usr/bin/env python3
"""The NAPALM configuration lifecycle on a devconf Device: load, compare, commit with an
automatic revert, then confirm (or roll back).

Usage:
    napalm_style.py [connection options] [--revert-in SECONDS] [--rollback] INTERFACE DESCRIPTION

Connection options (--host, --port, --user, --key, --password, --known-hosts) default to
DEVCONF_HOST, DEVCONF_PORT, DEVCONF_USER, DEVCONF_KEY, DEVCONF_PASSWORD, DEVCONF_KNOWN_HOSTS.
With --rollback the change is committed, confirmed, then rolled back again.
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
    p.add_argument("--revert-in", type=int, default=60)
    p.add_argument("--rollback", action="store_true")
    p.add_argument("interface")
    p.add_argument("description")
    return p.parse_args()


def main():
    a = parse_args()
    change = {
        "ietf-interfaces:interfaces": {
            "interface": [{"name": a.interface, "description": a.description}]
        }
    }
    uri = "netconf://%s:%d" % (a.host, a.port)
    try:
        with devconf.connect(uri, username=a.user, key_filename=a.key, password=a.password,
                             known_hosts=a.known_hosts) as dev:
            dev.load_merge_candidate(config=change)
            diff = dev.compare_config()
            if not diff:
                print("no change")
                dev.discard_config()
                return 0
            print(diff, end="")
            dev.commit_config(message="napalm_style.py: %s" % a.interface, revert_in=a.revert_in)
            print("committed; reverts in %d s unless confirmed (pending: %s)" % (a.revert_in, dev.has_pending_commit()))
            # ... post-checks would run here ...
            dev.confirm_commit()
            print("confirmed")
            if a.rollback:
                dev.rollback()
                print("rolled back")
    except devconf.DevconfError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
