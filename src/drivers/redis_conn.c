/*
 * The redis driver's connections. hiredis calls our glue to watch its
 * socket; a connection that is up writes what was queued during a loop
 * turn at its end, once. A connection goes CONNECTING (connect, AUTH,
 * SELECT) -> UP -> DOWN (reconnect timer) -> CONNECTING; open() connects
 * them all on a loop of its own before the start barrier.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/sds.h>

#include "clock.h"
#include "driver.h"
#include "xmalloc.h"

#include "drivers/backoff.h"
#include "drivers/redis.h"

static void	redis_conn_connect(struct redis_conn *, struct event_base *);
static void	redis_conn_retry_cb(evutil_socket_t, short, void *);
static void	redis_conn_timeout_cb(evutil_socket_t, short, void *);

/* A connection, down until open connects it; its ring holds ringsize
 * ops (a power of 2) before it grows. */
void
redis_conn_init(struct redis_action *a, struct redis_conn *c, unsigned index,
    uint64_t ringsize)
{
	c->action = a;
	c->index = index;
	c->backoff_ns = a->s->backoff_min_ns;
	c->ring = xcalloc(ringsize, sizeof *c->ring);
	c->mask = ringsize - 1;
	evtimer_assign(&c->retry_ev, a->base, redis_conn_retry_cb, c);
	evtimer_assign(&c->ctimer_ev, a->base, redis_conn_timeout_cb, c);
}

static void
redis_conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct redis_conn	*c = arg;

	redisAsyncHandleRead(c->ac);
}

static void
redis_conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct redis_conn	*c = arg;

	c->in_write = 1;
	redisAsyncHandleWrite(c->ac);
	c->in_write = 0;
}

/* Write what hiredis queued on an up connection, keeping its buffer
 * (hiredis 0.14 frees and remakes it after each write it does itself). */
static void
redis_conn_write(struct redis_conn *c)
{
	redisContext	*rc = &c->ac->c;
	size_t		 len = sdslen(rc->obuf);
	ssize_t		 n;

	if (len == 0)
		return;
	n = write(rc->fd, rc->obuf, len);
	if (n == (ssize_t)len) {
		sdsclear(rc->obuf);
		return;
	}
	if (n > 0)
		sdsrange(rc->obuf, (int)n, -1);
	else if (n == -1 && errno != EAGAIN && errno != EINTR) {
		/* hiredis meets the error again and disconnects. */
		redis_conn_write_cb(-1, EV_WRITE, c);
		return;
	}
	event_add(&c->wev, NULL);	/* the rest when the socket drains */
}

/* Commands appended since the last turn: one write per connection. */
void
redis_conn_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct redis_action	*a = arg;
	struct redis_conn	*c;

	while ((c = a->flush) != NULL) {
		a->flush = c->flush_next;
		c->dirty = 0;
		/* Not while connecting: hiredis would take it as connected. */
		if (c->ac == NULL || c->state != REDIS_UP ||
		    event_pending(&c->wev, EV_WRITE, NULL))
			continue;
		redis_conn_write(c);
	}
}

static void
redis_conn_add_read(void *arg)
{
	struct redis_conn	*c = arg;

	if (!event_pending(&c->rev, EV_READ, NULL))
		event_add(&c->rev, NULL);
}

static void
redis_conn_del_read(void *arg)
{
	struct redis_conn	*c = arg;

	event_del(&c->rev);
}

/* hiredis has something to write. A connection that is up writes at the
 * end of the loop turn, with everything queued by then; only a connect in
 * progress or a full socket waits for the descriptor. */
static void
redis_conn_add_write(void *arg)
{
	struct redis_conn	*c = arg;
	struct redis_action	*a = c->action;

	if (c->in_write || c->state != REDIS_UP) {
		if (!event_pending(&c->wev, EV_WRITE, NULL))
			event_add(&c->wev, NULL);
		return;
	}
	if (c->dirty || event_pending(&c->wev, EV_WRITE, NULL))
		return;
	c->dirty = 1;
	c->flush_next = a->flush;
	a->flush = c;
	if (c->flush_next == NULL)
		event_active(a->flush_ev, EV_TIMEOUT, 0);
}

