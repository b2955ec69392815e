/* Text values drawn from a cycle: characters, words, numbers, dates. */
#ifndef MB_TEXTGEN_H
#define MB_TEXTGEN_H

#include <stddef.h>
#include <stdint.h>

#define MB_TEXT_WORDS_MAX	256	/* room for any int64 in words */
#define MB_TEXT_NUM_MAX		32	/* room for any int64 or double */

/* Characters drawn from a 64-bit seed (deterministic): [A-Za-z0-9] and printable ASCII 0x20..0x7e. */
void	 mb_text_alnum(uint64_t seed, char *out, size_t len);
void	 mb_text_printable(uint64_t seed, char *out, size_t len);
/* English words: 0 "zero", 123 "one hundred twenty three", -5 "minus five", up to INT64_MIN ("minus nine quintillion ..."). Returns the length (no NUL). */
size_t	 mb_text_words(int64_t n, char *out);
/* A UUID shaped as version 4 (36 chars: 8-4-4-4-12 lowercase hex, version nibble 4, variant 10xx) from two 64-bit values. */
void	 mb_text_uuid(uint64_t hi, uint64_t lo, char out[36]);
/* Decimal text; doubles in the shortest form that reads back exactly (strtod gives the same bits): 0.1 -> "0.1", 1e300 -> "1e+300", 5 -> "5", -0 -> "-0", nan -> "nan", inf -> "inf". */
size_t	 mb_text_int(int64_t v, char *out);
size_t	 mb_text_double(double v, char *out);


/* UTC date/time text of epoch milliseconds with a strftime pattern (checked once by mb_text_date_check: only %Y %m %d %H %M %S %j %a %b %y %e %F %T %Z %z %% and a %3N extension for milliseconds); the default pattern is ISO 8601 "%Y-%m-%dT%H:%M:%S.%3NZ". */
int	 mb_text_date_check(const char *pattern, char **cause);
size_t	 mb_text_date(int64_t epoch_ms, const char *pattern, char *out, size_t cap);

/* 64-bit hash of bytes with good avalanche (for hashing a string value). */
uint64_t mb_text_hash(const char *p, size_t len);

#endif
