#!/usr/bin/env bash
# moonbench's pg driver against pgbench -S -M prepared, side by side on one
# PostgreSQL (initdb'd here into a temporary directory, a free loopback
# port, trust authentication, fsync off), on pgbench's own table
# (pgbench -i -s SCALE). Both run the same statement, one per transaction
# and no BEGIN/COMMIT:
#   SELECT abalance FROM pgbench_accounts WHERE aid = $1
# aid random over the table, prepared once per connection, one in flight
# per connection: pgbench -c C -j 1 (one thread) against moonbench
# threads=1 connections=C async=C. For each C it prints transactions/s
# and the client's CPU per transaction (user + system of the whole
# process, from /usr/bin/time). Prints numbers; fails nothing.
#
#   bench/pg.sh [path/to/moonbench]      CONNS="8 32" SECS=5 SCALE=5 ROUNDS=2
#
# Target (issue #9): moonbench's transactions/s at least pgbench's. The
# server runs on this machine too and takes most of the CPU: read the
# ratios, run it twice. As root the server runs as the postgres user.
set -eu
MB=$(cd "$(dirname "${1:-./moonbench}")" && pwd)/$(basename "${1:-./moonbench}")
CONNS=${CONNS:-"8 32"}
SECS=${SECS:-5}
SCALE=${SCALE:-5}
ROUNDS=${ROUNDS:-2}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

for tool in "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/pgbench" /usr/bin/time python3; do
	command -v "$tool" >/dev/null || { echo "bench/pg.sh: $tool is missing" >&2; exit 1; }
done
as_srv() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	srv_user=postgres
	id "$srv_user" >/dev/null 2>&1 || srv_user=nobody
	as_srv() { runuser -u "$srv_user" -- "$@"; }
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/moonbench-bench.XXXXXX")
[ "$(id -u)" -eq 0 ] && chown "$srv_user" "$tmp"
cleanup() {
	[ -f "$tmp/data/postmaster.pid" ] &&
	    as_srv "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_srv "$PGBIN/initdb" -D "$tmp/data" -A trust -U moonbench --no-sync >/dev/null
cat >> "$tmp/data/postgresql.conf" <<EOF
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
as_srv "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w \
    -o "-p $port -k $tmp -c listen_addresses=127.0.0.1" start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=moonbench PGDATABASE=postgres
"$PGBIN/pgbench" -i -q -s "$SCALE" >/dev/null 2>&1
rows=$((SCALE * 100000))

cat > "$tmp/bench.lua" <<EOF
local mb = require "moonbench"
local b  = mb.bind
return {
  driver = "pg",
  bindings = { aid = b.hash():mod($rows):add(1) },
  blocks = { main = { ops = {
    select = { "SELECT abalance FROM pgbench_accounts WHERE aid = \$1", "{aid}" },
  } } },
}
EOF

measure() {	# measure OUT-FILE COMMAND...
	local out=$1
	shift
	/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" > "$out" 2>"$tmp/err" || {
		echo "bench/pg.sh: failed: $*" >&2
		cat "$tmp/err" >&2
		exit 1
	}
}

# Each prints: transactions/s, CPU seconds, transactions.
run_pgbench() {	# run_pgbench C
	measure "$tmp/pgbench.out" "$PGBIN/pgbench" -n -S -M prepared -c "$1" \
	    -j 1 -T "$SECS"
	python3 - "$tmp/pgbench.out" "$tmp/time" <<'PY'
import re, sys
out = open(sys.argv[1]).read()
tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))
n = int(re.search(r"actually processed: (\d+)", out).group(1))
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
print(tps, u + s, n)
PY
}

run_mb() {	# run_mb C
	rm -rf "$tmp/report"
	measure "$tmp/mb.out" "$MB" run workload="$tmp/bench.lua" \
	    duration="${SECS}s" threads=1 connections="$1" async="$1" -q \
	    --report-dir "$tmp/report"
	python3 - "$tmp/report/summary.json" "$tmp/time" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["activities"][0]
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
if a["errors"]:
    sys.exit("moonbench: %d errors" % a["errors"])
print(a["ops_per_s"], u + s, a["ops"])
PY
}

printf 'PostgreSQL %s on 127.0.0.1:%s, pgbench scale %s (%s rows), %s s a run\n' \
    "$("$PGBIN/postgres" --version | awk '{ print $3 }')" "$port" "$SCALE" "$rows" "$SECS"
printf '%-5s %-10s %12s %12s   %s\n' conns tool "tx/s" "CPU us/tx" \
    "moonbench / pgbench"
for c in $CONNS; do
	pb= mb=
	for _ in $(seq "$ROUNDS"); do
		pb="$pb$(run_pgbench "$c");"
		mb="$mb$(run_mb "$c");"
	done
	python3 - "$c" "$pb" "$mb" <<'PY'
import sys
rows = []
for tool, runs in (("pgbench", sys.argv[2]), ("moonbench", sys.argv[3])):
    runs = [[float(x) for x in r.split()] for r in runs.split(";") if r.strip()]
    # the best of the rounds: rate, CPU seconds per transaction
    rate = max(r[0] for r in runs)
    cpu = min(r[1] / r[2] for r in runs) * 1e6
    rows.append((tool, rate, cpu))
for i, (tool, rate, cpu) in enumerate(rows):
    ratio = ""
    if i == 1:
        ratio = "tx/s %.2fx, CPU/tx %.2fx" % (rate / rows[0][1], cpu / rows[0][2])
    print("%-5s %-10s %12.0f %12.2f   %s" % (sys.argv[1], tool, rate, cpu, ratio))
PY
done
