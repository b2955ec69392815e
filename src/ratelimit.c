/* The schedule-based rate limiter. */
#include "config.h"

#include <stdlib.h>

#include "ratelimit.h"
#include "xmalloc.h"

static struct mb_rate_schedule *
rate_schedule(uint64_t t0_ns, uint64_t k0, double rate)
{
	struct mb_rate_schedule	*s;

	s = xcalloc(1, sizeof *s);
	s->t0_ns = t0_ns;
	s->k0 = k0;
	s->ns_per_op = 1e9 / rate;
	return (s);
}

static uint64_t
rate_at(const struct mb_rate_schedule *s, uint64_t k)
{
	/* k >= k0 but for tickets taken while a change was published. */
	if (k >= s->k0)
		return (s->t0_ns + (uint64_t)((double)(k - s->k0) *
		    s->ns_per_op));
	return (s->t0_ns - (uint64_t)((double)(s->k0 - k) * s->ns_per_op));
}

void
mb_rate_init(struct mb_rate *r, double rate, uint64_t t0_ns, uint64_t end_ns)
{
	struct mb_rate_schedule	*s = rate_schedule(t0_ns, 0, rate);

	r->old = xcalloc(1, sizeof *r->old);
	r->old[0] = s;
	r->nold = 1;
	r->end_ns = end_ns;
	atomic_init(&r->now, s);
	atomic_init(&r->next, 0);
}

void
mb_rate_free(struct mb_rate *r)
{
	size_t	i;

	for (i = 0; i < r->nold; i++)
		free(r->old[i]);
	free(r->old);
	r->old = NULL;
	r->nold = 0;
}

uint64_t
mb_rate_intended(struct mb_rate *r, uint64_t k)
{
	return (rate_at(atomic_load_explicit(&r->now, memory_order_acquire),
	    k));
}

uint64_t
mb_rate_take(struct mb_rate *r)
{
	uint64_t	k, t;

	k = atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed);
	t = mb_rate_intended(r, k);
	if (r->end_ns != 0 && t >= r->end_ns)
		return (MB_RATE_NONE);
	return (t);
}

void
mb_rate_set(struct mb_rate *r, double rate)
{
	struct mb_rate_schedule	*cur, *s;
	uint64_t		 k0;

	cur = atomic_load_explicit(&r->now, memory_order_acquire);
	k0 = atomic_load_explicit(&r->next, memory_order_relaxed);
	/* Continue from where the old schedule had ticket k0. */
	s = rate_schedule(rate_at(cur, k0), k0, rate);
	r->old = xreallocarray(r->old, r->nold + 1, sizeof *r->old);
	r->old[r->nold++] = s;
	atomic_store_explicit(&r->now, s, memory_order_release);
}

double
mb_rate_get(struct mb_rate *r)
{
	return (1e9 / atomic_load_explicit(&r->now,
	    memory_order_acquire)->ns_per_op);
}
