/*
 * The http driver: HTTP/1.1 with keep-alive over connections of its own on
 * the motor's event_base, responses read by http_parser. Each motor opens
 * `connections` connections to url='s server; an op goes to a connection
 * that is up with fewer than `pipeline` requests in flight (1: no
 * pipelining, what wrk does). When none has room, submit says full and the
 * motor waits for a completion, so service time never includes a wait in
 * our own queue.
 *
 * An op is an argument list: { METHOD, PATH [, BODY [, "Name: value"...]] }
 * or one string "METHOD PATH". A path that starts with http:// is sent as
 * is (absolute form), any other is appended to url='s path. Host is added
 * unless a header gives it, Content-Length when there is a body (or the
 * method is POST, PUT or PATCH).
 *
 * Responses come in order per connection, so each connection keeps a ring
 * of its ops in the order they were sent; cancel() clears an op's entry
 * and its response, when it comes, is read and dropped. A status of 400 or
 * more fails the op as http-NNN (http-404, http-503), so errors= can match
 * one status or a range ('http-5..:stop').
 */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <lauxlib.h>

#include "clock.h"
#include "driver.h"
#include "errclass.h"
#include "workload.h"
#include "xmalloc.h"

#include "drivers/backoff.h"
#include "drivers/http.h"

#define HTTP_CONNECTIONS_MAX	4096
#define HTTP_PIPELINE_MAX	1024

