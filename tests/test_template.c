/* Unit tests for template.c: placeholders, literal braces, escapes, render. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "xmalloc.h"

/* Binding i is names[i]; its value in a render is values[i]. */
static const char	*names[] = { "id", "value", "name", "x", "a_1", "a",
			    "b", NULL };

enum { ID, VALUE, NAME, X, A_1, A, B, NBINDINGS };

static struct mb_text	 values[NBINDINGS] = {
	[ID] =		{ "42", 2 },
	[VALUE] =	{ "v'q", 3 },
	[NAME] =	{ "ann", 3 },
	[X] =		{ "", 0 },
	[A_1] =		{ "A1", 2 },
	[A] =		{ "AA", 2 },
	[B] =		{ "BBB", 3 },
};

static int
lookup(void *arg, const char *name, size_t len)
{
	int	i;

	(*(int *)arg)++;
	for (i = 0; names[i] != NULL; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return (i);
	}
	return (-1);
}

static struct mb_template *
compile_len(const char *text, size_t len)
{
	struct mb_template	*t;
	char			*cause = NULL;
	int			 calls = 0;

	t = mb_template_compile(text, len, lookup, &calls, &cause);
	if (t == NULL)
		print_error("compile '%s': %s\n", text, cause);
	assert_non_null(t);
	assert_null(cause);
	return (t);
}

static struct mb_template *
compile(const char *text)
{
	return (compile_len(text, strlen(text)));
}

/* Render into an exact-size buffer and compare bytes. */
static void
render_is_len(const struct mb_template *t, const char *want, size_t wlen)
{
	char	*buf;
	size_t	 n;

	n = mb_template_render(t, values, NULL, 0);
	assert_int_equal(n, wlen);
	buf = xmalloc(wlen + 1);
	buf[wlen] = '#';
	assert_int_equal(mb_template_render(t, values, buf, wlen), wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(buf[wlen], '#');
	free(buf);
}

static void
render_is(const struct mb_template *t, const char *want)
{
	render_is_len(t, want, strlen(want));
}

/* Compile, render, check the bindings list (terminated by -1); frees. */
static void
check(const char *text, const char *want, ...)
{
	struct mb_template	*t;
	const int		*b;
	va_list			 ap;
	size_t			 n, i = 0;
	int			 want_b;

	t = compile(text);
	render_is(t, want);
	assert_string_equal(mb_template_source(t), text);
	b = mb_template_bindings(t, &n);
	va_start(ap, want);
	while ((want_b = va_arg(ap, int)) != -1) {
		assert_true(i < n);
		assert_int_equal(b[i], want_b);
		i++;
	}
	va_end(ap);
	assert_int_equal(n, i);
	assert_int_equal(mb_template_is_constant(t), n == 0);
	mb_template_free(t);
}

static void
test_positions(void **state)
{
	check("{id} first", "42 first", ID, -1);
	check("last {id}", "last 42", ID, -1);
	check("{a}{b}", "AABBB", A, B, -1);
	check("{a_1}", "A1", A_1, -1);
	check("{id}-{id}", "42-42", ID, -1);
	check("{b}{a}{b}{a}", "BBBAABBBAA", B, A, -1);
	check("[{x}]", "[]", X, -1);
	check("{id}:{name}:{id}:{value}", "42:ann:42:v'q", ID, NAME, VALUE,
	    -1);
}

static void
test_constant(void **state)
{
	struct mb_template	*t;
	char			 buf[4] = "###";

	check("no placeholder here", "no placeholder here", -1);

	t = compile("");
	assert_true(mb_template_is_constant(t));
	assert_string_equal(mb_template_source(t), "");
	assert_int_equal(mb_template_render(t, values, buf, sizeof buf), 0);
	assert_int_equal(mb_template_render(t, values, NULL, 0), 0);
	assert_string_equal(buf, "###");
	mb_template_free(t);
}

static void
test_json_sql(void **state)
{
	check("{\"user\": {\"id\": {id}, \"tags\": [\"{name}\"]}}",
	    "{\"user\": {\"id\": 42, \"tags\": [\"ann\"]}}", ID, NAME, -1);
	check("{\"id\": {id}, \"v\": \"{value}\"}",
	    "{\"id\": 42, \"v\": \"v'q\"}", ID, VALUE, -1);
	check("INSERT INTO t (k, v) VALUES ({id}, '{value}') -- {not closed",
	    "INSERT INTO t (k, v) VALUES (42, 'v'q') -- {not closed",
	    ID, VALUE, -1);
}

static void
test_escapes(void **state)
{
	check("{{id}", "{id}", -1);
	check("{{{id}", "{42", ID, -1);
	check("{{{{", "{{", -1);
	check("{{", "{", -1);
	check("a{{b}}c", "a{b}}c", -1);
	check("{{id}}{id}", "{id}}42", ID, -1);
}

static void
test_literal_braces(void **state)
{
	check("{}", "{}", -1);
	check("{ x }", "{ x }", -1);
	check("{1a}", "{1a}", -1);
	check("{a-b}", "{a-b}", -1);
	check("trailing {", "trailing {", -1);
	check("{", "{", -1);
	check("}", "}", -1);
	check("lone } and {x", "lone } and {x", -1);
	check("{id", "{id", -1);
	check("{{}", "{}", -1);
	check("{x{id}}", "{x42}", ID, -1);
}

static void
test_binary(void **state)
{
	static const char	 text[] = "k\0{id}\0{x}|{name}";
	static const char	 want[] = "k\0" "a\0b\0\0" "c|" "\0";
	struct mb_text		 saved[NBINDINGS];
	struct mb_template	*t;

	memcpy(saved, values, sizeof saved);
	values[ID].ptr = "a\0b\0";
	values[ID].len = 4;
	values[X].ptr = "c";
	values[X].len = 1;
	values[NAME].ptr = "";
	values[NAME].len = 1;

	t = compile_len(text, sizeof text - 1);
	assert_false(mb_template_is_constant(t));
	assert_memory_equal(mb_template_source(t), text, sizeof text);
	render_is_len(t, want, sizeof want - 1);
	mb_template_free(t);

	/* A value that is { NULL, 0 } is empty. */
	values[X].ptr = NULL;
	values[X].len = 0;
	t = compile("<{x}>");
	render_is(t, "<>");
	mb_template_free(t);

	memcpy(values, saved, sizeof saved);
}

static void
test_unknown(void **state)
{
	struct mb_template	*t;
	char			*cause = NULL, *text;
	int			 calls = 0;

	t = mb_template_compile("a {id} {nope} b", 15, lookup, &calls,
	    &cause);
	assert_null(t);
	assert_non_null(cause);
	assert_string_equal(cause,
	    "unknown binding 'nope' in 'a {id} {nope} b'");
	free(cause);

	/* Longer than 60: quoted cut, with "..." at the end. */
	text = xfmt("SELECT * FROM t WHERE k = {id} AND v = {missing_one} "
	    "AND w = 'padding padding padding'");
	cause = NULL;
	t = mb_template_compile(text, strlen(text), lookup, &calls, &cause);
	assert_null(t);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "'missing_one'"));
	assert_non_null(strstr(cause, "in 'SELECT * FROM t WHERE k = {id}"));
	assert_non_null(strstr(cause, "...'"));
	assert_null(strstr(cause, "padding"));
	free(cause);
	free(text);

	/* Escaped and malformed names are not looked up. */
	calls = 0;
	cause = NULL;
	t = mb_template_compile("{{nope} {1x} { y }", 18, lookup, &calls,
	    &cause);
	assert_non_null(t);
	assert_null(cause);
	assert_int_equal(calls, 0);
	mb_template_free(t);
}

