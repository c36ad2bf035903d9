/* The runtime's trace (rt_logf, container.h): formatted here, written by
 * whoever the caller put in rt_ctx.log. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/utf8.h"
#include "internal.h"

void rt_logf(const struct rt_ctx *ctx, enum rt_log_level level, const char *fmt, ...)
{
	char msg[RT_LOG_MSG_MAX];
	va_list ap;
	int n;

	if (!rt_log_enabled(ctx, level))
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* A cut in the middle of a character would make the JSON log line
	 * invalid. */
	if ((size_t)n >= sizeof(msg))
		msg[b_utf8_trim(msg, sizeof(msg) - 1)] = '\0';
	ctx->log(ctx->log_ud, level, msg);
}

const char *rt_log_level_name(enum rt_log_level level)
{
	switch (level) {
	case RT_LOG_ERROR: return "error";
	case RT_LOG_WARN: return "warning";
	case RT_LOG_INFO: return "info";
	case RT_LOG_DEBUG: return "debug";
	}
	return "debug";
}

static void cg_trace(void *ud, const char *msg)
{
	rt_logf(ud, RT_LOG_DEBUG, "%s", msg);
}

void rt_cg_trace(const struct rt_ctx *ctx, struct cg_path *cg)
{
	if (!rt_log_enabled(ctx, RT_LOG_DEBUG))
		return;
	cg->trace = cg_trace;
	cg->trace_ud = (void *)ctx;
}

/* The init's rt_ctx.log: one RT_SYNC_LOG message per line, so lines
 * arrive whole and in order; the parent passes them on (rt_sync_expect_log).
 * A failed send loses the line and nothing else. */
static void send_to_parent(void *ud, enum rt_log_level level, const char *msg)
{
	const int *fd = ud;

	(void)rt_sync_send(*fd, RT_SYNC_LOG, (int)level, msg, strlen(msg) + 1);
}

void rt_init_log_setup(struct rt_ctx *init_log, const struct rt_ctx *parent, const int *sync_fd)
{
	*init_log = (struct rt_ctx){ .log_level = parent ? parent->log_level : RT_LOG_ERROR };
	if (!parent || !parent->log)
		return;
	init_log->log = send_to_parent;
	init_log->log_ud = (void *)sync_fd;
}
