/*
 * A workload's per-motor runtime: the motor's own Lua state with the
 * workload file loaded (params visible), its completion callbacks, and the
 * binding values it renders op templates with. Created on the motor's
 * thread; nothing in it is shared.
 */
#ifndef MB_RUNTIME_H
#define MB_RUNTIME_H

#include <lua.h>

#include "op.h"
#include "params.h"
#include "workload.h"

struct mb_runtime;

/* How a driver hands its result to on_result: push one Lua value. */
typedef void (*mb_runtime_push)(void *action, struct mb_op *, lua_State *);

struct mb_runtime *mb_runtime_new(const struct mb_workload *,
		     const struct mb_params *, unsigned motor_index,
		     char **cause);
void		 mb_runtime_free(struct mb_runtime *);
/* Give an op context its argument slots and render buffer (at start). */
void		 mb_runtime_op_init(struct mb_runtime *, struct mb_op *);
void		 mb_runtime_op_fini(struct mb_runtime *, struct mb_op *);
/* Pick the op of op->cycle and render its arguments: no allocation once
 * the buffer has grown to the largest op (warm-up). 0, or the errclass
 * id of binding-error when a value could not be made (b.fn failed). */
int		 mb_runtime_render(struct mb_runtime *, struct mb_op *);
/* After a successful op: run its on_result, which may fail it (class
 * from mb.fail, or lua-error when the callback raised an error). */
void		 mb_runtime_result(struct mb_runtime *, struct mb_op *,
		     mb_runtime_push, void *action);

#endif
