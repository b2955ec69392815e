/* Per-motor workload runtime: Lua state, callbacks, rendering. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "errclass.h"
#include "lua_env.h"
#include "runtime.h"
#include "xmalloc.h"

#define RUNTIME_BUF_MIN	1024	/* most ops fit: no growth at all */
#define RUNTIME_KEY	"moonbench.workload"

struct mb_runtime {
	const struct mb_workload	*w;
	unsigned			 motor_index;
	struct mb_lua_ctx		 ctx;
	lua_State			*L;
	int				 dispatch;	/* moonbench.op's ref */
	int				*on_result;	/* per op of the block */
	unsigned char			*reported;	/* an error shown */
	struct mb_binding_values	*values;
	int				*fn_refs;	/* b.fn functions */
	int				 binding_error;	/* errclass id */
	int				 binding_reported;
	struct mb_text			*texts;		/* per binding */
	int				 lua_error;	/* errclass id */
	char				*last_class;	/* mb.fail cache */
	int				 last_class_id;
};

/* The runtime whose callback is running on this thread (for mb_ffi_*). */
static __thread struct mb_runtime *runtime_current;

/* Push t[name] of the table at the top; -1 if that is no table. */
static int
runtime_field(lua_State *L, const char *name)
{
	if (!lua_istable(L, -1)) {
		lua_pushnil(L);
		return (-1);
	}
	lua_getfield(L, -1, name);
	return (lua_istable(L, -1) ? 0 : -1);
}

struct runtime_refs {
	struct mb_runtime	*rt;
	char			*cause;
};

/* The b.fn functions of the bindings, in the order they were compiled. */
static int
runtime_fns(struct runtime_refs *x, lua_State *L)
{
	struct mb_runtime	*rt = x->rt;
	size_t			 want = mb_bindings_nfns(rt->w->bindings);
	int			 i, n;

	if (want == 0)
		return (0);
	lua_getfield(L, -1, "bindings");
	n = mb_bindings_push_fns(L, -1);
	if ((size_t)n != want) {
		x->cause = xfmt("%s: the bindings are not the same in a motor",
		    rt->w->file);
		lua_pop(L, 2);
		return (-1);
	}
	rt->fn_refs = xcalloc(want, sizeof *rt->fn_refs);
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, -1, i + 1);
		rt->fn_refs[i] = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_pop(L, 2);
	return (0);
}

/* Find the block's on_result functions in the table the file returned
 * (kept in the registry), under lua_cpcall: a Lua error is caught. */
static int
runtime_refs(lua_State *L)
{
	struct runtime_refs	*x = lua_touserdata(L, 1);
	struct mb_runtime	*rt = x->rt;
	const struct mb_block	*blk = rt->w->block;
	size_t			 i;

	lua_getfield(L, LUA_REGISTRYINDEX, RUNTIME_KEY);
	if (runtime_fns(x, L) != 0)
		return (0);
	if (runtime_field(L, "blocks") != 0 ||
	    runtime_field(L, blk->name) != 0 ||
	    runtime_field(L, "ops") != 0) {
		x->cause = xfmt("%s: block '%s' is not the same in a motor",
		    rt->w->file, blk->name);
		return (0);
	}
	for (i = 0; i < blk->nops; i++) {
		if (!blk->ops[i].on_result)
			continue;
		if (blk->ops[i].array_pos > 0)
			lua_rawgeti(L, -1, blk->ops[i].array_pos);
		else
			lua_getfield(L, -1, blk->ops[i].name);
		if (lua_istable(L, -1))
			lua_getfield(L, -1, "on_result");
		else
			lua_pushnil(L);
		if (!lua_isfunction(L, -1)) {
			x->cause = xfmt("%s: block '%s', op '%s': on_result is "
			    "no function in a motor", rt->w->file, blk->name,
			    blk->ops[i].name);
			return (0);
		}
		rt->on_result[i] = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_pop(L, 1);
	}
	return (0);
}

