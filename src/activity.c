/* Activities: start, watch, stop and merge a set of motors. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "activity.h"
#include "clock.h"
#include "hdr.h"
#include "ratelimit.h"
#include "xmalloc.h"

#define ACTIVITY_HISTORY	8

struct mb_activity {
	struct mb_activity_config cfg;
	void			*driver_shared;	/* from driver->init */
	struct mb_cycles	 cycles;
	struct mb_rate		 rate;		/* with rate=, from GO on */
	struct mb_rate		 striderate;	/* with striderate=, too */
	struct mb_motor	       **motors;	/* all, retired ones too */
	uint32_t		 nmotors;
	unsigned char		*gone;		/* per motor: sent GO */
	unsigned char		*retired;	/* per motor: sent RETIRE */
	struct mb_motor_env	 env;		/* what every motor gets */
	struct mb_notify	 notify;	/* motors post, we watch */
	struct event		*notify_ev;
	struct event		*duration_ev;
	struct event		*drain_ev;	/* a stop's drain ran out */
	uint64_t		 drain_ns;
	enum mb_state		 state;
	char			*cause;		/* why it errored */
	uint64_t		 t0_ns;		/* start barrier passed */
	mb_activity_cb		 done_cb;
	void			*done_arg;
	mb_activity_cb		 interval_cb;	/* an interval was collected */
	void			*interval_arg;
	struct mb_activity_totals totals;
	/* Interval snapshots: the motors hand out their histograms at each
	 * tick; merged here into the last interval and the running total. */
	uint64_t		 epoch;		/* the SNAP asked for last */
	uint64_t		 posted_ns;	/* when it was asked for */
	uint64_t		 iv_start_ns;	/* the last whole interval */
	uint64_t		 iv_end_ns;
	int			 snap_pending;	/* not every motor served it */
	/* Per op of the block (nslots of them), then over all ops: the last
	 * whole interval, and every interval merged (at the end: the run). */
	uint32_t		 nslots;
	struct mb_timers	*op_iv;
	struct mb_opstats	*op_cum;	/* counts merged at the end */
	struct mb_timers	 iv;
	struct mb_timers	 cum;
	enum mb_state		 history[ACTIVITY_HISTORY];
	int			 nhistory;
	/* A sweep's window: the intervals that start at or after win_ns,
	 * merged as they are collected (see mb_activity_window_mark). */
	struct mb_timers	 win;
	uint64_t		 win_ns;	/* 0: no window */
	uint64_t		 win_ops;	/* counts at the mark */
	uint64_t		 win_errors;
};

static void	activity_timers_new(struct mb_activity *);
static void	activity_window_add(struct mb_activity *);

static void
activity_set_state(struct mb_activity *a, enum mb_state s)
{
	if (a->state == s)
		return;
	a->state = s;
	if (a->nhistory < ACTIVITY_HISTORY)
		a->history[a->nhistory++] = s;
}

struct mb_activity *
mb_activity_new(const struct mb_params *params,
    const struct mb_driver *default_driver, uint64_t seq_len, char **cause)
{
	struct mb_activity	*a;

	a = xcalloc(1, sizeof *a);
	a->notify.rfd = a->notify.wfd = -1;
	a->drain_ns = MB_ACTIVITY_DRAIN_NS;
	a->history[a->nhistory++] = MB_STATE_INITIALIZED;
	if (mb_activity_config_parse(&a->cfg, params, default_driver,
	    seq_len, cause) != 0) {
		free(a);
		return (NULL);
	}
	a->driver_shared = a->cfg.driver->init(&a->cfg.params, cause);
	if (a->driver_shared == NULL) {
		mb_activity_config_free(&a->cfg);
		free(a);
		return (NULL);
	}
	mb_cycles_init(&a->cycles, a->cfg.cycle_start, a->cfg.cycle_end,
	    a->cfg.stride, a->cfg.shard_index, a->cfg.shard_count);
	mb_cycles_set_takers(&a->cycles, a->cfg.threads);
	activity_timers_new(a);
	return (a);
}

/* Response time is kept with a rate (from when each op was due) or with
 * retries (from its first try); wait time with a rate. */
