#!/usr/bin/env bash
# The rate limiter on the wall clock: exact op counts, slow rates, a live
# change, and coordinated omission (a stalled op delays every op due
# meanwhile, and response time shows it). Bounds leave room for a loaded
# machine; counts are exact.
set -u
. "$(dirname "$0")/tap.sh"

# rate=2000 duration=5s: exactly the 10000 ops intended, in about 5 s.
t0=$(now_ns)
run_mb run driver=diag rate=2000 duration=5s --progress=off
ms=$(ms_since "$t0")
expect_rc 0 "rate=2000 duration=5s: exit 0"
expect_err_contains "ops         10000 (10000 ok, 0 errors)" \
    "rate=2000 duration=5s: exactly 10000 ops"
[ "$ms" -ge 4900 ] && [ "$ms" -le 5500 ]
ok $? "rate=2000 duration=5s: finishes within 5.5 s ($ms ms)"

# rate=0.5: ops 2 s apart, so 3 ops take 4 s (the third starts at 4 s).
t0=$(now_ns)
run_mb run driver=diag rate=0.5 cycles=3 --progress=off
ms=$(ms_since "$t0")
expect_err_contains "ops         3 (3 ok, 0 errors)" "rate=0.5: 3 ops"
[ "$ms" -ge 3990 ] && [ "$ms" -le 5000 ]
ok $? "rate=0.5: ops 2 s apart (3 ops in $ms ms)"

# A live change from 1000 to 3000 op/s takes effect within the second
# (the sleeps may wake late on a loaded machine: the bounds allow it).
W=$TAP_TMP/live.lua
cat > "$W" <<'LUA'
local mb = require "moonbench"
return { driver = "diag", blocks = { main = { ops = { r = "x" } } },
  scenarios = { default = function()
    local a = mb.start { rate = 1000, duration = "3s", async = 8, delay = "1ms" }
    mb.sleep("1s")
    local m1 = a:metrics()
    a.rate = 3000
    mb.sleep("1s")
    local m2 = a:metrics()
    local m = a:await()
    mb.log(string.format("first %d then %d in all %d", m1.ops, m2.ops - m1.ops, m.ops))
  end } }
LUA
run_mb "$W" -q
expect_rc 0 "live rate change: exit 0"
read -r first second all < <(printf '%s\n' "$err" |
    sed -n 's/^default: first \([0-9]*\) then \([0-9]*\) in all \([0-9]*\)$/\1 \2 \3/p')
[ "${first:-0}" -ge 900 ] && [ "${first:-0}" -le 1300 ]
ok $? "live rate change: about 1000 ops in the first second (${first:-?})"
[ "${second:-0}" -ge 2500 ] && [ "${second:-0}" -le 3500 ]
ok $? "live rate change: about 3000 ops in the next one (${second:-?})"
[ "${all:-0}" -ge 6500 ] && [ "${all:-0}" -le 7100 ]
ok $? "live rate change: about 1000 + 2 x 3000 ops in all (${all:-?})"

# Coordinated omission: cycle 1000 stalls 500 ms at rate=1000 async=1;
# the ~500 ops due meanwhile wait, and response time counts that wait.
run_mb run driver=diag rate=1000 async=1 delay=100us duration=5s \
    stall=1000:500ms --progress=off
expect_err_contains "ops         5000 (5000 ok, 0 errors)" \
    "a stalled op: still exactly 5000 ops"
p99() { printf '%s\n' "$err" | awk -v t="$1" '$1 == t {
	for (i = 2; i < NF; i++) if ($i == "p99") { v = $(i + 1); break }
	if (v ~ /ms$/) { sub(/ms$/, "", v); print v }
	else if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
	else if (v ~ /ns$/) { sub(/ns$/, "", v); print v / 1000000 }
	else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } }'; }
r=$(p99 responsetime)
s=$(p99 servicetime)
awk -v r="${r:-0}" 'BEGIN { exit !(r >= 400 && r <= 500) }'
ok $? "a stalled op: responsetime p99 between 400 and 500 ms (${r:-?} ms)"
awk -v s="${s:-999}" 'BEGIN { exit !(s < 5) }'
ok $? "a stalled op: servicetime p99 under 5 ms (${s:-?} ms)"

# striderate: a ticket per stride of ops: 100 strides/s of 10 ops for 2 s
# is exactly 2000 ops; 2 strides/s of 5 ops over 20 cycles takes 1.5 s.
run_mb run driver=diag striderate=100 stride=10 duration=2s async=16 \
    delay=1ms --progress=off
expect_err_contains "ops         2000 (2000 ok, 0 errors)" \
    "striderate=100 stride=10 duration=2s: exactly 2000 ops"
t0=$(now_ns)
run_mb run driver=diag striderate=2 stride=5 cycles=20 --progress=off
ms=$(ms_since "$t0")
[ "$ms" -ge 1490 ] && [ "$ms" -le 3000 ]
ok $? "striderate=2 stride=5: 4 strides 0.5 s apart ($ms ms)"

# burst=1.5 caps the catch-up after the stall at 1500 op/s: the ~500 ops
# behind drain over about a second instead of at once, so half the ops
# see the stall (responsetime p50 well above the delay).
run_mb run driver=diag rate=1000 async=1 delay=100us duration=3s \
    stall=500:500ms burst=1.5 --progress=off
expect_err_contains "ops         3000 (3000 ok, 0 errors)" \
    "burst=1.5: still exactly 3000 ops"
p50=$(printf '%s\n' "$err" | awk '$1 == "responsetime" { v = $3
	if (v ~ /ms$/) { sub(/ms$/, "", v); print v } else print 0 }')
awk -v p="${p50:-0}" 'BEGIN { exit !(p >= 10) }'
ok $? "burst=1.5: a capped catch-up spreads the stall (responsetime p50 ${p50:-?} ms)"

done_testing
