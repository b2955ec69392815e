/* Motors: one thread, one event loop, one action, a recycled op pool. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "errpolicy.h"
#include "hdr.h"
#include "motor.h"
#include "notify.h"
#include "ratelimit.h"
#include "runtime.h"
#include "xmalloc.h"

/* Ops submitted per loop turn before the motor lets its loop look at
 * commands and timers again: keeps a stop or a swap within one turn. */
#define MOTOR_PUMP_BUDGET	1024
/* Callbacks the loop runs before it polls again. Completions activate the
 * pump and the pump's submits activate completions: without this bound an
 * async ping-pong would keep the loop from ever reading its wake-up fd. */
#define MOTOR_MAX_CALLBACKS	32
#define MOTOR_HISTORY		8
/* Warning lines a motor prints before it prints one a second at most. */
#define MOTOR_WARNINGS_FIRST	10
/* Per error class: the policy's verbs, looked up once (bit 7: known). */
#define MOTOR_VERBS_KNOWN	0x80

struct mb_motor {
	struct mb_motor_env	 env;
	unsigned		 index;
	uint32_t		 limit;		/* its share of async (1: sync) */
	int			 sync;		/* the action is sync */
	pthread_t		 thread;
	int			 started;	/* thread created */
	_Atomic int		 state;		/* enum mb_state */
	_Atomic int		 opened;	/* opened, waiting for GO */
	char			*cause;		/* why it errored */

	/* The controller's way in: command bits plus a wake-up descriptor. */
	_Atomic unsigned	 cmds;		/* 1 << enum mb_motor_cmd */
	_Atomic int		 aborting;	/* ABORT sent: sync ops give up */
	_Atomic uint32_t	 want_limit;	/* with LIMIT: the new share */
	_Atomic uint64_t	 want_epoch;	/* with SNAP: which interval */
	struct mb_notify	 wake;

	/* Everything below belongs to the motor's thread. */
	struct event_base	*base;
	struct event		*wake_ev;	/* wake.rfd readable */
	struct event		*pump_ev;	/* activated by completions */
	struct event		*yield_ev;	/* zero timer after a budget */
	struct event		*pace_ev;	/* the next ticket is due */
	struct event		*timeout_ev;	/* the oldest timed op's deadline */
	int			 timeout_armed;
	int			 timeout_class;	/* errclass "timeout" */
	struct mb_op		*t_head;	/* timed ops, oldest try first */
	struct mb_op		*t_tail;
	struct mb_op		*retry_head;	/* failed, to be tried again */
	struct mb_op	       **retry_tail;
	uint32_t		 nretry;	/* on that queue (and in flight) */
	unsigned char		 verbs[MB_ERRCLASS_MAX];
	uint64_t		 warn_last_ns;	/* the last warning printed */
	unsigned		 warn_count;	/* warnings printed */
	int			 have_ticket;	/* ticket_ns not used yet */
	uint64_t		 ticket_ns;	/* its intended start */
	uint64_t		 stride_left;	/* ops the stride ticket admits */
	int			 have_stride;	/* stride_ns taken, not begun */
	uint64_t		 stride_ns;	/* that ticket's intended start */
	void			*action;
	struct mb_runtime	*runtime;	/* the workload's, or NULL */
	struct mb_op	       **ops;		/* every context, npool of them */
	unsigned char	       **chunks;	/* their memory, as allocated */
	size_t			 nchunks;
	size_t			 op_stride;
	uint32_t		 npool;
	struct mb_op		*free;		/* pool of idle contexts */
	struct mb_op		*ready;		/* completed, not yet retired */
	struct mb_op	       **ready_tail;
	uint32_t		 inflight;	/* submitted, not yet retired */
	uint64_t		 cur;		/* next cycle of the stride */
	uint64_t		 cur_end;	/* end of the stride */
	struct mb_cycles_claim	 claim;		/* blocks claimed, not begun */
	uint64_t		 nops;		/* retired ops (mirror of stats.ops) */
	uint64_t		 nerrors;	/* mirror of stats.nerrors */
	uint64_t		 warmup_until;	/* GO time + warmup_ns */
	int			 running;	/* got GO */
	int			 exhausted;	/* no cycles left */
	int			 retiring;	/* RETIRE: end with this claim */
	int			 stopping;	/* STOP or END seen */
	enum mb_state		 stop_state;	/* state once drained */
	int			 pumping;	/* inside motor_pump */
	int			 pump_scheduled;
	int			 done;		/* loop asked to break */
	enum mb_state		 history[MOTOR_HISTORY];
	int			 nhistory;
	struct mb_motor_stats	 stats;
};

static void	motor_pool_grow(struct mb_motor *, uint32_t);
static void	motor_untime(struct mb_motor *, struct mb_op *);
static void	motor_snap(struct mb_motor *);

static const char *const state_names[] = {
	"initialized", "starting", "running", "stopping", "stopped",
	"finished", "errored"
};

