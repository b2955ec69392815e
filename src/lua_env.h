/*
 * Lua states for moonbench: each has the standard libraries, finds the
 * moonbench modules (MOONBENCH_PATH first, then the source tree when the
 * binary runs from its build directory, then $(pkgdatadir)/lua), and has
 * "moonbench.core", the C functions the Lua side calls. Every call into
 * Lua goes through mb_lua_pcall: protected, with a traceback.
 */
#ifndef MB_LUA_ENV_H
#define MB_LUA_ENV_H

#include <lua.h>

#include "params.h"

/* What a state's moonbench.core knows: the params given and the workload
 * params that mb.params{} declared (name = default as text). */
struct mb_lua_ctx {
	const struct mb_params	*given;
	struct mb_params	 declared;
	char			*param_error;	/* a bad name=value, said */
};

/* A new state; ctx must outlive it. NULL and *cause on failure. */
lua_State	*mb_lua_new(struct mb_lua_ctx *, char **cause);
void		 mb_lua_close(lua_State *);
/* lua_pcall with a traceback; on error -1 and *cause = the message and
 * the traceback, the error popped. */
int		 mb_lua_pcall(lua_State *, int nargs, int nresults,
		     char **cause);
/* The directories searched for moonbench's Lua modules, ';'-separated
 * package.path patterns. */
const char	*mb_lua_path(void);

#endif
