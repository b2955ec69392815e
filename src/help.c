/* Help texts, generated from the same tables the parsers use. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <luajit.h>

#include "activity_config.h"
#include "drivers.h"
#include "help.h"
#include "xmalloc.h"

static const char *const help_global_options[] = {
	"--progress=INTERVAL|off", "a progress line every INTERVAL "
	    "(default 1s) on stderr",
	"-q, --quiet", "no progress line and no summary",
	"--report-dir DIR", "write DIR/summary.json, metrics.csv (a row per "
	    "interval and timer), histograms.hlog (HdrHistogram log), "
	    "report.html and each sweep's sweep-NAME.csv and .json",
	"--threshold EXPR", "a bound every activity must meet, or exit 1: "
	    "'p99<10ms', 'errors<0.1%', 'rate>=9000', 'main.p99<10ms' "
	    "(repeatable)",
	"--drain DURATION", "after Ctrl-C, SIGTERM or the end of a duration, "
	    "wait this long (default 500ms) for ops in flight, then cancel "
	    "and count them as aborted",
	"--list-drivers", "the drivers and what they drive",
	"--list-scenarios FILE", "a workload's scenarios and what they do",
	"--help [TOPIC]", "this text, a driver's params (--help diag), the "
	    "engine's (--help params) or the bindings (--help bindings)",
	"--version", "moonbench's version and its libraries'",
	NULL
};

#define HELP_WIDTH	78
#define HELP_INDENT	24

/* "  left  text", the text wrapped at word boundaries under itself. */
static void
help_item(FILE *f, const char *left, const char *text)
{
	const char	*p = text, *end, *space;
	int		 col;

	col = fprintf(f, "  %s", left);
	if (col >= HELP_INDENT - 1) {
		fputc('\n', f);
		col = 0;
	}
	while (*p != '\0') {
		fprintf(f, "%*s", HELP_INDENT - col, "");
		end = p + strlen(p);
		if (end - p > HELP_WIDTH - HELP_INDENT) {
			end = p + (HELP_WIDTH - HELP_INDENT);
			for (space = end; space > p && *space != ' '; space--)
				continue;
			if (space > p)
				end = space;
		}
		fprintf(f, "%.*s\n", (int)(end - p), p);
		p = end;
		while (*p == ' ')
			p++;
		col = 0;
	}
}

void
mb_help_usage(FILE *f)
{
	const char *const	*o;

	fputs("usage: moonbench WORKLOAD.lua [SCENARIO] [name=value ...]\n"
	    "       moonbench run driver=NAME|workload=FILE [name=value ...]\n"
	    "       moonbench repl [WORKLOAD.lua] [name=value ...]\n"
	    "       moonbench --list-drivers | --list-scenarios FILE | "
	    "--help [TOPIC] | --version\n"
	    "\n"
	    "Runs a workload's scenario, or one activity: a driver turns "
	    "cycles into ops\nagainst a target, with threads= motors and "
	    "async= ops in flight; a workload\nfile (Lua) says which ops, "
	    "rendered from bindings of the cycle, and its\nscenarios run "
	    "activities in order. Progress and summaries go to stderr,\ndata "
	    "to stdout.\n"
	    "\n"
	    "examples:\n"
	    "  moonbench run driver=diag cycles=1M threads=2 async=64 "
	    "delay=1ms\n"
	    "  moonbench run workload=scenarios/stdout.lua cycles=10\n"
	    "  moonbench scenarios/diag.lua threads=2\n"
	    "\noptions (anywhere on the command line):\n", f);
	for (o = help_global_options; *o != NULL; o += 2)
		help_item(f, o[0], o[1]);
	fputs("\nexit status: 0 success, 1 the run failed, 2 bad usage or "
	    "params,\n130 interrupted (after a clean stop).\n", f);
}

static void
help_params(FILE *f, const struct mb_param_spec *spec)
{
	char	left[64];

	for (; spec->name != NULL; spec++) {
		if (spec->def != NULL)
			snprintf(left, sizeof left, "%s=%s", spec->name,
			    spec->def);
		else
			snprintf(left, sizeof left, "%s=", spec->name);
		help_item(f, left, spec->help);
	}
}

