/*
 * The sqlite driver: an embedded SQL database, nothing to install or start.
 * Each motor opens its own connection to one database file (WAL by
 * default), prepares each op's statement once and runs it inside submit:
 * a sync action. An op is an argument list: the SQL, then the values bound
 * to its ? parameters in order. Rows go to on_result as a Lua array of
 * tables keyed by column name, collected into one buffer per motor.
 *
 * Without file=, every activity of the process shares one fresh database
 * in a temporary directory (a scenario's schema, rampup and verify steps
 * must see the same data), removed at exit unless keep=true.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <sqlite3.h>

#include "clock.h"
#include "driver.h"
#include "errclass.h"
#include "workload.h"
#include "xmalloc.h"

/* A lock wait polls for an abort at least this often. */
#define SQLITE_DRV_BUSY_SLICE	20000000u	/* 20ms */
/* VM instructions between two looks at the abort flag. */
#define SQLITE_DRV_STEPS	1000
/* Integers beyond this are not exact as doubles: int64 cdata instead. */
#define SQLITE_DRV_EXACT	9007199254740992LL	/* 2^53 */

struct sqlite_shared {
	char		*path;		/* the database file */
	uint64_t	 busy_ns;	/* busy_timeout */
	int		 sync;		/* 0 off, 1 normal, 2 full */
	char		*journal;	/* journal_mode, as SQLite spells it */
};

/* One value of a result row (or a column name: text). */
struct sqlite_cell {
	int		 type;		/* SQLITE_INTEGER ... SQLITE_NULL */
	union {
		int64_t	 i;
		double	 d;
		struct {
			size_t	off;	/* in the byte arena */
			size_t	len;
		} t;
	} v;
};

/*
 * The rows of the op being retired: the column names (ncols text cells),
 * then nrows x ncols values. Reused by every op of the motor: a sync op is
 * retired before the next is submitted.
 */
struct sqlite_rows {
	struct sqlite_cell	*cells;
	size_t			 ncells;
	size_t			 cellcap;
	char			*bytes;		/* text and blob values */
	size_t			 nbytes;
	size_t			 bytecap;
	int			 ncols;
	size_t			 nrows;
};

struct sqlite_stmt {
	sqlite3_stmt	*st;		/* NULL: not prepared yet */
};

struct sqlite_action {
	struct sqlite_shared	*shared;
	sqlite3			*db;
	unsigned		 motor_index;
	struct sqlite_stmt	*stmts;		/* by the op's index */
	size_t			 nstmts;
	struct mb_op		*op;		/* in submit, for the handlers */
	int			 aborted;	/* a handler gave up on it: */
	int			 timed_out;	/*   a stop, or timeout= */
	uint64_t		 busy_since;	/* this lock wait's start */
	struct sqlite_rows	 rows;
	lua_State		*L;		/* where int64_ref lives */
	int			 int64_ref;	/* int64_t * -> int64 cdata */
	int			 busy_id;	/* error classes */
	int			 timeout_id;
	int			 constraint_id;
	int			 error_id;
	unsigned char		*shown;		/* per op: a message shown */
};

