/*
 * Params: name=value pairs from the command line (and later from scenarios),
 * their typed values (counts with K M B, durations with ns us ms s m h,
 * cycle ranges, shards, thread counts, fractions) and the check of a set of
 * params against the tables of known params, with a nearest-name hint.
 *
 * Every function that can refuse a value returns -1 and fills *cause with a
 * complete sentence (allocated; the caller frees it) that names the param,
 * quotes the value and says what is allowed, for example
 *   "threads: expected a number from 1 to 1024, 'auto' or 'Nx', got 'four'".
 * On success they return 0 and leave *cause alone.
 */
#ifndef MB_PARAMS_H
#define MB_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define MB_THREADS_MAX		1024
#define MB_CYCLE_UNBOUNDED	UINT64_MAX

enum mb_param_type {
	MB_PARAM_COUNT,		/* 10, 10K, 1.5M, 2B: an unsigned 64-bit count */
	MB_PARAM_DURATION,	/* 10ms, 1.5s, 2m, 1h, 1m30s: nanoseconds */
	MB_PARAM_RANGE,		/* cycles: N, A..B (closed-open), A..+N */
	MB_PARAM_SHARD,		/* i/N */
	MB_PARAM_THREADS,	/* N, auto, Nx */
	MB_PARAM_BOOL,		/* true false yes no on off 1 0 */
	MB_PARAM_FRACTION,	/* 0.001 or 0.1%, within 0..1 */
	MB_PARAM_DOUBLE,	/* any finite number */
	MB_PARAM_CHOICE,	/* one word of spec->choices ("a|b|c") */
	MB_PARAM_STRING,	/* anything, checked by its owner */
};

/* One known param: the engine and every driver publish a table of them. */
struct mb_param_spec {
	const char		*name;
	enum mb_param_type	 type;
	const char		*def;	  /* default, as text; NULL: none */
	const char		*help;	  /* one line for --help */
	uint64_t		 min;	  /* MB_PARAM_COUNT bounds; */
	uint64_t		 max;	  /*   both 0: any count */
	const char		*choices; /* MB_PARAM_CHOICE: "bucket|concat" */
};

/* Typed values. */
int	 mb_param_count(const char *name, const char *s, uint64_t min,
	     uint64_t max, uint64_t *out, char **cause);
int	 mb_param_duration(const char *name, const char *s, uint64_t *ns,
	     char **cause);
int	 mb_param_range(const char *name, const char *s, uint64_t *start,
	     uint64_t *end, char **cause);
int	 mb_param_shard(const char *name, const char *s, uint32_t *index,
	     uint32_t *count, char **cause);
int	 mb_param_threads(const char *name, const char *s, uint32_t ncpu,
	     uint32_t *out, char **cause);
int	 mb_param_bool(const char *name, const char *s, int *out,
	     char **cause);
int	 mb_param_fraction(const char *name, const char *s, double *out,
	     char **cause);
int	 mb_param_double(const char *name, const char *s, double *out,
	     char **cause);
int	 mb_param_choice(const char *name, const char *s, const char *choices,
	     int *index, char **cause);

/* Check a value against its spec, whatever its type. */
int	 mb_param_check(const struct mb_param_spec *, const char *value,
	     char **cause);

/* Text for a duration in the largest unit that keeps it exact: "1.5s". */
void	 mb_param_format_duration(uint64_t ns, char *buf, size_t len);

/* A list of name=value pairs in the order given. */
struct mb_param {
	char	*name;
	char	*value;
};
struct mb_params {
	struct mb_param	*v;
	size_t		 n;
};

void	 mb_params_init(struct mb_params *);
void	 mb_params_free(struct mb_params *);
/* Add "name=value"; refuses a missing '=', an empty or malformed name and a
 * name already given. */
int	 mb_params_add(struct mb_params *, const char *arg, char **cause);
/* Set name to value, replacing an earlier value. */
void	 mb_params_set(struct mb_params *, const char *name,
	     const char *value);
const char *mb_params_get(const struct mb_params *, const char *name);
/* A timeout param of a driver (connect_timeout=2s): def_ns when unset, a
 * duration above 0 when set. */
int	 mb_params_timeout(const struct mb_params *, const char *name,
	     uint64_t def_ns, uint64_t *ns, char **cause);

/* A NULL-terminated list of spec tables, each ending with a {NULL} entry. */
const struct mb_param_spec *mb_params_find(
	     const struct mb_param_spec *const *tables, const char *name);
/* The known name nearest to name (edit distance, at most a third of the
 * name's length and at least 1 for short names), or NULL. */
const char *mb_params_nearest(const struct mb_param_spec *const *tables,
	     const char *name);
/* Every param must be known to one of the tables and pass its check:
 * "unknown param 'thread' (did you mean 'threads'?)". */
int	 mb_params_validate(const struct mb_params *,
	     const struct mb_param_spec *const *tables, char **cause);

#endif
