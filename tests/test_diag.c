/* The diag driver: delays that overlap, distributions, injected errors. */
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
#include "cmocka_util.h"
#include "clock.h"
#include "control.h"
#include "engine_harness.h"
#include "errclass.h"
#include "hdr.h"

#define MS	1000000LL

static struct mb_activity *
diag_run(const char *params, uint64_t *wall_ns)
{
	struct mb_activity	*a;
	char			*cause = NULL, full[256];
	uint64_t		 t0;
	int			 rc = -1;

	snprintf(full, sizeof full, "driver=diag %s", params);
	t0 = mb_clock_ns();
	a = harness_run(full, &rc, &cause);
	if (wall_ns != NULL)
		*wall_ns = mb_clock_ns() - t0;
	if (a == NULL)
		fail_msg("%s: %s", full, cause);
	assert_int_equal(rc, MB_EXIT_OK);
	assert_int_equal(mb_activity_state(a), MB_STATE_FINISHED);
	return (a);
}

static int
class_id(const char *name)
{
	return (mb_errclass_intern(name));
}

static void
test_zero_delay_sync_and_async(void **state)
{
	struct mb_activity	*a;

	a = diag_run("cycles=10000", NULL);
	assert_int_equal(mb_activity_totals(a)->ok, 10000);
	mb_activity_free(a);
	a = diag_run("cycles=10000 threads=2 async=16", NULL);
	assert_int_equal(mb_activity_totals(a)->ok, 10000);
	mb_activity_free(a);
}

static void
test_async_delays_overlap(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	uint64_t			 wall;

	/* 200 ops of 20ms, 20 at a time: 10 rounds, about 200ms, far from
	 * the 4s they would take one after another. */
	a = diag_run("cycles=200 async=20 delay=20ms", &wall);
	t = mb_activity_totals(a);
	assert_int_equal(t->ok, 200);
	assert_true(t->elapsed_ns >= 200 * MS);
	if (t->elapsed_ns > 1500 * MS)
		fail_msg("ops did not overlap: %llu ms",
		    (unsigned long long)(t->elapsed_ns / MS));
	/* Each op took its delay, measured from submit to completion. */
	assert_true(hdr_min(t->service) >= HDR_FLOOR(t->service, 20 * MS));
	assert_true(hdr_percentile(t->service, 50) < 40 * MS);
	mb_activity_free(a);
}

static void
test_sync_delay_blocks(void **state)
{
	struct mb_activity	*a;

	/* Sync: one at a time, so 20 ops of 5ms take 100ms at least. */
	a = diag_run("cycles=20 delay=5ms", NULL);
	assert_true(mb_activity_totals(a)->elapsed_ns >= 100 * MS);
	assert_true(hdr_min(mb_activity_totals(a)->service) >=
	    HDR_FLOOR(mb_activity_totals(a)->service, 5 * MS));
	mb_activity_free(a);
}

static void
test_uniform_delay_bounds(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;

	a = diag_run("cycles=2000 async=100 delay=2ms..4ms", NULL);
	t = mb_activity_totals(a);
	assert_int_equal(t->ok, 2000);
	assert_true(hdr_min(t->service) >= HDR_FLOOR(t->service, 2 * MS));
	/* Drawn uniformly: the median near 3ms (timer slack on top). */
	assert_true(hdr_percentile(t->service, 50) >= 2900000);
	assert_true(hdr_percentile(t->service, 50) < 10 * MS);
	mb_activity_free(a);
}

static void
test_exponential_and_normal(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	double				 mean;

	a = diag_run("cycles=4000 async=400 delay=exp:2ms", NULL);
	t = mb_activity_totals(a);
	mean = hdr_mean(t->service);
	/* Mean 2ms, the median ln 2 of it; a loaded machine adds slack. */
	assert_true(mean >= 1.8 * MS && mean < 8.0 * MS);
	assert_true(hdr_percentile(t->service, 50) < hdr_percentile(t->service,
	    99));
	assert_true(hdr_percentile(t->service, 99) >= 6 * MS);
	mb_activity_free(a);

	a = diag_run("cycles=2000 async=200 delay=normal:5ms,1ms", NULL);
	t = mb_activity_totals(a);
	assert_true(hdr_mean(t->service) >= 4.8 * MS);
	assert_true(hdr_percentile(t->service, 1) >= 2 * MS);
	mb_activity_free(a);
}

static void
test_injected_errors(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;

	a = diag_run("cycles=1000 error_every=10", NULL);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 1000);
	assert_int_equal(t->errors, 100);
	assert_int_equal(t->ok, 900);
	assert_int_equal(t->by_class[class_id("diag-injected")], 100);
	/* Failures are not timed as successes. */
	assert_int_equal(hdr_count(t->service), 900);
	mb_activity_free(a);

	a = diag_run("cycles=2K threads=2 async=8 error_cycles=3,1999,1K,3 "
	    "error_class=boom", NULL);
	t = mb_activity_totals(a);
	assert_int_equal(t->errors, 3);
	assert_int_equal(t->by_class[class_id("boom")], 3);
	mb_activity_free(a);

	/* Both at once, with a delay: errors still come through the loop. */
	a = diag_run("cycles=100 async=10 delay=1ms error_every=50 "
	    "error_cycles=7", NULL);
	assert_int_equal(mb_activity_totals(a)->errors, 3);
	mb_activity_free(a);
}

static void
test_errors_are_per_cycle(void **state)
{
	struct mb_activity	*a;

	/* The same cycles fail however the work is split. */
	a = diag_run("cycles=10..30 error_every=10 threads=3 async=3 stride=1",
	    NULL);
	/* cycles 19 and 29 */
	assert_int_equal(mb_activity_totals(a)->errors, 2);
	mb_activity_free(a);
}

static void
test_snapshots_lose_nothing(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;

	/* Over 2.5 s the controller collects two interval snapshots from
	 * each motor; the totals still hold every op exactly once. */
	a = diag_run("duration=2500ms threads=2 async=8 delay=1ms error_every=7",
	    NULL);
	t = mb_activity_totals(a);
	assert_true(t->ops > 1000);
	assert_int_equal(hdr_count(t->service), t->ok);
	assert_int_equal(t->ok + t->errors, t->ops);
	/* Every interval merged, the last partial one too: the run. */
	assert_int_equal(hdr_count(mb_activity_so_far(a)), t->ok);
	mb_activity_free(a);
}

static void
test_warmup(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;

	/* The first 2000 cycles run but count nowhere; errors in them too. */
	a = diag_run("cycles=10000 threads=2 async=8 warmup=2K error_every=10",
	    NULL);
	t = mb_activity_totals(a);
	assert_int_equal(t->warmup, 2000);
	assert_int_equal(t->ops, 8000);
	assert_int_equal(t->errors, 800);
	assert_int_equal(hdr_count(t->service), 7200);
	assert_true(t->cpu_ns > 0);
	mb_activity_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_delay_sync_and_async),
		cmocka_unit_test(test_async_delays_overlap),
		cmocka_unit_test(test_sync_delay_blocks),
		cmocka_unit_test(test_uniform_delay_bounds),
		cmocka_unit_test(test_exponential_and_normal),
		cmocka_unit_test(test_injected_errors),
		cmocka_unit_test(test_errors_are_per_cycle),
		cmocka_unit_test(test_snapshots_lose_nothing),
		cmocka_unit_test(test_warmup),
	};

	return (cmocka_run_group_tests_name("diag", tests, NULL, NULL));
}
