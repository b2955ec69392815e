/* Printing what an activity did once it ended. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "activity.h"
#include "hdr.h"
#include "summary.h"
#include "units.h"

static void
summary_range(char *buf, size_t len, const struct mb_activity_config *cfg)
{
	if (cfg->cycle_end == MB_CYCLE_UNBOUNDED)
		snprintf(buf, len, "%" PRIu64 "..", cfg->cycle_start);
	else
		snprintf(buf, len, "%" PRIu64 "..%" PRIu64, cfg->cycle_start,
		    cfg->cycle_end);
}

static void
summary_timer(FILE *f, const char *indent, const char *name,
    const struct hdr *h)
{
	static const double	 pcts[] = { 50, 90, 99, 99.9, 99.99 };
	static const char	*names[] = { "p50", "p90", "p99", "p99.9",
				    "p99.99" };
	char			 b1[32], b2[32];
	size_t			 i;

	if (hdr_count(h) == 0)
		return;
	fprintf(f, "%s%-13s", indent, name);
	for (i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
		fprintf(f, "%s%s %s", i > 0 ? " " : "", names[i],
		    mb_units_ns(b1, sizeof b1,
		    (double)hdr_percentile(h, pcts[i])));
	}
	fprintf(f, " max %s mean %s\n",
	    mb_units_ns(b1, sizeof b1, (double)hdr_max(h)),
	    mb_units_ns(b2, sizeof b2, hdr_mean(h)));
}

/* "(9 ok, 1 error, 2 ignored" with what is there; the caller closes it. */
static void
summary_outcomes(FILE *f, uint64_t ok, uint64_t errors, uint64_t ignored)
{
	fprintf(f, "(%" PRIu64 " ok, %" PRIu64 " error%s", ok, errors,
	    errors == 1 ? "" : "s");
	if (ignored != 0)
		fprintf(f, ", %" PRIu64 " ignored", ignored);
}

/* "retries     12 (timeout 10, redis-error 2)" */
static void
summary_retries(FILE *f, const char *indent, uint64_t retries,
    const uint64_t *by_class)
{
	int	c, first = 1;

	if (retries == 0)
		return;
	fprintf(f, "%sretries     %" PRIu64 " (", indent, retries);
	for (c = 1; c < MB_ERRCLASS_MAX; c++) {
		if (by_class[c] == 0)
			continue;
		fprintf(f, "%s%s %" PRIu64, first ? "" : ", ",
		    mb_errclass_name(c), by_class[c]);
		first = 0;
	}
	fprintf(f, ")\n");
}

/* With several ops in the block, each op's own line and timers. */
static void
summary_ops(FILE *f, const struct mb_activity *a, double secs)
{
	const struct mb_activity_config	*cfg = mb_activity_config(a);
	const struct mb_activity_totals	*t = mb_activity_totals(a);
	const struct mb_opstats		*o;
	char				 b1[32];
	uint64_t			 n;
	uint32_t			 i;

	if (t->nop < 2)
		return;
	for (i = 0; i < t->nop; i++) {
		o = &t->op[i];
		n = o->ok + o->errors + o->ignored;
		fprintf(f, "  op %-9s %" PRIu64 " ", cfg->workload->block->
		    ops[i].name, n);
		summary_outcomes(f, o->ok, o->errors, o->ignored);
		fprintf(f, "), %s op/s\n", mb_units_count(b1, sizeof b1,
		    secs > 0 ? (double)n / secs : 0));
		summary_retries(f, "    ", o->retries, o->retries_by_class);
		summary_timer(f, "    ", "servicetime", o->t.service);
		if (o->t.response != NULL)
			summary_timer(f, "    ", "responsetime",
			    o->t.response);
	}
}

