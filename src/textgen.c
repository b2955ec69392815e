/* Text values drawn from a cycle: characters, words, numbers, dates. */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textgen.h"
#include "xmalloc.h"

#define TEXT_DATE_DEFAULT	"%Y-%m-%dT%H:%M:%S.%3NZ"
#define MS_PER_DAY		86400000LL

static const char text_digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* ---- characters ---- */

static const char text_alnum_set[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char text_printable_set[] =
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

static inline uint64_t
text_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* The next value of a splitmix64 stream. */
static inline uint64_t
text_next(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return (text_mix(*state));
}

/*
 * Two characters from each step of a splitmix64 stream, one per 32-bit
 * half, picked by multiply-shift: no modulo, bias below n / 2^32. Even
 * positions take the low half, so a shorter string is a prefix of a longer
 * one. The seed is mixed first: stepping from a raw seed would make seed
 * s + 0x9e37... give seed s's string shifted by two characters.
 */
static inline void
text_chars(uint64_t seed, char *out, size_t len, const char *set,
    uint64_t n)
{
	uint64_t	state = text_mix(seed), r;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2) {
		r = text_next(&state);
		out[i] = set[((r & 0xffffffffU) * n) >> 32];
		out[i + 1] = set[((r >> 32) * n) >> 32];
	}
	if (i < len) {
		r = text_next(&state);
		out[i] = set[((r & 0xffffffffU) * n) >> 32];
	}
}

void
mb_text_alnum(uint64_t seed, char *out, size_t len)
{
	text_chars(seed, out, len, text_alnum_set, 62);
}

void
mb_text_printable(uint64_t seed, char *out, size_t len)
{
	text_chars(seed, out, len, text_printable_set, 95);
}

/* ---- words ---- */

/*
 * Words sit in fixed 12-byte slots so that each is copied with one
 * constant-size move; the bytes past a word are overwritten by the next
 * or lie beyond the end, well within MB_TEXT_WORDS_MAX (longest: 237).
 */
struct text_word {
	char		s[12];
	size_t		len;
};
#define W(s)	{ s, sizeof s - 1 }

static const struct text_word text_small[20] = {
	W("zero"), W("one"), W("two"), W("three"), W("four"), W("five"),
	W("six"), W("seven"), W("eight"), W("nine"), W("ten"), W("eleven"),
	W("twelve"), W("thirteen"), W("fourteen"), W("fifteen"),
	W("sixteen"), W("seventeen"), W("eighteen"), W("nineteen")
};
static const struct text_word text_tens[10] = {
	W(""), W(""), W("twenty"), W("thirty"), W("forty"), W("fifty"),
	W("sixty"), W("seventy"), W("eighty"), W("ninety")
};
static const struct text_word text_scales[7] = {
	W(""), W("thousand"), W("million"), W("billion"), W("trillion"),
	W("quadrillion"), W("quintillion")
};
#undef W

static inline char *
text_word(char *p, const struct text_word *w)
{
	memcpy(p, w->s, sizeof w->s);
	return (p + w->len);
}

/* One group of three digits (1..999), no leading or trailing space. */
static char *
text_words_group(char *p, unsigned int g)
{
	unsigned int	h = g / 100, r = g % 100;

	if (h != 0) {
		p = text_word(p, &text_small[h]);
		memcpy(p, " hundred", 8);
		p += 8;
		if (r != 0)
			*p++ = ' ';
	}
	if (r >= 20) {
		p = text_word(p, &text_tens[r / 10]);
		if (r % 10 != 0) {
			*p++ = ' ';
			p = text_word(p, &text_small[r % 10]);
		}
	} else if (r != 0)
		p = text_word(p, &text_small[r]);
	return (p);
}

