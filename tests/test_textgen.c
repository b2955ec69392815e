/* Unit tests for textgen.c: characters, words, numbers, formats, dates. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cmocka_util.h"

#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "textgen.h"

/* A fixed xorshift stream: the tests see the same values every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/* Every fragment (NULL-terminated list) must be in cause; frees it. */

/* ---- characters ---- */

static int
is_alnum(char c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9'));
}

static void
test_chars_classes(void **state)
{
	static const size_t	 lens[] = { 0, 1, 63, 64, 1000 };
	char			 buf[1001];
	uint64_t		 s = 1, seed;
	size_t			 i, j, k;

	for (i = 0; i < 300; i++) {
		seed = i < 100 ? i : rnd(&s);
		for (j = 0; j < sizeof lens / sizeof lens[0]; j++) {
			/* Nothing written past len. */
			buf[lens[j]] = '\x01';
			mb_text_alnum(seed, buf, lens[j]);
			assert_int_equal(buf[lens[j]], '\x01');
			for (k = 0; k < lens[j]; k++)
				assert_true(is_alnum(buf[k]));

			mb_text_printable(seed, buf, lens[j]);
			assert_int_equal(buf[lens[j]], '\x01');
			for (k = 0; k < lens[j]; k++)
				assert_true(buf[k] >= 0x20 && buf[k] <= 0x7e);
		}
	}
}

static void
test_chars_deterministic(void **state)
{
	char	a[1000], b[1000];

	mb_text_alnum(42, a, sizeof a);
	mb_text_alnum(42, b, sizeof b);
	assert_memory_equal(a, b, sizeof a);
	mb_text_alnum(43, b, sizeof b);
	assert_memory_not_equal(a, b, 64);

	/* A shorter string is the start of a longer one. */
	mb_text_alnum(42, b, 63);
	assert_memory_equal(a, b, 63);
	mb_text_alnum(42, b, 1);
	assert_memory_equal(a, b, 1);

	mb_text_printable(7, a, 100);
	mb_text_printable(7, b, 100);
	assert_memory_equal(a, b, 100);
	mb_text_printable(7, b, 33);
	assert_memory_equal(a, b, 33);
}

