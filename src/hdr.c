/*
 * HDR histogram with the bucket layout of the reference (Java and C)
 * HdrHistogram, so the counts array means the same thing index for index
 * and a V2 encoding of it is what the reference tools expect.
 *
 * Values are split into buckets; bucket 0 holds sub_bucket_count slots of
 * width 2^unit_magnitude, every later bucket holds the upper half of its
 * sub-buckets (the lower half would repeat the previous bucket) at twice the
 * width of the previous one.  The counts array is therefore
 * (bucket_count + 1) * sub_bucket_half_count long.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "xmalloc.h"

struct hdr {
	int64_t		 lowest;	/* as asked: the smallest unit wanted */
	int64_t		 highest;	/* larger values are clamped to it */
	int		 sigfigs;	/* significant decimal digits kept */

	int		 unit_magnitude; /* floor(log2(lowest)) */
	int		 half_magnitude; /* log2(sub_bucket_half_count) */
	int		 lzc_base;	/* clz(value | mask) -> bucket */
	int64_t		 sub_bucket_count;
	int64_t		 sub_bucket_half_count;
	uint64_t	 sub_bucket_mask; /* (sub_bucket_count-1) << unit */
	int		 bucket_count;
	size_t		 counts_len;

	uint64_t	 total;		/* values recorded, clamped ones too */
	uint64_t	 clamped;	/* values recorded as highest */
	int64_t		 min;		/* raw; INT64_MAX when empty */
	int64_t		 max;		/* raw; 0 when empty */
	uint64_t	*counts;
};

/*
 * Not in hdr.h since nothing outside needs the private layout, but the
 * tests compare it with the reference; declared here for
 * -Wmissing-prototypes and again in tests/test_hdr.c.
 */

/* Which bucket a value falls in: its magnitude above the first bucket. */
static inline int
hdr_bucket_index(const struct hdr *h, int64_t value)
{
	/* The mask keeps small values in bucket 0 (and clz defined). */
	return (h->lzc_base -
	    __builtin_clzll((uint64_t)value | h->sub_bucket_mask));
}

static inline size_t
hdr_counts_index(const struct hdr *h, int64_t value)
{
	int	bucket;

	bucket = hdr_bucket_index(h, value);
	return (((size_t)(bucket + 1) << h->half_magnitude) +
	    (size_t)((value >> (bucket + h->unit_magnitude)) -
	    h->sub_bucket_half_count));
}

/* The lowest value counted at an index (the reference's valueFromIndex). */
static int64_t
hdr_value_from_index(const struct hdr *h, size_t index)
{
	int	bucket;
	int64_t	sub;

	bucket = (int)(index >> h->half_magnitude) - 1;
	sub = (int64_t)(index & (size_t)(h->sub_bucket_half_count - 1)) +
	    h->sub_bucket_half_count;
	if (bucket < 0) {
		/* Bucket 0 uses its lower half too. */
		sub -= h->sub_bucket_half_count;
		bucket = 0;
	}
	return (sub << (bucket + h->unit_magnitude));
}

/* Width of the slot holding value: 2^(unit + bucket). */
static int64_t
hdr_range_size(const struct hdr *h, int64_t value)
{
	return ((int64_t)1 << (h->unit_magnitude + hdr_bucket_index(h, value)));
}

static int64_t
hdr_median_equivalent(const struct hdr *h, int64_t value)
{
	return (hdr_lowest_equivalent(h, value) +
	    (hdr_range_size(h, value) >> 1));
}

/* The reference's getBucketsNeededToCoverValue. */
static int
hdr_buckets_needed(int64_t sub_bucket_count, int unit, int64_t value)
{
	int64_t	untrackable;
	int	n;

	untrackable = sub_bucket_count << unit;
	for (n = 1; untrackable <= value; n++) {
		if (untrackable > INT64_MAX / 2)
			return (n + 1);
		untrackable <<= 1;
	}
	return (n);
}

static struct hdr *hdr_make(int64_t, int64_t, int, int);

struct hdr *
hdr_new(int64_t lowest, int64_t highest, int sigfigs)
{
	return (hdr_make(lowest, highest, sigfigs, 0));
}

struct hdr *
hdr_new_lazy(int64_t lowest, int64_t highest, int sigfigs)
{
	return (hdr_make(lowest, highest, sigfigs, 1));
}