size_t
mb_text_words(int64_t n, char *out)
{
	unsigned int	groups[7];
	uint64_t	u;
	char		*p = out;
	int		i, first = 1;

	if (n == 0) {
		memcpy(out, "zero", 5);
		return (4);
	}
	/* Negate as unsigned: INT64_MIN has no positive int64. */
	u = n < 0 ? -(uint64_t)n : (uint64_t)n;
	if (n < 0) {
		memcpy(p, "minus ", 6);
		p += 6;
	}
	for (i = 0; i < 7; i++) {
		groups[i] = u % 1000;
		u /= 1000;
	}
	for (i = 6; i >= 0; i--) {
		if (groups[i] == 0)
			continue;
		if (!first)
			*p++ = ' ';
		first = 0;
		p = text_words_group(p, groups[i]);
		if (i != 0) {
			*p++ = ' ';
			p = text_word(p, &text_scales[i]);
		}
	}
	*p = '\0';
	return (p - out);
}

/* ---- UUID ---- */

void
mb_text_uuid(uint64_t hi, uint64_t lo, char out[36])
{
	static const char	hex[] = "0123456789abcdef";
	char			buf[32];
	int			i;

	/* Version 4 in nibble 12, variant 10xx in nibble 16. */
	hi = (hi & ~0x000000000000f000ULL) | 0x0000000000004000ULL;
	lo = (lo & ~0xc000000000000000ULL) | 0x8000000000000000ULL;
	for (i = 15; i >= 0; i--) {
		buf[i] = hex[hi & 0xf];
		buf[16 + i] = hex[lo & 0xf];
		hi >>= 4;
		lo >>= 4;
	}
	memcpy(out, buf, 8);
	out[8] = '-';
	memcpy(out + 9, buf + 8, 4);
	out[13] = '-';
	memcpy(out + 14, buf + 12, 4);
	out[18] = '-';
	memcpy(out + 19, buf + 16, 4);
	out[23] = '-';
	memcpy(out + 24, buf + 20, 12);
}

/* ---- integers ---- */

static inline void
text_pair(char *p, uint32_t v)
{
	memcpy(p, text_digit_pairs + 2 * v, 2);
}

/* Digits of u ending at end; returns where they start. Eight digits at a
 * time in 32-bit halves, whose pairs do not wait on each other. */
static inline char *
text_digits(uint64_t u, char *end)
{
	char		*p = end;
	uint32_t	 v, a, b;

	while (u >= 100000000) {
		v = (uint32_t)(u % 100000000);
		u /= 100000000;
		a = v / 10000;
		b = v % 10000;
		p -= 8;
		text_pair(p, a / 100);
		text_pair(p + 2, a % 100);
		text_pair(p + 4, b / 100);
		text_pair(p + 6, b % 100);
	}
	for (v = (uint32_t)u; v >= 100; v /= 100) {
		p -= 2;
		text_pair(p, v % 100);
	}
	if (v >= 10) {
		p -= 2;
		text_pair(p, v);
	} else
		*--p = '0' + v;
	return (p);
}

size_t
mb_text_int(int64_t v, char *out)
{
	char	 buf[20], *s;
	char	*p = out;
	size_t	 n;

	if (v < 0)
		*p++ = '-';
	s = text_digits(v < 0 ? -(uint64_t)v : (uint64_t)v, buf + sizeof buf);
	n = buf + sizeof buf - s;
	memcpy(p, s, n);
	p[n] = '\0';
	return (p + n - out);
}

/* ---- doubles: shortest round-trip digits (Schubfach, R. Giulietti) ---- */

#define POW10_MIN	(-292)
#define POW10_MAX	324

/*
 * pow10_table[e - POW10_MIN] is 10^e scaled to 128 bits (2^127 <= g < 2^128)
 * and rounded up. Built once from exact integers rather than kept as 617
 * lines of hex.
 */
static uint64_t		pow10_table[POW10_MAX - POW10_MIN + 1][2];
static pthread_once_t	pow10_once = PTHREAD_ONCE_INIT;

#define BIG_WORDS	32	/* 1024 bits: 2^1023 and 5^324 both fit */

/* The top 128 bits of x (left-aligned if x is shorter), rounded up if x
 * is inexact or bits are dropped: g never falls below the true power. */
