/* Op templates: "{name}" placeholders compiled once, rendered per cycle. */
#ifndef MB_TEMPLATE_H
#define MB_TEMPLATE_H

#include <stddef.h>

/* One binding's rendered value for this cycle. */
struct mb_text {
	const char	*ptr;
	size_t		 len;
};

/* Resolve a placeholder name to a binding index >= 0, or -1 if unknown. */
typedef int (*mb_template_lookup)(void *arg, const char *name, size_t len);

struct mb_template;

/*
 * NULL and *cause "unknown binding 'x' in '...the template...'" (quote the
 * template, cut to 60 chars with "..." if longer) when a name does not
 * resolve.
 */
struct mb_template *mb_template_compile(const char *text, size_t len,
	    mb_template_lookup, void *arg, char **cause);
void	 mb_template_free(struct mb_template *);
/* Binding indexes used, each once, in order of first use; *n their count. */
const int *mb_template_bindings(const struct mb_template *, size_t *n);
/*
 * Render with values[i] the value of binding i into out[0..cap). Returns the
 * full rendered length; if that is above cap, only cap bytes were written and
 * the caller grows its buffer and renders again. No allocation, no NUL
 * terminator added.
 */
size_t	 mb_template_render(const struct mb_template *,
	    const struct mb_text *values, char *out, size_t cap);
/* True when the template has no placeholder (its text is then fixed). */
int	 mb_template_is_constant(const struct mb_template *);
/* The template's source text (for messages). */
const char *mb_template_source(const struct mb_template *);

#endif
