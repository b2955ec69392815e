/* Reading the engine's params into an activity's configuration. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activity_config.h"
#include "drivers.h"
#include "errpolicy.h"
#include "xmalloc.h"

#define ASYNC_MAX	1000000		/* ops in flight per activity */

const struct mb_param_spec mb_engine_params[] = {
	{ "driver", MB_PARAM_STRING, NULL,
	  "the driver that runs the ops (moonbench --list-drivers); default: "
	  "the workload's", 0, 0, NULL },
	{ "workload", MB_PARAM_STRING, NULL,
	  "a workload file (Lua) whose block of ops to run", 0, 0, NULL },
	{ "block", MB_PARAM_STRING, NULL,
	  "the workload's block to run (default: its only block, or main)",
	  0, 0, NULL },
	{ "seq", MB_PARAM_CHOICE, "bucket",
	  "how op ratios interleave: bucket (ABCABAA for 4,2,1), concat "
	  "(AAAABBC) or interval (ABCAABA)", 0, 0, "bucket|concat|interval" },
	{ "alias", MB_PARAM_STRING, NULL,
	  "the activity's name in progress, summaries and reports "
	  "(default: the driver's name)", 0, 0, NULL },
	{ "cycles", MB_PARAM_RANGE, NULL,
	  "the cycles to run: N (0..N), A..B (B excluded) or A..+N; "
	  "K M B suffixes (default: one pass over the op sequence, or "
	  "unbounded with duration=)", 0, 0, NULL },
	{ "stride", MB_PARAM_COUNT, NULL,
	  "consecutive cycles a motor takes at once (default: the length of "
	  "the op sequence)", 1, 0, NULL },
	{ "shard", MB_PARAM_SHARD, "0/1",
	  "run shard i of N: every N-th stride block from block i", 0, 0,
	  NULL },
	{ "duration", MB_PARAM_DURATION, NULL,
	  "stop after this long (30s, 5m, 1h); without cycles=, cycles are "
	  "unbounded", 0, 0, NULL },
	{ "threads", MB_PARAM_THREADS, "1",
	  "motors, one per thread: N (at most 1024), auto (one per CPU) or "
	  "Nx (N per CPU)", 0, 0, NULL },
	{ "rate", MB_PARAM_DOUBLE, "0",
	  "ops per second for the whole activity, on a schedule (response "
	  "time counts from when each op was due); 0: no limit", 0, 0, NULL },
	{ "striderate", MB_PARAM_DOUBLE, "0",
	  "strides per second, on a schedule: each stride's ops go out "
	  "together when it is due; 0: no limit", 0, 0, NULL },
	{ "burst", MB_PARAM_DOUBLE, NULL,
	  "with rate=: ops behind schedule catch up no faster than burst x "
	  "rate (e.g. 1.2); default: no cap", 0, 0, NULL },
	{ "warmup", MB_PARAM_STRING, NULL,
	  "run ops but keep them out of the summary and reports: a "
	  "duration (10s) from the start, or a count of first cycles (10K)",
	  0, 0, NULL },
	{ "async", MB_PARAM_COUNT, NULL,
	  "ops in flight for the whole activity, split evenly over the "
	  "threads (default: sync, one per thread)", 1, ASYNC_MAX, NULL },
	{ "errors", MB_PARAM_STRING, MB_ERRPOLICY_DEFAULT,
	  "what failed ops do, by error class: PATTERN[,PATTERN]:VERB[,VERB]"
	  ";... (first match wins; patterns are regular expressions over the "
	  "class; verbs stop warn count retry ignore histogram), e.g. "
	  "'timeout:retry,count;.*:stop'", 0, 0, NULL },
	{ "maxtries", MB_PARAM_COUNT, "10",
	  "with a retry verb: tries of one op in all, the first included",
	  1, 1000000, NULL },
	{ "timeout", MB_PARAM_DURATION, "60s",
	  "an op not complete this long after it started fails as class "
	  "timeout (each try anew); 0: no limit", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

/* Load the workload, choose its block, and list its params as known. */
static int
activity_config_workload(struct mb_activity_config *cfg, const char *file,
    const struct mb_params *params, char **cause)
{
	const char	*v;
	enum mb_seq	 mode = MB_SEQ_BUCKET;
	size_t		 i;

	if ((v = mb_params_get(params, "seq")) != NULL &&
	    mb_opseq_mode(v, &mode, cause) != 0)
		return (-1);
	if ((cfg->workload = mb_workload_load(file, params, cause)) == NULL)
		return (-1);
	if (mb_workload_select(cfg->workload, mb_params_get(params, "block"),
	    mode, cause) != 0)
		return (-1);
	cfg->workload_specs = xcalloc(cfg->workload->declared.n + 1,
	    sizeof *cfg->workload_specs);
	for (i = 0; i < cfg->workload->declared.n; i++) {
		cfg->workload_specs[i].name = cfg->workload->declared.v[i].name;
		cfg->workload_specs[i].type = MB_PARAM_STRING;
		cfg->workload_specs[i].def = cfg->workload->declared.v[i].value;
		cfg->workload_specs[i].help = "a param of the workload";
	}
	return (0);
}

/* warmup=10s (a duration) or warmup=10K (the first cycles). */
static int
activity_config_warmup(struct mb_activity_config *cfg, const char *v,
    char **cause)
{
	char	*why = NULL;

	if (mb_param_duration("warmup", v, &cfg->warmup_ns, &why) == 0)
		return (0);
	free(why);
	why = NULL;
	if (mb_param_count("warmup", v, 0, 0, &cfg->warmup_cycles, &why) == 0)
		return (0);
	free(why);
	*cause = xfmt("warmup: expected a duration like 10s or a count of "
	    "cycles like 10K, got '%s'", v);
	return (-1);
}

/* errors=, maxtries= and timeout=: what a failed or silent op does. */
static int
activity_config_errors(struct mb_activity_config *cfg,
    const struct mb_params *params, char **cause)
{
	const char	*v;

	v = mb_params_get(params, "errors");
	cfg->errors = mb_errpolicy_parse(v != NULL ? v : MB_ERRPOLICY_DEFAULT,
	    cause);
	if (cfg->errors == NULL)
		return (-1);
	cfg->maxtries = 10;
	if ((v = mb_params_get(params, "maxtries")) != NULL &&
	    mb_param_count("maxtries", v, 1, 1000000, &cfg->maxtries,
	    cause) != 0)
		return (-1);
	cfg->timeout_ns = 60ULL * 1000000000ULL;
	if ((v = mb_params_get(params, "timeout")) != NULL &&
	    mb_param_duration("timeout", v, &cfg->timeout_ns, cause) != 0)
		return (-1);
	return (0);
}

static uint32_t
activity_config_ncpu(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return (n < 1 ? 1 : (uint32_t)n);
}

int
mb_activity_config_parse(struct mb_activity_config *cfg,
    const struct mb_params *params, const struct mb_driver *driver,
    uint64_t seq_len, char **cause)
{
	const struct mb_param_spec	*tables[4];
	const char			*v, *near;
	uint64_t			 n;
	int				 have_cycles = 0;

	memset(cfg, 0, sizeof *cfg);
	mb_params_init(&cfg->params);

	if ((v = mb_params_get(params, "workload")) != NULL) {
		if (activity_config_workload(cfg, v, params, cause) != 0)
			goto fail;
		seq_len = cfg->workload->seqlen;
		if (mb_params_get(params, "driver") == NULL &&
		    cfg->workload->driver != NULL) {
			driver = mb_drivers_find(cfg->workload->driver);
			if (driver == NULL) {
				*cause = xfmt("%s: driver '%s' is not one this "
				    "moonbench has (see moonbench "
				    "--list-drivers)", v,
				    cfg->workload->driver);
				goto fail;
			}
		}
	}
	if ((v = mb_params_get(params, "driver")) != NULL) {
		if ((driver = mb_drivers_find(v)) == NULL) {
			near = mb_drivers_nearest(v);
			if (near != NULL)
				*cause = xfmt("driver: unknown driver '%s' (did "
				    "you mean '%s'?)", v, near);
			else
				*cause = xfmt("driver: unknown driver '%s' (see "
				    "moonbench --list-drivers)", v);
			goto fail;
		}
	}
	if (driver == NULL) {
		*cause = xstrdup("driver: no driver given; add driver=NAME "
		    "(see moonbench --list-drivers)");
		goto fail;
	}
	cfg->driver = driver;
	tables[0] = mb_engine_params;
	tables[1] = driver->params;
	tables[2] = cfg->workload_specs;
	tables[3] = NULL;
	if (mb_params_validate(params, tables, cause) != 0)
		goto fail;

	/* Defaults first, then what was given, so the driver sees them all. */
	for (n = 0; driver->params[n].name != NULL; n++) {
		if (driver->params[n].def != NULL)
			mb_params_set(&cfg->params, driver->params[n].name,
			    driver->params[n].def);
	}
	for (n = 0; n < params->n; n++)
		mb_params_set(&cfg->params, params->v[n].name,
		    params->v[n].value);

	v = mb_params_get(params, "alias");
	if (v != NULL && *v != '\0')
		cfg->alias = xstrdup(v);
	else if (cfg->workload != NULL)
		cfg->alias = xstrdup(cfg->workload->block->name);
	else
		cfg->alias = xstrdup(driver->name);

	if (seq_len == 0)
		seq_len = 1;
	cfg->stride = seq_len;
	if ((v = mb_params_get(params, "stride")) != NULL &&
	    mb_param_count("stride", v, 1, 0, &cfg->stride, cause) != 0)
		goto fail;

	cfg->shard_index = 0;
	cfg->shard_count = 1;
	if ((v = mb_params_get(params, "shard")) != NULL &&
	    mb_param_shard("shard", v, &cfg->shard_index, &cfg->shard_count,
	    cause) != 0)
		goto fail;

	if ((v = mb_params_get(params, "duration")) != NULL) {
		if (mb_param_duration("duration", v, &cfg->duration_ns,
		    cause) != 0)
			goto fail;
		if (cfg->duration_ns == 0) {
			*cause = xfmt("duration: expected a positive duration "
			    "like 30s, got '%s'", v);
			goto fail;
		}
	}
	if ((v = mb_params_get(params, "cycles")) != NULL) {
		if (mb_param_range("cycles", v, &cfg->cycle_start,
		    &cfg->cycle_end, cause) != 0)
			goto fail;
		if (cfg->cycle_end == MB_CYCLE_UNBOUNDED) {
			/* That end is the marker of an unbounded range. */
			*cause = xfmt("cycles: '%s' ends at %llu; the end must "
			    "be below it (or use duration= for an unbounded "
			    "run)", v, (unsigned long long)MB_CYCLE_UNBOUNDED);
			goto fail;
		}
		have_cycles = 1;
	}
	if (!have_cycles) {
		/* NoSQLBench's default: one pass; unbounded with a duration. */
		cfg->cycle_start = 0;
		cfg->cycle_end = cfg->duration_ns != 0 ? MB_CYCLE_UNBOUNDED :
		    seq_len;
	}

	if ((v = mb_params_get(params, "rate")) != NULL) {
		if (mb_param_double("rate", v, &cfg->rate, cause) != 0)
			goto fail;
		if (cfg->rate < 0 || cfg->rate > 1e10) {
			*cause = xfmt("rate: expected ops per second from 0 (no "
			    "limit) to 1e10, got '%s'", v);
			goto fail;
		}
	}
	if ((v = mb_params_get(params, "striderate")) != NULL) {
		if (mb_param_double("striderate", v, &cfg->striderate,
		    cause) != 0)
			goto fail;
		if (cfg->striderate < 0 || cfg->striderate > 1e10) {
			*cause = xfmt("striderate: expected strides per second "
			    "from 0 (no limit) to 1e10, got '%s'", v);
			goto fail;
		}
	}
	if ((v = mb_params_get(params, "burst")) != NULL) {
		if (mb_param_double("burst", v, &cfg->burst, cause) != 0)
			goto fail;
		if (cfg->rate <= 0 || cfg->burst <= 1 || cfg->burst > 1e6) {
			*cause = xfmt("burst: expected a number above 1 with "
			    "rate= (burst=1.2 lets ops behind schedule catch "
			    "up at 1.2 x rate), got '%s'%s", v, cfg->rate <= 0 ?
			    " without rate=" : "");
			goto fail;
		}
	}
	if ((v = mb_params_get(params, "warmup")) != NULL) {
		if (activity_config_warmup(cfg, v, cause) != 0)
			goto fail;
		/* A warmup that covers the whole run measures nothing. */
		if (cfg->warmup_cycles != 0 && cfg->cycle_end !=
		    MB_CYCLE_UNBOUNDED && cfg->warmup_cycles >=
		    cfg->cycle_end - cfg->cycle_start) {
			*cause = xfmt("warmup: %s cycles cover the whole run "
			    "(cycles=%s), so nothing would be measured; give "
			    "a shorter warmup", v, mb_params_get(params,
			    "cycles") != NULL ? mb_params_get(params,
			    "cycles") : "one pass");
			goto fail;
		}
		if (cfg->warmup_ns != 0 && cfg->duration_ns != 0 &&
		    cfg->warmup_ns >= cfg->duration_ns) {
			*cause = xfmt("warmup: %s covers the whole run "
			    "(duration=%s), so nothing would be measured; give "
			    "a shorter warmup", v, mb_params_get(params,
			    "duration"));
			goto fail;
		}
	}
	cfg->threads = 1;
	if ((v = mb_params_get(params, "threads")) != NULL &&
	    mb_param_threads("threads", v, activity_config_ncpu(),
	    &cfg->threads, cause) != 0)
		goto fail;

	if ((v = mb_params_get(params, "async")) != NULL) {
		if (mb_param_count("async", v, 1, ASYNC_MAX, &n, cause) != 0)
			goto fail;
		if (!(driver->flags & MB_DRIVER_ASYNC)) {
			*cause = xfmt("async: driver '%s' has no async action; "
			    "remove async=%s to run it sync (one op in flight "
			    "per thread)", driver->name, v);
			goto fail;
		}
		if (n < cfg->threads) {
			*cause = xfmt("async: async=%llu is below threads=%u; "
			    "every thread needs at least one op in flight",
			    (unsigned long long)n, cfg->threads);
			goto fail;
		}
		cfg->async = (uint32_t)n;
	} else if (!(driver->flags & MB_DRIVER_SYNC)) {
		*cause = xfmt("async: driver '%s' has only an async action; "
		    "give async=N (N >= threads)", driver->name);
		goto fail;
	}
	if (activity_config_errors(cfg, params, cause) != 0)
		goto fail;
	return (0);

fail:
	mb_activity_config_free(cfg);
	return (-1);
}

void
mb_activity_config_free(struct mb_activity_config *cfg)
{
	free(cfg->alias);
	cfg->alias = NULL;
	mb_params_free(&cfg->params);
	mb_workload_free(cfg->workload);
	cfg->workload = NULL;
	free(cfg->workload_specs);
	cfg->workload_specs = NULL;
	mb_errpolicy_free(cfg->errors);
	cfg->errors = NULL;
}

uint32_t
mb_activity_config_share(const struct mb_activity_config *cfg, uint32_t i)
{
	if (cfg->async == 0)
		return (1);
	return (cfg->async / cfg->threads + (i < cfg->async % cfg->threads));
}
