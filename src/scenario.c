/* Scenarios: named Lua functions run as coroutines by the control loop. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <lauxlib.h>

#include "activity.h"
#include "activity_config.h"
#include "clock.h"
#include "drivers.h"
#include "hdr.h"
#include "lua_env.h"
#include "scenario.h"
#include "summary.h"
#include "sweep.h"
#include "threshold.h"
#include "xmalloc.h"

struct scenario {
	const char			*file;
	const char			*name;
	const struct mb_params		*cli;
	struct mb_control_opts		 opts;
	struct mb_control		*ctl;
	struct mb_lua_ctx		 ctx;
	lua_State			*L;
	lua_State			*co;		/* the scenario */
	struct event			*resume_ev;
	struct event			*sleep_ev;
	struct mb_activity		**acts;		/* all it started */
	size_t				 nacts;
	struct mb_activity		*waiting;	/* a:await() on it */
	char				*driver;	/* the workload's */
	int				 running;	/* not ended yet */
	char				*cause;		/* why it failed */
	/* The REPL (mb_scenario_open): a coroutine per line, its hooks. */
	const struct mb_scenario_hooks	*hooks;
	void				*hooks_arg;
	int				 coref;		/* the line's thread */
	int				 nargs;		/* for the next resume */
	/* Sweeps (issue #11): their core functions' state; a built-in
	 * sweep scenario's function, and the params left to activities. */
	struct mb_sweep_env		 sweep;
	int				 builtin_ref;	/* 0: none */
	struct mb_params		 cli_rest;
};

/* What a Lua activity handle holds. */
struct scenario_handle {
	struct mb_activity	*a;
};

static void	scenario_step(struct scenario *);

static struct scenario *
scenario_self(lua_State *L)
{
	return (lua_touserdata(L, lua_upvalueindex(1)));
}

static struct mb_activity *
scenario_check(lua_State *L, int idx)
{
	struct scenario_handle	*h = lua_touserdata(L, idx);

	if (h == NULL)
		luaL_error(L, "expected an activity from mb.start");
	return (h->a);
}

/* The scenario can end: it returned or failed and nothing still runs. */
static void
scenario_maybe_quit(struct scenario *s)
{
	if (s->hooks != NULL) {		/* the REPL decides */
		s->hooks->settle(s->hooks_arg);
		return;
	}
	if (!s->running && mb_control_live(s->ctl) == 0)
		mb_control_quit(s->ctl);
}

static void
scenario_fail(struct scenario *s, char *cause)
{
	if (s->hooks != NULL) {		/* a REPL line failed, not the run */
		s->running = 0;
		s->hooks->ended(s->hooks_arg, cause);
		free(cause);
		scenario_maybe_quit(s);
		return;
	}
	if (s->cause == NULL)
		s->cause = cause;
	else
		free(cause);
	s->running = 0;
	mb_control_stop_all(s->ctl);
	scenario_maybe_quit(s);
}

/* Raise a message without a position: moonbench's Lua wrappers re-raise
 * it at the scenario's line, not at theirs. */
static int
scenario_raise(lua_State *L, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	return (lua_error(L));
}

/* A value of an mb.start table as param text. */
static const char *
scenario_text(lua_State *L, int idx, char *buf, size_t len)
{
	double	d;

	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
		return (lua_tostring(L, idx));
	case LUA_TBOOLEAN:
		return (lua_toboolean(L, idx) ? "true" : "false");
	case LUA_TNUMBER:
		d = lua_tonumber(L, idx);
		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(buf, len, "%.0f", d);
		else
			snprintf(buf, len, "%.17g", d);
		return (buf);
	}
	return (NULL);
}

/* Does this activity know the param (so the command line applies)? */
static int
scenario_knows(struct scenario *s, const char *driver, const char *name)
{
	const struct mb_driver		*d;
	const struct mb_param_spec	*tables[3];

	d = driver != NULL ? mb_drivers_find(driver) : NULL;
	tables[0] = mb_engine_params;
	tables[1] = d != NULL ? d->params : NULL;
	tables[2] = NULL;
	if (mb_params_find(tables, name) != NULL)
		return (1);
	return (mb_params_get(&s->ctx.declared, name) != NULL);
}

