/* Inverse-CDF samplers: uniform, normal, exponential, zipf, weighted. */
#include "config.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "distributions.h"
#include "xmalloc.h"

/*
 * Up to this many ranks zipf keeps the whole CDF (8 MB at most) and samples
 * by binary search: exact and one uniform per sample.  Past it the table
 * would cost too much memory and build time, so rejection-inversion
 * (Hörmann & Derflinger 1996) samples in O(1) memory instead.
 */
#define ZIPF_TABLE_MAX	1000000

struct mb_zipf {
	uint64_t	 n;
	double		 s;
	double		*cdf;		/* CDF by rank, or NULL */
	double		 h_x1;		/* H(1.5) - h(1): floor */
	double		 h_n;		/* H(n + 0.5): ceiling */
	double		 squeeze;	/* k - x <= squeeze: accept */
};

struct mb_weighted {
	size_t		 last;		/* last positive weight */
	double		 total;		/* sum of the weights */
	double		*cum;		/* w[0] + ... + w[i] */
};

double
mb_dist_unit(uint64_t bits)
{
	return ((double)(bits >> 11) * 0x1.0p-53);
}

double
mb_dist_uniform(double u, double lo, double hi)
{
	double	x;

	x = lo + u * (hi - lo);
	/* Rounding reaches hi when u is within an ulp of 1. */
	if (x >= hi && hi > lo)
		x = nextafter(hi, lo);
	return (x);
}

/*
 * The standard normal quantile for p in (0, 0.5]: Peter Acklam's rational
 * approximation (relative error 1.15e-9), refined by one step of Halley's
 * method against erfc, which brings it to about machine precision.
 */
static double
dist_normal_lower(double p)
{
	static const double a[] = {
		-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
		-3.066479806614716e+01, 2.506628277459239e+00
	};
	static const double b[] = {
		-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
		-1.328068155288572e+01
	};
	static const double c[] = {
		-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
		4.374664141464968e+00, 2.938163982698783e+00
	};
	static const double d[] = {
		7.784695709041462e-03, 3.224671290700398e-01,
		2.445134137142996e+00, 3.754408661907416e+00
	};
	double	q, r, x, e, t;

	if (p < 0.02425) {
		q = sqrt(-2.0 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q +
		    c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r +
		    a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r +
		    b[4]) * r + 1.0);
	}

	/*
	 * Below -37 exp(x^2 / 2) overflows and erfc is subnormal; the
	 * approximation alone is as good as anything there.
	 */
	if (x > -37.0) {
		/* Near the centre erfc rounds near 1; erf keeps the digits. */
		if (p > 0.25)
			e = 0.5 * erf(x / M_SQRT2) - (p - 0.5);
		else
			e = 0.5 * erfc(-x / M_SQRT2) - p;
		t = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
		x = x - t / (1.0 + x * t / 2.0);
	}
	return (x);
}

double
mb_dist_normal(double u, double mean, double sd)
{
	double	z;

	/* No infinities at the ends: u = 0 is the smallest positive double. */
	if (!(u > 0.0))
		u = DBL_TRUE_MIN;
	else if (u >= 1.0)
		u = 1.0 - DBL_EPSILON / 2.0;

	/* 1 - u is exact above 0.5, and the lower half is the accurate one. */
	if (u > 0.5)
		z = -dist_normal_lower(1.0 - u);
	else
		z = dist_normal_lower(u);
	return (mean + sd * z);
}

double
mb_dist_exponential(double u, double mean)
{
	return (-mean * log1p(-u));
}