static void
pow10_top(const uint32_t *x, int exact, uint64_t *g)
{
	uint64_t	hi = 0, lo = 0;
	int		top, b, bit, dropped = !exact;

	for (top = BIG_WORDS * 32 - 1; top > 0; top--) {
		if (x[top / 32] & (1U << (top % 32)))
			break;
	}
	for (b = top; b > top - 128; b--) {
		bit = b >= 0 && (x[b / 32] & (1U << (b % 32))) != 0;
		hi = (hi << 1) | (lo >> 63);
		lo = (lo << 1) | (uint64_t)bit;
	}
	for (b = top - 128; b >= 0; b--)
		dropped |= (x[b / 32] >> (b % 32)) & 1;
	if (dropped && ++lo == 0)
		hi++;
	g[0] = hi;
	g[1] = lo;
}

static void
pow10_init(void)
{
	uint32_t	x[BIG_WORDS];
	uint64_t	t;
	int		e, i;

	/* 10^e for e >= 0: 5^e exactly (the scaling absorbs the 2^e). */
	memset(x, 0, sizeof x);
	x[0] = 1;
	for (e = 0; e <= POW10_MAX; e++) {
		pow10_top(x, 1, pow10_table[e - POW10_MIN]);
		for (t = 0, i = 0; i < BIG_WORDS; i++) {
			t += (uint64_t)x[i] * 5;
			x[i] = (uint32_t)t;
			t >>= 32;
		}
	}
	/* 10^-e: floor(2^1023 / 5^e), dividing by 5 once per step (the floor
	 * of a floor is the floor); 1 / 5^e is never a binary fraction, so
	 * the top bits are always rounded up. */
	memset(x, 0, sizeof x);
	x[BIG_WORDS - 1] = 1U << 31;
	for (e = 1; e <= -POW10_MIN; e++) {
		for (t = 0, i = BIG_WORDS - 1; i >= 0; i--) {
			t = (t << 32) | x[i];
			x[i] = (uint32_t)(t / 5);
			t %= 5;
		}
		pow10_top(x, 0, pow10_table[-e - POW10_MIN]);
	}
}

static inline uint64_t
mul_hi64(uint64_t a, uint64_t b, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128	p = (unsigned __int128)a * b;

	*lo = (uint64_t)p;
	return ((uint64_t)(p >> 64));
#else
	uint64_t	al = a & 0xffffffff, ah = a >> 32;
	uint64_t	bl = b & 0xffffffff, bh = b >> 32;
	uint64_t	ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t	mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);

	*lo = (mid << 32) | (ll & 0xffffffff);
	return (hh + (lh >> 32) + (hl >> 32) + (mid >> 32));
#endif
}

/* floor(g * cp / 2^128), with the last bit set if anything was dropped. */
static inline uint64_t
round_to_odd(const uint64_t *g, uint64_t cp)
{
	uint64_t	x0, x1, y0, y1, z;

	x1 = mul_hi64(g[1], cp, &x0);
	y1 = mul_hi64(g[0], cp, &y0);
	z = y0 + x1;
	y1 += z < y0;
	return (y1 | (z > 1));
}

/* floor(x / 2^s) for negative x too, without relying on >> of negatives. */
static inline int
floor_shift(int32_t x, int s)
{
	return (x >= 0 ? x >> s : ~(~x >> s));
}

/* The shortest decimal d * 10^k in the rounding interval of the finite,
 * non-zero double with these fields, nearest to it if several. */
