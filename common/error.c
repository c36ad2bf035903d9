#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int normalise(int code)
{
	if (code < 0)
		code = -code;
	return code == 0 ? EINVAL : code;
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
	return -e->code;
}

void b_err_clear(struct b_err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->msg[0] = '\0';
}
