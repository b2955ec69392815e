#!/usr/bin/env bash
# The error policy from the command line: what warn prints, what stop,
# ignore and retry do to the exit status and the summary, op timeouts, a
# configurable drain, and an interrupted run's report files.
set -u
. "$(dirname "$0")/tap.sh"

# ---------------------------------------------------------------------
# warn (the default, with count): a line naming activity, cycle and class

run_mb run driver=diag cycles=100 error_cycles=42 --progress=off
expect_rc 0 "a counted error does not fail the run"
expect_err_contains "moonbench: warning: diag: cycle 42 failed: diag-injected (try 1)" \
    "warn names the activity, the cycle and the class"
expect_err_contains "error       diag-injected        1" "count: the class in the summary"

run_mb run workload="$top_srcdir/scenarios/diag.lua" cycles=20 errors='spot-check:warn' --progress=off
expect_err_contains "cycle 0, op 'read' failed: spot-check (try 1)" \
    "warn names the op of a workload"
expect_err_contains "(18 ok, 0 errors, 2 ignored)" "warn without count: the op is ignored, not an error"

# An error storm: the first 10 lines, then one a second; the rest counted.
run_mb run driver=diag cycles=2000 error_every=2 --progress=off
[ "$(grep -c '^moonbench: warning:' "$TAP_TMP/err")" -le 12 ]
ok $? "an error storm prints a bounded number of warnings"
expect_err_contains "more not shown" "the summary counts the warnings not shown"

# ---------------------------------------------------------------------
# ignore, stop, retry

run_mb run driver=diag cycles=100 error_every=10 errors='diag-injected:ignore' --progress=off
expect_rc 0 "ignore: exit 0"
expect_err_lacks "warning" "ignore: no warning"
expect_err_contains "(90 ok, 0 errors, 10 ignored)" "ignore: neither ok nor an error"

run_mb run driver=diag cycles=1M async=8 delay=1ms error_cycles=300 errors='diag-injected:stop;.*:count' --progress=off
expect_rc 1 "stop: exit 1"
expect_err_contains "cycle 300 failed with diag-injected, and errors= says stop for it" \
    "stop: the cause names the cycle and the class"
expect_err_contains "diag (diag): errored" "stop: the summary is printed"
expect_err_contains "error       diag-injected        1" "stop: the op that stopped the run is counted"

run_mb run driver=diag cycles=300 async=3 delay=1ms error_every=3 error_tries=1 \
    errors='diag-injected:retry,count' --progress=off
expect_rc 0 "retry: exit 0"
expect_err_contains "ops         300 (300 ok, 0 errors)" "retry: every op succeeds on its second try"
expect_err_contains "retries     100 (diag-injected 100)" "retry: the retries are counted by class"
expect_err_contains "responsetime" "retry: response time (from the first try) is shown"

run_mb run driver=diag cycles=10 errors='diag-injected:explode'
expect_rc 2 "a bad verb: exit 2"
expect_err_contains "errors: 'explode' in handler 'diag-injected' is not a verb" "a bad verb is named"
run_mb run driver=diag cycles=10 errors='[:count'
expect_rc 2 "a bad pattern: exit 2"
expect_err_contains "is not a regular expression" "a bad pattern is named"
run_mb run driver=diag cycles=10 maxtries=0
expect_rc 2 "maxtries=0: exit 2"
run_mb run driver=diag cycles=10 timeout=soon
expect_rc 2 "timeout=soon: exit 2"
expect_err_contains "timeout:" "timeout=soon: the param is named"

# ---------------------------------------------------------------------
# timeout=: ops that never complete fail as timeout, and the run ends

t0=$(now_ns)
run_mb run driver=diag cycles=50 async=4 hang_every=10 timeout=200ms --progress=off
ms=$(ms_since "$t0")
expect_rc 0 "timeout: the run ends, exit 0"
expect_err_contains "ops         50 (45 ok, 5 errors)" "timeout: 5 ops failed"
expect_err_contains "error       timeout              5" "timeout: counted as class timeout"
[ "$ms" -ge 200 ] && [ "$ms" -le 5000 ]
ok $? "timeout: took at least the timeout (${ms} ms)"

# ---------------------------------------------------------------------
# Ctrl-C: exit 130 within 1 s, the report files complete

R=$TAP_TMP/int
bg_start run driver=diag duration=1h async=16 delay=1ms..3ms rate=2000 --report-dir "$R"
sleep 2
bg_signal INT
bg_wait 10
expect_rc 130 "SIGINT: exit 130"
[ "$rc" != timeout ] && [ "$bg_ms" -le 1000 ]
ok $? "SIGINT: exits within 1 s (${bg_ms} ms)"
python3 - "$R/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
a = s["activities"][0]
assert s["exit_status"] == 130 and a["state"] == "stopped"
assert a["ops"] > 1000 and a["ops"] == a["ok"] + a["errors"] + a["ignored"]
assert a["responsetime"]["count"] == a["ok"]
PY
ok $? "SIGINT: summary.json parses and adds up"
python3 - "$R/histograms.hlog" <<'PY'
import base64, sys, zlib
lines = [l for l in open(sys.argv[1]) if not l.startswith("#")]
assert lines[0].startswith('"StartTimestamp"')
for l in lines[1:]:
    tag, start, length, mx, payload = l.strip().split(",")
    raw = base64.b64decode(payload)
    assert int.from_bytes(raw[:4], "big") & ~0xf0 == 0x1c849304
    zlib.decompress(raw[8:])
assert len(lines) > 3
PY
ok $? "SIGINT: every histograms.hlog line decodes"

# --drain: how long a stop waits for ops in flight
bg_start run driver=diag cycles=100 async=4 delay=1s --drain=50ms --progress=off
sleep 0.3
bg_signal INT
bg_wait 10
expect_rc 130 "--drain=50ms: exit 130"
[ "$rc" != timeout ] && [ "$bg_ms" -le 600 ]
ok $? "--drain=50ms: ops cancelled soon (${bg_ms} ms)"
expect_err_contains "4 aborted in flight" "--drain=50ms: the ops in flight counted as aborted"

bg_start run driver=diag cycles=100 async=4 delay=1s --drain=5s --progress=off
sleep 0.3
bg_signal INT
bg_wait 10
expect_rc 130 "--drain=5s: exit 130"
expect_err_contains "ops         4 (4 ok, 0 errors)" "--drain=5s: the ops in flight finished"
run_mb run driver=diag cycles=1 --drain=forever
expect_rc 2 "--drain=forever: exit 2"

done_testing
