#!/usr/bin/env bash
# The pg driver against a real PostgreSQL, started here: initdb into a
# temporary directory, a free loopback port, trust authentication,
# pg_stat_statements loaded, fsync off. The server's own counts
# (pg_stat_statements calls per statement, read after moonbench has
# disconnected, rows in the table) against moonbench's per-op counts; kv-pg's
# default scenario; verify after a value is changed behind moonbench's back;
# SQLSTATE error classes; bad SQL; results as on_result sees them;
# pipeline=N; the server stopped and started again during a run; timeout=.
#
# PostgreSQL refuses to run as root: as root, the server runs as the
# postgres user (nobody if there is none), in a directory it owns.
set -u
. "$(dirname "$0")/tap.sh"

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
for tool in "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql" python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "Bail out! $tool is missing (Debian: apt-get install postgresql postgresql-client python3)"
		exit 1
	fi
done

KV=$top_srcdir/scenarios/kv-pg.lua
TYPES=$top_srcdir/tests/workloads/pg_types.lua

PORT=$(free_port)

# The server's user and directory: not under $TAP_TMP (root's, mode 700).
as_srv() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	srv_user=postgres
	id "$srv_user" >/dev/null 2>&1 || srv_user=nobody
	as_srv() { runuser -u "$srv_user" -- "$@"; }
fi
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/moonbench-pg.XXXXXX") || {
	echo "Bail out! cannot create a temporary directory"
	exit 1
}
[ "$(id -u)" -eq 0 ] && chown "$srv_user" "$PGDIR"

srv_start() {
	as_srv "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 30 \
	    -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1" start \
	    >/dev/null || {
		echo "Bail out! PostgreSQL did not start on port $PORT"
		tail -n 20 "$PGDIR/log" | sed 's/^/# /'
		exit 1
	}
}

srv_stop() {
	[ -f "$PGDIR/data/postmaster.pid" ] || return 0
	as_srv "$PGBIN/pg_ctl" -D "$PGDIR/data" -m "${1:-fast}" -w stop \
	    >/dev/null 2>&1
}

cleanup() {
	srv_stop immediate
	rm -rf "$PGDIR"
	tap_cleanup
}
trap cleanup EXIT

sql() {
	"$PGBIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PORT" -U moonbench \
	    -d postgres -v ON_ERROR_STOP=1 -c "$1"
}

CONN="host=127.0.0.1 port=$PORT user=moonbench dbname=postgres"

# field REPORT-DIR PYTHON-EXPR [N]: a value of activity N (default 0) of
# summary.json (a = the activity, o = its by_op).
field() {
	python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][int(sys.argv[3])]
o = a.get("by_op", {})
print(eval(sys.argv[2]))' "$1" "$2" "${3:-0}"
}

# calls SQL WANT: pg_stat_statements' calls of a statement, polled until
# it is WANT (statistics can lag the client's exit) or 5 s have passed.
calls() {
	local n i
	for i in $(seq 50); do
		n=$(sql "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
		    WHERE query = '$1'")
		[ "$n" = "$2" ] && break
		sleep 0.1
	done
	echo "$n"
}

# ---- no server ----
run_mb run driver=pg $CONN cycles=10 async=2
expect_rc 1 "no server: the run fails (exit 1)"
expect_err_contains "cannot connect to PostgreSQL" \
    "no server: the error says so"
expect_err_contains "Connection refused" "no server: ... and why"

as_srv "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U moonbench -E UTF8 \
    --no-sync >"$PGDIR/initdb.log" 2>&1 || {
	echo "Bail out! initdb failed"
	sed 's/^/# /' "$PGDIR/initdb.log"
	exit 1
}
cat >> "$PGDIR/data/postgresql.conf" <<EOF
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_utility = off
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
srv_start
sql "CREATE EXTENSION pg_stat_statements" >/dev/null

# ---- kv-pg's default scenario ----
N=3000
run_mb "$KV" $CONN keycount=$N main_cycles=20000 --report-dir "$TAP_TMP/r1" -q
expect_rc 0 "kv-pg's default scenario exits 0"
python3 -c 'import json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
acts = [(a["name"], a["state"], a["ops"], a["errors"]) for a in s["activities"]]
assert acts == [("schema", "finished", 2, 0), ("rampup", "finished", 3000, 0),
                ("main", "finished", 20000, 0), ("verify", "finished", 3000, 0),
                ("count", "finished", 1, 0)], acts' "$TAP_TMP/r1"
ok $? "default scenario: schema, rampup, main, verify (every key) and count ran every cycle with no error"
[ "$(sql 'SELECT count(*) FROM kv')" = $N ]
ok $? "the table holds $N rows, one per key"
[ "$(sql 'SELECT count(DISTINCT v) FROM kv')" = $N ] &&
    [ "$(sql 'SELECT min(length(v)), max(length(v)) FROM kv')" = '64|64' ]
ok $? "each key's value is its own, 64 characters"

