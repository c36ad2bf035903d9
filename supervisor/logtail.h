/* --tail's window: the last N lines of a history that is read from its
 * start, since rotated files can only be read forwards and a record's
 * length is not known before it is read.  Nothing here prints. */
#pragma once

#include <stddef.h>

#include "supervisor/logread.h"

struct log_tail {
	long long max;           /* lines kept; < 0 is no window at all */
	struct logbuf *ring;     /* oldest at ring[start] once full */
	size_t cap, n, start;
};

/* max < 0 means no window (callers print as they go, nothing is held);
 * log_tail_add then keeps nothing, as with 0. */
void log_tail_init(struct log_tail *t, long long max);

/* Keep a copy of a line, dropping the oldest once there are max of them.
 * 0 or -ENOMEM. */
int log_tail_add(struct log_tail *t, const char *p, size_t len);

/* How many lines are kept, and the i-th of them, oldest first. */
size_t log_tail_count(const struct log_tail *t);
const struct logbuf *log_tail_at(const struct log_tail *t, size_t i);

void log_tail_free(struct log_tail *t);
