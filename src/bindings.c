/* Binding recipes: compiled from Lua tables, evaluated per cycle in C. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bindings.h"
#include "xmalloc.h"

enum binding_step_kind {
	STEP_HASH,
	STEP_MOD,
	STEP_ADD,
	STEP_MUL,
	STEP_DIV,
};

struct binding_step {
	enum binding_step_kind	 kind;
	int64_t			 arg;
};

struct binding {
	char			*name;
	int			 ref;		/* start from this binding, or -1 */
	char			*ref_name;	/* until resolved */
	struct binding_step	*steps;
	size_t			 nsteps;
};

struct mb_bindings {
	struct binding	*v;
	size_t		 n;
};

/* One motor's values for the cycle it is on. */
struct binding_value {
	uint64_t	 cycle;		/* cycle these are for */
	int		 valid;
	int64_t		 num;
	struct mb_text	 text;
	char		 buf[24];	/* decimal int64 */
};

struct mb_binding_values {
	const struct mb_bindings	*b;
	struct binding_value		*v;
};

static const struct {
	const char		*name;
	enum binding_step_kind	 kind;
	int			 has_arg;
} binding_steps[] = {
	{ "hash", STEP_HASH, 0 },
	{ "mod", STEP_MOD, 1 },
	{ "add", STEP_ADD, 1 },
	{ "mul", STEP_MUL, 1 },
	{ "div", STEP_DIV, 1 },
};

uint64_t
mb_bindings_hash(uint64_t x)
{
	/* splitmix64's finalizer: every input bit reaches every output bit. */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31));
}

static int
bindings_step(lua_State *L, struct binding *bd, const char *where,
    char **cause)
{
	struct binding_step	*st;
	const char		*kind;
	lua_Number		 arg;
	size_t			 i;

	lua_rawgeti(L, -1, 1);
	kind = lua_tostring(L, -1);
	lua_pop(L, 1);
	if (kind == NULL)
		goto bad;
	if (strcmp(kind, "identity") == 0)
		return (0);
	if (strcmp(kind, "ref") == 0) {
		lua_rawgeti(L, -1, 2);
		if (lua_type(L, -1) != LUA_TSTRING || bd->ref_name != NULL ||
		    bd->nsteps != 0) {
			lua_pop(L, 1);
			goto bad;
		}
		bd->ref_name = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
		return (0);
	}
	for (i = 0; i < sizeof binding_steps / sizeof binding_steps[0]; i++) {
		if (strcmp(kind, binding_steps[i].name) == 0)
			break;
	}
	if (i == sizeof binding_steps / sizeof binding_steps[0])
		goto bad;
	bd->steps = xreallocarray(bd->steps, bd->nsteps + 1,
	    sizeof *bd->steps);
	st = &bd->steps[bd->nsteps++];
	st->kind = binding_steps[i].kind;
	st->arg = 0;
	if (binding_steps[i].has_arg) {
		lua_rawgeti(L, -1, 2);
		arg = lua_tonumber(L, -1);
		lua_pop(L, 1);
		if (arg < -9.2e18 || arg > 9.2e18) {
			*cause = xfmt("%s: binding '%s': %s: the argument is "
			    "out of range", where, bd->name, kind);
			return (-1);
		}
		st->arg = (int64_t)arg;
		if ((st->kind == STEP_MOD || st->kind == STEP_DIV) &&
		    st->arg <= 0) {
			*cause = xfmt("%s: binding '%s': %s(%lld): expected a "
			    "number above 0", where, bd->name, kind,
			    (long long)st->arg);
			return (-1);
		}
	}
	return (0);
bad:
	*cause = xfmt("%s: binding '%s': not a recipe this version knows "
	    "(step '%s')", where, bd->name, kind != NULL ? kind : "?");
	return (-1);
}

/* Refs must name a binding and never lead back to themselves. */
static int
bindings_resolve(struct mb_bindings *b, const char *where, char **cause)
{
	size_t	i, hops;
	int	j;

	for (i = 0; i < b->n; i++) {
		if (b->v[i].ref_name == NULL)
			continue;
		j = mb_bindings_find(b, b->v[i].ref_name,
		    strlen(b->v[i].ref_name));
		if (j < 0) {
			*cause = xfmt("%s: binding '%s': ref('%s'): no binding "
			    "has that name", where, b->v[i].name,
			    b->v[i].ref_name);
			return (-1);
		}
		b->v[i].ref = j;
	}
	for (i = 0; i < b->n; i++) {
		j = b->v[i].ref;
		for (hops = 0; j >= 0; hops++, j = b->v[j].ref) {
			if ((size_t)j == i || hops > b->n) {
				*cause = xfmt("%s: binding '%s': its refs go "
				    "round in a circle", where, b->v[i].name);
				return (-1);
			}
		}
	}
	return (0);
}

static int
bindings_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct binding *)a)->name,
	    ((const struct binding *)b)->name));
}

