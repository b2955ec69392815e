/*
 * Fuzz src/hdr_log.c: the input as an interval log, as the bytes of a V2
 * or compressed encoding, and as a base64 payload (each cheap to refuse,
 * so every input takes all three).  A histogram that decodes must give
 * consistent statistics and survive an encode and decode unchanged; the
 * intervals of a log merge to their summed counts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hdr.h"
#include "hdr_log.h"

/* Statistics within the histogram's values, and in order. */
static void
fuzz_stats(const struct hdr *h)
{
	int64_t	p0, p50, p99, max;
	double	mean;

	if (hdr_count(h) == 0) {
		FUZZ_ASSERT(hdr_max(h) == 0 && hdr_percentile(h, 50) == 0);
		return;
	}
	max = hdr_max(h);
	p0 = hdr_percentile(h, 0);
	p50 = hdr_percentile(h, 50);
	p99 = hdr_percentile(h, 99.9);
	mean = hdr_mean(h);
	FUZZ_ASSERT(hdr_min(h) >= 0 && p0 <= p50 && p50 <= p99);
	FUZZ_ASSERT(hdr_percentile(h, 100) == max);
	FUZZ_ASSERT(mean >= 0 && hdr_stddev(h) >= 0);
	/*
	 * Max is 0 when only zeros were counted (as the reference has it),
	 * though their slot's percentiles and mean are above 0.
	 */
	if (max != 0) {
		FUZZ_ASSERT(hdr_min(h) <= max && p99 <= max);
		FUZZ_ASSERT(mean <= (double)max * (1 + 1e-9) + 1);
	}
}

/* Encoded and decoded again, every count is where it was. */
static void
fuzz_roundtrip(const struct hdr *h)
{
	struct hdr	*back;
	char		*b64, *cause = NULL;
	size_t		 i, len;
	int64_t		 sub;
	int		 unit, buckets;

	FUZZ_ASSERT(hdr_log_encode(h, &b64, &cause) == 0 && cause == NULL);
	back = hdr_log_decode(b64, strlen(b64), &cause);
	FUZZ_ASSERT(back != NULL && cause == NULL);
	FUZZ_ASSERT(hdr_lowest(back) == hdr_lowest(h) &&
	    hdr_highest(back) == hdr_highest(h) &&
	    hdr_sigfigs(back) == hdr_sigfigs(h));
	FUZZ_ASSERT(hdr_count(back) == hdr_count(h));
	FUZZ_ASSERT(hdr_min(back) == hdr_min(h) && hdr_max(back) == hdr_max(h));
	hdr_layout(h, &unit, &sub, &buckets, &len);
	for (i = 0; i < len; i++)
		FUZZ_ASSERT(hdr_count_at_index(back, i) ==
		    hdr_count_at_index(h, i));
	hdr_free(back);
	free(b64);
}

/*
 * Checks walk every count a few times: only for histograms of up to 128K
 * counts (1 ns..1 h at 3 digits has 33K), or a 40-byte header asking for
 * 6M counts makes every run take a tenth of a second.
 */
#define FUZZ_CHECK_COUNTS_MAX	((size_t)1 << 17)

static void
fuzz_decoded(struct hdr *h, char *cause)
{
	int64_t	sub;
	size_t	len;
	int	unit, buckets;

	if (h == NULL) {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
		return;
	}
	FUZZ_ASSERT(cause == NULL);
	hdr_layout(h, &unit, &sub, &buckets, &len);
	if (len <= FUZZ_CHECK_COUNTS_MAX) {
		fuzz_stats(h);
		fuzz_roundtrip(h);
	}
	hdr_free(h);
}

static int
fuzz_same_tag(const char *a, const char *b)
{
	return (a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0);
}

/* Each tag's intervals (and the untagged ones) merge to their total. */
static void
fuzz_merge(const struct hdr_log *log)
{
	struct hdr	*m;
	const char	*tag;
	uint64_t	 sum;
	size_t		 i, j;

	for (i = 0; i < log->n; i++) {
		tag = log->intervals[i].tag;
		FUZZ_ASSERT(tag == NULL || hdr_log_tag_valid(tag));
		/* Once per tag: at its first interval. */
		for (j = 0; j < i; j++) {
			if (fuzz_same_tag(log->intervals[j].tag, tag))
				break;
		}
		if (j < i)
			continue;
		sum = 0;
		for (j = i; j < log->n; j++) {
			if (fuzz_same_tag(log->intervals[j].tag, tag))
				sum += hdr_count(log->intervals[j].h);
		}
		m = hdr_log_merge(log, tag);
		FUZZ_ASSERT(m != NULL && hdr_count(m) == sum);
		hdr_free(m);
	}
}

/* A reader's callback: keeps the first histogram, stops at the second. */
static int
fuzz_keep_first(struct hdr_log_interval *iv, void *arg, char **cause)
{
	struct hdr	**first = arg;

	if (*first != NULL) {
		*cause = strdup("stopped");
		FUZZ_ASSERT(*cause != NULL);
		return (-1);
	}
	*first = iv->h;
	iv->h = NULL;
	return (0);
}

static void
fuzz_log(const uint8_t *data, size_t size)
{
	struct hdr_log	 log, again;
	struct hdr	*first = NULL;
	FILE		*f;
	char		*cause = NULL;

	/* fmemopen refuses an empty buffer on older C libraries. */
	if (size == 0)
		return;
	f = fmemopen((void *)(uintptr_t)data, size, "r");
	FUZZ_ASSERT(f != NULL);
	if (hdr_log_read(f, &log, &cause) != 0) {
		FUZZ_ASSERT(cause != NULL && log.n == 0 &&
		    log.intervals == NULL);
		free(cause);
		fclose(f);
		return;
	}
	FUZZ_ASSERT(cause == NULL);
	fuzz_merge(&log);

	/* Read again, stopped by the callback: its cause comes back. */
	if (log.n >= 2) {
		rewind(f);
		FUZZ_ASSERT(hdr_log_read_each(f, &again, fuzz_keep_first,
		    &first, &cause) == -1);
		FUZZ_ASSERT(cause != NULL && strcmp(cause, "stopped") == 0);
		FUZZ_ASSERT(first != NULL &&
		    hdr_count(first) == hdr_count(log.intervals[0].h));
		free(cause);
		hdr_free(first);
	}
	hdr_log_clear(&log);
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr	*h;
	char		*cause = NULL;

	fuzz_log(data, size);
	h = hdr_log_decode_bytes(data, size, &cause);
	fuzz_decoded(h, cause);
	cause = NULL;
	h = hdr_log_decode((const char *)data, size, &cause);
	fuzz_decoded(h, cause);
	return (0);
}
