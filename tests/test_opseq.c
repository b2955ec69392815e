/* Op sequence planning: exact sequences per mode, counts and refusals. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "opseq.h"

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

struct vector {
	uint64_t	 ratios[8];
	size_t		 nops;
	const char	*want;		/* A = op 0, B = op 1, ... */
};

/* Plan and spell the sequence as letters; the caller frees it. */
static char *
plan_letters(enum mb_seq mode, const uint64_t *ratios, size_t nops)
{
	uint32_t	*seq;
	size_t		 len, i;
	char		*cause = NULL, *s;

	if (mb_opseq_plan(mode, ratios, nops, &seq, &len, &cause) != 0)
		fail_msg("%s: %s", mb_opseq_name(mode), cause);
	s = malloc(len + 1);
	assert_non_null(s);
	for (i = 0; i < len; i++) {
		assert_true(seq[i] < nops && seq[i] < 26);
		s[i] = (char)('A' + seq[i]);
	}
	s[len] = '\0';
	free(seq);
	return (s);
}

static void
check_vectors(enum mb_seq mode, const struct vector *v, size_t n)
{
	size_t	 i;
	char	*got;

	for (i = 0; i < n; i++) {
		got = plan_letters(mode, v[i].ratios, v[i].nops);
		if (strcmp(got, v[i].want) != 0)
			fail_msg("%s vector %zu: got %s, want %s",
			    mb_opseq_name(mode), i, got, v[i].want);
		free(got);
	}
}

/* concat: op 0's run, then op 1's, ...; a zero ratio is an empty run. */
static void
test_concat(void **state)
{
	static const struct vector v[] = {
		{ { 4, 2, 1 }, 3, "AAAABBC" },		/* required */
		{ { 1, 1, 1 }, 3, "ABC" },
		{ { 3, 0, 1 }, 3, "AAAC" },
		{ { 0, 5 }, 2, "BBBBB" },
		{ { 2, 3 }, 2, "AABBB" },
		{ { 1 }, 1, "A" },
		{ { 5, 1, 0, 2 }, 4, "AAAAABDD" },
		{ { 0, 0, 3, 1 }, 4, "CCCD" },
	};

	check_vectors(MB_SEQ_CONCAT, v, NITEMS(v));
}

/*
 * bucket: rounds over the ops still holding items, in op order. 4,2,1:
 * round 1 ABC, round 2 AB, rounds 3-4 A. 5,1,0,2: ABD, AD, A, A, A.
 * The last three are NoSQLBench's BucketSequencer javadoc examples.
 */
static void
test_bucket(void **state)
{
	static const struct vector v[] = {
		{ { 4, 2, 1 }, 3, "ABCABAA" },		/* required */
		{ { 1, 1, 1 }, 3, "ABC" },
		{ { 3, 0, 1 }, 3, "ACAA" },		/* AC, A, A */
		{ { 0, 5 }, 2, "BBBBB" },
		{ { 2, 3 }, 2, "ABABB" },		/* AB, AB, B */
		{ { 1 }, 1, "A" },
		{ { 5, 1, 0, 2 }, 4, "ABDADAAA" },
		{ { 0, 0, 3, 1 }, 4, "CDCC" },
		{ { 4, 1 }, 2, "ABAAA" },
		{ { 4, 3, 2, 1 }, 4, "ABCDABCABA" },
		{ { 1, 2, 3, 4 }, 4, "ABCDBCDCDD" },
	};

	check_vectors(MB_SEQ_BUCKET, v, NITEMS(v));
}

/*
 * interval: op i's slots at j/r, sorted by position, ties to the earlier
 * op. 4,2,1: A 0 .25 .5 .75, B 0 .5, C 0 -> A0 B0 C0 A.25 A.5 B.5 A.75.
 * 2,3: A 0 .5, B 0 1/3 2/3 -> A0 B0 B1/3 A.5 B2/3.
 * 3,6: 1.0/3 == 2.0/6 and 2.0/3 == 4.0/6 in doubles (division rounds
 * correctly), checked below, so A takes each tie: A0 B0 B1/6 A1/3 B2/6
 * B3/6 A2/3 B4/6 B5/6.
 * 5,15: 3.0/5 == 9.0/15 as well, so A wins that tie too; 3 * (1.0/5),
 * which is 0.6000000000000001, would put B first (...ABBBBABBABBB).
 * 8,4,2,1 and 4,3,0 and 4,5 are NoSQLBench's IntervalSequencerTest and
 * javadoc vectors.
 */
static void
test_interval(void **state)
{
	static const struct vector v[] = {
		{ { 4, 2, 1 }, 3, "ABCAABA" },		/* required */
		{ { 1, 1, 1 }, 3, "ABC" },		/* all at 0 */
		{ { 3, 0, 1 }, 3, "ACAA" },		/* A0 C0 A1/3 A2/3 */
		{ { 0, 5 }, 2, "BBBBB" },
		{ { 2, 3 }, 2, "ABBAB" },
		{ { 3, 6 }, 2, "ABBABBABB" },
		{ { 1 }, 1, "A" },
		{ { 5, 1, 0, 2 }, 4, "ABDAADAA" },	/* A0 B0 D0 A.2 A.4 D.5
							 * A.6 A.8 */
		{ { 0, 0, 3, 1 }, 4, "CDCC" },
		{ { 5, 15 }, 2, "ABBBABBBABBBABBBABBB" },
		{ { 8, 4, 2, 1 }, 4, "ABCDAABAABCAABA" },
		{ { 4, 3, 0 }, 3, "ABABABA" },
		{ { 4, 5 }, 2, "ABBABABAB" },
	};
	volatile double	 one = 1.0, two = 2.0, four = 4.0, three = 3.0,
			 six = 6.0, five = 5.0, nine = 9.0, fifteen = 15.0;

	/* The ties above, in the planner's own expression. */
	assert_true(one / three == two / six);
	assert_true(two / three == four / six);
	assert_true(three / five == nine / fifteen);
	assert_true(three * (one / five) != nine * (one / fifteen));
	check_vectors(MB_SEQ_INTERVAL, v, NITEMS(v));
}

