#!/usr/bin/env bash
# The notification benchmark, one command: netconfd (started here on a free loopback port), a
# generator that makes it emit notifications, and per consumer the notifications per second it
# takes (devconf C callback and pull, devconf Python iterator and next(), ncclient's
# take_notification), live and from a backlog; then the memory of a slow consumer with the default
# and a small queue, and what it dropped. See bench/notify/notify_bench.py and bench/README.md.
#
# Usage (as root: the test sshd must switch to the test user):
#   bench/notify/run.sh           1,000 notifications per run, medians of 3 (a few minutes on 2 cores)
#   bench/notify/run.sh --tiny    40 notifications, one run: checks that everything still runs (CI)
#   bench/notify/run.sh --keep    keep the work directory (netconfd's logs)
#
# Prints a table and writes bench/results/notify.json (--tiny: notify-tiny.json).
set -euo pipefail
cd "$(dirname "$0")/../.."

args=()
for a in "$@"; do
    case $a in
    --tiny | --keep) args+=("$a") ;;
    -h | --help)
        sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "bench/notify/run.sh: unknown argument $a (see --help)" >&2
        exit 2
        ;;
    esac
done

bash scripts/install-bench-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

exec "${DEVCONF_BENCH_VENV:-/opt/devconf-bench-venv}/bin/python" bench/notify/notify_bench.py "${args[@]}"
