/* The error policy (errors=, maxtries=), retries and op timeouts. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "cmocka_util.h"
#include "clock.h"
#include "control.h"
#include "engine_harness.h"
#include "errclass.h"
#include "errpolicy.h"
#include "hdr.h"

#define MS	1000000LL

/* Run driver=diag with params; the run must end as expected. */
static struct mb_activity *
diag_run(const char *params, int want_rc, enum mb_state want)
{
	struct mb_activity	*a;
	char			*cause = NULL, full[512];
	int			 rc = -1;

	snprintf(full, sizeof full, "driver=diag %s", params);
	a = harness_run(full, &rc, &cause);
	if (a == NULL)
		fail_msg("%s: %s", full, cause);
	assert_int_equal(rc, want_rc);
	assert_int_equal(mb_activity_state(a), want);
	return (a);
}

static int
class_id(const char *name)
{
	return (mb_errclass_intern(name));
}

/* ---- parsing and matching ---- */

static struct mb_errpolicy *
policy(const char *spec)
{
	struct mb_errpolicy	*p;
	char			*cause = NULL;

	if ((p = mb_errpolicy_parse(spec, &cause)) == NULL)
		fail_msg("errors=%s: %s", spec, cause);
	return (p);
}

static void
refused(const char *spec, const char *want)
{
	char	*cause = NULL;

	assert_null(mb_errpolicy_parse(spec, &cause));
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("errors=%s: '%s' lacks '%s'", spec, cause, want);
	free(cause);
}

static void
test_parse_and_first_match(void **state)
{
	struct mb_errpolicy	*p;

	/* First match wins, in the order written. */
	p = policy("timeout:retry,count;time.*:stop;.*:warn");
	assert_int_equal(mb_errpolicy_verbs(p, "timeout"),
	    MB_ERRV_RETRY | MB_ERRV_COUNT);
	assert_int_equal(mb_errpolicy_verbs(p, "timeouts"), MB_ERRV_STOP);
	assert_int_equal(mb_errpolicy_verbs(p, "redis-error"), MB_ERRV_WARN);
	assert_true(mb_errpolicy_retries(p));
	mb_errpolicy_free(p);

	/* Patterns match the whole class, not a part of it. */
	p = policy("out:ignore");
	assert_int_equal(mb_errpolicy_verbs(p, "timeout"),
	    MB_ERRV_WARN | MB_ERRV_COUNT);	/* unmatched: the default */
	assert_int_equal(mb_errpolicy_verbs(p, "out"), MB_ERRV_IGNORE);
	assert_false(mb_errpolicy_retries(p));
	mb_errpolicy_free(p);

	/* Several patterns per handler; verbs alone match every class. */
	p = policy("a,b[0-9]+:histogram,count;stop");
	assert_int_equal(mb_errpolicy_verbs(p, "b12"),
	    MB_ERRV_HISTOGRAM | MB_ERRV_COUNT);
	assert_int_equal(mb_errpolicy_verbs(p, "a"),
	    MB_ERRV_HISTOGRAM | MB_ERRV_COUNT);
	assert_int_equal(mb_errpolicy_verbs(p, "c"), MB_ERRV_STOP);
	mb_errpolicy_free(p);

	p = policy(MB_ERRPOLICY_DEFAULT);
	assert_int_equal(mb_errpolicy_verbs(p, "anything"),
	    MB_ERRV_WARN | MB_ERRV_COUNT);
	mb_errpolicy_free(p);
}

static void
test_parse_refusals(void **state)
{
	refused("timeout:boom", "'boom' in handler 'timeout' is not a verb");
	refused("timeout:", "has no verbs");
	refused(":count", "has no pattern");
	refused("(:count", "not a regular expression");
	refused("", "has no handlers");
	refused(";;", "has no handlers");
	refused("stop,later", "'later'");
}

/* ---- each verb, through the engine ---- */

static void
test_count_and_default(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;

	/* The default, warn,count: failures counted by class. */
	a = diag_run("cycles=300 async=4 error_every=3 error_class=e-count",
	    MB_EXIT_OK, MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 300);
	assert_int_equal(t->ok, 200);
	assert_int_equal(t->errors, 100);
	assert_int_equal(t->ignored, 0);
	assert_int_equal(t->by_class[class_id("e-count")], 100);
	assert_int_equal(hdr_count(t->service), 200);
	mb_activity_free(a);
}