struct mb_bindings *
mb_bindings_compile(lua_State *L, int idx, const char *where, char **cause)
{
	struct mb_bindings	*b;
	struct binding		*bd;
	size_t			 n;

	b = xcalloc(1, sizeof *b);
	if (lua_isnil(L, idx))
		return (b);
	if (!lua_istable(L, idx)) {
		*cause = xfmt("%s: bindings: expected a table of name = "
		    "recipe, got a %s", where, luaL_typename(L, idx));
		goto fail;
	}
	lua_pushnil(L);
	while (lua_next(L, idx < 0 ? idx - 1 : idx) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING) {
			lua_pop(L, 2);
			*cause = xfmt("%s: bindings: names must be strings",
			    where);
			goto fail;
		}
		b->v = xreallocarray(b->v, b->n + 1, sizeof *b->v);
		bd = &b->v[b->n++];
		memset(bd, 0, sizeof *bd);
		bd->ref = -1;
		bd->name = xstrdup(lua_tostring(L, -2));
		if (lua_istable(L, -1))
			lua_getfield(L, -1, "steps");
		else
			lua_pushnil(L);
		if (!lua_istable(L, -1)) {
			*cause = xfmt("%s: binding '%s': expected a recipe like "
			    "mb.bind.hash():mod(100), got a %s", where,
			    bd->name, luaL_typename(L, -2));
			lua_pop(L, 3);
			goto fail;
		}
		for (n = 1; ; n++) {
			lua_rawgeti(L, -1, (int)n);
			if (lua_isnil(L, -1)) {
				lua_pop(L, 1);
				break;
			}
			if (bindings_step(L, bd, where, cause) != 0) {
				lua_pop(L, 4);
				goto fail;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 2);
	}
	/* By name: lookups bisect, and indexes do not depend on Lua's
	 * table order. */
	qsort(b->v, b->n, sizeof *b->v, bindings_cmp);
	if (bindings_resolve(b, where, cause) != 0)
		goto fail;
	return (b);
fail:
	mb_bindings_free(b);
	return (NULL);
}

void
mb_bindings_free(struct mb_bindings *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->v[i].name);
		free(b->v[i].ref_name);
		free(b->v[i].steps);
	}
	free(b->v);
	free(b);
}

size_t
mb_bindings_count(const struct mb_bindings *b)
{
	return (b->n);
}

const char *
mb_bindings_name(const struct mb_bindings *b, size_t i)
{
	return (b->v[i].name);
}

int
mb_bindings_find(const struct mb_bindings *b, const char *name, size_t len)
{
	size_t	lo = 0, hi = b->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(b->v[mid].name, name, len);
		if (c == 0 && b->v[mid].name[len] != '\0')
			c = 1;
		if (c == 0)
			return ((int)mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (-1);
}

struct mb_binding_values *
mb_binding_values_new(const struct mb_bindings *b)
{
	struct mb_binding_values	*vals;

	vals = xcalloc(1, sizeof *vals);
	vals->b = b;
	vals->v = xcalloc(b->n == 0 ? 1 : b->n, sizeof *vals->v);
	return (vals);
}

void
mb_binding_values_free(struct mb_binding_values *vals)
{
	if (vals == NULL)
		return;
	free(vals->v);
	free(vals);
}

static int64_t
bindings_eval(struct mb_binding_values *vals, uint64_t cycle, int i)
{
	const struct binding	*bd = &vals->b->v[i];
	struct binding_value	*out = &vals->v[i];
	const struct binding_step *st;
	uint64_t		 u;
	int64_t			 x;
	size_t			 k;

	if (out->valid && out->cycle == cycle)
		return (out->num);
	x = bd->ref >= 0 ? bindings_eval(vals, cycle, bd->ref) : (int64_t)cycle;
	for (k = 0; k < bd->nsteps; k++) {
		st = &bd->steps[k];
		switch (st->kind) {
		case STEP_HASH:
			/* Non-negative, so mod keeps its usual meaning. */
			x = (int64_t)(mb_bindings_hash((uint64_t)x) >> 1);
			break;
		case STEP_MOD:
			x %= st->arg;
			if (x < 0)
				x += st->arg;
			break;
		case STEP_ADD:
			u = (uint64_t)x + (uint64_t)st->arg;	/* wraps */
			x = (int64_t)u;
			break;
		case STEP_MUL:
			u = (uint64_t)x * (uint64_t)st->arg;
			x = (int64_t)u;
			break;
		case STEP_DIV:
			x /= st->arg;
			break;
		}
	}
	out->cycle = cycle;
	out->valid = 1;
	out->num = x;
	out->text.ptr = NULL;	/* rendered on demand */
	return (x);
}

/* Decimal text of v into buf (24 bytes), returning where it starts. */
static char *
bindings_itoa(int64_t v, char *buf)
{
	char		*p = buf + 23;
	uint64_t	 u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return (p);
}

const struct mb_text *
mb_binding_values_text(struct mb_binding_values *vals, uint64_t cycle, int i)
{
	struct binding_value	*out = &vals->v[i];
	int64_t			 x;

	x = bindings_eval(vals, cycle, i);
	if (out->text.ptr == NULL) {
		out->text.ptr = bindings_itoa(x, out->buf);
		out->text.len = (size_t)(out->buf + 23 - out->text.ptr);
	}
	return (&out->text);
}

void
mb_binding_values_fill(struct mb_binding_values *vals, uint64_t cycle,
    const int *which, size_t n, struct mb_text *out)
{
	size_t	k;

	for (k = 0; k < n; k++)
		out[which[k]] = *mb_binding_values_text(vals, cycle, which[k]);
}