static void
activity_timers_new(struct mb_activity *a)
{
	int		paced, response;
	uint32_t	i;

	paced = a->cfg.rate > 0 || a->cfg.striderate > 0;
	response = paced || mb_errpolicy_retries(a->cfg.errors);
	a->nslots = a->cfg.workload != NULL ?
	    (uint32_t)a->cfg.workload->block->nops : 1;
	a->op_iv = xcalloc(a->nslots, sizeof *a->op_iv);
	a->op_cum = xcalloc(a->nslots, sizeof *a->op_cum);
	for (i = 0; i < a->nslots; i++) {
		mb_timers_init(&a->op_iv[i], response, paced, 0);
		mb_opstats_init(&a->op_cum[i], response, paced, 0);
	}
	mb_timers_init(&a->iv, response, paced, 0);
	mb_timers_init(&a->cum, response, paced, 0);
	mb_timers_init(&a->win, response, paced, 0);
	a->totals.service = a->cum.service;
	a->totals.response = a->cum.response;
	a->totals.wait = a->cum.wait;
	if (a->cfg.workload != NULL) {
		a->totals.nop = a->nslots;
		a->totals.op = a->op_cum;
	}
}

/* Merge the slots' intervals into the activity's interval, and that into
 * the running totals. */
static void
activity_sum_interval(struct mb_activity *a)
{
	uint32_t	k;

	mb_timers_reset(&a->iv);
	for (k = 0; k < a->nslots; k++) {
		mb_timers_add(&a->iv, &a->op_iv[k]);
		mb_timers_add(&a->op_cum[k].t, &a->op_iv[k]);
	}
	mb_timers_add(&a->cum, &a->iv);
}

static void
activity_send_all(struct mb_activity *a, enum mb_motor_cmd cmd)
{
	uint32_t	i;

	for (i = 0; i < a->nmotors; i++)
		mb_motor_send(a->motors[i], cmd);
}

/* Tell every motor to stop and give the in-flight ops drain_ns to finish;
 * those still out then are cancelled and counted as aborted. */
static void
activity_stopping(struct mb_activity *a, enum mb_motor_cmd cmd)
{
	struct timeval	tv;

	activity_set_state(a, MB_STATE_STOPPING);
	activity_send_all(a, cmd);
	if (a->drain_ev != NULL && !evtimer_pending(a->drain_ev, NULL)) {
		tv = mb_clock_timeval(a->drain_ns);
		evtimer_add(a->drain_ev, &tv);
	}
}

static void
activity_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	mb_activity_abort(arg);
}

static void
activity_duration_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mb_activity	*a = arg;

	if (a->state == MB_STATE_RUNNING)
		activity_stopping(a, MB_MOTOR_END);
}

/* Every motor ended: add up their counts, and make what they still held
 * (recording, or an interval not collected) the last, partial interval. */
static void
activity_merge(struct mb_activity *a)
{
	const struct mb_motor_stats	*s;
	struct mb_opstats		*o;
	uint32_t			 i, k;
	int				 c;

	for (k = 0; k < a->nslots; k++)
		mb_timers_reset(&a->op_iv[k]);
	for (i = 0; i < a->nmotors; i++) {
		s = mb_motor_stats(a->motors[i]);
		a->totals.ops += atomic_load(&s->ops) - s->warmup;
		a->totals.aborted += s->aborted;
		a->totals.warmup += s->warmup;
		a->totals.cpu_ns += s->cpu_ns;
		a->totals.max_inflight += s->max_inflight;
		a->totals.warnings_dropped += s->warnings_dropped;
		for (k = 0; k < a->nslots; k++) {
			o = &a->op_cum[k];
			o->ok += s->op[k].ok;
			o->errors += s->op[k].errors;
			o->ignored += s->op[k].ignored;
			o->retries += s->op[k].retries;
			for (c = 0; c < MB_ERRCLASS_MAX; c++) {
				o->by_class[c] += s->op[k].by_class[c];
				o->retries_by_class[c] +=
				    s->op[k].retries_by_class[c];
			}
			/* A collected interval was reset: it adds nothing. */
			mb_timers_add(&a->op_iv[k], &s->op[k].t);
			mb_timers_add(&a->op_iv[k], &s->iv[k]);
		}
		for (c = 0; c < MB_ERRCLASS_MAX; c++) {
			if (s->err_hist[c] == NULL)
				continue;
			if (a->totals.err_hist[c] == NULL)
				a->totals.err_hist[c] = mb_timer_new();
			hdr_add(a->totals.err_hist[c], s->err_hist[c]);
		}
	}
	for (k = 0; k < a->nslots; k++) {
		o = &a->op_cum[k];
		a->totals.ok += o->ok;
		a->totals.errors += o->errors;
		a->totals.ignored += o->ignored;
		a->totals.retries += o->retries;
		for (c = 0; c < MB_ERRCLASS_MAX; c++) {
			a->totals.by_class[c] += o->by_class[c];
			a->totals.retries_by_class[c] += o->retries_by_class[c];
		}
	}
	activity_sum_interval(a);
	a->iv_start_ns = a->iv_end_ns != 0 ? a->iv_end_ns : a->t0_ns;
	a->iv_end_ns = mb_clock_ns();
	activity_window_add(a);
}

