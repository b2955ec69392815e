/* Binding recipes: compiled from Lua tables into typed C programs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bindings_impl.h"
#include "xmalloc.h"

uint64_t
mb_bindings_hash(uint64_t x)
{
	/* splitmix64's finalizer: every input bit reaches every output bit. */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31));
}

/* The recipe on top of the stack into binding idx. */
int
bindings_compile_recipe(struct compile *c, lua_State *L, size_t idx)
{
	struct binding_step	*st;
	size_t			 n, k;

	if (lua_istable(L, -1))
		lua_getfield(L, -1, "steps");
	else
		lua_pushnil(L);
	if (!lua_istable(L, -1)) {
		*c->cause = xfmt("%s: binding '%s': expected a recipe like "
		    "mb.bind.hash():mod(100), got a %s", c->where, c->binding,
		    luaL_typename(L, -2));
		lua_pop(L, 1);
		return (-1);
	}
	n = lua_objlen(L, -1);
	c->b->v[idx].steps = xcalloc(n == 0 ? 1 : n, sizeof *st);
	for (k = 0; k < n; k++) {
		lua_rawgeti(L, -1, (int)k + 1);
		st = &c->b->v[idx].steps[c->b->v[idx].nsteps++];
		if (!lua_istable(L, -1)) {
			lua_pop(L, 2);
			*c->cause = xfmt("%s: binding '%s': step %zu is not a "
			    "step", c->where, c->binding, k + 1);
			return (-1);
		}
		if (bindings_steps_compile(c, L, st) != 0) {
			lua_pop(L, 2);
			return (-1);
		}
		if (k > 0 && (st->kind == STEP_REF || st->kind == STEP_FIXED ||
		    st->kind == STEP_FN || st->kind == STEP_TEMPLATE)) {
			lua_pop(L, 2);
			*c->cause = xfmt("%s: binding '%s': %s only starts a "
			    "recipe (b.ref, b.fixed, b.fn, b.template)",
			    c->where, c->binding, st->name);
			return (-1);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return (0);
}

static const char *
type_name(int t)
{
	switch (t) {
	case MB_VALUE_INT:
		return ("an integer");
	case MB_VALUE_DOUBLE:
		return ("a double");
	case MB_VALUE_TEXT:
		return ("text");
	}
	return ("unknown until b.fn returns");
}

/* May a step that wants `want` take a value of type `have`? */
static int
type_fits(int want, int have)
{
	return (want == MB_TYPE_ANY || have == MB_TYPE_ANY || want == have ||
	    (want == MB_VALUE_DOUBLE && have == MB_VALUE_INT));
}

static int bindings_type(struct mb_bindings *, size_t, const char *,
    char **, int);

/* The type each step leaves, checking each takes what it gets. */
static int
bindings_type_steps(struct mb_bindings *b, size_t i, const char *where,
    char **cause, int depth)
{
	struct binding		*bd = &b->v[i];
	struct binding_step	*st;
	size_t			 k;
	int			 t = MB_VALUE_INT, out;

	for (k = 0; k < bd->nsteps; k++) {
		st = &bd->steps[k];
		out = t;
		st->in = MB_TYPE_ANY;
		switch (st->kind) {
		case STEP_REF:
			t = out = bindings_type(b, (size_t)st->ref, where,
			    cause, depth + 1);
			if (t == -2)
				return (-2);
			break;
		case STEP_FIXED:
			out = st->fixed.type;
			break;
		case STEP_FN:
			out = MB_TYPE_ANY;
			break;
		case STEP_TEMPLATE:
		case STEP_TOSTRING:
		case STEP_ALNUM:
		case STEP_PRINTABLE:
		case STEP_UUID:
		case STEP_LINE:
			out = MB_VALUE_TEXT;
			break;
		case STEP_IDENTITY:
			break;
		case STEP_HASH:
		case STEP_ZIPF:
			out = MB_VALUE_INT;
			break;
		case STEP_MOD:
		case STEP_RANGE:
		case STEP_EPOCH:
			st->in = MB_VALUE_INT;
			out = MB_VALUE_INT;
			break;
		case STEP_WORDS:
		case STEP_DATE:
			st->in = MB_VALUE_INT;
			out = MB_VALUE_TEXT;
			break;
		case STEP_ADD:
		case STEP_MUL:
		case STEP_DIV:
		case STEP_CLAMP:
			st->in = MB_VALUE_DOUBLE;	/* or an integer */
			out = t == MB_TYPE_ANY ? MB_TYPE_ANY :
			    (t == MB_VALUE_DOUBLE || st->dbl) ?
			    MB_VALUE_DOUBLE : MB_VALUE_INT;
			break;
		case STEP_UNIFORM:
		case STEP_NORMAL:
		case STEP_EXPONENTIAL:
			out = MB_VALUE_DOUBLE;
			break;
		case STEP_WEIGHTED:
			out = st->choices[0].type;
			break;
		case STEP_INT:
			st->in = MB_VALUE_DOUBLE;
			out = MB_VALUE_INT;
			break;
		case STEP_FORMAT:
			switch (mb_format_kind(st->format)) {
			case MB_FORMAT_INT:
				st->in = MB_VALUE_INT;
				break;
			case MB_FORMAT_DOUBLE:
				st->in = MB_VALUE_DOUBLE;
				break;
			case MB_FORMAT_STRING:
				break;
			}
			out = MB_VALUE_TEXT;
			break;
		}
		st->check = t == MB_TYPE_ANY && st->in != MB_TYPE_ANY;
		if (!type_fits(st->in, t)) {
			*cause = xfmt("%s: binding '%s': %s() takes %s, and the "
			    "value is %s here%s", where, bd->name, st->name,
			    type_name(st->in), type_name(t), t ==
			    MB_VALUE_DOUBLE ? " (use :int() first)" : "");
			return (-2);
		}
		t = out;
	}
	return (t);
}

static int
bindings_type(struct mb_bindings *b, size_t i, const char *where,
    char **cause, int depth)
{
	if (depth > (int)b->n + 1)
		return (MB_TYPE_ANY);	/* refs are acyclic: cannot happen */
	if (b->v[i].type == -3)
		b->v[i].type = bindings_type_steps(b, i, where, cause, depth);
	return (b->v[i].type);
}

/* Is there a cycle through binding i? color: 0 new, 1 on the path,
 * 2 done. A hidden template argument counts as part of its binding. */
static int
bindings_cycle(const struct mb_bindings *b, size_t i, unsigned char *color)
{
	const struct binding_step	*st;
	size_t				 k, a;

	if (color[i] == 1)
		return (1);
	if (color[i] == 2)
		return (0);
	color[i] = 1;
	for (k = 0; k < b->v[i].nsteps; k++) {
		st = &b->v[i].steps[k];
		if (st->kind == STEP_REF && bindings_cycle(b, (size_t)st->ref,
		    color))
			return (1);
		for (a = 0; st->kind == STEP_TEMPLATE && a < st->nargs; a++) {
			if (bindings_cycle(b, (size_t)st->args[a], color))
				return (1);
		}
	}
	color[i] = 2;
	return (0);
}

/* Refs name a binding, never lead back to themselves; then types. */
static int
bindings_resolve(struct mb_bindings *b, const char *where, char **cause)
{
	struct binding_step	*st;
	unsigned char		*color;
	size_t			 i, k;
	int			 j;

	for (i = 0; i < b->n; i++) {
		b->v[i].type = -3;	/* not typed yet */
		for (k = 0; k < b->v[i].nsteps; k++) {
			st = &b->v[i].steps[k];
			if (st->kind != STEP_REF)
				continue;
			j = mb_bindings_find(b, st->ref_name,
			    strlen(st->ref_name));
			if (j < 0) {
				*cause = xfmt("%s: binding '%s': ref('%s'): no "
				    "binding has that name", where,
				    b->v[i].name, st->ref_name);
				return (-1);
			}
			st->ref = j;
		}
	}
	/* A value may not need itself: refs and template arguments form
	 * a graph that must have no cycle (depth-first, three colours). */
	color = xcalloc(b->n, 1);
	for (i = 0; i < b->n; i++) {
		if (bindings_cycle(b, i, color)) {
			*cause = xfmt("%s: binding '%s': its refs go round in a "
			    "circle", where, b->v[i].name);
			free(color);
			return (-1);
		}
	}
	free(color);
	for (i = 0; i < b->n; i++) {
		if (bindings_type(b, i, where, cause, 0) == -2)
			return (-1);
		b->v[i].intonly = 1;
		for (k = 0; k < b->v[i].nsteps; k++) {
			st = &b->v[i].steps[k];
			if (!(st->kind == STEP_IDENTITY || st->kind == STEP_HASH ||
			    st->kind == STEP_MOD || st->kind == STEP_RANGE ||
			    ((st->kind == STEP_ADD || st->kind == STEP_MUL) &&
			    !st->dbl)))
				b->v[i].intonly = 0;
		}
	}
	return (0);
}

static int
bindings_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The names of the bindings table at idx, sorted: the compile order. */
static char **
bindings_names(lua_State *L, int idx, size_t *n, const char *where,
    char **cause)
{
	char	**names = NULL;

	*n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			lua_pop(L, 1);
			*cause = xfmt("%s: bindings: names must be strings",
			    where);
			while (*n > 0)
				free(names[--*n]);
			free(names);
			return (NULL);
		}
		names = xreallocarray(names, *n + 1, sizeof *names);
		names[(*n)++] = xstrdup(lua_tostring(L, -1));
	}
	qsort(names, *n, sizeof *names, bindings_name_cmp);
	if (names == NULL)
		names = xcalloc(1, sizeof *names);
	return (names);
}