static void
test_ignore(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;

	/* Ignored failures are ops, neither ok nor errors. */
	a = diag_run("cycles=300 async=4 error_every=3 error_class=e-ign "
	    "errors=e-ign:ignore", MB_EXIT_OK, MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 300);
	assert_int_equal(t->ok, 200);
	assert_int_equal(t->errors, 0);
	assert_int_equal(t->ignored, 100);
	assert_int_equal(t->by_class[class_id("e-ign")], 0);
	assert_int_equal(mb_activity_errors(a), 0);
	mb_activity_free(a);
}

static void
test_stop(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	const char			*cause;

	/* The first failure stops the run: exit 1, the cycle named. */
	a = diag_run("cycles=100000 threads=2 async=8 delay=1ms "
	    "error_cycles=500 error_class=e-stop errors=e-stop:stop;.*:count",
	    MB_EXIT_FAILED, MB_STATE_ERRORED);
	t = mb_activity_totals(a);
	cause = mb_activity_cause(a);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "cycle 500"));
	assert_non_null(strstr(cause, "e-stop"));
	assert_int_equal(t->by_class[class_id("e-stop")], 1);
	assert_true(t->ops < 100000);
	mb_activity_free(a);

	/* Matched by the second handler: no stop. */
	a = diag_run("cycles=1000 async=8 error_cycles=500 error_class=e-nostop "
	    "errors=e-stop:stop;.*:count", MB_EXIT_OK, MB_STATE_FINISHED);
	assert_int_equal(mb_activity_totals(a)->by_class[
	    class_id("e-nostop")], 1);
	mb_activity_free(a);
}

static void
test_histogram(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	int				 c = class_id("e-hist");

	a = diag_run("cycles=200 async=4 delay=2ms error_every=4 "
	    "error_class=e-hist errors=e-hist:histogram,count", MB_EXIT_OK,
	    MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->by_class[c], 50);
	assert_non_null(t->err_hist[c]);
	assert_int_equal(hdr_count(t->err_hist[c]), 50);
	assert_true(hdr_min(t->err_hist[c]) >= HDR_FLOOR(t->err_hist[c], 2 * MS));
	/* Without the verb, no histogram. */
	assert_null(t->err_hist[class_id("diag-injected")]);
	mb_activity_free(a);
}

static void
test_retry_then_success(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	int				 c = class_id("e-retry");

	/* The first try of every 3rd op fails, its retry succeeds. */
	a = diag_run("cycles=900 threads=2 async=6 delay=2ms error_every=3 "
	    "error_tries=1 error_class=e-retry errors=e-retry:retry,count",
	    MB_EXIT_OK, MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 900);
	assert_int_equal(t->ok, 900);
	assert_int_equal(t->errors, 0);
	assert_int_equal(t->retries, 300);
	assert_int_equal(t->retries_by_class[c], 300);
	/* Service time is the last try's; response time covers every try,
	 * so a third of the ops took two delays. */
	assert_non_null(t->response);
	assert_int_equal(hdr_count(t->service), 900);
	assert_int_equal(hdr_count(t->response), 900);
	/* Lower bounds only (a loaded machine only adds): each retried op's
	 * response holds its failed try too, at least 2 ms more than its
	 * service time, so the means differ by at least 300 x 2ms / 900. */
	assert_true(hdr_min(t->response) >= HDR_FLOOR(t->response, 2 * MS));
	assert_true(hdr_percentile(t->response, 70) >= 4 * MS);
	assert_true(hdr_mean(t->response) >= hdr_mean(t->service) + 0.6 * MS);
	mb_activity_free(a);
}

static void
test_retry_runs_out(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	int				 c = class_id("e-always");

	/* Every try fails: maxtries=3 gives two retries, then the count. */
	a = diag_run("cycles=100 async=4 error_every=10 error_class=e-always "
	    "maxtries=3 errors=e-always:retry,count", MB_EXIT_OK,
	    MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 100);
	assert_int_equal(t->ok, 90);
	assert_int_equal(t->errors, 10);
	assert_int_equal(t->by_class[c], 10);
	assert_int_equal(t->retries, 20);
	mb_activity_free(a);

	/* retry alone: an op whose tries ran out is still counted. */
	a = diag_run("cycles=100 async=4 error_every=10 error_class=e-always "
	    "maxtries=2 errors=e-always:retry", MB_EXIT_OK, MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->errors, 10);
	assert_int_equal(t->ignored, 0);
	assert_int_equal(t->retries, 10);
	mb_activity_free(a);

	/* Sync ops retry too. */
	a = diag_run("cycles=100 error_every=10 error_class=e-always "
	    "maxtries=4 errors=e-always:retry,count", MB_EXIT_OK,
	    MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->errors, 10);
	assert_int_equal(t->retries, 30);
	mb_activity_free(a);
}

