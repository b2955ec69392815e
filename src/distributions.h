/*
 * Distributions as pure functions of their inputs: a uniform u in [0, 1)
 * (or a 64-bit seed) goes in, a sample comes out, so a cycle always maps to
 * the same value.  Samplers allocate nothing; the tables of zipf and
 * weighted are built once by their _new and are read-only afterwards, so
 * one can be shared by every thread.
 */
#ifndef MB_DISTRIBUTIONS_H
#define MB_DISTRIBUTIONS_H

#include <stddef.h>
#include <stdint.h>

/* A uniform double in [0, 1) from the top 53 of 64 random bits. */
double	 mb_dist_unit(uint64_t bits);
/* Inverse CDFs of a uniform u in [0, 1). */
double	 mb_dist_uniform(double u, double lo, double hi);	/* in [lo, hi) */
double	 mb_dist_normal(double u, double mean, double sd);	/* u = 0 gives a finite value */
double	 mb_dist_exponential(double u, double mean);
/* Zipf over ranks 1..n with exponent s (s > 0, s == 1 allowed): rank 1 is the most frequent. */
struct mb_zipf;
struct mb_zipf	*mb_zipf_new(uint64_t n, double s, char **cause);	/* n >= 1, s > 0 and finite */
void		 mb_zipf_free(struct mb_zipf *);
/* The rank for a 64-bit seed (already hashed); deterministic. */
uint64_t	 mb_zipf_sample(const struct mb_zipf *, uint64_t seed);
/* Weighted choice of an index 0..n-1 with probability w[i] / sum(w). */
struct mb_weighted;
struct mb_weighted *mb_weighted_new(const double *w, size_t n, char **cause);	/* n >= 1, every w >= 0 and finite, sum > 0 */
void		 mb_weighted_free(struct mb_weighted *);
size_t		 mb_weighted_pick(const struct mb_weighted *, double u);	/* inverse CDF: cumulative weights + binary search */

#endif