const char *
mb_state_name(enum mb_state s)
{
	if ((unsigned)s >= sizeof state_names / sizeof state_names[0])
		return ("unknown");
	return (state_names[s]);
}

static void
motor_notify(struct mb_motor *m)
{
	mb_notify_post(m->env.notify);
}

static void
motor_set_state(struct mb_motor *m, enum mb_state s)
{
	if (m->nhistory < MOTOR_HISTORY)
		m->history[m->nhistory++] = s;
	atomic_store_explicit(&m->state, s, memory_order_release);
	motor_notify(m);
}

static void
motor_fail(struct mb_motor *m, char *cause)
{
	free(m->cause);
	m->cause = cause;
	m->stop_state = MB_STATE_ERRORED;
	/* Tell the controller now, so it stops the other motors. */
	if (m->running && !m->stopping)
		motor_set_state(m, MB_STATE_STOPPING);
	m->stopping = 1;
}

struct mb_motor *
mb_motor_new(const struct mb_motor_env *env, unsigned index, uint32_t limit,
    int sync)
{
	struct mb_motor	*m;
	uint32_t	 i;

	m = xcalloc(1, sizeof *m);
	m->env = *env;
	m->index = index;
	m->limit = limit == 0 ? 1 : limit;
	atomic_init(&m->want_limit, m->limit);
	m->sync = sync;
	m->wake.rfd = m->wake.wfd = -1;
	m->ready_tail = &m->ready;
	m->retry_tail = &m->retry_head;
	m->stop_state = MB_STATE_FINISHED;
	atomic_init(&m->state, MB_STATE_INITIALIZED);
	atomic_init(&m->opened, 0);
	atomic_init(&m->cmds, 0);
	atomic_init(&m->aborting, 0);
	atomic_init(&m->stats.ops, 0);
	atomic_init(&m->stats.nerrors, 0);
	atomic_init(&m->stats.inflight, 0);
	m->history[m->nhistory++] = MB_STATE_INITIALIZED;
	if (m->env.nslots == 0)
		m->env.nslots = 1;
	if (m->env.maxtries == 0)
		m->env.maxtries = 1;
	m->stats.op = xcalloc(m->env.nslots, sizeof *m->stats.op);
	m->stats.iv = xcalloc(m->env.nslots, sizeof *m->stats.iv);
	for (i = 0; i < m->env.nslots; i++) {
		mb_opstats_init(&m->stats.op[i], env->response, env->wait, 1);
		mb_timers_init(&m->stats.iv[i], env->response, env->wait, 1);
	}
	atomic_init(&m->want_epoch, 0);
	atomic_init(&m->stats.snap_epoch, 0);
	return (m);
}

/* ---- timeouts: timed ops in try order, one timer for the oldest ---- */

static void
motor_untime(struct mb_motor *m, struct mb_op *op)
{
	if (op->t_prev != NULL)
		op->t_prev->t_next = op->t_next;
	else
		m->t_head = op->t_next;
	if (op->t_next != NULL)
		op->t_next->t_prev = op->t_prev;
	else
		m->t_tail = op->t_prev;
	op->t_prev = op->t_next = NULL;
	op->timed = 0;
}

/* Tries start in order and share one timeout, so deadlines are in order
 * too: appending keeps the list sorted, and the timer watches its head. */
static void
motor_time(struct mb_motor *m, struct mb_op *op)
{
	struct timeval	tv;

	op->t_next = NULL;
	op->t_prev = m->t_tail;
	if (m->t_tail != NULL)
		m->t_tail->t_next = op;
	else
		m->t_head = op;
	m->t_tail = op;
	op->timed = 1;
	if (!m->timeout_armed) {
		tv = mb_clock_timeval(m->env.timeout_ns);
		evtimer_add(m->timeout_ev, &tv);
		m->timeout_armed = 1;
	}
}

/* The oldest tries ran out of time: the driver gives them up (its cancel
 * guarantees no callback touches them again) and they fail as timeout. */
static void
motor_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mb_motor	*m = arg;
	struct mb_op	*op;
	struct timeval	 tv;
	uint64_t	 now;

	m->timeout_armed = 0;
	now = mb_clock_ns();
	while ((op = m->t_head) != NULL && op->deadline_ns <= now) {
		motor_untime(m, op);
		m->env.driver->cancel(m->action, op);
		mb_op_complete(op, m->timeout_class);
	}
	if (m->t_head != NULL) {
		tv = mb_clock_timeval(m->t_head->deadline_ns - now);
		evtimer_add(m->timeout_ev, &tv);
		m->timeout_armed = 1;
	}
}

/* ---- the ready list and retiring ---- */

