/*
 * The controller's loop: one event_base on the main thread that watches
 * activities, signals and the progress timer. It is the only loop on that
 * thread and is never re-entered.
 */
#ifndef MB_CONTROL_H
#define MB_CONTROL_H

#include <stdint.h>

struct event_base;
struct mb_activity;
struct mb_control;
struct mb_report;
struct mb_thresholds;

struct mb_control_opts {
	uint64_t	progress_ns;	/* 0: no progress line */
	uint64_t	drain_ns;	/* after a stop, before cancelling */
	int		quiet;
	struct mb_report *report;	/* --report-dir, or NULL */
	struct mb_thresholds *thresholds; /* --threshold, or NULL */
};

/* Exit statuses of a run (DESIGN.md, CLI). */
#define MB_EXIT_OK		0
#define MB_EXIT_FAILED		1
#define MB_EXIT_USAGE		2
#define MB_EXIT_INTERRUPTED	130

struct mb_control	*mb_control_new(const struct mb_control_opts *,
			     char **cause);
void			 mb_control_free(struct mb_control *);
struct event_base	*mb_control_base(struct mb_control *);
/* Start a and run the loop until it ends: MB_EXIT_OK when it finished,
 * MB_EXIT_FAILED when it errored, MB_EXIT_INTERRUPTED after a signal. */
int			 mb_control_run(struct mb_control *,
			     struct mb_activity *, char **cause);

/* For scenarios: start activities (done is called on the loop when each
 * ends; a signal stops them all), run the loop until mb_control_quit. */
int			 mb_control_start(struct mb_control *,
			     struct mb_activity *, void (*done)(
			     struct mb_activity *, void *), void *arg,
			     char **cause);
void			 mb_control_loop(struct mb_control *);
void			 mb_control_quit(struct mb_control *);
int			 mb_control_interrupted(const struct mb_control *);
size_t			 mb_control_live(const struct mb_control *);
void			 mb_control_stop_all(struct mb_control *);
/* Called on the first signal, after the activities were told to stop. */
void			 mb_control_on_interrupt(struct mb_control *,
			     void (*)(void *), void *);
/* SIGINT is no longer the control loop's (the REPL's own). */
void			 mb_control_sigint_off(struct mb_control *);

#endif
