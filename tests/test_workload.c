/* Workload files: loading, checks, sequencing, rendering and callbacks. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activity.h"
#include "control.h"
#include "engine_harness.h"
#include "errclass.h"
#include "workload.h"

static char	tmpdir[] = "/tmp/mbtest.XXXXXX";

/* Write a workload file and return its path (static buffer). */
static const char *
write_workload(const char *name, const char *text)
{
	static char	path[256];
	FILE		*f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return (path);
}

static struct mb_workload *
load_ok(const char *path, const char *block, enum mb_seq mode)
{
	struct mb_params	 params;
	struct mb_workload	*w;
	char			*cause = NULL;

	mb_params_init(&params);
	w = mb_workload_load(path, &params, &cause);
	if (w == NULL)
		fail_msg("%s: %s", path, cause);
	if (mb_workload_select(w, block, mode, &cause) != 0)
		fail_msg("%s: %s", path, cause);
	mb_params_free(&params);
	return (w);
}

static char *
load_refused(const char *path, const char *block)
{
	struct mb_params	 params;
	struct mb_workload	*w;
	char			*cause = NULL;

	mb_params_init(&params);
	w = mb_workload_load(path, &params, &cause);
	if (w != NULL) {
		if (mb_workload_select(w, block, MB_SEQ_BUCKET, &cause) == 0)
			fail_msg("%s was not refused", path);
		mb_workload_free(w);
	}
	mb_params_free(&params);
	assert_non_null(cause);
	return (cause);
}

static const char abc[] =
    "local mb = require 'moonbench'\n"
    "local b = mb.bind\n"
    "return { driver = 'diag',\n"
    "  bindings = { k = b.mod(5), h = b.hash(), v = b.ref('k'):mul(10) },\n"
    "  blocks = {\n"
    "    main = { ops = { c = { 'C{k}', ratio = 1 }, a = { 'A', '{k}:{v}',\n"
    "      ratio = 4 }, b = { 'B{h}', ratio = 2 } } },\n"
    "    other = { ops = { { name = 'z', 'Z' }, { name = 'y', 'Y' } } },\n"
    "  } }\n";

static void
check_sequence(struct mb_workload *w, const char *want)
{
	char	got[64];
	size_t	i;

	assert_int_equal(w->seqlen, strlen(want));
	for (i = 0; i < w->seqlen && i < sizeof got - 1; i++)
		got[i] = mb_workload_op(w, i)->name[0];
	got[i] = '\0';
	assert_string_equal(got, want);
	/* cycle c runs seq[c mod length] */
	assert_string_equal(mb_workload_op(w, 1000 * w->seqlen + 1)->name,
	    mb_workload_op(w, 1)->name);
}

static void
test_blocks_and_sequences(void **state)
{
	const char		*path = write_workload("abc.lua", abc);
	struct mb_workload	*w;

	/* A map is ordered by name: a, b, c with ratios 4, 2, 1. */
	w = load_ok(path, NULL, MB_SEQ_BUCKET);
	assert_string_equal(w->block->name, "main");
	assert_string_equal(w->driver, "diag");
	assert_int_equal(w->block->nops, 3);
	check_sequence(w, "abcabaa");
	assert_int_equal(w->maxargs, 2);
	mb_workload_free(w);
	w = load_ok(path, NULL, MB_SEQ_CONCAT);
	check_sequence(w, "aaaabbc");
	mb_workload_free(w);
	w = load_ok(path, NULL, MB_SEQ_INTERVAL);
	check_sequence(w, "abcaaba");
	mb_workload_free(w);
	/* An array keeps the order written. */
	w = load_ok(path, "other", MB_SEQ_BUCKET);
	check_sequence(w, "zy");
	mb_workload_free(w);
}

static void
test_unknown_block_lists_blocks(void **state)
{
	const char	*path = write_workload("abc.lua", abc);
	char		*cause;

	cause = load_refused(path, "nope");
	assert_non_null(strstr(cause, "no block 'nope'"));
	assert_non_null(strstr(cause, "main, other"));
	free(cause);
}

