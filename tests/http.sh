#!/usr/bin/env bash
# The http driver against a real nginx, started here with a config of its
# own on a free loopback port (access_log to a file that logs status,
# method, path, connection and request number on it): the server's own
# access-log lines per status and path against moonbench's counts per op
# and error class; keep-alive reuse; pipelining across nginx's
# keepalive_requests closes; errors= on a status; and a Python server that
# misbehaves (garbage, truncated headers, a wrong Content-Length, silence,
# a close before or in the middle of a body): each counted in its error
# class, the run ending, no crash, no hang.
set -u
. "$(dirname "$0")/tap.sh"

for tool in nginx python3; do
	if ! command -v "$tool" >/dev/null 2>&1 &&
	    ! [ -x "/usr/sbin/$tool" ]; then
		echo "Bail out! $tool is missing (Debian: apt-get install nginx-light python3)"
		exit 1
	fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
TYPES=$top_srcdir/tests/workloads/http_types.lua
BAD=$top_srcdir/tests/http_bad_server.py

PORT=$(free_port)
PORT2=$(free_port)
URL=http://127.0.0.1:$PORT
LOG=$TAP_TMP/access.log
ngx_pid=
bad_pid=

# nginx as this user (root: workers as root too, the files are ours).
mkdir -p "$TAP_TMP/www" "$TAP_TMP/tmp"
for i in 0 1 2 3 4 5 6 7 8 9; do echo "page $i hello" > "$TAP_TMP/www/page-$i"; done
user=
[ "$(id -u)" -eq 0 ] && user="user root root;"
cat > "$TAP_TMP/nginx.conf" <<NGX
$user
worker_processes 1;
daemon off;
pid $TAP_TMP/nginx.pid;
error_log $TAP_TMP/error.log;
events { worker_connections 1024; }
http {
	log_format mb '\$status \$request_method \$uri \$connection \$connection_requests';
	access_log $LOG mb;
	client_body_temp_path $TAP_TMP/tmp/body;
	proxy_temp_path $TAP_TMP/tmp/proxy;
	fastcgi_temp_path $TAP_TMP/tmp/fastcgi;
	uwsgi_temp_path $TAP_TMP/tmp/uwsgi;
	scgi_temp_path $TAP_TMP/tmp/scgi;
	default_type text/plain;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$PORT;
		root $TAP_TMP/www;
		location = /500 { return 500; }
		location = /echo { return 200 "\$content_length \$http_x_mb\n"; }
		location /sub/ {
			alias $TAP_TMP/www/;
			sub_filter 'hello' 'HELLO';
			sub_filter_once off;
			sub_filter_types *;
		}
	}
	# Closes every connection after 5 requests (Connection: close).
	server {
		listen 127.0.0.1:$PORT2;
		root $TAP_TMP/www;
		keepalive_requests 5;
	}
}
NGX

ngx_start() {
	"$NGINX" -p "$TAP_TMP" -c "$TAP_TMP/nginx.conf" -e "$TAP_TMP/error.log" &
	ngx_pid=$!
	for _ in $(seq 100); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
		    "$PORT" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "Bail out! nginx did not start on port $PORT"
	cat "$TAP_TMP/error.log"
	exit 1
}

ngx_kill() {
	[ -n "$ngx_pid" ] || return 0
	kill -"${1:-TERM}" "$ngx_pid" 2>/dev/null
	wait "$ngx_pid" 2>/dev/null
	ngx_pid=
}

bad_kill() {
	[ -n "$bad_pid" ] || return 0
	kill "$bad_pid" 2>/dev/null
	wait "$bad_pid" 2>/dev/null
	bad_pid=
}

# The access log's lines since the last ngx_reset (nginx reopens its logs
# on SIGUSR1; moving the file keeps each run's lines apart).
ngx_reset() {
	rm -f "$LOG"
	kill -USR1 "$ngx_pid"
	for _ in $(seq 100); do
		[ -e "$LOG" ] && return 0
		sleep 0.02
	done
}
# lines AWK-CONDITION: access-log lines that match.
lines() { awk "$1" "$LOG" | wc -l; }

# field REPORT-DIR PYTHON-EXPR: a value of the first activity of
# summary.json (a = the activity, o = its by_op, e = its errors by class).
field() {
	python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][0]
o = a.get("by_op", {})
e = a.get("errors_by_class", {})
print(eval(sys.argv[2]))' "$1" "$2"
}

cleanup() {
	ngx_kill TERM
	bad_kill
	tap_cleanup
}
trap cleanup EXIT

# ---- no server, no url ----
run_mb run driver=http url="$URL/" cycles=10 async=2
expect_rc 1 "no server: the run fails (exit 1)"
expect_err_contains "cannot connect to 127.0.0.1:$PORT: Connection refused" \
    "no server: the error names the address and the cause"
