/* Unit tests for params.c: typed values, messages and name=value lists. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cmocka_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

#define U64_MAX_TEXT	"18446744073709551615"

/* Every fragment (NULL-terminated list) must be in cause; frees it. */

/* The whole message, exactly. */
static void
cause_is(char *cause, const char *want)
{
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

/* "'value'" as it appears quoted in a message. */
static const char *
quoted(const char *s)
{
	static char	buf[256];

	snprintf(buf, sizeof buf, "'%s'", s);
	return (buf);
}

/* ---- counts ---- */

static void
test_count_good(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 v;
	} t[] = {
		{ "0", 0 }, { "1000", 1000 }, { "007", 7 },
		{ "10K", 10000 }, { "10k", 10000 }, { "2M", 2000000 },
		{ "2m", 2000000 }, { "2B", 2000000000 }, { "2b", 2000000000 },
		{ "1.5M", 1500000 }, { "0.5K", 500 }, { "1.0", 1 },
		{ "1.250K", 1250 }, { "1e6", 1000000 }, { "1E6", 1000000 },
		{ "1.5e3", 1500 }, { "1e+3", 1000 }, { "1000e-3", 1 },
		{ "0e999999", 0 }, { "1_000_000", 1000000 },
		{ "1_000.5K", 1000500 }, { "18B", 18000000000ULL },
		{ U64_MAX_TEXT, UINT64_MAX },
		{ "18446744073.709551615B", UINT64_MAX },
		{ "18446744073709551615.000", UINT64_MAX },
		{ "0001844674407370955161.5e1", UINT64_MAX },
	};
	uint64_t	 v;
	size_t		 i;
	char		*cause = NULL;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		v = 42;
		if (mb_param_count("cycles", t[i].s, 0, 0, &v, &cause) != 0)
			print_error("%s: %s\n", t[i].s, cause);
		assert_null(cause);
		assert_int_equal(v, t[i].v);
	}
}

static void
test_count_bad(void **state)
{
	static const struct {
		const char	*s;
		const char	*frag;
	} t[] = {
		{ "ten", "expected a count like 1000, 10K, 1.5M or 2B" },
		{ "", "expected a count like" },
		{ "-1", "expected a count like" },
		{ "+1", "expected a count like" },
		{ " 1", "expected a count like" },
		{ "1 ", "expected a count like" },
		{ "10KB", "expected a count like" },
		{ "10K5", "expected a count like" },
		{ "1__000", "expected a count like" },
		{ "_1", "expected a count like" },
		{ "1_", "expected a count like" },
		{ "1.", "expected a count like" },
		{ ".5", "expected a count like" },
		{ "1e", "expected a count like" },
		{ "1e3K", "expected a count like" },
		{ "1G", "expected a count like" },
		{ "0x10", "expected a count like" },
		{ "1.5", "expected a whole count like" },
		{ "0.0001K", "expected a whole count" },
		{ "1e-3", "expected a whole count" },
		{ "18446744073709551616", "too large (at most " U64_MAX_TEXT },
		{ "18446744073709551615.5", "whole count" },
		{ "18446744073.709551616B", "too large" },
		{ "20000000000B", "too large" },
		{ "1e20", "too large" },
		{ "99999999999999999999999999", "too large" },
	};
	uint64_t	 v = 42;
	size_t		 i;
	char		*cause;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cause = NULL;
		assert_int_equal(mb_param_count("cycles", t[i].s, 0, 0, &v,
		    &cause), -1);
		cause_has(cause, "cycles: ", quoted(t[i].s), t[i].frag, NULL);
	}
	assert_int_equal(v, 42);

	cause = NULL;
	assert_int_equal(mb_param_count("cycles", "ten", 0, 0, &v, &cause),
	    -1);
	cause_is(cause, "cycles: expected a count like 1000, 10K, 1.5M or 2B, "
	    "got 'ten'");
}