static void
test_short_buffer(void **state)
{
	struct mb_template	*t;
	const char		*want = "id=42, name=ann;";
	size_t			 wlen = strlen(want), cap;
	char			 buf[64];

	t = compile("id={id}, name={name};");
	for (cap = 0; cap <= wlen; cap++) {
		memset(buf, '#', sizeof buf);
		assert_int_equal(mb_template_render(t, values, buf, cap), wlen);
		assert_memory_equal(buf, want, cap);
		assert_int_equal(buf[cap], '#');
	}
	/* Grown buffer: a full render. */
	memset(buf, '#', sizeof buf);
	assert_int_equal(mb_template_render(t, values, buf, sizeof buf), wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(buf[wlen], '#');
	mb_template_free(t);
}

static void
test_long(void **state)
{
	struct mb_template	*t;
	const int		*b;
	char			*text, *want, *p, *q;
	size_t			 i, n, count = 2000;

	/* 10 KB of literal text with a placeholder in the middle. */
	text = xmalloc(10241 + 8);
	want = xmalloc(10241 + 8);
	memset(text, 'z', 10240);
	memcpy(text + 5000, "{id}", 4);
	text[10240] = '\0';
	memset(want, 'z', 10240);
	memcpy(want + 5000, "42", 2);
	want[10238] = '\0';
	t = compile(text);
	render_is(t, want);
	mb_template_free(t);
	free(text);
	free(want);

	/* Many placeholders, cycling through four bindings. */
	text = xmalloc(count * 8 + 1);
	want = xmalloc(count * 8 + 1);
	for (i = 0, p = text, q = want; i < count; i++) {
		switch (i % 4) {
		case 0:
			p += sprintf(p, "{a},");
			q += sprintf(q, "AA,");
			break;
		case 1:
			p += sprintf(p, "{b}");
			q += sprintf(q, "BBB");
			break;
		case 2:
			p += sprintf(p, "{a_1}");
			q += sprintf(q, "A1");
			break;
		default:
			p += sprintf(p, "{{{id}");
			q += sprintf(q, "{42");
			break;
		}
	}
	t = compile(text);
	render_is(t, want);
	b = mb_template_bindings(t, &n);
	assert_int_equal(n, 4);
	assert_int_equal(b[0], A);
	assert_int_equal(b[1], B);
	assert_int_equal(b[2], A_1);
	assert_int_equal(b[3], ID);
	mb_template_free(t);
	free(text);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_json_sql),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_literal_braces),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_long),
	};

	return (cmocka_run_group_tests_name("template", tests, NULL, NULL));
}
