/*
 * Fuzz src/drivers/http_parse.c: the input is what a server sends, HTTP/1.1
 * responses, read by http_parser with the driver's callbacks into the ops
 * of a connection's ring, then each captured response pushed into Lua as
 * on_result sees it (http_parse_push: no motor, only a Lua state).
 *
 * The first byte of the input picks where the rest is cut in two.
 * The ring holds FUZZ_NOPS ops, as http_conn.c keeps them: every other one
 * captures (has on_result), one is a HEAD, one was cancelled (its entry
 * NULL). The stream is fed in those two parts, as a socket may cut a
 * response, and the connection then closes (eof). A
 * verdict other than OK ends the feeding, as the connection code closes
 * the connection then. Checked: responses complete in ring order, each
 * op at most once, a captured op's headers and body lie inside its buffer,
 * and the pushed table has the status and a body of the captured length.
 * Everything is freed; a leak is a finding.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "fuzz.h"
#include "op.h"
#include "xmalloc.h"

#include "drivers/http.h"

#define FUZZ_NOPS	8	/* the ring: a power of 2 */

struct fuzz_state {
	struct http_conn	 c;
	struct mb_op		*ring[FUZZ_NOPS];
	uint8_t			 heads[FUZZ_NOPS];
	struct mb_op		*ops[FUZZ_NOPS];
	int			 done[FUZZ_NOPS];
	uint64_t		 expect;	/* the next op's sequence */
	lua_State		*L;
};

static struct fuzz_state	*fuzz_cur;

static void
fuzz_check_op(struct http_op *p, int status)
{
	uint32_t	i;

	FUZZ_ASSERT(p->status == status);
	FUZZ_ASSERT(p->body <= p->buf.len && p->buf.len <= p->buf.cap);
	for (i = 0; i < p->nhdrs; i++) {
		FUZZ_ASSERT((size_t)p->hdrs[i].name + p->hdrs[i].namelen <=
		    p->buf.len);
		FUZZ_ASSERT((size_t)p->hdrs[i].value + p->hdrs[i].valuelen <=
		    p->body);
	}
}

/* As http.c's http_done: the op of the head, or NULL for a cancelled one;
 * a captured op's response as on_result would get it. */
static void
fuzz_done(struct http_conn *c, struct mb_op *op, int status)
{
	struct fuzz_state	*f = fuzz_cur;
	struct http_op		*p;
	size_t			 i, len;
	lua_State		*L = f->L;

	FUZZ_ASSERT(f->expect < FUZZ_NOPS);
	/* The ring's entry is cleared by now: the op it held. */
	FUZZ_ASSERT(op == (f->expect == 3 ? NULL : f->ops[f->expect]));
	FUZZ_ASSERT(f->ring[f->expect] == NULL);
	FUZZ_ASSERT(c->head == f->expect + 1);
	f->expect++;
	if (op == NULL)
		return;
	for (i = 0; i < FUZZ_NOPS && f->ops[i] != op; i++)
		continue;
	FUZZ_ASSERT(i < FUZZ_NOPS && !f->done[i]);
	f->done[i] = 1;
	p = mb_op_priv(op);
	if (!p->capture)
		return;
	fuzz_check_op(p, status);
	http_parse_push(p, L);
	FUZZ_ASSERT(lua_gettop(L) == 1 && lua_istable(L, 1));
	lua_getfield(L, 1, "status");
	FUZZ_ASSERT(lua_tointeger(L, -1) == status);
	lua_getfield(L, 1, "body");
	lua_tolstring(L, -1, &len);
	FUZZ_ASSERT(len == p->buf.len - p->body);
	lua_getfield(L, 1, "headers");
	FUZZ_ASSERT(lua_istable(L, -1));
	lua_settop(L, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_state	 f;
	struct http_op		*p;
	enum http_feed		 r;
	size_t			 cut, i;

	memset(&f, 0, sizeof f);
	fuzz_cur = &f;
	f.L = luaL_newstate();
	FUZZ_ASSERT(f.L != NULL);
	for (i = 0; i < FUZZ_NOPS; i++) {
		f.ops[i] = xcalloc(1, sizeof *f.ops[i] + sizeof *p);
		p = mb_op_priv(f.ops[i]);
		p->capture = i % 2 == 0;
		p->head = i == 5;
		f.ring[i] = i == 3 ? NULL : f.ops[i];
		f.heads[i] = (uint8_t)p->head;
	}
	f.c.ring = f.ring;
	f.c.heads = f.heads;
	f.c.mask = FUZZ_NOPS - 1;
	f.c.tail = FUZZ_NOPS;
	f.c.done = fuzz_done;
	http_parse_reset(&f.c);

	/* The first byte picks the cut; the rest is the stream. */
	cut = 0;
	if (size > 0) {
		cut = data[0] % size;
		data++;
		size--;
	}
	r = http_parse_feed(&f.c, (const char *)data, cut);
	if (r == HTTP_FEED_OK)
		r = http_parse_feed(&f.c, (const char *)data + cut,
		    size - cut);
	if (r == HTTP_FEED_OK)
		r = http_parse_eof(&f.c);
	FUZZ_ASSERT(r == HTTP_FEED_OK || r == HTTP_FEED_CLOSE ||
	    r == HTTP_FEED_ERROR || r == HTTP_FEED_STRAY);
	/* Stray bytes only once every response is in. */
	FUZZ_ASSERT(r != HTTP_FEED_STRAY || f.c.head == f.c.tail);
	FUZZ_ASSERT(f.c.head == f.expect && f.c.head <= f.c.tail);

	lua_close(f.L);
	for (i = 0; i < FUZZ_NOPS; i++) {
		http_op_free(mb_op_priv(f.ops[i]));
		free(f.ops[i]);
	}
	fuzz_cur = NULL;
	return (0);
}
