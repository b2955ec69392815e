/*
 * Fuzz src/drivers/redis_reply.c: the input is what a server sends, RESP
 * replies, read by hiredis's reader with the driver's reply functions
 * (redis_reply_fns) and each reply pushed into Lua as on_result sees it
 * (redis_reply_push: it needs no motor, only a Lua state).
 *
 * Twice: first whole, with no connection behind the reader, so every reply
 * is allocated (as AUTH's and SELECT's are); then split in two at a place
 * the first byte picks, as a socket may cut a reply, with a connection up
 * and a ring of ops whose replies are read (built in the op's own area,
 * or kept as an array), dropped (no on_result: the static stand-ins) or
 * cancelled, handled as redis.c's redis_done_cb does.  Everything is freed
 * (redis_reply_release for a kept reply, the reader's freeObject for the
 * others); a leak is a finding.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "fuzz.h"
#include "op.h"
#include "workload.h"
#include "xmalloc.h"

#include "drivers/redis.h"

#define FUZZ_NOPS	4	/* the ring: a power of 2 */

/* Is the object one of ours, whole: a type hiredis 0.14 makes, its
 * elements there, its string NUL-terminated at len. */
static void
fuzz_check(const redisReply *r, int depth)
{
	size_t	i;

	FUZZ_ASSERT(r != NULL && depth < 64);
	switch (r->type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		if (((const struct redis_obj *)r)->flags & REDIS_OBJ_STATIC)
			break;
		FUZZ_ASSERT(r->str != NULL && r->str[r->len] == '\0');
		break;
	case REDIS_REPLY_ARRAY:
		if (((const struct redis_obj *)r)->flags & REDIS_OBJ_STATIC)
			break;
		FUZZ_ASSERT(r->elements == 0 || r->element != NULL);
		for (i = 0; i < r->elements; i++)
			fuzz_check(r->element[i], depth + 1);
		break;
	case REDIS_REPLY_INTEGER:
	case REDIS_REPLY_NIL:
		break;
	default:
		FUZZ_ASSERT(0 && "a reply of no known type");
	}
}

/* A fresh Lua state per pass, as a motor's: the int64 maker is loaded
 * once into it, then reused. */
struct fuzz_lua {
	lua_State		*L;
	struct redis_action	 a;	/* only L and int_ref are read */
};

static void
fuzz_lua_open(struct fuzz_lua *l)
{
	memset(l, 0, sizeof *l);
	l->a.int_ref = LUA_NOREF;
	l->L = luaL_newstate();
	FUZZ_ASSERT(l->L != NULL);
	luaL_openlibs(l->L);
}

/* The reply as on_result gets it; a table's n is its length. */
static void
fuzz_push(struct fuzz_lua *l, const redisReply *r)
{
	lua_State	*L = l->L;

	redis_reply_push(&l->a, L, r);
	FUZZ_ASSERT(lua_gettop(L) == 1);
	if (r->type == REDIS_REPLY_ARRAY) {
		FUZZ_ASSERT(lua_istable(L, 1));
		lua_getfield(L, 1, "n");
		FUZZ_ASSERT(lua_tonumber(L, -1) == (lua_Number)r->elements);
	} else if (r->type == REDIS_REPLY_NIL)
		FUZZ_ASSERT(lua_isnil(L, 1));
	else if (r->type == REDIS_REPLY_INTEGER)
		FUZZ_ASSERT(!lua_isnil(L, 1));	/* an int64 cdata */
	else
		FUZZ_ASSERT(lua_objlen(L, 1) == r->len &&
		    memcmp(lua_tostring(L, 1), r->str, r->len) == 0);
	lua_settop(L, 0);
}

/* Every whole reply in the reader; 0 when it wants more, -1 on an error. */
static int
fuzz_drain(redisReader *rd, void (*done)(void *, void *), void *arg)
{
	void	*reply;

	for (;;) {
		if (redisReaderGetReply(rd, &reply) != REDIS_OK) {
			FUZZ_ASSERT(rd->err != 0 && rd->errstr[0] != '\0');
			return (-1);
		}
		if (reply == NULL)
			return (0);
		fuzz_check(reply, 0);
		done(arg, reply);
	}
}

