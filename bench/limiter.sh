#!/usr/bin/env bash
# The rate limiter: its overhead per op (a no-op diag with a rate far above
# what the engine can do, so every op takes a ticket and none waits, vs
# no rate at all), and the rate achieved against the rate asked.
#
#   bench/limiter.sh [path/to/moonbench]
set -eu
MB=${1:-./moonbench}

# ops/s and elapsed seconds of one run, from its summary.
run() {
	"$MB" run driver=diag --progress=off "$@" 2>&1 |
	awk '/ finished in / { t = $NF
		if (t ~ /ms$/) { sub(/ms$/, "", t); t /= 1000 } else sub(/s$/, "", t)
		secs = t }
	     /^  ops / { ops = $2 }
	     END { if (secs > 0) printf "%.0f %.3f %d\n", ops / secs, secs, ops }'
}

read -r free _ _ < <(run cycles=20M)
read -r paced _ _ < <(run cycles=20M rate=1e10)
printf '%-40s %12s\n' "no-op diag, one thread" "ns per op"
printf '%-40s %12.1f\n' "no rate" "$(echo "1000000000 / $free" | bc -l)"
printf '%-40s %12.1f\n' "rate=1e10 (a ticket per op, no wait)" \
    "$(echo "1000000000 / $paced" | bc -l)"
printf '%-40s %12.1f\n' "limiter overhead" \
    "$(echo "1000000000 / $paced - 1000000000 / $free" | bc -l)"
echo
printf '%-28s %12s %12s %10s\n' "asked" "achieved" "ops" "ratio"
for r in 1000 100000 1000000; do
	read -r got secs ops < <(run rate=$r duration=3s async=64)
	printf '%-28s %12s %12s %10.4f\n' "rate=$r duration=3s" "$got" "$ops" \
	    "$(echo "$got / $r" | bc -l)"
done
