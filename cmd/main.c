/* berth: OCI runtime command line (runc's contract) and pod supervisor. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "man.h"
#include "opts.h"
#include "version.h"
#include "images/store.h"

static void version(void)
{
	printf("berth version %s\n", BERTH_VERSION);
	printf("commit: %s\n", BERTH_GIT_REV);
	printf("spec: 1.3.0 (accepts 1.0.0 to 1.3.x)\n");
	printf("features: +CGROUPV2 +SECCOMP +CAP +USERNS +TIMENS +PIDFD +CLONE3 +OPENAT2 +APPARMOR -SELINUX -SYSTEMD-CGROUP -CRIU\n");
}

/* crun's --cgroup-manager, which podman passes (--cgroups=disabled). */
static int cgroup_manager(struct cli *cli, const char *m)
{
	if (!strcmp(m, "systemd"))
		cli->systemd_cgroup = cli->ctx.systemd_cgroup = true;
	else if (!strcmp(m, "disabled"))
		cli->ctx.no_cgroup = true;
	else if (strcmp(m, "cgroupfs"))
		return cli_errorf(cli, "--cgroup-manager: \"%s\" is not cgroupfs, systemd or disabled", m);
	return 0;
}

/* Absolute, as overlay mounts name layers by path, `pod run -d` leaves the
 * cwd and `pod unit` writes --root into a unit. */
static int absolute(struct cli *cli, const char *opt, const char *arg, char **buf,
		    const char **out)
{
	char cwd[2048];

	if (arg[0] == '/') {
		*out = arg;
		return 0;
	}
	free(*buf);
	*buf = NULL;
	if (!getcwd(cwd, sizeof(cwd)) || asprintf(buf, "%s/%s", cwd, arg) < 0)
		return cli_errorf(cli, "%s %s: cannot make it absolute", opt, arg);
	*out = *buf;
	return 0;
}

static int log_format(struct cli *cli, const char *v)
{
	if (!strcmp(v, "json"))
		cli->log_format = LOG_JSON;
	else if (!strcmp(v, "text"))
		cli->log_format = LOG_TEXT;
	else
		return cli_errorf(cli, "--log-format: \"%s\" is not text or json", v);
	return 0;
}

static int global_opt(struct cli *cli, int key, char *v)
{
	switch (key) {
	case OPT_ROOT:
		if (absolute(cli, "--root", v, &cli->root_buf, &cli->root))
			return 1;
		cli->ctx.root = cli->root;
		return 0;
	case OPT_IMAGE_ROOT: return absolute(cli, "--image-root", v, &cli->image_root_buf, &cli->image_root);
	case OPT_LOG:
	case OPT_LOG_FORMAT:
		if (cli->global_opt)   /* the log is open by the time a command parses */
			return cli_errorf(cli, "--log and --log-format go before the command");
		return key == OPT_LOG ? (cli->log_path = v, 0) : log_format(cli, v);
	case OPT_DEBUG:
		cli->debug = true;
		if (cli->global_opt)
			cli_log_init(cli);
		return 0;
	case OPT_SYSTEMD_CGROUP: cli->systemd_cgroup = cli->ctx.systemd_cgroup = true; return 0;
	case OPT_CGROUP_MANAGER: return cgroup_manager(cli, v);
	case 'v': version(); exit(0);
	case 'h': cli_top_help(stdout); exit(0);
	default: return 0;   /* --rootless, --criu: accepted for compatibility */
	}
}

/* The global options, up to the command's name: the index of that name
 * in argv (argc when there is none), or -1 after an error. */
static int parse_global(struct cli *cli, int argc, char **argv)
{
	static const struct command berth = { "berth", NULL, "", "COMMAND", cli_global_opts,
					      .rest_after = 1 };
	struct cli_args a;
	int k, idx;

	if (cli_args_init(&a, cli, &berth, argc, argv) < 0)
		return -1;
	while ((k = cli_next(&a)) > 0 && global_opt(cli, k, a.arg) == 0)
		;
	/* The command's name is the first positional (everything after it
	 * is the command's, rest_after 1; a "--" right after it is left out
	 * of a.pos, so the name is found by where it is, not counted back). */
	idx = k == 0 ? argc : -1;
	for (int i = 1; k == 0 && a.npos > 0 && i < argc; i++)
		if (argv[i] == a.pos[0]) {
			idx = i;
			break;
		}
	cli_args_free(&a);
	return idx;
}

/* A group (pod, image, ...) hands over to its subcommand. */
static int dispatch(struct cli *cli, const struct command *c, int argc, char **argv)
{
	const struct command *s;

	if (!c->subs)
		return c->fn(cli, c, argc, argv);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		cli_help(argc < 2 ? stderr : stdout, c);
		return argc < 2;
	}
	if (!strcmp(argv[1], "help"))
		return (s = cli_find_sub(c, argv[2])) ? cli_help(stdout, s) :
		       cli_errorf(cli, "no command \"%s %s\" (berth %s --help lists them)",
				  c->name, argv[2], c->name);
	if (!(s = cli_find_sub(c, argv[1])))
		return cli_errorf(cli, "unknown command \"%s %s\" (berth %s --help lists them)",
				  c->name, argv[1], c->name);
	return s->fn(cli, s, argc - 1, argv + 1);
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
	if (idx >= argc)
		return cli_errorf(&cli, "no command given (usage: berth [GLOBAL OPTIONS] COMMAND "
				  "[OPTIONS] [ARGUMENTS]; berth --help lists the commands)");
	if (!strcmp(argv[idx], "__complete")) {
		cli.ctx.root = cli.root;
		return cli_complete_names(&cli, argc - idx, argv + idx);
	}
	c = cli_find_command(argv[idx]);
	if (!c)
		return cli_errorf(&cli, "unknown command \"%s\" (see berth --help)", argv[idx]);
	/* The supervisor starts containers for as long as it lives: it runs
	 * from a sealed copy of berth once, and its containers need no exec
	 * stub.  create, run and exec decide once they know the process
	 * (runtime/exe_guard.c), and may come back here through reexec_argv. */
	if (!strcmp(c->name, "pod") && idx + 1 < argc && !strcmp(argv[idx + 1], "run") &&
	    rt_ensure_sealed_self(argv, envp, &err) < 0)
		return cli_error(&cli, &err);
	/* Not for the supervisor: starting `pod run` over in the middle of a
	 * pod's life would be wrong whatever the reason. */
	if (strcmp(c->name, "pod") || (idx + 1 < argc && strcmp(argv[idx + 1], "run"))) {
		cli.ctx.reexec_argv = argv;
		cli.ctx.reexec_envp = envp;
	}
	cli.ctx.root = cli.root;
	cli.ctx.systemd_cgroup = cli.systemd_cgroup;
	cli_log_init(&cli);
	cli.global_opt = global_opt;
	rc = dispatch(&cli, c, argc - idx, argv + idx);
	if (cli.log)
		fclose(cli.log);
	return rc;
}
