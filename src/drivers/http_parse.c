/*
 * Responses, read by http_parser (Debian's libhttp-parser) straight from a
 * connection's read buffer. Responses come in the order of the requests,
 * so each belongs to the op at the head of its connection's ring. What an
 * op's on_result reads (status, headers, body) is copied into the op's own
 * buffers, which grow to the largest response and then never; an op
 * without on_result costs no copy (a chunked body's trailers are not
 * kept). Interim 1xx responses are skipped, a
 * HEAD's response has no body, and a response that says close (or an
 * upgrade) stops the reading: the connection code closes the connection.
 *
 * No event loop and no motor here: tests/fuzz/fuzz_http.c feeds it bytes.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "xmalloc.h"

#include "drivers/http.h"

void
http_buf_reserve(struct http_buf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < b->len + more)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

void
http_buf_add(struct http_buf *b, const void *p, size_t len)
{
	if (len == 0)
		return;
	http_buf_reserve(b, len);
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

/* Before the op is sent (again): nothing captured. */
void
http_op_reset(struct http_op *p)
{
	p->status = 0;
	p->buf.len = 0;
	p->nhdrs = 0;
	p->body = 0;
}

void
http_op_free(struct http_op *p)
{
	free(p->buf.p);
	free(p->hdrs);
	memset(p, 0, sizeof *p);
}

/* The op the response being read is for, when it keeps what it reads. */
static struct http_op *
http_parse_capture(http_parser *parser)
{
	struct http_conn	*c = parser->data;
	struct mb_op		*op;
	struct http_op		*p;

	if (c->head == c->tail || (op = c->ring[c->head & c->mask]) == NULL)
		return (NULL);
	p = mb_op_priv(op);
	return (p->capture ? p : NULL);
}

static int
http_parse_begin(http_parser *parser)
{
	struct http_conn	*c = parser->data;
	struct http_op		*p;

	c->in_msg = 1;
	c->in_body = 0;
	c->hdr_value = 1;	/* the first field starts a header */
	if ((p = http_parse_capture(parser)) != NULL)
		http_op_reset(p);
	return (0);
}

static int
http_parse_field(http_parser *parser, const char *at, size_t len)
{
	struct http_conn	*c = parser->data;
	struct http_op		*p;
	struct http_hdr		*h;

	/* A chunked body's trailers are not kept. */
	if (c->in_body || (p = http_parse_capture(parser)) == NULL)
		return (0);
	if (c->hdr_value) {
		/* A new header (a name may come in pieces: one read cut
		 * it). */
		if (p->nhdrs == p->hdrcap) {
			p->hdrcap = p->hdrcap == 0 ? 16 : p->hdrcap * 2;
			p->hdrs = xreallocarray(p->hdrs, p->hdrcap,
			    sizeof *p->hdrs);
		}
		h = &p->hdrs[p->nhdrs++];
		h->name = (uint32_t)p->buf.len;
		h->namelen = 0;
		h->value = (uint32_t)p->buf.len;
		h->valuelen = 0;
		c->hdr_value = 0;
	}
	h = &p->hdrs[p->nhdrs - 1];
	http_buf_add(&p->buf, at, len);
	h->namelen += (uint32_t)len;
	h->value = (uint32_t)p->buf.len;
	return (0);
}

static int
http_parse_value(http_parser *parser, const char *at, size_t len)
{
	struct http_conn	*c = parser->data;
	struct http_op		*p;
	struct http_hdr		*h;

	c->hdr_value = 1;
	if (c->in_body || (p = http_parse_capture(parser)) == NULL ||
	    p->nhdrs == 0)
		return (0);
	h = &p->hdrs[p->nhdrs - 1];
	http_buf_add(&p->buf, at, len);
	h->valuelen += (uint32_t)len;
	return (0);
}

/* 1 tells http_parser that no body follows (a HEAD's response). */
static int
http_parse_headers_done(http_parser *parser)
{
	struct http_conn	*c = parser->data;
	struct http_op		*p;

	c->in_body = 1;
	if ((p = http_parse_capture(parser)) != NULL)
		p->body = p->buf.len;
	/* Known even when the op was cancelled: the body must not be
	 * waited for, whoever reads the response. */
	if (c->head != c->tail && c->heads[c->head & c->mask] &&
	    parser->status_code >= 200)
		return (1);
	return (0);
}

static int
http_parse_body(http_parser *parser, const char *at, size_t len)
{
	struct http_op	*p;

	if ((p = http_parse_capture(parser)) != NULL)
		http_buf_add(&p->buf, at, len);
	return (0);
}

