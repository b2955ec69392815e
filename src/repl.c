/* The REPL: a Lua prompt over live activities (see repl.h). */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>
#include <lauxlib.h>
#include <editline/readline.h>

#include "activity.h"
#include "activity_config.h"
#include "clock.h"
#include "drivers.h"
#include "hdr.h"
#include "help.h"
#include "lua_env.h"
#include "params.h"
#include "repl.h"
#include "scenario.h"
#include "units.h"
#include "xmalloc.h"

#define REPL_PROMPT		"mb> "
#define REPL_PROMPT_MORE	"..> "
#define REPL_HISTORY		".moonbench_history"
#define REPL_HISTORY_MAX	1000

struct repl {
	struct mb_scenario	*sc;
	lua_State		*L;
	struct mb_control	*ctl;
	int			 mod;		/* moonbench.repl, a ref */
	struct event		*stdin_ev;
	struct event		*next_ev;	/* go on with the input */
	struct event		*sigint_ev;
	int			 tty;		/* stdin and stdout: a terminal */
	int			 pollable;	/* stdin is no regular file */
	int			 prompt;	/* libedit's handler is on */
	int			 eof;		/* input ended: stop, then quit */
	int			 quitting;
	int			 status;	/* the exit status */
	char			*chunk;		/* a statement not complete yet */
	char			*in;		/* input not run yet (no tty) */
	size_t			 inlen;
	int			 in_eof;
	char			*history;	/* the history file, or NULL */
	char			*last;		/* the last line in history */
	int			 watching;	/* watch() waits for a key */
	int			 key;		/* one came */
	struct termios		 tio;		/* the terminal before watch() */
	char		       **matches;	/* completions being offered */
	size_t			 nmatches;
	size_t			 imatch;
};

/* libedit's callbacks take no argument. */
static struct repl	*repl_self;

static void	repl_line_cb(char *);

/* Call moonbench.repl's function name with the nargs on top. */
static int
repl_call(struct repl *r, const char *name, int nargs, int nresults,
    char **cause)
{
	lua_rawgeti(r->L, LUA_REGISTRYINDEX, r->mod);
	lua_getfield(r->L, -1, name);
	lua_remove(r->L, -2);
	lua_insert(r->L, -(nargs + 1));
	return (mb_lua_pcall(r->L, nargs, nresults, cause));
}

/* An error at the prompt: its message, without moonbench's traceback. */
static void
repl_error(const char *msg)
{
	const char	*tb;

	fflush(stdout);
	tb = strstr(msg, "\nstack traceback:");
	fprintf(stderr, "%.*s\n", tb != NULL ? (int)(tb - msg) :
	    (int)strlen(msg), msg);
	fflush(stderr);
}

static void
repl_prompt_on(struct repl *r)
{
	if (r->prompt)
		return;
	rl_callback_handler_install(r->chunk != NULL ? REPL_PROMPT_MORE :
	    REPL_PROMPT, repl_line_cb);
	r->prompt = 1;
}

static void
repl_prompt_off(struct repl *r)
{
	if (!r->prompt)
		return;
	rl_callback_handler_remove();
	r->prompt = 0;
}

/* watch() ended (or its line did): the terminal as it was. */
static void
repl_watch_end(struct repl *r)
{
	if (!r->watching)
		return;
	tcsetattr(STDIN_FILENO, TCSANOW, &r->tio);
	event_del(r->stdin_ev);
	r->watching = 0;
}

static void
repl_next(struct repl *r)
{
	event_active(r->next_ev, EV_TIMEOUT, 0);
}

/* Nothing runs and the input has ended: quit. */
static void
repl_settle(void *arg)
{
	struct repl	*r = arg;

	if (r->eof && !r->quitting && !mb_scenario_busy(r->sc) &&
	    mb_control_live(r->ctl) == 0) {
		r->quitting = 1;
		mb_control_quit(r->ctl);
	}
}

/* The end of input (Ctrl-D): stop what runs; the summaries print as each
 * ends, then the loop quits. */
