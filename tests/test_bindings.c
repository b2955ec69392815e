/*
 * Bindings end to end: recipes built in Lua (moonbench/bind.lua), compiled
 * by mb_bindings_compile and evaluated per cycle. Every function of
 * `moonbench --help bindings` is checked for determinism (the same cycle
 * twice in one value set, and in a second set compiled separately), for
 * the type and shape of its values, and for its refusals at load; the
 * distributions are checked end to end by goodness-of-fit tests.
 *
 * Every cycle is fixed, so every test sees the same values on every run:
 * it passes or fails for good, never by chance.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>

#include "bindings.h"
#include "lua_env.h"
#include "xmalloc.h"

#define WHERE	"test.lua"

/* ---- fixtures: a Lua state, its compiled bindings and one value set ---- */

struct fx {
	struct mb_lua_ctx		 ctx;	/* outlives L */
	lua_State			*L;
	struct mb_bindings		*b;	/* NULL when refused */
	struct mb_binding_values	*vals;
	int				*refs;
	char				*cause;	/* the refusal */
};

/*
 * Compile the bindings of a Lua table body, "name = recipe, ...": it runs
 * as "local b = require('moonbench').bind\nreturn { BODY }", as in
 * bench/bindings_bench.c. Either fx->b and fx->vals are set, or fx->cause
 * says why the recipes were refused. A Lua error fails the test.
 */
static struct fx *
fx_load(const char *body)
{
	struct fx	*fx;
	char		*src, *cause = NULL;
	int		 i, nfns;

	fx = xcalloc(1, sizeof *fx);
	if ((fx->L = mb_lua_new(&fx->ctx, &cause)) == NULL)
		fail_msg("mb_lua_new: %s", cause);
	src = xfmt("local b = require('moonbench').bind\nreturn { %s }", body);
	if (luaL_loadstring(fx->L, src) != 0)
		fail_msg("%s: %s", body, lua_tostring(fx->L, -1));
	free(src);
	if (mb_lua_pcall(fx->L, 0, 1, &cause) != 0)
		fail_msg("%s: %s", body, cause);
	fx->b = mb_bindings_compile(fx->L, -1, WHERE, &fx->cause);
	if (fx->b == NULL) {
		assert_non_null(fx->cause);
		lua_pop(fx->L, 1);
		return (fx);
	}
	assert_null(fx->cause);
	nfns = mb_bindings_push_fns(fx->L, -1);
	assert_int_equal((size_t)nfns, mb_bindings_nfns(fx->b));
	fx->refs = xcalloc((size_t)nfns + 1, sizeof *fx->refs);
	for (i = 0; i < nfns; i++) {
		lua_rawgeti(fx->L, -1, i + 1);
		assert_true(lua_isfunction(fx->L, -1));
		fx->refs[i] = luaL_ref(fx->L, LUA_REGISTRYINDEX);
	}
	lua_pop(fx->L, 2);
	fx->vals = mb_binding_values_new(fx->b, fx->L, fx->refs);
	assert_non_null(fx->vals);
	return (fx);
}

/* Compile body, which must be accepted. */
static struct fx *
fx_ok(const char *body)
{
	struct fx	*fx = fx_load(body);

	if (fx->b == NULL)
		fail_msg("%s: refused: %s", body, fx->cause);
	return (fx);
}

static void
fx_free(struct fx *fx)
{
	mb_binding_values_free(fx->vals);
	mb_bindings_free(fx->b);
	mb_lua_close(fx->L);
	free(fx->refs);
	free(fx->cause);
	free(fx);
}

static int
fx_index(struct fx *fx, const char *name)
{
	int	i = mb_bindings_find(fx->b, name, strlen(name));

	if (i < 0)
		fail_msg("no binding '%s'", name);
	return (i);
}

/* The typed value of binding name at cycle; it must be made. */
static const struct mb_value *
val(struct fx *fx, const char *name, uint64_t cycle)
{
	const struct mb_value	*v;

	v = mb_binding_values_get(fx->vals, cycle, fx_index(fx, name));
	if (v == NULL)
		fail_msg("'%s' at cycle %" PRIu64 ": %s", name, cycle,
		    mb_binding_values_error(fx->vals));
	return (v);
}

static const char *
type_name(enum mb_value_type t)
{
	return (t == MB_VALUE_INT ? "an integer" : t == MB_VALUE_DOUBLE ?
	    "a double" : "text");
}

/* The value of binding name at cycle, which must be of type want. */
static const struct mb_value *
typed(struct fx *fx, const char *name, uint64_t cycle,
    enum mb_value_type want)
{
	const struct mb_value	*v = val(fx, name, cycle);

	if (v->type != want)
		fail_msg("'%s' at cycle %" PRIu64 " is %s, not %s", name, cycle,
		    type_name(v->type), type_name(want));
	return (v);
}

static int64_t
ival(struct fx *fx, const char *name, uint64_t cycle)
{
	return (typed(fx, name, cycle, MB_VALUE_INT)->i);
}

static double
dval(struct fx *fx, const char *name, uint64_t cycle)
{
	return (typed(fx, name, cycle, MB_VALUE_DOUBLE)->d);
}

/*
 * Binding name at cycle as text (mb_binding_values_text), copied and
 * NUL-terminated into one of a ring of buffers: a few stay valid at once.
 */
static const char *
txt(struct fx *fx, const char *name, uint64_t cycle)
{
	static char		 ring[8][4096];
	static unsigned		 next;
	const struct mb_text	*t;
	char			*out;

	t = mb_binding_values_text(fx->vals, cycle, fx_index(fx, name));
	if (t == NULL)
		fail_msg("'%s' at cycle %" PRIu64 ": %s", name, cycle,
		    mb_binding_values_error(fx->vals));
	assert_true(t->len < sizeof ring[0]);
	out = ring[next++ % 8];
	if (t->len > 0)
		memcpy(out, t->ptr, t->len);
	out[t->len] = '\0';
	assert_int_equal(strlen(out), t->len);	/* no NUL inside */
	return (out);
}

/* A text value: the typed value must be text as well. */
static const char *
tval(struct fx *fx, const char *name, uint64_t cycle)
{
	(void)typed(fx, name, cycle, MB_VALUE_TEXT);
	return (txt(fx, name, cycle));
}

/*
 * The same cycle gives the same value: asked again in one value set (after
 * another cycle moved its cache on) and in a second set compiled apart,
 * which walks the cycles backwards. Doubles render in the shortest form
 * that reads back, so equal text is equal bits.
 */
static void
assert_deterministic(const char *body, const char *name, uint64_t first,
    uint64_t n)
{
	struct fx		*a, *b2;
	enum mb_value_type	*types;
	char			**texts;
	uint64_t		 k;

	a = fx_ok(body);
	b2 = fx_ok(body);
	types = xcalloc(n, sizeof *types);
	texts = xcalloc(n, sizeof *texts);
	for (k = 0; k < n; k++) {
		types[k] = val(a, name, first + k)->type;
		texts[k] = xstrdup(txt(a, name, first + k));
		(void)txt(a, name, first + k + 1);
		assert_int_equal(val(a, name, first + k)->type, types[k]);
		assert_string_equal(txt(a, name, first + k), texts[k]);
	}
	for (k = n; k-- > 0;) {
		assert_int_equal(val(b2, name, first + k)->type, types[k]);
		assert_string_equal(txt(b2, name, first + k), texts[k]);
		free(texts[k]);
	}
	free(texts);
	free(types);
	fx_free(a);
	fx_free(b2);
}

/*
 * The recipes of body must be refused at load with a message that starts
 * with the file, names the binding and holds each fragment (NULL-ended).
 */
