/* The probe driver and the activity runner for engine tests. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "control.h"
#include "engine_harness.h"
#include "xmalloc.h"

struct probe_stats probe;

struct probe_action {
	struct event	*ev;		/* completes held ops */
	struct mb_op	*held;		/* newest first */
	unsigned	 index;
	int		 sync;
	uint32_t	 inflight;
	uint64_t	 capacity;	/* 0: the motor's limit */
	int		 hold;		/* never complete */
	int		 alloc;		/* malloc + free per op */
	uint64_t	 delay_ns;	/* completions wait this long */
	uint64_t	 newest;	/* seq of the newest submitted */
};

struct probe_op {
	uint64_t	 seq;		/* submission order in this action */
};

static const struct mb_param_spec probe_params[] = {
	{ "capacity", MB_PARAM_COUNT, "0", "refuse ops past this many", 0, 0,
	  NULL },
	{ "hold", MB_PARAM_BOOL, "false", "never complete", 0, 0, NULL },
	{ "fail_open", MB_PARAM_COUNT, NULL, "motor index that fails", 0, 0,
	  NULL },
	{ "alloc", MB_PARAM_BOOL, "false", "allocate per op", 0, 0, NULL },
	{ "delay", MB_PARAM_DURATION, "0", "complete after this long", 0, 0,
	  NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

void
probe_reset(uint64_t base, uint64_t size)
{
	probe_free();
	memset(&probe, 0, sizeof probe);
	probe.base = base;
	probe.size = size;
	if (size != 0)
		probe.hits = calloc(size, sizeof *probe.hits);
}

void
probe_free(void)
{
	free(probe.hits);
	probe.hits = NULL;
}

int
probe_all_once(uint64_t *bad)
{
	uint64_t	i;
	uint32_t	h;

	for (i = 0; i < probe.size; i++) {
		h = atomic_load(&probe.hits[i]);
		if (h != 1) {
			*bad = probe.base + i;
			return ((int)h);
		}
	}
	return (1);
}

static void *
probe_init(const struct mb_params *params, char **cause)
{
	return (xstrdup("probe"));
}

static void
probe_fini(void *shared)
{
	free(shared);
}

static void
probe_complete_held(evutil_socket_t fd, short what, void *arg)
{
	struct probe_action	*a = arg;
	struct mb_op		*op, *next;

	/* Newest first: every completion but the oldest is out of order. */
	op = a->held;
	a->held = NULL;
	for (; op != NULL; op = next) {
		next = op->next;
		if (next != NULL)
			atomic_fetch_add(&probe.out_of_order, 1);
		a->inflight--;
		mb_op_complete(op, 0);
	}
}

static void *
probe_open(const struct mb_action_env *env, char **cause)
{
	struct probe_action	*a;
	const char		*v;
	int			 b;

	v = mb_params_get(env->params, "fail_open");
	if (v != NULL && strtoull(v, NULL, 10) == env->motor_index) {
		*cause = xfmt("probe: motor %u refuses to open",
		    env->motor_index);
		return (NULL);
	}
	a = xcalloc(1, sizeof *a);
	a->index = env->motor_index;
	a->sync = env->async_limit == 0;
	if ((v = mb_params_get(env->params, "capacity")) != NULL)
		a->capacity = strtoull(v, NULL, 10);
	if ((v = mb_params_get(env->params, "hold")) != NULL &&
	    mb_param_bool("hold", v, &b, cause) == 0)
		a->hold = b;
	if ((v = mb_params_get(env->params, "alloc")) != NULL &&
	    mb_param_bool("alloc", v, &b, cause) == 0)
		a->alloc = b;
	if ((v = mb_params_get(env->params, "delay")) != NULL)
		mb_param_duration("delay", v, &a->delay_ns, cause);
	a->ev = event_new(env->base, -1, 0, probe_complete_held, a);
	if (a->index < PROBE_MOTORS)
		probe.async_limit[a->index] = env->async_limit;
	return (a);
}

static void
probe_close(void *arg)
{
	struct probe_action	*a = arg;

	if (a->inflight != 0)
		atomic_store(&probe.closed_with_inflight, 1);
	event_free(a->ev);
	free(a);
}

static enum mb_submit
probe_submit(void *arg, struct mb_op *op)
{
	struct probe_action	*a = arg;
	struct probe_op		*p = mb_op_priv(op);
	void *volatile		 junk;	/* volatile: the pair must not be elided */

	if (a->capacity != 0 && a->inflight >= a->capacity) {
		atomic_fetch_add(&probe.fulls, 1);
		return (MB_SUBMIT_FULL);
	}
	if (a->alloc) {
		junk = malloc(64);
		memset(junk, 0, 64);
		free(junk);
	}
	if (op->cycle >= probe.base && op->cycle - probe.base < probe.size)
		atomic_fetch_add(&probe.hits[op->cycle - probe.base], 1);
	p->seq = ++a->newest;
	a->inflight++;
	if (a->index < PROBE_MOTORS) {
		probe.ops[a->index]++;
		if (a->inflight > probe.max_inflight[a->index])
			probe.max_inflight[a->index] = a->inflight;
	}
	if (a->sync) {
		a->inflight--;
		mb_op_complete(op, 0);
		return (MB_SUBMIT_OK);
	}
	op->next = a->held;
	a->held = op;
	if (!a->hold && op->next == NULL) {
		if (a->delay_ns != 0) {
			struct timeval	tv = mb_clock_timeval(a->delay_ns);

			evtimer_add(a->ev, &tv);
		} else
			event_active(a->ev, EV_TIMEOUT, 0);
	}
	return (MB_SUBMIT_OK);
}

static void
probe_cancel(void *arg, struct mb_op *op)
{
	struct probe_action	*a = arg;
	struct mb_op	       **pp;

	for (pp = &a->held; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			a->inflight--;
			atomic_fetch_add(&probe.cancelled, 1);
			return;
		}
	}
}

const struct mb_driver probe_driver = {
	.name = "probe",
	.summary = "test driver",
	.help = "",
	.params = probe_params,
	.flags = MB_DRIVER_SYNC | MB_DRIVER_ASYNC,
	.op_size = sizeof(struct probe_op),
	.init = probe_init,
	.fini = probe_fini,
	.open = probe_open,
	.close = probe_close,
	.submit = probe_submit,
	.cancel = probe_cancel,
};

struct harness_timer {
	struct event		*ev;
	struct mb_activity	*a;
	void			(*fn)(struct mb_activity *);
};

static void
harness_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct harness_timer	*t = arg;

	t->fn(t->a);
}

