/* The controller's side of sweeps: windows, live rate restarts, stats,
 * thresholds and sweep results for the report. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <lauxlib.h>

#include "activity.h"
#include "clock.h"
#include "hdr.h"
#include "report.h"
#include "scenario.h"
#include "sweep.h"
#include "threshold.h"
#include "xmalloc.h"

/* Options of findmax and stepup given as name=value; grid takes lists. */
static const char *const sweep_options[] = {
	"p50", "p90", "p95", "p99", "p999", "p9999", "max", "mean", "errors",
	"from", "to", "factor", "precision", "budget", "window", "settle",
	"samples", "fraction", "step", "hold", NULL
};

static struct mb_sweep_env *
sweep_env(lua_State *L)
{
	return (lua_touserdata(L, lua_upvalueindex(1)));
}

static void
sweep_field(lua_State *L, const char *k, double v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, k);
}

/* Percentiles of h in seconds, into the table on top. */
static void
sweep_latencies(lua_State *L, const struct hdr *h)
{
	if (h == NULL || hdr_count(h) == 0)
		return;
	sweep_field(L, "p50", (double)hdr_percentile(h, 50) / 1e9);
	sweep_field(L, "p90", (double)hdr_percentile(h, 90) / 1e9);
	sweep_field(L, "p95", (double)hdr_percentile(h, 95) / 1e9);
	sweep_field(L, "p99", (double)hdr_percentile(h, 99) / 1e9);
	sweep_field(L, "p999", (double)hdr_percentile(h, 99.9) / 1e9);
	sweep_field(L, "p9999", (double)hdr_percentile(h, 99.99) / 1e9);
	sweep_field(L, "max", (double)hdr_max(h) / 1e9);
	sweep_field(L, "mean", hdr_mean(h) / 1e9);
	sweep_field(L, "latency_count", (double)hdr_count(h));
}

/* core.window_mark(h): a window starts now. */
static int
sweep_l_window_mark(lua_State *L)
{
	mb_activity_window_mark(mb_scenario_activity(L, 1));
	return (0);
}

/* core.window_cut(h): collect an interval now, so the window's last
 * latencies are in after a short wait. */
static int
sweep_l_window_cut(lua_State *L)
{
	mb_activity_tick(mb_scenario_activity(L, 1));
	return (0);
}

/* core.window(h): ops, errors, elapsed, rate, latencies since the mark. */
static int
sweep_l_window(lua_State *L)
{
	struct mb_activity_window	w;
	double				secs;

	if (mb_activity_window(mb_scenario_activity(L, 1), &w) != 0)
		return (luaL_error(L, "a:window(): no window was marked"));
	secs = (double)(w.end_ns - w.start_ns) / 1e9;
	lua_newtable(L);
	sweep_field(L, "ops", (double)w.ops);
	sweep_field(L, "errors", (double)w.errors);
	sweep_field(L, "elapsed", secs);
	sweep_field(L, "rate", secs > 0 ? (double)w.ops / secs : 0);
	sweep_latencies(L, w.latency);
	return (1);
}

static int
sweep_l_restart_rate(lua_State *L)
{
	char	*cause = NULL;

	if (mb_activity_restart_rate(mb_scenario_activity(L, 1),
	    luaL_checknumber(L, 2), &cause) != 0) {
		lua_pushfstring(L, "a.%s", cause);
		free(cause);
		return (lua_error(L));
	}
	return (0);
}

/* core.cpu(): the process's CPU seconds (every motor and the controller). */
static int
sweep_l_cpu(lua_State *L)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	lua_pushnumber(L, (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6);
	return (1);
}

/* core.now(): monotonic seconds, for a sweep's time budget. */
static int
sweep_l_now(lua_State *L)
{
	lua_pushnumber(L, (double)mb_clock_ns() / 1e9);
	return (1);
}

/* core.stats(h): an ended activity's totals; latencies are response
 * time (service time without a rate), in seconds. */
static int
sweep_l_stats(lua_State *L)
{
	struct mb_activity		*a = mb_scenario_activity(L, 1);
	const struct mb_activity_totals	*t = mb_activity_totals(a);
	double				 secs = (double)t->elapsed_ns / 1e9;

	lua_newtable(L);
	sweep_field(L, "ops", (double)t->ops);
	sweep_field(L, "ok", (double)t->ok);
	sweep_field(L, "errors", (double)t->errors);
	sweep_field(L, "elapsed", secs);
	sweep_field(L, "rate", secs > 0 ? (double)t->ops / secs : 0);
	sweep_field(L, "cpu", (double)t->cpu_ns / 1e9);
	sweep_field(L, "cpu_per_op", t->ops > 0 ? (double)t->cpu_ns / 1e9 /
	    (double)t->ops : 0);
	sweep_latencies(L, t->response != NULL ? t->response : t->service);
	return (1);
}

