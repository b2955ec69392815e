#!/usr/bin/env bash
# The sqlite driver, end to end, checked against the database itself (the
# sqlite3 CLI): kv-sqlite's default scenario runs clean, rampup leaves one
# row per key, two writing threads lose nothing, a value changed behind
# moonbench's back fails verify, lock waits count as sqlite-busy (or are
# retried), values bind and rows come back with their types, and what can
# never run is refused with a clear message.
# TAP on stdout; run by automake with MOONBENCH and top_srcdir set.

. "$(dirname "$0")/tap.sh"

KV=$top_srcdir/scenarios/kv-sqlite.lua
TYPES=$top_srcdir/tests/workloads/sqlite_types.lua
D=$TAP_TMP/db
mkdir -p "$D" || { echo "Bail out! cannot create $D"; exit 1; }
command -v sqlite3 >/dev/null 2>&1 ||
	skip_all "the sqlite3 command-line shell is not installed (apt-get install sqlite3)"

# Rows of table kv in a database file.
rows() { sqlite3 "$1" "SELECT count(*) FROM kv"; }

# From the last run's summary of activity $1: its ok ops, and the count of
# error class $2 (0 when the class is absent).
ok_ops() {
	printf '%s\n' "$err" | awk -v n="$1 (sqlite): " '
	    index($0, n) == 1 { f = 1; next }
	    f && $1 == "ops" { sub(/^\(/, "", $3); print $3; exit }'
}
class_count() {
	printf '%s\n' "$err" | awk -v n="$1 (sqlite): " -v c="$2" '
	    index($0, n) == 1 { f = 1; next }
	    f && /^[^ ]/ { exit }
	    f && $1 == "error" && $2 == c { print $3; found = 1; exit }
	    END { if (!found) print 0 }'
}
# Error classes of activity $1 other than $2, one per line.
other_classes() {
	printf '%s\n' "$err" | awk -v n="$1 (sqlite): " -v c="$2" '
	    index($0, n) == 1 { f = 1; next }
	    f && /^[^ ]/ { exit }
	    f && $1 == "error" && $2 != c { print $2 }'
}

# ---------------------------------------------------------------------
# 1. kv-sqlite's default scenario: every step finishes, no error of any
# class (verify and main check every value they read), and its temporary
# database is gone afterwards.

mkdir -p "$TAP_TMP/tmp"
TMPDIR=$TAP_TMP/tmp run_mb "$KV" --progress=off
expect_rc 0 "kv-sqlite default: exit 0"
n=0
for step in schema rampup main verify count; do
	case $err in
	*"$step (sqlite): finished"*) n=$((n + 1)) ;;
	esac
done
[ "$n" = 5 ]
ok $? "kv-sqlite default: schema, rampup, main, verify and count finished"
[ "$(printf '%s\n' "$err" | grep -cE '^  ops +[0-9]+ \([0-9]+ ok, 0 errors\)')" = 5 ]
ok $? "kv-sqlite default: every step's ops all ok"
[ "$(ok_ops rampup)" = 25000 ] && [ "$(ok_ops verify)" = 25000 ]
ok $? "kv-sqlite default: rampup wrote and verify checked 25000 keys"
expect_err_lacks "  error " "kv-sqlite default: no error of any class"
[ -z "$(ls -A "$TAP_TMP/tmp")" ]
ok $? "kv-sqlite default: its temporary database is removed at exit" ||
    diag "left: $(ls -A "$TAP_TMP/tmp")"

# keep=true keeps it and says where.
TMPDIR=$TAP_TMP/tmp run_mb "$KV" keycount=500 main_cycles=1000 keep=true -q
kept=$(printf '%s\n' "$err" | sed -n 's/^moonbench: sqlite: kept the database //p')
[ "$rc" = 0 ] && [ "${kept#"$TAP_TMP/tmp/"}" != "$kept" ] && [ -f "$kept" ] &&
    [ "$(rows "$kept")" = 500 ]
ok $? "keep=true: the path is printed and the file holds the 500 rows" ||
    diag "kept: '$kept'"
