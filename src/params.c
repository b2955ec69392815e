/* Params: parse typed values and check name=value lists against tables. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "params.h"
#include "xmalloc.h"

/* Why a number was refused; the caller words the sentence. */
enum num_err {
	NUM_OK,
	NUM_SYNTAX,	/* not a number of the expected shape */
	NUM_FRACTION,	/* a count that is not whole: "1.5" */
	NUM_OVERFLOW,	/* past UINT64_MAX */
	NUM_UNIT,	/* a duration without a known unit: "10", "1sec" */
	NUM_ORDER,	/* duration units not decreasing: "30s1m" */
};

#define COUNT_LIKE	"like 1000, 10K, 1.5M or 2B"
#define DURATION_UNITS	"(ns us ms s m h)"
#define NAME_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
#define RANGE_LIKE \
	"a count N, a range A..B or A..+N (like 10M, 5M..10M or 5M..+1M)"

/* Units, largest first; ns = mult * 10^exp10 keeps fractions exact. */
static const struct duration_unit {
	const char	*name;
	uint64_t	 ns;
	uint64_t	 mult;
	int		 exp10;
} duration_units[] = {
	{ "h",	3600000000000ULL,	36, 11 },
	{ "m",	60000000000ULL,		6, 10 },
	{ "s",	1000000000ULL,		1, 9 },
	{ "ms",	1000000ULL,		1, 6 },
	{ "us",	1000ULL,		1, 3 },
	{ "ns",	1ULL,			1, 0 },
};
#define NUNITS (sizeof duration_units / sizeof duration_units[0])

static uint64_t
pow10u(int n)
{
	uint64_t	v = 1;

	while (n-- > 0)
		v *= 10;
	return (v);
}

/* Digits with single '_' between them ("1_000"), copied without the '_'. */
static const char *
scan_digits(const char *p, char *buf, size_t *n)
{
	if (!isdigit((unsigned char)*p))
		return (NULL);
	for (;;) {
		if (isdigit((unsigned char)*p))
			buf[(*n)++] = *p++;
		else if (p[0] == '_' && isdigit((unsigned char)p[1]))
			p++;
		else
			return (p);
	}
}

/* digits[.digits] into buf: n digits, the last fraclen after the dot. */
static const char *
scan_decimal(const char *p, char *buf, size_t *n, size_t *fraclen)
{
	size_t	whole;

	*n = 0;
	if ((p = scan_digits(p, buf, n)) == NULL)
		return (NULL);
	whole = *n;
	if (*p == '.' && (p = scan_digits(p + 1, buf, n)) == NULL)
		return (NULL);
	*fraclen = *n - whole;
	return (p);
}

