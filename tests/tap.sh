# tap.sh: a tiny TAP helper for moonbench's shell tests (bash, sourced).
#
#   plan N | done_testing      the plan, first or last
#   ok STATUS NAME             a test passes when STATUS is 0:
#                                [ "$x" = y ]; ok $? "x is y"
#   run_mb ARGS...             run $MOONBENCH: $out, $err, $rc (and files
#                              $TAP_TMP/out, $TAP_TMP/err)
#   expect_rc N NAME, expect_out_empty NAME,
#   expect_err_contains STRING NAME, expect_out_contains STRING NAME,
#   expect_err_lacks STRING NAME  checks against the last run
#   bg_start ARGS... / bg_signal SIG / bg_wait SECS
#                              a run in the background, signalled, then
#                              waited for at most SECS (then killed)
#   diag TEXT...               a "# " comment line per line of TEXT
#   free_port                  a free loopback TCP port (for a server the
#                              test starts itself)
#   skip_all REASON            skip the whole script: a "1..0 # SKIP" plan
#                              by hand, a failure under MB_REQUIRE_ALL=1
#   skip REASON NAME           skip one test, the same way
#
# tests/run-all.sh (CI) sets MB_REQUIRE_ALL=1: it installs every tool the
# tests use, so a missing one there is a broken CI, not a reason to skip.
#
# Failures print the command, its status and its stderr as diagnostics.

: "${MOONBENCH:?MOONBENCH must name the moonbench binary}"
# The source tree (automake sets it; by hand it is the parent of tests/).
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
if [ ! -x "$MOONBENCH" ]; then
	echo "Bail out! MOONBENCH='$MOONBENCH' is not an executable"
	exit 1
fi

tap_n=0
tap_failed=0
tap_planned=
out= err= rc= tap_cmd=

TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/moonbench-tap.XXXXXX") || {
	echo "Bail out! cannot create a temporary directory"
	exit 1
}

tap_cleanup() {
	if [ -n "${bg_pid:-}" ] && kill -0 "$bg_pid" 2>/dev/null; then
		kill -9 "$bg_pid" 2>/dev/null
		wait "$bg_pid" 2>/dev/null
	fi
	rm -rf "$TAP_TMP"
}
trap tap_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

plan() {
	tap_planned=$1
	echo "1..$1"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

skip_all() {
	if [ "${MB_REQUIRE_ALL:-}" = 1 ]; then
		echo "Bail out! $1 (MB_REQUIRE_ALL=1: nothing may be skipped)"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

skip() {
	if [ "${MB_REQUIRE_ALL:-}" = 1 ]; then
		tap_cmd=
		ok 1 "$2: $1 (MB_REQUIRE_ALL=1: nothing may be skipped)"
		return 1
	fi
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $2 # SKIP $1"
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# The last command, its status and its output, after a failure.
tap_explain() {
	diag "command: $tap_cmd"
	diag "exit status: $rc"
	if [ -n "$err" ]; then
		diag "stderr:"
		printf '%s\n' "$err" | head -n 40 | sed 's/^/#   /'
	else
		diag "stderr: (empty)"
	fi
	if [ -n "$out" ]; then
		diag "stdout:"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	fi
}

ok() {
	local status=$1 name=$2

	tap_n=$((tap_n + 1))
	if [ "$status" -eq 0 ] 2>/dev/null; then
		echo "ok $tap_n - $name"
		return 0
	fi
	echo "not ok $tap_n - $name"
	tap_failed=$((tap_failed + 1))
	[ -n "$tap_cmd" ] && tap_explain
	return 1
}

done_testing() {
	[ -z "$tap_planned" ] && echo "1..$tap_n"
	if [ -n "$tap_planned" ] && [ "$tap_planned" -ne "$tap_n" ]; then
		diag "planned $tap_planned tests but ran $tap_n"
		return 1
	fi
	[ "$tap_failed" -eq 0 ]
}

tap_load() {
	out=$(cat "$TAP_TMP/out")
	err=$(cat "$TAP_TMP/err")
}

# A foreground run, bounded by timeout(1) when there is one so that a hang
# fails the test instead of the suite.
run_mb() {
	tap_cmd="moonbench $*"
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 5 "${MB_TIMEOUT:-60}" "$MOONBENCH" "$@" \
		    >"$TAP_TMP/out" 2>"$TAP_TMP/err" </dev/null
	else
		"$MOONBENCH" "$@" >"$TAP_TMP/out" 2>"$TAP_TMP/err" </dev/null
	fi
	rc=$?
	tap_load
	return 0
}

expect_rc() {
	local want=$1 name=$2

	[ "$rc" = "$want" ]
	ok $? "$name" || diag "expected exit status $want"
}

expect_out_empty() {
	[ -z "$out" ]
	ok $? "$1" || diag "expected nothing on stdout"
}

expect_err_contains() {
	local s=$1 name=$2

	case $err in
	*"$s"*) ok 0 "$name" ;;
	*) ok 1 "$name"; diag "expected on stderr: '$s'" ;;
	esac
}

expect_err_lacks() {
	local s=$1 name=$2

	case $err in
	*"$s"*) ok 1 "$name"; diag "unexpected on stderr: '$s'" ;;
	*) ok 0 "$name" ;;
	esac
}