static struct hdr *
hdr_make(int64_t lowest, int64_t highest, int sigfigs, int lazy)
{
	struct hdr	*h;
	int64_t		 single_unit;
	int		 count_magnitude, half_magnitude, unit_magnitude, i;

	if (lowest < 1 || sigfigs < 1 || sigfigs > 5)
		return (NULL);
	if (lowest > INT64_MAX / 2 || highest < 2 * lowest)
		return (NULL);

	/*
	 * Values up to 2 * 10^sigfigs get single-unit resolution: that many
	 * sub-buckets, rounded up to a power of two.
	 */
	single_unit = 2;
	for (i = 0; i < sigfigs; i++)
		single_unit *= 10;
	for (count_magnitude = 0; ((int64_t)1 << count_magnitude) <
	    single_unit; count_magnitude++)
		continue;
	half_magnitude = (count_magnitude > 1 ? count_magnitude : 1) - 1;
	unit_magnitude = 63 - __builtin_clzll((uint64_t)lowest);
	/* The sub-bucket mask must fit in an int64_t. */
	if (unit_magnitude + half_magnitude > 61)
		return (NULL);

	h = xcalloc(1, sizeof *h);
	h->lowest = lowest;
	h->highest = highest;
	h->sigfigs = sigfigs;
	h->unit_magnitude = unit_magnitude;
	h->half_magnitude = half_magnitude;
	h->sub_bucket_count = (int64_t)1 << (h->half_magnitude + 1);
	h->sub_bucket_half_count = h->sub_bucket_count / 2;
	h->sub_bucket_mask = (uint64_t)(h->sub_bucket_count - 1) <<
	    h->unit_magnitude;
	h->lzc_base = 64 - h->unit_magnitude - h->half_magnitude - 1;
	h->bucket_count = hdr_buckets_needed(h->sub_bucket_count,
	    h->unit_magnitude, highest);
	h->counts_len = (size_t)(h->bucket_count + 1) *
	    (size_t)h->sub_bucket_half_count;

	/* Written now, not as buckets get their first count: calloc's lazy
	 * zero pages would make memory grow with the run's length. Lazy:
	 * only the pages of values seen cost memory (many small ones). */
	if (lazy)
		h->counts = xcalloc(h->counts_len, sizeof *h->counts);
	else {
		h->counts = xmalloc(h->counts_len * sizeof *h->counts);
		memset(h->counts, 0, h->counts_len * sizeof *h->counts);
	}
	h->min = INT64_MAX;
	return (h);
}

void
hdr_free(struct hdr *h)
{
	if (h == NULL)
		return;
	free(h->counts);
	free(h);
}

void
hdr_layout(const struct hdr *h, int *unit_magnitude,
    int64_t *sub_bucket_count, int *bucket_count, size_t *counts_len)
{
	*unit_magnitude = h->unit_magnitude;
	*sub_bucket_count = h->sub_bucket_count;
	*bucket_count = h->bucket_count;
	*counts_len = h->counts_len;
}

/* count more values at index, value standing for them; min and max too. */
static inline void
hdr_count_into(struct hdr *h, size_t index, int64_t value, uint64_t count)
{
	h->counts[index] += count;
	h->total += count;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
}

/* On every op's path: a few shifts and adds, no loop, no division. */
int
hdr_record_n(struct hdr *h, int64_t value, uint64_t count)
{
	if (value < 0)
		return (-1);
	if (count == 0)
		return (0);	/* nothing seen: leave min and max alone */
	if (value > h->highest) {
		value = h->highest;
		h->clamped += count;
	}
	hdr_count_into(h, hdr_counts_index(h, value), value, count);
	return (0);
}

int
hdr_record(struct hdr *h, int64_t value)
{
	return (hdr_record_n(h, value, 1));
}

/* Counts outside [*lo, *hi] are zero (min and max bound the values seen):
 * adding and resetting touch only that, not the whole array. */
static void
hdr_used(const struct hdr *h, size_t *lo, size_t *hi)
{
	*lo = hdr_counts_index(h, h->min);
	*hi = hdr_counts_index(h, h->max);
	if (*hi >= h->counts_len)
		*hi = h->counts_len - 1;
}

void
hdr_add(struct hdr *dst, const struct hdr *src)
{
	uint64_t	before;
	size_t		i, lo, hi;

	if (src->total == 0)
		return;
	/* A value above dst's highest must be clamped: re-record then. */
	if (dst->unit_magnitude == src->unit_magnitude &&
	    dst->half_magnitude == src->half_magnitude &&
	    dst->counts_len == src->counts_len && src->max <= dst->highest) {
		hdr_used(src, &lo, &hi);
		for (i = lo; i <= hi; i++)
			dst->counts[i] += src->counts[i];
		dst->total += src->total;
		dst->clamped += src->clamped;
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
		return;
	}

	before = dst->clamped;
	hdr_used(src, &lo, &hi);
	for (i = lo; i <= hi; i++) {
		if (src->counts[i] != 0)
			hdr_record_n(dst, hdr_value_from_index(src, i),
			    src->counts[i]);
	}
	/*
	 * src's clamped values sit in its top slot; if re-recording clamped
	 * that slot again they are already in the new count, else add them.
	 */
	if (dst->clamped - before < src->clamped)
		dst->clamped = before + src->clamped;
}

void
hdr_reset(struct hdr *h)
{
	size_t	lo, hi;

	if (h->total != 0) {
		hdr_used(h, &lo, &hi);
		memset(h->counts + lo, 0, (hi - lo + 1) * sizeof *h->counts);
	}
	h->total = 0;
	h->clamped = 0;
	h->min = INT64_MAX;
	h->max = 0;
}