/* The value of n decimal digits, or -1 past UINT64_MAX. */
static int
digits_value(const char *buf, size_t n, uint64_t *v)
{
	uint64_t	d;
	size_t		i;

	*v = 0;
	for (i = 0; i < n; i++) {
		d = (uint64_t)(buf[i] - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return (-1);
		*v = *v * 10 + d;
	}
	return (0);
}

/* The first len bytes of s as an exact count: digits[.digits][K|M|B|eN]. */
static enum num_err
count_scan(const char *s, size_t len, uint64_t *out)
{
	static const char	 suffixes[] = "kKmMbB";
	const char		*p, *q;
	char			*copy, *buf;
	size_t			 n, fraclen;
	long			 exp = 0, shift;
	int			 neg;
	uint64_t		 v;
	enum num_err		 err = NUM_SYNTAX;

	copy = xstrndup(s, len);
	buf = xmalloc(len + 1);
	if ((p = scan_decimal(copy, buf, &n, &fraclen)) == NULL)
		goto out;
	if (*p != '\0' && (q = strchr(suffixes, *p)) != NULL) {
		exp = 3 * (1 + (q - suffixes) / 2);
		p++;
	} else if (*p == 'e' || *p == 'E') {
		neg = (p[1] == '-');
		p += (p[1] == '+' || p[1] == '-') ? 2 : 1;
		if (!isdigit((unsigned char)*p))
			goto out;
		for (; isdigit((unsigned char)*p); p++) {
			/* Past 10^10000 only zero fits: stop counting. */
			if (exp < 10000)
				exp = exp * 10 + (*p - '0');
		}
		if (neg)
			exp = -exp;
	}
	if (*p != '\0')
		goto out;

	/* The value is buf * 10^shift: a negative shift drops only zeros. */
	err = NUM_FRACTION;
	for (shift = exp - (long)fraclen; shift < 0 && n > 0; shift++) {
		if (buf[--n] != '0')
			goto out;
	}
	err = NUM_OVERFLOW;
	if (digits_value(buf, n, &v) != 0)
		goto out;
	for (; shift > 0 && v != 0; shift--) {
		if (v > UINT64_MAX / 10)
			goto out;
		v *= 10;
	}
	*out = v;
	err = NUM_OK;
out:
	free(buf);
	free(copy);
	return (err);
}

/* strtod ending exactly at s + len: no blanks, finite. */
static int
double_scan(const char *s, size_t len, double *out)
{
	char	*end;
	double	 v;

	if (len == 0 || isspace((unsigned char)s[0]))
		return (-1);
	v = strtod(s, &end);
	if (end != s + len || !isfinite(v))
		return (-1);
	*out = v + 0.0;		/* -0 becomes 0 */
	return (0);
}

int
mb_param_count(const char *name, const char *s, uint64_t min, uint64_t max,
    uint64_t *out, char **cause)
{
	uint64_t	v;

	switch (count_scan(s, strlen(s), &v)) {
	case NUM_OK:
		break;
	case NUM_FRACTION:
		*cause = xfmt("%s: expected a whole count " COUNT_LIKE
		    ", got '%s'", name, s);
		return (-1);
	case NUM_OVERFLOW:
		*cause = xfmt("%s: count '%s' is too large (at most %" PRIu64
		    ")", name, s, UINT64_MAX);
		return (-1);
	default:
		*cause = xfmt("%s: expected a count " COUNT_LIKE ", got '%s'",
		    name, s);
		return (-1);
	}
	/* A lower bound alone (max 0) means no upper bound. */
	if (max == 0 && v < min) {
		*cause = xfmt("%s: expected a count of at least %" PRIu64
		    ", got '%s'", name, min, s);
		return (-1);
	}
	if (max != 0 && (v < min || v > max)) {
		*cause = xfmt("%s: expected a count from %" PRIu64 " to %"
		    PRIu64 ", got '%s'", name, min, max, s);
		return (-1);
	}
	*out = v;
	return (0);
}

/* The unit spelled by len bytes at p, or -1. */
static int
duration_unit(const char *p, size_t len)
{
	size_t	i;

	/* Micro sign (U+00B5) or Greek mu (U+03BC). */
	if (len == 3 && (strncmp(p, "\xc2\xb5s", 3) == 0 ||
	    strncmp(p, "\xce\xbcs", 3) == 0)) {
		p = "us";
		len = 2;
	}
	for (i = 0; i < NUNITS; i++) {
		if (strlen(duration_units[i].name) == len &&
		    strncmp(duration_units[i].name, p, len) == 0)
			return ((int)i);
	}
	return (-1);
}

static enum num_err
duration_scan(const char *s, uint64_t *out)
{
	const struct duration_unit	*u;
	const char			*p = s, *start;
	char				*buf;
	uint64_t			 total = 0, whole, frac, d;
	size_t				 n, fraclen, k;
	int				 i, last = -1;
	enum num_err			 err = NUM_OK;

	buf = xmalloc(strlen(s) + 1);
	do {
		if ((p = scan_decimal(p, buf, &n, &fraclen)) == NULL) {
			err = NUM_SYNTAX;
			goto out;
		}
		/* Letters, or the bytes of "µs". */
		for (start = p; isalpha((unsigned char)*p) ||
		    (unsigned char)*p >= 0x80; p++)
			/* nothing */;
		if (p == start && last == -1 && *p == '\0' &&
		    digits_value(buf, n, &whole) == 0 && whole == 0)
			break;	/* a bare "0" needs no unit */
		if ((i = duration_unit(start, (size_t)(p - start))) == -1) {
			err = NUM_UNIT;
			goto out;
		}
		if (i <= last) {
			err = NUM_ORDER;
			goto out;
		}
		u = &duration_units[i];
		last = i;
		if (digits_value(buf, n - fraclen, &whole) != 0 ||
		    whole > UINT64_MAX / u->ns)
			err = NUM_OVERFLOW;
		whole *= u->ns;

		/* 17 digits are far below a ns, and frac * 36 still fits. */
		k = fraclen < 17 ? fraclen : 17;
		digits_value(buf + n - fraclen, k, &frac);
		frac *= u->mult;
		if (u->exp10 >= (int)k)
			frac *= pow10u(u->exp10 - (int)k);
		else {
			d = pow10u((int)k - u->exp10);
			frac = (frac + d / 2) / d;	/* to the nearest ns */
		}
		if (whole > UINT64_MAX - frac ||
		    total > UINT64_MAX - whole - frac)
			err = NUM_OVERFLOW;
		total += whole + frac;
	} while (*p != '\0');
	if (err == NUM_OK)
		*out = total;
out:
	free(buf);
	return (err);
}

int
mb_param_duration(const char *name, const char *s, uint64_t *ns,
    char **cause)
{
	char	max[32];

	switch (duration_scan(s, ns)) {
	case NUM_OK:
		return (0);
	case NUM_UNIT:
		*cause = xfmt("%s: expected a duration with a unit "
		    DURATION_UNITS " like 10ms or 1.5s, got '%s'", name, s);
		break;
	case NUM_ORDER:
		*cause = xfmt("%s: expected duration units from largest to "
		    "smallest (like 1m30s), got '%s'", name, s);
		break;
	case NUM_OVERFLOW:
		mb_param_format_duration(UINT64_MAX, max, sizeof max);
		*cause = xfmt("%s: duration '%s' is too long (at most %s)",
		    name, s, max);
		break;
	default:
		*cause = xfmt("%s: expected a duration like 10ms, 1.5s or "
		    "1m30s " DURATION_UNITS ", got '%s'", name, s);
		break;
	}
	return (-1);
}

int
mb_param_range(const char *name, const char *s, uint64_t *start,
    uint64_t *end, char **cause)
{
	const char	*dots, *right;
	uint64_t	 a = 0, b;
	size_t		 alen;
	enum num_err	 err;

	if ((dots = strstr(s, "..")) == NULL)
		err = count_scan(s, strlen(s), &b);
	else if (dots[2] == '\0') {
		*cause = xfmt("%s: open range '%s' is not allowed; give an end "
		    "(%s10M) or a length (%s+1M), or use duration=", name, s, s,
		    s);
		return (-1);
	} else {
		alen = (size_t)(dots - s);
		right = dots + (dots[2] == '+' ? 3 : 2);
		if ((err = count_scan(s, alen, &a)) == NUM_OK)
			err = count_scan(right, strlen(right), &b);
		if (err == NUM_OK && dots[2] == '+') {
			if (b > UINT64_MAX - a) {
				*cause = xfmt("%s: range '%s' ends past %"
				    PRIu64, name, s, UINT64_MAX);
				return (-1);
			}
			b += a;
		} else if (err == NUM_OK && a > b) {
			*cause = xfmt("%s: range '%s' starts at '%.*s', after "
			    "its end '%s'; expected A..B with A <= B", name, s,
			    (int)alen, s, right);
			return (-1);
		}
	}
	switch (err) {
	case NUM_OK:
		*start = a;
		*end = b;
		return (0);
	case NUM_OVERFLOW:
		*cause = xfmt("%s: a count in '%s' is too large (at most %"
		    PRIu64 ")", name, s, UINT64_MAX);
		return (-1);
	default:
		*cause = xfmt("%s: expected " RANGE_LIKE ", got '%s'", name, s);
		return (-1);
	}
}

int
mb_param_shard(const char *name, const char *s, uint32_t *index,
    uint32_t *count, char **cause)
{
	const char	*slash;
	uint64_t	 i, n;

	if ((slash = strchr(s, '/')) == NULL ||
	    count_scan(s, (size_t)(slash - s), &i) != NUM_OK ||
	    count_scan(slash + 1, strlen(slash + 1), &n) != NUM_OK ||
	    n < 1 || i >= n) {
		*cause = xfmt("%s: expected i/N with 0 <= i < N, got '%s'",
		    name, s);
		return (-1);
	}
	if (n > UINT32_MAX) {
		*cause = xfmt("%s: expected i/N with N at most %" PRIu32
		    ", got '%s'", name, UINT32_MAX, s);
		return (-1);
	}
	*index = (uint32_t)i;
	*count = (uint32_t)n;
	return (0);
}

int
mb_param_threads(const char *name, const char *s, uint32_t ncpu,
    uint32_t *out, char **cause)
{
	size_t		len = strlen(s);
	uint64_t	n;
	double		t;

	if (ncpu == 0)
		ncpu = 1;
	if (strcasecmp(s, "auto") == 0)
		t = ncpu;
	else if (len > 1 && (s[len - 1] == 'x' || s[len - 1] == 'X')) {
		/* A multiplier of plain digits, maybe with a dot: "0.5x". */
		if (!isdigit((unsigned char)s[0]) || s[len - 2] == '.' ||
		    strspn(s, "0123456789.") != len - 1 ||
		    double_scan(s, len - 1, &t) != 0 || t <= 0)
			goto bad;
		t *= ncpu;
	} else {
		if (count_scan(s, len, &n) != NUM_OK || n < 1 ||
		    n > MB_THREADS_MAX)
			goto bad;
		t = (double)n;
	}
	/* auto and Nx follow the machine: clamp rather than refuse. */
	if (t < 1)
		*out = 1;
	else if (t > MB_THREADS_MAX)
		*out = MB_THREADS_MAX;
	else
		*out = (uint32_t)t;
	return (0);
bad:
	*cause = xfmt("%s: expected a number from 1 to %d, 'auto' or 'Nx', "
	    "got '%s'", name, MB_THREADS_MAX, s);
	return (-1);
}

int
mb_param_bool(const char *name, const char *s, int *out, char **cause)
{
	static const char	*words[] = { "false", "true", "no", "yes", "off",
	    "on", "0", "1" };
	size_t			 i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcasecmp(s, words[i]) == 0) {
			*out = (int)(i % 2);
			return (0);
		}
	}
	*cause = xfmt("%s: expected true/false, yes/no, on/off or 1/0, "
	    "got '%s'", name, s);
	return (-1);
}

