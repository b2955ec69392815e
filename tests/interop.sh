#!/usr/bin/env bash
# histograms.hlog read by the reference implementation: for every tag that
# HdrHistogram's HistogramLogProcessor lists, -tag T reads our log; its
# total count equals ours for that timer exactly, and its max, mean, p50
# and p90 equal ours to the precision it prints (3 decimals, in ms).
set -u
. "$(dirname "$0")/tap.sh"

JAR=/usr/share/java/hdrhistogram.jar
proc() { java -cp "$JAR" org.HdrHistogram.HistogramLogProcessor \
    -i "$R/histograms.hlog" "$@" 2>"$TAP_TMP/java.err"; }

# Every tag the reference lists in $R agrees with summary.json: tags are
# ACTIVITY.OP.TIMER, OP "all" for the activity's own timers.
check_tags() {
	local want=$1 tags tag op timer ours theirs
	tags=$(proc -listtags | grep -v '^Tags found')
	[ "$(printf '%s\n' "$tags" | grep -c .)" -eq "$want" ]
	ok $? "the reference lists our $want tags: $(echo $tags)"
	for tag in $tags; do
		timer=${tag##*.}
		op=${tag#*.}
		op=${op%.*}
		proc -tag "$tag" -o "$TAP_TMP/t" >/dev/null
		ours=$(python3 - "$R/summary.json" "$op" "$timer" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["activities"][0]
t = (a if sys.argv[2] == "all" else a["by_op"][sys.argv[2]])[sys.argv[3]]
print(t["count"], "%.3f" % (t["max_ns"] / 1e6), "%.3f" % (t["mean_ns"] / 1e6),
      "%.3f" % (t["p50_ns"] / 1e6), "%.3f" % (t["p90_ns"] / 1e6))
PY
)
		theirs=$(awk '
		    /^#\[Max/ { gsub(/[,\]]/, " "); max = $3; count = $7 }
		    /^#\[Mean/ { gsub(/[,\]]/, " "); mean = $3 }
		    $2 == "0.500000000000" && p50 == "" { p50 = $1 }
		    $2 == "0.900000000000" && p90 == "" { p90 = $1 }
		    END { print count, max, mean, p50, p90 }' "$TAP_TMP/t.hgrm")
		[ -n "$ours" ] && [ "$ours" = "$theirs" ]
		ok $? "$tag: count, max, mean, p50, p90 agree (ours: $ours; reference: $theirs)"
	done
}

R=$TAP_TMP/interop
run_mb run driver=diag duration=2500ms rate=1000 async=4 delay=1ms..3ms \
    --report-dir "$R" -q
expect_rc 0 "a report run exits 0"
check_tags 3

# A workload of two ops: each op's timers are tagged apart.
R=$TAP_TMP/interop-ops
run_mb run workload="$top_srcdir/scenarios/diag.lua" duration=2500ms \
    rate=1000 async=4 delay=1ms..3ms errors=spot-check:count \
    --report-dir "$R" -q
expect_rc 0 "a workload report run exits 0"
check_tags 9

done_testing
