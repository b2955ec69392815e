/*
 * The redis driver: hiredis's async API on the motor's event_base. Each
 * motor opens `connections` connections; an op goes to a connection that
 * is up and has fewer than its share of the motor's ops in flight, so
 * connections=C with async=C x P pipelines P commands per connection
 * (redis-benchmark's -c C -P P). Commands are the op's rendered arguments,
 * formatted here and written once per connection and loop turn.
 *
 * Replies arrive in order per connection, so each connection keeps a ring
 * of its ops in the order they were sent. cancel() clears an op's entry:
 * the reply still comes (or a NULL one when the connection drops) and is
 * dropped, and the op context is never touched again for it.
 *
 * A dropped connection fails its ops in flight (connection-lost) and is
 * reconnected with a backoff. While no connection is up, ops are held
 * until an attempt resolves: sent when one succeeds, failed with its class
 * (connection-refused, connect-timeout, connection-error) when it fails,
 * so a down server costs a few failed ops per attempt, not a busy loop.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>

#include "driver.h"
#include "errclass.h"
#include "workload.h"
#include "xmalloc.h"

#include "drivers/backoff.h"
#include "drivers/redis.h"

#define REDIS_CONNECTIONS_MAX	1024

static const struct mb_param_spec redis_params[] = {
	{ "host", MB_PARAM_STRING, "127.0.0.1",
	  "the server's address or name", 0, 0, NULL },
	{ "port", MB_PARAM_COUNT, "6379", "the server's TCP port", 1, 65535,
	  NULL },
	{ "password", MB_PARAM_STRING, NULL,
	  "sent with AUTH on every connection", 0, 0, NULL },
	{ "db", MB_PARAM_COUNT, "0",
	  "the database number (SELECT on every connection when not 0)", 0,
	  1000000, NULL },
	{ "connections", MB_PARAM_COUNT, "1",
	  "connections per motor (thread); async= is spread over them, so "
	  "async = connections x P pipelines P commands per connection", 1,
	  REDIS_CONNECTIONS_MAX, NULL },
	{ "connect_timeout", MB_PARAM_DURATION, "2s",
	  "how long a connection attempt (with AUTH and SELECT) may take", 0,
	  0, NULL },
	{ "reconnect", MB_PARAM_STRING, "100ms..2s",
	  "backoff between attempts after a connection is lost: MIN..MAX, "
	  "doubling from MIN (the first attempt is at once)", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

/* ---- params ---- */

static void
redis_fini(void *arg)
{
	struct redis_shared	*s = arg;

	if (s == NULL)
		return;
	free(s->host);
	free(s->password);
	free(s);
}


static void *
redis_init(const struct mb_params *params, char **cause)
{
	struct redis_shared	*s;
	const char		*v;
	uint64_t		 n;

	s = xcalloc(1, sizeof *s);
	v = mb_params_get(params, "host");
	s->host = xstrdup(v != NULL ? v : "127.0.0.1");
	if (*s->host == '\0') {
		*cause = xstrdup("host: expected an address or a name, got ''");
		goto fail;
	}
	n = 6379;
	if ((v = mb_params_get(params, "port")) != NULL &&
	    mb_param_count("port", v, 1, 65535, &n, cause) != 0)
		goto fail;
	s->port = (int)n;
	if ((v = mb_params_get(params, "password")) != NULL)
		s->password = xstrdup(v);
	if ((v = mb_params_get(params, "db")) != NULL &&
	    mb_param_count("db", v, 0, 1000000, &s->db, cause) != 0)
		goto fail;
	n = 1;
	if ((v = mb_params_get(params, "connections")) != NULL &&
	    mb_param_count("connections", v, 1, REDIS_CONNECTIONS_MAX, &n,
	    cause) != 0)
		goto fail;
	s->connections = (uint32_t)n;
	if (mb_params_timeout(params, "connect_timeout", 2000000000ULL,
	    &s->connect_timeout_ns, cause) != 0)
		goto fail;
	v = mb_params_get(params, "reconnect");
	if (mb_backoff_parse(v != NULL ? v : "100ms..2s", &s->backoff_min_ns,
	    &s->backoff_max_ns, cause) != 0)
		goto fail;
	return (s);
fail:
	redis_fini(s);
	return (NULL);
}

/* The op leaves the driver: it is not pending anywhere any more. */
void
redis_complete(struct mb_op *op, int status)
{
	struct redis_op	*p = mb_op_priv(op);

	p->conn = NULL;
	p->held = 0;
	mb_op_complete(op, status);
}

