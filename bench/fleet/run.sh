#!/usr/bin/env bash
# The fleet benchmark, one command: N simulated NETCONF devices (OpenDaylight netconf-testtool on
# loopback ports), and per device the job: connect, get-config with a small filter, edit-config
# of one leaf in the candidate, commit, read it back, close; run by every client in turn, each a
# child process measured for wall time, user+system CPU and peak RSS, with the simulator's CPU.
#
# Usage (as root on Debian 12, or with sudo for the installs):
#   bench/fleet/run.sh            N = 10, 100, 1000, medians of 2 (about 15-25 minutes on 2 cores,
#                                 most of it the simulator making 1,000 host keys and serving)
#   bench/fleet/run.sh --tiny     N = 5, one repetition: checks that everything still runs (CI)
#   bench/fleet/run.sh --sizes=10,100 --reps=1 --clients=floor,scrapli --concurrency=100
#                      --host-key=none --no-pin --keep
#
# Prints a table and writes bench/results/fleet.json and bench/results/fleet-clients.log. Exit
# status 1 when a row failed (a device whose leaf did not read back as set counts).
set -euo pipefail
cd "$(dirname "$0")/../.."

args=()
for a in "$@"; do
    case $a in
    --tiny | --keep | --no-pin) args+=("$a") ;;
    --sizes=* | --reps=* | --clients=* | --concurrency=* | --host-key=*) args+=("${a%%=*}" "${a#*=}") ;;
    -h | --help)
        sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "bench/fleet/run.sh: unknown argument $a (see --help)" >&2
        exit 2
        ;;
    esac
done

bash scripts/install-bench-deps.sh --fleet
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build bench/ssh_floor >/dev/null

exec "${DEVCONF_BENCH_VENV:-/opt/devconf-bench-venv}/bin/python" bench/fleet/fleet_bench.py "${args[@]}"
