/* Op sequence planning: bucket, concat and interval, as NoSQLBench. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "opseq.h"
#include "xmalloc.h"

#define OPSEQ_RATIO_MAX		1000000ULL	/* per op */
#define OPSEQ_TOTAL_MAX		100000000ULL	/* sum of the ratios */

/* Indexed by enum mb_seq. */
static const char *opseq_names[] = { "bucket", "concat", "interval" };

struct opseq_slot {
	double		pos;	/* on the unit interval */
	uint32_t	op;
};

int
mb_opseq_mode(const char *name, enum mb_seq *out, char **cause)
{
	size_t	i;

	for (i = 0; i < sizeof opseq_names / sizeof opseq_names[0]; i++) {
		if (strcmp(name, opseq_names[i]) == 0) {
			*out = (enum mb_seq)i;
			return (0);
		}
	}
	*cause = xfmt("seq=%s: unknown sequencer; expected bucket, concat or "
	    "interval", name);
	return (-1);
}

const char *
mb_opseq_name(enum mb_seq mode)
{
	if ((size_t)mode >= sizeof opseq_names / sizeof opseq_names[0])
		return ("unknown");
	return (opseq_names[mode]);
}

/* Each op's run of ratio copies, in op order. */
static void
opseq_concat(const uint64_t *ratios, size_t nops, uint32_t *seq)
{
	size_t		i, n = 0;
	uint64_t	j;

	for (i = 0; i < nops; i++)
		for (j = 0; j < ratios[i]; j++)
			seq[n++] = (uint32_t)i;
}

/*
 * Round k takes one from every op whose ratio exceeds k. Emptied ops leave
 * the live list, so the work is the sequence's length however many ops
 * have small or zero ratios.
 */
static void
opseq_bucket(const uint64_t *ratios, size_t nops, uint32_t *seq)
{
	uint32_t	*live;
	size_t		 nlive = 0, keep, i, n = 0;
	uint64_t	 round;

	live = xreallocarray(NULL, nops, sizeof *live);
	for (i = 0; i < nops; i++) {
		if (ratios[i] > 0)
			live[nlive++] = (uint32_t)i;
	}
	for (round = 1; nlive > 0; round++) {
		for (i = keep = 0; i < nlive; i++) {
			seq[n++] = live[i];
			if (ratios[live[i]] > round)
				live[keep++] = live[i];
		}
		nlive = keep;
	}
	free(live);
}

/* Earlier position first; the same position, earlier op first. */
static int
opseq_slot_cmp(const void *a, const void *b)
{
	const struct opseq_slot	*x = a, *y = b;

	if (x->pos != y->pos)
		return (x->pos < y->pos ? -1 : 1);
	return (x->op < y->op ? -1 : x->op > y->op);
}

/*
 * Op i's r slots sit at j/r, j = 0..r-1, as NoSQLBench's IntervalSequencer
 * computes them ((double)p / (double)freq): equal fractions such as 1/3
 * and 2/6 then give equal doubles, and the tie goes to the earlier op.
 */
static void
opseq_interval(const uint64_t *ratios, size_t nops, uint32_t *seq,
    size_t len)
{
	struct opseq_slot	*slots;
	size_t			 i, n = 0;
	uint64_t		 j;

	slots = xreallocarray(NULL, len, sizeof *slots);
	for (i = 0; i < nops; i++) {
		for (j = 0; j < ratios[i]; j++) {
			slots[n].pos = (double)j / (double)ratios[i];
			slots[n++].op = (uint32_t)i;
		}
	}
	qsort(slots, len, sizeof *slots, opseq_slot_cmp);
	for (n = 0; n < len; n++)
		seq[n] = slots[n].op;
	free(slots);
}

int
mb_opseq_plan(enum mb_seq mode, const uint64_t *ratios, size_t nops,
    uint32_t **seq, size_t *len, char **cause)
{
	uint64_t	total = 0;
	size_t		i;

	*seq = NULL;
	*len = 0;
	if ((size_t)mode >= sizeof opseq_names / sizeof opseq_names[0]) {
		*cause = xfmt("op sequence: unknown sequencer %d", (int)mode);
		return (-1);
	}
	if (nops == 0) {
		*cause = xfmt("op sequence: the workload has no ops to run");
		return (-1);
	}
	if (nops > UINT32_MAX) {
		*cause = xfmt("op sequence: %zu ops, above the limit of %u",
		    nops, UINT32_MAX);
		return (-1);
	}
	for (i = 0; i < nops; i++) {
		if (ratios[i] > OPSEQ_RATIO_MAX) {
			*cause = xfmt("op sequence: op %zu has ratio %llu, "
			    "above the limit of %llu per op", i,
			    (unsigned long long)ratios[i], OPSEQ_RATIO_MAX);
			return (-1);
		}
		total += ratios[i];	/* at most nops * 1e6: no overflow */
	}
	if (total == 0) {
		*cause = xfmt("op sequence: every op has ratio 0, so there is "
		    "nothing to run");
		return (-1);
	}
	if (total > OPSEQ_TOTAL_MAX) {
		*cause = xfmt("op sequence: the ratios add up to %llu, above "
		    "the limit of %llu ops in a sequence",
		    (unsigned long long)total, OPSEQ_TOTAL_MAX);
		return (-1);
	}

	*seq = xreallocarray(NULL, total, sizeof **seq);
	*len = total;
	switch (mode) {
	case MB_SEQ_BUCKET:
		opseq_bucket(ratios, nops, *seq);
		break;
	case MB_SEQ_CONCAT:
		opseq_concat(ratios, nops, *seq);
		break;
	case MB_SEQ_INTERVAL:
		opseq_interval(ratios, nops, *seq, total);
		break;
	}
	return (0);
}
