/*
 * moonbench's command line: global options anywhere, then a command.
 * Usage errors exit 2 with a message that names what was wrong.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "control.h"
#include "help.h"
#include "params.h"
#include "repl.h"
#include "report.h"
#include "scenario.h"
#include "summary.h"
#include "threshold.h"
#include "xmalloc.h"

struct main_opts {
	struct mb_control_opts	 control;
	const char		*help_topic;	/* --help TOPIC */
	int			 help;
	int			 version;
	int			 list_drivers;
	const char		*list_scenarios;	/* a file */
	const char		*report_dir;
	struct mb_thresholds	 thresholds;	/* --threshold, repeatable */
};

static const char *const main_option_names[] = {
	"--progress", "--quiet", "--list-drivers", "--list-scenarios",
	"--report-dir", "--drain", "--help", "--version", "--threshold", NULL
};

static int
main_usage_error(char *cause)
{
	fprintf(stderr, "moonbench: %s\n", cause);
	free(cause);
	return (MB_EXIT_USAGE);
}

/* --drain=DUR: how long a stop waits for ops in flight. */
static int
main_drain(struct main_opts *o, const char *v, char **cause)
{
	if (mb_param_duration("--drain", v, &o->control.drain_ns, cause) != 0)
		return (-1);
	if (o->control.drain_ns > 3600ULL * 1000000000ULL) {
		*cause = xfmt("--drain: expected at most 1h, got '%s'", v);
		return (-1);
	}
	return (0);
}

static int
main_progress(struct main_opts *o, const char *v, char **cause)
{
	if (strcmp(v, "off") == 0) {
		o->control.progress_ns = 0;
		return (0);
	}
	if (mb_param_duration("--progress", v, &o->control.progress_ns,
	    cause) != 0)
		return (-1);
	if (o->control.progress_ns < 10000000) {
		*cause = xfmt("--progress: expected 'off' or an interval of "
		    "at least 10ms, got '%s'", v);
		return (-1);
	}
	return (0);
}

static const char *
main_nearest_option(const char *arg)
{
	/* One per name, and the terminating empty one. */
	struct mb_param_spec		 specs[sizeof main_option_names /
					    sizeof main_option_names[0]];
	const struct mb_param_spec	*tables[2] = { specs, NULL };
	size_t				 i;

	memset(specs, 0, sizeof specs);
	for (i = 0; main_option_names[i] != NULL; i++)
		specs[i].name = main_option_names[i];
	return (mb_params_nearest(tables, arg));
}

/* Take the global options out of argv, wherever they stand; what is left
 * (the command and its params) is compacted in argv[0..*argc). */
