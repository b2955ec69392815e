/*
 * HDR histogram (Gil Tene's High Dynamic Range histogram), our own code:
 * values from `lowest` to `highest` at `sigfigs` significant decimal
 * digits, recorded with a few shifts and one add, no lock, no allocation.
 * The measurement issue adds the V2 encoding and interval logs.
 *
 * Semantics follow the reference Java implementation: a percentile is the
 * highest value equivalent to the bucket that reaches it, max is the highest
 * equivalent value of the largest value recorded, min the lowest equivalent.
 */
#ifndef MB_HDR_H
#define MB_HDR_H

#include <stddef.h>
#include <stdint.h>

struct hdr;

/* lowest >= 1, highest >= 2 * lowest, 1 <= sigfigs <= 5; NULL if not. */
struct hdr	*hdr_new(int64_t lowest, int64_t highest, int sigfigs);
/* The same, but its memory is touched only where values land: for the
 * many per-motor recorders (hdr_new's is all touched at once, so memory
 * stays flat as a run goes on). */
struct hdr	*hdr_new_lazy(int64_t lowest, int64_t highest, int sigfigs);
void		 hdr_free(struct hdr *);
/* A value below 0 is refused (returns -1); one above highest is counted as
 * highest and counted in hdr_clamped() (so no op is lost). */
int		 hdr_record(struct hdr *, int64_t value);
int		 hdr_record_n(struct hdr *, int64_t value, uint64_t count);
/* Add every count of src to dst (ranges may differ: values re-recorded). */
void		 hdr_add(struct hdr *dst, const struct hdr *src);
void		 hdr_reset(struct hdr *);

uint64_t	 hdr_count(const struct hdr *);
uint64_t	 hdr_clamped(const struct hdr *);
int64_t		 hdr_min(const struct hdr *);
int64_t		 hdr_max(const struct hdr *);
double		 hdr_mean(const struct hdr *);
double		 hdr_stddev(const struct hdr *);
/* percentile in 0..100; 0 for an empty histogram. */
int64_t		 hdr_percentile(const struct hdr *, double percentile);

int64_t		 hdr_lowest(const struct hdr *);
int64_t		 hdr_highest(const struct hdr *);
int		 hdr_sigfigs(const struct hdr *);
/* Bucket arithmetic, exposed for tests and the encoder. */
int64_t		 hdr_lowest_equivalent(const struct hdr *, int64_t value);
int64_t		 hdr_highest_equivalent(const struct hdr *, int64_t value);
int		 hdr_values_equivalent(const struct hdr *, int64_t a, int64_t b);
/* The bucket layout (for tests and the encoder). */
void		 hdr_layout(const struct hdr *, int *unit_magnitude,
		     int64_t *sub_bucket_count, int *bucket_count,
		     size_t *counts_len);

/*
 * Raw slots, for the V2 encoding (src/hdr_log.c): the count at an index of
 * the counts array (0 past its end), the lowest value that index counts,
 * and adding a count there (-1 past the end or if the total would wrap).
 */
uint64_t	 hdr_count_at_index(const struct hdr *, size_t index);
int64_t		 hdr_value_at_index(const struct hdr *, size_t index);
int		 hdr_add_at_index(struct hdr *, size_t index, uint64_t count);

#endif