/* Every binding step: how to call it, what it does, an example. */
static const char *const help_bindings[] = {
	"b.identity()", "the cycle itself (an integer)",
	    "b.identity()  -> 7 at cycle 7",
	"b.hash()", "a 64-bit mix of the value (good avalanche), >= 0",
	    "b.hash():mod(1e6)",
	"b.mod(n)", "the value modulo n (n > 0), always >= 0",
	    "b.mod(1000)",
	"b.add(n) b.mul(n) b.div(n)", "arithmetic; a fraction or a double "
	    "value makes a double", "b.mul(10):add(1)",
	"b.clamp(lo, hi)", "the value held within lo..hi",
	    "b.hash():clamp(0, 100)",
	"b.range(lo, hi)", "lo + value mod (hi - lo + 1): an integer in "
	    "lo..hi", "b.hash():range(18, 99)",
	"b.uniform(lo, hi)", "a double drawn uniformly from [lo, hi)",
	    "b.uniform(0, 1)",
	"b.normal(mean, sd)", "a double drawn from a normal distribution",
	    "b.normal(100, 15)",
	"b.exponential(mean)", "a double drawn from an exponential "
	    "distribution", "b.exponential(2.5)",
	"b.zipf(n, s)", "a rank in 1..n, rank 1 the most frequent (s > 0)",
	    "b.zipf(1000000, 1.1)",
	"b.weighted{ {v, w}, ... }", "one of the values, each with "
	    "probability w / sum of w", "b.weighted{ {\"red\", 3}, "
	    "{\"blue\", 1} }",
	"b.int()", "a double truncated to an integer",
	    "b.normal(100, 15):int()",
	"b.tostring()", "the value as text (doubles in the shortest form "
	    "that reads back)", "b.uniform(0, 1):tostring()",
	"b.format(fmt)", "printf-like text of the value: one of %d %x %o "
	    "%f %e %g %s", "b.mod(1e5):format(\"user%05d\")",
	"b.alnum(len) b.alnum(lo, hi)", "text of [A-Za-z0-9] of that "
	    "length (or lo..hi, drawn)", "b.ref(\"key\"):alnum(64)",
	"b.printable(len) b.printable(lo, hi)", "text of printable ASCII",
	    "b.hash():printable(10, 20)",
	"b.words()", "the integer in English words",
	    "b.mod(1000):words()  -> \"seven\" at cycle 7",
	"b.uuid()", "a UUID (version 4 shape) drawn from the value",
	    "b.ref(\"id\"):uuid()",
	"b.epoch(start, spacing)", "epoch milliseconds: start + value x "
	    "spacing", "b.epoch(\"2024-01-01\", \"1s\")",
	"b.date(start, spacing[, fmt])", "that time as UTC text (default "
	    "ISO 8601; %Y %m %d %H %M %S %3N ...)",
	    "b.date(\"2024-01-01\", \"1h\", \"%F\")",
	"b.line(file[, \"hash\"|\"mod\"])", "a line of a file, picked by "
	    "the value's hash or modulo", "b.line(\"names.txt\")",
	"b.ref(name)", "start from another binding's value (same cycle)",
	    "b.ref(\"key\"):hash():alnum(64)",
	"b.fixed(v)", "always v (a number or text)", "b.fixed(\"EU\")",
	"b.template(text, r1, ...)", "text with each {} replaced by the "
	    "next recipe's value", "b.template(\"user-{}-{}\", b.mod(10), "
	    "b.ref(\"key\"))",
	"b.fn(function(cycle) ... end)", "anything else, in Lua (cycle is "
	    "an int64; slower: a Lua call per value)",
	    "b.fn(function(c) return tonumber(c) % 7 end)",
	NULL
};

static void
help_bindings_list(FILE *f)
{
	const char *const	*b;
	fputs("bindings: recipes that make a value from the cycle, built in "
	    "Lua and run in C.\nStart with a function of b = mb.bind and "
	    "chain more as methods\n(b.hash():mod(100)); each starts from the "
	    "cycle unless it is the first\nof b.ref, b.fixed, b.fn or "
	    "b.template. Integers are int64, drawn values\ndoubles; "
	    "distributions draw from a hash of the value (inverse CDF).\n\n",
	    f);
	char			*example;

	for (b = help_bindings; *b != NULL; b += 3) {
		help_item(f, b[0], b[1]);
		example = xfmt("e.g. %s", b[2]);
		help_item(f, "", example);
		free(example);
	}
}

int
mb_help_topic(FILE *f, const char *topic, char **cause)
{
	const struct mb_driver	*d;
	const char		*near;

	if (strcmp(topic, "params") == 0) {
		fputs("engine params (every activity):\n", f);
		help_params(f, mb_engine_params);
		fputs("\ncounts take K M B (1M = 1,000,000); durations take "
		    "ns us ms s m h.\n", f);
		return (0);
	}
	if (strcmp(topic, "bindings") == 0) {
		help_bindings_list(f);
		return (0);
	}
	if ((d = mb_drivers_find(topic)) != NULL) {
		fprintf(f, "driver %s: %s\n\n%s\nparams (with their "
		    "defaults):\n", d->name, d->summary, d->help);
		help_params(f, d->params);
		fprintf(f, "\nactions: %s%s%s\n",
		    d->flags & MB_DRIVER_SYNC ? "sync" : "",
		    (d->flags & MB_DRIVER_SYNC) &&
		    (d->flags & MB_DRIVER_ASYNC) ? " and " : "",
		    d->flags & MB_DRIVER_ASYNC ? "async (async=N)" : "");
		fputs("engine params: moonbench --help params\n", f);
		return (0);
	}
	near = mb_drivers_nearest(topic);
	if (near == NULL && strncmp(topic, "par", 3) == 0)
		near = "params";
	if (near != NULL)
		*cause = xfmt("--help: no topic '%s' (did you mean '%s'?)",
		    topic, near);
	else
		*cause = xfmt("--help: no topic '%s'; topics are 'params', "
		    "'bindings' and the drivers (moonbench --list-drivers)",
		    topic);
	return (-1);
}

void
mb_help_list_drivers(FILE *f)
{
	const struct mb_driver *const	*d;

	for (d = mb_drivers_all(); *d != NULL; d++)
		fprintf(f, "%-10s %s\n", (*d)->name, (*d)->summary);
}

void
mb_help_version(FILE *f)
{
	fprintf(f, "moonbench %s (%s, libevent %s)\n", PACKAGE_VERSION,
	    LUAJIT_VERSION, event_get_version());
}
