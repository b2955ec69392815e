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

done_testing
