/* Reading a workload file into checked, compiled C data. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua_env.h"
#include "workload.h"
#include "xmalloc.h"

/* Fields an op table may have besides its arguments. */
static const char *const workload_op_fields[] = {
	"name", "ratio", "on_result", NULL
};

#define WORKLOAD_KEY	"moonbench.workload"

struct workload_extract {
	struct mb_workload	*w;
	char			*cause;
	int			 rc;
};

struct workload_buf {
	char	*p;
	size_t	 len;
};

static int
workload_dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	struct workload_buf	*b = ud;

	b->p = xrealloc(b->p, b->len + sz);
	memcpy(b->p + b->len, p, sz);
	b->len += sz;
	return (0);
}

static int
workload_lookup(void *arg, const char *name, size_t len)
{
	return (mb_bindings_find(arg, name, len));
}

/* Where a message points: "FILE: block 'b', op 'o'". */
static char *
workload_where(const struct mb_workload *w, const char *block,
    const char *op)
{
	if (op != NULL)
		return (xfmt("%s: block '%s', op '%s'", w->file, block, op));
	return (xfmt("%s: block '%s'", w->file, block));
}

static int
workload_ratio(lua_State *L, const char *where, uint64_t *ratio,
    char **cause)
{
	lua_Number	n;

	*ratio = 1;
	lua_getfield(L, -1, "ratio");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return (0);
	}
	if (lua_type(L, -1) != LUA_TNUMBER) {
		*cause = xfmt("%s: ratio must be a whole number >= 0, got '%s'",
		    where, lua_tostring(L, -1) != NULL ? lua_tostring(L, -1) :
		    luaL_typename(L, -1));
		lua_pop(L, 1);
		return (-1);
	}
	n = lua_tonumber(L, -1);
	lua_pop(L, 1);
	if (n != n || n < 0 || n != (lua_Number)(uint64_t)n || n > 1e6) {
		*cause = xfmt("%s: ratio must be a whole number from 0 to "
		    "1000000, got %.14g", where, n);
		return (-1);
	}
	*ratio = (uint64_t)n;
	return (0);
}

static int
workload_add_arg(struct mb_workload *w, struct mb_opdef *op, lua_State *L,
    const char *where, char **cause)
{
	struct mb_template	*t;
	const char		*text;
	size_t			 len;
	char			*why = NULL;

	if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER) {
		*cause = xfmt("%s: argument %zu must be a string, got a %s",
		    where, op->nargs + 1, luaL_typename(L, -1));
		return (-1);
	}
	text = lua_tolstring(L, -1, &len);
	t = mb_template_compile(text, len, workload_lookup, w->bindings,
	    &why);
	if (t == NULL) {
		*cause = xfmt("%s: %s", where, why);
		free(why);
		return (-1);
	}
	op->args = xreallocarray(op->args, op->nargs + 1, sizeof *op->args);
	op->args[op->nargs++] = t;
	return (0);
}

/* The op at the top of the stack: a string, or a table of arguments with
 * its ratio and on_result. */
static int
workload_op(struct mb_workload *w, struct mb_opdef *op, lua_State *L,
    const char *block, char **cause)
{
	char			*where;
	const char		*key;
	const char *const	*f;
	int			 i, rc = -1;

	where = workload_where(w, block, op->name);
	op->ratio = 1;
	if (lua_type(L, -1) == LUA_TSTRING) {
		rc = workload_add_arg(w, op, L, where, cause);
		free(where);
		return (rc);
	}
	if (!lua_istable(L, -1)) {
		*cause = xfmt("%s: expected the op's text or a table like "
		    "{ \"GET\", \"key:{id}\", ratio = 1 }, got a %s", where,
		    luaL_typename(L, -1));
		goto out;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			continue;
		key = lua_tostring(L, -1);
		for (f = workload_op_fields; *f != NULL; f++) {
			if (strcmp(*f, key) == 0)
				break;
		}
		if (*f == NULL) {
			*cause = xfmt("%s: unknown field '%s' (an op has its "
			    "arguments, name, ratio and on_result)", where,
			    key);
			lua_pop(L, 1);
			goto out;
		}
	}
	if (workload_ratio(L, where, &op->ratio, cause) != 0)
		goto out;
	lua_getfield(L, -1, "on_result");
	if (!lua_isnil(L, -1) && !lua_isfunction(L, -1)) {
		*cause = xfmt("%s: on_result must be a function, got a %s",
		    where, luaL_typename(L, -1));
		lua_pop(L, 1);
		goto out;
	}
	op->on_result = lua_isfunction(L, -1);
	lua_pop(L, 1);
	for (i = 1; ; i++) {
		lua_rawgeti(L, -1, i);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			break;
		}
		if (workload_add_arg(w, op, L, where, cause) != 0) {
			lua_pop(L, 1);
			goto out;
		}
		lua_pop(L, 1);
	}
	if (op->nargs == 0) {
		*cause = xfmt("%s: the op has no text; give it like "
		    "{ \"GET\", \"key:{id}\" } or \"SELECT ... {id}\"", where);
		goto out;
	}
	rc = 0;
