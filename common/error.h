/* The error object every library layer fills.  Functions return a negative
 * errno-style code and describe what went wrong, with context, in the object;
 * only cmd/ turns it into output and an exit code. */
#pragma once

#include <stdarg.h>

#define B_ERR_MSG_MAX 1024

struct b_err {
	int code;                 /* positive errno value, 0 when unset */
	char msg[B_ERR_MSG_MAX];  /* human message without trailing newline */
};

/* Set the error; returns -code so callers can `return b_err_set(...)`.
 * A code <= 0 is normalised to EINVAL. */
int b_err_set(struct b_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like b_err_set, appends ": strerror(code)". */
int b_err_sys(struct b_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the current message with more context ("creating cgroup: " + msg);
 * returns -e->code. */
int b_err_prefix(struct b_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void b_err_clear(struct b_err *e);
