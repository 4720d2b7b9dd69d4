/* handoff.h: a bounded first-in first-out queue of pointers from one thread to another: the correlation's thread
 * hands its final attempts to the thread that writes the report (correlate.c). */
#ifndef BADCREDS_HANDOFF_H
#define BADCREDS_HANDOFF_H

#include <stdbool.h>

struct handoff;
struct handoff *handoff_new(void);
/* Queues p, waiting while HANDOFF_SLOTS pointers wait to be taken. */
void handoff_put(struct handoff *h, void *p);
/* No more puts: handoff_take returns NULL once the queue is empty. */
void handoff_close(struct handoff *h);
/* The next pointer in the order they were put, waiting for one; NULL once closed and empty. */
void *handoff_take(struct handoff *h);
/* Once both threads are done with it. */
void handoff_free(struct handoff *h);

#endif