static void
double_decimal(uint64_t frac, int bexp, uint64_t *d, int *k)
{
	const uint64_t	*g;
	uint64_t	 c, cbl, cb, cbr, vbl, vb, vbr, lower, upper, s, sp;
	int		 q, h, even, closer, u_in, w_in;

	if (bexp != 0) {
		c = frac | (1ULL << 52);
		q = bexp - 1075;
		/* Small integers are their own shortest form. */
		if (q <= 0 && q > -53 && (c & ((1ULL << -q) - 1)) == 0) {
			*d = c >> -q;
			*k = 0;
			return;
		}
	} else {
		c = frac;
		q = -1074;
	}
	even = (c & 1) == 0;
	closer = frac == 0 && bexp > 1;	/* the gap below is half as wide */

	cbl = 4 * c - 2 + closer;
	cb = 4 * c;
	cbr = 4 * c + 2;
	/* floor(log10(2^q)), or of 3/4 2^q when the gap below is smaller. */
	*k = floor_shift(q * 1262611 - (closer ? 524031 : 0), 22);
	/* q + floor(log2(10^-k)) + 1, in 1..4. */
	h = q + floor_shift(-*k * 1741647, 19) + 1;
	g = pow10_table[-*k - POW10_MIN];

	vbl = round_to_odd(g, cbl << h);
	vb = round_to_odd(g, cb << h);
	vbr = round_to_odd(g, cbr << h);
	lower = vbl + !even;
	upper = vbr - !even;

	/* One digit fewer if exactly one of its neighbours is inside. */
	s = vb / 4;
	if (s >= 10) {
		sp = s / 10;
		u_in = lower <= 40 * sp;
		w_in = 40 * sp + 40 <= upper;
		if (u_in != w_in) {
			*d = sp + w_in;
			(*k)++;
			return;
		}
	}
	u_in = lower <= 4 * s;
	w_in = 4 * s + 4 <= upper;
	if (u_in != w_in) {
		*d = s + w_in;
		return;
	}
	/* Both inside: the nearer, ties to even. */
	*d = s + (vb > 4 * s + 2 || (vb == 4 * s + 2 && (s & 1)));
}

size_t
mb_text_double(double v, char *out)
{
	uint64_t	 bits, frac, d;
	char		 buf[20], *s, *p = out;
	int		 bexp, k, e10, n;

	memcpy(&bits, &v, sizeof bits);
	frac = bits & ((1ULL << 52) - 1);
	bexp = (bits >> 52) & 0x7ff;
	if (bexp == 0x7ff && frac != 0) {
		memcpy(out, "nan", 4);
		return (3);
	}
	if (bits >> 63)
		*p++ = '-';
	if (bexp == 0x7ff) {
		memcpy(p, "inf", 4);
		return (p + 3 - out);
	}
	if (bexp == 0 && frac == 0) {
		memcpy(p, "0", 2);
		return (p + 1 - out);
	}

	pthread_once(&pow10_once, pow10_init);
	double_decimal(frac, bexp, &d, &k);
	s = text_digits(d, buf + sizeof buf);
	n = buf + sizeof buf - s;
	while (n > 1 && s[n - 1] == '0') {
		n--;
		k++;
	}
	e10 = k + n - 1;

	/* Like %.17g: plain digits unless the exponent is below -4 or above
	 * 16; the longest is "-1.2345678901234567e-308" (24). */
	if (e10 < -4 || e10 >= 17) {
		*p++ = s[0];
		if (n > 1) {
			*p++ = '.';
			memcpy(p, s + 1, n - 1);
			p += n - 1;
		}
		*p++ = 'e';
		*p++ = e10 < 0 ? '-' : '+';
		if (e10 < 0)
			e10 = -e10;
		if (e10 >= 100) {
			*p++ = '0' + e10 / 100;
			e10 %= 100;
		}
		memcpy(p, text_digit_pairs + 2 * e10, 2);
		p += 2;
	} else if (k >= 0) {
		memcpy(p, s, n);
		memset(p + n, '0', k);
		p += n + k;
	} else if (e10 >= 0) {
		memcpy(p, s, e10 + 1);
		p += e10 + 1;
		*p++ = '.';
		memcpy(p, s + e10 + 1, n - e10 - 1);
		p += n - e10 - 1;
	} else {
		memcpy(p, "0.", 2);
		memset(p + 2, '0', -e10 - 1);
		p += 2 + -e10 - 1;
		memcpy(p, s, n);
		p += n;
	}
	*p = '\0';
	return (p - out);
}

/* ---- dates ---- */

struct date_parts {
	int64_t		year;
	int		mon;	/* 1..12 */
	int		mday;	/* 1..31 */
	int		yday;	/* 0..365 */
	int		wday;	/* 0 is Sunday */
	int		hour;
	int		min;
	int		sec;
	int		ms;
};

