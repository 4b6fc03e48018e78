#!/usr/bin/env bash
# devconf subscribe (RFC 5277 notifications) against netconfd, started here: a subscriber with
# --count 2 in the background while other CLI runs commit twice; the records (XML and JSON) carry the
# notification's name, its event time and the changed path; --until ends a quiet subscription;
# bad arguments are refused before connecting; the same command over RESTCONF event streams (the
# scripted responder).
#   test_cli_notify.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
cli=$build/cli/devconf
dir=$(mktemp -d)
bg=()
cleanup() {
    local p
    for p in "${bg[@]}"; do kill "$p" 2>/dev/null; done
    bash "$src/tests/fixtures/netconf/netconfd-down.sh" "$dir" >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
bash "$src/tests/fixtures/netconf/netconfd-up.sh" "$dir" >/dev/null || { echo "setup failed: netconfd"; exit 1; }
uri="netconf://devconf-test@127.0.0.1:$(cat "$dir/port")"
nc=("$cli" --known-hosts "$dir/known_hosts" --key "$dir/client_ed25519" --cache-dir "$dir/cache")
change='<netconf-config-change xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"/>'

. "$src/tests/cli/lib.sh"
commit() {
    printf '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>eth0</name><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type><description>%s</description></interface></interfaces>' "$1" >"$dir/payload"
    "${nc[@]}" "$uri" edit-config --commit "$dir/payload" </dev/null >/dev/null 2>>"$dir/commit.err"
}
# start_subscriber NAME ARGS...: a subscriber in the background, its output in $dir/NAME.out and
# .err; returns once it is subscribed (-v says so on stderr) or has exited.
start_subscriber() {
    local name=$1 i
    shift
    "${nc[@]}" -v "$uri" subscribe "$@" >"$dir/$name.out" 2>"$dir/$name.err" </dev/null &
    sub_pid=$!
    bg+=("$sub_pid")
    # a bound on the wait for the subscription (each step 0.2 s), never an assertion on time
    for ((i = 0; i < 600; i++)); do
        grep -q "subscribed to the" "$dir/$name.err" && return 0
        kill -0 "$sub_pid" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# ---- refused before connecting (the URI names no device) ----
off="netconf://nobody@127.0.0.1:1"
check "subscribe --help lists the options" 0 "--start-time" "" -- "$cli" subscribe --help
check "--count 0 refused" 2 "" "invalid count '0'" -- "$cli" "$off" subscribe --count 0
check "--count not a number refused" 2 "" "invalid count 'many'" -- "$cli" "$off" subscribe --count many
check "--until malformed refused" 2 "" "invalid --until '5x'" -- "$cli" "$off" subscribe --until 5x
check "--until in the past refused" 2 "" "has passed already" -- "$cli" "$off" subscribe --until 2001-01-01T00:00:00Z
check "--start-time malformed refused" 2 "" "invalid --start-time" -- "$cli" "$off" subscribe --start-time yesterday
check "--until before --start-time refused" 2 "" "later than --start-time" -- \
    "$cli" "$off" subscribe --start-time 2030-01-02T00:00:00Z --until 2030-01-01T00:00:00+01:00
check "--format unknown refused" 2 "" "invalid value 'yaml' for --format" -- "$cli" "$off" subscribe --format yaml
check "two filters refused" 2 "" "only once" -- "$cli" "$off" subscribe --filter a --filter b
check "subscribe across an inventory refused" 2 "" "makes no sense across an inventory" -- \
    "$cli" --inventory /dev/null subscribe
check "a malformed subtree filter is refused before sending" 8 "" "" -- \
    "${nc[@]}" "$uri" subscribe --filter '<unclosed' --count 1

# ---- XML records: a subscriber for 2 notifications while another session commits twice ----
if start_subscriber xml --count 2 --filter "$change"; then
    commit "cli notify one" && commit "cli notify two" || fail "commits failed: $(cat "$dir/commit.err")"
    wait "$sub_pid"
    status=$?
    out=$(cat "$dir/xml.out")
    if [ "$status" -eq 0 ]; then ok "XML subscriber ends after --count 2"; else fail "XML subscriber exit $status: $(cat "$dir/xml.err")"; fi
    n=$(grep -c '^\]\]>\]\]>$' <<<"$out")
    [ "$n" -eq 2 ] && ok "2 XML records, each ended by ]]>]]>" || fail "XML records: $n: ${out:0:600}"
    [ "$(grep -c '<netconf-config-change' <<<"$out")" -eq 2 ] && ok "XML records are netconf-config-change" ||
        fail "XML names: ${out:0:600}"
    grep -qE '<eventTime>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' <<<"$out" &&
        ok "XML records carry the event time" || fail "XML event time: ${out:0:600}"
    grep -q "<target[^>]*>/if:interfaces/if:interface\[if:name='eth0'\]/if:description</target>" <<<"$out" &&
        ok "XML records carry the changed path" || fail "XML path: ${out:0:600}"
    # each record is a well-formed XML document once its end marker is taken off
    if python3 - "$dir/xml.out" <<'PY'
import sys, xml.dom.minidom
recs = open(sys.argv[1]).read().split("]]>]]>\n")
assert recs[-1] == "" and len(recs) == 3, recs
for r in recs[:-1]:
    d = xml.dom.minidom.parseString(r)
    assert d.documentElement.tagName == "notification"
    assert d.getElementsByTagName("eventTime")
PY
    then ok "each XML record parses as one <notification>"; else fail "XML records do not parse"; fi
else
    fail "XML subscriber did not subscribe: $(cat "$dir/xml.err")"
fi

# ---- JSON records ----
if start_subscriber json --count 2 --filter "$change" --format json; then
    commit "cli notify three" && commit "cli notify four" || fail "commits failed: $(cat "$dir/commit.err")"
    wait "$sub_pid"
    status=$?
    [ "$status" -eq 0 ] && ok "JSON subscriber ends after --count 2" || fail "JSON subscriber exit $status: $(cat "$dir/json.err")"
    if python3 - "$dir/json.out" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for line in lines:
    r = json.loads(line)
    assert set(r) == {"event_time", "name", "data"}, r
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", r["event_time"]), r
    assert r["name"] == "ietf-netconf-notifications:netconf-config-change", r
    edit = r["data"]["ietf-netconf-notifications:netconf-config-change"]["edit"]
    assert any("interface[if:name='eth0']" in e["target"] or "interface[name='eth0']" in e["target"] for e in edit), edit
PY
    then ok "JSON: one object per line with event_time, name and the changed path"
    else fail "JSON records: $(head -c 600 "$dir/json.out")"; fi
else
    fail "JSON subscriber did not subscribe: $(cat "$dir/json.err")"
fi

# ---- --until ends a quiet subscription (a local deadline without --start-time) ----
check "--until 2s ends a quiet subscription" 0 "^$" "" -- "${nc[@]}" "$uri" subscribe --until 2s --filter "$change"
check "--until as an RFC 3339 time" 0 "^$" "" -- "${nc[@]}" "$uri" subscribe \
    --until "$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)" --filter "$change"

# ---- SIGTERM: a clean end, exit 0 ----
if start_subscriber term --filter "$change"; then
    kill -TERM "$sub_pid"
    wait "$sub_pid"
    status=$?
    [ "$status" -eq 0 ] && ok "SIGTERM ends the subscription cleanly" || fail "SIGTERM: exit $status $(cat "$dir/term.err")"
else
    fail "term subscriber did not subscribe: $(cat "$dir/term.err")"
fi

# ---- replay: netconfd keeps a replay log (its stream list says replaySupport, though its hello has
# no :replay): --start-time replays the commits above, and --until becomes the RFC 5277 stopTime, at
# which the device ends the subscription (the record loop says so and exits 0) ----
start=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
check "--start-time replays earlier events, --until ends it at the device's stopTime" 0 \
    "netconf-config-change" "" -- \
    "${nc[@]}" "$uri" subscribe --format json --filter "$change" --start-time "$start" --until "$until"

# ---- RESTCONF event streams (RFC 8040 section 6): the scripted responder's replay stream (two
# alarms, then the server closes it at the stop time); the same subscribe, JSON lines ----
rdir="$dir/responder"
mkdir -p "$rdir"
python3 "$src/tests/fixtures/restconf/responder.py" "$src/tests/fixtures/restconf/responder/events.json" "$rdir" \
    >"$rdir/log" 2>&1 &
bg+=("$!")
for ((i = 0; i < 600; i++)); do [ -s "$rdir/port" ] && break; sleep 0.05; done
if [ -s "$rdir/port" ]; then
    ruri="restconf+http://127.0.0.1:$(cat "$rdir/port")"
    check "subscribe over RESTCONF: replayed alarms as JSON lines, ended at the stop time" 0 \
        '"event_time": ?"2026-12-01T00:00:02Z".*"resource": ?"r2"' "" -- \
        "$cli" --cache-dir "$rdir/cache" "$ruri" subscribe --stream replay --format json \
        --start-time 2026-12-01T00:00:00Z --until 2026-12-01T00:00:05Z
    check "subscribe over RESTCONF: two records" 0 "" "" -- bash -c \
        "'$cli' --cache-dir '$rdir/cache' '$ruri' subscribe --stream replay --format json --start-time 2026-12-01T00:00:00Z --until 2026-12-01T00:00:05Z | wc -l | grep -qx 2"
else
    fail "the RESTCONF responder did not start: $(cat "$rdir/log")"
fi

summary
