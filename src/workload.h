/*
 * A workload file, read once on the controller: its driver, params,
 * bindings and blocks of op templates, checked and compiled into C data
 * that every motor shares read-only, plus the compiled chunk that each
 * motor loads into its own Lua state (for callbacks).
 */
#ifndef MB_WORKLOAD_H
#define MB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "bindings.h"
#include "opseq.h"
#include "params.h"
#include "template.h"

/* One op of a block: its templates (one per argument) and how often. */
struct mb_opdef {
	char			 *name;
	size_t			  index;	/* position in its block */
	int			  array_pos;	/* ops[array_pos], 0 in a map */
	uint64_t		  ratio;
	struct mb_template	**args;
	size_t			  nargs;
	int			  on_result;	/* has a completion callback */
};

struct mb_block {
	char			*name;
	struct mb_opdef		*ops;		/* in sequencing order */
	size_t			 nops;
};

struct mb_workload {
	char			*file;		/* as given */
	char			*description;
	char			*driver;	/* its driver=, or NULL */
	char			*chunk;		/* lua_dump of the file */
	size_t			 chunklen;
	struct mb_params	 declared;	/* mb.params{} names, defaults */
	struct mb_bindings	*bindings;
	struct mb_block		*blocks;	/* by name */
	size_t			 nblocks;
	/* The block this activity runs, and its op sequence. */
	const struct mb_block	*block;
	uint32_t		*seq;
	size_t			 seqlen;
	size_t			 maxargs;	/* over the block's ops */
};

/* Read and check file with params visible to it; -1 and *cause
 * ("FILE:LINE: ..." or "FILE: block 'x', op 'y': ...") when it is wrong. */
struct mb_workload	*mb_workload_load(const char *file,
			     const struct mb_params *, char **cause);
void			 mb_workload_free(struct mb_workload *);
/* Choose the block (NULL: the only one, or "main") and plan its sequence. */
int			 mb_workload_select(struct mb_workload *,
			     const char *block, enum mb_seq, char **cause);
/* The op of a cycle. */
static inline const struct mb_opdef *
mb_workload_op(const struct mb_workload *w, uint64_t cycle)
{
	return (&w->block->ops[w->seq[cycle % w->seqlen]]);
}

#endif