static void
redis_done_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_conn	*c = ac->data;
	struct redis_action	*a;
	redisReply		*reply = r;
	struct redis_obj	*o;
	struct mb_op		*op;

	if (c == NULL)
		return;		/* freed by us: its ops are gone */
	a = c->action;
	if ((uintptr_t)privdata != (uintptr_t)c->head) {
		/* Only pub/sub or MONITOR could do this: they are refused. */
		fprintf(stderr, "moonbench: redis: a reply out of order on "
		    "connection %u of motor %u\n", c->index, a->motor);
		abort();
	}
	op = c->ring[c->head & c->mask];
	c->ring[c->head & c->mask] = NULL;
	c->head++;
	if (op == NULL)
		return;		/* cancelled: dropped */
	if (reply == NULL) {
		redis_complete(op, a->c_lost);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		if (!a->shown_error) {
			a->shown_error = 1;
			fprintf(stderr, "moonbench: redis: motor %u: cycle "
			    "%llu%s%s%s: the server answered '%.*s' (counted "
			    "as redis-error; shown once)\n", a->motor,
			    (unsigned long long)op->cycle,
			    op->def != NULL ? " (op '" : "",
			    op->def != NULL ? op->def->name : "",
			    op->def != NULL ? "')" : "", (int)reply->len,
			    reply->str);
		}
		redis_complete(op, a->c_error);
		return;
	}
	o = (struct redis_obj *)reply;
	if (op->def != NULL && op->def->on_result &&
	    !(o->flags & REDIS_OBJ_STATIC)) {
		/* on_result reads it when the op retires. */
		((struct redis_op *)mb_op_priv(op))->reply = reply;
		o->flags |= REDIS_OBJ_KEPT;
	}
	redis_complete(op, 0);
}

static size_t
redis_utoa(char *out, uint64_t v)
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

/* The op's arguments as a RESP array of bulk strings (PING without a
 * workload); the buffer grows to the largest command, then never. */
static const char *
redis_format(struct redis_action *a, const struct mb_op *op, size_t *len)
{
	static const struct mb_text	 ping = { "PING", 4 };
	const struct mb_text		*argv = op->argv;
	uint32_t			 argc = op->argc, i;
	size_t				 need = 24;
	char				*p;

	if (argc == 0) {
		argv = &ping;
		argc = 1;
	}
	for (i = 0; i < argc; i++)
		need += argv[i].len + 26;
	if (need > a->fmtcap) {
		while (a->fmtcap < need)
			a->fmtcap = a->fmtcap == 0 ? 256 : a->fmtcap * 2;
		a->fmt = xrealloc(a->fmt, a->fmtcap);
	}
	p = a->fmt;
	*p++ = '*';
	p += redis_utoa(p, argc);
	*p++ = '\r';
	*p++ = '\n';
	for (i = 0; i < argc; i++) {
		*p++ = '$';
		p += redis_utoa(p, argv[i].len);
		*p++ = '\r';
		*p++ = '\n';
		memcpy(p, argv[i].ptr, argv[i].len);
		p += argv[i].len;
		*p++ = '\r';
		*p++ = '\n';
	}
	*len = (size_t)(p - a->fmt);
	return (a->fmt);
}

/* Commands whose replies do not come one per command: hiredis handles
 * them apart, which would break the order the rings rely on. */
static int
redis_unsupported(const struct mb_text *cmd)
{
	static const char *const names[] = { "subscribe", "psubscribe",
	    "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
	    "monitor", NULL };
	const char *const	*n;

	if (cmd->len < 7 || cmd->len > 12)
		return (0);
	for (n = names; *n != NULL; n++) {
		if (strlen(*n) == cmd->len &&
		    strncasecmp(cmd->ptr, *n, cmd->len) == 0)
			return (1);
	}
	return (0);
}

static void
redis_ring_grow(struct redis_conn *c, uint64_t size)
{
	struct mb_op	**ring;
	uint64_t	  seq;

	ring = xcalloc(size, sizeof *ring);
	for (seq = c->head; seq != c->tail; seq++)
		ring[seq & (size - 1)] = c->ring[seq & c->mask];
	free(c->ring);
	c->ring = ring;
	c->mask = size - 1;
}

void
redis_send(struct redis_conn *c, struct mb_op *op)
{
	struct redis_op	*p = mb_op_priv(op);
	const char	*cmd;
	size_t		 len;

	cmd = redis_format(c->action, op, &len);
	/* Cancelled ops still wait for their replies: room for them too. */
	if (c->tail - c->head > c->mask)
		redis_ring_grow(c, (c->mask + 1) * 2);
	if (redisAsyncFormattedCommand(c->ac, redis_done_cb,
	    (void *)(uintptr_t)c->tail, cmd, len) != REDIS_OK) {
		redis_complete(op, c->action->c_lost);
		return;
	}
	c->ring[c->tail & c->mask] = op;
	p->conn = c;
	p->seq = c->tail;
	c->tail++;
}

