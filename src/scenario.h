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

#endif
