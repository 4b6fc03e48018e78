#!/usr/bin/env bash
# The devconf command-line tool over an inventory (--inventory): the scripted NETCONF server's ports
# as devices (and one more server without confirmed commit), JSON lines on stdout, --output-dir,
# --limit, the exit status of all / some / none, and apply --all-or-nothing.
#   test_cli_fleet.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
cli=$build/cli/devconf
dir=$(mktemp -d) odd=$(mktemp -d)
cleanup() {
    bash "$src/tests/fixtures/netconf/scripted/ncserver-down.sh" "$dir/srv" >/dev/null 2>&1
    bash "$src/tests/fixtures/netconf/scripted/ncserver-down.sh" "$odd" >/dev/null 2>&1
    rm -rf "$dir" "$odd"
}
trap cleanup EXIT
bash "$src/tests/fixtures/netconf/scripted/ncserver-up.sh" "$dir/srv" --announce hello --ports 6 >/dev/null ||
    { echo "setup failed: scripted server"; exit 1; }
bash "$src/tests/fixtures/netconf/scripted/ncserver-up.sh" "$odd" --announce hello --without confirmed-commit \
    >/dev/null || { echo "setup failed: scripted server without confirmed commit"; exit 1; }

# the inventory: six devices in groups core (1-3) and edge (4-6), one without confirmed commit
# (group plain), one that is not there (group gone)
{
    echo "# written by test_cli_fleet.sh"
    echo "defaults:"
    echo "  hostname: 127.0.0.1"
    echo "  username: devconf-test"
    echo "  known_hosts: $dir/known_hosts"
    echo "  private_key: $dir/srv/client_ed25519"
    echo "groups:"
    echo "  core: {data: {role: core}}"
    echo "  edge: {}"
    echo "  plain: {}"
    echo "  gone: {}"
    echo "hosts:"
    i=0
    for p in $(cat "$dir/srv/ports"); do
        i=$((i + 1))
        echo "  r$i: {port: $p, groups: [$([ $i -le 3 ] && echo core || echo edge)]}"
    done
    echo "  plain1: {port: $(cat "$odd/port"), groups: [plain], private_key: $odd/client_ed25519}"
    echo "  down1: {port: 1, groups: [gone], connect_timeout: 2}"
} >"$dir/inv.yaml"
cat "$dir/srv/known_hosts" "$odd/known_hosts" >"$dir/known_hosts"
fl=("$cli" --cache-dir "$dir/cache" --inventory "$dir/inv.yaml" --progress off)
payload() { printf '%s' "$1" >"$dir/payload"; echo "$dir/payload"; }

. "$src/tests/cli/lib.sh"
check_show=600
lines() { "$@" 2>/dev/null </dev/null | grep -c '"device"'; }

check "every device of a group, JSON lines" 0 '^\{"device":"r1","uri":"netconf://devconf-test@127.0.0.1:[0-9]+","ok":true' \
    "3 of 3 devices ok" -- "${fl[@]}" --limit group:core get-config --filter /ietf-interfaces:interfaces
n=$(lines "${fl[@]}" --limit 'r*' --forks 2 get-config)
[ "$n" -eq 6 ] && ok "six result lines" || fail "six result lines: $n"
check "a device down: some failed" 12 '"device":"down1","uri":"[^"]*","ok":false,"elapsed_ms":[0-9]+,"code":-6,"error":"down1: cannot connect' \
    "6 of 7 devices ok, 1 failed" -- "${fl[@]}" --limit 'r*,group:gone' get-config
check "every device down: all failed" 13 '"ok":false' "0 of 1 devices ok" -- "${fl[@]}" --limit down1 get
check "--limit that matches nothing" 2 "" "'nope' matches no device" -- "${fl[@]}" --limit nope get
check "a bad inventory names its line" 2 "" "line 2" -- "$cli" --inventory "$(payload $'hosts:\n  a: {password: x}\n')" get
check "--timeout with --inventory points to the inventory" 2 "" "'timeout' and 'connect_timeout' in the inventory" -- \
    "${fl[@]}" --timeout 5 get
check "--max-reply with --inventory points to the inventory" 2 "" "max_reply_bytes' in the inventory" -- \
    "${fl[@]}" --max-reply 1M get
check "lock makes no sense across devices" 2 "" "makes no sense" -- "${fl[@]}" lock
check "URI and --inventory together" 2 "" "either a URI or --inventory" -- \
    "${fl[@]}" netconf://x get
mkdir -p "$dir/out"
check "--output-dir" 0 "" "2 of 2 devices ok" -- "${fl[@]}" --limit r1,r2 --output-dir "$dir/out" get-config \
    --filter /ietf-interfaces:interfaces
if grep -q "<name>eth0</name>" "$dir/out/r1.out" && [ -s "$dir/out/r2.out" ]; then
    ok "one file per device"
else
    fail "one file per device: $(ls "$dir/out")"
fi
change=$(payload '{"ietf-interfaces:interfaces":{"interface":[{"name":"eth7","type":"iana-if-type:ethernetCsmacd","description":"fleet change"}]}}')
check "apply on each device" 0 '"device":"r4".*"ok":true.*fleet change' "3 of 3 devices ok" -- \
    "${fl[@]}" --limit group:edge apply "$change"
check "all-or-nothing refuses a device without confirmed commit" 9 "" \
    "plain1 \(no confirmed-commit 1.1" -- "${fl[@]}" --limit 'group:core,plain1' apply --all-or-nothing "$change"
check "nothing changed by the refused transaction" 0 "" "" -- "${fl[@]}" --limit plain1 get-config
if "${fl[@]}" --limit 'group:core,plain1' get-config 2>/dev/null | grep -q "fleet change"; then
    fail "the refused transaction changed something"
else
    ok "the refused transaction changed nothing"
fi
check "all-or-nothing with --weak" 0 '"state":"committed"' "4 of 4 devices ok" -- \
    "${fl[@]}" --limit 'group:core,plain1' apply --all-or-nothing --weak --confirm 60 "$change"
n=$("${fl[@]}" --limit 'group:core,plain1' get-config 2>/dev/null | grep -c "fleet change")
[ "$n" -eq 4 ] && ok "the transaction changed all four" || fail "the transaction changed $n of 4"

summary
