/* Cycle hand-out: every cycle exactly once, strides, shards, claims. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cycles.h"

/* Take everything with one claim; count each cycle seen. */
static uint64_t
drain_one(struct mb_cycles *c, unsigned char *seen, uint64_t base,
    uint64_t size)
{
	struct mb_cycles_claim	cl = { 0, 0 };
	uint64_t		first, end, n = 0, i;

	while (mb_cycles_take(c, &cl, &first, &end)) {
		assert_true(first < end);
		/* Sharded, one stride block at a time; unsharded, runs of
		 * whole blocks. */
		if (c->shard_count > 1)
			assert_true(end - first <= c->stride);
		else
			assert_true((end - first) % c->stride == 0 ||
			    end == c->end);
		for (i = first; i < end; i++) {
			assert_true(i >= base && i - base < size);
			seen[i - base]++;
			n++;
		}
	}
	return (n);
}

static void
assert_all_once(const unsigned char *seen, uint64_t size)
{
	uint64_t	i;

	for (i = 0; i < size; i++) {
		if (seen[i] != 1)
			fail_msg("cycle %llu seen %u times",
			    (unsigned long long)i, seen[i]);
	}
}

static void
test_range_strides(void **state)
{
	static const uint64_t	strides[] = { 1, 2, 3, 7, 100, 1000, 1001 };
	struct mb_cycles	c;
	unsigned char		*seen;
	size_t			 i;

	for (i = 0; i < sizeof strides / sizeof strides[0]; i++) {
		/* 5..1005: the end is not a multiple of most strides. */
		seen = calloc(1000, 1);
		mb_cycles_init(&c, 5, 1005, strides[i], 0, 1);
		assert_int_equal(mb_cycles_total(&c), 1000);
		assert_int_equal(drain_one(&c, seen, 5, 1000), 1000);
		assert_all_once(seen, 1000);
		free(seen);
	}
}

static void
test_empty_and_tiny(void **state)
{
	struct mb_cycles	c;
	struct mb_cycles_claim	cl = { 0, 0 };
	uint64_t		first, end;
	unsigned char		seen[1] = { 0 };

	mb_cycles_init(&c, 7, 7, 1, 0, 1);
	assert_int_equal(mb_cycles_total(&c), 0);
	assert_int_equal(mb_cycles_take(&c, &cl, &first, &end), 0);
	/* Once exhausted, it stays exhausted. */
	assert_int_equal(mb_cycles_take(&c, &cl, &first, &end), 0);

	mb_cycles_init(&c, 0, 1, 10, 0, 1);
	assert_int_equal(drain_one(&c, seen, 0, 1), 1);
	assert_all_once(seen, 1);
}

static void
test_shards_disjoint_complete(void **state)
{
	static const uint64_t	strides[] = { 1, 3, 10, 64 };
	static const uint32_t	counts[] = { 1, 2, 3, 5, 7 };
	struct mb_cycles	c;
	unsigned char		*seen;
	uint64_t		total;
	size_t			i, j;
	uint32_t		k;

	for (i = 0; i < sizeof strides / sizeof strides[0]; i++) {
		for (j = 0; j < sizeof counts / sizeof counts[0]; j++) {
			seen = calloc(997, 1);
			total = 0;
			for (k = 0; k < counts[j]; k++) {
				mb_cycles_init(&c, 1000, 1997, strides[i], k,
				    counts[j]);
				assert_int_equal(drain_one(&c, seen, 1000, 997),
				    mb_cycles_total(&c));
				total += mb_cycles_total(&c);
			}
			assert_int_equal(total, 997);
			assert_all_once(seen, 997);
			free(seen);
		}
	}
}

