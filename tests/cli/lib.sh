# Helpers shared by the CLI test scripts, sourced after they set src and dir:
#   . "$src/tests/cli/lib.sh"
# dir is the script's scratch directory (check keeps the command's stderr in $dir/stderr);
# check_show is how many characters of stdout and stderr a failed check prints (400 unless set).

passed=0 failed=0
check_show=400

# ok NAME / fail NAME-AND-DETAIL: one line, counted.
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# check NAME EXPECTED_STATUS STDOUT_PATTERN STDERR_PATTERN -- COMMAND...
# Runs COMMAND (stdin from /dev/null): passes when it exits with EXPECTED_STATUS and stdout and
# stderr each match their extended regular expression (grep -E; "" matches anything).
check() {
    local name=$1 want=$2 out_pat=$3 err_pat=$4
    shift 5
    local out err status
    out=$("$@" 2>"$dir/stderr" </dev/null)
    status=$?
    err=$(cat "$dir/stderr")
    if [ "$status" -ne "$want" ] || ! grep -qE -- "$out_pat" <<<"$out" || ! grep -qE -- "$err_pat" <<<"$err"; then
        fail "$name: status $status (want $want)"
        echo "  stdout: ${out:0:$check_show}"
        echo "  stderr: ${err:0:$check_show}"
    else
        ok "$name"
    fi
}

# The last line of a script: prints the counts; the status is 0 when nothing failed.
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
