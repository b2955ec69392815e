/* The registry of drivers: one table, the only place that names them. */
#ifndef MB_DRIVERS_H
#define MB_DRIVERS_H

#include "driver.h"

const struct mb_driver		 *mb_drivers_find(const char *name);
/* NULL-terminated, in the order --list-drivers shows them. */
const struct mb_driver *const	 *mb_drivers_all(void);
/* The known driver name nearest to name, or NULL. */
const char			 *mb_drivers_nearest(const char *name);

#endif
