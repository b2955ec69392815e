#!/usr/bin/env bash
# Async ops overlap: 1000 ops of 10ms with async=10 take about 1 s (not the
# 10 s they would take one by one), and with threads=2 async=20 about 0.5 s.
# Bounds are wide: a loaded machine slows us, but never by 5x.
set -u
MOONBENCH=${MOONBENCH:-./moonbench}

echo "1..4"
n=0
wall() {	# wall-clock seconds of one run, as a decimal
	local t0 t1
	t0=$(date +%s%N)
	"$MOONBENCH" run driver=diag cycles=1000 delay=10ms -q "$@" \
	    >/dev/null 2>"$tmp" || { cat "$tmp" >&2; echo 999; return; }
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 ))"
}
check() {	# check NAME MS LOW HIGH
	n=$((n + 1))
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		echo "ok $n - $1 took $2 ms (expected $3..$4)"
	else
		echo "not ok $n - $1 took $2 ms (expected $3..$4)"
	fi
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

one=$(wall async=10)
check "cycles=1000 async=10 delay=10ms" "$one" 1000 5000
two=$(wall threads=2 async=20)
check "cycles=1000 threads=2 async=20 delay=10ms" "$two" 500 2500
n=$((n + 1))
if [ "$two" -lt "$one" ]; then
	echo "ok $n - twice the ops in flight is faster ($two ms < $one ms)"
else
	echo "not ok $n - twice the ops in flight is not faster ($two ms >= $one ms)"
fi
# Sync: one op at a time per thread, so 50 ops of 10ms take 0.5 s at least.
t0=$(date +%s%N)
"$MOONBENCH" run driver=diag cycles=50 delay=10ms -q
t1=$(date +%s%N)
check "sync cycles=50 delay=10ms" "$(( (t1 - t0) / 1000000 ))" 500 5000