static void
repl_eof(struct repl *r)
{
	if (r->eof)
		return;
	r->eof = 1;
	if (r->chunk != NULL) {
		fprintf(stderr, "moonbench: repl: the input ended inside a "
		    "statement: %s\n", r->chunk);
		free(r->chunk);
		r->chunk = NULL;
	}
	mb_control_stop_all(r->ctl);
	repl_settle(r);
}

/* Compile a line (with what came before it, if that was incomplete) and
 * run it as the coroutine: 1 if it was started. */
static int
repl_run(struct repl *r, const char *line)
{
	char	*text, *cause = NULL;

	if (r->chunk == NULL && line[strspn(line, " \t\r")] == '\0')
		return (0);
	text = r->chunk != NULL ? xfmt("%s\n%s", r->chunk, line) :
	    xstrdup(line);
	free(r->chunk);
	r->chunk = NULL;
	lua_pushstring(r->L, text);
	if (repl_call(r, "compile", 1, 3, &cause) != 0) {
		repl_error(cause);
		free(cause);
		free(text);
		return (0);
	}
	if (lua_isfunction(r->L, -3)) {
		lua_pop(r->L, 2);
		free(text);
		mb_scenario_spawn(r->sc);
		return (1);
	}
	if (lua_toboolean(r->L, -1))
		r->chunk = text;	/* more to come */
	else {
		repl_error(lua_tostring(r->L, -2));
		free(text);
	}
	lua_pop(r->L, 3);
	return (0);
}

/* ------------------------------------------------------------------ */
/* History: ~/.moonbench_history, one line each, plain text. */

