/* berth pod run|ps|inspect|logs|events|stop|rm: the pod supervisor's
 * command line.  `run` is the supervisor itself (in the foreground, or
 * detached with -d); the others talk to a running supervisor over its
 * control socket or read what a pod left in its state directory. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "pod_cmds.h"
#include "pod_ps.h"
#include "specs/pod_spec.h"
#include "specs/quantity.h"
#include "supervisor/supervisor.h"

int cmd_pod(struct cli *cli, int argc, char **argv);

struct run_ud {
	struct cli *cli;
	int ready_fd;        /* -d: tells the waiting parent the pod is up */
};

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
	cli_warn(((struct run_ud *)ud)->cli, e);
}

static void ready(void *ud)
{
	struct run_ud *u = ud;

	if (u->ready_fd < 0)
		return;
	(void)b_write_all(u->ready_fd, "ok\n", 3);
	close(u->ready_fd);
	u->ready_fd = -1;
}

/* -d: the child becomes the supervisor in its own session with its output
 * on /dev/null (logs and events are in files; warnings become events);
 * the parent waits until the pod is up or setup failed.  Returns in the
 * child only (0), or the parent's exit code as -(code+1). */
static int detach(struct cli *cli, const char *name, struct run_ud *u)
{
	int p[2];
	pid_t pid;
	char buf[1024];
	ssize_t n;
	size_t len = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -(cli_errorf(cli, "pipe: %s", strerror(errno)) + 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -(cli_errorf(cli, "fork: %s", strerror(errno)) + 1);
	if (pid == 0) {
		int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		close(p[0]);
		setsid();
		if (null_fd >= 0) {
			dup2(null_fd, 0);
			dup2(null_fd, 1);
			dup2(null_fd, 2);
			close(null_fd);
		}
		if (chdir("/") < 0) {
			/* keep the old cwd: every path is absolute by now */
		}
		u->ready_fd = p[1];
		return 0;
	}
	close(p[1]);
	while (len < sizeof(buf) - 1 && (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	buf[len] = '\0';
	if (!strncmp(buf, "ok\n", 3)) {
		printf("%s\n", name);
		return -1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (!strncmp(buf, "error ", 6))
		return -(cli_errorf(cli, "%s", buf + 6) + 1);
	return -(cli_errorf(cli, "pod %s: the supervisor ended before the pod was up", name) + 1);
}

static int parse_size(struct cli *cli, const struct command *c, const char *s, int64_t *out)
{
	if (quantity_bytes(s, out, NULL) != QUANTITY_OK || *out <= 0)
		return cli_usage(cli, c, "--log-max-size: \"%s\" is not a size (e.g. 10Mi)", s);
	return 0;
}

static int pod_run(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ "log-max-size", required_argument, NULL, 's' },
		{ "log-max-files", required_argument, NULL, 'n' },
		{ "keep", no_argument, NULL, 'k' },
		{ "detach", no_argument, NULL, 'd' },
		{ "cgroup-parent", required_argument, NULL, 'c' },
		{ "cni-config-dir", required_argument, NULL, 'C' },
		{ "cni-plugin-dir", required_argument, NULL, 'P' },
		{ "cni-timeout", required_argument, NULL, 'T' },
		{ 0 },
	};
	_cleanup_(pod_spec_freep) struct pod_spec *pod = NULL;
	struct run_ud u = { .cli = cli, .ready_fd = -1 };
	struct sv_opts so = { .on_log = print_log, .on_warn = print_warn, .on_ready = ready, .ud = &u,
			      .image_root = cli->image_root,
			      .registries_conf = getenv("CONTAINERS_REGISTRIES_CONF") };
	char log_dir[PATH_MAX];
	struct sv_result res;
	struct b_err err = { 0 };
	bool detached = false;
	int ch, r;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+d", opts, NULL)) != -1) {
		if (ch == 'r')
			cli->ctx.root = optarg;
		else if (ch == 'l')
			so.log_dir = optarg;
		else if (ch == 's' && parse_size(cli, c, optarg, &so.log_max_size))
			return 1;
		else if (ch == 'n' && (so.log_max_files = atoi(optarg)) < 1)
			return cli_usage(cli, c, "--log-max-files: expected a number >= 1");
		else if (ch == 'k')
			so.keep = true;
		else if (ch == 'd')
			detached = true;
		else if (ch == 'c')
			so.cgroup_parent = optarg;
		else if (ch == 'C')
			so.cni_config_dir = optarg;
		else if (ch == 'P')
			so.cni_plugin_path = optarg;
		else if (ch == 'T' && (so.cni_timeout_ms = (int64_t)(atof(optarg) * 1000)) <= 0)
			return cli_usage(cli, c, "--cni-timeout: expected a number of seconds > 0");
		else if (ch == '?')
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage(cli, c, "expected one pod file");
	if (pod_spec_load(argv[optind], &pod, &err) < 0)
		return cli_error(cli, &err);
	if (cli->ctx.no_cgroup)
		return cli_errorf(cli, "pod run: a pod needs cgroups (not --cgroup-manager disabled)");
	if (detached) {
		/* Made absolute for the child, which leaves the cwd, but not
		 * resolved: the supervisor checks the path as given (a
		 * symlink's owner, the directory's), and its errors reach us. */
		if (so.log_dir && so.log_dir[0] != '/') {
			char cwd[PATH_MAX];

			if (!getcwd(cwd, sizeof(cwd)))
				return cli_errorf(cli, "log directory %s: %s", so.log_dir,
						  strerror(errno));
			if ((size_t)snprintf(log_dir, sizeof(log_dir), "%s/%s", cwd, so.log_dir) >=
			    sizeof(log_dir))
				return cli_errorf(cli, "log directory %s: path too long", so.log_dir);
			so.log_dir = log_dir;
		}
		if ((r = detach(cli, pod->name, &u)) < 0)
			return -r - 1;
		so.on_log = NULL;
		so.on_warn = NULL;
	}
	r = sv_pod_run(&cli->ctx, pod, &so, &res, &err);
	if (r < 0) {
		if (u.ready_fd >= 0) {
			char msg[sizeof(err.msg) + 16];
			int n = snprintf(msg, sizeof(msg), "error %s\n", err.msg);
			(void)b_write_all(u.ready_fd, msg, (size_t)n);
			return 1;
		}
		return cli_error(cli, &err);
	}
	fflush(stdout);
	return res.stopped_by_signal || res.all_succeeded ? 0 : 1;
}

/* ---- ps / inspect ---------------------------------------------------- */

static int status_of(struct cli *cli, const char *name, bool pretty, char **out, size_t *len,
		     struct b_err *err)
{
	int st = sv_pod_probe(&cli->ctx, name, err);

	if (st < 0)
		return st;
	if (st == SV_POD_ABSENT)
		return b_err_set(err, ENOENT, "pod %s not found", name);
	if (st == SV_POD_RUNNING)
		return sv_pod_request(&cli->ctx, name, pretty ? "inspect" : "status", out, len, err);
	if (sv_pod_final_status(&cli->ctx, name, out, len, err) == 0)
		return 0;
	return b_err_set(err, ESRCH, "pod %s: its supervisor is gone and left no status "
			 "(it was killed; `berth pod rm %s` cleans up)", name, name);
}

static int pod_inspect(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_free_ char *json = NULL;
	struct b_err err = { 0 };
	size_t len;

	if (argc != 2)
		return cli_usage(cli, c, "inspect: expected one pod name");
	if (status_of(cli, argv[1], true, &json, &len, &err) < 0)
		return cli_error(cli, &err);
	fwrite(json, 1, len, stdout);
	return 0;
}

static int pod_ps(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ 0 },
	};
	bool json = false;
	char **names = NULL;
	size_t n = 0;
	struct b_err err = { 0 };
	int ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (ch == 'f' && !strcmp(optarg, "json"))
			json = true;
		else if (ch == 'f' && !strcmp(optarg, "table"))
			json = false;
		else if (ch == 'f')
			return cli_usage(cli, c, "ps: --format is table or json");
		else
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
	}
	if (argc - optind > 1)
		return cli_usage(cli, c, "ps: expected at most one pod name");
	if (argc - optind == 1) {
		if (sv_pod_probe(&cli->ctx, argv[optind], &err) == SV_POD_ABSENT)
			return cli_errorf(cli, "pod %s not found", argv[optind]);
		if (err.code)
			return cli_error(cli, &err);
		names = calloc(1, sizeof(*names));
		if (!names || !(names[0] = strdup(argv[optind])))
			return cli_errorf(cli, "out of memory");
		n = 1;
	} else if (sv_pod_list(&cli->ctx, &names, &n, &err) < 0) {
		return cli_error(cli, &err);
	}
	rc = pod_ps_print(cli, names, n, json, status_of);
	sv_pod_list_free(names, n);
	return rc;
}