/* Merge the interval once every motor still running has handed it out;
 * then tell the controller (progress, reports). Called on the controller,
 * once per tick and on every notification while one is pending. */
static void
activity_collect(struct mb_activity *a)
{
	struct mb_motor_stats	*s;
	uint32_t		 i, k;

	if (!a->snap_pending)
		return;
	for (i = 0; i < a->nmotors; i++) {
		s = mb_motor_stats_mut(a->motors[i]);
		if (!MB_STATE_TERMINAL(mb_motor_state(a->motors[i])) &&
		    atomic_load_explicit(&s->snap_epoch,
		    memory_order_acquire) != a->epoch)
			return;		/* a motor answers late */
	}
	for (k = 0; k < a->nslots; k++)
		mb_timers_reset(&a->op_iv[k]);
	for (i = 0; i < a->nmotors; i++) {
		s = mb_motor_stats_mut(a->motors[i]);
		if (atomic_load_explicit(&s->snap_epoch,
		    memory_order_acquire) != a->epoch)
			continue;	/* ended: merged at the end */
		for (k = 0; k < a->nslots; k++) {
			mb_timers_add(&a->op_iv[k], &s->iv[k]);
			mb_timers_reset(&s->iv[k]);
		}
	}
	activity_sum_interval(a);
	a->snap_pending = 0;
	a->iv_start_ns = a->iv_end_ns != 0 ? a->iv_end_ns : a->t0_ns;
	a->iv_end_ns = a->posted_ns;
	activity_window_add(a);
	if (a->interval_cb != NULL)
		a->interval_cb(a, a->interval_arg);
}

void
mb_activity_tick(struct mb_activity *a)
{
	uint32_t	i;

	if (a->state != MB_STATE_RUNNING && a->state != MB_STATE_STOPPING)
		return;
	if (a->snap_pending)
		return;		/* the last one is not in yet */
	a->epoch++;
	a->posted_ns = mb_clock_ns();
	a->snap_pending = 1;
	for (i = 0; i < a->nmotors; i++) {
		if (!MB_STATE_TERMINAL(mb_motor_state(a->motors[i])))
			mb_motor_snap(a->motors[i], a->epoch);
	}
	/* Every motor may have ended already. */
	activity_collect(a);
}

void
mb_activity_set_interval_cb(struct mb_activity *a, mb_activity_cb cb,
    void *arg)
{
	a->interval_cb = cb;
	a->interval_arg = arg;
}

void
mb_activity_interval_times(const struct mb_activity *a, uint64_t *start,
    uint64_t *end)
{
	*start = a->iv_start_ns;
	*end = a->iv_end_ns;
}

const struct hdr *
mb_activity_interval_timer(const struct mb_activity *a, int op,
    const char *timer)
{
	const struct mb_timers	*t;
	int			 i;

	if (op >= (int)a->nslots)
		return (NULL);
	t = op < 0 ? &a->iv : &a->op_iv[op];
	for (i = 0; i < MB_NTIMERS; i++) {
		if (strcmp(timer, mb_timer_name(i)) == 0)
			return (mb_timers_get(t, i));
	}
	return (NULL);
}

const struct hdr *
mb_activity_interval(const struct mb_activity *a)
{
	return (a->iv.response != NULL ? a->iv.response : a->iv.service);
}

const struct hdr *
mb_activity_so_far(const struct mb_activity *a)
{
	return (a->cum.response != NULL ? a->cum.response : a->cum.service);
}

