/*
 * Error handler chains, NoSQLBench's `errors=` syntax:
 *
 *   pattern[,pattern]:verb[,verb];pattern...:verb...
 *
 * Patterns are POSIX extended regular expressions matched against the
 * whole error class name; the first handler with a matching pattern wins.
 * A handler of verbs alone (`errors=stop`) matches every class, and a class
 * no handler matches gets the default, warn,count. Verbs:
 *
 *   stop       the activity stops and errors (the run exits 1)
 *   warn       a line on stderr naming the activity, op, cycle and class
 *   count      the failed op is counted under its class
 *   retry      the op is tried again, up to maxtries tries in all; the
 *              other verbs apply to its last try only (retry alone:
 *              then warn,count)
 *   ignore     nothing (the op is neither counted as an error nor shown)
 *   histogram  a latency histogram of the failed ops, per class
 *
 * Parsed on the controller; motors then ask for a class's verbs once and
 * keep the answer, so matching costs nothing per op.
 */
#ifndef MB_ERRPOLICY_H
#define MB_ERRPOLICY_H

#define MB_ERRV_STOP		0x01
#define MB_ERRV_WARN		0x02
#define MB_ERRV_COUNT		0x04
#define MB_ERRV_RETRY		0x08
#define MB_ERRV_IGNORE		0x10
#define MB_ERRV_HISTOGRAM	0x20

#define MB_ERRPOLICY_DEFAULT	".*:warn,count"

struct mb_errpolicy;

struct mb_errpolicy *mb_errpolicy_parse(const char *spec, char **cause);
void		 mb_errpolicy_free(struct mb_errpolicy *);
/* The verbs for an error class (MB_ERRV_* bits, never 0). */
unsigned	 mb_errpolicy_verbs(const struct mb_errpolicy *,
		     const char *class);
/* Does any handler retry? (Then ops keep their first try's start.) */
int		 mb_errpolicy_retries(const struct mb_errpolicy *);
/* "warn,count", for summaries and reports. */
const char	*mb_errpolicy_verbs_name(unsigned verbs, char *buf,
		     unsigned len);

#endif