void
mb_op_complete(struct mb_op *op, int status)
{
	struct mb_motor	*m = op->motor;

	if (op->state != MB_OP_INFLIGHT) {
		/* A driver bug, not a user error: fail loudly. */
		fprintf(stderr, "moonbench: driver '%s' completed cycle %llu "
		    "twice\n", m->env.driver->name,
		    (unsigned long long)op->cycle);
		abort();
	}
	if (op->timed)
		motor_untime(m, op);
	op->end_ns = mb_clock_ns();
	op->status = status;
	op->state = MB_OP_DONE;
	op->next = NULL;
	*m->ready_tail = op;
	m->ready_tail = &op->next;
	if (!m->pumping && !m->pump_scheduled) {
		m->pump_scheduled = 1;
		event_active(m->pump_ev, EV_TIMEOUT, 0);
	}
}

void
mb_op_fatal(struct mb_op *op, char *cause)
{
	struct mb_motor	*m = op->motor;

	if (m->cause == NULL)
		motor_fail(m, xfmt("driver '%s': %s", m->env.driver->name,
		    cause));
	free(cause);
	mb_op_complete(op, MB_OP_ABORTED);
}

int
mb_op_aborting(const struct mb_op *op)
{
	return (atomic_load_explicit(&op->motor->aborting,
	    memory_order_relaxed));
}

/* The error policy's verbs for a class, looked up once per motor. */
static unsigned
motor_verbs(struct mb_motor *m, int class)
{
	if (!(m->verbs[class] & MOTOR_VERBS_KNOWN)) {
		m->verbs[class] = MOTOR_VERBS_KNOWN | (unsigned char)
		    mb_errpolicy_verbs(m->env.errors, mb_errclass_name(class));
	}
	return (m->verbs[class] & ~MOTOR_VERBS_KNOWN);
}

/* The warn verb: a line per failed op, the first MOTOR_WARNINGS_FIRST of a
 * motor, then one a second (an error storm must not turn the client into
 * a logger); the summary counts the lines not shown. */
static void
motor_warn(struct mb_motor *m, const struct mb_op *op)
{
	if (m->warn_count >= MOTOR_WARNINGS_FIRST &&
	    op->end_ns - m->warn_last_ns < 1000000000u) {
		m->stats.warnings_dropped++;
		return;
	}
	m->warn_count++;
	m->warn_last_ns = op->end_ns;
	fprintf(stderr, "moonbench: warning: %s: cycle %llu%s%s%s failed: %s "
	    "(try %u)\n", m->env.alias != NULL ? m->env.alias : "activity",
	    (unsigned long long)op->cycle, op->def != NULL ? ", op '" : "",
	    op->def != NULL ? op->def->name : "", op->def != NULL ? "'" : "",
	    mb_errclass_name(op->status), op->tries);
}

/* A failed op's last try: what the policy says, beyond retry. */
static void
motor_failed(struct mb_motor *m, const struct mb_op *op,
    struct mb_opstats *s, unsigned verbs)
{
	struct hdr	**h;

	/* The op that stops a run is counted, whatever the verbs say. */
	if (verbs & (MB_ERRV_COUNT | MB_ERRV_STOP)) {
		s->errors++;
		s->by_class[op->status]++;
		m->nerrors++;
	} else
		s->ignored++;
	if (verbs & MB_ERRV_HISTOGRAM) {
		/* Made at a class's first failure, never again. */
		h = &m->stats.err_hist[op->status];
		if (*h == NULL)
			*h = mb_timer_new();
		hdr_record(*h, (int64_t)(op->end_ns - op->start_ns));
	}
	if (verbs & MB_ERRV_WARN)
		motor_warn(m, op);
	if ((verbs & MB_ERRV_STOP) && m->cause == NULL)
		motor_fail(m, xfmt("cycle %llu%s%s%s failed with %s, and "
		    "errors= says stop for it",
		    (unsigned long long)op->cycle, op->def != NULL ?
		    " (op '" : "", op->def != NULL ? op->def->name : "",
		    op->def != NULL ? "')" : "",
		    mb_errclass_name(op->status)));
}

static void
motor_record_ok(const struct mb_op *op, struct mb_opstats *s)
{
	uint64_t	from;

	s->ok++;
	hdr_record(s->t.service, (int64_t)(op->end_ns - op->start_ns));
	if (s->t.response != NULL) {
		/* Coordinated omission: from when it was due (or, without
		 * a rate, from its first try). */
		from = op->intended_ns != 0 ? op->intended_ns : op->first_ns;
		hdr_record(s->t.response, (int64_t)(op->end_ns - from));
	}
	if (s->t.wait != NULL && op->intended_ns != 0)
		hdr_record(s->t.wait, op->start_ns > op->intended_ns ?
		    (int64_t)(op->start_ns - op->intended_ns) : 0);
}

