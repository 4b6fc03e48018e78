#!/usr/bin/env bash
# The devconf command-line tool against a real NETCONF device (netconfd, started here) and a real
# RESTCONF device (Jetconf): output on stdout, errors on stderr, one exit status per error class.
#   test_cli.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
cli=$build/cli/devconf
dir=$(mktemp -d) rdir=$(mktemp -d)
cleanup() {
    bash "$src/tests/fixtures/netconf/netconfd-down.sh" "$dir" >/dev/null 2>&1
    bash "$src/tests/fixtures/restconf/jetconf-down.sh" "$rdir" >/dev/null 2>&1
    rm -rf "$dir" "$rdir"
}
trap cleanup EXIT
bash "$src/tests/fixtures/netconf/netconfd-up.sh" "$dir" "--module=$src/yang-models/devconf-example.yang" >/dev/null ||
    { echo "setup failed: netconfd"; exit 1; }
rport=$(bash "$src/tests/fixtures/restconf/jetconf-up.sh" "$rdir" 2>/dev/null | tail -n 1) ||
    { echo "setup failed: jetconf"; exit 1; }
uri="netconf://devconf-test@127.0.0.1:$(cat "$dir/port")"
nc=("$cli" --known-hosts "$dir/known_hosts" --key "$dir/client_ed25519" --cache-dir "$dir/cache")
rc=("$cli" --ca-file "$rdir/ca.pem" --cert "$rdir/client.pem" --cert-key "$rdir/client.key"
    --search-dir /usr/share/yuma/modules/ietf --cache-dir "$rdir/cache")
ruri="restconf://127.0.0.1:$rport"

passed=0 failed=0
# check NAME EXPECTED_STATUS STDOUT_PATTERN STDERR_PATTERN -- COMMAND...
check() {
    local name=$1 want=$2 out_pat=$3 err_pat=$4
    shift 5
    local out err status
    out=$("$@" 2>"$dir/stderr" </dev/null)
    status=$?
    err=$(cat "$dir/stderr")
    if [ "$status" -ne "$want" ] || ! grep -qE -- "$out_pat" <<<"$out" || ! grep -qE -- "$err_pat" <<<"$err"; then
        echo "FAIL $name: status $status (want $want)"
        echo "  stdout: ${out:0:400}"
        echo "  stderr: ${err:0:400}"
        failed=$((failed + 1))
    else
        echo "ok   $name"
        passed=$((passed + 1))
    fi
}
payload() { printf '%s' "$1" >"$dir/payload"; echo "$dir/payload"; }

check "help needs no device" 0 "Usage: devconf" "" -- "$cli" get-config --help
check "no arguments is a usage error" 2 "" "devconf" -- "$cli"
check "password on the command line refused" 2 "" "not accepted on the command line" -- "$cli" --password x "$uri" get
check "bad URI" 2 "" "bad URI" -- "${nc[@]}" "ftp://x" get
check "unknown host key" 5 "" "unknown" -- "$cli" --key "$dir/client_ed25519" --known-hosts /dev/null "$uri" get
check "wrong password" 4 "" "rejected" -- env DEVCONF_PASSWORD=wrong "$cli" --known-hosts "$dir/known_hosts" "$uri" get
check "closed port" 3 "" "cannot connect" -- "${nc[@]}" "netconf://devconf-test@127.0.0.1:1" get
check "capabilities" 0 "urn:ietf:params:netconf:capability:candidate:1.0" "" -- "${nc[@]}" "$uri" capabilities
check "get-config json with a filter" 0 '"name": "eth0"' "" -- \
    "${nc[@]}" --format json "$uri" get-config --filter "/ietf-interfaces:interfaces/interface[name='eth0']"
check "an XPath filter naming no node is refused locally" 8 "" "interfacez.*nothing sent" -- \
    "${nc[@]}" "$uri" get-config --filter "/ietf-interfaces:interfacez"
check "a misspelt leaf in an XPath filter is refused locally" 8 "" "interface/nam' names no node" -- \
    "${nc[@]}" "$uri" get-config --filter "/ietf-interfaces:interfaces/interface/nam"
