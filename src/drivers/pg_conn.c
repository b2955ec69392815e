/*
 * The pg driver's connections. Each is a libpq connection in nonblocking
 * pipeline mode whose socket the motor's event_base watches: readable ->
 * PQconsumeInput and every complete result; writable -> PQflush, while
 * libpq holds output. A connection goes UP -> DOWN (reconnect timer) ->
 * CONNECTING (PQconnectPoll) -> UP; open() connects them all, blocking,
 * before the start barrier, so a server that is down fails the run at once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "driver.h"
#include "xmalloc.h"

#include "drivers/backoff.h"
#include "drivers/pg.h"

static void	pg_conn_start(struct pg_conn *);
static void	pg_conn_retry_cb(evutil_socket_t, short, void *);
static void	pg_conn_timeout_cb(evutil_socket_t, short, void *);
static void	pg_conn_poll_cb(evutil_socket_t, short, void *);

void
pg_conn_init(struct pg_action *a, struct pg_conn *c, unsigned index)
{
	uint32_t	size;

	c->action = a;
	c->index = index;
	c->backoff_ns = a->s->backoff_min_ns;
	for (size = 1; size < a->depth; size *= 2)
		continue;
	c->ring = xcalloc(size, sizeof *c->ring);
	c->mask = size - 1;
	evtimer_assign(&c->retry_ev, a->base, pg_conn_retry_cb, c);
	evtimer_assign(&c->ctimer_ev, a->base, pg_conn_timeout_cb, c);
	event_assign(&c->cev, a->base, -1, 0, pg_conn_poll_cb, c);
}

/* libpq's message on one line: "...failed: Connection refused". */
char *
pg_conn_message(const char *msg)
{
	char	*s, *p;
	size_t	 len;

	if (msg == NULL || *msg == '\0')
		return (xstrdup("unknown error"));
	s = xmalloc(strlen(msg) + 1);
	for (p = s; *msg != '\0'; msg++) {
		if (*msg == '\n' || *msg == '\t' || *msg == ' ') {
			if (p > s && p[-1] != ' ')
				*p++ = ' ';
		} else
			*p++ = *msg;
	}
	*p = '\0';
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
	return (s);
}

static int
pg_conn_fail_class(struct pg_action *a, const char *msg)
{
	/* Refused by the system, or by a server starting or stopping. */
	if (msg != NULL && (strstr(msg, "Connection refused") != NULL ||
	    strstr(msg, "the database system is") != NULL))
		return (a->c_refused);
	return (a->c_conn_error);
}

/* ---- an established connection ---- */

/* Results that are complete: each sent op's in order. */
static void
pg_conn_drain(struct pg_conn *c)
{
	struct pg_action	*a = c->action;
	struct pg_slot		*slot;
	PGresult		*res;
	ExecStatusType		 st;

	while (c->pc != NULL && c->head != c->tail && !PQisBusy(c->pc)) {
		slot = &c->ring[c->head & c->mask];
		res = PQgetResult(c->pc);
		st = res != NULL ? PQresultStatus(res) : PGRES_EMPTY_QUERY;
		switch (slot->phase) {
		case PG_PH_PREP:
		case PG_PH_EXEC:
			if (res == NULL || st == PGRES_PIPELINE_SYNC)
				goto confused;
			if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
				if (slot->phase == PG_PH_EXEC)
					slot->res = res;
				else
					PQclear(res);
			} else {
				if (slot->status == 0)
					pg_slot_fail(c, slot, res);
				PQclear(res);
			}
			slot->phase++;
			break;
		case PG_PH_PREP_END:
		case PG_PH_EXEC_END:
			if (res != NULL)
				goto confused;
			slot->phase++;
			break;
		case PG_PH_SYNC:
			if (res == NULL || st != PGRES_PIPELINE_SYNC)
				goto confused;
			PQclear(res);
			c->head++;
			pg_finish(c, slot);
			break;
		}
	}
	if (c->pc != NULL && PQstatus(c->pc) == CONNECTION_BAD)
		pg_conn_lost(c, a->c_lost, PQerrorMessage(c->pc));
	return;
confused:
	if (res != NULL)
		PQclear(res);
	/* A dropped connection ends a pipeline early; anything else would
	 * be a libpq we do not know: the connection starts over. */
	pg_conn_lost(c, a->c_lost, PQstatus(c->pc) == CONNECTION_BAD ?
	    PQerrorMessage(c->pc) : "results out of order");
}

static void
pg_conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pg_conn	*c = arg;

	if (!PQconsumeInput(c->pc)) {
		pg_conn_lost(c, c->action->c_lost, PQerrorMessage(c->pc));
		return;
	}
	pg_conn_drain(c);
	if (c->pc != NULL && !mb_opqueue_empty(&c->action->held))
		pg_conn_feed(c->action);
}