/* ---- stop / rm ------------------------------------------------------- */

static int stop_one(struct cli *cli, const char *name, long grace, struct b_err *err)
{
	_cleanup_free_ char *reply = NULL;
	char req[32];
	size_t len;
	int st = sv_pod_probe(&cli->ctx, name, err);

	if (st < 0)
		return st;
	if (st == SV_POD_ABSENT)
		return b_err_set(err, ENOENT, "pod %s not found", name);
	if (st == SV_POD_DEAD) {
		char *json = NULL;
		size_t jlen;
		struct b_err ign = { 0 };

		/* Ended (--keep): nothing runs.  Killed: its containers may
		 * still run, and only rm knows how to remove them. */
		if (sv_pod_final_status(&cli->ctx, name, &json, &jlen, &ign) == 0) {
			free(json);
			return 0;
		}
		return b_err_set(err, ESRCH, "pod %s: its supervisor is gone (it was killed); "
				 "`berth pod rm %s` stops and removes what it left", name, name);
	}
	if (grace >= 0)
		snprintf(req, sizeof(req), "stop %ld", grace);
	else
		snprintf(req, sizeof(req), "stop");
	if (sv_pod_request(&cli->ctx, name, req, &reply, &len, err) < 0 && err->code != ESRCH)
		return -err->code;
	b_err_clear(err);
	return sv_pod_wait(&cli->ctx, name, err);
}

