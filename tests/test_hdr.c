/* HDR histogram: layout and answers as the reference HdrHistogram gives. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "hdr.h"

/* Private layout, exported by hdr.c for this test only. */

#define HOUR_NS		(3600LL * 1000 * 1000 * 1000)

static void
assert_within(double got, double want, double rel)
{
	if (fabs(got - want) > fabs(want) * rel)
		fail_msg("got %f, want %f within %g", got, want, rel);
}

static void
assert_layout(int64_t lowest, int64_t highest, int sigfigs, int unit,
    int64_t sub_bucket_count, int bucket_count, size_t counts_len)
{
	struct hdr	*h;
	int		 u, b;
	int64_t		 s;
	size_t		 n;

	h = hdr_new(lowest, highest, sigfigs);
	assert_non_null(h);
	hdr_layout(h, &u, &s, &b, &n);
	assert_int_equal(u, unit);
	assert_int_equal(s, sub_bucket_count);
	assert_int_equal(b, bucket_count);
	assert_int_equal(n, counts_len);
	hdr_free(h);
}

static void
test_new_limits(void **state)
{
	struct hdr	*h;

	assert_null(hdr_new(0, 1000, 3));
	assert_null(hdr_new(-1, 1000, 3));
	assert_null(hdr_new(10, 19, 3));
	assert_null(hdr_new(1, 1000, 0));
	assert_null(hdr_new(1, 1000, 6));
	assert_null(hdr_new(INT64_MAX / 2 + 1, INT64_MAX, 1));
	/* 5 digits beyond a unit of 2^50 do not fit in 63 bits. */
	assert_null(hdr_new(1LL << 50, INT64_MAX, 5));

	h = hdr_new(1LL << 50, INT64_MAX, 3);
	assert_non_null(h);
	hdr_free(h);
	h = hdr_new(10, 20, 1);
	assert_non_null(h);
	hdr_free(h);
	h = hdr_new(1, INT64_MAX, 5);
	assert_non_null(h);
	assert_int_equal(hdr_lowest(h), 1);
	assert_int_equal(hdr_highest(h), INT64_MAX);
	assert_int_equal(hdr_sigfigs(h), 5);
	hdr_free(h);
	hdr_free(NULL);
}

static void
test_layout_reference(void **state)
{
	struct hdr	*h;

	/* One hour in ns at 3 digits: 2048 sub-buckets, 32 buckets. */
	assert_layout(1, HOUR_NS, 3, 0, 2048, 32, 33 * 1024);
	/* The reference C test's one hour in us: 23552 counts. */
	assert_layout(1, 3600LL * 1000 * 1000, 3, 0, 2048, 22, 23552);
	assert_layout(1000, HOUR_NS, 3, 9, 2048, 23, 24 * 1024);
	assert_layout(1, 1000, 1, 0, 32, 6, 7 * 16);
	assert_layout(1, 1000, 2, 0, 256, 3, 4 * 128);
	assert_layout(1, INT64_MAX, 5, 0, 262144, 46, 47 * 131072);
	assert_layout(1024, 2048, 3, 10, 2048, 1, 2 * 1024);

	/* The same layout seen through the bucket arithmetic. */
	h = hdr_new(1, HOUR_NS, 3);
	assert_int_equal(hdr_highest_equivalent(h, 2047), 2047);
	assert_int_equal(hdr_lowest_equivalent(h, 2049), 2048);
	assert_int_equal(hdr_highest_equivalent(h, 2048), 2049);
	assert_int_equal(hdr_lowest_equivalent(h, HOUR_NS), 3599182594048LL);
	assert_int_equal(hdr_highest_equivalent(h, HOUR_NS),
	    3601330077695LL);
	assert_int_equal(hdr_highest_equivalent(h, INT64_MAX), INT64_MAX);
	hdr_free(h);
}

