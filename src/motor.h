/*
 * A motor: one thread with its own lock-free event_base, its driver's
 * action and a pool of op contexts. It takes stride blocks of cycles,
 * submits ops while its share of `async` allows and the action accepts,
 * retires completed ops from its ready list, and at the end retires until
 * nothing is pending. The controller reaches it only through mb_motor_send
 * (a command queue plus an eventfd its loop watches); the motor reports
 * state changes by writing to the activity's notify descriptor.
 */
#ifndef MB_MOTOR_H
#define MB_MOTOR_H

#include <stdatomic.h>
#include <stdint.h>

#include "cycles.h"
#include "driver.h"
#include "errclass.h"
#include "notify.h"
#include "opstats.h"

struct hdr;
struct mb_errpolicy;
struct mb_motor;
struct mb_workload;
struct mb_rate;

enum mb_state {
	MB_STATE_INITIALIZED,
	MB_STATE_STARTING,
	MB_STATE_RUNNING,
	MB_STATE_STOPPING,
	MB_STATE_STOPPED,	/* stopped before its cycles ran out */
	MB_STATE_FINISHED,	/* ran its cycles (or its duration) */
	MB_STATE_ERRORED,
};
#define MB_STATE_TERMINAL(s) ((s) >= MB_STATE_STOPPED)
const char	*mb_state_name(enum mb_state);

enum mb_motor_cmd {
	MB_MOTOR_GO,		/* leave the start barrier and run */
	MB_MOTOR_STOP,		/* take no more cycles, drain: stopped */
	MB_MOTOR_END,		/* the duration is over, drain: finished */
	MB_MOTOR_ABORT,		/* cancel what is in flight (counted) */
	MB_MOTOR_LIMIT,		/* take the share set by mb_motor_set_limit */
	MB_MOTOR_RETIRE,	/* finish its claimed cycles, drain: finished */
	MB_MOTOR_SNAP,		/* hand out the interval's histograms */
};

/* What a motor needs from its activity; it outlives the motor. */
struct mb_motor_env {
	const struct mb_driver	*driver;
	void			*driver_shared;
	const struct mb_params	*params;
	struct mb_cycles	*cycles;
	const struct mb_workload *workload;	/* NULL: ops are bare cycles */
	struct mb_rate		*rate;		/* NULL: no limit; set by GO */
	struct mb_rate		*striderate;	/* NULL: none; a ticket a stride */
	uint64_t		 stride;	/* ops a stride ticket admits */
	uint64_t		 warmup_ns;	/* from GO: ops not measured */
	uint64_t		 warmup_end;	/* cycles below: not measured */
	const struct mb_notify	*notify;	/* posted on state changes */
	const char		*alias;		/* the activity's, for warnings */
	const struct mb_errpolicy *errors;	/* what failed ops do */
	uint32_t		 maxtries;	/* with retry: tries per op */
	uint64_t		 timeout_ns;	/* per try; 0: none */
	uint32_t		 nslots;	/* ops of the block (at least 1) */
	int			 response;	/* keep responsetime: a rate, or
						   retries (from the 1st try) */
	int			 wait;		/* keep waittime: a rate */
};

/* Counters the motor writes with plain stores; read after it ends, except
 * `ops` and `nerrors`, which progress and a:metrics() read while it runs. */
struct mb_motor_stats {
	_Atomic uint64_t	 ops;		/* retired ops */
	_Atomic uint64_t	 nerrors;	/* of them counted as errors */
	uint64_t		 aborted;	/* cancelled in flight at the end */
	uint64_t		 warmup;	/* run during warmup, not measured */
	uint64_t		 cpu_ns;	/* the motor thread's CPU time */
	uint64_t		 warnings_dropped; /* warn lines not printed */
	_Atomic uint32_t	 inflight;	/* now (a gauge) */
	uint32_t		 max_inflight;
	/* Per op of the block (env.nslots): counts, and the timers recording
	 * now; iv[] is the last interval, swapped out by SNAP: the
	 * controller's until it asks for the next one (it merges and resets
	 * them in between). */
	struct mb_opstats	*op;
	struct mb_timers	*iv;
	/* The histogram verb: failed ops' service time by class (a whole
	 * run's, made when a class first needs one). */
	struct hdr		*err_hist[MB_ERRCLASS_MAX];
	_Atomic uint64_t	 snap_epoch;	/* the SNAP served last */
};

struct mb_motor	*mb_motor_new(const struct mb_motor_env *, unsigned index,
		     uint32_t limit, int sync);
int		 mb_motor_start(struct mb_motor *, char **cause);
void		 mb_motor_send(struct mb_motor *, enum mb_motor_cmd);
/* Ask for the interval's histograms (epoch: the caller's counter). */
void		 mb_motor_snap(struct mb_motor *, uint64_t epoch);
/* A new share of async (live change): more contexts if it grew. */
void		 mb_motor_set_limit(struct mb_motor *, uint32_t);
enum mb_state	 mb_motor_state(const struct mb_motor *);
/* Why the motor errored (NULL if it did not). */
int		 mb_motor_is_ready(const struct mb_motor *);
const char	*mb_motor_cause(const struct mb_motor *);
void		 mb_motor_join(struct mb_motor *);
void		 mb_motor_free(struct mb_motor *);
const struct mb_motor_stats *mb_motor_stats(const struct mb_motor *);
/* The controller merges and resets the handed-out interval through it. */
struct mb_motor_stats *mb_motor_stats_mut(struct mb_motor *);
uint32_t	 mb_motor_limit(const struct mb_motor *);
/* The states the motor went through, in order (for tests). */
int		 mb_motor_history(const struct mb_motor *, enum mb_state *,
		     int max);

#endif
