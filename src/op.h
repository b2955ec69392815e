/*
 * The op context: the recycled per-op record a motor hands its action. It is
 * allocated when the motor starts, with the driver's private area right
 * after it, and recycled when the op retires: nothing is allocated per op.
 */
#ifndef MB_OP_H
#define MB_OP_H

#include <stddef.h>
#include <stdint.h>

#include "template.h"	/* struct mb_text */

struct mb_motor;
struct mb_opdef;

enum mb_op_state {
	MB_OP_FREE,		/* in the motor's pool */
	MB_OP_INFLIGHT,		/* submitted, the action owns it */
	MB_OP_DONE,		/* completed, on the motor's ready list */
	MB_OP_RETRY,		/* failed, waiting to be tried again */
};

struct mb_op {
	struct mb_op	*next;		/* pool or ready list; the action's
					   while the op is in flight */
	struct mb_motor	*motor;		/* owner; ops never change motor */
	uint64_t	 cycle;		/* the cycle this op runs */
	uint64_t	 intended_ns;	/* with a rate: its scheduled start */
	uint64_t	 start_ns;	/* actual start (submit) */
	uint64_t	 end_ns;	/* completion, set by mb_op_complete */
	uint64_t	 first_ns;	/* the first try's start */
	uint64_t	 deadline_ns;	/* with timeout=: the try fails then
					   (sync drivers check it; async
					   ops are timed out by the engine) */
	uint32_t	 tries;		/* tries so far, this one included */
	struct mb_op	*t_prev;	/* the motor's list of timed ops, */
	struct mb_op	*t_next;	/* oldest first */
	int		 timed;		/* on that list */
	int		 status;	/* 0 success, an errclass id, or
					   MB_OP_ABORTED */
	enum mb_op_state state;
	/* With a workload: the op of this cycle, rendered (else NULL, 0). */
	const struct mb_opdef *def;	/* the workload's op */
	struct mb_text	*argv;		/* its arguments, binary safe */
	uint32_t	 argc;
	char		*buf;		/* where they were rendered */
	size_t		 bufcap;
	/* The driver's private area follows, aligned to 16 bytes. */
	_Alignas(16) unsigned char priv[];
};

/* The status of an op cancelled by a stop: counted apart, not an error. */
#define MB_OP_ABORTED	(-1)

/* The driver's per-op area (driver->op_size bytes, zeroed at start). */
static inline void *
mb_op_priv(struct mb_op *op)
{
	return (op->priv);
}

/*
 * The action tells the motor that op finished, with status 0 or an errclass
 * id. Called on the motor's thread, from submit (sync) or an event callback
 * (async); ops may complete in any order. The op is retired later by the
 * motor, never inside this call.
 */
void	mb_op_complete(struct mb_op *op, int status);

/*
 * The op can never run, whatever the cycle (SQL the server refuses to
 * prepare, say): its motor stops and errors with cause (taken over), so the
 * activity ends with exit 1 and that message, rather than counting the same
 * failure every cycle. Completes the op (counted as aborted). Called on the
 * motor's thread, like mb_op_complete.
 */
void	mb_op_fatal(struct mb_op *op, char *cause);

/*
 * True once the controller asked the op's motor to abort (a stop's drain
 * ran out). A sync driver blocked in submit polls it to give up early and
 * complete the op with MB_OP_ABORTED; async drivers get cancel() instead.
 */
int	mb_op_aborting(const struct mb_op *op);

#endif