int
mb_param_fraction(const char *name, const char *s, double *out,
    char **cause)
{
	size_t	len = strlen(s);
	double	v;
	int	percent;

	percent = (len > 0 && s[len - 1] == '%');
	if (double_scan(s, len - (percent ? 1 : 0), &v) != 0)
		goto bad;
	if (percent)
		v /= 100;
	if (v < 0 || v > 1)
		goto bad;
	*out = v;
	return (0);
bad:
	*cause = xfmt("%s: expected a fraction from 0 to 1 like 0.001 or 0.1%%, "
	    "got '%s'", name, s);
	return (-1);
}

int
mb_param_double(const char *name, const char *s, double *out, char **cause)
{
	if (double_scan(s, strlen(s), out) != 0) {
		*cause = xfmt("%s: expected a finite number like 2.5 or 1e-3, "
		    "got '%s'", name, s);
		return (-1);
	}
	return (0);
}

int
mb_param_choice(const char *name, const char *s, const char *choices,
    int *index, char **cause)
{
	const char	*p, *bar;
	char		*list;
	size_t		 len = 0;
	int		 i;

	if (choices == NULL)
		choices = "";
	/* The message lists "a|b" as "a, b". */
	list = xmalloc(2 * strlen(choices) + 1);
	for (p = choices, i = 0;; p = bar + 1, i++) {
		bar = p + strcspn(p, "|");
		if (strlen(s) == (size_t)(bar - p) &&
		    strncmp(s, p, (size_t)(bar - p)) == 0) {
			free(list);
			*index = i;
			return (0);
		}
		len += (size_t)sprintf(list + len, "%s%.*s", i > 0 ? ", " : "",
		    (int)(bar - p), p);
		if (*bar == '\0')
			break;
	}
	*cause = xfmt("%s: expected one of %s, got '%s'", name, list, s);
	free(list);
	return (-1);
}