/* Every mode: length is the sum of ratios, op i appears ratio[i] times. */
static void
test_counts(void **state)
{
	static const enum mb_seq modes[] = {
		MB_SEQ_BUCKET, MB_SEQ_CONCAT, MB_SEQ_INTERVAL
	};
	uint64_t	 ratios[12], sum, seen[12];
	uint32_t	*seq;
	size_t		 len, m, k, i, nops;
	char		*cause = NULL;
	unsigned int	 rnd = 12345;

	for (k = 0; k < 200; k++) {
		nops = 1 + k % 12;
		sum = 0;
		for (i = 0; i < nops; i++) {
			rnd = rnd * 1103515245 + 12345;
			ratios[i] = (rnd >> 16) % (k % 3 == 0 ? 4 : 60);
			sum += ratios[i];
		}
		if (sum == 0)
			ratios[nops - 1] = sum = 1;
		for (m = 0; m < NITEMS(modes); m++) {
			assert_int_equal(mb_opseq_plan(modes[m], ratios, nops,
			    &seq, &len, &cause), 0);
			assert_int_equal(len, sum);
			memset(seen, 0, sizeof seen);
			for (i = 0; i < len; i++) {
				assert_true(seq[i] < nops);
				seen[seq[i]]++;
			}
			for (i = 0; i < nops; i++)
				assert_int_equal(seen[i], ratios[i]);
			free(seq);
		}
	}
}

static void
expect_refusal(const uint64_t *ratios, size_t nops, const char *words)
{
	uint32_t	*seq = (uint32_t *)1;
	size_t		 len = 1;
	char		*cause = NULL;

	assert_int_equal(mb_opseq_plan(MB_SEQ_INTERVAL, ratios, nops, &seq,
	    &len, &cause), -1);
	assert_null(seq);
	assert_int_equal(len, 0);
	assert_non_null(cause);
	if (strstr(cause, words) == NULL)
		fail_msg("cause '%s' does not say '%s'", cause, words);
	free(cause);
}

static void
test_errors(void **state)
{
	static const uint64_t	zeros[] = { 0, 0, 0 };
	static const uint64_t	over[] = { 1, 1000001 };
	uint64_t		 wide[101], at[2] = { 1000000, 3 };
	uint32_t		*seq;
	size_t			 len, i;
	char			*cause = NULL;

	expect_refusal(zeros, NITEMS(zeros), "ratio 0");
	expect_refusal(zeros, 0, "no ops");
	expect_refusal(over, NITEMS(over), "limit of 1000000");
	expect_refusal(over, NITEMS(over), "op 1");
	for (i = 0; i < NITEMS(wide); i++)
		wide[i] = 1000000;
	expect_refusal(wide, NITEMS(wide), "limit of 100000000");

	/* At the per-op limit is fine. */
	assert_int_equal(mb_opseq_plan(MB_SEQ_BUCKET, at, 2, &seq, &len,
	    &cause), 0);
	assert_int_equal(len, 1000003);
	assert_int_equal(seq[0], 0);
	assert_int_equal(seq[1], 1);
	assert_int_equal(seq[len - 1], 0);
	free(seq);
}

static void
test_mode_names(void **state)
{
	static const char	*names[] = { "bucket", "concat", "interval" };
	static const char	*bad[] = { "", "Bucket", "buckets", "ratio" };
	enum mb_seq		 mode;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < NITEMS(names); i++) {
		assert_int_equal(mb_opseq_mode(names[i], &mode, &cause), 0);
		assert_string_equal(mb_opseq_name(mode), names[i]);
	}
	assert_int_equal(mb_opseq_mode("bucket", &mode, &cause), 0);
	assert_int_equal(mode, MB_SEQ_BUCKET);
	assert_int_equal(mb_opseq_mode("concat", &mode, &cause), 0);
	assert_int_equal(mode, MB_SEQ_CONCAT);
	assert_int_equal(mb_opseq_mode("interval", &mode, &cause), 0);
	assert_int_equal(mode, MB_SEQ_INTERVAL);

	for (i = 0; i < NITEMS(bad); i++) {
		mode = MB_SEQ_CONCAT;
		cause = NULL;
		assert_int_equal(mb_opseq_mode(bad[i], &mode, &cause), -1);
		assert_int_equal(mode, MB_SEQ_CONCAT);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "seq="));
		assert_non_null(strstr(cause, bad[i]));
		assert_non_null(strstr(cause, "bucket"));
		assert_non_null(strstr(cause, "concat"));
		assert_non_null(strstr(cause, "interval"));
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_concat),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mode_names),
	};

	return (cmocka_run_group_tests_name("opseq", tests, NULL, NULL));
}