static void
test_count_bounds(void **state)
{
	uint64_t	 v;
	char		*cause = NULL;

	assert_int_equal(mb_param_count("async", "1", 1, 1000000, &v, &cause),
	    0);
	assert_int_equal(v, 1);
	assert_int_equal(mb_param_count("async", "1M", 1, 1000000, &v,
	    &cause), 0);
	assert_int_equal(v, 1000000);
	assert_null(cause);

	assert_int_equal(mb_param_count("async", "0", 1, 1000000, &v, &cause),
	    -1);
	cause_is(cause, "async: expected a count from 1 to 1000000, got '0'");
	cause = NULL;
	assert_int_equal(mb_param_count("async", "1.1M", 1, 1000000, &v,
	    &cause), -1);
	cause_has(cause, "async: ", "from 1 to 1000000", "'1.1M'", NULL);

	/* A lower bound alone: max 0 is no upper bound. */
	cause = NULL;
	assert_int_equal(mb_param_count("n", "2", 5, 0, &v, &cause), -1);
	cause_is(cause, "n: expected a count of at least 5, got '2'");
	assert_int_equal(mb_param_count("n", U64_MAX_TEXT, 5, 0, &v, &cause),
	    0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(mb_param_count("n", "0", 0, 10, &v, &cause), 0);
	assert_int_equal(v, 0);
}

/* ---- durations ---- */

static void
test_duration_good(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 ns;
	} t[] = {
		{ "0", 0 }, { "00", 0 }, { "0.0", 0 }, { "0s", 0 },
		{ "1ns", 1 }, { "250us", 250000 }, { "250\xc2\xb5s", 250000 },
		{ "250\xce\xbcs", 250000 }, { "10ms", 10000000 },
		{ "1.5s", 1500000000 }, { "2m", 120000000000ULL },
		{ "1h", 3600000000000ULL }, { "1m30s", 90000000000ULL },
		{ "1h2m3.5s", 3723500000000ULL }, { "1s500ms", 1500000000 },
		{ "1_000ms", 1000000000 }, { "1.000000001s", 1000000001 },
		{ "0.5ns", 1 }, { "0.4ns", 0 }, { "1.0000000004s", 1000000000 },
		{ "0.001h", 3600000000ULL },
		{ "0.33333333333333333333333h", 1200000000000ULL },
		{ "1.5m", 90000000000ULL }, { "1h1ns", 3600000000001ULL },
		{ U64_MAX_TEXT "ns", UINT64_MAX },
		{ "18446744073.709551615s", UINT64_MAX },
		{ "5124095h", 5124095ULL * 3600000000000ULL },
	};
	uint64_t	 ns;
	size_t		 i;
	char		*cause = NULL;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		ns = 42;
		if (mb_param_duration("delay", t[i].s, &ns, &cause) != 0)
			print_error("%s: %s\n", t[i].s, cause);
		assert_null(cause);
		assert_int_equal(ns, t[i].ns);
	}
}

static void
test_duration_bad(void **state)
{
	static const struct {
		const char	*s;
		const char	*frag;
	} t[] = {
		{ "10", "with a unit (ns us ms s m h) like 10ms or 1.5s" },
		{ "1.5", "with a unit (ns us ms s m h)" },
		{ "1sec", "with a unit (ns us ms s m h)" },
		{ "1S", "with a unit" },
		{ "1m30", "with a unit" },
		{ "1 s", "with a unit" },
		{ "1_s", "with a unit" },
		{ "", "expected a duration like 10ms, 1.5s or 1m30s" },
		{ "fast", "expected a duration like 10ms" },
		{ "-1s", "expected a duration like" },
		{ " 1s", "expected a duration like" },
		{ "s", "expected a duration like" },
		{ "1.s", "expected a duration like" },
		{ ".5s", "expected a duration like" },
		{ "1s.5ms", "expected a duration like" },
		{ "30s1m", "from largest to smallest (like 1m30s)" },
		{ "1s1s", "from largest to smallest" },
		{ "1ms1s", "from largest to smallest" },
		{ "18446744073709551616ns", "too long (at most 5124095.576h)" },
		{ "5124096h", "too long" },
		{ "18446744073.709551616s", "too long" },
		{ "5124095h1h", "from largest to smallest" },
		{ "5124095h35m", "too long" },
		{ "99999999999999999999999h", "too long" },
	};
	uint64_t	 ns = 42;
	size_t		 i;
	char		*cause;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cause = NULL;
		assert_int_equal(mb_param_duration("delay", t[i].s, &ns,
		    &cause), -1);
		cause_has(cause, "delay: ", quoted(t[i].s), t[i].frag, NULL);
	}
	assert_int_equal(ns, 42);

	cause = NULL;
	assert_int_equal(mb_param_duration("delay", "10", &ns, &cause), -1);
	cause_is(cause, "delay: expected a duration with a unit "
	    "(ns us ms s m h) like 10ms or 1.5s, got '10'");
}