# ---- main: pg_stat_statements calls = moonbench's per-op counts ----
READ='SELECT v FROM kv WHERE k = $1'
UPDATE='UPDATE kv SET v = $1 WHERE k = $2'
sql "SELECT pg_stat_statements_reset()" >/dev/null
run_mb run workload="$KV" block=main cycles=10000 keycount=$N threads=2 \
    async=8 $CONN --report-dir "$TAP_TMP/r2" -q
expect_rc 0 "main exits 0"
mr=$(field "$TAP_TMP/r2" 'o["read"]["ops"]')
mu=$(field "$TAP_TMP/r2" 'o["update"]["ops"]')
reads=$(calls "$READ" "$mr")
updates=$(calls "$UPDATE" "$mu")
[ "$reads" = "$mr" ] && [ "$updates" = "$mu" ] && [ $((reads + updates)) -eq 10000 ]
ok $? "main: the server's calls of the SELECT ($reads) and the UPDATE ($updates) = moonbench's read ($mr) and update ($mu) ops"
[ "$(field "$TAP_TMP/r2" 'a["errors"]')" = 0 ] &&
    [ "$(field "$TAP_TMP/r2" 'o["read"]["ok"]')" = "$reads" ]
ok $? "main: every read's value checked, none wrong"
for _ in $(seq 20); do
	left=$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'moonbench'")
	[ "$left" = 0 ] && break
	sleep 0.1
done
[ "$left" = 0 ]
ok $? "main: moonbench's connections are closed when it exits"

# ---- conninfo= ----
run_mb run driver=pg conninfo="postgresql://moonbench@127.0.0.1:$PORT/postgres" \
    cycles=100 async=2 -q
expect_rc 0 "conninfo= as a URI: the run exits 0"
run_mb run driver=pg conninfo="host=127.0.0.1 port=1 user=moonbench dbname=postgres" \
    port="$PORT" cycles=100 async=2 -q
expect_rc 0 "conninfo= with port= given too: port= wins"
run_mb run driver=pg conninfo="nonsense" cycles=1 async=1
expect_rc 2 "a malformed conninfo= is a usage error (exit 2)"
expect_err_contains 'conninfo: missing "=" after "nonsense"' \
    "a malformed conninfo=: libpq's reason"

# ---- pipeline=8 over 2 connections ----
sql "SELECT pg_stat_statements_reset()" >/dev/null
run_mb run workload="$KV" block=main cycles=10000 keycount=$N async=16 \
    connections=2 pipeline=8 $CONN --report-dir "$TAP_TMP/r3" -q
expect_rc 0 "pipeline=8 connections=2 async=16: main exits 0"
mr=$(field "$TAP_TMP/r3" 'o["read"]["ok"]')
mu=$(field "$TAP_TMP/r3" 'o["update"]["ok"]')
reads=$(calls "$READ" "$mr")
updates=$(calls "$UPDATE" "$mu")
[ "$reads" = "$mr" ] && [ "$updates" = "$mu" ] &&
    [ "$(field "$TAP_TMP/r3" 'a["errors"]')" = 0 ]
ok $? "pipeline: every op checked and counted by the server ($reads + $updates)"
run_mb run workload="$KV" block=main cycles=100 keycount=$N async=16 \
    connections=1 pipeline=4 $CONN
expect_rc 1 "connections x pipeline below the thread's async share is refused"
expect_err_contains "connections=1 x pipeline=4 carry at most 4" \
    "... with the numbers and what to change"

# ---- verify, with values changed behind moonbench's back ----
sql "UPDATE kv SET v = 'tampered' WHERE k = 1234" >/dev/null
sql "DELETE FROM kv WHERE k = 77" >/dev/null
run_mb run workload="$KV" block=verify cycles=$N keycount=$N async=8 $CONN \
    --report-dir "$TAP_TMP/r4" --progress=off
[ "$(field "$TAP_TMP/r4" 'sorted(a["errors_by_class"].items())')" = \
    "[('verify-mismatch', 1), ('verify-missing', 1)]" ]
ok $? "verify: the changed value and the deleted key are counted (verify-mismatch, verify-missing)"
expect_err_contains 'verify-mismatch at cycle 1234: key 1234 holds "tampered"' \
    "verify: the mismatch is reported with its cycle and what the key holds"
expect_err_contains "verify-missing at cycle 77" \
    "verify: the missing key is reported with its cycle"

# ---- a SQLSTATE as the error class ----
run_mb run workload="$KV" block=rampup cycles=10 keycount=$N async=2 $CONN \
    --report-dir "$TAP_TMP/r5" --progress=off
expect_rc 0 "keys written twice: the run goes on (errors counted)"
[ "$(field "$TAP_TMP/r5" 'sorted(a["errors_by_class"].items())')" = "[('pg-23505', 10)]" ]
ok $? "a unique violation counts as its SQLSTATE: pg-23505"
expect_err_contains "duplicate key value violates unique constraint" \
    "the server's message is shown (once)"
run_mb run workload="$KV" block=rampup cycles=10 keycount=$N async=2 $CONN \
    errors='pg-23505:stop' --progress=off -q
