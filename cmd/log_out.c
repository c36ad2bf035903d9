/* Log records to stdout, with --tail's window (log_out.h). */
#include "log_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void log_out_init(struct log_out *o, bool timestamps, long long tail)
{
	*o = (struct log_out){ .timestamps = timestamps, .tail = tail, .holding = tail >= 0 };
}

static void put(struct log_out *o, const char *p, size_t len)
{
	if (o->err)
		return;
	/* fwrite, not fputs: a container may well write NUL bytes. */
	errno = 0;
	if (len && fwrite(p, 1, len, stdout) != len)
		o->err = errno ? errno : EIO;
}

/* Keep a copy of the line among the last `tail` ones.  Until the window
 * is full nothing has wrapped (start == 0), so the array can grow in
 * place. */
static void hold(struct log_out *o, const struct logbuf *line)
{
	struct logbuf *slot;

	if (o->tail == 0)
		return;
	if (o->n < (unsigned long long)o->tail) {
		if (o->n == o->cap) {
			size_t cap = o->cap ? o->cap * 2 : 16;
			struct logbuf *v = realloc(o->ring, cap * sizeof(*v));

			if (!v) {
				o->err = ENOMEM;
				return;
			}
			memset(v + o->cap, 0, (cap - o->cap) * sizeof(*v));
			o->ring = v;
			o->cap = cap;
		}
		slot = &o->ring[o->n++];
	} else {
		slot = &o->ring[o->start];
		o->start = (o->start + 1) % o->n;
	}
	slot->len = 0;
	if (logbuf_add(slot, line->p, line->len) < 0)
		o->err = ENOMEM;
}

void log_out_record(struct log_out *o, const char *label, const struct log_rec *r)
{
	struct logbuf *l = &o->line;
	int e = 0;

	l->len = 0;
	if (label)
		e |= logbuf_add(l, "[", 1) | logbuf_add(l, label, strlen(label)) | logbuf_add(l, "] ", 2);
	if (o->timestamps && r->ts[0])
		e |= logbuf_add(l, r->ts, strlen(r->ts)) | logbuf_add(l, " ", 1);
	e |= logbuf_add(l, r->msg.p ? r->msg.p : "", r->msg.len) | logbuf_add(l, "\n", 1);
	if (e) {
		o->err = ENOMEM;
		return;
	}
	if (o->holding)
		hold(o, l);
	else
		put(o, l->p, l->len);
}

static void ring_free(struct log_out *o)
{
	for (size_t i = 0; i < o->cap; i++)
		logbuf_free(&o->ring[i]);
	free(o->ring);
	o->ring = NULL;
	o->cap = o->n = o->start = 0;
}

void log_out_release(struct log_out *o)
{
	for (size_t i = 0; i < o->n; i++) {
		struct logbuf *b = &o->ring[(o->start + i) % o->n];

		put(o, b->p, b->len);
	}
	ring_free(o);
	o->holding = false;
}

int log_out_flush(struct log_out *o)
{
	errno = 0;
	if (fflush(stdout) != 0 && !o->err)
		o->err = errno ? errno : EIO;
	return o->err;
}

void log_out_free(struct log_out *o)
{
	ring_free(o);
	logbuf_free(&o->line);
}