/* The interval just collected belongs to the window if it started in it. */
static void
activity_window_add(struct mb_activity *a)
{
	if (a->win_ns != 0 && a->iv_start_ns >= a->win_ns)
		mb_timers_add(&a->win, &a->iv);
}

void
mb_activity_window_mark(struct mb_activity *a)
{
	mb_timers_reset(&a->win);
	/* Cut an interval now, so the window starts on its boundary
	 * rather than up to a tick late. */
	if (!a->snap_pending)
		mb_activity_tick(a);
	a->win_ns = a->snap_pending ? a->posted_ns : mb_clock_ns();
	a->win_ops = mb_activity_ops(a);
	a->win_errors = mb_activity_errors(a);
}

int
mb_activity_window(const struct mb_activity *a, struct mb_activity_window *w)
{
	if (a->win_ns == 0)
		return (-1);
	w->start_ns = a->win_ns;
	w->end_ns = mb_clock_ns();
	w->ops = mb_activity_ops(a) - a->win_ops;
	w->errors = mb_activity_errors(a) - a->win_errors;
	w->latency = a->win.response != NULL ? a->win.response :
	    a->win.service;
	return (0);
}

/* The events live on the controller's base: give them back as soon as the
 * activity ends, so it may outlive that base. */
static void
activity_release_events(struct mb_activity *a)
{
	if (a->notify_ev != NULL)
		event_free(a->notify_ev);
	if (a->duration_ev != NULL)
		event_free(a->duration_ev);
	if (a->drain_ev != NULL)
		event_free(a->drain_ev);
	a->notify_ev = a->duration_ev = a->drain_ev = NULL;
}

/* Every motor has ended: join them, merge, decide the activity's end. */
static void
activity_end(struct mb_activity *a)
{
	enum mb_state	 end, s;
	uint32_t	 i;

	end = a->cause != NULL ? MB_STATE_ERRORED : MB_STATE_FINISHED;

	for (i = 0; i < a->nmotors; i++) {
		mb_motor_join(a->motors[i]);
		s = mb_motor_state(a->motors[i]);
		if (s == MB_STATE_ERRORED)
			end = MB_STATE_ERRORED;
		else if (s == MB_STATE_STOPPED && end != MB_STATE_ERRORED)
			end = MB_STATE_STOPPED;
	}
	if (a->t0_ns != 0)
		a->totals.elapsed_ns = mb_clock_ns() - a->t0_ns;
	activity_merge(a);
	activity_release_events(a);
	activity_set_state(a, end);
	if (a->done_cb != NULL)
		a->done_cb(a, a->done_arg);
}

static void
activity_notify_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mb_activity	*a = arg;
	uint32_t		 i, ready = 0, ended = 0;
	enum mb_state		 s;
	struct timeval		 tv;

	mb_notify_drain(&a->notify);
	if (MB_STATE_TERMINAL(a->state))
		return;
	for (i = 0; i < a->nmotors; i++) {
		s = mb_motor_state(a->motors[i]);
		if (s == MB_STATE_ERRORED && a->cause == NULL &&
		    mb_motor_cause(a->motors[i]) != NULL) {
			a->cause = xfmt("motor %u: %s", i,
			    mb_motor_cause(a->motors[i]));
		}
		if (MB_STATE_TERMINAL(s))
			ended++;
		if (mb_motor_is_ready(a->motors[i]))
			ready++;
		/* One motor failing stops the others. */
		if ((s == MB_STATE_ERRORED || (s == MB_STATE_STOPPING &&
		    mb_motor_cause(a->motors[i]) != NULL)) &&
		    a->state != MB_STATE_STOPPING)
			activity_stopping(a, MB_MOTOR_STOP);
	}
	if (a->state == MB_STATE_RUNNING) {
		/* Motors added by a live change go as soon as they open. */
		for (i = 0; i < a->nmotors; i++) {
			if (!a->gone[i] && mb_motor_is_ready(a->motors[i])) {
				a->gone[i] = 1;
				mb_motor_send(a->motors[i], MB_MOTOR_GO);
			}
		}
	}
	if (a->state == MB_STATE_STARTING && ready == a->nmotors) {
		/* The start barrier: every motor opened; go together. */
		a->t0_ns = mb_clock_ns();
		/* The schedule starts now; with a duration it ends the run
		 * itself, after exactly the ops intended within it. */
		if (a->cfg.rate > 0) {
			mb_rate_init(&a->rate, a->cfg.rate, a->t0_ns,
			    a->cfg.duration_ns != 0 ? a->t0_ns +
			    a->cfg.duration_ns : 0);
			if (a->cfg.burst > 0)
				mb_rate_set_burst(&a->rate, a->cfg.burst);
		}
		if (a->cfg.striderate > 0)
			mb_rate_init(&a->striderate, a->cfg.striderate,
			    a->t0_ns, a->cfg.duration_ns != 0 ? a->t0_ns +
			    a->cfg.duration_ns : 0);
		activity_set_state(a, MB_STATE_RUNNING);
		memset(a->gone, 1, a->nmotors);
		activity_send_all(a, MB_MOTOR_GO);
		if (a->cfg.duration_ns != 0 && a->cfg.rate == 0 &&
		    a->cfg.striderate == 0) {
			tv = mb_clock_timeval(a->cfg.duration_ns);
			evtimer_add(a->duration_ev, &tv);
		}
	}
	if (a->snap_pending)
		activity_collect(a);
	if (ended == a->nmotors)
		activity_end(a);
}