static void
assert_refused(const char *body, const char *binding, ...)
{
	struct fx	*fx = fx_load(body);
	va_list		 ap;
	const char	*frag;
	char		*named;

	if (fx->b != NULL)
		fail_msg("%s: compiled, but it should be refused", body);
	named = xfmt("binding '%s'", binding);
	if (strncmp(fx->cause, WHERE ": ", strlen(WHERE ": ")) != 0 ||
	    strstr(fx->cause, named) == NULL)
		fail_msg("%s: \"%s\" does not name %s", body, fx->cause, named);
	va_start(ap, binding);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (strstr(fx->cause, frag) == NULL)
			fail_msg("%s: '%s' not in \"%s\"", body, frag,
			    fx->cause);
	}
	va_end(ap);
	free(named);
	fx_free(fx);
}

/* ---- integers: identity, hash, mod, add, mul, div, clamp, range ---- */

static void
test_identity(void **state)
{
	struct fx	*fx = fx_ok("v = b.identity()");
	uint64_t	 c;

	for (c = 0; c < 100; c++)
		assert_int_equal(ival(fx, "v", c), (int64_t)c);
	assert_int_equal(ival(fx, "v", 7), 7);
	assert_string_equal(txt(fx, "v", 1234567890123ULL), "1234567890123");
	fx_free(fx);
	assert_deterministic("v = b.identity()", "v", 0, 50);
}

static void
test_hash(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	int64_t		 h;

	fx = fx_ok("h = b.hash(), t = b.fixed('abc'):hash(), "
	    "d = b.uniform(0, 1):hash(), n = b.add(-1000):hash()");
	for (c = 0; c < 10000; c++) {
		/* The mix of the cycle with its top bit dropped: >= 0. */
		h = ival(fx, "h", c);
		assert_true(h >= 0);
		assert_int_equal(h, (int64_t)(mb_bindings_hash(c) >> 1));
		assert_true(ival(fx, "d", c) >= 0);
		assert_true(ival(fx, "n", c) >= 0);
	}
	assert_int_not_equal(ival(fx, "h", 0), ival(fx, "h", 1));
	assert_true(ival(fx, "t", 0) >= 0);
	assert_int_equal(ival(fx, "t", 0), ival(fx, "t", 99));
	fx_free(fx);
	assert_deterministic("h = b.hash()", "h", 0, 100);
	assert_deterministic("t = b.alnum(8):hash()", "t", 0, 100);
	assert_deterministic("d = b.normal(0, 1):hash()", "d", 0, 100);
}

static void
test_mod(void **state)
{
	/* Divisors around the edges of the multiply-instead-of-divide. */
	static const char *const	 divisors[] = {
		"1", "2", "3", "7", "10", "1000", "1000000", "4294967295",
		"4294967296", "4294967297", "999999999989",
		"4611686018427387904", "9007199254740993",
	};
	struct fx	*fx;
	char		*body;
	uint64_t	 c, d;
	size_t		 k;

	fx = fx_ok("m = b.mod(7), neg = b.add(-10):mod(7), "
	    "big = b.mod(1e6)");
	assert_int_equal(ival(fx, "m", 100), 2);
	assert_int_equal(ival(fx, "m", 6), 6);
	assert_int_equal(ival(fx, "m", 7), 0);
	/* Negative values too give 0..n-1. */
	assert_int_equal(ival(fx, "neg", 0), 4);
	assert_int_equal(ival(fx, "neg", 3), 0);
	for (c = 0; c < 20; c++)
		assert_true(ival(fx, "neg", c) >= 0 && ival(fx, "neg", c) < 7);
	assert_int_equal(ival(fx, "big", 1234567), 234567);
	fx_free(fx);

	/* Integer-only recipes (fast path) and the general one (a ref). */
	for (k = 0; k < sizeof divisors / sizeof divisors[0]; k++) {
		body = xfmt("f = b.hash():mod(%s), h = b.hash(), "
		    "g = b.ref('h'):mod(%s)", divisors[k], divisors[k]);
		fx = fx_ok(body);
		d = strtoull(divisors[k], NULL, 10);
		if (d == 9007199254740993ULL)
			d--;	/* a Lua number: 2^53 + 1 rounds to 2^53 */
		for (c = 0; c < 5000; c++) {
			assert_int_equal(ival(fx, "f", c),
			    (int64_t)((mb_bindings_hash(c) >> 1) % d));
			assert_int_equal(ival(fx, "g", c), ival(fx, "f", c));
		}
		fx_free(fx);
		free(body);
	}
	assert_deterministic("m = b.hash():mod(1e6)", "m", 0, 100);
}

static void
test_arith_int(void **state)
{
	struct fx	*fx;

	fx = fx_ok("ma = b.mul(10):add(1), d = b.div(2), nd = b.add(-10):div(3), "
	    "sub = b.add(-3), x = b.ref('ma'):mul(3):add(-1):div(4), "
	    "big = b.add(9e18)");
	assert_int_equal(ival(fx, "ma", 7), 71);
	assert_int_equal(ival(fx, "d", 7), 3);
	/* Integer division truncates toward 0. */
	assert_int_equal(ival(fx, "nd", 0), -3);
	assert_int_equal(ival(fx, "sub", 1), -2);
	assert_int_equal(ival(fx, "x", 7), (71 * 3 - 1) / 4);
	/* All 64 bits: no trip through a double. */
	assert_int_equal(ival(fx, "big", 7), INT64_C(9000000000000000007));
	assert_string_equal(txt(fx, "big", 7), "9000000000000000007");
	fx_free(fx);
	assert_deterministic("v = b.mul(10):add(1):div(3)", "v", 0, 50);
}

static void
test_arith_double(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	double		 u;

	fx = fx_ok("d = b.div(2.5), a = b.add(0.5), m = b.mul(0.5), "
	    "u = b.uniform(0, 1), um = b.ref('u'):mul(10), "
	    "ua = b.ref('u'):add(1), ud = b.ref('u'):div(4)");
	assert_true(dval(fx, "d", 7) == 7 / 2.5);
	assert_string_equal(txt(fx, "d", 7), "2.8");
	assert_true(dval(fx, "a", 7) == 7.5);
	assert_true(dval(fx, "m", 7) == 3.5);
	/* A double value stays a double, even with integer arguments. */
	for (c = 0; c < 100; c++) {
		u = dval(fx, "u", c);
		assert_true(dval(fx, "um", c) == u * 10);
		assert_true(dval(fx, "ua", c) == u + 1);
		assert_true(dval(fx, "ud", c) == u / 4);
	}
	fx_free(fx);
	assert_deterministic("v = b.uniform(0, 1):mul(10):add(0.5):div(3)",
	    "v", 0, 50);
}

/*
 * Integer add and mul wrap around modulo 2^64 (two's complement), on the
 * integer-only fast path and on the general one alike: they are done in
 * uint64_t, never overflowing a signed type.
 */
