/*
 * The http driver's connections: non-blocking sockets on the motor's loop,
 * with buffers of their own that grow to the largest need and then never,
 * so a request and its response allocate nothing. (A bufferevent would
 * cost an ioctl(FIONREAD) per read and an evbuffer chain allocated and
 * freed per request; this is the same work without them.) Requests queued
 * during a loop turn go out at its end, in one write per connection; a
 * connection reads with one read per readable event.
 *
 * A connection goes CONNECTING -> UP -> DOWN (reconnect timer) ->
 * CONNECTING. open() connects them all before the start barrier. A
 * response that says close (nginx after keepalive_requests) ends the
 * connection: the requests sent after it were never read, so they go out
 * again on another one, and it reconnects at once. A connection that
 * fails (reset, a close mid-response, garbage, no byte for read_timeout)
 * fails its ops in flight and reconnects, at once if it was up, else after
 * a doubling backoff.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "driver.h"
#include "xmalloc.h"

#include "drivers/backoff.h"
#include "drivers/http.h"

#define HTTP_READ_SIZE		16384	/* one read at most, per connection */

static void	http_conn_connect(struct http_conn *);
static void	http_conn_retry_cb(evutil_socket_t, short, void *);
static void	http_conn_timeout_cb(evutil_socket_t, short, void *);
static void	http_conn_read_cb(evutil_socket_t, short, void *);
static void	http_conn_write_cb(evutil_socket_t, short, void *);

/* A connection, down until open connects it; its ring holds ringsize ops
 * (a power of 2) before it grows. */
void
http_conn_init(struct http_action *a, struct http_conn *c, unsigned index,
    uint64_t ringsize)
{
	c->action = a;
	c->index = index;
	c->fd = -1;
	c->backoff_ns = a->s->backoff_min_ns;
	c->ring = xcalloc(ringsize, sizeof *c->ring);
	c->heads = xcalloc(ringsize, 1);
	c->mask = ringsize - 1;
	/* Assigned now so that closing a connection never met is safe. */
	event_assign(&c->rev, a->base, -1, EV_READ | EV_PERSIST,
	    http_conn_read_cb, c);
	event_assign(&c->wev, a->base, -1, EV_WRITE | EV_PERSIST,
	    http_conn_write_cb, c);
	evtimer_assign(&c->retry_ev, a->base, http_conn_retry_cb, c);
	evtimer_assign(&c->ctimer_ev, a->base, http_conn_timeout_cb, c);
}

static void
http_conn_unflush(struct http_conn *c)
{
	struct http_conn	**pp;

	if (!c->dirty)
		return;
	for (pp = &c->action->flush; *pp != NULL; pp = &(*pp)->flush_next) {
		if (*pp == c) {
			*pp = c->flush_next;
			break;
		}
	}
	c->dirty = 0;
}

/* The socket goes; the ops of its ring are the caller's business. */
static void
http_conn_close(struct http_conn *c)
{
	evtimer_del(&c->ctimer_ev);
	if (c->fd != -1) {
		event_del(&c->rev);
		event_del(&c->wev);
		http_conn_unflush(c);
		close(c->fd);
		c->fd = -1;
	}
	c->out.len = 0;
	c->out_off = 0;
	if (c->state == HTTP_UP)
		c->action->nup--;
	c->state = HTTP_DOWN;
}

/* Every op of the ring fails: the first (whose response was being read)
 * with first, the others with rest. */
static void
http_conn_fail_ring(struct http_conn *c, int first, int rest)
{
	struct mb_op	*op;
	uint64_t	 seq;

	for (seq = c->head; seq != c->tail; seq++) {
		op = c->ring[seq & c->mask];
		c->ring[seq & c->mask] = NULL;
		if (op != NULL)
			http_complete(op, seq == c->head ? first : rest);
	}
	c->head = c->tail;
}

/* Requests the server never read (it said close): first in line again. */
static void
http_conn_requeue(struct http_conn *c)
{
	struct http_action	*a = c->action;
	struct mb_op		*first = NULL, **tail = &first, *op;
	struct http_op		*p;
	uint64_t		 seq;

	for (seq = c->head; seq != c->tail; seq++) {
		op = c->ring[seq & c->mask];
		c->ring[seq & c->mask] = NULL;
		if (op == NULL)
			continue;
		p = mb_op_priv(op);
		p->conn = NULL;
		p->held = 1;
		*tail = op;
		tail = &op->next;
	}
	c->head = c->tail;
	if (first == NULL)
		return;
	mb_opqueue_prepend(&a->held, first, tail);
}

