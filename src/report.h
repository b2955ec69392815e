/*
 * Report files (--report-dir DIR): metrics.csv (a row per interval and
 * timer), histograms.hlog (an HdrHistogram interval log, tags
 * activity.op.timer) and, when the run ends, summary.json with the run's
 * metadata and every activity's totals. Written as the run goes, so an
 * interrupted run still leaves complete files.
 */
#ifndef MB_REPORT_H
#define MB_REPORT_H

#include <stdio.h>

struct mb_activity;
struct mb_report;

/* argv: the command line, for the metadata. */
struct mb_report *mb_report_open(const char *dir, int argc, char **argv,
		     char **cause);
/* An activity's interval just collected (or its last, at its end). */
void		 mb_report_interval(struct mb_report *,
		     const struct mb_activity *);
/* An activity ended: its last interval and its totals for summary.json. */
void		 mb_report_activity(struct mb_report *,
		     const struct mb_activity *);
/* A sweep's results (moonbench.sweep): writes DIR/sweep-NAME.json and
 * .csv, keeps the JSON for report.html; the path without its extension,
 * or NULL and *cause. */
char		*mb_report_sweep(struct mb_report *, const char *name,
		     const char *json, const char *csv, char **cause);
/* report.html (report_html.c): a self-contained page, charts drawn from
 * the JSON items given (each may be NULL). */
void		 mb_report_html(FILE *, const char *command, const char *date,
		     const char *activities, const char *intervals,
		     const char *sweeps);
/* Write summary.json and report.html and close everything; -1 and
 * *cause on failure. */
int		 mb_report_close(struct mb_report *, int exit_status,
		     char **cause);

#endif
