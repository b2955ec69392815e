/*
 * The diag driver: no target. Each op completes at once or after a delay
 * that is fixed or drawn per cycle from a distribution, and an error can be
 * injected every N cycles or on given cycles. Async ops complete through the
 * motor's event loop (a timer per op, or one batch event for zero delays),
 * so they really overlap; a sync op sleeps for its delay inside submit, as
 * a blocking driver would.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/event_struct.h>	/* a timer embedded in each op */

#include "clock.h"
#include "driver.h"
#include "errclass.h"
#include "xmalloc.h"

/* A sync sleep checks for an abort this often. */
#define DIAG_SLEEP_SLICE	20000000u	/* 20ms */

enum diag_dist {
	DIAG_FIXED,
	DIAG_UNIFORM,
	DIAG_EXPONENTIAL,
	DIAG_NORMAL,
};

struct diag_shared {
	enum diag_dist	 dist;
	uint64_t	 a_ns;		/* fixed delay, low bound or mean */
	uint64_t	 b_ns;		/* high bound or standard deviation */
	uint64_t	 error_every;	/* 0: never */
	uint64_t	*error_cycles;	/* sorted */
	size_t		 nerror_cycles;
	char		*error_class;
	uint64_t	 stall_cycle;	/* this cycle takes stall_ns */
	uint64_t	 stall_ns;	/* 0: no stall */
	uint64_t	 error_tries;	/* a failing cycle fails this many
					   tries, then succeeds; 0: all */
	uint64_t	 hang_every;	/* these ops never complete; 0: none */
	/* capacity=N: one server for the activity's motors, an op each
	 * 1/N s; free_ns is when it next is idle (0: never busy yet). */
	double		 cap_ns_per_op;	/* 0: no capacity limit */
	_Atomic uint64_t free_ns;
};

struct diag_action {
	struct diag_shared	*shared;
	struct event_base	*base;
	int			 sync;
	int			 error_id;
	int			 timeout_id;	/* a sync op past its deadline */
	/* Zero-delay async ops wait here for one batch event. */
	struct mb_op		*now_head;
	struct mb_op	       **now_tail;
	struct event		*now_ev;
};

struct diag_op {
	struct event		 timer;	/* this op's delay */
	struct diag_action	*action;
};

static const struct mb_param_spec diag_params[] = {
	{ "delay", MB_PARAM_STRING, "0",
	  "time each op takes: 10ms (fixed), 1ms..5ms (uniform), exp:2ms "
	  "(exponential with that mean), normal:5ms,1ms (mean, sd; "
	  "clamped at 0); drawn per cycle, so repeatable", 0, 0, NULL },
	{ "error_every", MB_PARAM_COUNT, "0",
	  "fail every N-th cycle (cycles N-1, 2N-1, ...); 0 never", 0, 0,
	  NULL },
	{ "error_cycles", MB_PARAM_STRING, NULL,
	  "fail these cycles: a comma-separated list, e.g. 3,17,1K", 0, 0,
	  NULL },
	{ "error_class", MB_PARAM_STRING, "diag-injected",
	  "the error class injected failures are counted under", 0, 0, NULL },
	{ "error_tries", MB_PARAM_COUNT, "0",
	  "a failing cycle fails its first N tries only (so a retry "
	  "succeeds); 0: every try", 0, 0, NULL },
	{ "hang_every", MB_PARAM_COUNT, "0",
	  "every N-th cycle's op never completes (a lost reply; timeout= "
	  "ends it); 0 never", 0, 0, NULL },
	{ "capacity", MB_PARAM_COUNT, "0",
	  "a server of N ops/s shared by the activity's motors: each op "
	  "completes 1/N s after the one before it (or after its own start "
	  "when the server is idle), then takes delay= more; 0: no limit", 0,
	  0, NULL },
	{ "stall", MB_PARAM_STRING, NULL,
	  "one slow op: CYCLE:DURATION (1000:500ms), to see what a stalled "
	  "target does to response time", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

/* A 64-bit mix (splitmix64's finalizer): the draw of a cycle. */
static uint64_t
diag_hash(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31));
}

/* A uniform double in [0, 1) from a hash. */
static double
diag_unit(uint64_t h)
{
	return ((double)(h >> 11) * (1.0 / 9007199254740992.0));
}

