/*
 * Op sequence planning: a workload's ops and their ratios become a fixed
 * sequence of op indexes, and cycle c runs op seq[c % len]. The three modes
 * plan exactly as NoSQLBench's sequencers do, so a workload interleaves its
 * ops the same way under both.
 */
#ifndef MB_OPSEQ_H
#define MB_OPSEQ_H

#include <stddef.h>
#include <stdint.h>

enum mb_seq { MB_SEQ_BUCKET, MB_SEQ_CONCAT, MB_SEQ_INTERVAL };

/* "bucket" "concat" "interval" -> the mode; -1 and *cause (naming seq=, the value, and the three names) otherwise. */
int	 mb_opseq_mode(const char *name, enum mb_seq *out, char **cause);
const char *mb_opseq_name(enum mb_seq);
/* Plan: *seq is allocated (caller frees), *len its length. */
int	 mb_opseq_plan(enum mb_seq, const uint64_t *ratios, size_t nops, uint32_t **seq, size_t *len, char **cause);

#endif
