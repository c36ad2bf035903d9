#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/strutil.h"
#include "specs/jsonw.h"

/* runc's JSON log line, which containerd and conmon read back. */
static void log_line(struct cli *cli, const char *level, const char *msg)
{
	char ts[64];

	if (!cli->log)
		return;
	b_now_rfc3339(ts, sizeof(ts));
	if (cli->log_format == LOG_JSON) {
		struct jw *w = jw_new(false);
		char *line;

		jw_obj_open(w);
		jw_kstr(w, "level", level);
		jw_kstr(w, "msg", msg);
		jw_kstr(w, "time", ts);
		jw_obj_close(w);
		line = jw_finish(w, NULL);
		jw_free(w);
		if (line) {
			fprintf(cli->log, "%s\n", line);
			free(line);
		}
	} else {
		fprintf(cli->log, "time=\"%s\" level=%s msg=\"%s\"\n", ts, level, msg);
	}
	fflush(cli->log);
}

int cli_error(struct cli *cli, const struct b_err *e)
{
	fprintf(stderr, "berth: %s\n", e->msg[0] ? e->msg : "unknown error");
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
	fprintf(stderr, "berth: warning: %s\n", e->msg);
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
	if (cli->log)
		log_line(cli, "debug", msg);
	else
		fprintf(stderr, "berth: debug: %s\n", msg);
}

int cli_usage(struct cli *cli, const struct command *c, const char *fmt, ...)
{
	struct b_err e = { .code = 1 };
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	n = strlen(e.msg);
	if (c)
		snprintf(e.msg + n, sizeof(e.msg) - n, " (usage: berth %s %s)", c->name, c->usage);
	return cli_error(cli, &e);
}
