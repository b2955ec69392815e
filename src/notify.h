/*
 * A wake-up descriptor between threads: an eventfd (a pipe where there is
 * none). One side posts, the other's event loop watches the read end and
 * drains it; what changed is carried elsewhere (atomics), never in it.
 */
#ifndef MB_NOTIFY_H
#define MB_NOTIFY_H

struct mb_notify {
	int	rfd;	/* watched by the loop */
	int	wfd;	/* posted to; the same as rfd for an eventfd */
};

#define MB_NOTIFY_NONE	{ -1, -1 }

/* Non-blocking and close-on-exec; -1 with errno set on failure. */
int	mb_notify_open(struct mb_notify *);
void	mb_notify_post(const struct mb_notify *);
void	mb_notify_drain(const struct mb_notify *);
void	mb_notify_close(struct mb_notify *);

#endif