static void
http_conn_fail_held(struct http_action *a, int status)
{
	struct mb_op	*op, *next;

	op = mb_opqueue_take(&a->held);
	for (; op != NULL; op = next) {
		next = op->next;
		http_complete(op, status);
	}
}

/* Held ops go out while a connection has room. */
void
http_conn_dispatch(struct http_action *a)
{
	struct http_conn	*to;
	struct mb_op		*op;

	while (!mb_opqueue_empty(&a->held) &&
	    (to = http_conn_pick(a)) != NULL) {
		op = mb_opqueue_pop(&a->held);
		((struct http_op *)mb_op_priv(op))->held = 0;
		http_send(to, op);
	}
}

/* An up connection with room for one more request (pipeline=), or NULL. */
struct http_conn *
http_conn_pick(struct http_action *a)
{
	struct http_conn	*c;
	uint32_t		 i, k;

	if (a->nup == 0)
		return (NULL);
	for (i = 0; i < a->nconns; i++) {
		k = a->cur + i;
		if (k >= a->nconns)
			k -= a->nconns;
		c = &a->conns[k];
		if (c->state == HTTP_UP && !c->closing &&
		    c->tail - c->head < a->s->pipeline) {
			/* Stay on it: its requests go out in one write. */
			a->cur = k;
			return (c);
		}
	}
	return (NULL);
}

static void
http_conn_up(struct http_conn *c)
{
	struct http_action	*a = c->action;

	c->state = HTTP_UP;
	evtimer_del(&c->ctimer_ev);
	c->backoff_ns = a->s->backoff_min_ns;
	c->stalled_ns = 0;
	http_parse_reset(c);
	event_assign(&c->rev, a->base, c->fd, EV_READ | EV_PERSIST,
	    http_conn_read_cb, c);
	event_assign(&c->wev, a->base, c->fd, EV_WRITE | EV_PERSIST,
	    http_conn_write_cb, c);
	event_add(&c->rev, NULL);
	a->nup++;
	if (a->down_ns != 0) {
		fprintf(stderr, "moonbench: http: motor %u: connected to "
		    "%s:%d again after %.1f s\n", a->motor, a->s->host,
		    a->s->port, (double)(mb_clock_ns() - a->down_ns) / 1e9);
		a->down_ns = 0;
	}
	http_conn_dispatch(a);
}

/* A connection attempt failed or a connection failed: try again, at once
 * if it was up (a restart may be over already), else after a backoff. */
static void
http_conn_lost(struct http_conn *c, int class, const char *why, int opening)
{
	struct http_action	*a = c->action;
	struct timeval		 tv;
	uint64_t		 delay;
	int			 was_up = c->state == HTTP_UP;

	http_conn_close(c);
	c->fail_class = class;
	free(c->cause);
	c->cause = xstrdup(why);
	if (opening)
		return;
	delay = mb_backoff_next(&c->backoff_ns, a->s->backoff_min_ns,
	    a->s->backoff_max_ns, was_up);
	tv = mb_clock_timeval(delay);
	evtimer_add(&c->retry_ev, &tv);
	if (a->nup == 0) {
		if (a->down_ns == 0) {
			a->down_ns = mb_clock_ns();
			fprintf(stderr, "moonbench: http: motor %u: no "
			    "connection to %s:%d (%s); reconnecting\n",
			    a->motor, a->s->host, a->s->port, c->cause);
		}
		http_conn_fail_held(a, class);
	}
}

/* The server ended the connection in order (it said close, or closed an
 * idle one): unread requests go again, and a new one opens at once. */
static void
http_conn_reopen(struct http_conn *c)
{
	http_conn_requeue(c);
	http_conn_close(c);
	http_conn_connect(c);
	http_conn_dispatch(c->action);
}

static int
http_conn_errclass(struct http_action *a, int err)
{
	return (err == ECONNREFUSED ? a->c_refused : a->c_conn_error);
}

/* A non-blocking socket connecting to the server: 0 connected, 1 in
 * progress, -1 failed (errno). */