static void
scenario_done(struct mb_activity *a, void *arg)
{
	struct scenario	*s = arg;

	if (!s->opts.quiet || mb_activity_state(a) == MB_STATE_ERRORED) {
		if (s->hooks != NULL)	/* above the REPL's prompt */
			s->hooks->output(s->hooks_arg, 1);
		if (mb_activity_cause(a) != NULL)
			fprintf(stderr, "moonbench: %s: %s\n",
			    mb_activity_config(a)->alias, mb_activity_cause(a));
		mb_summary_print(stderr, a);
		if (s->hooks != NULL)
			s->hooks->output(s->hooks_arg, 0);
	}
	/* --threshold bounds, after the summary they judge. */
	if (s->opts.thresholds != NULL && s->opts.thresholds->n > 0 &&
	    MB_STATE_TERMINAL(mb_activity_state(a)))
		mb_thresholds_check(s->opts.thresholds, a, stderr,
		    s->opts.thresholds);
	if (mb_control_interrupted(s->ctl))
		s->running = 0;
	if (s->waiting == a) {
		s->waiting = NULL;
		if (s->running)
			event_active(s->resume_ev, EV_TIMEOUT, 0);
	}
	scenario_maybe_quit(s);
}

/* core.start(values, pinned): the activity of an mb.start table. */
static int
scenario_l_start(lua_State *L)
{
	struct scenario		*s = scenario_self(L);
	struct scenario_handle	*h;
	struct mb_params	 p;
	struct mb_activity	*a;
	const char		*text, *driver;
	char			 buf[64], *cause = NULL;
	size_t			 i;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	mb_params_init(&p);
	lua_pushnil(L);
	while (lua_next(L, 1) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING ||
		    (text = scenario_text(L, -1, buf, sizeof buf)) == NULL) {
			mb_params_free(&p);
			return (scenario_raise(L, "mb.start: param '%s' must be a "
			    "number, a string or a boolean", lua_type(L, -2) ==
			    LUA_TSTRING ? lua_tostring(L, -2) : "?"));
		}
		mb_params_set(&p, lua_tostring(L, -2), text);
		lua_pop(L, 1);
	}
	/* The command line beats the table, but not what the table pins,
	 * and reaches only activities that know the param. */
	driver = mb_params_get(&p, "driver");
	if (driver == NULL)
		driver = mb_params_get(s->cli, "driver");
	if (driver == NULL)
		driver = s->driver;
	for (i = 0; i < s->cli->n; i++) {
		lua_getfield(L, 2, s->cli->v[i].name);
		if (!lua_toboolean(L, -1) &&
		    scenario_knows(s, driver, s->cli->v[i].name))
			mb_params_set(&p, s->cli->v[i].name,
			    s->cli->v[i].value);
		lua_pop(L, 1);
	}
	if (mb_params_get(&p, "workload") == NULL && s->file != NULL)
		mb_params_set(&p, "workload", s->file);
	a = mb_activity_new(&p, NULL, 1, &cause);
	mb_params_free(&p);
	if (a == NULL)
		goto fail;
	s->acts = xreallocarray(s->acts, s->nacts + 1, sizeof *s->acts);
	s->acts[s->nacts++] = a;
	if (mb_control_start(s->ctl, a, scenario_done, s, &cause) != 0)
		goto fail;
	h = lua_newuserdata(L, sizeof *h);
	h->a = a;
	return (1);
fail:
	lua_pushfstring(L, "mb.start: %s", cause);
	free(cause);
	return (lua_error(L));
}

static int
scenario_l_ended(lua_State *L)
{
	lua_pushboolean(L, MB_STATE_TERMINAL(mb_activity_state(
	    scenario_check(L, 1))));
	return (1);
}

static int
scenario_l_stop(lua_State *L)
{
	mb_activity_stop(scenario_check(L, 1));
	return (0);
}

