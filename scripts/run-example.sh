#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build devconf, start a local NETCONF
# device (yuma123 netconfd behind a private OpenSSH sshd on a free loopback port) and a local
# RESTCONF device (Jetconf, HTTP/2 with a client certificate), and run the showcase example
# against both with the same code: read an interface with a filter, set its description in the
# candidate, commit, read it back. The devices are stopped and their directories removed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build

dir=$(mktemp -d)
rdir=$(mktemp -d)
cleanup() {
    bash tests/fixtures/netconf/netconfd-down.sh "$dir" >/dev/null 2>&1 || true
    bash tests/fixtures/restconf/jetconf-down.sh "$rdir" >/dev/null 2>&1 || true
    rm -rf "$dir" "$rdir"
}
trap cleanup EXIT
bash tests/fixtures/netconf/netconfd-up.sh "$dir" >/dev/null
port=$(cat "$dir/port")
uri="netconf://devconf-test@127.0.0.1:$port"
export DEVCONF_KNOWN_HOSTS="$dir/known_hosts" DEVCONF_KEY="$dir/client_ed25519" XDG_CACHE_HOME="$dir/cache"

echo "== examples/interface_description.c against $uri"
build/examples/interface_description "$uri" eth0 "uplink to core, set by devconf"

echo "== the same device through the command-line tool"
cli=(build/cli/devconf --known-hosts "$dir/known_hosts" --key "$dir/client_ed25519")
"${cli[@]}" "$uri" capabilities | head -n 6
echo '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>eth1</name><description>set from the CLI</description></interface></interfaces>' |
    "${cli[@]}" "$uri" edit-config --commit -
"${cli[@]}" --format json "$uri" get-config --filter "/ietf-interfaces:interfaces/interface[name='eth1']"

echo "== the same example over RESTCONF (Jetconf) at restconf://127.0.0.1:PORT"
rport=$(bash tests/fixtures/restconf/jetconf-up.sh "$rdir" 2>/dev/null | tail -n 1)
DEVCONF_CA_FILE="$rdir/ca.pem" DEVCONF_CERT="$rdir/client.pem" DEVCONF_CERT_KEY="$rdir/client.key" \
    build/examples/interface_description "restconf://127.0.0.1:$rport" eth1 "access port, set over RESTCONF"
