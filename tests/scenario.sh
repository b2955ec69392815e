#!/usr/bin/env bash
# moonbench's scenarios, end to end: live changes of a running activity,
# steps in order, params precedence (command line, mb.run table, pins),
# scenario names and listing, errors in scenarios (exit 1), Ctrl-C (exit
# 130) and the activity setters.
# TAP on stdout; run by automake with MOONBENCH and top_srcdir set.

. "$(dirname "$0")/tap.sh"


FIX=$top_srcdir/tests/workloads
MOTORS=$FIX/scenario_motors.lua
STEPS=$FIX/scenario_steps.lua
PARAMS=$FIX/scenario_params.lua
ERRS=$FIX/scenario_errors.lua

# What the runs write lives under tap.sh's temporary directory (mktemp -d,
# removed on exit).
W=$TAP_TMP/sc
mkdir -p "$W" || { echo "Bail out! cannot create $W"; exit 1; }


# The line number in a file of the first line holding a fixed string.
line_of() { grep -nF -- "$1" "$2" | head -n 1 | cut -d: -f1; }

# The threads of an activity's end-of-run summary on stderr of the last run
# ("NAME (diag): finished in ..." then "  threads     N, ...").
summary_threads() {
	printf '%s\n' "$err" | awk -v n="$1 (diag): " '
	    index($0, n) == 1 { f = 1; next }
	    f && $1 == "threads" { sub(",", "", $2); print $2; exit }'
}

# The "moonbench: FILE: scenario 'NAME': ..." line of the last run.
scenario_msg() {
	printf '%s\n' "$err" | grep -F -- "scenario '$1': " | head -n 1
}


# ---------------------------------------------------------------------
# 1. Live changes: threads 1 -> 2, async 4 -> 16, threads 2 -> 1 while
# main runs; every cycle completes exactly once, on either motor.

N=40000
mkdir -p "$W/motors"
t0=$(now_ns)
run_mb "$MOTORS" n=$N out="$W/motors/m." --progress=off
t1_ms=$(ms_since "$t0")
expect_rc 0 "live changes: exit 0"
expect_err_contains "default: threads 2 async 4" \
    "live changes: a.threads = 2 reads back 2"
expect_err_contains "default: threads 2 async 16" \
    "live changes: a.async = 16 reads back 16"
expect_err_contains "default: threads 1 async 16" \
    "live changes: a.threads = 1 reads back 1"
expect_err_contains "ops         $N ($N ok, 0 errors)" \
    "live changes: the summary counts $N ops, all ok"
expect_err_contains "default: done $N finished" \
    "live changes: a:await() returns the metrics: $N ops, finished"
cat "$W"/motors/m.* >"$W/cycles" 2>/dev/null
[ "$(wc -l <"$W/cycles" | tr -d ' ')" = "$N" ]
ok $? "live changes: the motors' files hold $N lines in all" ||
    diag "got $(wc -l <"$W/cycles") lines"
sort -n "$W/cycles" | uniq | cmp -s - <(seq 0 $((N - 1)))
ok $? "live changes: each cycle of 0..$((N - 1)) completed exactly once" ||
    diag "missing: $(comm -13 <(sort -u "$W/cycles") <(seq 0 $((N - 1)) | sort) | head -n 5 | paste -sd' ' -)" \
        "twice: $(sort "$W/cycles" | uniq -d | head -n 5 | paste -sd' ' -)"
nfiles=$(find "$W/motors" -type f -name 'm.*' -size +0 | wc -l | tr -d ' ')
[ "$nfiles" -ge 2 ]
ok $? "live changes: both motors ran ops (at least 2 non-empty files)" ||
    diag "non-empty files: $nfiles"
[ "$t1_ms" -ge 3000 ]
ok $? "live changes: the run took at least 3 s (the delays held)" ||
    diag "took $t1_ms ms"

# ---------------------------------------------------------------------
# 2. Steps in order: schema (threads pinned to 1), rampup, main; threads=2
# on the command line reaches rampup and main only.

run_mb "$STEPS" out="$W/steps" threads=2 --progress=off
expect_rc 0 "three steps: exit 0"
[ "$(awk '{ print $1 }' "$W/steps" 2>/dev/null | uniq | paste -sd' ' -)" = \
    "schema rampup main" ]
ok $? "three steps: every op of a step completed after every op of the one before" ||
    diag "steps in completion order: $(awk '{ print $1 }' "$W/steps" | uniq -c | paste -sd' ' -)"
for s in schema rampup main; do
	awk -v s=$s '$1 == s { print $2 }' "$W/steps" | sort -n |
	    cmp -s - <(seq 0 199)
	ok $? "three steps: $s ran cycles 0..199, each once"
