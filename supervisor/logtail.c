/* The last N lines of a log's history (logtail.h). */
#include "supervisor/logtail.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void log_tail_init(struct log_tail *t, long long max)
{
	*t = (struct log_tail){ .max = max };
}

/* Until the window is full nothing has wrapped (start == 0), so the array
 * can grow in place. */
static struct logbuf *next_slot(struct log_tail *t)
{
	struct logbuf *slot;

	if (t->n >= (unsigned long long)t->max) {
		slot = &t->ring[t->start];
		t->start = (t->start + 1) % t->n;
		return slot;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct logbuf *v = realloc(t->ring, cap * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + t->cap, 0, (cap - t->cap) * sizeof(*v));
		t->ring = v;
		t->cap = cap;
	}
	return &t->ring[t->n++];
}

int log_tail_add(struct log_tail *t, const char *p, size_t len)
{
	struct logbuf *slot;

	if (t->max <= 0)
		return 0;
	if (!(slot = next_slot(t)))
		return -ENOMEM;
	slot->len = 0;
	return logbuf_add(slot, p, len);
}

size_t log_tail_count(const struct log_tail *t)
{
	return t->n;
}

const struct logbuf *log_tail_at(const struct log_tail *t, size_t i)
{
	return i < t->n ? &t->ring[(t->start + i) % t->n] : NULL;
}

void log_tail_free(struct log_tail *t)
{
	for (size_t i = 0; i < t->cap; i++)
		logbuf_free(&t->ring[i]);
	free(t->ring);
	t->ring = NULL;
	t->cap = t->n = t->start = 0;
}