/* core.thresholds(h, { "p99<=10ms", ... }): bounds not met (printed). */
static int
sweep_l_thresholds(lua_State *L)
{
	struct mb_sweep_env	*env = sweep_env(L);
	struct mb_activity	*a = mb_scenario_activity(L, 1);
	struct mb_thresholds	 ts, count;
	char			*cause = NULL;
	int			 i, failed;

	luaL_checktype(L, 2, LUA_TTABLE);
	memset(&ts, 0, sizeof ts);
	for (i = 1; ; i++) {
		lua_rawgeti(L, 2, i);
		if (lua_isnil(L, -1))
			break;
		if (mb_thresholds_add(&ts, luaL_checkstring(L, -1),
		    &cause) != 0) {
			mb_thresholds_free(&ts);
			lua_pushstring(L, cause);
			free(cause);
			return (lua_error(L));
		}
		lua_pop(L, 1);
	}
	memset(&count, 0, sizeof count);
	failed = mb_thresholds_check(&ts, a, stderr, env->thresholds != NULL ?
	    env->thresholds : &count);
	mb_thresholds_free(&ts);
	lua_pushinteger(L, failed);
	return (1);
}

/* core.report_sweep(name, json, csv): the files' path prefix, or nil
 * without --report-dir. */
static int
sweep_l_report(lua_State *L)
{
	struct mb_sweep_env	*env = sweep_env(L);
	char			*path, *cause = NULL;

	if (env->report == NULL)
		return (0);
	path = mb_report_sweep(env->report, luaL_checkstring(L, 1),
	    luaL_checkstring(L, 2), luaL_checkstring(L, 3), &cause);
	if (path == NULL) {
		lua_pushstring(L, cause);
		free(cause);
		return (lua_error(L));
	}
	lua_pushstring(L, path);
	free(path);
	return (1);
}

static const luaL_Reg sweep_core[] = {
	{ "window_mark", sweep_l_window_mark },
	{ "window_cut", sweep_l_window_cut },
	{ "window", sweep_l_window },
	{ "restart_rate", sweep_l_restart_rate },
	{ "cpu", sweep_l_cpu },
	{ "now", sweep_l_now },
	{ "stats", sweep_l_stats },
	{ "thresholds", sweep_l_thresholds },
	{ "report_sweep", sweep_l_report },
	{ NULL, NULL }
};

void
mb_sweep_core_add(lua_State *L, struct mb_sweep_env *env)
{
	const luaL_Reg	*r;

	for (r = sweep_core; r->name != NULL; r++) {
		lua_pushlightuserdata(L, env);
		lua_pushcclosure(L, r->func, 1);
		lua_setfield(L, -2, r->name);
	}
}

int
mb_sweep_builtin(const char *name)
{
	return (name != NULL && (strcmp(name, "findmax") == 0 ||
	    strcmp(name, "stepup") == 0 || strcmp(name, "grid") == 0));
}

static int
sweep_is_option(const char *name)
{
	const char *const	*o;

	for (o = sweep_options; *o != NULL; o++) {
		if (strcmp(*o, name) == 0)
			return (1);
	}
	return (0);
}

/* A grid list: a comma in a value that is no error policy or cycle list. */
static int
sweep_is_list(const struct mb_param *p)
{
	return (strchr(p->value, ',') != NULL &&
	    strcmp(p->name, "errors") != 0 &&
	    strcmp(p->name, "error_cycles") != 0);
}

void
mb_sweep_split(const char *name, const struct mb_params *cli,
    struct mb_params *rest, lua_State *L)
{
	const struct mb_param	*p;
	size_t			 i;
	int			 grid = strcmp(name, "grid") == 0, n = 0;

	mb_params_init(rest);
	lua_newtable(L);
	lua_newtable(L);	/* grid: { {name, "v1,v2"}, ... } in order */
	for (i = 0; i < cli->n; i++) {
		p = &cli->v[i];
		if (grid && sweep_is_list(p)) {
			lua_newtable(L);
			lua_pushstring(L, p->name);
			lua_rawseti(L, -2, 1);
			lua_pushstring(L, p->value);
			lua_rawseti(L, -2, 2);
			lua_rawseti(L, -2, ++n);
		} else if (!grid && sweep_is_option(p->name)) {
			lua_pushstring(L, p->value);
			lua_setfield(L, -3, p->name);
		} else
			mb_params_set(rest, p->name, p->value);
	}
	lua_setfield(L, -2, "lists");
}

static const char sweep_chunk[] =
    "local name, args = ...\n"
    "local sweep = require('moonbench.sweep')\n"
    "return function() return sweep.builtin(name, args) end\n";

const char *
mb_sweep_chunk(void)
{
	return (sweep_chunk);
}
