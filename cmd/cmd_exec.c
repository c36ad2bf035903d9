/* exec: `--process FILE` or a command line with runc's flags. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "common/arena.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"

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

struct exec_args {
	struct rt_exec_opts o;
	const char *process_file;
	char **env;
	size_t n_env;
	uint32_t *gids;
	size_t n_gids;
	bool detach;
};

static void exec_args_free(struct exec_args *x)
{
	free(x->env);
	free(x->gids);
}

static int push_env(struct cli_args *p, struct exec_args *x)
{
	char **nv;

	if (!strchr(p->arg, '='))
		return cli_usage(p->cli, p->c, "--env \"%s\" is not KEY=VALUE", p->arg);
	if (!(nv = realloc(x->env, (x->n_env + 2) * sizeof(*nv))))
		return cli_errorf(p->cli, "out of memory");
	x->env = nv;
	x->env[x->n_env++] = (char *)p->arg;
	x->env[x->n_env] = NULL;
	return 0;
}

/* comma-separated, like runc's; tokenised in a copy, as argv may be
 * executed again (runtime/exe_guard.c) */
static int push_gids(struct cli_args *p, struct exec_args *x)
{
	_cleanup_free_ char *list = strdup(p->arg);

	if (!list)
		return cli_errorf(p->cli, "out of memory");
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint32_t *ng;
		int g;

		if (b_parse_int(t, &g) < 0 || g < 0)
			return cli_usage(p->cli, p->c, "--additional-gids: \"%s\" is not a gid", t);
		if (!(ng = realloc(x->gids, (x->n_gids + 1) * sizeof(*ng))))
			return cli_errorf(p->cli, "out of memory");
		x->gids = ng;
		x->gids[x->n_gids++] = (uint32_t)g;
	}
	return 0;
}

/* One option; non-zero (the exit status) after a usage error. */
static int exec_opt(struct cli_args *p, int key, struct exec_args *x)
{
	int cap;

	switch (key) {
	case 'p': x->process_file = p->arg; break;
	case 't': x->o.tty = true; break;
	case 'd': x->detach = true; break;
	case 'e': return push_env(p, x);
	case 'u':
		if (parse_user(p->arg, &x->o) < 0)
			return cli_usage(p->cli, p->c, "--user \"%s\" is not UID[:GID]", p->arg);
		break;
	case 'c':
		if ((cap = oci_cap_from_name(p->arg)) < 0)
			return cli_usage(p->cli, p->c, "--cap: unknown capability \"%s\"", p->arg);
		x->o.caps_add |= 1ULL << cap;
		break;
	case OPT_CWD: x->o.cwd = p->arg; break;
	case OPT_PID_FILE: x->o.pid_file = p->arg; break;
	case OPT_CONSOLE_SOCKET: x->o.console_socket = p->arg; break;
	case OPT_PRESERVE_FDS:
		if (b_parse_int(p->arg, &x->o.preserve_fds) < 0 || x->o.preserve_fds < 0)
			return cli_usage(p->cli, p->c, "--preserve-fds: \"%s\" is not a count", p->arg);
		break;
	case OPT_NO_NEW_PRIVS: x->o.no_new_privs = true; break;
	case 'g': return push_gids(p, x);
	case OPT_APPARMOR: x->o.apparmor_profile = p->arg; break;
	}
	return 0;
}

int cli_exec_process(struct cli *cli, const char *id, struct rt_exec_opts *o, bool detach,
		     bool relay_stdin)
{
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 };
	sigset_t held;
	int r, rc;

	o->want_console = !detach;
	if (!detach)
		cli_signals_hold(&held);
	r = rt_exec(&cli->ctx, id, o, &out, &err);
	if (r < 0)
		rc = cli_error(cli, &err);
	else if (detach)
		rc = 0;
	else
		rc = cli_wait_forward(out.pid, out.pidfd, false, out.console_master, -1, relay_stdin);
	if (!detach)
		sigprocmask(SIG_SETMASK, &held, NULL);
	if (out.console_master >= 0)
		close(out.console_master);
	if (out.pidfd >= 0)
		close(out.pidfd);
	return rc;
}

static int exec_run(struct cli *cli, const char *id, struct exec_args *x)
{
	x->o.env = x->env;
	x->o.add_gids = x->gids;
	x->o.n_add_gids = x->n_gids;
	return cli_exec_process(cli, id, &x->o, x->detach, true);
}

int cmd_exec(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_(exec_args_free) struct exec_args x = { 0 };
	CLI_ARGS p = { 0 };
	struct b_arena arena = { 0 };
	struct oci_process *proc = NULL;
	int k, rc;

	rt_exec_opts_init(&x.o);
	if (cli_args_init(&p, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&p)) > 0)
		if ((rc = exec_opt(&p, k, &x)))
			return rc;
	if (k == CLI_EXIT || cli_want_pos(&p, 1, -1, "a container ID"))
		return p.rc;
	if (x.process_file) {
		if ((rc = load_process(cli, x.process_file, &arena, &proc)))
			goto out;
		x.o.process = proc;
	} else {
		x.o.args = p.pos + 1;
	}
	rc = exec_run(cli, p.pos[0], &x);
out:
	b_arena_release(&arena);
	return rc;
}