static const char alnum_set[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* Over 100k characters, every one of set shows up, nothing else does, and
 * the counts pass a loose chi-square. */
static void
chars_spread(void (*fn)(uint64_t, char *, size_t), const char *set)
{
	unsigned int	 count[256];
	char		 buf[100];
	double		 chi2 = 0, expect;
	size_t		 n = strlen(set);
	int		 i, j;

	memset(count, 0, sizeof count);
	for (i = 0; i < 1000; i++) {
		fn(i, buf, sizeof buf);
		for (j = 0; j < (int)sizeof buf; j++)
			count[(unsigned char)buf[j]]++;
	}
	expect = 100000.0 / n;
	for (i = 0; i < 256; i++) {
		if (i == 0 || memchr(set, i, n) == NULL) {
			assert_int_equal(count[i], 0);
			continue;
		}
		assert_true(count[i] > 0);
		chi2 += (count[i] - expect) * (count[i] - expect) / expect;
	}
	/* n - 1 degrees of freedom: chi2 averages n - 1; near 2n is a skew
	 * (p < 1e-6). */
	assert_true(chi2 < 2.0 * n);
}

static void
test_chars_spread(void **state)
{
	char	printable[96];
	int	i;

	for (i = 0; i < 95; i++)
		printable[i] = 0x20 + i;
	printable[95] = '\0';
	chars_spread(mb_text_alnum, alnum_set);
	chars_spread(mb_text_printable, printable);
}

/* ---- words ---- */

static void
test_words(void **state)
{
	static const char	*small[] = {
		"zero", "one", "two", "three", "four", "five", "six", "seven",
		"eight", "nine", "ten", "eleven", "twelve", "thirteen",
		"fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
		"nineteen", "twenty", "twenty one"
	};
	static const struct {
		int64_t		 n;
		const char	*words;
	} cases[] = {
		{ 30, "thirty" },
		{ 99, "ninety nine" },
		{ 100, "one hundred" },
		{ 101, "one hundred one" },
		{ 123, "one hundred twenty three" },
		{ 1000, "one thousand" },
		{ 1010, "one thousand ten" },
		{ 1000000, "one million" },
		{ 1234567, "one million two hundred thirty four thousand five "
		    "hundred sixty seven" },
		{ -5, "minus five" },
		{ -7, "minus seven" },
		{ INT64_MAX, "nine quintillion two hundred twenty three "
		    "quadrillion three hundred seventy two trillion thirty six "
		    "billion eight hundred fifty four million seven hundred "
		    "seventy five thousand eight hundred seven" },
		{ INT64_MIN, "minus nine quintillion two hundred twenty three "
		    "quadrillion three hundred seventy two trillion thirty six "
		    "billion eight hundred fifty four million seven hundred "
		    "seventy five thousand eight hundred eight" },
	};
	char	out[MB_TEXT_WORDS_MAX];
	size_t	i, n;

	for (i = 0; i < sizeof small / sizeof small[0]; i++) {
		n = mb_text_words(i, out);
		assert_int_equal(n, strlen(small[i]));
		assert_memory_equal(out, small[i], n);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = mb_text_words(cases[i].n, out);
		out[n] = '\0';
		assert_string_equal(out, cases[i].words);
	}
	/* The longest there is still fits. */
	n = mb_text_words(-7777777777777777777LL, out);
	assert_int_equal(n, 237);
	assert_true(n < MB_TEXT_WORDS_MAX);
}

/* ---- UUID ---- */

static void
test_uuid(void **state)
{
	char		a[37], b[37];
	uint64_t	s = 3, hi, lo;
	int		i, j;

	a[36] = '\0';
	mb_text_uuid(0, 0, a);
	assert_string_equal(a, "00000000-0000-4000-8000-000000000000");
	mb_text_uuid(UINT64_MAX, UINT64_MAX, a);
	assert_string_equal(a, "ffffffff-ffff-4fff-bfff-ffffffffffff");
	mb_text_uuid(0x0123456789abcdefULL, 0xfedcba9876543210ULL, a);
	assert_string_equal(a, "01234567-89ab-4def-bedc-ba9876543210");

	for (i = 0; i < 10000; i++) {
		hi = rnd(&s);
		lo = rnd(&s);
		b[36] = '\x01';
		mb_text_uuid(hi, lo, b);
		assert_int_equal(b[36], '\x01');
		for (j = 0; j < 36; j++) {
			if (j == 8 || j == 13 || j == 18 || j == 23)
				assert_int_equal(b[j], '-');
			else
				assert_non_null(strchr("0123456789abcdef",
				    b[j]));
		}
		assert_int_equal(b[14], '4');
		assert_non_null(strchr("89ab", b[19]));
		mb_text_uuid(hi, lo, a);
		assert_memory_equal(a, b, 36);
	}
}

/* ---- numbers ---- */

static void
test_int_text(void **state)
{
	static const struct {
		int64_t		 v;
		const char	*text;
	} cases[] = {
		{ 0, "0" }, { -1, "-1" }, { 7, "7" }, { 10, "10" },
		{ 99, "99" }, { 100, "100" }, { 123456789, "123456789" },
		{ 100000000, "100000000" }, { 1000000000000, "1000000000000" },
		{ INT64_MAX, "9223372036854775807" },
		{ INT64_MIN, "-9223372036854775808" },
	};
	char		out[MB_TEXT_NUM_MAX], want[32];
	uint64_t	s = 5;
	int64_t		v;
	size_t		i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = mb_text_int(cases[i].v, out);
		assert_int_equal(n, strlen(cases[i].text));
		assert_string_equal(out, cases[i].text);
	}
	for (i = 0; i < 10000; i++) {
		v = (int64_t)(rnd(&s) >> (i % 64));
		snprintf(want, sizeof want, "%lld", (long long)v);
		mb_text_int(v, out);
		assert_string_equal(out, want);
	}
}

static void
test_double_text(void **state)
{
	static const struct {
		double		 v;
		const char	*text;
	} cases[] = {
		{ 0.1, "0.1" }, { 1e300, "1e+300" }, { 5, "5" }, { -0.0, "-0" },
		{ 0, "0" }, { INFINITY, "inf" }, { -INFINITY, "-inf" },
		{ 1.5, "1.5" }, { -2.5, "-2.5" }, { 123.456, "123.456" },
		{ 0.0001, "0.0001" }, { 1e-5, "1e-05" }, { 1e16,
		"10000000000000000" }, { 1e17, "1e+17" }, { 1e21, "1e+21" },
		{ 1.0 / 3, "0.3333333333333333" }, { 5e-324, "5e-324" },
		{ 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ 2.2250738585072014e-308, "2.2250738585072014e-308" },
		{ 9007199254740993.0, "9007199254740992" },
		{ 0.30000000000000004, "0.30000000000000004" },
		{ 100, "100" }, { 1234.5e-10, "1.2345e-07" },
	};
	char	out[MB_TEXT_NUM_MAX];
	size_t	i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = mb_text_double(cases[i].v, out);
		assert_int_equal(n, strlen(cases[i].text));
		assert_string_equal(out, cases[i].text);
	}
	mb_text_double(NAN, out);
	assert_string_equal(out, "nan");
	mb_text_double(-NAN, out);
	assert_string_equal(out, "nan");
}