static void
repl_history_load(struct repl *r)
{
	const char	*home = getenv("HOME");
	FILE		*f;
	char		*lines[REPL_HISTORY_MAX], *line = NULL;
	size_t		 size = 0, n = 0, i, first;
	ssize_t		 len;

	memset(lines, 0, sizeof lines);
	if (home == NULL || *home == '\0')
		return;
	r->history = xfmt("%s/%s", home, REPL_HISTORY);
	if ((f = fopen(r->history, "r")) == NULL)
		return;
	/* The last REPL_HISTORY_MAX lines, in a ring. */
	while ((len = getline(&line, &size, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		free(lines[n % REPL_HISTORY_MAX]);
		lines[n % REPL_HISTORY_MAX] = xstrdup(line);
		n++;
	}
	free(line);
	fclose(f);
	first = n > REPL_HISTORY_MAX ? n - REPL_HISTORY_MAX : 0;
	/* A file grown well past the limit is cut back to it. */
	f = n > 2 * REPL_HISTORY_MAX ? fopen(r->history, "w") : NULL;
	for (i = first; i < n; i++) {
		add_history(lines[i % REPL_HISTORY_MAX]);
		if (f != NULL)
			fprintf(f, "%s\n", lines[i % REPL_HISTORY_MAX]);
	}
	if (f != NULL)
		fclose(f);
	if (n > 0)
		r->last = xstrdup(lines[(n - 1) % REPL_HISTORY_MAX]);
	for (i = 0; i < REPL_HISTORY_MAX; i++)
		free(lines[i]);
}

/* Each line is appended as it is entered: a crash keeps it too. */
static void
repl_history_add(struct repl *r, const char *line)
{
	FILE	*f;

	if (r->last != NULL && strcmp(r->last, line) == 0)
		return;
	add_history(line);
	free(r->last);
	r->last = xstrdup(line);
	if (r->history == NULL || (f = fopen(r->history, "a")) == NULL)
		return;
	fprintf(f, "%s\n", line);
	fclose(f);
}

/* ------------------------------------------------------------------ */
/* Completion: moonbench.repl's complete() offers the candidates. */

static char *
repl_generate(const char *text, int state)
{
	struct repl	*r = repl_self;

	if (state == 0)
		r->imatch = 0;
	if (r->imatch < r->nmatches)
		return (xstrdup(r->matches[r->imatch++]));
	return (NULL);
}

static char **
repl_complete(const char *text, int start, int end)
{
	struct repl	*r = repl_self;
	char		*cause = NULL;
	size_t		 i, n;

	rl_attempted_completion_over = 1;	/* no file names */
	rl_completion_append_character = '\0';
	for (i = 0; i < r->nmatches; i++)
		free(r->matches[i]);
	r->nmatches = 0;
	lua_pushstring(r->L, text);
	lua_pushstring(r->L, rl_line_buffer != NULL ? rl_line_buffer : "");
	lua_pushinteger(r->L, start);
	if (repl_call(r, "complete", 3, 1, &cause) != 0) {
		free(cause);
		return (NULL);
	}
	n = lua_istable(r->L, -1) ? lua_objlen(r->L, -1) : 0;
	r->matches = xreallocarray(r->matches, n + 1, sizeof *r->matches);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(r->L, -1, (int)i);
		if (lua_type(r->L, -1) == LUA_TSTRING)
			r->matches[r->nmatches++] = xstrdup(lua_tostring(r->L,
			    -1));
		lua_pop(r->L, 1);
	}
	lua_pop(r->L, 1);
	if (r->nmatches == 0)
		return (NULL);
	return (rl_completion_matches(text, repl_generate));
}

/* ------------------------------------------------------------------ */
/* Events of the control loop. */

/* A line from libedit (NULL: Ctrl-D on an empty line). */
static void
repl_line_cb(char *line)
{
	struct repl	*r = repl_self;

	repl_prompt_off(r);
	event_del(r->stdin_ev);
	if (line == NULL) {
		fputs("\n", stdout);
		fflush(stdout);
		repl_eof(r);
		return;
	}
	if (line[strspn(line, " \t")] != '\0')
		repl_history_add(r, line);
	if (repl_run(r, line) == 0)
		repl_next(r);
	free(line);
}

/* Read what stdin has (no terminal): 0, or -1 at its end. */
static int
repl_fill(struct repl *r)
{
	char	buf[4096];
	ssize_t	n;

	do
		n = read(STDIN_FILENO, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return (0);
	if (n <= 0) {
		r->in_eof = 1;
		return (-1);
	}
	r->in = xrealloc(r->in, r->inlen + (size_t)n + 1);
	memcpy(r->in + r->inlen, buf, (size_t)n);
	r->inlen += (size_t)n;
	return (0);
}

/* The next line of input, or NULL. */
static char *
repl_take(struct repl *r)
{
	char	*nl, *line;
	size_t	 len;

	nl = r->inlen > 0 ? memchr(r->in, '\n', r->inlen) : NULL;
	if (nl == NULL && !(r->in_eof && r->inlen > 0))
		return (NULL);
	len = nl != NULL ? (size_t)(nl - r->in) : r->inlen;
	line = xmalloc(len + 1);
	memcpy(line, r->in, len);
	line[len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[len - 1] = '\0';
	if (nl != NULL)
		len++;
	memmove(r->in, r->in + len, r->inlen - len);
	r->inlen -= len;
	return (line);
}

/* Go on with the input once nothing runs: the prompt on a terminal, else
 * the next line (each runs to its end before the next is read). */
static void
repl_next_cb(evutil_socket_t fd, short what, void *arg)
{
	struct repl	*r = arg;
	char		*line;
	int		 started;

	if (mb_scenario_busy(r->sc))
		return;
	fflush(stdout);
	if (r->eof) {
		repl_settle(r);
		return;
	}
	if (r->tty) {
		repl_prompt_on(r);
		event_add(r->stdin_ev, NULL);
		return;
	}
	for (;;) {
		if ((line = repl_take(r)) != NULL) {
			started = repl_run(r, line);
			free(line);
			if (started)
				return;	/* its end calls this again */
			continue;
		}
		if (r->in_eof) {
			repl_eof(r);
			return;
		}
		if (r->pollable) {
			event_add(r->stdin_ev, NULL);
			return;
		}
		repl_fill(r);	/* a file: this read does not block */
	}
}

static void
repl_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct repl	*r = arg;
	char		 buf[64];

	if (r->tty) {
		if (mb_scenario_busy(r->sc)) {
			/* Only watch() listens while a line runs. */
			if (read(STDIN_FILENO, buf, sizeof buf) > 0 &&
			    r->watching)
				r->key = 1;
			return;
		}
		if (r->prompt)
			rl_callback_read_char();
		return;
	}
	event_del(r->stdin_ev);
	repl_fill(r);
	repl_next(r);
}

/* Ctrl-C: ends the running line's wait, or drops what was typed; the
 * activities go on either way. */
static void
repl_sigint_cb(evutil_socket_t sig, short what, void *arg)
{
	struct repl	*r = arg;

	if (mb_scenario_busy(r->sc)) {
		if (r->tty)
			fputs("\n", stdout);
		mb_scenario_cancel(r->sc, "interrupted");
		return;
	}
	if (r->tty && r->prompt) {
		free(r->chunk);
		r->chunk = NULL;
		rl_replace_line("", 0);
		fputs("^C\n", stdout);
		fflush(stdout);
		repl_prompt_off(r);
		repl_prompt_on(r);
	}
}

/* SIGTERM: the control loop stops every activity; the REPL ends. */
static void
repl_terminate(void *arg)
{
	struct repl	*r = arg;

	r->status = MB_EXIT_INTERRUPTED;
	repl_prompt_off(r);
	mb_scenario_cancel(r->sc, "terminated");
	repl_eof(r);
}

/* ------------------------------------------------------------------ */
/* The scenario machinery's hooks. */

static void
repl_ended(void *arg, const char *err)
{
	struct repl	*r = arg;
	lua_State	*co = mb_scenario_thread(r->sc);
	char		*cause = NULL;
	int		 n;

	repl_watch_end(r);
	if (err != NULL)
		repl_error(err);
	else if ((n = lua_gettop(co)) > 0) {
		lua_xmove(co, r->L, n);
		if (repl_call(r, "show", n, 0, &cause) != 0) {
			repl_error(cause);
			free(cause);
		}
	}
	fflush(stdout);
	repl_next(r);
}

/* A summary prints above the prompt, which is then drawn again. */
static void
repl_output(void *arg, int begin)
{
	struct repl	*r = arg;

	if (!r->tty || !r->prompt)
		return;
	if (begin) {
		fputs("\r\033[K", stdout);
		fflush(stdout);
	} else {
		fflush(stderr);
		rl_forced_update_display();
	}
}

static const struct mb_scenario_hooks repl_hooks = {
	repl_ended, repl_output, repl_settle
};

/* ------------------------------------------------------------------ */
/* moonbench.repl's C functions. */

static struct repl *
repl_upvalue(lua_State *L)
{
	return (lua_touserdata(L, lua_upvalueindex(1)));
}

static void
repl_field(lua_State *L, const char *k, double v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, k);
}

/* live(h): what status() shows, with the op/s and latencies of the last
 * whole interval (one a second) while it runs. */
static int
repl_l_live(lua_State *L)
{
	struct mb_activity		*a = mb_scenario_activity(L, 1);
	const struct mb_activity_config	*cfg = mb_activity_config(a);
	const struct mb_activity_totals	*t;
	const struct hdr		*h;
	uint64_t			 total, s = 0, e = 0;

	lua_newtable(L);
	lua_pushstring(L, cfg->alias);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, mb_state_name(mb_activity_state(a)));
	lua_setfield(L, -2, "state");
	lua_pushstring(L, cfg->driver->name);
	lua_setfield(L, -2, "driver");
	repl_field(L, "threads", cfg->threads);
	repl_field(L, "async", cfg->async);
	repl_field(L, "target", cfg->rate);
	total = mb_activity_cycles_total(a);
	if (total != MB_CYCLE_UNBOUNDED)
		repl_field(L, "cycles", (double)total);
	if (MB_STATE_TERMINAL(mb_activity_state(a))) {
		t = mb_activity_totals(a);
		repl_field(L, "ops", (double)t->ops);
		repl_field(L, "errors", (double)t->errors);
		repl_field(L, "rate", t->elapsed_ns > 0 ? (double)t->ops /
		    ((double)t->elapsed_ns / 1e9) : 0);
		h = t->response != NULL ? t->response : t->service;
	} else {
		repl_field(L, "ops", (double)mb_activity_ops(a));
		repl_field(L, "errors", (double)mb_activity_errors(a));
		h = mb_activity_interval(a);
		mb_activity_interval_times(a, &s, &e);
		repl_field(L, "rate", h != NULL && e > s ?
		    (double)hdr_count(h) / ((double)(e - s) / 1e9) : 0);
	}
	if (h != NULL && hdr_count(h) > 0) {
		repl_field(L, "p50", hdr_percentile(h, 50) / 1e9);
		repl_field(L, "p99", hdr_percentile(h, 99) / 1e9);
	}
	return (1);
}

