/* Allocation that cannot fail: out of memory aborts with a message. */
#ifndef MB_XMALLOC_H
#define MB_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*xfmt(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
