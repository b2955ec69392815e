/*
 * Values per second of one binding recipe on one thread: the recipe is
 * compiled from Lua as a workload's would be, then evaluated and rendered
 * as text for cycles 0..N-1 (what rendering an op template does).
 *
 *   bench/bindings_bench 'b.hash():mod(1e6)' [N]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bindings.h"
#include "clock.h"
#include "lua_env.h"
#include "xmalloc.h"

int
main(int argc, char **argv)
{
	struct mb_lua_ctx		 ctx;
	struct mb_bindings		*b;
	struct mb_binding_values	*vals;
	const struct mb_text		*t;
	lua_State			*L;
	char				*src, *cause = NULL;
	uint64_t			 n, c, t0, t1, bytes = 0;
	int				*refs = NULL, i, nfns;

	if (argc < 2) {
		fprintf(stderr, "usage: bindings_bench RECIPE [N]\n");
		return (2);
	}
	n = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
	memset(&ctx, 0, sizeof ctx);
	if ((L = mb_lua_new(&ctx, &cause)) == NULL)
		goto fail;
	src = xfmt("local b = require('moonbench').bind\n"
	    "return { v = %s, other = b.hash():alnum(8) }", argv[1]);
	if (luaL_loadstring(L, src) != 0) {
		cause = xstrdup(lua_tostring(L, -1));
		goto fail;
	}
	free(src);
	if (mb_lua_pcall(L, 0, 1, &cause) != 0)
		goto fail;
	if ((b = mb_bindings_compile(L, -1, "bench", &cause)) == NULL)
		goto fail;
	nfns = mb_bindings_push_fns(L, -1);
	refs = xcalloc(nfns + 1, sizeof *refs);
	for (i = 0; i < nfns; i++) {
		lua_rawgeti(L, -1, i + 1);
		refs[i] = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	vals = mb_binding_values_new(b, L, refs);
	i = mb_bindings_find(b, "v", 1);
	t0 = mb_clock_ns();
	for (c = 0; c < n; c++) {
		if ((t = mb_binding_values_text(vals, c, i)) == NULL) {
			cause = xstrdup(mb_binding_values_error(vals));
			goto fail;
		}
		bytes += t->len;
	}
	t1 = mb_clock_ns();
	printf("%.0f\n", (double)n / ((double)(t1 - t0) / 1e9));
	fprintf(stderr, "# %s: %llu values, %.1f bytes each\n", argv[1],
	    (unsigned long long)n, (double)bytes / (double)n);
	mb_binding_values_free(vals);
	mb_bindings_free(b);
	free(refs);
	mb_lua_close(L);
	return (0);
fail:
	fprintf(stderr, "bindings_bench: %s\n", cause);
	return (1);
}
