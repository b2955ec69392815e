/*
 * Reconnecting with a backoff, shared by the drivers that keep
 * connections (redis, pg, http): the reconnect=MIN..MAX param and the
 * wait before each attempt.
 */
#ifndef MB_DRIVERS_BACKOFF_H
#define MB_DRIVERS_BACKOFF_H

#include <stdint.h>

/* reconnect=MIN..MAX (durations, 0 < MIN <= MAX); -1 and *cause if not. */
int		 mb_backoff_parse(const char *v, uint64_t *min_ns,
		     uint64_t *max_ns, char **cause);
/* The wait before a connection's next attempt: none after losing one that
 * was up (a restart may be over already; *cur starts again at min), else
 * *cur, which then doubles up to max. */
uint64_t	 mb_backoff_next(uint64_t *cur, uint64_t min_ns,
		     uint64_t max_ns, int was_up);

#endif