/* Run the workload's chunk in this motor's state and keep what the
 * motor calls: the block's callbacks and moonbench.op's dispatcher. */
static int
runtime_load(struct mb_runtime *rt, char **cause)
{
	struct runtime_refs	 x;
	lua_State		*L = rt->L;
	size_t			 i;

	for (i = 0; i < rt->w->block->nops; i++)
		rt->on_result[i] = LUA_NOREF;
	if (luaL_loadbuffer(L, rt->w->chunk, rt->w->chunklen,
	    rt->w->file) != 0) {
		*cause = xstrdup(lua_tostring(L, -1));
		return (-1);
	}
	if (mb_lua_pcall(L, 0, 1, cause) != 0)
		return (-1);
	lua_setfield(L, LUA_REGISTRYINDEX, RUNTIME_KEY);
	x.rt = rt;
	x.cause = NULL;
	if (lua_cpcall(L, runtime_refs, &x) != 0) {
		*cause = xfmt("%s: %s", rt->w->file, lua_tostring(L, -1));
		free(x.cause);
		return (-1);
	}
	if (x.cause != NULL) {
		*cause = x.cause;
		return (-1);
	}
	lua_getglobal(L, "require");
	lua_pushstring(L, "moonbench.op");
	if (mb_lua_pcall(L, 1, 1, cause) != 0)
		return (-1);
	rt->dispatch = luaL_ref(L, LUA_REGISTRYINDEX);
	return (0);
}

struct mb_runtime *
mb_runtime_new(const struct mb_workload *w, const struct mb_params *params,
    unsigned motor_index, char **cause)
{
	struct mb_runtime	*rt;
	size_t			 n;

	rt = xcalloc(1, sizeof *rt);
	rt->w = w;
	rt->motor_index = motor_index;
	rt->ctx.given = params;
	mb_params_init(&rt->ctx.declared);
	rt->dispatch = LUA_NOREF;
	rt->on_result = xcalloc(w->block->nops, sizeof *rt->on_result);
	rt->reported = xcalloc(w->block->nops, 1);
	n = mb_bindings_count(w->bindings);
	rt->texts = xcalloc(n == 0 ? 1 : n, sizeof *rt->texts);
	rt->lua_error = mb_errclass_intern("lua-error");
	rt->binding_error = mb_errclass_intern("binding-error");
	if ((rt->L = mb_lua_new(&rt->ctx, cause)) == NULL ||
	    runtime_load(rt, cause) != 0) {
		mb_runtime_free(rt);
		return (NULL);
	}
	rt->values = mb_binding_values_new(w->bindings, rt->L, rt->fn_refs);
	return (rt);
}

void
mb_runtime_free(struct mb_runtime *rt)
{
	if (rt == NULL)
		return;
	mb_lua_close(rt->L);
	free(rt->ctx.param_error);
	mb_params_free(&rt->ctx.declared);
	mb_binding_values_free(rt->values);
	free(rt->fn_refs);
	free(rt->texts);
	free(rt->on_result);
	free(rt->reported);
	free(rt->last_class);
	free(rt);
}

void
mb_runtime_op_init(struct mb_runtime *rt, struct mb_op *op)
{
	op->argv = xcalloc(rt->w->maxargs, sizeof *op->argv);
	op->bufcap = RUNTIME_BUF_MIN;
	op->buf = xmalloc(op->bufcap);
}

void
mb_runtime_op_fini(struct mb_runtime *rt, struct mb_op *op)
{
	free(op->argv);
	free(op->buf);
	op->argv = NULL;
	op->buf = NULL;
}