static void
test_arith_wrap(void **state)
{
	struct fx	*fx;

	fx = fx_ok("m = b.mul(4611686018427387904), "		/* 2^62 */
	    "a = b.add(9e18):add(9e18), id = b.identity(), "
	    "rm = b.ref('id'):mul(4611686018427387904), "
	    "ra = b.ref('id'):add(9e18):add(9e18)");
	/* 3 * 2^62 = 2^63 + 2^62 wraps to -2^62; 4 * 2^62 to 0. */
	assert_int_equal(ival(fx, "m", 1), INT64_C(4611686018427387904));
	assert_int_equal(ival(fx, "m", 3), -INT64_C(4611686018427387904));
	assert_int_equal(ival(fx, "m", 4), 0);
	assert_int_equal(ival(fx, "rm", 3), -INT64_C(4611686018427387904));
	assert_int_equal(ival(fx, "rm", 4), 0);
	/* 1.8e19 - 2^64 */
	assert_int_equal(ival(fx, "a", 0), -INT64_C(446744073709551616));
	assert_int_equal(ival(fx, "a", 1), -INT64_C(446744073709551615));
	assert_int_equal(ival(fx, "ra", 0), -INT64_C(446744073709551616));
	assert_string_equal(txt(fx, "ra", 0), "-446744073709551616");
	fx_free(fx);

	/* INT64_MIN / -1 would trap: it is left as it is. */
	fx = fx_ok("v = b.fn(function(c) return -0x7fffffffffffffffLL - 1 "
	    "end):div(-1)");
	assert_int_equal(ival(fx, "v", 0), INT64_MIN);
	assert_string_equal(txt(fx, "v", 0), "-9223372036854775808");
	fx_free(fx);
}

static void
test_clamp(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	double		 d;

	fx = fx_ok("c = b.clamp(10, 20), h = b.hash():clamp(0, 100), "
	    "u = b.uniform(0, 1):clamp(0.25, 0.75), f = b.clamp(0.5, 2.5)");
	assert_int_equal(ival(fx, "c", 5), 10);
	assert_int_equal(ival(fx, "c", 15), 15);
	assert_int_equal(ival(fx, "c", 25), 20);
	for (c = 0; c < 1000; c++) {
		assert_true(ival(fx, "h", c) >= 0 && ival(fx, "h", c) <= 100);
		d = dval(fx, "u", c);
		assert_true(d >= 0.25 && d <= 0.75);
	}
	/* Fractional bounds make a double. */
	assert_true(dval(fx, "f", 0) == 0.5);
	assert_true(dval(fx, "f", 2) == 2.0);
	assert_true(dval(fx, "f", 9) == 2.5);
	fx_free(fx);
	assert_deterministic("c = b.hash():clamp(0, 100)", "c", 0, 50);
}

static void
test_range(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	int64_t		 v;
	int		 seen[82];

	fx = fx_ok("r = b.range(5, 7), a = b.hash():range(18, 99), "
	    "s = b.range(-3, 3), h = b.hash(), g = b.ref('h'):range(18, 99), "
	    "w = b.hash():range(-9e18, 9e18), n = b.add(-1000):range(0, 9)");
	assert_int_equal(ival(fx, "r", 0), 5);
	assert_int_equal(ival(fx, "r", 1), 6);
	assert_int_equal(ival(fx, "r", 2), 7);
	assert_int_equal(ival(fx, "r", 3), 5);
	assert_int_equal(ival(fx, "s", 0), -3);
	assert_int_equal(ival(fx, "s", 6), 3);
	memset(seen, 0, sizeof seen);
	for (c = 0; c < 10000; c++) {
		v = ival(fx, "a", c);
		assert_true(v >= 18 && v <= 99);
		assert_int_equal(v, 18 + (int64_t)((mb_bindings_hash(c) >> 1) %
		    82));
		assert_int_equal(ival(fx, "g", c), v);
		seen[v - 18] = 1;
		v = ival(fx, "w", c);
		assert_true(v >= -INT64_C(9000000000000000000) &&
		    v <= INT64_C(9000000000000000000));
		/* Within bounds also for negative values (see the report on
		 * which value of lo..hi a negative one maps to). */
		assert_true(ival(fx, "n", c) >= 0 && ival(fx, "n", c) <= 9);
	}
	for (v = 0; v < 82; v++)
		assert_true(seen[v]);
	fx_free(fx);
	assert_deterministic("r = b.hash():range(18, 99)", "r", 0, 100);
}

/* ---- distributions: uniform, normal, exponential, zipf, weighted ---- */

static void
test_uniform(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	double		 d;

	fx = fx_ok("u = b.uniform(2, 5), one = b.uniform(1, 1), "
	    "n = b.uniform(-1, 1)");
	for (c = 0; c < 10000; c++) {
		d = dval(fx, "u", c);
		assert_true(d >= 2 && d < 5);
		d = dval(fx, "n", c);
		assert_true(d >= -1 && d < 1);
	}
	assert_true(dval(fx, "one", 3) == 1.0);
	assert_true(dval(fx, "u", 0) != dval(fx, "u", 1));
	fx_free(fx);
	assert_deterministic("u = b.uniform(2, 5)", "u", 0, 100);
	assert_deterministic("u = b.hash():uniform(0, 1)", "u", 0, 100);
}

static void
test_normal(void **state)
{
	struct fx	*fx;
	uint64_t	 c;

	fx = fx_ok("n = b.normal(100, 15), z = b.normal(5, 0)");
	for (c = 0; c < 10000; c++)
		assert_true(isfinite(dval(fx, "n", c)));
	assert_true(dval(fx, "z", 8) == 5.0);
	fx_free(fx);
	assert_deterministic("n = b.normal(100, 15)", "n", 0, 100);
}

static void
test_exponential(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	double		 d;

	fx = fx_ok("e = b.exponential(2.5)");
	for (c = 0; c < 10000; c++) {
		d = dval(fx, "e", c);
		assert_true(isfinite(d) && d >= 0);
	}
	fx_free(fx);
	assert_deterministic("e = b.exponential(2.5)", "e", 0, 100);
}

static void
test_zipf(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	int64_t		 v;

	fx = fx_ok("z = b.zipf(20, 1.1), one = b.zipf(1, 2), "
	    "big = b.zipf(1000000, 1.1), s1 = b.zipf(100, 1)");
	for (c = 0; c < 10000; c++) {
		v = ival(fx, "z", c);
		assert_true(v >= 1 && v <= 20);
		v = ival(fx, "big", c);
		assert_true(v >= 1 && v <= 1000000);
		v = ival(fx, "s1", c);
		assert_true(v >= 1 && v <= 100);
	}
	assert_int_equal(ival(fx, "one", 5), 1);
	fx_free(fx);
	assert_deterministic("z = b.zipf(1000000, 1.1)", "z", 0, 100);
}

static void
test_weighted(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	const char	*s;
	int64_t		 i;
	double		 d;
	int		 seen_red = 0, seen_blue = 0;

	fx = fx_ok("s = b.weighted{ {'red', 3}, {'blue', 1} }, "
	    "i = b.weighted{ {10, 1}, {20, 3} }, "
	    "d = b.weighted{ {1, 1}, {2.5, 1} }, "
	    "only = b.weighted{ {'x', 0}, {'y', 2} }");
	for (c = 0; c < 1000; c++) {
		s = tval(fx, "s", c);
		if (strcmp(s, "red") == 0)
			seen_red = 1;
		else if (strcmp(s, "blue") == 0)
			seen_blue = 1;
		else
			fail_msg("weighted gave '%s'", s);
		/* Whole numbers stay integers. */
		i = ival(fx, "i", c);
		assert_true(i == 10 || i == 20);
		/* One fraction makes them all doubles. */
		d = dval(fx, "d", c);
		assert_true(d == 1.0 || d == 2.5);
		assert_string_equal(tval(fx, "only", c), "y");
	}
	assert_true(seen_red && seen_blue);
	fx_free(fx);
	assert_deterministic("s = b.weighted{ {'red', 3}, {'blue', 1} }", "s",
	    0, 100);
	assert_deterministic("d = b.weighted{ {1, 1}, {2.5, 1} }", "d", 0, 100);
}