static enum mb_submit
redis_submit(void *arg, struct mb_op *op)
{
	struct redis_action	*a = arg;
	struct redis_op		*p = mb_op_priv(op);
	struct redis_conn	*c;

	redis_reply_release(p);
	if (op->argc > 0 && redis_unsupported(&op->argv[0])) {
		if (!a->shown_unsupported) {
			a->shown_unsupported = 1;
			fprintf(stderr, "moonbench: redis: '%.*s' is not "
			    "supported (pub/sub and MONITOR are not one reply "
			    "per command); counted as unsupported-command\n",
			    (int)op->argv[0].len, op->argv[0].ptr);
		}
		mb_op_complete(op, a->c_unsupported);
		return (MB_SUBMIT_OK);
	}
	if ((c = redis_conn_pick(a)) != NULL) {
		redis_send(c, op);
		return (MB_SUBMIT_OK);
	}
	/* Nothing up: the op waits for the next attempt's outcome. */
	mb_opqueue_push(&a->held, op);
	p->held = 1;
	return (MB_SUBMIT_OK);
}

/* The engine takes the op back (timeout, abort): its reply, if one still
 * comes, is dropped. */
static void
redis_cancel(void *arg, struct mb_op *op)
{
	struct redis_action	*a = arg;
	struct redis_op		*p = mb_op_priv(op);
	struct redis_conn	*c = p->conn;

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
redis_op_init(void *arg, struct mb_op *op)
{
	struct redis_action	*a = arg;

	a->nops++;
}

static void
redis_op_fini(void *arg, struct mb_op *op)
{
	struct redis_action	*a = arg;
	struct redis_op		*p = mb_op_priv(op);

	redis_reply_release(p);
	free(p->buf);
	p->buf = NULL;
	p->cap = 0;
	a->nops--;
}

static void
redis_push_result(void *arg, struct mb_op *op, struct lua_State *L)
{
	struct redis_op	*p = mb_op_priv(op);

	if (p->reply == NULL)
		lua_pushnil(L);
	else
		redis_reply_push(arg, L, p->reply);
}

static void
redis_close(void *arg)
{
	struct redis_action	*a = arg;

	redis_conn_close_all(a);
	if (a->flush_ev != NULL)
		event_free(a->flush_ev);
	free(a->conns);
	free(a->fmt);
	free(a);
}

static void *
redis_open(const struct mb_action_env *env, char **cause)
{
	struct redis_action	*a;
	uint64_t		 depth, size;
	uint32_t		 i;

	a = xcalloc(1, sizeof *a);
	a->s = env->shared;
	a->base = env->base;
	a->motor = env->motor_index;
	a->nconns = a->s->connections;
	mb_opqueue_init(&a->held);
	a->int_ref = LUA_NOREF;
	a->c_error = mb_errclass_intern("redis-error");
	a->c_lost = mb_errclass_intern("connection-lost");
	a->c_refused = mb_errclass_intern("connection-refused");
	a->c_ctimeout = mb_errclass_intern("connect-timeout");
	a->c_conn_error = mb_errclass_intern("connection-error");
	a->c_unsupported = mb_errclass_intern("unsupported-command");
	a->flush_ev = event_new(env->base, -1, 0, redis_conn_flush_cb, a);
	if (a->flush_ev == NULL) {
		free(a);
		*cause = xstrdup("cannot create an event");
		return (NULL);
	}
	/* Rings for twice the pipeline: no growth unless ops time out. */
	depth = env->async_limit == 0 ? 1 :
	    (env->async_limit + a->nconns - 1) / a->nconns;
	for (size = 16; size < depth * 2; size *= 2)
		continue;
	a->conns = xcalloc(a->nconns, sizeof *a->conns);
	for (i = 0; i < a->nconns; i++)
		redis_conn_init(a, &a->conns[i], i, size);
	if (redis_conn_open_all(a, cause) != 0) {
		redis_close(a);
		return (NULL);
	}
	return (a);
}

const struct mb_driver mb_driver_redis = {
	.name = "redis",
	.summary = "Redis through hiredis's async API, pipelined over "
	    "connections per motor",
	.help =
	    "redis sends each op's arguments as one command (binary safe): "
	    "{\"SET\",\n\"key:{id}\", \"{value}\"}; without a workload each "
	    "op is a PING. Every motor\nopens `connections` connections before "
	    "the run starts; async= is spread\nover them, so connections=C "
	    "async=CxP is redis-benchmark's -c C -P P.\n"
	    "on_result gets the reply: a string (bulk or status: \"OK\"), an "
	    "int64\ncdata (integer), nil, or an array of those (with n = its "
	    "length). An\nerror reply fails the op as redis-error. A lost "
	    "connection fails its ops\nin flight (connection-lost) and is "
	    "reconnected with a backoff; while no\nconnection is up, ops wait "
	    "for the next attempt and fail with its class\n"
	    "(connection-refused, connect-timeout, connection-error).\n",
	.params = redis_params,
	.flags = MB_DRIVER_ASYNC,
	.op_size = sizeof(struct redis_op),
	.init = redis_init,
	.fini = redis_fini,
	.open = redis_open,
	.close = redis_close,
	.op_init = redis_op_init,
	.op_fini = redis_op_fini,
	.submit = redis_submit,
	.cancel = redis_cancel,
	.push_result = redis_push_result,
};