static void
motor_retire_ready(struct mb_motor *m)
{
	struct mb_op		*op;
	struct mb_opstats	*s;
	unsigned		 verbs = 0;

	while ((op = m->ready) != NULL) {
		m->ready = op->next;
		if (m->ready == NULL)
			m->ready_tail = &m->ready;
		if (op->status == 0 && m->runtime != NULL)
			mb_runtime_result(m->runtime, op,
			    m->env.driver->push_result, m->action);
		s = &m->stats.op[op->def != NULL ? op->def->index : 0];
		if (op->status > 0) {
			verbs = motor_verbs(m, op->status);
			if ((verbs & MB_ERRV_RETRY) &&
			    op->tries < m->env.maxtries &&
			    !atomic_load_explicit(&m->aborting,
			    memory_order_relaxed)) {
				/* Same op, same ticket: it stays in flight
				 * and goes out again before new cycles. */
				s->retries++;
				s->retries_by_class[op->status]++;
				op->state = MB_OP_RETRY;
				op->next = NULL;
				*m->retry_tail = op;
				m->retry_tail = &op->next;
				m->nretry++;
				continue;
			}
		}
		if (op->status >= 0 && (op->cycle < m->env.warmup_end ||
		    op->first_ns < m->warmup_until)) {
			/* Run, but kept out of every number. */
			m->stats.warmup++;
			m->nops++;
		} else if (op->status == 0) {
			motor_record_ok(op, s);
			m->nops++;
		} else if (op->status > 0) {
			/* Retries ran out and nothing else was said: the
			 * default, so no failure goes unseen. */
			if (verbs == MB_ERRV_RETRY)
				verbs |= MB_ERRV_WARN | MB_ERRV_COUNT;
			motor_failed(m, op, s, verbs);
			m->nops++;
		} else
			m->stats.aborted++;
		op->state = MB_OP_FREE;
		op->next = m->free;
		m->free = op;
		m->inflight--;
	}
	atomic_store_explicit(&m->stats.ops, m->nops, memory_order_relaxed);
	atomic_store_explicit(&m->stats.inflight, m->inflight,
	    memory_order_relaxed);
	atomic_store_explicit(&m->stats.nerrors, m->nerrors,
	    memory_order_relaxed);
}

/* ---- submitting ---- */

static int
motor_next_cycle(struct mb_motor *m, uint64_t *cycle)
{
	if (m->cur == m->cur_end) {
		if (m->exhausted)
			return (0);
		/* Retiring, a motor still runs what it claimed: nobody else
		 * will, and every cycle must run once. */
		if (m->retiring ? !mb_cycles_take_claimed(m->env.cycles,
		    &m->claim, &m->cur, &m->cur_end) :
		    !mb_cycles_take(m->env.cycles, &m->claim, &m->cur,
		    &m->cur_end)) {
			m->exhausted = 1;
			return (0);
		}
	}
	*cycle = m->cur;
	return (1);
}

static void
motor_finish_if_drained(struct mb_motor *m)
{
	if (m->done || m->inflight != 0 || m->ready != NULL)
		return;
	if (!m->stopping && !m->exhausted)
		return;
	m->done = 1;
	event_base_loopbreak(m->base);
}

/* Is the motor's next ticket due? Takes one if it holds none; arms the
 * pacing timer when it is not due yet; marks the end when the schedule's
 * end is past. */
static int
motor_paced(struct mb_motor *m)
{
	struct timeval	tv;
	uint64_t	now, gate;

	if (!m->have_ticket) {
		m->ticket_ns = mb_rate_take(m->env.rate);
		if (m->ticket_ns == MB_RATE_NONE) {
			m->exhausted = 1;
			return (0);
		}
		m->have_ticket = 1;
	}
	now = mb_clock_ns();
	if (m->ticket_ns <= now) {
		/* Due; behind schedule, burst= may still hold it back. */
		if ((gate = mb_rate_gate(m->env.rate, now)) == 0)
			return (1);
		tv = mb_clock_timeval(gate - now);
	} else
		tv = mb_clock_timeval(m->ticket_ns - now);
	evtimer_add(m->pace_ev, &tv);
	return (0);
}

/* striderate: a stride's worth of ops goes out when its ticket is due. */
static int
motor_stride_paced(struct mb_motor *m)
{
	struct timeval	tv;
	uint64_t	now;

	if (m->stride_left > 0)
		return (1);
	if (!m->have_stride) {
		m->stride_ns = mb_rate_take(m->env.striderate);
		if (m->stride_ns == MB_RATE_NONE) {
			m->exhausted = 1;
			return (0);
		}
		m->have_stride = 1;
	}
	now = mb_clock_ns();
	if (m->stride_ns <= now) {
		m->stride_left = m->env.stride;
		m->have_stride = 0;
		return (1);
	}
	tv = mb_clock_timeval(m->stride_ns - now);
	evtimer_add(m->pace_ev, &tv);
	return (0);
}

/* Hand a try to the driver. MB_SUBMIT_FULL leaves the op with the caller,
 * as it was. */
