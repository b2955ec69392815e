/*
 * The pg driver: PostgreSQL through libpq's async API on the motor's
 * event_base. An op is an argument list like sqlite's: the SQL (the same
 * every cycle, with $1, $2 ...), then the parameter values, sent as text
 * (PostgreSQL infers their types from the statement). Each statement is
 * prepared on a connection at its first use there (so a table made by a
 * schema step is seen), then each op is Bind/Execute and one Sync.
 *
 * Connections run in libpq's pipeline mode, always: with pipeline=1 (the
 * default) a connection has one op in flight and the wire carries what
 * PQsendQueryPrepared would send; pipeline=N lets N ops share it. Each
 * motor opens `connections` connections (default: enough for its share of
 * async=). Results come in order per connection, so each keeps a ring of
 * its sent ops; cancel() clears an op's slot (its result is dropped) and
 * a connection left with only cancelled statements is replaced.
 *
 * A failed statement's class is its SQLSTATE ("pg-23505"); a lost
 * connection fails its ops as connection-lost and is reconnected with a
 * backoff, ops waiting meanwhile as in the redis driver.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "driver.h"
#include "errclass.h"
#include "workload.h"
#include "xmalloc.h"

#include "drivers/backoff.h"
#include "drivers/pg.h"

/* Integers beyond this are not exact as doubles: int64 cdata instead. */
#define PG_EXACT		9007199254740992LL	/* 2^53 */

/* Type OIDs decoded for on_result (server/catalog/pg_type.h). */
#define PG_BOOLOID		16
#define PG_INT8OID		20
#define PG_INT2OID		21
#define PG_INT4OID		23
#define PG_OIDOID		26
#define PG_FLOAT4OID		700
#define PG_FLOAT8OID		701

