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
	atomic_init(&r->gate, 0);
	atomic_init(&r->burst_ns, 0);
	r->burst = 0;
}

void
mb_rate_set_burst(struct mb_rate *r, double burst)
{
	r->burst = burst;
	atomic_store_explicit(&r->burst_ns, burst > 0 ?
	    (uint64_t)(1e9 / (burst * mb_rate_get(r))) : 0,
	    memory_order_relaxed);
}

/*
 * The catch-up cap: a gate one op at B x R wide. An op passes when the
 * gate is not in the future and moves it one slot past max(gate, now),
 * so ops behind schedule go no faster than B x R, and ops on schedule
 * (1/R apart, wider than a slot) never wait for it.
 */
uint64_t
mb_rate_gate(struct mb_rate *r, uint64_t now)
{
	uint64_t	g, next, slot;

	slot = atomic_load_explicit(&r->burst_ns, memory_order_relaxed);
	if (slot == 0)
		return (0);
	g = atomic_load_explicit(&r->gate, memory_order_relaxed);
	for (;;) {
		if (g > now)
			return (g);
		next = now + slot;
		if (atomic_compare_exchange_weak_explicit(&r->gate, &g, next,
		    memory_order_relaxed, memory_order_relaxed))
			return (0);
	}
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

/* Publish a schedule that has ticket k0 at t0_ns. */
static void
rate_publish(struct mb_rate *r, uint64_t t0_ns, uint64_t k0, double rate)
{
	struct mb_rate_schedule	*s;

	s = rate_schedule(t0_ns, k0, rate);
	r->old = xreallocarray(r->old, r->nold + 1, sizeof *r->old);
	r->old[r->nold++] = s;
	atomic_store_explicit(&r->now, s, memory_order_release);
	if (r->burst > 0)
		atomic_store_explicit(&r->burst_ns,
		    (uint64_t)(1e9 / (r->burst * rate)), memory_order_relaxed);
}

void
mb_rate_set(struct mb_rate *r, double rate)
{
	struct mb_rate_schedule	*cur;
	uint64_t		 k0;

	cur = atomic_load_explicit(&r->now, memory_order_acquire);
	k0 = atomic_load_explicit(&r->next, memory_order_relaxed);
	/* Continue from where the old schedule had ticket k0. */
	rate_publish(r, rate_at(cur, k0), k0, rate);
}

void
mb_rate_restart(struct mb_rate *r, double rate, uint64_t now_ns)
{
	rate_publish(r, now_ns, atomic_load_explicit(&r->next,
	    memory_order_relaxed), rate);
}

double
mb_rate_get(struct mb_rate *r)
{
	return (1e9 / atomic_load_explicit(&r->now,
	    memory_order_acquire)->ns_per_op);
}