# ... with one line on stderr: devconf's message, no libyang chatter before it
xerr=$("${nc[@]}" "$uri" get-config --filter "/ietf-interfaces:interfacez" 2>&1 >/dev/null </dev/null)
if [ "$(printf '%s\n' "$xerr" | wc -l)" -eq 1 ]; then
    echo "ok   a refused XPath filter is one line on stderr"
    passed=$((passed + 1))
else
    echo "FAIL a refused XPath filter is one line on stderr: $xerr"
    failed=$((failed + 1))
fi
check "edit-config --commit" 0 "" "" -- "${nc[@]}" "$uri" edit-config --commit \
    "$(payload '{"ietf-interfaces:interfaces":{"interface":[{"name":"eth1","description":"from the cli test"}]}}')"
check "the edit is on the device" 0 "from the cli test" "" -- "${nc[@]}" "$uri" get-config
check "get-config --device-text" 0 "<name>eth0</name>" "" -- "${nc[@]}" "$uri" get-config --device-text
check "--device-text is XML only" 2 "" "device_text" -- "${nc[@]}" --format json "$uri" get-config --device-text
check "invalid payload is a YANG error" 8 "" "enabled" -- "${nc[@]}" "$uri" edit-config \
    "$(payload '{"ietf-interfaces:interfaces":{"interface":[{"name":"eth1","enabled":"maybe"}]}}')"
check "rpc-error fields on stderr" 7 "" "rpc-error: tag=data-missing" -- "${nc[@]}" "$uri" edit-config \
    --default-operation none "$(payload '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><interface nc:operation="delete"><name>nope</name></interface></interfaces>')"
check "diff" 0 "^\+    <description>diffed</description>" "" -- "${nc[@]}" "$uri" diff \
    "$(payload '{"ietf-interfaces:interfaces":{"interface":[{"name":"eth1","description":"diffed"}]}}')"
check "apply --dry-run catches a leafref, labelled local" 8 "" "local-error \(nothing sent\):.*leafref" -- \
    "${nc[@]}" "$uri" apply --dry-run "$(payload '{"devconf-example:settings":{"default-item":"nope"}}')"
# eth1 holds two children (name, description): libyang has no sibling hash table below four,
# where a local merge once kept the old and the new description side by side.
small='{"ietf-interfaces:interfaces":{"interface":[{"name":"eth1","description":"small entry"}]}}'
check "diff of a leaf in a small list entry: old out, new in" 0 \
    "^-    <description>from the cli test</description>" "" -- "${nc[@]}" "$uri" diff "$(payload "$small")"
check "diff of a leaf in a small list entry: the new value" 0 "^\+    <description>small entry</description>" "" -- \
    "${nc[@]}" "$uri" diff "$(payload "$small")"
check "diff --edit of a leaf in a small list entry" 0 "small entry" "" -- "${nc[@]}" "$uri" diff --edit \
    "$(payload "$small")"
check "apply --dry-run of a leaf in a small list entry" 0 "small entry" "" -- "${nc[@]}" "$uri" apply --dry-run \
    "$(payload "$small")"
check "apply" 0 "^\+    <description>applied</description>" "" -- "${nc[@]}" "$uri" apply \
    "$(payload '{"ietf-interfaces:interfaces":{"interface":[{"name":"eth1","description":"applied"}]}}')"
check "apply --confirm" 0 "confirmed-by-cli" "reverts it in 60 s" -- "${nc[@]}" "$uri" apply --confirm 60 \
    "$(payload '{"ietf-interfaces:interfaces":{"interface":[{"name":"eth1","description":"confirmed-by-cli"}]}}')"
check "confirm" 0 "" "" -- "${nc[@]}" "$uri" confirm
check "convert" 0 '"devconf-example:settings"' "" -- "${nc[@]}" "$uri" convert \
    "$(payload '<settings xmlns="urn:devconf:example"><mtu>1400</mtu></settings>')"
check "restconf get-config" 0 "<name>eth0</name>" "" -- "${rc[@]}" "$ruri" get-config \
    --filter "/ietf-interfaces:interfaces/interface[name='eth0']"
check "restconf lock is unsupported" 9 "" "lock" -- "${rc[@]}" "$ruri" lock
check "restconf wrong CA" 5 "" "certificate" -- "$cli" --ca-file "$rdir/other-ca.pem" --cert "$rdir/client.pem" \
    --cert-key "$rdir/client.key" "$ruri" capabilities

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
