/* Binding programs run per cycle: typed values, text rendering, b.fn. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bindings_impl.h"
#include "lua_env.h"
#include "xmalloc.h"

#define VALUES_TEXT_MIN	128	/* bytes of text room per buffer at start */

/* One binding's value in one motor, for the cycle it was made for. */
struct value_slot {
	uint64_t	 cycle;
	int		 valid;
	int		 failed;
	int		 rendered;	/* text holds the value as text */
	struct mb_value	 v;
	struct mb_text	 text;
	char		*buf[2];	/* text the steps make, alternately */
	size_t		 cap[2];
	char		 num[MB_TEXT_NUM_MAX];
};

struct mb_binding_values {
	const struct mb_bindings	*b;
	struct value_slot		*v;
	lua_State			*L;
	const int			*fn_refs;
	int				 glue;	/* moonbench.fn's ref */
	char				*error;
};

/* The cycle a b.fn is called for (read through the FFI). */
static __thread uint64_t bindings_fn_cycle;

int64_t	mb_ffi_fn_cycle(void);

int64_t
mb_ffi_fn_cycle(void)
{
	return ((int64_t)bindings_fn_cycle);
}

/* Text room a binding's steps need, where their size is known up front. */
static size_t
values_room_needed(const struct binding *bd)
{
	size_t	need = VALUES_TEXT_MIN, k, n;

	for (k = 0; k < bd->nsteps; k++) {
		switch (bd->steps[k].kind) {
		case STEP_WORDS:
			n = MB_TEXT_WORDS_MAX;
			break;
		case STEP_ALNUM:
		case STEP_PRINTABLE:
			n = (size_t)bd->steps[k].i2;
			break;
		default:
			n = 0;
			break;
		}
		if (n > need)
			need = n;
	}
	return (need);
}

struct mb_binding_values *
mb_binding_values_new(const struct mb_bindings *b, lua_State *L,
    const int *fn_refs)
{
	struct mb_binding_values	*vals;
	size_t				 i, k, need;

	vals = xcalloc(1, sizeof *vals);
	vals->b = b;
	vals->v = xcalloc(b->n == 0 ? 1 : b->n, sizeof *vals->v);
	/* Text room now, not at a motor's first op: most values fit, and a
	 * motor that starts late allocates nothing later either. */
	for (i = 0; i < b->n; i++) {
		need = values_room_needed(&b->v[i]);
		for (k = 0; k < 2; k++) {
			vals->v[i].cap[k] = need;
			vals->v[i].buf[k] = xmalloc(need);
		}
	}
	vals->L = L;
	vals->fn_refs = fn_refs;
	vals->glue = LUA_NOREF;
	if (L != NULL && b->nfns > 0) {
		lua_getglobal(L, "require");
		lua_pushstring(L, "moonbench.fn");
		if (mb_lua_pcall(L, 1, 1, &vals->error) == 0)
			vals->glue = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	return (vals);
}

void
mb_binding_values_free(struct mb_binding_values *vals)
{
	size_t	i;

	if (vals == NULL)
		return;
	for (i = 0; i < vals->b->n; i++) {
		free(vals->v[i].buf[0]);
		free(vals->v[i].buf[1]);
	}
	free(vals->v);
	free(vals->error);
	free(vals);
}

const char *
mb_binding_values_error(const struct mb_binding_values *vals)
{
	return (vals->error != NULL ? vals->error : "no error");
}

static int
values_fail(struct mb_binding_values *vals, struct value_slot *slot,
    char *why)
{
	free(vals->error);
	vals->error = why;
	slot->failed = 1;
	return (-1);
}

/* Room for n bytes in the slot's text buffer k (grows at warm-up only). */
static char *
values_room(struct value_slot *slot, int k, size_t n)
{
	if (slot->cap[k] < n || slot->buf[k] == NULL) {
		slot->cap[k] = n < VALUES_TEXT_MIN ? VALUES_TEXT_MIN : n * 2;
		slot->buf[k] = xrealloc(slot->buf[k], slot->cap[k]);
	}
	return (slot->buf[k]);
}

/* 64 bits that stand for a value, for steps that draw from it. */
static uint64_t
values_seed(const struct mb_value *x)
{
	uint64_t	bits;

	switch (x->type) {
	case MB_VALUE_INT:
		return ((uint64_t)x->i);
	case MB_VALUE_DOUBLE:
		memcpy(&bits, &x->d, sizeof bits);
		return (bits);
	case MB_VALUE_TEXT:
		return (mb_text_hash(x->t.ptr, x->t.len));
	}
	return (0);
}

static double
values_double(const struct mb_value *x)
{
	return (x->type == MB_VALUE_DOUBLE ? x->d : (double)x->i);
}

/* Decimal digits of v written backwards to end at num's end, two at a
 * time: the hot path of every integer binding. */
static struct mb_text
values_int_text(int64_t v, char *num)
{
	static const char	 pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	struct mb_text		 t;
	char			*p = num + MB_TEXT_NUM_MAX;
	uint64_t		 u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	while (u >= 100) {
		p -= 2;
		memcpy(p, pairs + (u % 100) * 2, 2);
		u /= 100;
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, pairs + u * 2, 2);
	} else
		*--p = (char)('0' + u);
	if (v < 0)
		*--p = '-';
	t.ptr = p;
	t.len = (size_t)(num + MB_TEXT_NUM_MAX - p);
	return (t);
}

