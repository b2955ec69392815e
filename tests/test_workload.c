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

static void
test_placeholder(void **state)
{
	(void)write_workload;
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
		cmocka_unit_test(test_placeholder),
	};

	return (cmocka_run_group_tests_name("workload", tests, setup,
	    teardown));
}
