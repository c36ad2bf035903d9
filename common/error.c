#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static int normalise(int code)
{
	if (code < 0)
		code = -code;
	return code == 0 ? EINVAL : code;
}

/* A message that filled the buffer may have been cut inside a multibyte
 * character (a quoted value, a path); cmd/ writes messages into JSON log
 * lines, which must be valid UTF-8, so drop the partial character. */
static void trim_cut(struct b_err *e)
{
	size_t len = strnlen(e->msg, sizeof(e->msg));

	if (len == sizeof(e->msg) - 1)
		e->msg[b_utf8_trim(e->msg, len)] = '\0';
}

int b_err_set(struct b_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	code = normalise(code);
	if (!e)
		return -code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	trim_cut(e);
	return -code;
}

int b_err_sys(struct b_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	code = normalise(code);
	if (!e)
		return -code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(code));
	trim_cut(e);
	return -code;
}

int b_err_prefix(struct b_err *e, const char *fmt, ...)
{
	char old[B_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (!e)
		return -EINVAL;
	if (e->code == 0)
		e->code = EINVAL;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", old);
	trim_cut(e);
	return -e->code;
}

void b_err_clear(struct b_err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->msg[0] = '\0';
}
