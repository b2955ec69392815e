/* Error handler chains: parsing errors= and matching classes. */
#include "config.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errpolicy.h"
#include "xmalloc.h"

struct errpolicy_handler {
	regex_t		*patterns;
	size_t		 npatterns;
	unsigned	 verbs;
};

struct mb_errpolicy {
	struct errpolicy_handler *handlers;
	size_t			  nhandlers;
	int			  retries;
};

static const struct {
	const char	*name;
	unsigned	 bit;
} errpolicy_verb_names[] = {
	{ "stop", MB_ERRV_STOP },
	{ "warn", MB_ERRV_WARN },
	{ "count", MB_ERRV_COUNT },
	{ "retry", MB_ERRV_RETRY },
	{ "ignore", MB_ERRV_IGNORE },
	{ "histogram", MB_ERRV_HISTOGRAM },
};
#define NVERBS (sizeof errpolicy_verb_names / sizeof errpolicy_verb_names[0])

static unsigned
errpolicy_verb(const char *word)
{
	size_t	i;

	for (i = 0; i < NVERBS; i++) {
		if (strcmp(word, errpolicy_verb_names[i].name) == 0)
			return (errpolicy_verb_names[i].bit);
	}
	return (0);
}

const char *
mb_errpolicy_verbs_name(unsigned verbs, char *buf, unsigned len)
{
	size_t	i, used = 0;
	int	n;

	buf[0] = '\0';
	for (i = 0; i < NVERBS; i++) {
		if ((verbs & errpolicy_verb_names[i].bit) == 0)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
		    errpolicy_verb_names[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return (buf);
}

/* "warn,count" -> bits; 0 and *cause for a word that is no verb. */
static unsigned
errpolicy_parse_verbs(const char *list, const char *handler, char **cause)
{
	char		*copy, *word, *save = NULL;
	unsigned	 verbs = 0, v;

	copy = xstrdup(list);
	for (word = strtok_r(copy, ",", &save); word != NULL;
	    word = strtok_r(NULL, ",", &save)) {
		if ((v = errpolicy_verb(word)) == 0) {
			*cause = xfmt("errors: '%s' in handler '%s' is not a "
			    "verb (expected stop, warn, count, retry, ignore "
			    "or histogram)", word, handler);
			free(copy);
			return (0);
		}
		verbs |= v;
	}
	free(copy);
	if (verbs == 0)
		*cause = xfmt("errors: handler '%s' has no verbs (expected "
		    "PATTERN:VERB[,VERB], e.g. timeout:retry,count)", handler);
	return (verbs);
}

/* Every pattern of "a,b" compiled to match a whole class name. */
static int
errpolicy_parse_patterns(struct errpolicy_handler *h, const char *list,
    const char *handler, char **cause)
{
	char		*copy, *pat, *save = NULL, *anchored, msg[128];
	int		 rc;

	copy = xstrdup(list);
	for (pat = strtok_r(copy, ",", &save); pat != NULL;
	    pat = strtok_r(NULL, ",", &save)) {
		h->patterns = xreallocarray(h->patterns, h->npatterns + 1,
		    sizeof *h->patterns);
		anchored = xfmt("^(%s)$", pat);
		rc = regcomp(&h->patterns[h->npatterns], anchored,
		    REG_EXTENDED | REG_NOSUB);
		free(anchored);
		if (rc != 0) {
			regerror(rc, NULL, msg, sizeof msg);
			*cause = xfmt("errors: pattern '%s' in handler '%s' is "
			    "not a regular expression: %s", pat, handler, msg);
			free(copy);
			return (-1);
		}
		h->npatterns++;
	}
	free(copy);
	if (h->npatterns == 0) {
		*cause = xfmt("errors: handler '%s' has no pattern before its "
		    "':'", handler);
		return (-1);
	}
	return (0);
}

static int
errpolicy_parse_handler(struct mb_errpolicy *p, char *text, char **cause)
{
	struct errpolicy_handler	*h;
	char				*colon;

	p->handlers = xreallocarray(p->handlers, p->nhandlers + 1,
	    sizeof *p->handlers);
	h = &p->handlers[p->nhandlers++];
	memset(h, 0, sizeof *h);
	/* The verbs follow the last colon: a pattern may hold one. */
	if ((colon = strrchr(text, ':')) == NULL) {
		/* Verbs alone apply to every class: errors=stop. */
		if (errpolicy_parse_patterns(h, ".*", text, cause) != 0)
			return (-1);
		h->verbs = errpolicy_parse_verbs(text, text, cause);
		return (h->verbs == 0 ? -1 : 0);
	}
	*colon = '\0';
	h->verbs = errpolicy_parse_verbs(colon + 1, text, cause);
	if (h->verbs == 0)
		return (-1);
	return (errpolicy_parse_patterns(h, text, text, cause));
}

struct mb_errpolicy *
mb_errpolicy_parse(const char *spec, char **cause)
{
	struct mb_errpolicy	*p;
	char			*copy, *handler, *save = NULL;

	p = xcalloc(1, sizeof *p);
	copy = xstrdup(spec);
	for (handler = strtok_r(copy, ";", &save); handler != NULL;
	    handler = strtok_r(NULL, ";", &save)) {
		if (errpolicy_parse_handler(p, handler, cause) != 0) {
			free(copy);
			mb_errpolicy_free(p);
			return (NULL);
		}
		if (p->handlers[p->nhandlers - 1].verbs & MB_ERRV_RETRY)
			p->retries = 1;
	}
	free(copy);
	if (p->nhandlers == 0) {
		*cause = xfmt("errors: '%s' has no handlers (expected "
		    "PATTERN:VERB[,VERB];..., e.g. '%s')", spec,
		    MB_ERRPOLICY_DEFAULT);
		mb_errpolicy_free(p);
		return (NULL);
	}
	return (p);
}

void
mb_errpolicy_free(struct mb_errpolicy *p)
{
	size_t	i, j;

	if (p == NULL)
		return;
	for (i = 0; i < p->nhandlers; i++) {
		for (j = 0; j < p->handlers[i].npatterns; j++)
			regfree(&p->handlers[i].patterns[j]);
		free(p->handlers[i].patterns);
	}
	free(p->handlers);
	free(p);
}

unsigned
mb_errpolicy_verbs(const struct mb_errpolicy *p, const char *class)
{
	size_t	i, j;

	for (i = 0; i < p->nhandlers; i++) {
		for (j = 0; j < p->handlers[i].npatterns; j++) {
			if (regexec(&p->handlers[i].patterns[j], class, 0,
			    NULL, 0) == 0)
				return (p->handlers[i].verbs);
		}
	}
	return (MB_ERRV_WARN | MB_ERRV_COUNT);
}

int
mb_errpolicy_retries(const struct mb_errpolicy *p)
{
	return (p->retries);
}
