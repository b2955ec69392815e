/* Wake-up descriptors: eventfd on Linux, a pipe elsewhere. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#ifdef HAVE_SYS_EVENTFD_H
#include <sys/eventfd.h>
#endif

#include "notify.h"

int
mb_notify_open(struct mb_notify *n)
{
#ifdef HAVE_SYS_EVENTFD_H
	n->rfd = n->wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return (n->rfd == -1 ? -1 : 0);
#else
	int	fds[2];

	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		n->rfd = n->wfd = -1;
		return (-1);
	}
	n->rfd = fds[0];
	n->wfd = fds[1];
	return (0);
#endif
}

void
mb_notify_post(const struct mb_notify *n)
{
	uint64_t	one = 1;
	ssize_t		r;

	do
		r = write(n->wfd, &one, sizeof one);
	while (r == -1 && errno == EINTR);
	/* EAGAIN: it is already readable, the reader will look. */
}

void
mb_notify_drain(const struct mb_notify *n)
{
	uint64_t	buf;

	while (read(n->rfd, &buf, sizeof buf) > 0)
		continue;
}

void
mb_notify_close(struct mb_notify *n)
{
	if (n->rfd != -1)
		close(n->rfd);
	if (n->wfd != -1 && n->wfd != n->rfd)
		close(n->wfd);
	n->rfd = n->wfd = -1;
}
