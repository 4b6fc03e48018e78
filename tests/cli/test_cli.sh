#!/usr/bin/env bash
# The devconf command-line tool against a real NETCONF device (netconfd, started here) and a real
# RESTCONF device (Jetconf): output on stdout, errors on stderr, one exit status per error class.
#   test_cli.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
cli=$build/cli/devconf
dir=$(mktemp -d) rdir=$(mktemp -d) c1dir=$(mktemp -d) escdir=$(mktemp -d)
cleanup() {
    bash "$src/tests/fixtures/netconf/tls-down.sh" "$dir" >/dev/null 2>&1
    bash "$src/tests/fixtures/netconf/netconfd-down.sh" "$dir" >/dev/null 2>&1
    bash "$src/tests/fixtures/restconf/jetconf-down.sh" "$rdir" >/dev/null 2>&1
    bash "$src/tests/fixtures/netconf/scripted/ncserver-down.sh" "$c1dir" >/dev/null 2>&1
    bash "$src/tests/fixtures/netconf/scripted/ncserver-down.sh" "$escdir" >/dev/null 2>&1
    rm -rf "$dir" "$rdir" "$c1dir" "$escdir"
}
trap cleanup EXIT
bash "$src/tests/fixtures/netconf/netconfd-up.sh" "$dir" "--module=$src/yang-models/devconf-example.yang" >/dev/null ||
    { echo "setup failed: netconfd"; exit 1; }
# the same device over TLS (RFC 7589): stunnel in front of it, client certificate required
tport=$(bash "$src/tests/fixtures/netconf/tls-up.sh" "$dir" 2>/dev/null | tail -n 1) ||
    { echo "setup failed: stunnel (NETCONF over TLS)"; exit 1; }
rport=$(bash "$src/tests/fixtures/restconf/jetconf-up.sh" "$rdir" 2>/dev/null | tail -n 1) ||
    { echo "setup failed: jetconf"; exit 1; }
uri="netconf://devconf-test@127.0.0.1:$(cat "$dir/port")"
nc=("$cli" --known-hosts "$dir/known_hosts" --key "$dir/client_ed25519" --cache-dir "$dir/cache")
rc=("$cli" --ca-file "$rdir/ca.pem" --cert "$rdir/client.pem" --cert-key "$rdir/client.key"
    --search-dir /usr/share/yuma/modules/ietf --cache-dir "$rdir/cache")
ruri="restconf://127.0.0.1:$rport"

. "$src/tests/cli/lib.sh"
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
    ok "a refused XPath filter is one line on stderr"
else
    fail "a refused XPath filter is one line on stderr: $xerr"
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
check "netconf+tls get-config" 0 "<name>eth0</name>" "" -- "$cli" --ca-file "$dir/tls/ca.pem" \
    --cert "$dir/tls/client.pem" --cert-key "$dir/tls/client.key" --cache-dir "$dir/cache" \
    "netconf+tls://127.0.0.1:$tport" get-config
check "netconf+tls wrong CA" 5 "" "certificate verify failed" -- "$cli" --ca-file "$dir/tls/other-ca.pem" \
    --cert "$dir/tls/client.pem" --cert-key "$dir/tls/client.key" "netconf+tls://127.0.0.1:$tport" get-config
check "netconf+tls needs --cert" 2 "" "needs a client certificate" -- "$cli" --ca-file "$dir/tls/ca.pem" \
    "netconf+tls://127.0.0.1:$tport" get-config

# ---- local input (issue 11.6): refused before anything is read or sent ----
off="netconf://devconf-test@127.0.0.1:1" # never reached: these fail before connecting
mkfifo "$dir/fifo"
head -c 2048 /dev/zero | tr '\0' ' ' >"$dir/big"
check "payload /dev/zero refused" 2 "" "/dev/zero is a character device, not a regular file" -- \
    timeout 20 "$cli" "$off" edit-config /dev/zero
check "payload FIFO refused without waiting for a writer" 2 "" "fifo is a FIFO, not a regular file" -- \
    timeout 20 "$cli" "$off" edit-config "$dir/fifo"
check "payload directory refused" 2 "" "is a directory, not a regular file" -- "$cli" "$off" edit-config "$dir"
check "--subtree /dev/zero refused" 2 "" "not a regular file" -- timeout 20 "$cli" "$off" get --subtree /dev/zero
check "payload over --max-payload refused" 2 "" "2048 bytes, more than the payload limit of 1024 bytes" -- \
    "$cli" --max-payload 1K "$off" edit-config "$dir/big"
check "standard input over --max-payload refused" 2 "" "standard input holds more than the payload limit" -- \
    timeout 20 bash -c '"$0" --max-payload 1K "$1" edit-config - </dev/zero' "$cli" "$off"
check "bad --max-payload" 2 "" "invalid size" -- "$cli" --max-payload 12X "$off" get
check "bad --max-reply" 2 "" "invalid size '12X' for --max-reply" -- "$cli" --max-reply 12X "$off" get
check "a reply over --max-reply fails, nothing printed" 10 "^$" "max_reply_bytes" -- \
    "${nc[@]}" --max-reply 2K "$uri" get
