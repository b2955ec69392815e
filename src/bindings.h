/*
 * Bindings: named recipes that turn a cycle into a value, compiled once
 * from the workload's Lua recipe tables (moonbench/bind.lua) into typed C
 * programs, checked at load and run per cycle with no call into Lua (but
 * for b.fn). Values are int64, double or text; every value is rendered as
 * text for templates: integers in decimal, doubles in the shortest form
 * that reads back exactly.
 *
 * The compiled set is immutable and shared by every motor; each motor
 * evaluates into its own mb_binding_values, which caches a cycle's values.
 */
#ifndef MB_BINDINGS_H
#define MB_BINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "template.h"	/* struct mb_text */

struct mb_bindings;
struct mb_binding_values;

enum mb_value_type {
	MB_VALUE_INT,
	MB_VALUE_DOUBLE,
	MB_VALUE_TEXT,
};

struct mb_value {
	enum mb_value_type	 type;
	int64_t			 i;
	double			 d;
	struct mb_text		 t;
};

/* Compile the table at idx (name = recipe); where names the file for
 * messages ("FILE: binding 'x': mod(0): ..."). */
struct mb_bindings	*mb_bindings_compile(lua_State *, int idx,
			     const char *where, char **cause);
void			 mb_bindings_free(struct mb_bindings *);
/* Named bindings (the hidden ones of templates are not counted). */
size_t			 mb_bindings_count(const struct mb_bindings *);
const char		*mb_bindings_name(const struct mb_bindings *, size_t);
int			 mb_bindings_find(const struct mb_bindings *,
			     const char *name, size_t len);
/* How many b.fn functions the recipes hold, in the order that
 * mb_bindings_push_fns pushes them. */
size_t			 mb_bindings_nfns(const struct mb_bindings *);
/* Push a list of the b.fn functions of the bindings table at idx (the
 * same table, in another state), in compile order; returns how many. */
int			 mb_bindings_push_fns(lua_State *, int idx);

/* One motor's values. L and fn_refs (registry refs, mb_bindings_nfns of
 * them) are the motor's, for b.fn; NULL when there is none. */
struct mb_binding_values *mb_binding_values_new(const struct mb_bindings *,
			     lua_State *L, const int *fn_refs);
void			 mb_binding_values_free(struct mb_binding_values *);
/* Binding i's value for cycle, typed or as text; NULL when it could not be
 * made (b.fn raised, or returned a value of the wrong type): then
 * mb_binding_values_error says why. Valid until another cycle is asked. */
const struct mb_value	*mb_binding_values_get(struct mb_binding_values *,
			     uint64_t cycle, int i);
const struct mb_text	*mb_binding_values_text(struct mb_binding_values *,
			     uint64_t cycle, int i);
/* The same for a template: out[which[k]] for every binding it uses; -1
 * when one failed. */
int			 mb_binding_values_fill(struct mb_binding_values *,
			     uint64_t cycle, const int *which, size_t n,
			     struct mb_text *out);
const char		*mb_binding_values_error(
			     const struct mb_binding_values *);

/* The 64-bit mix behind hash() (good avalanche), for tests. */
uint64_t		 mb_bindings_hash(uint64_t);

#endif
