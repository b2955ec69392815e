/*
 * The rate limiter: a schedule, not a token bucket. With rate R, ticket k
 * of the activity is intended to start at t0 + (k - k0) / R; tickets come
 * from one atomic counter, so the schedule is global across threads and
 * exact at any rate. A live change publishes a new immutable schedule
 * (readers never see a torn one); tickets already taken keep their times.
 */
#ifndef MB_RATELIMIT_H
#define MB_RATELIMIT_H

#include <stdatomic.h>
#include <stdint.h>

#define MB_RATE_NONE	UINT64_MAX	/* no ticket: the end is past */

struct mb_rate_schedule {
	uint64_t	t0_ns;		/* when ticket k0 is intended */
	uint64_t	k0;
	double		ns_per_op;	/* 1e9 / R */
};

struct mb_rate {
	_Atomic(struct mb_rate_schedule *) now;	/* the schedule in force */
	struct mb_rate_schedule	**old;		/* kept until the end */
	size_t			  nold;
	uint64_t		  end_ns;	/* no ticket intended after */
	double			  burst;	/* burst=, 0: none */
	_Atomic uint64_t	  burst_ns;	/* 1 / (burst x rate); 0: none */
	_Alignas(64) _Atomic uint64_t gate;	/* no op starts before it */
	_Alignas(64) _Atomic uint64_t next;	/* the next ticket */
	char			  pad[64 - sizeof(uint64_t)];
};

/* rate in ops per second (> 0); end_ns 0: no end. Starts at t0_ns. */
void		 mb_rate_init(struct mb_rate *, double rate, uint64_t t0_ns,
		     uint64_t end_ns);
void		 mb_rate_free(struct mb_rate *);
/* Take the next ticket: its intended start, or MB_RATE_NONE past the end
 * (then the ticket is not used). */
uint64_t	 mb_rate_take(struct mb_rate *);
/* The intended start of ticket k under the schedule in force. */
uint64_t	 mb_rate_intended(struct mb_rate *, uint64_t k);
/* burst=B: ops behind schedule start at most at B x rate (B > 1). */
void		 mb_rate_set_burst(struct mb_rate *, double burst);
/* May an op due (intended) start at now? 0 if so (it passes the burst
 * gate), else the time it may start. Without burst=, always 0. */
uint64_t	 mb_rate_gate(struct mb_rate *, uint64_t now);
/* A live change, on the controller: from the next ticket on, at rate. */
void		 mb_rate_set(struct mb_rate *, double rate);
/* Likewise, but the next ticket is due at now_ns: ops behind the old
 * schedule are forgiven (a sweep's next step starts on time). */
void		 mb_rate_restart(struct mb_rate *, double rate,
		     uint64_t now_ns);
double		 mb_rate_get(struct mb_rate *);

#endif