static int
http_conn_socket(struct http_conn *c)
{
	const struct http_shared	*s = c->action->s;
	int				 one = 1, fd;

	fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return (-1);
	/* Requests are whole when written: send them now. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->fd = fd;
	if (connect(fd, (const struct sockaddr *)&s->addr, s->addrlen) == 0)
		return (0);
	if (errno == EINPROGRESS)
		return (1);
	return (-1);
}

static void
http_conn_connected_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn	*c = arg;
	int			 err = 0;
	socklen_t		 len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err != 0) {
		http_conn_lost(c, http_conn_errclass(c->action, err),
		    strerror(err), 0);
		return;
	}
	http_conn_up(c);
}

/* Start an attempt on the motor's loop. */
static void
http_conn_connect(struct http_conn *c)
{
	struct http_action	*a = c->action;
	struct timeval		 tv;
	int			 rc, err;

	free(c->cause);
	c->cause = NULL;
	c->state = HTTP_CONNECTING;
	if ((rc = http_conn_socket(c)) == -1) {
		err = errno;
		http_conn_lost(c, http_conn_errclass(a, err), strerror(err), 0);
		return;
	}
	if (rc == 0) {
		http_conn_up(c);
		return;
	}
	event_assign(&c->wev, a->base, c->fd, EV_WRITE, http_conn_connected_cb,
	    c);
	event_add(&c->wev, NULL);
	tv = mb_clock_timeval(a->s->connect_timeout_ns);
	evtimer_add(&c->ctimer_ev, &tv);
}

static void
http_conn_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	http_conn_connect(arg);
}

static void
http_conn_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn	*c = arg;
	char			 t[32], why[64];

	if (c->state != HTTP_CONNECTING)
		return;
	mb_param_format_duration(c->action->s->connect_timeout_ns, t,
	    sizeof t);
	snprintf(why, sizeof why, "no answer within %s", t);
	http_conn_lost(c, c->action->c_ctimeout, why, 0);
}

/* What was queued goes out; the rest when the socket drains. */
static void
http_conn_write(struct http_conn *c)
{
	struct http_action	*a = c->action;
	size_t			 left = c->out.len - c->out_off;
	ssize_t			 n;
	int			 err;

	if (left == 0)
		return;
	n = write(c->fd, c->out.p + c->out_off, left);
	if (n == (ssize_t)left) {
		c->out.len = 0;
		c->out_off = 0;
		if (event_pending(&c->wev, EV_WRITE, NULL))
			event_del(&c->wev);
		return;
	}
	if (n > 0)
		c->out_off += (size_t)n;
	else if (errno != EAGAIN && errno != EINTR) {
		err = errno;
		http_conn_fail_ring(c, a->c_lost, a->c_lost);
		http_conn_lost(c, a->c_lost, strerror(err), 0);
		return;
	}
	if (!event_pending(&c->wev, EV_WRITE, NULL))
		event_add(&c->wev, NULL);
}

static void
http_conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	http_conn_write(arg);
}

/* The connection has requests to write at the end of this loop turn. */
void
http_conn_dirty(struct http_conn *c)
{
	struct http_action	*a = c->action;

	if (c->dirty || event_pending(&c->wev, EV_WRITE, NULL))
		return;
	c->dirty = 1;
	c->flush_next = a->flush;
	a->flush = c;
	if (c->flush_next == NULL)
		event_active(a->flush_ev, EV_TIMEOUT, 0);
}

void
http_conn_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_action	*a = arg;
	struct http_conn	*c;

	while ((c = a->flush) != NULL) {
		a->flush = c->flush_next;
		c->dirty = 0;
		if (c->state == HTTP_UP &&
		    !event_pending(&c->wev, EV_WRITE, NULL))
			http_conn_write(c);
	}
}

/* The server closed, or the connection broke (err: its errno). */
static void
http_conn_eof(struct http_conn *c, int err)
{
	struct http_action	*a = c->action;
	char			 why[128];

	if (err == 0 && http_parse_eof(c) == HTTP_FEED_OK &&
	    (c->closing || c->head == c->tail)) {
		/* In order: said close, or an idle connection closed. */
		http_conn_reopen(c);
		return;
	}
	snprintf(why, sizeof why, "%s", err != 0 ? strerror(err) :
	    c->in_msg ? "closed by the server in the middle of a response" :
	    "closed by the server before a response");
	http_conn_fail_ring(c, a->c_lost, a->c_lost);
	http_conn_lost(c, a->c_lost, why, 0);
}