static int
scenario_l_get(lua_State *L)
{
	struct mb_activity		*a = scenario_check(L, 1);
	const struct mb_activity_config	*cfg = mb_activity_config(a);
	const char			*k = luaL_checkstring(L, 2);

	if (strcmp(k, "threads") == 0)
		lua_pushnumber(L, cfg->threads);
	else if (strcmp(k, "async") == 0)
		lua_pushnumber(L, cfg->async);
	else if (strcmp(k, "rate") == 0)
		lua_pushnumber(L, cfg->rate);
	else if (strcmp(k, "name") == 0)
		lua_pushstring(L, cfg->alias);
	else if (strcmp(k, "state") == 0)
		lua_pushstring(L, mb_state_name(mb_activity_state(a)));
	else
		lua_pushnil(L);
	return (1);
}

static int
scenario_l_set(lua_State *L, int threads)
{
	struct mb_activity	*a = scenario_check(L, 1);
	lua_Number		 n = luaL_checknumber(L, 2);
	char			*cause = NULL;
	int			 rc;

	if (threads == 2) {
		if (mb_activity_set_rate(a, n, &cause) != 0)
			goto fail;
		return (0);
	}
	if (n != floor(n) || n < 1 || n > 4294967295.0)
		return (scenario_raise(L, "a.%s: expected a whole number above 0, "
		    "got %f", threads ? "threads" : "async", n));
	rc = threads ? mb_activity_set_threads(a, (uint32_t)n, &cause) :
	    mb_activity_set_async(a, (uint32_t)n, &cause);
	if (rc != 0)
		goto fail;
	return (0);
fail:
	lua_pushfstring(L, "a.%s", cause);
	free(cause);
	return (lua_error(L));
}

static int
scenario_l_set_threads(lua_State *L)
{
	return (scenario_l_set(L, 1));
}

static int
scenario_l_set_async(lua_State *L)
{
	return (scenario_l_set(L, 0));
}

static int
scenario_l_set_rate(lua_State *L)
{
	return (scenario_l_set(L, 2));
}

static void
scenario_field(lua_State *L, const char *k, double v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, k);
}

/* core.metrics(h): a snapshot so far: ops, errors, rate, elapsed, and the
 * latencies of the intervals collected so far (one a second). */
static int
scenario_l_metrics(lua_State *L)
{
	struct mb_activity		*a = scenario_check(L, 1);
	const struct mb_activity_totals	*t = mb_activity_totals(a);
	const struct hdr		*h;
	uint64_t			 t0, ops;
	double				 secs;

	lua_newtable(L);
	lua_pushstring(L, mb_activity_config(a)->alias);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, mb_state_name(mb_activity_state(a)));
	lua_setfield(L, -2, "state");
	if (mb_activity_cause(a) != NULL) {
		lua_pushstring(L, mb_activity_cause(a));
		lua_setfield(L, -2, "cause");
	}
	if (!MB_STATE_TERMINAL(mb_activity_state(a))) {
		t0 = mb_activity_started_ns(a);
		ops = mb_activity_ops(a);
		secs = t0 != 0 ? (double)(mb_clock_ns() - t0) / 1e9 : 0;
		scenario_field(L, "ops", (double)ops);
		scenario_field(L, "errors", (double)mb_activity_errors(a));
		scenario_field(L, "inflight", (double)mb_activity_inflight(a));
		scenario_field(L, "elapsed", secs);
		scenario_field(L, "rate", secs > 0 ? (double)ops / secs : 0);
		/* Latencies of the intervals collected so far. */
		h = mb_activity_so_far(a);
		if (hdr_count(h) > 0) {
			scenario_field(L, "p50", hdr_percentile(h, 50) / 1e9);
			scenario_field(L, "p90", hdr_percentile(h, 90) / 1e9);
			scenario_field(L, "p99", hdr_percentile(h, 99) / 1e9);
			scenario_field(L, "p999", hdr_percentile(h, 99.9) /
			    1e9);
			scenario_field(L, "max", hdr_max(h) / 1e9);
		}
		return (1);
	}
	secs = (double)t->elapsed_ns / 1e9;
	scenario_field(L, "ops", (double)t->ops);
	scenario_field(L, "ok", (double)t->ok);
	scenario_field(L, "errors", (double)t->errors);
	scenario_field(L, "aborted", (double)t->aborted);
	scenario_field(L, "elapsed", secs);
	scenario_field(L, "rate", secs > 0 ? (double)t->ops / secs : 0);
	/* Service time in seconds, as durations are everywhere in Lua. */
	scenario_field(L, "p50", hdr_percentile(t->service, 50) / 1e9);
	scenario_field(L, "p90", hdr_percentile(t->service, 90) / 1e9);
	scenario_field(L, "p99", hdr_percentile(t->service, 99) / 1e9);
	scenario_field(L, "p999", hdr_percentile(t->service, 99.9) / 1e9);
	scenario_field(L, "max", hdr_max(t->service) / 1e9);
	scenario_field(L, "mean", hdr_mean(t->service) / 1e9);
	return (1);
}

