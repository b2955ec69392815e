/*
 * Sweeps: what the controller's Lua needs beyond mb.start and a:metrics
 * to run moonbench.sweep (findmax, stepup, grid) and thresholds, and the
 * built-in sweep scenarios every workload gets ('moonbench FILE findmax
 * p99=5ms'): their options are taken out of the command line's params.
 */
#ifndef MB_SWEEP_H
#define MB_SWEEP_H

#include <lua.h>

#include "params.h"

struct mb_report;
struct mb_thresholds;

struct mb_sweep_env {
	struct mb_thresholds	*thresholds;	/* bounds checked, counted */
	struct mb_report	*report;	/* NULL: no --report-dir */
};

/* Add the sweep functions to the table on top (moonbench.core). */
void	mb_sweep_core_add(lua_State *, struct mb_sweep_env *);
/* Is name a built-in sweep scenario (findmax, stepup, grid)? */
int	mb_sweep_builtin(const char *name);
/* Split cli for built-in sweep name: what activities get goes to rest;
 * the sweep's options (and grid's lists) into a table pushed on L. */
void	mb_sweep_split(const char *name, const struct mb_params *cli,
	    struct mb_params *rest, lua_State *L);
/* A chunk: called with the name and that table, it returns the
 * scenario's function. */
const char *mb_sweep_chunk(void);

#endif
