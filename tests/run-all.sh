#!/usr/bin/env bash
# The whole test suite, from a clean checkout on Debian 12: installs the
# packages it needs, then runs, each in a build directory of its own,
#   1. a -Werror build and `make check` (unit and integration tests),
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build and `make check`,
#   3. a ThreadSanitizer build and the engine and scenario tests,
#   4. the libFuzzer harnesses, 60 s each, in a clang build (tests/fuzz/run.sh),
#   5. `make distcheck`,
# printing how long each stage took. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

packages="build-essential autoconf automake pkg-config libluajit-5.1-dev
	libevent-dev libcmocka-dev zlib1g-dev bc time python3
	openjdk-17-jre-headless libhdrhistogram-java
	libhiredis-dev redis-server redis-tools
	libsqlite3-dev sqlite3
	nginx-light wrk libhttp-parser-dev
	postgresql libpq-dev
	clang libclang-rt-14-dev
	chromium
	libedit-dev"
missing=$(dpkg-query -W -f='${Status} ${Package}\n' $packages 2>&1 |
	awk '!/install ok installed/ { print $NF }' || true)
if [ -n "$missing" ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "== installing: $(echo $missing)"
	$sudo apt-get install -y $packages >/dev/null ||
	{ $sudo apt-get update -qq && $sudo apt-get install -y $packages >/dev/null; }
fi

autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

# Every tool the tests use is installed above: a test that would skip for a
# missing one fails instead (tests/tap.sh).
export MB_REQUIRE_ALL=1

summary=""
stage() {	# stage NAME DIR CONFIGURE-FLAGS [make check args...]
	local name=$1 dir=$2 flags=$3 t0 t1
	shift 3
	echo "== $name"
	t0=$(date +%s)
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q $flags &&
	    make -j"$jobs" >/dev/null && make -j"$jobs" check "$@") || {
		echo "== $name FAILED; the logs:"
		find "$dir/tests" -name '*.log' -exec grep -l -E '^(not ok|ERROR|FAIL)|Sanitizer' {} + 2>/dev/null |
		    while read -r f; do echo "--- $f"; tail -n 60 "$f"; done
		exit 1
	}
	t1=$(date +%s)
	summary="$summary$(printf '%-32s %4ds' "$name" $((t1 - t0)))\n"
}

stage "plain build, -Werror, make check" build-check "--enable-werror"
stage "ASan + UBSan, make check" build-asan "--enable-werror --enable-sanitizers"
stage "TSan, engine tests" build-tsan "--enable-werror --enable-tsan" \
	TESTS="tests/test_cycles tests/test_engine tests/test_diag tests/test_workload tests/test_errors tests/scenario.sh"
echo "== fuzzers, 60 s each"
t0=$(date +%s)
rm -rf build-fuzz
tests/fuzz/run.sh 60 || { echo "== fuzzers FAILED"; exit 1; }
summary="$summary$(printf '%-32s %4ds' "fuzzers, 60 s each" $(( $(date +%s) - t0 )))\n"
echo "== make distcheck"
t0=$(date +%s)
(cd build-check && make -j"$jobs" distcheck \
	DISTCHECK_CONFIGURE_FLAGS=--enable-werror >/dev/null)
summary="$summary$(printf '%-32s %4ds' "make distcheck" $(( $(date +%s) - t0 )))\n"

printf '\n== stages\n%b' "$summary"
# Every test result of every stage (automake's .trs files), one line.
passed=$(cat build-check/tests/*.trs build-asan/tests/*.trs build-tsan/tests/*.trs \
	build-check/tests/fuzz/*.trs build-asan/tests/fuzz/*.trs |
	grep -c '^:test-result: PASS' || true)
failed=$(cat build-check/tests/*.trs build-asan/tests/*.trs build-tsan/tests/*.trs \
	build-check/tests/fuzz/*.trs build-asan/tests/fuzz/*.trs |
	grep -c -E '^:test-result: (FAIL|ERROR|XPASS)' || true)
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
