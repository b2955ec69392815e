#!/usr/bin/env bash
# The redis driver against a real redis-server, started here on loopback
# (a free port, no persistence): the server's own counters (INFO
# commandstats calls per command, DBSIZE, connections received) against
# moonbench's counts per op; verify after rampup and after a value is
# changed behind moonbench's back; every kind of reply in on_result; AUTH
# and SELECT; the server killed and started again during a run (errors by
# class, reconnect, errors=stop); a stalled server and timeout=.
set -u
. "$(dirname "$0")/tap.sh"

for tool in redis-server redis-cli python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "Bail out! $tool is missing (Debian: apt-get install redis-server redis-tools python3)"
		exit 1
	fi
done

KV=$top_srcdir/scenarios/kv-redis.lua
TYPES=$top_srcdir/tests/workloads/redis_types.lua

PORT=$(free_port)
srv_pid=

srv_start() {
	redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
	    --logfile "$TAP_TMP/redis.log" "$@" &
	srv_pid=$!
	for _ in $(seq 100); do
		rcli ping >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "Bail out! redis-server did not start on port $PORT"
	exit 1
}

srv_kill() {
	[ -n "$srv_pid" ] || return 0
	kill -"${1:-TERM}" "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	srv_pid=
}

rcli() { redis-cli -p "$PORT" "$@"; }

# cmdstat NAME: calls of a command since the last CONFIG RESETSTAT.
cmdstat() {
	rcli info commandstats | tr -d '\r' |
	    sed -n "s/^cmdstat_$1:calls=\([0-9]*\),.*/\1/p" | grep . || echo 0
}

# field REPORT-DIR PYTHON-EXPR: a value of the first activity of
# summary.json (a = the activity, o = its by_op).
field() {
	python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][int(sys.argv[3])]
o = a.get("by_op", {})
print(eval(sys.argv[2]))' "$1" "$2" "${3:-0}"
}

cleanup() {
	srv_kill KILL
	tap_cleanup
}
trap cleanup EXIT

# ---- no server ----
run_mb run driver=redis port="$PORT" cycles=10 async=4
expect_rc 1 "no server: the run fails (exit 1)"
expect_err_contains "cannot connect to 127.0.0.1:$PORT: Connection refused" \
    "no server: the error names the address and the cause"

srv_start

# ---- rampup: DBSIZE = N, commandstats = per-op counts ----
N=3000
rcli config resetstat >/dev/null
before=$(rcli info stats | tr -d '\r' | sed -n 's/^total_connections_received://p')
run_mb run workload="$KV" block=rampup cycles=$N keycount=$N threads=2 \
    connections=3 async=48 port="$PORT" --report-dir "$TAP_TMP/r1" -q
after=$(rcli info stats | tr -d '\r' | sed -n 's/^total_connections_received://p')
expect_rc 0 "rampup of $N keys exits 0"
[ "$(rcli dbsize)" = "$N" ]
ok $? "rampup of $N keys leaves DBSIZE = $N ($(rcli dbsize))"
sets=$(cmdstat set)
[ "$sets" = "$(field "$TAP_TMP/r1" 'o["write"]["ops"]')" ] &&
    [ "$sets" = "$(field "$TAP_TMP/r1" 'o["write"]["ok"]')" ] && [ "$sets" = $N ]
ok $? "rampup: the server's SET calls ($sets) = moonbench's write ops and ok"
# (redis-cli's own connection for "after" counts too.)
[ $((after - before - 1)) -eq 6 ]
ok $? "connections=3 threads=2: the server saw 6 connections ($((after - before - 1)))"

# ---- main: reads checked, per-op counts against GET and SET calls ----
rcli config resetstat >/dev/null
run_mb run workload="$KV" block=main cycles=20000 keycount=$N threads=2 \
    connections=2 async=64 port="$PORT" --report-dir "$TAP_TMP/r2" -q
expect_rc 0 "main exits 0"
gets=$(cmdstat get)
sets=$(cmdstat set)
[ "$gets" = "$(field "$TAP_TMP/r2" 'o["read"]["ops"]')" ] &&
    [ "$sets" = "$(field "$TAP_TMP/r2" 'o["write"]["ops"]')" ] &&
    [ $((gets + sets)) -eq 20000 ]
ok $? "main: the server's GET ($gets) and SET ($sets) calls = moonbench's read and write ops"
[ "$(field "$TAP_TMP/r2" 'a["errors"]')" = 0 ] &&
    [ "$(field "$TAP_TMP/r2" 'o["read"]["ok"]')" = "$gets" ]
ok $? "main: every read's value checked, none wrong"

# ---- verify ----
run_mb run workload="$KV" block=verify cycles=$N keycount=$N async=32 \
    port="$PORT" --report-dir "$TAP_TMP/r3" -q
expect_rc 0 "verify exits 0"
[ "$(field "$TAP_TMP/r3" 'a["ok"]')" = $N ] &&
    [ "$(field "$TAP_TMP/r3" 'a["errors"]')" = 0 ]
ok $? "verify after rampup: $N values read, zero mismatches"
rcli set key:1234 tampered >/dev/null
rcli del key:77 >/dev/null
run_mb run workload="$KV" block=verify cycles=$N keycount=$N async=32 \
    port="$PORT" --report-dir "$TAP_TMP/r4" --progress=off
