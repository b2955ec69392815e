#!/usr/bin/env bash
# moonbench's command line, end to end: options, help, params refused with
# exit 2, what a run reports, durations, signals and the progress line.
# TAP on stdout; run by automake with MOONBENCH and top_srcdir set.

. "$(dirname "$0")/tap.sh"


# The number of lines of a string (0 for an empty one).

# ---------------------------------------------------------------------
# Options, help and commands

run_mb --version
expect_rc 0 "--version exits 0"
[[ $out == "moonbench "* ]]
ok $? "--version prints 'moonbench VERSION' on stdout"

run_mb -V
[ "$rc" = 0 ] && [[ $out == "moonbench "* ]]
ok $? "-V is --version"

run_mb --help
expect_rc 0 "--help exits 0"
out_matches '^usage: moonbench WORKLOAD.lua \[SCENARIO\]'
ok $? "--help prints the usage on stdout"
[ -z "$err" ]
ok $? "--help prints nothing on stderr"

run_mb --help diag
expect_rc 0 "--help diag exits 0"
for p in "delay=0" "error_every=0" "error_cycles=" "error_class=diag-injected"; do
	out_matches "^  $p( |\$)"
	ok $? "--help diag lists $p"
done

run_mb --help params
expect_rc 0 "--help params exits 0"
for p in cycles stride shard duration threads async; do
	out_matches "^  $p="
	ok $? "--help params lists $p="
done
out_matches '^  shard=0/1 ' && out_matches '^  threads=1 '
ok $? "--help params shows the defaults of shard and threads"

run_mb --help nosuch
expect_rc 2 "--help nosuch exits 2"
expect_err_contains "no topic 'nosuch'" "--help nosuch names the topic"
expect_out_empty "--help nosuch prints nothing on stdout"

run_mb --help diga
expect_rc 2 "--help diga exits 2"
expect_err_contains "did you mean 'diag'" "--help diga suggests diag"

run_mb --list-drivers
expect_rc 0 "--list-drivers exits 0"
out_matches '^diag +[^ ]'
ok $? "--list-drivers lists diag with its summary"

run_mb run driver=diag cycles=10 -q
expect_rc 0 "a global option after the params (-q) is taken"
[ -z "$out" ] && [ -z "$err" ]
ok $? "-q after the params: no summary, nothing on stdout"

run_mb -q run driver=diag cycles=10 --progress=off
expect_rc 0 "global options before and after the command"

run_mb
expect_rc 2 "moonbench alone exits 2"
expect_err_contains "usage: moonbench WORKLOAD.lua" "moonbench alone prints the usage on stderr"
expect_out_empty "moonbench alone prints nothing on stdout"

run_mb --progres=1s run driver=diag cycles=10
expect_rc 2 "an unknown option exits 2"
expect_err_contains "unknown option '--progres=1s'" "an unknown option is named"
expect_err_contains "did you mean '--progress'" "an unknown option gets the nearest one"
expect_err_lacks "(diag):" "an unknown option runs nothing"

run_mb --frobnicate
expect_rc 2 "an option far from any exits 2"
expect_err_contains "unknown option '--frobnicate'" "an option far from any is named"

run_mb frobnicate driver=diag
expect_rc 2 "an unknown command exits 2"
expect_err_contains "unknown command 'frobnicate'" "an unknown command is named"
expect_out_empty "an unknown command prints nothing on stdout"

run_mb driver=diag cycles=10
expect_rc 2 "params without a command exit 2"
expect_err_contains "did you mean 'moonbench run driver=diag'" \
    "params without a command suggest 'moonbench run'"

# ---------------------------------------------------------------------
# A run: the summary on stderr, nothing on stdout

run_mb run driver=diag cycles=1000 threads=2 async=10 --progress=off
expect_rc 0 "a diag run exits 0"
expect_out_empty "a diag run prints nothing on stdout (stdout is for data)"
expect_err_contains "diag (diag): finished" "the summary says finished"
expect_err_contains "ops         1000 (1000 ok, 0 errors)" "the summary counts 1000 ops"
expect_err_contains "threads     2, async 10" "the summary shows threads and async"
expect_err_contains "servicetime" "the summary has the service time"
expect_err_contains "p99" "the summary has p99"
err_matches '^moonbench:'
[ $? -ne 0 ]
ok $? "a good run prints no error message"

# Injected errors are counted, not fatal.
run_mb run driver=diag cycles=1000 error_every=10 --progress=off
expect_rc 0 "error_every=10: exits 0 (errors are counted)"
expect_err_contains "ops         1000 (900 ok, 100 errors)" "error_every=10: 100 errors in 1000"
err_matches '^  error +diag-injected +100$'
ok $? "error_every=10: 100 counted under diag-injected"

run_mb run driver=diag cycles=1000 threads=2 async=10 error_every=10 --progress=off
expect_err_contains "ops         1000 (900 ok, 100 errors)" \
    "error_every=10 on 2 threads, async: still 100 errors"

