/*
 * Thresholds: bounds an activity's results must meet, for CI pipelines
 * (--threshold 'p99<10ms', mb.run{ thresholds = {...} }). Latencies are
 * response time (service time without a rate); a bare value is a bound
 * that must hold: at most for latencies and errors, at least for rates.
 */
#ifndef MB_THRESHOLD_H
#define MB_THRESHOLD_H

#include <stddef.h>
#include <stdio.h>

struct mb_activity;

struct mb_threshold {
	char		*text;		/* as given, for messages */
	char		*activity;	/* NULL: every activity */
	int		 metric;	/* index in threshold.c's table */
	int		 op;		/* '<', 'l' (<=), '>', 'g' (>=) */
	double		 bound;		/* ns, a fraction, ops/s or ops */
};

struct mb_thresholds {
	struct mb_threshold *v;
	size_t		 n;
	unsigned	 checked;	/* bounds checked so far */
	unsigned	 failed;	/* of them, not met */
};

/* "p99<10ms", "main.p99<=10ms", "errors<0.1%", "rate>=9000" or a bare
 * "p99=10ms" (at most) and "rate=9000" (at least). */
int	mb_thresholds_add(struct mb_thresholds *, const char *expr,
	    char **cause);
void	mb_thresholds_free(struct mb_thresholds *);
/* Check an ended activity against the thresholds that name it or none,
 * print a line per bound to f, and count them in into (may be ts):
 * the number not met. */
int	mb_thresholds_check(const struct mb_thresholds *ts,
	    const struct mb_activity *, FILE *f, struct mb_thresholds *into);
/* One line for the end of the run, if any bound was checked. */
void	mb_thresholds_report(const struct mb_thresholds *, FILE *);

#endif