/* A value as text: numbers rendered into num. */
static struct mb_text
values_text(const struct mb_value *x, char *num)
{
	struct mb_text	t;

	switch (x->type) {
	case MB_VALUE_INT:
		return (values_int_text(x->i, num));
	case MB_VALUE_DOUBLE:
		t.len = mb_text_double(x->d, num);
		t.ptr = num;
		return (t);
	case MB_VALUE_TEXT:
		break;
	}
	return (x->t);
}

static int values_eval(struct mb_binding_values *, uint64_t, int);

static int
values_fn(struct mb_binding_values *vals, struct value_slot *slot,
    const struct binding_step *st, struct mb_value *x, uint64_t cycle,
    const char *name)
{
	lua_State	*L = vals->L;
	char		*cause = NULL;
	double		 d;
	uint64_t	 hi, lo;

	if (L == NULL || vals->glue == LUA_NOREF)
		return (values_fail(vals, slot, xfmt("binding '%s': b.fn has "
		    "no Lua state here", name)));
	lua_rawgeti(L, LUA_REGISTRYINDEX, vals->glue);
	lua_rawgeti(L, LUA_REGISTRYINDEX, vals->fn_refs[st->fn]);
	bindings_fn_cycle = cycle;
	if (mb_lua_pcall(L, 1, 2, &cause) != 0) {
		values_fail(vals, slot, xfmt("binding '%s': b.fn failed at "
		    "cycle %llu: %s", name, (unsigned long long)cycle, cause));
		free(cause);
		return (-1);
	}
	if (lua_type(L, -1) == LUA_TNUMBER) {
		/* An int64 in two halves. */
		hi = (uint64_t)lua_tonumber(L, -2);
		lo = (uint64_t)lua_tonumber(L, -1);
		x->type = MB_VALUE_INT;
		x->i = (int64_t)(hi << 32 | lo);
	} else if (lua_type(L, -2) == LUA_TNUMBER) {
		d = lua_tonumber(L, -2);
		if (d == floor(d) && d >= -9223372036854775808.0 &&
		    d < 9223372036854775808.0) {
			x->type = MB_VALUE_INT;
			x->i = (int64_t)d;
		} else {
			x->type = MB_VALUE_DOUBLE;
			x->d = d;
		}
	} else {
		/* A string: copied, Lua may collect it. */
		x->type = MB_VALUE_TEXT;
		x->t.len = lua_objlen(L, -2);
		x->t.ptr = values_room(slot, 0, x->t.len);
		memcpy(slot->buf[0], lua_tostring(L, -2), x->t.len);
	}
	lua_pop(L, 2);
	return (0);
}

static int
values_template(struct mb_binding_values *vals, struct value_slot *slot,
    const struct binding_step *st, struct mb_value *x, uint64_t cycle,
    int k)
{
	const struct mb_text	*t;
	size_t			 a, len = 0;
	char			*p;

	for (a = 0; a < st->nargs; a++) {
		if ((t = mb_binding_values_text(vals, cycle, st->args[a])) ==
		    NULL)
			return (values_fail(vals, slot, xstrdup(vals->error)));
		len += t->len;
	}
	for (a = 0; a <= st->nargs; a++)
		len += st->pieces[a].len;
	p = values_room(slot, k, len);
	for (a = 0; a <= st->nargs; a++) {
		memcpy(p, st->pieces[a].ptr, st->pieces[a].len);
		p += st->pieces[a].len;
		if (a < st->nargs) {
			/* Still valid: that slot is on this cycle. */
			t = &vals->v[st->args[a]].text;
			memcpy(p, t->ptr, t->len);
			p += t->len;
		}
	}
	x->type = MB_VALUE_TEXT;
	x->t.ptr = slot->buf[k];
	x->t.len = len;
	return (0);
}

