#!/usr/bin/env bash
# moonbench repl: a Lua prompt over live activities. Through a
# pseudo-terminal (tests/repl_pty.py): live changes seen in status(), Tab
# completion, the Up key, the history file, a Lua error and Ctrl-C that
# leave the REPL and the activities alive, Ctrl-D. Then without a terminal
# (stdin from a file): values, errors, waits, watch, scenarios, the end of
# input.
# TAP on stdout; run by automake with MOONBENCH and top_srcdir set.

. "$(dirname "$0")/tap.sh"

FIX=$top_srcdir/tests/workloads
WL=$FIX/repl.lua
PTY=$top_srcdir/tests/repl_pty.py
W=$TAP_TMP
mkdir -p "$W/home"

# repl_in NAME ARGS...: moonbench repl ARGS with stdin from $W/NAME.lua,
# HOME in the temporary directory.
repl_in() {
	local name=$1
	shift
	tap_cmd="moonbench repl $* < $name.lua"
	HOME=$W/home timeout -k 5 60 "$MOONBENCH" repl "$@" \
	    <"$W/$name.lua" >"$TAP_TMP/out" 2>"$TAP_TMP/err"
	rc=$?
	tap_load
}

# "2.99k" -> 2990
to_num() {
	awk -v v="$1" 'BEGIN { m = 1; if (v ~ /k$/) m = 1e3; if (v ~ /M$/) m = 1e6;
	    sub(/[kM]$/, "", v); printf "%d\n", v * m }'
}

# ---------------------------------------------------------------------
# 1. Through a pseudo-terminal.

command -v python3 >/dev/null 2>&1 ||
	skip_all "python3 is needed for the pseudo-terminal"

