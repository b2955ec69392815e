/*
 * Op-context recycling: the engine allocates nothing per op. This binary
 * interposes malloc, calloc, realloc and posix_memalign (forwarding to the
 * next definition, the C library's or a sanitizer's) and counts calls in
 * every thread. A run of many cycles must allocate exactly as much as a
 * run of few: anything per op would show as a difference of thousands.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activity.h"
#include "control.h"
#include "engine_harness.h"

static _Atomic uint64_t	alloc_calls;

static void	*(*real_malloc)(size_t);
static void	*(*real_calloc)(size_t, size_t);
static void	*(*real_realloc)(void *, size_t);
static void	 (*real_free)(void *);
static int	 (*real_posix_memalign)(void **, size_t, size_t);

/* dlsym may allocate before we know the real calloc: serve it from here. */
static unsigned char	bootstrap[4096];
static size_t		bootstrap_used;
static int		resolving;

static void
alloc_resolve(void)
{
	if (real_malloc != NULL || resolving)
		return;
	resolving = 1;
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_free = dlsym(RTLD_NEXT, "free");
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	resolving = 0;
}

static int
alloc_from_bootstrap(const void *p)
{
	return ((const unsigned char *)p >= bootstrap &&
	    (const unsigned char *)p < bootstrap + sizeof bootstrap);
}

static void *
alloc_bootstrap(size_t size)
{
	void	*p;

	size = (size + 15) & ~(size_t)15;
	if (bootstrap_used + size > sizeof bootstrap)
		abort();
	p = bootstrap + bootstrap_used;
	bootstrap_used += size;
	return (p);
}

void *
malloc(size_t size)
{
	alloc_resolve();
	if (real_malloc == NULL)
		return (alloc_bootstrap(size));
	atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed);
	return (real_malloc(size));
}

void *
calloc(size_t n, size_t size)
{
	alloc_resolve();
	if (real_calloc == NULL)
		return (alloc_bootstrap(n * size));	/* zeroed: static */
	atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed);
	return (real_calloc(n, size));
}

void *
realloc(void *p, size_t size)
{
	alloc_resolve();
	atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed);
	if (alloc_from_bootstrap(p)) {
		void	*q = real_malloc(size);

		memcpy(q, p, size);
		return (q);
	}
	return (real_realloc(p, size));
}

int
posix_memalign(void **out, size_t align, size_t size)
{
	alloc_resolve();
	atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed);
	return (real_posix_memalign(out, align, size));
}

void
free(void *p)
{
	if (p == NULL || alloc_from_bootstrap(p))
		return;
	alloc_resolve();
	real_free(p);
}

/* Allocations made by a whole run of an activity. */
static uint64_t
allocs_for(const char *params)
{
	struct mb_activity	*a;
	char			*cause = NULL;
	uint64_t		 before, after;
	int			 rc;

	probe_reset(0, 0);
	before = atomic_load(&alloc_calls);
	a = harness_run(params, &rc, &cause);
	after = atomic_load(&alloc_calls);
	if (a == NULL)
		fail_msg("%s: %s", params, cause);
	assert_int_equal(rc, MB_EXIT_OK);
	mb_activity_free(a);
	return (after - before);
}

static void
expect_flat(const char *common, const char *few, const char *many)
{
	char		p1[256], p2[256];
	uint64_t	n1, n2;

	snprintf(p1, sizeof p1, "%s %s", common, few);
	snprintf(p2, sizeof p2, "%s %s", common, many);
	allocs_for(p1);		/* warm up libevent's and libc's own state */
	n1 = allocs_for(p1);
	n2 = allocs_for(p2);
	print_message("# %s: %llu allocations for %s, %llu for %s\n",
	    common, (unsigned long long)n1, few, (unsigned long long)n2, many);
	if (n1 != n2)
		fail_msg("%s: %llu allocations with %s but %llu with %s: the "
		    "engine allocates per op", common, (unsigned long long)n1,
		    few, (unsigned long long)n2, many);
}

static void
test_counter_works(void **state)
{
	uint64_t	 before;
	void *volatile	 p;

	before = atomic_load(&alloc_calls);
	p = malloc(10);
	free(p);
	assert_int_equal(atomic_load(&alloc_calls) - before, 1);
}

static void
test_sync_flat(void **state)
{
	expect_flat("threads=1", "cycles=5000", "cycles=200000");
}

static void
test_async_flat(void **state)
{
	expect_flat("threads=2 async=64 stride=10", "cycles=20000",
	    "cycles=200000");
}

static void
test_diag_flat(void **state)
{
	/* diag's zero-delay batch and its per-op timers. */
	expect_flat("driver=diag threads=2 async=32", "cycles=20000",
	    "cycles=200000");
	expect_flat("driver=diag threads=1 async=16 delay=1us..20us",
	    "cycles=2000", "cycles=20000");
	expect_flat("driver=diag threads=1 error_every=3", "cycles=5000",
	    "cycles=100000");
}

static void
test_workload_flat(void **state)
{
	char	path[] = "/tmp/mballoc.XXXXXX", common[256];
	FILE	*f;
	int	 fd;

	/* Bindings evaluated and templates rendered for every op. */
	fd = mkstemp(path);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	fputs("local b = require('moonbench').bind\n"
	    "return { driver = 'diag', bindings = { k = b.hash():mod(1000),\n"
	    "  v = b.ref('k'):hash(), a = b.ref('k'):alnum(8, 40),\n"
	    "  u = b.uniform(0, 1), d = b.date('2024-01-01', '1s'),\n"
	    "  t = b.template('{}/{}', b.ref('a'), b.normal(0, 1):int()),\n"
	    "  f = b.mod(1000):format('%06d'), w = b.mod(1000):words() },\n"
	    "  blocks = { main = { ops = {\n"
	    "  r = { 'GET', 'key:{k}', ratio = 3 },\n"
	    "  w = { 'SET', 'key:{k}', '{v}-{a}-{u}-{d}-{t}-{f}-{w}' } } } } }\n",
	    f);
	fclose(f);
	snprintf(common, sizeof common, "workload=%s threads=2 async=16", path);
	/* Enough cycles that both motors surely ran ops in the short run
	 * too (a motor's setup is done at its start, not its first op). */
	expect_flat(common, "cycles=20000", "cycles=200000");
	unlink(path);
}

static void
test_detects_per_op_allocation(void **state)
{
	uint64_t	n1, n2;

	/* The same check must fail when something allocates per op: probe
	 * with alloc=true mallocs once per op. */
	allocs_for("threads=1 async=4 alloc=true cycles=1000");
	n1 = allocs_for("threads=1 async=4 alloc=true cycles=1000");
	n2 = allocs_for("threads=1 async=4 alloc=true cycles=100000");
	assert_true(n2 - n1 >= 99000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_works),
		cmocka_unit_test(test_sync_flat),
		cmocka_unit_test(test_async_flat),
		cmocka_unit_test(test_diag_flat),
		cmocka_unit_test(test_workload_flat),
		cmocka_unit_test(test_detects_per_op_allocation),
	};

	return (cmocka_run_group_tests_name("alloc", tests, NULL, NULL));
}
