/* Which of a container's sd_notify(3) lines berth passes on to systemd.
 *
 * berth (`berth run`, or the pod supervisor) is the unit's main process, so
 * systemd believes whatever berth sends as if the unit itself had said it.
 * A container is not the unit: it may report its state (READY=1, STATUS=,
 * RELOADING=1, ERRNO=), never change how systemd manages the unit
 * (MAINPID=, NOTIFYACCESS=, WATCHDOG_USEC=, EXTEND_TIMEOUT_USEC=,
 * WATCHDOG=trigger, FDSTORE=, ...).  docs/probes.md has the table.  Pure
 * functions: no I/O, no globals, shared by cmd/run_notify_relay.c and
 * supervisor/sv_notify_relay.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Who relays: the two differ where the relay has a state of its own. */
enum b_notify_relay {
	/* `berth run`: one container, and berth has no health or readiness
	 * of its own; the container's READY=1, STOPPING=1 and WATCHDOG=1 are
	 * the unit's. */
	B_NOTIFY_RUN,
	/* The pod supervisor: the pod's READY=1, STOPPING=1 and watchdog are
	 * its own.  A container's READY=1 only marks that container ready. */
	B_NOTIFY_POD,
};

enum b_notify_verdict {
	B_NOTIFY_DROP,       /* not passed on */
	B_NOTIFY_PASS,       /* passed on as is */
	B_NOTIFY_READY,      /* B_NOTIFY_POD's READY=1: consumed by the supervisor */
};

/* The verdict for one line (without its newline) of a datagram. */
enum b_notify_verdict b_notify_line(enum b_notify_relay who, const char *line, size_t len);

/* Filter a whole datagram of `len` bytes: the lines to pass on go to
 * `out`, joined by newlines and NUL-terminated ("" when none); a line that
 * does not fit in `size` is dropped.  *ready (may be NULL) tells whether a
 * READY=1 was consumed (B_NOTIFY_POD).  Returns the length written. */
size_t b_notify_filter(enum b_notify_relay who, const char *msg, size_t len, char *out,
		       size_t size, bool *ready);