/* ---- conversions: int, tostring, format ---- */

static void
test_int(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	int64_t		 v;

	fx = fx_ok("u = b.uniform(0, 10), i = b.ref('u'):int(), "
	    "n = b.normal(0, 1), ni = b.ref('n'):int(), "
	    "f = b.fixed(-2.7):int(), p = b.fixed(2.7):int(), "
	    "m = b.mod(10):int(), ui = b.uniform(0, 10):int()");
	for (c = 0; c < 1000; c++) {
		/* Truncated toward 0. */
		v = ival(fx, "i", c);
		assert_true(v >= 0 && v <= 9);
		assert_int_equal(v, (int64_t)trunc(dval(fx, "u", c)));
		assert_int_equal(ival(fx, "ui", c), v);
		assert_int_equal(ival(fx, "ni", c),
		    (int64_t)trunc(dval(fx, "n", c)));
	}
	assert_int_equal(ival(fx, "f", 0), -2);
	assert_int_equal(ival(fx, "p", 0), 2);
	assert_int_equal(ival(fx, "m", 13), 3);
	fx_free(fx);
	assert_deterministic("v = b.normal(100, 15):int()", "v", 0, 100);
}

static void
test_tostring(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	const char	*s;
	char		*end;
	double		 d;

	fx = fx_ok("i = b.mod(100):tostring(), u = b.uniform(0, 1), "
	    "us = b.ref('u'):tostring(), n = b.normal(0, 1e-300), "
	    "ns = b.ref('n'):tostring(), p = b.fixed(0.1):tostring(), "
	    "t = b.fixed('abc'):tostring(), big = b.fixed(1e300):tostring()");
	assert_string_equal(tval(fx, "i", 42), "42");
	assert_string_equal(tval(fx, "p", 0), "0.1");
	assert_string_equal(tval(fx, "t", 0), "abc");
	assert_string_equal(tval(fx, "big", 0), "1e+300");
	/* Doubles read back exactly with strtod. */
	for (c = 0; c < 1000; c++) {
		d = dval(fx, "u", c);
		s = tval(fx, "us", c);
		assert_true(strtod(s, &end) == d && *end == '\0');
		d = dval(fx, "n", c);
		s = tval(fx, "ns", c);
		assert_true(strtod(s, &end) == d && *end == '\0');
	}
	fx_free(fx);
	assert_deterministic("v = b.uniform(0, 1):tostring()", "v", 0, 100);
}

static void
test_fixed_binary(void **state)
{
	struct fx		*fx;
	const struct mb_text	*t;

	/* A constant holding a NUL keeps every byte after it. */
	fx = fx_ok("z = b.fixed('a\\0b\\255c')");
	t = mb_binding_values_text(fx->vals, 7, fx_index(fx, "z"));
	assert_non_null(t);
	assert_int_equal(t->len, 5);
	assert_memory_equal(t->ptr, "a\0b\377c", 5);
	fx_free(fx);
}

static void
test_format(void **state)
{
	struct fx	*fx;

	fx = fx_ok("z = b.mod(100000):format('%05d'), "
	    "u = b.mod(1e5):format('user%05d'), x = b.fixed(255):format('%x'), "
	    "o = b.fixed(8):format('%o'), f = b.fixed(2.5):format('%.2f'), "
	    "fi = b.mod(10):format('%.1f'), e = b.fixed(1234.5):format('%e'), "
	    "g = b.fixed(0.5):format('%g'), s = b.fixed('EU'):format('[%s]'), "
	    "si = b.mod(10):format('<%s>'), pct = b.mod(100):format('%d%%'), "
	    "long = b.fixed('y'):format('%300s')");
	assert_string_equal(tval(fx, "z", 42), "00042");
	assert_string_equal(tval(fx, "u", 7), "user00007");
	assert_string_equal(tval(fx, "x", 0), "ff");
	assert_string_equal(tval(fx, "o", 0), "10");
	assert_string_equal(tval(fx, "f", 0), "2.50");
	assert_string_equal(tval(fx, "fi", 3), "3.0");
	assert_string_equal(tval(fx, "e", 0), "1.234500e+03");
	assert_string_equal(tval(fx, "g", 0), "0.5");
	assert_string_equal(tval(fx, "s", 0), "[EU]");
	assert_string_equal(tval(fx, "si", 4), "<4>");
	assert_string_equal(tval(fx, "pct", 42), "42%");
	assert_int_equal(strlen(tval(fx, "long", 0)), 300);
	assert_int_equal(tval(fx, "long", 0)[299], 'y');
	fx_free(fx);
	assert_deterministic("z = b.hash():mod(100000):format('%05d')", "z", 0,
	    100);
}

/* ---- text: alnum, printable, words, uuid ---- */

static int
is_alnum(char ch)
{
	return ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9'));
}

static void
test_alnum(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	const char	*s;
	size_t		 k, len;
	int		 lens[10];

	fx = fx_ok("a = b.alnum(16), r = b.hash():alnum(3, 9), "
	    "z = b.alnum(0), k = b.ref('a'):alnum(64)");
	memset(lens, 0, sizeof lens);
	for (c = 0; c < 1000; c++) {
		s = tval(fx, "a", c);
		assert_int_equal(strlen(s), 16);
		for (k = 0; k < 16; k++)
			assert_true(is_alnum(s[k]));
		s = tval(fx, "r", c);
		len = strlen(s);
		assert_true(len >= 3 && len <= 9);
		for (k = 0; k < len; k++)
			assert_true(is_alnum(s[k]));
		lens[len] = 1;
		assert_int_equal(strlen(tval(fx, "k", c)), 64);
	}
	/* Every length of lo..hi is drawn. */
	for (len = 3; len <= 9; len++)
		assert_true(lens[len]);
	assert_string_equal(tval(fx, "z", 5), "");
	assert_string_not_equal(tval(fx, "a", 0), tval(fx, "a", 1));
	fx_free(fx);
	assert_deterministic("a = b.alnum(16)", "a", 0, 100);
	assert_deterministic("a = b.hash():alnum(3, 9)", "a", 0, 100);
}

static void
test_printable(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	const char	*s;
	size_t		 k, len;

	fx = fx_ok("p = b.printable(10), r = b.hash():printable(10, 20)");
	for (c = 0; c < 1000; c++) {
		s = tval(fx, "p", c);
		assert_int_equal(strlen(s), 10);
		for (k = 0; k < 10; k++)
			assert_true(s[k] >= 0x20 && s[k] <= 0x7e);
		s = tval(fx, "r", c);
		len = strlen(s);
		assert_true(len >= 10 && len <= 20);
		for (k = 0; k < len; k++)
			assert_true(s[k] >= 0x20 && s[k] <= 0x7e);
	}
	fx_free(fx);
	assert_deterministic("p = b.hash():printable(10, 20)", "p", 0, 100);
}

static void
test_words(void **state)
{
	struct fx	*fx;

	fx = fx_ok("w = b.words(), m = b.mod(1000):words(), "
	    "n = b.add(-5):words()");
	assert_string_equal(tval(fx, "w", 7), "seven");
	assert_string_equal(tval(fx, "w", 0), "zero");
	assert_string_equal(tval(fx, "m", 1123), "one hundred twenty three");
	assert_string_equal(tval(fx, "n", 0), "minus five");
	fx_free(fx);
	assert_deterministic("w = b.hash():words()", "w", 0, 100);
}

