/* The rate limiter's schedule, on a fake clock: exact intended times. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ratelimit.h"

#define S	1000000000ULL

static void
test_ticket_times(void **state)
{
	struct mb_rate	r;
	uint64_t	k;

	/* t0 = 10 s, 1000 op/s: ticket k at exactly t0 + k ms. */
	mb_rate_init(&r, 1000, 10 * S, 0);
	for (k = 0; k < 5000; k++)
		assert_int_equal(mb_rate_take(&r), 10 * S + k * 1000000);
	mb_rate_free(&r);
}

static void
test_live_change(void **state)
{
	struct mb_rate	r;
	uint64_t	k, t100;

	/* 100 tickets at 1000 op/s, then 4000 op/s from ticket 100 on: the
	 * new schedule starts where the old one had ticket 100. */
	mb_rate_init(&r, 1000, 0, 0);
	for (k = 0; k < 100; k++)
		assert_int_equal(mb_rate_take(&r), k * 1000000);
	t100 = mb_rate_intended(&r, 100);
	assert_int_equal(t100, 100000000);
	mb_rate_set(&r, 4000);
	assert_true(mb_rate_get(&r) > 3999.999 && mb_rate_get(&r) < 4000.001);
	for (k = 100; k < 1100; k++)
		assert_int_equal(mb_rate_take(&r), t100 + (k - 100) * 250000);
	/* And back down: continuity again. */
	mb_rate_set(&r, 500);
	assert_int_equal(mb_rate_take(&r), t100 + 1000 * 250000);
	assert_int_equal(mb_rate_take(&r), t100 + 1000 * 250000 + 2000000);
	mb_rate_free(&r);
}

static void
test_slow_rates(void **state)
{
	struct mb_rate	r;

	/* Below 1 op/s: 0.5 op/s is one ticket every 2 s. */
	mb_rate_init(&r, 0.5, 0, 0);
	assert_int_equal(mb_rate_take(&r), 0);
	assert_int_equal(mb_rate_take(&r), 2 * S);
	assert_int_equal(mb_rate_take(&r), 4 * S);
	mb_rate_free(&r);
}

static void
test_end(void **state)
{
	struct mb_rate	r;
	uint64_t	k, n = 0;

	/* With an end: exactly rate x duration tickets (2000 op/s, 5 s). */
	mb_rate_init(&r, 2000, 7 * S, 7 * S + 5 * S);
	for (k = 0; k < 20000; k++) {
		if (mb_rate_take(&r) != MB_RATE_NONE)
			n++;
	}
	assert_int_equal(n, 10000);
	mb_rate_free(&r);
}

static void
test_burst_gate(void **state)
{
	struct mb_rate	r;
	uint64_t	t, ms = 1000000;

	/* 1000 op/s with burst=2: behind schedule, one op per 0.5 ms. */
	mb_rate_init(&r, 1000, 0, 0);
	assert_int_equal(mb_rate_gate(&r, 10 * ms), 0);	/* no burst= */
	mb_rate_set_burst(&r, 2);
	assert_int_equal(mb_rate_gate(&r, 10 * ms), 0);
	assert_int_equal(mb_rate_gate(&r, 10 * ms + 100000), 10 * ms + ms / 2);
	assert_int_equal(mb_rate_gate(&r, 10 * ms + ms / 2), 0);
	assert_int_equal(mb_rate_gate(&r, 11 * ms), 0);
	/* On schedule (1 ms apart, wider than a slot) nothing waits. */
	for (t = 20 * ms; t < 30 * ms; t += ms)
		assert_int_equal(mb_rate_gate(&r, t), 0);
	/* A live rate change narrows the slot with the rate. */
	mb_rate_set(&r, 4000);
	assert_int_equal(mb_rate_gate(&r, 40 * ms), 0);
	assert_int_equal(mb_rate_gate(&r, 40 * ms), 40 * ms + ms / 8);
	mb_rate_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticket_times),
		cmocka_unit_test(test_live_change),
		cmocka_unit_test(test_slow_rates),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_burst_gate),
	};

	return (cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL));
}
