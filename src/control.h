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

struct mb_control_opts {
	uint64_t	progress_ns;	/* 0: no progress line */
	uint64_t	drain_ns;	/* after a stop, before cancelling */
	int		quiet;
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

#endif