run_mb run driver=http cycles=10 async=2
expect_rc 2 "no url=: refused (exit 2)"
expect_err_contains "url=http://" "no url=: the message shows how to give one"
run_mb run driver=http url=https://127.0.0.1/ cycles=10 async=2
expect_err_contains "https is not supported" "url=https://: refused, saying so"

ngx_start

# ---- every kind of op: nginx's log lines against moonbench's counts ----
N=6000
ngx_reset
run_mb run workload="$TYPES" url="$URL/" cycles=$N threads=2 connections=3 \
    async=12 --report-dir "$TAP_TMP/r1" -q
expect_rc 0 "$N ops of six kinds exit 0"
sleep 0.2	# nginx writes its log line after the response
[ "$(lines 1)" = $N ] && [ "$(field "$TAP_TMP/r1" 'a["ops"]')" = $N ]
ok $? "nginx logged $(lines 1) requests = moonbench's $N ops"
python3 - "$TAP_TMP/r1" "$LOG" <<'PY'
import collections, json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][0]
o, e = a["by_op"], a["errors_by_class"]
log = collections.Counter()
for line in open(sys.argv[2]):
    status, method, uri = line.split()[:3]
    kind = ("chunked" if uri.startswith("/sub/") else "get" if uri.startswith("/page-") and method == "GET"
            else "head" if method == "HEAD" else "post" if uri == "/echo"
            else "missing" if uri.startswith("/missing-") else "error" if uri == "/500" else uri)
    log[(kind, status)] += 1
want = {("get", "200"): o["get"]["ok"], ("chunked", "200"): o["chunked"]["ok"],
        ("post", "200"): o["post"]["ok"], ("head", "200"): o["head"]["ok"],
        ("missing", "404"): o["missing"]["ops"], ("error", "500"): o["error"]["ops"]}
assert dict(log) == want, (dict(log), want)
assert all(v == 1000 for v in want.values()), want
PY
ok $? "per op: nginx's lines by path and status = moonbench's ok (get, chunked, post, head) and ops (404, 500)"
[ "$(field "$TAP_TMP/r1" 'sorted(e.items())')" = "[('http-404', 1000), ('http-500', 1000)]" ] &&
    [ "$(lines '$1 == 404')" = 1000 ] && [ "$(lines '$1 == 500')" = 1000 ]
ok $? "4xx and 5xx: http-404 and http-500 counted as nginx logged them; every other response checked in on_result"
# nginx ends a connection after a 500 (Connection: close): one more each.
conns=$(awk '{print $4}' "$LOG" | sort -u | wc -l)
[ "$conns" -ge 1000 ] && [ "$conns" -le 1006 ]
ok $? "Connection: close after each 500: a new connection each time ($conns for 1000 500s)"
ngx_reset
run_mb run driver=http url="$URL/page-1" cycles=6000 threads=2 connections=3 \
    async=6 -q
sleep 0.2
[ "$(lines 1)" = 6000 ] && [ "$(awk '{print $4}' "$LOG" | sort -u | wc -l)" = 6 ] &&
    [ "$(awk '$5 > m { m = $5 } END { print m }' "$LOG")" -ge 900 ]
ok $? "keep-alive: threads=2 connections=3 used 6 connections, ~1000 requests each (nginx \$connection_requests)"

# ---- the scenario ----
ngx_reset
run_mb "$top_srcdir/scenarios/http-get.lua" url="$URL/" pages=10 cycles=2000 \
    --report-dir "$TAP_TMP/r2" -q
expect_rc 0 "scenarios/http-get.lua exits 0"
sleep 0.2
[ "$(field "$TAP_TMP/r2" 'a["ok"]')" = 2000 ] && [ "$(lines '$1 == 200')" = 2000 ]
ok $? "http-get.lua: 2000 pages read and checked, 2000 lines in nginx's log"

# ---- pipelining, and nginx closing after 5 requests ----
ngx_reset
run_mb run driver=http url="http://127.0.0.1:$PORT2/page-3" cycles=3000 \
    connections=2 pipeline=8 async=16 --report-dir "$TAP_TMP/r3" -q
expect_rc 0 "pipeline=8 against keepalive_requests 5 exits 0"
sleep 0.2
[ "$(field "$TAP_TMP/r3" 'a["ok"]')" = 3000 ] && [ "$(lines '$1 == 200')" = 3000 ] &&
    [ "$(lines 1)" = 3000 ]
ok $? "pipelined: requests after a Connection: close went again, each once (3000 lines)"
[ "$(awk '{print $4}' "$LOG" | sort -u | wc -l)" -ge 600 ]
ok $? "pipelined: a new connection every 5 requests ($(awk '{print $4}' "$LOG" | sort -u | wc -l))"
ngx_reset
run_mb run driver=http url="$URL/page-1" cycles=4000 connections=2 pipeline=16 \
    async=32 --report-dir "$TAP_TMP/r4" -q
