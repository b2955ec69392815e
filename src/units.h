/* Numbers for people: 1.2M, 81.2k, 10.1ms. */
#ifndef MB_UNITS_H
#define MB_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* 999, 1.2k, 420k, 1.5M, 2B: three significant digits at most. */
char	*mb_units_count(char *buf, size_t len, double n);
/* 812ns, 10.1us, 1.92ms, 1.003s, 2m05s. */
char	*mb_units_ns(char *buf, size_t len, double ns);

#endif
