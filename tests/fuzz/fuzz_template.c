/*
 * Fuzz src/template.c: the input is an op template, compiled against a few
 * binding names and rendered into buffers of every interesting size.  The
 * rendering is compared with a slow one written from template.h's rules
 * ("{{" is a '{', "{name}" a binding, any other '{' itself), so a wrong
 * byte is a finding, not only a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "template.h"

static const char *const fuzz_names[] = { "id", "key", "value", "name",
    "user_id", "x", "_" };
#define FUZZ_NBINDINGS	(sizeof fuzz_names / sizeof fuzz_names[0])

/* One value each, the empty ones too: { NULL, 0 } is allowed. */
#define FUZZ_TEXT(s)	{ s, sizeof s - 1 }
static const struct mb_text fuzz_values[FUZZ_NBINDINGS] = {
	FUZZ_TEXT("42"), FUZZ_TEXT("key:0000000042"), FUZZ_TEXT(""),
	{ NULL, 0 }, FUZZ_TEXT("{id}"), FUZZ_TEXT("x"),
	FUZZ_TEXT("a longer value, so that a buffer runs short"),
};
#define FUZZ_VALUE_MAX	43	/* the longest */

static int
fuzz_lookup(void *arg, const char *name, size_t len)
{
	size_t	i;

	(*(int *)arg)++;
	for (i = 0; i < FUZZ_NBINDINGS; i++) {
		if (strlen(fuzz_names[i]) == len &&
		    memcmp(fuzz_names[i], name, len) == 0)
			return ((int)i);
	}
	return (-1);
}

static int
fuzz_is_first(uint8_t c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_');
}

static int
fuzz_is_rest(uint8_t c)
{
	return (fuzz_is_first(c) || (c >= '0' && c <= '9'));
}

struct fuzz_expect {
	char	*out;		/* the rendering */
	size_t	 len;
	int	 used[FUZZ_NBINDINGS];	/* bindings in order of first use */
	size_t	 nused;
	size_t	 unknown;	/* placeholders naming no binding */
};

static void
fuzz_emit(struct fuzz_expect *e, const char *p, size_t n)
{
	if (n != 0)
		memcpy(e->out + e->len, p, n);
	e->len += n;
}

/* The rendering, the slow way; out has room for len times the longest value. */
static void
fuzz_expect(const uint8_t *text, size_t len, struct fuzz_expect *e)
{
	size_t	i, j, k, b;

	for (i = 0; i < len; i++) {
		if (text[i] != '{') {
			fuzz_emit(e, (const char *)text + i, 1);
			continue;
		}
		if (i + 1 < len && text[i + 1] == '{') {
			fuzz_emit(e, "{", 1);
			i++;
			continue;
		}
		j = i + 1;
		if (j < len && fuzz_is_first(text[j])) {
			while (j < len && fuzz_is_rest(text[j]))
				j++;
		}
		if (j == i + 1 || j >= len || text[j] != '}') {
			fuzz_emit(e, "{", 1);
			continue;
		}
		for (b = 0; b < FUZZ_NBINDINGS; b++) {
			if (strlen(fuzz_names[b]) == j - i - 1 &&
			    memcmp(fuzz_names[b], text + i + 1, j - i - 1) == 0)
				break;
		}
		if (b == FUZZ_NBINDINGS)
			e->unknown++;
		else {
			fuzz_emit(e, fuzz_values[b].ptr, fuzz_values[b].len);
			for (k = 0; k < e->nused && e->used[k] != (int)b; k++)
				/* nothing */;
			if (k == e->nused)
				e->used[e->nused++] = (int)b;
		}
		i = j;
	}
}

/* Render into exactly cap bytes (ASan sees a write past them). */
static void
fuzz_render(const struct mb_template *t, const struct fuzz_expect *e,
    size_t cap)
{
	char	*out;

	out = malloc(cap == 0 ? 1 : cap);
	FUZZ_ASSERT(out != NULL);
	FUZZ_ASSERT(mb_template_render(t, fuzz_values, out, cap) == e->len);
	/* What fits is written, the rest only counted. */
	FUZZ_ASSERT(memcmp(out, e->out, cap < e->len ? cap : e->len) == 0);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_template	*t;
	struct fuzz_expect	 e;
	const int		*used;
	size_t			 n, i;
	char			*cause = NULL;
	int			 calls = 0;

	memset(&e, 0, sizeof e);
	/* No placeholder renders longer than the longest value. */
	e.out = malloc(size * FUZZ_VALUE_MAX + 1);
	FUZZ_ASSERT(e.out != NULL);
	fuzz_expect(data, size, &e);

	/* The API takes a length: data is not NUL-terminated. */
	t = mb_template_compile((const char *)data, size, fuzz_lookup, &calls,
	    &cause);
	if (t == NULL) {
		FUZZ_ASSERT(e.unknown > 0);
		FUZZ_ASSERT(cause != NULL &&
		    strncmp(cause, "unknown binding '", 17) == 0);
		free(cause);
		free(e.out);
		return (0);
	}
	FUZZ_ASSERT(cause == NULL && e.unknown == 0);

	FUZZ_ASSERT(memcmp(mb_template_source(t), data, size) == 0 &&
	    mb_template_source(t)[size] == '\0');
	used = mb_template_bindings(t, &n);
	FUZZ_ASSERT(n == e.nused);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(used[i] == e.used[i]);
	FUZZ_ASSERT(mb_template_is_constant(t) == (n == 0));

	fuzz_render(t, &e, e.len);
	fuzz_render(t, &e, 0);
	fuzz_render(t, &e, e.len / 2);
	fuzz_render(t, &e, e.len + 1);
	if (e.len > 0)
		fuzz_render(t, &e, e.len - 1);
	mb_template_free(t);
	free(e.out);
	return (0);
}