sleep 0.2
[ "$(lines '$1 == 200')" = 4000 ] && [ "$(awk '{print $4}' "$LOG" | sort -u | wc -l)" = 2 ]
ok $? "pipeline=16 connections=2: 4000 requests on 2 connections"

# ---- errors= sees the status ----
run_mb run workload="$TYPES" url="$URL/" cycles=600 async=4 errors='http-5..:stop'
expect_rc 1 "errors='http-5..:stop': the first 500 stops the run (exit 1)"
run_mb run workload="$TYPES" url="$URL/" cycles=600 async=4 \
    errors='http-404:ignore;.*:count' --report-dir "$TAP_TMP/r5" -q
[ "$(field "$TAP_TMP/r5" 'sorted(e.items())')" = "[('http-500', 100)]" ]
ok $? "errors='http-404:ignore': 404s not counted, 500s are"

# ---- a stalled nginx and timeout= ----
bg_start run driver=http url="$URL/page-2" duration=3s connections=4 async=4 \
    timeout=200ms --report-dir "$TAP_TMP/r6" --progress=off
sleep 1
workers=$(pgrep -P "$ngx_pid")
kill -STOP $workers
sleep 0.8
kill -CONT $workers
bg_wait 20
expect_rc 0 "nginx stopped for 0.8 s with timeout=200ms: the run goes on and exits 0"
python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][0]
assert a["errors_by_class"].get("timeout", 0) >= 4, a["errors_by_class"]
assert set(a["errors_by_class"]) == {"timeout"}, a["errors_by_class"]
assert a["ok"] > 500, a' "$TAP_TMP/r6"
ok $? "stalled: ops time out (their late responses dropped), the rest succeed"

# ---- nginx killed and started again during a run ----
bg_start run driver=http url="$URL/page-2" duration=4s connections=3 async=6 \
    reconnect=50ms..400ms --report-dir "$TAP_TMP/r7" --progress=off
sleep 1.2
ngx_kill TERM	# KILL would leave the worker serving
sleep 1
ngx_start
bg_wait 30
expect_rc 0 "nginx killed and restarted: moonbench carries on and exits 0"
expect_err_contains "again after" "the reconnection is reported"
python3 -c 'import json, sys
a = json.load(open(sys.argv[1] + "/summary.json"))["activities"][0]
c = a["errors_by_class"]
# (a connect racing the shutdown may fail otherwise: connection-error)
assert set(c) <= {"connection-lost", "connection-refused", "connection-error"} and a["errors"] > 0, c
assert a["errors"] < 500 and a["ok"] + a["errors"] == a["ops"], a
' "$TAP_TMP/r7"
ok $? "the failed ops are counted by class (connection-lost, -refused or -error), a bounded number"

# ---- a server that misbehaves ----
bad_run() {	# bad_run MODE ARGS...: the bad server in MODE, 20 ops
	local mode=$1
	shift
	bad_kill
	rm -f "$TAP_TMP/bad.port"
	python3 "$BAD" "$mode" "$TAP_TMP/bad.port" &
	bad_pid=$!
	for _ in $(seq 100); do
		[ -s "$TAP_TMP/bad.port" ] && break
		sleep 0.05
	done
	bg_start run driver=http url="http://127.0.0.1:$(cat "$TAP_TMP/bad.port")/x" \
	    cycles=20 connections=2 async=2 read_timeout="${RT:-300ms}" reconnect=10ms..50ms \
	    "$@" --report-dir "$TAP_TMP/bad-$mode" --progress=off
	bg_wait 30
}
for m in ok:ok garbage:http-parse-error truncated:connection-lost \
    longlen:connection-lost longwait:read-timeout silent:read-timeout \
    close:connection-lost midchunk:connection-lost shortlen:ok; do
	mode=${m%%:*}
	class=${m#*:}
	bad_run "$mode"
	if [ "$class" = ok ]; then
		want="[] 20"
	else
		want="[('$class', 20)] 0"
	fi
	got="$(field "$TAP_TMP/bad-$mode" 'sorted(e.items())') $(field "$TAP_TMP/bad-$mode" 'a["ok"]')"
	[ "$rc" = 0 ] && [ "$got" = "$want" ]
	ok $? "bad server, $mode: the run ends (exit $rc) with $class counted ($got)"
done
expect_err_contains "no request waiting" "shortlen: the stray bytes are reported"
RT=30s bad_run silent timeout=200ms
[ "$rc" = 0 ] && [ "$(field "$TAP_TMP/bad-silent" 'sorted(e.items())')" = "[('timeout', 20)]" ]
ok $? "a silent server with timeout=200ms: 20 ops time out, the run ends"
bad_kill

done_testing