struct mb_activity *
harness_run_script(const char *text, const struct harness_step *steps,
    int *exit_status, char **cause)
{
	struct mb_params	 params;
	struct mb_control_opts	 opts;
	struct mb_control	*c;
	struct mb_activity	*a;
	struct harness_timer	 timers[16];
	struct timeval		 tv;
	char			*copy, *word, *save = NULL;
	int			 n = 0, i;

	mb_params_init(&params);
	copy = xstrdup(text);
	for (word = strtok_r(copy, " ", &save); word != NULL;
	    word = strtok_r(NULL, " ", &save)) {
		if (mb_params_add(&params, word, cause) != 0) {
			free(copy);
			mb_params_free(&params);
			return (NULL);
		}
	}
	free(copy);
	a = mb_activity_new(&params, &probe_driver, 1, cause);
	mb_params_free(&params);
	if (a == NULL)
		return (NULL);
	memset(&opts, 0, sizeof opts);
	opts.drain_ns = 500000000u;
	opts.quiet = 1;
	if ((c = mb_control_new(&opts, cause)) == NULL) {
		mb_activity_free(a);
		return (NULL);
	}
	for (; steps != NULL && steps[n].fn != NULL && n < 16; n++) {
		timers[n].a = a;
		timers[n].fn = steps[n].fn;
		timers[n].ev = evtimer_new(mb_control_base(c), harness_step_cb,
		    &timers[n]);
		tv = mb_clock_timeval((uint64_t)steps[n].ms * 1000000);
		evtimer_add(timers[n].ev, &tv);
	}
	*exit_status = mb_control_run(c, a, cause);
	for (i = 0; i < n; i++)
		event_free(timers[i].ev);
	mb_control_free(c);
	return (a);
}

struct mb_activity *
harness_run_stopped(const char *text, int stop_ms, int abort_ms,
    int *exit_status, char **cause)
{
	struct harness_step	steps[3];
	int			n = 0;

	if (stop_ms != 0) {
		steps[n].ms = stop_ms;
		steps[n++].fn = mb_activity_stop;
	}
	if (abort_ms != 0) {
		steps[n].ms = abort_ms;
		steps[n++].fn = mb_activity_abort;
	}
	steps[n].ms = 0;
	steps[n].fn = NULL;
	return (harness_run_script(text, steps, exit_status, cause));
}

struct mb_activity *
harness_run(const char *text, int *exit_status, char **cause)
{
	return (harness_run_stopped(text, 0, 0, exit_status, cause));
}
