/* berth pod run|ps|inspect|logs|events|stop|rm: the pod supervisor's
 * command line.  `run` is the supervisor itself (in the foreground, or
 * detached with -d); the others talk to a running supervisor over its
 * control socket or read what a pod left in its state directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "pod_cmds.h"
#include "pod_ps.h"
#include "specs/pod_spec.h"
#include "specs/pod_status.h"
#include "specs/quantity.h"
#include "supervisor/supervisor.h"

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

static int parse_size(struct cli_args *a, int64_t *out)
{
	if (quantity_bytes(a->arg, out, NULL) != QUANTITY_OK || *out <= 0)
		return cli_usage(a->cli, a->c, "--log-max-size: \"%s\" is not a size (e.g. 10Mi)", a->arg);
	return 0;
}

/* One option of pod run; the exit status of a usage error, else 0. */
static int run_opt(struct cli_args *a, int key, struct sv_opts *so, bool *detached)
{
	switch (key) {
	case OPT_LOG_DIR: so->log_dir = a->arg; break;
	case OPT_LOG_MAX_SIZE: return parse_size(a, &so->log_max_size);
	case OPT_LOG_MAX_FILES:
		if ((so->log_max_files = atoi(a->arg)) < 1)
			return cli_usage(a->cli, a->c, "--log-max-files: expected a number >= 1");
		break;
	case OPT_KEEP: so->keep = true; break;
	case OPT_RM: so->keep = false; break;
	case OPT_REPLACE: so->replace = true; break;
	case 'd': *detached = true; break;
	case OPT_CGROUP_PARENT: so->cgroup_parent = a->arg; break;
	case OPT_CNI_CONFIG_DIR: so->cni_config_dir = a->arg; break;
	case OPT_CNI_PLUGIN_DIR: so->cni_plugin_path = a->arg; break;
	case OPT_CNI_TIMEOUT:
		if ((so->cni_timeout_ms = (int64_t)(atof(a->arg) * 1000)) <= 0)
			return cli_usage(a->cli, a->c, "--cni-timeout: expected a number of seconds > 0");
		break;
	}
	return 0;
}

/* The supervisor, in this process (`pod restart` included); its exit
 * status. */
static int supervise(struct cli *cli, const struct pod_spec *pod, struct sv_opts *so,
		     struct run_ud *u)
{
	struct sv_result res;
	struct b_err err = { 0 };
	int r = sv_pod_run(&cli->ctx, pod, so, &res, &err);

	if (r < 0) {
		if (u->ready_fd >= 0) {
			char msg[sizeof(err.msg) + 16];
			int n = snprintf(msg, sizeof(msg), "error %s\n", err.msg);
			(void)b_write_all(u->ready_fd, msg, (size_t)n);
			return 1;
		}
		return cli_error(cli, &err);
	}
	fflush(stdout);
	/* docker run's rule: the failed container's status (supervisor.h) */
	return res.stopped_by_signal || res.all_succeeded ? 0 : res.exit_code;
}

/* -d: a path option made absolute for the child, which leaves the cwd;
 * each element of a ':'-separated list (not resolved: the supervisor
 * checks the path as given, a symlink's owner, the directory's, and its
 * errors reach us).  *path then points into buf. */
static int detached_path(struct cli *cli, const char *what, const char **path, char *buf,
			 size_t size)
{
	char cwd[PATH_MAX];
	const char *p = *path;
	size_t len = 0;

	if (!getcwd(cwd, sizeof(cwd)))
		return cli_errorf(cli, "%s %s: %s", what, p, strerror(errno));
	while (*p) {
		size_t n = strcspn(p, ":");
		int w = snprintf(buf + len, size - len, "%s%s%s%.*s", len ? ":" : "",
				 p[0] == '/' ? "" : cwd, p[0] == '/' ? "" : "/", (int)n, p);
		if (w < 0 || (size_t)w >= size - len)
			return cli_errorf(cli, "%s %s: path too long", what, *path);
		len += (size_t)w;
		p += n + (p[n] == ':');
	}
	*path = buf;
	return 0;
}

/* Every pod of the file under a supervisor of its own, in the background;
 * returns in each supervisor (its status when it ends) and, in the caller,
 * once all are up or failed: 0, or the last failure's status. */
static int run_detached(struct cli *cli, const struct pod_list *l, struct sv_opts *so,
			struct run_ud *u)
{
	char log_dir[PATH_MAX], cni_dir[PATH_MAX], cni_path[4 * PATH_MAX];
	int rc = 0, r;