static void
test_format_duration(void **state)
{
	static const struct {
		uint64_t	 ns;
		const char	*s;
	} t[] = {
		{ 0, "0" }, { 1, "1ns" }, { 999, "999ns" }, { 1000, "1us" },
		{ 250000, "250us" }, { 1500, "1.5us" }, { 10000000, "10ms" },
		{ 1500000000, "1.5s" }, { 1234567890, "1.235s" },
		{ 1000000000, "1s" }, { 59999999999ULL, "60s" },
		{ 90000000000ULL, "1.5m" }, { 3600000000000ULL, "1h" },
		{ 5400000000000ULL, "1.5h" }, { UINT64_MAX, "5124095.576h" },
	};
	char	buf[32];
	size_t	i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		mb_param_format_duration(t[i].ns, buf, sizeof buf);
		assert_string_equal(buf, t[i].s);
	}

	/* Truncated, but still a string. */
	mb_param_format_duration(1500000000, buf, 3);
	assert_string_equal(buf, "1.");
	buf[0] = 'x';
	mb_param_format_duration(1, buf, 0);
	assert_int_equal(buf[0], 'x');
}

/* ---- ranges and shards ---- */

static void
test_range_good(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 start, end;
	} t[] = {
		{ "0", 0, 0 }, { "10", 0, 10 }, { "10M", 0, 10000000 },
		{ "5..10", 5, 10 }, { "5M..10M", 5000000, 10000000 },
		{ "7..7", 7, 7 }, { "0..0", 0, 0 },
		{ "5..+10", 5, 15 }, { "1M..+1.5M", 1000000, 2500000 },
		{ "5..+0", 5, 5 },
		{ "1.." U64_MAX_TEXT, 1, UINT64_MAX },
		{ "1..+18446744073709551614", 1, UINT64_MAX },
		{ U64_MAX_TEXT, 0, UINT64_MAX },
	};
	uint64_t	 start, end;
	size_t		 i;
	char		*cause = NULL;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		start = end = 42;
		if (mb_param_range("cycles", t[i].s, &start, &end, &cause) != 0)
			print_error("%s: %s\n", t[i].s, cause);
		assert_null(cause);
		assert_int_equal(start, t[i].start);
		assert_int_equal(end, t[i].end);
	}
}

static void
test_range_bad(void **state)
{
	static const struct {
		const char	*s;
		const char	*frag;
	} t[] = {
		{ "", "expected a count N, a range A..B or A..+N" },
		{ "ten", "(like 10M, 5M..10M or 5M..+1M)" },
		{ "-5", "a range A..B" },
		{ "1.5", "a range A..B" },
		{ "..5", "a range A..B" },
		{ "5...10", "a range A..B" },
		{ "5..10..20", "a range A..B" },
		{ "5..+", "a range A..B" },
		{ "5..+-1", "a range A..B" },
		{ "5x..10", "a range A..B" },
		{ "5..10x", "a range A..B" },
		{ "5 .. 10", "a range A..B" },
		{ "10..5", "starts at '10', after its end '5'" },
		{ "10M..5M", "expected A..B with A <= B" },
		{ "1..+" U64_MAX_TEXT, "ends past " U64_MAX_TEXT },
		{ "18446744073709551616", "too large (at most " U64_MAX_TEXT },
		{ "1..18446744073709551616", "too large" },
	};
	uint64_t	 start = 42, end = 42;
	size_t		 i;
	char		*cause;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cause = NULL;
		assert_int_equal(mb_param_range("cycles", t[i].s, &start, &end,
		    &cause), -1);
		cause_has(cause, "cycles: ", quoted(t[i].s), t[i].frag, NULL);
	}
	assert_int_equal(start, 42);
	assert_int_equal(end, 42);

	cause = NULL;
	assert_int_equal(mb_param_range("cycles", "5..", &start, &end, &cause),
	    -1);
	cause_is(cause, "cycles: open range '5..' is not allowed; give an end "
	    "(5..10M) or a length (5..+1M), or use duration=");
	cause = NULL;
	assert_int_equal(mb_param_range("cycles", "10M..5M", &start, &end,
	    &cause), -1);
	cause_has(cause, "'10M'", "'5M'", NULL);
}

