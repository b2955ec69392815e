/*
 * Reply objects, made by our functions for hiredis's reader: a reply that
 * nobody reads (no on_result, a cancelled op) is a static stand-in; a
 * scalar reply an op's on_result reads is built into the op's private
 * area (a buffer that grows to the largest reply, then never); an array
 * is allocated and kept by its op until the op is sent again. So SET and
 * GET allocate nothing for their replies, and a reply stays valid until
 * its op retires. Then pushed to Lua for on_result.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "driver.h"
#include "workload.h"
#include "xmalloc.h"

#include "drivers/redis.h"

static struct redis_obj redis_dropped[] = {
	{ { .type = 0 }, REDIS_OBJ_STATIC },
	{ { .type = REDIS_REPLY_STRING }, REDIS_OBJ_STATIC },
	{ { .type = REDIS_REPLY_ARRAY }, REDIS_OBJ_STATIC },
	{ { .type = REDIS_REPLY_INTEGER }, REDIS_OBJ_STATIC },
	{ { .type = REDIS_REPLY_NIL }, REDIS_OBJ_STATIC },
	{ { .type = REDIS_REPLY_STATUS }, REDIS_OBJ_STATIC },
	{ { .type = REDIS_REPLY_ERROR }, REDIS_OBJ_STATIC },
};

static void
redis_reply_free(void *arg)
{
	struct redis_obj	*o = arg;
	size_t			 i;

	if (o == NULL || (o->flags & (REDIS_OBJ_STATIC | REDIS_OBJ_EMBED |
	    REDIS_OBJ_KEPT)))
		return;
	if (o->r.type == REDIS_REPLY_ARRAY) {
		for (i = 0; i < o->r.elements; i++)
			redis_reply_free(o->r.element[i]);
		free(o->r.element);
	}
	free(o->r.str);
	free(o);
}

/* The op whose reply is being read, when it will read it: replies come
 * in the order of the ring, and each is dispatched as soon as it is read,
 * so it is the head's. NULL (drop it) when nobody will; *real when the
 * reply must be made whole anyway (AUTH, SELECT, an error). */
static struct redis_op *
redis_reply_reader(const redisReadTask *t, int *real)
{
	struct redis_conn	*c = t->privdata;
	struct mb_op		*op;

	*real = 0;
	if (c == NULL || c->state != REDIS_UP || t->type == REDIS_REPLY_ERROR) {
		*real = 1;
		return (NULL);
	}
	op = c->ring[c->head & c->mask];
	if (op == NULL || op->def == NULL || !op->def->on_result)
		return (NULL);
	return (mb_op_priv(op));
}

/* Element slots an array gets before its elements come (see below). */
#define REDIS_ARRAY_PREALLOC	1024

/* A reply object of type (the task's type is the bulk's or the array's
 * for a nil). */
static void *
redis_reply_make(const redisReadTask *t, int type, const char *str, size_t len,
    long long integer, int elements)
{
	struct redis_obj	*o, *parent = NULL;
	struct redis_op		*p = NULL;
	size_t			 n;
	int			 real;

	if (t->parent != NULL) {
		/* Inside an array: made as its root is. */
		parent = t->parent->obj;
		if (parent->flags & REDIS_OBJ_STATIC)
			return (&redis_dropped[type]);
		o = xcalloc(1, sizeof *o);
	} else if ((p = redis_reply_reader(t, &real)) == NULL && !real)
		return (&redis_dropped[type]);
	else if (p != NULL && type != REDIS_REPLY_ARRAY) {
		o = &p->obj;
		memset(o, 0, sizeof *o);
		o->flags = REDIS_OBJ_EMBED;
	} else {
		p = NULL;
		o = xcalloc(1, sizeof *o);
	}
	o->r.type = type;
	switch (type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		if (p != NULL) {
			/* Grows to the largest reply, then never. */
			if (len + 1 > p->cap) {
				while (p->cap < len + 1)
					p->cap = p->cap == 0 ? 64 : p->cap * 2;
				p->buf = xrealloc(p->buf, p->cap);
			}
			o->r.str = p->buf;
		} else
			o->r.str = xmalloc(len + 1);
		memcpy(o->r.str, str, len);
		o->r.str[len] = '\0';
		o->r.len = len;
		break;
	case REDIS_REPLY_INTEGER:
		o->r.integer = integer;
		break;
	case REDIS_REPLY_ARRAY:
		/*
		 * Room for the elements the header declares, but at most
		 * REDIS_ARRAY_PREALLOC: the count is the peer's word, and
		 * "*2000000000\r\n" (13 bytes, from a broken stream) had
		 * xcalloc ask for 16 GB and end the run before any element
		 * came (tests/fuzz/regress/resp). Past that the array grows
		 * as elements arrive (below); r.elements counts those made.
		 */
		if (elements > 0)
			o->r.element = xcalloc(elements < REDIS_ARRAY_PREALLOC ?
			    (size_t)elements : REDIS_ARRAY_PREALLOC,
			    sizeof *o->r.element);
		break;
	}
	if (parent != NULL) {
		/* Elements come in order; the room doubles from the
		 * preallocated, up to the declared count (t->parent's). */
		n = parent->r.elements;
		if (n >= REDIS_ARRAY_PREALLOC && (n & (n - 1)) == 0)
			parent->r.element = xreallocarray(parent->r.element,
			    n * 2 < (size_t)t->parent->elements ? n * 2 :
			    (size_t)t->parent->elements,
			    sizeof *parent->r.element);
		parent->r.element[t->idx] = &o->r;
		parent->r.elements = (size_t)t->idx + 1;
	}
	return (o);
}