struct mb_bindings *
mb_bindings_compile(lua_State *L, int idx, const char *where, char **cause)
{
	struct mb_bindings	*b;
	struct compile		 c;
	char			**names = NULL;
	size_t			 i, n = 0;

	b = xcalloc(1, sizeof *b);
	if (lua_isnil(L, idx))
		return (b);
	if (idx < 0)
		idx = lua_gettop(L) + idx + 1;
	if (!lua_istable(L, idx)) {
		*cause = xfmt("%s: bindings: expected a table of name = "
		    "recipe, got a %s", where, luaL_typename(L, idx));
		goto fail;
	}
	if ((names = bindings_names(L, idx, &n, where, cause)) == NULL)
		goto fail;
	/* Named ones first, in name order: indexes do not depend on Lua's
	 * table order, and lookups bisect them. */
	b->v = xcalloc(n == 0 ? 1 : n, sizeof *b->v);
	b->n = b->nnamed = n;
	for (i = 0; i < n; i++)
		b->v[i].name = names[i];
	free(names);
	c.b = b;
	c.where = where;
	c.cause = cause;
	for (i = 0; i < n; i++) {
		c.binding = b->v[i].name;
		lua_pushstring(L, b->v[i].name);
		lua_rawget(L, idx);
		if (bindings_compile_recipe(&c, L, i) != 0) {
			lua_pop(L, 1);
			goto fail;
		}
		lua_pop(L, 1);
	}
	if (bindings_resolve(b, where, cause) != 0)
		goto fail;
	return (b);
fail:
	mb_bindings_free(b);
	return (NULL);
}