/* Sebastiano Vigna's splitmix64: the stream of further uniforms for zipf. */
static inline uint64_t
dist_splitmix64(uint64_t *state)
{
	uint64_t	z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* log1p(x) / x, continuous at 0 (where s is near 1). */
static inline double
zipf_helper1(double x)
{
	if (fabs(x) > 1e-8)
		return (log1p(x) / x);
	return (1.0 - x * (0.5 - x / 3.0));
}

/* expm1(x) / x, continuous at 0. */
static inline double
zipf_helper2(double x)
{
	if (fabs(x) > 1e-8)
		return (expm1(x) / x);
	return (1.0 + x * (0.5 + x / 6.0));
}

/* h(x) = x^-s, the unnormalised probability of rank x. */
static inline double
zipf_h(double s, double x)
{
	return (exp(-s * log(x)));
}

/* H(x) = (x^(1-s) - 1) / (1-s), log(x) when s = 1: an integral of h. */
static inline double
zipf_hint(double s, double x)
{
	double	lx;

	lx = log(x);
	return (zipf_helper2((1.0 - s) * lx) * lx);
}

/* The inverse of H. */
static inline double
zipf_hinv(double s, double y)
{
	double	t;

	/* Rounding may step past H's limit at infinity: go no further. */
	t = (1.0 - s) * y;
	if (t < -1.0)
		t = -1.0;
	return (exp(zipf_helper1(t) * y));
}

static void
zipf_table(struct mb_zipf *z)
{
	double		 sum, comp, term, t;
	uint64_t	 i;

	z->cdf = xcalloc(z->n, sizeof *z->cdf);

	/* Kahan summation keeps a million small terms from drifting. */
	sum = comp = 0.0;
	for (i = 0; i < z->n; i++) {
		term = zipf_h(z->s, (double)(i + 1)) - comp;
		t = sum + term;
		comp = (t - sum) - term;
		sum = t;
		z->cdf[i] = sum;
	}
	for (i = 0; i < z->n; i++)
		z->cdf[i] /= sum;
	/* A u below 1 always finds a rank. */
	z->cdf[z->n - 1] = 1.0;
}

struct mb_zipf *
mb_zipf_new(uint64_t n, double s, char **cause)
{
	struct mb_zipf	*z;

	if (n < 1) {
		*cause = xfmt("zipf(%" PRIu64 ", %g): n must be at least 1",
		    n, s);
		return (NULL);
	}
	if (!isfinite(s)) {
		*cause = xfmt("zipf(%" PRIu64 ", %g): s must be a finite "
		    "number", n, s);
		return (NULL);
	}
	if (s <= 0.0) {
		*cause = xfmt("zipf(%" PRIu64 ", %g): s must be greater "
		    "than 0", n, s);
		return (NULL);
	}

	z = xcalloc(1, sizeof *z);
	z->n = n;
	z->s = s;
	if (n <= ZIPF_TABLE_MAX)
		zipf_table(z);
	else {
		z->h_x1 = zipf_hint(s, 1.5) - 1.0;
		z->h_n = zipf_hint(s, (double)n + 0.5);
		z->squeeze = 2.0 - zipf_hinv(s, zipf_hint(s, 2.5) -
		    zipf_h(s, 2.0));
	}
	return (z);
}

void
mb_zipf_free(struct mb_zipf *z)
{
	if (z == NULL)
		return;
	free(z->cdf);
	free(z);
}

static uint64_t
zipf_search(const struct mb_zipf *z, double u)
{
	uint64_t	lo, hi, mid;

	/* The first rank whose cumulative probability passes u. */
	lo = 0;
	hi = z->n - 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (lo + 1);
}

/*
 * Rejection-inversion (W. Hörmann and G. Derflinger, "Rejection-inversion
 * to generate variates from monotone discrete distributions", 1996): invert
 * the integral H of the continuous hat x^-s over [0.5, n + 0.5], round to
 * the nearest rank k and keep it if the point falls in k's share h(k) of
 * the area under the hat.  The first uniform is the seed itself (so the
 * rank grows with it, as in the table), the rest come from splitmix64
 * steps of the seed; acceptance is high, retries are rare.
 */
static uint64_t
zipf_reject(const struct mb_zipf *z, uint64_t seed)
{
	uint64_t	state, bits, k;
	double		y, x, kd;

	state = bits = seed;
	for (;;) {
		y = z->h_x1 + mb_dist_unit(bits) * (z->h_n - z->h_x1);
		x = zipf_hinv(z->s, y);
		kd = floor(x + 0.5);
		if (!(kd >= 1.0))
			k = 1;
		else if (kd >= (double)z->n)
			k = z->n;
		else
			k = (uint64_t)kd;
		kd = (double)k;
		if (kd - x <= z->squeeze ||
		    y >= zipf_hint(z->s, kd + 0.5) - zipf_h(z->s, kd))
			return (k);
		bits = dist_splitmix64(&state);
	}
}

uint64_t
mb_zipf_sample(const struct mb_zipf *z, uint64_t seed)
{
	if (z->cdf != NULL)
		return (zipf_search(z, mb_dist_unit(seed)));
	return (zipf_reject(z, seed));
}

struct mb_weighted *
mb_weighted_new(const double *w, size_t n, char **cause)
{
	struct mb_weighted	*wt;
	double			 sum;
	size_t			 i, last;

	if (n < 1) {
		*cause = xfmt("weighted: needs at least one weight");
		return (NULL);
	}
	sum = 0.0;
	last = 0;
	for (i = 0; i < n; i++) {
		if (!isfinite(w[i])) {
			*cause = xfmt("weighted: weight %zu of %zu is not a "
			    "finite number (%g)", i + 1, n, w[i]);
			return (NULL);
		}
		if (w[i] < 0.0) {
			*cause = xfmt("weighted: weight %zu of %zu is "
			    "negative (%g)", i + 1, n, w[i]);
			return (NULL);
		}
		if (w[i] > 0.0)
			last = i;
		sum += w[i];
	}
	if (sum <= 0.0) {
		*cause = xfmt("weighted: the %zu weights sum to 0", n);
		return (NULL);
	}
	if (!isfinite(sum)) {
		*cause = xfmt("weighted: the %zu weights sum to more than "
		    "the largest double", n);
		return (NULL);
	}

	wt = xcalloc(1, sizeof *wt);
	wt->cum = xcalloc(n, sizeof *wt->cum);
	sum = 0.0;
	for (i = 0; i < n; i++) {
		sum += w[i];
		wt->cum[i] = sum;
	}
	wt->total = sum;
	wt->last = last;
	return (wt);
}

void
mb_weighted_free(struct mb_weighted *wt)
{
	if (wt == NULL)
		return;
	free(wt->cum);
	free(wt);
}

size_t
mb_weighted_pick(const struct mb_weighted *wt, double u)
{
	double	t;
	size_t	lo, hi, mid;

	t = u * wt->total;
	if (!(t >= 0.0))
		t = 0.0;
	/*
	 * The first index whose cumulative weight passes t: a zero weight
	 * repeats its neighbour's sum, so it is never the first.  Should
	 * rounding leave t at the total, the last positive weight takes it.
	 */
	lo = 0;
	hi = wt->last;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (wt->cum[mid] > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (lo);
}
