#!/usr/bin/env python3
"""The folders of lib/ are the layers: only lib/restconf/ may include libcurl, only lib/netconf/
may include libssh or libnetconf2 headers. Fails naming each file and line that breaks this."""
import pathlib
import re
import sys

RULES = [
    (re.compile(r'#\s*include\s*[<"](curl/)'), "restconf", "libcurl"),
    (re.compile(r'#\s*include\s*[<"](libssh/)'), "netconf", "libssh"),
    (re.compile(r'#\s*include\s*[<"](nc_client\.h|nc_server\.h|libnetconf2/|netconf\.h|session_client)'), "netconf",
     "libnetconf2"),
    (re.compile(r'#\s*include\s*[<"](openssl/)'), "netconf", "OpenSSL (NETCONF over TLS)"),
]


def main() -> int:
    lib = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "lib")
    bad = []
    files = sorted(list(lib.rglob("*.c")) + list(lib.rglob("*.h")))
    if not files:
        print(f"check-layers: no sources under {lib}")
        return 1
    for f in files:
        rel = f.relative_to(lib)
        folder = rel.parts[0] if len(rel.parts) > 1 else ""
        for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            for rx, allowed, what in RULES:
                if rx.search(line) and folder != allowed:
                    bad.append(f"{lib / rel}:{n}: includes {what}, which only lib/{allowed}/ may: {line.strip()}")
    for b in bad:
        print(b)
    print(f"check-layers: {len(files)} files, {len(bad)} violation(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
