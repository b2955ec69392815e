/* Lua states: libraries, the module path, moonbench.core, protected calls. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "lua_env.h"
#include "xmalloc.h"

#define LUA_ENV_CTX	"moonbench.ctx"

static char	*lua_env_path;

static void
lua_env_add_dir(char **path, const char *dir)
{
	char	*old = *path;

	xasprintf(path, "%s%s%s/?.lua;%s/?/init.lua", old != NULL ? old : "",
	    old != NULL ? ";" : "", dir, dir);
	free(old);
}

/* Is this binary running from the build tree it was built in? */
static int
lua_env_uninstalled(void)
{
	char	exe[PATH_MAX];
	ssize_t	n;
	size_t	len = strlen(MB_BUILDDIR);

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return (0);
	exe[n] = '\0';
	return (strncmp(exe, MB_BUILDDIR, len) == 0 && exe[len] == '/');
}

const char *
mb_lua_path(void)
{
	const char	*env;
	char		*copy, *dir, *save = NULL;

	if (lua_env_path != NULL)
		return (lua_env_path);
	if ((env = getenv("MOONBENCH_PATH")) != NULL && *env != '\0') {
		copy = xstrdup(env);
		for (dir = strtok_r(copy, ":", &save); dir != NULL;
		    dir = strtok_r(NULL, ":", &save))
			lua_env_add_dir(&lua_env_path, dir);
		free(copy);
	}
	if (lua_env_uninstalled())
		lua_env_add_dir(&lua_env_path, MB_SRCDIR "/lua");
	lua_env_add_dir(&lua_env_path, MB_PKGDATADIR "/lua");
	return (lua_env_path);
}

/* A param default as text, for messages and --help. */
static const char *
lua_env_text(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		return (lua_toboolean(L, idx) ? "true" : "false");
	case LUA_TNUMBER:
	case LUA_TSTRING:
		lua_pushvalue(L, idx);		/* tostring on a copy */
		lua_replace(L, idx);
		return (lua_tostring(L, idx));
	default:
		return (luaL_typename(L, idx));
	}
}

static struct mb_lua_ctx *
lua_env_ctx(lua_State *L)
{
	struct mb_lua_ctx	*ctx;

	lua_getfield(L, LUA_REGISTRYINDEX, LUA_ENV_CTX);
	ctx = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return (ctx);
}

/* core.param(name): the text given for name, or nil. */
static int
lua_env_param(lua_State *L)
{
	struct mb_lua_ctx	*ctx = lua_env_ctx(L);
	const char		*v;

	v = ctx->given != NULL ? mb_params_get(ctx->given,
	    luaL_checkstring(L, 1)) : NULL;
	if (v == NULL)
		lua_pushnil(L);
	else
		lua_pushstring(L, v);
	return (1);
}

/* core.declare_param(name, default): remember a workload param. */
static int
lua_env_declare_param(lua_State *L)
{
	struct mb_lua_ctx	*ctx = lua_env_ctx(L);
	const char		*name = luaL_checkstring(L, 1);

	luaL_checkany(L, 2);
	mb_params_set(&ctx->declared, name, lua_env_text(L, 2));
	return (0);
}

static int
lua_env_param_error(lua_State *L, char *cause)
{
	struct mb_lua_ctx	*ctx = lua_env_ctx(L);

	lua_pushstring(L, cause);
	if (ctx->param_error == NULL)
		ctx->param_error = cause;
	else
		free(cause);
	return (lua_error(L));
}

/* core.convert_param(name, text, default): text as the default's type. */
static int
lua_env_convert_param(lua_State *L)
{
	const char	*name = luaL_checkstring(L, 1);
	const char	*text = luaL_checkstring(L, 2);
	char		*cause = NULL;
	uint64_t	 count;
	double		 d;
	int		 b;

	/* A bad value is the user's command line, not the script: keep the
	 * plain message for the loader to show without a traceback. */
	switch (lua_type(L, 3)) {
	case LUA_TNUMBER:
		/* Counts keep their suffixes (keycount=1M). */
		if (mb_param_count(name, text, 0, 0, &count, &cause) == 0) {
			lua_pushnumber(L, (lua_Number)count);
			return (1);
		}
		free(cause);
		cause = NULL;
		if (mb_param_double(name, text, &d, &cause) == 0) {
			lua_pushnumber(L, d);
			return (1);
		}
		free(cause);
		cause = xfmt("%s: expected a number like 1000, 1M or 0.5 "
		    "(its default is %s), got '%s'", name, lua_env_text(L, 3),
		    text);
		return (lua_env_param_error(L, cause));
	case LUA_TBOOLEAN:
		if (mb_param_bool(name, text, &b, &cause) != 0)
			return (lua_env_param_error(L, cause));
		lua_pushboolean(L, b);
		return (1);
	default:
		lua_pushstring(L, text);
		return (1);
	}
}

static const luaL_Reg lua_env_core[] = {
	{ "param", lua_env_param },
	{ "declare_param", lua_env_declare_param },
	{ "convert_param", lua_env_convert_param },
	{ NULL, NULL }
};

static int
lua_env_open_core(lua_State *L)
{
	lua_newtable(L);
	luaL_register(L, NULL, lua_env_core);
	return (1);
}

lua_State *
mb_lua_new(struct mb_lua_ctx *ctx, char **cause)
{
	lua_State	*L;

	if ((L = luaL_newstate()) == NULL) {
		*cause = xstrdup("cannot create a Lua state (out of memory)");
		return (NULL);
	}
	luaL_openlibs(L);
	lua_pushlightuserdata(L, ctx);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_ENV_CTX);

	lua_getglobal(L, "package");
	lua_pushstring(L, mb_lua_path());
	lua_setfield(L, -2, "path");
	lua_getfield(L, -1, "preload");
	lua_pushcfunction(L, lua_env_open_core);
	lua_setfield(L, -2, "moonbench.core");
	lua_pop(L, 2);
	return (L);
}

void
mb_lua_close(lua_State *L)
{
	if (L != NULL)
		lua_close(L);
}

static int
lua_env_traceback(lua_State *L)
{
	const char	*msg = lua_tostring(L, 1);

	if (msg == NULL)
		msg = lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	luaL_traceback(L, L, msg, 1);
	return (1);
}

int
mb_lua_pcall(lua_State *L, int nargs, int nresults, char **cause)
{
	int	base = lua_gettop(L) - nargs;
	int	rc;

	lua_pushcfunction(L, lua_env_traceback);
	lua_insert(L, base);
	rc = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (rc != 0) {
		*cause = xstrdup(lua_tostring(L, -1) != NULL ?
		    lua_tostring(L, -1) : "(error without a message)");
		lua_pop(L, 1);
		return (-1);
	}
	return (0);
}