static void
test_shard(void **state)
{
	static const char	*bad[] = {
		"3/3", "4/3", "0/0", "", "/", "1", "1/", "/3", "a/b",
		"-1/3", "1/3/5", "1 /3", "0/1.5", "1/3x",
	};
	uint32_t	 index = 42, count = 42;
	size_t		 i;
	char		*cause = NULL;

	assert_int_equal(mb_param_shard("shard", "0/1", &index, &count,
	    &cause), 0);
	assert_int_equal(index, 0);
	assert_int_equal(count, 1);
	assert_int_equal(mb_param_shard("shard", "2/3", &index, &count,
	    &cause), 0);
	assert_int_equal(index, 2);
	assert_int_equal(count, 3);
	assert_int_equal(mb_param_shard("shard", "999/1K", &index, &count,
	    &cause), 0);
	assert_int_equal(index, 999);
	assert_int_equal(count, 1000);
	assert_int_equal(mb_param_shard("shard", "0/4294967295", &index,
	    &count, &cause), 0);
	assert_int_equal(count, UINT32_MAX);
	assert_null(cause);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		index = count = 42;
		assert_int_equal(mb_param_shard("shard", bad[i], &index, &count,
		    &cause), -1);
		cause_has(cause, "shard: expected i/N with 0 <= i < N, got ",
		    quoted(bad[i]), NULL);
		assert_int_equal(index, 42);
		assert_int_equal(count, 42);
	}
	cause = NULL;
	assert_int_equal(mb_param_shard("shard", "3/3", &index, &count,
	    &cause), -1);
	cause_is(cause, "shard: expected i/N with 0 <= i < N, got '3/3'");
	cause = NULL;
	assert_int_equal(mb_param_shard("shard", "0/4294967296", &index,
	    &count, &cause), -1);
	cause_has(cause, "shard: ", "'0/4294967296'", "at most 4294967295",
	    NULL);
}

/* ---- threads, bools, numbers, choices ---- */

static void
test_threads(void **state)
{
	static const struct {
		const char	*s;
		uint32_t	 ncpu, v;
	} good[] = {
		{ "1", 8, 1 }, { "16", 8, 16 }, { "1024", 8, 1024 },
		{ "1K", 8, 1000 }, { "auto", 8, 8 }, { "AUTO", 8, 8 },
		{ "auto", 4096, 1024 }, { "auto", 0, 1 }, { "2x", 8, 16 },
		{ "1x", 3, 3 }, { "2X", 8, 16 }, { "0.5x", 8, 4 },
		{ "0.5x", 3, 1 }, { "0.01x", 8, 1 }, { "1000x", 8, 1024 },
		{ "99999999999999999999999x", 8, 1024 },
	};
	static const char	*bad[] = {
		"four", "", "0", "1025", "-1", "1.5", "0x", "0.0x", "x", "xx",
		"2xx", "1.x", ".5x", "1..5x", "-2x", "1e3x", "auto2", " 1",
		"2 x",
	};
	uint32_t	 v;
	size_t		 i;
	char		*cause = NULL;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		v = 42;
		if (mb_param_threads("threads", good[i].s, good[i].ncpu, &v,
		    &cause) != 0)
			print_error("%s: %s\n", good[i].s, cause);
		assert_null(cause);
		assert_int_equal(v, good[i].v);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		v = 42;
		assert_int_equal(mb_param_threads("threads", bad[i], 8, &v,
		    &cause), -1);
		cause_has(cause, "threads: expected a number from 1 to 1024, "
		    "'auto' or 'Nx', got ", quoted(bad[i]), NULL);
		assert_int_equal(v, 42);
	}
	cause = NULL;
	assert_int_equal(mb_param_threads("threads", "four", 8, &v, &cause),
	    -1);
	cause_is(cause, "threads: expected a number from 1 to 1024, 'auto' or "
	    "'Nx', got 'four'");
}