static void *
redis_reply_string(const redisReadTask *t, char *str, size_t len)
{
	return (redis_reply_make(t, t->type, str, len, 0, 0));
}

static void *
redis_reply_array(const redisReadTask *t, int elements)
{
	return (redis_reply_make(t, REDIS_REPLY_ARRAY, NULL, 0, 0, elements));
}

static void *
redis_reply_integer(const redisReadTask *t, long long v)
{
	return (redis_reply_make(t, REDIS_REPLY_INTEGER, NULL, 0, v, 0));
}

static void *
redis_reply_nil(const redisReadTask *t)
{
	return (redis_reply_make(t, REDIS_REPLY_NIL, NULL, 0, 0, 0));
}

redisReplyObjectFunctions redis_reply_fns = {
	redis_reply_string, redis_reply_array, redis_reply_integer,
	redis_reply_nil,
	redis_reply_free
};

/* The op is sent again (or its context freed): let its reply go. */
void
redis_reply_release(struct redis_op *p)
{
	struct redis_obj	*o = (struct redis_obj *)p->reply;

	p->reply = NULL;
	if (o != NULL && (o->flags & REDIS_OBJ_KEPT)) {
		o->flags &= ~REDIS_OBJ_KEPT;
		redis_reply_free(o);
	}
}

/* An int64 cdata from a pointer (the C API cannot make one). */
static const char redis_int_chunk[] =
    "local ffi = require 'ffi'\n"
    "local cast, ptr = ffi.cast, ffi.typeof('const int64_t *')\n"
    "return function(p) return cast(ptr, p)[0] end\n";

static void
redis_reply_push_int(struct redis_action *a, lua_State *L, long long v)
{
	if (a->L != L || a->int_ref == LUA_NOREF) {
		if (luaL_loadstring(L, redis_int_chunk) != 0 ||
		    lua_pcall(L, 0, 1, 0) != 0) {
			lua_pop(L, 1);
			lua_pushnumber(L, (lua_Number)v);
			return;
		}
		a->int_ref = luaL_ref(L, LUA_REGISTRYINDEX);
		a->L = L;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->int_ref);
	lua_pushlightuserdata(L, &v);
	if (lua_pcall(L, 1, 1, 0) != 0) {
		lua_pop(L, 1);
		lua_pushnumber(L, (lua_Number)v);
	}
}

void
redis_reply_push(struct redis_action *a, lua_State *L, const redisReply *r)
{
	size_t	i;

	if (!lua_checkstack(L, 4)) {
		lua_pushnil(L);		/* cannot happen: nesting is 7 deep */
		return;
	}
	switch (r->type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		lua_pushlstring(L, r->str, r->len);
		break;
	case REDIS_REPLY_INTEGER:
		redis_reply_push_int(a, L, r->integer);
		break;
	case REDIS_REPLY_ARRAY:
		/* n: the length, as table.pack has it (nil elements). */
		lua_createtable(L, (int)r->elements, 1);
		for (i = 0; i < r->elements; i++) {
			redis_reply_push(a, L, r->element[i]);
			lua_rawseti(L, -2, (int)i + 1);
		}
		lua_pushnumber(L, (lua_Number)r->elements);
		lua_setfield(L, -2, "n");
		break;
	default:
		lua_pushnil(L);
		break;
	}
}
