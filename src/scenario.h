/*
 * Scenarios: a workload file's named Lua functions that run activities in
 * order (schema, rampup, main) and change them live. A scenario runs as a
 * coroutine in the controller's Lua state; mb.run, a:await() and mb.sleep
 * yield to the control loop, which resumes it when their wait is over.
 */
#ifndef MB_SCENARIO_H
#define MB_SCENARIO_H

#include <stdio.h>

#include "control.h"
#include "params.h"

/* Run scenario name (NULL: "default") of file with the command line's
 * params: an exit status (MB_EXIT_*); *cause says why when it is not 0. */
int	mb_scenario_run(const char *file, const char *name,
	    const struct mb_params *cli, const struct mb_control_opts *,
	    char **cause);
/* Print the file's scenarios with their descriptions; -1 and *cause. */
int	mb_scenario_list(FILE *, const char *file, char **cause);

/* For the REPL: the controller's state (the workload loaded, its table or
 * nil on top of the stack) where each line runs as the coroutine. */
struct lua_State;
struct mb_activity;
struct mb_scenario;
struct mb_scenario_hooks {
	/* The coroutine returned (err NULL, its results on the thread's
	 * stack) or failed (err: the message and a traceback). */
	void	(*ended)(void *, const char *err);
	/* Around a summary printed from the loop (begin 1, then 0). */
	void	(*output)(void *, int begin);
	/* Something ended: the REPL may be able to quit. */
	void	(*settle)(void *);
};
struct mb_scenario *mb_scenario_open(const char *file,
	    const struct mb_params *cli, const struct mb_control_opts *,
	    const struct mb_scenario_hooks *, void *, char **cause);
void	mb_scenario_close(struct mb_scenario *);
struct lua_State *mb_scenario_lua(struct mb_scenario *);
struct lua_State *mb_scenario_thread(struct mb_scenario *);
struct mb_control *mb_scenario_control(struct mb_scenario *);
int	mb_scenario_busy(struct mb_scenario *);
/* Run the function on top of the state as the coroutine. */
void	mb_scenario_spawn(struct mb_scenario *);
/* End the coroutine's wait: its mb.sleep or a:await() raises why. */
void	mb_scenario_cancel(struct mb_scenario *, const char *why);
/* The activity of the handle at idx (a Lua error if it is none). */
struct mb_activity *mb_scenario_activity(struct lua_State *, int idx);

#endif