struct fuzz_conn {
	redisReader		*rd;
	struct fuzz_lua		 lua;
	struct redis_conn	 c;
	struct mb_op		*ring[FUZZ_NOPS];
	struct mb_op		*ops[FUZZ_NOPS];
	struct mb_opdef		 def;
};

/* As redis_done_cb: the head's reply, kept for on_result when it reads
 * it, then (as hiredis does after the callback) freeObject. */
static void
fuzz_done_conn(void *arg, void *reply)
{
	struct fuzz_conn	*f = arg;
	struct redis_obj	*o = reply;
	struct redis_op		*p = NULL;
	struct mb_op		*op;

	op = f->c.ring[f->c.head & f->c.mask];
	f->c.head++;
	if (op != NULL && op->def != NULL && op->def->on_result) {
		p = mb_op_priv(op);
		if (o->r.type == REDIS_REPLY_ERROR)
			p = NULL;
		else {
			/* Read: never a stand-in. */
			FUZZ_ASSERT(!(o->flags & REDIS_OBJ_STATIC));
			p->reply = &o->r;
			o->flags |= REDIS_OBJ_KEPT;
		}
	} else if (o->r.type != REDIS_REPLY_ERROR)
		FUZZ_ASSERT(o->flags & REDIS_OBJ_STATIC);
	f->rd->fn->freeObject(reply);
	if (p != NULL) {
		fuzz_push(&f->lua, p->reply);
		redis_reply_release(p);
		FUZZ_ASSERT(p->reply == NULL);
	}
}

/* No connection: each reply is hiredis's to free. */
static void
fuzz_done_alone(void *arg, void *reply)
{
	struct fuzz_conn	*f = arg;

	fuzz_push(&f->lua, reply);
	f->rd->fn->freeObject(reply);
}

static void
fuzz_feed(redisReader *rd, const uint8_t *data, size_t size)
{
	/* hiredis copies it: the input is not NUL-terminated. */
	FUZZ_ASSERT(redisReaderFeed(rd, (const char *)data, size) == REDIS_OK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_conn	 f;
	redisReader		*rd;
	struct redis_op		*p;
	size_t			 cut, i;

	/* Whole, no connection. */
	memset(&f, 0, sizeof f);
	fuzz_lua_open(&f.lua);
	f.rd = rd = redisReaderCreateWithFunctions(&redis_reply_fns);
	FUZZ_ASSERT(rd != NULL);
	fuzz_feed(rd, data, size);
	fuzz_drain(rd, fuzz_done_alone, &f);
	redisReaderFree(rd);
	lua_close(f.lua.L);

	/* Cut in two, a connection up: ops with on_result (every other one),
	 * one without, one cancelled. */
	memset(&f, 0, sizeof f);
	fuzz_lua_open(&f.lua);
	f.def.on_result = 1;
	for (i = 0; i < FUZZ_NOPS; i++) {
		f.ops[i] = xcalloc(1, sizeof *f.ops[i] + sizeof *p);
		f.ops[i]->def = i == 1 ? NULL : &f.def;
		f.ring[i] = i == 3 ? NULL : f.ops[i];
	}
	f.c.state = REDIS_UP;
	f.c.ring = f.ring;
	f.c.mask = FUZZ_NOPS - 1;
	f.rd = rd = redisReaderCreateWithFunctions(&redis_reply_fns);
	FUZZ_ASSERT(rd != NULL);
	rd->privdata = &f.c;	/* redisReaderSetPrivdata casts to int */
	cut = size == 0 ? 0 : data[0] % (size + 1);
	fuzz_feed(rd, data, cut);
	if (fuzz_drain(rd, fuzz_done_conn, &f) == 0) {
		fuzz_feed(rd, data + cut, size - cut);
		fuzz_drain(rd, fuzz_done_conn, &f);
	}
	redisReaderFree(rd);
	lua_close(f.lua.L);
	for (i = 0; i < FUZZ_NOPS; i++) {
		p = mb_op_priv(f.ops[i]);
		FUZZ_ASSERT(p->reply == NULL);
		free(p->buf);
		free(f.ops[i]);
	}
	return (0);
}