static void
redis_conn_del_write(void *arg)
{
	struct redis_conn	*c = arg;

	event_del(&c->wev);
}

static void
redis_conn_cleanup(void *arg)
{
	struct redis_conn	*c = arg;
	struct redis_conn      **pp;

	event_del(&c->rev);
	event_del(&c->wev);
	if (c->dirty) {
		for (pp = &c->action->flush; *pp != NULL;
		    pp = &(*pp)->flush_next) {
			if (*pp == c) {
				*pp = c->flush_next;
				break;
			}
		}
		c->dirty = 0;
	}
}

static void
redis_conn_attach(struct redis_conn *c, struct event_base *base)
{
	redisAsyncContext	*ac = c->ac;

	ac->data = c;
	ac->c.reader->fn = &redis_reply_fns;
	redisReaderSetPrivdata(ac->c.reader, c);
	ac->c.reader->maxbuf = 0;	/* keep the buffer between replies */
	ac->ev.data = c;
	ac->ev.addRead = redis_conn_add_read;
	ac->ev.delRead = redis_conn_del_read;
	ac->ev.addWrite = redis_conn_add_write;
	ac->ev.delWrite = redis_conn_del_write;
	ac->ev.cleanup = redis_conn_cleanup;
	event_assign(&c->rev, base, ac->c.fd, EV_READ | EV_PERSIST,
	    redis_conn_read_cb, c);
	event_assign(&c->wev, base, ac->c.fd, EV_WRITE | EV_PERSIST,
	    redis_conn_write_cb, c);
}

/* Move a connection's descriptor events to another loop (after open). */
static void
redis_conn_rebase(struct redis_conn *c, struct event_base *base)
{
	int	r, w;

	if (c->ac == NULL)
		return;
	r = event_pending(&c->rev, EV_READ, NULL);
	w = event_pending(&c->wev, EV_WRITE, NULL);
	event_del(&c->rev);
	event_del(&c->wev);
	event_assign(&c->rev, base, c->ac->c.fd, EV_READ | EV_PERSIST,
	    redis_conn_read_cb, c);
	event_assign(&c->wev, base, c->ac->c.fd, EV_WRITE | EV_PERSIST,
	    redis_conn_write_cb, c);
	if (r)
		event_add(&c->rev, NULL);
	if (w)
		event_add(&c->wev, NULL);
}

static void
redis_conn_fail_held(struct redis_action *a, int status)
{
	struct mb_op	*op, *next;

	op = mb_opqueue_take(&a->held);
	for (; op != NULL; op = next) {
		next = op->next;
		redis_complete(op, status);
	}
}

/* An up connection with room, the least busy if none has room. */
struct redis_conn *
redis_conn_pick(struct redis_action *a)
{
	struct redis_conn	*c, *best = NULL;
	uint64_t		 depth, n;
	uint32_t		 i, k;

	if (a->nup == 0)
		return (NULL);
	depth = (a->nops + a->nconns - 1) / a->nconns;
	for (i = 0; i < a->nconns; i++) {
		k = a->cur + i;
		if (k >= a->nconns)
			k -= a->nconns;
		c = &a->conns[k];
		if (c->state != REDIS_UP)
			continue;
		n = c->tail - c->head;
		if (n < depth) {
			/* Stay on it: its commands go out in one write. */
			a->cur = k;
			return (c);
		}
		if (best == NULL || n < best->tail - best->head)
			best = c;
	}
	return (best);
}

static void
redis_conn_up(struct redis_conn *c)
{
	struct redis_action	*a = c->action;
	struct redis_conn	*to;
	struct mb_op		*op;

	c->state = REDIS_UP;
	evtimer_del(&c->ctimer_ev);
	c->backoff_ns = a->s->backoff_min_ns;
	a->nup++;
	if (a->down_ns != 0) {
		fprintf(stderr, "moonbench: redis: motor %u: connected to "
		    "%s:%d again after %.1f s\n", a->motor, a->s->host,
		    a->s->port, (double)(mb_clock_ns() - a->down_ns) / 1e9);
		a->down_ns = 0;
	}
	while (!mb_opqueue_empty(&a->held) &&
	    (to = redis_conn_pick(a)) != NULL) {
		op = mb_opqueue_pop(&a->held);
		((struct redis_op *)mb_op_priv(op))->held = 0;
		redis_send(to, op);
	}
}