/* watch_keys(on): while on, a key pressed ends watch() (a terminal only:
 * false without one). */
static int
repl_l_watch_keys(lua_State *L)
{
	struct repl	*r = repl_upvalue(L);
	struct termios	 t;

	if (!lua_toboolean(L, 1)) {
		repl_watch_end(r);
		return (0);
	}
	if (!r->tty || r->watching || tcgetattr(STDIN_FILENO, &r->tio) != 0) {
		lua_pushboolean(L, 0);
		return (1);
	}
	t = r->tio;
	t.c_lflag &= ~(ICANON | ECHO);	/* a key at once, unseen */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	tcflush(STDIN_FILENO, TCIFLUSH);	/* keys typed before don't count */
	r->watching = 1;
	r->key = 0;
	event_add(r->stdin_ev, NULL);
	lua_pushboolean(L, 1);
	return (1);
}

static int
repl_l_key(lua_State *L)
{
	lua_pushboolean(L, repl_upvalue(L)->key);
	return (1);
}

static int
repl_l_tty(lua_State *L)
{
	lua_pushboolean(L, repl_upvalue(L)->tty);
	return (1);
}

/* help_topic(name): moonbench --help NAME on stdout; false and why. */
static int
repl_l_help_topic(lua_State *L)
{
	char	*cause = NULL;

	fflush(stdout);
	if (mb_help_topic(stdout, luaL_checkstring(L, 1), &cause) != 0) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, cause);
		free(cause);
		return (2);
	}
	fflush(stdout);
	lua_pushboolean(L, 1);
	return (1);
}

