/* The control loop: activities, signals and the progress line. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "activity.h"
#include "clock.h"
#include "hdr.h"
#include "report.h"
#include "control.h"
#include "units.h"
#include "xmalloc.h"

#define CONTROL_TICK_NS	1000000000u	/* snapshots without a progress line */

/* An activity the controller started, with its owner's callback. */
struct control_live {
	struct mb_activity	*a;
	mb_activity_cb		 done;
	void			*arg;
	struct mb_control	*c;
};

struct mb_control {
	struct mb_control_opts	 opts;
	struct event_base	*base;
	struct event		*sigint_ev;
	struct event		*sigterm_ev;
	struct event		*progress_ev;
	struct mb_activity	*running;	/* the one progress shows */
	struct control_live   **live;		/* activities not ended */
	size_t			 nlive;
	int			 quit;		/* mb_control_quit was called */
	void			(*on_interrupt)(void *);
	void			*on_interrupt_arg;
	int			 interrupted;	/* signals seen */
	int			 tty;		/* stderr is a terminal */
	int			 progress_shown; /* a \r line is on screen */
	uint64_t		 last_ops;
	uint64_t		 last_ns;
};

static void
control_progress_clear(struct mb_control *c)
{
	if (c->progress_shown) {
		fputs("\r\033[K", stderr);
		c->progress_shown = 0;
	}
}

/* The progress line of the activity progress follows. */
static void
control_progress(struct mb_control *c)
{
	struct mb_activity	*a;
	const struct hdr	*iv;
	uint64_t		 ops, total, now;
	char			 done[16], all[16], rate[16], pct[16];
	char			 p50[16], p99[16], errs[16];
	double			 secs;

	a = c->running;
	if (a == NULL || mb_activity_state(a) == MB_STATE_STARTING ||
	    c->opts.progress_ns == 0 || c->opts.quiet)
		return;
	now = mb_clock_ns();
	ops = mb_activity_ops(a);
	total = mb_activity_cycles_total(a);
	secs = (double)(now - c->last_ns) / 1e9;
	mb_units_count(rate, sizeof rate, secs > 0 ?
	    (double)(ops - c->last_ops) / secs : 0);
	mb_units_count(done, sizeof done, (double)ops);
	mb_units_count(errs, sizeof errs, (double)mb_activity_errors(a));
	if (total == MB_CYCLE_UNBOUNDED) {
		snprintf(pct, sizeof pct, "-");
		snprintf(all, sizeof all, "-");
	} else {
		snprintf(pct, sizeof pct, "%.0f%%", total == 0 ? 100.0 :
		    100.0 * (double)ops / (double)total);
		mb_units_count(all, sizeof all, (double)total);
	}
	iv = mb_activity_interval(a);
	control_progress_clear(c);
	fprintf(stderr, "%s  %s  %s/%s  %s op/s", mb_activity_config(a)->alias,
	    pct, done, all, rate);
	if (hdr_count(iv) > 0)
		fprintf(stderr, "  p50 %s  p99 %s",
		    mb_units_ns(p50, sizeof p50, (double)hdr_percentile(iv, 50)),
		    mb_units_ns(p99, sizeof p99, (double)hdr_percentile(iv, 99)));
	fprintf(stderr, "  err %s%s", errs, c->tty ? "" : "\n");
	c->progress_shown = c->tty;
	fflush(stderr);
	c->last_ops = ops;
	c->last_ns = now;
}

/* Each tick asks every activity for its interval; what comes back is
 * printed and reported by control_interval. */
static void
control_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mb_control	*c = arg;
	size_t			 i;

	for (i = 0; i < c->nlive; i++)
		mb_activity_tick(c->live[i]->a);
}

static void
control_interval(struct mb_activity *a, void *arg)
{
	struct control_live	*l = arg;
	struct mb_control	*c = l->c;

	if (c->opts.report != NULL)
		mb_report_interval(c->opts.report, a);
	if (a == c->running)
		control_progress(c);
}

static void
control_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct mb_control	*c = arg;
	size_t			 i;

	if (c->interrupted++ > 0) {
		/* The second one: the user wants out now. */
		control_progress_clear(c);
		fprintf(stderr, "moonbench: interrupted again, exiting at "
		    "once\n");
		_exit(MB_EXIT_INTERRUPTED);
	}
	control_progress_clear(c);
	if (!c->opts.quiet) {
		fprintf(stderr, "moonbench: %s: stopping (press Ctrl-C again "
		    "to exit at once)\n", strsignal(sig));
	}
	for (i = 0; i < c->nlive; i++)
		mb_activity_stop(c->live[i]->a);
	if (c->on_interrupt != NULL)
		c->on_interrupt(c->on_interrupt_arg);
}

void
mb_control_on_interrupt(struct mb_control *c, void (*fn)(void *), void *arg)
{
	c->on_interrupt = fn;
	c->on_interrupt_arg = arg;
}

