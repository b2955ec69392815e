/* printf-like formats of one binding value, checked once at load. */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "textgen.h"
#include "xmalloc.h"

#define FORMAT_FIELD_MAX	4096	/* largest width or precision */

struct mb_format {
	enum mb_format_kind	 kind;
	int			 is_unsigned;	/* u x X o: pass a uint64_t */
	int			 prec;	/* %s precision, -1 if none */
	char			*fmt;	/* for snprintf: int64_t, double or %.*s */
};

/* A width or precision: digits, at most FORMAT_FIELD_MAX. */
static int
format_field(const char **pp, int *value)
{
	const char	*p = *pp;
	int		 v = 0;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > FORMAT_FIELD_MAX)
			return (-1);
	}
	*pp = p;
	*value = v;
	return (0);
}

/* What follows the flags, width and precision in the format handed to
 * snprintf for conversion letter c, or NULL if c is none of ours. */
static const char *
format_conv(char c, enum mb_format_kind *kind)
{
	static const char	 doubles[] = "fFeEgGaA";
	static const char	*double_conv[] = {
		"f", "F", "e", "E", "g", "G", "a", "A"
	};
	const char		*d;

	*kind = MB_FORMAT_INT;
	switch (c) {
	case 'd':
		return (PRId64);
	case 'i':
		return (PRIi64);
	case 'u':
		return (PRIu64);
	case 'x':
		return (PRIx64);
	case 'X':
		return (PRIX64);
	case 'o':
		return (PRIo64);
	case 's':
		*kind = MB_FORMAT_STRING;
		return (".*s");	/* precision cut to the value's length */
	}
	if (c == '\0' || (d = strchr(doubles, c)) == NULL)
		return (NULL);
	*kind = MB_FORMAT_DOUBLE;
	return (double_conv[d - doubles]);
}

struct mb_format *
mb_format_new(const char *fmt, char **cause)
{
	struct mb_format	*f;
	enum mb_format_kind	 kind = MB_FORMAT_INT;
	const char		*p, *q, *conv;
	char			*out, *o, flags[6], *why = NULL;
	size_t			 size, nflags;
	int			 seen = 0, width, prec = -1, have_width;
	char			 letter = '\0';

	/* The spec is rebuilt no longer than written, but for the length
	 * modifier of PRId64 and the ".*" of %s. */
	size = strlen(fmt) + 16;
	out = o = xmalloc(size);
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			*o++ = *p;
			continue;
		}
		if (p[1] == '%') {
			*o++ = *p++;
			*o++ = *p;
			continue;
		}
		if (seen) {
			why = xstrdup("more than one conversion; a format "
			    "renders one value");
			goto fail;
		}
		seen = 1;

		nflags = 0;
		while (*++p != '\0' && strchr("-+ 0#", *p) != NULL) {
			if (memchr(flags, *p, nflags) == NULL)
				flags[nflags++] = *p;
		}
		flags[nflags] = '\0';
		q = p;
		if (format_field(&p, &width) != 0)
			goto too_wide;
		have_width = p != q;
		if (*p == '.') {
			p++;
			if (format_field(&p, &prec) != 0)
				goto too_wide;
		}
		if (*p == '*') {
			why = xstrdup("'*' is not supported; write the width "
			    "or precision as a number");
			goto fail;
		}
		if (*p != '\0' && strchr("hlLjzt", *p) != NULL) {
			why = xfmt("length modifier '%c' is not needed: values "
			    "are passed as int64 or double", *p);
			goto fail;
		}
		if (*p == 'n') {
			why = xstrdup("%n is refused: it writes to memory");
			goto fail;
		}
		if (*p == '\0') {
			why = xstrdup("'%' without a conversion; write %% for a "
			    "literal %");
			goto fail;
		}
		if ((conv = format_conv(*p, &kind)) == NULL) {
			why = xfmt("unknown conversion '%%%c'; use one of d i u "
			    "x X o f F e E g G a A s", *p);
			goto fail;
		}
		/* What C leaves undefined. */
		if (strchr(flags, '#') != NULL && strchr("dius", *p) != NULL) {
			why = xfmt("flag '#' does not apply to %%%c", *p);
			goto fail;
		}
		if (*p == 's' && strpbrk(flags, "+ 0") != NULL) {
			why = xfmt("flag '%c' does not apply to %%s",
			    *strpbrk(flags, "+ 0"));
			goto fail;
		}

		letter = *p;
		*o++ = '%';
		o = stpcpy(o, flags);
		if (have_width)
			o += snprintf(o, size - (o - out), "%d", width);
		if (prec >= 0 && kind != MB_FORMAT_STRING)
			o += snprintf(o, size - (o - out), ".%d", prec);
		o = stpcpy(o, conv);
	}
	*o = '\0';
	if (!seen) {
		why = xstrdup("no conversion; give one of %d %i %u %x %X %o %f "
		    "%F %e %E %g %G %a %A %s");
		goto fail;
	}

	f = xmalloc(sizeof *f);
	f->kind = kind;
	f->is_unsigned = letter == 'u' || letter == 'x' || letter == 'X' ||
	    letter == 'o';
	f->prec = kind == MB_FORMAT_STRING ? prec : -1;
	f->fmt = out;
	return (f);

