/* exec: `--process FILE` or a command line with runc's flags. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/arena.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"

enum {
	OPT_PROCESS = 'p', OPT_TTY = 't', OPT_DETACH = 'd', OPT_ENV = 'e', OPT_USER = 'u',
	OPT_CAP = 'c', OPT_CWD = 400, OPT_PIDFILE, OPT_CONSOLE, OPT_PRESERVE, OPT_NNP,
	OPT_IGNORED,
	OPT_APPARMOR,
};

static int parse_user(const char *s, struct rt_exec_opts *o)
{
	char *colon = strchr(s, ':');
	int uid, gid = 0;
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*s", colon ? (int)(colon - s) : (int)strlen(s), s);
	if (b_parse_int(buf, &uid) < 0 || uid < 0)
		return -1;
	if (colon && (b_parse_int(colon + 1, &gid) < 0 || gid < 0))
		return -1;
	o->has_user = true;
	o->uid = (uint32_t)uid;
	o->gid = (uint32_t)gid;
	return 0;
}

static int load_process(struct cli *cli, const char *path, struct b_arena *a,
			struct oci_process **p)
{
	_cleanup_free_ char *json = NULL;
	struct b_err err = { 0 };
	size_t len = 0;
	int r = b_read_file(path, 16u << 20, &json, &len);

	if (r < 0) {
		b_err_sys(&err, -r, "reading --process %s", path);
		return cli_error(cli, &err);
	}
	if (oci_process_parse(path, json, len, a, p, &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

int cmd_exec(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, OPT_PROCESS },
		{ "tty", no_argument, NULL, OPT_TTY },
		{ "detach", no_argument, NULL, OPT_DETACH },
		{ "env", required_argument, NULL, OPT_ENV },
		{ "user", required_argument, NULL, OPT_USER },
		{ "cap", required_argument, NULL, OPT_CAP },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "pid-file", required_argument, NULL, OPT_PIDFILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "apparmor", required_argument, NULL, OPT_APPARMOR },
		{ "process-label", required_argument, NULL, OPT_IGNORED },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ 0 },
	};
	const struct command *c = cli_find_command("exec");
	struct rt_exec_opts o;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 };
	struct b_arena arena = { 0 };
	struct oci_process *proc = NULL;
	const char *process_file = NULL;
	char **env = NULL;
	size_t n_env = 0;
	uint32_t *gids = NULL;
	size_t n_gids = 0;
	bool detach = false;
	sigset_t held;
	int ch, r, rc = 1;

	rt_exec_opts_init(&o);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+p:tde:u:c:g:", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_PROCESS: process_file = optarg; break;
		case OPT_TTY: o.tty = true; break;
		case OPT_DETACH: detach = true; break;
		case OPT_ENV:
			if (!strchr(optarg, '=')) {
				rc = cli_usage(cli, c, "--env \"%s\" is not KEY=VALUE", optarg);
				goto out;
			}
			env = realloc(env, (n_env + 2) * sizeof(*env));
			env[n_env++] = optarg;
			env[n_env] = NULL;
			break;
		case OPT_USER:
			if (parse_user(optarg, &o) < 0) {
				rc = cli_usage(cli, c, "--user \"%s\" is not UID[:GID]", optarg);
				goto out;
			}
			break;
		case OPT_CAP: {
			int cap = oci_cap_from_name(optarg);
			if (cap < 0) {
				rc = cli_usage(cli, c, "--cap: unknown capability \"%s\"", optarg);
				goto out;
			}
			o.caps_add |= 1ULL << cap;
			break;
		}
		case OPT_CWD: o.cwd = optarg; break;
		case OPT_PIDFILE: o.pid_file = optarg; break;
		case OPT_CONSOLE: o.console_socket = optarg; break;
		case OPT_PRESERVE:
			if (b_parse_int(optarg, &o.preserve_fds) < 0 || o.preserve_fds < 0) {
				rc = cli_usage(cli, c, "--preserve-fds: \"%s\" is not a count", optarg);
				goto out;
			}
			break;
		case OPT_NNP: o.no_new_privs = true; break;
		case 'g': {
			/* comma-separated list, like runc; tokenised in a copy,
			 * as argv may be executed again (runtime/exe_guard.c) */
			_cleanup_free_ char *list = strdup(optarg);

			if (!list) {
				rc = cli_errorf(cli, "out of memory");
				goto out;
			}
			for (char *save = NULL, *t = strtok_r(list, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				int g;
				if (b_parse_int(t, &g) < 0 || g < 0) {
					rc = cli_usage(cli, c, "--additional-gids: \"%s\" is not a gid", t);
					goto out;
				}
				gids = realloc(gids, (n_gids + 1) * sizeof(*gids));
				gids[n_gids++] = (uint32_t)g;
			}
			break;
		}
		case OPT_IGNORED: break;
		case OPT_APPARMOR: o.apparmor_profile = optarg; break;
		default:
			rc = cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
			goto out;
		}
	}
	if (optind >= argc) {
		rc = cli_usage(cli, c, "expected a container ID");
		goto out;
	}
	if (process_file) {
		if (load_process(cli, process_file, &arena, &proc))
			goto out;
		o.process = proc;
	} else {
		o.args = argv + optind + 1;
	}
	o.env = env;
	o.add_gids = gids;
	o.n_add_gids = n_gids;
	o.want_console = !detach;
	if (!detach)
		cli_signals_hold(&held);
	r = rt_exec(&cli->ctx, argv[optind], &o, &out, &err);
	if (r < 0)
		rc = cli_error(cli, &err);
	else if (detach)
		rc = 0;
	else
		rc = cli_wait_forward(out.pid, out.pidfd, false, out.console_master, -1);
	if (!detach)
		sigprocmask(SIG_SETMASK, &held, NULL);
	if (r < 0)
		goto out;
	if (out.console_master >= 0)
		close(out.console_master);
	if (out.pidfd >= 0)
		close(out.pidfd);
out:
	free(env);
	free(gids);
	b_arena_release(&arena);
	return rc;
}