	if ((so->log_dir &&
	     (r = detached_path(cli, "log directory", &so->log_dir, log_dir, sizeof(log_dir)))) ||
	    (so->cni_config_dir && (r = detached_path(cli, "--cni-config-dir", &so->cni_config_dir,
						       cni_dir, sizeof(cni_dir)))) ||
	    (so->cni_plugin_path && (r = detached_path(cli, "--cni-plugin-dir", &so->cni_plugin_path,
							cni_path, sizeof(cni_path)))))
		return r;
	for (size_t i = 0; i < l->n; i++) {
		if ((r = detach(cli, l->v[i]->name, u)) == 0) {
			so->on_log = NULL;
			so->on_warn = NULL;
			return supervise(cli, l->v[i], so, u);
		}
		if (r != -1)
			rc = -r - 1;
	}
	return rc;
}

int pod_run_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct pod_list l __attribute__((cleanup(pod_list_free))) = { 0 };
	struct run_ud u = { .cli = cli, .ready_fd = -1 };
	struct sv_opts so = { .on_log = print_log, .on_warn = print_warn, .on_ready = ready, .ud = &u,
			      .keep = true,   /* until pod rm, unless --rm */
			      .registries_conf = getenv("CONTAINERS_REGISTRIES_CONF") };
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	bool detached = false;
	int k, r;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if ((r = run_opt(&a, k, &so, &detached)))
			return r;
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 1, "one pod file"))
		return a.rc;
	so.image_root = cli->image_root;   /* --image-root may follow the command */
	if (pod_spec_load_all(a.pos[0], &l, &err) < 0)
		return cli_error(cli, &err);
	if (cli->ctx.no_cgroup)
		return cli_errorf(cli, "pod run: a pod needs cgroups (not --cgroup-manager disabled)");
	if (!detached && l.n > 1)
		return cli_errorf(cli, "%s has %zu pods: run them with pod run -d (a supervisor each, "
				  "in the background)", a.pos[0], l.n);
	/* One directory cannot hold several pods' logs (their file names
	 * are the containers'); each pod's state directory has its own. */
	if (l.n > 1 && so.log_dir)
		return cli_errorf(cli, "%s has %zu pods: --log-dir takes one (each pod keeps its "
				  "logs in its state directory without it)", a.pos[0], l.n);
	if (!detached)
		return supervise(cli, l.v[0], &so, &u);
	return run_detached(cli, &l, &so, &u);
}

/* ---- ps / inspect ---------------------------------------------------- */

/* A pod whose socket is gone while its lock is held: one that tears down
 * (its lock is free within 3 s: true), or is between two runs of `pod
 * restart` or takes longer (false, err says which). */
static bool ending(struct cli *cli, const char *name, struct b_err *err)
{
	for (int i = 0; i < 60; i++) {
		if (sv_pod_restarting(&cli->ctx, name))
			break;
		if (!sv_pod_lock_held(&cli->ctx, name))
			return true;
		usleep(50 * 1000);
	}
	if (sv_pod_restarting(&cli->ctx, name))
		b_err_set(err, EAGAIN, "pod %s is restarting (its next run is being set up)", name);
	else
		b_err_set(err, EBUSY, "pod %s: its supervisor does not answer (it is starting or "
			  "stopping)", name);
	return false;
}

static int status_of(struct cli *cli, const char *name, bool pretty, char **out, size_t *len,
		     struct b_err *err)
{
	int st = sv_pod_probe(&cli->ctx, name, err);

	if (st < 0)
		return st;
	if (st == SV_POD_ABSENT)
		return b_err_set(err, ENOENT, "pod %s not found", name);
	if (st == SV_POD_RUNNING) {
		if (sv_pod_request(&cli->ctx, name, pretty ? "inspect" : "status", out, len, err) == 0)
			return 0;
		/* A pod ending between the probe and the request (its socket
		 * reset or gone while it tears down): what it leaves is read
		 * once its lock is free (3 s at most).  Still held: the same
		 * supervisor is between two runs (pod restart). */
		if (err->code != ESRCH && err->code != ECONNRESET && err->code != EPIPE)
			return -err->code;
		b_err_clear(err);
		if (!ending(cli, name, err))
			return -err->code;
		if ((st = sv_pod_probe(&cli->ctx, name, err)) < 0)
			return st;
		if (st == SV_POD_ABSENT)
			return b_err_set(err, ENOENT, "pod %s not found", name);
	}
	if (sv_pod_final_status(&cli->ctx, name, out, len, err) == 0)
		return 0;
	return b_err_set(err, ESRCH, "pod %s: its supervisor is gone and left no status "
			 "(it was killed; `berth pod rm %s` cleans up)", name, name);
}