static const struct mb_param_spec sqlite_params[] = {
	{ "file", MB_PARAM_STRING, NULL,
	  "the database file, created if missing (default: a fresh file in "
	  "a temporary directory, shared by every activity of the run and "
	  "removed at exit unless keep=true)", 0, 0, NULL },
	{ "keep", MB_PARAM_BOOL, "false",
	  "keep the temporary database at exit and print its path (a file= "
	  "is never removed)", 0, 0, NULL },
	{ "busy_timeout", MB_PARAM_DURATION, "5s",
	  "how long an op waits for a lock another connection holds before "
	  "it fails as sqlite-busy; 0: at once", 0, 0, NULL },
	{ "synchronous", MB_PARAM_CHOICE, "normal",
	  "PRAGMA synchronous: off, normal (WAL: durable at checkpoints) or "
	  "full (an fsync per commit)", 0, 0, "off|normal|full" },
	{ "journal", MB_PARAM_CHOICE, "wal",
	  "PRAGMA journal_mode: wal (readers never block the writer), "
	  "delete, truncate, persist, memory or off", 0, 0,
	  "wal|delete|truncate|persist|memory|off" },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

/* ---- the default database: one per process ---- */

static pthread_mutex_t	 sqlite_tmp_lock = PTHREAD_MUTEX_INITIALIZER;
static char		*sqlite_tmp_dir;
static char		*sqlite_tmp_path;
static int		 sqlite_tmp_keep;

static void
sqlite_tmp_cleanup(void)
{
	static const char *const	 suffixes[] = {
		"", "-wal", "-shm", "-journal", NULL
	};
	const char *const		*s;
	char				*p;

	if (sqlite_tmp_path == NULL)
		return;
	if (sqlite_tmp_keep) {
		fprintf(stderr, "moonbench: sqlite: kept the database %s\n",
		    sqlite_tmp_path);
		return;
	}
	for (s = suffixes; *s != NULL; s++) {
		p = xfmt("%s%s", sqlite_tmp_path, *s);
		unlink(p);
		free(p);
	}
	rmdir(sqlite_tmp_dir);
}

/* The process's temporary database, created at the first call. */
static const char *
sqlite_tmp_file(int keep, char **cause)
{
	const char	*tmp;
	char		*dir;

	pthread_mutex_lock(&sqlite_tmp_lock);
	if (keep)
		sqlite_tmp_keep = 1;
	if (sqlite_tmp_path == NULL) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		dir = xfmt("%s/moonbench-sqlite.XXXXXX", tmp);
		if (mkdtemp(dir) == NULL) {
			*cause = xfmt("file: cannot create a temporary "
			    "directory in %s: %s", tmp, strerror(errno));
			free(dir);
			pthread_mutex_unlock(&sqlite_tmp_lock);
			return (NULL);
		}
		sqlite_tmp_dir = dir;
		sqlite_tmp_path = xfmt("%s/moonbench.db", dir);
		atexit(sqlite_tmp_cleanup);
	}
	pthread_mutex_unlock(&sqlite_tmp_lock);
	return (sqlite_tmp_path);
}

/* ---- connections ---- */

/* SQL text for messages: at most 60 characters. */
static char *
sqlite_quote(const char *sql, size_t len)
{
	if (len > 60)
		return (xfmt("%.57s...", sql));
	return (xstrndup(sql, len));
}

/* Why path cannot be opened, said about the file= the user gave. */
static char *
sqlite_open_cause(const char *path, const char *why)
{
	struct stat	 sb;
	char		*copy, *dir;
	char		*cause;

	copy = xstrdup(path);
	dir = dirname(copy);
	if (stat(dir, &sb) != 0) {
		cause = xfmt("file: cannot open '%s': its directory '%s' does "
		    "not exist", path, dir);
	} else if (!S_ISDIR(sb.st_mode)) {
		cause = xfmt("file: cannot open '%s': '%s' is not a directory",
		    path, dir);
	} else if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		cause = xfmt("file: cannot open '%s': it is a directory", path);
	else
		cause = xfmt("file: cannot open '%s': %s", path, why);
	free(copy);
	return (cause);
}

/* Run one PRAGMA; its first column's text in *value when asked. */
static int
sqlite_pragma(sqlite3 *db, const char *sql, char **value, char **cause)
{
	sqlite3_stmt	*st;
	const char	*v;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = xstrdup(sqlite3_errmsg(db));
		return (-1);
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = xstrdup(sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return (-1);
	}
	if (value != NULL) {
		v = rc == SQLITE_ROW ?
		    (const char *)sqlite3_column_text(st, 0) : NULL;
		*value = xstrdup(v != NULL ? v : "");
	}
	sqlite3_finalize(st);
	return (0);
}