rm -rf "$TAP_TMP/tmp"/moonbench-sqlite.*

# ---------------------------------------------------------------------
# 2. Rampup writes each key once: as many rows as keys, keys 0..N-1, and
# each value the one its key derives (verify, a second process).

F=$D/kv.db
run_mb run workload="$KV" block=schema file="$F" -q
run_mb run workload="$KV" block=rampup cycles=2000 keycount=2000 file="$F"
[ "$rc" = 0 ] && [ "$(rows "$F")" = 2000 ]
ok $? "rampup cycles=2000: 2000 rows" || diag "rows: $(rows "$F")"
[ "$(sqlite3 "$F" 'SELECT min(k), max(k), count(DISTINCT v) FROM kv')" = "0|1999|2000" ]
ok $? "rampup: keys 0..1999, 2000 distinct values" ||
    diag "got $(sqlite3 "$F" 'SELECT min(k), max(k), count(DISTINCT v) FROM kv')"
run_mb run workload="$KV" block=verify cycles=2000 keycount=2000 file="$F" threads=2
[ "$rc" = 0 ] && [ "$(ok_ops verify)" = 2000 ]
ok $? "verify in another process: 2000 values read back, all as derived"
run_mb run workload="$KV" block=count cycles=1 keycount=2000 file="$F"
[ "$rc" = 0 ] && [ "$(class_count count verify-count)" = 0 ]
ok $? "count: SELECT count(*) in on_result sees 2000 rows"
run_mb run workload="$KV" block=rampup cycles=10 keycount=2000 file="$F"
[ "$(class_count rampup sqlite-constraint)" = 10 ] && [ "$(rows "$F")" = 2000 ]
ok $? "rampup again: each key written twice fails as sqlite-constraint" ||
    diag "sqlite-constraint: $(class_count rampup sqlite-constraint)"
expect_err_contains "UNIQUE constraint failed: kv.k" \
    "rampup again: SQLite's message is shown"

# ---------------------------------------------------------------------
# 3. Two threads writing: nothing lost.

F=$D/w2.db
run_mb run workload="$KV" block=schema file="$F" -q
run_mb run workload="$KV" block=rampup cycles=20000 keycount=20000 threads=2 file="$F"
expect_rc 0 "2 writing threads: exit 0"
[ "$(rows "$F")" = 20000 ] && [ "$(ok_ops rampup)" = 20000 ]
ok $? "2 writing threads: 20000 ok inserts, 20000 rows" ||
    diag "ok: $(ok_ops rampup), rows: $(rows "$F")"

# ---------------------------------------------------------------------
# 4. A value changed (and a row deleted) behind moonbench's back: verify
# counts them as verify-mismatch and verify-missing; main's reads too.

F=$D/tamper.db
run_mb run workload="$KV" block=schema file="$F" -q
run_mb run workload="$KV" block=rampup cycles=1000 keycount=1000 file="$F" -q
sqlite3 "$F" "UPDATE kv SET v = 'tampered' WHERE k = 42; DELETE FROM kv WHERE k = 7"
run_mb run workload="$KV" block=verify cycles=1000 keycount=1000 file="$F" \
    errors='verify.*:warn,count'
[ "$(class_count verify verify-mismatch)" = 1 ] &&
    [ "$(class_count verify verify-missing)" = 1 ] && [ "$(ok_ops verify)" = 998 ]
ok $? "tampered: verify counts 1 verify-mismatch, 1 verify-missing, 998 ok"
err_matches "cycle 42[^0-9].*verify-mismatch"
ok $? "tampered: the warning names the cycle of the mismatch (42)"
err_matches "cycle 7[^0-9].*verify-missing"
ok $? "tampered: the warning names the cycle of the missing key (7)"
run_mb run workload="$KV" block=main cycles=5000 keycount=1000 file="$F"
[ "$(class_count main verify-mismatch)" -ge 1 ]
ok $? "tampered: main's reads find the mismatch too" ||
    diag "verify-mismatch: $(class_count main verify-mismatch)"

# ---------------------------------------------------------------------
# 5. Lock waits. busy_timeout=0: an insert that finds the write lock taken
# fails at once as sqlite-busy, nothing else fails, and every ok insert is
# a row.