static int
date_leap(int64_t y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/*
 * Split epoch milliseconds into a proleptic Gregorian UTC date, for any
 * int64 (gmtime's time_t and int fields would not reach). Days are counted
 * in 400-year eras (146097 days) of years starting on 1 March, so that the
 * leap day falls last and months follow 153-day runs of five (H. Hinnant's
 * civil_from_days).
 */
static void
date_split(int64_t ms, struct date_parts *dp)
{
	static const int	before[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	int64_t			days, era, rem;
	int			doe, yoe, doy, mp;

	days = ms / MS_PER_DAY;
	rem = ms % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY;
		days--;
	}
	dp->ms = rem % 1000;
	dp->sec = (rem / 1000) % 60;
	dp->min = (rem / 60000) % 60;
	dp->hour = rem / 3600000;
	/* 1970-01-01 was a Thursday. */
	dp->wday = (int)(((days % 7) + 11) % 7);

	days += 719468;			/* from 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = (int)(days - era * 146097);			/* 0..146096 */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);		/* 0..365 */
	mp = (5 * doy + 2) / 153;				/* 0 is March */
	dp->mday = doy - (153 * mp + 2) / 5 + 1;
	dp->mon = mp < 10 ? mp + 3 : mp - 9;
	dp->year = yoe + era * 400 + (dp->mon <= 2);
	dp->yday = before[dp->mon - 1] + dp->mday - 1 +
	    (dp->mon > 2 && date_leap(dp->year));
}

int
mb_text_date_check(const char *pattern, char **cause)
{
	const char	*p;

	if (pattern == NULL)
		return (0);
	for (p = pattern; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '\0') {
			*cause = xfmt("date('%s'): '%%' at the end; write %%%% "
			    "for a literal %%", pattern);
			return (-1);
		}
		if (*p == '3') {
			if (p[1] == 'N') {
				p++;
				continue;
			}
			*cause = xfmt("date('%s'): '%%3' must be '%%3N' "
			    "(milliseconds)", pattern);
			return (-1);
		}
		if (strchr("YmdHMSjabyeFTZz%", *p) == NULL) {
			*cause = xfmt("date('%s'): unknown conversion '%%%c'; "
			    "use %%Y %%m %%d %%H %%M %%S %%3N %%j %%a %%b %%y "
			    "%%e %%F %%T %%Z %%z or %%%%", pattern, *p);
			return (-1);
		}
	}
	return (0);
}

struct date_out {
	char	*p;
	size_t	 cap;
	size_t	 n;	/* full length, even past cap */
};

static void
date_put(struct date_out *o, const char *s, size_t len)
{
	size_t	room;

	if (o->n + 1 < o->cap) {
		room = o->cap - 1 - o->n;
		memcpy(o->p + o->n, s, len < room ? len : room);
	}
	o->n += len;
}

/* v in at least width digits, padded with pad. */
static void
date_num(struct date_out *o, uint64_t v, int width, char pad)
{
	char	buf[24], *s, *end = buf + sizeof buf;

	s = text_digits(v, end);
	while (end - s < width)
		*--s = pad;
	date_put(o, s, end - s);
}

/* One single-letter conversion; returns 0 if c is not one. */
static int
date_conv(struct date_out *o, const struct date_parts *dp, char c)
{
	static const char	days[] = "SunMonTueWedThuFriSat";
	static const char	months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	switch (c) {
	case 'Y':
		if (dp->year < 0)
			date_put(o, "-", 1);
		date_num(o, dp->year < 0 ? -(uint64_t)dp->year :
		    (uint64_t)dp->year, 4, '0');
		break;
	case 'y':
		date_num(o, (uint64_t)((dp->year % 100 + 100) % 100), 2, '0');
		break;
	case 'm':
		date_num(o, dp->mon, 2, '0');
		break;
	case 'd':
		date_num(o, dp->mday, 2, '0');
		break;
	case 'e':
		date_num(o, dp->mday, 2, ' ');
		break;
	case 'H':
		date_num(o, dp->hour, 2, '0');
		break;
	case 'M':
		date_num(o, dp->min, 2, '0');
		break;
	case 'S':
		date_num(o, dp->sec, 2, '0');
		break;
	case 'j':
		date_num(o, dp->yday + 1, 3, '0');
		break;
	case 'a':
		date_put(o, days + 3 * dp->wday, 3);
		break;
	case 'b':
		date_put(o, months + 3 * (dp->mon - 1), 3);
		break;
	case 'Z':
		date_put(o, "UTC", 3);
		break;
	case 'z':
		date_put(o, "+0000", 5);
		break;
	case '%':
		date_put(o, "%", 1);
		break;
	default:
		return (0);
	}
	return (1);
}