cat >"$W/steps" <<'EOF'
expect prompt 10 mb> 
send a = start{ block = "main", cycles = 100000, rate = 1000, async = 8, delay = "1ms" }\r
sleep 1.5
send a.rate = 3000\r
send a.threads = 2\r
mark
send print(a.rate, a.threads, a.state)\r
expect changed 5 (3000\s+2\s+running)
sleep 3
mark
send st\t\t
expect both 5 (start\(\s+status\()
send \x15
mark
send sta\t
sleep 0.3
send )\r
expect status 5 (main\s+running\s+\d+%\s+\S+\s+\S+)
mark
send nosuch.x = 1\r
expect err 5 (attempt to index global 'nosuch')
mark
send print(a.state)\r
expect alive 5 (running)
mark
send print("up" .. 6*7)\r
expect up1 5 (up42)
mark
send \x1b[A\r
expect up2 5 (up42)
mark
send mb.sleep(60)\r
sleep 0.5
send \x03
expect intr 5 (interrupted)
mark
send print("after", a.state)\r
expect still 5 (after\s+running)
mark
send stop(a)\r
send print("ops", a:await().ops)\r
expect ops 10 ops\s+(\d+)
send \x04
wait 15
EOF
HOME=$W/home timeout -k 5 90 python3 "$PTY" "$W/transcript" "$MOONBENCH" repl \
    "$WL" out="$W/cyc." <"$W/steps" >"$W/pty.out" 2>&1
res=$(cat "$W/pty.out")
tap_cmd="repl_pty.py moonbench repl $WL (transcript $W/transcript)"
out=$res
err=$(tr -d '\r' <"$W/transcript" | tail -n 30)
rc=

got() { printf '%s\n' "$res" | awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print; exit }'; }

[ "$(got prompt)" = ok ]
ok $? "tty: the prompt shows"
[[ $(got changed) == ok* ]]
ok $? "tty: a.rate = 3000 and a.threads = 2 took, the activity runs"
[[ $(got both) == ok* ]]
ok $? "tty: st<TAB><TAB> offers start( and status( (and stop(, string)"
[[ $(got status) == ok* ]]
ok $? "tty: sta<TAB> completes to status( (the line ran: a row for main)"
row=$(got status | sed 's/^ok //')
rate=$(to_num "$(printf '%s\n' "$row" | awk '{ print $5 }')")
[ "$rate" -ge 2100 ] && [ "$rate" -le 3900 ]
ok $? "tty: status() shows the new rate, 3000 op/s within 30% (got $rate)" ||
    diag "row: $row"
[[ $(got err) == ok* ]]
ok $? "tty: a Lua error prints its message"
[[ $(got alive) == ok* ]]
ok $? "tty: after the error the REPL and the activity live on"
[[ $(got up1) == ok* ]] && [[ $(got up2) == ok* ]]
ok $? "tty: the Up key recalls the previous line (it ran again)"
[[ $(got intr) == ok* ]]
ok $? "tty: Ctrl-C ends a foreground wait with 'interrupted'"
[[ $(got still) == ok* ]]
ok $? "tty: after Ctrl-C the prompt goes on and the activity still runs"
ops=$(got ops | sed 's/^ok //')
[[ $(got ops) == ok* ]] && [ "$ops" -gt 0 ]
ok $? "tty: stop(a) then a:await() gives its ops ($ops)"
[ "$(got exit)" = 0 ]
ok $? "tty: Ctrl-D exits 0" || diag "$(got exit)"
# A stop drops the cycles a motor claimed but had not started (they wait
# for their time under the rate): done ones are unique, and the holes are
# at the end only.
lines=$(cat "$W"/cyc.* 2>/dev/null | wc -l)
uniq=$(cat "$W"/cyc.* 2>/dev/null | sort -un | wc -l)
max=$(cat "$W"/cyc.* 2>/dev/null | sort -n | tail -n 1)
[ "$lines" = "$ops" ] && [ "$uniq" = "$ops" ] && [ "$max" -lt $((ops + 256)) ]
ok $? "tty: every cycle done exactly once ($ops ops, $uniq distinct cycles, the last $max)" ||
    diag "lines $lines, distinct $uniq, max $max"
n=$(find "$W" -maxdepth 1 -name 'cyc.*' -size +0 | wc -l)
[ "$n" -ge 2 ]
ok $? "tty: both motors ran ops ($n files)"
grep -qxF 'print("up" .. 6*7)' "$W/home/.moonbench_history"
ok $? "tty: the history file holds the lines typed" ||
    diag "$(cat "$W/home/.moonbench_history" 2>&1)"
grep -q 'main (diag): stopped in' "$W/transcript"
ok $? "tty: the stopped activity's summary printed"

# History is read back: Up at a fresh prompt recalls the last line.
printf 'expect prompt 10 mb> \nsend \\x1b[A\nexpect up 5 (print\\("ops")\nsend \\x15\\x04\nwait 10\n' |
    HOME=$W/home timeout -k 5 30 python3 "$PTY" "$W/transcript2" "$MOONBENCH" repl >"$W/pty2.out" 2>&1
res=$(cat "$W/pty2.out")
[[ $(got up) == ok* ]] && [ "$(got exit)" = 0 ]
ok $? "tty: a new session's Up key recalls the last line of the history file" ||
    diag "$res"

# ---------------------------------------------------------------------
# 2. Without a terminal: stdin from a file.

cat >"$W/values.lua" <<'EOF'
1 + 1
{ b = 2, a = { x = 1, [1] = "one" }, s = "hi" }
"text", 3.5, nil, true
x = 5
x * 2
for i = 1, 2 do
  print("loop", i)
end
EOF
repl_in values
expect_rc 0 "values: exit 0"
want='2
{ a = { "one", x = 1 }, b = 2, s = "hi" }
"text"	3.5	nil	true
10
loop	1
loop	2'
[ "$out" = "$want" ]
ok $? "values: expressions print their value (tables nested, sorted keys), statements nothing, no prompt" ||
    diag "got:" "$out"

cat >"$W/errors.lua" <<'EOF'
a = start{ driver = "diag", cycles = 3000, rate = 1000, async = 4, delay = "1ms" }
nosuch.field = 1
error("my own error")
print(a.state == "starting" or a.state == "running")
print("ops", a:await().ops)
EOF
repl_in errors
expect_rc 0 "errors: exit 0"
expect_err_contains "stdin:1: attempt to index global 'nosuch'" "errors: a runtime error prints its message"
expect_err_contains "my own error" "errors: error() prints its message"
[ "$out" = $'true\nops\t3000' ]
ok $? "errors: after the errors the activity ran on and a:await() waited for all its ops" ||
    diag "got:" "$out"

cat >"$W/live.lua" <<'EOF'
a = start{ block = "main", cycles = 6000, rate = 1000, async = 8, delay = "1ms" }
mb.sleep(1)
a.rate = 3000
a.threads = 2
a.async = 16
m = a:await()
print(m.state, m.ops, a.threads, a.async)
EOF
repl_in live "$WL" out="$W/livecyc."
[ "$rc" = 0 ] && [ "$out" = $'finished\t6000\t2\t16' ]
ok $? "live changes: rate, threads and async changed from lines, the activity finished" ||
    diag "got: $out"
cat "$W"/livecyc.* 2>/dev/null | sort -n | cmp -s - <(seq 0 5999)
ok $? "live changes: every cycle 0..5999 done exactly once"

cat >"$W/syntax.lua" <<'EOF'
x = = 1
print("next")
EOF
repl_in syntax
[ "$rc" = 0 ] && [ "$out" = next ] && [[ $err == *"unexpected symbol near '='"* ]]
ok $? "syntax: a syntax error prints its message, the next line runs"

cat >"$W/waits.lua" <<'EOF'
t0 = os.time(); c0 = os.clock()
mb.sleep("1200ms")
print("slept")
a = start{ driver = "diag", cycles = 200000, rate = 200, async = 4 }
watch(a)
status(a)[1].state
EOF
t0=$(now_ns)
repl_in waits
t_ms=$(ms_since "$t0")
expect_rc 0 "waits: exit 0"
[ "$(printf '%s\n' "$out" | head -n 1)" = slept ] && [ "$t_ms" -ge 1200 ]
ok $? "waits: mb.sleep runs to its end before the next line ($t_ms ms)"
[ "$(printf '%s\n' "$out" | grep -cE '^diag  (starting|running)')" = 3 ]
ok $? "waits: watch(a) without a terminal prints 3 lines and returns" ||
    diag "got:" "$out"
[ "$(printf '%s\n' "$out" | tail -n 1)" = '"running"' ]
ok $? "waits: status(a) is a table of rows (state)"
expect_err_contains "diag (diag): stopped in" "end of input: the running activity was stopped, its summary printed"
[ "$t_ms" -lt 10000 ]
ok $? "end of input: exit soon after (a 1000 s activity left running)" || diag "took $t_ms ms"

cat >"$W/scen.lua" <<'EOF'
run_scenario("default")
run_scenario("nosuch")
#status()
workload.description
print(workload.blocks.main ~= nil)
EOF
repl_in scen "$WL"
expect_rc 0 "scenario: exit 0"
[ "$out" = $'70\n2\nnil\ntrue' ]
ok $? "scenario: run_scenario ran both steps in order; status() lists them; workload is the table" ||
    diag "got:" "$out"
expect_err_contains "repl: one 50" "scenario: its mb.log lines print"
expect_err_contains "no scenario 'nosuch'; the scenarios are default" "scenario: an unknown name is said, with the names"

cat >"$W/help.lua" <<'EOF'
help()
help("watch")
help("diag")
help("nosuch")
EOF
repl_in help
[ "$rc" = 0 ] && [[ $out == *"status()"*"run_scenario"* ]] &&
    [[ $out == *"watch(a) prints"* ]] && [[ $out == *"driver diag:"* ]] &&
    [[ $err == *"help: no topic 'nosuch'"* ]]
ok $? "help(), help(\"watch\"), help(\"diag\") print; an unknown topic is said"

printf 'print(1)\nprint(2)' >"$W/nonl.lua"
repl_in nonl
[ "$rc" = 0 ] && [ "$out" = $'1\n2' ]
ok $? "the last line runs without a newline"

# A pipe rather than a file: the loop reads it as it comes.
tap_cmd="moonbench repl < pipe"
out=$( (echo 'a = start{ driver = "diag", cycles = 500, rate = 1000 }'; sleep 0.3;
    echo 'print(a:await().ops)') | HOME=$W/home timeout 30 "$MOONBENCH" repl 2>"$TAP_TMP/err")
rc=$?
[ "$rc" = 0 ] && [ "$out" = 500 ]
ok $? "a pipe: lines run in order, the wait holds the next line" || diag "got: $out"

printf 'print(1)\n' >"$W/one.lua"
repl_in one "$FIX/nosuch.lua"
expect_rc 2 "a workload that cannot load: exit 2"
repl_in one nosuchparam=3
expect_rc 2 "an unknown param: exit 2"
expect_err_contains "nosuchparam" "an unknown param: the message names it"

# SIGINT without a terminal: the wait ends, the next line runs.
mkfifo "$W/fifo"
HOME=$W/home "$MOONBENCH" repl <"$W/fifo" >"$W/sig.out" 2>"$W/sig.err" &
pid=$!
exec 7>"$W/fifo"
echo 'mb.sleep(60)' >&7
sleep 0.5
kill -INT $pid
echo 'print("after")' >&7
exec 7>&-
for _ in $(seq 50); do tap_alive $pid || break; sleep 0.1; done
tap_alive $pid && kill -9 $pid
wait $pid
rc=$?
[ "$rc" = 0 ] && [ "$(cat "$W/sig.out")" = after ] && grep -q interrupted "$W/sig.err"
ok $? "SIGINT ends the running line's wait ('interrupted'), the next line runs, exit 0" ||
    diag "rc $rc out $(cat "$W/sig.out") err $(cat "$W/sig.err")"

done_testing
