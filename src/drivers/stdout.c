/*
 * The stdout driver: prints each rendered op instead of running it, to
 * see exactly what a workload would send. format=text prints the op's
 * arguments joined by single spaces and a newline; json and csv add its
 * cycle and name. Each motor fills a buffer of whole lines and writes it
 * under one process-wide lock, so lines never interleave; everything is
 * written by the time the activity ends.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "driver.h"
#include "errclass.h"
#include "workload.h"
#include "xmalloc.h"

#define STDOUT_FLUSH_AT	(64 * 1024)	/* bytes buffered per motor */

enum stdout_format {
	STDOUT_TEXT,
	STDOUT_JSON,
	STDOUT_CSV,
};

struct stdout_shared {
	enum stdout_format	 format;
	int			 fd;
	int			 close_fd;
	pthread_mutex_t		 lock;		/* one writer at a time */
	int			 failed;	/* a write failed (EPIPE...) */
};

struct stdout_action {
	struct stdout_shared	*shared;
	char			*buf;
	size_t			 len;
	size_t			 cap;
	int			 write_error;	/* errclass id */
};

static const struct mb_param_spec stdout_params[] = {
	{ "format", MB_PARAM_CHOICE, "text",
	  "text (the op's arguments joined by spaces), json or csv (with "
	  "the cycle and the op's name)", 0, 0, "text|json|csv" },
	{ "filename", MB_PARAM_STRING, "-",
	  "where to write: - for stdout, or a file (truncated)", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL }
};

