/* berth: OCI runtime command line (runc's contract) and pod supervisor. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "images/store.h"

int cmd_pod(struct cli *, int, char **);
int cmd_network(struct cli *, int, char **);

static const struct command commands[] = {
	{ "create", cmd_create, "create a container", "[--bundle DIR] [--pid-file F] [--console-socket S] [--preserve-fds N] [--no-pivot] [--no-new-keyring] ID", true },
	{ "start", cmd_start, "start a created container", "ID", false },
	{ "run", cmd_run, "create and start a container", "[-d] [--keep] [create options] ID", true },
	{ "state", cmd_state, "print the state of a container", "ID", false },
	{ "kill", cmd_kill, "send a signal to a container", "[--all] ID [SIGNAL]", false },
	{ "delete", cmd_delete, "delete a container", "[--force] ID", false },
	{ "list", cmd_list, "list containers", "[-q] [--format table|json]", false },
	{ "ps", cmd_ps, "list the processes of a container", "[--format table|json] ID", false },
	{ "exec", cmd_exec, "run a process in a container", "[options] ID [COMMAND [ARG...]]", true },
	{ "pause", cmd_pause, "freeze every process of a container", "ID", false },
	{ "resume", cmd_resume, "thaw a paused container", "ID", false },
	{ "update", cmd_update, "change resource limits of a container", "[--resources FILE|-] [limit flags] ID", false },
	{ "events", cmd_events, "container events and statistics", "[--stats] [--interval D] ID", false },
	{ "features", cmd_features, "print the runtime's features JSON", "", false },
	{ "spec", cmd_spec, "write a default config.json", "[--bundle DIR] [--rootless]", false },
	{ "network", cmd_network, "show the network pods join",
	  "inspect [--cni-config-dir DIR] [NAME] | ls [--cni-config-dir DIR]", false },
	{ "image", cmd_image, "pull, load, list and remove images",
	  "pull [--tls-verify=false] [--platform OS/ARCH] [--authfile F] [-q] REF | "
	  "load [-q] [--platform OS/ARCH] FILE|DIR|- | ls [-q] [--no-trunc] | inspect REF... | "
	  "rm REF... | prune [-a]", false },
	{ "pod", cmd_pod, "run and manage pods (the pod supervisor)",
	  "run [-d] [--keep] [--log-dir DIR] [--log-max-size SIZE] [--log-max-files N] "
	  "[--cgroup-parent PATH|self] [--cni-config-dir DIR] [--cni-plugin-dir DIR[:DIR...]] "
	  "[--cni-timeout SECS] POD.json | "
	  "ps [NAME] [--format table|json] | inspect NAME | "
	  "logs NAME [CONTAINER] [-f] [--tail N] [--timestamps] | events NAME [-f] [--tail N] | "
	  "stop [-t SECS] NAME... | rm [-f] [-t SECS] NAME... | metrics NAME | "
	  "top [NAME...] [--no-stream] [--interval SECS] [--format table|json]", true },
	{ "metrics", cmd_metrics, "serve Prometheus metrics for every pod and container",
	  "serve [--listen ADDR:PORT] [--pod-timeout MS]", false },
};

const struct command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: berth [global options] COMMAND [options] [args]\n\n"
		   "global options:\n"
		   "  --root DIR             state directory (default " RT_DEFAULT_ROOT ")\n"
		   "  --image-root DIR       persistent data: the image store (default " IMG_DEFAULT_ROOT ")\n"
		   "  --log FILE             also write errors (and --debug output) to FILE\n"
		   "  --log-format text|json format of log lines (json: runc's format)\n"
		   "  --debug                trace every step (to --log, default stderr)\n"
		   "  --systemd-cgroup       use systemd for cgroups (needs a running systemd)\n"
		   "  --cgroup-manager M     cgroupfs (default), systemd (= --systemd-cgroup) or\n"
		   "                         disabled (no cgroup: containers stay in berth's own)\n"
		   "  -v, --version          print the version and compiled-in features\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

static void version(void)
{
	printf("berth version %s\n", BERTH_VERSION);
	printf("spec: 1.3.0 (accepts 1.0.0 to 1.3.x)\n");
	printf("features: +CGROUPV2 +SECCOMP +CAP +USERNS +TIMENS +PIDFD +CLONE3 +OPENAT2 +APPARMOR -SELINUX -SYSTEMD-CGROUP -CRIU\n");
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_CGROUP_MANAGER,
       OPT_ROOTLESS, OPT_CRIU, OPT_IMAGE_ROOT };

/* crun's --cgroup-manager, which podman passes (--cgroups=disabled). */
static int cgroup_manager(struct cli *cli, const char *m)
{
	if (!strcmp(m, "systemd"))
		cli->systemd_cgroup = true;
	else if (!strcmp(m, "disabled"))
		cli->ctx.no_cgroup = true;
	else if (strcmp(m, "cgroupfs"))
		return cli_errorf(cli, "--cgroup-manager: \"%s\" is not cgroupfs, systemd or disabled", m);
	return 0;
}

