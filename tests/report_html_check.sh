#!/usr/bin/env bash
# report_html_check.sh PAGE OUTDIR [MIN-CHARTS]: load a report.html in
# headless Chromium and check that it drew its charts (svg.chart elements
# in the DOM after its script ran, at least MIN-CHARTS, default 1) and
# logged no error (an uncaught exception or console.error, caught by a
# probe added to a copy of the page, and Chromium's own log); save
# OUTDIR/report.png. Exit 0 when the page passes, 1 with the reasons on
# stderr when not, 2 when Chromium is missing.
set -u
page=$1 outdir=$2 min=${3:-1}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "report_html_check: chromium is missing (apt-get install chromium)" >&2
	exit 2
fi
mkdir -p "$outdir"
probed=$outdir/probed.html
# The probe runs before the page's script and writes what goes wrong
# into the DOM, where --dump-dom shows it.
probe='<script>(function () { var errs = [];
function note(m) { errs.push(String(m)); document.documentElement.setAttribute("data-errors", errs.join(" | ")); }
window.addEventListener("error", function (e) { note("uncaught: " + e.message); });
var ce = console.error; console.error = function () { note("console.error: " + [].join.call(arguments, " ")); ce.apply(console, arguments); };
})();</script>'
awk -v p="$probe" '{ print } /<head>/ && !done { print p; done = 1 }' "$page" >"$probed"
flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
	--user-data-dir=$outdir/profile --enable-logging=stderr --v=0"
# shellcheck disable=SC2086
timeout 60 "$browser" $flags --virtual-time-budget=3000 --dump-dom \
	"file://$(realpath "$probed")" >"$outdir/dom.html" 2>"$outdir/chromium.log"
# shellcheck disable=SC2086
timeout 60 "$browser" $flags --window-size=1000,1800 \
	--screenshot="$outdir/report.png" "file://$(realpath "$page")" \
	>/dev/null 2>>"$outdir/chromium.log"
fail=0
charts=$(grep -o '<svg[^>]*class="chart"' "$outdir/dom.html" | wc -l)
if [ "$charts" -lt "$min" ]; then
	echo "report_html_check: $charts svg.chart elements, expected at least $min" >&2
	fail=1
fi
if ! grep -q 'data-drawn=' "$outdir/dom.html"; then
	echo "report_html_check: the page's script did not finish (no data-drawn)" >&2
	fail=1
fi
if grep -o 'data-errors="[^"]*"' "$outdir/dom.html" >&2; then
	echo "report_html_check: the page logged errors (above)" >&2
	fail=1
fi
if grep -E 'Uncaught|CONSOLE.*[Ee]rror' "$outdir/chromium.log" >&2; then
	echo "report_html_check: Chromium logged errors (above)" >&2
	fail=1
fi
if [ ! -s "$outdir/report.png" ]; then
	echo "report_html_check: no screenshot" >&2
	fail=1
fi
exit $fail