/* How long opening a connection waits for another's lock. */
#define SQLITE_OPEN_WAIT_MS	10000

/* Open path and apply the journal and synchronous modes. */
static sqlite3 *
sqlite_connect(const struct sqlite_shared *s, char **cause)
{
	static const char *const	 syncs[] = { "OFF", "NORMAL", "FULL" };
	sqlite3				*db = NULL;
	char				*sql, *mode = NULL, *why = NULL;
	int				 rc;

	/* NOMUTEX: a connection belongs to one motor's thread. */
	rc = sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*cause = sqlite_open_cause(s->path, db != NULL ?
		    sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto fail;
	}
	/* Opening waits for the other motors' opens (they set the same
	 * modes at once), however short busy_timeout is for ops: the op's
	 * busy handler replaces this one after. */
	sqlite3_busy_timeout(db, SQLITE_OPEN_WAIT_MS);
	sql = xfmt("PRAGMA journal_mode=%s", s->journal);
	rc = sqlite_pragma(db, sql, &mode, &why);
	free(sql);
	if (rc != 0) {
		/* The first read of the file: where a non-database shows. */
		*cause = sqlite_open_cause(s->path, why);
		goto fail;
	}
	if (strcasecmp(mode, s->journal) != 0) {
		*cause = xfmt("journal: SQLite keeps '%s' in journal mode '%s', "
		    "not '%s'", s->path, mode, s->journal);
		goto fail;
	}
	sql = xfmt("PRAGMA synchronous=%s", syncs[s->sync]);
	rc = sqlite_pragma(db, sql, NULL, &why);
	free(sql);
	if (rc != 0) {
		*cause = xfmt("synchronous: %s", why);
		goto fail;
	}
	free(mode);
	return (db);
fail:
	free(why);
	free(mode);
	sqlite3_close(db);
	return (NULL);
}

static void
sqlite_fini(void *arg)
{
	struct sqlite_shared	*s = arg;

	if (s == NULL)
		return;
	free(s->path);
	free(s->journal);
	free(s);
}

static void *
sqlite_init(const struct mb_params *params, char **cause)
{
	static const char *const	 journals[] = {
		"wal", "delete", "truncate", "persist", "memory", "off"
	};
	struct sqlite_shared		*s;
	const char			*v, *path;
	sqlite3				*db;
	int				 keep = 0, i;

	if (mb_params_get(params, "workload") == NULL) {
		*cause = xstrdup("sqlite runs a workload's SQL: give "
		    "workload=FILE, whose ops are { \"SQL with ?\", value, "
		    "... }");
		return (NULL);
	}
	s = xcalloc(1, sizeof *s);
	s->busy_ns = 5000000000ULL;
	s->sync = 1;		/* normal */
	if ((v = mb_params_get(params, "busy_timeout")) != NULL &&
	    mb_param_duration("busy_timeout", v, &s->busy_ns, cause) != 0)
		goto fail;
	if ((v = mb_params_get(params, "synchronous")) != NULL &&
	    mb_param_choice("synchronous", v, "off|normal|full", &s->sync,
	    cause) != 0)
		goto fail;
	i = 0;
	if ((v = mb_params_get(params, "journal")) != NULL &&
	    mb_param_choice("journal", v,
	    "wal|delete|truncate|persist|memory|off", &i, cause) != 0)
		goto fail;
	s->journal = xstrdup(journals[i]);
	if ((v = mb_params_get(params, "keep")) != NULL &&
	    mb_param_bool("keep", v, &keep, cause) != 0)
		goto fail;

	v = mb_params_get(params, "file");
	if (v != NULL && (*v == '\0' || strcmp(v, ":memory:") == 0)) {
		/* Each connection would get a database of its own. */
		*cause = xfmt("file: '%s' is a private database per "
		    "connection, and each motor and activity opens its own; "
		    "give a file name (default: a temporary file)", v);
		goto fail;
	}
	if (v != NULL)
		path = v;
	else if ((path = sqlite_tmp_file(keep, cause)) == NULL)
		goto fail;
	s->path = xstrdup(path);

	/* Open it once here: a bad file= is a usage error, and the journal
	 * mode is set before motors connect at once. */
	if ((db = sqlite_connect(s, cause)) == NULL)
		goto fail;
	sqlite3_close(db);
	return (s);
fail:
	sqlite_fini(s);
	return (NULL);
}