/* The default pattern with fixed positions, for the common case. */
static size_t
date_iso(const struct date_parts *dp, char *out)
{
	char	buf[25] = "0000-00-00T00:00:00.000Z";

	text_pair(buf, (int)(dp->year / 100));
	text_pair(buf + 2, (int)(dp->year % 100));
	text_pair(buf + 5, dp->mon);
	text_pair(buf + 8, dp->mday);
	text_pair(buf + 11, dp->hour);
	text_pair(buf + 14, dp->min);
	text_pair(buf + 17, dp->sec);
	buf[20] = '0' + dp->ms / 100;
	text_pair(buf + 21, dp->ms % 100);
	memcpy(out, buf, 25);
	return (24);
}

size_t
mb_text_date(int64_t epoch_ms, const char *pattern, char *out, size_t cap)
{
	struct date_out		 o = { out, cap, 0 };
	struct date_parts	 dp;
	const char		*p, *lit;

	if (pattern == NULL)
		pattern = TEXT_DATE_DEFAULT;
	date_split(epoch_ms, &dp);
	if (dp.year >= 0 && dp.year <= 9999 && cap > 24 &&
	    strcmp(pattern, TEXT_DATE_DEFAULT) == 0)
		return (date_iso(&dp, out));
	for (p = pattern; *p != '\0'; p++) {
		if (*p != '%') {
			/* Runs of plain text in one copy. */
			lit = p;
			while (p[1] != '\0' && p[1] != '%')
				p++;
			date_put(&o, lit, p - lit + 1);
			continue;
		}
		p++;
		if (*p == 'F') {
			date_conv(&o, &dp, 'Y');
			date_put(&o, "-", 1);
			date_conv(&o, &dp, 'm');
			date_put(&o, "-", 1);
			date_conv(&o, &dp, 'd');
		} else if (*p == 'T') {
			date_conv(&o, &dp, 'H');
			date_put(&o, ":", 1);
			date_conv(&o, &dp, 'M');
			date_put(&o, ":", 1);
			date_conv(&o, &dp, 'S');
		} else if (p[0] == '3' && p[1] == 'N') {
			date_num(&o, dp.ms, 3, '0');
			p++;
		} else if (!date_conv(&o, &dp, *p)) {
			/* Unchecked patterns: anything else as written. */
			date_put(&o, "%", 1);
			if (*p == '\0')
				break;
			date_put(&o, p, 1);
		}
	}
	if (cap > 0)
		out[o.n < cap ? o.n : cap - 1] = '\0';
	return (o.n);
}

/* ---- hash ---- */

/* Little-endian on every host, so a hash is the same everywhere; the
 * compiler makes one load of the eight shifts. */
static inline uint64_t
hash_load8(const unsigned char *p)
{
	return ((uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56);
}

static inline uint64_t
hash_step(uint64_t h, uint64_t w)
{
	w *= 0x87c37b91114253d5ULL;
	h ^= (w << 31) | (w >> 33);
	return (((h << 27) | (h >> 37)) * 0x4cf5ad432745937fULL + 0x52dce729);
}

/*
 * Each 8-byte word goes in through an odd multiply and a rotate (both
 * invertible, so different words give different states); the final mix
 * spreads every state bit over every output bit.
 */
uint64_t
mb_text_hash(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint64_t		 h, w;

	size_t			 i;

	h = 0x243f6a8885a308d3ULL ^ (len * 0x9e3779b97f4a7c15ULL);
	for (; len >= 8; p += 8, len -= 8)
		h = hash_step(h, hash_load8(p));
	if (len > 0) {
		for (w = 0, i = 0; i < len; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = hash_step(h, w);
	}
	return (text_mix(h));
}