done
got=$(printf '%s\n' "$err" | grep -E '^(default: (step|done) |[a-z]+ \(diag\): )' |
    sed 's/ in .*//')
want="default: step schema threads 1
schema (diag): finished
default: done schema 200 finished
default: step rampup threads 2
rampup (diag): finished
default: done rampup 200 finished
main (diag): finished
default: done main 200 finished"
[ "$got" = "$want" ]
ok $? "three steps: started, ended and logged in order" ||
    diag "got:" "$got"
[ "$(summary_threads schema)" = 1 ]
ok $? "three steps: threads = mb.pin(1) keeps schema at 1 thread with threads=2" ||
    diag "schema threads: $(summary_threads schema)"
[ "$(summary_threads rampup)" = 2 ] && [ "$(summary_threads main)" = 2 ]
ok $? "three steps: threads=2 reaches rampup and main" ||
    diag "rampup: $(summary_threads rampup), main: $(summary_threads main)"

# ---------------------------------------------------------------------
# 3. Params: conversion, precedence, pins, unknown names, a param of one
# driver only.

run_mb "$PARAMS" keycount=1M --progress=off
expect_rc 0 "keycount=1M: exit 0"
expect_err_contains "default: keycount 1000000 number" \
    "keycount=1M: the scenario sees the number 1000000"
expect_err_contains "default: mode a string" \
    "keycount=1M: mode keeps its default"

run_mb "$PARAMS" mode=5 --progress=off
[ "$rc" = 0 ] && [[ $err == *"default: mode 5 string"* ]] &&
    [[ $err == *"default: keycount 10 number"* ]]
ok $? "mode=5: text stays a string when the default is one; keycount keeps 10"

run_mb "$PARAMS" table --progress=off
[ "$rc" = 0 ] && [[ $err == *"table: ops 5"* ]]
ok $? "mb.run{ cycles = 5 }: 5 ops"

run_mb "$PARAMS" table cycles=7 --progress=off
[ "$rc" = 0 ] && [[ $err == *"table: ops 7"* ]] &&
    [[ $err == *"ops         7 (7 ok, 0 errors)"* ]]
ok $? "mb.run{ cycles = 5 } with cycles=7: the command line wins, 7 ops"

run_mb "$PARAMS" pinned cycles=7 --progress=off
[ "$rc" = 0 ] && [[ $err == *"pinned: ops 5"* ]] &&
    [[ $err == *"ops         5 (5 ok, 0 errors)"* ]]
ok $? "mb.run{ cycles = mb.pin(5) } with cycles=7: the pin wins, 5 ops"

run_mb "$PARAMS" table keycont=3 --progress=off
expect_rc 2 "an unknown param: exit 2"
expect_err_contains "'keycont'" "an unknown param: the message names it"
expect_err_contains "did you mean 'keycount'?" \
    "an unknown param: the message suggests the nearest name"
[ -z "$out" ] && [[ $err != *"table: ops"* ]] && [[ $err != *"(diag): "* ]]
ok $? "an unknown param: nothing ran"

run_mb "$PARAMS" mixed delay=1ms --progress=off
expect_rc 0 "delay=1ms (diag only) with a stdout step: exit 0"
[ "$out" = $'GET k0\nGET k1\nGET k2' ]
ok $? "delay=1ms with a stdout step: the stdout step printed its 3 ops" ||
    diag "stdout: $out"
expect_err_contains "mixed: stdout 3 finished" \
    "delay=1ms with a stdout step: the stdout step finished"
expect_err_contains "mixed: diag 3 finished p50>=1ms true" \
    "delay=1ms with a stdout step: the diag step took the delay"

# ---------------------------------------------------------------------
# 4. Scenario names, the list, workloads without scenarios.

run_mb "$ERRS" nosuch --progress=off
expect_rc 2 "an unknown scenario: exit 2"
expect_err_contains "no scenario 'nosuch'" \
    "an unknown scenario: the message names it"
expect_err_contains "bind, broken, long, nap, nothreads, rate" \
    "an unknown scenario: the message lists the scenarios"
expect_out_empty "an unknown scenario: nothing on stdout"

run_mb --list-scenarios "$ERRS"
expect_rc 0 "--list-scenarios: exit 0"
want=$(printf '%-16s %s\n' bind "runs the bind block (field=NAME picks its binding)" \
    broken "indexes nil while an activity runs" long "" \
    nap "sleeps for an hour, nothing running" nothreads "sets threads to 0 live" \
    rate "sets a.rate" | sed 's/ *$//')
got=$(printf '%s\n' "$out" | sed 's/ *$//')
[ "$got" = "$want" ]
ok $? "--list-scenarios: one line per scenario, its name and description" ||
    diag "expected:" "$want"