/* Push what libpq holds; wait for the socket when it cannot take it. */
void
pg_conn_flush(struct pg_conn *c)
{
	switch (PQflush(c->pc)) {
	case 0:
		if (event_pending(&c->wev, EV_WRITE, NULL))
			event_del(&c->wev);
		break;
	case 1:
		if (!event_pending(&c->wev, EV_WRITE, NULL))
			event_add(&c->wev, NULL);
		break;
	default:
		pg_conn_lost(c, c->action->c_lost, PQerrorMessage(c->pc));
		break;
	}
}

static void
pg_conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	pg_conn_flush(arg);
}

/* NOTICEs (DROP TABLE IF EXISTS ...) would interleave with the progress
 * lines, once per connection: dropped. */
static void
pg_conn_notice(void *arg, const char *msg)
{
}

/* The connection takes ops: nonblocking, in pipeline mode, watched. */
static int
pg_conn_ready(struct pg_conn *c)
{
	struct pg_action	*a = c->action;
	int			 fd = PQsocket(c->pc);

	PQsetNoticeProcessor(c->pc, pg_conn_notice, NULL);
	if (PQsetnonblocking(c->pc, 1) != 0 ||
	    PQenterPipelineMode(c->pc) != 1 || fd < 0)
		return (-1);
	event_assign(&c->rev, a->base, fd, EV_READ | EV_PERSIST,
	    pg_conn_read_cb, c);
	event_assign(&c->wev, a->base, fd, EV_WRITE | EV_PERSIST,
	    pg_conn_write_cb, c);
	c->ev_set = 1;
	event_add(&c->rev, NULL);
	/* A new session: nothing is prepared on it. */
	if (c->nprepared > 0)
		memset(c->prepared, 0, c->nprepared);
	c->head = c->tail = 0;
	c->live = 0;
	c->state = PG_UP;
	c->backoff_ns = a->s->backoff_min_ns;
	a->nup++;
	return (0);
}

/* Ops held while nothing was up go out as connections take them. */
void
pg_conn_feed(struct pg_action *a)
{
	struct pg_conn	*c;
	struct mb_op	*op;

	while (!mb_opqueue_empty(&a->held) &&
	    (c = pg_conn_pick(a)) != NULL) {
		op = mb_opqueue_pop(&a->held);
		((struct pg_op *)mb_op_priv(op))->held = 0;
		pg_send(c, op);
	}
}

/* An up connection with room, or NULL. */
struct pg_conn *
pg_conn_pick(struct pg_action *a)
{
	struct pg_conn	*c;
	uint32_t	 i, k;

	if (a->nup == 0)
		return (NULL);
	for (i = 0, k = a->cur; i < a->nconns; i++) {
		c = &a->conns[k];
		if (c->state == PG_UP && c->tail - c->head < a->depth) {
			a->cur = k;
			return (c);
		}
		if (++k == a->nconns)
			k = 0;
	}
	return (NULL);
}

static void
pg_conn_fail_held(struct pg_action *a, int status)
{
	struct mb_op	*op, *next;

	op = mb_opqueue_take(&a->held);
	for (; op != NULL; op = next) {
		next = op->next;
		((struct pg_op *)mb_op_priv(op))->held = 0;
		mb_op_complete(op, status);
	}
}

/* Drop the connection; its ops in flight fail with class. */
static int
pg_conn_drop(struct pg_conn *c, int class)
{
	struct pg_action	*a = c->action;
	struct pg_slot		*slot;
	int			 was_up = c->state == PG_UP;

	if (was_up)
		a->nup--;
	if (c->ev_set) {
		event_del(&c->rev);
		event_del(&c->wev);
		c->ev_set = 0;
	}
	event_del(&c->cev);
	evtimer_del(&c->ctimer_ev);
	if (c->pc != NULL) {
		PQfinish(c->pc);
		c->pc = NULL;
	}
	c->state = PG_DOWN;
	while (c->head != c->tail) {
		slot = &c->ring[c->head++ & c->mask];
		if (slot->status == 0)
			slot->status = class;
		slot->fatal = 0;
		pg_finish(c, slot);
	}
	c->head = c->tail = 0;
	return (was_up);
}

/* The connection failed or ended: fail its ops, try again later. */
void
pg_conn_lost(struct pg_conn *c, int class, const char *why)
{
	struct pg_action	*a = c->action;
	struct timeval		 tv;
	uint64_t		 delay;
	char			*msg;

	msg = pg_conn_message(why);
	delay = mb_backoff_next(&c->backoff_ns, a->s->backoff_min_ns,
	    a->s->backoff_max_ns, pg_conn_drop(c, class));
	if (!a->opening) {
		tv = mb_clock_timeval(delay);
		evtimer_add(&c->retry_ev, &tv);
		if (a->nup == 0) {
			if (a->down_ns == 0) {
				a->down_ns = mb_clock_ns();
				fprintf(stderr, "moonbench: pg: motor %u: no "
				    "connection to the server (%s); "
				    "reconnecting\n", a->motor, msg);
			}
			pg_conn_fail_held(a, class);
		}
	}
	free(msg);
}

