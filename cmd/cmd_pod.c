/* berth pod run [--root DIR] POD.json: the pod supervisor in the
 * foreground.  Exit status: 0 when every container completed successfully
 * or the pod was stopped by SIGTERM/SIGINT, 1 otherwise. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "specs/pod_spec.h"
#include "supervisor/supervisor.h"

int cmd_pod(struct cli *cli, int argc, char **argv);

static void print_log(void *ud, const char *container, const char *stream,
		      const char *line, size_t len, bool partial)
{
	(void)ud;
	(void)stream;
	printf("[%s] %.*s%s", container, (int)len, line, partial ? "" : "\n");
	fflush(stdout);
}

static void print_warn(void *ud, const struct b_err *e)
{
	cli_warn(ud, e);
}

static int pod_run(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ 0 },
	};
	struct pod_spec *pod = NULL;
	struct sv_opts so = { .on_log = print_log, .on_warn = print_warn, .ud = cli };
	struct sv_result res;
	struct b_err err = { 0 };
	int ch, r;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'r')
			cli->ctx.root = optarg;
		else if (ch == 'l')
			so.log_dir = optarg;
		else
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage(cli, c, "expected one pod file");
	if (pod_spec_load(argv[optind], &pod, &err) < 0)
		return cli_error(cli, &err);
	r = sv_pod_run(&cli->ctx, pod, &so, &res, &err);
	pod_spec_free(pod);
	if (r < 0)
		return cli_error(cli, &err);
	fflush(stdout);
	return res.stopped_by_signal || res.all_succeeded ? 0 : 1;
}

int cmd_pod(struct cli *cli, int argc, char **argv)
{
	const struct command *c = cli_find_command("pod");

	if (argc < 2)
		return cli_usage(cli, c, "expected a subcommand (run)");
	if (!strcmp(argv[1], "run"))
		return pod_run(cli, c, argc - 1, argv + 1);
	return cli_usage(cli, c, "unknown subcommand \"%s\"", argv[1]);
}
