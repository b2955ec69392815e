/*
 * An activity's configuration: the engine's params (cycles, stride, shard,
 * duration, threads, async, ...) read and checked from a param set, with
 * the driver looked up and its own params checked too.
 */
#ifndef MB_ACTIVITY_CONFIG_H
#define MB_ACTIVITY_CONFIG_H

#include <stdint.h>

#include "driver.h"
#include "errpolicy.h"
#include "params.h"
#include "workload.h"

struct mb_activity_config {
	const struct mb_driver	*driver;
	char			*alias;		/* the activity's name */
	uint64_t		 cycle_start;
	uint64_t		 cycle_end;	/* or MB_CYCLE_UNBOUNDED */
	uint64_t		 stride;
	uint32_t		 shard_index;
	uint32_t		 shard_count;
	uint64_t		 duration_ns;	/* 0: none */
	uint32_t		 threads;
	uint32_t		 async;		/* 0: sync */
	double			 rate;		/* ops/s; 0: no limit */
	double			 burst;		/* catch-up cap: burst x rate */
	double			 striderate;	/* strides per second; 0: none */
	uint64_t		 warmup_ns;	/* ops started this soon ... */
	uint64_t		 warmup_cycles;	/* ... or this many first cycles
						   are run but not measured */
	struct mb_errpolicy	*errors;	/* errors= */
	uint64_t		 maxtries;	/* tries per op, with retry */
	uint64_t		 timeout_ns;	/* per try; 0: none */
	struct mb_params	 params;	/* all of them, for the driver */
	struct mb_workload	*workload;	/* workload=, or NULL */
	struct mb_param_spec	*workload_specs; /* its params, for checks */
};

/* The engine's own params, for validation and --help params. */
extern const struct mb_param_spec mb_engine_params[];

/*
 * Read cfg from params. With workload=FILE the file is loaded (its params
 * count as known) and its block chosen. driver is used when neither params
 * nor the workload name one (tests pass their own); seq_len is the length
 * of the op sequence when there is no workload (the default stride and,
 * with neither cycles nor duration, the cycles: one pass).
 */
int	 mb_activity_config_parse(struct mb_activity_config *,
	     const struct mb_params *, const struct mb_driver *driver,
	     uint64_t seq_len, char **cause);
void	 mb_activity_config_free(struct mb_activity_config *);
/* async's share for thread i: async=100 threads=3 gives 34, 33, 33. */
uint32_t mb_activity_config_share(const struct mb_activity_config *,
	     uint32_t i);

#endif