int
mb_param_check(const struct mb_param_spec *spec, const char *value,
    char **cause)
{
	uint64_t	 u64, u64b;
	uint32_t	 u32, u32b;
	double		 d;
	long		 ncpu;
	int		 i;

	switch (spec->type) {
	case MB_PARAM_COUNT:
		return (mb_param_count(spec->name, value, spec->min, spec->max,
		    &u64, cause));
	case MB_PARAM_DURATION:
		return (mb_param_duration(spec->name, value, &u64, cause));
	case MB_PARAM_RANGE:
		return (mb_param_range(spec->name, value, &u64, &u64b, cause));
	case MB_PARAM_SHARD:
		return (mb_param_shard(spec->name, value, &u32, &u32b, cause));
	case MB_PARAM_THREADS:
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		return (mb_param_threads(spec->name, value,
		    ncpu > 0 ? (uint32_t)ncpu : 1, &u32, cause));
	case MB_PARAM_BOOL:
		return (mb_param_bool(spec->name, value, &i, cause));
	case MB_PARAM_FRACTION:
		return (mb_param_fraction(spec->name, value, &d, cause));
	case MB_PARAM_DOUBLE:
		return (mb_param_double(spec->name, value, &d, cause));
	case MB_PARAM_CHOICE:
		return (mb_param_choice(spec->name, value, spec->choices, &i,
		    cause));
	case MB_PARAM_STRING:
		break;
	}
	return (0);
}

