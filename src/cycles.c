/* Cycle hand-out over a range, by stride blocks, optionally sharded. */
#include "config.h"

#include "cycles.h"

void
mb_cycles_init(struct mb_cycles *c, uint64_t start, uint64_t end,
    uint64_t stride, uint32_t shard_index, uint32_t shard_count)
{
	uint64_t	span, all;

	c->start = start;
	c->end = end < start ? start : end;
	c->stride = stride == 0 ? 1 : stride;
	c->shard_count = shard_count == 0 ? 1 : shard_count;
	c->shard_index = shard_index % c->shard_count;
	/* Unbounded: as many blocks as fit below the marker, so that
	 * start + block * stride never overflows. */
	all = (MB_CYCLE_UNBOUNDED - c->start) / c->stride;
	c->nblocks = all <= c->shard_index ? 0 :
	    (all - 1 - c->shard_index) / c->shard_count + 1;
	if (c->end != MB_CYCLE_UNBOUNDED) {
		span = c->end - c->start;
		all = span / c->stride + (span % c->stride != 0);
		c->nblocks = all <= c->shard_index ? 0 :
		    (all - 1 - c->shard_index) / c->shard_count + 1;
	}
	atomic_init(&c->takers, 1);
	atomic_init(&c->next, 0);
}

void
mb_cycles_set_takers(struct mb_cycles *c, uint32_t n)
{
	atomic_store_explicit(&c->takers, n == 0 ? 1 : n,
	    memory_order_relaxed);
}

/* How many blocks to claim at once: enough for MB_CYCLES_CLAIM cycles,
 * but an eighth of each taker's share of what is left near the end. */
static uint64_t
cycles_claim_size(struct mb_cycles *c)
{
	uint64_t	want, next, left, share;

	want = c->stride >= MB_CYCLES_CLAIM ? 1 : MB_CYCLES_CLAIM / c->stride;
	if (want == 1 || c->end == MB_CYCLE_UNBOUNDED)
		return (want);
	next = atomic_load_explicit(&c->next, memory_order_relaxed);
	left = next >= c->nblocks ? 0 : c->nblocks - next;
	share = left / (8 * (uint64_t)atomic_load_explicit(&c->takers,
	    memory_order_relaxed));
	if (share < want)
		want = share == 0 ? 1 : share;
	return (want);
}

int
mb_cycles_take(struct mb_cycles *c, struct mb_cycles_claim *cl,
    uint64_t *first, uint64_t *end)
{
	uint64_t	j, g, last, block, offset;

	if (cl->next >= cl->end) {
		g = cycles_claim_size(c);
		cl->next = atomic_fetch_add_explicit(&c->next, g,
		    memory_order_relaxed);
		cl->end = cl->next + g;
		if (cl->end < cl->next)		/* wrapped: nothing left */
			cl->end = UINT64_MAX;
	}
	j = cl->next;
	if (j >= c->nblocks)
		goto none;
	/* Unsharded, the claimed blocks are consecutive: hand them out as
	 * one run of cycles, one call per claim rather than per stride. */
	last = c->shard_count == 1 ? cl->end - 1 : j;
	if (last >= c->nblocks)
		last = c->nblocks - 1;
	cl->next = last + 1;
	block = c->shard_index + j * c->shard_count;
	offset = block * c->stride;
	*first = c->start + offset;
	/* nblocks keeps every block's offset below end - start (bounded) or
	 * clear of overflow (unbounded), so these cannot wrap. */
	if (c->end - *first > (last - j + 1) * c->stride)
		*end = *first + (last - j + 1) * c->stride;
	else
		*end = c->end;
	return (1);
none:
	cl->next = cl->end;
	return (0);
}

int
mb_cycles_take_claimed(struct mb_cycles *c, struct mb_cycles_claim *cl,
    uint64_t *first, uint64_t *end)
{
	if (cl->next >= cl->end)
		return (0);
	return (mb_cycles_take(c, cl, first, end));
}

uint64_t
mb_cycles_total(const struct mb_cycles *c)
{
	uint64_t	span, last, lastlen, total;

	if (c->end == MB_CYCLE_UNBOUNDED)
		return (MB_CYCLE_UNBOUNDED);
	if (c->nblocks == 0)
		return (0);
	span = c->end - c->start;
	total = c->nblocks * c->stride;
	last = span / c->stride + (span % c->stride != 0) - 1;
	lastlen = span - last * c->stride;
	if (last % c->shard_count == c->shard_index)
		total -= c->stride - lastlen;
	return (total);
}