static void
test_bool(void **state)
{
	static const char	*yes[] = { "true", "TRUE", "yes", "Yes", "on",
	    "ON", "1" };
	static const char	*no[] = { "false", "False", "no", "NO", "off",
	    "Off", "0" };
	static const char	*bad[] = { "", "maybe", "2", "y", "n", "t",
	    "truee", " true", "01" };
	size_t	 i;
	int	 v;
	char	*cause = NULL;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		v = 42;
		assert_int_equal(mb_param_bool("quiet", yes[i], &v, &cause), 0);
		assert_int_equal(v, 1);
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		v = 42;
		assert_int_equal(mb_param_bool("quiet", no[i], &v, &cause), 0);
		assert_int_equal(v, 0);
	}
	assert_null(cause);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		v = 42;
		assert_int_equal(mb_param_bool("quiet", bad[i], &v, &cause), -1);
		cause_has(cause, "quiet: ", "true/false, yes/no, on/off or 1/0",
		    quoted(bad[i]), NULL);
		assert_int_equal(v, 42);
	}
}

static void
test_fraction(void **state)
{
	static const struct {
		const char	*s;
		double		 v;
	} good[] = {
		{ "0", 0 }, { "1", 1 }, { "0.001", 0.001 }, { "0.1%", 0.001 },
		{ "100%", 1 }, { "0%", 0 }, { "-0", 0 }, { "1e-3", 0.001 },
		{ ".5", 0.5 },
	};
	static const char	*bad[] = {
		"", "%", "1.5", "-0.1", "101%", "-1%", "nan", "inf", "abc",
		"0.1%%", "0.1 %", " 0.1", "0.1 ", "50%x", "1e999",
	};
	double	 v;
	size_t	 i;
	char	*cause = NULL;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		v = 42;
		assert_int_equal(mb_param_fraction("rate", good[i].s, &v,
		    &cause), 0);
		assert_float_equal(v, good[i].v, 1e-12);
	}
	assert_null(cause);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		v = 42;
		assert_int_equal(mb_param_fraction("rate", bad[i], &v, &cause),
		    -1);
		cause_has(cause, "rate: ", "from 0 to 1 like 0.001 or 0.1%",
		    quoted(bad[i]), NULL);
		assert_float_equal(v, 42, 0);
	}
}

static void
test_double(void **state)
{
	static const struct {
		const char	*s;
		double		 v;
	} good[] = {
		{ "0", 0 }, { "2.5", 2.5 }, { "-3", -3 }, { "+3", 3 },
		{ "1e-3", 0.001 }, { "1.5E3", 1500 }, { "1e308", 1e308 },
	};
	static const char	*bad[] = {
		"", "x", "1.5x", "nan", "NaN", "inf", "-infinity", "1e999",
		" 1", "1 ", "1,5",
	};
	double	 v;
	size_t	 i;
	char	*cause = NULL;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		v = 42;
		assert_int_equal(mb_param_double("scale", good[i].s, &v,
		    &cause), 0);
		assert_float_equal(v, good[i].v, 1e-9);
	}
	assert_null(cause);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		v = 42;
		assert_int_equal(mb_param_double("scale", bad[i], &v, &cause),
		    -1);
		cause_has(cause, "scale: ", "expected a finite number",
		    quoted(bad[i]), NULL);
		assert_float_equal(v, 42, 0);
	}
}

