#!/usr/bin/env bash
# The fleet benchmark's CLI row: the per-device job as three fan-outs of the devconf CLI over the
# inventory (each one process, one session per device): get-config with the filter, edit-config of
# the candidate with --commit (one session), get-config again. Output goes to /dev/null; the exit
# status is 0 only when every device succeeded in all three (the CLI exits 12/13 otherwise).
#   cli_fleet.sh DEVCONF INVENTORY FORKS FILTER_FILE EDIT_FILE CACHE_DIR
set -euo pipefail
devconf=$1 inventory=$2 forks=$3 filter=$4 edit=$5 cache=$6
run() { "$devconf" --cache-dir "$cache" --inventory "$inventory" --forks "$forks" --progress off "$@" >/dev/null; }
run get-config --subtree "$filter"
run edit-config --target candidate --commit "$edit"
run get-config --subtree "$filter"
