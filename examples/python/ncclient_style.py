#!/usr/bin/env python3
"""A classic ncclient script; only the import line differs (`from devconf import manager`).

Usage:
    ncclient_style.py [--host HOST] [--port PORT] [--user USER] [--key KEYFILE]
                      [--password PASSWORD] [--known-hosts FILE] [INTERFACE DESCRIPTION]

Options default to DEVCONF_HOST, DEVCONF_PORT, DEVCONF_USER, DEVCONF_KEY, DEVCONF_PASSWORD and
DEVCONF_KNOWN_HOSTS. Without --known-hosts the host key is not checked (hostkey_verify=False,
as in most ncclient scripts); with it, it is (known_hosts_file= is a devconf addition).
"""
import argparse
import os
import sys
import xml.dom.minidom

from devconf import manager  # was: from ncclient import manager
from devconf.manager import RPCError  # was: from ncclient.operations import RPCError

INTERFACES_FILTER = """
<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
  <interface/>
</interfaces>
"""

CONFIG_TEMPLATE = """
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
    <interface>
      <name>{name}</name>
      <description>{description}</description>
    </interface>
  </interfaces>
</config>
"""


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default=env("DEVCONF_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env("DEVCONF_PORT", "830")))
    p.add_argument("--user", default=env("DEVCONF_USER"))
    p.add_argument("--key", default=env("DEVCONF_KEY"))
    p.add_argument("--password", default=env("DEVCONF_PASSWORD"))
    p.add_argument("--known-hosts", default=env("DEVCONF_KNOWN_HOSTS"))
    p.add_argument("interface", nargs="?", default="eth0")
    p.add_argument("description", nargs="?", default="set by ncclient_style.py")
    return p.parse_args()


def main():
    args = parse_args()
    params = dict(host=args.host, port=args.port, username=args.user, password=args.password,
                  key_filename=args.key, hostkey_verify=False, look_for_keys=False, allow_agent=False)
    if args.known_hosts:
        params.update(hostkey_verify=True, known_hosts_file=args.known_hosts)

    with manager.connect(**params) as m:
        print("Connected, session id %s" % m.session_id)
        print("Server capabilities:")
        for capability in m.server_capabilities:
            print("  %s" % capability)
        if ":candidate" not in m.server_capabilities:
            print("the device has no candidate datastore")
            return 1

        reply = m.get_config(source="running", filter=("subtree", INTERFACES_FILTER))
        print(xml.dom.minidom.parseString(reply.xml).toprettyxml(indent="  "))

        config = CONFIG_TEMPLATE.format(name=args.interface, description=args.description)
        try:
            with m.locked(target="candidate"):
                m.discard_changes()
                m.edit_config(target="candidate", config=config, default_operation="merge")
                m.commit(confirmed=True, timeout="60")
                m.commit()
        except RPCError as e:
            print("RPC error: tag=%s type=%s severity=%s path=%s message=%s"
                  % (e.tag, e.type, e.severity, e.path, e.message))
            return 1

        reply = m.get_config(source="running", filter=("xpath", "/ietf-interfaces:interfaces/interface[name='%s']"
                                                       % args.interface))
        for desc in reply.data_ele.iter("{urn:ietf:params:xml:ns:yang:ietf-interfaces}description"):
            print("description is now: %s" % desc.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