/* Its ops were all cancelled, but their statements run on: a fresh
 * connection is the way to have it free again (libpq 15 has no
 * nonblocking cancel). */
void
pg_conn_reset(struct pg_conn *c)
{
	pg_conn_drop(c, c->action->c_lost);
	pg_conn_start(c);
}

/* ---- connecting (after open: nonblocking) ---- */

static void
pg_conn_connected(struct pg_conn *c)
{
	struct pg_action	*a = c->action;

	event_del(&c->cev);
	evtimer_del(&c->ctimer_ev);
	if (pg_conn_ready(c) != 0) {
		pg_conn_lost(c, a->c_conn_error, PQerrorMessage(c->pc));
		return;
	}
	if (a->down_ns != 0) {
		fprintf(stderr, "moonbench: pg: motor %u: connected again "
		    "after %.1f s\n", a->motor,
		    (double)(mb_clock_ns() - a->down_ns) / 1e9);
		a->down_ns = 0;
	}
	pg_conn_feed(a);
}

static void
pg_conn_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pg_conn		*c = arg;
	struct pg_action	*a = c->action;
	short			 ev;

	c->poll = PQconnectPoll(c->pc);
	switch (c->poll) {
	case PGRES_POLLING_OK:
		pg_conn_connected(c);
		return;
	case PGRES_POLLING_FAILED:
		pg_conn_lost(c, pg_conn_fail_class(a, PQerrorMessage(c->pc)),
		    PQerrorMessage(c->pc));
		return;
	default:
		break;
	}
	/* The socket may change between attempts (several addresses). */
	ev = c->poll == PGRES_POLLING_READING ? EV_READ : EV_WRITE;
	event_del(&c->cev);
	event_assign(&c->cev, a->base, PQsocket(c->pc), ev, pg_conn_poll_cb,
	    c);
	event_add(&c->cev, NULL);
}

static void
pg_conn_start(struct pg_conn *c)
{
	struct pg_action	*a = c->action;
	struct timeval		 tv;

	c->state = PG_CONNECTING;
	c->pc = PQconnectStartParams(a->s->keys, a->s->vals, 1);
	if (c->pc == NULL) {
		pg_conn_lost(c, a->c_conn_error, "out of memory");
		return;
	}
	if (PQstatus(c->pc) == CONNECTION_BAD) {
		pg_conn_lost(c, pg_conn_fail_class(a, PQerrorMessage(c->pc)),
		    PQerrorMessage(c->pc));
		return;
	}
	tv = mb_clock_timeval(a->s->connect_timeout_ns);
	evtimer_add(&c->ctimer_ev, &tv);
	/* libpq's sequence begins as if PQconnectPoll said WRITING. */
	c->poll = PGRES_POLLING_WRITING;
	event_assign(&c->cev, a->base, PQsocket(c->pc), EV_WRITE,
	    pg_conn_poll_cb, c);
	event_add(&c->cev, NULL);
}

static void
pg_conn_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pg_conn	*c = arg;
	char		 t[32], why[64];

	if (c->state != PG_CONNECTING)
		return;
	mb_param_format_duration(c->action->s->connect_timeout_ns, t,
	    sizeof t);
	snprintf(why, sizeof why, "no answer within %s", t);
	pg_conn_lost(c, c->action->c_ctimeout, why);
}

static void
pg_conn_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	pg_conn_start(arg);
}

/* ---- open and close ---- */

/* Connect every connection before the start barrier. libpq blocks, and
 * honours connect_timeout itself. */
int
pg_conn_open_all(struct pg_action *a, char **cause)
{
	struct pg_conn	*c;
	char		*msg;
	uint32_t	 i;

	a->opening = 1;
	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		c->pc = PQconnectdbParams(a->s->keys, a->s->vals, 1);
		if (c->pc == NULL || PQstatus(c->pc) != CONNECTION_OK) {
			msg = pg_conn_message(c->pc != NULL ?
			    PQerrorMessage(c->pc) : "out of memory");
			*cause = xfmt("cannot connect to PostgreSQL: %s", msg);
			free(msg);
			goto fail;
		}
		if (pg_conn_ready(c) != 0) {
			msg = pg_conn_message(PQerrorMessage(c->pc));
			*cause = xfmt("cannot use a PostgreSQL connection "
			    "(nonblocking, pipeline mode): %s", msg);
			free(msg);
			goto fail;
		}
	}
	a->opening = 0;
	return (0);
fail:
	a->opening = 0;
	pg_conn_close_all(a);
	return (-1);
}

void
pg_conn_close_all(struct pg_action *a)
{
	struct pg_conn	*c;
	uint32_t	 i;

	for (i = 0; i < a->nconns; i++) {
		c = &a->conns[i];
		a->opening = 1;		/* no reconnect, no message */
		pg_conn_drop(c, a->c_lost);
		a->opening = 0;
		evtimer_del(&c->retry_ev);
		free(c->ring);
		c->ring = NULL;
		free(c->prepared);
		c->prepared = NULL;
	}
	a->nconns = 0;
}