run_mb "$FIX/params.lua" cycles=3 keycount=2 --progress=off
[ "$rc" = 0 ] && [ "$out" = $'GET k0\nGET k1\nGET k0' ]
ok $? "a workload without scenarios: FILE.lua runs its main block with the params"

run_mb "$FIX/params.lua" -q
[ "$rc" = 0 ] && [ "$out" = "GET k0" ]
ok $? "a workload without scenarios: FILE.lua alone runs one pass"

run_mb --list-scenarios "$FIX/params.lua"
[ "$rc" = 0 ] && [[ $out == *"has no scenarios"* ]]
ok $? "--list-scenarios on a workload without scenarios says so"

# ---------------------------------------------------------------------
# 5. A runtime error in a scenario stops what runs, exit 1.

t0=$(now_ns)
run_mb "$ERRS" broken --progress=off
t5_ms=$(ms_since "$t0")
expect_rc 2 "a Lua error in a scenario: exit 2 (the script's error)"
line=$(line_of "-- the error line" "$ERRS")
expect_err_contains "scenario_errors.lua:$line:" \
    "a Lua error in a scenario: file:line of the error"
expect_err_contains "attempt to index" "a Lua error in a scenario: the error itself"
expect_err_contains "stack traceback" "a Lua error in a scenario: a stack traceback"
expect_err_contains "main (diag): stopped in" \
    "a Lua error in a scenario: the activity it started was stopped"
[ "$t5_ms" -lt 5000 ]
ok $? "a Lua error in a scenario: the run ended within 5 s" || diag "took $t5_ms ms"

# ---------------------------------------------------------------------
# 6. A step that cannot start: field=nokey makes the bind block's template
# use an unknown binding.

run_mb "$ERRS" bind --progress=off
[ "$rc" = 0 ] && [[ $err == *"bind: bind ops 3"* ]]
ok $? "the bind block with its default binding: exit 0, 3 ops"

run_mb "$ERRS" bind field=nokey --progress=off
expect_rc 2 "a step with an unknown binding: exit 2 (the script's error)"
expect_err_contains "unknown binding 'nokey'" \
    "a step with an unknown binding: the message names the binding"
expect_err_contains "block 'bind'" \
    "a step with an unknown binding: the message names the block"
expect_err_contains "scenario_errors.lua:$(line_of 'mb.run { block = "bind"' "$ERRS"):" \
    "a step with an unknown binding: file:line of the mb.run"
expect_err_lacks "bind: bind ops" "a step with an unknown binding: the scenario stopped there"

# ---------------------------------------------------------------------
# 7. Ctrl-C.

bg_start "$ERRS" long --progress=off
bg_wait_err "long: starting" 10
sleep 0.3
bg_signal INT
bg_wait 10
[ "$rc" = 130 ] && [ "$bg_ms" -lt 3000 ]
ok $? "SIGINT during a long mb.run: exit 130 within 3 s" ||
    diag "exit $rc after $bg_ms ms"
expect_err_contains "main (diag): stopped in" \
    "SIGINT during a long mb.run: the summary says stopped"
expect_err_lacks "not reached" "SIGINT during a long mb.run: no next step"

bg_start "$ERRS" nap --progress=off
bg_wait_err "nap: napping" 10
sleep 0.1
bg_signal INT
bg_wait 10
[ "$rc" = 130 ] && [ "$bg_ms" -lt 2000 ]
ok $? "SIGINT during mb.sleep(\"1h\"): exit 130 within 2 s" ||
    diag "exit $rc after $bg_ms ms"
expect_err_lacks "not reached" "SIGINT during mb.sleep: no next step"

# ---------------------------------------------------------------------
# 8. Setters of a running activity.

run_mb "$ERRS" rate --progress=off
expect_rc 2 "a.rate = 100: exit 2 (the script's error)"
expect_err_contains "runs without a limit; start it with rate=R" "a.rate = 100 without rate=: the message says why"
expect_err_contains "scenario_errors.lua:$(line_of 'a.rate = 100' "$ERRS"): a.rate" \
    "a.rate = 100: the message has the scenario's file:line"
expect_err_contains "main (diag): stopped in" "a.rate = 100: the activity was stopped"

run_mb "$ERRS" nothreads --progress=off
expect_rc 2 "a.threads = 0: exit 2 (the script's error)"
expect_err_contains "a.threads: expected a whole number above 0, got 0" \
    "a.threads = 0: the message names threads and what it takes"
expect_err_contains "main (diag): stopped in" "a.threads = 0: the activity was stopped"
msg=$(scenario_msg nothreads)
[[ $msg == *"scenario_errors.lua:$(line_of 'a.threads = 0' "$ERRS"): a.threads"* ]]
ok $? "a.threads = 0: the message has the scenario's file:line (not moonbench's own)" ||
    diag "message: $msg"

done_testing
