/* berth pod unit FILE: a systemd unit that runs one pod file, printed for
 * the user to install (docs/systemd.md).  The settings are the ones of
 * examples/berth-pod@.service, which explains each; here the pod file and
 * this berth are absolute paths, checked now rather than at boot. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "opts.h"
#include "pod_cmds.h"
#include "specs/pod_spec.h"

static const char unit_text[] =
	"# berth-pod-%1$s.service: pod %1$s from %2$s\n"
	"# made by `berth pod unit`; install it with\n"
	"#   berth pod unit %2$s > /etc/systemd/system/berth-pod-%1$s.service\n"
	"#   systemctl daemon-reload && systemctl enable --now berth-pod-%1$s\n"
	"# Every setting is explained in examples/berth-pod@.service.\n"
	"\n"
	"[Unit]\n"
	"Description=berth pod %1$s\n"
	"After=local-fs.target network.target\n"
	"AssertPathExists=%2$s\n"
	"\n"
	"[Service]\n"
	"Type=notify\n"
	"NotifyAccess=main\n"
	"ExecStart=%3$s --root %4$s pod run --cgroup-parent self --log-dir %6$s %2$s\n"
	"Delegate=yes\n"
	"KillMode=mixed\n"
	"TimeoutStopSec=%5$llds\n"
	"TimeoutStartSec=90s\n"
	"Restart=on-failure\n"
	"RestartSec=5s\n"
	"WatchdogSec=30s\n"
	"ExecStopPost=-%3$s --root %4$s pod rm %1$s\n"
	"LimitNOFILE=65536\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

/* A path systemd reads as written: no blanks, quotes, backslashes or %
 * (which starts a specifier). */
static int unit_path(struct cli *cli, const char *what, const char *p)
{
	for (const char *s = p; *s; s++)
		if ((unsigned char)*s <= ' ' || strchr("\"'\\%", *s))
			return cli_errorf(cli, "%s %s: a unit cannot name it as it is (it has a blank, "
					  "a quote, a backslash or a %%); move or link it to a plain path", what, p);
	return 0;
}

/* --log-dir, absolute; default /var/log/berth/<pod> */
static int log_dir(struct cli *cli, const char *given, const char *pod, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (!given)
		n = snprintf(buf, size, "/var/log/berth/%s", pod);
	else if (given[0] == '/')
		n = snprintf(buf, size, "%s", given);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(buf, size, "%s/%s", cwd, given);
	else
		return cli_errorf(cli, "--log-dir %s: cannot make it absolute", given);
	if (n < 0 || (size_t)n >= size)
		return cli_errorf(cli, "--log-dir %s: path too long", given);
	return unit_path(cli, "--log-dir", buf);
}

int pod_unit_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_(pod_spec_freep) struct pod_spec *pod = NULL;
	char file[PATH_MAX], self[PATH_MAX], logs[PATH_MAX];
	const char *given_logs = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	ssize_t n;
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == OPT_LOG_DIR)
			given_logs = a.arg;
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 1, "one pod file"))
		return a.rc;
	if (pod_spec_load(a.pos[0], &pod, &err) < 0)
		return cli_error(cli, &err);
	if (log_dir(cli, given_logs, pod->name, logs, sizeof(logs)))
		return 1;
	if (!realpath(a.pos[0], file))
		return cli_errorf(cli, "%s: cannot resolve its path", a.pos[0]);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return cli_errorf(cli, "cannot find this berth's own path");
	self[n] = '\0';
	if (unit_path(cli, "pod file", file) || unit_path(cli, "berth binary", self) ||
	    unit_path(cli, "--root", cli->root))
		return 1;
	/* systemd stops after TimeoutStopSec: above the pod's grace period,
	 * with room for the sidecars' own after the main containers'. */
	printf(unit_text, pod->name, file, self, cli->root,
	       (long long)(2 * pod->termination_grace_period_seconds + 15), logs);
	return 0;
}
