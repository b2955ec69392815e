/* The compiled form of bindings, shared by bindings.c (compiling) and
 * bindings_eval.c (running); nothing else includes it. */
#ifndef MB_BINDINGS_IMPL_H
#define MB_BINDINGS_IMPL_H

#include "bindings.h"
#include "distributions.h"
#include "format.h"
#include "textgen.h"

#define MB_TYPE_ANY	(-1)	/* known only when b.fn returns */

enum binding_step_kind {
	STEP_IDENTITY, STEP_HASH, STEP_MOD, STEP_ADD, STEP_MUL, STEP_DIV,
	STEP_CLAMP, STEP_RANGE, STEP_UNIFORM, STEP_NORMAL, STEP_EXPONENTIAL,
	STEP_ZIPF, STEP_WEIGHTED, STEP_INT, STEP_TOSTRING, STEP_FORMAT,
	STEP_ALNUM, STEP_PRINTABLE, STEP_WORDS, STEP_UUID, STEP_EPOCH,
	STEP_DATE, STEP_LINE,
	/* Starters: where a recipe's value comes from. */
	STEP_REF, STEP_FIXED, STEP_FN, STEP_TEMPLATE,
};

/* A file's lines, read once (line steps). */
struct binding_lines {
	char		*data;
	struct mb_text	*v;
	size_t		 n;
	int		 by_hash;	/* pick by hash, else by value mod n */
};

struct binding_step {
	enum binding_step_kind	 kind;
	const char		*name;		/* "mod", for messages */
	int			 in;		/* type wanted, or ANY */
	int			 check;		/* in is checked per value: the
						   type is b.fn's to say */
	int			 dbl;		/* arithmetic in doubles */
	int64_t			 i1, i2;
	unsigned __int128	 magic;		/* mod: 2^128 / i1, rounded up */
	double			 d1, d2;
	char			*text;		/* date pattern */
	struct mb_value		 fixed;		/* fixed: its value */
	struct mb_zipf		*zipf;
	struct mb_weighted	*weighted;
	struct mb_value		*choices;	/* weighted: the values */
	size_t			 nchoices;
	struct mb_format	*format;
	struct binding_lines	*lines;
	int			 ref;		/* ref: binding index */
	char			*ref_name;
	int			 fn;		/* fn: its number */
	int			*args;		/* template: hidden bindings */
	size_t			 nargs;
	struct mb_text		*pieces;	/* template: nargs + 1 texts */
	char			*piece_data;
};

struct binding {
	char			*name;
	int			 hidden;	/* a template's argument */
	struct binding_step	*steps;
	size_t			 nsteps;
	int			 type;		/* its values' type, or ANY */
	int			 intonly;	/* integer steps only: fast path */
};

struct mb_bindings {
	struct binding		*v;
	size_t			 n;		/* all, hidden ones last */
	size_t			 nnamed;
	size_t			 nfns;
};

/* What compiling one recipe needs to say where it is. */
struct compile {
	struct mb_bindings	*b;
	const char		*where;		/* the file */
	const char		*binding;	/* the named binding */
	char			**cause;
	char			 call[128];	/* the step as written: mod(0) */
};

/* bindings.c: a recipe (on top of the stack) into binding idx. */
int	bindings_compile_recipe(struct compile *, struct lua_State *, size_t);
/* bindings_steps.c: one step table (on top) into st. */
int	bindings_steps_compile(struct compile *, struct lua_State *,
	    struct binding_step *);

#endif