void
mb_summary_print(FILE *f, const struct mb_activity *a)
{
	const struct mb_activity_config	*cfg = mb_activity_config(a);
	const struct mb_activity_totals	*t = mb_activity_totals(a);
	char				 b1[32], b2[32], range[64];
	double				 secs, rate_secs;
	int				 c;

	secs = (double)t->elapsed_ns / 1e9;
	/* The rate of what was measured: a timed warmup is not in it. */
	rate_secs = cfg->warmup_ns != 0 && t->elapsed_ns > cfg->warmup_ns ?
	    (double)(t->elapsed_ns - cfg->warmup_ns) / 1e9 : secs;
	summary_range(range, sizeof range, cfg);
	if (mb_activity_started_ns(a) == 0)	/* never passed its start */
		fprintf(f, "%s (%s): %s before it started\n", cfg->alias,
		    cfg->driver->name, mb_state_name(mb_activity_state(a)));
	else
		fprintf(f, "%s (%s): %s in %s\n", cfg->alias,
		    cfg->driver->name, mb_state_name(mb_activity_state(a)),
		    mb_units_ns(b1, sizeof b1, (double)t->elapsed_ns));
	if (cfg->shard_count > 1)
		fprintf(f, "  cycles      %s, shard %u/%u\n", range,
		    cfg->shard_index, cfg->shard_count);
	else
		fprintf(f, "  cycles      %s\n", range);
	if (cfg->async != 0)
		fprintf(f, "  threads     %u, async %u", cfg->threads,
		    cfg->async);
	else
		fprintf(f, "  threads     %u, sync", cfg->threads);
	if (cfg->rate > 0)
		fprintf(f, ", rate %g op/s", cfg->rate);
	if (cfg->striderate > 0)
		fprintf(f, ", striderate %g/s (stride %llu)", cfg->striderate,
		    (unsigned long long)cfg->stride);
	fputc('\n', f);
	fprintf(f, "  ops         %" PRIu64 " ", t->ops);
	summary_outcomes(f, t->ok, t->errors, t->ignored);
	if (t->aborted != 0)
		fprintf(f, ", %" PRIu64 " aborted in flight", t->aborted);
	fprintf(f, "), %s op/s\n", mb_units_count(b2, sizeof b2,
	    rate_secs > 0 ? (double)t->ops / rate_secs : 0));
	if (t->warmup != 0)
		fprintf(f, "  warmup      %" PRIu64 " ops run first, not counted "
		    "here\n", t->warmup);
	summary_retries(f, "  ", t->retries, t->retries_by_class);
	for (c = 1; c < MB_ERRCLASS_MAX; c++) {
		if (t->by_class[c] != 0)
			fprintf(f, "  error       %-20s %" PRIu64 "\n",
			    mb_errclass_name(c), t->by_class[c]);
		/* The histogram verb: how long the failures took. */
		if (t->err_hist[c] != NULL)
			summary_timer(f, "    ", mb_errclass_name(c),
			    t->err_hist[c]);
	}
	if (t->warnings_dropped != 0)
		fprintf(f, "  warnings    %" PRIu64 " more not shown (after "
		    "10, one a second per thread)\n", t->warnings_dropped);
	summary_timer(f, "  ", "servicetime", t->service);
	if (t->response != NULL)
		summary_timer(f, "  ", "responsetime", t->response);
	if (t->wait != NULL)
		summary_timer(f, "  ", "waittime", t->wait);
	/* The client's own cost: when it nears a core per thread, or ops
	 * wait long behind their schedule, the client is the bottleneck. */
	if (t->ops + t->warmup > 0) {
		fprintf(f, "  client      cpu %s in %u motor thread%s (%s per op, "
		    "%.0f%% of %u core%s)", mb_units_ns(b1, sizeof b1,
		    (double)t->cpu_ns), cfg->threads, cfg->threads == 1 ? "" :
		    "s", mb_units_ns(b2, sizeof b2, (double)t->cpu_ns /
		    (double)(t->ops + t->warmup)), secs > 0 ? 100.0 *
		    (double)t->cpu_ns / 1e9 / secs / cfg->threads : 0,
		    cfg->threads, cfg->threads == 1 ? "" : "s");
		if (t->wait != NULL && hdr_count(t->wait) > 0)
			fprintf(f, "; behind schedule p99 %s max %s",
			    mb_units_ns(b1, sizeof b1, (double)hdr_percentile(
			    t->wait, 99)), mb_units_ns(b2, sizeof b2,
			    (double)hdr_max(t->wait)));
		fputc('\n', f);
	}
	summary_ops(f, a, rate_secs);
}
