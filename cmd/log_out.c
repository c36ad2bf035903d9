/* Log records to stdout, with --tail's window (log_out.h). */
#include "log_out.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "specs/pod_event.h"

void log_out_init(struct log_out *o, bool timestamps, long long tail)
{
	*o = (struct log_out){ .timestamps = timestamps, .holding = tail >= 0 };
	log_tail_init(&o->tail, tail);
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

int log_out_record(void *ud, const char *label, const struct log_rec *r)
{
	struct log_out *o = ud;
	struct log_rec h;
	char text[1024];

	if (o->human) {
		pod_event_human(r->msg.p, r->msg.len, text, sizeof(text));
		h = *r;
		h.msg = (struct logbuf){ .p = text, .len = strlen(text), .cap = sizeof(text) };
		r = &h;
	}
	if (log_rec_format(&o->line, label, r, o->timestamps) < 0)
		o->err = ENOMEM;
	else if (o->holding && log_tail_add(&o->tail, o->line.p, o->line.len) < 0)
		o->err = ENOMEM;
	else if (!o->holding)
		put(o, o->line.p, o->line.len);
	return o->err;
}

void log_out_release(struct log_out *o)
{
	for (size_t i = 0; i < log_tail_count(&o->tail); i++) {
		const struct logbuf *b = log_tail_at(&o->tail, i);

		put(o, b->p, b->len);
	}
	log_tail_free(&o->tail);
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
	log_tail_free(&o->tail);
	logbuf_free(&o->line);
}
