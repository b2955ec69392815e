/* The one clock used for measurement: CLOCK_MONOTONIC in nanoseconds. */
#ifndef MB_CLOCK_H
#define MB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
mb_clock_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

#endif