expect_rc 1 "errors='pg-23505:stop' stops the run on the first one"

# ---- SQL that can never run ----
cat > "$TAP_TMP/bad.lua" <<'EOF'
local mb = require "moonbench"
return { driver = "pg", bindings = { id = mb.bind.mod(10) },
  blocks = {
    syntax  = { ops = { q = { "SELEC v FROM kv WHERE k = $1", "{id}" } } },
    notable = { ops = { q = { "SELECT v FROM nosuch WHERE k = $1", "{id}" } } },
    values  = { ops = { q = { "SELECT v FROM kv WHERE k = $1", "{id}", "{id}" } } },
    varsql  = { ops = { q = { "SELECT {id}" } } },
    sleep   = { ops = { s = { "SELECT pg_sleep(10)" } } },
  } }
EOF
run_mb run workload="$TAP_TMP/bad.lua" block=syntax cycles=100 async=4 $CONN
expect_rc 1 "bad SQL: the run stops (exit 1)"
expect_err_contains "op 'q': cannot prepare 'SELEC v FROM kv WHERE k = \$1': syntax error at or near \"SELEC\" (SQLSTATE 42601)" \
    "bad SQL: the message names the op, the SQL and the server's reason"
run_mb run workload="$TAP_TMP/bad.lua" block=notable cycles=100 async=4 $CONN
expect_rc 1 "an unknown table: the run stops (exit 1)"
expect_err_contains 'relation "nosuch" does not exist (SQLSTATE 42P01)' \
    "an unknown table: the server's reason"
run_mb run workload="$TAP_TMP/bad.lua" block=values cycles=100 async=4 $CONN
expect_rc 1 "more values than parameters: the run stops (exit 1)"
expect_err_contains "bind message supplies 2 parameters, but prepared statement" \
    "more values than parameters: the server's reason"
run_mb run workload="$TAP_TMP/bad.lua" block=varsql cycles=10 async=1 $CONN
expect_rc 1 "SQL with a {placeholder}: the run stops (exit 1)"
expect_err_contains 'write $1, $2' "SQL with a {placeholder}: says to use parameters"

# ---- results as on_result sees them ----
run_mb run workload="$TYPES" async=1 $CONN --report-dir "$TAP_TMP/r6" --progress=off
[ "$(field "$TAP_TMP/r6" 'a["errors"]')" = 0 ] && [ "$(field "$TAP_TMP/r6" 'a["ok"]')" = 7 ]
ok $? "results: ints, int64 beyond 2^53, bools, floats, numeric and text, NULL, params, affected counts"

# ---- timeout= on a statement that runs on ----
t0=$(date +%s)
run_mb run workload="$TAP_TMP/bad.lua" block=sleep cycles=1 async=1 timeout=1s \
    $CONN --report-dir "$TAP_TMP/r7" --progress=off
t1=$(date +%s)
expect_rc 0 "timeout=1s on pg_sleep(10): the run ends, exit 0"
[ "$(field "$TAP_TMP/r7" 'sorted(a["errors_by_class"].items())')" = "[('timeout', 1)]" ] &&
    [ $((t1 - t0)) -lt 6 ]
ok $? "timeout: the op fails as timeout after 1 s, not 10 ($((t1 - t0)) s)"
run_mb run workload="$TAP_TMP/bad.lua" block=sleep cycles=3 async=1 timeout=300ms \
    errors='timeout:retry,count' maxtries=2 $CONN --report-dir "$TAP_TMP/r8" --progress=off
expect_rc 0 "timeout with retry: the run ends, exit 0"
[ "$(field "$TAP_TMP/r8" 'a["errors_by_class"]["timeout"]')" = 3 ]
ok $? "timeout with retry: each op tried twice, 3 fail as timeout"

# ---- the server stopped and started again during a run ----
bg_start run driver=pg $CONN duration=5s async=8 connections=8 \
    reconnect=50ms..400ms --report-dir "$TAP_TMP/r9" --progress=off
sleep 1.2
srv_stop fast
sleep 1
srv_start
sql "SELECT pg_stat_statements_reset()" >/dev/null
bg_wait 30
expect_rc 0 "server stopped and started: moonbench carries on and exits 0"
expect_err_contains "connected again after" "the reconnection is reported"
python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][0]
c = a["errors_by_class"]
assert a["state"] == "finished" and a["errors"] > 0, a
assert set(c) <= {"connection-lost", "connection-refused", "connection-error"}, c
assert c.get("connection-lost", 0) > 0, c
assert sum(c.values()) == a["errors"] and a["ok"] + a["errors"] == a["ops"], a
# Held while down, ops fail once per attempt, not in a busy loop.
assert a["errors"] < 2000, a["errors"]' "$TAP_TMP/r9"
ok $? "the failed ops are counted by class (connection-lost, connection-refused), a bounded number"
selects=$(sql "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query IN ('SELECT 1', 'SELECT \$1')")
[ "$selects" -gt 500 ]
ok $? "after the restart the run went on against the server ($selects SELECT 1 calls)"

done_testing
