/* Counts and timers of ops. */
#include "config.h"

#include <string.h>

#include "hdr.h"
#include "opstats.h"

static const char *const timer_names[MB_NTIMERS] = MB_TIMER_NAMES;

struct hdr *
mb_timer_new(void)
{
	return (hdr_new(1, 3600LL * 1000000000LL, 3));
}

/* A motor's recorder: its pages are touched only where values land, so
 * a thousand motors cost what they record, not 270 KB per timer. */
static struct hdr *
opstats_recorder(void)
{
	return (hdr_new_lazy(1, 3600LL * 1000000000LL, 3));
}

void
mb_timers_init(struct mb_timers *t, int response, int wait, int recorder)
{
	struct hdr	*(*make)(void) = recorder ? opstats_recorder :
			    mb_timer_new;

	t->service = make();
	t->response = response ? make() : NULL;
	t->wait = wait ? make() : NULL;
}

void
mb_timers_free(struct mb_timers *t)
{
	hdr_free(t->service);
	hdr_free(t->response);
	hdr_free(t->wait);
	memset(t, 0, sizeof *t);
}

struct hdr *
mb_timers_get(const struct mb_timers *t, int i)
{
	switch (i) {
	case 0:
		return (t->service);
	case 1:
		return (t->response);
	case 2:
		return (t->wait);
	}
	return (NULL);
}

const char *
mb_timer_name(int i)
{
	return (i >= 0 && i < MB_NTIMERS ? timer_names[i] : "unknown");
}

void
mb_timers_add(struct mb_timers *dst, const struct mb_timers *src)
{
	struct hdr	*d, *s;
	int		 i;

	for (i = 0; i < MB_NTIMERS; i++) {
		d = mb_timers_get(dst, i);
		s = mb_timers_get(src, i);
		if (d != NULL && s != NULL)
			hdr_add(d, s);
	}
}

void
mb_timers_reset(struct mb_timers *t)
{
	struct hdr	*h;
	int		 i;

	for (i = 0; i < MB_NTIMERS; i++) {
		if ((h = mb_timers_get(t, i)) != NULL)
			hdr_reset(h);
	}
}

void
mb_opstats_init(struct mb_opstats *s, int response, int wait, int recorder)
{
	memset(s, 0, sizeof *s);
	mb_timers_init(&s->t, response, wait, recorder);
}

void
mb_opstats_free(struct mb_opstats *s)
{
	mb_timers_free(&s->t);
}

void
mb_opstats_add(struct mb_opstats *dst, const struct mb_opstats *src)
{
	int	c;

	dst->ok += src->ok;
	dst->errors += src->errors;
	dst->ignored += src->ignored;
	dst->retries += src->retries;
	for (c = 0; c < MB_ERRCLASS_MAX; c++) {
		dst->by_class[c] += src->by_class[c];
		dst->retries_by_class[c] += src->retries_by_class[c];
	}
	mb_timers_add(&dst->t, &src->t);
}