static void
test_shards_unbounded(void **state)
{
	struct mb_cycles	c[3];
	struct mb_cycles_claim	cl[3];
	unsigned char		seen[3000];
	uint64_t		first, end, i;
	int			k, rounds;

	/* Unbounded: take the first blocks of each shard and check that
	 * together they tile 0..N with no gap and no overlap. */
	memset(seen, 0, sizeof seen);
	memset(cl, 0, sizeof cl);
	for (k = 0; k < 3; k++) {
		mb_cycles_init(&c[k], 0, MB_CYCLE_UNBOUNDED, 10, k, 3);
		assert_true(mb_cycles_total(&c[k]) == MB_CYCLE_UNBOUNDED);
	}
	for (rounds = 0; rounds < 100; rounds++) {
		for (k = 0; k < 3; k++) {
			assert_true(mb_cycles_take(&c[k], &cl[k], &first,
			    &end));
			assert_int_equal(end - first, 10);	/* sharded */
			for (i = first; i < end; i++) {
				assert_true(i < 3000);
				seen[i]++;
			}
		}
	}
	assert_all_once(seen, 3000);
}

static void
test_near_uint64_max(void **state)
{
	struct mb_cycles	c;
	unsigned char		seen[10];

	/* The last cycles before the unbounded marker, no overflow. */
	memset(seen, 0, sizeof seen);
	mb_cycles_init(&c, UINT64_MAX - 11, UINT64_MAX - 1, 3, 0, 1);
	assert_int_equal(drain_one(&c, seen, UINT64_MAX - 11, 10), 10);
	assert_all_once(seen, 10);
}

static void
test_claims_shrink_at_the_end(void **state)
{
	struct mb_cycles	c;
	struct mb_cycles_claim	cl = { 0, 0 };
	uint64_t		first, end;

	/* Far from the end a claim is MB_CYCLES_CLAIM cycles ... */
	mb_cycles_init(&c, 0, 1000000, 1, 0, 1);
	mb_cycles_set_takers(&c, 2);
	assert_true(mb_cycles_take(&c, &cl, &first, &end));
	assert_int_equal(end - first, MB_CYCLES_CLAIM);
	/* ... near it, a small share, so no motor keeps a long tail. */
	mb_cycles_init(&c, 0, 20, 1, 0, 1);
	mb_cycles_set_takers(&c, 2);
	memset(&cl, 0, sizeof cl);
	assert_true(mb_cycles_take(&c, &cl, &first, &end));
	assert_int_equal(end - first, 1);
}

struct taker {
	struct mb_cycles	*c;
	unsigned char		*seen;	/* one byte per cycle, per taker */
	uint64_t		 n;
};

static void *
taker_main(void *arg)
{
	struct taker		*t = arg;
	struct mb_cycles_claim	 cl = { 0, 0 };
	uint64_t		 first, end, i;

	while (mb_cycles_take(t->c, &cl, &first, &end)) {
		for (i = first; i < end; i++) {
			t->seen[i]++;
			t->n++;
		}
	}
	return (NULL);
}

static void
test_threads_every_cycle_once(void **state)
{
	enum { N = 200003, T = 4 };
	struct mb_cycles	c;
	struct taker		t[T];
	pthread_t		th[T];
	uint64_t		i, sum;
	int			k, hits;

	mb_cycles_init(&c, 0, N, 1, 0, 1);
	mb_cycles_set_takers(&c, T);
	for (k = 0; k < T; k++) {
		t[k].c = &c;
		t[k].seen = calloc(N, 1);
		t[k].n = 0;
		assert_int_equal(pthread_create(&th[k], NULL, taker_main,
		    &t[k]), 0);
	}
	sum = 0;
	for (k = 0; k < T; k++) {
		pthread_join(th[k], NULL);
		sum += t[k].n;
	}
	assert_int_equal(sum, N);
	for (i = 0; i < N; i++) {
		hits = 0;
		for (k = 0; k < T; k++)
			hits += t[k].seen[i];
		if (hits != 1)
			fail_msg("cycle %llu taken %d times",
			    (unsigned long long)i, hits);
	}
	for (k = 0; k < T; k++)
		free(t[k].seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_strides),
		cmocka_unit_test(test_empty_and_tiny),
		cmocka_unit_test(test_shards_disjoint_complete),
		cmocka_unit_test(test_shards_unbounded),
		cmocka_unit_test(test_near_uint64_max),
		cmocka_unit_test(test_claims_shrink_at_the_end),
		cmocka_unit_test(test_threads_every_cycle_once),
	};

	return (cmocka_run_group_tests_name("cycles", tests, NULL, NULL));
}