/* Must the op in submit give up now: a stop's drain ran out, or its
 * deadline (timeout=) is past? */
static int
sqlite_give_up(struct sqlite_action *a, uint64_t now)
{
	if (a->op == NULL)
		return (0);
	if (mb_op_aborting(a->op))
		a->aborted = 1;
	else if (a->op->deadline_ns != 0 && now >= a->op->deadline_ns)
		a->timed_out = 1;
	return (a->aborted || a->timed_out);
}

/*
 * Lock waits: sleep in short slices until busy_timeout, giving up at once
 * when the motor is told to abort or the op's deadline passes.
 */
static int
sqlite_busy(void *arg, int count)
{
	static const uint32_t	 backoff_us[] = {
		50, 100, 200, 500, 1000, 2000, 5000, 10000
	};
	struct sqlite_action	*a = arg;
	struct timespec		 ts;
	uint64_t		 now = mb_clock_ns(), left, step;
	size_t			 n;

	if (count == 0)
		a->busy_since = now;
	if (sqlite_give_up(a, now))
		return (0);
	if (now - a->busy_since >= a->shared->busy_ns)
		return (0);
	left = a->shared->busy_ns - (now - a->busy_since);
	if (a->op != NULL && a->op->deadline_ns != 0 &&
	    a->op->deadline_ns - now < left)
		left = a->op->deadline_ns - now;
	n = sizeof backoff_us / sizeof backoff_us[0];
	step = (size_t)count < n ? backoff_us[count] * 1000ULL :
	    SQLITE_DRV_BUSY_SLICE;
	if (step > left)
		step = left;
	ts.tv_sec = (time_t)(step / 1000000000u);
	ts.tv_nsec = (long)(step % 1000000000u);
	nanosleep(&ts, NULL);
	return (1);
}

/* A long statement: interrupted as a lock wait would be. */
static int
sqlite_progress(void *arg)
{
	struct sqlite_action	*a = arg;

	return (a->op != NULL && sqlite_give_up(a, mb_clock_ns()));
}

static void *
sqlite_open(const struct mb_action_env *env, char **cause)
{
	struct sqlite_action	*a;

	a = xcalloc(1, sizeof *a);
	a->shared = env->shared;
	a->motor_index = env->motor_index;
	a->int64_ref = LUA_NOREF;
	if ((a->db = sqlite_connect(a->shared, cause)) == NULL) {
		free(a);
		return (NULL);
	}
	/* Ours replaces the busy_timeout handler set by sqlite_connect. */
	sqlite3_busy_handler(a->db, sqlite_busy, a);
	sqlite3_progress_handler(a->db, SQLITE_DRV_STEPS, sqlite_progress,
	    a);
	a->busy_id = mb_errclass_intern("sqlite-busy");
	a->timeout_id = mb_errclass_intern("timeout");
	a->constraint_id = mb_errclass_intern("sqlite-constraint");
	a->error_id = mb_errclass_intern("sqlite-error");
	return (a);
}

static void
sqlite_close(void *arg)
{
	struct sqlite_action	*a = arg;
	size_t			 i;

	for (i = 0; i < a->nstmts; i++)
		sqlite3_finalize(a->stmts[i].st);
	sqlite3_close(a->db);
	free(a->stmts);
	free(a->shown);
	free(a->rows.cells);
	free(a->rows.bytes);
	free(a);
}