out:
	free(where);
	return (rc);
}

static int
workload_pos_cmp(const void *a, const void *b)
{
	return (((const struct mb_opdef *)a)->array_pos -
	    ((const struct mb_opdef *)b)->array_pos);
}

static int
workload_opdef_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct mb_opdef *)a)->name,
	    ((const struct mb_opdef *)b)->name));
}

/* The ops table at the top: an array of named ops (in that order) or a
 * map of name = op (in the order of the names). */
static int
workload_ops(struct mb_workload *w, struct mb_block *blk, lua_State *L,
    char **cause)
{
	struct mb_opdef	*op;
	char		*where;
	int		 isarray;
	size_t		 j, k;

	isarray = lua_objlen(L, -1) > 0;
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		blk->ops = xreallocarray(blk->ops, blk->nops + 1,
		    sizeof *blk->ops);
		op = &blk->ops[blk->nops++];
		memset(op, 0, sizeof *op);
		if (isarray) {
			if (lua_type(L, -2) != LUA_TNUMBER) {
				where = workload_where(w, blk->name, NULL);
				*cause = xfmt("%s: ops mixes a list and names; "
				    "use one or the other", where);
				free(where);
				lua_pop(L, 2);
				return (-1);
			}
			op->array_pos = (int)lua_tointeger(L, -2);
			if (lua_istable(L, -1))
				lua_getfield(L, -1, "name");
			else
				lua_pushnil(L);
			if (lua_type(L, -1) != LUA_TSTRING) {
				where = workload_where(w, blk->name, NULL);
				*cause = xfmt("%s: op %d of the list needs a "
				    "name (name = \"read\")", where,
				    op->array_pos);
				free(where);
				lua_pop(L, 3);
				return (-1);
			}
			op->name = xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
		} else {
			if (lua_type(L, -2) != LUA_TSTRING) {
				where = workload_where(w, blk->name, NULL);
				*cause = xfmt("%s: op names must be strings",
				    where);
				free(where);
				lua_pop(L, 2);
				return (-1);
			}
			op->name = xstrdup(lua_tostring(L, -2));
		}
		if (workload_op(w, op, L, blk->name, cause) != 0) {
			lua_pop(L, 2);
			return (-1);
		}
		lua_pop(L, 1);
	}
	if (blk->nops == 0) {
		where = workload_where(w, blk->name, NULL);
		*cause = xfmt("%s: the block has no ops", where);
		free(where);
		return (-1);
	}
	/* lua_next walks a table in any order: put the ops in theirs. */
	qsort(blk->ops, blk->nops, sizeof *blk->ops, isarray ?
	    workload_pos_cmp : workload_opdef_cmp);
	for (k = 0; isarray && k < blk->nops; k++) {
		if (blk->ops[k].array_pos != (int)k + 1) {
			where = workload_where(w, blk->name, NULL);
			*cause = xfmt("%s: the list of ops has no op %zu; a "
			    "list runs 1, 2, 3, ... with no gap", where, k + 1);
			free(where);
			return (-1);
		}
	}
	for (k = 0; k + 1 < blk->nops && isarray; k++) {
		for (j = k + 1; j < blk->nops; j++) {
			if (strcmp(blk->ops[k].name, blk->ops[j].name) != 0)
				continue;
			where = workload_where(w, blk->name, NULL);
			*cause = xfmt("%s: two ops are named '%s'; names "
			    "must differ", where, blk->ops[k].name);
			free(where);
			return (-1);
		}
	}
	for (k = 0; k < blk->nops; k++)
		blk->ops[k].index = k;
	return (0);
}

