/*
 * The redis driver's own header, shared by its three files:
 *   redis.c        the driver: params, ops (format, send, cancel), open
 *   redis_conn.c   connections: event loop glue, connect, reconnect
 *   redis_reply.c  reply objects made by hiredis's reader, and to Lua
 */
#ifndef MB_DRIVERS_REDIS_H
#define MB_DRIVERS_REDIS_H

#include <stdint.h>

#include <event2/event.h>
#include <event2/event_struct.h>	/* events embedded in connections */
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <lua.h>

#include "op.h"
#include "drivers/opqueue.h"

enum redis_state {
	REDIS_DOWN,		/* waiting for its reconnect timer */
	REDIS_CONNECTING,	/* connect, AUTH, SELECT in progress */
	REDIS_UP,		/* takes ops */
};

struct redis_shared {
	char		*host;
	int		 port;
	char		*password;	/* NULL: no AUTH */
	uint64_t	 db;		/* 0: no SELECT */
	uint32_t	 connections;
	uint64_t	 connect_timeout_ns;
	uint64_t	 backoff_min_ns;
	uint64_t	 backoff_max_ns;
};

struct redis_action;

struct redis_conn {
	struct redis_action	*action;
	unsigned		 index;
	redisAsyncContext	*ac;		/* NULL while down */
	enum redis_state	 state;
	int			 handshake;	/* AUTH/SELECT replies due */
	int			 in_write;	/* in redisAsyncHandleWrite */
	int			 dirty;		/* on the action's flush list */
	struct redis_conn	*flush_next;
	struct event		 rev;		/* the socket, for hiredis */
	struct event		 wev;
	struct event		 retry_ev;	/* reconnect after a backoff */
	struct event		 ctimer_ev;	/* connect_timeout */
	uint64_t		 backoff_ns;	/* the next attempt's delay */
	int			 fail_class;	/* why the last try failed */
	char			*cause;		/* and in words */
	/* Ops in the order their replies will come; NULL once cancelled. */
	struct mb_op		**ring;
	uint64_t		 mask;		/* ring size - 1 */
	uint64_t		 head;		/* next reply's sequence */
	uint64_t		 tail;		/* next op's sequence */
};

struct redis_action {
	struct redis_shared	*s;
	struct event_base	*base;
	unsigned		 motor;
	struct redis_conn	*conns;
	uint32_t		 nconns;
	uint32_t		 cur;		/* where picking starts */
	uint32_t		 nops;		/* op contexts, for the depth */
	uint32_t		 nup;		/* connections up */
	int			 opening;	/* inside open() */
	uint64_t		 down_ns;	/* when nup fell to 0, or 0 */
	struct mb_opqueue	 held;		/* ops waiting for a conn. */
	struct redis_conn	*flush;		/* connections with commands */
	struct event		*flush_ev;
	char			*fmt;		/* a command in RESP */
	size_t			 fmtcap;
	int			 c_error;	/* errclass ids */
	int			 c_lost;
	int			 c_refused;
	int			 c_ctimeout;
	int			 c_conn_error;
	int			 c_unsupported;
	int			 shown_error;	/* an error reply was shown */
	int			 shown_unsupported;
	lua_State		*L;		/* where int_ref lives */
	int			 int_ref;	/* makes an int64 cdata */
};

/*
 * Reply objects, made by our reader functions: a reply nobody reads (no
 * on_result, a cancelled op) is a static stand-in, one a callback reads is
 * built into its op's private area when it is a scalar, and an array is
 * allocated, kept by its op until the op is sent again.
 */
#define REDIS_OBJ_STATIC	0x1	/* a shared stand-in, content dropped */
#define REDIS_OBJ_EMBED		0x2	/* an op's own */
#define REDIS_OBJ_KEPT		0x4	/* an op's till resent, not hiredis' */

struct redis_obj {
	redisReply	 r;		/* first: hiredis reads r.type */
	unsigned	 flags;
};

struct redis_op {
	struct redis_conn	*conn;		/* sent on it, or NULL */
	uint64_t		 seq;		/* its place in conn's ring */
	int			 held;		/* on the action's held list */
	redisReply		*reply;		/* for on_result, till resent */
	struct redis_obj	 obj;		/* a scalar reply, in place */
	char			*buf;		/* its text */
	size_t			 cap;
};

/* redis.c */
void	 redis_complete(struct mb_op *, int);
void	 redis_send(struct redis_conn *, struct mb_op *);

/* redis_conn.c */
void	 redis_conn_init(struct redis_action *, struct redis_conn *,
	     unsigned, uint64_t);
int	 redis_conn_open_all(struct redis_action *, char **);
void	 redis_conn_close_all(struct redis_action *);
struct redis_conn *redis_conn_pick(struct redis_action *);
void	 redis_conn_flush_cb(evutil_socket_t, short, void *);

/* redis_reply.c */
extern redisReplyObjectFunctions redis_reply_fns;
void	 redis_reply_release(struct redis_op *);
void	 redis_reply_push(struct redis_action *, lua_State *,
	     const redisReply *);

#endif