F=$D/busy.db
run_mb run workload="$KV" block=schema file="$F" -q
run_mb run workload="$KV" block=rampup cycles=20000 keycount=20000 threads=2 \
    busy_timeout=0 file="$F"
busy=$(class_count rampup sqlite-busy)
[ "$rc" = 0 ] && [ -z "$(other_classes rampup sqlite-busy)" ] &&
    [ "$(ok_ops rampup)" = "$(rows "$F")" ] &&
    [ $(( $(ok_ops rampup) + busy )) = 20000 ]
ok $? "busy_timeout=0: ok + sqlite-busy = 20000, rows = ok inserts" ||
    diag "ok: $(ok_ops rampup), sqlite-busy: $busy, rows: $(rows "$F")," \
        "other classes: $(other_classes rampup sqlite-busy)"
diag "busy_timeout=0 threads=2: $busy of 20000 inserts failed as sqlite-busy"

# The error policy retries them: nothing lost. (A retry follows at once,
# so each try waits a little for the lock: busy_timeout=100us.)
F=$D/retry.db
run_mb run workload="$KV" block=schema file="$F" -q
run_mb run workload="$KV" block=rampup cycles=20000 keycount=20000 \
    threads=2 busy_timeout=100us maxtries=1000 file="$F" \
    errors='sqlite-busy:retry,count;.*:stop'
[ "$rc" = 0 ] && [ "$(rows "$F")" = 20000 ] && [ "$(ok_ops rampup)" = 20000 ]
ok $? "errors=sqlite-busy:retry: 20000 ok inserts, 20000 rows" ||
    diag "rows: $(rows "$F")"
diag "busy_timeout=100us threads=2, retried:" \
    "$(printf '%s\n' "$err" | grep -E '^  retries' | tr -s ' ')"

# A lock held by another process: ops wait busy_timeout, then fail.
F=$D/held.db
run_mb run workload="$KV" block=schema file="$F" -q
mkfifo "$D/hold"
sqlite3 "$F" <"$D/hold" >/dev/null 2>&1 &
holder=$!
exec 7>"$D/hold"
echo "BEGIN IMMEDIATE; INSERT INTO kv VALUES (-1, 'held');" >&7
# Until the write lock is taken (another writer then fails at once).
for i in $(seq 100); do
	sqlite3 "$F" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK" \
	    >/dev/null 2>&1 || break
	sleep 0.05
done
t0=$(now_ns)
run_mb run workload="$KV" block=rampup cycles=3 busy_timeout=200ms file="$F"
took=$(ms_since "$t0")
[ "$(class_count rampup sqlite-busy)" = 3 ] && [ "$took" -ge 600 ]
ok $? "a lock held elsewhere: 3 ops wait 200ms each, then fail as sqlite-busy" ||
    diag "took $took ms"

# timeout= ends a lock wait before busy_timeout does.
t0=$(now_ns)
run_mb run workload="$KV" block=rampup cycles=2 busy_timeout=1m timeout=300ms \
    file="$F"
took=$(ms_since "$t0")
[ "$(class_count rampup timeout)" = 2 ] && [ "$took" -ge 600 ] &&
    [ "$took" -lt 5000 ]
ok $? "a lock held elsewhere, timeout=300ms: 2 ops fail as timeout" ||
    diag "took $took ms"

# Ctrl-C while an op waits for that lock: stopped within the drain.
bg_start run workload="$KV" block=rampup cycles=3 busy_timeout=1m file="$F"
sleep 1
bg_signal INT
bg_wait 10
[ "$rc" = 130 ] && [ "$bg_ms" -lt 2000 ]
ok $? "Ctrl-C during a lock wait: exit 130 within 2 s" ||
    diag "rc $rc after $bg_ms ms"
echo "ROLLBACK;" >&7
exec 7>&-
wait "$holder" 2>/dev/null
[ "$(rows "$F")" = 0 ]
ok $? "the held transaction rolled back: nothing of it (or of the stopped ops) was written"

