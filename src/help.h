/* --help, --help TOPIC, --list-drivers and --version texts (stdout). */
#ifndef MB_HELP_H
#define MB_HELP_H

#include <stdio.h>

void	 mb_help_usage(FILE *);
/* A driver's name or "params"; -1 and *cause for an unknown topic. */
int	 mb_help_topic(FILE *, const char *topic, char **cause);
void	 mb_help_list_drivers(FILE *);
void	 mb_help_version(FILE *);

#endif
