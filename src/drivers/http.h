/*
 * The http driver's own header, shared by its three files:
 *   http.c        the driver: params, url=, requests (format, send,
 *                 cancel), open, on_result's table
 *   http_conn.c   connections: connect, write, read, timeouts, reconnect
 *   http_parse.c  responses through http_parser, captured for on_result
 *                 (no event loop, no Lua: tests/fuzz/fuzz_http.c feeds it)
 */
#ifndef MB_DRIVERS_HTTP_H
#define MB_DRIVERS_HTTP_H

#include <stdint.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/event_struct.h>	/* events embedded in connections */
#include <http_parser.h>
#include <lua.h>

#include "op.h"
#include "drivers/opqueue.h"

#define HTTP_STATUS_MAX		1000	/* status codes are 3 digits */

enum http_state {
	HTTP_DOWN,		/* waiting for its reconnect timer */
	HTTP_CONNECTING,	/* connect() in progress */
	HTTP_UP,		/* takes requests */
};

struct http_shared {
	char			*host;		/* as url= names it */
	char			*hosthdr;	/* "Host: h[:port]\r\n" */
	size_t			 hosthdrlen;
	char			*base;		/* url='s path, no trailing / */
	size_t			 baselen;
	char			*path;		/* without a workload: GET this */
	int			 port;
	struct sockaddr_storage	 addr;		/* resolved once, by init */
	socklen_t		 addrlen;
	uint32_t		 connections;
	uint32_t		 pipeline;
	uint64_t		 connect_timeout_ns;
	uint64_t		 read_timeout_ns;
	uint64_t		 backoff_min_ns;
	uint64_t		 backoff_max_ns;
};

struct http_action;
struct http_conn;

/* Buffers that grow to the largest need, then never (no steady-state
 * allocation). */
struct http_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

/* Where the parser hands each final response (status 0: no op waited). */
typedef void	(*http_done_fn)(struct http_conn *, struct mb_op *, int);

struct http_conn {
	struct http_action	*action;
	unsigned		 index;
	int			 fd;		/* -1 while down */
	enum http_state		 state;
	int			 closing;	/* the server said close */
	int			 dirty;		/* on the action's flush list */
	struct http_conn	*flush_next;
	struct event		 rev;
	struct event		 wev;		/* connect, or a full socket */
	struct event		 retry_ev;	/* reconnect after a backoff */
	struct event		 ctimer_ev;	/* connect_timeout */
	uint64_t		 backoff_ns;
	int			 fail_class;	/* why the last try failed */
	char			*cause;		/* and in words */
	uint64_t		 rx;		/* reads that brought bytes */
	uint64_t		 rx_seen;	/* rx at the last sweep */
	uint64_t		 stalled_ns;	/* no byte for this long */
	struct http_buf		 out;		/* requests not yet written */
	size_t			 out_off;	/* written so far */
	struct http_buf		 in;		/* one read's bytes */
	/* The response being read. */
	http_parser		 parser;
	http_done_fn		 done;
	int			 in_msg;	/* a response has begun */
	int			 hdr_value;	/* last header cb was a value */
	int			 in_body;	/* headers done: trailers next */
	/* Ops in the order their responses will come; NULL once
	 * cancelled. */
	struct mb_op		**ring;
	uint8_t			*heads;		/* per entry: a HEAD was sent,
						   kept after a cancel */
	uint64_t		 mask;
	uint64_t		 head;
	uint64_t		 tail;
};

struct http_action {
	struct http_shared	*s;
	struct event_base	*base;
	unsigned		 motor;
	struct http_conn	*conns;
	uint32_t		 nconns;
	uint32_t		 cur;		/* where picking starts */
	uint32_t		 nup;
	uint64_t		 live;		/* ops sent or held, to complete */
	uint64_t		 down_ns;	/* when nup fell to 0, or 0 */
	struct mb_opqueue	 held;		/* ops waiting for a conn. */
	struct http_conn	*flush;
	struct event		*flush_ev;
	struct event		*sweep_ev;	/* read_timeout */
	uint64_t		 sweep_ns;
	int			 c_parse;	/* errclass ids */
	int			 c_lost;
	int			 c_refused;
	int			 c_ctimeout;
	int			 c_rtimeout;
	int			 c_conn_error;
	int			 c_status[HTTP_STATUS_MAX]; /* 0: not yet */
	int			 shown_stray;
};

/* One captured header: offsets into the op's buffer. */
struct http_hdr {
	uint32_t	 name;
	uint32_t	 namelen;
	uint32_t	 value;
	uint32_t	 valuelen;
};

struct http_op {
	struct http_action	*action;
	struct http_conn	*conn;		/* sent on it, or NULL */
	uint64_t		 seq;		/* its place in conn's ring */
	int			 held;		/* on the action's held list */
	int			 head;		/* a HEAD: no body comes */
	/* The response, captured only when the op has on_result. */
	int			 capture;
	int			 status;
	struct http_buf		 buf;		/* header bytes, then body */
	struct http_hdr		*hdrs;
	uint32_t		 nhdrs;
	uint32_t		 hdrcap;
	size_t			 body;		/* body's offset in buf */
};

/* http.c */
void	 http_complete(struct mb_op *, int);
void	 http_send(struct http_conn *, struct mb_op *);
int	 http_status_class(struct http_action *, int);

/* http_conn.c */
void	 http_conn_init(struct http_action *, struct http_conn *, unsigned,
	     uint64_t);
int	 http_conn_open_all(struct http_action *, char **);
void	 http_conn_close_all(struct http_action *);
struct http_conn *http_conn_pick(struct http_action *);
void	 http_conn_flush_cb(evutil_socket_t, short, void *);
void	 http_conn_sweep_cb(evutil_socket_t, short, void *);
void	 http_conn_dirty(struct http_conn *);
void	 http_conn_dispatch(struct http_action *);

/* http_parse.c */
enum http_feed {
	HTTP_FEED_OK,		/* all taken; more may come */
	HTTP_FEED_CLOSE,	/* a response said close: stop reading */
	HTTP_FEED_ERROR,	/* not HTTP: the head op failed */
	HTTP_FEED_STRAY,	/* bytes with no request waiting */
};
void	 http_parse_reset(struct http_conn *);
enum http_feed http_parse_feed(struct http_conn *, const char *, size_t);
enum http_feed http_parse_eof(struct http_conn *);
void	 http_buf_reserve(struct http_buf *, size_t);
void	 http_buf_add(struct http_buf *, const void *, size_t);
void	 http_op_reset(struct http_op *);
void	 http_op_free(struct http_op *);
void	 http_parse_push(struct http_op *, lua_State *);

#endif
