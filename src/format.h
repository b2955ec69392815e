/*
 * printf-like formats of ONE value, checked once: flags [-+ 0#], width,
 * .precision (numbers, no '*'), one conversion: d i u x X o (integer),
 * f F e E g G a A (double), s (string); %% is a literal %.
 */
#ifndef MB_FORMAT_H
#define MB_FORMAT_H

#include <stddef.h>
#include <stdint.h>

enum mb_format_kind { MB_FORMAT_INT, MB_FORMAT_DOUBLE, MB_FORMAT_STRING };
struct mb_format;
struct mb_format *mb_format_new(const char *fmt, char **cause);	/* exactly one conversion; refuse %n, %*d, length modifiers other than none (we pass int64/double), two conversions, none */
void	 mb_format_free(struct mb_format *);
enum mb_format_kind mb_format_kind(const struct mb_format *);
/* Render into out[0..cap); return the full length (like snprintf). */
size_t	 mb_format_int(const struct mb_format *, int64_t, char *out, size_t cap);
size_t	 mb_format_double(const struct mb_format *, double, char *out, size_t cap);
size_t	 mb_format_string(const struct mb_format *, const char *, size_t len, char *out, size_t cap);

#endif
