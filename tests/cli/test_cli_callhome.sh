#!/usr/bin/env bash
# devconf --call-home PORT (NETCONF call home, RFC 8071) against netconfd behind its private sshd
# and its stunnel TLS front, started here: socat plays the device's side of the TCP connection
# (it dials devconf's listening port, retrying until devconf listens, and bridges to the sshd or
# to stunnel), so the SSH or TLS server devconf talks to is the real one.
#   test_cli_callhome.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
cli=$build/cli/devconf
dir=$(mktemp -d)
connectors=()
cleanup() {
    local p
    for p in "${connectors[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    bash "$src/tests/fixtures/netconf/tls-down.sh" "$dir" >/dev/null 2>&1
    bash "$src/tests/fixtures/netconf/netconfd-down.sh" "$dir" >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
command -v socat >/dev/null || { echo "setup failed: socat not found (scripts/install-deps.sh installs it)"; exit 1; }
bash "$src/tests/fixtures/netconf/netconfd-up.sh" "$dir" >/dev/null || { echo "setup failed: netconfd"; exit 1; }
bash "$src/tests/fixtures/netconf/tls-up.sh" "$dir" >/dev/null || { echo "setup failed: stunnel"; exit 1; }
sshd_port=$(cat "$dir/port")
tls_port=$(cat "$dir/tls/port")
uri="netconf://devconf-test@127.0.0.1:$sshd_port"
turi="netconf+tls://127.0.0.1:$tls_port"
nc=("$cli" --known-hosts "$dir/known_hosts" --key "$dir/client_ed25519" --cache-dir "$dir/cache"
    --call-home-address 127.0.0.1)
tnc=("$cli" --ca-file "$dir/tls/ca.pem" --cert "$dir/tls/client.pem" --cert-key "$dir/tls/client.key"
     --cache-dir "$dir/cache" --call-home-address 127.0.0.1)

# a loopback port nobody listens on, picked as the fixtures pick theirs (pick_port)
. "$src/tests/fixtures/netconf/ports.sh"
# the device calls home: socat retries (every 50 ms, 600 times) until devconf listens on $1, then
# bridges to the device's port $2
device_calls() {
    socat "TCP:127.0.0.1:$1,retry=600,interval=0.05" "TCP:127.0.0.1:$2" </dev/null >/dev/null 2>&1 &
    connectors+=($!)
}

. "$src/tests/cli/lib.sh"

p=$(pick_port) || { echo "setup failed: no free port"; exit 1; }
device_calls "$p" "$sshd_port"
check "SSH call home: get-config" 0 "<name>eth0</name>" "" -- "${nc[@]}" --call-home "$p" "$uri" get-config

p=$(pick_port) || { echo "setup failed: no free port"; exit 1; }
device_calls "$p" "$sshd_port"
check "SSH call home: -v names the caller" 0 "urn:ietf:params:netconf:base" "called home on 127.0.0.1 port $p" -- \
    "${nc[@]}" -v --call-home "$p" "$uri" capabilities

p=$(pick_port) || { echo "setup failed: no free port"; exit 1; }
device_calls "$p" "$tls_port"
check "TLS call home: get-config" 0 "<name>eth0</name>" "" -- "${tnc[@]}" --call-home "$p" "$turi" get-config

: >"$dir/empty_known_hosts"
p=$(pick_port) || { echo "setup failed: no free port"; exit 1; }
device_calls "$p" "$sshd_port"
check "unknown host key refused (strict), the caller named" 5 "" "call home from 127\.0\.0\.1:[0-9]+ on port $p: .*unknown" -- \
    "${nc[@]}" --known-hosts "$dir/empty_known_hosts" --call-home "$p" "$uri" get-config

p=$(pick_port) || { echo "setup failed: no free port"; exit 1; }
device_calls "$p" "$tls_port"
check "TLS certificate of another CA refused" 5 "" "certificate verify failed" -- \
    "${tnc[@]}" --ca-file "$dir/tls/other-ca.pem" --call-home "$p" "$turi" get-config

p=$(pick_port) || { echo "setup failed: no free port"; exit 1; }
check "nobody calls: timeout naming the port" 6 "" "no device called home on 127\.0\.0\.1 port $p .*within 1000 ms" -- \
    "${nc[@]}" --call-home "$p" --call-home-wait 1 "$uri" get-config
check "port in use" 3 "" "port $sshd_port: Address already in use" -- \
    "${nc[@]}" --call-home "$sshd_port" "$uri" get-config
check "--call-home needs a NETCONF URI" 2 "" "netconf://" -- \
    "${nc[@]}" --call-home 4334 "restconf://127.0.0.1" get-config
check "--call-home port range" 2 "" "call-home port" -- "${nc[@]}" --call-home 70000 "$uri" get-config
check "--call-home-wait without --call-home" 2 "" "go with --call-home" -- \
    "$cli" --call-home-wait 5 "$uri" get-config
check "--call-home with --inventory" 2 "" "not --inventory" -- \
    "$cli" --call-home 4334 --inventory /dev/null get-config
check "--call-home-address must be numeric" 2 "" "not a numeric" -- \
    "$cli" --call-home 4334 --call-home-address localhost "$uri" get-config

summary