static void
test_load_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want[3];
	} cases[] = {
		{ "return {", { "bad.lua:1:", NULL } },
		{ "return 42", { "returns a table", "number", NULL } },
		{ "error('bad thing')", { "bad.lua:1: bad thing",
		  "stack traceback", NULL } },
		{ "return { driver = 'diag', blocks = { main = { ops = {\n"
		  "r = { 'GET {nope}' } } } } }",
		  { "block 'main', op 'r'", "unknown binding 'nope'", NULL } },
		{ "return { blocks = { main = { ops = { r = { 'x', ratio = -1 }"
		  " } } } }", { "op 'r'", "ratio", "-1" } },
		{ "return { blocks = { main = { ops = { r = { 'x', ratio = 'x' }"
		  " } } } }", { "op 'r'", "ratio", "'x'" } },
		{ "return { blocks = { main = { ops = { r = { ratio = 1 } } } } }",
		  { "op 'r'", "no text", NULL } },
		{ "return { blocks = { main = { ops = { r = { 'x', ration = 1 }"
		  " } } } }", { "unknown field 'ration'", NULL } },
		{ "local b = require('moonbench').bind\n"
		  "return { bindings = { k = b.mod(0) }, blocks = {} }",
		  { "mod", NULL } },
		{ "local b = require('moonbench').bind\n"
		  "return { bindings = { k = b.ref('x') }, blocks = { m = {"
		  " ops = { r = 'x' } } } }", { "binding 'k'", "ref('x')",
		  NULL } },
		{ "local b = require('moonbench').bind\n"
		  "return { bindings = { k = b.ref('j'), j = b.ref('k') }, "
		  "blocks = { m = { ops = { r = 'x' } } } }",
		  { "circle", NULL } },
		{ "return { bindings = { k = 42 }, blocks = { m = {"
		  " ops = { r = 'x' } } } }", { "binding 'k'", "recipe",
		  NULL } },
		{ "return { blocks = { m = { ops = { r = 'x', s = 'y' } },"
		  " n = { ops = { t = 'z' } } } }", { "several blocks",
		  "block=NAME", NULL } },
		{ "return { blocks = { m = { ops = { r = { 'x', ratio = 0 } } } }"
		  " }", { "ratio", NULL } },
	};
	const char	*path;
	char		*cause;
	size_t		 i, j;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_workload("bad.lua", cases[i].text);
		cause = load_refused(path, NULL);
		for (j = 0; j < 3 && cases[i].want[j] != NULL; j++) {
			if (strstr(cause, cases[i].want[j]) == NULL)
				fail_msg("case %zu: '%s' does not say '%s'", i,
				    cause, cases[i].want[j]);
		}
		free(cause);
	}
}

static struct mb_activity *
run_workload(const char *params)
{
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc = -1;

	probe_reset(0, 0);
	a = harness_run(params, &rc, &cause);
	if (a == NULL)
		fail_msg("%s: %s", params, cause);
	assert_int_equal(rc, MB_EXIT_OK);
	return (a);
}

static void
test_on_result_fails_every_tenth(void **state)
{
	char			 params[512];
	struct mb_activity	*a;
	const struct mb_activity_totals *t;
	const char		*path;

	path = write_workload("tenth.lua",
	    "local mb = require 'moonbench'\n"
	    "local b = mb.bind\n"
	    "return { driver = 'diag', bindings = { k = b.mod(7) },\n"
	    "  blocks = { main = { ops = { r = { 'GET {k}',\n"
	    "    on_result = function(op, result)\n"
	    "      assert(op.name == 'r')\n"
	    "      assert(op.bindings.k == tostring(tonumber(op.cycle) % 7))\n"
	    "      if op.cycle % 10 == 0 then return mb.fail('tenth') end\n"
	    "    end } } } } }\n");
	snprintf(params, sizeof params,
	    "workload=%s cycles=1000 threads=2 async=8", path);
	a = run_workload(params);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 1000);
	assert_int_equal(t->errors, 100);
	assert_int_equal(t->by_class[mb_errclass_intern("tenth")], 100);
	assert_int_equal(t->by_class[mb_errclass_intern("lua-error")], 0);
	mb_activity_free(a);
}

static void
test_callback_error_is_lua_error(void **state)
{
	char			 params[512];
	struct mb_activity	*a;
	const struct mb_activity_totals *t;
	const char		*path;

	path = write_workload("boom.lua",
	    "local mb = require 'moonbench'\n"
	    "return { driver = 'diag', blocks = { main = { ops = { r = { 'x',\n"
	    "  on_result = function(op)\n"
	    "    if op.cycle == 5 or op.cycle == 6 then error('boom') end\n"
	    "    if op.cycle == 7 then return op.bindings.nope end\n"
	    "  end } } } } }\n");
	snprintf(params, sizeof params, "workload=%s cycles=100", path);
	a = run_workload(params);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 100);
	assert_int_equal(t->by_class[mb_errclass_intern("lua-error")], 3);
	assert_int_equal(t->errors, 3);
	mb_activity_free(a);
}

static void
test_params_reach_the_workload(void **state)
{
	char			 params[512];
	struct mb_activity	*a;
	const char		*path;

	/* The workload fails ops unless keycount came through as a number
	 * and flag as a boolean. */
	path = write_workload("params.lua",
	    "local mb = require 'moonbench'\n"
	    "local p = mb.params { keycount = 10, flag = false, tag = 'x' }\n"
	    "return { driver = 'diag', blocks = { main = { ops = { r = { 'x',\n"
	    "  on_result = function(op)\n"
	    "    if p.keycount ~= 2000 or p.flag ~= true or p.tag ~= 'y' then\n"
	    "      return mb.fail('params') end\n"
	    "  end } } } } }\n");
	snprintf(params, sizeof params,
	    "workload=%s cycles=10 keycount=2K flag=yes tag=y", path);
	a = run_workload(params);
	assert_int_equal(mb_activity_totals(a)->errors, 0);
	assert_int_equal(mb_activity_totals(a)->ops, 10);
	mb_activity_free(a);
}

static int
setup(void **state)
{
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	char	cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return (system(cmd) == 0 ? 0 : -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_and_sequences),
		cmocka_unit_test(test_unknown_block_lists_blocks),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_on_result_fails_every_tenth),
		cmocka_unit_test(test_callback_error_is_lua_error),
		cmocka_unit_test(test_params_reach_the_workload),
	};

	return (cmocka_run_group_tests_name("workload", tests, setup,
	    teardown));
}
