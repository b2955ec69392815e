/*
 * Fuzz src/params.c: every line of the input through each typed parser,
 * and the lines with a '=' as a name=value list checked against a table
 * with a param of every type.  Besides what the sanitizers catch, it checks
 * what params.h promises: a refusal returns -1 with a cause that names the
 * param, a success leaves the cause alone and a value within its bounds.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "params.h"

/* A param of every type, with names like the engine's. */
static const struct mb_param_spec fuzz_specs[] = {
	{ "cycles", MB_PARAM_RANGE, NULL, "", 0, 0, NULL },
	{ "stride", MB_PARAM_COUNT, NULL, "", 1, 0, NULL },
	{ "async", MB_PARAM_COUNT, NULL, "", 1, 1000000, NULL },
	{ "duration", MB_PARAM_DURATION, NULL, "", 0, 0, NULL },
	{ "shard", MB_PARAM_SHARD, "0/1", "", 0, 0, NULL },
	{ "threads", MB_PARAM_THREADS, "1", "", 0, 0, NULL },
	{ "dryrun", MB_PARAM_BOOL, "false", "", 0, 0, NULL },
	{ "sample", MB_PARAM_FRACTION, "1", "", 0, 0, NULL },
	{ "rate", MB_PARAM_DOUBLE, "0", "", 0, 0, NULL },
	{ "seq", MB_PARAM_CHOICE, "bucket", "", 0, 0,
	    "bucket|concat|interval" },
	{ "errors", MB_PARAM_STRING, NULL, "", 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, NULL },
};
static const struct mb_param_spec *const fuzz_tables[] = { fuzz_specs, NULL };

/*
 * ret and *cause agree, and a cause names the param; 1 on success.  Frees
 * the cause and sets *cause to NULL for the next call.
 */
static int
fuzz_outcome(int ret, char **cause)
{
	if (ret == 0) {
		FUZZ_ASSERT(*cause == NULL);
		return (1);
	}
	FUZZ_ASSERT(ret == -1 && *cause != NULL);
	FUZZ_ASSERT(strncmp(*cause, "p: ", 3) == 0);
	free(*cause);
	*cause = NULL;
	return (0);
}

/* A duration's text reads back to within the rounding it prints with. */
static void
fuzz_duration_text(uint64_t ns)
{
	char		 buf[32], small[6], *cause = NULL;
	uint64_t	 back, diff;
	size_t		 len;

	mb_param_format_duration(ns, buf, sizeof buf);
	FUZZ_ASSERT(fuzz_outcome(mb_param_duration("p", buf, &back, &cause),
	    &cause));
	/* Thousandths of the largest unit that fits, so at most ns/2000. */
	diff = back > ns ? back - ns : ns - back;
	FUZZ_ASSERT(diff <= ns / 2000);
	for (len = 1; len <= sizeof small; len++) {
		mb_param_format_duration(ns, small, len);
		FUZZ_ASSERT(strlen(small) < len);
	}
}

static void
fuzz_typed(const char *s)
{
	static const uint32_t	 ncpus[] = { 0, 7, 4096 };
	uint64_t		 u, a, b;
	uint32_t		 i, n;
	double			 d;
	size_t			 k;
	char			*cause = NULL, *word;
	int			 x;

	/* A count is also a range from 0. */
	if (fuzz_outcome(mb_param_count("p", s, 0, 0, &u, &cause), &cause)) {
		FUZZ_ASSERT(fuzz_outcome(mb_param_range("p", s, &a, &b,
		    &cause), &cause) && a == 0 && b == u);
	}
	if (fuzz_outcome(mb_param_count("p", s, 10, 1000, &u, &cause), &cause))
		FUZZ_ASSERT(u >= 10 && u <= 1000);
	if (fuzz_outcome(mb_param_count("p", s, 5, 0, &u, &cause), &cause))
		FUZZ_ASSERT(u >= 5);
	if (fuzz_outcome(mb_param_duration("p", s, &u, &cause), &cause))
		fuzz_duration_text(u);
	if (fuzz_outcome(mb_param_range("p", s, &a, &b, &cause), &cause))
		FUZZ_ASSERT(a <= b);
	if (fuzz_outcome(mb_param_shard("p", s, &i, &n, &cause), &cause))
		FUZZ_ASSERT(n >= 1 && i < n);
	for (k = 0; k < sizeof ncpus / sizeof ncpus[0]; k++) {
		if (fuzz_outcome(mb_param_threads("p", s, ncpus[k], &n,
		    &cause), &cause))
			FUZZ_ASSERT(n >= 1 && n <= MB_THREADS_MAX);
	}
	if (fuzz_outcome(mb_param_bool("p", s, &x, &cause), &cause))
		FUZZ_ASSERT(x == 0 || x == 1);
	if (fuzz_outcome(mb_param_fraction("p", s, &d, &cause), &cause))
		FUZZ_ASSERT(d >= 0 && d <= 1);
	if (fuzz_outcome(mb_param_double("p", s, &d, &cause), &cause))
		FUZZ_ASSERT(isfinite(d));
	if (fuzz_outcome(mb_param_choice("p", s, "bucket|concat|interval", &x,
	    &cause), &cause))
		FUZZ_ASSERT(x >= 0 && x <= 2);

	/* The line as the list of choices: its first word is choice 0. */
	word = strndup(s, strcspn(s, "|"));
	FUZZ_ASSERT(word != NULL);
	FUZZ_ASSERT(fuzz_outcome(mb_param_choice("p", word, s, &x, &cause),
	    &cause) && x == 0);
	free(word);
	/* And "" is one only when the list has an empty word. */
	if (!fuzz_outcome(mb_param_choice("p", "", s, &x, &cause), &cause)) {
		FUZZ_ASSERT(*s != '\0' && *s != '|' &&
		    s[strlen(s) - 1] != '|' && strstr(s, "||") == NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_params	 ps;
	char			*text, *line, *next, *eq, *cause;
	const char		*value, *near;
	size_t			 n;

	/* The parsers take C strings: the input up to its first NUL. */
	text = malloc(size + 1);
	FUZZ_ASSERT(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';

	mb_params_init(&ps);
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		fuzz_typed(line);
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		cause = NULL;
		if (mb_params_add(&ps, line, &cause) != 0) {
			FUZZ_ASSERT(cause != NULL);
			free(cause);
			continue;
		}
		FUZZ_ASSERT(cause == NULL);
		*eq = '\0';
		value = mb_params_get(&ps, line);
		FUZZ_ASSERT(value != NULL && strcmp(value, eq + 1) == 0);
		near = mb_params_nearest(fuzz_tables, line);
		FUZZ_ASSERT(near == NULL ||
		    mb_params_find(fuzz_tables, near) != NULL);
		/* Set replaces, and the name stays once in the list. */
		n = ps.n;
		mb_params_set(&ps, line, "1");
		FUZZ_ASSERT(ps.n == n &&
		    strcmp(mb_params_get(&ps, line), "1") == 0);
		mb_params_set(&ps, line, eq + 1);
	}
	cause = NULL;
	if (mb_params_validate(&ps, fuzz_tables, &cause) != 0) {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	} else
		FUZZ_ASSERT(cause == NULL);
	mb_params_free(&ps);
	free(text);
	return (0);
}
