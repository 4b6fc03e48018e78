#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz/ (clang, ASan + UBSan, in build-fuzz/) and runs each
# for a bounded time on its seed corpus; fails on any crash, leak, timeout or out-of-memory.
#
#   tests/fuzz/run.sh [--seconds N] [HARNESS...]   fuzz each (default: all) for N seconds (default
#                                                  15; 0: only run the corpus once, no fuzzing)
#   tests/fuzz/run.sh --merge [HARNESS...]         add what earlier runs found that covers new code
#                                                  to tests/fuzz/corpus/ (review, then commit it)
#
# Inputs libFuzzer finds go to build-fuzz/fuzz-corpus/<harness>/ (never into the repository); an
# input that fails goes to build-fuzz/fuzz-artifacts/<harness>/ and is named in the output; each
# run's log is build-fuzz/fuzz-logs/<harness>.log. Environment: DEVCONF_FUZZ_BUILD (build
# directory, default build-fuzz), CC (default clang-14), FUZZ_ARGS (more libFuzzer options, e.g.
# "-max_len=65536"). See tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

ALL=(framing envelope nc_session uri json restconf_errors paths rc_resource unwrap yang_library hello_caps
     device_record sse rc_streams notification nc_notify)
SECONDS_EACH=15
MERGE=0
HARNESSES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_EACH=${2:-}; shift 2 ;;
        --seconds=*) SECONDS_EACH=${1#--seconds=}; shift ;;
        --merge) MERGE=1; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) HARNESSES+=("$1"); shift ;;
    esac
done
case "$SECONDS_EACH" in ''|*[!0-9]*) echo "run.sh: --seconds takes a whole number" >&2; exit 2 ;; esac
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=("${ALL[@]}")
for h in "${HARNESSES[@]}"; do
    [ -f "tests/fuzz/fuzz_$h.c" ] || { echo "run.sh: no harness tests/fuzz/fuzz_$h.c" >&2; exit 2; }
done

BUILD=${DEVCONF_FUZZ_BUILD:-build-fuzz}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac

# Dictionaries (tests/fuzz/dict/) of each harness; several are joined into one file.
dicts_of() {
    case "$1" in
        framing) echo framing ;;
        nc_session) echo framing xml ;;
        envelope) echo xml ;;
        uri|paths) echo url ;;
        json) echo json ;;
        restconf_errors|rc_resource|unwrap|yang_library) echo xml json ;;
        hello_caps) echo caps ;;
        rc_streams|notification) echo xml json ;;
        nc_notify) echo xml ;;
        *) ;;
    esac
}

# --- toolchain and build ------------------------------------------------------------------------
bash scripts/install-fuzz-deps.sh
export CC=${CC:-clang-14}
if [ ! -f "$BUILD/build.ninja" ]; then
    # b_lundef=false: the sanitizers' runtimes are linked into the executables only
    meson setup "$BUILD" -Dfuzz=enabled -Dtests=disabled -Dexamples=disabled \
        -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
targets=()
for h in "${HARNESSES[@]}"; do
    targets+=("tests/fuzz/fuzz_$h")
done
if ! ninja -C "$BUILD" "${targets[@]}" >"$BUILD/fuzz-build.log" 2>&1; then
    cat "$BUILD/fuzz-build.log" >&2
    echo "run.sh: the harnesses do not build" >&2
    exit 1
fi

# The sanitizers stop at the first report; libFuzzer's own flags below do the rest.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# --- merge mode ---------------------------------------------------------------------------------
if [ $MERGE -eq 1 ]; then
    for h in "${HARNESSES[@]}"; do
        found="$BUILD/fuzz-corpus/$h"
        if [ ! -d "$found" ] || [ -z "$(ls -A "$found")" ]; then
            echo "$h: nothing found yet (run tests/fuzz/run.sh $h first)"
            continue
        fi
        before=$(ls "tests/fuzz/corpus/$h" | wc -l)
        "$BUILD/tests/fuzz/fuzz_$h" -merge=1 "tests/fuzz/corpus/$h" "$found" >"$BUILD/fuzz-merge-$h.log" 2>&1 || {
            tail -30 "$BUILD/fuzz-merge-$h.log" >&2
            echo "run.sh: merge of $h failed" >&2
            exit 1
        }
        after=$(ls "tests/fuzz/corpus/$h" | wc -l)
        echo "$h: corpus $before -> $after files (tests/fuzz/corpus/$h)"
    done
    echo "Review the new files (git status tests/fuzz/corpus), then commit them."
    exit 0
fi

# --- fuzzing ------------------------------------------------------------------------------------
mkdir -p "$BUILD/fuzz-logs"
failed=()
printf '%-16s %10s %8s %8s %7s %8s  %s\n' harness executions cov ft corpus exec/s result
for h in "${HARNESSES[@]}"; do
    work="$BUILD/fuzz-corpus/$h"
    artifacts="$BUILD/fuzz-artifacts/$h/"
    log="$BUILD/fuzz-logs/$h.log"
    mkdir -p "$work" "$artifacts"
    args=(-detect_leaks=1 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts")
    if [ "$SECONDS_EACH" -eq 0 ]; then
        args+=(-runs=0)
    else
        args+=(-max_total_time="$SECONDS_EACH")
    fi
    dicts=$(dicts_of "$h")
    if [ -n "$dicts" ]; then
        dict="$BUILD/fuzz-$h.dict"
        (for d in $dicts; do cat "tests/fuzz/dict/$d.dict"; done) >"$dict"
        args+=(-dict="$dict")
    fi
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
    status=0
    timeout --kill-after=10 $((SECONDS_EACH + 300)) \
        "$BUILD/tests/fuzz/fuzz_$h" "${args[@]}" ${FUZZ_ARGS:-} "$work" "tests/fuzz/corpus/$h" >"$log" 2>&1 ||
        status=$?
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    [ -n "$done_line" ] || done_line=$(grep -E '^#[0-9]+:?[[:space:]].*cov: ' "$log" | tail -1 || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    persec=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    # -fork=N prints no final stats: the last status line has them
    [ -n "$execs" ] || execs=$(echo "$done_line" | sed -n 's/^#\([0-9]*\).*/\1/p')
    [ -n "$persec" ] || persec=$(echo "$done_line" | sed -n 's/.*exec\/s:\{0,1\} \([0-9]*\).*/\1/p')
    cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$done_line" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
    result=ok
    if [ $status -ne 0 ]; then
        reason=$(grep -m1 -oE 'ERROR: (libFuzzer: [a-z-]+|LeakSanitizer: [a-z ]+|AddressSanitizer: [a-z-]+)|runtime error: .*|fuzz invariant failed: .*' "$log" || true)
        result="FAILED (exit $status${reason:+: $reason})"
        failed+=("$h")
    fi
    printf '%-16s %10s %8s %8s %7s %8s  %s\n' "$h" "${execs:--}" "${cov:--}" "${ft:--}" "${corp:--}" \
        "${persec:--}" "$result"
    if [ $status -ne 0 ]; then
        grep -E 'Test unit written to|^SUMMARY' "$log" | sed 's/^/    /' || true
        echo "    log: ${log#"$ROOT"/}"
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} harness(es) failed: ${failed[*]}" >&2
    echo "Reproduce with build-fuzz/tests/fuzz/fuzz_HARNESS FILE; tests/fuzz/README.md says how to keep it" \
         "as a regression." >&2
    exit 1
fi
echo "fuzz: ${#HARNESSES[@]} harnesses, ${SECONDS_EACH} s each, no crash, leak or timeout"