/* ---- statements ---- */

/*
 * Is p[0..len) an int64 written the one way printf writes it (no sign but
 * '-', no leading zero, no "-0")? Only those bind as integers: "007" or
 * "+1" stay text and read back exactly as they were rendered.
 */
static int
sqlite_parse_int(const char *p, size_t len, int64_t *out)
{
	uint64_t	v = 0, lim = INT64_MAX, d;
	size_t		i = 0;
	int		neg = 0;

	if (len > 0 && p[0] == '-') {
		neg = 1;
		i = 1;
		lim = (uint64_t)INT64_MAX + 1;
	}
	if (i == len || len - i > 19)
		return (0);
	if (p[i] == '0' && (len - i > 1 || neg))
		return (0);
	for (; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return (0);
		d = (uint64_t)(p[i] - '0');
		if (v > (lim - d) / 10)
			return (0);
		v = v * 10 + d;
	}
	*out = neg ? -(int64_t)(v - 1) - 1 : (int64_t)v;
	return (1);
}

/* The error class of a failed call. */
static int
sqlite_class(struct sqlite_action *a, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return (a->busy_id);
	case SQLITE_CONSTRAINT:
		return (a->constraint_id);
	}
	return (a->error_id);
}

/* The status of an op that failed with rc. */
static int
sqlite_status(struct sqlite_action *a, int rc)
{
	if (a->aborted)
		return (MB_OP_ABORTED);
	if (a->timed_out)
		return (a->timeout_id);
	return (sqlite_class(a, rc));
}

/* SQLite's message for a failed op, once per op and motor: the class
 * count says how often. Busy needs no words. */
static void
sqlite_show(struct sqlite_action *a, const struct mb_op *op, int class)
{
	if (class == a->busy_id || class == a->timeout_id ||
	    a->shown[op->def->index])
		return;
	a->shown[op->def->index] = 1;
	fprintf(stderr, "moonbench: motor %u: sqlite: op '%s' failed at cycle "
	    "%llu: %s (class %s; shown once)\n", a->motor_index,
	    op->def->name, (unsigned long long)op->cycle, sqlite3_errmsg(a->db),
	    mb_errclass_name(class));
}

/* Whether what follows a statement holds another one. */
static int
sqlite_more(sqlite3 *db, const char *tail, const char *end)
{
	sqlite3_stmt	*st = NULL;
	int		 more;

	if (sqlite3_prepare_v2(db, tail, (int)(end - tail), &st, NULL) !=
	    SQLITE_OK)
		return (1);
	more = st != NULL;
	sqlite3_finalize(st);
	return (more);
}

/*
 * The op's statement, prepared at its first use by this motor. NULL with
 * *cause for an op that can never run, or with *rc for a transient failure
 * (a lock held on the schema, an abort).
 */
