/* The end-of-run summary of an activity, for people (stderr). */
#ifndef MB_SUMMARY_H
#define MB_SUMMARY_H

#include <stdio.h>

struct mb_activity;

void	mb_summary_print(FILE *, const struct mb_activity *);

#endif
