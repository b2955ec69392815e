/*
 * A test driver ("probe") and a runner for engine tests. probe records
 * every cycle it is given, tracks what is in flight per motor, completes
 * async ops in reverse order of submission (out of order, on purpose),
 * can refuse ops past a capacity (MB_SUBMIT_FULL), hold ops forever, fail
 * to open, or allocate per op (to prove the allocation test can fail).
 */
#ifndef ENGINE_HARNESS_H
#define ENGINE_HARNESS_H

#include <stdatomic.h>
#include <stdint.h>

#include "activity.h"
#include "driver.h"

#define PROBE_MOTORS	16

struct probe_stats {
	_Atomic uint32_t	*hits;		/* per cycle, if size != 0 */
	uint64_t		 base;		/* first cycle tracked */
	uint64_t		 size;		/* cycles tracked */
	_Atomic uint64_t	 out_of_order;	/* completions before older */
	_Atomic uint64_t	 fulls;		/* MB_SUBMIT_FULL returned */
	_Atomic uint64_t	 cancelled;
	uint32_t		 max_inflight[PROBE_MOTORS];
	uint32_t		 async_limit[PROBE_MOTORS];
	uint64_t		 ops[PROBE_MOTORS];
	_Atomic int		 closed_with_inflight;
};

extern const struct mb_driver probe_driver;
extern struct probe_stats probe;

/* Track cycles base..base+size (0 size: none). */
void	probe_reset(uint64_t base, uint64_t size);
void	probe_free(void);
/* Check every tracked cycle was run exactly once; returns the first bad
 * cycle's hit count or 1 when all are fine. */
int	probe_all_once(uint64_t *bad_cycle);

/* Run an activity from "name=value ..." with probe as the default driver.
 * Returns the ended activity (the caller frees it) or NULL with *cause. */
struct mb_activity *harness_run(const char *params, int *exit_status,
	    char **cause);
/* Something to do to a running activity, ms after the run started. */
struct harness_step {
	int	  ms;
	void	(*fn)(struct mb_activity *);
};
/* Run with steps (ending with { 0, NULL }) done on the control loop. */
struct mb_activity *harness_run_script(const char *params,
	    const struct harness_step *, int *exit_status, char **cause);
/* Same, but calls stop(a) after stop_ms and abort(a) after abort_ms
 * (0: never) while it runs. */
struct mb_activity *harness_run_stopped(const char *params, int stop_ms,
	    int abort_ms, int *exit_status, char **cause);

#endif
