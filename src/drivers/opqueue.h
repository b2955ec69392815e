/*
 * A queue of ops a driver holds back (waiting for a connection to come
 * up), in submission order, linked through op->next: the driver's field
 * while the op is in flight. Shared by the drivers that keep connections
 * (redis, pg, http).
 */
#ifndef MB_DRIVERS_OPQUEUE_H
#define MB_DRIVERS_OPQUEUE_H

#include <stddef.h>

#include "op.h"

struct mb_opqueue {
	struct mb_op	 *head;
	struct mb_op	**tail;
};

static inline void
mb_opqueue_init(struct mb_opqueue *q)
{
	q->head = NULL;
	q->tail = &q->head;
}

static inline int
mb_opqueue_empty(const struct mb_opqueue *q)
{
	return (q->head == NULL);
}

static inline void
mb_opqueue_push(struct mb_opqueue *q, struct mb_op *op)
{
	op->next = NULL;
	*q->tail = op;
	q->tail = &op->next;
}

/* The first op, taken off, or NULL. */
static inline struct mb_op *
mb_opqueue_pop(struct mb_opqueue *q)
{
	struct mb_op	*op;

	if ((op = q->head) != NULL) {
		if ((q->head = op->next) == NULL)
			q->tail = &q->head;
		op->next = NULL;
	}
	return (op);
}

/* Take op off wherever it is (a cancel: rare, so a walk is fine). */
static inline void
mb_opqueue_remove(struct mb_opqueue *q, struct mb_op *op)
{
	struct mb_op	**pp;

	for (pp = &q->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			if (q->tail == &op->next)
				q->tail = pp;
			op->next = NULL;
			return;
		}
	}
}

/* Every op, as a list through op->next; the queue is left empty. */
static inline struct mb_op *
mb_opqueue_take(struct mb_opqueue *q)
{
	struct mb_op	*all = q->head;

	mb_opqueue_init(q);
	return (all);
}

/* A list (first .. the op whose next is *last_next) goes before the rest,
 * in its order: ops that must go out again first. */
static inline void
mb_opqueue_prepend(struct mb_opqueue *q, struct mb_op *first,
    struct mb_op **last_next)
{
	if (first == NULL)
		return;
	*last_next = q->head;
	if (q->head == NULL)
		q->tail = last_next;
	q->head = first;
}

#endif