static int
workload_block_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct mb_block *)a)->name,
	    ((const struct mb_block *)b)->name));
}

static int
workload_blocks(struct mb_workload *w, lua_State *L, char **cause)
{
	struct mb_block	*blk;
	char		*where;

	lua_getfield(L, -1, "blocks");
	if (!lua_istable(L, -1)) {
		*cause = xfmt("%s: expected blocks = { NAME = { ops = { ... } } "
		    "}, got a %s", w->file, luaL_typename(L, -1));
		lua_pop(L, 1);
		return (-1);
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING) {
			*cause = xfmt("%s: block names must be strings",
			    w->file);
			lua_pop(L, 3);
			return (-1);
		}
		w->blocks = xreallocarray(w->blocks, w->nblocks + 1,
		    sizeof *w->blocks);
		blk = &w->blocks[w->nblocks++];
		memset(blk, 0, sizeof *blk);
		blk->name = xstrdup(lua_tostring(L, -2));
		if (lua_istable(L, -1))
			lua_getfield(L, -1, "ops");
		else
			lua_pushnil(L);
		if (!lua_istable(L, -1)) {
			where = workload_where(w, blk->name, NULL);
			*cause = xfmt("%s: expected { ops = { ... } }", where);
			free(where);
			lua_pop(L, 4);
			return (-1);
		}
		if (workload_ops(w, blk, L, cause) != 0) {
			lua_pop(L, 4);
			return (-1);
		}
		lua_pop(L, 2);
	}
	lua_pop(L, 1);
	if (w->nblocks == 0) {
		*cause = xfmt("%s: blocks is empty; a workload needs at least "
		    "one block of ops", w->file);
		return (-1);
	}
	qsort(w->blocks, w->nblocks, sizeof *w->blocks, workload_block_cmp);
	return (0);
}

static char *
workload_string_field(lua_State *L, const char *field, const char *file,
    char **cause, int *bad)
{
	char	*v = NULL;

	lua_getfield(L, -1, field);
	if (lua_type(L, -1) == LUA_TSTRING)
		v = xstrdup(lua_tostring(L, -1));
	else if (!lua_isnil(L, -1)) {
		*cause = xfmt("%s: %s must be a string, got a %s", file, field,
		    luaL_typename(L, -1));
		*bad = 1;
	}
	lua_pop(L, 1);
	return (v);
}

/* What the file returned, checked and compiled (under lua_cpcall). */
static int
workload_extract(lua_State *L)
{
	struct workload_extract	*x = lua_touserdata(L, 1);
	struct mb_workload	*w = x->w;
	int			 bad = 0;

	lua_getfield(L, LUA_REGISTRYINDEX, WORKLOAD_KEY);
	if (!lua_istable(L, -1)) {
		x->cause = xfmt("%s: a workload returns a table (return { "
		    "driver = ..., bindings = ..., blocks = ... }), this one "
		    "returned a %s", w->file, luaL_typename(L, -1));
		return (0);
	}
	w->description = workload_string_field(L, "description", w->file,
	    &x->cause, &bad);
	if (!bad)
		w->driver = workload_string_field(L, "driver", w->file,
		    &x->cause, &bad);
	if (bad)
		return (0);
	lua_getfield(L, -1, "bindings");
	w->bindings = mb_bindings_compile(L, -1, w->file, &x->cause);
	lua_pop(L, 1);
	if (w->bindings == NULL)
		return (0);
	if (workload_blocks(w, L, &x->cause) != 0)
		return (0);
	x->rc = 0;
	return (0);
}