/* Start one more motor with that share of async. */
static int
activity_add_motor(struct mb_activity *a, uint32_t share, char **cause)
{
	struct mb_motor	*m;

	m = mb_motor_new(&a->env, a->nmotors, share, a->cfg.async == 0);
	if (mb_motor_start(m, cause) != 0) {
		mb_motor_free(m);
		return (-1);
	}
	a->motors = xreallocarray(a->motors, a->nmotors + 1,
	    sizeof *a->motors);
	a->gone = xrealloc(a->gone, a->nmotors + 1);
	a->retired = xrealloc(a->retired, a->nmotors + 1);
	a->gone[a->nmotors] = 0;
	a->retired[a->nmotors] = 0;
	a->motors[a->nmotors++] = m;
	return (0);
}

/* Give every motor still in the activity its share of async again. */
static void
activity_resplit(struct mb_activity *a)
{
	uint32_t	i, k = 0;

	for (i = 0; i < a->nmotors; i++) {
		if (!a->retired[i])
			mb_motor_set_limit(a->motors[i],
			    mb_activity_config_share(&a->cfg, k++));
	}
}

static int
activity_live(struct mb_activity *a, const char *what, char **cause)
{
	if (a->state == MB_STATE_RUNNING || a->state == MB_STATE_STARTING)
		return (0);
	*cause = xfmt("%s: activity '%s' is %s; only a running activity "
	    "changes", what, a->cfg.alias, mb_state_name(a->state));
	return (-1);
}

int
mb_activity_set_threads(struct mb_activity *a, uint32_t n, char **cause)
{
	uint32_t	i, active = a->cfg.threads;

	if (activity_live(a, "threads", cause) != 0)
		return (-1);
	if (n < 1 || n > MB_THREADS_MAX) {
		*cause = xfmt("threads: expected a number from 1 to %d, got %u",
		    MB_THREADS_MAX, n);
		return (-1);
	}
	if (a->cfg.async != 0 && n > a->cfg.async) {
		*cause = xfmt("threads: %u is above async=%u; every thread "
		    "needs at least one op in flight", n, a->cfg.async);
		return (-1);
	}
	a->cfg.threads = n;
	mb_cycles_set_takers(&a->cycles, n);
	/* Fewer: the last ones leave, after the cycles they claimed. */
	for (i = a->nmotors; i-- > 0 && active > n;) {
		if (a->retired[i])
			continue;
		a->retired[i] = 1;
		mb_motor_send(a->motors[i], MB_MOTOR_RETIRE);
		active--;
	}
	/* More: new motors, which go when they have opened. */
	while (active < n) {
		if (activity_add_motor(a, 1, cause) != 0)
			return (-1);
		active++;
	}
	activity_resplit(a);
	return (0);
}