too_wide:
	why = xfmt("width and precision must be at most %d", FORMAT_FIELD_MAX);
fail:
	free(out);
	*cause = xfmt("format('%s'): %s", fmt, why);
	free(why);
	return (NULL);
}

void
mb_format_free(struct mb_format *f)
{
	if (f == NULL)
		return;
	free(f->fmt);
	free(f);
}

enum mb_format_kind
mb_format_kind(const struct mb_format *f)
{
	return (f->kind);
}

/* snprintf's int to our size_t; it fails only on a bad format, which
 * mb_format_new has ruled out. */
static inline size_t
format_len(int n)
{
	return (n < 0 ? 0 : (size_t)n);
}

/* A value of another kind is converted: a mismatch is the caller's
 * choice (a double binding shown with %d), not an error per cycle. */
size_t
mb_format_int(const struct mb_format *f, int64_t v, char *out, size_t cap)
{
	char	buf[MB_TEXT_NUM_MAX];

	switch (f->kind) {
	case MB_FORMAT_INT:
		break;
	case MB_FORMAT_DOUBLE:
		return (format_len(snprintf(out, cap, f->fmt, (double)v)));
	case MB_FORMAT_STRING:
		return (mb_format_string(f, buf, mb_text_int(v, buf), out,
		    cap));
	}
	if (f->is_unsigned)
		return (format_len(snprintf(out, cap, f->fmt, (uint64_t)v)));
	return (format_len(snprintf(out, cap, f->fmt, v)));
}

size_t
mb_format_double(const struct mb_format *f, double v, char *out, size_t cap)
{
	char	buf[MB_TEXT_NUM_MAX];
	int64_t	i;

	switch (f->kind) {
	case MB_FORMAT_INT:
		/* Saturate: out-of-range conversion is undefined in C. */
		if (v != v)
			i = 0;
		else if (v >= 0x1p63)
			i = INT64_MAX;
		else if (v < -0x1p63)
			i = INT64_MIN;
		else
			i = (int64_t)v;
		return (mb_format_int(f, i, out, cap));
	case MB_FORMAT_DOUBLE:
		break;
	case MB_FORMAT_STRING:
		return (mb_format_string(f, buf, mb_text_double(v, buf), out,
		    cap));
	}
	return (format_len(snprintf(out, cap, f->fmt, v)));
}

size_t
mb_format_string(const struct mb_format *f, const char *s, size_t len,
    char *out, size_t cap)
{
	char	buf[64];
	size_t	n;

	if (f->kind != MB_FORMAT_STRING) {
		/* Numeric text into a number format: read it as one. */
		n = len < sizeof buf - 1 ? len : sizeof buf - 1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (f->kind == MB_FORMAT_INT)
			return (mb_format_int(f, strtoll(buf, NULL, 10), out,
			    cap));
		return (mb_format_double(f, strtod(buf, NULL), out, cap));
	}
	if (s == NULL)
		s = "";
	if (f->prec >= 0 && (size_t)f->prec < len)
		len = f->prec;
	if (len > INT_MAX)
		len = INT_MAX;
	return (format_len(snprintf(out, cap, f->fmt, (int)len, s)));
}
