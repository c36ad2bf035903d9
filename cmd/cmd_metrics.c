/* berth metrics serve: the host's Prometheus endpoint (berth-metrics, next
 * to this binary or in its libexec directory), and berth pod metrics: one
 * pod's metrics on stdout.  docs/metrics.md. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "pod_cmds.h"
#include "supervisor/supervisor.h"

#ifndef BERTH_LIBEXECDIR
#define BERTH_LIBEXECDIR "/usr/local/libexec/berth"
#endif

/* berth-metrics beside this berth (a build tree, or both in one bin
 * directory), else where meson installs it. */
static int find_helper(char *buf, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			*slash = '\0';
			snprintf(buf, size, "%s/berth-metrics", self);
			if (access(buf, X_OK) == 0)
				return 0;
		}
	}
	snprintf(buf, size, "%s/berth-metrics", BERTH_LIBEXECDIR);
	return access(buf, X_OK);
}

static int serve(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "pod-timeout", required_argument, NULL, 't' },
		{ 0 },
	};
	const char *listen_addr = "127.0.0.1:9464", *timeout = "1000";
	char helper[PATH_MAX + 32];
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "l:", opts, NULL)) != -1) {
		if (ch == 'l')
			listen_addr = optarg;
		else if (ch == 't')
			timeout = optarg;
		else
			return cli_usage(cli, c, "serve: bad option");
	}
	if (optind != argc)
		return cli_usage(cli, c, "serve: unexpected argument \"%s\"", argv[optind]);
	{
		char *end;
		long ms = strtol(timeout, &end, 10);

		if (*end || end == timeout || ms < 1 || ms > 60000)
			return cli_usage(cli, c, "serve: --pod-timeout takes milliseconds from 1 to 60000, "
					 "not \"%s\"", timeout);
	}
	if (find_helper(helper, sizeof(helper)) < 0)
		return cli_errorf(cli, "metrics serve: %s is missing: berth was built without "
				  "libmicrohttpd (install libmicrohttpd-dev and rebuild)", helper);
	fflush(NULL);
	execl(helper, "berth-metrics", "--root", cli->root, "--listen", listen_addr,
	      "--pod-timeout", timeout, (char *)NULL);
	return cli_errorf(cli, "metrics serve: executing %s: %s", helper, strerror(errno));
}

int cmd_metrics(struct cli *cli, int argc, char **argv)
{
	const struct command *c = cli_find_command("metrics");

	if (argc < 2)
		return cli_usage(cli, c, "expected a subcommand");
	if (!strcmp(argv[1], "serve"))
		return serve(cli, c, argc - 1, argv + 1);
	return cli_usage(cli, c, "unknown subcommand \"%s\"", argv[1]);
}

int pod_metrics_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	struct b_err err = { 0 };
	size_t len;

	if (argc != 2)
		return cli_usage(cli, c, "metrics: expected one pod name");
	if (sv_pod_request(&cli->ctx, argv[1], "metrics", &text, &len, &err) < 0)
		return cli_error(cli, &err);
	fwrite(text, 1, len, stdout);
	return 0;
}
