/* Report files: metrics.csv, histograms.hlog, summary.json. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "activity.h"
#include "clock.h"
#include "errclass.h"
#include "hdr.h"
#include "hdr_log.h"
#include "report.h"
#include "xmalloc.h"

static const char *const report_timers[] = {
	"servicetime", "responsetime", "waittime", NULL
};

struct mb_report {
	char			*dir;
	FILE			*csv;
	FILE			*hlog;
	struct hdr_log_writer	*writer;
	char			*json;		/* activities, as JSON items */
	size_t			 nacts;
	uint64_t		 base_ns;	/* monotonic time of the start */
	double			 start_epoch;	/* wall clock of the start */
	char			*command;	/* argv as a JSON array */
	int			 failed;	/* a write failed */
	/* For report.html: every interval's latencies over all ops, and
	 * every sweep's JSON, as JSON array items. */
	char			*series;
	char			*sweeps;
};

/* s as a JSON string (quoted, escaped), appended to *out. */
static void
report_json_str(char **out, const char *s)
{
	char	*old = *out, *buf, *p;
	size_t	 n = strlen(s);

	buf = p = xmalloc(n * 6 + 3);
	*p++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			*p++ = '\\';
			*p++ = *s;
		} else if ((unsigned char)*s < 0x20)
			p += sprintf(p, "\\u%04x", (unsigned char)*s);
		else
			*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	xasprintf(out, "%s%s", old != NULL ? old : "", buf);
	free(old);
	free(buf);
}

static void
report_cat(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report_cat(char **out, const char *fmt, ...)
{
	va_list	 ap;
	char	*add, *old = *out;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) < 0)
		abort();
	va_end(ap);
	xasprintf(out, "%s%s", old != NULL ? old : "", add);
	free(old);
	free(add);
}

