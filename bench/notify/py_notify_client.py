"""Notification consumers in Python for bench/notify (the same protocol as notify_client.c):

    py_notify_client.py MODE --port P --key F --known-hosts F --ssh-config F --cache DIR
                        [--count N] [--wait-go] [--idle S]

MODE: ``devconf-iter`` (``for n in dev.subscribe(...)``), ``devconf-next`` (``sub.next(timeout)``)
or ``ncclient`` (``create_subscription`` + ``take_notification``). Subscribes to
netconf-config-change, prints READY, optionally waits for a line on stdin, takes --count
notifications (or stops when none came for --idle seconds) and prints one RESULT {json} line.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

CHANGE_FILTER = '<netconf-config-change xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"/>'


def status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["devconf-iter", "devconf-next", "ncclient"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", default="devconf-test")
    p.add_argument("--key", required=True)
    p.add_argument("--known-hosts", required=True)
    p.add_argument("--ssh-config", required=True)
    p.add_argument("--cache", required=True)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--idle", type=float, default=5.0)
    p.add_argument("--wait-go", action="store_true")
    a = p.parse_args()

    taken = 0
    t_first = t_last = 0.0
    extra = {}
    if a.mode == "ncclient":
        from ncclient import manager

        m = manager.connect(host="127.0.0.1", port=a.port, username=a.user, key_filename=a.key, hostkey_verify=True,
                            ssh_config=a.ssh_config, look_for_keys=False, allow_agent=False, timeout=120)
        # create_subscription(filter=...) puts <filter> in the base namespace, which netconfd refuses
        # ("unknown object"; RFC 5277 has it in the notification namespace): the RPC by hand
        from ncclient.xml_ import to_ele

        m.dispatch(to_ele(
            '<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">'
            '<filter type="subtree">%s</filter></create-subscription>' % CHANGE_FILTER))
        rss_before = status_kb("VmRSS")
        print("READY", flush=True)
        if a.wait_go:
            sys.stdin.readline()
        t_go = time.monotonic()
        while taken < a.count:
            n = m.take_notification(timeout=a.idle)
            if n is None:
                break
            if not n.notification_xml:
                raise SystemExit("empty notification")
            now = time.monotonic()
            if not taken:
                t_first = now
            t_last = now
            taken += 1
        m.close_session()
        import ncclient

        extra["version"] = ncclient.__version__
    else:
        import devconf

        dev = devconf.connect("netconf://%s@127.0.0.1:%d" % (a.user, a.port), key_filename=a.key,
                              known_hosts=a.known_hosts, cache_dir=a.cache, timeout=120, connect_timeout=120)
        sub = dev.subscribe(filter=CHANGE_FILTER)
        rss_before = status_kb("VmRSS")
        print("READY", flush=True)
        if a.wait_go:
            sys.stdin.readline()
        t_go = time.monotonic()
        if a.mode == "devconf-iter":
            # the iterator blocks without a bound: a generator that falls short would hang it, so the
            # driver always produces at least --count notifications
            for n in sub:
                if not n.text:
                    raise SystemExit("empty notification")
                now = time.monotonic()
                if not taken:
                    t_first = now
                t_last = now
                taken += 1
                if taken >= a.count:
                    break
        else:
            while taken < a.count:
                try:
                    n = sub.next(timeout=a.idle)
                except devconf.TimeoutError:
                    break
                if n is None:
                    break
                now = time.monotonic()
                if not taken:
                    t_first = now
                t_last = now
                taken += 1
        extra["dropped"] = sub.dropped
        extra["device_received"] = sub.received
        sub.close()
        dev.close()
    span = t_last - t_first if taken > 1 else 0.0
    res = dict(mode=a.mode, received=taken, first_to_last_s=span, rate=(taken - 1) / span if span > 0 else 0.0,
               go_to_last_s=t_last - t_go if taken else 0.0, rss_before_kb=rss_before,
               t_first_mono_s=t_first, t_last_mono_s=t_last,  # CLOCK_MONOTONIC, as the C clients
               peak_rss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, **extra)
    print("RESULT " + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
