#!/usr/bin/env bash
# moonbench's workload files, end to end: determinism of what a workload
# renders, op sequencing, on_result callbacks, workload params, refused
# workloads (exit 2), the module path and op templates.
# TAP on stdout; run by automake with MOONBENCH and top_srcdir set.

. "$(dirname "$0")/tap.sh"


SCEN=$top_srcdir/scenarios
FIX=$top_srcdir/tests/workloads

# Generated workloads live under tap.sh's temporary directory (mktemp -d,
# removed on exit).
W=$TAP_TMP/wl
mkdir -p "$W" || { echo "Bail out! cannot create $W"; exit 1; }

# The number of lines of a string (0 for an empty one).

# How often a fixed string occurs as a line part on stderr of the last run.
err_count() { printf '%s\n' "$err" | grep -cF -- "$1"; }

# Column 2 (the op's name) of csv lines, joined by commas.
csv_names() { printf '%s\n' "$out" | cut -d, -f2 | paste -sd, -; }

# The line number in a file of the first line holding a fixed string.
line_of() { grep -nF -- "$1" "$2" | head -n 1 | cut -d: -f1; }

# ---------------------------------------------------------------------
# 1. Determinism: the same cycles print the same lines whatever threads=,
# stride= and shard=.

run_mb run workload="$SCEN/stdout.lua" cycles=0..10000 -q
cp "$TAP_TMP/out" "$W/t1.txt"
[ "$rc" = 0 ] && [ "$(wc -l <"$W/t1.txt" | tr -d ' ')" = 10000 ] && [ -z "$err" ]
ok $? "stdout.lua cycles=0..10000 -q: exit 0, 10000 lines, nothing on stderr"

run_mb run workload="$SCEN/stdout.lua" cycles=0..10000 threads=2 stride=7 -q
cp "$TAP_TMP/out" "$W/t2.txt"
[ "$rc" = 0 ] && cmp -s <(sort "$W/t1.txt") <(sort "$W/t2.txt")
ok $? "threads=2 stride=7: the same lines as threads=1 (sorted)"

for fmt in json csv; do
	run_mb run workload="$SCEN/stdout.lua" cycles=0..10000 format=$fmt -q
	cp "$TAP_TMP/out" "$W/f1.$fmt"
	run_mb run workload="$SCEN/stdout.lua" cycles=0..10000 format=$fmt \
	    threads=2 stride=7 -q
	[ "$rc" = 0 ] && [ "$(wc -l <"$TAP_TMP/out" | tr -d ' ')" = 10000 ] &&
	    cmp -s <(sort "$W/f1.$fmt") <(sort "$TAP_TMP/out")
	ok $? "format=$fmt threads=2 stride=7: the same lines as threads=1 (sorted)"
done

# json lines carry the cycle: every cycle of 0..9999 exactly once.
grep -o '^{"cycle":[0-9]*,' "$W/f1.json" | tr -dc '0-9\n' | sort -n |
    cmp -s - <(seq 0 9999)
ok $? "format=json: each line carries its cycle, each cycle once"

grep -Eq '^\{"cycle":1,"op":"read","args":\["GET","key:[0-9]+"\]\}$' "$W/f1.json" &&
    grep -Eq '^\{"cycle":0,"op":"event","args":\["PUBLISH",' "$W/f1.json" &&
    grep -Eq '^\{"cycle":2,"op":"write","args":\["SET",' "$W/f1.json"
ok $? "format=json: lines carry \"cycle\", \"op\" with the op's name, \"args\""

cut -d, -f1 "$W/f1.csv" | sort -n | cmp -s - <(seq 0 9999) &&
    [ "$(cut -d, -f2 "$W/f1.csv" | sort -u | paste -sd' ' -)" = "event read write" ]
ok $? "format=csv: each line starts with its cycle, then the op's name"

# Shards: shard=0/2 and shard=1/2 split the cycles, together the full set.
for i in 0 1; do
	run_mb run workload="$SCEN/stdout.lua" cycles=0..10000 format=json \
	    shard=$i/2 -q
	cp "$TAP_TMP/out" "$W/sh$i.json"
done
[ -s "$W/sh0.json" ] && [ -s "$W/sh1.json" ] &&
    cmp -s <(sort "$W/sh0.json" "$W/sh1.json") <(sort "$W/f1.json")