/* core.duration("5s" or seconds) -> seconds */
static int
scenario_l_duration(lua_State *L)
{
	uint64_t	 ns;
	char		*cause = NULL;

	if (lua_type(L, 1) == LUA_TNUMBER) {
		if (lua_tonumber(L, 1) < 0 || lua_tonumber(L, 1) > 1e9)
			return (scenario_raise(L, "mb.sleep: expected seconds from "
			    "0, got %f", lua_tonumber(L, 1)));
		lua_pushnumber(L, lua_tonumber(L, 1));
		return (1);
	}
	if (mb_param_duration("mb.sleep", luaL_checkstring(L, 1), &ns,
	    &cause) != 0) {
		lua_pushstring(L, cause);
		free(cause);
		return (lua_error(L));
	}
	lua_pushnumber(L, (double)ns / 1e9);
	return (1);
}

static int
scenario_l_log(lua_State *L)
{
	struct scenario	*s = scenario_self(L);

	fprintf(stderr, "%s: %s\n", s->name, luaL_checkstring(L, 1));
	return (0);
}

static const luaL_Reg scenario_core[] = {
	{ "start", scenario_l_start },
	{ "ended", scenario_l_ended },
	{ "stop", scenario_l_stop },
	{ "get", scenario_l_get },
	{ "set_threads", scenario_l_set_threads },
	{ "set_async", scenario_l_set_async },
	{ "set_rate", scenario_l_set_rate },
	{ "metrics", scenario_l_metrics },
	{ "duration", scenario_l_duration },
	{ "log", scenario_l_log },
	{ NULL, NULL }
};

/* Add the controller's functions to moonbench.core, before the file
 * loads moonbench (which looks for them). */
static int
scenario_core_add(struct scenario *s, char **cause)
{
	const luaL_Reg	*r;
	lua_State	*L = s->L;

	lua_getglobal(L, "require");
	lua_pushstring(L, "moonbench.core");
	if (mb_lua_pcall(L, 1, 1, cause) != 0)
		return (-1);
	for (r = scenario_core; r->name != NULL; r++) {
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, r->func, 1);
		lua_setfield(L, -2, r->name);
	}
	s->sweep.thresholds = s->opts.thresholds;
	s->sweep.report = s->opts.report;
	mb_sweep_core_add(L, &s->sweep);
	lua_pop(L, 1);
	return (0);
}