static void
test_uuid(void **state)
{
	struct fx	*fx;
	uint64_t	 c;
	const char	*s;
	size_t		 k;
	char		 prev[37] = "";

	fx = fx_ok("u = b.uuid(), k = b.ref('u'):uuid()");
	for (c = 0; c < 1000; c++) {
		s = tval(fx, "u", c);
		assert_int_equal(strlen(s), 36);
		for (k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(s[k], '-');
			else
				assert_true((s[k] >= '0' && s[k] <= '9') ||
				    (s[k] >= 'a' && s[k] <= 'f'));
		}
		assert_int_equal(s[14], '4');
		assert_non_null(strchr("89ab", s[19]));
		assert_string_not_equal(s, prev);
		memcpy(prev, s, 37);
		assert_int_equal(strlen(tval(fx, "k", c)), 36);
	}
	fx_free(fx);
	assert_deterministic("u = b.uuid()", "u", 0, 100);
}

/* ---- time: epoch, date ---- */

static void
test_epoch(void **state)
{
	struct fx	*fx;

	fx = fx_ok("e = b.epoch('2024-01-01', '1s'), "
	    "t = b.epoch('2024-01-01T08:00:00Z', '1ms'), n = b.epoch(1000, 10), "
	    "h = b.epoch('2024-01-01', '1h')");
	assert_int_equal(ival(fx, "e", 0), INT64_C(1704067200000));
	assert_int_equal(ival(fx, "e", 3), INT64_C(1704067203000));
	assert_int_equal(ival(fx, "t", 5), INT64_C(1704096000005));
	assert_int_equal(ival(fx, "n", 5), 1050);
	assert_int_equal(ival(fx, "h", 24), INT64_C(1704153600000));
	fx_free(fx);
	assert_deterministic("e = b.epoch('2024-01-01', '1s')", "e", 0, 50);
}

static void
test_date(void **state)
{
	struct fx	*fx;

	fx = fx_ok("d = b.date('2024-01-01', '1s'), "
	    "f = b.date('2024-01-01', '1h', '%F'), "
	    "t = b.date('2024-01-01', '1h', '%F %T'), "
	    "ms = b.date('2024-01-01', '1ms', '%S.%3N'), "
	    "r = b.hash():mod(86400):date('2024-01-01', '1s', '%H:%M:%S')");
	assert_string_equal(tval(fx, "d", 0), "2024-01-01T00:00:00.000Z");
	assert_string_equal(tval(fx, "d", 3), "2024-01-01T00:00:03.000Z");
	assert_string_equal(tval(fx, "f", 0), "2024-01-01");
	assert_string_equal(tval(fx, "f", 24), "2024-01-02");
	assert_string_equal(tval(fx, "t", 25), "2024-01-02 01:00:00");
	assert_string_equal(tval(fx, "ms", 1007), "01.007");
	assert_int_equal(strlen(tval(fx, "r", 9)), 8);
	fx_free(fx);
	assert_deterministic("d = b.date('2024-01-01', '1s')", "d", 0, 50);
}

/* ---- line ---- */

static void
test_line(void **state)
{
	static const char	 lines[] = "alpha\nbeta\r\ngamma\n";
	static const char *const names[] = { "alpha", "beta", "gamma" };
	struct fx		*fx;
	char			 path[] = "/tmp/test_bindings_XXXXXX";
	char			*body;
	const char		*s;
	uint64_t		 c;
	int			 fd, seen[3] = { 0, 0, 0 }, k;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, lines, sizeof lines - 1),
	    (ssize_t)(sizeof lines - 1));
	close(fd);
	body = xfmt("h = b.line('%s'), hh = b.line('%s', 'hash'), "
	    "m = b.line('%s', 'mod'), t = b.alnum(5):line('%s', 'mod')",
	    path, path, path, path);
	fx = fx_ok(body);
	/* By modulo: the lines in turn ("\r\n" loses its '\r'). */
	assert_string_equal(tval(fx, "m", 0), "alpha");
	assert_string_equal(tval(fx, "m", 1), "beta");
	assert_string_equal(tval(fx, "m", 2), "gamma");
	assert_string_equal(tval(fx, "m", 3), "alpha");
	for (c = 0; c < 300; c++) {
		/* By hash, the default: the mix of the value picks. */
		s = tval(fx, "h", c);
		assert_string_equal(s, names[mb_bindings_hash(c) % 3]);
		assert_string_equal(tval(fx, "hh", c), s);
		for (k = 0; k < 3; k++)
			seen[k] |= strcmp(s, names[k]) == 0;
		s = tval(fx, "t", c);
		assert_true(strcmp(s, "alpha") == 0 || strcmp(s, "beta") == 0 ||
		    strcmp(s, "gamma") == 0);
	}
	assert_true(seen[0] && seen[1] && seen[2]);
	fx_free(fx);
	assert_deterministic(body, "h", 0, 50);
	assert_deterministic(body, "t", 0, 50);
	free(body);
	unlink(path);
}

/* ---- starters: ref, fixed, fn, template ---- */

static void
test_ref(void **state)
{
	struct fx	*fx;
	uint64_t	 c;

	fx = fx_ok("k = b.hash():mod(1000), v = b.ref('k'):add(1), "
	    "w = b.ref('v'):mul(2), key = b.ref('k'):hash():alnum(8), "
	    "u = b.uniform(0, 1), uu = b.ref('u'), "
	    "t = b.alnum(6), tt = b.ref('t')");
	for (c = 0; c < 200; c++) {
		assert_int_equal(ival(fx, "v", c), ival(fx, "k", c) + 1);
		assert_int_equal(ival(fx, "w", c), 2 * (ival(fx, "k", c) + 1));
		assert_int_equal(strlen(tval(fx, "key", c)), 8);
		assert_true(dval(fx, "uu", c) == dval(fx, "u", c));
		assert_string_equal(tval(fx, "tt", c), tval(fx, "t", c));
	}
	fx_free(fx);
	/* The same key gives the same derived value, whatever the cycle. */
	fx = fx_ok("k = b.mod(10), key = b.ref('k'):hash():alnum(8)");
	assert_string_equal(tval(fx, "key", 3), tval(fx, "key", 13));
	fx_free(fx);
	assert_deterministic("k = b.mod(10), key = b.ref('k'):hash():alnum(8)",
	    "key", 0, 100);
}

static void
test_fixed(void **state)
{
	struct fx	*fx;

	fx = fx_ok("i = b.fixed(7), d = b.fixed(2.5), t = b.fixed('EU'), "
	    "n = b.fixed(-3), e = b.fixed(''), h = b.fixed(7):hash()");
	assert_int_equal(ival(fx, "i", 0), 7);
	assert_int_equal(ival(fx, "i", 12345), 7);
	assert_true(dval(fx, "d", 3) == 2.5);
	assert_string_equal(txt(fx, "d", 3), "2.5");
	assert_string_equal(tval(fx, "t", 9), "EU");
	assert_int_equal(ival(fx, "n", 1), -3);
	assert_string_equal(tval(fx, "e", 1), "");
	assert_int_equal(ival(fx, "h", 1), (int64_t)(mb_bindings_hash(7) >>
	    1));
	fx_free(fx);
	assert_deterministic("t = b.fixed('EU')", "t", 0, 10);
}

/*
 * A whole number is an integer with all 64 bits: 2^53 (the last integer a
 * double holds with all its neighbours) is the integer 9007199254740992,
 * and adding 1 gives 9007199254740993, which no double can hold.
 */