/* Significant digits in text as printed ("0.00120" has 2). */
static int
sig_digits(const char *t)
{
	int	n = 0, zeros = 0, started = 0;

	for (; *t != '\0' && *t != 'e'; t++) {
		if (*t < '0' || *t > '9')
			continue;
		if (*t == '0' && !started)
			continue;
		started = 1;
		if (*t == '0')
			zeros++;
		else {
			n += zeros + 1;
			zeros = 0;
		}
	}
	return (n);
}

/* Does v printed with digits significant digits, rounded per mode, read
 * back as v? The decimals of that length nearest v from below and above
 * are the only candidates, so this settles whether one exists. */
static int
reads_back(double v, int digits, int mode)
{
	char	buf[64];

	fesetround(mode);
	snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
	fesetround(FE_TONEAREST);
	return (strtod(buf, NULL) == v);
}

static void
test_double_roundtrip(void **state)
{
	char		out[MB_TEXT_NUM_MAX];
	uint64_t	s = 9, bits, back;
	double		v, r;
	size_t		n;
	int		i, d;

	for (i = 0; i < 100000; i++) {
		bits = rnd(&s);
		if (i % 8 == 0)
			bits &= 0x800fffffffffffffULL;	/* subnormals */
		else if (i % 8 == 1)
			bits &= 0xfff0000000000000ULL;	/* powers of two */
		memcpy(&v, &bits, sizeof v);
		if (!isfinite(v))
			continue;
		n = mb_text_double(v, out);
		assert_true(n < MB_TEXT_NUM_MAX);
		assert_int_equal(n, strlen(out));
		r = strtod(out, NULL);
		memcpy(&back, &r, sizeof back);
		if (back != bits)
			print_error("%a gave '%s'\n", v, out);
		assert_true(back == bits);

		/* Shortest: one digit fewer never reads back. */
		d = sig_digits(out);
		if (i % 4 == 0 && d > 1 && v != 0) {
			assert_false(reads_back(v, d - 1, FE_DOWNWARD));
			assert_false(reads_back(v, d - 1, FE_UPWARD));
		}
	}
}

/* ---- formats ---- */

static void
test_format_render(void **state)
{
	struct mb_format	*f;
	char			 out[64], *cause = NULL;
	size_t			 n;

	f = mb_format_new("%05d", &cause);
	assert_non_null(f);
	assert_int_equal(mb_format_kind(f), MB_FORMAT_INT);
	n = mb_format_int(f, 42, out, sizeof out);
	assert_int_equal(n, 5);
	assert_string_equal(out, "00042");
	mb_format_int(f, INT64_MIN, out, sizeof out);
	assert_string_equal(out, "-9223372036854775808");
	/* Cut short: the full length comes back, the text is cut. */
	n = mb_format_int(f, 42, out, 3);
	assert_int_equal(n, 5);
	assert_string_equal(out, "00");
	mb_format_free(f);

	f = mb_format_new("%x", &cause);
	mb_format_int(f, 255, out, sizeof out);
	assert_string_equal(out, "ff");
	mb_format_int(f, -1, out, sizeof out);
	assert_string_equal(out, "ffffffffffffffff");
	mb_format_free(f);

	f = mb_format_new("<%#X>", &cause);
	mb_format_int(f, 255, out, sizeof out);
	assert_string_equal(out, "<0XFF>");
	mb_format_free(f);

	f = mb_format_new("%.3f", &cause);
	assert_int_equal(mb_format_kind(f), MB_FORMAT_DOUBLE);
	mb_format_double(f, 3.14159, out, sizeof out);
	assert_string_equal(out, "3.142");
	/* Another kind converts. */
	mb_format_int(f, 2, out, sizeof out);
	assert_string_equal(out, "2.000");
	mb_format_free(f);

	f = mb_format_new("%+.2e", &cause);
	mb_format_double(f, 12345.678, out, sizeof out);
	assert_string_equal(out, "+1.23e+04");
	mb_format_free(f);

	f = mb_format_new("%-6s|", &cause);
	assert_int_equal(mb_format_kind(f), MB_FORMAT_STRING);
	n = mb_format_string(f, "ab", 2, out, sizeof out);
	assert_int_equal(n, 7);
	assert_string_equal(out, "ab    |");
	/* len is the length: no NUL needed. */
	mb_format_string(f, "abcdef", 3, out, sizeof out);
	assert_string_equal(out, "abc   |");
	mb_format_int(f, -12, out, sizeof out);
	assert_string_equal(out, "-12   |");
	mb_format_double(f, 0.5, out, sizeof out);
	assert_string_equal(out, "0.5   |");
	mb_format_free(f);

	f = mb_format_new("[%.2s]", &cause);
	mb_format_string(f, "abc", 3, out, sizeof out);
	assert_string_equal(out, "[ab]");
	mb_format_string(f, "a", 1, out, sizeof out);
	assert_string_equal(out, "[a]");
	mb_format_free(f);

	f = mb_format_new("%%d=%d%%", &cause);
	n = mb_format_int(f, 7, out, sizeof out);
	assert_string_equal(out, "%d=7%");
	assert_int_equal(n, 5);
	mb_format_free(f);

	f = mb_format_new("%d", &cause);
	mb_format_double(f, 1e300, out, sizeof out);
	assert_string_equal(out, "9223372036854775807");
	mb_format_double(f, -2.9, out, sizeof out);
	assert_string_equal(out, "-2");
	mb_format_string(f, "17", 2, out, sizeof out);
	assert_string_equal(out, "17");
	assert_int_equal(mb_format_int(f, 123, NULL, 0), 3);
	mb_format_free(f);
	mb_format_free(NULL);
}

