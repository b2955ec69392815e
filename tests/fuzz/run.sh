#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS]: build the libFuzzer harnesses with clang in a
# build of their own (build-fuzz under the source top, or $FUZZ_BUILD_DIR)
# and run each for SECONDS (60), sequentially, on a scratch copy of its seeds
# and regression inputs: the repository's corpus is never written. Prints
# each fuzzer's runs; exits non-zero on any crash, leak or timeout, naming
# the input libFuzzer kept (the scratch directory is then left in place).
set -euo pipefail
secs=${1:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
fuzzers="params template hdr_log resp http"
jobs=$(nproc 2>/dev/null || echo 2)

case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

if [ ! -f "$build/Makefile" ]; then
	mkdir -p "$build"
	(cd "$build" && CC=clang "$top/configure" -q --enable-fuzzers)
fi
"$build/config.status" --config | grep -q -- --enable-fuzzers || {
	echo "$build was not configured with --enable-fuzzers" >&2
	exit 2
}
targets=""
for f in $fuzzers; do targets="$targets tests/fuzz/fuzz_$f"; done
make -C "$build" -j"$jobs" $targets >/dev/null

scratch=$(mktemp -d "${TMPDIR:-/tmp}/moonbench-fuzz.XXXXXX")
failed=0
for f in $fuzzers; do
	dir=$scratch/$f
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp "$top/tests/fuzz/corpus/$f/"* "$dir/corpus/"
	if [ -d "$top/tests/fuzz/regress/$f" ]; then
		cp "$top/tests/fuzz/regress/$f/"* "$dir/corpus/"
	fi
	# An input that takes 10 s, or a process past 2 GB, is a finding
	# too, kept like a crash.
	rc=0
	"$build/tests/fuzz/fuzz_$f" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
	    >"$dir/log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
	printf '%-9s %10s runs in %ss (%s/s), corpus %d -> %d inputs\n' \
	    "$f" "${runs:-?}" "$secs" "${rate:-?}" \
	    "$(ls "$top/tests/fuzz/corpus/$f" | wc -l)" \
	    "$(ls "$dir/corpus" | wc -l)"
	if [ "$rc" -ne 0 ] || [ -n "$(ls -A "$dir/artifacts")" ]; then
		failed=1
		echo "$f: FAILED (exit status $rc); the report:"
		grep -E -A 12 '^==[0-9]+==ERROR|runtime error|broken promise' \
		    "$dir/log" | head -n 40 | sed 's/^/  /'
		for a in "$dir/artifacts/"*; do
			[ -e "$a" ] && echo "$f: the input: $a"
		done
		echo "$f: log: $dir/log"
	fi
done

if [ "$failed" -ne 0 ]; then
	echo "fuzzers: a finding; keep its input in tests/fuzz/regress/NAME/"
	exit 1
fi
rm -rf "$scratch"