/* A connection attempt failed or an established connection ended; hiredis
 * frees its context (or has freed it). Try again after a backoff. */
static void
redis_conn_lost(struct redis_conn *c, int class, const char *why)
{
	struct redis_action	*a = c->action;
	struct timeval		 tv;
	uint64_t		 delay;
	int			 was_up = c->state == REDIS_UP;

	if (was_up)
		a->nup--;
	c->state = REDIS_DOWN;
	c->ac = NULL;
	c->handshake = 0;
	evtimer_del(&c->ctimer_ev);
	c->fail_class = class;
	if (why != c->cause) {
		free(c->cause);
		c->cause = xstrdup(why != NULL && *why != '\0' ? why :
		    "unknown error");
	}
	if (a->opening)
		return;
	delay = mb_backoff_next(&c->backoff_ns, a->s->backoff_min_ns,
	    a->s->backoff_max_ns, was_up);
	tv = mb_clock_timeval(delay);
	evtimer_add(&c->retry_ev, &tv);
	if (a->nup == 0) {
		if (a->down_ns == 0) {
			a->down_ns = mb_clock_ns();
			fprintf(stderr, "moonbench: redis: motor %u: no "
			    "connection to %s:%d (%s); reconnecting\n",
			    a->motor, a->s->host, a->s->port, c->cause);
		}
		redis_conn_fail_held(a, class);
	}
}

static void
redis_conn_connect_cb(const redisAsyncContext *ac, int status)
{
	struct redis_conn	*c = ac->data;
	struct redis_action	*a;
	int			 refused;

	if (c == NULL)
		return;
	a = c->action;
	if (status != REDIS_OK) {
		refused = strcmp(ac->errstr, strerror(ECONNREFUSED)) == 0;
		redis_conn_lost(c, refused ? a->c_refused : a->c_conn_error,
		    ac->errstr);
		return;
	}
	if (c->handshake == 0)
		redis_conn_up(c);
}

static void
redis_conn_disconnect_cb(const redisAsyncContext *ac, int status)
{
	struct redis_conn	*c = ac->data;
	struct redis_action	*a;

	if (c == NULL)
		return;
	a = c->action;
	if (c->state == REDIS_CONNECTING && c->cause != NULL)
		redis_conn_lost(c, c->fail_class, c->cause); /* AUTH, SELECT */
	else if (c->state == REDIS_CONNECTING)
		redis_conn_lost(c, a->c_conn_error, ac->errstr);
	else
		redis_conn_lost(c, a->c_lost, ac->errstr);
}

/* AUTH's and SELECT's replies: the connection is up after the last. */
static void
redis_conn_handshake_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct redis_conn	*c = ac->data;
	redisReply		*reply = r;

	if (c == NULL || reply == NULL || c->state != REDIS_CONNECTING)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		if (c->cause == NULL) {
			c->fail_class = c->action->c_conn_error;
			c->cause = xfmt("%s failed: %.*s", (char *)privdata,
			    (int)reply->len, reply->str);
			redisAsyncDisconnect(ac);
		}
		return;
	}
	if (--c->handshake == 0 && c->cause == NULL)
		redis_conn_up(c);
}

static void
redis_conn_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct redis_conn	*c = arg;
	redisAsyncContext	*ac = c->ac;
	char			 t[32], why[64];

	if (c->state != REDIS_CONNECTING || ac == NULL)
		return;
	/* Ours to free: no callback of it may reach this connection. */
	ac->data = NULL;
	redisAsyncFree(ac);
	mb_param_format_duration(c->action->s->connect_timeout_ns, t,
	    sizeof t);
	snprintf(why, sizeof why, "no answer within %s", t);
	redis_conn_lost(c, c->action->c_ctimeout, why);
}

static void
redis_conn_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct redis_conn	*c = arg;

	redis_conn_connect(c, c->action->base);
}