[ "$(field "$TAP_TMP/r4" 'sorted(a["errors_by_class"].items())')" = \
    "[('verify-mismatch', 1), ('verify-missing', 1)]" ]
ok $? "verify: the changed value and the deleted key are counted (verify-mismatch, verify-missing)"
expect_err_contains "verify-mismatch at cycle 1234: key:1234 holds \"tampered\"" \
    "verify: the mismatch is reported with its cycle and what the key holds"
expect_err_contains "cycle 77" "verify: the missing key is reported with its cycle"

# ---- the default scenario, on an empty database ----
rcli flushall >/dev/null
run_mb "$KV" port="$PORT" keycount=2000 main_cycles=10000 --report-dir "$TAP_TMP/r5" -q
expect_rc 0 "kv-redis's default scenario exits 0"
python3 -c 'import json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
acts = [(a["name"], a["state"], a["ops"], a["errors"]) for a in s["activities"]]
assert acts == [("rampup", "finished", 2000, 0), ("main", "finished", 10000, 0),
                ("verify", "finished", 2000, 0)], acts' "$TAP_TMP/r5"
ok $? "default scenario: rampup, main and verify ran every cycle with no error"

# ---- replies as on_result sees them ----
run_mb run workload="$TYPES" cycles=13 async=1 port="$PORT" \
    --report-dir "$TAP_TMP/r6" --progress=off
[ "$(field "$TAP_TMP/r6" 'sorted(a["errors_by_class"].items())')" = \
    "[('redis-error', 1), ('unsupported-command', 1)]" ] &&
    [ "$(field "$TAP_TMP/r6" 'a["ok"]')" = 11 ]
ok $? "replies: string, status, int64, nil, arrays (nested, with nils, empty), binary: all as expected"
expect_err_contains "the server answered 'WRONGTYPE" "an error reply is shown once, with the server's text"
[ "$(rcli strlen t:bin)" = 9 ]
ok $? "binary safe: a value with NUL, CR LF and a high byte is stored whole"

# ---- AUTH and SELECT ----
rcli config set requirepass s3cret >/dev/null
run_mb run driver=redis port="$PORT" password=s3cret db=3 cycles=100 async=8 -q
expect_rc 0 "password= and db=: a run with AUTH exits 0"
run_mb run workload="$KV" block=rampup cycles=50 keycount=50 port="$PORT" \
    password=s3cret db=3 async=8 -q
[ "$(rcli -a s3cret --no-auth-warning -n 3 dbsize)" = 50 ]
ok $? "db=3: the keys are written to database 3"
run_mb run driver=redis port="$PORT" password=wrong cycles=10 async=1
expect_rc 1 "a wrong password fails the run (exit 1)"
expect_err_contains "AUTH failed" "a wrong password is reported as AUTH failed"
rcli -a s3cret --no-auth-warning config set requirepass "" >/dev/null
rcli flushall >/dev/null

# ---- the server killed and started again ----
bg_start run driver=redis port="$PORT" duration=5s async=16 connections=4 \
    reconnect=50ms..400ms --report-dir "$TAP_TMP/r7" --progress=off
sleep 1.2
srv_kill KILL
sleep 1
srv_start
rcli config resetstat >/dev/null
bg_wait 30
expect_rc 0 "server killed and restarted: moonbench carries on and exits 0"
expect_err_contains "again after" "the reconnection is reported"
python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][0]
c = a["errors_by_class"]
assert a["state"] == "finished" and a["errors"] > 0, a
assert set(c) <= {"connection-lost", "connection-refused", "connection-error"} and c.get("connection-lost", 0) > 0, c
assert sum(c.values()) == a["errors"] and a["ok"] + a["errors"] == a["ops"], a
# Held while down, ops fail once per attempt, not in a busy loop.
assert a["errors"] < 2000, a["errors"]' "$TAP_TMP/r7"
ok $? "the failed ops are counted by class (connection-lost, -refused or -error), a bounded number"
pings=$(cmdstat ping)
[ "$pings" -gt 1000 ]
ok $? "after the restart the run went on against the new server ($pings PINGs)"

# ---- errors=stop: a lost connection stops the run ----
bg_start run driver=redis port="$PORT" duration=30s async=16 connections=2 \
    errors='.*:stop' --progress=off
sleep 1
srv_kill KILL
bg_wait 15
expect_rc 1 "errors=stop: the server killed, the run stops with exit 1"
expect_err_contains "ops " "errors=stop: the summary is printed"
srv_start

# ---- a stalled server and timeout= ----
bg_start run driver=redis port="$PORT" duration=3s async=16 connections=4 \
    timeout=200ms --report-dir "$TAP_TMP/r8" --progress=off
sleep 1
kill -STOP "$srv_pid"
sleep 0.8
kill -CONT "$srv_pid"
bg_wait 20
expect_rc 0 "a stalled server with timeout=200ms: the run goes on and exits 0"
python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][0]
assert a["errors_by_class"].get("timeout", 0) >= 16, a["errors_by_class"]
assert a["ok"] > 1000, a' "$TAP_TMP/r8"
ok $? "timeout: ops of the stall time out (their late replies dropped), the rest succeed"

done_testing