static sqlite3_stmt *
sqlite_stmt(struct sqlite_action *a, const struct mb_op *op, int *rc,
    char **cause)
{
	const struct mb_opdef	*def = op->def;
	struct sqlite_stmt	*s;
	const char		*sql, *tail;
	char			*q;
	size_t			 len, n;
	int			 want;

	if (def->index >= a->nstmts) {
		n = def->index + 1;
		a->stmts = xreallocarray(a->stmts, n, sizeof *a->stmts);
		a->shown = xrealloc(a->shown, n);
		memset(a->stmts + a->nstmts, 0,
		    (n - a->nstmts) * sizeof *a->stmts);
		memset(a->shown + a->nstmts, 0, n - a->nstmts);
		a->nstmts = n;
	}
	s = &a->stmts[def->index];
	if (s->st != NULL)
		return (s->st);

	if (op->argc == 0) {
		*cause = xfmt("op '%s' has no SQL: an sqlite op is "
		    "{ \"SQL\", value, ... }", def->name);
		return (NULL);
	}
	sql = op->argv[0].ptr;
	len = op->argv[0].len;
	q = sqlite_quote(sql, len);
	if (!mb_template_is_constant(def->args[0])) {
		*cause = xfmt("op '%s': its SQL '%s' has {placeholders}; the "
		    "SQL must be the same every cycle: write ? and give the "
		    "values as the op's next arguments", def->name,
		    mb_template_source(def->args[0]));
		goto fail;
	}
	*rc = sqlite3_prepare_v3(a->db, sql, (int)len,
	    SQLITE_PREPARE_PERSISTENT, &s->st, &tail);
	if (*rc != SQLITE_OK) {
		switch (*rc & 0xff) {
		case SQLITE_BUSY:
		case SQLITE_LOCKED:
		case SQLITE_INTERRUPT:
			/* Not the SQL's fault: this op fails, not all. */
			free(q);
			return (NULL);
		}
		*cause = xfmt("op '%s': cannot prepare '%s': %s", def->name, q,
		    sqlite3_errmsg(a->db));
		goto fail;
	}
	if (s->st == NULL) {
		*cause = xfmt("op '%s': '%s' holds no SQL statement", def->name,
		    q);
		goto fail;
	}
	if (sqlite_more(a->db, tail, sql + len)) {
		*cause = xfmt("op '%s': '%s' holds more than one statement; "
		    "give one per op", def->name, q);
		goto fail;
	}
	want = sqlite3_bind_parameter_count(s->st);
	if ((uint32_t)want != op->argc - 1) {
		*cause = xfmt("op '%s': its SQL '%s' has %d parameter%s but the "
		    "op gives %u value%s after it", def->name, q, want,
		    want == 1 ? "" : "s", op->argc - 1,
		    op->argc - 1 == 1 ? "" : "s");
		goto fail;
	}
	free(q);
	return (s->st);
fail:
	free(q);
	sqlite3_finalize(s->st);
	s->st = NULL;
	return (NULL);
}

/* ---- rows ---- */

static struct sqlite_cell *
sqlite_cell(struct sqlite_rows *r)
{
	if (r->ncells == r->cellcap) {
		r->cellcap = r->cellcap == 0 ? 64 : r->cellcap * 2;
		r->cells = xreallocarray(r->cells, r->cellcap,
		    sizeof *r->cells);
	}
	return (&r->cells[r->ncells++]);
}

static void
sqlite_cell_text(struct sqlite_rows *r, struct sqlite_cell *c, int type,
    const void *p, size_t len)
{
	if (r->nbytes + len > r->bytecap) {
		if (r->bytecap == 0)
			r->bytecap = 1024;
		while (r->nbytes + len > r->bytecap)
			r->bytecap *= 2;
		r->bytes = xrealloc(r->bytes, r->bytecap);
	}
	if (len > 0)
		memcpy(r->bytes + r->nbytes, p, len);
	c->type = type;
	c->v.t.off = r->nbytes;
	c->v.t.len = len;
	r->nbytes += len;
}

/* Keep the current row (and, at the first, the column names). */
static void
sqlite_collect(struct sqlite_rows *r, sqlite3_stmt *st)
{
	struct sqlite_cell	*c;
	const char		*name;
	const void		*p;
	int			 i, type;

	if (r->nrows == 0) {
		r->ncols = sqlite3_column_count(st);
		for (i = 0; i < r->ncols; i++) {
			name = sqlite3_column_name(st, i);
			if (name == NULL)
				name = "";
			c = sqlite_cell(r);
			sqlite_cell_text(r, c, SQLITE_TEXT, name,
			    strlen(name));
		}
	}
	for (i = 0; i < r->ncols; i++) {
		type = sqlite3_column_type(st, i);
		c = sqlite_cell(r);
		c->type = type;
		switch (type) {
		case SQLITE_INTEGER:
			c->v.i = sqlite3_column_int64(st, i);
			break;
		case SQLITE_FLOAT:
			c->v.d = sqlite3_column_double(st, i);
			break;
		case SQLITE_TEXT:
		case SQLITE_BLOB:
			p = type == SQLITE_TEXT ?
			    (const void *)sqlite3_column_text(st, i) :
			    sqlite3_column_blob(st, i);
			sqlite_cell_text(r, c, type, p,
			    (size_t)sqlite3_column_bytes(st, i));
			break;
		}
	}
	r->nrows++;
}

