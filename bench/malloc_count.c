/*
 * A preload library that counts allocation calls (malloc, calloc, realloc,
 * posix_memalign, aligned_alloc, memalign) in every thread of a process and
 * writes the total to $MALLOC_COUNT_FILE at exit. bench/redis.sh builds it
 * and runs both clients under it:
 *
 *   cc -shared -fPIC -O2 -o malloc_count.so bench/malloc_count.c -ldl
 *   MALLOC_COUNT_FILE=n.txt LD_PRELOAD=./malloc_count.so redis-benchmark ...
 *
 * Each call is forwarded to the next definition (the C library's, or
 * jemalloc's for redis-benchmark), so only the count is added.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Atomic unsigned long long	 count_calls;

static void	*(*count_malloc)(size_t);
static void	*(*count_calloc)(size_t, size_t);
static void	*(*count_realloc)(void *, size_t);
static int	 (*count_posix_memalign)(void **, size_t, size_t);
static void	*(*count_aligned_alloc)(size_t, size_t);
static void	*(*count_memalign)(size_t, size_t);

/* dlsym itself may call calloc before the real one is known. */
static char	count_early[8192] __attribute__((aligned(16)));
static size_t	count_early_used;
static int	count_resolving;

static void
count_resolve(void)
{
	if (count_malloc != NULL || count_resolving)
		return;
	count_resolving = 1;
	count_calloc = dlsym(RTLD_NEXT, "calloc");
	count_realloc = dlsym(RTLD_NEXT, "realloc");
	count_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	count_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	count_memalign = dlsym(RTLD_NEXT, "memalign");
	count_malloc = dlsym(RTLD_NEXT, "malloc");
	count_resolving = 0;
}

static void *
count_early_alloc(size_t n)
{
	void	*p;

	n = (n + 15) & ~(size_t)15;
	if (count_early_used + n > sizeof count_early)
		return (NULL);
	p = count_early + count_early_used;
	count_early_used += n;
	return (p);
}

static int
count_is_early(const void *p)
{
	return ((const char *)p >= count_early &&
	    (const char *)p < count_early + sizeof count_early);
}

static void
count_one(void)
{
	atomic_fetch_add_explicit(&count_calls, 1, memory_order_relaxed);
}

void *
malloc(size_t n)
{
	count_resolve();
	if (count_malloc == NULL)
		return (count_early_alloc(n));
	count_one();
	return (count_malloc(n));
}

void *
calloc(size_t n, size_t size)
{
	count_resolve();
	if (count_calloc == NULL)
		return (count_early_alloc(n * size));	/* zeroed: static */
	count_one();
	return (count_calloc(n, size));
}

void *
realloc(void *p, size_t n)
{
	size_t	 left;
	void	*q;

	count_resolve();
	if (count_is_early(p)) {
		/* Rare: move it out of the early area. */
		left = (size_t)(count_early + sizeof count_early - (char *)p);
		if ((q = malloc(n)) != NULL)
			memcpy(q, p, n < left ? n : left);
		return (q);
	}
	count_one();
	return (count_realloc(p, n));
}

void
free(void *p)
{
	static void	(*real_free)(void *);

	if (p == NULL || count_is_early(p))
		return;
	if (real_free == NULL)
		real_free = dlsym(RTLD_NEXT, "free");
	real_free(p);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	count_resolve();
	count_one();
	return (count_posix_memalign(out, align, n));
}

void *
aligned_alloc(size_t align, size_t n)
{
	count_resolve();
	count_one();
	return (count_aligned_alloc(align, n));
}

void *
memalign(size_t align, size_t n)
{
	count_resolve();
	count_one();
	return (count_memalign(align, n));
}

__attribute__((destructor)) static void
count_report(void)
{
	const char	*path = getenv("MALLOC_COUNT_FILE");
	FILE		*f;

	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "%llu\n", (unsigned long long)atomic_load(&count_calls));
	fclose(f);
}
