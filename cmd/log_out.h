/* Printing log records for `pod logs`/`pod events`: each record's line
 * (supervisor/podlogs.h) to stdout, held back in --tail's window
 * (supervisor/logtail.h) until the history has been read. */
#pragma once

#include <stdbool.h>

#include "supervisor/logtail.h"
#include "supervisor/podlogs.h"

struct log_out {
	bool timestamps;         /* "<timestamp> " before the message */
	bool human;              /* events.jsonl lines made readable (specs/pod_event.h) */
	bool holding;            /* keep lines back for --tail until log_out_release */
	struct log_tail tail;
	struct logbuf line;
	int err;                 /* errno of a failed write to stdout, 0 */
};

/* tail < 0: no limit. */
void log_out_init(struct log_out *o, bool timestamps, long long tail);

/* Print (or, while holding, keep) one record; `label` NULL: no prefix.
 * Returns o->err, so that it can be a pod_logs_fn. */
int log_out_record(void *o, const char *label, const struct log_rec *r);

/* Print the lines held back and from now on print directly. */
void log_out_release(struct log_out *o);

/* Flush stdout; returns o->err (0 when all went out). */
int log_out_flush(struct log_out *o);

void log_out_free(struct log_out *o);
