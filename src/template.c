/* Op templates: "{name}" placeholders compiled to segments, rendered fast. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "xmalloc.h"

/* Longest template quoted whole in a message; longer ones are cut. */
#define TEMPLATE_QUOTE_MAX	60

struct template_seg {
	const char	*ptr;		/* literal bytes in lit */
	size_t		 len;		/* literal length */
	int		 binding;	/* binding index, -1 for literal */
};

struct mb_template {
	struct template_seg	*segs;
	size_t			 nsegs;
	int			*bindings;	/* each once, first use first */
	size_t			 nbindings;
	char			*lit;		/* literal bytes, unescaped */
	char			*source;	/* the text, NUL-terminated */
};

static int
template_is_first(char c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_');
}

static int
template_is_rest(char c)
{
	return (template_is_first(c) || (c >= '0' && c <= '9'));
}

/* Length of the identifier and '}' after the '{' at text[i], or 0. */
static size_t
template_placeholder(const char *text, size_t len, size_t i)
{
	size_t	j = i + 1;

	if (j >= len || !template_is_first(text[j]))
		return (0);
	while (j < len && template_is_rest(text[j]))
		j++;
	if (j >= len || text[j] != '}')
		return (0);
	return (j - i - 1);
}

static struct template_seg *
template_add(struct mb_template *t, size_t *alloc)
{
	if (t->nsegs == *alloc) {
		*alloc = *alloc == 0 ? 8 : *alloc * 2;
		t->segs = xreallocarray(t->segs, *alloc, sizeof *t->segs);
	}
	return (&t->segs[t->nsegs++]);
}

/* Append one literal byte, growing the last literal segment if there is one. */
static void
template_add_byte(struct mb_template *t, size_t *alloc, size_t *used, char c)
{
	struct template_seg	*s;

	if (t->nsegs == 0 || t->segs[t->nsegs - 1].binding != -1) {
		s = template_add(t, alloc);
		s->ptr = t->lit + *used;
		s->len = 0;
		s->binding = -1;
	} else
		s = &t->segs[t->nsegs - 1];
	t->lit[(*used)++] = c;
	s->len++;
}

static void
template_use(struct mb_template *t, size_t *alloc, int binding)
{
	struct template_seg	*s;
	size_t			 i;

	s = template_add(t, alloc);
	s->ptr = NULL;
	s->len = 0;
	s->binding = binding;

	for (i = 0; i < t->nbindings; i++) {
		if (t->bindings[i] == binding)
			return;
	}
	t->bindings = xreallocarray(t->bindings, t->nbindings + 1,
	    sizeof *t->bindings);
	t->bindings[t->nbindings++] = binding;
}

struct mb_template *
mb_template_compile(const char *text, size_t len, mb_template_lookup lookup,
    void *arg, char **cause)
{
	struct mb_template	*t;
	size_t			 i, n, alloc = 0, used = 0;
	int			 binding;

	t = xcalloc(1, sizeof *t);
	t->source = xmalloc(len + 1);
	if (len != 0)
		memcpy(t->source, text, len);
	t->source[len] = '\0';
	t->lit = xmalloc(len);	/* escapes only shrink the text */

	for (i = 0; i < len; i++) {
		if (text[i] != '{') {
			template_add_byte(t, &alloc, &used, text[i]);
			continue;
		}
		if (i + 1 < len && text[i + 1] == '{') {
			template_add_byte(t, &alloc, &used, '{');
			i++;
			continue;
		}
		if ((n = template_placeholder(text, len, i)) == 0) {
			template_add_byte(t, &alloc, &used, '{');
			continue;
		}
		binding = lookup(arg, text + i + 1, n);
		if (binding < 0) {
			if (len > TEMPLATE_QUOTE_MAX) {
				*cause = xfmt("unknown binding '%.*s' in "
				    "'%.*s...'", (int)n, text + i + 1,
				    TEMPLATE_QUOTE_MAX - 3, text);
			} else {
				*cause = xfmt("unknown binding '%.*s' in "
				    "'%.*s'", (int)n, text + i + 1, (int)len,
				    text);
			}
			mb_template_free(t);
			return (NULL);
		}
		template_use(t, &alloc, binding);
		i += n + 1;
	}
	return (t);
}

void
mb_template_free(struct mb_template *t)
{
	if (t == NULL)
		return;
	free(t->segs);
	free(t->bindings);
	free(t->lit);
	free(t->source);
	free(t);
}

const int *
mb_template_bindings(const struct mb_template *t, size_t *n)
{
	*n = t->nbindings;
	return (t->bindings);
}

size_t
mb_template_render(const struct mb_template *t, const struct mb_text *values,
    char *out, size_t cap)
{
	const struct template_seg	*s, *end;
	const char			*src;
	size_t				 n, total = 0;

	/* An empty template has no segments: segs + 0 would be NULL + 0, UB. */
	if (t->nsegs == 0)
		return (0);
	end = t->segs + t->nsegs;
	for (s = t->segs; s != end; s++) {
		if (s->binding < 0) {
			src = s->ptr;
			n = s->len;
		} else {
			src = values[s->binding].ptr;
			n = values[s->binding].len;
		}
		if (n > cap - total) {
			/* Out of room: fill what is left, then only count. */
			if (cap > total)
				memcpy(out + total, src, cap - total);
			total += n;
			for (s++; s != end; s++) {
				total += s->binding < 0 ? s->len :
				    values[s->binding].len;
			}
			break;
		}
		if (n != 0)	/* a value may be { NULL, 0 } */
			memcpy(out + total, src, n);
		total += n;
	}
	return (total);
}

int
mb_template_is_constant(const struct mb_template *t)
{
	return (t->nbindings == 0);
}

const char *
mb_template_source(const struct mb_template *t)
{
	return (t->source);
}