static int
http_parse_done(http_parser *parser)
{
	struct http_conn	*c = parser->data;
	struct mb_op		*op = NULL;
	struct http_op		*p;
	int			 status = parser->status_code;

	c->in_msg = 0;
	if (status >= 100 && status < 200 && status != 101) {
		/* Interim (100 Continue): the final response follows. */
		if ((p = http_parse_capture(parser)) != NULL)
			http_op_reset(p);
		return (0);
	}
	if (c->head != c->tail) {
		op = c->ring[c->head & c->mask];
		c->ring[c->head & c->mask] = NULL;
		c->head++;
		if (op != NULL)
			((struct http_op *)mb_op_priv(op))->status = status;
	}
	if (!http_should_keep_alive(parser) || parser->upgrade)
		c->closing = 1;
	c->done(c, op, status);
	/* Stop here when closing, or with nothing left to wait for (what
	 * follows would be stray). */
	if (c->closing || c->head == c->tail)
		http_parser_pause(parser, 1);
	return (0);
}

static const http_parser_settings http_parse_settings = {
	.on_message_begin = http_parse_begin,
	.on_header_field = http_parse_field,
	.on_header_value = http_parse_value,
	.on_headers_complete = http_parse_headers_done,
	.on_body = http_parse_body,
	.on_message_complete = http_parse_done,
};

void
http_parse_reset(struct http_conn *c)
{
	http_parser_init(&c->parser, HTTP_RESPONSE);
	c->parser.data = c;
	c->in_msg = 0;
	c->hdr_value = 1;
	c->closing = 0;
}

/* Bytes read from the connection, all of them parsed unless a response
 * ends the reading. */
enum http_feed
http_parse_feed(struct http_conn *c, const char *p, size_t len)
{
	enum http_errno	e;
	size_t		n;

	while (len > 0) {
		if (c->closing)
			return (HTTP_FEED_CLOSE);
		if (c->head == c->tail && !c->in_msg)
			return (HTTP_FEED_STRAY);
		n = http_parser_execute(&c->parser, &http_parse_settings, p,
		    len);
		e = HTTP_PARSER_ERRNO(&c->parser);
		if (e == HPE_PAUSED) {
			http_parser_pause(&c->parser, 0);
			if (n > len)
				n = len;
			p += n;
			len -= n;
			continue;
		}
		if (e != HPE_OK)
			return (HTTP_FEED_ERROR);
		if (c->parser.upgrade || n != len) {
			c->closing = 1;
			return (HTTP_FEED_CLOSE);
		}
		break;
	}
	return (c->closing ? HTTP_FEED_CLOSE : HTTP_FEED_OK);
}

/* The server closed: a response that ends with the connection ends now;
 * one cut short is an error (HTTP_FEED_ERROR). */
enum http_feed
http_parse_eof(struct http_conn *c)
{
	enum http_errno	e;

	if (!c->in_msg)
		return (HTTP_FEED_OK);
	http_parser_execute(&c->parser, &http_parse_settings, NULL, 0);
	e = HTTP_PARSER_ERRNO(&c->parser);
	if (e == HPE_PAUSED)
		http_parser_pause(&c->parser, 0);
	else if (e != HPE_OK)
		return (HTTP_FEED_ERROR);
	return (c->in_msg ? HTTP_FEED_ERROR : HTTP_FEED_OK);
}

/* on_result's second argument: { status = 200, headers = { ["content-type"]
 * = "text/html", ... }, body = "..." }; a header given twice has its values
 * joined with ", " (RFC 9110 5.3). */
void
http_parse_push(struct http_op *p, lua_State *L)
{
	const struct http_hdr	*h;
	luaL_Buffer		 b;
	uint32_t		 i, k;

	lua_createtable(L, 0, 3);
	lua_pushinteger(L, p->status);
	lua_setfield(L, -2, "status");
	lua_createtable(L, 0, (int)p->nhdrs);
	for (i = 0; i < p->nhdrs; i++) {
		h = &p->hdrs[i];
		luaL_buffinit(L, &b);
		for (k = 0; k < h->namelen; k++)
			luaL_addchar(&b, (char)tolower(
			    (unsigned char)p->buf.p[h->name + k]));
		luaL_pushresult(&b);
		lua_pushvalue(L, -1);
		lua_rawget(L, -3);
		if (lua_isstring(L, -1)) {
			lua_pushliteral(L, ", ");
			lua_pushlstring(L, p->buf.p + h->value, h->valuelen);
			lua_concat(L, 3);
		} else {
			lua_pop(L, 1);
			lua_pushlstring(L, p->buf.p + h->value, h->valuelen);
		}
		lua_rawset(L, -3);
	}
	lua_setfield(L, -2, "headers");
	if (p->buf.len > p->body)
		lua_pushlstring(L, p->buf.p + p->body, p->buf.len - p->body);
	else
		lua_pushliteral(L, "");
	lua_setfield(L, -2, "body");
}
