/*
 * The pg driver's own header, shared by its two files:
 *   pg.c        the driver: params, statements, ops, results to Lua
 *   pg_conn.c   connections: connect, reconnect, send, read results
 */
#ifndef MB_DRIVERS_PG_H
#define MB_DRIVERS_PG_H

#include <stdint.h>

#include <event2/event.h>
#include <event2/event_struct.h>	/* events embedded in connections */
#include <libpq-fe.h>
#include <lua.h>

#include "op.h"
#include "drivers/opqueue.h"

#define PG_CONNECTIONS_MAX	1024
#define PG_PIPELINE_MAX		1024

struct pg_shared {
	const char	**keys;		/* libpq's keywords and values, */
	const char	**vals;		/*   NULL-terminated */
	uint32_t	  connections;	/* 0: one per op in flight */
	uint32_t	  pipeline;	/* ops in flight per connection */
	uint64_t	  connect_timeout_ns;
	uint64_t	  backoff_min_ns;
	uint64_t	  backoff_max_ns;
};

enum pg_state {
	PG_DOWN,		/* waiting for its reconnect timer */
	PG_CONNECTING,		/* PQconnectPoll in progress */
	PG_UP,			/* takes ops */
};

/* Where a sent op's results are: a Parse first (at a statement's first
 * use on the connection), then its Bind/Execute, then the Sync. */
enum pg_phase {
	PG_PH_PREP,		/* the Parse's result */
	PG_PH_PREP_END,		/* the NULL after it */
	PG_PH_EXEC,		/* the statement's result */
	PG_PH_EXEC_END,		/* the NULL after it */
	PG_PH_SYNC,		/* PGRES_PIPELINE_SYNC */
};

struct pg_slot {
	struct mb_op	*op;		/* NULL once cancelled */
	enum pg_phase	 phase;
	size_t		 stmt;		/* its statement's index */
	int		 status;	/* an errclass id once it failed */
	int		 fatal;		/* it can never run: stop */
	char		*cause;		/* why, for a fatal one */
	PGresult	*res;		/* the statement's result */
};

struct pg_action;

struct pg_conn {
	struct pg_action	*action;
	unsigned		 index;
	PGconn			*pc;		/* NULL while down */
	enum pg_state		 state;
	PostgresPollingStatusType poll;		/* while connecting */
	struct event		 rev;		/* the socket, once up */
	struct event		 wev;		/* while libpq has output */
	struct event		 cev;		/* the socket, while connecting */
	struct event		 retry_ev;	/* reconnect after a backoff */
	struct event		 ctimer_ev;	/* connect_timeout */
	int			 ev_set;	/* rev and wev assigned */
	uint64_t		 backoff_ns;	/* the next attempt's delay */
	unsigned char		*prepared;	/* by statement index */
	size_t			 nprepared;
	uint32_t		 live;		/* slots with an op */
	/* Sent ops in the order their results come. */
	struct pg_slot		*ring;
	uint32_t		 mask;
	uint32_t		 head;
	uint32_t		 tail;
};

struct pg_action {
	struct pg_shared	*s;
	struct event_base	*base;
	unsigned		 motor;
	struct pg_conn		*conns;
	uint32_t		 nconns;
	uint32_t		 depth;		/* pipeline */
	uint32_t		 cur;		/* where picking starts */
	uint32_t		 nup;		/* connections up */
	int			 opening;	/* inside open() */
	uint64_t		 down_ns;	/* when nup fell to 0, or 0 */
	struct mb_opqueue	 held;		/* ops waiting for a conn. */
	char			*scratch;	/* parameter values, NUL ended */
	size_t			 scratchcap;
	const char		**values;
	uint32_t		 nvalues;
	int			 c_lost;	/* errclass ids */
	int			 c_refused;
	int			 c_ctimeout;
	int			 c_conn_error;
	int			 c_error;	/* no SQLSTATE */
	struct {
		char		 code[6];
		int		 id;
	}			 states[32];	/* SQLSTATE -> class id */
	unsigned		 nstates;
	unsigned char		*shown;		/* per op: a message shown */
	size_t			 nshown;
	lua_State		*L;		/* where int_ref lives */
	int			 int_ref;	/* makes an int64 cdata */
};

struct pg_op {
	struct pg_conn		*conn;		/* sent on it, or NULL */
	uint32_t		 seq;		/* its slot in conn's ring */
	int			 held;		/* on the action's held list */
	PGresult		*res;		/* for on_result, till resent */
};

/* pg.c */
int	 pg_send(struct pg_conn *, struct mb_op *);
void	 pg_finish(struct pg_conn *, struct pg_slot *);
void	 pg_slot_fail(struct pg_conn *, struct pg_slot *, const PGresult *);

/* pg_conn.c */
void	 pg_conn_init(struct pg_action *, struct pg_conn *, unsigned);
int	 pg_conn_open_all(struct pg_action *, char **);
void	 pg_conn_close_all(struct pg_action *);
struct pg_conn *pg_conn_pick(struct pg_action *);
void	 pg_conn_reset(struct pg_conn *);
void	 pg_conn_feed(struct pg_action *);
void	 pg_conn_flush(struct pg_conn *);
void	 pg_conn_lost(struct pg_conn *, int, const char *);
char	*pg_conn_message(const char *);

#endif