static enum mb_submit
motor_submit(struct mb_motor *m, struct mb_op *op)
{
	op->state = MB_OP_INFLIGHT;
	op->status = 0;
	op->tries++;
	op->start_ns = mb_clock_ns();
	if (op->tries == 1)
		op->first_ns = op->start_ns;
	op->deadline_ns = 0;
	if (m->env.timeout_ns != 0) {
		op->deadline_ns = op->start_ns + m->env.timeout_ns;
		/* A sync driver holds the thread: it checks the deadline. */
		if (!m->sync)
			motor_time(m, op);
	}
	if (m->env.driver->submit(m->action, op) == MB_SUBMIT_FULL) {
		if (op->timed)
			motor_untime(m, op);
		op->tries--;
		return (MB_SUBMIT_FULL);
	}
	return (MB_SUBMIT_OK);
}

/* A sync driver must complete an op before submit returns. */
static int
motor_sync_broken(struct mb_motor *m, struct mb_op *op)
{
	if (!m->sync || op->state != MB_OP_INFLIGHT)
		return (0);
	/* A driver bug: take the op back so nothing waits. */
	m->env.driver->cancel(m->action, op);
	op->state = MB_OP_FREE;
	op->next = m->free;
	m->free = op;
	m->inflight--;
	motor_fail(m, xfmt("driver '%s' did not complete a sync op before "
	    "returning", m->env.driver->name));
	return (1);
}

/* The first op of the retry queue goes out again: 0 when the driver is
 * full (it stays first in line). */
static int
motor_pump_retry(struct mb_motor *m)
{
	struct mb_op	*op = m->retry_head;

	if ((m->retry_head = op->next) == NULL)
		m->retry_tail = &m->retry_head;
	op->next = NULL;
	m->nretry--;
	if (motor_submit(m, op) == MB_SUBMIT_FULL) {
		op->state = MB_OP_RETRY;
		if ((op->next = m->retry_head) == NULL)
			m->retry_tail = &op->next;
		m->retry_head = op;
		m->nretry++;
		if (m->inflight == m->nretry)
			motor_fail(m, xfmt("driver '%s' refused an op with "
			    "nothing in flight", m->env.driver->name));
		return (0);
	}
	return (!motor_sync_broken(m, op));
}

static void
motor_pump(struct mb_motor *m)
{
	const struct mb_driver	*d = m->env.driver;
	struct mb_op		*op;
	uint64_t		 cycle;
	unsigned		 budget = MOTOR_PUMP_BUDGET;
	int			 status, full = 0;

	m->pump_scheduled = 0;
	m->pumping = 1;
	for (;;) {
		motor_retire_ready(m);
		if (!m->running)
			break;
		/* A command waits (a stop, say): let the loop serve it now,
		 * not after the budget; wake_cb pumps again. */
		if (atomic_load_explicit(&m->cmds, memory_order_relaxed) != 0)
			break;
		if (budget == 0) {
			static const struct timeval zero = { 0, 0 };

			/* Let the loop serve commands, then carry on. */
			evtimer_add(m->yield_ev, &zero);
			break;
		}
		/* Retries first: they are in flight already (even in a
		 * drain), and they take no ticket. */
		if (m->retry_head != NULL) {
			if (!motor_pump_retry(m)) {
				full = 1;
				break;
			}
			budget--;
			continue;
		}
		if (m->stopping || m->inflight >= m->limit)
			break;
		/* A cycle first: no ticket is waited for when none is left. */
		if (!motor_next_cycle(m, &cycle))
			break;
		if (m->env.striderate != NULL && !motor_stride_paced(m))
			break;
		if (m->env.rate != NULL && !motor_paced(m))
			break;
		op = m->free;
		m->free = op->next;
		op->next = NULL;
		op->cycle = cycle;
		op->tries = 0;
		op->intended_ns = m->have_ticket ? m->ticket_ns :
		    m->env.striderate != NULL ? m->stride_ns : 0;
		m->have_ticket = 0;
		if (m->env.striderate != NULL)
			m->stride_left--;
		m->inflight++;
		if (m->inflight > m->stats.max_inflight)
			m->stats.max_inflight = m->inflight;
		if (m->runtime != NULL &&
		    (status = mb_runtime_render(m->runtime, op)) != 0) {
			/* No values, no op: it fails without being sent. */
			op->state = MB_OP_INFLIGHT;
			op->tries = 1;
			op->start_ns = op->first_ns = mb_clock_ns();
			mb_op_complete(op, status);
			m->cur++;
			budget--;
			continue;
		}
		if (motor_submit(m, op) == MB_SUBMIT_FULL) {
			/* Not accepted: the cycle stays next in line, and so
			 * do its tickets. */
			if (m->env.striderate != NULL)
				m->stride_left++;
			if (op->intended_ns != 0 && m->env.rate != NULL) {
				m->ticket_ns = op->intended_ns;
				m->have_ticket = 1;
			}
			op->state = MB_OP_FREE;
			op->next = m->free;
			m->free = op;
			m->inflight--;
			if (m->inflight == m->nretry) {
				motor_fail(m, xfmt("driver '%s' refused an op "
				    "with nothing in flight", d->name));
			}
			full = 1;
			break;
		}
		m->cur++;
		budget--;
		if (motor_sync_broken(m, op))
			break;
	}
	m->pumping = 0;
	motor_retire_ready(m);
	/* The last retire may have queued retries: they go out now (unless
	 * the driver is full: a completion pumps again). */
	if (m->retry_head != NULL && m->running && !full &&
	    !m->pump_scheduled) {
		m->pump_scheduled = 1;
		event_active(m->pump_ev, EV_TIMEOUT, 0);
	}
	motor_finish_if_drained(m);
}