static uint64_t
diag_delay(const struct diag_shared *s, uint64_t cycle)
{
	double	u, v, d;

	if (s->stall_ns != 0 && cycle == s->stall_cycle)
		return (s->stall_ns);
	switch (s->dist) {
	case DIAG_FIXED:
		return (s->a_ns);
	case DIAG_UNIFORM:
		u = diag_unit(diag_hash(cycle));
		return (s->a_ns + (uint64_t)(u * (double)(s->b_ns - s->a_ns)));
	case DIAG_EXPONENTIAL:
		u = diag_unit(diag_hash(cycle));
		return ((uint64_t)(-(double)s->a_ns * log1p(-u)));
	case DIAG_NORMAL:
		/* Box-Muller from two draws of the cycle. */
		u = diag_unit(diag_hash(cycle));
		v = diag_unit(diag_hash(cycle ^ 0x5bd1e995u));
		d = (double)s->a_ns + (double)s->b_ns *
		    sqrt(-2.0 * log1p(-u)) * cos(2.0 * M_PI * v);
		return (d <= 0 ? 0 : (uint64_t)d);
	}
	return (0);
}

static int
diag_hangs(const struct diag_shared *s, uint64_t cycle)
{
	return (s->hang_every != 0 && (cycle + 1) % s->hang_every == 0);
}

static int
diag_fails(const struct diag_shared *s, const struct mb_op *op)
{
	uint64_t	cycle = op->cycle;
	size_t		lo = 0, hi = s->nerror_cycles, mid;

	if (s->error_tries != 0 && op->tries > s->error_tries)
		return (0);
	if (s->error_every != 0 && (cycle + 1) % s->error_every == 0)
		return (1);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->error_cycles[mid] == cycle)
			return (1);
		if (s->error_cycles[mid] < cycle)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (0);
}

static int
diag_parse_delay(struct diag_shared *s, const char *v, char **cause)
{
	const char	*dots, *comma;
	char		*a = NULL, *b = NULL;
	int		 rc = -1;

	if (strncmp(v, "exp:", 4) == 0) {
		s->dist = DIAG_EXPONENTIAL;
		return (mb_param_duration("delay", v + 4, &s->a_ns, cause));
	}
	if (strncmp(v, "normal:", 7) == 0) {
		s->dist = DIAG_NORMAL;
		if ((comma = strchr(v + 7, ',')) == NULL) {
			*cause = xfmt("delay: expected normal:MEAN,SD like "
			    "normal:5ms,1ms, got '%s'", v);
			return (-1);
		}
		a = xstrndup(v + 7, comma - (v + 7));
		if (mb_param_duration("delay", a, &s->a_ns, cause) == 0 &&
		    mb_param_duration("delay", comma + 1, &s->b_ns, cause) == 0)
			rc = 0;
		free(a);
		return (rc);
	}
	if ((dots = strstr(v, "..")) != NULL) {
		s->dist = DIAG_UNIFORM;
		a = xstrndup(v, dots - v);
		b = xstrdup(dots + 2);
		if (mb_param_duration("delay", a, &s->a_ns, cause) == 0 &&
		    mb_param_duration("delay", b, &s->b_ns, cause) == 0) {
			if (s->a_ns > s->b_ns) {
				*cause = xfmt("delay: the low bound of '%s' is "
				    "above its high bound", v);
			} else
				rc = 0;
		}
		free(a);
		free(b);
		return (rc);
	}
	s->dist = DIAG_FIXED;
	return (mb_param_duration("delay", v, &s->a_ns, cause));
}

static int
diag_cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static int
diag_parse_cycles(struct diag_shared *s, const char *v, char **cause)
{
	char	*copy, *word, *next;
	int	 rc = 0;

	copy = xstrdup(v);
	for (word = copy; word != NULL && rc == 0; word = next) {
		if ((next = strchr(word, ',')) != NULL)
			*next++ = '\0';
		s->error_cycles = xreallocarray(s->error_cycles,
		    s->nerror_cycles + 1, sizeof *s->error_cycles);
		rc = mb_param_count("error_cycles", word, 0, 0,
		    &s->error_cycles[s->nerror_cycles], cause);
		s->nerror_cycles++;
	}
	free(copy);
	qsort(s->error_cycles, s->nerror_cycles, sizeof *s->error_cycles,
	    diag_cmp_u64);
	return (rc);
}

static int
diag_parse_stall(struct diag_shared *s, const char *v, char **cause)
{
	const char	*colon = strchr(v, ':');
	char		*c;
	int		 rc;

	if (colon == NULL) {
		*cause = xfmt("stall: expected CYCLE:DURATION like 1000:500ms, "
		    "got '%s'", v);
		return (-1);
	}
	c = xstrndup(v, (size_t)(colon - v));
	rc = mb_param_count("stall", c, 0, 0, &s->stall_cycle, cause);
	free(c);
	if (rc != 0 || mb_param_duration("stall", colon + 1, &s->stall_ns,
	    cause) != 0)
		return (-1);
	return (0);
}

