/* Helpers the cmocka tests share. Include after <cmocka.h>. */
#ifndef CMOCKA_UTIL_H
#define CMOCKA_UTIL_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* cause holds every fragment given (NULL-terminated); frees cause. */
static inline void
cause_has(char *cause, ...)
{
	va_list		 ap;
	const char	*frag;

	assert_non_null(cause);
	va_start(ap, cause);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (strstr(cause, frag) == NULL)
			print_error("'%s' not in \"%s\"\n", frag, cause);
		assert_non_null(strstr(cause, frag));
	}
	va_end(ap);
	free(cause);
}

/*
 * The floor to check hdr_min() against when every value is at least ns.
 * hdr_min() answers with its bucket's lowest equivalent value (buckets
 * are 8 us wide at 20 ms, so an op of exactly 20 ms reads 19.997 ms), and
 * libevent sets a timer in whole microseconds from a truncated "now", so
 * a delay of D can end up to 2 us short of D from the op's start.
 * Needs hdr.h.
 */
#define HDR_FLOOR(h, ns)	hdr_lowest_equivalent((h), (int64_t)(ns) - 2000)

#endif
