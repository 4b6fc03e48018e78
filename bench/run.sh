#!/usr/bin/env bash
# The devconf benchmark, one command: installs what it needs (scripts/install-bench-deps.sh),
# builds, starts its own local servers (netconfd behind sshd, Jetconf) and measures devconf from C
# and from Python side by side with a raw libnetconf2 client, ncclient, scrapli-netconf and httpx:
#
#   1 connect + hello            2 sequential small get-config       3 full get-config of a large
#   configuration (wall, peak memory)   4 edit-config + commit   5 many sessions at once (threads)
#   6 RESTCONF: GETs of one resource, and a many-leaf configuration push
#   then the notification benchmark (bench/notify/run.sh: notifications per second through the C
#   callback, the C pull, Python's iterator and ncclient; a slow consumer's memory and drops)
#
# Usage (as root: the test servers' sshd must switch to the test user):
#   bench/run.sh           full sizes: 1,000 RPCs, 10,000 interfaces, 100 sessions, 1,000 leaves,
#                          3 repetitions (about 10-20 minutes on 2 cores)
#   bench/run.sh --tiny    tiny sizes, checks that everything still runs (CI; under 2 minutes)
#   bench/run.sh --only=small,large,concurrent,restconf,notify   some sections only ("notify":
#                          the notification benchmark, bench/notify/run.sh, which runs last)
#   bench/run.sh --render=RESULTS_JSON   only print the table and draw the chart of a results file
#
# Prints a table (each client's figure and its ratio to devconf C, then every target met or
# missed) and writes bench/results/results.json, bench/results/chart.png and
# bench/results/clients.log. Exit status 1 when a client run failed (targets do not count).
set -euo pipefail
cd "$(dirname "$0")/.."

args=() notify_args=() only="" render=0
for a in "$@"; do
    case $a in
    --tiny | --keep) args+=("$a"); notify_args+=("$a") ;;
    --only=*) only=${a#--only=} ;;
    --render=*) args+=("--render" "${a#--render=}"); render=1 ;;
    -h | --help)
        sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "bench/run.sh: unknown argument $a (see --help)" >&2
        exit 2
        ;;
    esac
done

bash scripts/install-bench-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build >/dev/null

py="${DEVCONF_BENCH_VENV:-/opt/devconf-bench-venv}/bin/python"
# "notify" is bench/notify's own run; the other sections are bench.py's
run_notify=0
if [ "$render" -eq 0 ] && { [ -z "$only" ] || [[ ",$only," == *,notify,* ]]; }; then
    run_notify=1
fi
rest=$(tr "," "\n" <<<"$only" | { grep -vx notify || true; } | paste -sd, -)
status=0
if [ -z "$only" ] || [ -n "$rest" ]; then
    [ -n "$rest" ] && args+=("--only" "$rest")
    "$py" bench/bench.py "${args[@]}" || status=$?
fi
if [ "$run_notify" -eq 1 ]; then
    "$py" bench/notify/notify_bench.py "${notify_args[@]}" || status=1
fi
exit "$status"