static void
bindings_free_step(struct binding_step *st)
{
	size_t	k;

	free(st->text);
	free(st->ref_name);
	if (st->fixed.type == MB_VALUE_TEXT)
		free((char *)st->fixed.t.ptr);
	mb_zipf_free(st->zipf);
	mb_weighted_free(st->weighted);
	for (k = 0; k < st->nchoices; k++) {
		if (st->choices[k].type == MB_VALUE_TEXT)
			free((char *)st->choices[k].t.ptr);
	}
	free(st->choices);
	if (st->format != NULL)
		mb_format_free(st->format);
	if (st->lines != NULL) {
		free(st->lines->data);
		free(st->lines->v);
		free(st->lines);
	}
	free(st->args);
	free(st->pieces);
	free(st->piece_data);
}

void
mb_bindings_free(struct mb_bindings *b)
{
	size_t	i, k;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		for (k = 0; k < b->v[i].nsteps; k++)
			bindings_free_step(&b->v[i].steps[k]);
		free(b->v[i].steps);
		free(b->v[i].name);
	}
	free(b->v);
	free(b);
}

size_t
mb_bindings_count(const struct mb_bindings *b)
{
	return (b->nnamed);
}

const char *
mb_bindings_name(const struct mb_bindings *b, size_t i)
{
	return (b->v[i].name);
}

size_t
mb_bindings_nfns(const struct mb_bindings *b)
{
	return (b->nfns);
}

int
mb_bindings_find(const struct mb_bindings *b, const char *name, size_t len)
{
	size_t	lo = 0, hi = b->nnamed, mid;
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

/* Append the b.fn functions of the recipe at idx to the list at out, in
 * the order compile_recipe numbers them. */
static void
bindings_collect_fns(lua_State *L, int idx, int out)
{
	int		 k, a, nsteps, nargs;
	const char	*kind;

	if (!lua_istable(L, idx))
		return;
	lua_getfield(L, idx, "steps");
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	nsteps = (int)lua_objlen(L, -1);
	for (k = 1; k <= nsteps; k++) {
		lua_rawgeti(L, -1, k);		/* the step */
		lua_rawgeti(L, -1, 1);
		kind = lua_tostring(L, -1);
		lua_pop(L, 1);
		if (kind != NULL && strcmp(kind, "fn") == 0) {
			lua_rawgeti(L, -1, 2);
			lua_rawseti(L, out, (int)lua_objlen(L, out) + 1);
		} else if (kind != NULL && strcmp(kind, "template") == 0) {
			lua_getfield(L, -1, "n");
			nargs = (int)lua_tointeger(L, -1);
			lua_pop(L, 1);
			for (a = 3; a <= nargs; a++) {
				lua_rawgeti(L, -1, a);
				bindings_collect_fns(L, lua_gettop(L), out);
				lua_pop(L, 1);
			}
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

int
mb_bindings_push_fns(lua_State *L, int idx)
{
	char	**names, *cause = NULL;
	size_t	 i, n;
	int	 out;

	if (idx < 0)
		idx = lua_gettop(L) + idx + 1;
	lua_newtable(L);
	out = lua_gettop(L);
	if (!lua_istable(L, idx))
		return (0);
	if ((names = bindings_names(L, idx, &n, "", &cause)) == NULL) {
		free(cause);
		return (0);
	}
	for (i = 0; i < n; i++) {
		lua_pushstring(L, names[i]);
		lua_rawget(L, idx);
		bindings_collect_fns(L, lua_gettop(L), out);
		lua_pop(L, 1);
		free(names[i]);
	}
	free(names);
	return ((int)lua_objlen(L, out));
}