static void
test_fixed_precision(void **state)
{
	struct fx	*fx;

	fx = fx_ok("v = b.fixed(2^53), w = b.fixed(2^53):add(1), "
	    "x = b.fixed(2^62):add(1)");
	assert_int_equal(ival(fx, "v", 0), INT64_C(9007199254740992));
	assert_string_equal(txt(fx, "v", 0), "9007199254740992");
	assert_int_equal(ival(fx, "w", 0), INT64_C(9007199254740993));
	assert_string_equal(txt(fx, "w", 0), "9007199254740993");
	assert_int_equal(ival(fx, "x", 0), INT64_C(4611686018427387905));
	fx_free(fx);
}

static void
test_fn(void **state)
{
	struct fx	*fx;
	uint64_t	 c;

	fx = fx_ok("n = b.fn(function(c) return tonumber(c) % 7 end), "
	    "d = b.fn(function(c) return tonumber(c) + 0.5 end), "
	    "s = b.fn(function(c) return 's' .. tostring(tonumber(c)) end), "
	    "big = b.fn(function(c) return 0x7fffffffffffffffLL - c end), "
	    "m = b.fn(function(c) return tonumber(c) * 3 end):mod(10), "
	    "h = b.fn(function(c) return 'k' .. tostring(tonumber(c) % 2) "
	    "end):alnum(5)");
	assert_int_equal(mb_bindings_nfns(fx->b), 6);
	assert_int_equal(ival(fx, "n", 10), 3);
	assert_true(dval(fx, "d", 10) == 10.5);
	assert_string_equal(txt(fx, "d", 10), "10.5");
	assert_string_equal(tval(fx, "s", 10), "s10");
	assert_int_equal(ival(fx, "m", 7), 1);
	assert_string_equal(tval(fx, "h", 1), tval(fx, "h", 3));
	assert_string_not_equal(tval(fx, "h", 1), tval(fx, "h", 2));
	/* An int64 from Lua keeps all 64 bits. */
	for (c = 0; c < 10; c++)
		assert_int_equal(ival(fx, "big", c), INT64_MAX - (int64_t)c);
	assert_string_equal(txt(fx, "big", 0), "9223372036854775807");
	assert_string_equal(txt(fx, "big", 5), "9223372036854775802");
	fx_free(fx);
	assert_deterministic("v = b.fn(function(c) return 0x7fffffffffffffffLL "
	    "- c end)", "v", 0, 20);
	assert_deterministic("v = b.fn(function(c) return 's' .. "
	    "tostring(tonumber(c)) end)", "v", 0, 20);
}

static void
test_fn_errors(void **state)
{
	struct fx		*fx;
	const char		*err;
	int			 i;

	fx = fx_ok("err = b.fn(function(c) error('kaboom') end), "
	    "odd = b.fn(function(c) if tonumber(c) % 2 == 1 then "
	    "error('odd cycle') end return 1 end), ok = b.mod(10), "
	    "nilv = b.fn(function(c) return nil end), "
	    "txtmod = b.fn(function(c) return 'x' end):mod(3)");
	i = fx_index(fx, "err");
	assert_null(mb_binding_values_get(fx->vals, 4, i));
	err = mb_binding_values_error(fx->vals);
	assert_non_null(strstr(err, "kaboom"));
	assert_non_null(strstr(err, "binding 'err'"));
	assert_null(mb_binding_values_text(fx->vals, 4, i));
	assert_non_null(strstr(mb_binding_values_error(fx->vals), "kaboom"));
	/* Asked again: still no value. */
	assert_null(mb_binding_values_get(fx->vals, 4, i));
	/* The others are not disturbed; a failed cycle does not stick. */
	assert_int_equal(ival(fx, "ok", 4), 4);
	i = fx_index(fx, "odd");
	assert_null(mb_binding_values_get(fx->vals, 3, i));
	assert_non_null(strstr(mb_binding_values_error(fx->vals),
	    "odd cycle"));
	assert_int_equal(ival(fx, "odd", 4), 1);
	/* A value of no usable type, or of the wrong type for what
	 * follows. */
	assert_null(mb_binding_values_get(fx->vals, 0,
	    fx_index(fx, "nilv")));
	assert_non_null(strstr(mb_binding_values_error(fx->vals), "nil"));
	assert_null(mb_binding_values_get(fx->vals, 0,
	    fx_index(fx, "txtmod")));
	err = mb_binding_values_error(fx->vals);
	assert_non_null(strstr(err, "mod()"));
	assert_non_null(strstr(err, "text"));
	fx_free(fx);

	/* A template whose b.fn fails fails too, for that cycle only. */
	fx = fx_ok("tf = b.template('<{}>', b.fn(function(c) "
	    "if tonumber(c) == 1 then error('one down') end return 'ok' end))");
	assert_string_equal(tval(fx, "tf", 0), "<ok>");
	assert_null(mb_binding_values_text(fx->vals, 1, fx_index(fx, "tf")));
	err = mb_binding_values_error(fx->vals);
	assert_non_null(strstr(err, "one down"));
	assert_non_null(strstr(err, "binding 'tf"));
	assert_string_equal(tval(fx, "tf", 2), "<ok>");
	fx_free(fx);
}

/* fns are numbered in compile order (names sorted, templates inside). */
static void
test_fn_order(void **state)
{
	struct fx			*fx;
	struct mb_binding_values	*nolua;

	fx = fx_ok("z = b.template('<{}>', b.fn(function(c) return 'Z' end)), "
	    "a = b.fn(function(c) return 'A' end), "
	    "m = b.template('{}{}', b.fn(function(c) return 'M1' end), "
	    "b.fn(function(c) return 'M2' end))");
	assert_int_equal(mb_bindings_nfns(fx->b), 4);
	assert_string_equal(tval(fx, "a", 0), "A");
	assert_string_equal(tval(fx, "m", 0), "M1M2");
	assert_string_equal(tval(fx, "z", 0), "<Z>");
	/* Without a Lua state, b.fn cannot be called: an error, no crash. */
	nolua = mb_binding_values_new(fx->b, NULL, NULL);
	assert_null(mb_binding_values_get(nolua, 0, fx_index(fx, "a")));
	assert_non_null(strstr(mb_binding_values_error(nolua), "binding 'a'"));
	mb_binding_values_free(nolua);
	fx_free(fx);
}

static void
test_template(void **state)
{
	struct fx	*fx;
	struct mb_text	 out[8];
	int		 which[2];
	char		*want;
	uint64_t	 c;

	fx = fx_ok("t = b.template('u-{}-{}', b.mod(10), 'x'), "
	    "k = b.hash():alnum(4), "
	    "n = b.template('{}|{}|{}|{}', b.ref('k'), 42, 2.5, "
	    "b.template('[{}]', b.mod(3))), "
	    "p = b.template('plain'), e = b.template('{}', ''), "
	    "f = b.template('{}{}', b.uniform(0, 1), b.alnum(3)):alnum(6)");
	/* Hidden bindings (template arguments) are not counted. */
	assert_int_equal(mb_bindings_count(fx->b), 6);
	assert_string_equal(mb_bindings_name(fx->b, 0), "e");
	assert_string_equal(mb_bindings_name(fx->b, 5), "t");
	assert_string_equal(tval(fx, "t", 13), "u-3-x");
	assert_string_equal(tval(fx, "t", 0), "u-0-x");
	for (c = 0; c < 100; c++) {
		want = xfmt("%s|42|2.5|[%d]", txt(fx, "k", c), (int)(c % 3));
		assert_string_equal(tval(fx, "n", c), want);
		free(want);
		assert_int_equal(strlen(tval(fx, "f", c)), 6);
	}
	assert_string_equal(tval(fx, "p", 5), "plain");
	assert_string_equal(tval(fx, "e", 5), "");
	/* The values of a template's bindings, as a template fills them. */
	which[0] = fx_index(fx, "k");
	which[1] = fx_index(fx, "t");
	memset(out, 0, sizeof out);
	assert_int_equal(mb_binding_values_fill(fx->vals, 13, which, 2, out),
	    0);
	assert_int_equal(out[which[1]].len, 5);
	assert_memory_equal(out[which[1]].ptr, "u-3-x", 5);
	assert_int_equal(out[which[0]].len, 4);
	fx_free(fx);
	assert_deterministic("k = b.hash():alnum(4), n = b.template("
	    "'{}|{}|{}', b.ref('k'), 42, b.template('[{}]', b.uniform(0, 1)))",
	    "n", 0, 100);
}