/* The reference's classic: 10000 values of 1000 and one of 100000000. */
static void
test_reference_percentiles(void **state)
{
	struct hdr	*h;
	double		 mean, dev;
	int		 i;

	h = hdr_new(1, HOUR_NS, 3);
	for (i = 0; i < 10000; i++)
		assert_int_equal(hdr_record(h, 1000), 0);
	assert_int_equal(hdr_record(h, 100000000), 0);
	assert_int_equal(hdr_count(h), 10001);

	assert_int_equal(hdr_percentile(h, 30.0), 1000);
	assert_int_equal(hdr_percentile(h, 99.0), 1000);
	assert_int_equal(hdr_percentile(h, 99.99), 1000);
	assert_int_equal(hdr_percentile(h, 99.999), 100007935);
	assert_true(hdr_values_equivalent(h, hdr_percentile(h, 99.999),
	    100000000));
	assert_int_equal(hdr_percentile(h, 100.0), 100007935);
	assert_int_equal(hdr_max(h), 100007935);
	assert_true(hdr_values_equivalent(h, hdr_max(h), 100000000));
	assert_int_equal(hdr_min(h), 1000);
	assert_int_equal(hdr_percentile(h, 0.0), 1000);

	mean = (10000.0 * 1000 + 100000000.0) / 10001;
	assert_within(hdr_mean(h), mean, 0.001);
	dev = sqrt((10000 * pow(1000 - mean, 2) +
	    pow(100000000 - mean, 2)) / 10001);
	assert_within(hdr_stddev(h), dev, 0.001);
	hdr_free(h);
}

static void
test_equivalence(void **state)
{
	struct hdr	*h;

	h = hdr_new(1, HOUR_NS, 3);
	assert_true(hdr_values_equivalent(h, 2048, 2049));
	assert_false(hdr_values_equivalent(h, 2049, 2050));
	assert_false(hdr_values_equivalent(h, 1000, 1001));
	assert_true(hdr_values_equivalent(h, 100000000, 100000001));
	assert_true(hdr_values_equivalent(h, 99942400, 100007935));
	assert_false(hdr_values_equivalent(h, 99942399, 99942400));
	assert_false(hdr_values_equivalent(h, 100007935, 100007936));
	assert_int_equal(hdr_lowest_equivalent(h, 100000000), 99942400);
	assert_int_equal(hdr_highest_equivalent(h, 100000000), 100007935);
	/* At 3 digits a slot is never wider than 1/1000 of its values. */
	assert_true(hdr_highest_equivalent(h, 123456789) -
	    hdr_lowest_equivalent(h, 123456789) < 123456789 / 1000);
	hdr_free(h);

	/* A unit of 2^9: 0..511 are one slot. */
	h = hdr_new(1000, HOUR_NS, 3);
	assert_true(hdr_values_equivalent(h, 0, 511));
	assert_false(hdr_values_equivalent(h, 511, 512));
	assert_int_equal(hdr_highest_equivalent(h, 0), 511);
	assert_int_equal(hdr_lowest_equivalent(h, 1000), 512);
	hdr_free(h);
}

static void
test_record_edges(void **state)
{
	struct hdr	*h;

	h = hdr_new(1, 1000000, 3);
	assert_int_equal(hdr_record(h, 0), 0);
	assert_int_equal(hdr_min(h), 0);
	assert_int_equal(hdr_max(h), 0);
	assert_int_equal(hdr_record(h, 1), 0);
	assert_int_equal(hdr_record(h, 1000000), 0);
	assert_int_equal(hdr_clamped(h), 0);
	assert_int_equal(hdr_max(h), hdr_highest_equivalent(h, 1000000));

	assert_int_equal(hdr_record(h, 1000001), 0);
	assert_int_equal(hdr_record(h, INT64_MAX), 0);
	assert_int_equal(hdr_record_n(h, 5000000, 3), 0);
	assert_int_equal(hdr_clamped(h), 5);
	assert_int_equal(hdr_count(h), 8);
	assert_int_equal(hdr_max(h), hdr_highest_equivalent(h, 1000000));
	assert_int_equal(hdr_percentile(h, 100.0),
	    hdr_highest_equivalent(h, 1000000));

	assert_int_equal(hdr_record(h, -1), -1);
	assert_int_equal(hdr_record_n(h, INT64_MIN, 10), -1);
	assert_int_equal(hdr_count(h), 8);
	assert_int_equal(hdr_min(h), 0);

	assert_int_equal(hdr_record_n(h, 500, 10), 0);
	assert_int_equal(hdr_count(h), 18);
	assert_int_equal(hdr_percentile(h, 50.0), 500);
	hdr_free(h);
}

