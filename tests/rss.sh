#!/usr/bin/env bash
# Memory is flat in the number of cycles: the peak RSS of 10M and of 100M
# diag cycles (async, through the event loop) differ by under 1 MiB.
set -u
. "$(dirname "$0")/tap.sh"

peak_kb() {	# peak RSS in KiB of one run
	/usr/bin/time -f '%M' -o "$TAP_TMP/rss" \
	    "$MOONBENCH" run driver=diag async=64 -q "$@" >/dev/null 2>&1 ||
	    { echo 0; return; }
	tail -n 1 "$TAP_TMP/rss"
}

small=$(peak_kb cycles=10M)
large=$(peak_kb cycles=100M)
[ "$small" -gt 0 ] && [ "$large" -gt 0 ]
ok $? "both runs finished (peak RSS ${small} KiB and ${large} KiB)"
diff=$(( large > small ? large - small : small - large ))
[ "$diff" -lt 1024 ]
ok $? "10M and 100M cycles: peak RSS differs by ${diff} KiB (< 1024)"

# Memory per motor: recorders touch only the pages of values seen, so 64
# motors of a two-op workload with a rate stay small (it was 225 MB when
# every histogram was touched whole).
/usr/bin/time -f '%M' -o "$TAP_TMP/rss64" "$MOONBENCH" run \
    workload="$top_srcdir/scenarios/diag.lua" cycles=20000 threads=64 \
    async=256 rate=20000 errors=.*:ignore -q >/dev/null 2>&1
kb=$(tail -n 1 "$TAP_TMP/rss64")
[ "$kb" -gt 0 ] && [ "$kb" -lt 120000 ]
ok $? "64 motors, 2 ops, a rate: peak RSS ${kb} KiB (< 120 MB)"

done_testing
