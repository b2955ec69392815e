/*
 * The REPL: `moonbench repl [WORKLOAD.lua] [name=value ...]`, a Lua prompt
 * in the controller's state, driven by the control loop. Each line runs
 * as the scenario coroutine, so activities and reporting go on while a
 * user types or waits.
 */
#ifndef MB_REPL_H
#define MB_REPL_H

#include "control.h"

/* argv: [FILE.lua] [name=value ...]; returns an exit status (MB_EXIT_*). */
int	mb_repl_main(const struct mb_control_opts *, int argc, char **argv);

#endif
