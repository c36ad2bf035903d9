/* The command line: global options, output and exit codes live here only. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/error.h"
#include "runtime/container.h"

enum log_format { LOG_TEXT, LOG_JSON };

struct cli {
	const char *root;
	const char *image_root;  /* --image-root: persistent data (the image store), absolute */
	char *image_root_buf;
	char *root_buf;          /* --root made absolute */
	const char *log_path;
	enum log_format log_format;
	bool debug;
	bool systemd_cgroup;
	struct rt_ctx ctx;
	FILE *log;          /* --log file (O_APPEND, written with write(2)), NULL: none */
	char **argv0;       /* for re-exec */
	/* A global option met after the command (cmd/opts.c); non-zero
	 * after reporting an error. */
	int (*global_opt)(struct cli *cli, int key, char *arg);
	char **envp;
};

struct cli_opt;

/* A command, or a group of subcommands (pod, image, ...): cmd/commands.c
 * has them all. */
struct command {
	const char *name;
	/* argv[0] is the command's own name; returns the exit status. */
	int (*fn)(struct cli *cli, const struct command *c, int argc, char **argv);
	const char *summary;         /* one line, for lists */
	const char *synopsis;        /* the positionals: "ID [SIGNAL]" */
	const struct cli_opt *opts;  /* NULL: no options */
	/* What each positional is, for completion (the last one repeats):
	 * container, new-container, signal, pod, pod-container, file,
	 * image, network, command. */
	const char *complete;
	int rest_after;              /* after this many positionals, a command line follows */
	bool enters_container;       /* may re-execute from a sealed copy (runtime/exe_guard.c) */
	const struct command *subs;  /* a group's subcommands */
	const char *alias;           /* another name it answers to */
	const char *details;         /* a paragraph for --help and the man page */
};

/* The top-level commands (name NULL ends them). */
const struct command *cli_commands(void);
/* A command's full name ("pod run"), for messages. */
const char *cli_command_path(const struct command *c, char *buf, size_t size);
/* A group's subcommand by name or alias; NULL if none. */
const struct command *cli_find_sub(const struct command *group, const char *name);
/* berth __complete KIND [POD] (cmd/complete.c) */
int cli_complete_names(struct cli *cli, int argc, char **argv);
/* Print a command's (or group's) help; returns 0. */
int cli_help(FILE *f, const struct command *c);

/* Report an error (stderr, and the --log file in its format); returns 1. */
int cli_error(struct cli *cli, const struct b_err *e);
int cli_errorf(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(struct cli *cli, const struct b_err *e);
void cli_debug(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Point cli->ctx's trace at the --log file (stderr without one), in
 * --log-format; debug lines only with --debug. */
void cli_log_init(struct cli *cli);

/* Usage error for a command: message + usage line, exit code 2 is runc's? runc uses 1. */
int cli_usage(struct cli *cli, const struct command *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Wait for a child pid, forwarding signals to it (and, with a pty master,
 * relaying the terminal; with notify_fd >= 0, its sd_notify messages);
 * returns the exit code a shell would show (code,
 * or 128+signal). */
/* Block the signals cli_wait_forward() forwards, before the process it
 * will wait for exists: one sent to berth in between is then queued for
 * the process instead of killing berth.  The child resets its mask. */
void cli_signals_hold(sigset_t *old);
/* relay_stdin false: the terminal gets no input from berth's stdin
 * (`pod exec -t` without -i). */
int cli_wait_forward(pid_t pid, int pidfd, bool reap_orphans, int master, int notify_fd,
		     bool relay_stdin);
/* Run o's process in container id (cmd_exec.c); in the foreground, wait
 * for it and return its status as a shell would. */
int cli_exec_process(struct cli *cli, const char *id, struct rt_exec_opts *o, bool detach,
		     bool relay_stdin);

int cmd_create(struct cli *, const struct command *, int, char **);
int cmd_start(struct cli *, const struct command *, int, char **);
int cmd_run(struct cli *, const struct command *, int, char **);
int cmd_state(struct cli *, const struct command *, int, char **);
int cmd_kill(struct cli *, const struct command *, int, char **);
int cmd_delete(struct cli *, const struct command *, int, char **);
int cmd_list(struct cli *, const struct command *, int, char **);
int cmd_ps(struct cli *, const struct command *, int, char **);
int cmd_exec(struct cli *, const struct command *, int, char **);
int cmd_pause(struct cli *, const struct command *, int, char **);
int cmd_resume(struct cli *, const struct command *, int, char **);
int cmd_update(struct cli *, const struct command *, int, char **);
int cmd_events(struct cli *, const struct command *, int, char **);
int cmd_features(struct cli *, const struct command *, int, char **);
int cmd_spec(struct cli *, const struct command *, int, char **);
int cmd_help(struct cli *, const struct command *, int, char **);
int cmd_completion(struct cli *, const struct command *, int, char **);
int network_inspect(struct cli *, const struct command *, int, char **);
int network_ls(struct cli *, const struct command *, int, char **);
int metrics_serve(struct cli *, const struct command *, int, char **);

const struct command *cli_find_command(const char *name);