check "a reply within --max-reply" 0 "eth0" "" -- "${nc[@]}" --max-reply 16M "$uri" get-config

# --password-env given the password by mistake: refused, the value never printed
# not_in_stderr NAME TEXT: the last check's stderr does not hold TEXT
not_in_stderr() {
    if grep -qF -- "$2" "$dir/stderr"; then
        fail "$1: stderr shows '$2'"
    fi
}
check "--password-env with a password" 2 "" "takes the NAME of an environment variable" -- \
    "$cli" --password-env 'Sekr1t pw!' "$off" get
not_in_stderr "--password-env with a password" 'Sekr1t'
check "--password-env naming an unset variable" 2 "" "the environment variable it names is not set" -- \
    env -u hunter2Sekr1t "$cli" --password-env hunter2Sekr1t "$off" get
not_in_stderr "--password-env naming an unset variable" 'hunter2Sekr1t'

# ---- device text never drives a terminal (issue 11.6) ----
# Scripted devices whose get-config data holds C1 controls (U+009B CSI, U+009D OSC) and raw ESC.
bash "$src/tests/fixtures/netconf/scripted/ncserver-up.sh" "$c1dir" --announce hello --scenario c1-controls \
    --scenario-rpc get-config --watch-pid $$ >/dev/null || { echo "setup failed: ncserver"; exit 1; }
bash "$src/tests/fixtures/netconf/scripted/ncserver-up.sh" "$escdir" --announce hello --scenario esc-controls \
    --scenario-rpc get-config --watch-pid $$ >/dev/null || { echo "setup failed: ncserver"; exit 1; }
c1=("$cli" --known-hosts "$c1dir/known_hosts" --key "$c1dir/client_ed25519" --cache-dir "$c1dir/cache"
    "netconf://devconf-test@127.0.0.1:$(cat "$c1dir/port")")
esc=("$cli" --known-hosts "$escdir/known_hosts" --key "$escdir/client_ed25519" --cache-dir "$escdir/cache"
     "netconf://devconf-test@127.0.0.1:$(cat "$escdir/port")")
# on_tty OUT COMMAND...: runs COMMAND with stdout on a pseudo-terminal (script), its output in OUT
on_tty() {
    local out=$1
    shift
    script -qec "$(printf '%q ' "$@")" /dev/null </dev/null >"$out" 2>&1
}
# tty_check NAME OUT RAW ESCAPED: OUT holds ESCAPED and no raw RAW
tty_check() {
    if LC_ALL=C grep -qF -- "$3" "$2" || ! LC_ALL=C grep -qF -- "$4" "$2"; then
        fail "$1: $(LC_ALL=C od -c "$2" | head -n 12)"
    else
        ok "$1"
    fi
}
for path in --device-text ""; do
    what=${path:-parsed}
    on_tty "$dir/tty.out" "${c1[@]}" get-config $path
    tty_check "C1 to a terminal escaped ($what)" "$dir/tty.out" $'\xc2\x9b' '\u009b2J\u009b31mred\u009b0m \u009d0;pwned-title\u009c next\u0085line'
    on_tty "$dir/tty.out" "${esc[@]}" get-config $path
    tty_check "ESC to a terminal escaped ($what)" "$dir/tty.out" $'\x1b' '\u001b[2J\u001b[31mred\u001b[0m \u001b]0;pwned-title\u0007 after'
done
# to a pipe or a file: the data exactly as the device sent it (the scenario hits each connection's first read)
check "C1 to a pipe as sent" 0 $'before\xc2\x9b2J\xc2\x9b31mred' "" -- "${c1[@]}" get-config --device-text
check "ESC to a pipe as sent" 0 $'before\x1b\\[2J' "" -- "${esc[@]}" get-config --device-text

# ---- files devconf writes are private whatever the umask (issue 11.6) ----
(umask 000 && "$cli" --hostkey accept-new --known-hosts "$c1dir/new/known_hosts" --key "$c1dir/client_ed25519" \
    --cache-dir "$c1dir/cache000" "netconf://devconf-test@127.0.0.1:$(cat "$c1dir/port")" capabilities) \
    >/dev/null 2>"$dir/stderr"
modes="known_hosts $(stat -c %a "$c1dir/new/known_hosts" 2>&1) dir $(stat -c %a "$c1dir/new" 2>&1)"
loose=$(find "$c1dir/cache000" \( -type f ! -perm 0600 \) -o \( -type d ! -perm 0700 \) 2>&1)
nfiles=$(find "$c1dir/cache000" -type f | wc -l)
if [ "$modes" != "known_hosts 600 dir 700" ] || [ -n "$loose" ] || [ "$nfiles" -eq 0 ]; then
    fail "files under umask 000: $modes; cache files: $nfiles; not private: $loose; $(cat "$dir/stderr")"
else
    ok "files under umask 000 are private ($nfiles cache files)"
fi

summary