/* Format x with st->format into the slot's buffer k. */
static void
values_format(struct value_slot *slot, const struct binding_step *st,
    struct mb_value *x, int k)
{
	struct mb_text	t;
	size_t		n;
	char		num[MB_TEXT_NUM_MAX];

	for (;;) {
		switch (mb_format_kind(st->format)) {
		case MB_FORMAT_INT:
			n = mb_format_int(st->format, x->i, slot->buf[k],
			    slot->cap[k]);
			break;
		case MB_FORMAT_DOUBLE:
			n = mb_format_double(st->format, values_double(x),
			    slot->buf[k], slot->cap[k]);
			break;
		default:
			t = values_text(x, num);
			n = mb_format_string(st->format, t.ptr, t.len,
			    slot->buf[k], slot->cap[k]);
			break;
		}
		if (n < slot->cap[k])
			break;
		values_room(slot, k, n + 1);
	}
	x->type = MB_VALUE_TEXT;
	x->t.ptr = slot->buf[k];
	x->t.len = n;
}

/*
 * a mod d without a division: with M = ceil(2^128 / d), the fraction
 * a / d is M * a taken mod 2^128 (scaled by 2^128), and multiplying that
 * fraction by d and keeping the integer part gives the remainder. Exact
 * for every 64-bit a and d >= 1 (Lemire, Kaser and Kurz, 2019).
 */
static inline uint64_t
values_fastmod(uint64_t a, unsigned __int128 m, uint64_t d)
{
	unsigned __int128	frac = m * a;
	unsigned __int128	lo = (unsigned __int128)(uint64_t)frac * d;
	unsigned __int128	hi = (frac >> 64) * d;

	return ((uint64_t)((hi + (lo >> 64)) >> 64));
}

static int64_t
values_epoch(const struct binding_step *st, int64_t x)
{
	__int128	ns = (__int128)x * (__int128)(int64_t)st->d1;

	return (st->i1 + (int64_t)(ns / 1000000));
}

/* lo + x mod (hi - lo + 1), the modulo >= 0 as mod() has it. */
static inline int64_t
values_range(const struct binding_step *st, int64_t x)
{
	uint64_t	span = (uint64_t)st->i2 - (uint64_t)st->i1 + 1;
	uint64_t	r;

	if (span == 0)		/* the whole int64 range */
		return (x);
	if (x >= 0 || span > (uint64_t)INT64_MAX)
		r = (uint64_t)x % span;
	else {
		r = (uint64_t)(x % (int64_t)span + (int64_t)span) % span;
	}
	return ((int64_t)((uint64_t)st->i1 + r));
}

/* The common case, kept small: a key made of integer steps only. */
static void
values_run_int(const struct binding *bd, struct value_slot *slot,
    uint64_t cycle)
{
	const struct binding_step	*st = bd->steps;
	const struct binding_step	*end = st + bd->nsteps;
	int64_t				 x = (int64_t)cycle;

	for (; st < end; st++) {
		switch (st->kind) {
		case STEP_HASH:
			x = (int64_t)(mb_bindings_hash((uint64_t)x) >> 1);
			break;
		case STEP_MOD:
			if (x >= 0 && st->i1 > 1)
				x = (int64_t)values_fastmod((uint64_t)x,
				    st->magic, (uint64_t)st->i1);
			else {
				x %= st->i1;
				if (x < 0)
					x += st->i1;
			}
			break;
		case STEP_ADD:
			x = (int64_t)((uint64_t)x + (uint64_t)st->i1);
			break;
		case STEP_MUL:
			x = (int64_t)((uint64_t)x * (uint64_t)st->i1);
			break;
		case STEP_RANGE:
			x = values_range(st, x);
			break;
		default:
			break;
		}
	}
	slot->v.type = MB_VALUE_INT;
	slot->v.i = x;
}

