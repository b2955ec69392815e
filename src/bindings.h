/*
 * Bindings: named recipes that turn a cycle into a value, compiled once
 * from the workload's Lua recipe tables into C programs that run with no
 * call into Lua. A recipe starts from the cycle or, with ref, from another
 * binding's value for the same cycle, then applies its steps (hash, mod,
 * add, mul, div). Values are int64 and are rendered as decimal text.
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

/* Compile the table at idx (name = recipe); where names the file for
 * messages ("FILE: binding 'x': mod: ..."). */
struct mb_bindings	*mb_bindings_compile(lua_State *, int idx,
			     const char *where, char **cause);
void			 mb_bindings_free(struct mb_bindings *);
size_t			 mb_bindings_count(const struct mb_bindings *);
const char		*mb_bindings_name(const struct mb_bindings *, size_t);
/* The index of a name, or -1. */
int			 mb_bindings_find(const struct mb_bindings *,
			     const char *name, size_t len);

struct mb_binding_values *mb_binding_values_new(const struct mb_bindings *);
void			 mb_binding_values_free(struct mb_binding_values *);
/* Binding i's value for cycle, as text; valid until the values are asked
 * for another cycle. */
const struct mb_text	*mb_binding_values_text(struct mb_binding_values *,
			     uint64_t cycle, int i);
/* The same values for a template: out[i] for every binding it uses. */
void			 mb_binding_values_fill(struct mb_binding_values *,
			     uint64_t cycle, const int *which, size_t n,
			     struct mb_text *out);

/* The 64-bit mix behind hash() (good avalanche), for tests. */
uint64_t		 mb_bindings_hash(uint64_t);

#endif