static void
test_format_refused(void **state)
{
	static const struct {
		const char	*fmt;
		const char	*why;
	} cases[] = {
		{ "%n", "%n is refused" },
		{ "%*d", "'*' is not supported" },
		{ "%.*f", "'*' is not supported" },
		{ "%5.*s", "'*' is not supported" },
		{ "%ld", "length modifier 'l'" },
		{ "%lld", "length modifier 'l'" },
		{ "%hd", "length modifier 'h'" },
		{ "%zu", "length modifier 'z'" },
		{ "%Lf", "length modifier 'L'" },
		{ "%d %d", "more than one conversion" },
		{ "%s%f", "more than one conversion" },
		{ "%#X|%o|", "more than one conversion" },
		{ "no conversion", "no conversion" },
		{ "", "no conversion" },
		{ "100%%", "no conversion" },
		{ "%q", "unknown conversion '%q'" },
		{ "%c", "unknown conversion '%c'" },
		{ "%p", "unknown conversion '%p'" },
		{ "abc %", "'%' without a conversion" },
		{ "%5", "'%' without a conversion" },
		{ "%#d", "flag '#' does not apply to %d" },
		{ "%05s", "flag '0' does not apply to %s" },
		{ "%+s", "flag '+' does not apply to %s" },
		{ "%99999d", "at most 4096" },
		{ "%.5000f", "at most 4096" },
	};
	char	*cause, want[128];
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		assert_null(mb_format_new(cases[i].fmt, &cause));
		snprintf(want, sizeof want, "format('%s'): ", cases[i].fmt);
		assert_non_null(cause);
		assert_memory_equal(cause, want, strlen(want));
		cause_has(cause, cases[i].why, NULL);
	}
}

/* ---- dates ---- */

static void
date_is(int64_t ms, const char *pattern, const char *want)
{
	char	out[128];
	size_t	n;

	n = mb_text_date(ms, pattern, out, sizeof out);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void
test_date(void **state)
{
	char	out[8];

	date_is(0, NULL, "1970-01-01T00:00:00.000Z");
	date_is(1700000000123LL, NULL, "2023-11-14T22:13:20.123Z");
	date_is(-1, NULL, "1969-12-31T23:59:59.999Z");
	date_is(1709210096789LL, NULL, "2024-02-29T12:34:56.789Z");
	date_is(1709210096789LL, "%Y-%m-%dT%H:%M:%S.%3NZ",
	    "2024-02-29T12:34:56.789Z");
	date_is(1709210096789LL, "%F %T", "2024-02-29 12:34:56");
	date_is(1709210096789LL, "%j", "060");
	date_is(1709210096789LL, "%a %b %e %y", "Thu Feb 29 24");
	date_is(1709210096789LL, "%Z %z 100%%", "UTC +0000 100%");
	date_is(-62135596800000LL, NULL, "0001-01-01T00:00:00.000Z");
	date_is(-62135596800000LL, "%a %b %e %y %j", "Mon Jan  1 01 001");
	date_is(253402300799999LL, NULL, "9999-12-31T23:59:59.999Z");
	date_is(253402300799999LL, "%a %j", "Fri 365");
	date_is(-2203891200000LL, "%F %a %j", "1900-03-01 Thu 060");
	date_is(-62135596800001LL, "%F %T", "0000-12-31 23:59:59");
	date_is(INT64_MIN, "%Y", "-292275055");
	date_is(INT64_MAX, "%Y", "292278994");

	/* Cut short: the full length comes back, the text is cut. */
	assert_int_equal(mb_text_date(0, NULL, out, sizeof out), 24);
	assert_string_equal(out, "1970-01");
	assert_int_equal(mb_text_date(0, "%F", out, 4), 10);
	assert_string_equal(out, "197");
	assert_int_equal(mb_text_date(0, "%F", NULL, 0), 10);
}

/* Against gmtime_r (locale-free) over years 1..9999. */
static void
test_date_gmtime(void **state)
{
	static const char	*days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	char		 out[64], want[64];
	uint64_t	 s = 11;
	int64_t		 ms, lo = -62135596800000LL, span;
	time_t		 t;
	struct tm	 tm;
	int		 i;

	span = 253402300799999LL - lo;
	for (i = 0; i < 20000; i++) {
		ms = lo + (int64_t)(rnd(&s) % (uint64_t)span);
		if (i < 1000)
			ms = (int64_t)(rnd(&s) % 2000) * 86400000LL - 1000 *
			    86400000LL + (int64_t)(rnd(&s) % 86400000);
		t = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
		assert_non_null(gmtime_r(&t, &tm));
		snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d:%02d "
		    "%03d %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_yday + 1,
		    days[tm.tm_wday]);
		mb_text_date(ms, "%F %T %j %a", out, sizeof out);
		assert_string_equal(out, want);
	}
}

