/* berth metrics serve: the host's Prometheus endpoint (berth-metrics, next
 * to this binary or in its libexec directory), and berth pod metrics: one
 * pod's metrics on stdout.  docs/metrics.md. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "opts.h"
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

static int check_timeout(struct cli_args *a, const char *timeout)
{
	char *end;
	long ms = strtol(timeout, &end, 10);

	if (*end || end == timeout || ms < 1 || ms > 60000)
		return cli_usage(a->cli, a->c, "--pod-timeout takes milliseconds from 1 to 60000, "
				 "not \"%s\"", timeout);
	return 0;
}

int metrics_serve(struct cli *cli, const struct command *c, int argc, char **argv)
{
	const char *listen_addr = "127.0.0.1:9464", *timeout = "1000";
	char helper[PATH_MAX + 32];
	CLI_ARGS a = { 0 };
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'l')
			listen_addr = a.arg;
		else if (k == OPT_POD_TIMEOUT)
			timeout = a.arg;
	if (k == CLI_EXIT || cli_want_pos(&a, 0, 0, "no arguments"))
		return a.rc;
	if (check_timeout(&a, timeout))
		return 1;
	if (find_helper(helper, sizeof(helper)) < 0)
		return cli_errorf(cli, "metrics serve: %s is missing: berth was built without "
				  "libmicrohttpd (install libmicrohttpd-dev and rebuild)", helper);
	fflush(NULL);
	execl(helper, "berth-metrics", "--root", cli->root, "--listen", listen_addr,
	      "--pod-timeout", timeout, (char *)NULL);
	return cli_errorf(cli, "metrics serve: executing %s: %s", helper, strerror(errno));
}

int pod_metrics_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	struct b_err err = { 0 };
	size_t len;
	CLI_ARGS a = { 0 };

	if (cli_simple(&a, cli, c, argc, argv, 1, 1, "one pod name"))
		return a.rc;
	if (sv_pod_request(&cli->ctx, a.pos[0], "metrics", &text, &len, &err) < 0)
		return cli_error(cli, &err);
	fwrite(text, 1, len, stdout);
	return 0;
}
