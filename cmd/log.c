#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "specs/logline.h"

/* One line in runc's --log-format, written with one write(2): the file is
 * O_APPEND, so lines of berth processes sharing it stay whole. */
static void write_line(struct cli *cli, int fd, const char *level, const char *msg)
{
	_cleanup_free_ char *line = NULL;
	char ts[64];

	b_now_rfc3339(ts, sizeof(ts));
	line = logline_format(cli->log_format == LOG_JSON, level, msg, ts);
	if (line)
		(void)b_write_all(fd, line, strlen(line));
}

/* Errors and warnings: stderr has them already as "berth: …". */
static void log_line(struct cli *cli, const char *level, const char *msg)
{
	if (cli->log)
		write_line(cli, fileno(cli->log), level, msg);
}

/* The trace: to --log, or to stderr as runc does without it. */
static void trace_line(struct cli *cli, const char *level, const char *msg)
{
	write_line(cli, cli->log ? fileno(cli->log) : STDERR_FILENO, level, msg);
}

static void runtime_log(void *ud, enum rt_log_level level, const char *msg)
{
	trace_line(ud, rt_log_level_name(level), msg);
}

void cli_log_init(struct cli *cli)
{
	cli->ctx.log = runtime_log;
	cli->ctx.log_ud = cli;
	cli->ctx.log_level = cli->debug ? RT_LOG_DEBUG : RT_LOG_WARN;
}

/* Messages quote names from images, archives and pod files: control bytes
 * (a newline, a terminal escape) are shown as \xNN, never sent to the
 * terminal. */
static const char *printable(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 5 < size; in++) {
		unsigned char c = (unsigned char)*in;
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

int cli_error(struct cli *cli, const struct b_err *e)
{
	char shown[sizeof(e->msg) * 4];

	fprintf(stderr, "berth: %s\n", e->msg[0] ? printable(e->msg, shown, sizeof(shown)) : "unknown error");
	log_line(cli, "error", e->msg);
	return 1;
}

int cli_errorf(struct cli *cli, const char *fmt, ...)
{
	struct b_err e = { .code = 1 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	return cli_error(cli, &e);
}

void cli_warn(struct cli *cli, const struct b_err *e)
{
	char shown[sizeof(e->msg) * 4];

	fprintf(stderr, "berth: warning: %s\n", printable(e->msg, shown, sizeof(shown)));
	log_line(cli, "warning", e->msg);
}

void cli_debug(struct cli *cli, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!cli->debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	trace_line(cli, "debug", msg);
}

int cli_usage(struct cli *cli, const struct command *c, const char *fmt, ...)
{
	struct b_err e = { .code = 1 };
	char path[64], syn[256];
	const char *pos = c && c->synopsis ? c->synopsis : "";
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	n = strlen(e.msg);
	if (c && !strcmp(c->name, "berth")) {
		snprintf(e.msg + n, sizeof(e.msg) - n, " (berth --help lists them)");
	} else if (c) {
		cli_command_path(c, path, sizeof(path));
		snprintf(syn, sizeof(syn), "berth %s%s%s%s%s", path, c->subs ? " COMMAND" : "",
			 c->opts ? " [OPTIONS]" : "", *pos ? " " : "", pos);
		snprintf(e.msg + n, sizeof(e.msg) - n, " (usage: %s; berth %s --help says more)", syn, path);
	}
	return cli_error(cli, &e);
}