run_mb run driver=diag error_cycles=1,5,7 cycles=10 error_class=boom --progress=off
expect_rc 0 "error_cycles: exits 0"
expect_err_contains "ops         10 (7 ok, 3 errors)" "error_cycles=1,5,7: 3 errors"
err_matches '^  error +boom +3$'
ok $? "error_class=boom: the 3 errors counted under boom"
expect_err_lacks "diag-injected" "error_class=boom: nothing under diag-injected"

# ---------------------------------------------------------------------
# Bad params: exit 2, a message with the param and the value, no run

# bad_param DESC NEEDLE... -- ARGS...
bad_param() {
	local desc=$1 needles=() n lines
	shift
	while [ "$1" != "--" ]; do
		needles+=("$1")
		shift
	done
	shift
	run_mb "$@"
	expect_rc 2 "$desc: exits 2"
	for n in "${needles[@]}"; do
		expect_err_contains "$n" "$desc: the message has \"$n\""
	done
	lines=$(nlines "$err")
	[ -z "$out" ] && [ "$lines" = 1 ] && [[ $err == moonbench:* ]]
	ok $? "$desc: one message line, nothing run"
}

bad_param "cycles=ten" "cycles:" "'ten'" -- run driver=diag cycles=ten
bad_param "open range" "cycles:" "'5..'" -- run driver=diag cycles=5..
bad_param "reversed range" "cycles:" "'10..5'" -- run driver=diag cycles=10..5
bad_param "shard=3/3" "shard:" "'3/3'" -- run driver=diag cycles=10 shard=3/3
bad_param "threads=0" "threads:" "'0'" -- run driver=diag cycles=10 threads=0
bad_param "threads=2000" "threads:" "'2000'" "1024" -- \
    run driver=diag cycles=10 threads=2000
bad_param "threads=four" "threads:" "'four'" -- \
    run driver=diag cycles=10 threads=four
bad_param "async below threads" "async" "async=2" "threads=4" -- \
    run driver=diag cycles=10 threads=4 async=2
bad_param "async=0" "async:" "'0'" -- run driver=diag cycles=10 async=0
bad_param "unknown param" "'thread'" "did you mean 'threads'" -- \
    run driver=diag cycles=10 thread=2
bad_param "unknown driver" "driver:" "'diga'" "did you mean 'diag'" -- \
    run driver=diga cycles=10
bad_param "missing driver" "driver:" "driver=NAME" -- run cycles=10
bad_param "delay without unit" "delay:" "'10'" -- \
    run driver=diag cycles=10 delay=10
bad_param "reversed delay range" "delay:" "'5ms..1ms'" -- \
    run driver=diag cycles=10 delay=5ms..1ms
bad_param "param without =" "'cycles'" "name=value" -- run driver=diag cycles
bad_param "param given twice" "'cycles'" "twice" "'1'" "'2'" -- \
    run driver=diag cycles=1 cycles=2
bad_param "duration=0s" "duration:" "'0s'" -- run driver=diag duration=0s
bad_param "rate=-5" "rate:" "'-5'" -- run driver=diag cycles=10 rate=-5
bad_param "burst without rate" "burst:" "without rate=" -- run driver=diag cycles=10 burst=1.5
bad_param "burst=0.5" "burst:" "'0.5'" -- run driver=diag cycles=10 rate=100 burst=0.5
bad_param "warmup=abc" "warmup:" "'abc'" -- run driver=diag cycles=10 warmup=abc
bad_param "stride=0" "stride:" "'0'" -- run driver=diag cycles=10 stride=0
bad_param "--progress=bogus" "--progress" "'bogus'" -- \
    run driver=diag cycles=10 --progress=bogus
bad_param "--progress below 10ms" "--progress" "'1ms'" -- \
    run driver=diag cycles=10 --progress=1ms
bad_param "error_every=x" "error_every:" "'x'" -- \
    run driver=diag cycles=10 error_every=x

# ---------------------------------------------------------------------
# Cycles: shards, A..+N, suffixes

run_mb run driver=diag cycles=100 shard=1/4 stride=5 --progress=off
expect_rc 0 "shard=1/4 exits 0"
expect_err_contains "ops         25 (25 ok, 0 errors)" "shard=1/4 stride=5 of 100 cycles: 25 ops"
expect_err_contains "shard 1/4" "the summary shows the shard"

run_mb run driver=diag cycles=10..+90 --progress=off
expect_rc 0 "cycles=10..+90 exits 0"
expect_err_contains "ops         90 (90 ok, 0 errors)" "cycles=10..+90: 90 ops"
expect_err_contains "cycles      10..100" "cycles=10..+90 is the range 10..100"

run_mb run driver=diag cycles=2K --progress=off
expect_rc 0 "cycles=2K exits 0"
expect_err_contains "ops         2000 (2000 ok, 0 errors)" "cycles=2K: 2000 ops"

