#!/usr/bin/env bash
# --report-dir: summary.json parses and holds the run, metrics.csv has a
# row per interval and timer whose counts add up to the totals, and
# histograms.hlog is an HdrHistogram log; an interrupted run still leaves
# complete files.
set -u
. "$(dirname "$0")/tap.sh"

R=$TAP_TMP/report
run_mb run driver=diag duration=2500ms rate=1000 async=4 delay=1ms \
    error_every=50 --report-dir "$R" -q
expect_rc 0 "a report run exits 0"
for f in summary.json metrics.csv histograms.hlog; do
	[ -s "$R/$f" ]
	ok $? "--report-dir writes $f"
done
python3 - "$R/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
a = s["activities"][0]
assert s["exit_status"] == 0 and s["moonbench"] and s["host"]
assert a["name"] == "diag" and a["state"] == "finished"
assert a["ops"] == 2500 and a["errors"] == 50 and a["ok"] == 2450
assert a["errors_by_class"] == {"diag-injected": 50}
assert a["servicetime"]["count"] == 2450 and a["responsetime"]["count"] == 2450
assert a["params"]["rate"] == "1000"
PY
ok $? "summary.json parses and holds the run's counts and params"
# Per-interval counts of servicetime add up to the total.
total=$(awk -F, '$2 == "all" && $3 == "servicetime" { n += $6 } END { print n + 0 }' "$R/metrics.csv")
[ "$total" -eq 2450 ]
ok $? "metrics.csv: servicetime counts over the intervals add up to 2450 ($total)"
rows=$(awk -F, '$2 == "all" && $3 == "servicetime"' "$R/metrics.csv" | wc -l)
[ "$rows" -ge 2 ]
ok $? "metrics.csv: a row per interval ($rows)"
head -n 1 "$R/histograms.hlog" | grep -qx '#\[Histogram log format version 1.3\]'
ok $? "histograms.hlog: the 1.3 header"
[ "$(grep -c '^Tag=diag.all.servicetime,' "$R/histograms.hlog")" -eq "$rows" ] &&
    [ "$(grep -c '^Tag=diag.all.responsetime,' "$R/histograms.hlog")" -eq "$rows" ]
ok $? "histograms.hlog: a line per interval for each timer, tagged activity.op.timer"

# Interrupted: exit 130 and complete files.
R2=$TAP_TMP/report2
bg_start run driver=diag duration=1h async=8 delay=1ms --report-dir "$R2" --progress=off
sleep 1.5
bg_signal INT
bg_wait 10
expect_rc 130 "an interrupted report run exits 130"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); a=s["activities"][0]; assert s["exit_status"]==130 and a["state"]=="stopped" and a["ops"]>0' \
    "$R2/summary.json"
ok $? "an interrupted run: summary.json is complete (stopped, exit 130)"
tail -n 1 "$R2/histograms.hlog" | grep -q '^Tag=.*,HISTF'
ok $? "an interrupted run: histograms.hlog ends with a whole interval line"

# A directory that cannot be made is refused before anything runs.
run_mb run driver=diag cycles=10 --report-dir /proc/nope/x
expect_rc 2 "an unwritable --report-dir exits 2"
expect_err_contains "--report-dir" "an unwritable --report-dir is named"

done_testing