/* ---- goodness of fit, end to end, at alpha = 0.001 ---- */

#define FIT_N		100000	/* cycles 0..FIT_N-1 */
/* Kolmogorov-Smirnov: reject when D * sqrt(n) >= sqrt(-ln(alpha / 2) / 2),
 * 1.949 at alpha = 0.001 (the large-n limit; n = 1e5). */
#define KS_CRIT_001	1.949
/* Chi-square critical values at alpha = 0.001. */
#define CHI2_CRIT_19	43.82
#define CHI2_CRIT_3	16.27

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

static double
cdf_uniform01(double x)
{
	return (x <= 0 ? 0 : x >= 1 ? 1 : x);
}

static double
cdf_normal01(double x)
{
	return (0.5 * erfc(-x / M_SQRT2));
}

static double
cdf_exponential1(double x)
{
	return (x <= 0 ? 0 : -expm1(-x));
}

/* D * sqrt(n) of the values of a recipe for cycles 0..FIT_N-1. */
static double
ks_stat(const char *recipe, double (*cdf)(double))
{
	struct fx		*fx;
	const struct mb_value	*v;
	double			*x, d = 0, f, lo, hi;
	char			*body;
	size_t			 k;
	int			 i;

	body = xfmt("v = %s", recipe);
	fx = fx_ok(body);
	free(body);
	i = fx_index(fx, "v");
	x = xcalloc(FIT_N, sizeof *x);
	for (k = 0; k < FIT_N; k++) {
		assert_non_null(v = mb_binding_values_get(fx->vals, k, i));
		assert_int_equal(v->type, MB_VALUE_DOUBLE);
		x[k] = v->d;
	}
	qsort(x, FIT_N, sizeof *x, cmp_double);
	for (k = 0; k < FIT_N; k++) {
		f = cdf(x[k]);
		lo = f - (double)k / FIT_N;
		hi = (double)(k + 1) / FIT_N - f;
		d = fmax(d, fmax(lo, hi));
	}
	free(x);
	fx_free(fx);
	return (d * sqrt(FIT_N));
}

static void
test_fit_uniform(void **state)
{
	double	ks = ks_stat("b.uniform(0, 1)", cdf_uniform01);

	if (!(ks < KS_CRIT_001))
		fail_msg("uniform(0, 1): D*sqrt(n) = %g >= %g", ks,
		    KS_CRIT_001);
}

static void
test_fit_normal(void **state)
{
	double	ks = ks_stat("b.normal(0, 1)", cdf_normal01);

	if (!(ks < KS_CRIT_001))
		fail_msg("normal(0, 1): D*sqrt(n) = %g >= %g", ks, KS_CRIT_001);
}

static void
test_fit_exponential(void **state)
{
	double	ks = ks_stat("b.exponential(1)", cdf_exponential1);

	if (!(ks < KS_CRIT_001))
		fail_msg("exponential(1): D*sqrt(n) = %g >= %g", ks,
		    KS_CRIT_001);
}

static void
test_fit_zipf(void **state)
{
	struct fx	*fx;
	double		 count[21], h = 0, chi2 = 0, e;
	uint64_t	 c;
	int64_t		 r;
	int		 k;

	fx = fx_ok("z = b.zipf(20, 1.1)");
	memset(count, 0, sizeof count);
	for (c = 0; c < FIT_N; c++) {
		r = ival(fx, "z", c);
		assert_true(r >= 1 && r <= 20);
		count[r]++;
	}
	for (k = 1; k <= 20; k++)
		h += pow(k, -1.1);
	/* 20 ranks: 19 degrees of freedom. */
	for (k = 1; k <= 20; k++) {
		e = FIT_N * pow(k, -1.1) / h;
		chi2 += (count[k] - e) * (count[k] - e) / e;
	}
	/* Rank 1 the most frequent. */
	for (k = 2; k <= 20; k++)
		assert_true(count[1] > count[k]);
	if (!(chi2 < CHI2_CRIT_19))
		fail_msg("zipf(20, 1.1): chi2 = %g >= %g", chi2, CHI2_CRIT_19);
	fx_free(fx);
}

static void
test_fit_weighted(void **state)
{
	static const char	 names[] = "abcde";
	static const double	 w[] = { 1, 2, 3, 0, 4 };
	struct fx		*fx;
	const char		*s;
	double			 count[5], chi2 = 0, e;
	uint64_t		 c;
	int			 k;

	fx = fx_ok("w = b.weighted{ {'a', 1}, {'b', 2}, {'c', 3}, {'d', 0}, "
	    "{'e', 4} }");
	memset(count, 0, sizeof count);
	for (c = 0; c < FIT_N; c++) {
		s = tval(fx, "w", c);
		assert_int_equal(strlen(s), 1);
		assert_non_null(strchr(names, s[0]));
		count[s[0] - 'a']++;
	}
	/* A zero weight is never drawn. */
	assert_true(count[3] == 0);
	/* The 4 with a weight: 3 degrees of freedom. */
	for (k = 0; k < 5; k++) {
		if (w[k] == 0)
			continue;
		e = FIT_N * w[k] / 10;
		chi2 += (count[k] - e) * (count[k] - e) / e;
	}
	if (!(chi2 < CHI2_CRIT_3))
		fail_msg("weighted: chi2 = %g >= %g", chi2, CHI2_CRIT_3);
	fx_free(fx);
}

/* ---- refusals at load ---- */

