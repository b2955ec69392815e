/*
 * Error classes: short names ("timeout", "diag-injected") interned once,
 * when a driver opens, into small ids that ops carry and motors count in a
 * plain array. Id 0 means success.
 */
#ifndef MB_ERRCLASS_H
#define MB_ERRCLASS_H

#define MB_ERRCLASS_MAX		64	/* ids 1..63; the last is "other" */

int		 mb_errclass_intern(const char *name);
const char	*mb_errclass_name(int id);

#endif