static void
test_date_check(void **state)
{
	static const struct {
		const char	*pattern;
		const char	*why;
	} bad[] = {
		{ "%Q", "unknown conversion '%Q'" },
		{ "%Y-%s", "unknown conversion '%s'" },
		{ "at %", "'%' at the end" },
		{ "%3", "'%3' must be '%3N'" },
		{ "%3X", "'%3' must be '%3N'" },
	};
	static const char	*good[] = {
		NULL, "", "plain", "%Y%m%d%H%M%S%j%a%b%y%e%F%T%Z%z%%%3N",
	};
	char	*cause, want[128];
	size_t	 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(mb_text_date_check(good[i], &cause), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(mb_text_date_check(bad[i].pattern, &cause),
		    -1);
		snprintf(want, sizeof want, "date('%s'): ", bad[i].pattern);
		assert_non_null(cause);
		assert_memory_equal(cause, want, strlen(want));
		cause_has(cause, bad[i].why, NULL);
	}
}

/* ---- hash ---- */

static void
test_hash(void **state)
{
	unsigned char	buf[40];
	uint64_t	s = 13, h, flipped, total = 0, worst = 64;
	uint64_t	per_bit;
	size_t		len, bit;
	int		i, j;

	assert_int_equal(mb_text_hash("hello", 5), mb_text_hash("hello", 5));
	assert_int_not_equal(mb_text_hash("hello", 5),
	    mb_text_hash("hellp", 5));
	/* The length counts, not just the bytes. */
	assert_int_not_equal(mb_text_hash("a", 1), mb_text_hash("a\0", 2));
	assert_int_not_equal(mb_text_hash("", 0), mb_text_hash("\0", 1));

	/* One flipped input bit flips about half the output bits. */
	for (i = 0; i < 500; i++) {
		len = 1 + rnd(&s) % sizeof buf;
		for (j = 0; j < (int)len; j++)
			buf[j] = (unsigned char)rnd(&s);
		h = mb_text_hash((char *)buf, len);
		per_bit = 0;
		for (bit = 0; bit < len * 8; bit++) {
			buf[bit / 8] ^= 1 << (bit % 8);
			flipped = h ^ mb_text_hash((char *)buf, len);
			buf[bit / 8] ^= 1 << (bit % 8);
			per_bit += __builtin_popcountll(flipped);
		}
		total += per_bit * 1000 / (len * 8);
		if (per_bit / (len * 8) < worst)
			worst = per_bit / (len * 8);
	}
	/* Averages in thousandths of a bit. */
	assert_true(total / 500 > 31000 && total / 500 < 33000);
	assert_true(worst >= 28);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chars_classes),
		cmocka_unit_test(test_chars_deterministic),
		cmocka_unit_test(test_chars_spread),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_int_text),
		cmocka_unit_test(test_double_text),
		cmocka_unit_test(test_double_roundtrip),
		cmocka_unit_test(test_format_render),
		cmocka_unit_test(test_format_refused),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_date_gmtime),
		cmocka_unit_test(test_date_check),
		cmocka_unit_test(test_hash),
	};

	return (cmocka_run_group_tests_name("textgen", tests, NULL, NULL));
}