# ---------------------------------------------------------------------
# 6. Values both ways.

run_mb run workload="$TYPES" block=binds cycles=64 threads=2
[ "$rc" = 0 ] && [ "$(ok_ops binds)" = 64 ]
ok $? "binds: plain int64s bind as integers, 007 -0 +1 1.5 '' and overflows as text"
run_mb run workload="$TYPES" block=rows cycles=30
[ "$rc" = 0 ] && [ "$(ok_ops rows)" = 30 ]
ok $? "rows: numbers, int64 cdata beyond 2^53, reals, text, blobs, NULL absent, 100-row results"
run_mb run workload="$TYPES" block=constraint cycles=4
[ "$rc" = 0 ] && [ "$(class_count constraint sqlite-constraint)" = 1 ]
ok $? "a duplicate key counts as sqlite-constraint"

# ---------------------------------------------------------------------
# 7. Refused: what can never work.

run_mb run workload="$KV" block=rampup cycles=10 async=8
expect_rc 2 "async=8: exit 2"
expect_err_contains "async: driver 'sqlite' has no async action" \
    "async=8: the message names the param and the driver"

run_mb run driver=sqlite cycles=3
[ "$rc" = 2 ] && err_matches "sqlite runs a workload's SQL: give workload=FILE"
ok $? "no workload: exit 2 and a message"

run_mb run workload="$KV" block=schema file="$D/no/such/dir/x.db"
[ "$rc" = 2 ] && err_matches "file: cannot open '.*/no/such/dir/x.db': its directory '.*/no/such/dir' does not exist"
ok $? "file= in a missing directory: exit 2, the directory named"

echo "not a database, just text" >"$D/text.db"
run_mb run workload="$KV" block=schema file="$D/text.db"
[ "$rc" = 2 ] && err_matches "file: cannot open '.*text.db': file is not a database"
ok $? "file= that is no database: exit 2 and SQLite's word for it"

run_mb run workload="$KV" block=schema file=:memory:
[ "$rc" = 2 ] && err_matches "file: ':memory:' is a private database per connection"
ok $? "file=:memory: refused (each motor would see its own)"

# Bad SQL is found when a thread prepares it, against the real schema (a
# table may only exist once an earlier step ran): the activity errors,
# exit 1, with SQLite's message naming the op.
run_mb run workload="$TYPES" block=bad_sql cycles=100 threads=2
[ "$rc" = 1 ] && err_matches "driver 'sqlite': op 'oops': cannot prepare 'SELEC v FROM kv WHERE k = \?': near \"SELEC\": syntax error"
ok $? "bad SQL: exit 1, the op and SQLite's message named"
[ "$(printf '%s\n' "$err" | grep -c "cannot prepare")" = 1 ]
ok $? "bad SQL: said once, not per op or thread"
run_mb run workload="$TYPES" block=no_table cycles=10
[ "$rc" = 1 ] && err_matches "op 'read': cannot prepare .*: no such table: missing_table"
ok $? "a missing table: exit 1 and SQLite's message"
run_mb run workload="$TYPES" block=nparams cycles=10
[ "$rc" = 1 ] && err_matches "op 'short': its SQL 'SELECT \?, \?' has 2 parameters but the op gives 1 value after it"
ok $? "2 parameters, 1 value: exit 1, the op named"
run_mb run workload="$TYPES" block=placeholder cycles=10
[ "$rc" = 1 ] && err_matches "op 'templated': its SQL 'SELECT \{value\}' has \{placeholders\}"
ok $? "a {placeholder} in the SQL: exit 1, told to use ?"
run_mb run workload="$TYPES" block=two cycles=10
[ "$rc" = 1 ] && err_matches "op 'both': 'SELECT 1; SELECT 2' holds more than one statement"
ok $? "two statements in one op: exit 1"

run_mb --help sqlite
[ "$rc" = 0 ] && out_matches "busy_timeout" && out_matches "journal" &&
    out_matches "synchronous" && out_matches "keep"
ok $? "--help sqlite lists file, keep, busy_timeout, synchronous, journal" ||
    diag "$out"

done_testing