static int
values_run(struct mb_binding_values *vals, uint64_t cycle, int i)
{
	const struct binding	*bd = &vals->b->v[i];
	struct value_slot	*slot = &vals->v[i];
	const struct binding_step *st;
	struct mb_value		 x;
	uint64_t		 h;
	size_t			 k, len;
	int			 tb = 0;	/* the text buffer to use next */

	x.type = MB_VALUE_INT;
	x.i = (int64_t)cycle;
	for (k = 0; k < bd->nsteps; k++) {
		st = &bd->steps[k];
		if (st->check && (int)x.type != st->in &&
		    !(st->in == MB_VALUE_DOUBLE && x.type == MB_VALUE_INT))
			return (values_fail(vals, slot, xfmt("binding '%s': "
			    "%s() takes %s, and b.fn gave %s at cycle %llu",
			    bd->name, st->name, st->in == MB_VALUE_INT ?
			    "an integer" : "a number", x.type == MB_VALUE_TEXT ?
			    "text" : "a double", (unsigned long long)cycle)));
		switch (st->kind) {
		case STEP_IDENTITY:
			break;
		case STEP_HASH:
			/* Non-negative, so mod keeps its usual meaning. */
			x.i = (int64_t)(mb_bindings_hash(values_seed(&x)) >> 1);
			x.type = MB_VALUE_INT;
			break;
		case STEP_MOD:
			if (x.i >= 0 && st->i1 > 1)
				x.i = (int64_t)values_fastmod((uint64_t)x.i,
				    st->magic, (uint64_t)st->i1);
			else {
				x.i %= st->i1;
				if (x.i < 0)
					x.i += st->i1;
			}
			break;
		case STEP_ADD:
		case STEP_MUL:
		case STEP_DIV:
			if (x.type == MB_VALUE_DOUBLE || st->dbl) {
				x.d = values_double(&x);
				x.type = MB_VALUE_DOUBLE;
				if (st->kind == STEP_ADD)
					x.d += st->d1;
				else if (st->kind == STEP_MUL)
					x.d *= st->d1;
				else
					x.d /= st->d1;
			} else if (st->kind == STEP_ADD)
				x.i = (int64_t)((uint64_t)x.i +
				    (uint64_t)st->i1);
			else if (st->kind == STEP_MUL)
				x.i = (int64_t)((uint64_t)x.i *
				    (uint64_t)st->i1);
			else if (!(x.i == INT64_MIN && st->i1 == -1))
				x.i /= st->i1;
			break;
		case STEP_CLAMP:
			if (x.type == MB_VALUE_DOUBLE || st->dbl) {
				x.d = fmin(fmax(values_double(&x), st->d1),
				    st->d2);
				x.type = MB_VALUE_DOUBLE;
			} else
				x.i = x.i < st->i1 ? st->i1 : x.i > st->i2 ?
				    st->i2 : x.i;
			break;
		case STEP_RANGE:
			x.i = values_range(st, x.i);
			break;
		case STEP_UNIFORM:
		case STEP_NORMAL:
		case STEP_EXPONENTIAL:
			h = mb_bindings_hash(values_seed(&x));
			x.d = st->kind == STEP_UNIFORM ?
			    mb_dist_uniform(mb_dist_unit(h), st->d1, st->d2) :
			    st->kind == STEP_NORMAL ?
			    mb_dist_normal(mb_dist_unit(h), st->d1, st->d2) :
			    mb_dist_exponential(mb_dist_unit(h), st->d1);
			x.type = MB_VALUE_DOUBLE;
			break;
		case STEP_ZIPF:
			x.i = (int64_t)mb_zipf_sample(st->zipf,
			    mb_bindings_hash(values_seed(&x)));
			x.type = MB_VALUE_INT;
			break;
		case STEP_WEIGHTED:
			x = st->choices[mb_weighted_pick(st->weighted,
			    mb_dist_unit(mb_bindings_hash(values_seed(&x))))];
			break;
		case STEP_INT:
			if (x.type == MB_VALUE_DOUBLE) {
				x.i = isnan(x.d) ? 0 : x.d >= 9.2e18 ?
				    INT64_MAX : x.d <= -9.2e18 ? INT64_MIN :
				    (int64_t)x.d;
				x.type = MB_VALUE_INT;
			}
			break;
		case STEP_TOSTRING:
			if (x.type != MB_VALUE_TEXT) {
				x.t = values_text(&x, values_room(slot, tb,
				    MB_TEXT_NUM_MAX));
				x.type = MB_VALUE_TEXT;
				tb ^= 1;
			}
			break;
		case STEP_FORMAT:
			values_room(slot, tb, 64);
			values_format(slot, st, &x, tb);
			tb ^= 1;
			break;
		case STEP_ALNUM:
		case STEP_PRINTABLE:
			h = mb_bindings_hash(values_seed(&x));
			len = (size_t)st->i1;
			if (st->i2 > st->i1)
				len += (size_t)(mb_bindings_hash(h) %
				    (uint64_t)(st->i2 - st->i1 + 1));
			values_room(slot, tb, len);
			if (st->kind == STEP_ALNUM)
				mb_text_alnum(h, slot->buf[tb], len);
			else
				mb_text_printable(h, slot->buf[tb], len);
			x.type = MB_VALUE_TEXT;
			x.t.ptr = slot->buf[tb];
			x.t.len = len;
			tb ^= 1;
			break;
		case STEP_WORDS:
			x.t.len = mb_text_words(x.i, values_room(slot, tb,
			    MB_TEXT_WORDS_MAX));
			x.t.ptr = slot->buf[tb];
			x.type = MB_VALUE_TEXT;
			tb ^= 1;
			break;
		case STEP_UUID:
			h = mb_bindings_hash(values_seed(&x));
			mb_text_uuid(h, mb_bindings_hash(h), values_room(slot,
			    tb, 36));
			x.type = MB_VALUE_TEXT;
			x.t.ptr = slot->buf[tb];
			x.t.len = 36;
			tb ^= 1;
			break;
		case STEP_EPOCH:
			x.i = values_epoch(st, x.i);
			break;
		case STEP_DATE:
			values_room(slot, tb, 64);
			while ((len = mb_text_date(values_epoch(st, x.i),
			    st->text, slot->buf[tb], slot->cap[tb])) >=
			    slot->cap[tb])
				values_room(slot, tb, len + 1);
			x.type = MB_VALUE_TEXT;
			x.t.ptr = slot->buf[tb];
			x.t.len = len;
			tb ^= 1;
			break;
		case STEP_LINE:
			h = st->lines->by_hash || x.type != MB_VALUE_INT ?
			    mb_bindings_hash(values_seed(&x)) : (uint64_t)x.i;
			x.t = st->lines->v[h % st->lines->n];
			x.type = MB_VALUE_TEXT;
			break;
		case STEP_REF:
			if (values_eval(vals, cycle, st->ref) != 0)
				return (values_fail(vals, slot,
				    xstrdup(vals->error)));
			x = vals->v[st->ref].v;
			break;
		case STEP_FIXED:
			x = st->fixed;
			break;
		case STEP_FN:
			if (values_fn(vals, slot, st, &x, cycle, bd->name) != 0)
				return (-1);
			tb = 1;
			break;
		case STEP_TEMPLATE:
			if (values_template(vals, slot, st, &x, cycle, tb) != 0)
				return (-1);
			tb ^= 1;
			break;
		}
	}
	/* Field by field: a whole-struct copy would read back the 8-byte
	 * stores just made with 16-byte loads and stall the store buffer. */
	slot->v.type = x.type;
	if (x.type == MB_VALUE_INT)
		slot->v.i = x.i;
	else if (x.type == MB_VALUE_DOUBLE)
		slot->v.d = x.d;
	else
		slot->v.t = x.t;
	return (0);
}