/* Run the coroutine until it waits, ends or fails. */
static void
scenario_step(struct scenario *s)
{
	struct mb_activity	*a;
	struct timeval		 tv;
	const char		*what;
	int			 rc;

	for (;;) {
		rc = lua_resume(s->co, s->nargs);
		s->nargs = 0;
		if (rc == 0) {
			s->running = 0;
			if (s->hooks != NULL)	/* its results on s->co */
				s->hooks->ended(s->hooks_arg, NULL);
			scenario_maybe_quit(s);
			return;
		}
		if (rc != LUA_YIELD) {
			luaL_traceback(s->L, s->co, lua_tostring(s->co, -1), 0);
			scenario_fail(s, xstrdup(lua_tostring(s->L, -1)));
			lua_pop(s->L, 1);
			return;
		}
		what = lua_tostring(s->co, 1);
		if (what != NULL && strcmp(what, "await") == 0) {
			a = ((struct scenario_handle *)lua_touserdata(s->co,
			    2))->a;
			lua_settop(s->co, 0);
			if (MB_STATE_TERMINAL(mb_activity_state(a)))
				continue;
			s->waiting = a;
			return;
		}
		if (what != NULL && strcmp(what, "sleep") == 0) {
			tv = mb_clock_timeval((uint64_t)(lua_tonumber(s->co, 2) *
			    1e9));
			lua_settop(s->co, 0);
			evtimer_add(s->sleep_ev, &tv);
			return;
		}
		lua_settop(s->co, 0);
		scenario_fail(s, xstrdup("a scenario waits only through "
		    "mb.run, a:await() and mb.sleep, not coroutine.yield"));
		return;
	}
}

static void
scenario_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scenario	*s = arg;

	if (mb_control_interrupted(s->ctl))
		s->running = 0;
	if (s->running)
		scenario_step(s);
	scenario_maybe_quit(s);
}

static void
scenario_interrupt(void *arg)
{
	struct scenario	*s = arg;

	/* Ctrl-C: no next step; the activities are being stopped. */
	s->running = 0;
	event_del(s->sleep_ev);
	scenario_maybe_quit(s);
}

/* Load the file in the controller's state: the returned table on top. */
static int
scenario_load(struct scenario *s, char **cause)
{
	lua_State	*L = s->L;

	if (luaL_loadfile(L, s->file) != 0) {
		*cause = xstrdup(lua_tostring(L, -1));
		return (-1);
	}
	if (mb_lua_pcall(L, 0, 1, cause) != 0) {
		if (s->ctx.param_error != NULL) {
			free(*cause);
			*cause = s->ctx.param_error;
			s->ctx.param_error = NULL;
		}
		return (-1);
	}
	if (!lua_istable(L, -1)) {
		*cause = xfmt("%s: a workload returns a table, this one "
		    "returned a %s", s->file, luaL_typename(L, -1));
		return (-1);
	}
	lua_getfield(L, -1, "driver");
	if (lua_type(L, -1) == LUA_TSTRING)
		s->driver = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	return (0);
}

/* The names of the scenarios table on top, sorted, as one string. */
static char *
scenario_names(lua_State *L)
{
	char	*list = NULL, *old, **names = NULL;
	size_t	 n = 0, i, j;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(lua_tostring(L, -1));
	}
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			old = names[j];
			names[j] = names[j - 1];
			names[j - 1] = old;
		}
	}
	for (i = 0; i < n; i++) {
		old = list;
		xasprintf(&list, "%s%s%s", old != NULL ? old : "",
		    old != NULL ? ", " : "", names[i]);
		free(old);
		free(names[i]);
	}
	free(names);
	return (list != NULL ? list : xstrdup("(none)"));
}

/* A workload without scenarios runs its main block. */
static const char scenario_main_block[] = "require('moonbench').run({})";