static void
test_choice(void **state)
{
	static const char	*choices = "bucket|concat|interval";
	static const char	*bad[] = { "buckets", "", "Bucket", "bucket|concat",
	    "conc", "|", "interval " };
	size_t	 i;
	int	 index;
	char	*cause = NULL;

	assert_int_equal(mb_param_choice("seq", "bucket", choices, &index,
	    &cause), 0);
	assert_int_equal(index, 0);
	assert_int_equal(mb_param_choice("seq", "concat", choices, &index,
	    &cause), 0);
	assert_int_equal(index, 1);
	assert_int_equal(mb_param_choice("seq", "interval", choices, &index,
	    &cause), 0);
	assert_int_equal(index, 2);
	assert_int_equal(mb_param_choice("mode", "one", "one", &index,
	    &cause), 0);
	assert_int_equal(index, 0);
	assert_null(cause);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		index = 42;
		assert_int_equal(mb_param_choice("seq", bad[i], choices, &index,
		    &cause), -1);
		cause_has(cause, "seq: expected one of bucket, concat, "
		    "interval, got ", quoted(bad[i]), NULL);
		assert_int_equal(index, 42);
	}
	cause = NULL;
	assert_int_equal(mb_param_choice("seq", "buckets", choices, &index,
	    &cause), -1);
	cause_is(cause, "seq: expected one of bucket, concat, interval, "
	    "got 'buckets'");
	cause = NULL;
	assert_int_equal(mb_param_choice("seq", "x", NULL, &index, &cause), -1);
	cause_has(cause, "seq: ", "'x'", NULL);
}

/* ---- specs and lists ---- */

static const struct mb_param_spec engine_specs[] = {
	{ "threads", MB_PARAM_THREADS, "1", "worker threads", 0, 0, NULL },
	{ "cycles", MB_PARAM_RANGE, NULL, "cycles to run", 0, 0, NULL },
	{ "duration", MB_PARAM_DURATION, NULL, "how long", 0, 0, NULL },
	{ "async", MB_PARAM_COUNT, "1", "ops in flight", 1, 1000000, NULL },
	{ "shard", MB_PARAM_SHARD, NULL, "this process's part", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL },
};
static const struct mb_param_spec driver_specs[] = {
	{ "quiet", MB_PARAM_BOOL, "false", "say less", 0, 0, NULL },
	{ "errors.rate", MB_PARAM_FRACTION, "0", "error rate", 0, 0, NULL },
	{ "scale", MB_PARAM_DOUBLE, "1", "a factor", 0, 0, NULL },
	{ "seq", MB_PARAM_CHOICE, "bucket", "sequencer", 0, 0,
	    "bucket|concat|interval" },
	{ "host", MB_PARAM_STRING, "localhost", "server", 0, 0, NULL },
	{ "count", MB_PARAM_COUNT, NULL, "any count", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL },
};
static const struct mb_param_spec *const tables[] = {
	engine_specs, driver_specs, NULL
};

static void
test_check(void **state)
{
	static const struct {
		const char	*name;
		const char	*good;
		const char	*bad;
		const char	*frag;
	} t[] = {
		{ "threads", "auto", "four", "'auto' or 'Nx'" },
		{ "cycles", "5..+1M", "5..", "open range" },
		{ "duration", "1m30s", "10", "with a unit" },
		{ "async", "1000", "0", "from 1 to 1000000" },
		{ "shard", "1/2", "2/2", "0 <= i < N" },
		{ "quiet", "yes", "maybe", "true/false" },
		{ "errors.rate", "5%", "2", "from 0 to 1" },
		{ "scale", "-1.5", "nan", "finite number" },
		{ "seq", "concat", "buckets", "one of bucket, concat, interval" },
		{ "count", "2B", "", "count like" },
	};
	const struct mb_param_spec	*spec;
	size_t				 i;
	char				*cause = NULL;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		spec = mb_params_find(tables, t[i].name);
		assert_non_null(spec);
		assert_int_equal(mb_param_check(spec, t[i].good, &cause), 0);
		assert_null(cause);
		assert_int_equal(mb_param_check(spec, t[i].bad, &cause), -1);
		cause_has(cause, t[i].name, quoted(t[i].bad), t[i].frag, NULL);
		cause = NULL;
	}
	spec = mb_params_find(tables, "host");
	assert_int_equal(mb_param_check(spec, "", &cause), 0);
	assert_int_equal(mb_param_check(spec, "any thing", &cause), 0);
	assert_null(cause);
}