int
mb_activity_set_async(struct mb_activity *a, uint32_t n, char **cause)
{
	if (activity_live(a, "async", cause) != 0)
		return (-1);
	if (a->cfg.async == 0) {
		*cause = xfmt("async: activity '%s' runs sync; start it with "
		    "async=N to change it live", a->cfg.alias);
		return (-1);
	}
	if (n < a->cfg.threads || n > 1000000) {
		*cause = xfmt("async: expected from threads=%u to 1000000 ops "
		    "in flight, got %u", a->cfg.threads, n);
		return (-1);
	}
	a->cfg.async = n;
	activity_resplit(a);
	return (0);
}

static int
activity_rate(struct mb_activity *a, double rate, int restart, char **cause)
{
	if (activity_live(a, "rate", cause) != 0)
		return (-1);
	if (a->cfg.rate <= 0) {
		*cause = xfmt("rate: activity '%s' runs without a limit; start "
		    "it with rate=R to change the rate live", a->cfg.alias);
		return (-1);
	}
	if (!(rate > 0 && rate <= 1e10)) {
		*cause = xfmt("rate: expected ops per second above 0, got %g",
		    rate);
		return (-1);
	}
	if (a->state != MB_STATE_RUNNING) {
		a->cfg.rate = rate;	/* the schedule starts with it */
		return (0);
	}
	a->cfg.rate = rate;
	if (restart)
		mb_rate_restart(&a->rate, rate, mb_clock_ns());
	else
		mb_rate_set(&a->rate, rate);
	return (0);
}

int
mb_activity_set_rate(struct mb_activity *a, double rate, char **cause)
{
	return (activity_rate(a, rate, 0, cause));
}

int
mb_activity_restart_rate(struct mb_activity *a, double rate, char **cause)
{
	return (activity_rate(a, rate, 1, cause));
}

int
mb_activity_start(struct mb_activity *a, struct event_base *base,
    mb_activity_cb done, void *arg, char **cause)
{
	uint32_t		 i;

	if (a->state != MB_STATE_INITIALIZED) {
		*cause = xfmt("activity '%s' was already started",
		    a->cfg.alias);
		return (-1);
	}
	if (mb_notify_open(&a->notify) != 0) {
		*cause = xfmt("activity '%s': cannot create its notify "
		    "descriptor: %s", a->cfg.alias, strerror(errno));
		return (-1);
	}
	a->notify_ev = event_new(base, a->notify.rfd, EV_READ | EV_PERSIST,
	    activity_notify_cb, a);
	a->duration_ev = evtimer_new(base, activity_duration_cb, a);
	a->drain_ev = evtimer_new(base, activity_drain_cb, a);
	if (a->notify_ev == NULL || a->duration_ev == NULL ||
	    a->drain_ev == NULL ||
	    event_add(a->notify_ev, NULL) != 0) {
		*cause = xfmt("activity '%s': cannot watch its motors",
		    a->cfg.alias);
		activity_release_events(a);
		return (-1);
	}
	a->done_cb = done;
	a->done_arg = arg;

	memset(&a->env, 0, sizeof a->env);
	a->env.driver = a->cfg.driver;
	a->env.driver_shared = a->driver_shared;
	a->env.params = &a->cfg.params;
	a->env.cycles = &a->cycles;
	a->env.workload = a->cfg.workload;
	a->env.rate = a->cfg.rate > 0 ? &a->rate : NULL;
	a->env.striderate = a->cfg.striderate > 0 ? &a->striderate : NULL;
	a->env.stride = a->cfg.stride;
	a->env.warmup_ns = a->cfg.warmup_ns;
	a->env.warmup_end = a->cfg.warmup_cycles > a->cfg.cycle_end -
	    a->cfg.cycle_start ? a->cfg.cycle_end : a->cfg.cycle_start +
	    a->cfg.warmup_cycles;
	if (a->cfg.warmup_cycles == 0)
		a->env.warmup_end = 0;
	a->env.notify = &a->notify;
	a->env.alias = a->cfg.alias;
	a->env.errors = a->cfg.errors;
	a->env.maxtries = (uint32_t)a->cfg.maxtries;
	a->env.timeout_ns = a->cfg.timeout_ns;
	a->env.nslots = a->nslots;
	a->env.response = a->cum.response != NULL;
	a->env.wait = a->cum.wait != NULL;
	activity_set_state(a, MB_STATE_STARTING);
	for (i = 0; i < a->cfg.threads; i++) {
		if (activity_add_motor(a, mb_activity_config_share(&a->cfg, i),
		    cause) != 0) {
			/* Stop those already started; they end as usual and
			 * the activity ends errored. */
			a->cause = *cause;
			*cause = NULL;
			activity_stopping(a, MB_MOTOR_STOP);
			if (a->nmotors == 0)
				activity_end(a);
			break;
		}
	}
	return (0);
}

