/* Thresholds on an ended activity's results. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "hdr.h"
#include "params.h"
#include "threshold.h"
#include "units.h"
#include "xmalloc.h"

enum threshold_kind {
	THRESHOLD_LATENCY,	/* ns; at most by default */
	THRESHOLD_RATIO,	/* errors / ops; at most */
	THRESHOLD_RATE,		/* ops/s; at least */
	THRESHOLD_COUNT,	/* ops; at least */
};

static const struct {
	const char		*name;
	enum threshold_kind	 kind;
	double			 pct;	/* percentile; -1 max, -2 mean */
} threshold_metrics[] = {
	{ "p50", THRESHOLD_LATENCY, 50 },
	{ "p90", THRESHOLD_LATENCY, 90 },
	{ "p95", THRESHOLD_LATENCY, 95 },
	{ "p99", THRESHOLD_LATENCY, 99 },
	{ "p999", THRESHOLD_LATENCY, 99.9 },
	{ "p99.9", THRESHOLD_LATENCY, 99.9 },
	{ "p9999", THRESHOLD_LATENCY, 99.99 },
	{ "p99.99", THRESHOLD_LATENCY, 99.99 },
	{ "max", THRESHOLD_LATENCY, -1 },
	{ "mean", THRESHOLD_LATENCY, -2 },
	{ "errors", THRESHOLD_RATIO, 0 },
	{ "rate", THRESHOLD_RATE, 0 },
	{ "ops", THRESHOLD_COUNT, 0 },
};
#define THRESHOLD_NMETRICS \
	(int)(sizeof threshold_metrics / sizeof threshold_metrics[0])

static int
threshold_metric(const char *name, size_t len)
{
	int	i;

	for (i = 0; i < THRESHOLD_NMETRICS; i++) {
		if (strlen(threshold_metrics[i].name) == len &&
		    strncmp(threshold_metrics[i].name, name, len) == 0)
			return (i);
	}
	return (-1);
}

static int
threshold_value(struct mb_threshold *t, const char *v, char **cause)
{
	uint64_t	u;
	char		*name;
	int		 rc;

	name = xfmt("--threshold %s", t->text);
	switch (threshold_metrics[t->metric].kind) {
	case THRESHOLD_LATENCY:
		rc = mb_param_duration(name, v, &u, cause);
		t->bound = (double)u;
		break;
	case THRESHOLD_RATIO:
		rc = mb_param_fraction(name, v, &t->bound, cause);
		break;
	case THRESHOLD_RATE:
		rc = mb_param_double(name, v, &t->bound, cause);
		if (rc != 0) {
			free(*cause);
			*cause = NULL;
			rc = mb_param_count(name, v, 0, 0, &u, cause);
			t->bound = (double)u;
		}
		break;
	default:
		rc = mb_param_count(name, v, 0, 0, &u, cause);
		t->bound = (double)u;
		break;
	}
	free(name);
	return (rc);
}

int
mb_thresholds_add(struct mb_thresholds *ts, const char *expr, char **cause)
{
	struct mb_threshold	 t;
	const char		*op, *name, *dot;
	size_t			 len;
	int			 i;

	memset(&t, 0, sizeof t);
	t.text = (char *)expr;
	if ((op = strpbrk(expr, "<>=")) == NULL || op == expr) {
		*cause = xfmt("--threshold: expected NAME<VALUE, NAME>=VALUE "
		    "or ACTIVITY.NAME<VALUE like p99<10ms, got '%s'", expr);
		return (-1);
	}
	/* The name: a metric, or ACTIVITY.METRIC (p99.9 is a metric). */
	name = expr;
	len = (size_t)(op - expr);
	if ((t.metric = threshold_metric(name, len)) < 0 &&
	    (dot = memchr(expr, '.', len)) != NULL) {
		t.metric = threshold_metric(dot + 1, (size_t)(op - dot - 1));
		if (t.metric >= 0)
			t.activity = xstrndup(expr, (size_t)(dot - expr));
	}
	if (t.metric < 0) {
		*cause = xfmt("--threshold '%s': unknown metric '%.*s'; "
		    "expected one of", expr, (int)len, name);
		for (i = 0; i < THRESHOLD_NMETRICS; i++) {
			char	*old = *cause;

			*cause = xfmt("%s%s %s", old, i > 0 ? "," : "",
			    threshold_metrics[i].name);
			free(old);
		}
		return (-1);
	}
	if (op[0] == '=') {
		/* A bare bound: at least for rates and counts. */
		t.op = threshold_metrics[t.metric].kind >= THRESHOLD_RATE ?
		    'g' : 'l';
		op++;
	} else if (op[1] == '=') {
		t.op = op[0] == '<' ? 'l' : 'g';
		op += 2;
	} else {
		t.op = op[0];
		op++;
	}
	t.text = xstrdup(expr);
	if (threshold_value(&t, op, cause) != 0) {
		free(t.text);
		free(t.activity);
		return (-1);
	}
	ts->v = xreallocarray(ts->v, ts->n + 1, sizeof *ts->v);
	ts->v[ts->n++] = t;
	return (0);
}