int
mb_runtime_render(struct mb_runtime *rt, struct mb_op *op)
{
	const struct mb_opdef	*def;
	const int		*uses;
	size_t			 i, n, used, len;

	def = mb_workload_op(rt->w, op->cycle);
	op->def = def;
	op->argc = (uint32_t)def->nargs;
again:
	used = 0;
	for (i = 0; i < def->nargs; i++) {
		uses = mb_template_bindings(def->args[i], &n);
		if (mb_binding_values_fill(rt->values, op->cycle, uses, n,
		    rt->texts) != 0) {
			op->argc = 0;
			if (!rt->binding_reported) {
				rt->binding_reported = 1;
				fprintf(stderr, "moonbench: motor %u: %s "
				    "(counted as binding-error; shown once)\n",
				    rt->motor_index,
				    mb_binding_values_error(rt->values));
			}
			return (rt->binding_error);
		}
		len = mb_template_render(def->args[i], rt->texts,
		    op->buf + used, used < op->bufcap ? op->bufcap - used : 0);
		op->argv[i].len = len;
		used += len;
	}
	if (used > op->bufcap) {
		/* Warm-up: grow to fit the largest op seen, then never. */
		while (op->bufcap < used)
			op->bufcap *= 2;
		op->buf = xrealloc(op->buf, op->bufcap);
		goto again;
	}
	for (i = 0, used = 0; i < def->nargs; i++) {
		op->argv[i].ptr = op->buf + used;
		used += op->argv[i].len;
	}
	return (0);
}

static void
runtime_report(struct mb_runtime *rt, const struct mb_op *op,
    const char *cause)
{
	if (rt->reported[op->def->index])
		return;
	/* Once per op and motor: the count shows how often. */
	rt->reported[op->def->index] = 1;
	fprintf(stderr, "moonbench: motor %u: on_result of op '%s' failed at "
	    "cycle %llu (counted as lua-error; shown once):\n%s\n",
	    rt->motor_index, op->def->name, (unsigned long long)op->cycle,
	    cause);
}

static int
runtime_class(struct mb_runtime *rt, const char *class)
{
	if (rt->last_class == NULL || strcmp(rt->last_class, class) != 0) {
		free(rt->last_class);
		rt->last_class = xstrdup(class);
		rt->last_class_id = mb_errclass_intern(class);
	}
	return (rt->last_class_id);
}

void
mb_runtime_result(struct mb_runtime *rt, struct mb_op *op,
    mb_runtime_push push, void *action)
{
	lua_State	*L = rt->L;
	char		*cause = NULL;

	if (op->def == NULL || rt->on_result[op->def->index] == LUA_NOREF)
		return;
	lua_rawgeti(L, LUA_REGISTRYINDEX, rt->dispatch);
	lua_rawgeti(L, LUA_REGISTRYINDEX, rt->on_result[op->def->index]);
	lua_pushlightuserdata(L, op);
	if (push != NULL)
		push(action, op, L);
	else
		lua_pushnil(L);
	runtime_current = rt;
	if (mb_lua_pcall(L, 3, 1, &cause) != 0) {
		op->status = rt->lua_error;
		runtime_report(rt, op, cause);
		free(cause);
	} else {
		if (lua_type(L, -1) == LUA_TSTRING)
			op->status = runtime_class(rt, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	runtime_current = NULL;
}

/* ---- what the Lua side pulls through the FFI (moonbench/op.lua) ---- */

int64_t		 mb_ffi_op_cycle(const struct mb_op *);
const char	*mb_ffi_op_name(const struct mb_op *);
const char	*mb_ffi_op_binding(const struct mb_op *, const char *,
		     size_t *);

int64_t
mb_ffi_op_cycle(const struct mb_op *op)
{
	return ((int64_t)op->cycle);
}

const char *
mb_ffi_op_name(const struct mb_op *op)
{
	return (op->def != NULL ? op->def->name : "");
}

const char *
mb_ffi_op_binding(const struct mb_op *op, const char *name, size_t *len)
{
	const struct mb_text	*t;
	int			 i;

	if (runtime_current == NULL)
		return (NULL);
	i = mb_bindings_find(runtime_current->w->bindings, name, strlen(name));
	if (i < 0)
		return (NULL);
	if ((t = mb_binding_values_text(runtime_current->values, op->cycle,
	    i)) == NULL)
		return (NULL);
	*len = t->len;
	return (t->ptr);
}