/* ---- ops ---- */

static enum mb_submit
sqlite_submit(void *arg, struct mb_op *op)
{
	struct sqlite_action	*a = arg;
	struct sqlite_rows	*r = &a->rows;
	sqlite3_stmt		*st;
	char			*cause = NULL;
	int64_t			 iv;
	uint32_t		 i;
	int			 rc = SQLITE_OK, collect, status;

	r->ncells = r->nbytes = r->nrows = 0;
	r->ncols = 0;
	if (op->def == NULL) {
		cause = xstrdup("an op without a workload");
		goto fatal;
	}
	a->op = op;
	a->aborted = a->timed_out = 0;
	if ((st = sqlite_stmt(a, op, &rc, &cause)) == NULL) {
		if (cause != NULL)
			goto fatal;
		status = sqlite_status(a, rc);
		goto done;
	}
	for (i = 1; i < op->argc; i++) {
		if (sqlite_parse_int(op->argv[i].ptr, op->argv[i].len, &iv))
			rc = sqlite3_bind_int64(st, (int)i, iv);
		else {
			/* The render buffer outlives the step: no copy. */
			rc = sqlite3_bind_text(st, (int)i, op->argv[i].ptr,
			    (int)op->argv[i].len, SQLITE_STATIC);
		}
		if (rc != SQLITE_OK)
			break;
	}
	collect = op->def->on_result;
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && collect)
			sqlite_collect(r, st);
	}
	if (rc == SQLITE_DONE)
		status = 0;
	else if ((status = sqlite_status(a, rc)) > 0)
		sqlite_show(a, op, status);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
done:
	a->op = NULL;
	mb_op_complete(op, status);
	return (MB_SUBMIT_OK);

fatal:
	/* An op that can never run (bad SQL, wrong parameter count): the
	 * activity stops with why, rather than count it failing each cycle. */
	a->op = NULL;
	mb_op_fatal(op, cause);
	return (MB_SUBMIT_OK);
}

static void
sqlite_cancel(void *arg, struct mb_op *op)
{
	/* Sync: an op is complete before submit returns. */
}

/* The int64 cdata maker, loaded once per Lua state; -1 if it fails. */
static int
sqlite_int64_fn(struct sqlite_action *a, lua_State *L)
{
	static const char	 src[] =
	    "local ffi = require 'ffi'\n"
	    "local p = ffi.typeof('const int64_t *')\n"
	    "return function(u) return ffi.cast(p, u)[0] end\n";

	if (a->L == L && a->int64_ref != LUA_NOREF)
		return (a->int64_ref == LUA_REFNIL ? -1 : 0);
	a->L = L;
	if (luaL_loadbuffer(L, src, sizeof src - 1, "=sqlite") != 0 ||
	    lua_pcall(L, 0, 1, 0) != 0) {
		lua_pop(L, 1);
		a->int64_ref = LUA_REFNIL;
		return (-1);
	}
	a->int64_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return (0);
}

/* An integer: a number when a double holds it exactly, else int64 cdata
 * (as op.cycle is), or its decimal text if the FFI fails us. */
