#!/usr/bin/env bash
# Per-RPC latency of small get-config, side by side in one run against one local netconfd:
# devconf from C and a minimal raw libnetconf2 client (and, when present, the Python clients in
# bench/python_getconfig.py). Usage: bench/run.sh [COUNT]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
[ -f build/build.ninja ] || meson setup build
ninja -C build >/dev/null

dir=$(mktemp -d)
cleanup() { bash tests/fixtures/netconf/netconfd-down.sh "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
bash tests/fixtures/netconf/netconfd-up.sh "$dir" >/dev/null
port=$(cat "$dir/port")
mkdir -p "$dir/cache"
# warm the schema cache once (netconfd must not serve the same schema twice: see DESIGN.md)
build/bench/devconf_getconfig "netconf://devconf-test@127.0.0.1:$port" "$dir/known_hosts" "$dir/client_ed25519" 1 "$dir/cache" >/dev/null

echo "small get-config, $count sequential RPCs on one session (127.0.0.1:$port)"
for round in 1 2 3; do
    build/bench/devconf_getconfig "netconf://devconf-test@127.0.0.1:$port" "$dir/known_hosts" "$dir/client_ed25519" "$count" "$dir/cache"
    build/bench/raw_nc_getconfig 127.0.0.1 "$port" devconf-test "$dir/client_ed25519" "$count" "$dir/cache"
done
if [ -f bench/python_getconfig.py ]; then
    DEVCONF_BENCH_DIR="$dir" python3 bench/python_getconfig.py "$count" || echo "(python clients failed)"
fi