static void
motor_pump_cb(evutil_socket_t fd, short what, void *arg)
{
	motor_pump(arg);
}

/* ---- commands from the controller ---- */

/* The drain took too long: cancel what is in flight and count it. The
 * driver's cancel guarantees no callback touches the context again. */
static void
motor_abort(struct mb_motor *m)
{
	struct mb_op	*op;
	uint32_t	 i;

	if (!m->stopping) {
		m->stopping = 1;
		m->stop_state = MB_STATE_STOPPED;
		motor_set_state(m, MB_STATE_STOPPING);
	}
	motor_retire_ready(m);
	for (i = 0; i < m->npool && m->inflight > 0; i++) {
		op = m->ops[i];
		if (op->state == MB_OP_INFLIGHT) {
			if (op->timed)
				motor_untime(m, op);
			m->env.driver->cancel(m->action, op);
		} else if (op->state != MB_OP_RETRY)
			continue;
		op->state = MB_OP_FREE;
		op->next = m->free;
		m->free = op;
		m->inflight--;
		m->stats.aborted++;
	}
	m->retry_head = NULL;
	m->retry_tail = &m->retry_head;
	m->nretry = 0;
}

static void
motor_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mb_motor	*m = arg;
	unsigned	 cmds;

	mb_notify_drain(&m->wake);
	cmds = atomic_exchange_explicit(&m->cmds, 0, memory_order_acquire);
	if (cmds & (1u << MB_MOTOR_STOP) && !m->stopping) {
		m->stopping = 1;
		m->stop_state = MB_STATE_STOPPED;
		motor_set_state(m, MB_STATE_STOPPING);
	}
	if (cmds & (1u << MB_MOTOR_END) && !m->stopping) {
		m->stopping = 1;
		m->stop_state = MB_STATE_FINISHED;
		motor_set_state(m, MB_STATE_STOPPING);
	}
	if (cmds & (1u << MB_MOTOR_ABORT))
		motor_abort(m);
	if (cmds & (1u << MB_MOTOR_LIMIT)) {
		m->limit = atomic_load_explicit(&m->want_limit,
		    memory_order_relaxed);
		motor_pool_grow(m, m->limit);
	}
	if (cmds & (1u << MB_MOTOR_SNAP))
		motor_snap(m);
	/* Leave the activity: finish what it claimed, drain, finished. */
	if (cmds & (1u << MB_MOTOR_RETIRE))
		m->retiring = 1;
	if (cmds & (1u << MB_MOTOR_GO) && !m->running && !m->stopping) {
		m->running = 1;
		if (m->env.warmup_ns != 0)
			m->warmup_until = mb_clock_ns() + m->env.warmup_ns;
		motor_set_state(m, MB_STATE_RUNNING);
	}
	motor_pump(m);
}

void
mb_motor_send(struct mb_motor *m, enum mb_motor_cmd cmd)
{
	if (cmd == MB_MOTOR_ABORT)
		atomic_store_explicit(&m->aborting, 1, memory_order_relaxed);
	atomic_fetch_or_explicit(&m->cmds, 1u << cmd, memory_order_release);
	mb_notify_post(&m->wake);
}

/* A safe point: swap in the (merged, reset) interval histograms and
 * publish the epoch; what was recorded is the controller's now. */
static void
motor_snap(struct mb_motor *m)
{
	struct mb_timers	t;
	uint32_t		i;

	for (i = 0; i < m->env.nslots; i++) {
		t = m->stats.op[i].t;
		m->stats.op[i].t = m->stats.iv[i];
		m->stats.iv[i] = t;
	}
	atomic_store_explicit(&m->stats.snap_epoch, atomic_load_explicit(
	    &m->want_epoch, memory_order_relaxed), memory_order_release);
	motor_notify(m);
}

void
mb_motor_snap(struct mb_motor *m, uint64_t epoch)
{
	atomic_store_explicit(&m->want_epoch, epoch, memory_order_relaxed);
	mb_motor_send(m, MB_MOTOR_SNAP);
}