void
mb_param_format_duration(uint64_t ns, char *buf, size_t len)
{
	const struct duration_unit	*u;
	uint64_t			 milli;
	size_t				 i, n;

	for (i = 0; i < NUNITS - 1 && ns < duration_units[i].ns; i++)
		/* nothing */;
	u = &duration_units[i];
	if (ns == 0 || len == 0) {
		snprintf(buf, len, "0");
		return;
	}
	/* Thousandths of the unit, rounded: the remainder times 1000 fits. */
	milli = (ns / u->ns) * 1000 +
	    ((ns % u->ns) * 1000 + u->ns / 2) / u->ns;
	n = (size_t)snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, milli / 1000,
	    milli % 1000);
	if (n >= len)
		return;
	while (buf[n - 1] == '0')
		n--;
	if (buf[n - 1] == '.')
		n--;
	snprintf(buf + n, len - n, "%s", u->name);
}

void
mb_params_init(struct mb_params *ps)
{
	ps->v = NULL;
	ps->n = 0;
}

void
mb_params_free(struct mb_params *ps)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].value);
	}
	free(ps->v);
	mb_params_init(ps);
}

static struct mb_param *
params_lookup(const struct mb_params *ps, const char *name)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].name, name) == 0)
			return (&ps->v[i]);
	}
	return (NULL);
}

static void
params_append(struct mb_params *ps, char *name, char *value)
{
	ps->v = xreallocarray(ps->v, ps->n + 1, sizeof *ps->v);
	ps->v[ps->n].name = name;
	ps->v[ps->n].value = value;
	ps->n++;
}

int
mb_params_add(struct mb_params *ps, const char *arg, char **cause)
{
	const struct mb_param	*old;
	const char		*eq;
	char			*name;

	if ((eq = strchr(arg, '=')) == NULL) {
		*cause = xfmt("expected name=value, got '%s'", arg);
		return (-1);
	}
	if (eq == arg) {
		*cause = xfmt("expected name=value with a name before '=', "
		    "got '%s'", arg);
		return (-1);
	}
	name = xstrndup(arg, (size_t)(eq - arg));
	if ((!isalpha((unsigned char)name[0]) && name[0] != '_') ||
	    name[strspn(name, NAME_CHARS)] != '\0') {
		*cause = xfmt("param name '%s' is not valid: use letters, "
		    "digits, '_', '.' and '-', starting with a letter or '_'",
		    name);
		free(name);
		return (-1);
	}
	if ((old = params_lookup(ps, name)) != NULL) {
		*cause = xfmt("param '%s' given twice ('%s' and '%s')", name,
		    old->value, eq + 1);
		free(name);
		return (-1);
	}
	params_append(ps, name, xstrdup(eq + 1));
	return (0);
}