static const struct mb_param_spec pg_params[] = {
	{ "host", MB_PARAM_STRING, NULL,
	  "the server's name, address or socket directory (default: libpq's, "
	  "PGHOST or the local socket)", 0, 0, NULL },
	{ "port", MB_PARAM_STRING, NULL,
	  "the server's port (default: libpq's, PGPORT or 5432)", 0, 0,
	  NULL },
	{ "dbname", MB_PARAM_STRING, NULL,
	  "the database (default: libpq's, PGDATABASE or the user name)", 0,
	  0, NULL },
	{ "user", MB_PARAM_STRING, NULL,
	  "the role to connect as (default: libpq's, PGUSER or the login "
	  "name)", 0, 0, NULL },
	{ "password", MB_PARAM_STRING, NULL,
	  "the password, if the server asks (default: libpq's, PGPASSWORD "
	  "or ~/.pgpass)", 0, 0, NULL },
	{ "conninfo", MB_PARAM_STRING, NULL,
	  "a libpq connection string or URI ('host=db dbname=x' or "
	  "postgresql://...); host, port, dbname, user and password given "
	  "too override its values", 0, 0, NULL },
	{ "connections", MB_PARAM_COUNT, NULL,
	  "connections per motor (thread), at least its share of async= / "
	  "pipeline (the default: one per op in flight)", 1,
	  PG_CONNECTIONS_MAX, NULL },
	{ "pipeline", MB_PARAM_COUNT, "1",
	  "ops in flight per connection (libpq pipeline mode, one Sync per "
	  "op); 1: one at a time, as pgbench", 1, PG_PIPELINE_MAX, NULL },
	{ "connect_timeout", MB_PARAM_DURATION, "5s",
	  "how long a connection attempt may take", 0, 0, NULL },
	{ "reconnect", MB_PARAM_STRING, "100ms..2s",
	  "backoff between attempts after a connection is lost: MIN..MAX, "
	  "doubling from MIN (the first attempt is at once)", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

/* ---- params ---- */

static void
pg_fini(void *arg)
{
	struct pg_shared	*s = arg;
	size_t			 i;

	if (s == NULL)
		return;
	if (s->vals != NULL) {
		for (i = 0; s->keys[i] != NULL; i++)
			free((char *)s->vals[i]);
	}
	free(s->keys);
	free(s->vals);
	free(s);
}


static void
pg_key(struct pg_shared *s, size_t *n, const char *key, const char *val)
{
	s->keys[*n] = key;
	s->vals[*n] = xstrdup(val);
	(*n)++;
}

static void *
pg_init(const struct mb_params *params, char **cause)
{
	static const char *const	 names[] = {
		"host", "port", "dbname", "user", "password", NULL
	};
	struct pg_shared		*s;
	PQconninfoOption		*opts;
	const char			*v;
	const char *const		*k;
	char				*err = NULL, *m, secs[24];
	uint64_t			 n;
	size_t				 nkeys = 0;

	s = xcalloc(1, sizeof *s);
	s->keys = xcalloc(10, sizeof *s->keys);
	s->vals = xcalloc(10, sizeof *s->vals);
	if ((v = mb_params_get(params, "conninfo")) != NULL && *v != '\0') {
		if ((opts = PQconninfoParse(v, &err)) == NULL) {
			m = pg_conn_message(err);
			PQfreemem(err);
			*cause = xfmt("conninfo: %s", m);
			free(m);
			goto fail;
		}
		PQconninfoFree(opts);
		/* Expanded by libpq; the keys after it override it. */
		pg_key(s, &nkeys, "dbname", v);
	}
	/* Empty values are left to libpq's defaults (PGHOST ...). */
	for (k = names; *k != NULL; k++) {
		if ((v = mb_params_get(params, *k)) != NULL && *v != '\0')
			pg_key(s, &nkeys, *k, v);
	}
	if (mb_params_timeout(params, "connect_timeout", 5000000000ULL,
	    &s->connect_timeout_ns, cause) != 0)
		goto fail;
	/* libpq counts whole seconds, at least 2. */
	snprintf(secs, sizeof secs, "%llu", (unsigned long long)
	    ((s->connect_timeout_ns + 999999999ULL) / 1000000000ULL));
	pg_key(s, &nkeys, "connect_timeout", secs);
	pg_key(s, &nkeys, "fallback_application_name", "moonbench");
	if ((v = mb_params_get(params, "connections")) != NULL) {
		if (mb_param_count("connections", v, 1, PG_CONNECTIONS_MAX, &n,
		    cause) != 0)
			goto fail;
		s->connections = (uint32_t)n;
	}
	n = 1;
	if ((v = mb_params_get(params, "pipeline")) != NULL &&
	    mb_param_count("pipeline", v, 1, PG_PIPELINE_MAX, &n, cause) != 0)
		goto fail;
	s->pipeline = (uint32_t)n;
	v = mb_params_get(params, "reconnect");
	if (mb_backoff_parse(v != NULL ? v : "100ms..2s", &s->backoff_min_ns,
	    &s->backoff_max_ns, cause) != 0)
		goto fail;
	return (s);
fail:
	pg_fini(s);
	return (NULL);
}

/* ---- statements and ops ---- */

/* The op's SQL: its first argument (SELECT 1 without a workload). */
static const char *
pg_sql(const struct mb_op *op, size_t *len)
{
	if (op->def == NULL || op->argc == 0) {
		*len = 8;
		return ("SELECT 1");
	}
	*len = op->argv[0].len;
	return (op->argv[0].ptr);
}

/* SQL text for messages: at most 60 characters. */
static char *
pg_quote(const struct mb_op *op)
{
	const char	*sql;
	size_t		 len;

	sql = pg_sql(op, &len);
	if (len > 60)
		return (xfmt("%.57s...", sql));
	return (xstrndup(sql, len));
}

static char *
pg_scratch(struct pg_action *a, size_t need)
{
	if (need > a->scratchcap) {
		while (a->scratchcap < need)
			a->scratchcap = a->scratchcap == 0 ? 256 :
			    a->scratchcap * 2;
		a->scratch = xrealloc(a->scratch, a->scratchcap);
	}
	return (a->scratch);
}

/* Send op on c: Parse at the statement's first use here, Bind/Execute,
 * Sync. A failure drops the connection (the op fails with it). */
int
pg_send(struct pg_conn *c, struct mb_op *op)
{
	struct pg_action	*a = c->action;
	struct pg_op		*p = mb_op_priv(op);
	struct pg_slot		*slot;
	const char		*sql;
	char			 name[24], *buf;
	size_t			 stmt, len, need, i, nv;
	int			 ok = 1;

	stmt = op->def != NULL ? op->def->index + 1 : 0;
	if (stmt >= c->nprepared) {
		c->prepared = xrealloc(c->prepared, stmt + 1);
		memset(c->prepared + c->nprepared, 0,
		    stmt + 1 - c->nprepared);
		c->nprepared = stmt + 1;
	}
	snprintf(name, sizeof name, "mb%zu", stmt);
	slot = &c->ring[c->tail & c->mask];
	memset(slot, 0, sizeof *slot);
	slot->stmt = stmt;
	slot->phase = PG_PH_EXEC;
	if (!c->prepared[stmt]) {
		sql = pg_sql(op, &len);
		buf = pg_scratch(a, len + 1);
		memcpy(buf, sql, len);
		buf[len] = '\0';
		/* No types given: the server infers them from the SQL. */
		ok = PQsendPrepare(c->pc, name, buf, 0, NULL);
		c->prepared[stmt] = 1;
		slot->phase = PG_PH_PREP;
	}
	/* Values as C strings; libpq copies them into its buffer. */
	nv = op->argc > 1 ? op->argc - 1 : 0;
	if (nv > a->nvalues) {
		a->values = xreallocarray(a->values, nv, sizeof *a->values);
		a->nvalues = (uint32_t)nv;
	}
	for (i = 0, need = 0; i < nv; i++)
		need += op->argv[i + 1].len + 1;
	buf = pg_scratch(a, need);
	for (i = 0; i < nv; i++) {
		a->values[i] = buf;
		memcpy(buf, op->argv[i + 1].ptr, op->argv[i + 1].len);
		buf += op->argv[i + 1].len;
		*buf++ = '\0';
	}
	if (ok)
		ok = PQsendQueryPrepared(c->pc, name, (int)nv, a->values, NULL,
		    NULL, 0);
	if (ok)
		ok = PQpipelineSync(c->pc);
	slot->op = op;
	p->conn = c;
	p->seq = c->tail++;
	c->live++;
	if (!ok) {
		pg_conn_lost(c, a->c_lost, PQerrorMessage(c->pc));
		return (-1);
	}
	pg_conn_flush(c);
	return (0);
}

/* The class of a SQLSTATE: "pg-23505"; a connection's end is
 * connection-lost, whatever the server said as it went. */
static int
pg_state_class(struct pg_action *a, const char *code)
{
	char		 name[16];
	unsigned	 i;
	int		 id;

	if (code == NULL || strlen(code) != 5)
		return (a->c_error);
	/* 08P01 is the server refusing our Bind (wrong count of values). */
	if ((strncmp(code, "08", 2) == 0 && strcmp(code, "08P01") != 0) ||
	    strcmp(code, "57P01") == 0 ||
	    strcmp(code, "57P02") == 0 || strcmp(code, "57P03") == 0)
		return (a->c_lost);
	for (i = 0; i < a->nstates; i++) {
		if (memcmp(a->states[i].code, code, 5) == 0)
			return (a->states[i].id);
	}
	snprintf(name, sizeof name, "pg-%s", code);
	id = mb_errclass_intern(name);
	if (a->nstates < sizeof a->states / sizeof a->states[0]) {
		memcpy(a->states[a->nstates].code, code, 6);
		a->states[a->nstates++].id = id;
	}
	return (id);
}

/* Can a statement that failed so never run? Bad SQL, an unknown table or
 * column, a feature it lacks (at Parse); values that do not fit its
 * parameters (08P01 at Bind). */
static int
pg_never(const struct pg_slot *slot, const char *code)
{
	if (code == NULL)
		return (0);
	if (slot->phase == PG_PH_PREP)
		return (strncmp(code, "42", 2) == 0 ||
		    strncmp(code, "0A", 2) == 0);
	return (strcmp(code, "08P01") == 0);
}

/* A statement's error result: the slot fails with its class, or stops
 * the activity when it can never run. */
void
pg_slot_fail(struct pg_conn *c, struct pg_slot *slot, const PGresult *res)
{
	struct pg_action	*a = c->action;
	struct mb_op		*op = slot->op;
	const char		*code, *msg;
	char			*q, *m;
	size_t			 idx;

	code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (msg == NULL)
		msg = PQresultErrorMessage(res);
	if (slot->phase == PG_PH_PREP)
		c->prepared[slot->stmt] = 0;	/* not there: again next time */
	slot->status = PQresultStatus(res) == PGRES_PIPELINE_ABORTED ?
	    a->c_error : pg_state_class(a, code);
	if (op == NULL || slot->status == a->c_lost)
		return;
	q = pg_quote(op);
	m = pg_conn_message(msg);
	if (pg_never(slot, code)) {
		slot->fatal = 1;
		slot->cause = xfmt("op '%s': %s '%s': %s (SQLSTATE %s)",
		    op->def != NULL ? op->def->name : "(none)",
		    slot->phase == PG_PH_PREP ? "cannot prepare" :
		    "cannot run", q, m, code);
	} else if (op->def != NULL) {
		idx = op->def->index;
		if (idx >= a->nshown) {
			a->shown = xrealloc(a->shown, idx + 1);
			memset(a->shown + a->nshown, 0, idx + 1 - a->nshown);
			a->nshown = idx + 1;
		}
		if (!a->shown[idx]) {
			a->shown[idx] = 1;
			fprintf(stderr, "moonbench: pg: motor %u: op '%s' "
			    "failed at cycle %llu: %s (class %s; shown once)\n",
			    a->motor, op->def->name,
			    (unsigned long long)op->cycle, m,
			    mb_errclass_name(slot->status));
		}
	}
	free(q);
	free(m);
}

/* The slot's op (if not cancelled) completes with what came back. */
void
pg_finish(struct pg_conn *c, struct pg_slot *slot)
{
	struct mb_op	*op = slot->op;
	struct pg_op	*p;

	if (op != NULL) {
		p = mb_op_priv(op);
		p->conn = NULL;
		c->live--;
		if (slot->fatal) {
			mb_op_fatal(op, slot->cause);
			slot->cause = NULL;
		} else if (slot->status != 0)
			mb_op_complete(op, slot->status);
		else {
			/* Kept for on_result until the op is sent again. */
			if (op->def != NULL && op->def->on_result) {
				p->res = slot->res;
				slot->res = NULL;
			}
			mb_op_complete(op, 0);
		}
	}
	if (slot->res != NULL)
		PQclear(slot->res);
	free(slot->cause);
	memset(slot, 0, sizeof *slot);
}

static enum mb_submit
pg_submit(void *arg, struct mb_op *op)
{
	struct pg_action	*a = arg;
	struct pg_op		*p = mb_op_priv(op);
	struct pg_conn		*c;

	if (p->res != NULL) {
		PQclear(p->res);
		p->res = NULL;
	}
	if (op->def != NULL && op->argc == 0) {
		mb_op_fatal(op, xfmt("op '%s' has no SQL: a pg op is "
		    "{ \"SQL with $1 ...\", value, ... }", op->def->name));
		return (MB_SUBMIT_OK);
	}
	if (op->def != NULL && !mb_template_is_constant(op->def->args[0])) {
		mb_op_fatal(op, xfmt("op '%s': its SQL '%s' has "
		    "{placeholders}; the SQL must be the same every cycle: "
		    "write $1, $2 ... and give the values as the op's next "
		    "arguments", op->def->name,
		    mb_template_source(op->def->args[0])));
		return (MB_SUBMIT_OK);
	}
	if ((c = pg_conn_pick(a)) != NULL) {
		pg_send(c, op);
		return (MB_SUBMIT_OK);
	}
	/* Every connection that is up has its pipeline full. */
	if (a->nup > 0)
		return (MB_SUBMIT_FULL);
	/* Nothing up: the op waits for the next attempt's outcome. */
	mb_opqueue_push(&a->held, op);
	p->held = 1;
	return (MB_SUBMIT_OK);
}

/* The engine takes the op back (timeout, abort): its result, if one still
 * comes, is dropped. */
static void
pg_cancel(void *arg, struct mb_op *op)
{
	struct pg_action	*a = arg;
	struct pg_op		*p = mb_op_priv(op);
	struct pg_conn		*c = p->conn;
	struct pg_slot		*slot;

	if (c != NULL) {
		slot = &c->ring[p->seq & c->mask];
		if (p->seq - c->head < c->tail - c->head && slot->op == op) {
			slot->op = NULL;
			c->live--;
		}
		p->conn = NULL;
		/* Only dead statements on it: replace it rather than wait. */
		if (c->live == 0 && c->head != c->tail)
			pg_conn_reset(c);
	} else if (p->held) {
		mb_opqueue_remove(&a->held, op);
		p->held = 0;
	}
}

static void
pg_op_fini(void *arg, struct mb_op *op)
{
	struct pg_op	*p = mb_op_priv(op);

	if (p->res != NULL)
		PQclear(p->res);
	p->res = NULL;
}

/* ---- results to Lua ---- */

/* An int64 cdata from a pointer (the C API cannot make one). */
static void
pg_push_int(struct pg_action *a, lua_State *L, int64_t v)
{
	static const char	 src[] =
	    "local ffi = require 'ffi'\n"
	    "local p = ffi.typeof('const int64_t *')\n"
	    "return function(u) return ffi.cast(p, u)[0] end\n";

	if (v >= -PG_EXACT && v <= PG_EXACT) {
		lua_pushnumber(L, (lua_Number)v);
		return;
	}
	if (a->L != L || a->int_ref == LUA_NOREF) {
		if (luaL_loadbuffer(L, src, sizeof src - 1, "=pg") != 0 ||
		    lua_pcall(L, 0, 1, 0) != 0) {
			lua_pop(L, 1);
			lua_pushnumber(L, (lua_Number)v);
			return;
		}
		a->int_ref = luaL_ref(L, LUA_REGISTRYINDEX);
		a->L = L;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->int_ref);
	lua_pushlightuserdata(L, &v);
	if (lua_pcall(L, 1, 1, 0) != 0) {
		lua_pop(L, 1);
		lua_pushnumber(L, (lua_Number)v);
	}
}

/* One value, by its column's type: integers, floats and booleans decoded,
 * everything else (numeric, text, dates ...) as PostgreSQL writes it. */
static void
pg_push_value(struct pg_action *a, lua_State *L, const PGresult *res,
    int row, int col)
{
	const char	*v = PQgetvalue(res, row, col);

	switch (PQftype(res, col)) {
	case PG_INT2OID:
	case PG_INT4OID:
	case PG_INT8OID:
	case PG_OIDOID:
		pg_push_int(a, L, strtoll(v, NULL, 10));
		break;
	case PG_FLOAT4OID:
	case PG_FLOAT8OID:
		lua_pushnumber(L, strtod(v, NULL));
		break;
	case PG_BOOLOID:
		lua_pushboolean(L, *v == 't');
		break;
	default:
		lua_pushlstring(L, v, (size_t)PQgetlength(res, row, col));
		break;
	}
}

/* on_result gets { {col = value, ...}, ..., affected = n }: NULL leaves
 * its key out; affected is the command's row count (PQcmdTuples). */
static void
pg_push_result(void *arg, struct mb_op *op, struct lua_State *L)
{
	struct pg_action	*a = arg;
	const PGresult		*res = ((struct pg_op *)mb_op_priv(op))->res;
	const char		*n;
	int			 nrows, ncols, row, col, names;

	if (res == NULL) {
		lua_createtable(L, 0, 0);
		return;
	}
	nrows = PQntuples(res);
	ncols = PQnfields(res);
	lua_createtable(L, nrows, 1);
	n = PQcmdTuples((PGresult *)res);
	if (*n != '\0') {
		lua_pushnumber(L, strtod(n, NULL));
		lua_setfield(L, -2, "affected");
	}
	if (nrows == 0)
		return;
	luaL_checkstack(L, ncols + 4, "pg: too many columns");
	names = lua_gettop(L) + 1;
	for (col = 0; col < ncols; col++)
		lua_pushstring(L, PQfname(res, col));
	for (row = 0; row < nrows; row++) {
		lua_createtable(L, 0, ncols);
		for (col = 0; col < ncols; col++) {
			if (PQgetisnull(res, row, col))
				continue;
			lua_pushvalue(L, names + col);
			pg_push_value(a, L, res, row, col);
			lua_rawset(L, -3);
		}
		lua_rawseti(L, names - 1, row + 1);
	}
	lua_settop(L, names - 1);
}

/* ---- open and close ---- */

static void
pg_close(void *arg)
{
	struct pg_action	*a = arg;

	pg_conn_close_all(a);
	free(a->conns);
	free(a->scratch);
	free(a->values);
	free(a->shown);
	free(a);
}

static void *
pg_open(const struct mb_action_env *env, char **cause)
{
	struct pg_action	*a;
	uint32_t		 share, i;

	a = xcalloc(1, sizeof *a);
	a->s = env->shared;
	a->base = env->base;
	a->motor = env->motor_index;
	a->depth = a->s->pipeline;
	mb_opqueue_init(&a->held);
	a->int_ref = LUA_NOREF;
	share = env->async_limit == 0 ? 1 : env->async_limit;
	if (a->s->connections == 0)
		a->nconns = (share + a->depth - 1) / a->depth;
	else if ((uint64_t)a->s->connections * a->depth < share) {
		*cause = xfmt("connections: a thread has %u ops in flight "
		    "(its share of async=), but connections=%u x pipeline=%u "
		    "carry at most %llu; give more connections or a deeper "
		    "pipeline, or leave connections= out (then it opens "
		    "enough)", share, a->s->connections, a->depth,
		    (unsigned long long)a->s->connections * a->depth);
		free(a);
		return (NULL);
	} else
		a->nconns = a->s->connections;
	if (a->nconns > PG_CONNECTIONS_MAX)
		a->nconns = PG_CONNECTIONS_MAX;
	a->c_lost = mb_errclass_intern("connection-lost");
	a->c_refused = mb_errclass_intern("connection-refused");
	a->c_ctimeout = mb_errclass_intern("connect-timeout");
	a->c_conn_error = mb_errclass_intern("connection-error");
	a->c_error = mb_errclass_intern("pg-error");
	a->conns = xcalloc(a->nconns, sizeof *a->conns);
	for (i = 0; i < a->nconns; i++)
		pg_conn_init(a, &a->conns[i], i);
	if (pg_conn_open_all(a, cause) != 0) {
		pg_close(a);
		return (NULL);
	}
	return (a);
}

const struct mb_driver mb_driver_pg = {
	.name = "pg",
	.summary = "PostgreSQL through libpq's async API: prepared "
	    "statements, connections per motor, opt-in pipelining",
	.help =
	    "pg runs each op's SQL on PostgreSQL. An op is an argument list: "
	    "the SQL, the\nsame every cycle, with $1, $2 ..., then one value "
	    "per parameter, sent as\ntext (the server infers the types):\n"
	    "  { \"INSERT INTO kv(k, v) VALUES ($1, $2)\", \"{id}\", "
	    "\"{value}\" }\n"
	    "Without a workload each op is SELECT 1. Each statement is "
	    "prepared on a\nconnection at its first use there; SQL the server "
	    "cannot prepare (a syntax\nerror, an unknown table) or values "
	    "that do not fit it stop the activity\n(exit 1) with the server's "
	    "message.\n"
	    "Every motor opens `connections` connections before the run "
	    "(default: one\nper op in flight, its share of async=); each "
	    "carries one op at a time, as\npgbench does, or `pipeline` ops "
	    "(libpq pipeline mode, one Sync per op).\n"
	    "on_result(op, rows) gets an array of rows, each a table keyed by "
	    "column\nname, and rows.affected, the command's row count: "
	    "int2/int4/int8/oid are\nnumbers (int64 cdata beyond 2^53), "
	    "float4/float8 numbers, bool booleans,\nother types strings as "
	    "PostgreSQL writes them; NULL leaves the key out.\n"
	    "A failed statement counts as pg-SQLSTATE (pg-23505: a unique "
	    "violation;\nerrors='pg-40001:retry' retries serialization "
	    "failures). A lost connection\nfails its ops in flight "
	    "(connection-lost) and is reconnected with a\nbackoff; while none "
	    "is up, ops wait for the next attempt and fail with its\nclass "
	    "(connection-refused, connect-timeout, connection-error). An op "
	    "timed\nout (timeout=) has its result dropped; its connection is "
	    "replaced when it\ncarries nothing else.\n",
	.params = pg_params,
	.flags = MB_DRIVER_ASYNC,
	.op_size = sizeof(struct pg_op),
	.init = pg_init,
	.fini = pg_fini,
	.open = pg_open,
	.close = pg_close,
	.op_fini = pg_op_fini,
	.submit = pg_submit,
	.cancel = pg_cancel,
	.push_result = pg_push_result,
};