void
mb_activity_stop(struct mb_activity *a)
{
	if (MB_STATE_TERMINAL(a->state) || a->state == MB_STATE_INITIALIZED)
		return;
	activity_stopping(a, MB_MOTOR_STOP);
}

void
mb_activity_set_drain(struct mb_activity *a, uint64_t ns)
{
	a->drain_ns = ns;
}

void
mb_activity_abort(struct mb_activity *a)
{
	if (!MB_STATE_TERMINAL(a->state) && a->state != MB_STATE_INITIALIZED)
		activity_send_all(a, MB_MOTOR_ABORT);
}

void
mb_activity_free(struct mb_activity *a)
{
	uint32_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nmotors; i++)
		mb_motor_free(a->motors[i]);
	free(a->motors);
	free(a->gone);
	free(a->retired);
	activity_release_events(a);
	mb_notify_close(&a->notify);
	if (a->cfg.driver != NULL && a->driver_shared != NULL)
		a->cfg.driver->fini(a->driver_shared);
	for (i = 0; i < a->nslots; i++) {
		mb_timers_free(&a->op_iv[i]);
		mb_opstats_free(&a->op_cum[i]);
	}
	free(a->op_iv);
	free(a->op_cum);
	mb_timers_free(&a->iv);
	mb_timers_free(&a->cum);
	mb_timers_free(&a->win);
	for (i = 0; i < MB_ERRCLASS_MAX; i++)
		hdr_free(a->totals.err_hist[i]);
	if (a->cfg.rate > 0 && a->t0_ns != 0)
		mb_rate_free(&a->rate);
	if (a->cfg.striderate > 0 && a->t0_ns != 0)
		mb_rate_free(&a->striderate);
	mb_activity_config_free(&a->cfg);
	free(a->cause);
	free(a);
}

enum mb_state
mb_activity_state(const struct mb_activity *a)
{
	return (a->state);
}

const char *
mb_activity_cause(const struct mb_activity *a)
{
	return (a->cause);
}

const struct mb_activity_config *
mb_activity_config(const struct mb_activity *a)
{
	return (&a->cfg);
}

const struct mb_activity_totals *
mb_activity_totals(const struct mb_activity *a)
{
	return (&a->totals);
}

uint64_t
mb_activity_ops(const struct mb_activity *a)
{
	uint64_t	n = 0;
	uint32_t	i;

	for (i = 0; i < a->nmotors; i++) {
		n += atomic_load_explicit(&mb_motor_stats(a->motors[i])->ops,
		    memory_order_relaxed);
	}
	return (n);
}

uint64_t
mb_activity_errors(const struct mb_activity *a)
{
	uint64_t	n = 0;
	uint32_t	i;

	for (i = 0; i < a->nmotors; i++) {
		n += atomic_load_explicit(
		    &mb_motor_stats(a->motors[i])->nerrors,
		    memory_order_relaxed);
	}
	return (n);
}

uint32_t
mb_activity_inflight(const struct mb_activity *a)
{
	uint32_t	n = 0, i;

	for (i = 0; i < a->nmotors; i++) {
		n += atomic_load_explicit(
		    &mb_motor_stats(a->motors[i])->inflight,
		    memory_order_relaxed);
	}
	return (n);
}

uint64_t
mb_activity_cycles_total(const struct mb_activity *a)
{
	return (mb_cycles_total(&a->cycles));
}

uint64_t
mb_activity_started_ns(const struct mb_activity *a)
{
	return (a->t0_ns);
}

uint32_t
mb_activity_nmotors(const struct mb_activity *a)
{
	return (a->nmotors);
}

const struct mb_motor *
mb_activity_motor(const struct mb_activity *a, uint32_t i)
{
	return (i < a->nmotors ? a->motors[i] : NULL);
}

int
mb_activity_history(const struct mb_activity *a, enum mb_state *out, int max)
{
	int	i;

	for (i = 0; i < a->nhistory && i < max; i++)
		out[i] = a->history[i];
	return (a->nhistory);
}