static void
test_uniform(void **state)
{
	struct hdr	*h;
	int64_t		 v;

	h = hdr_new(1, HOUR_NS, 3);
	for (v = 1; v <= 1000000; v++)
		hdr_record(h, v);
	assert_int_equal(hdr_count(h), 1000000);
	assert_within(hdr_percentile(h, 50.0), 500000, 0.001);
	assert_within(hdr_percentile(h, 99.0), 990000, 0.001);
	assert_within(hdr_percentile(h, 99.9), 999000, 0.001);
	assert_within(hdr_mean(h), 500000.5, 0.001);
	assert_within(hdr_stddev(h), 1000000 / sqrt(12), 0.001);
	assert_int_equal(hdr_percentile(h, 0.0), 1);
	assert_int_equal(hdr_min(h), 1);
	assert_int_equal(hdr_percentile(h, 100.0),
	    hdr_highest_equivalent(h, 1000000));
	/* Out of range asks are clamped to 0..100. */
	assert_int_equal(hdr_percentile(h, -5.0), hdr_percentile(h, 0.0));
	assert_int_equal(hdr_percentile(h, 150.0), hdr_percentile(h, 100.0));
	/* Percentiles never go down. */
	for (v = 1; v < 1000; v++)
		assert_true(hdr_percentile(h, v / 10.0) <=
		    hdr_percentile(h, (v + 1) / 10.0));
	hdr_free(h);
}

static void
assert_same(const struct hdr *a, const struct hdr *b)
{
	double	p;

	assert_int_equal(hdr_count(a), hdr_count(b));
	assert_int_equal(hdr_clamped(a), hdr_clamped(b));
	assert_int_equal(hdr_min(a), hdr_min(b));
	assert_int_equal(hdr_max(a), hdr_max(b));
	assert_true(hdr_mean(a) == hdr_mean(b));
	assert_true(hdr_stddev(a) == hdr_stddev(b));
	for (p = 0.0; p <= 100.0; p += 0.5)
		assert_int_equal(hdr_percentile(a, p), hdr_percentile(b, p));
}

static void
test_add(void **state)
{
	struct hdr	*a, *b, *both;
	int64_t		 v;

	a = hdr_new(1, HOUR_NS, 3);
	b = hdr_new(1, HOUR_NS, 3);
	both = hdr_new(1, HOUR_NS, 3);
	for (v = 1; v < 100000; v += 7) {
		hdr_record(a, v);
		hdr_record(both, v);
	}
	for (v = 50000; v < 100000000; v += 9973) {
		hdr_record(b, v);
		hdr_record(both, v);
	}
	hdr_record(b, 2 * HOUR_NS);
	hdr_record(both, 2 * HOUR_NS);
	hdr_add(a, b);
	assert_same(a, both);
	assert_int_equal(hdr_clamped(a), 1);
	hdr_free(a);
	hdr_free(b);
	hdr_free(both);

	/* Different layouts: values re-recorded, clamped to dst's range. */
	a = hdr_new(1, 1000000000, 3);
	b = hdr_new(1000, 1000000000000LL, 2);
	hdr_record(a, 10);
	hdr_record(b, 5000);
	hdr_record(b, 2000000000);
	hdr_record(b, 5000000000000LL);
	hdr_add(a, b);
	assert_int_equal(hdr_count(a), 4);
	assert_int_equal(hdr_clamped(a), 2);
	assert_int_equal(hdr_min(a), 10);
	assert_int_equal(hdr_max(a), hdr_highest_equivalent(a, 1000000000));
	assert_true(hdr_values_equivalent(b, hdr_percentile(a, 50.0), 5000));
	hdr_free(a);
	hdr_free(b);

	/* src's clamped values stay counted if dst holds them unclamped. */
	a = hdr_new(1, 1000000000, 3);
	b = hdr_new(1, 1000000, 2);
	hdr_record(b, 2000000);
	hdr_add(a, b);
	assert_int_equal(hdr_count(a), 1);
	assert_int_equal(hdr_clamped(a), 1);
	hdr_free(a);
	hdr_free(b);

	/* Same layout, smaller highest: still clamped. */
	a = hdr_new(1, 3000LL * 1000 * 1000 * 1000, 3);
	b = hdr_new(1, HOUR_NS, 3);
	hdr_record(b, 3500LL * 1000 * 1000 * 1000);
	hdr_add(a, b);
	assert_int_equal(hdr_clamped(a), 1);
	assert_int_equal(hdr_max(a),
	    hdr_highest_equivalent(a, 3000LL * 1000 * 1000 * 1000));
	hdr_free(a);
	hdr_free(b);
}