ok $? "shard=0/2 + shard=1/2 (json): together exactly the full run's lines"
[ -z "$(comm -12 <(sort "$W/sh0.json") <(sort "$W/sh1.json"))" ]
ok $? "shard=0/2 and shard=1/2 (json): no line (cycle) in both"

for i in 0 1; do
	run_mb run workload="$SCEN/stdout.lua" cycles=0..10000 shard=$i/2 \
	    threads=2 stride=7 -q
	cp "$TAP_TMP/out" "$W/sht$i.txt"
done
sort "$W/sht0.txt" "$W/sht1.txt" | cmp -s - <(sort "$W/t1.txt")
ok $? "shards with threads=2 stride=7 (text): together the full multiset of lines"

# The determinism vectors: what cycles 0..3 print, now and for ever.
vec='PUBLISH events {"id": 0, "kind": "demo"}
GET key:232
SET key:55 3965886597279226254'
run_mb run workload="$SCEN/stdout.lua" cycles=0..3 -q
[ "$rc" = 0 ] && [ "$out" = "$vec" ]
ok $? "stdout.lua cycles=0..3: the determinism vectors, in order" ||
    diag "expected:" "$vec"
[ "$(head -n 3 "$W/t1.txt")" = "$vec" ]
ok $? "stdout.lua cycles=0..10000: the first 3 lines are the vectors"
run_mb run workload="$SCEN/stdout.lua" cycles=0..3 threads=2 -q
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | sort)" = "$(printf '%s\n' "$vec" | sort)" ]
ok $? "stdout.lua cycles=0..3 threads=2: the same vectors"

# ---------------------------------------------------------------------
# 2. Sequencing through the command line

for s in "bucket a,b,c,a,b,a,a" "concat a,a,a,a,b,b,c" "interval a,b,c,a,a,b,a"; do
	set -- $s
	run_mb run workload="$FIX/seq.lua" cycles=7 format=csv seq=$1 -q
	[ "$rc" = 0 ] && [ "$(csv_names)" = "$2" ]
	ok $? "seq=$1, ratios a=4 b=2 c=1: $2" || diag "got: $(csv_names)"
done

run_mb run workload="$FIX/seq.lua" cycles=7 format=csv -q
[ "$rc" = 0 ] && [ "$(csv_names)" = "a,b,c,a,b,a,a" ]
ok $? "seq= not given is bucket: a,b,c,a,b,a,a" || diag "got: $(csv_names)"

