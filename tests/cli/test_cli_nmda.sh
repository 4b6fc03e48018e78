#!/usr/bin/env bash
# devconf get-data / edit-data (NMDA, RFC 8526) against netconfd --with-nmda=true, a netconfd
# without NMDA, and the scripted NETCONF server with --nmda (a peer that honours get-data's
# parameters and edit-data), all started here.
#   test_cli_nmda.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
cli=$build/cli/devconf
dir=$(mktemp -d) pdir=$(mktemp -d) sdir=$(mktemp -d)
cleanup() {
    bash "$src/tests/fixtures/netconf/scripted/ncserver-down.sh" "$sdir/srv" >/dev/null 2>&1
    bash "$src/tests/fixtures/netconf/netconfd-down.sh" "$dir" >/dev/null 2>&1
    bash "$src/tests/fixtures/netconf/netconfd-down.sh" "$pdir" >/dev/null 2>&1
    rm -rf "$dir" "$pdir" "$sdir"
}
trap cleanup EXIT
bash "$src/tests/fixtures/netconf/netconfd-up.sh" "$dir" --with-nmda=true >/dev/null ||
    { echo "setup failed: netconfd --with-nmda=true"; exit 1; }
bash "$src/tests/fixtures/netconf/netconfd-up.sh" "$pdir" >/dev/null ||
    { echo "setup failed: netconfd"; exit 1; }
bash "$src/tests/fixtures/netconf/scripted/ncserver-up.sh" "$sdir/srv" --announce hello --nmda >/dev/null ||
    { echo "setup failed: scripted server --nmda"; exit 1; }
uri="netconf://devconf-test@127.0.0.1:$(cat "$dir/port")"
suri="netconf://devconf-test@127.0.0.1:$(cat "$sdir/srv/port")"
snc=("$cli" --known-hosts "$sdir/srv/known_hosts" --key "$sdir/srv/client_ed25519" --cache-dir "$sdir/cache")
puri="netconf://devconf-test@127.0.0.1:$(cat "$pdir/port")"
nc=("$cli" --known-hosts "$dir/known_hosts" --key "$dir/client_ed25519" --cache-dir "$dir/cache")
pnc=("$cli" --known-hosts "$pdir/known_hosts" --key "$pdir/client_ed25519" --cache-dir "$dir/cache")

. "$src/tests/cli/lib.sh"
lacks() { ! grep -q -- "$1" <<<"$("${@:2}" 2>/dev/null)"; }
payload() { printf '%s' "$1" >"$dir/payload"; echo "$dir/payload"; }

check "get-data --help" 0 "--with-origin" "" -- "$cli" get-data --help
check "get-data of operational" 0 "<name>eth0</name>" "" -- "${nc[@]}" "$uri" get-data
if lacks 'or:origin=' "${nc[@]}" "$uri" get-data; then
    ok "get-data without --with-origin prints no origin"
else
    fail "get-data without --with-origin prints origins"
fi
check "get-data --with-origin" 0 'or:origin="or:intended"' "" -- "${nc[@]}" "$uri" get-data --with-origin
check "get-data --with-origin, JSON" 0 '"ietf-origin:origin": "ietf-origin:intended"' "" -- \
    "${nc[@]}" --format json "$uri" get-data --datastore operational --with-origin
check "--with-origin is for operational only" 2 "" "only for the operational datastore" -- \
    "${nc[@]}" "$uri" get-data --datastore running --with-origin
check "--config-only and --nonconfig-only exclude each other" 2 "" "only one of --config-only" -- \
    "${nc[@]}" "$uri" get-data --config-only --nonconfig-only
check "--negate-origin needs --origin" 2 "" "needs at least one --origin" -- "${nc[@]}" "$uri" get-data --negate-origin
check "--max-depth range" 2 "" "max depth" -- "${nc[@]}" "$uri" get-data --max-depth 0
check "unknown datastore" 2 "" "datastore" -- "${nc[@]}" "$uri" get-data --datastore config
check "unknown origin identity refused locally" 8 "" "'bogus' is not an origin identity" -- \
    "${nc[@]}" "$uri" get-data --origin bogus
check "a filter naming no node refused locally" 8 "" "nothing sent" -- \
    "${nc[@]}" "$uri" get-data --xpath /ietf-interfaces:interfacez
check "netconfd's get-data ignores the datastore: refused, the bug named" 9 "" "server bug" -- \
    "${nc[@]}" "$uri" get-data --datastore running
check "netconfd's get-data ignores config-filter: refused" 9 "" "config-filter" -- \
    "${nc[@]}" "$uri" get-data --nonconfig-only
check "edit-data of a read-only datastore" 2 "" "read-only" -- \
    "${nc[@]}" "$uri" edit-data --datastore operational "$(payload '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>')"
check "netconfd's edit-data changes nothing: refused, edit-config named" 9 "" "edit-config" -- \
    "${nc[@]}" "$uri" edit-data --datastore candidate "$(payload '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>')"
check "get-data on a device without NMDA names the module" 9 "" "ietf-netconf-nmda.*nothing was sent" -- \
    "${pnc[@]}" "$puri" get-data
check "edit-data on a device without NMDA names the module" 9 "" "ietf-netconf-nmda" -- \
    "${pnc[@]}" "$puri" edit-data "$(payload '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>')"

# the scripted --nmda peer: what netconfd ignores is honoured, nothing is refused locally
# succeeds_without NAME PATTERN -- COMMAND...: exit 0 and PATTERN not in stdout
succeeds_without() {
    local name=$1 pat=$2 out
    shift 3
    if out=$("$@" 2>/dev/null </dev/null) && [ -n "$out" ] && ! grep -q -- "$pat" <<<"$out"; then
        ok "$name"
    else
        fail "$name: ${out:0:400}"
    fi
}
check "peer: --nonconfig-only prints state only" 0 "<oper-status>up</oper-status>" "" -- \
    "${snc[@]}" "$suri" get-data --nonconfig-only
succeeds_without "peer: --nonconfig-only prints no configuration" '<description>' -- "${snc[@]}" "$suri" get-data --nonconfig-only
check "peer: --origin system --with-origin" 0 'or:origin="or:system"' "" -- \
    "${snc[@]}" "$suri" get-data --config-only --origin system --with-origin
succeeds_without "peer: --origin system leaves eth0 out" 'eth0' -- "${snc[@]}" "$suri" get-data --config-only --origin system
check "peer: --xpath selects one interface" 0 "<name>eth1</name>" "" -- \
    "${snc[@]}" "$suri" get-data --datastore running --xpath "/ietf-interfaces:interfaces/interface[name='eth1']"
check "peer: edit-data of candidate" 0 "" "" -- "${snc[@]}" "$suri" edit-data --datastore candidate \
    "$(payload '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>eth0</name><description>cli edit-data</description></interface></interfaces>')"
succeeds_without "peer: running unchanged before commit" 'cli edit-data' -- "${snc[@]}" "$suri" get-data --datastore running
check "peer: commit" 0 "" "" -- "${snc[@]}" "$suri" commit
check "peer: get-data of running after commit" 0 "<description>cli edit-data</description>" "" -- \
    "${snc[@]}" "$suri" get-data --datastore running

summary