struct mb_workload *
mb_workload_load(const char *file, const struct mb_params *params,
    char **cause)
{
	struct mb_workload	*w;
	struct mb_lua_ctx	 ctx;
	struct workload_buf	 chunk = { NULL, 0 };
	struct workload_extract	 x;
	lua_State		*L = NULL;

	w = xcalloc(1, sizeof *w);
	w->file = xstrdup(file);
	mb_params_init(&w->declared);
	memset(&ctx, 0, sizeof ctx);
	ctx.given = params;
	mb_params_init(&ctx.declared);
	if ((L = mb_lua_new(&ctx, cause)) == NULL)
		goto fail;
	if (luaL_loadfile(L, file) != 0) {
		/* "cannot open FILE" or "FILE:LINE: syntax error" */
		*cause = xstrdup(lua_tostring(L, -1));
		goto fail;
	}
	lua_dump(L, workload_dump_writer, &chunk);
	w->chunk = chunk.p;
	w->chunklen = chunk.len;
	if (mb_lua_pcall(L, 0, 1, cause) != 0) {
		if (ctx.param_error != NULL) {
			free(*cause);
			*cause = ctx.param_error;
			ctx.param_error = NULL;
		}
		goto fail;
	}
	lua_setfield(L, LUA_REGISTRYINDEX, WORKLOAD_KEY);
	x.w = w;
	x.cause = NULL;
	x.rc = -1;
	/* Read the table in a protected call: a metatable could raise. */
	if (lua_cpcall(L, workload_extract, &x) != 0) {
		free(x.cause);
		*cause = xfmt("%s: %s", file, lua_tostring(L, -1));
		goto fail;
	}
	if (x.rc != 0) {
		*cause = x.cause;
		goto fail;
	}
	w->declared = ctx.declared;
	mb_lua_close(L);
	return (w);
fail:
	free(ctx.param_error);
	mb_params_free(&ctx.declared);
	mb_lua_close(L);
	mb_workload_free(w);
	return (NULL);
}

void
mb_workload_free(struct mb_workload *w)
{
	size_t	i, j, k;

	if (w == NULL)
		return;
	for (i = 0; i < w->nblocks; i++) {
		for (j = 0; j < w->blocks[i].nops; j++) {
			for (k = 0; k < w->blocks[i].ops[j].nargs; k++)
				mb_template_free(w->blocks[i].ops[j].args[k]);
			free(w->blocks[i].ops[j].args);
			free(w->blocks[i].ops[j].name);
		}
		free(w->blocks[i].ops);
		free(w->blocks[i].name);
	}
	free(w->blocks);
	mb_bindings_free(w->bindings);
	mb_params_free(&w->declared);
	free(w->seq);
	free(w->chunk);
	free(w->driver);
	free(w->description);
	free(w->file);
	free(w);
}

static char *
workload_block_names(const struct mb_workload *w)
{
	char	*list = NULL, *old;
	size_t	 i;

	for (i = 0; i < w->nblocks; i++) {
		old = list;
		xasprintf(&list, "%s%s%s", old != NULL ? old : "",
		    old != NULL ? ", " : "", w->blocks[i].name);
		free(old);
	}
	return (list);
}

int
mb_workload_select(struct mb_workload *w, const char *name, enum mb_seq mode,
    char **cause)
{
	const struct mb_block	*blk = NULL;
	uint64_t		*ratios;
	char			*names, *why = NULL;
	size_t			 i;
	int			 rc;

	for (i = 0; i < w->nblocks; i++) {
		if (name != NULL ? strcmp(w->blocks[i].name, name) == 0 :
		    (w->nblocks == 1 || strcmp(w->blocks[i].name, "main") == 0))
			blk = &w->blocks[i];
	}
	if (blk == NULL) {
		names = workload_block_names(w);
		if (name != NULL)
			*cause = xfmt("block: %s has no block '%s'; its blocks "
			    "are %s", w->file, name, names);
		else
			*cause = xfmt("block: %s has several blocks (%s) and "
			    "none is called main; choose one with block=NAME",
			    w->file, names);
		free(names);
		return (-1);
	}
	ratios = xcalloc(blk->nops, sizeof *ratios);
	w->maxargs = 0;
	for (i = 0; i < blk->nops; i++) {
		ratios[i] = blk->ops[i].ratio;
		if (blk->ops[i].nargs > w->maxargs)
			w->maxargs = blk->ops[i].nargs;
	}
	free(w->seq);
	w->seq = NULL;
	rc = mb_opseq_plan(mode, ratios, blk->nops, &w->seq, &w->seqlen, &why);
	free(ratios);
	if (rc != 0) {
		*cause = xfmt("%s: block '%s': %s", w->file, blk->name, why);
		free(why);
		return (-1);
	}
	w->block = blk;
	return (0);
}