run_mb run workload="$FIX/seq.lua" cycles=7 format=csv seq=bucket -q
[ "$out" = "0,a,A
1,b,B
2,c,C
3,a,A
4,b,B
5,a,A
6,a,A" ]
ok $? "seq.lua format=csv: cycle, name and text of each line"

run_mb run workload="$FIX/seq_array.lua" cycles=4 format=csv -q
[ "$rc" = 0 ] && [ "$(csv_names)" = "z,y,z,y" ]
ok $? "an array of named ops keeps the order written: z,y" || diag "got: $(csv_names)"
printf '%s\n' "$out" | grep -q ',x,'
[ $? -ne 0 ]
ok $? "ratio = 0 leaves the op out"

# A longer list, written in reverse alphabetical order, stays as written.
{
	echo 'return { driver = "stdout", blocks = { main = { ops = {'
	for n in l k j i h g f e d c b a; do
		echo "  { name = \"$n\", \"$n\" },"
	done
	echo '} } } }'
} >"$W/long_list.lua"
run_mb run workload="$W/long_list.lua" format=csv -q
[ "$rc" = 0 ] && [ "$(csv_names)" = "l,k,j,i,h,g,f,e,d,c,b,a" ]
ok $? "a list of 12 named ops keeps the order written" || diag "got: $(csv_names)"

run_mb run workload="$FIX/seq_array.lua" format=csv -q
[ "$rc" = 0 ] && [ "$(csv_names)" = "z,y" ]
ok $? "no cycles=: one pass over the sequence (2 ops, the ratio-0 op left out)" ||
    diag "got: $(csv_names)"

run_mb run workload="$FIX/seq.lua" cycles=7 seq=random -q
expect_rc 2 "seq=random is refused with exit 2"
expect_err_contains "seq" "seq=random: the message names seq"

# ---------------------------------------------------------------------
# 3. on_result

run_mb run workload="$FIX/on_result.lua" check=tenth cycles=1000 async=8 \
    threads=2 --progress=off
expect_rc 0 "on_result mb.fail(\"tenth\"): exit 0 (failures are counted)"
expect_err_contains "ops         1000 (900 ok, 100 errors)" \
    "on_result mb.fail on every 10th cycle: 100 errors in 1000"
err_matches '^  error +tenth +100$'
ok $? "on_result mb.fail(\"tenth\"): 100 counted under 'tenth'"
expect_out_empty "on_result on diag: nothing on stdout"

# The example scenario: on_result on an op of a list (spot-checks every
# 10th cycle, all of them reads).
run_mb run workload="$SCEN/diag.lua" cycles=1000 async=8 threads=2 --progress=off
[ "$rc" = 0 ] && [[ $err == *"ops         1000 (900 ok, 100 errors)"* ]] &&
    err_matches '^  error +spot-check +100$'
ok $? "scenarios/diag.lua: on_result of a listed op, 100 spot-checks in 1000"

boom_line=$(line_of 'then error("boom") end' "$FIX/on_result.lua")
run_mb run workload="$FIX/on_result.lua" check=boom5 cycles=1000 async=8 \
    threads=2 --progress=off
expect_rc 0 "on_result raising error at cycle 5: exit 0"
expect_err_contains "ops         1000 (999 ok, 1 error)" \
    "on_result raising error at cycle 5: 1 error"
err_matches '^  error +lua-error +1$'
ok $? "on_result raising error: counted under lua-error"
expect_err_contains "on_result.lua:$boom_line: boom" \
    "on_result raising error: the message with file:line"
[ "$(err_count "stack traceback")" = 1 ]
ok $? "on_result raising error once: one stack traceback"
expect_err_contains "cycle 5" "on_result raising error: the message names the cycle"

# An error on every cycle: shown once per motor, all counted.
run_mb run workload="$FIX/on_result.lua" check=boom_all cycles=2000 async=8 \
    threads=2 delay=1ms --progress=off
expect_rc 0 "on_result raising error on every cycle: exit 0"
expect_err_contains "ops         2000 (0 ok, 2000 errors)" \
    "on_result raising error on every cycle: 2000 errors"
err_matches '^  error +lua-error +2000$'
ok $? "on_result raising error on every cycle: all under lua-error"
n_tb=$(err_count "stack traceback")
n_m0=$(err_count "motor 0: on_result of op 'check' failed")
n_m1=$(err_count "motor 1: on_result of op 'check' failed")
[ "$n_tb" = 2 ] && [ "$n_m0" = 1 ] && [ "$n_m1" = 1 ] &&
    [ "$(err_count "boom-all")" = 2 ]
ok $? "on_result raising error on every cycle: shown once per motor (2 motors)" ||
    diag "tracebacks $n_tb, motor 0: $n_m0, motor 1: $n_m1"

run_mb run workload="$FIX/on_result.lua" check=name cycles=100 async=8 \
    threads=2 --progress=off
[ "$rc" = 0 ] && [[ $err == *"ops         100 (100 ok, 0 errors)"* ]]
ok $? "on_result: op.name is the op's name"

run_mb run workload="$FIX/on_result.lua" check=tonumber cycles=1000 async=8 \
    threads=2 --progress=off
[ "$rc" = 0 ] && [[ $err == *"ops         1000 (1000 ok, 0 errors)"* ]]
ok $? "on_result: tonumber(op.bindings.k) equals op.cycle % 7 for k = b.mod(7)"

# op.cycle is an int64 cdata (full precision): tonumber() before tostring.
run_mb run workload="$FIX/on_result.lua" check=tostring cycles=1000 async=8 \
    threads=2 --progress=off
[ "$rc" = 0 ] && [[ $err == *"ops         1000 (1000 ok, 0 errors)"* ]]
ok $? "on_result: op.bindings.k equals tostring(tonumber(op.cycle % 7))"

run_mb run workload="$FIX/on_result.lua" check=nope cycles=100 --progress=off
expect_rc 0 "on_result reading an unknown binding: exit 0"
expect_err_contains "ops         100 (0 ok, 100 errors)" \
    "on_result reading an unknown binding: every op fails"
err_matches '^  error +lua-error +100$'
ok $? "on_result reading an unknown binding: counted under lua-error"
expect_err_contains "no binding 'nope'" \
    "on_result reading an unknown binding: the message names 'nope'"
expect_err_contains "on_result.lua:$(line_of 'if op.bindings.nope == nil' "$FIX/on_result.lua"):" \
    "on_result reading an unknown binding: the message has the callback's file:line"

# ---------------------------------------------------------------------
# 4. Params

run_mb run workload="$FIX/params.lua" cycles=12 -q
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | paste -sd' ' -)" = \
    "GET k0 GET k1 GET k2 GET k3 GET k4 GET k5 GET k6 GET k7 GET k8 GET k9 GET k0 GET k1" ]