# ---------------------------------------------------------------------
# duration=

t0=$(now_ns)
run_mb run driver=diag duration=300ms async=4 delay=1ms --progress=off
ms=$(( ($(now_ns) - t0) / 1000000 ))
expect_rc 0 "duration=300ms exits 0"
expect_err_contains "diag (diag): finished" "duration=300ms: finished"
[ "$ms" -ge 300 ] && [ "$ms" -le 4000 ]
ok $? "duration=300ms: ran between 0.3 s and 4 s (${ms} ms)"
err_matches '^  ops         [1-9][0-9]* \('
ok $? "duration=300ms: some ops were run"

# ---------------------------------------------------------------------
# Signals: a clean stop, exit 130, the summary

for sig in INT TERM; do
	bg_start run driver=diag duration=1h async=8 delay=1ms --progress=off
	sleep 0.5
	bg_signal "$sig"
	bg_wait 10
	expect_rc 130 "SIG$sig during a run: exit 130"
	[ "$rc" != timeout ] && [ "$bg_ms" -le 3000 ]
	ok $? "SIG$sig during a run: exits within 3 s (${bg_ms} ms)"
	expect_err_contains "diag (diag): stopped" "SIG$sig during a run: the summary says stopped"
	expect_err_contains "ops " "SIG$sig during a run: the summary counts the ops"
	expect_out_empty "SIG$sig during a run: nothing on stdout"
done

# Ops that never end on their own: the drain gives up and counts them.
bg_start run driver=diag cycles=100 async=4 delay=1h
sleep 0.5
bg_signal INT
bg_wait 10
expect_rc 130 "SIGINT with ops stuck in flight: exit 130"
[ "$rc" != timeout ] && [ "$bg_ms" -le 2500 ]
ok $? "SIGINT with ops stuck in flight: exits within ~2 s (${bg_ms} ms)"
expect_err_contains "4 aborted in flight" "SIGINT with ops stuck in flight: 4 aborted in flight"
expect_err_contains "ops         0 (0 ok, 0 errors, 4 aborted in flight)" \
    "SIGINT with ops stuck in flight: no op counted as done"

# A second SIGINT exits at once.
bg_start run driver=diag cycles=10 async=2 delay=1h
sleep 0.5
bg_signal INT
sleep 0.05
bg_signal INT
bg_wait 10
expect_rc 130 "a second SIGINT (async): exit 130"
[ "$rc" != timeout ] && [ "$bg_ms" -le 2000 ]
ok $? "a second SIGINT (async): exits promptly (${bg_ms} ms)"

# A sync op blocked in its driver: one SIGINT ends it after the drain
# (500ms), the op counted as aborted and no other cycle started.
bg_start run driver=diag cycles=10 delay=1h --progress=off
sleep 0.5
bg_signal INT
bg_wait 10
expect_rc 130 "one SIGINT (sync op blocked): exit 130"
[ "$rc" != timeout ] && [ "$bg_ms" -le 3000 ]
ok $? "one SIGINT (sync op blocked): exits after the drain (${bg_ms} ms)"
expect_err_contains "ops         0 (0 ok, 0 errors, 1 aborted in flight)" \
    "one SIGINT (sync op blocked): the op in flight counted as aborted"
expect_err_contains "stopped" "one SIGINT (sync op blocked): summary says stopped"

# The second SIGINT, sent before the drain ends, exits at once.
bg_start run driver=diag cycles=10 delay=1h --progress=off
sleep 0.5
bg_signal INT
bg_wait_err "stopping" 10
ok $? "a first SIGINT (sync): 'stopping' on stderr"
bg_signal INT
bg_wait 10
expect_rc 130 "a second SIGINT (sync op blocked): exit 130"
[ "$rc" != timeout ] && [ "$bg_ms" -le 2000 ]
ok $? "a second SIGINT (sync op blocked): exits promptly (${bg_ms} ms)"
expect_err_contains "interrupted again, exiting at once" \
    "a second SIGINT (sync op blocked): says it exits at once"

# ---------------------------------------------------------------------
# The progress line: one line each, when stderr is no terminal

run_mb run driver=diag duration=350ms async=4 delay=1ms --progress=100ms
expect_rc 0 "--progress=100ms: exits 0"
n=$(printf '%s\n' "$err" | awk '/\(diag\): /{exit} /^diag  /{n++} END{print n+0}')
[ "$n" -ge 2 ]
ok $? "--progress=100ms: at least 2 progress lines before the summary ($n)"
printf '%s' "$err" | grep -q $'\r'
[ $? -ne 0 ]
ok $? "--progress=100ms: no carriage return when stderr is no terminal"
expect_out_empty "--progress=100ms: nothing on stdout"

run_mb run driver=diag duration=350ms async=4 delay=1ms --progress=off
printf '%s\n' "$err" | grep -q '^diag  '
[ $? -ne 0 ]
ok $? "--progress=off: no progress line"

done_testing