static int
values_eval(struct mb_binding_values *vals, uint64_t cycle, int i)
{
	struct value_slot	*slot = &vals->v[i];

	if (slot->valid && slot->cycle == cycle)
		return (slot->failed ? -1 : 0);
	slot->cycle = cycle;
	slot->valid = 1;
	slot->failed = 0;
	slot->rendered = 0;
	if (vals->b->v[i].intonly) {
		values_run_int(&vals->b->v[i], slot, cycle);
		return (0);
	}
	return (values_run(vals, cycle, i));
}

const struct mb_value *
mb_binding_values_get(struct mb_binding_values *vals, uint64_t cycle, int i)
{
	if (values_eval(vals, cycle, i) != 0)
		return (NULL);
	return (&vals->v[i].v);
}

const struct mb_text *
mb_binding_values_text(struct mb_binding_values *vals, uint64_t cycle, int i)
{
	struct value_slot	*slot = &vals->v[i];

	if (values_eval(vals, cycle, i) != 0)
		return (NULL);
	if (!slot->rendered) {
		slot->text = values_text(&slot->v, slot->num);
		slot->rendered = 1;
	}
	return (&slot->text);
}

int
mb_binding_values_fill(struct mb_binding_values *vals, uint64_t cycle,
    const int *which, size_t n, struct mb_text *out)
{
	const struct mb_text	*t;
	size_t			 k;

	for (k = 0; k < n; k++) {
		if ((t = mb_binding_values_text(vals, cycle, which[k])) == NULL)
			return (-1);
		out[which[k]] = *t;
	}
	return (0);
}