static int parse_grace(struct cli *cli, const struct command *c, const char *s, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	if (*end || *out < 0)
		return cli_usage(cli, c, "--time: expected a number of seconds");
	return 0;
}

static int pod_stop_rm(struct cli *cli, const struct command *c, int argc, char **argv, bool rm)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ 0 },
	};
	long grace = -1;
	bool force = false;
	int ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, rm ? "+ft:" : "+t:", opts, NULL)) != -1) {
		if (ch == 't' && parse_grace(cli, c, optarg, &grace))
			return 1;
		else if (ch == 'f' && rm)
			force = true;
		else if (ch == '?' || (ch == 'f' && !rm))
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage(cli, c, "%s: expected a pod name", argv[0]);
	for (int i = optind; i < argc; i++) {
		struct b_err err = { 0 };
		int r = 0;

		if (!rm || force)
			r = stop_one(cli, argv[i], grace, &err);
		/* rm -f of a pod whose supervisor was killed: nothing to stop
		 * gracefully, and removing is what stop's message suggests */
		if (rm && r == -ESRCH) {
			b_err_clear(&err);
			r = 0;
		}
		if (r == 0 && rm) {
			r = sv_pod_remove(&cli->ctx, argv[i], &err);
			/* A stopped pod removes itself unless it was run with --keep. */
			if (r == -ENOENT && force)
				r = 0;
		}
		if (r < 0)
			rc = cli_error(cli, &err);
		else
			printf("%s\n", argv[i]);
	}
	return rc;
}

int cmd_pod(struct cli *cli, int argc, char **argv)
{
	const struct command *c = cli_find_command("pod");

	if (argc < 2)
		return cli_usage(cli, c, "expected a subcommand");
	if (!strcmp(argv[1], "run"))
		return pod_run(cli, c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "ps"))
		return pod_ps(cli, c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return pod_inspect(cli, c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "stop"))
		return pod_stop_rm(cli, c, argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "rm"))
		return pod_stop_rm(cli, c, argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "logs"))
		return pod_logs_main(cli, c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "events"))
		return pod_events_main(cli, c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "metrics"))
		return pod_metrics_main(cli, c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "top"))
		return pod_top_main(cli, c, argc - 1, argv + 1);
	return cli_usage(cli, c, "unknown subcommand \"%s\"", argv[1]);
}

