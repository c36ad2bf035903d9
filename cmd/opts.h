/* Command-line options: one table per command (cmd/commands.c) is the one
 * source of what a command accepts.  The parser, `--help`, the man pages
 * and the shell completion are all made from it, so they cannot drift. */
#pragma once

#include <stdbool.h>

struct cli;
struct command;

struct cli_opt {
	const char *name;    /* long name, without "--"; NULL ends a table */
	int key;             /* a letter: also -<letter>; >= OPT_LONG: long only */
	const char *arg;     /* NULL: takes no value; else its name in help ("DIR") */
	const char *help;    /* NULL: accepted for compatibility, never shown */
};

/* berth's global options (before the command); name NULL ends them. */
extern const struct cli_opt cli_global_opts[];

/* Keys of the options that have no letter (one namespace for all commands:
 * a command's table and its code share them). */
enum {
	OPT_LONG = 256,
	OPT_PID_FILE, OPT_CONSOLE_SOCKET, OPT_PRESERVE_FDS, OPT_NO_PIVOT, OPT_NO_NEW_KEYRING,
	OPT_KEEP, OPT_NO_SUBREAPER, OPT_CWD, OPT_NO_NEW_PRIVS, OPT_APPARMOR, OPT_PROCESS_LABEL,
	OPT_ROOTLESS, OPT_STATS, OPT_INTERVAL, OPT_FORMAT,
	OPT_CNI_CONFIG_DIR, OPT_CNI_PLUGIN_DIR, OPT_CNI_TIMEOUT, OPT_LOG_DIR, OPT_LOG_MAX_SIZE,
	OPT_LOG_MAX_FILES, OPT_CGROUP_PARENT, OPT_ROOT, OPT_RM,
	OPT_MEMORY, OPT_MEMORY_RESERVATION, OPT_MEMORY_SWAP, OPT_CPU_QUOTA, OPT_CPU_PERIOD,
	OPT_CPU_SHARES, OPT_CPU_BURST, OPT_CPU_IDLE, OPT_CPUSET_CPUS, OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT, OPT_BLKIO_WEIGHT,
	OPT_TAIL, OPT_TIMESTAMPS, OPT_NO_STREAM,
	OPT_TLS_VERIFY, OPT_PLATFORM, OPT_AUTHFILE, OPT_NO_TRUNC, OPT_POD_TIMEOUT, OPT_LISTEN,
	OPT_LABEL, OPT_IMAGE_ROOT, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP,
	OPT_CGROUP_MANAGER, OPT_CRIU, OPT_MAN, OPT_REPLACE,
};

/* One command's arguments being parsed: options may come anywhere among
 * the positionals; "--" ends them; with c->rest_after N, everything after
 * the Nth positional is a command line and taken as it is. */
struct cli_args {
	struct cli *cli;
	const struct command *c;
	int argc;
	char **argv;
	int i;               /* next element of argv */
	char *cluster;       /* the letters left of a "-abc" */
	bool rest;           /* no more options */
	int rest_at;         /* where the command line of rest_after began */
	char *arg;           /* the value of the option cli_next returned */
	char **pos;          /* the positionals, in order */
	int npos;
	int rc;              /* the exit status when cli_next returned CLI_EXIT */
};

#define CLI_EXIT (-1)

/* `CLI_ARGS a = { 0 };`: freed on every return. */
#define CLI_ARGS __attribute__((cleanup(cli_args_free))) struct cli_args

/* argv[0] is the command's own name.  -ENOMEM only. */
int cli_args_init(struct cli_args *a, struct cli *cli, const struct command *c, int argc,
		  char **argv);
void cli_args_free(struct cli_args *a);
/* The next option's key (its value in a->arg), 0 when all are read, or
 * CLI_EXIT: --help was printed (rc 0) or a usage error reported (rc 1). */
int cli_next(struct cli_args *a);
/* After the options: min..max positionals (max -1: any), else a usage
 * error "expected <what>" and CLI_EXIT. */
int cli_want_pos(struct cli_args *a, int min, int max, const char *what);
/* A command without options: init, read, count; 0 or CLI_EXIT (a->rc). */
int cli_simple(struct cli_args *a, struct cli *cli, const struct command *c, int argc,
	       char **argv, int min, int max, const char *what);
