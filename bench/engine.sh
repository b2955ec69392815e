#!/usr/bin/env bash
# Engine overhead: ops per second of a no-op diag activity, sync and async
# (every op through the event loop), at threads=1 and threads=2, and the
# time a trivial run takes from exec to exit. Prints numbers; fails nothing.
#
#   bench/engine.sh [path/to/moonbench] [cycles]
#
# Targets (issue #2): threads=1 sync >= 10M op/s, async >= 2M op/s,
# threads=2 >= 1.6x threads=1, a trivial run < 20 ms. This machine is
# shared: run it twice, and read the ratios before the absolute numbers.
set -eu
MB=${1:-./moonbench}
CYCLES=${2:-30M}

# ops/s of one run, from the summary's ops count and elapsed time.
rate() {
	"$MB" run driver=diag cycles="$CYCLES" --progress=off "$@" 2>&1 |
	awk '/ finished in / {
		t = $NF; if (t ~ /ms$/) { sub(/ms$/, "", t); t /= 1000 }
		else sub(/s$/, "", t); secs = t }
	     /^  ops / { ops = $2 }
	     END { if (secs > 0) printf "%.0f\n", ops / secs; else print 0 }'
}

printf '%-34s %14s %10s\n' "no-op diag, $CYCLES cycles" "op/s" "vs t=1"
for mode in "sync" "async=64"; do
	args=()
	[ "$mode" = sync ] || args=("$mode")
	r1=$(rate threads=1 "${args[@]}")
	r2=$(rate threads=2 "${args[@]}")
	printf '%-34s %14s\n' "$mode threads=1" "$r1"
	printf '%-34s %14s %9.2fx\n' "$mode threads=2" "$r2" \
	    "$(echo "$r2 / $r1" | bc -l)"
done

# Start-up: exec to exit of a one-cycle run, the mean of 50.
n=50
t0=$(date +%s%N)
for _ in $(seq $n); do "$MB" run driver=diag cycles=1 -q; done
t1=$(date +%s%N)
printf '%-34s %11.2f ms\n' "trivial run (cycles=1), mean of $n" \
    "$(echo "($t1 - $t0) / $n / 1000000" | bc -l)"