static int
report_mkdir(const char *dir, char **cause)
{
	char	*copy, *p;

	copy = xstrdup(dir);
	for (p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char	c = *p;

			*p = '\0';
			if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
				*cause = xfmt("--report-dir: cannot create "
				    "'%s': %s", copy, strerror(errno));
				free(copy);
				return (-1);
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(copy);
	return (0);
}

struct mb_report *
mb_report_open(const char *dir, int argc, char **argv, char **cause)
{
	struct mb_report	*r;
	struct timespec		 ts;
	char			*path;
	int			 i;

	if (report_mkdir(dir, cause) != 0)
		return (NULL);
	r = xcalloc(1, sizeof *r);
	r->dir = xstrdup(dir);
	r->base_ns = mb_clock_ns();
	clock_gettime(CLOCK_REALTIME, &ts);
	r->start_epoch = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	report_cat(&r->command, "[");
	for (i = 0; i < argc; i++) {
		if (i > 0)
			report_cat(&r->command, ", ");
		report_json_str(&r->command, argv[i]);
	}
	report_cat(&r->command, "]");

	path = xfmt("%s/metrics.csv", dir);
	r->csv = fopen(path, "w");
	free(path);
	path = xfmt("%s/histograms.hlog", dir);
	r->hlog = fopen(path, "w");
	free(path);
	if (r->csv == NULL || r->hlog == NULL) {
		*cause = xfmt("--report-dir: cannot write in '%s': %s", dir,
		    strerror(errno));
		goto fail;
	}
	fprintf(r->csv, "activity,op,timer,start_s,length_s,count,p50_ns,p90_ns,"
	    "p99_ns,p999_ns,p9999_ns,max_ns,mean_ns\n");
	if ((r->writer = hdr_log_writer_open(r->hlog, r->start_epoch,
	    cause)) == NULL)
		goto fail;
	return (r);
fail:
	if (r->csv != NULL)
		fclose(r->csv);
	if (r->hlog != NULL)
		fclose(r->hlog);
	free(r->command);
	free(r->dir);
	free(r);
	return (NULL);
}

/* One interval of one timer: a CSV row and an hlog line tagged
 * ACTIVITY.OP.TIMER (OP "all" for every op of the activity). */
static void
report_interval_timer(struct mb_report *r, const char *alias,
    const char *op, const char *timer, double start, double len,
    const struct hdr *h)
{
	char	*tag, *cause = NULL;

	fprintf(r->csv, "%s,%s,%s,%.3f,%.3f,%" PRIu64 ",%" PRId64 ",%"
	    PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
	    ",%.0f\n", alias, op, timer, start, len, hdr_count(h),
	    hdr_percentile(h, 50), hdr_percentile(h, 90),
	    hdr_percentile(h, 99), hdr_percentile(h, 99.9),
	    hdr_percentile(h, 99.99), hdr_max(h), hdr_mean(h));
	tag = xfmt("%s.%s.%s", alias, op, timer);
	if (hdr_log_write(r->writer, tag, start, len, h, &cause) != 0) {
		fprintf(stderr, "moonbench: --report-dir: %s\n", cause);
		free(cause);
		r->failed = 1;
	}
	free(tag);
}

/* One interval of an activity for report.html's charts over time. */
static void
report_series(struct mb_report *r, const char *alias, double start,
    double len, const struct hdr *h)
{
	if (h == NULL || len <= 0)
		return;
	report_cat(&r->series, "%s\n{\"activity\": ", r->series != NULL ?
	    "," : "");
	report_json_str(&r->series, alias);
	report_cat(&r->series, ", \"start_s\": %.3f, \"length_s\": %.3f, "
	    "\"count\": %" PRIu64 ", \"p50_ns\": %" PRId64 ", \"p90_ns\": %"
	    PRId64 ", \"p99_ns\": %" PRId64 ", \"p999_ns\": %" PRId64
	    ", \"max_ns\": %" PRId64 "}", start, len, hdr_count(h),
	    hdr_percentile(h, 50), hdr_percentile(h, 90),
	    hdr_percentile(h, 99), hdr_percentile(h, 99.9), hdr_max(h));
}

/* A sweep's results: DIR/sweep-NAME.json and .csv now, and its JSON for
 * report.html at the end. */
char *
mb_report_sweep(struct mb_report *r, const char *name, const char *json,
    const char *csv, char **cause)
{
	const char	*ext[] = { "json", "csv" }, *text[] = { json, csv };
	char		*path;
	FILE		*f;
	int		 i;

	if (*name == '\0' || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(name)) {
		*cause = xfmt("sweep name '%s': expected letters, digits, "
		    "'_', '-' or '.'", name);
		return (NULL);
	}
	for (i = 0; i < 2; i++) {
		path = xfmt("%s/sweep-%s.%s", r->dir, name, ext[i]);
		if ((f = fopen(path, "w")) == NULL ||
		    fputs(text[i], f) == EOF || fclose(f) != 0) {
			*cause = xfmt("--report-dir: cannot write '%s': %s",
			    path, strerror(errno));
			free(path);
			return (NULL);
		}
		free(path);
	}
	report_cat(&r->sweeps, "%s\n%s", r->sweeps != NULL ? "," : "", json);
	return (xfmt("%s/sweep-%s", r->dir, name));
}

void
mb_report_interval(struct mb_report *r, const struct mb_activity *a)
{
	const struct mb_activity_config	*cfg = mb_activity_config(a);
	const char *const		*t;
	const struct hdr		*h;
	uint64_t			 s_ns, e_ns;
	double				 start, len;
	int				 op, nop;

	mb_activity_interval_times(a, &s_ns, &e_ns);
	start = s_ns > r->base_ns ? (double)(s_ns - r->base_ns) / 1e9 : 0;
	len = e_ns > s_ns ? (double)(e_ns - s_ns) / 1e9 : 0;
	nop = (int)mb_activity_totals(a)->nop;
	report_series(r, cfg->alias, start, len, mb_activity_interval(a));
	for (op = -1; op < nop; op++) {
		for (t = report_timers; *t != NULL; t++) {
			if ((h = mb_activity_interval_timer(a, op, *t)) == NULL)
				continue;
			report_interval_timer(r, cfg->alias, op < 0 ? "all" :
			    cfg->workload->block->ops[op].name, *t, start, len,
			    h);
		}
	}
	fflush(r->csv);
	fflush(r->hlog);
}

static void
report_timer_obj(char **j, const struct hdr *h)
{
	report_cat(j, "{\"count\": %" PRIu64 ", \"p50_ns\": %" PRId64
	    ", \"p90_ns\": %" PRId64 ", \"p99_ns\": %" PRId64 ", \"p999_ns\": %"
	    PRId64 ", \"p9999_ns\": %" PRId64 ", \"max_ns\": %" PRId64
	    ", \"mean_ns\": %.0f}", hdr_count(h), hdr_percentile(h, 50),
	    hdr_percentile(h, 90), hdr_percentile(h, 99),
	    hdr_percentile(h, 99.9), hdr_percentile(h, 99.99), hdr_max(h),
	    hdr_mean(h));
}

static void
report_timer_json(char **j, const char *name, const struct hdr *h)
{
	report_cat(j, ", \"%s\": ", name);
	report_timer_obj(j, h);
}

/* "name": {"c1": n, ...} for the classes with a count. */
static void
report_classes_json(char **j, const char *name, const uint64_t *by_class)
{
	int	c, first = 1;

	report_cat(j, ", \"%s\": {", name);
	for (c = 1; c < MB_ERRCLASS_MAX; c++) {
		if (by_class[c] == 0)
			continue;
		report_cat(j, "%s", first ? "" : ", ");
		report_json_str(j, mb_errclass_name(c));
		report_cat(j, ": %" PRIu64, by_class[c]);
		first = 0;
	}
	report_cat(j, "}");
}

/* One op of the block: its counts and timers. */
static void
report_op_json(char **j, const char *name, const struct mb_opstats *o)
{
	report_json_str(j, name);
	report_cat(j, ": {\"ops\": %" PRIu64 ", \"ok\": %" PRIu64
	    ", \"errors\": %" PRIu64 ", \"ignored\": %" PRIu64
	    ", \"retries\": %" PRIu64, o->ok + o->errors + o->ignored, o->ok,
	    o->errors, o->ignored, o->retries);
	report_classes_json(j, "errors_by_class", o->by_class);
	report_classes_json(j, "retries_by_class", o->retries_by_class);
	report_timer_json(j, "servicetime", o->t.service);
	if (o->t.response != NULL)
		report_timer_json(j, "responsetime", o->t.response);
	if (o->t.wait != NULL)
		report_timer_json(j, "waittime", o->t.wait);
	report_cat(j, "}");
}

void
mb_report_activity(struct mb_report *r, const struct mb_activity *a)
{
	const struct mb_activity_config	*cfg = mb_activity_config(a);
	const struct mb_activity_totals	*t = mb_activity_totals(a);
	double				 secs = (double)t->elapsed_ns / 1e9;
	size_t				 i;
	int				 c, first = 1;
	char				*j = NULL;

	mb_report_interval(r, a);
	report_cat(&j, "%s\n    {\"name\": ", r->nacts > 0 ? "," : "");
	report_json_str(&j, cfg->alias);
	report_cat(&j, ", \"driver\": ");
	report_json_str(&j, cfg->driver->name);
	report_cat(&j, ", \"state\": \"%s\"",
	    mb_state_name(mb_activity_state(a)));
	if (mb_activity_cause(a) != NULL) {
		report_cat(&j, ", \"cause\": ");
		report_json_str(&j, mb_activity_cause(a));
	}
	if (cfg->workload != NULL) {
		report_cat(&j, ", \"workload\": ");
		report_json_str(&j, cfg->workload->file);
	}
	report_cat(&j, ", \"params\": {");
	for (i = 0; i < cfg->params.n; i++) {
		report_cat(&j, "%s", i > 0 ? ", " : "");
		report_json_str(&j, cfg->params.v[i].name);
		report_cat(&j, ": ");
		report_json_str(&j, cfg->params.v[i].value);
	}
	report_cat(&j, "}, \"threads\": %u, \"async\": %u, \"rate\": %g",
	    cfg->threads, cfg->async, cfg->rate);
	report_cat(&j, ", \"elapsed_s\": %.6f, \"ops\": %" PRIu64 ", \"ok\": %"
	    PRIu64 ", \"errors\": %" PRIu64 ", \"ignored\": %" PRIu64
	    ", \"retries\": %" PRIu64 ", \"aborted\": %" PRIu64
	    ", \"ops_per_s\": %.3f", secs, t->ops, t->ok, t->errors,
	    t->ignored, t->retries, t->aborted, secs > 0 ?
	    (double)t->ops / secs : 0);
	report_classes_json(&j, "errors_by_class", t->by_class);
	report_classes_json(&j, "retries_by_class", t->retries_by_class);
	report_cat(&j, ", \"warmup_ops\": %" PRIu64 ", \"max_inflight\": %u"
	    ", \"client_cpu_s\": %.6f", t->warmup, t->max_inflight,
	    (double)t->cpu_ns / 1e9);
	report_timer_json(&j, "servicetime", t->service);
	if (t->response != NULL)
		report_timer_json(&j, "responsetime", t->response);
	if (t->wait != NULL)
		report_timer_json(&j, "waittime", t->wait);
	report_cat(&j, ", \"error_histograms\": {");
	for (c = 1; c < MB_ERRCLASS_MAX; c++) {
		if (t->err_hist[c] == NULL)
			continue;
		report_cat(&j, "%s", first ? "" : ", ");
		report_json_str(&j, mb_errclass_name(c));
		report_cat(&j, ": ");
		report_timer_obj(&j, t->err_hist[c]);
		first = 0;
	}
	report_cat(&j, "}, \"by_op\": {");
	for (i = 0; i < t->nop; i++) {
		report_cat(&j, "%s", i > 0 ? ", " : "");
		report_op_json(&j, cfg->workload->block->ops[i].name,
		    &t->op[i]);
	}
	report_cat(&j, "}}");
	report_cat(&r->json, "%s", j);
	free(j);
	r->nacts++;
}

int
mb_report_close(struct mb_report *r, int exit_status, char **cause)
{
	FILE	*f;
	char	*path, *html, host[256], date[64];
	time_t	 now = (time_t)r->start_epoch;
	struct tm tm;
	int	 rc = 0;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	html = xfmt("%s/report.html", r->dir);
	hdr_log_writer_close(r->writer, cause);
	if (fclose(r->hlog) != 0 || fclose(r->csv) != 0 || r->failed)
		rc = -1;
	path = xfmt("%s/summary.json", r->dir);
	if ((f = fopen(path, "w")) == NULL) {
		*cause = xfmt("--report-dir: cannot write '%s': %s", path,
		    strerror(errno));
		rc = -1;
	} else {
		fprintf(f, "{\n  \"moonbench\": \"%s\",\n  \"start_time\": "
		    "\"%s\",\n  \"host\": ", PACKAGE_VERSION, date);
		free(r->dir);
		r->dir = NULL;
		{
			char	*h = NULL;

			report_json_str(&h, host);
			fprintf(f, "%s,\n  \"command\": %s,\n  \"exit_status\": "
			    "%d,\n  \"activities\": [%s\n  ]\n}\n", h,
			    r->command, exit_status, r->json != NULL ? r->json :
			    "");
			free(h);
		}
		if (fclose(f) != 0)
			rc = -1;
	}
	/* The page: everything it shows is in summary.json's activities,
	 * the intervals and the sweeps. */
	if ((f = fopen(html, "w")) == NULL) {
		if (*cause == NULL)
			*cause = xfmt("--report-dir: cannot write '%s': %s",
			    html, strerror(errno));
		rc = -1;
	} else {
		mb_report_html(f, r->command, date, r->json, r->series,
		    r->sweeps);
		if (fclose(f) != 0)
			rc = -1;
	}
	free(html);
	free(r->series);
	free(r->sweeps);
	if (rc != 0 && *cause == NULL)
		*cause = xstrdup("--report-dir: a report file could not be "
		    "written completely");
	free(path);
	free(r->dir);
	free(r->json);
	free(r->command);
	free(r);
	return (rc);
}
