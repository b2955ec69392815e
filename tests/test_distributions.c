/* Distributions: determinism, bounds, quantiles, refusals, goodness of fit. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distributions.h"

/*
 * Every goodness-of-fit test rejects at alpha = 0.001.  The inputs come
 * from a splitmix64 stream with fixed seeds, so each test sees the same
 * samples on every run: it passes or fails for good, never by chance.
 */
#define KS_SAMPLES	100000
#define KS_CRIT_001	1.949	/* sqrt(-ln(0.001 / 2) / 2), large n */
/* The upper 0.001 quantile of the standard normal. */
#define Z_999		3.090232306167813

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t	z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

static double
next_unit(uint64_t *state)
{
	return (mb_dist_unit(splitmix64(state)));
}

/*
 * The chi-square critical value for df degrees of freedom at alpha =
 * 0.001, by the Wilson-Hilferty approximation (chi2 / df is close to the
 * cube of a normal).  It errs high, by 1.7% at df = 3 and 0.04% at
 * df = 99, so the true alpha is a little below 0.001.
 */
static double
chi2_crit(int df)
{
	double	k, t;

	k = 2.0 / (9.0 * df);
	t = 1.0 - k + Z_999 * sqrt(k);
	return (df * t * t * t);
}

/* Pearson's statistic of observed against expected counts. */
static double
chi2_stat(const double *observed, const double *expected, size_t n)
{
	double	sum, d;
	size_t	i;

	sum = 0.0;
	for (i = 0; i < n; i++) {
		d = observed[i] - expected[i];
		sum += d * d / expected[i];
	}
	return (sum);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* The Kolmogorov-Smirnov distance of samples (sorted here) from cdf. */
static double
ks_distance(double *x, size_t n, double (*cdf)(double, double, double),
    double p1, double p2)
{
	double	d, f;
	size_t	i;

	qsort(x, n, sizeof *x, cmp_double);
	d = 0.0;
	for (i = 0; i < n; i++) {
		f = cdf(x[i], p1, p2);
		d = fmax(d, f - (double)i / n);
		d = fmax(d, (double)(i + 1) / n - f);
	}
	return (d);
}

static double
cdf_uniform(double x, double lo, double hi)
{
	return ((x - lo) / (hi - lo));
}

static double
cdf_normal(double x, double mean, double sd)
{
	return (0.5 * erfc(-(x - mean) / (sd * M_SQRT2)));
}

static double
cdf_exponential(double x, double mean, double unused)
{
	return (-expm1(-x / mean));
}

static void
test_unit(void **state)
{
	assert_true(mb_dist_unit(0) == 0.0);
	assert_true(mb_dist_unit(1ULL << 63) == 0.5);
	/* Only the top 53 bits count. */
	assert_true(mb_dist_unit(0x7ff) == 0.0);
	assert_true(mb_dist_unit(UINT64_MAX) == 1.0 - 0x1.0p-53);
}

static void
test_determinism(void **state)
{
	static const double	 w[] = { 1, 2, 3, 0, 4 };
	struct mb_zipf		*z1, *z2, *big1, *big2;
	struct mb_weighted	*w1, *w2;
	uint64_t		 st, seed;
	double			 u;
	char			*cause = NULL;
	int			 i;

	z1 = mb_zipf_new(1000, 1.1, &cause);
	z2 = mb_zipf_new(1000, 1.1, &cause);
	big1 = mb_zipf_new(5000000, 0.9, &cause);
	big2 = mb_zipf_new(5000000, 0.9, &cause);
	w1 = mb_weighted_new(w, 5, &cause);
	w2 = mb_weighted_new(w, 5, &cause);
	assert_non_null(z1);
	assert_non_null(z2);
	assert_non_null(big1);
	assert_non_null(big2);
	assert_non_null(w1);
	assert_non_null(w2);

	/* Same input, same value: from the same object and a twin. */
	st = 1;
	for (i = 0; i < 10000; i++) {
		seed = splitmix64(&st);
		u = mb_dist_unit(seed);
		assert_true(mb_dist_uniform(u, -3, 7) ==
		    mb_dist_uniform(u, -3, 7));
		assert_true(mb_dist_normal(u, 5, 2) ==
		    mb_dist_normal(u, 5, 2));
		assert_true(mb_dist_exponential(u, 3) ==
		    mb_dist_exponential(u, 3));
		assert_int_equal(mb_zipf_sample(z1, seed),
		    mb_zipf_sample(z1, seed));
		assert_int_equal(mb_zipf_sample(z1, seed),
		    mb_zipf_sample(z2, seed));
		assert_int_equal(mb_zipf_sample(big1, seed),
		    mb_zipf_sample(big1, seed));
		assert_int_equal(mb_zipf_sample(big1, seed),
		    mb_zipf_sample(big2, seed));
		assert_int_equal(mb_weighted_pick(w1, u),
		    mb_weighted_pick(w2, u));
	}

	/* Pinned values: a change of algorithm changes every workload. */
	assert_int_equal(mb_zipf_sample(z1, 0), 1);
	assert_int_equal(mb_zipf_sample(z1, UINT64_MAX), 1000);
	assert_int_equal(mb_zipf_sample(big1, 0), 1);
	assert_int_equal(mb_weighted_pick(w1, 0.0), 0);
	assert_int_equal(mb_weighted_pick(w1, 0.999), 4);

	mb_zipf_free(z1);
	mb_zipf_free(z2);
	mb_zipf_free(big1);
	mb_zipf_free(big2);
	mb_weighted_free(w1);
	mb_weighted_free(w2);
}

static void
test_bounds(void **state)
{
	static const double	 w[] = { 0, 1, 0, 2, 0 };
	static const double	 top = 1.0 - 0x1.0p-53;
	static const uint64_t	 ns[] = { 1, 2, 7, 1000000, 1000001,
				     5000000, UINT64_MAX };
	struct mb_zipf		*z;
	struct mb_weighted	*wt;
	uint64_t		 st, r;
	double			 u, x;
	char			*cause = NULL;
	size_t			 i, k, pick;

	/* 1 + top rounds to 2 in doubles: the result must stay below. */
	assert_true(mb_dist_uniform(top, 1, 2) < 2.0);
	assert_true(mb_dist_uniform(top, -1e300, 1e300) < 1e300);
	assert_true(mb_dist_uniform(0, 3, 4) == 3.0);
	assert_true(mb_dist_exponential(0, 5) == 0.0);
	assert_true(isfinite(mb_dist_exponential(top, 5)));

	st = 2;
	for (i = 0; i < 100000; i++) {
		u = next_unit(&st);
		x = mb_dist_uniform(u, 1, 2);
		assert_true(x >= 1.0 && x < 2.0);
		x = mb_dist_exponential(u, 10);
		assert_true(x >= 0.0 && isfinite(x));
		assert_true(isfinite(mb_dist_normal(u, 0, 1)));
	}

	for (k = 0; k < sizeof ns / sizeof *ns; k++) {
		z = mb_zipf_new(ns[k], 1.2, &cause);
		assert_non_null(z);
		assert_int_equal(mb_zipf_sample(z, 0), 1);
		r = mb_zipf_sample(z, UINT64_MAX);
		assert_true(r >= 1 && r <= ns[k]);
		st = 3;
		for (i = 0; i < 20000; i++) {
			r = mb_zipf_sample(z, splitmix64(&st));
			assert_true(r >= 1 && r <= ns[k]);
		}
		mb_zipf_free(z);
	}

	wt = mb_weighted_new(w, 5, &cause);
	assert_non_null(wt);
	assert_int_equal(mb_weighted_pick(wt, 0.0), 1);
	assert_int_equal(mb_weighted_pick(wt, top), 3);
	assert_int_equal(mb_weighted_pick(wt, 1.0 / 3.0), 3);
	st = 4;
	for (i = 0; i < 100000; i++) {
		pick = mb_weighted_pick(wt, next_unit(&st));
		assert_true(pick == 1 || pick == 3);
	}
	mb_weighted_free(wt);
}

static void
test_quantiles(void **state)
{
	double	u, x, phi, pdf;
	int	i;

	/* The median is the mean itself, not merely close. */
	assert_true(mb_dist_normal(0.5, 7.25, 3) == 7.25);
	assert_true(fabs(mb_dist_normal(0.975, 10, 2) -
	    (10 + 1.959964 * 2)) < 1e-6 * 2);
	assert_true(fabs(mb_dist_normal(0.025, 0, 1) + 1.959964) < 1e-6);
	assert_true(fabs(mb_dist_normal(0.999, 0, 1) - Z_999) < 1e-12);
	assert_true(fabs(mb_dist_normal(1e-10, 0, 1) +
	    6.361340902404056) < 1e-12);

	/* No infinities at the ends. */
	x = mb_dist_normal(0.0, 0, 1);
	assert_true(isfinite(x) && x < -37.0);
	x = mb_dist_normal(1.0 - 0x1.0p-53, 0, 1);
	assert_true(isfinite(x) && x > 8.0);

	/*
	 * Relative error below 1e-9 across the body: push each quantile back
	 * through the CDF and convert the miss in probability to one in x.
	 */
	/* A dyadic grid, so that 1 - u is exact. */
	for (i = 1; i < 8192; i++) {
		u = i / 8192.0;
		x = mb_dist_normal(u, 0, 1);
		phi = u < 0.5 ? 0.5 * erfc(-x / M_SQRT2) :
		    1.0 - 0.5 * erfc(x / M_SQRT2);
		pdf = exp(-x * x / 2) / sqrt(2 * M_PI);
		if (i == 4096)
			assert_true(x == 0.0);
		else if (fabs((phi - u) / pdf) > 1e-9 * fabs(x) + 1e-15)
			fail_msg("normal(%g) = %.17g misses by %g", u, x,
			    (phi - u) / pdf);
		/* Symmetric about the mean. */
		assert_true(mb_dist_normal(1.0 - u, 0, 1) == -x);
	}

	assert_true(fabs(mb_dist_exponential(0.5, 4) - 4 * M_LN2) < 1e-12);
	assert_true(fabs(mb_dist_exponential(1.0 - exp(-1.0), 4) - 4) <
	    1e-12);
	assert_true(mb_dist_uniform(0.5, 10, 20) == 15.0);
}

static void
assert_zipf_refused(uint64_t n, double s, const char *want)
{
	char	*cause = NULL;

	assert_null(mb_zipf_new(n, s, &cause));
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
assert_weighted_refused(const double *w, size_t n, const char *want)
{
	char	*cause = NULL;

	assert_null(mb_weighted_new(w, n, &cause));
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
test_refusals(void **state)
{
	const double	negative[] = { 1, -2, 3 };
	const double	zeros[] = { 0, 0, 0, 0 };
	const double	nan[] = { 1, NAN };
	const double	inf[] = { INFINITY, 1 };
	const double	huge[] = { 1e308, 1e308 };
	struct mb_zipf	*z;
	char		*cause = NULL;

	assert_zipf_refused(0, 1.1, "zipf(0, 1.1): n must be at least 1");
	assert_zipf_refused(10, 0, "zipf(10, 0): s must be greater than 0");
	assert_zipf_refused(10, -1,
	    "zipf(10, -1): s must be greater than 0");
	assert_zipf_refused(10, NAN,
	    "zipf(10, nan): s must be a finite number");
	assert_zipf_refused(10, INFINITY,
	    "zipf(10, inf): s must be a finite number");

	assert_weighted_refused(NULL, 0,
	    "weighted: needs at least one weight");
	assert_weighted_refused(negative, 3,
	    "weighted: weight 2 of 3 is negative (-2)");
	assert_weighted_refused(zeros, 4, "weighted: the 4 weights sum to 0");
	assert_weighted_refused(nan, 2,
	    "weighted: weight 2 of 2 is not a finite number (nan)");
	assert_weighted_refused(inf, 2,
	    "weighted: weight 1 of 2 is not a finite number (inf)");
	assert_weighted_refused(huge, 2,
	    "weighted: the 2 weights sum to more than the largest double");

	/* The edges of what is allowed. */
	z = mb_zipf_new(1, 1e-300, &cause);
	assert_non_null(z);
	assert_int_equal(mb_zipf_sample(z, UINT64_MAX), 1);
	mb_zipf_free(z);
	z = mb_zipf_new(UINT64_MAX, 1e300, &cause);
	assert_non_null(z);
	assert_int_equal(mb_zipf_sample(z, 12345), 1);
	mb_zipf_free(z);
	assert_null(cause);
	mb_zipf_free(NULL);
	mb_weighted_free(NULL);
}

static void
test_ks_uniform(void **state)
{
	double		*x;
	uint64_t	 st = 11;
	size_t		 i;

	x = malloc(KS_SAMPLES * sizeof *x);
	for (i = 0; i < KS_SAMPLES; i++)
		x[i] = mb_dist_uniform(next_unit(&st), -5, 15);
	assert_true(ks_distance(x, KS_SAMPLES, cdf_uniform, -5, 15) <
	    KS_CRIT_001 / sqrt(KS_SAMPLES));
	free(x);
}

static void
test_ks_normal(void **state)
{
	double		*x;
	uint64_t	 st = 12;
	size_t		 i;

	x = malloc(KS_SAMPLES * sizeof *x);
	for (i = 0; i < KS_SAMPLES; i++)
		x[i] = mb_dist_normal(next_unit(&st), 100, 15);
	assert_true(ks_distance(x, KS_SAMPLES, cdf_normal, 100, 15) <
	    KS_CRIT_001 / sqrt(KS_SAMPLES));
	free(x);
}

static void
test_ks_exponential(void **state)
{
	double		*x;
	uint64_t	 st = 13;
	size_t		 i;

	x = malloc(KS_SAMPLES * sizeof *x);
	for (i = 0; i < KS_SAMPLES; i++)
		x[i] = mb_dist_exponential(next_unit(&st), 2.5);
	assert_true(ks_distance(x, KS_SAMPLES, cdf_exponential, 2.5, 0) <
	    KS_CRIT_001 / sqrt(KS_SAMPLES));
	free(x);
}

/* The table path: every one of 100 ranks, 99 degrees of freedom. */
static void
test_chi2_zipf(void **state)
{
	enum { N = 100, SAMPLES = 200000 };
	struct mb_zipf	*z;
	double		 observed[N], expected[N], h, stat;
	uint64_t	 st = 21, r;
	char		*cause = NULL;
	int		 i;

	z = mb_zipf_new(N, 1.1, &cause);
	assert_non_null(z);
	h = 0.0;
	for (i = 0; i < N; i++)
		h += pow(i + 1, -1.1);
	for (i = 0; i < N; i++) {
		observed[i] = 0;
		/* The rarest rank still expects over 300. */
		expected[i] = SAMPLES * pow(i + 1, -1.1) / h;
	}
	for (i = 0; i < SAMPLES; i++) {
		r = mb_zipf_sample(z, splitmix64(&st));
		observed[r - 1]++;
	}
	stat = chi2_stat(observed, expected, N);
	if (stat >= chi2_crit(N - 1))
		fail_msg("chi2 %f >= %f", stat, chi2_crit(N - 1));
	/* Rank 1 is the most frequent. */
	for (i = 1; i < N; i++)
		assert_true(observed[0] > observed[i]);
	mb_zipf_free(z);
}

/*
 * The rejection-inversion path (n past the table's million): ranks 1..10
 * and one bucket for the rest, 10 degrees of freedom.  s = 1 takes the
 * logarithm branch of the hat, 0.5 the flat side; at s = 3 the hat is 14%
 * above rank 2, so skipping the rejection step would show.
 */
static void
test_chi2_zipf_large(void **state)
{
	enum { TOP = 10, SAMPLES = 200000 };
	static const uint64_t	 n = 5000000;
	static const double	 ss[] = { 1.1, 1.0, 0.5, 3.0 };
	struct mb_zipf		*z;
	double			 observed[TOP + 1], expected[TOP + 1];
	double			 h, p, stat;
	uint64_t		 st, r, k;
	char			*cause = NULL;
	size_t			 j;
	int			 i;

	for (j = 0; j < sizeof ss / sizeof *ss; j++) {
		z = mb_zipf_new(n, ss[j], &cause);
		assert_non_null(z);

		/* The normalising sum, smallest terms first. */
		h = 0.0;
		for (k = n; k >= 1; k--)
			h += pow((double)k, -ss[j]);
		p = 1.0;
		for (i = 0; i < TOP; i++) {
			observed[i] = 0;
			expected[i] = pow(i + 1, -ss[j]) / h;
			p -= expected[i];
			expected[i] *= SAMPLES;
		}
		observed[TOP] = 0;
		expected[TOP] = p * SAMPLES;

		st = 31 + j;
		for (i = 0; i < SAMPLES; i++) {
			r = mb_zipf_sample(z, splitmix64(&st));
			assert_true(r >= 1 && r <= n);
			observed[r <= TOP ? r - 1 : TOP]++;
		}
		stat = chi2_stat(observed, expected, TOP + 1);
		if (stat >= chi2_crit(TOP))
			fail_msg("s = %g: chi2 %f >= %f", ss[j], stat,
			    chi2_crit(TOP));
		mb_zipf_free(z);
	}
}

/* Weights 1, 2, 3, 0, 4: four possible picks, 3 degrees of freedom. */
static void
test_chi2_weighted(void **state)
{
	enum { SAMPLES = 100000 };
	static const double	 w[] = { 1, 2, 3, 0, 4 };
	static const double	 fit[] = { 1, 2, 3, 4 };
	struct mb_weighted	*wt;
	double			 counts[5] = { 0 };
	double			 observed[4], expected[4], stat;
	uint64_t		 st = 41;
	char			*cause = NULL;
	size_t			 i, pick;

	wt = mb_weighted_new(w, 5, &cause);
	assert_non_null(wt);
	for (i = 0; i < SAMPLES; i++) {
		pick = mb_weighted_pick(wt, next_unit(&st));
		assert_true(pick < 5);
		counts[pick]++;
	}
	assert_true(counts[3] == 0);
	observed[0] = counts[0];
	observed[1] = counts[1];
	observed[2] = counts[2];
	observed[3] = counts[4];
	for (i = 0; i < 4; i++)
		expected[i] = SAMPLES * fit[i] / 10.0;
	stat = chi2_stat(observed, expected, 4);
	if (stat >= chi2_crit(3))
		fail_msg("chi2 %f >= %f", stat, chi2_crit(3));
	mb_weighted_free(wt);
}

/* Wilson-Hilferty against tabulated chi-square values at alpha = 0.001. */
static void
test_chi2_crit(void **state)
{
	assert_true(chi2_crit(3) > 16.266 && chi2_crit(3) < 16.266 * 1.02);
	assert_true(chi2_crit(10) > 29.588 &&
	    chi2_crit(10) < 29.588 * 1.01);
	assert_true(chi2_crit(99) > 148.230 &&
	    chi2_crit(99) < 148.230 * 1.001);
	assert_true(fabs(mb_dist_normal(0.999, 0, 1) - Z_999) < 1e-12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_chi2_crit),
		cmocka_unit_test(test_ks_uniform),
		cmocka_unit_test(test_ks_normal),
		cmocka_unit_test(test_ks_exponential),
		cmocka_unit_test(test_chi2_zipf),
		cmocka_unit_test(test_chi2_zipf_large),
		cmocka_unit_test(test_chi2_weighted),
	};

	return (cmocka_run_group_tests_name("distributions", tests, NULL,
	    NULL));
}
