/*
 * The driver interface. A driver is one const table (src/drivers/NAME.c
 * exports mb_driver_NAME) listed in src/drivers.c; the engine never names a
 * driver. Lifecycle, for one activity:
 *
 *   init      on the controller, once: check params, build shared state
 *   open      on each motor's thread: the action (connections, timers)
 *   op_init   once per op context when the motor allocates its pool
 *   submit    per op: start it; complete it now (sync) or from a callback
 *             on the motor's event_base (async) with mb_op_complete();
 *             with a workload, op->argv holds the op's rendered arguments
 *   cancel    the op must not complete any more (stop, timeout)
 *   op_fini, close, fini   in reverse order
 */
#ifndef MB_DRIVER_H
#define MB_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "op.h"
#include "params.h"

struct event_base;
struct lua_State;

#define MB_DRIVER_SYNC		0x1	/* has a sync action */
#define MB_DRIVER_ASYNC		0x2	/* has an async action (async=N) */
#define MB_DRIVER_PRECISE_TIMERS 0x4	/* its timers need microseconds */

enum mb_submit {
	MB_SUBMIT_OK,		/* accepted (and maybe already complete) */
	MB_SUBMIT_FULL,		/* not accepted: retry after a completion */
};

/* What a motor gives its driver's open(). */
struct mb_action_env {
	struct event_base		*base;		/* the motor's loop */
	const struct mb_params		*params;	/* the activity's */
	void				*shared;	/* from init() */
	unsigned			 motor_index;
	uint32_t			 async_limit;	/* 0: sync */
};

struct mb_driver {
	const char			*name;
	const char			*summary;	/* one line */
	const char			*help;		/* paragraphs */
	const struct mb_param_spec	*params;	/* ends with {NULL} */
	unsigned			 flags;		/* MB_DRIVER_* */
	size_t				 op_size;	/* private bytes per op */

	void	*(*init)(const struct mb_params *, char **cause);
	void	 (*fini)(void *shared);
	void	*(*open)(const struct mb_action_env *, char **cause);
	void	 (*close)(void *action);
	void	 (*op_init)(void *action, struct mb_op *);
	void	 (*op_fini)(void *action, struct mb_op *);
	enum mb_submit (*submit)(void *action, struct mb_op *);
	void	 (*cancel)(void *action, struct mb_op *);
	/* Optional: push the op's result (one Lua value) for on_result. */
	void	 (*push_result)(void *action, struct mb_op *,
		     struct lua_State *);
};

#endif