void
mb_motor_set_limit(struct mb_motor *m, uint32_t limit)
{
	atomic_store_explicit(&m->want_limit, limit == 0 ? 1 : limit,
	    memory_order_relaxed);
	mb_motor_send(m, MB_MOTOR_LIMIT);
}

/* ---- the thread ---- */

/* More op contexts, up to want: at start, and when a live change raises
 * the motor's share of async (never per op). */
static void
motor_pool_grow(struct mb_motor *m, uint32_t want)
{
	const struct mb_driver	*d = m->env.driver;
	unsigned char		*mem;
	struct mb_op		*op;
	uint32_t		 i, n;

	if (want <= m->npool)
		return;
	n = want - m->npool;
	mem = xcalloc(n, m->op_stride);
	m->chunks = xreallocarray(m->chunks, m->nchunks + 1,
	    sizeof *m->chunks);
	m->chunks[m->nchunks++] = mem;
	m->ops = xreallocarray(m->ops, want, sizeof *m->ops);
	for (i = n; i-- > 0;) {
		op = (struct mb_op *)(mem + i * m->op_stride);
		op->motor = m;
		op->state = MB_OP_FREE;
		if (m->runtime != NULL)
			mb_runtime_op_init(m->runtime, op);
		if (d->op_init != NULL)
			d->op_init(m->action, op);
		op->next = m->free;
		m->free = op;
		m->ops[m->npool + i] = op;
	}
	m->npool = want;
}

static int
motor_open(struct mb_motor *m)
{
	const struct mb_driver	*d = m->env.driver;
	struct event_config	*cfg;
	struct mb_action_env	 aenv;
	int			 flags;
	struct timeval		 tv;
	char			*cause = NULL;

	cfg = event_config_new();
	if (cfg == NULL)
		goto nobase;
	/* No cached time: a timer set in a callback counts from now, not
	 * from when the loop woke, or delays would end early. A precise
	 * (timerfd) timer only when sub-millisecond timers matter, pacing a
	 * rate or a driver's own delays: libevent re-arms it with a syscall
	 * on every loop turn, and epoll's millisecond timeouts do for the
	 * rest (op timeouts, reconnects). */
	flags = EVENT_BASE_FLAG_NOLOCK | EVENT_BASE_FLAG_NO_CACHE_TIME;
	if (m->env.rate != NULL || m->env.striderate != NULL ||
	    (d->flags & MB_DRIVER_PRECISE_TIMERS))
		flags |= EVENT_BASE_FLAG_PRECISE_TIMER;
	event_config_set_flag(cfg, flags);
	event_config_set_max_dispatch_interval(cfg, NULL, MOTOR_MAX_CALLBACKS,
	    0);
	m->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (m->base == NULL)
		goto nobase;
	m->wake_ev = event_new(m->base, m->wake.rfd, EV_READ | EV_PERSIST,
	    motor_wake_cb, m);
	m->pump_ev = event_new(m->base, -1, 0, motor_pump_cb, m);
	m->yield_ev = evtimer_new(m->base, motor_pump_cb, m);
	m->pace_ev = evtimer_new(m->base, motor_pump_cb, m);
	m->timeout_ev = evtimer_new(m->base, motor_timeout_cb, m);
	m->timeout_class = mb_errclass_intern("timeout");
	if (m->wake_ev == NULL || m->pump_ev == NULL || m->yield_ev == NULL ||
	    m->pace_ev == NULL || m->timeout_ev == NULL ||
	    event_add(m->wake_ev, NULL) != 0)
		goto nobase;
	/* Let libevent size its timer heap now, not at the first op. */
	tv = mb_clock_timeval(3600ULL * 1000000000ULL);
	evtimer_add(m->yield_ev, &tv);
	evtimer_add(m->pace_ev, &tv);
	evtimer_add(m->timeout_ev, &tv);
	evtimer_del(m->yield_ev);
	evtimer_del(m->pace_ev);
	evtimer_del(m->timeout_ev);

	memset(&aenv, 0, sizeof aenv);
	aenv.base = m->base;
	aenv.params = m->env.params;
	aenv.shared = m->env.driver_shared;
	aenv.motor_index = m->index;
	aenv.async_limit = m->sync ? 0 : m->limit;
	if (m->env.workload != NULL) {
		m->runtime = mb_runtime_new(m->env.workload, m->env.params,
		    m->index, &cause);
		if (m->runtime == NULL) {
			motor_fail(m, cause);
			return (-1);
		}
	}
	m->action = d->open(&aenv, &cause);
	if (m->action == NULL) {
		motor_fail(m, xfmt("driver '%s': %s", d->name,
		    cause != NULL ? cause : "cannot open"));
		free(cause);
		return (-1);
	}

	/* The whole pool now: nothing is allocated per op later. */
	m->op_stride = (sizeof(struct mb_op) + d->op_size + 15) & ~(size_t)15;
	motor_pool_grow(m, m->limit);
	return (0);

nobase:
	motor_fail(m, xstrdup("cannot create the motor's event loop"));
	return (-1);
}