static void
test_refuse_arguments(void **state)
{
	assert_refused("x = b.mod(0)", "x", "mod(0)", NULL);
	assert_refused("x = b.mod(-3)", "x", "mod(-3)", NULL);
	assert_refused("x = b.mod(1.5)", "x", "mod(1.5)", "whole", NULL);
	assert_refused("x = b.mod()", "x", "mod()", NULL);
	assert_refused("x = b.div(0)", "x", "div(0)", NULL);
	assert_refused("x = b.add('a')", "x", "add(", "number", NULL);
	assert_refused("x = b.range(5, 1)", "x", "range(5, 1)", NULL);
	assert_refused("x = b.clamp(5, 1)", "x", "clamp(5, 1)", NULL);
	assert_refused("x = b.uniform(2, 1)", "x", "uniform(2, 1)", NULL);
	assert_refused("x = b.normal(0, -1)", "x", "normal(0, -1)", NULL);
	assert_refused("x = b.exponential(0)", "x", "exponential(0)", NULL);
	assert_refused("x = b.exponential(-1)", "x", "exponential(-1)", NULL);
	assert_refused("x = b.zipf(0, 1)", "x", "zipf(0, 1)", NULL);
	assert_refused("x = b.zipf(10, 0)", "x", "zipf(10, 0)", NULL);
	assert_refused("x = b.weighted{}", "x", "weighted(", NULL);
	assert_refused("x = b.weighted{ {'a', 1}, {'b', -1} }", "x",
	    "weighted(", "negative", NULL);
	assert_refused("x = b.weighted{ {'a', 0}, {'b', 0} }", "x",
	    "weighted(", NULL);
	assert_refused("x = b.weighted{ {'a', 1}, {2, 1} }", "x", "weighted(",
	    NULL);
	assert_refused("x = b.format('%q')", "x", "format(\"%q\")", NULL);
	assert_refused("x = b.format('%d %d')", "x", "format(\"%d %d\")", NULL);
	assert_refused("x = b.format('plain')", "x", "format(", NULL);
	assert_refused("x = b.alnum(-1)", "x", "alnum(-1)", NULL);
	assert_refused("x = b.alnum(5, 2)", "x", "alnum(5, 2)", NULL);
	assert_refused("x = b.printable(5, 2)", "x", "printable(5, 2)", NULL);
	assert_refused("x = b.line('/nonexistent/file')", "x", "line(",
	    "/nonexistent/file", NULL);
	assert_refused("x = b.line('/nonexistent/file', 'sideways')", "x",
	    "line(", NULL);
	assert_refused("x = b.date('2024-13-01', '1s')", "x", "date(",
	    "2024-13-01", NULL);
	assert_refused("x = b.epoch('yesterday', '1s')", "x", "epoch(",
	    NULL);
	assert_refused("x = b.epoch('2024-01-01', 'soon')", "x", "epoch(",
	    "spacing", NULL);
	assert_refused("x = b.date('2024-01-01', '1s', '%Q')", "x", "date(",
	    NULL);
	assert_refused("x = b.fixed(true)", "x", "fixed(", NULL);
	assert_refused("x = b.fn(42)", "x", "fn(", "function", NULL);
	assert_refused("x = b.template('{}{}', 1)", "x", "template()", NULL);
	assert_refused("x = b.template('{}', 1, 2)", "x", "template()", NULL);
	assert_refused("x = b.template('{}', b.mod(0))", "x", "mod(0)", NULL);
}

static void
test_refuse_recipes(void **state)
{
	struct fx	*fx;

	assert_refused("x = b.ref('missing')", "x", "missing", NULL);
	assert_refused("a = b.ref('b'), b = b.ref('a')", "a", "circle", NULL);
	assert_refused("x = b.ref('x')", "x", "circle", NULL);
	assert_refused("a = b.ref('b'), b = b.ref('c'), c = b.ref('a')", "a",
	    "circle", NULL);
	assert_refused("x = 42", "x", "recipe", NULL);
	assert_refused("x = 'text'", "x", "recipe", NULL);
	assert_refused("x = { steps = { { 'nope' } } }", "x", "nope", NULL);
	assert_refused("x = { steps = { 42 } }", "x", "step", NULL);
	/* Types are checked at load. */
	assert_refused("x = b.uniform(0, 1):mod(10)", "x", "mod()", ":int()",
	    NULL);
	assert_refused("x = b.alnum(8):words()", "x", "words()", "text", NULL);
	assert_refused("x = b.alnum(8):mod(2)", "x", "mod()", "text", NULL);
	assert_refused("x = b.uniform(0, 1):format('%d')", "x", "format()",
	    ":int()", NULL);
	assert_refused("u = b.uniform(0, 1), x = b.ref('u'):range(1, 5)", "x",
	    "range()", NULL);
	/* Starters only start (they are no methods: tables built by hand). */
	assert_refused("x = { steps = { { 'hash', n = 1 }, "
	    "{ 'fixed', 3, n = 2 } } }", "x", "fixed", "only starts", NULL);
	assert_refused("x = { steps = { { 'mod', 3, n = 2 }, "
	    "{ 'ref', 'y', n = 2 } } }, y = b.identity()", "x", "ref",
	    "only starts", NULL);

	/* Not a table; names not strings; nil is no bindings at all. */
	fx = fx_load("x = b.identity()");
	lua_pushinteger(fx->L, 3);
	assert_null(mb_bindings_compile(fx->L, -1, WHERE, &fx->cause));
	assert_non_null(strstr(fx->cause, "table"));
	free(fx->cause);
	fx->cause = NULL;
	lua_pop(fx->L, 1);
	lua_newtable(fx->L);
	lua_pushinteger(fx->L, 1);
	lua_setfield(fx->L, -2, "x");
	lua_pushinteger(fx->L, 1);
	lua_rawseti(fx->L, -2, 1);
	assert_null(mb_bindings_compile(fx->L, -1, WHERE, &fx->cause));
	assert_non_null(strstr(fx->cause, "names"));
	free(fx->cause);
	fx->cause = NULL;
	lua_pop(fx->L, 1);
	fx_free(fx);
	fx = fx_ok("x = b.identity()");
	{
		struct mb_bindings	*none;
		char			*cause = NULL;

		lua_pushnil(fx->L);
		assert_non_null(none = mb_bindings_compile(fx->L, -1, WHERE,
		    &cause));
		assert_int_equal(mb_bindings_count(none), 0);
		assert_int_equal(mb_bindings_find(none, "x", 1), -1);
		mb_bindings_free(none);
		lua_pop(fx->L, 1);
	}
	fx_free(fx);
}

/*
 * A template that holds a ref back to its own binding goes round in a
 * circle as surely as a -> b -> a: it must be refused at load.
 */
static void
test_refuse_template_circle(void **state)
{
	assert_refused("x = b.template('<{}>', b.ref('x'))", "x", "circle",
	    NULL);
	assert_refused("a = b.ref('c'):hash(), c = b.template('{}', "
	    "b.ref('a'))", "a", "circle", NULL);
}

/* ---- names ---- */

static void
test_names(void **state)
{
	struct fx	*fx;

	fx = fx_ok("zeta = b.mod(3), alpha = b.hash(), mid = b.identity(), "
	    "al = b.mod(4)");
	assert_int_equal(mb_bindings_count(fx->b), 4);
	assert_string_equal(mb_bindings_name(fx->b, 0), "al");
	assert_string_equal(mb_bindings_name(fx->b, 1), "alpha");
	assert_string_equal(mb_bindings_name(fx->b, 2), "mid");
	assert_string_equal(mb_bindings_name(fx->b, 3), "zeta");
	assert_int_equal(mb_bindings_find(fx->b, "mid", 3), 2);
	/* A name given by pointer and length, as a template cuts it. */
	assert_int_equal(mb_bindings_find(fx->b, "alphabet", 5), 1);
	assert_int_equal(mb_bindings_find(fx->b, "alphabet", 2), 0);
	assert_int_equal(mb_bindings_find(fx->b, "alp", 3), -1);
	assert_int_equal(mb_bindings_find(fx->b, "nope", 4), -1);
	assert_int_equal(mb_bindings_nfns(fx->b), 0);
	fx_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_mod),
		cmocka_unit_test(test_arith_int),
		cmocka_unit_test(test_arith_double),
		cmocka_unit_test(test_arith_wrap),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_exponential),
		cmocka_unit_test(test_zipf),
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_tostring),
		cmocka_unit_test(test_fixed_binary),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_alnum),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_ref),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_fixed_precision),
		cmocka_unit_test(test_fn),
		cmocka_unit_test(test_fn_errors),
		cmocka_unit_test(test_fn_order),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_fit_uniform),
		cmocka_unit_test(test_fit_normal),
		cmocka_unit_test(test_fit_exponential),
		cmocka_unit_test(test_fit_zipf),
		cmocka_unit_test(test_fit_weighted),
		cmocka_unit_test(test_refuse_arguments),
		cmocka_unit_test(test_refuse_recipes),
		cmocka_unit_test(test_refuse_template_circle),
		cmocka_unit_test(test_names),
	};

	return (cmocka_run_group_tests_name("bindings", tests, NULL, NULL));
}
