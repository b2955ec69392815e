/* Binding steps: each step of a recipe read from Lua and checked, with
 * the binding's name in every message. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "bindings_impl.h"
#include "params.h"
#include "xmalloc.h"
static const struct {
	const char		*name;
	enum binding_step_kind	 kind;
} step_names[] = {
	{ "identity", STEP_IDENTITY }, { "hash", STEP_HASH },
	{ "mod", STEP_MOD }, { "add", STEP_ADD }, { "mul", STEP_MUL },
	{ "div", STEP_DIV }, { "clamp", STEP_CLAMP }, { "range", STEP_RANGE },
	{ "uniform", STEP_UNIFORM }, { "normal", STEP_NORMAL },
	{ "exponential", STEP_EXPONENTIAL }, { "zipf", STEP_ZIPF },
	{ "weighted", STEP_WEIGHTED }, { "int", STEP_INT },
	{ "tostring", STEP_TOSTRING }, { "format", STEP_FORMAT },
	{ "alnum", STEP_ALNUM }, { "printable", STEP_PRINTABLE },
	{ "words", STEP_WORDS }, { "uuid", STEP_UUID },
	{ "epoch", STEP_EPOCH }, { "date", STEP_DATE }, { "line", STEP_LINE },
	{ "ref", STEP_REF }, { "fixed", STEP_FIXED }, { "fn", STEP_FN },
	{ "template", STEP_TEMPLATE },
};

/* A Lua number that is a whole number in the int64 range is exactly that
 * integer: it becomes an int64 value, as b.fn's results do. */
static int
steps_whole(double d)
{
	return (d == floor(d) && d >= -9223372036854775808.0 &&
	    d < 9223372036854775808.0);
}

static int
compile_fail(struct compile *c, const struct binding_step *st,
    const char *fmt, const char *detail)
{
	*c->cause = xfmt("%s: binding '%s': %s: %s%s", c->where, c->binding,
	    c->call, fmt, detail != NULL ? detail : "");
	return (-1);
}

/* The step on top as it was written, for messages: mod(0), alnum(8, 4). */
static void
compile_call(struct compile *c, lua_State *L, const char *name, int nargs)
{
	size_t	used;
	int	k;

	used = (size_t)snprintf(c->call, sizeof c->call, "%s(", name);
	for (k = 1; k <= nargs && used < sizeof c->call; k++) {
		lua_rawgeti(L, -1, k + 1);
		if (lua_type(L, -1) == LUA_TNUMBER)
			used += (size_t)snprintf(c->call + used,
			    sizeof c->call - used, "%s%.14g", k > 1 ? ", " : "",
			    lua_tonumber(L, -1));
		else if (lua_type(L, -1) == LUA_TSTRING)
			used += (size_t)snprintf(c->call + used,
			    sizeof c->call - used, "%s\"%.40s\"",
			    k > 1 ? ", " : "", lua_tostring(L, -1));
		else
			used += (size_t)snprintf(c->call + used,
			    sizeof c->call - used, "%s%s", k > 1 ? ", " : "",
			    luaL_typename(L, -1));
		lua_pop(L, 1);
	}
	if (used < sizeof c->call - 1)
		snprintf(c->call + used, sizeof c->call - used, ")");
}

/* Argument k (1-based, after the step's name) of the step table on top. */
static int
arg_type(lua_State *L, int k)
{
	int	t;

	lua_rawgeti(L, -1, k + 1);
	t = lua_type(L, -1);
	lua_pop(L, 1);
	return (t);
}

static double
arg_number(lua_State *L, int k)
{
	double	d;

	lua_rawgeti(L, -1, k + 1);
	d = lua_tonumber(L, -1);
	lua_pop(L, 1);
	return (d);
}