static void
test_params_add(void **state)
{
	struct mb_params	 ps;
	char			*cause = NULL;

	mb_params_init(&ps);
	assert_int_equal(ps.n, 0);
	assert_null(mb_params_get(&ps, "threads"));

	assert_int_equal(mb_params_add(&ps, "threads=4", &cause), 0);
	assert_int_equal(mb_params_add(&ps, "host=", &cause), 0);
	assert_int_equal(mb_params_add(&ps, "expr=a=b", &cause), 0);
	assert_int_equal(mb_params_add(&ps, "_x.y-z9=1", &cause), 0);
	assert_null(cause);
	assert_int_equal(ps.n, 4);
	assert_string_equal(ps.v[0].name, "threads");
	assert_string_equal(ps.v[0].value, "4");
	assert_string_equal(mb_params_get(&ps, "threads"), "4");
	assert_string_equal(mb_params_get(&ps, "host"), "");
	assert_string_equal(mb_params_get(&ps, "expr"), "a=b");
	assert_string_equal(mb_params_get(&ps, "_x.y-z9"), "1");
	assert_null(mb_params_get(&ps, "thread"));

	mb_params_set(&ps, "threads", "8");
	mb_params_set(&ps, "cycles", "10M");
	assert_int_equal(ps.n, 5);
	assert_string_equal(mb_params_get(&ps, "threads"), "8");
	assert_string_equal(ps.v[4].name, "cycles");
	assert_string_equal(mb_params_get(&ps, "cycles"), "10M");

	mb_params_free(&ps);
	assert_int_equal(ps.n, 0);
	assert_null(ps.v);
	/* Usable again after free. */
	mb_params_set(&ps, "a", "b");
	assert_string_equal(mb_params_get(&ps, "a"), "b");
	mb_params_free(&ps);
}

static void
test_params_add_bad(void **state)
{
	static const struct {
		const char	*arg;
		const char	*want;
	} t[] = {
		{ "threads", "expected name=value, got 'threads'" },
		{ "", "expected name=value, got ''" },
		{ "=4", "expected name=value with a name before '=', got '=4'" },
		{ "1x=4", "param name '1x' is not valid: use letters, digits, "
		    "'_', '.' and '-', starting with a letter or '_'" },
		{ "-x=4", "param name '-x' is not valid" },
		{ ".x=4", "param name '.x' is not valid" },
		{ "a b=4", "param name 'a b' is not valid" },
		{ "a/b=4", "param name 'a/b' is not valid" },
		{ "threads=2", "param 'threads' given twice ('1' and '2')" },
	};
	struct mb_params	 ps;
	size_t			 i;
	char			*cause = NULL;

	mb_params_init(&ps);
	assert_int_equal(mb_params_add(&ps, "threads=1", &cause), 0);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cause = NULL;
		assert_int_equal(mb_params_add(&ps, t[i].arg, &cause), -1);
		cause_has(cause, t[i].want, NULL);
	}
	assert_int_equal(ps.n, 1);
	assert_string_equal(mb_params_get(&ps, "threads"), "1");
	mb_params_free(&ps);
}

static void
test_find(void **state)
{
	const struct mb_param_spec	*spec;
	static const struct mb_param_spec *const none[] = { NULL };

	spec = mb_params_find(tables, "threads");
	assert_ptr_equal(spec, &engine_specs[0]);
	spec = mb_params_find(tables, "seq");
	assert_ptr_equal(spec, &driver_specs[3]);
	assert_string_equal(spec->choices, "bucket|concat|interval");
	assert_null(mb_params_find(tables, "thread"));
	assert_null(mb_params_find(tables, "THREADS"));
	assert_null(mb_params_find(tables, ""));
	assert_null(mb_params_find(none, "threads"));
}

static void
test_timeout(void **state)
{
	struct mb_params	 ps;
	uint64_t		 ns = 7;
	char			*cause = NULL;

	(void)state;
	mb_params_init(&ps);
	/* Unset: the default. */
	assert_int_equal(mb_params_timeout(&ps, "connect_timeout",
	    2000000000ULL, &ns, &cause), 0);
	assert_int_equal(ns, 2000000000ULL);
	mb_params_set(&ps, "connect_timeout", "250ms");
	assert_int_equal(mb_params_timeout(&ps, "connect_timeout",
	    2000000000ULL, &ns, &cause), 0);
	assert_int_equal(ns, 250000000ULL);
	/* Zero would never let a connection try: refused, with the text. */
	mb_params_set(&ps, "connect_timeout", "0s");
	assert_int_equal(mb_params_timeout(&ps, "connect_timeout", 1, &ns,
	    &cause), -1);
	assert_string_equal(cause,
	    "connect_timeout: expected a duration above 0, got '0s'");
	free(cause);
	cause = NULL;
	mb_params_set(&ps, "connect_timeout", "soon");
	assert_int_equal(mb_params_timeout(&ps, "connect_timeout", 1, &ns,
	    &cause), -1);
	assert_non_null(strstr(cause, "connect_timeout: expected a duration"));
	free(cause);
	mb_params_free(&ps);
}

