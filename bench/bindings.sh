#!/usr/bin/env bash
# Bindings: values per second on one thread (each value made and rendered
# as text, as an op template needs it), beside issue #4's targets.
#
#   bench/bindings.sh [path/to/bench/bindings_bench] [values]
set -eu
BENCH=${1:-./bench/bindings_bench}
N=${2:-10000000}

row() {	# row RECIPE TARGET [N]
	local r
	r=$("$BENCH" "$1" "${3:-$N}" 2>/dev/null)
	printf '%-52s %14s %12s\n' "$1" "$r" "$2"
}
printf '%-52s %14s %12s\n' "recipe (one thread)" "values/s" "target"
row 'b.hash():mod(1e6)' '30M'
row 'b.hash():alnum(64)' '5M'
row 'b.template("{}-{}-{}", b.mod(1000), b.hash():alnum(8), b.uniform(0, 1))' '-'
row 'b.fn(function(c) return tonumber(c) % 1000 end)' '-' "$((N / 10))"
row 'b.hash():zipf(1000000, 1.1)' '-'
row 'b.normal(100, 15)' '-'
row 'b.uuid()' '-'