static int
need_numbers(struct compile *c, lua_State *L, struct binding_step *st,
    int nargs, int want, int whole)
{
	int	k;
	double	d;

	if (nargs != want) {
		*c->cause = xfmt("%s: binding '%s': %s: expected %d "
		    "argument%s, got %d", c->where, c->binding, c->call, want,
		    want == 1 ? "" : "s", nargs);
		return (-1);
	}
	for (k = 1; k <= nargs; k++) {
		if (arg_type(L, k) != LUA_TNUMBER)
			return (compile_fail(c, st, "expected numbers", NULL));
		d = arg_number(L, k);
		if (!isfinite(d))
			return (compile_fail(c, st, "expected finite numbers",
			    NULL));
		if (whole && (d != floor(d) || fabs(d) > 9.2e18))
			return (compile_fail(c, st, "expected whole numbers",
			    NULL));
	}
	return (0);
}

static char *
arg_string(lua_State *L, int k)
{
	char	*s = NULL;

	lua_rawgeti(L, -1, k + 1);
	if (lua_type(L, -1) == LUA_TSTRING)
		s = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	return (s);
}

/* Days from 1970-01-01 of a proleptic Gregorian date (Hinnant's days from
 * civil). */
static int64_t
bindings_days(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

static int
steps_month_days(int y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return (29);
	return (days[m - 1]);
}

/* A start: epoch milliseconds, or "YYYY-MM-DD[THH:MM:SS[.mmm]][Z]". */
static int
arg_start(struct compile *c, lua_State *L, struct binding_step *st,
    int64_t *ms)
{
	char		*s;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, n = 0;

	if (arg_type(L, 1) == LUA_TNUMBER) {
		*ms = (int64_t)arg_number(L, 1);
		return (0);
	}
	if ((s = arg_string(L, 1)) == NULL)
		return (compile_fail(c, st, "the start is epoch milliseconds "
		    "or a date like \"2024-01-31\"", NULL));
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		n = -1;
	else if (s[n] == 'T' || s[n] == ' ') {
		int	m2 = 0;

		if (sscanf(s + n + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m2) != 3)
			n = -1;
		else {
			n += 1 + m2;
			if (s[n] == '.' && sscanf(s + n + 1, "%3d%n", &frac,
			    &m2) == 1 && m2 == 3)
				n += 4;
		}
	}
	if (n >= 0 && s[n] == 'Z')
		n++;
	if (n < 0 || s[n] != '\0' || mo < 1 || mo > 12 || d < 1 ||
	    d > steps_month_days(y, mo) ||
	    h > 23 || mi > 59 || sec > 60) {
		compile_fail(c, st, "the start is epoch milliseconds or a UTC "
		    "date like \"2024-01-31\" or \"2024-01-31T08:00:00Z\", "
		    "got ", s);
		free(s);
		return (-1);
	}
	free(s);
	*ms = ((bindings_days(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 +
	    mi) * 60000 + sec * 1000 + frac;
	return (0);
}

/* A spacing: milliseconds, or a duration like "1s" (in ns, as d1). */
static int
arg_spacing(struct compile *c, lua_State *L, struct binding_step *st)
{
	char		*s, *why = NULL;
	uint64_t	 ns;

	if (arg_type(L, 2) == LUA_TNUMBER) {
		st->d1 = arg_number(L, 2) * 1e6;
		return (isfinite(st->d1) ? 0 : compile_fail(c, st,
		    "the spacing is not finite", NULL));
	}
	if ((s = arg_string(L, 2)) == NULL ||
	    mb_param_duration("spacing", s, &ns, &why) != 0) {
		compile_fail(c, st, "the spacing is milliseconds or a duration "
		    "like \"1s\"", NULL);
		free(why);
		free(s);
		return (-1);
	}
	free(s);
	st->d1 = (double)ns;
	return (0);
}

static int
compile_lines(struct compile *c, lua_State *L, struct binding_step *st,
    int nargs)
{
	struct binding_lines	*ln;
	struct stat		 sb;
	char			*file, *mode, *p, *end;
	ssize_t			 r;
	size_t			 got = 0;
	int			 fd;

	file = arg_string(L, 1);
	mode = nargs >= 2 ? arg_string(L, 2) : NULL;
	if (file == NULL || (nargs >= 2 && (mode == NULL ||
	    (strcmp(mode, "hash") != 0 && strcmp(mode, "mod") != 0)))) {
		free(file);
		free(mode);
		return (compile_fail(c, st, "expected line(\"FILE\") or "
		    "line(\"FILE\", \"hash\"|\"mod\")", NULL));
	}
	ln = st->lines = xcalloc(1, sizeof *ln);
	ln->by_hash = mode == NULL || strcmp(mode, "hash") == 0;
	free(mode);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) != 0) {
		*c->cause = xfmt("%s: binding '%s': line(): cannot read '%s': "
		    "%s", c->where, c->binding, file, strerror(errno));
		if (fd != -1)
			close(fd);
		free(file);
		return (-1);
	}
	ln->data = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size &&
	    (r = read(fd, ln->data + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	ln->data[got] = '\0';
	for (p = ln->data; p < ln->data + got; p = end + 1) {
		if ((end = memchr(p, '\n', (size_t)(ln->data + got - p))) ==
		    NULL)
			end = ln->data + got;
		ln->v = xreallocarray(ln->v, ln->n + 1, sizeof *ln->v);
		ln->v[ln->n].ptr = p;
		ln->v[ln->n].len = (size_t)(end - p);
		if (ln->v[ln->n].len > 0 && p[ln->v[ln->n].len - 1] == '\r')
			ln->v[ln->n].len--;
		ln->n++;
	}
	if (ln->n == 0) {
		*c->cause = xfmt("%s: binding '%s': line(): '%s' has no lines",
		    c->where, c->binding, file);
		free(file);
		return (-1);
	}
	free(file);
	return (0);
}

static int
compile_weighted(struct compile *c, lua_State *L, struct binding_step *st,
    int nargs)
{
	double		*w = NULL;
	size_t		 n, k;
	int		 type = -1, rc = -1;
	char		*why = NULL, *copy;

	lua_rawgeti(L, -1, 2);
	if (nargs != 1 || !lua_istable(L, -1) || lua_objlen(L, -1) == 0) {
		lua_pop(L, 1);
		return (compile_fail(c, st, "expected a list of { value, "
		    "weight } pairs, like weighted{ {\"a\", 3}, {\"b\", 1} }",
		    NULL));
	}
	n = lua_objlen(L, -1);
	w = xcalloc(n, sizeof *w);
	st->choices = xcalloc(n, sizeof *st->choices);
	st->nchoices = n;
	for (k = 0; k < n; k++) {
		lua_rawgeti(L, -1, (int)k + 1);
		if (!lua_istable(L, -1))
			goto bad;
		lua_rawgeti(L, -1, 1);
		lua_rawgeti(L, -2, 2);
		if (lua_type(L, -1) != LUA_TNUMBER || (type != -1 &&
		    lua_type(L, -2) != type) || (lua_type(L, -2) !=
		    LUA_TNUMBER && lua_type(L, -2) != LUA_TSTRING)) {
			lua_pop(L, 2);
			goto bad;
		}
		type = lua_type(L, -2);
		w[k] = lua_tonumber(L, -1);
		if (type == LUA_TSTRING) {
			st->choices[k].type = MB_VALUE_TEXT;
			/* Every byte, a NUL too (xstrndup would stop). */
			st->choices[k].t.len = lua_objlen(L, -2);
			copy = xmalloc(st->choices[k].t.len + 1);
			memcpy(copy, lua_tostring(L, -2),
			    st->choices[k].t.len + 1);
			st->choices[k].t.ptr = copy;
		} else if (steps_whole(lua_tonumber(L, -2))) {
			st->choices[k].type = MB_VALUE_INT;
			st->choices[k].i = (int64_t)lua_tonumber(L, -2);
		} else {
			st->choices[k].type = MB_VALUE_DOUBLE;
			st->choices[k].d = lua_tonumber(L, -2);
		}
		lua_pop(L, 3);
	}
	lua_pop(L, 1);
	if ((st->weighted = mb_weighted_new(w, n, &why)) == NULL) {
		compile_fail(c, st, "", why);
		free(why);
		goto out;
	}
	/* Numbers that are all whole stay integers; else all doubles. */
	for (k = 0; k < n && type == LUA_TNUMBER; k++) {
		if (st->choices[k].type == MB_VALUE_DOUBLE)
			break;
	}
	if (k < n) {
		for (k = 0; k < n; k++) {
			if (st->choices[k].type == MB_VALUE_INT) {
				st->choices[k].type = MB_VALUE_DOUBLE;
				st->choices[k].d = (double)st->choices[k].i;
			}
		}
	}
	rc = 0;
	goto out;
bad:
	lua_pop(L, 2);
	compile_fail(c, st, "expected { value, weight } pairs with values "
	    "all strings or all numbers and weights numbers", NULL);
out:
	free(w);
	return (rc);
}


/* template(text, r1, r2, ...): the text cut at each {} and the recipes
 * compiled as hidden bindings. */
static int
compile_template(struct compile *c, lua_State *L, struct binding_step *st,
    int nargs)
{
	const char	*text, *p, *hole;
	size_t		 len, k, idx, used = 0;

	lua_rawgeti(L, -1, 2);
	if (lua_type(L, -1) != LUA_TSTRING) {
		lua_pop(L, 1);
		return (compile_fail(c, st, "expected the text first, like "
		    "template(\"user-{}\", b.mod(10))", NULL));
	}
	text = lua_tolstring(L, -1, &len);
	st->nargs = (size_t)nargs - 1;
	st->pieces = xcalloc(st->nargs + 1, sizeof *st->pieces);
	st->piece_data = xmalloc(len + 1);
	memcpy(st->piece_data, text, len + 1);
	lua_pop(L, 1);
	p = st->piece_data;
	for (k = 0; k <= st->nargs; k++) {
		hole = k < st->nargs ? strstr(p, "{}") : NULL;
		if (k < st->nargs && hole == NULL) {
			*c->cause = xfmt("%s: binding '%s': template(): the text "
			    "has fewer {} than the %zu values given", c->where,
			    c->binding, st->nargs);
			return (-1);
		}
		st->pieces[k].ptr = p;
		st->pieces[k].len = hole != NULL ? (size_t)(hole - p) :
		    strlen(p);
		if (hole != NULL)
			p = hole + 2;
	}
	if (strstr(p, "{}") != NULL) {
		*c->cause = xfmt("%s: binding '%s': template(): the text has "
		    "more {} than the %zu values given", c->where, c->binding,
		    st->nargs);
		return (-1);
	}
	st->args = xcalloc(st->nargs == 0 ? 1 : st->nargs, sizeof *st->args);
	for (k = 0; k < st->nargs; k++) {
		c->b->v = xreallocarray(c->b->v, c->b->n + 1, sizeof *c->b->v);
		idx = c->b->n++;
		memset(&c->b->v[idx], 0, sizeof c->b->v[idx]);
		c->b->v[idx].name = xfmt("%s#%zu", c->binding, ++used);
		c->b->v[idx].hidden = 1;
		st->args[k] = (int)idx;
		lua_rawgeti(L, -1, (int)k + 3);
		if (bindings_compile_recipe(c, L, idx) != 0) {
			lua_pop(L, 1);
			return (-1);
		}
		lua_pop(L, 1);
	}
	return (0);
}

/* The step table { name, n = N, args... } on top of the stack. */
int
bindings_steps_compile(struct compile *c, lua_State *L, struct binding_step *st)
{
	char	*why = NULL, *s;
	int	 nargs;
	size_t	 k;

	lua_getfield(L, -1, "n");
	nargs = (int)lua_tointeger(L, -1) - 1;
	lua_pop(L, 1);
	if (nargs < 0)
		nargs = (int)lua_objlen(L, -1) - 1;
	lua_rawgeti(L, -1, 1);
	s = lua_type(L, -1) == LUA_TSTRING ? xstrdup(lua_tostring(L, -1)) :
	    NULL;
	lua_pop(L, 1);
	for (k = 0; s != NULL && k < sizeof step_names / sizeof step_names[0];
	    k++) {
		if (strcmp(s, step_names[k].name) == 0)
			break;
	}
	if (s == NULL || k == sizeof step_names / sizeof step_names[0]) {
		*c->cause = xfmt("%s: binding '%s': unknown step '%s' (see "
		    "moonbench --help bindings)", c->where, c->binding,
		    s != NULL ? s : "?");
		free(s);
		return (-1);
	}
	free(s);
	st->kind = step_names[k].kind;
	st->name = step_names[k].name;
	compile_call(c, L, st->name, nargs);
	st->ref = -1;
	st->in = MB_TYPE_ANY;
	switch (st->kind) {
	case STEP_IDENTITY:
	case STEP_HASH:
	case STEP_INT:
	case STEP_TOSTRING:
	case STEP_WORDS:
	case STEP_UUID:
		return (need_numbers(c, L, st, nargs, 0, 0));
	case STEP_MOD:
		if (need_numbers(c, L, st, nargs, 1, 1) != 0)
			return (-1);
		st->i1 = (int64_t)arg_number(L, 1);
		if (st->i1 <= 0)
			return (compile_fail(c, st, "expected a number above "
			    "0", NULL));
		/* For a modulo by multiplication (bindings_eval.c). */
		st->magic = ~(unsigned __int128)0 / (uint64_t)st->i1 + 1;
		return (0);
	case STEP_ADD:
	case STEP_MUL:
	case STEP_DIV:
		if (need_numbers(c, L, st, nargs, 1, 0) != 0)
			return (-1);
		st->d1 = arg_number(L, 1);
		st->i1 = (int64_t)st->d1;
		st->dbl = st->d1 != floor(st->d1) || fabs(st->d1) > 9e18;
		if (st->kind == STEP_DIV && st->d1 == 0)
			return (compile_fail(c, st, "cannot divide by 0",
			    NULL));
		return (0);
	case STEP_CLAMP:
	case STEP_RANGE:
		if (need_numbers(c, L, st, nargs, 2, st->kind == STEP_RANGE) !=
		    0)
			return (-1);
		st->d1 = arg_number(L, 1);
		st->d2 = arg_number(L, 2);
		st->i1 = (int64_t)st->d1;
		st->i2 = (int64_t)st->d2;
		st->dbl = st->d1 != floor(st->d1) || st->d2 != floor(st->d2);
		if (st->d1 > st->d2)
			return (compile_fail(c, st, "the low bound is above "
			    "the high one", NULL));
		return (0);
	case STEP_UNIFORM:
	case STEP_NORMAL:
		if (need_numbers(c, L, st, nargs, 2, 0) != 0)
			return (-1);
		st->d1 = arg_number(L, 1);
		st->d2 = arg_number(L, 2);
		if (st->kind == STEP_UNIFORM && st->d1 > st->d2)
			return (compile_fail(c, st, "the low bound is above "
			    "the high one", NULL));
		if (st->kind == STEP_NORMAL && st->d2 < 0)
			return (compile_fail(c, st, "the standard deviation "
			    "is below 0", NULL));
		return (0);
	case STEP_EXPONENTIAL:
		if (need_numbers(c, L, st, nargs, 1, 0) != 0)
			return (-1);
		st->d1 = arg_number(L, 1);
		if (st->d1 <= 0)
			return (compile_fail(c, st, "the mean must be above 0",
			    NULL));
		return (0);
	case STEP_ZIPF:
		if (need_numbers(c, L, st, nargs, 2, 0) != 0)
			return (-1);
		if (arg_number(L, 1) < 1 || arg_number(L, 1) !=
		    floor(arg_number(L, 1)))
			return (compile_fail(c, st, "n must be a whole number "
			    "of at least 1", NULL));
		st->zipf = mb_zipf_new((uint64_t)arg_number(L, 1),
		    arg_number(L, 2), &why);
		if (st->zipf == NULL) {
			compile_fail(c, st, "", why);
			free(why);
			return (-1);
		}
		return (0);
	case STEP_WEIGHTED:
		return (compile_weighted(c, L, st, nargs));
	case STEP_FORMAT:
		if (nargs != 1 || (st->text = arg_string(L, 1)) == NULL)
			return (compile_fail(c, st, "expected a format like "
			    "\"%05d\"", NULL));
		if ((st->format = mb_format_new(st->text, &why)) == NULL) {
			compile_fail(c, st, "", why);
			free(why);
			return (-1);
		}
		return (0);
	case STEP_ALNUM:
	case STEP_PRINTABLE:
		if (nargs == 1 && need_numbers(c, L, st, 1, 1, 1) == 0) {
			st->i1 = st->i2 = (int64_t)arg_number(L, 1);
		} else if (nargs == 2 && need_numbers(c, L, st, 2, 2, 1) == 0) {
			st->i1 = (int64_t)arg_number(L, 1);
			st->i2 = (int64_t)arg_number(L, 2);
		} else {
			free(*c->cause);
			return (compile_fail(c, st, "expected a length or a "
			    "low and a high length", NULL));
		}
		if (st->i1 < 0 || st->i1 > st->i2 || st->i2 > 1048576)
			return (compile_fail(c, st, "lengths run from 0 to "
			    "1048576, low first", NULL));
		return (0);
	case STEP_EPOCH:
	case STEP_DATE:
		if (nargs < 2 || nargs > (st->kind == STEP_DATE ? 3 : 2))
			return (compile_fail(c, st, st->kind == STEP_DATE ?
			    "expected date(start, spacing[, pattern])" :
			    "expected epoch(start, spacing)", NULL));
		if (arg_start(c, L, st, &st->i1) != 0 ||
		    arg_spacing(c, L, st) != 0)
			return (-1);
		if (st->kind == STEP_DATE) {
			st->text = nargs == 3 ? arg_string(L, 3) :
			    xstrdup("%Y-%m-%dT%H:%M:%S.%3NZ");
			if (st->text == NULL ||
			    mb_text_date_check(st->text, &why) != 0) {
				compile_fail(c, st, "", why != NULL ? why :
				    "the pattern is not a string");
				free(why);
				return (-1);
			}
		}
		return (0);
	case STEP_LINE:
		return (compile_lines(c, L, st, nargs));
	case STEP_REF:
		if (nargs != 1 || (st->ref_name = arg_string(L, 1)) == NULL)
			return (compile_fail(c, st, "expected a binding's "
			    "name", NULL));
		return (0);
	case STEP_FIXED:
		lua_rawgeti(L, -1, 2);
		if (lua_type(L, -1) == LUA_TSTRING) {
			char	*copy;

			st->fixed.type = MB_VALUE_TEXT;
			/* The whole string: a NUL in it is a byte like any
			 * other (xstrndup would stop there). */
			st->fixed.t.len = lua_objlen(L, -1);
			copy = xmalloc(st->fixed.t.len + 1);
			memcpy(copy, lua_tostring(L, -1), st->fixed.t.len + 1);
			st->fixed.t.ptr = copy;
		} else if (lua_type(L, -1) == LUA_TNUMBER &&
		    steps_whole(lua_tonumber(L, -1))) {
			st->fixed.type = MB_VALUE_INT;
			st->fixed.i = (int64_t)lua_tonumber(L, -1);
		} else if (lua_type(L, -1) == LUA_TNUMBER) {
			st->fixed.type = MB_VALUE_DOUBLE;
			st->fixed.d = lua_tonumber(L, -1);
		} else {
			lua_pop(L, 1);
			return (compile_fail(c, st, "expected a number or a "
			    "string", NULL));
		}
		lua_pop(L, 1);
		return (0);
	case STEP_FN:
		lua_rawgeti(L, -1, 2);
		k = lua_isfunction(L, -1);
		lua_pop(L, 1);
		if (!k)
			return (compile_fail(c, st, "expected a function "
			    "(cycle) -> value", NULL));
		st->fn = (int)c->b->nfns++;
		return (0);
	case STEP_TEMPLATE:
		return (compile_template(c, L, st, nargs));
	}
	return (0);
}