static int
diag_parse_capacity(struct diag_shared *s, const char *v, char **cause)
{
	uint64_t	n;

	if (mb_param_count("capacity", v, 0, 0, &n, cause) != 0)
		return (-1);
	if (n > 1000000000) {
		*cause = xfmt("capacity: expected at most 1B ops/s, got '%s'",
		    v);
		return (-1);
	}
	s->cap_ns_per_op = n != 0 ? 1e9 / (double)n : 0;
	atomic_init(&s->free_ns, 0);
	return (0);
}

/*
 * With capacity=N, the op's delay: the server takes ops one at a time,
 * 1/N s each, in the order they reach it. The completion comes from the
 * shared schedule, not from when a timer fired, so the server's rate is
 * exactly N whatever the threads' scheduling noise. delay= comes on top
 * (a pipelined server: N ops/s, each op delay= + 1/N s when idle).
 */
static uint64_t
diag_queue(struct diag_shared *s, uint64_t now)
{
	uint64_t	free, done, step;

	step = (uint64_t)(s->cap_ns_per_op + 0.5);
	if (step == 0)
		step = 1;
	free = atomic_load_explicit(&s->free_ns, memory_order_relaxed);
	do {
		done = (free > now ? free : now) + step;
	} while (!atomic_compare_exchange_weak_explicit(&s->free_ns, &free,
	    done, memory_order_relaxed, memory_order_relaxed));
	return (done - now);
}

static void
diag_fini(void *arg)
{
	struct diag_shared	*s = arg;

	if (s == NULL)
		return;
	free(s->error_cycles);
	free(s->error_class);
	free(s);
}

static void *
diag_init(const struct mb_params *params, char **cause)
{
	struct diag_shared	*s;
	const char		*v;

	s = xcalloc(1, sizeof *s);
	if ((v = mb_params_get(params, "delay")) != NULL &&
	    diag_parse_delay(s, v, cause) != 0)
		goto fail;
	if ((v = mb_params_get(params, "error_every")) != NULL &&
	    mb_param_count("error_every", v, 0, 0, &s->error_every,
	    cause) != 0)
		goto fail;
	if ((v = mb_params_get(params, "error_cycles")) != NULL &&
	    diag_parse_cycles(s, v, cause) != 0)
		goto fail;
	if ((v = mb_params_get(params, "stall")) != NULL &&
	    diag_parse_stall(s, v, cause) != 0)
		goto fail;
	if ((v = mb_params_get(params, "error_tries")) != NULL &&
	    mb_param_count("error_tries", v, 0, 0, &s->error_tries,
	    cause) != 0)
		goto fail;
	if ((v = mb_params_get(params, "hang_every")) != NULL &&
	    mb_param_count("hang_every", v, 0, 0, &s->hang_every,
	    cause) != 0)
		goto fail;
	if ((v = mb_params_get(params, "capacity")) != NULL &&
	    diag_parse_capacity(s, v, cause) != 0)
		goto fail;
	v = mb_params_get(params, "error_class");
	if (v != NULL && *v == '\0') {
		*cause = xstrdup("error_class: expected a class name, got ''");
		goto fail;
	}
	s->error_class = xstrdup(v != NULL ? v : "diag-injected");
	return (s);
fail:
	diag_fini(s);
	return (NULL);
}

/* All zero-delay async ops submitted since the last turn complete here. */
static void
diag_now_cb(evutil_socket_t fd, short what, void *arg)
{
	struct diag_action	*a = arg;
	struct mb_op		*op, *next;

	op = a->now_head;
	a->now_head = NULL;
	a->now_tail = &a->now_head;
	for (; op != NULL; op = next) {
		next = op->next;
		mb_op_complete(op, diag_fails(a->shared, op) ? a->error_id :
		    0);
	}
}

static void
diag_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mb_op		*op = arg;
	struct diag_op		*d = mb_op_priv(op);

	mb_op_complete(op, diag_fails(d->action->shared, op) ?
	    d->action->error_id : 0);
}

/* Size the loop's timer heap for every op in flight now, so delayed ops
 * allocate nothing once the motor runs. */
static void
diag_reserve_timers(const struct mb_action_env *env)
{
	struct event	*evs;
	struct timeval	 tv = { 3600, 0 };
	uint32_t	 i;

	evs = xcalloc(env->async_limit, sizeof *evs);
	for (i = 0; i < env->async_limit; i++) {
		evtimer_assign(&evs[i], env->base, diag_timer_cb, NULL);
		evtimer_add(&evs[i], &tv);
	}
	for (i = 0; i < env->async_limit; i++)
		evtimer_del(&evs[i]);
	free(evs);
}

static void *
diag_open(const struct mb_action_env *env, char **cause)
{
	struct diag_action	*a;

	a = xcalloc(1, sizeof *a);
	a->shared = env->shared;
	a->base = env->base;
	a->sync = env->async_limit == 0;
	a->error_id = mb_errclass_intern(a->shared->error_class);
	a->timeout_id = mb_errclass_intern("timeout");
	a->now_tail = &a->now_head;
	a->now_ev = event_new(env->base, -1, 0, diag_now_cb, a);
	if (a->now_ev == NULL) {
		free(a);
		*cause = xstrdup("cannot create an event");
		return (NULL);
	}
	if (!a->sync)
		diag_reserve_timers(env);
	return (a);
}

