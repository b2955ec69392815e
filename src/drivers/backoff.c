/* Reconnect backoff for the drivers that keep connections. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "params.h"
#include "xmalloc.h"

int
mb_backoff_parse(const char *v, uint64_t *min_ns, uint64_t *max_ns,
    char **cause)
{
	const char	*dots = strstr(v, "..");
	char		*lo;
	int		 rc;

	if (dots == NULL) {
		*cause = xfmt("reconnect: expected MIN..MAX like 100ms..2s, "
		    "got '%s'", v);
		return (-1);
	}
	lo = xstrndup(v, (size_t)(dots - v));
	rc = mb_param_duration("reconnect", lo, min_ns, cause);
	free(lo);
	if (rc != 0 || mb_param_duration("reconnect", dots + 2, max_ns,
	    cause) != 0)
		return (-1);
	if (*min_ns == 0 || *min_ns > *max_ns) {
		*cause = xfmt("reconnect: MIN must be above 0 and at most MAX, "
		    "got '%s'", v);
		return (-1);
	}
	return (0);
}

uint64_t
mb_backoff_next(uint64_t *cur, uint64_t min_ns, uint64_t max_ns, int was_up)
{
	uint64_t	delay;

	if (was_up) {
		*cur = min_ns;
		return (0);
	}
	delay = *cur;
	*cur = *cur > max_ns / 2 ? max_ns : *cur * 2;
	return (delay);
}