/* Absolute, as overlay mounts name layers by path and `pod run -d`
 * leaves the cwd. */
static int image_root(struct cli *cli, const char *arg)
{
	char cwd[2048];

	if (arg[0] == '/') {
		cli->image_root = arg;
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)) || asprintf(&cli->image_root_buf, "%s/%s", cwd, arg) < 0)
		return cli_errorf(cli, "--image-root %s: cannot make it absolute", arg);
	cli->image_root = cli->image_root_buf;
	return 0;
}

static int parse_global(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "image-root", required_argument, NULL, OPT_IMAGE_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
		{ "rootless", required_argument, NULL, OPT_ROOTLESS },
		{ "criu", required_argument, NULL, OPT_CRIU },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: cli->root = optarg; break;
		case OPT_IMAGE_ROOT:
			if (image_root(cli, optarg))
				return -1;
			break;
		case OPT_LOG: cli->log_path = optarg; break;
		case OPT_LOG_FORMAT:
			if (!strcmp(optarg, "json"))
				cli->log_format = LOG_JSON;
			else if (!strcmp(optarg, "text"))
				cli->log_format = LOG_TEXT;
			else {
				cli_errorf(cli, "--log-format: \"%s\" is not text or json", optarg);
				return -1;
			}
			break;
		case OPT_DEBUG: cli->debug = true; break;
		case OPT_SYSTEMD: cli->systemd_cgroup = true; break;
		case OPT_CGROUP_MANAGER:
			if (cgroup_manager(cli, optarg))
				return -1;
			break;
		case OPT_ROOTLESS: case OPT_CRIU: break; /* accepted for compatibility */
		case 'v': version(); exit(0);
		case 'h': usage(stdout); exit(0);
		default:
			cli_errorf(cli, "unknown global option %s (see berth --help)", argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

int main(int argc, char **argv, char **envp)
{
	struct cli cli = { .root = RT_DEFAULT_ROOT, .image_root = IMG_DEFAULT_ROOT, .envp = envp, .argv0 = argv };
	const struct command *c;
	struct b_err err = { 0 };
	int idx, rc;

	signal(SIGPIPE, SIG_IGN);
	idx = parse_global(&cli, argc, argv);
	if (cli.log_path) {
		cli.log = fopen(cli.log_path, "ae");
		if (!cli.log) {
			fprintf(stderr, "berth: opening --log %s: %s\n", cli.log_path, strerror(errno));
			return 1;
		}
	}
	if (idx < 0)
		return 1;
	if (idx >= argc) {
		usage(stderr);
		return 1;
	}
	c = cli_find_command(argv[idx]);
	if (!c)
		return cli_errorf(&cli, "unknown command \"%s\" (see berth --help)", argv[idx]);
	/* The supervisor starts containers for as long as it lives: it runs
	 * from a sealed copy of berth once, and its containers need no exec
	 * stub.  create, run and exec decide once they know the process
	 * (runtime/exe_guard.c), and may come back here through reexec_argv. */
	if (c->enters_container && !strcmp(c->name, "pod") && idx + 1 < argc &&
	    !strcmp(argv[idx + 1], "run") && rt_ensure_sealed_self(argv, envp, &err) < 0)
		return cli_error(&cli, &err);
	/* Not for the supervisor: starting `pod run` over in the middle of a
	 * pod's life would be wrong whatever the reason. */
	if (strcmp(c->name, "pod")) {
		cli.ctx.reexec_argv = argv;
		cli.ctx.reexec_envp = envp;
	}
	cli.ctx.root = cli.root;
	cli.ctx.systemd_cgroup = cli.systemd_cgroup;
	cli_log_init(&cli);
	optind = 1;
	opterr = 0;
	rc = c->fn(&cli, argc - idx, argv + idx);
	if (cli.log)
		fclose(cli.log);
	return rc;
}
