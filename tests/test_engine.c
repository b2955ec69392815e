/* The engine: cycles through motors, async accounting, states, refusals. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "clock.h"
#include "control.h"
#include "engine_harness.h"
#include "hdr.h"

#define TRACKED	110000	/* cycles 0..TRACKED are checked one by one */

static struct mb_activity *
run_status(const char *params, int want_rc, enum mb_state want_state)
{
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc = -1;

	a = harness_run(params, &rc, &cause);
	if (a == NULL)
		fail_msg("%s: %s", params, cause);
	if (rc != want_rc || mb_activity_state(a) != want_state)
		fail_msg("%s: exit %d state %s, wanted exit %d state %s", params,
		    rc, mb_state_name(mb_activity_state(a)), want_rc,
		    mb_state_name(want_state));
	return (a);
}

static struct mb_activity *
run_ok(const char *params)
{
	return (run_status(params, MB_EXIT_OK, MB_STATE_FINISHED));
}

static char *
refused(const char *params)
{
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc;

	a = harness_run(params, &rc, &cause);
	if (a != NULL)
		fail_msg("%s was not refused", params);
	assert_non_null(cause);
	return (cause);
}

/* Every cycle of [start, end) ran once, every other tracked one never. */
static void
check_cycles(uint64_t start, uint64_t end)
{
	uint64_t	i;
	uint32_t	h;

	for (i = 0; i < probe.size; i++) {
		h = atomic_load(&probe.hits[i]);
		if (h != (i >= start && i < end))
			fail_msg("cycle %llu ran %u times",
			    (unsigned long long)i, h);
	}
}

static void
test_every_cycle_once(void **state)
{
	static const char *const runs[] = {
		"cycles=100003 threads=4 async=64 stride=7",
		"cycles=100003 threads=2 stride=1",
		"cycles=100003 threads=2 stride=3",
		"cycles=5..50007 threads=3 async=3 stride=1000",
		"cycles=1K..+99K threads=2 async=100",
		"cycles=3..+1 threads=4 async=4",
		"cycles=0 threads=2",
		NULL
	};
	const char *const		*r;
	struct mb_activity		*a;
	const struct mb_activity_config	*cfg;

	for (r = runs; *r != NULL; r++) {
		probe_reset(0, TRACKED);
		a = run_ok(*r);
		cfg = mb_activity_config(a);
		check_cycles(cfg->cycle_start, cfg->cycle_end);
		assert_int_equal(mb_activity_totals(a)->ops,
		    cfg->cycle_end - cfg->cycle_start);
		assert_int_equal(mb_activity_totals(a)->ok,
		    cfg->cycle_end - cfg->cycle_start);
		assert_int_equal(probe.closed_with_inflight, 0);
		mb_activity_free(a);
	}
	probe_free();
}

static void
test_shards_through_the_engine(void **state)
{
	char			 params[128];
	struct mb_activity	*a;
	uint64_t		 total = 0;
	int			 i;

	/* Three "processes" over one range: together every cycle once. */
	probe_reset(0, TRACKED);
	for (i = 0; i < 3; i++) {
		snprintf(params, sizeof params,
		    "cycles=100000 threads=2 async=8 stride=10 shard=%d/3", i);
		a = run_ok(params);
		total += mb_activity_totals(a)->ops;
		mb_activity_free(a);
	}
	check_cycles(0, 100000);
	assert_int_equal(total, 100000);
	probe_free();
}

static void
test_async_split_and_limit(void **state)
{
	struct mb_activity	*a;
	uint32_t		 i, sum = 0;

	probe_reset(0, 0);
	a = run_ok("cycles=1000000 threads=3 async=100");
	assert_int_equal(mb_activity_nmotors(a), 3);
	assert_int_equal(mb_motor_limit(mb_activity_motor(a, 0)), 34);
	assert_int_equal(mb_motor_limit(mb_activity_motor(a, 1)), 33);
	assert_int_equal(mb_motor_limit(mb_activity_motor(a, 2)), 33);
	for (i = 0; i < 3; i++) {
		/* The action saw its share: never more in flight, and
		 * exactly that much at times once the motor ran a share's
		 * worth (on a loaded machine a motor scheduled late may
		 * find the cycles gone). */
		assert_int_equal(probe.async_limit[i],
		    mb_motor_limit(mb_activity_motor(a, i)));
		assert_true(probe.max_inflight[i] <=
		    mb_motor_limit(mb_activity_motor(a, i)));
		if (probe.ops[i] >= 10 * mb_motor_limit(mb_activity_motor(a,
		    i))) {
			assert_int_equal(probe.max_inflight[i],
			    mb_motor_limit(mb_activity_motor(a, i)));
			assert_int_equal(mb_motor_stats(mb_activity_motor(a,
			    i))->max_inflight, mb_motor_limit(
			    mb_activity_motor(a, i)));
		}
		sum += mb_motor_limit(mb_activity_motor(a, i));
	}
	assert_int_equal(sum, 100);
	mb_activity_free(a);

	/* Sync: one op in flight per thread, and the action knows it. */
	probe_reset(0, 0);
	a = run_ok("cycles=100000 threads=2");
	assert_int_equal(probe.async_limit[0], 0);
	assert_int_equal(probe.async_limit[1], 0);
	assert_true(probe.max_inflight[0] <= 1);
	assert_true(probe.max_inflight[1] <= 1);
	assert_int_equal(probe.ops[0] + probe.ops[1], 100000);
	mb_activity_free(a);
}

