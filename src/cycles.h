/*
 * Cycle hand-out: one atomic counter per activity gives stride blocks to
 * motors. Block k covers [start + k*stride, start + (k+1)*stride) cut at
 * end; shard i/N takes blocks i, i+N, i+2N, ... so shards are disjoint and
 * complete, bounded or not.
 *
 * A motor claims several consecutive blocks of its shard with one
 * fetch_add when strides are short (so threads do not fight over the
 * counter's cache line once per op) and fewer near the end of a bounded
 * range (so no motor is left with a long tail while the others idle).
 */
#ifndef MB_CYCLES_H
#define MB_CYCLES_H

#include <stdatomic.h>
#include <stdint.h>

#include "params.h"	/* MB_CYCLE_UNBOUNDED */

/* A claim aims at this many cycles when the range is far from its end. */
#define MB_CYCLES_CLAIM		128

struct mb_cycles {
	uint64_t		start;		/* first cycle of the range */
	uint64_t		end;		/* one past the last, or UNBOUNDED */
	uint64_t		stride;		/* cycles per block, >= 1 */
	uint64_t		nblocks;	/* this shard's blocks */
	uint32_t		shard_index;	/* this process's shard */
	uint32_t		shard_count;	/* how many shards */
	_Atomic uint32_t	takers;		/* motors taking cycles */
	/* Alone on its cache line: every motor hits it once per claim. */
	_Alignas(64) _Atomic uint64_t next; /* next block of this shard */
	char			pad[64 - sizeof(uint64_t)];
};

/* One motor's claimed blocks [next, end), in the shard's numbering. */
struct mb_cycles_claim {
	uint64_t		next;
	uint64_t		end;
};

void	 mb_cycles_init(struct mb_cycles *, uint64_t start, uint64_t end,
	     uint64_t stride, uint32_t shard_index, uint32_t shard_count);
void	 mb_cycles_set_takers(struct mb_cycles *, uint32_t);
/* The next cycles [*first, *end) of the claim (a stride block, or all of
 * the claim's consecutive blocks when unsharded), claiming more when it is
 * used up; 0 when no cycle remains. */
int	 mb_cycles_take(struct mb_cycles *, struct mb_cycles_claim *,
	     uint64_t *first, uint64_t *end);
/* The same, but only from what the claim holds: a motor that leaves the
 * activity runs the cycles it claimed and claims no more. */
int	 mb_cycles_take_claimed(struct mb_cycles *, struct mb_cycles_claim *,
	     uint64_t *first, uint64_t *end);
/* Cycles this shard will run in all, or MB_CYCLE_UNBOUNDED. */
uint64_t mb_cycles_total(const struct mb_cycles *);

#endif
