/* berth pod logs NAME [CONTAINER] [-f] [--tail N] [--timestamps]
 * berth pod events NAME [-f] [--tail N]
 *
 * The options and the printing.  Reading the pod's logs, merged in time
 * order, is supervisor/podlogs.h; -f follows them until the supervisor is
 * gone (supervisor/pod_watch.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/strutil.h"
#include "log_out.h"
#include "opts.h"
#include "pod_cmds.h"
#include "supervisor/pod_watch.h"
#include "supervisor/podlogs.h"

struct logs_args {
	const char *pod, *container;
	bool follow, timestamps;
	long long tail;
	int format;              /* events: 0 as stdout suits (a terminal: table), 1 table, 2 json */
};

struct session {
	struct pod_logs logs;
	struct log_out out;
};

/* ---- arguments --------------------------------------------------------- */

/* Options may come before or after the names, as with kubectl.  0, or
 * CLI_EXIT with the exit status in *rc (--help, a usage error). */
static int parse_args(struct cli *cli, const struct command *c, int argc, char **argv,
		      bool logs, struct logs_args *la, int *rc)
{
	CLI_ARGS a = { 0 };
	int64_t tail;
	int k;

	*la = (struct logs_args){ .tail = -1 };
	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return *rc = cli_errorf(cli, "out of memory"), CLI_EXIT;
	while ((k = cli_next(&a)) > 0)
		if (k == 'f')
			la->follow = true;
		else if (k == OPT_TAIL && (b_parse_i64(a.arg, &tail) < 0 || tail < -1))
			return *rc = cli_usage(cli, c, "--tail: \"%s\" is not a number of lines (-1: all)",
					       a.arg), CLI_EXIT;
		else if (k == OPT_TAIL)
			la->tail = tail;
		else if (k == OPT_TIMESTAMPS)
			la->timestamps = true;
		else if (k == OPT_FORMAT && strcmp(a.arg, "table") && strcmp(a.arg, "json"))
			return *rc = cli_usage(cli, c, "--format: \"%s\" is not table or json", a.arg),
			       CLI_EXIT;
		else if (k == OPT_FORMAT)
			la->format = strcmp(a.arg, "json") ? 1 : 2;
	if (k == CLI_EXIT || cli_want_pos(&a, 1, logs ? 2 : 1, logs ? "a pod name and optionally a container"
							       : "a pod name"))
		return *rc = a.rc, CLI_EXIT;
	la->pod = a.pos[0];
	la->container = logs && a.npos == 2 ? a.pos[1] : NULL;
	return 0;
}

/* ---- printing ----------------------------------------------------------- */

static int drain(struct session *s, bool final, struct b_err *err)
{
	int r = pod_logs_drain(&s->logs, final, log_out_record, &s->out, err);

	log_out_flush(&s->out);
	return r;
}

/* ---- following ---------------------------------------------------------- */

static int follow(struct session *s, struct pod_watch *w, struct b_err *err)
{
	for (;;) {
		int ev = pod_watch_wait(w, err), r;

		if (ev < 0)
			return ev;
		if ((r = pod_logs_refresh(&s->logs, ev & POD_WATCH_NEW_FILE, err)) < 0)
			return r;
		if ((r = drain(s, ev & POD_WATCH_END, err)) < 0)
			return r;
		if (ev & POD_WATCH_END || s->out.err)
			return 0;
	}
}

/* The history (its last --tail lines), then with -f whatever follows. */
static int show(struct session *s, struct pod_watch *w, bool following, struct b_err *err)
{
	int r = drain(s, !following, err);

	if (r < 0)
		return r;
	log_out_release(&s->out);
	log_out_flush(&s->out);
	return following && !s->out.err ? follow(s, w, err) : 0;
}

/* Exit status: a reader that went away (EPIPE) ends us quietly. */
static int finish(struct cli *cli, struct session *s, int r, struct b_err *err)
{
	int out_err = s->out.err;

	pod_logs_free(&s->logs);
	log_out_free(&s->out);
	if (r < 0)
		return cli_error(cli, err);
	if (out_err && out_err != EPIPE)
		return cli_errorf(cli, "writing to stdout: %s", strerror(out_err));
	return 0;
}

/* Watch (when following a live pod) before opening any log, so that no
 * write or rotation in between goes unseen. */
static int run(struct cli *cli, const struct command *c, int argc, char **argv, bool logs)
{
	struct session s = { .logs = { .dirfd = -1 } };
	struct pod_watch w = { .ifd = -1, .lock_fd = -1 };
	struct logs_args a;
	struct b_err err = { 0 };
	bool following;
	int r;

	if (parse_args(cli, c, argc, argv, logs, &a, &r) == CLI_EXIT)
		return r;
	log_out_init(&s.out, a.timestamps, a.tail);
	s.out.human = !logs && (a.format == 1 || (a.format == 0 && isatty(STDOUT_FILENO)));
	if ((r = pod_logs_open(&s.logs, cli->ctx.root, a.pod, &err)) < 0 ||
	    (a.follow && (r = pod_watch_open(&w, s.logs.pod_dir, s.logs.logs_dir, &err)) < 0))
		return finish(cli, &s, r, &err);
	following = a.follow && pod_watch_alive(&w);
	if (!logs)
		r = pod_logs_add_events(&s.logs, &err);
	else if (a.container)
		r = pod_logs_add_container(&s.logs, a.container, &err);
	else
		r = pod_logs_add_all(&s.logs, &err);
	if (r == 0)
		r = show(&s, &w, following, &err);
	pod_watch_close(&w);
	return finish(cli, &s, r, &err);
}

int pod_logs_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return run(cli, c, argc, argv, true);
}

int pod_events_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return run(cli, c, argc, argv, false);
}