static void
sqlite_push_int(struct sqlite_action *a, lua_State *L, const int64_t *v)
{
	char	buf[24];

	if (*v >= -SQLITE_DRV_EXACT && *v <= SQLITE_DRV_EXACT) {
		lua_pushnumber(L, (lua_Number)*v);
		return;
	}
	if (sqlite_int64_fn(a, L) == 0) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, a->int64_ref);
		lua_pushlightuserdata(L, (void *)v);
		if (lua_pcall(L, 1, 1, 0) == 0)
			return;
		lua_pop(L, 1);
	}
	snprintf(buf, sizeof buf, "%lld", (long long)*v);
	lua_pushstring(L, buf);
}

/* on_result gets { {col = value, ...}, ... }: NULL leaves its key out. */
static void
sqlite_push_result(void *arg, struct mb_op *op, struct lua_State *L)
{
	struct sqlite_action	*a = arg;
	struct sqlite_rows	*r = &a->rows;
	struct sqlite_cell	*c;
	size_t			 row;
	int			 col, names;

	lua_createtable(L, (int)r->nrows, 0);
	if (r->nrows == 0)
		return;
	luaL_checkstack(L, r->ncols + 4, "sqlite: too many columns");
	names = lua_gettop(L) + 1;
	for (col = 0; col < r->ncols; col++) {
		c = &r->cells[col];
		lua_pushlstring(L, r->bytes + c->v.t.off, c->v.t.len);
	}
	for (row = 0; row < r->nrows; row++) {
		lua_createtable(L, 0, r->ncols);
		for (col = 0; col < r->ncols; col++) {
			c = &r->cells[(row + 1) * (size_t)r->ncols +
			    (size_t)col];
			if (c->type == SQLITE_NULL)
				continue;
			lua_pushvalue(L, names + col);
			switch (c->type) {
			case SQLITE_INTEGER:
				sqlite_push_int(a, L, &c->v.i);
				break;
			case SQLITE_FLOAT:
				lua_pushnumber(L, c->v.d);
				break;
			default:
				lua_pushlstring(L, r->bytes + c->v.t.off,
				    c->v.t.len);
				break;
			}
			lua_rawset(L, -3);
		}
		lua_rawseti(L, names - 1, (int)row + 1);
	}
	lua_settop(L, names - 1);
}

const struct mb_driver mb_driver_sqlite = {
	.name = "sqlite",
	.summary = "an embedded SQLite database file: prepared statements, "
	    "one connection per thread",
	.help =
	    "sqlite runs each op's SQL on a database file, one connection per "
	    "thread\n(WAL by default), sync only: async= is refused. An op is "
	    "an argument list:\nthe SQL, the same every cycle, then one value "
	    "per ? parameter, in order:\n"
	    "  { \"INSERT INTO kv(k, v) VALUES (?, ?)\", \"{id}\", "
	    "\"{value}\" }\n"
	    "A value written as a plain decimal int64 (42, -7; not 007 or +1) "
	    "binds as an\ninteger, any other as text. Statements are prepared "
	    "once per thread; bad SQL\nor a wrong count of values stops the "
	    "activity (exit 1) with SQLite's message.\n"
	    "on_result(op, rows) gets an array of rows, each a table keyed by "
	    "column name:\nintegers are numbers (int64 cdata beyond 2^53, as "
	    "op.cycle), reals numbers,\ntext and blobs strings; NULL leaves "
	    "the key out. Ops without on_result keep\nno rows.\n"
	    "Errors count as sqlite-busy (a lock still held after "
	    "busy_timeout),\nsqlite-constraint and sqlite-error; errors= "
	    "decides what follows (retry...).\nA lock wait or a long "
	    "statement ends early at timeout= (class timeout) or\nwhen a "
	    "stop's drain runs out.\n",
	.params = sqlite_params,
	.flags = MB_DRIVER_SYNC,
	.op_size = 0,
	.init = sqlite_init,
	.fini = sqlite_fini,
	.open = sqlite_open,
	.close = sqlite_close,
	.submit = sqlite_submit,
	.cancel = sqlite_cancel,
	.push_result = sqlite_push_result,
};
