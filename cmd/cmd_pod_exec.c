/* berth pod exec [-i] [-t] [-e K=V] POD CONTAINER [--] COMMAND [ARG...]: a
 * process in one of a pod's containers, named as in the manifest (the
 * runtime's id, <pod>_<container>, is berth's business).  As with kubectl,
 * stdin reaches the process only with -i. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "opts.h"
#include "pod_cmds.h"
#include "supervisor/supervisor.h"

struct pod_exec_args {
	bool stdin_open, tty;
	char **env;
	size_t n_env;
};

static int push_env(struct cli_args *a, struct pod_exec_args *x)
{
	char **nv;

	if (!strchr(a->arg, '='))
		return cli_usage(a->cli, a->c, "--env \"%s\" is not KEY=VALUE", a->arg);
	if (!(nv = realloc(x->env, (x->n_env + 2) * sizeof(*nv))))
		return cli_errorf(a->cli, "out of memory");
	x->env = nv;
	x->env[x->n_env++] = a->arg;
	x->env[x->n_env] = NULL;
	return 0;
}

/* The container exists in this pod, and the pod runs. */
static int find(struct cli *cli, const char *pod, const char *ctr, char *id, size_t size)
{
	struct b_err err = { 0 };
	struct oci_state *st = NULL;
	int r = sv_pod_probe(&cli->ctx, pod, &err);

	if (r < 0)
		return cli_error(cli, &err);
	if (r == SV_POD_ABSENT)
		return cli_errorf(cli, "pod %s not found (berth pod ps lists pods)", pod);
	if (r != SV_POD_RUNNING)
		return cli_errorf(cli, "pod %s is not running", pod);
	if ((size_t)snprintf(id, size, "%s_%s", pod, ctr) >= size)
		return cli_errorf(cli, "container name \"%s\" too long", ctr);
	if (rt_state(&cli->ctx, id, &st, &err) < 0)
		return cli_errorf(cli, "pod %s has no running container \"%s\" (berth pod ps %s "
				  "lists them)", pod, ctr, pod);
	r = strcmp(st->status, "running") ? cli_errorf(cli, "container %s of pod %s is %s, "
						       "not running", ctr, pod, st->status) : 0;
	oci_state_free(st);
	return r;
}

int pod_exec_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct pod_exec_args x = { 0 };
	struct rt_exec_opts o;
	CLI_ARGS a = { 0 };
	_cleanup_close_ int null_fd = -1;
	char id[512];
	int k, rc = 1;

	rt_exec_opts_init(&o);
	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'i')
			x.stdin_open = true;
		else if (k == 't')
			x.tty = true;
		else if (k == 'e' && (rc = push_env(&a, &x)))
			goto out;
	if (k == CLI_EXIT || cli_want_pos(&a, 3, -1, "a pod, a container and a command")) {
		rc = a.rc;
		goto out;
	}
	if ((rc = find(cli, a.pos[0], a.pos[1], id, sizeof(id))))
		goto out;
	if (!x.stdin_open && (null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		o.stdio[0] = null_fd;
	o.tty = x.tty;
	o.env = x.env;
	o.args = a.pos + 2;
	rc = cli_exec_process(cli, id, &o, false, x.stdin_open);
out:
	free(x.env);
	return rc;
}
