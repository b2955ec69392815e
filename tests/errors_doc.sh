#!/usr/bin/env bash
# docs/errors.md stays true: every table row whose first column is a
# command line (`moonbench ...`) is run from the top of the source tree and
# must exit with the row's status and print each `code` part of its
# message on stderr. A row that is no command line (a signal, a lock held
# elsewhere) must name test files that exist and hold each `code` part.
# TAP on stdout; run by automake with MOONBENCH and top_srcdir set.

. "$(dirname "$0")/tap.sh"

DOC=$top_srcdir/docs/errors.md
if [ ! -r "$DOC" ]; then
	echo "Bail out! cannot read $DOC"
	exit 1
fi
cd "$top_srcdir" || { echo "Bail out! cannot cd to $top_srcdir"; exit 1; }

# The rows run with nothing of the caller's that changes them, and write
# their temporary files (sqlite's default database) under $TAP_TMP.
unset MOONBENCH_PATH
export TMPDIR=$TAP_TMP
: "${MB_TIMEOUT:=30}"

drivers=$("$MOONBENCH" --list-drivers 2>/dev/null | awk '{ print $1 }')
have_driver() { printf '%s\n' "$drivers" | grep -qx -- "$1"; }

# ---------------------------------------------------------------------
# A redis-server of our own for the rows that name @REDIS_PORT@, started
# at the first such row (on a free port, nothing saved).

redis_pid='' redis_port='' redis_tried=''

redis_stop() {
	if [ -n "$redis_pid" ]; then
		kill "$redis_pid" 2>/dev/null
		wait "$redis_pid" 2>/dev/null
		redis_pid=
	fi
}
trap 'redis_stop; tap_cleanup' EXIT

redis_start() {
	local p

	command -v redis-server >/dev/null 2>&1 || return 1
	command -v redis-cli >/dev/null 2>&1 || return 1
	for _ in 1 2 3 4 5; do
		p=$((20000 + RANDOM % 20000))
		redis-server --port "$p" --bind 127.0.0.1 --save '' \
		    --appendonly no --dir "$TAP_TMP" </dev/null >"$TAP_TMP/redis.log" 2>&1 &
		redis_pid=$!
		for _ in $(seq 1 60); do
			tap_alive "$redis_pid" || break
			# The server on that port must be ours, not another test's.
			if redis-cli -p "$p" info server </dev/null 2>/dev/null |
			    grep -q "^process_id:$redis_pid"; then
				redis_port=$p
				return 0
			fi
			sleep 0.05
		done
		redis_stop
	done
	return 1
}

# Whether a row can run here; if not, why not (in $why).
row_runnable() {
	why=
	case $1 in
	*sqlite*) have_driver sqlite || why="the sqlite driver is not built" ;;
	*redis*) have_driver redis || why="the redis driver is not built" ;;
	*driver=pg*) have_driver pg || why="the pg driver is not built" ;;
	*driver=http*) have_driver http || why="the http driver is not built" ;;
	esac
	[ -n "$why" ] && return 1
	case $1 in
	*@REDIS_PORT@*)
		if [ -z "$redis_tried" ]; then
			redis_tried=1
			redis_start || diag "no redis-server could be started"
		fi
		[ -n "$redis_port" ] || { why="no redis-server"; return 1; }
		;;
	esac
	return 0
}

# ---------------------------------------------------------------------
# The rows: "| Given | Exit | Message | Tested in |", \| for a | inside.

# The `code` parts of a cell, one per line.
spans() {
	local s=$1

	while [[ $s =~ \`([^\`]*)\` ]]; do
		printf '%s\n' "${BASH_REMATCH[1]}"
		s=${s#*"${BASH_REMATCH[0]}"}
	done
}

# The test files a cell names (tests/NAME), one per line.
named_files() {
	printf '%s\n' "$1" | grep -oE 'tests/[A-Za-z0-9_./-]+[A-Za-z0-9_]'
}

# A cell list per row: line number, then the 4 cells, \x1f between them.
rows=$(awk '
	/^\| / {
		line = $0
		gsub(/\\\|/, "\001", line)
		sub(/^\| */, "", line)
		sub(/ *\|[ \t]*$/, "", line)
		n = split(line, c, / *\| */)
		if (n != 4 || c[2] !~ /^[0-9]+$/)
			next
		out = NR
		for (i = 1; i <= 4; i++) {
			gsub(/\001/, "|", c[i])
			out = out "\037" c[i]
		}
		print out
	}' "$DOC")

nrows=$(nlines "$rows")
[ "$nrows" -ge 60 ]
ok $? "docs/errors.md has at least 60 rows ($nrows)"

# Every bad workload file is shown in the doc.
missing=
for f in tests/workloads/bad/*; do
	grep -qF -- "$f" "$DOC" || missing="$missing $f"
done
[ -z "$missing" ]
ok $? "every file of tests/workloads/bad/ appears in docs/errors.md" ||
    diag "not in the doc:$missing"

nrun=0
while IFS=$'\037' read -r lineno given want message tested; do
	tap_cmd=
	# The tests it names exist.
	files=$(named_files "$tested")
	bad=
	for f in $files; do
		[ -f "$f" ] || bad="$bad $f"
	done
	if [ -z "$files" ] || [ -n "$bad" ]; then
		ok 1 "errors.md:$lineno: 'Tested in' names test files that exist"
		diag "Tested in: $tested"
		continue
	fi
	# Rows whose Given is no command line: their tests hold the message.
	if ! [[ $given =~ ^\`moonbench(\ [^\`]*)?\`$ ]]; then
		lacking=
		while IFS= read -r s; do
			[ -z "$s" ] && continue
			# shellcheck disable=SC2086
			grep -qF -- "$s" $files || lacking="$lacking '$s'"
		done < <(spans "$message")
		[ -z "$lacking" ]
		ok $? "errors.md:$lineno: $given: the message is checked in ${files//$'\n'/ }" ||
		    diag "not found in ${files//$'\n'/ }:$lacking"
		continue
	fi
	args=${BASH_REMATCH[1]# }
	name="errors.md:$lineno: moonbench ${args:0:90}"
	if ! row_runnable "$args"; then
		skip "$why" "$name"
		continue
	fi
	args=${args//@REDIS_PORT@/$redis_port}
	eval "set -- $args"
	run_mb "$@"
	nrun=$((nrun + 1))
	lacking=
	while IFS= read -r s; do
		[ -z "$s" ] && continue
		case $err in
		*"$s"*) ;;
		*) lacking="$lacking
  '$s'" ;;
		esac
	done < <(spans "$message")
	[ "$rc" = "$want" ] && [ -z "$lacking" ]
	ok $? "$name: exit $want and the message" || {
		[ "$rc" = "$want" ] || diag "expected exit status $want"
		[ -z "$lacking" ] || diag "expected on stderr:$lacking"
	}
done <<<"$rows"
diag "$nrun of $nrows rows run"

done_testing
