/* handoff.c: the queue of handoff.h, a ring of HANDOFF_SLOTS pointers under one lock. The taking thread empties the
 * ring into a batch of its own at each visit, so that the lock is taken once per batch on its side. */
#include "util/handoff.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { HANDOFF_SLOTS = 4096 };

struct handoff {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	void *ring[HANDOFF_SLOTS];
	size_t head, n;            /* the oldest pointer, and how many wait */
	bool closed;
	void *batch[HANDOFF_SLOTS];/* the taking thread's: taken from the ring, not yet returned */
	size_t next, nbatch;
};

struct handoff *handoff_new(void)
{
	struct handoff *h = malloc(sizeof *h);
	if (!h)
		abort();
	h->head = h->n = h->next = h->nbatch = 0;
	h->closed = false;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->more, NULL);
	pthread_cond_init(&h->room, NULL);
	return h;
}

void handoff_put(struct handoff *h, void *p)
{
	pthread_mutex_lock(&h->lock);
	while (h->n == HANDOFF_SLOTS)
		pthread_cond_wait(&h->room, &h->lock);
	h->ring[(h->head + h->n++) % HANDOFF_SLOTS] = p;
	if (h->n == 1)
		pthread_cond_signal(&h->more);
	pthread_mutex_unlock(&h->lock);
}

void handoff_close(struct handoff *h)
{
	pthread_mutex_lock(&h->lock);
	h->closed = true;
	pthread_cond_signal(&h->more);
	pthread_mutex_unlock(&h->lock);
}

void *handoff_take(struct handoff *h)
{
	if (h->next == h->nbatch) {
		pthread_mutex_lock(&h->lock);
		while (!h->n && !h->closed)
			pthread_cond_wait(&h->more, &h->lock);
		for (h->next = h->nbatch = 0; h->n; h->n--, h->head = (h->head + 1) % HANDOFF_SLOTS)
			h->batch[h->nbatch++] = h->ring[h->head];
		pthread_cond_signal(&h->room);
		pthread_mutex_unlock(&h->lock);
	}
	return h->next < h->nbatch ? h->batch[h->next++] : NULL;
}

void handoff_free(struct handoff *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->more);
	pthread_cond_destroy(&h->room);
	free(h);
}