static void
motor_close(struct mb_motor *m)
{
	const struct mb_driver	*d = m->env.driver;
	uint32_t		 i;

	if (m->action != NULL) {
		for (i = 0; d->op_fini != NULL && i < m->npool; i++)
			d->op_fini(m->action, m->ops[i]);
		d->close(m->action);
		m->action = NULL;
	}
	if (m->runtime != NULL) {
		for (i = 0; i < m->npool; i++)
			mb_runtime_op_fini(m->runtime, m->ops[i]);
		mb_runtime_free(m->runtime);
		m->runtime = NULL;
	}
	for (i = 0; i < m->nchunks; i++)
		free(m->chunks[i]);
	free(m->chunks);
	free(m->ops);
	m->chunks = NULL;
	m->ops = NULL;
	m->nchunks = m->npool = 0;
	if (m->yield_ev != NULL)
		event_free(m->yield_ev);
	if (m->pace_ev != NULL)
		event_free(m->pace_ev);
	m->pace_ev = NULL;
	if (m->timeout_ev != NULL)
		event_free(m->timeout_ev);
	m->timeout_ev = NULL;
	if (m->pump_ev != NULL)
		event_free(m->pump_ev);
	if (m->wake_ev != NULL)
		event_free(m->wake_ev);
	if (m->base != NULL)
		event_base_free(m->base);
	m->yield_ev = m->pump_ev = m->wake_ev = NULL;
	m->base = NULL;
}

/* This thread's CPU time: what the client itself cost. */
static uint64_t
motor_cpu_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return (0);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

static void *
motor_main(void *arg)
{
	struct mb_motor	*m = arg;
	uint64_t	 cpu0;

	motor_set_state(m, MB_STATE_STARTING);
	if (motor_open(m) == 0) {
		/* The client's cost is what running ops took: opening (a Lua
		 * state, connections) and closing are left out, or a short
		 * run would show more CPU than wall time. */
		cpu0 = motor_cpu_ns();
		atomic_store_explicit(&m->opened, 1, memory_order_release);
		motor_notify(m);
		event_base_dispatch(m->base);
		m->stats.cpu_ns = motor_cpu_ns() - cpu0;
	}
	motor_close(m);
	/* Terminal: the controller may join and read everything now. */
	motor_set_state(m, m->stop_state);
	return (NULL);
}

int
mb_motor_start(struct mb_motor *m, char **cause)
{
	sigset_t	 all, old;
	int		 error;

	if (mb_notify_open(&m->wake) != 0) {
		*cause = xfmt("motor %u: cannot create its wake-up descriptor: "
		    "%s", m->index, strerror(errno));
		return (-1);
	}
	/* Motors block every signal: the controller handles them. Block
	 * before creating the thread so none lands there in between. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	error = pthread_create(&m->thread, NULL, motor_main, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		*cause = xfmt("motor %u: cannot create its thread: %s",
		    m->index, strerror(error));
		return (-1);
	}
	m->started = 1;
	return (0);
}

enum mb_state
mb_motor_state(const struct mb_motor *m)
{
	return (atomic_load_explicit(&m->state, memory_order_acquire));
}

int
mb_motor_is_ready(const struct mb_motor *m)
{
	return (atomic_load_explicit(&m->opened, memory_order_acquire));
}

const char *
mb_motor_cause(const struct mb_motor *m)
{
	return (m->cause);
}

void
mb_motor_join(struct mb_motor *m)
{
	if (m->started) {
		pthread_join(m->thread, NULL);
		m->started = 0;
	}
}

void
mb_motor_free(struct mb_motor *m)
{
	uint32_t	i;

	if (m == NULL)
		return;
	mb_motor_join(m);
	mb_notify_close(&m->wake);
	for (i = 0; i < m->env.nslots; i++) {
		mb_opstats_free(&m->stats.op[i]);
		mb_timers_free(&m->stats.iv[i]);
	}
	free(m->stats.op);
	free(m->stats.iv);
	for (i = 0; i < MB_ERRCLASS_MAX; i++)
		hdr_free(m->stats.err_hist[i]);
	free(m->cause);
	free(m);
}

const struct mb_motor_stats *
mb_motor_stats(const struct mb_motor *m)
{
	return (&m->stats);
}

struct mb_motor_stats *
mb_motor_stats_mut(struct mb_motor *m)
{
	return (&m->stats);
}

uint32_t
mb_motor_limit(const struct mb_motor *m)
{
	return (atomic_load_explicit(&m->want_limit, memory_order_relaxed));
}

int
mb_motor_history(const struct mb_motor *m, enum mb_state *out, int max)
{
	int	i;

	for (i = 0; i < m->nhistory && i < max; i++)
		out[i] = m->history[i];
	return (m->nhistory);
}
