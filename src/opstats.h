/*
 * What an op did, counted and timed: a motor keeps one set per op of its
 * block (written with plain stores on its thread), an activity merges them
 * per op and over all ops. A leaf: it knows histograms and error classes,
 * nothing of motors or activities.
 */
#ifndef MB_OPSTATS_H
#define MB_OPSTATS_H

#include <stdint.h>

#include "errclass.h"

struct hdr;

/* The timers of DESIGN.md, "Rate and time"; a NULL one is not kept. */
struct mb_timers {
	struct hdr	*service;	/* actual start -> completion */
	struct hdr	*response;	/* intended start -> completion */
	struct hdr	*wait;		/* intended -> actual start */
};

/* Timer names as tags and reports spell them. */
#define MB_TIMER_NAMES	{ "servicetime", "responsetime", "waittime" }
#define MB_NTIMERS	3

struct mb_opstats {
	uint64_t	 ok;
	uint64_t	 errors;		/* failed, counted by class */
	uint64_t	 ignored;		/* failed, the policy counts not */
	uint64_t	 retries;		/* tries after a first one */
	uint64_t	 by_class[MB_ERRCLASS_MAX];
	uint64_t	 retries_by_class[MB_ERRCLASS_MAX];
	struct mb_timers t;			/* successful ops */
};

/* 1 ns to 1 hour at 3 significant digits (DESIGN.md, "Metrics"). */
struct hdr	*mb_timer_new(void);
/* recorder: a motor's (memory touched as values land), else the
 * controller's (touched at once). */
void		 mb_timers_init(struct mb_timers *, int response, int wait,
		     int recorder);
void		 mb_timers_free(struct mb_timers *);
void		 mb_timers_add(struct mb_timers *, const struct mb_timers *);
void		 mb_timers_reset(struct mb_timers *);
/* The i-th timer (0..MB_NTIMERS-1) or NULL, in MB_TIMER_NAMES order. */
struct hdr	*mb_timers_get(const struct mb_timers *, int i);
const char	*mb_timer_name(int i);

void		 mb_opstats_init(struct mb_opstats *, int response, int wait,
		     int recorder);
void		 mb_opstats_free(struct mb_opstats *);
/* Counts and timers of src added into dst. */
void		 mb_opstats_add(struct mb_opstats *dst,
		     const struct mb_opstats *src);

#endif