/* params(): the names of the engine's and every driver's params. */
static int
repl_l_params(lua_State *L)
{
	const struct mb_driver *const	*d;
	const struct mb_param_spec	*p;
	int				 n = 0;

	lua_newtable(L);
	for (p = mb_engine_params; p->name != NULL; p++) {
		lua_pushstring(L, p->name);
		lua_rawseti(L, -2, ++n);
	}
	for (d = mb_drivers_all(); *d != NULL; d++) {
		for (p = (*d)->params; p != NULL && p->name != NULL; p++) {
			lua_pushstring(L, p->name);
			lua_rawseti(L, -2, ++n);
		}
	}
	return (1);
}

static int
repl_l_count(lua_State *L)
{
	char	buf[32];

	lua_pushstring(L, mb_units_count(buf, sizeof buf, luaL_checknumber(L,
	    1)));
	return (1);
}

/* Seconds, as durations are in Lua, shown as 1.92ms. */
static int
repl_l_duration(lua_State *L)
{
	char	buf[32];

	lua_pushstring(L, mb_units_ns(buf, sizeof buf, luaL_checknumber(L,
	    1) * 1e9));
	return (1);
}

static const luaL_Reg repl_lib[] = {
	{ "live", repl_l_live },
	{ "watch_keys", repl_l_watch_keys },
	{ "key", repl_l_key },
	{ "tty", repl_l_tty },
	{ "help_topic", repl_l_help_topic },
	{ "params", repl_l_params },
	{ "count", repl_l_count },
	{ "duration", repl_l_duration },
	{ NULL, NULL }
};

