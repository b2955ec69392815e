/* The process-wide table of error class names. */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "errclass.h"
#include "xmalloc.h"

static pthread_mutex_t	 errclass_lock = PTHREAD_MUTEX_INITIALIZER;
static char		*errclass_names[MB_ERRCLASS_MAX];
static int		 errclass_used = 1;	/* 0 is success */

/* Called when drivers open, never per op: a mutex is fine. */
int
mb_errclass_intern(const char *name)
{
	int	id;

	pthread_mutex_lock(&errclass_lock);
	for (id = 1; id < errclass_used; id++) {
		if (strcmp(errclass_names[id], name) == 0)
			goto out;
	}
	if (errclass_used == MB_ERRCLASS_MAX - 1) {
		/* Full: everything else shares the last slot. */
		id = MB_ERRCLASS_MAX - 1;
		if (errclass_names[id] == NULL)
			errclass_names[id] = xstrdup("other");
		goto out;
	}
	id = errclass_used;
	errclass_names[id] = xstrdup(name);
	errclass_used++;
out:
	pthread_mutex_unlock(&errclass_lock);
	return (id);
}

const char *
mb_errclass_name(int id)
{
	const char	*name;

	if (id <= 0 || id >= MB_ERRCLASS_MAX)
		return ("ok");
	pthread_mutex_lock(&errclass_lock);
	name = errclass_names[id];
	pthread_mutex_unlock(&errclass_lock);
	return (name != NULL ? name : "unknown");
}
