/* The driver registry. Add a driver here and nowhere else in the engine. */
#include "config.h"

#include <string.h>

#include "drivers.h"

extern const struct mb_driver mb_driver_diag;
extern const struct mb_driver mb_driver_http;
extern const struct mb_driver mb_driver_pg;
extern const struct mb_driver mb_driver_redis;
extern const struct mb_driver mb_driver_sqlite;
extern const struct mb_driver mb_driver_stdout;

static const struct mb_driver *const drivers_table[] = {
	&mb_driver_diag,
	&mb_driver_http,
	&mb_driver_pg,
	&mb_driver_redis,
	&mb_driver_sqlite,
	&mb_driver_stdout,
	NULL
};

const struct mb_driver *
mb_drivers_find(const char *name)
{
	const struct mb_driver *const	*d;

	for (d = drivers_table; *d != NULL; d++) {
		if (strcmp((*d)->name, name) == 0)
			return (*d);
	}
	return (NULL);
}

const struct mb_driver *const *
mb_drivers_all(void)
{
	return (drivers_table);
}

const char *
mb_drivers_nearest(const char *name)
{
	struct mb_param_spec		 names[16];
	const struct mb_param_spec	*tables[2];
	size_t				 n = 0;
	const struct mb_driver *const	*d;

	/* Reuse the param name matcher over the driver names. */
	memset(names, 0, sizeof names);
	for (d = drivers_table; *d != NULL && n < 15; d++)
		names[n++].name = (*d)->name;
	tables[0] = names;
	tables[1] = NULL;
	return (mb_params_nearest(tables, name));
}