static void
test_out_of_order_completion(void **state)
{
	struct mb_activity	*a;

	probe_reset(0, TRACKED);
	a = run_ok("cycles=50000 threads=2 async=16");
	/* probe completes newest first: most completions are out of order,
	 * yet every op retires and every cycle ran once. */
	assert_true(atomic_load(&probe.out_of_order) > 40000);
	assert_int_equal(mb_activity_totals(a)->ops, 50000);
	check_cycles(0, 50000);
	mb_activity_free(a);
	probe_free();
}

static void
test_action_full_backpressure(void **state)
{
	struct mb_activity	*a;

	/* The action takes 3 at a time although the motor may have 10:
	 * the motor waits for completions and loses no cycle. */
	probe_reset(0, TRACKED);
	a = run_ok("cycles=20000 threads=1 async=10 capacity=3");
	assert_true(atomic_load(&probe.fulls) > 0);
	assert_int_equal(probe.max_inflight[0], 3);
	check_cycles(0, 20000);
	mb_activity_free(a);
	probe_free();
}

static void
test_drain_at_the_end(void **state)
{
	struct mb_activity	*a;

	/* 1003 cycles over async=64: the last ops complete after the cycles
	 * ran out, and the motors retire them before finishing. */
	probe_reset(0, TRACKED);
	a = run_ok("cycles=1003 threads=2 async=64");
	assert_int_equal(mb_activity_totals(a)->ops, 1003);
	assert_int_equal(probe.closed_with_inflight, 0);
	check_cycles(0, 1003);
	mb_activity_free(a);
	probe_free();
}

static void
expect_history(const enum mb_state *got, int n, const enum mb_state *want,
    int nwant, const char *what)
{
	int	i;

	if (n != nwant)
		fail_msg("%s: %d states, wanted %d", what, n, nwant);
	for (i = 0; i < n; i++) {
		if (got[i] != want[i])
			fail_msg("%s: state %d is %s, wanted %s", what, i,
			    mb_state_name(got[i]), mb_state_name(want[i]));
	}
}

static void
test_states_finished(void **state)
{
	static const enum mb_state want[] = { MB_STATE_INITIALIZED,
	    MB_STATE_STARTING, MB_STATE_RUNNING, MB_STATE_FINISHED };
	enum mb_state		 got[8];
	struct mb_activity	*a;
	uint32_t		 i;
	int			 n;

	probe_reset(0, 0);
	a = run_ok("cycles=1000 threads=2 async=4");
	n = mb_activity_history(a, got, 8);
	expect_history(got, n, want, 4, "activity");
	for (i = 0; i < 2; i++) {
		n = mb_motor_history(mb_activity_motor(a, i), got, 8);
		expect_history(got, n, want, 4, "motor");
	}
	mb_activity_free(a);
}

static void
test_states_duration(void **state)
{
	static const enum mb_state want[] = { MB_STATE_INITIALIZED,
	    MB_STATE_STARTING, MB_STATE_RUNNING, MB_STATE_STOPPING,
	    MB_STATE_FINISHED };
	enum mb_state		 got[8];
	struct mb_activity	*a;
	uint64_t		 t0;
	int			 n;

	/* No cycles: unbounded; the duration ends it, as finished. */
	probe_reset(0, 0);
	t0 = mb_clock_ns();
	a = run_ok("duration=200ms threads=2 async=8");
	assert_true(mb_clock_ns() - t0 >= 200000000u);
	assert_true(mb_activity_totals(a)->ops > 0);
	n = mb_activity_history(a, got, 8);
	expect_history(got, n, want, 5, "activity");
	n = mb_motor_history(mb_activity_motor(a, 0), got, 8);
	expect_history(got, n, want, 5, "motor");
	mb_activity_free(a);
}

