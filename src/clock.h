/* The one clock used for measurement: CLOCK_MONOTONIC in nanoseconds. */
#ifndef MB_CLOCK_H
#define MB_CLOCK_H

#include <stdint.h>
#include <sys/time.h>
#include <time.h>

static inline uint64_t
mb_clock_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* A libevent timeout of at least ns: rounded up to the microsecond, so a
 * timer never fires before the time asked for. */
static inline struct timeval
mb_clock_timeval(uint64_t ns)
{
	struct timeval	tv;
	uint64_t	us = ns / 1000 + (ns % 1000 != 0);

	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	return (tv);
}

#endif