static void
diag_close(void *arg)
{
	struct diag_action	*a = arg;

	event_free(a->now_ev);
	free(a);
}

static void
diag_op_init(void *arg, struct mb_op *op)
{
	struct diag_action	*a = arg;
	struct diag_op		*d = mb_op_priv(op);

	d->action = a;
	evtimer_assign(&d->timer, a->base, diag_timer_cb, op);
}

static void
diag_op_fini(void *arg, struct mb_op *op)
{
	struct diag_op	*d = mb_op_priv(op);

	evtimer_del(&d->timer);
}

/* A sync op's delay: sleep until its end on the monotonic clock, in
 * slices, so an abort is noticed within one: 0 when slept, -1 when
 * aborted, 1 when the op's deadline (timeout=) came first. */
static int
diag_sleep(struct mb_op *op, uint64_t delay, int forever)
{
	struct timespec	ts;
	uint64_t	end, now, step;

	if (delay == 0 && !forever)
		return (0);
	end = forever ? UINT64_MAX : op->start_ns + delay;
	if (op->deadline_ns != 0 && op->deadline_ns < end)
		end = op->deadline_ns;
	while ((now = mb_clock_ns()) < end) {
		if (mb_op_aborting(op))
			return (-1);
		step = end - now < DIAG_SLEEP_SLICE ? end - now :
		    DIAG_SLEEP_SLICE;
		ts.tv_sec = step / 1000000000u;
		ts.tv_nsec = step % 1000000000u;
		nanosleep(&ts, NULL);
	}
	return (end == op->deadline_ns ? 1 : 0);
}

static enum mb_submit
diag_submit(void *arg, struct mb_op *op)
{
	struct diag_action	*a = arg;
	struct diag_op		*d;
	struct timeval		 tv;
	uint64_t		 delay;
	int			 hang, rc;

	delay = diag_delay(a->shared, op->cycle);
	hang = diag_hangs(a->shared, op->cycle);
	if (a->shared->cap_ns_per_op > 0 && !hang)
		delay += diag_queue(a->shared, op->start_ns);
	if (a->sync) {
		if ((rc = diag_sleep(op, delay, hang)) != 0) {
			mb_op_complete(op, rc < 0 ? MB_OP_ABORTED :
			    a->timeout_id);
			return (MB_SUBMIT_OK);
		}
		mb_op_complete(op, diag_fails(a->shared, op) ? a->error_id :
		    0);
		return (MB_SUBMIT_OK);
	}
	if (hang)
		return (MB_SUBMIT_OK);	/* the engine's timeout= ends it */
	if (delay == 0) {
		op->next = NULL;
		*a->now_tail = op;
		a->now_tail = &op->next;
		if (a->now_head == op)
			event_active(a->now_ev, EV_TIMEOUT, 0);
		return (MB_SUBMIT_OK);
	}
	d = mb_op_priv(op);
	tv = mb_clock_timeval(delay);
	evtimer_add(&d->timer, &tv);
	return (MB_SUBMIT_OK);
}

static void
diag_cancel(void *arg, struct mb_op *op)
{
	struct diag_action	*a = arg;
	struct diag_op		*d = mb_op_priv(op);
	struct mb_op	       **pp;

	evtimer_del(&d->timer);
	for (pp = &a->now_head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			if (a->now_tail == &op->next)
				a->now_tail = pp;
			break;
		}
	}
}

const struct mb_driver mb_driver_diag = {
	.name = "diag",
	.summary = "no target: ops complete at once or after a delay, with "
	    "injected errors",
	.help =
	    "diag simulates a target to measure the engine and to rehearse "
	    "scenarios.\n"
	    "Each op takes the delay drawn for its cycle (through the motor's "
	    "event loop\nwhen async=, so ops overlap; by sleeping when sync) "
	    "and fails when its cycle\nis one of the injected errors. "
	    "capacity=N puts a server of N ops/s in front of the\ndelay: "
	    "ops queue for it across the activity's motors.\n",
	.params = diag_params,
	.flags = MB_DRIVER_SYNC | MB_DRIVER_ASYNC | MB_DRIVER_PRECISE_TIMERS,
	.op_size = sizeof(struct diag_op),
	.init = diag_init,
	.fini = diag_fini,
	.open = diag_open,
	.close = diag_close,
	.op_init = diag_op_init,
	.op_fini = diag_op_fini,
	.submit = diag_submit,
	.cancel = diag_cancel,
};