static void
test_states_stopped(void **state)
{
	static const enum mb_state want[] = { MB_STATE_INITIALIZED,
	    MB_STATE_STARTING, MB_STATE_RUNNING, MB_STATE_STOPPING,
	    MB_STATE_STOPPED };
	enum mb_state		 got[8];
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc, n;

	probe_reset(0, 0);
	a = harness_run_stopped("cycles=1B threads=2 async=8", 100, 0, &rc,
	    &cause);
	assert_non_null(a);
	assert_int_equal(rc, MB_EXIT_OK);
	assert_int_equal(mb_activity_state(a), MB_STATE_STOPPED);
	assert_true(mb_activity_totals(a)->ops < 1000000000u);
	n = mb_activity_history(a, got, 8);
	expect_history(got, n, want, 5, "activity");
	n = mb_motor_history(mb_activity_motor(a, 1), got, 8);
	expect_history(got, n, want, 5, "motor");
	mb_activity_free(a);
}

static void
test_states_errored(void **state)
{
	enum mb_state		 got[8];
	struct mb_activity	*a;
	int			 n;

	/* Motor 1 cannot open: the others are stopped, the activity errs
	 * and says why. */
	probe_reset(0, 0);
	a = run_status("cycles=1M threads=3 async=6 fail_open=1",
	    MB_EXIT_FAILED, MB_STATE_ERRORED);
	assert_non_null(strstr(mb_activity_cause(a), "motor 1"));
	assert_non_null(strstr(mb_activity_cause(a), "refuses to open"));
	assert_int_equal(mb_motor_state(mb_activity_motor(a, 1)),
	    MB_STATE_ERRORED);
	assert_int_equal(mb_motor_state(mb_activity_motor(a, 0)),
	    MB_STATE_STOPPED);
	/* Nobody ran: the start barrier was never passed. */
	assert_int_equal(mb_activity_totals(a)->ops, 0);
	n = mb_activity_history(a, got, 8);
	assert_int_equal(got[n - 1], MB_STATE_ERRORED);
	mb_activity_free(a);
}

static void
test_stop_aborts_held_ops(void **state)
{
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc;

	/* Ops that never complete: the stop drains nothing, the abort
	 * cancels them, and they are counted, not lost. */
	probe_reset(0, 0);
	a = harness_run_stopped("cycles=1M threads=2 async=10 hold=true",
	    50, 150, &rc, &cause);
	assert_non_null(a);
	assert_int_equal(mb_activity_state(a), MB_STATE_STOPPED);
	assert_int_equal(mb_activity_totals(a)->aborted, 10);
	assert_int_equal(atomic_load(&probe.cancelled), 10);
	assert_int_equal(mb_activity_totals(a)->ops, 0);
	assert_int_equal(probe.closed_with_inflight, 0);
	mb_activity_free(a);
}

static void
test_duration_end_aborts_after_drain(void **state)
{
	struct mb_activity	*a;
	uint64_t		 t0, wall;

	/* Ops that never complete do not hold a duration up: after the
	 * drain time (500ms) they are cancelled and counted. */
	probe_reset(0, 0);
	t0 = mb_clock_ns();
	a = run_ok("duration=100ms threads=2 async=6 hold=true");
	wall = mb_clock_ns() - t0;
	assert_true(wall >= 600000000u);
	assert_true(wall < 5000000000u);
	assert_int_equal(mb_activity_totals(a)->aborted, 6);
	assert_int_equal(atomic_load(&probe.cancelled), 6);
	mb_activity_free(a);
}

static void up_threads(struct mb_activity *a) { char *c = NULL;
	assert_int_equal(mb_activity_set_threads(a, 2, &c), 0); }
static void up_async(struct mb_activity *a) { char *c = NULL;
	assert_int_equal(mb_activity_set_async(a, 16, &c), 0); }
static void down_threads(struct mb_activity *a) { char *c = NULL;
	assert_int_equal(mb_activity_set_threads(a, 1, &c), 0); }