/* Push the scenario's function (from the table on top). */
static int
scenario_find(struct scenario *s, char **cause)
{
	lua_State	*L = s->L;
	const char	*type;
	char		*names;

	if (s->builtin_ref != 0) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, s->builtin_ref);
		return (0);
	}
	lua_getfield(L, -1, "scenarios");
	if (lua_isnil(L, -1) && strcmp(s->name, "default") == 0) {
		/* No scenarios: the default runs the default block. */
		lua_pop(L, 1);
		return (luaL_loadbuffer(L, scenario_main_block, strlen(scenario_main_block), "=(its main block)") ==
		    0 ? 0 : -1);
	}
	if (!lua_istable(L, -1)) {
		*cause = xfmt("%s: has no scenarios (scenarios = { NAME = "
		    "function() ... end }); 'moonbench %s' runs its main "
		    "block", s->file, s->file);
		return (-1);
	}
	lua_getfield(L, -1, s->name);
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, "run");
		lua_remove(L, -2);
	}
	if (!lua_isfunction(L, -1)) {
		type = lua_typename(L, lua_type(L, -1));
		lua_pop(L, 1);
		names = scenario_names(L);
		if (strcmp(type, "nil") != 0)
			*cause = xfmt("%s: scenario '%s' is a %s; a scenario is "
			    "a function, or a table with run = function",
			    s->file, s->name, type);
		else
			*cause = xfmt("%s: no scenario '%s'; the scenarios "
			    "are %s", s->file, s->name, names);
		free(names);
		return (-1);
	}
	lua_remove(L, -2);
	return (0);
}

/* findmax, stepup and grid, when the workload (table on top) has no
 * scenario of that name: the sweep's options leave the command line that
 * activities get (and that scenario_check_cli checks). */
static int
scenario_builtin(struct scenario *s, char **cause)
{
	lua_State	*L = s->L;
	const char	*chunk = mb_sweep_chunk();
	int		 has = 0;

	if (!mb_sweep_builtin(s->name))
		return (0);
	lua_getfield(L, -1, "scenarios");
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, s->name);
		has = !lua_isnil(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (has)
		return (0);
	if (luaL_loadbuffer(L, chunk, strlen(chunk), "=(built-in sweep)") !=
	    0) {
		*cause = xstrdup(lua_tostring(L, -1));
		return (-1);
	}
	lua_pushstring(L, s->name);
	mb_sweep_split(s->name, s->cli, &s->cli_rest, L);
	if (mb_lua_pcall(L, 2, 1, cause) != 0)
		return (-1);
	s->builtin_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	s->cli = &s->cli_rest;
	return (0);
}

/* Every command-line param must be known somewhere: the engine, a
 * driver, or the workload. */
static int
scenario_check_cli(struct scenario *s, char **cause)
{
	const struct mb_driver *const	*d;
	const struct mb_param_spec	*tables[24];
	struct mb_param_spec		*declared;
	size_t				 n = 0, i;
	int				 rc;

	declared = xcalloc(s->ctx.declared.n + 1, sizeof *declared);
	for (i = 0; i < s->ctx.declared.n; i++) {
		declared[i].name = s->ctx.declared.v[i].name;
		declared[i].type = MB_PARAM_STRING;
	}
	tables[n++] = mb_engine_params;
	tables[n++] = declared;
	for (d = mb_drivers_all(); *d != NULL && n < 23; d++)
		tables[n++] = (*d)->params;
	tables[n] = NULL;
	rc = mb_params_validate(s->cli, tables, cause);
	free(declared);
	return (rc);
}