ok $? "mb.params{ keycount = 10 }: the default (mod 10)"

run_mb run workload="$FIX/params.lua" cycles=7 keycount=3 -q
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | paste -sd' ' -)" = \
    "GET k0 GET k1 GET k2 GET k0 GET k1 GET k2 GET k0" ]
ok $? "keycount=3 on the command line overrides the default (mod 3)"

run_mb run workload="$FIX/params.lua" cycles=998..1002 keycount=1K -q
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | paste -sd' ' -)" = \
    "GET k998 GET k999 GET k0 GET k1" ]
ok $? "keycount=1K is 1000"

run_mb run workload="$FIX/params.lua" cycles=7 keycount=abc -q
expect_rc 2 "keycount=abc: exit 2"
expect_err_contains "keycount" "keycount=abc: the message names keycount"
expect_err_contains "'abc'" "keycount=abc: the message quotes the value"
expect_out_empty "keycount=abc: nothing on stdout"

run_mb run workload="$FIX/params.lua" cycles=7 keycont=3 -q
expect_rc 2 "keycont=3: exit 2"
expect_err_contains "'keycont'" "keycont=3: the message names keycont"
expect_err_contains "did you mean 'keycount'" "keycont=3: suggests keycount"
expect_out_empty "keycont=3: nothing on stdout"

run_mb run workload="$SCEN/stdout.lua" cycles=100 driver=diag --progress=off
expect_rc 0 "driver=diag on the stdout scenario: exit 0"
expect_out_empty "driver=diag overrides the workload's stdout: nothing on stdout"
expect_err_contains "main (diag): finished" "driver=diag: the summary names diag"
expect_err_contains "ops         100 (100 ok, 0 errors)" "driver=diag: the ops ran"

# ---------------------------------------------------------------------
# 5. Bad workloads: exit 2, a clear message on stderr, nothing on stdout

# bad_workload DESC FILE NEEDLE... [-- EXTRA PARAMS...]
bad_workload() {
	local desc=$1 file=$2 needles=() n
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		needles+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	run_mb run workload="$file" cycles=3 "$@" --progress=off
	[ "$rc" = 2 ] && [ -z "$out" ] && [[ $err == moonbench:* ]] &&
	    [[ $err != *PANIC* ]]
	ok $? "$desc: exit 2, a message on stderr, nothing on stdout"
	for n in "${needles[@]}"; do
		expect_err_contains "$n" "$desc: the message has \"$n\""
	done
}

# A workload file $W/NAME.lua from stdin.
wl() { cat >"$W/$1.lua"; }

wl syntax <<'EOF'
return {
  driver = "stdout",
  blocks = { main = { ops = { x = "a" } } }
  description = "missing comma above"
}
EOF
bad_workload "a syntax error" "$W/syntax.lua" "syntax.lua:4:"

wl unknown_binding <<'EOF'
local b = require("moonbench").bind
return {
  driver = "stdout",
  bindings = { id = b.mod(3) },
  blocks = { main = { ops = { read = { "GET", "key:{idd}" } } } },
}
EOF
bad_workload "an unknown binding in a template" "$W/unknown_binding.lua" \
    "unknown_binding.lua" "block 'main'" "op 'read'" "'idd'"

wl blocks <<'EOF'
return {
  driver = "stdout",
  blocks = { rampup = { ops = { w = "W" } }, load = { ops = { r = "R" } } },
}
EOF
bad_workload "block=nope" "$W/blocks.lua" "'nope'" "load, rampup" -- block=nope
bad_workload "several blocks, none main, no block=" "$W/blocks.lua" \
    "several blocks" "load, rampup" "block=NAME"
run_mb run workload="$W/blocks.lua" block=load cycles=2 -q
[ "$rc" = 0 ] && [ "$out" = $'R\nR' ]
ok $? "several blocks: block=load chooses one"

wl neg_ratio <<'EOF'
return { driver = "stdout", blocks = { main = { ops = {
  fine = { "F" }, minus = { "M", ratio = -1 } } } } }