static void
test_retry_keeps_its_ticket(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;

	/* With a rate, retries take no ticket: exactly rate x duration ops,
	 * and response time runs from the op's intended start. */
	a = diag_run("rate=400 duration=1s async=4 delay=1ms error_every=4 "
	    "error_tries=2 errors=diag-injected:retry,count", MB_EXIT_OK,
	    MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 400);
	assert_int_equal(t->ok, 400);
	assert_int_equal(t->retries, 200);
	assert_true(hdr_percentile(t->response, 99) >= 3 * MS);
	mb_activity_free(a);
}

/* ---- timeouts ---- */

static void
test_timeout_async_and_sync(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	uint64_t			 t0, wall;
	int				 c = class_id("timeout");

	/* Ops that never complete fail as timeout after the set time, and
	 * the run ends. */
	t0 = mb_clock_ns();
	a = diag_run("cycles=200 threads=2 async=8 delay=1ms hang_every=20 "
	    "timeout=150ms", MB_EXIT_OK, MB_STATE_FINISHED);
	wall = mb_clock_ns() - t0;
	t = mb_activity_totals(a);
	assert_int_equal(t->ops, 200);
	assert_int_equal(t->by_class[c], 10);
	assert_int_equal(t->ok, 190);
	assert_int_equal(t->aborted, 0);
	assert_true(wall >= 150 * MS);
	assert_true(wall < 5000 * MS);
	mb_activity_free(a);

	/* A sync driver checks the deadline itself (diag does). */
	a = diag_run("cycles=20 delay=1ms hang_every=10 timeout=100ms",
	    MB_EXIT_OK, MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->by_class[c], 2);
	assert_int_equal(t->ok, 18);
	mb_activity_free(a);
}

static void
test_timeout_then_retry(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	int				 c = class_id("timeout");

	/* Each try gets its own timeout; diag hangs every try of a cycle,
	 * so maxtries=2 means two timeouts per hanging op. */
	a = diag_run("cycles=40 async=4 hang_every=10 timeout=50ms maxtries=2 "
	    "errors=timeout:retry,count", MB_EXIT_OK, MB_STATE_FINISHED);
	t = mb_activity_totals(a);
	assert_int_equal(t->by_class[c], 4);
	assert_int_equal(t->retries_by_class[c], 4);
	assert_int_equal(t->ok, 36);
	mb_activity_free(a);
}

static void
test_timeout_cancels_probe(void **state)
{
	struct mb_activity	*a;
	char			*cause = NULL;
	int			 rc = -1;

	/* probe holds every op: each times out once, through cancel, and
	 * no context is completed twice (probe would abort). */
	probe_reset(0, 64);
	a = harness_run("cycles=64 threads=2 async=16 hold=true timeout=50ms "
	    "errors=timeout:count", &rc, &cause);
	assert_non_null(a);
	assert_int_equal(rc, MB_EXIT_OK);
	assert_int_equal(mb_activity_totals(a)->by_class[class_id("timeout")],
	    64);
	assert_int_equal(atomic_load(&probe.cancelled), 64);
	mb_activity_free(a);
	probe_free();
}

/* ---- per op ---- */

static void
test_per_op_counts(void **state)
{
	struct mb_activity		*a;
	const struct mb_activity_totals	*t;
	char				*cause = NULL, full[512];
	int				 rc = -1;

	/* diag.lua's read fails every 10th cycle (on_result); write never. */
	snprintf(full, sizeof full, "workload=%s/scenarios/diag.lua "
	    "cycles=1000 async=8 errors=spot-check:count", MB_SRCDIR);
	a = harness_run(full, &rc, &cause);
	if (a == NULL)
		fail_msg("%s", cause);
	t = mb_activity_totals(a);
	assert_int_equal(t->nop, 2);
	assert_int_equal(t->op[0].ok + t->op[0].errors, 900);
	assert_int_equal(t->op[1].ok + t->op[1].errors, 100);
	assert_int_equal(t->op[0].errors + t->op[1].errors, t->errors);
	assert_int_equal(t->op[1].errors, 0);
	assert_int_equal(hdr_count(t->op[0].t.service) +
	    hdr_count(t->op[1].t.service), hdr_count(t->service));
	mb_activity_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_first_match),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_count_and_default),
		cmocka_unit_test(test_ignore),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_retry_then_success),
		cmocka_unit_test(test_retry_runs_out),
		cmocka_unit_test(test_retry_keeps_its_ticket),
		cmocka_unit_test(test_timeout_async_and_sync),
		cmocka_unit_test(test_timeout_then_retry),
		cmocka_unit_test(test_timeout_cancels_probe),
		cmocka_unit_test(test_per_op_counts),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