int
mb_scenario_run(const char *file, const char *name,
    const struct mb_params *cli, const struct mb_control_opts *opts,
    char **cause)
{
	struct scenario	 s;
	int		 rc = MB_EXIT_USAGE;
	unsigned	 failed0;
	size_t		 i;

	memset(&s, 0, sizeof s);
	mb_params_init(&s.cli_rest);
	failed0 = opts->thresholds != NULL ? opts->thresholds->failed : 0;
	s.file = file;
	s.name = name != NULL ? name : "default";
	s.cli = cli;
	s.opts = *opts;
	s.ctx.given = cli;
	mb_params_init(&s.ctx.declared);
	if ((s.L = mb_lua_new(&s.ctx, cause)) == NULL)
		goto out;
	if (scenario_core_add(&s, cause) != 0 || scenario_load(&s, cause) !=
	    0 || scenario_builtin(&s, cause) != 0 ||
	    scenario_check_cli(&s, cause) != 0 ||
	    scenario_find(&s, cause) != 0)
		goto out;
	s.co = lua_newthread(s.L);
	lua_insert(s.L, -2);
	lua_xmove(s.L, s.co, 1);	/* the function, into the coroutine */
	rc = MB_EXIT_FAILED;
	if ((s.ctl = mb_control_new(opts, cause)) == NULL)
		goto out;
	mb_control_on_interrupt(s.ctl, scenario_interrupt, &s);
	s.resume_ev = event_new(mb_control_base(s.ctl), -1, 0,
	    scenario_resume_cb, &s);
	s.sleep_ev = evtimer_new(mb_control_base(s.ctl), scenario_resume_cb,
	    &s);
	s.running = 1;
	scenario_step(&s);
	if (s.running || mb_control_live(s.ctl) > 0)
		mb_control_loop(s.ctl);
	if (mb_control_interrupted(s.ctl))
		rc = MB_EXIT_INTERRUPTED;
	else if (s.cause != NULL) {
		*cause = xfmt("%s: scenario '%s': %s", file, s.name, s.cause);
		/* An activity that errored failed the run; any other error
		 * is the script's (a refused param, a Lua error). */
		rc = MB_EXIT_USAGE;
		for (i = 0; i < s.nacts; i++) {
			if (mb_activity_state(s.acts[i]) == MB_STATE_ERRORED)
				rc = MB_EXIT_FAILED;
		}
	} else
		rc = MB_EXIT_OK;
	/* A threshold not met fails a run that went well otherwise. */
	if (rc == MB_EXIT_OK && opts->thresholds != NULL &&
	    opts->thresholds->failed > failed0)
		rc = MB_EXIT_FAILED;
out:
	if (s.resume_ev != NULL)
		event_free(s.resume_ev);
	if (s.sleep_ev != NULL)
		event_free(s.sleep_ev);
	for (i = 0; i < s.nacts; i++)
		mb_activity_free(s.acts[i]);
	free(s.acts);
	mb_lua_close(s.L);
	mb_control_free(s.ctl);
	free(s.ctx.param_error);
	mb_params_free(&s.ctx.declared);
	free(s.driver);
	free(s.cause);
	mb_params_free(&s.cli_rest);
	return (rc);
}