static void
test_nearest(void **state)
{
	static const struct {
		const char	*name;
		const char	*want;
	} t[] = {
		{ "threads", "threads" },
		{ "thread", "threads" },	/* a letter missing */
		{ "threadss", "threads" },	/* one too many */
		{ "thraeds", "threads" },	/* swapped */
		{ "Threads", "threads" },	/* case */
		{ "trhedas", "threads" },	/* 7 letters: 2 edits */
		{ "sdaerht", NULL },
		{ "cycels", "cycles" },
		{ "sed", "seq" },		/* short: still 1 edit */
		{ "se", "seq" },
		{ "dur", "duration" },		/* a prefix */
		{ "errors", "errors.rate" },
		{ "hots", "host" },
		{ "zzz", NULL },
		{ "", NULL },
		{ "durationn", "duration" },
		{ "quiet_mode", NULL },
	};
	static const struct mb_param_spec	 tie[] = {
		{ "abc", MB_PARAM_STRING, NULL, NULL, 0, 0, NULL },
		{ "abd", MB_PARAM_STRING, NULL, NULL, 0, 0, NULL },
		{ NULL, 0, NULL, NULL, 0, 0, NULL },
	};
	static const struct mb_param_spec *const ties[] = { tie, NULL };
	const char	*got;
	size_t		 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		got = mb_params_nearest(tables, t[i].name);
		if (t[i].want == NULL) {
			if (got != NULL)
				print_error("%s: got %s\n", t[i].name, got);
			assert_null(got);
		} else {
			assert_non_null(got);
			assert_string_equal(got, t[i].want);
		}
	}
	/* Ties: the first found wins. */
	assert_string_equal(mb_params_nearest(ties, "abx"), "abc");
	assert_string_equal(mb_params_nearest(ties, "ab"), "abc");
}

static void
test_validate(void **state)
{
	struct mb_params	 ps;
	char			*cause = NULL;

	mb_params_init(&ps);
	assert_int_equal(mb_params_validate(&ps, tables, &cause), 0);
	mb_params_set(&ps, "threads", "2x");
	mb_params_set(&ps, "cycles", "1M..2M");
	mb_params_set(&ps, "host", "");
	mb_params_set(&ps, "errors.rate", "0.1%");
	assert_int_equal(mb_params_validate(&ps, tables, &cause), 0);
	assert_null(cause);

	/* A bad value: the check's own message. */
	mb_params_set(&ps, "async", "0");
	assert_int_equal(mb_params_validate(&ps, tables, &cause), -1);
	cause_is(cause, "async: expected a count from 1 to 1000000, got '0'");
	cause = NULL;

	/* An unknown name is reported before any bad value. */
	mb_params_set(&ps, "thread", "4");
	mb_params_set(&ps, "zzz", "1");
	assert_int_equal(mb_params_validate(&ps, tables, &cause), -1);
	cause_is(cause, "unknown param 'thread' (did you mean 'threads'?)");
	cause = NULL;
	mb_params_free(&ps);

	mb_params_set(&ps, "zzz", "1");
	assert_int_equal(mb_params_validate(&ps, tables, &cause), -1);
	cause_is(cause, "unknown param 'zzz' (see moonbench --help params)");
	mb_params_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_count_good),
		cmocka_unit_test(test_count_bad),
		cmocka_unit_test(test_count_bounds),
		cmocka_unit_test(test_duration_good),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test(test_range_good),
		cmocka_unit_test(test_range_bad),
		cmocka_unit_test(test_shard),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_fraction),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_params_add),
		cmocka_unit_test(test_params_add_bad),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_validate),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