EOF
bad_workload "a negative ratio" "$W/neg_ratio.lua" "op 'minus'" "ratio" "-1"

wl text_ratio <<'EOF'
return { driver = "stdout", blocks = { main = { ops = {
  fine = { "F" }, many = { "M", ratio = "lots" } } } } }
EOF
bad_workload "a non-numeric ratio" "$W/text_ratio.lua" "op 'many'" "ratio" "lots"

echo 'return 42' | wl not_table
bad_workload "a file that returns a number" "$W/not_table.lua" \
    "not_table.lua" "returns a table" "number"

echo 'local x = 1' | wl returns_nil
bad_workload "a file that returns nothing" "$W/returns_nil.lua" \
    "returns_nil.lua" "returns a table" "nil"

wl load_error <<'EOF'
local mb = require "moonbench"

error("bad")
EOF
bad_workload "error(\"bad\") at load" "$W/load_error.lua" \
    "load_error.lua:3: bad" "stack traceback"

bad_workload "a missing file" "$W/no_such_file.lua" "no_such_file.lua" \
    "cannot open"

wl no_text <<'EOF'
return { driver = "stdout", blocks = { main = { ops = {
  empty = { ratio = 2 } } } } }
EOF
bad_workload "an op with no text" "$W/no_text.lua" "op 'empty'" "no text"

wl ration <<'EOF'
return { driver = "stdout", blocks = { main = { ops = {
  x = { "X", ration = 2 } } } } }
EOF
bad_workload "an unknown op field" "$W/ration.lua" "op 'x'" "'ration'"

wl not_recipe <<'EOF'
return { driver = "stdout", bindings = { k = { 1, 2 } },
  blocks = { main = { ops = { x = "X" } } } }
EOF
bad_workload "a binding that is a table, not a recipe" "$W/not_recipe.lua" \
    "binding 'k'" "recipe"

wl not_recipe_str <<'EOF'
return { driver = "stdout", bindings = { k = "hash" },
  blocks = { main = { ops = { x = "X" } } } }
EOF
bad_workload "a binding that is a string, not a recipe" "$W/not_recipe_str.lua" \
    "binding 'k'" "recipe"
expect_err_contains "got a string" "a string binding: the message says it got a string"

# Values that are no table at all (once made LuaJIT panic, exit 1).
for v in 5 true "function() end"; do
	printf 'return { driver = "stdout", bindings = { k = %s },\n  blocks = { main = { ops = { x = "X" } } } }\n' \
	    "$v" | wl not_recipe_v
	run_mb run workload="$W/not_recipe_v.lua" cycles=3 --progress=off
	[ "$rc" = 2 ] && [ -z "$out" ] && [[ $err == moonbench:* ]] &&
	    [[ $err == *"binding 'k'"* ]] && [[ $err == *recipe* ]] &&
	    [[ $err != *PANIC* ]]
	ok $? "a binding k = $v: exit 2, a message naming 'k', no panic"
done

wl mod0 <<'EOF'
local b = require("moonbench").bind
return { driver = "stdout", bindings = { bucket = b.hash():mod(0) },
  blocks = { main = { ops = { x = "X {bucket}" } } } }
EOF
bad_workload "mod(0)" "$W/mod0.lua" "binding 'bucket'" "mod(0)"

wl bad_ref <<'EOF'
local b = require("moonbench").bind
return { driver = "stdout", bindings = { val = b.ref("kee"):hash() },
  blocks = { main = { ops = { x = "X {val}" } } } }
EOF
bad_workload "a ref to an unknown binding" "$W/bad_ref.lua" "binding 'val'" \
    "ref('kee')"

wl circle <<'EOF'
local b = require("moonbench").bind
return { driver = "stdout",
  bindings = { p = b.ref("q"):hash(), q = b.ref("r"), r = b.ref("p"):mod(5) },
  blocks = { main = { ops = { x = "X {p}" } } } }
EOF
bad_workload "circular refs" "$W/circle.lua" "circle"

wl self_ref <<'EOF'
local b = require("moonbench").bind
return { driver = "stdout", bindings = { me = b.ref("me"):hash() },
  blocks = { main = { ops = { x = "X {me}" } } } }
EOF
bad_workload "a binding that refs itself" "$W/self_ref.lua" "binding 'me'" "circle"

wl no_driver <<'EOF'
return { blocks = { main = { ops = { x = "X" } } } }
EOF
bad_workload "no driver in the workload, no driver=" "$W/no_driver.lua" \
    "driver=NAME"