static void
http_conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn	*c = arg;
	struct http_action	*a = c->action;
	enum http_feed		 r;
	ssize_t			 n;

	for (;;) {
		n = read(c->fd, c->in.p, c->in.cap);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
			http_conn_eof(c, n == 0 ? 0 : errno);
			return;
		}
		if (n == -1)
			return;
		c->rx++;
		r = http_parse_feed(c, c->in.p, (size_t)n);
		switch (r) {
		case HTTP_FEED_OK:
			break;
		case HTTP_FEED_CLOSE:
			http_conn_reopen(c);
			return;
		case HTTP_FEED_ERROR:
			fprintf(stderr, "moonbench: http: motor %u: the "
			    "response is not valid HTTP (%s); counted as "
			    "http-parse-error, connection closed\n", a->motor,
			    http_errno_description(
			    HTTP_PARSER_ERRNO(&c->parser)));
			http_conn_fail_ring(c, a->c_parse, a->c_lost);
			http_conn_lost(c, a->c_parse, "not HTTP", 0);
			return;
		case HTTP_FEED_STRAY:
			if (!a->shown_stray) {
				a->shown_stray = 1;
				fprintf(stderr, "moonbench: http: motor %u: "
				    "the server sent bytes with no request "
				    "waiting (a wrong Content-Length?); "
				    "connection closed (shown once)\n",
				    a->motor);
			}
			http_conn_reopen(c);
			return;
		}
		if ((size_t)n < c->in.cap)
			return;		/* drained, most likely */
	}
}

/* Every quarter of read_timeout: a connection with responses due that
 * got no byte for read_timeout fails its ops (read-timeout). */
void
http_conn_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_action	*a = arg;
	struct http_conn	*c;
	char			 t[32], why[64];
	uint32_t		 i;

	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		if (c->state != HTTP_UP || c->head == c->tail ||
		    c->rx != c->rx_seen) {
			c->rx_seen = c->rx;
			c->stalled_ns = 0;
			continue;
		}
		c->stalled_ns += a->sweep_ns;
		if (c->stalled_ns < a->s->read_timeout_ns)
			continue;
		mb_param_format_duration(a->s->read_timeout_ns, t, sizeof t);
		snprintf(why, sizeof why, "no response within %s", t);
		http_conn_fail_ring(c, a->c_rtimeout, a->c_rtimeout);
		http_conn_lost(c, a->c_rtimeout, why, 0);
	}
}

void
http_conn_close_all(struct http_action *a)
{
	struct http_conn	*c;
	uint32_t		 i;

	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		http_conn_close(c);
		evtimer_del(&c->retry_ev);
		evtimer_del(&c->ctimer_ev);
		free(c->ring);
		free(c->heads);
		free(c->cause);
		free(c->in.p);
		free(c->out.p);
	}
}

/* Connect every connection before the start barrier, all at once: a
 * server that is down fails the open, clearly. */
int
http_conn_open_all(struct http_action *a, char **cause)
{
	struct http_conn	*c;
	struct pollfd		*pfd;
	uint64_t		 deadline, now;
	socklen_t		 len;
	uint32_t		 i, n;
	int			 err, rc = 0;

	pfd = xcalloc(a->nconns, sizeof *pfd);
	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		http_buf_reserve(&c->in, HTTP_READ_SIZE);
		c->state = HTTP_CONNECTING;
		pfd[i].fd = -1;
		switch (http_conn_socket(c)) {
		case 0:
			http_conn_up(c);
			break;
		case 1:
			pfd[i].fd = c->fd;
			pfd[i].events = POLLOUT;
			break;
		default:
			err = errno;
			http_conn_lost(c, http_conn_errclass(a, err),
			    strerror(err), 1);
			break;
		}
	}
	deadline = mb_clock_ns() + a->s->connect_timeout_ns;
	for (;;) {
		for (i = 0, n = 0; i < a->nconns; i++)
			n += pfd[i].fd != -1;
		if (n == 0 || (now = mb_clock_ns()) >= deadline)
			break;
		if (poll(pfd, a->nconns, (int)((deadline - now) / 1000000 +
		    1)) == -1 && errno != EINTR)
			break;
		for (i = 0; i < a->nconns; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			c = &a->conns[i];
			pfd[i].fd = -1;
			err = 0;
			len = sizeof err;
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) != 0)
				err = errno;
			if (err == 0)
				http_conn_up(c);
			else
				http_conn_lost(c, http_conn_errclass(a, err),
				    strerror(err), 1);
		}
	}
	free(pfd);
	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		if (c->state == HTTP_CONNECTING)
			http_conn_lost(c, a->c_ctimeout, "no answer in time",
			    1);
		if (c->state != HTTP_UP && rc == 0) {
			*cause = xfmt("cannot connect to %s:%d: %s", a->s->host,
			    a->s->port, c->cause);
			rc = -1;
		}
	}
	return (rc);
}