expect_out_contains() {
	local s=$1 name=$2

	case $out in
	*"$s"*) ok 0 "$name" ;;
	*) ok 1 "$name"; diag "expected on stdout: '$s'" ;;
	esac
}

# Nanoseconds since the epoch.
now_ns() {
	date +%s%N
}

# Whether a pid is a live process (not gone, not a zombie).
tap_alive() {
	local state

	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
		[ "$state" = Z ] && return 1
	fi
	return 0
}

bg_start() {
	tap_cmd="moonbench $* (in the background)"
	"$MOONBENCH" "$@" >"$TAP_TMP/out" 2>"$TAP_TMP/err" </dev/null &
	bg_pid=$!
	bg_started=$(now_ns)
}

bg_signal() {
	bg_signalled=$(now_ns)
	kill -s "$1" "$bg_pid" 2>/dev/null
}

# Wait for the background run, at most $1 seconds: rc is its exit status,
# or "timeout" once killed; bg_ms the milliseconds since the last signal
# (or the start).
bg_wait() {
	local limit_ns end

	limit_ns=$(( $(now_ns) + $1 * 1000000000 ))
	while tap_alive "$bg_pid" && [ "$(now_ns)" -lt "$limit_ns" ]; do
		sleep 0.05
	done
	end=$(now_ns)
	if tap_alive "$bg_pid"; then
		kill -9 "$bg_pid" 2>/dev/null
		wait "$bg_pid" 2>/dev/null
		rc=timeout
		diag "moonbench still ran after $1 s: killed"
	else
		wait "$bg_pid"
		rc=$?
	fi
	bg_pid=
	bg_ms=$(( (end - ${bg_signalled:-$bg_started}) / 1000000 ))
	bg_signalled=
	tap_load
}

# Poll (at most $2 seconds) until stderr of the background run holds $1.
bg_wait_err() {
	local limit_ns

	limit_ns=$(( $(now_ns) + $2 * 1000000000 ))
	while [ "$(now_ns)" -lt "$limit_ns" ]; do
		grep -qF -- "$1" "$TAP_TMP/err" 2>/dev/null && return 0
		tap_alive "$bg_pid" || break
		sleep 0.05
	done
	grep -qF -- "$1" "$TAP_TMP/err" 2>/dev/null
}

# Lines in a string (0 for an empty one).
nlines() {
	if [ -z "$1" ]; then
		echo 0
	else
		printf '%s\n' "$1" | wc -l | tr -d ' '
	fi
}

# grep -E on stdout or stderr of the last run.
out_matches() { printf '%s\n' "$out" | grep -Eq -- "$1"; }
err_matches() { printf '%s\n' "$err" | grep -Eq -- "$1"; }

# Milliseconds since a now_ns value.
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
