/* Formatting counts and durations for progress lines and summaries. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "units.h"

static int
units_decimals(double v)
{
	if (v >= 100)
		return (0);
	if (v >= 10)
		return (1);
	return (2);
}

char *
mb_units_count(char *buf, size_t len, double n)
{
	static const char	*suffix[] = { "", "k", "M", "B", "T" };
	int			 i = 0;

	if (n < 1000) {
		snprintf(buf, len, "%.0f", n);
		return (buf);
	}
	while (n >= 999.5 && i < 4) {
		n /= 1000;
		i++;
	}
	snprintf(buf, len, "%.3g%s", n, suffix[i]);
	return (buf);
}

char *
mb_units_ns(char *buf, size_t len, double ns)
{
	double	s;

	if (ns < 1000)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.*fus", units_decimals(ns / 1e3),
		    ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.*fms", units_decimals(ns / 1e6),
		    ns / 1e6);
	else if (ns < 60e9)
		snprintf(buf, len, "%.3fs", ns / 1e9);
	else {
		s = ns / 1e9;
		snprintf(buf, len, "%.0fm%02.0fs", floor(s / 60),
		    fmod(floor(s), 60));
	}
	return (buf);
}
