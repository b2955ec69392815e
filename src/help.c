/* Help texts, generated from the same tables the parsers use. */
#include "config.h"

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
	"--list-drivers", "the drivers and what they drive",
	"--help [TOPIC]", "this text, a driver's params (--help diag) or "
	    "the engine's (--help params)",
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

	fputs("usage: moonbench run driver=NAME|workload=FILE [name=value ...]\n"
	    "       moonbench --list-drivers | --help [TOPIC] | --version\n"
	    "\n"
	    "Runs an activity: the driver turns cycles into ops against a "
	    "target, with\nthreads= motors and async= ops in flight; a "
	    "workload file (Lua) says which\nops, rendered from bindings of "
	    "the cycle. Progress and the summary go to\nstderr, data to "
	    "stdout.\n"
	    "\n"
	    "examples:\n"
	    "  moonbench run driver=diag cycles=1M threads=2 async=64 "
	    "delay=1ms\n"
	    "  moonbench run workload=scenarios/stdout.lua cycles=10\n"
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
		*cause = xfmt("--help: no topic '%s'; topics are 'params' "
		    "and the drivers (moonbench --list-drivers)", topic);
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