static const struct mb_param_spec http_params[] = {
	{ "url", MB_PARAM_STRING, NULL,
	  "the server, http://HOST[:PORT][/BASE]; an op's path is appended "
	  "to BASE (required)", 0, 0, NULL },
	{ "connections", MB_PARAM_COUNT, "1",
	  "connections per motor (thread), kept alive; async= is spread over "
	  "them", 1, HTTP_CONNECTIONS_MAX, NULL },
	{ "pipeline", MB_PARAM_COUNT, "1",
	  "requests in flight per connection (1: none pipelined)", 1,
	  HTTP_PIPELINE_MAX, NULL },
	{ "connect_timeout", MB_PARAM_DURATION, "2s",
	  "how long a connection attempt may take (connect-timeout)", 0, 0,
	  NULL },
	{ "read_timeout", MB_PARAM_DURATION, "30s",
	  "a connection waiting for a response that gets no byte for this "
	  "long is closed, its ops fail (read-timeout)", 0, 0, NULL },
	{ "reconnect", MB_PARAM_STRING, "100ms..2s",
	  "backoff between failed connection attempts: MIN..MAX, doubling "
	  "from MIN (after a lost connection the first attempt is at once)",
	  0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

/* ---- params ---- */

static void
http_fini(void *arg)
{
	struct http_shared	*s = arg;

	if (s == NULL)
		return;
	free(s->host);
	free(s->hosthdr);
	free(s->base);
	free(s->path);
	free(s);
}


/* url=http://HOST[:PORT][/BASE], HOST a name, an IPv4 address or an IPv6
 * one in brackets; resolved once, here. */
static int
http_parse_url(struct http_shared *s, const char *url, char **cause)
{
	struct addrinfo	 hints, *res;
	const char	*h, *end, *colon, *path;
	char		 port[8];
	uint64_t	 n = 80;
	size_t		 hostlen;
	int		 rc;

	if (strncasecmp(url, "http://", 7) != 0) {
		*cause = xfmt("url: expected http://HOST[:PORT][/PATH] (https "
		    "is not supported), got '%s'", url);
		return (-1);
	}
	h = url + 7;
	path = h + strcspn(h, "/?#");
	if (*h == '[') {
		if ((end = memchr(h, ']', (size_t)(path - h))) == NULL)
			goto bad;
		s->host = xstrndup(h + 1, (size_t)(end - h - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (colon == NULL && end + 1 != path)
			goto bad;
		hostlen = (size_t)(end + 1 - h);
	} else {
		colon = memchr(h, ':', (size_t)(path - h));
		end = colon != NULL ? colon : path;
		s->host = xstrndup(h, (size_t)(end - h));
		hostlen = (size_t)(end - h);
	}
	if (*s->host == '\0')
		goto bad;
	if (colon != NULL) {
		snprintf(port, sizeof port, "%.*s", (int)(path - colon - 1),
		    colon + 1);
		if ((size_t)(path - colon - 1) >= sizeof port ||
		    mb_param_count("url", port, 1, 65535, &n, cause) != 0) {
			free(*cause);
			*cause = NULL;
			goto bad;
		}
	}
	s->port = (int)n;
	if (*path != '\0' && *path != '/') {
		*cause = xfmt("url: a query or fragment has no place in url= "
		    "(put it in the ops' paths), got '%s'", url);
		return (-1);
	}
	/* BASE without its trailing slash: ops' paths start with one. */
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	s->base = xstrndup(path, (size_t)n);
	s->baselen = (size_t)n;
	s->path = xstrdup(*path == '\0' ? "/" : path);
	if (s->port == 80)
		s->hosthdr = xfmt("Host: %.*s\r\n", (int)hostlen, h);
	else
		s->hosthdr = xfmt("Host: %.*s:%d\r\n", (int)hostlen, h,
		    s->port);
	s->hosthdrlen = strlen(s->hosthdr);

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", s->port);
	if ((rc = getaddrinfo(s->host, port, &hints, &res)) != 0) {
		*cause = xfmt("url: cannot resolve '%s': %s", s->host,
		    gai_strerror(rc));
		return (-1);
	}
	memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
	s->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return (0);
bad:
	*cause = xfmt("url: expected http://HOST[:PORT][/PATH], got '%s'", url);
	return (-1);
}

static void *
http_init(const struct mb_params *params, char **cause)
{
	struct http_shared	*s;
	const char		*v;
	uint64_t		 n;

	s = xcalloc(1, sizeof *s);
	if ((v = mb_params_get(params, "url")) == NULL) {
		*cause = xstrdup("url: the http driver needs the server's "
		    "URL, like url=http://127.0.0.1:8080/");
		goto fail;
	}
	if (http_parse_url(s, v, cause) != 0)
		goto fail;
	n = 1;
	if ((v = mb_params_get(params, "connections")) != NULL &&
	    mb_param_count("connections", v, 1, HTTP_CONNECTIONS_MAX, &n,
	    cause) != 0)
		goto fail;
	s->connections = (uint32_t)n;
	n = 1;
	if ((v = mb_params_get(params, "pipeline")) != NULL &&
	    mb_param_count("pipeline", v, 1, HTTP_PIPELINE_MAX, &n,
	    cause) != 0)
		goto fail;
	s->pipeline = (uint32_t)n;
	if (mb_params_timeout(params, "connect_timeout", 2000000000ULL,
	    &s->connect_timeout_ns, cause) != 0 ||
	    mb_params_timeout(params, "read_timeout", 30000000000ULL,
	    &s->read_timeout_ns, cause) != 0)
		goto fail;
	v = mb_params_get(params, "reconnect");
	if (mb_backoff_parse(v != NULL ? v : "100ms..2s", &s->backoff_min_ns,
	    &s->backoff_max_ns, cause) != 0)
		goto fail;
	return (s);
fail:
	http_fini(s);
	return (NULL);
}

/* ---- ops ---- */

/* The errclass of a status: 0 below 400, else http-NNN (interned the
 * first time this motor sees it). */
int
http_status_class(struct http_action *a, int status)
{
	char	name[16];

	if (status < 400)
		return (0);
	if (status >= HTTP_STATUS_MAX)
		status = HTTP_STATUS_MAX - 1;
	if (a->c_status[status] == 0) {
		snprintf(name, sizeof name, "http-%03d", status);
		a->c_status[status] = mb_errclass_intern(name);
	}
	return (a->c_status[status]);
}

/* The op leaves the driver: it is not pending anywhere any more. */
void
http_complete(struct mb_op *op, int status)
{
	struct http_op	*p = mb_op_priv(op);

	p->conn = NULL;
	p->held = 0;
	p->action->live--;
	mb_op_complete(op, status);
}

/* A final response was read for op (NULL: a cancelled one's). */
static void
http_done(struct http_conn *c, struct mb_op *op, int status)
{
	struct http_action	*a = c->action;

	if (op != NULL)
		http_complete(op, http_status_class(a, status));
	/* A slot is free: a request the server dropped goes first. */
	if (!mb_opqueue_empty(&a->held))
		http_conn_dispatch(a);
}

static size_t
http_utoa(char *out, uint64_t v)
{
	char	tmp[20];
	size_t	n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return (n);
}

static int
http_is(const struct mb_text *t, const char *word, size_t len)
{
	return (t->len == len && memcmp(t->ptr, word, len) == 0);
}

static int
http_has_prefix(const struct mb_text *t, const char *prefix, size_t len)
{
	return (t->len >= len && strncasecmp(t->ptr, prefix, len) == 0);
}

/* The request of op, appended to the connection's output: one reserve of
 * the whole size, then copies. */
static void
http_format(struct http_conn *c, struct mb_op *op)
{
	const struct http_shared	*s = c->action->s;
	struct http_op			*p = mb_op_priv(op);
	struct mb_text			 method = { "GET", 3 }, target, body;
	const struct mb_text		*hdrs = NULL;
	uint32_t			 nhdrs = 0, i;
	size_t				 need;
	const char			*sp;
	char				*o;
	int				 join, host = 1, length;

	target.ptr = s->path;
	target.len = strlen(s->path);
	body.ptr = NULL;
	body.len = 0;
	join = 0;
	if (op->argc == 1) {
		/* "METHOD PATH", or a PATH alone for a GET. */
		sp = memchr(op->argv[0].ptr, ' ', op->argv[0].len);
		if (sp != NULL) {
			method.ptr = op->argv[0].ptr;
			method.len = (size_t)(sp - method.ptr);
			target.ptr = sp + 1;
			target.len = op->argv[0].len - method.len - 1;
		} else
			target = op->argv[0];
		join = 1;
	} else if (op->argc >= 2) {
		method = op->argv[0];
		target = op->argv[1];
		if (op->argc >= 3)
			body = op->argv[2];
		hdrs = op->argv + 3;
		nhdrs = op->argc > 3 ? op->argc - 3 : 0;
		join = 1;
	}
	/* An absolute URL goes as is; a path joins url='s BASE. */
	if (join && http_has_prefix(&target, "http://", 7))
		join = 0;
	length = body.len > 0 || http_is(&method, "POST", 4) ||
	    http_is(&method, "PUT", 3) || http_is(&method, "PATCH", 5);
	p->head = http_is(&method, "HEAD", 4);

	need = method.len + target.len + s->baselen + s->hosthdrlen +
	    body.len + 64;
	for (i = 0; i < nhdrs; i++) {
		need += hdrs[i].len + 2;
		if (http_has_prefix(&hdrs[i], "host:", 5))
			host = 0;
	}
	http_buf_reserve(&c->out, need);
	o = c->out.p + c->out.len;
	memcpy(o, method.ptr, method.len);
	o += method.len;
	*o++ = ' ';
	if (join) {
		memcpy(o, s->base, s->baselen);
		o += s->baselen;
		if (target.len == 0 || target.ptr[0] != '/')
			*o++ = '/';
	}
	memcpy(o, target.ptr, target.len);
	o += target.len;
	memcpy(o, " HTTP/1.1\r\n", 11);
	o += 11;
	if (host) {
		memcpy(o, s->hosthdr, s->hosthdrlen);
		o += s->hosthdrlen;
	}
	for (i = 0; i < nhdrs; i++) {
		if (hdrs[i].len == 0)
			continue;	/* an empty header: left out */
		memcpy(o, hdrs[i].ptr, hdrs[i].len);
		o += hdrs[i].len;
		*o++ = '\r';
		*o++ = '\n';
	}
	if (length) {
		memcpy(o, "Content-Length: ", 16);
		o += 16;
		o += http_utoa(o, body.len);
		*o++ = '\r';
		*o++ = '\n';
	}
	*o++ = '\r';
	*o++ = '\n';
	if (body.len > 0) {
		memcpy(o, body.ptr, body.len);
		o += body.len;
	}
	c->out.len = (size_t)(o - c->out.p);
}

static void
http_ring_grow(struct http_conn *c, uint64_t size)
{
	struct mb_op	**ring;
	uint8_t		 *heads;
	uint64_t	  seq;

	ring = xcalloc(size, sizeof *ring);
	heads = xcalloc(size, 1);
	for (seq = c->head; seq != c->tail; seq++) {
		ring[seq & (size - 1)] = c->ring[seq & c->mask];
		heads[seq & (size - 1)] = c->heads[seq & c->mask];
	}
	free(c->ring);
	free(c->heads);
	c->ring = ring;
	c->heads = heads;
	c->mask = size - 1;
}

void
http_send(struct http_conn *c, struct mb_op *op)
{
	struct http_op	*p = mb_op_priv(op);

	http_format(c, op);
	/* Cancelled ops still wait for their responses: room for them. */
	if (c->tail - c->head > c->mask)
		http_ring_grow(c, (c->mask + 1) * 2);
	c->ring[c->tail & c->mask] = op;
	c->heads[c->tail & c->mask] = (uint8_t)p->head;
	p->conn = c;
	p->seq = c->tail;
	c->tail++;
	http_conn_dirty(c);
}

static enum mb_submit
http_submit(void *arg, struct mb_op *op)
{
	struct http_action	*a = arg;
	struct http_op		*p = mb_op_priv(op);
	struct http_conn	*c;

	p->action = a;
	p->capture = op->def != NULL && op->def->on_result;
	if ((c = http_conn_pick(a)) != NULL) {
		a->live++;
		http_send(c, op);
		return (MB_SUBMIT_OK);
	}
	/* Busy: a completion will come. (A connection whose only requests
	 * were cancelled has no room either, but nothing to complete.) */
	if (a->live > 0)
		return (MB_SUBMIT_FULL);
	/* Nothing to wait for: the op waits for a connection instead. */
	a->live++;
	mb_opqueue_push(&a->held, op);
	p->held = 1;
	return (MB_SUBMIT_OK);
}

/* The engine takes the op back (timeout, abort): its response, if one
 * still comes, is dropped. */
static void
http_cancel(void *arg, struct mb_op *op)
{
	struct http_action	*a = arg;
	struct http_op		*p = mb_op_priv(op);
	struct http_conn	*c = p->conn;

	if (c != NULL || p->held)
		a->live--;
	if (c != NULL) {
		if (p->seq - c->head < c->tail - c->head &&
		    c->ring[p->seq & c->mask] == op)
			c->ring[p->seq & c->mask] = NULL;
		p->conn = NULL;
	} else if (p->held) {
		mb_opqueue_remove(&a->held, op);
		p->held = 0;
	}
}

static void
http_op_fini(void *arg, struct mb_op *op)
{
	http_op_free(mb_op_priv(op));
}

static void
http_push_result(void *arg, struct mb_op *op, struct lua_State *L)
{
	http_parse_push(mb_op_priv(op), L);
}

static void
http_close(void *arg)
{
	struct http_action	*a = arg;

	http_conn_close_all(a);
	if (a->flush_ev != NULL)
		event_free(a->flush_ev);
	if (a->sweep_ev != NULL)
		event_free(a->sweep_ev);
	free(a->conns);
	free(a);
}

static void *
http_open(const struct mb_action_env *env, char **cause)
{
	struct http_action	*a;
	struct timeval		 tv;
	uint64_t		 size;
	uint32_t		 i;

	a = xcalloc(1, sizeof *a);
	a->s = env->shared;
	a->base = env->base;
	a->motor = env->motor_index;
	mb_opqueue_init(&a->held);
	a->c_parse = mb_errclass_intern("http-parse-error");
	a->c_lost = mb_errclass_intern("connection-lost");
	a->c_refused = mb_errclass_intern("connection-refused");
	a->c_ctimeout = mb_errclass_intern("connect-timeout");
	a->c_rtimeout = mb_errclass_intern("read-timeout");
	a->c_conn_error = mb_errclass_intern("connection-error");
	a->flush_ev = event_new(env->base, -1, 0, http_conn_flush_cb, a);
	a->sweep_ev = event_new(env->base, -1, EV_PERSIST, http_conn_sweep_cb,
	    a);
	if (a->flush_ev == NULL || a->sweep_ev == NULL) {
		http_close(a);
		*cause = xstrdup("cannot create an event");
		return (NULL);
	}
	a->sweep_ns = a->s->read_timeout_ns / 4;
	if (a->sweep_ns == 0)
		a->sweep_ns = 1;
	tv = mb_clock_timeval(a->sweep_ns);
	evtimer_add(a->sweep_ev, &tv);
	/* Rings for twice the pipeline: no growth unless ops time out. */
	for (size = 4; size < (uint64_t)a->s->pipeline * 2; size *= 2)
		continue;
	a->nconns = a->s->connections;
	a->conns = xcalloc(a->nconns, sizeof *a->conns);
	for (i = 0; i < a->nconns; i++) {
		http_conn_init(a, &a->conns[i], i, size);
		a->conns[i].done = http_done;
	}
	if (http_conn_open_all(a, cause) != 0) {
		http_close(a);
		return (NULL);
	}
	return (a);
}

const struct mb_driver mb_driver_http = {
	.name = "http",
	.summary = "HTTP/1.1 with keep-alive over connections per motor, "
	    "optionally pipelined",
	.help =
	    "http sends each op as one request to url='s server. An op is "
	    "{ METHOD, PATH }\nor { METHOD, PATH, BODY, \"Name: value\", ... } "
	    "(binary safe; BODY \"\" for none),\nor one string \"METHOD PATH\"; "
	    "without a workload each op is a GET of url=.\nPATH is appended to "
	    "url='s path; one starting with http:// is sent as is.\nHost is "
	    "added unless a header gives it, Content-Length with a body.\n"
	    "Every motor opens `connections` connections before the run starts "
	    "and\nkeeps them alive; async= is spread over them, at most "
	    "`pipeline` requests\nin flight on each (wrk -c C is connections=C "
	    "async=C).\n"
	    "on_result gets { status = 200, headers = { [\"content-type\"] = "
	    "...,\n... } (names in lower case), body = \"...\" }. A status of "
	    "400 or more fails\nthe op as http-NNN (errors='http-404:ignore;"
	    "http-5..:stop'); a response\nthat is not HTTP as "
	    "http-parse-error; a connection closed before or in\nthe middle of "
	    "a response as connection-lost; no byte for read_timeout as\n"
	    "read-timeout. Connections are reopened (connection-refused, "
	    "connect-timeout,\nconnection-error while they cannot be).\n",
	.params = http_params,
	.flags = MB_DRIVER_ASYNC,
	.op_size = sizeof(struct http_op),
	.init = http_init,
	.fini = http_fini,
	.open = http_open,
	.close = http_close,
	.op_fini = http_op_fini,
	.submit = http_submit,
	.cancel = http_cancel,
	.push_result = http_push_result,
};