struct mb_control *
mb_control_new(const struct mb_control_opts *opts, char **cause)
{
	struct mb_control	*c;
	struct event_config	*cfg;

	/* Motors run their own bases in other threads: make libevent's
	 * global state thread-safe (each base stays lock-free). */
	evthread_use_pthreads();
	c = xcalloc(1, sizeof *c);
	c->opts = *opts;
	c->tty = isatty(STDERR_FILENO);
	/* A precise clock, never cached: durations end on time, not early. */
	if ((cfg = event_config_new()) == NULL)
		goto fail;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER |
	    EVENT_BASE_FLAG_NO_CACHE_TIME);
	c->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (c->base == NULL)
		goto fail;
	c->sigint_ev = evsignal_new(c->base, SIGINT, control_signal_cb, c);
	c->sigterm_ev = evsignal_new(c->base, SIGTERM, control_signal_cb, c);
	c->progress_ev = event_new(c->base, -1, EV_PERSIST,
	    control_tick_cb, c);
	if (c->sigint_ev == NULL || c->sigterm_ev == NULL ||
	    c->progress_ev == NULL ||
	    event_add(c->sigint_ev, NULL) != 0 ||
	    event_add(c->sigterm_ev, NULL) != 0)
		goto fail;
	return (c);
fail:
	*cause = xstrdup("cannot create the control loop");
	mb_control_free(c);
	return (NULL);
}

void
mb_control_free(struct mb_control *c)
{
	if (c == NULL)
		return;
	if (c->sigint_ev != NULL)
		event_free(c->sigint_ev);
	if (c->sigterm_ev != NULL)
		event_free(c->sigterm_ev);
	if (c->progress_ev != NULL)
		event_free(c->progress_ev);
	if (c->base != NULL)
		event_base_free(c->base);
	free(c->live);
	free(c);
}

struct event_base *
mb_control_base(struct mb_control *c)
{
	return (c->base);
}

/* An activity ended: forget it, then tell its owner. */
static void
control_activity_done(struct mb_activity *a, void *arg)
{
	struct control_live	*l = arg;
	struct mb_control	*c = l->c;
	size_t			 i;

	for (i = 0; i < c->nlive; i++) {
		if (c->live[i] == l) {
			c->live[i] = c->live[--c->nlive];
			break;
		}
	}
	if (c->running == a) {
		c->running = c->nlive > 0 ? c->live[c->nlive - 1]->a : NULL;
		c->last_ops = c->running != NULL ? mb_activity_ops(c->running) :
		    0;
		c->last_ns = mb_clock_ns();
		control_progress_clear(c);
	}
	if (c->nlive == 0)
		event_del(c->progress_ev);
	if (c->opts.report != NULL)
		mb_report_activity(c->opts.report, a);
	if (l->done != NULL)
		l->done(a, l->arg);
	free(l);
}

int
mb_control_start(struct mb_control *c, struct mb_activity *a,
    mb_activity_cb done, void *arg, char **cause)
{
	struct control_live	*l;
	struct timeval		 tv;

	l = xcalloc(1, sizeof *l);
	l->a = a;
	l->done = done;
	l->arg = arg;
	l->c = c;
	mb_activity_set_drain(a, c->opts.drain_ns);
	mb_activity_set_interval_cb(a, control_interval, l);
	c->live = xreallocarray(c->live, c->nlive + 1, sizeof *c->live);
	c->live[c->nlive++] = l;
	if (mb_activity_start(a, c->base, control_activity_done, l,
	    cause) != 0) {
		c->nlive--;
		free(l);
		return (-1);
	}
	/* Progress follows the newest activity. */
	c->running = a;
	c->last_ops = 0;
	c->last_ns = mb_clock_ns();
	/* The tick collects interval snapshots even when nothing prints. */
	if (!evtimer_pending(c->progress_ev, NULL)) {
		tv = mb_clock_timeval(c->opts.progress_ns != 0 ?
		    c->opts.progress_ns : CONTROL_TICK_NS);
		event_add(c->progress_ev, &tv);
	}
	return (0);
}

void
mb_control_loop(struct mb_control *c)
{
	c->quit = 0;
	while (!c->quit)
		event_base_loop(c->base, EVLOOP_ONCE);
	control_progress_clear(c);
}

void
mb_control_quit(struct mb_control *c)
{
	c->quit = 1;
	event_base_loopbreak(c->base);
}

int
mb_control_interrupted(const struct mb_control *c)
{
	return (c->interrupted);
}

size_t
mb_control_live(const struct mb_control *c)
{
	return (c->nlive);
}

void
mb_control_stop_all(struct mb_control *c)
{
	size_t	i;

	for (i = 0; i < c->nlive; i++)
		mb_activity_stop(c->live[i]->a);
}

static void
control_run_done(struct mb_activity *a, void *arg)
{
	mb_control_quit(arg);
}

int
mb_control_run(struct mb_control *c, struct mb_activity *a, char **cause)
{
	if (mb_control_start(c, a, control_run_done, c, cause) != 0)
		return (MB_EXIT_FAILED);
	if (!MB_STATE_TERMINAL(mb_activity_state(a)))
		mb_control_loop(c);
	if (c->interrupted)
		return (MB_EXIT_INTERRUPTED);
	return (mb_activity_state(a) == MB_STATE_ERRORED ? MB_EXIT_FAILED :
	    MB_EXIT_OK);
}

/* The REPL serves SIGINT itself (Ctrl-C ends a wait at the prompt, the
 * activities go on); it adds its own event first so the handler stays. */
void
mb_control_sigint_off(struct mb_control *c)
{
	event_del(c->sigint_ev);
}