static void
test_live_threads_and_async(void **state)
{
	static const struct harness_step steps[] = {
		{ 300, up_threads },	/* 1 -> 2 threads */
		{ 700, up_async },	/* async 4 -> 16 */
		{ 1100, down_threads },	/* 2 -> 1 thread */
		{ 0, NULL }
	};
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc = -1;

	/* 30000 cycles of 1ms batches at async=4 outlast every change. */
	probe_reset(0, TRACKED);
	a = harness_run_script("cycles=30000 threads=1 async=4 delay=1ms",
	    steps, &rc, &cause);
	assert_non_null(a);
	assert_int_equal(rc, MB_EXIT_OK);
	assert_int_equal(mb_activity_state(a), MB_STATE_FINISHED);
	/* Every cycle exactly once, checked one by one. */
	check_cycles(0, 30000);
	assert_int_equal(mb_activity_totals(a)->ops, 30000);
	/* Both motors ran ops; the second one saw the bigger share. */
	assert_int_equal(mb_activity_nmotors(a), 2);
	assert_true(probe.ops[0] > 0);
	assert_true(probe.ops[1] > 0);
	assert_true(probe.max_inflight[0] > 4);
	assert_int_equal(probe.closed_with_inflight, 0);
	mb_activity_free(a);
	probe_free();
}

static void
test_live_refusals(void **state)
{
	static const struct harness_step steps[] = {
		{ 0, NULL }
	};
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc;

	(void)steps;
	probe_reset(0, 0);
	a = harness_run("cycles=10 threads=1 async=2", &rc, &cause);
	assert_non_null(a);
	/* Ended: nothing changes any more. */
	assert_int_equal(mb_activity_set_threads(a, 2, &cause), -1);
	assert_non_null(strstr(cause, "only a running activity"));
	free(cause);
	mb_activity_free(a);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char	*params;
		const char	*fragments[3];
	} cases[] = {
		{ "cycles=10 threads=4 async=2",
		  { "async=2 is below threads=4", NULL } },
		{ "cycles=10 thread=2", { "unknown param 'thread'",
		  "did you mean 'threads'", NULL } },
		{ "cycles=5..", { "cycles", "open range", NULL } },
		{ "cycles=10 threads=2000", { "threads", "2000", NULL } },
		{ "cycles=10 async=0", { "async", "'0'", NULL } },
		{ "driver=diga", { "unknown driver 'diga'",
		  "did you mean 'diag'", NULL } },
		{ "cycles=10 shard=2/2", { "shard", "2/2", NULL } },
		{ "cycles=10 duration=0s", { "duration", "positive", NULL } },
		{ "cycles=10 stride=0", { "stride", "'0'", NULL } },
		{ "driver=diag delay=10", { "delay", "unit", NULL } },
		{ "driver=diag delay=5ms..1ms", { "delay", "above", NULL } },
	};
	char	*cause;
	size_t	 i, j;

	probe_reset(0, 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = refused(cases[i].params);
		for (j = 0; cases[i].fragments[j] != NULL; j++) {
			if (strstr(cause, cases[i].fragments[j]) == NULL)
				fail_msg("%s: '%s' does not say '%s'",
				    cases[i].params, cause,
				    cases[i].fragments[j]);
		}
		free(cause);
	}
}

static const struct mb_driver *sync_only;

static void
test_async_refused_without_async_action(void **state)
{
	struct mb_driver	 d = probe_driver;
	struct mb_params	 p;
	struct mb_activity	*a;
	char			*cause = NULL;

	d.name = "synconly";
	d.flags = MB_DRIVER_SYNC;
	sync_only = &d;
	mb_params_init(&p);
	assert_int_equal(mb_params_add(&p, "async=8", &cause), 0);
	a = mb_activity_new(&p, sync_only, 1, &cause);
	assert_null(a);
	assert_non_null(strstr(cause, "driver 'synconly' has no async "
	    "action"));
	free(cause);
	mb_params_free(&p);
}

static void
test_default_one_pass(void **state)
{
	struct mb_activity	*a;

	/* Neither cycles nor duration: one pass over the op sequence. */
	probe_reset(0, 10);
	a = run_ok("threads=1");
	assert_int_equal(mb_activity_totals(a)->ops, 1);
	check_cycles(0, 1);
	mb_activity_free(a);
	probe_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_cycle_once),
		cmocka_unit_test(test_shards_through_the_engine),
		cmocka_unit_test(test_async_split_and_limit),
		cmocka_unit_test(test_out_of_order_completion),
		cmocka_unit_test(test_action_full_backpressure),
		cmocka_unit_test(test_drain_at_the_end),
		cmocka_unit_test(test_states_finished),
		cmocka_unit_test(test_states_duration),
		cmocka_unit_test(test_states_stopped),
		cmocka_unit_test(test_states_errored),
		cmocka_unit_test(test_stop_aborts_held_ops),
		cmocka_unit_test(test_duration_end_aborts_after_drain),
		cmocka_unit_test(test_live_threads_and_async),
		cmocka_unit_test(test_live_refusals),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_async_refused_without_async_action),
		cmocka_unit_test(test_default_one_pass),
	};

	return (cmocka_run_group_tests_name("engine", tests, NULL, NULL));
}
