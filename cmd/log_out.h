/* Printing log records for `pod logs`/`pod events`: "[container] "
 * prefixes, --timestamps, and --tail's last-N window over the history. */
#pragma once

#include <stdbool.h>

#include "logsrc.h"

struct log_out {
	bool timestamps;         /* "<timestamp> " before the message */
	long long tail;          /* < 0: every line */
	bool holding;            /* keep lines back for --tail until log_out_release */
	struct logbuf *ring;     /* the last `tail` lines, oldest at ring[start] */
	size_t cap, n, start;
	struct logbuf line;
	int err;                 /* errno of a failed write to stdout, 0 */
};

/* tail < 0: no limit. */
void log_out_init(struct log_out *o, bool timestamps, long long tail);

/* Print (or, while holding, keep) one record; `label` NULL: no prefix. */
void log_out_record(struct log_out *o, const char *label, const struct log_rec *r);

/* Print the lines held back and from now on print directly. */
void log_out_release(struct log_out *o);

/* Flush stdout; returns o->err (0 when all went out). */
int log_out_flush(struct log_out *o);

void log_out_free(struct log_out *o);
