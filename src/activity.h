/*
 * An activity: one driver over one cycle range with one set of params,
 * run by its motors. It lives on the controller's thread: it starts the
 * motors, watches their state through one notify descriptor on the
 * control loop, releases them together once every motor has opened (the
 * start barrier), ends a duration, and merges their counts at the end.
 */
#ifndef MB_ACTIVITY_H
#define MB_ACTIVITY_H

#include <stdint.h>

#include "activity_config.h"
#include "errclass.h"
#include "motor.h"
#include "opstats.h"

#define MB_ACTIVITY_DRAIN_NS	500000000u

struct event_base;
struct hdr;
struct mb_activity;

/* What an activity did, merged over its motors once it ended. */
struct mb_activity_totals {
	uint64_t	 ops;			/* retired ops, warmup apart */
	uint64_t	 ok;
	uint64_t	 errors;		/* failed, counted (all classes) */
	uint64_t	 ignored;		/* failed, not counted (errors=) */
	uint64_t	 retries;		/* tries after an op's first */
	uint64_t	 by_class[MB_ERRCLASS_MAX];
	uint64_t	 retries_by_class[MB_ERRCLASS_MAX];
	uint64_t	 aborted;		/* cancelled by a stop */
	uint64_t	 warmup;		/* run in warmup, not counted */
	uint64_t	 warnings_dropped;	/* warn lines not printed */
	uint64_t	 cpu_ns;		/* the motors' and the controller's
						   CPU time: the client's cost */
	uint32_t	 max_inflight;
	uint64_t	 elapsed_ns;		/* start barrier to last motor */
	struct hdr	*service;		/* successes' service time */
	struct hdr	*response;		/* with a rate or retries */
	struct hdr	*wait;			/* with a rate: due -> start */
	/* The histogram verb: failed ops' service time by class. */
	struct hdr	*err_hist[MB_ERRCLASS_MAX];
	/* With a workload: per op of its block, in block order. */
	uint32_t	 nop;
	const struct mb_opstats *op;
};

typedef void (*mb_activity_cb)(struct mb_activity *, void *);

struct mb_activity *mb_activity_new(const struct mb_params *,
		     const struct mb_driver *default_driver, uint64_t seq_len,
		     char **cause);
void		 mb_activity_free(struct mb_activity *);
/* Start the motors; done is called on the control loop when it ends. */
int		 mb_activity_start(struct mb_activity *, struct event_base *,
		     mb_activity_cb done, void *arg, char **cause);
/* Stop handing out cycles and drain: ends as stopped. */
void		 mb_activity_stop(struct mb_activity *);
/* Cancel in-flight ops now (counted as aborted); a stop, the end of a
 * duration or an error does it after the drain time (default 500ms). */
void		 mb_activity_abort(struct mb_activity *);
void		 mb_activity_set_drain(struct mb_activity *, uint64_t ns);
/* Live changes: more motors, or fewer (they leave after the cycles they
 * claimed); async re-split over the motors. Every cycle still runs once. */
int		 mb_activity_set_threads(struct mb_activity *, uint32_t,
		     char **cause);
int		 mb_activity_set_async(struct mb_activity *, uint32_t,
		     char **cause);
/* A new rate from the next ticket on (an activity started with rate=). */
int		 mb_activity_set_rate(struct mb_activity *, double,
		     char **cause);
/* Likewise, with the next ticket due now: ops behind are forgiven. */
int		 mb_activity_restart_rate(struct mb_activity *, double,
		     char **cause);

enum mb_state	 mb_activity_state(const struct mb_activity *);
const char	*mb_activity_cause(const struct mb_activity *);
const struct mb_activity_config *mb_activity_config(
		     const struct mb_activity *);
const struct mb_activity_totals *mb_activity_totals(
		     const struct mb_activity *);
/* Interval snapshots, once per tick of the controller: the last whole
 * interval's latencies (response time with a rate, else service time),
 * and all intervals merged so far. */
void		 mb_activity_tick(struct mb_activity *);
/* Called on the control loop each time an interval was collected. */
void		 mb_activity_set_interval_cb(struct mb_activity *,
		     mb_activity_cb, void *);
/* The last whole interval (at the end: the last, partial one) of a timer
 * ("servicetime", "responsetime", "waittime"; NULL if it has none), for
 * op i of the block, or for all ops with op = -1. */
void		 mb_activity_interval_times(const struct mb_activity *,
		     uint64_t *start_ns, uint64_t *end_ns);
const struct hdr *mb_activity_interval_timer(const struct mb_activity *,
		     int op, const char *timer);
const struct hdr *mb_activity_interval(const struct mb_activity *);
const struct hdr *mb_activity_so_far(const struct mb_activity *);
/* Sweeps measure windows: mark starts one now (it cuts an interval), and
 * mb_activity_window gives what happened since: ops and errors counted
 * until now, latencies (response, else service) of the intervals
 * collected since the mark. -1 before the first mark. */
struct mb_activity_window {
	uint64_t	 start_ns;
	uint64_t	 end_ns;
	uint64_t	 ops;
	uint64_t	 errors;
	const struct hdr *latency;
};
void		 mb_activity_window_mark(struct mb_activity *);
int		 mb_activity_window(const struct mb_activity *,
		     struct mb_activity_window *);
/* Ops retired so far, read while it runs (for progress). */
uint64_t	 mb_activity_ops(const struct mb_activity *);
uint64_t	 mb_activity_errors(const struct mb_activity *);
uint32_t	 mb_activity_inflight(const struct mb_activity *);
/* Cycles this activity will run, or MB_CYCLE_UNBOUNDED. */
uint64_t	 mb_activity_cycles_total(const struct mb_activity *);
uint64_t	 mb_activity_started_ns(const struct mb_activity *);
uint32_t	 mb_activity_nmotors(const struct mb_activity *);
const struct mb_motor *mb_activity_motor(const struct mb_activity *,
		     uint32_t);
int		 mb_activity_history(const struct mb_activity *,
		     enum mb_state *, int max);

#endif