uint64_t
hdr_count(const struct hdr *h)
{
	return (h->total);
}

uint64_t
hdr_clamped(const struct hdr *h)
{
	return (h->clamped);
}

int64_t
hdr_min(const struct hdr *h)
{
	if (h->total == 0)
		return (0);
	return (hdr_lowest_equivalent(h, h->min));
}

int64_t
hdr_max(const struct hdr *h)
{
	/* Like the reference, a histogram of zeros has max 0. */
	if (h->total == 0 || h->max == 0)
		return (0);
	return (hdr_highest_equivalent(h, h->max));
}

/* Mean and stddev take each slot at its middle, as the reference does. */
double
hdr_mean(const struct hdr *h)
{
	double	sum;
	size_t	i;

	if (h->total == 0)
		return (0.0);
	sum = 0.0;
	for (i = 0; i < h->counts_len; i++) {
		if (h->counts[i] != 0)
			sum += (double)hdr_median_equivalent(h,
			    hdr_value_from_index(h, i)) * (double)h->counts[i];
	}
	return (sum / (double)h->total);
}

double
hdr_stddev(const struct hdr *h)
{
	double	mean, dev, sum;
	size_t	i;

	if (h->total == 0)
		return (0.0);
	mean = hdr_mean(h);
	sum = 0.0;
	for (i = 0; i < h->counts_len; i++) {
		if (h->counts[i] == 0)
			continue;
		dev = (double)hdr_median_equivalent(h,
		    hdr_value_from_index(h, i)) - mean;
		sum += dev * dev * (double)h->counts[i];
	}
	return (sqrt(sum / (double)h->total));
}

int64_t
hdr_percentile(const struct hdr *h, double percentile)
{
	double		p, fcount;
	uint64_t	at, seen;
	size_t		i;

	if (h->total == 0)
		return (0);
	if (percentile >= 100.0)
		return (hdr_max(h));
	/*
	 * One ulp down first, as the reference does, so 99.99% of 10001
	 * is 10000 and not 10000.000000000002 rounded up to 10001.
	 */
	p = nextafter(percentile, -INFINITY);
	if (!(p > 0.0))
		p = 0.0;
	fcount = ceil(p / 100.0 * (double)h->total);
	at = fcount >= (double)h->total ? h->total : (uint64_t)fcount;
	if (at < 1)
		at = 1;

	seen = 0;
	for (i = 0; i < h->counts_len; i++) {
		seen += h->counts[i];
		if (seen >= at)
			break;
	}
	if (i == h->counts_len)
		return (0);	/* cannot happen: counts sum to total */
	/* The reference answers percentile 0 with the lowest equivalent. */
	if (p == 0.0)
		return (hdr_lowest_equivalent(h, hdr_value_from_index(h, i)));
	return (hdr_highest_equivalent(h, hdr_value_from_index(h, i)));
}

int64_t
hdr_lowest(const struct hdr *h)
{
	return (h->lowest);
}

int64_t
hdr_highest(const struct hdr *h)
{
	return (h->highest);
}

int
hdr_sigfigs(const struct hdr *h)
{
	return (h->sigfigs);
}

int64_t
hdr_lowest_equivalent(const struct hdr *h, int64_t value)
{
	int	bucket;

	if (value < 0)
		value = 0;
	bucket = hdr_bucket_index(h, value);
	bucket += h->unit_magnitude;
	return ((value >> bucket) << bucket);
}

int64_t
hdr_highest_equivalent(const struct hdr *h, int64_t value)
{
	uint64_t	next;

	if (value < 0)
		value = 0;
	/* In unsigned: the top slot can end at 2^63. */
	next = (uint64_t)hdr_lowest_equivalent(h, value) +
	    (uint64_t)hdr_range_size(h, value);
	if (next - 1 > (uint64_t)INT64_MAX)
		return (INT64_MAX);
	return ((int64_t)(next - 1));
}

int
hdr_values_equivalent(const struct hdr *h, int64_t a, int64_t b)
{
	return (hdr_lowest_equivalent(h, a) == hdr_lowest_equivalent(h, b));
}

uint64_t
hdr_count_at_index(const struct hdr *h, size_t index)
{
	if (index >= h->counts_len)
		return (0);
	return (h->counts[index]);
}

int64_t
hdr_value_at_index(const struct hdr *h, size_t index)
{
	if (index >= h->counts_len)
		index = h->counts_len - 1;
	return (hdr_value_from_index(h, index));
}

/* Like hdr_record_n but by slot: a decoded slot may lie above highest. */
int
hdr_add_at_index(struct hdr *h, size_t index, uint64_t count)
{
	int64_t	value;

	if (index >= h->counts_len || count > UINT64_MAX - h->total)
		return (-1);
	if (count == 0)
		return (0);
	value = hdr_value_from_index(h, index);
	hdr_count_into(h, index, value, count);
	return (0);
}