run_mb run workload="$W/no_driver.lua" cycles=2 driver=stdout -q
[ "$rc" = 0 ] && [ "$out" = $'X\nX' ]
ok $? "no driver in the workload: driver=stdout runs it"

# ---------------------------------------------------------------------
# 6. The module path: MOONBENCH_PATH comes first

mkdir -p "$W/mods/moonbench"
echo 'return { word = "from-extra" }' >"$W/mods/moonbench/extra.lua"
wl uses_extra <<'EOF'
local extra = require "moonbench.extra"
return { driver = "stdout", blocks = { main = { ops = { x = extra.word } } } }
EOF

MOONBENCH_PATH=$W/mods run_mb run workload="$W/uses_extra.lua" cycles=2 -q
[ "$rc" = 0 ] && [ "$out" = $'from-extra\nfrom-extra' ]
ok $? "MOONBENCH_PATH=DIR: require \"moonbench.extra\" finds DIR/moonbench/extra.lua"

MOONBENCH_PATH=$W/nowhere:$W/mods run_mb run workload="$W/uses_extra.lua" cycles=2 -q
[ "$rc" = 0 ] && [ "$out" = $'from-extra\nfrom-extra' ]
ok $? "MOONBENCH_PATH=A:B: both directories are searched"

MOONBENCH_PATH=$W/mods run_mb run workload="$SCEN/stdout.lua" cycles=3 -q
[ "$rc" = 0 ] && [ "$out" = "$vec" ]
ok $? "MOONBENCH_PATH set: the moonbench module is still found"

(unset MOONBENCH_PATH; run_mb run workload="$W/uses_extra.lua" cycles=2 -q
 declare -p rc out err >"$W/noenv.sh")
. "$W/noenv.sh"
[ "$rc" = 2 ] && [ -z "$out" ] && [[ $err == *moonbench.extra* ]]
ok $? "without MOONBENCH_PATH: exit 2, the message names moonbench.extra"

# ---------------------------------------------------------------------
# 7. Templates: literal braces, {{ escapes

run_mb run workload="$FIX/template.lua" cycles=2..4 -q
[ "$rc" = 0 ] && [ "$out" = '{"id": 42, "tags": {"a": [1, 42]}, "empty": {}, "lit": "{id}", "sp": "{ id }", "wrap": "{42}"}
{"id": 43, "tags": {"a": [1, 43]}, "empty": {}, "lit": "{id}", "sp": "{ id }", "wrap": "{43}"}' ]
ok $? "a JSON template: literal braces, {{ is {, placeholders replaced"

run_mb run workload="$FIX/template.lua" cycles=2..3 format=json -q
[ "$out" = '{"cycle":2,"op":"doc","args":["{\"id\": 42, \"tags\": {\"a\": [1, 42]}, \"empty\": {}, \"lit\": \"{id}\", \"sp\": \"{ id }\", \"wrap\": \"{42}\"}"]}' ]
ok $? "a JSON template in format=json: escaped as a JSON string"

# ---------------------------------------------------------------------
# 8. Values derived from keys (b.ref) are verified from the key alone:
# rampup writes every key once, main reads random keys and checks each.

V=$top_srcdir/tests/workloads/verify.lua
store=$TAP_TMP/store.txt
run_mb run workload="$V" block=rampup cycles=1000 -q
expect_rc 0 "verify: rampup exits 0"
printf '%s\n' "$out" > "$store"
[ "$(grep -c '^SET key:' "$store")" -eq 1000 ] &&
    [ "$(cut -d' ' -f2 "$store" | sort -u | wc -l)" -eq 1000 ]
ok $? "verify: rampup wrote each of the 1000 keys exactly once"
run_mb run workload="$V" block=main cycles=5000 threads=2 store="$store" --progress=off
expect_rc 0 "verify: main exits 0"
expect_err_contains "ops         5000 (5000 ok, 0 errors)" \
    "verify: every one of 5000 reads checks out from its key alone"
# The check can fail: corrupt one stored value and it is caught.
sed 's/^\(SET key:7 \).*/\1corrupted/' "$store" > "$store.bad"
run_mb run workload="$V" block=main cycles=5000 store="$store.bad" --progress=off
err_matches '^  error +mismatch +[1-9][0-9]*$'
ok $? "verify: a corrupted value is caught as a mismatch"

done_testing