void
mb_thresholds_free(struct mb_thresholds *ts)
{
	size_t	i;

	for (i = 0; i < ts->n; i++) {
		free(ts->v[i].text);
		free(ts->v[i].activity);
	}
	free(ts->v);
	ts->v = NULL;
	ts->n = 0;
}

/* The measured value of metric i, and its text. */
static double
threshold_measure(const struct mb_activity *a, int i, char *buf, size_t len)
{
	const struct mb_activity_totals	*t = mb_activity_totals(a);
	const struct hdr		*h;
	double				 v, secs;

	h = t->response != NULL ? t->response : t->service;
	switch (threshold_metrics[i].kind) {
	case THRESHOLD_LATENCY:
		if (threshold_metrics[i].pct == -1)
			v = (double)hdr_max(h);
		else if (threshold_metrics[i].pct == -2)
			v = hdr_mean(h);
		else
			v = (double)hdr_percentile(h, threshold_metrics[i].pct);
		mb_units_ns(buf, len, v);
		return (v);
	case THRESHOLD_RATIO:
		v = t->ops > 0 ? (double)t->errors / (double)t->ops : 0;
		snprintf(buf, len, "%.4g%%", v * 100);
		return (v);
	case THRESHOLD_RATE:
		secs = (double)t->elapsed_ns / 1e9;
		v = secs > 0 ? (double)t->ops / secs : 0;
		snprintf(buf, len, "%.0f/s", v);
		return (v);
	default:
		v = (double)t->ops;
		snprintf(buf, len, "%.0f", v);
		return (v);
	}
}

int
mb_thresholds_check(const struct mb_thresholds *ts,
    const struct mb_activity *a, FILE *f, struct mb_thresholds *into)
{
	const struct mb_threshold	*t;
	const char			*alias = mb_activity_config(a)->alias;
	char				 buf[32];
	double				 v;
	size_t				 i;
	int				 met, failed = 0;

	for (i = 0; i < ts->n; i++) {
		t = &ts->v[i];
		if (t->activity != NULL && strcmp(t->activity, alias) != 0)
			continue;
		v = threshold_measure(a, t->metric, buf, sizeof buf);
		switch (t->op) {
		case '<':
			met = v < t->bound;
			break;
		case 'l':
			met = v <= t->bound;
			break;
		case '>':
			met = v > t->bound;
			break;
		default:
			met = v >= t->bound;
			break;
		}
		/* No op at all meets no latency bound. */
		if (threshold_metrics[t->metric].kind == THRESHOLD_LATENCY &&
		    mb_activity_totals(a)->ok == 0)
			met = 0;
		fprintf(f, "moonbench: threshold %s %s: %s %s = %s\n", t->text,
		    met ? "met" : "FAILED", alias,
		    threshold_metrics[t->metric].name, buf);
		into->checked++;
		if (!met) {
			into->failed++;
			failed++;
		}
	}
	return (failed);
}

void
mb_thresholds_report(const struct mb_thresholds *ts, FILE *f)
{
	if (ts->checked == 0)
		return;
	if (ts->failed == 0)
		fprintf(f, "moonbench: all %u threshold%s met\n", ts->checked,
		    ts->checked == 1 ? "" : "s");
	else
		fprintf(f, "moonbench: %u of %u threshold%s failed\n",
		    ts->failed, ts->checked, ts->checked == 1 ? "" : "s");
}