int
mb_scenario_list(FILE *f, const char *file, char **cause)
{
	struct scenario	 s;
	struct mb_params empty;
	const char	*desc;
	char		*names, *name, *save = NULL;
	int		 rc = -1;

	memset(&s, 0, sizeof s);
	mb_params_init(&empty);
	s.file = file;
	s.name = "list";
	s.cli = &empty;
	s.ctx.given = &empty;
	mb_params_init(&s.ctx.declared);
	if ((s.L = mb_lua_new(&s.ctx, cause)) == NULL ||
	    scenario_core_add(&s, cause) != 0 || scenario_load(&s, cause) != 0)
		goto out;
	lua_getfield(s.L, -1, "scenarios");
	if (!lua_istable(s.L, -1)) {
		fprintf(f, "%s has no scenarios; 'moonbench %s' runs its main "
		    "block\n", file, file);
		rc = 0;
		goto out;
	}
	names = scenario_names(s.L);
	for (name = strtok_r(names, ", ", &save); name != NULL;
	    name = strtok_r(NULL, ", ", &save)) {
		lua_getfield(s.L, -1, name);
		desc = NULL;
		if (lua_istable(s.L, -1)) {
			lua_getfield(s.L, -1, "description");
			desc = lua_tostring(s.L, -1);
		}
		fprintf(f, "%-16s %s\n", name, desc != NULL ? desc : "");
		lua_settop(s.L, 2);
	}
	free(names);
	rc = 0;
out:
	mb_lua_close(s.L);
	free(s.ctx.param_error);
	mb_params_free(&s.ctx.declared);
	free(s.driver);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* For the REPL (src/repl.c): the controller's state and its coroutine
 * stepping, one typed line at a time. */

struct mb_scenario {
	struct scenario	s;
};

struct mb_scenario *
mb_scenario_open(const char *file, const struct mb_params *cli,
    const struct mb_control_opts *opts, const struct mb_scenario_hooks *hooks,
    void *arg, char **cause)
{
	struct mb_scenario	*ms;
	struct scenario		*s;

	ms = xcalloc(1, sizeof *ms);
	s = &ms->s;
	s->file = file;
	s->name = "repl";
	s->cli = cli;
	s->opts = *opts;
	s->hooks = hooks;
	s->hooks_arg = arg;
	s->coref = LUA_NOREF;
	s->ctx.given = cli;
	mb_params_init(&s->ctx.declared);
	if ((s->L = mb_lua_new(&s->ctx, cause)) == NULL ||
	    scenario_core_add(s, cause) != 0)
		goto fail;
	/* The workload's table stays on top of the stack for the REPL. */
	if (file != NULL && scenario_load(s, cause) != 0)
		goto fail;
	if (file == NULL)
		lua_pushnil(s->L);
	if (scenario_check_cli(s, cause) != 0)
		goto fail;
	if ((s->ctl = mb_control_new(opts, cause)) == NULL)
		goto fail;
	mb_control_on_interrupt(s->ctl, scenario_interrupt, s);
	s->resume_ev = event_new(mb_control_base(s->ctl), -1, 0,
	    scenario_resume_cb, s);
	s->sleep_ev = evtimer_new(mb_control_base(s->ctl), scenario_resume_cb,
	    s);
	if (s->resume_ev == NULL || s->sleep_ev == NULL) {
		*cause = xstrdup("cannot create the REPL's events");
		goto fail;
	}
	return (ms);
fail:
	mb_scenario_close(ms);
	return (NULL);
}

void
mb_scenario_close(struct mb_scenario *ms)
{
	struct scenario	*s;
	size_t		 i;

	if (ms == NULL)
		return;
	s = &ms->s;
	if (s->resume_ev != NULL)
		event_free(s->resume_ev);
	if (s->sleep_ev != NULL)
		event_free(s->sleep_ev);
	for (i = 0; i < s->nacts; i++)
		mb_activity_free(s->acts[i]);
	free(s->acts);
	mb_lua_close(s->L);
	mb_control_free(s->ctl);
	free(s->ctx.param_error);
	mb_params_free(&s->ctx.declared);
	free(s->driver);
	free(s->cause);
	free(ms);
}

lua_State *
mb_scenario_lua(struct mb_scenario *ms)
{
	return (ms->s.L);
}

struct mb_control *
mb_scenario_control(struct mb_scenario *ms)
{
	return (ms->s.ctl);
}

int
mb_scenario_busy(struct mb_scenario *ms)
{
	return (ms->s.running);
}

lua_State *
mb_scenario_thread(struct mb_scenario *ms)
{
	return (ms->s.co);
}

/* Run the function on top of the state as a new coroutine; the hooks say
 * when it ended. */
void
mb_scenario_spawn(struct mb_scenario *ms)
{
	struct scenario	*s = &ms->s;

	if (s->coref != LUA_NOREF)
		luaL_unref(s->L, LUA_REGISTRYINDEX, s->coref);
	s->co = lua_newthread(s->L);
	lua_insert(s->L, -2);
	lua_xmove(s->L, s->co, 1);
	s->coref = luaL_ref(s->L, LUA_REGISTRYINDEX);	/* keeps the thread */
	s->waiting = NULL;
	s->running = 1;
	scenario_step(s);
}

/* Cut the coroutine's wait short: its mb.sleep or a:await() raises why.
 * Nothing happens when it does not wait (its resume is on its way). */
void
mb_scenario_cancel(struct mb_scenario *ms, const char *why)
{
	struct scenario	*s = &ms->s;

	if (!s->running || (s->waiting == NULL &&
	    !evtimer_pending(s->sleep_ev, NULL)))
		return;
	s->waiting = NULL;
	event_del(s->sleep_ev);
	lua_pushstring(s->co, why);
	s->nargs = 1;
	scenario_step(s);
}

struct mb_activity *
mb_scenario_activity(lua_State *L, int idx)
{
	return (scenario_check(L, idx));
}