/* A lazy histogram, reset and added over the range its values span only:
 * the same counts everywhere as a plain one. */
static void
test_lazy_and_ranges(void **state)
{
	struct hdr	*lazy, *plain, *sum;
	size_t		 i, len;
	int64_t		 v;
	int		 um, bc;
	int64_t		 sbc;

	lazy = hdr_new_lazy(1, HOUR_NS, 3);
	plain = hdr_new(1, HOUR_NS, 3);
	sum = hdr_new(1, HOUR_NS, 3);
	hdr_layout(lazy, &um, &sbc, &bc, &len);
	for (v = 0; v < 200000; v += 7) {
		hdr_record(lazy, v * 997 % 5000000);
		hdr_record(plain, v * 997 % 5000000);
	}
	hdr_record(lazy, 2 * HOUR_NS);		/* clamped: the top slot */
	hdr_record(plain, 2 * HOUR_NS);
	hdr_add(sum, lazy);
	for (i = 0; i < len; i++) {
		assert_int_equal(hdr_count_at_index(lazy, i),
		    hdr_count_at_index(plain, i));
		assert_int_equal(hdr_count_at_index(sum, i),
		    hdr_count_at_index(plain, i));
	}
	assert_int_equal(hdr_clamped(sum), 1);
	/* Reset zeroes every count, then it records afresh. */
	hdr_reset(lazy);
	for (i = 0; i < len; i++)
		assert_int_equal(hdr_count_at_index(lazy, i), 0);
	hdr_record(lazy, 42);
	assert_int_equal(hdr_count(lazy), 1);
	assert_int_equal(hdr_percentile(lazy, 50), 42);
	hdr_free(lazy);
	hdr_free(plain);
	hdr_free(sum);
}

static void
test_reset(void **state)
{
	struct hdr	*h;

	h = hdr_new(1, HOUR_NS, 3);
	hdr_record(h, 12345);
	hdr_record(h, 2 * HOUR_NS);
	hdr_reset(h);
	assert_int_equal(hdr_count(h), 0);
	assert_int_equal(hdr_clamped(h), 0);
	assert_int_equal(hdr_min(h), 0);
	assert_int_equal(hdr_max(h), 0);
	assert_int_equal(hdr_percentile(h, 50.0), 0);
	assert_true(hdr_mean(h) == 0.0);
	assert_true(hdr_stddev(h) == 0.0);

	/* A count of 0 is no value at all. */
	assert_int_equal(hdr_record_n(h, 5, 0), 0);
	assert_int_equal(hdr_record_n(h, 5000, 0), 0);
	hdr_record(h, 777);
	assert_int_equal(hdr_count(h), 1);
	assert_int_equal(hdr_min(h), 777);
	assert_int_equal(hdr_max(h), 777);
	assert_int_equal(hdr_percentile(h, 50.0), 777);
	hdr_free(h);
}

static void
test_mean_stddev(void **state)
{
	struct hdr	*h;
	static const int64_t values[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	size_t		 i;

	/* Below 2048 every value is its own slot: exact answers. */
	h = hdr_new(1, HOUR_NS, 3);
	for (i = 0; i < sizeof values / sizeof values[0]; i++)
		hdr_record(h, values[i]);
	assert_true(hdr_mean(h) == 5.0);
	assert_true(hdr_stddev(h) == 2.0);
	hdr_free(h);

	/* Wider slots count at their middle, as the reference does. */
	h = hdr_new(1, HOUR_NS, 3);
	hdr_record(h, 100000000);
	assert_true(hdr_mean(h) == 99942400 + 32768);
	assert_true(hdr_stddev(h) == 0.0);
	hdr_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_limits),
		cmocka_unit_test(test_layout_reference),
		cmocka_unit_test(test_reference_percentiles),
		cmocka_unit_test(test_equivalence),
		cmocka_unit_test(test_record_edges),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_lazy_and_ranges),
		cmocka_unit_test(test_mean_stddev),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