int pod_inspect_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_free_ char *json = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	size_t len;

	if (cli_simple(&a, cli, c, argc, argv, 1, 1, "one pod name"))
		return a.rc;
	if (status_of(cli, a.pos[0], true, &json, &len, &err) < 0)
		return cli_error(cli, &err);
	fwrite(json, 1, len, stdout);
	return 0;
}

int pod_ps_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct pod_ps_opts o = { 0 };
	char **names = NULL;
	size_t n = 0;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	int k, rc = 0;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'l')
			o.selector = a.arg;
		else if (k == 'a')
			o.all = true;
		else if (k == 'f' && (!strcmp(a.arg, "json") || !strcmp(a.arg, "table")))
			o.json = !strcmp(a.arg, "json");
		else if (k == 'f')
			return cli_usage(cli, c, "--format: \"%s\" is not table or json", a.arg);
	if (k == CLI_EXIT || cli_want_pos(&a, 0, 1, "at most one pod name"))
		return a.rc;
	/* A bad selector is one error, whatever the number of pods. */
	if (o.selector && pod_label_selector_match(NULL, 0, o.selector, &err) < 0)
		return cli_error(cli, &err);
	if (a.npos == 1) {
		if (sv_pod_probe(&cli->ctx, a.pos[0], &err) == SV_POD_ABSENT)
			return cli_errorf(cli, "pod %s not found", a.pos[0]);
		if (err.code)
			return cli_error(cli, &err);
		o.all = true;   /* a pod asked for by name is shown, ended or not */
		names = calloc(1, sizeof(*names));
		if (!names || !(names[0] = strdup(a.pos[0])))
			return cli_errorf(cli, "out of memory");
		n = 1;
	} else if (sv_pod_list(&cli->ctx, &names, &n, &err) < 0) {
		return cli_error(cli, &err);
	}
	rc = pod_ps_print(cli, names, n, &o, status_of);
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

		/* Ended: nothing runs.  Killed: its containers may
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
	/* No socket while the supervisor holds the lock: it is between two
	 * runs (pod restart), and the next run's socket takes the request. */
	while (sv_pod_request(&cli->ctx, name, req, &reply, &len, err) < 0) {
		if (err->code != ESRCH)
			return -err->code;
		b_err_clear(err);
		if (!sv_pod_lock_held(&cli->ctx, name))
			break;
		usleep(100 * 1000);
	}
	b_err_clear(err);
	return sv_pod_wait(&cli->ctx, name, err);
}

static int parse_grace(struct cli_args *a, long *out)
{
	char *end;

	*out = strtol(a->arg, &end, 10);
	if (*end || end == a->arg || *out < 0)
		return cli_usage(a->cli, a->c, "--time: expected a number of seconds");
	return 0;
}

static int stop_rm(struct cli *cli, const struct command *c, int argc, char **argv, bool rm)
{
	CLI_ARGS a = { 0 };
	long grace = -1;
	bool force = false;
	int k, rc = 0;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 't' && parse_grace(&a, &grace))
			return 1;
		else if (k == 'f')
			force = true;
	if (k == CLI_EXIT || cli_want_pos(&a, 1, -1, "one or more pod names"))
		return a.rc;
	for (int i = 0; i < a.npos; i++) {
		struct b_err err = { 0 };
		int r = 0;

		if (!rm || force)
			r = stop_one(cli, a.pos[i], grace, &err);
		/* rm -f of a pod whose supervisor was killed: nothing to stop
		 * gracefully, and removing is what stop's message suggests */
		if (rm && r == -ESRCH) {
			b_err_clear(&err);
			r = 0;
		}
		if (r == 0 && rm) {
			r = sv_pod_remove(&cli->ctx, a.pos[i], &err);
			/* A stopped pod run with --rm removed itself. */
			if (r == -ENOENT && force)
				r = 0;
		}
		if (r < 0)
			rc = cli_error(cli, &err);
		else
			printf("%s\n", a.pos[i]);
	}
	return rc;
}

int pod_stop_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return stop_rm(cli, c, argc, argv, false);
}

int pod_rm_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return stop_rm(cli, c, argc, argv, true);
}