static int
main_options(struct main_opts *o, int *argc, char **argv, char **cause)
{
	int		 i, n = 0;
	const char	*a, *near;

	for (i = 0; i < *argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0') {
			argv[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			while (++i < *argc)
				argv[n++] = argv[i];
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = 1;
			/* --help TOPIC: a following word that is no param */
			if (i + 1 < *argc && argv[i + 1][0] != '-' &&
			    strchr(argv[i + 1], '=') == NULL &&
			    strcmp(argv[i + 1], "run") != 0)
				o->help_topic = argv[++i];
		} else if (strncmp(a, "--help=", 7) == 0) {
			o->help = 1;
			o->help_topic = a + 7;
		} else if (strcmp(a, "--version") == 0 ||
		    strcmp(a, "-V") == 0)
			o->version = 1;
		else if (strcmp(a, "--list-drivers") == 0)
			o->list_drivers = 1;
		else if (strncmp(a, "--report-dir=", 13) == 0)
			o->report_dir = a + 13;
		else if (strcmp(a, "--report-dir") == 0) {
			if (i + 1 == *argc) {
				*cause = xstrdup("--report-dir: expected a "
				    "directory");
				return (-1);
			}
			o->report_dir = argv[++i];
		} else if (strncmp(a, "--list-scenarios=", 17) == 0)
			o->list_scenarios = a + 17;
		else if (strcmp(a, "--list-scenarios") == 0) {
			if (i + 1 == *argc) {
				*cause = xstrdup("--list-scenarios: expected a "
				    "workload file");
				return (-1);
			}
			o->list_scenarios = argv[++i];
		}
		else if (strncmp(a, "--threshold=", 12) == 0) {
			if (mb_thresholds_add(&o->thresholds, a + 12,
			    cause) != 0)
				return (-1);
		} else if (strcmp(a, "--threshold") == 0) {
			if (i + 1 == *argc) {
				*cause = xstrdup("--threshold: expected a bound "
				    "like 'p99<10ms'");
				return (-1);
			}
			if (mb_thresholds_add(&o->thresholds, argv[++i],
			    cause) != 0)
				return (-1);
		} else if (strncmp(a, "--drain=", 8) == 0) {
			if (main_drain(o, a + 8, cause) != 0)
				return (-1);
		} else if (strcmp(a, "--drain") == 0) {
			if (i + 1 == *argc) {
				*cause = xstrdup("--drain: expected a duration "
				    "like 500ms");
				return (-1);
			}
			if (main_drain(o, argv[++i], cause) != 0)
				return (-1);
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
			o->control.quiet = 1;
		else if (strncmp(a, "--progress=", 11) == 0) {
			if (main_progress(o, a + 11, cause) != 0)
				return (-1);
		} else if (strcmp(a, "--progress") == 0) {
			if (i + 1 == *argc) {
				*cause = xstrdup("--progress: expected an "
				    "interval like 1s, or 'off'");
				return (-1);
			}
			if (main_progress(o, argv[++i], cause) != 0)
				return (-1);
		} else {
			near = main_nearest_option(a);
			if (near != NULL)
				*cause = xfmt("unknown option '%s' (did you "
				    "mean '%s'?)", a, near);
			else
				*cause = xfmt("unknown option '%s' (see "
				    "moonbench --help)", a);
			return (-1);
		}
	}
	*argc = n;
	return (0);
}

static int
main_params(struct mb_params *params, int argc, char **argv, char **cause)
{
	int	i;

	mb_params_init(params);
	for (i = 0; i < argc; i++) {
		if (mb_params_add(params, argv[i], cause) != 0) {
			mb_params_free(params);
			return (-1);
		}
	}
	return (0);
}

/* moonbench FILE.lua [SCENARIO] [name=value ...] */
static int
main_scenario(struct main_opts *o, int argc, char **argv)
{
	struct mb_params	 params;
	const char		*file = argv[0], *name = NULL;
	char			*cause = NULL;
	int			 rc;

	argc--;
	argv++;
	if (argc > 0 && strchr(argv[0], '=') == NULL) {
		name = argv[0];
		argc--;
		argv++;
	}
	if (main_params(&params, argc, argv, &cause) != 0)
		return (main_usage_error(cause));
	rc = mb_scenario_run(file, name, &params, &o->control, &cause);
	mb_params_free(&params);
	if (cause != NULL) {
		fprintf(stderr, "moonbench: %s\n", cause);
		free(cause);
	}
	return (rc);
}

static int
main_run(struct main_opts *o, int argc, char **argv)
{
	struct mb_params	 params;
	struct mb_activity	*a = NULL;
	struct mb_control	*c = NULL;
	char			*cause = NULL;
	int			 rc;

	if (main_params(&params, argc, argv, &cause) != 0)
		return (main_usage_error(cause));
	/* diag and the drivers of this version have one op: one pass is one
	 * cycle until workloads bring op sequences. */
	a = mb_activity_new(&params, NULL, 1, &cause);
	mb_params_free(&params);
	if (a == NULL)
		return (main_usage_error(cause));
	if ((c = mb_control_new(&o->control, &cause)) == NULL) {
		mb_activity_free(a);
		fprintf(stderr, "moonbench: %s\n", cause);
		free(cause);
		return (MB_EXIT_FAILED);
	}
	rc = mb_control_run(c, a, &cause);
	if (cause != NULL) {
		fprintf(stderr, "moonbench: %s\n", cause);
		free(cause);
	}
	if (mb_activity_cause(a) != NULL)
		fprintf(stderr, "moonbench: %s: %s\n",
		    mb_activity_config(a)->alias, mb_activity_cause(a));
	if (!o->control.quiet || rc != MB_EXIT_OK)
		mb_summary_print(stderr, a);
	if (o->thresholds.n > 0 && MB_STATE_TERMINAL(mb_activity_state(a)) &&
	    mb_thresholds_check(&o->thresholds, a, stderr, &o->thresholds) > 0 &&
	    rc == MB_EXIT_OK)
		rc = MB_EXIT_FAILED;
	mb_activity_free(a);
	mb_control_free(c);
	return (rc);
}

int
main(int argc, char **argv)
{
	struct main_opts	 o;
	char			*cause = NULL, **full_argv = argv;
	int			 full_argc = argc, rc;

	memset(&o, 0, sizeof o);
	o.control.progress_ns = 1000000000u;
	o.control.drain_ns = 500000000u;
	argc--;
	argv++;
	if (main_options(&o, &argc, argv, &cause) != 0)
		return (main_usage_error(cause));

	if (o.version) {
		mb_help_version(stdout);
		return (MB_EXIT_OK);
	}
	if (o.help) {
		if (o.help_topic == NULL) {
			mb_help_usage(stdout);
			return (MB_EXIT_OK);
		}
		if (mb_help_topic(stdout, o.help_topic, &cause) != 0)
			return (main_usage_error(cause));
		return (MB_EXIT_OK);
	}
	if (o.list_drivers) {
		mb_help_list_drivers(stdout);
		return (MB_EXIT_OK);
	}
	if (o.list_scenarios != NULL) {
		if (mb_scenario_list(stdout, o.list_scenarios, &cause) != 0)
			return (main_usage_error(cause));
		return (MB_EXIT_OK);
	}
	if (argc == 0) {
		mb_help_usage(stderr);
		return (MB_EXIT_USAGE);
	}
	/* moonbench repl [FILE.lua] [name=value ...] (src/repl.c) */
	if (strcmp(argv[0], "repl") == 0)
		return (mb_repl_main(&o.control, argc - 1, argv + 1));
	if (strcmp(argv[0], "run") == 0 || (strlen(argv[0]) > 4 &&
	    strcmp(argv[0] + strlen(argv[0]) - 4, ".lua") == 0)) {
		if (o.report_dir != NULL && (o.control.report = mb_report_open(
		    o.report_dir, full_argc, full_argv, &cause)) == NULL)
			return (main_usage_error(cause));
		o.control.thresholds = &o.thresholds;
		rc = strcmp(argv[0], "run") == 0 ?
		    main_run(&o, argc - 1, argv + 1) :
		    main_scenario(&o, argc, argv);
		mb_thresholds_report(&o.thresholds, stderr);
		mb_thresholds_free(&o.thresholds);
		if (o.control.report != NULL &&
		    mb_report_close(o.control.report, rc, &cause) != 0) {
			fprintf(stderr, "moonbench: %s\n", cause);
			free(cause);
			if (rc == MB_EXIT_OK)
				rc = MB_EXIT_FAILED;
		}
		return (rc);
	}
	if (strchr(argv[0], '=') != NULL)
		cause = xfmt("expected a command before '%s'; did you mean "
		    "'moonbench run %s'?", argv[0], argv[0]);
	else
		cause = xfmt("unknown command '%s'; expected 'run' or a "
		    "workload file (FILE.lua) (see moonbench --help)", argv[0]);
	return (main_usage_error(cause));
}