static void
stdout_fini(void *arg)
{
	struct stdout_shared	*s = arg;

	if (s == NULL)
		return;
	if (s->close_fd)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void *
stdout_init(const struct mb_params *params, char **cause)
{
	struct stdout_shared	*s;
	const char		*v;
	int			 i = 0;

	s = xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->fd = STDOUT_FILENO;
	if ((v = mb_params_get(params, "format")) != NULL &&
	    mb_param_choice("format", v, "text|json|csv", &i, cause) != 0)
		goto fail;
	s->format = (enum stdout_format)i;
	v = mb_params_get(params, "filename");
	if (v != NULL && strcmp(v, "-") != 0) {
		s->fd = open(v, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (s->fd == -1) {
			*cause = xfmt("filename: cannot open '%s': %s", v,
			    strerror(errno));
			goto fail;
		}
		s->close_fd = 1;
	}
	return (s);
fail:
	stdout_fini(s);
	return (NULL);
}

static void
stdout_flush(struct stdout_action *a)
{
	struct stdout_shared	*s = a->shared;
	size_t			 off = 0;
	ssize_t			 n;

	pthread_mutex_lock(&s->lock);
	while (off < a->len && !s->failed) {
		n = write(s->fd, a->buf + off, a->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->failed = 1;
			break;
		}
		off += (size_t)n;
	}
	pthread_mutex_unlock(&s->lock);
	a->len = 0;
}

static void *
stdout_open(const struct mb_action_env *env, char **cause)
{
	struct stdout_action	*a;

	a = xcalloc(1, sizeof *a);
	a->shared = env->shared;
	a->cap = STDOUT_FLUSH_AT * 2;
	a->buf = xmalloc(a->cap);
	a->write_error = mb_errclass_intern("write-error");
	return (a);
}

static void
stdout_close(void *arg)
{
	struct stdout_action	*a = arg;

	stdout_flush(a);
	free(a->buf);
	free(a);
}

/* Room for n more bytes (grows only for an op larger than any before). */
static char *
stdout_room(struct stdout_action *a, size_t n)
{
	if (a->len + n > a->cap) {
		while (a->len + n > a->cap)
			a->cap *= 2;
		a->buf = xrealloc(a->buf, a->cap);
	}
	return (a->buf + a->len);
}

static void
stdout_put(struct stdout_action *a, const char *p, size_t n)
{
	memcpy(stdout_room(a, n), p, n);
	a->len += n;
}

static void
stdout_putc(struct stdout_action *a, char c)
{
	*stdout_room(a, 1) = c;
	a->len++;
}

static void
stdout_put_json(struct stdout_action *a, const char *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 c;
	size_t			 i;

	stdout_putc(a, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '"' || c == '\\') {
			stdout_putc(a, '\\');
			stdout_putc(a, (char)c);
		} else if (c < 0x20) {
			stdout_put(a, "\\u00", 4);
			stdout_putc(a, hex[c >> 4]);
			stdout_putc(a, hex[c & 15]);
		} else
			stdout_putc(a, (char)c);
	}
	stdout_putc(a, '"');
}

/* RFC 4180: quote a field that holds a comma, a quote or a line break. */
static void
stdout_put_csv(struct stdout_action *a, const char *p, size_t n)
{
	size_t	i;

	if (memchr(p, ',', n) == NULL && memchr(p, '"', n) == NULL &&
	    memchr(p, '\n', n) == NULL && memchr(p, '\r', n) == NULL) {
		stdout_put(a, p, n);
		return;
	}
	stdout_putc(a, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			stdout_putc(a, '"');
		stdout_putc(a, p[i]);
	}
	stdout_putc(a, '"');
}

static enum mb_submit
stdout_submit(void *arg, struct mb_op *op)
{
	struct stdout_action	*a = arg;
	const char		*name = op->def != NULL ? op->def->name : "";
	char			 num[32];
	uint32_t		 i;
	int			 n;

	n = snprintf(num, sizeof num, "%llu", (unsigned long long)op->cycle);
	switch (a->shared->format) {
	case STDOUT_TEXT:
		for (i = 0; i < op->argc; i++) {
			if (i > 0)
				stdout_putc(a, ' ');
			stdout_put(a, op->argv[i].ptr, op->argv[i].len);
		}
		if (op->def == NULL)	/* no workload: the cycle itself */
			stdout_put(a, num, (size_t)n);
		break;
	case STDOUT_JSON:
		stdout_put(a, "{\"cycle\":", 9);
		stdout_put(a, num, (size_t)n);
		stdout_put(a, ",\"op\":", 6);
		stdout_put_json(a, name, strlen(name));
		stdout_put(a, ",\"args\":[", 9);
		for (i = 0; i < op->argc; i++) {
			if (i > 0)
				stdout_putc(a, ',');
			stdout_put_json(a, op->argv[i].ptr, op->argv[i].len);
		}
		stdout_put(a, "]}", 2);
		break;
	case STDOUT_CSV:
		stdout_put(a, num, (size_t)n);
		stdout_putc(a, ',');
		stdout_put_csv(a, name, strlen(name));
		for (i = 0; i < op->argc; i++) {
			stdout_putc(a, ',');
			stdout_put_csv(a, op->argv[i].ptr, op->argv[i].len);
		}
		break;
	}
	stdout_putc(a, '\n');
	if (a->len >= STDOUT_FLUSH_AT)
		stdout_flush(a);
	mb_op_complete(op, a->shared->failed ? a->write_error : 0);
	return (MB_SUBMIT_OK);
}

static void
stdout_cancel(void *arg, struct mb_op *op)
{
	/* Sync: an op is complete before submit returns. */
}

/* on_result gets the line's text (the arguments joined by spaces). */
static void
stdout_push_result(void *arg, struct mb_op *op, struct lua_State *L)
{
	luaL_Buffer	b;
	uint32_t	i;

	luaL_buffinit(L, &b);
	for (i = 0; i < op->argc; i++) {
		if (i > 0)
			luaL_addchar(&b, ' ');
		luaL_addlstring(&b, op->argv[i].ptr, op->argv[i].len);
	}
	luaL_pushresult(&b);
}

const struct mb_driver mb_driver_stdout = {
	.name = "stdout",
	.summary = "prints each rendered op (text, json or csv) instead of "
	    "running it",
	.help =
	    "stdout shows what a workload would send: each op rendered for its "
	    "cycle,\none line per op. The same cycles always print the same "
	    "lines, whatever\nthe threads; lines of different motors never mix "
	    "but their order may.\n",
	.params = stdout_params,
	.flags = MB_DRIVER_SYNC,
	.op_size = 0,
	.init = stdout_init,
	.fini = stdout_fini,
	.open = stdout_open,
	.close = stdout_close,
	.submit = stdout_submit,
	.cancel = stdout_cancel,
	.push_result = stdout_push_result,
};