/* Load moonbench.repl and give it the workload (on top) and the C side. */
static int
repl_init(struct repl *r, const char *file, char **cause)
{
	const luaL_Reg	*f;
	lua_State	*L = r->L;

	lua_getglobal(L, "require");
	lua_pushstring(L, "moonbench.repl");
	if (mb_lua_pcall(L, 1, 1, cause) != 0)
		return (-1);
	r->mod = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	for (f = repl_lib; f->name != NULL; f++) {
		lua_pushlightuserdata(L, r);
		lua_pushcclosure(L, f->func, 1);
		lua_setfield(L, -2, f->name);
	}
	lua_pushstring(L, file != NULL ? file : "");
	/* init(workload, c, file): the workload's table is below. */
	return (repl_call(r, "init", 3, 0, cause));
}

static void
repl_tty_init(struct repl *r)
{
	static char	breaks[] = " \t\n\"'`@$><=;|&{(,+-*/%^~[]#)}";

	rl_catch_signals = 0;	/* the control loop has them */
	rl_readline_name = "moonbench";
	rl_basic_word_break_characters = breaks;
	rl_completer_word_break_characters = breaks;
	rl_attempted_completion_function = repl_complete;
	rl_initialize();
	repl_history_load(r);
}

int
mb_repl_main(const struct mb_control_opts *copts, int argc, char **argv)
{
	struct repl		 r;
	struct mb_control_opts	 opts = *copts;
	struct mb_params	 params;
	struct event_base	*base;
	struct stat		 st;
	const char		*file = NULL;
	char			*cause = NULL;
	int			 i, rc = MB_EXIT_USAGE;

	memset(&r, 0, sizeof r);
	mb_params_init(&params);
	if (argc > 0 && strchr(argv[0], '=') == NULL) {
		file = argv[0];
		argc--;
		argv++;
	}
	for (i = 0; i < argc; i++) {
		if (mb_params_add(&params, argv[i], &cause) != 0)
			goto fail;
	}
	/* No progress line under a prompt: status() and watch() show it. */
	opts.progress_ns = 0;
	r.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	r.pollable = r.tty || (fstat(STDIN_FILENO, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)));
	r.mod = LUA_NOREF;
	repl_self = &r;
	if ((r.sc = mb_scenario_open(file, &params, &opts, &repl_hooks, &r,
	    &cause)) == NULL)
		goto fail;
	r.L = mb_scenario_lua(r.sc);
	r.ctl = mb_scenario_control(r.sc);
	rc = MB_EXIT_FAILED;
	if (repl_init(&r, file, &cause) != 0)
		goto fail;
	base = mb_control_base(r.ctl);
	r.sigint_ev = evsignal_new(base, SIGINT, repl_sigint_cb, &r);
	r.stdin_ev = event_new(base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    repl_stdin_cb, &r);
	r.next_ev = event_new(base, -1, 0, repl_next_cb, &r);
	if (r.sigint_ev == NULL || r.stdin_ev == NULL || r.next_ev == NULL ||
	    event_add(r.sigint_ev, NULL) != 0) {
		cause = xstrdup("cannot create the REPL's events");
		goto fail;
	}
	mb_control_sigint_off(r.ctl);
	mb_control_on_interrupt(r.ctl, repl_terminate, &r);
	if (r.tty) {
		repl_tty_init(&r);
		fprintf(stderr, "moonbench %s: a Lua prompt over live "
		    "activities; help() for help, Ctrl-D to quit\n",
		    PACKAGE_VERSION);
	}
	repl_next(&r);
	mb_control_loop(r.ctl);
	repl_prompt_off(&r);
	repl_watch_end(&r);
	fflush(stdout);
	rc = r.status;
fail:
	if (cause != NULL) {
		fprintf(stderr, "moonbench: %s\n", cause);
		free(cause);
	}
	if (r.sigint_ev != NULL)
		event_free(r.sigint_ev);
	if (r.stdin_ev != NULL)
		event_free(r.stdin_ev);
	if (r.next_ev != NULL)
		event_free(r.next_ev);
	mb_scenario_close(r.sc);
	mb_params_free(&params);
	for (i = 0; i < (int)r.nmatches; i++)
		free(r.matches[i]);
	free(r.matches);
	free(r.chunk);
	free(r.in);
	free(r.history);
	free(r.last);
	repl_self = NULL;
	return (rc);
}
