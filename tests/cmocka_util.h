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

#endif