/* Start a connection attempt on base; AUTH and SELECT go first. */
static void
redis_conn_connect(struct redis_conn *c, struct event_base *base)
{
	struct redis_action	*a = c->action;
	redisAsyncContext	*ac;
	struct timeval		 tv;
	char			*why;
	int			 class;

	free(c->cause);
	c->cause = NULL;
	c->state = REDIS_CONNECTING;
	c->handshake = 0;
	if ((ac = redisAsyncConnect(a->s->host, a->s->port)) == NULL) {
		redis_conn_lost(c, a->c_conn_error, "out of memory");
		return;
	}
	if (ac->err) {
		/* Refused at once (loopback), or no such host. */
		class = strcmp(ac->errstr, strerror(ECONNREFUSED)) == 0 ?
		    a->c_refused : a->c_conn_error;
		why = xstrdup(ac->errstr);
		redisAsyncFree(ac);
		redis_conn_lost(c, class, why);
		free(why);
		return;
	}
	c->ac = ac;
	redis_conn_attach(c, base);
	redisAsyncSetConnectCallback(ac, redis_conn_connect_cb);
	redisAsyncSetDisconnectCallback(ac, redis_conn_disconnect_cb);
	if (a->s->password != NULL) {
		redisAsyncCommand(ac, redis_conn_handshake_cb, (void *)"AUTH",
		    "AUTH %s", a->s->password);
		c->handshake++;
	}
	if (a->s->db != 0) {
		redisAsyncCommand(ac, redis_conn_handshake_cb, (void *)"SELECT",
		    "SELECT %llu", (unsigned long long)a->s->db);
		c->handshake++;
	}
	if (!a->opening) {
		tv = mb_clock_timeval(a->s->connect_timeout_ns);
		evtimer_add(&c->ctimer_ev, &tv);
	}
}

void
redis_conn_close_all(struct redis_action *a)
{
	struct redis_conn	*c;
	redisAsyncContext	*ac;
	uint32_t		 i;

	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		if ((ac = c->ac) != NULL) {
			/* No callback of it may reach the connection now. */
			c->ac = NULL;
			ac->data = NULL;
			redisAsyncFree(ac);
		}
		evtimer_del(&c->retry_ev);
		evtimer_del(&c->ctimer_ev);
		free(c->ring);
		free(c->cause);
	}
}

static void
redis_conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
}

/* Connect every connection before the start barrier, on a loop of our
 * own: a server that is down or refuses AUTH fails the open, clearly. */
int
redis_conn_open_all(struct redis_action *a, char **cause)
{
	struct event_base	*tmp;
	struct event		*deadline;
	struct redis_conn	*c;
	struct timeval		 tv;
	char			 t[32], why[64];
	uint32_t		 i, connecting;
	int			 expired = 0, rc = 0;

	if ((tmp = event_base_new()) == NULL ||
	    (deadline = evtimer_new(tmp, redis_conn_deadline_cb, &expired)) ==
	    NULL) {
		if (tmp != NULL)
			event_base_free(tmp);
		*cause = xstrdup("cannot create an event loop");
		return (-1);
	}
	tv = mb_clock_timeval(a->s->connect_timeout_ns);
	evtimer_add(deadline, &tv);
	a->opening = 1;
	for (i = 0; i < a->nconns; i++)
		redis_conn_connect(&a->conns[i], tmp);
	for (;;) {
		for (i = 0, connecting = 0; i < a->nconns; i++)
			connecting += a->conns[i].state == REDIS_CONNECTING;
		if (connecting == 0 || expired)
			break;
		event_base_loop(tmp, EVLOOP_ONCE);
	}
	mb_param_format_duration(a->s->connect_timeout_ns, t, sizeof t);
	snprintf(why, sizeof why, "no answer within %s", t);
	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		if (c->state == REDIS_CONNECTING) {
			c->ac->data = NULL;
			redisAsyncFree(c->ac);
			redis_conn_lost(c, a->c_ctimeout, why);
		}
		if (c->state != REDIS_UP && rc == 0) {
			*cause = xfmt("cannot connect to %s:%d: %s", a->s->host,
			    a->s->port, c->cause);
			rc = -1;
		}
	}
	a->opening = 0;
	if (rc == 0) {
		for (i = 0; i < a->nconns; i++)
			redis_conn_rebase(&a->conns[i], a->base);
	} else
		redis_conn_close_all(a);
	event_free(deadline);
	event_base_free(tmp);
	if (rc != 0)
		a->nconns = 0;	/* freed */
	return (rc);
}