void
mb_params_set(struct mb_params *ps, const char *name, const char *value)
{
	struct mb_param	*p;

	if ((p = params_lookup(ps, name)) != NULL) {
		free(p->value);
		p->value = xstrdup(value);
		return;
	}
	params_append(ps, xstrdup(name), xstrdup(value));
}

const char *
mb_params_get(const struct mb_params *ps, const char *name)
{
	const struct mb_param	*p = params_lookup(ps, name);

	return (p != NULL ? p->value : NULL);
}

int
mb_params_timeout(const struct mb_params *ps, const char *name,
    uint64_t def_ns, uint64_t *ns, char **cause)
{
	const char	*v = mb_params_get(ps, name);

	*ns = def_ns;
	if (v == NULL)
		return (0);
	if (mb_param_duration(name, v, ns, cause) != 0)
		return (-1);
	if (*ns == 0) {
		*cause = xfmt("%s: expected a duration above 0, got '%s'",
		    name, v);
		return (-1);
	}
	return (0);
}

const struct mb_param_spec *
mb_params_find(const struct mb_param_spec *const *tables, const char *name)
{
	const struct mb_param_spec	*spec;

	for (; *tables != NULL; tables++) {
		for (spec = *tables; spec->name != NULL; spec++) {
			if (strcmp(spec->name, name) == 0)
				return (spec);
		}
	}
	return (NULL);
}

/* Optimal string alignment distance: Levenshtein plus adjacent swaps. */
static size_t
params_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, w = lb + 1, best;
	size_t	*d;

#define D(i, j) d[(i) * w + (j)]
	d = xcalloc((la + 1) * w, sizeof *d);
	for (i = 0; i <= la; i++)
		D(i, 0) = i;
	for (j = 0; j <= lb; j++)
		D(0, j) = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = D(i - 1, j - 1) + (a[i - 1] != b[j - 1]);
			if (D(i - 1, j) + 1 < best)
				best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	best = D(la, lb);
#undef D
	free(d);
	return (best);
}

const char *
mb_params_nearest(const struct mb_param_spec *const *tables, const char *name)
{
	const struct mb_param_spec	*spec;
	const char			*best = NULL, *prefix = NULL;
	size_t				 len = strlen(name), limit, d, bestd;

	if (len == 0)
		return (NULL);
	limit = len / 3 > 1 ? len / 3 : 1;
	bestd = limit + 1;
	for (; *tables != NULL; tables++) {
		for (spec = *tables; spec->name != NULL; spec++) {
			d = params_distance(name, spec->name);
			if (d < bestd) {
				best = spec->name;
				bestd = d;
			}
			if (prefix == NULL &&
			    strncmp(spec->name, name, len) == 0)
				prefix = spec->name;
		}
	}
	/* A close spelling beats a shortened name ("dur" for "duration"). */
	return (best != NULL ? best : prefix);
}

int
mb_params_validate(const struct mb_params *ps,
    const struct mb_param_spec *const *tables, char **cause)
{
	const struct mb_param_spec	*spec;
	const char			*near;
	size_t				 i;

	/* Every name first: a typo is the likelier mistake. */
	for (i = 0; i < ps->n; i++) {
		if (mb_params_find(tables, ps->v[i].name) != NULL)
			continue;
		near = mb_params_nearest(tables, ps->v[i].name);
		if (near != NULL)
			*cause = xfmt("unknown param '%s' (did you mean '%s'?)",
			    ps->v[i].name, near);
		else
			*cause = xfmt("unknown param '%s' (see moonbench --help "
			    "params)", ps->v[i].name);
		return (-1);
	}
	for (i = 0; i < ps->n; i++) {
		spec = mb_params_find(tables, ps->v[i].name);
		if (spec != NULL &&
		    mb_param_check(spec, ps->v[i].value, cause) != 0)
			return (-1);
	}
	return (0);
}
