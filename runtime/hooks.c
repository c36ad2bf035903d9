/* OCI hooks: each runs with the container state JSON on stdin, must exit 0
 * within its timeout, and its output becomes part of the error if not. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/utf8.h"
#include "internal.h"
#include "syscalls.h"

#define HOOK_OUTPUT_MAX 2048

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A hook without env inherits the runtime's environment, as runc's do.
 * In the init (stub_fd >= 0) the hook, like the process, is exec'd by the
 * exec stub: a startContainer hook's path is the image's, and berth's
 * binary must not be what its /proc/self/exe means (runtime/exe_guard.c). */
__attribute__((noreturn)) static void hook_child(const struct oci_hook *h, int in, int out,
						 int stub_fd)
{
	char *fallback[] = { h->path, NULL };
	extern char **environ;
	int e;

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	if (stub_fd >= 0 && stub_fd != 3 && dup3(stub_fd, 3, O_CLOEXEC) < 0)
		_exit(126);
	b_close_range(stub_fd >= 0 ? 4 : 3, ~0U, 0);
	e = -rt_guarded_execve(stub_fd >= 0 ? 3 : -1, -1, h->path,
			       h->args && h->args[0] ? h->args : fallback,
			       h->env && h->env[0] ? h->env : environ);
	dprintf(2, "exec %s: %s", h->path, strerror(e));
	_exit(127);
}

/* Collect output and wait for exit, killing the hook at its deadline. */
static int wait_hook(pid_t pid, int pidfd, int out, int timeout_s, char *buf, size_t *len,
		     int *status)
{
	int64_t deadline = timeout_s > 0 ? now_ms() + (int64_t)timeout_s * 1000 : -1;
	bool out_open = true;

	for (;;) {
		struct pollfd p[2] = { { pidfd, POLLIN, 0 }, { out, POLLIN, 0 } };
		int wait_ms = deadline < 0 ? -1 : (int)(deadline - now_ms());
		int n;

		if (deadline >= 0 && wait_ms <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		n = poll(p, out_open ? 2 : 1, wait_ms);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (out_open && (p[1].revents & (POLLIN | POLLHUP))) {
			char tmp[512];
			ssize_t k = read(out, tmp, sizeof(tmp));
			if (k <= 0) {
				out_open = false;
			} else {
				size_t take = (size_t)k;
				if (take > HOOK_OUTPUT_MAX - 1 - *len)
					take = HOOK_OUTPUT_MAX - 1 - *len;
				memcpy(buf + *len, tmp, take);
				*len += take;
			}
		}
		if (p[0].revents & POLLIN) {
			if (waitpid(pid, status, 0) < 0)
				return -errno;
			return 0;
		}
	}
}

static int run_hook(const struct oci_hook *h, const char *kind, size_t idx,
		    const char *state_json, int stub_fd, struct b_err *err)
{
	int in[2], out[2];
	_cleanup_close_ int in_w = -1, out_r = -1, pidfd = -1;
	char output[HOOK_OUTPUT_MAX];
	size_t len = 0;
	int status = 0, r;
	pid_t pid;

	/* A socket, not a pipe, for stdin: MSG_NOSIGNAL keeps a hook that
	 * never reads stdin from killing us with SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
		return b_err_sys(err, errno, "hooks: socketpair");
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return b_err_sys(err, errno, "hooks: pipe");
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		return b_err_sys(err, -r, "hooks: fork");
	}
	if (pid == 0)
		hook_child(h, in[0], out[1], stub_fd);
	close(in[0]);
	close(out[1]);
	in_w = in[1];
	out_r = out[0];
	pidfd = b_pidfd_open(pid, 0);
	if (pidfd < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return b_err_sys(err, errno, "hooks: pidfd_open");
	}
	if (state_json)
		(void)send(in_w, state_json, strlen(state_json), MSG_NOSIGNAL);
	shutdown(in_w, SHUT_WR);
	r = wait_hook(pid, pidfd, out_r, h->timeout, output, &len, &status);
	while (len > 0 && (output[len - 1] == '\n' || output[len - 1] == ' '))
		len--;
	output[len] = '\0';
	for (char *p = output; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (r == -ETIMEDOUT)
		return b_err_set(err, ETIMEDOUT, "%s hook #%zu (%s) timed out after %d s", kind, idx, h->path,
				 h->timeout);
	if (r < 0)
		return b_err_sys(err, -r, "%s hook #%zu (%s)", kind, idx, h->path);
	if (WIFSIGNALED(status))
		return b_err_set(err, ECANCELED, "%s hook #%zu (%s) was killed by signal %d%s%s", kind, idx,
				 h->path, WTERMSIG(status), len ? ": " : "", output);
	if (WEXITSTATUS(status) != 0)
		return b_err_set(err, ECANCELED, "%s hook #%zu (%s) exited with status %d%s%s", kind, idx,
				 h->path, WEXITSTATUS(status), len ? ": " : "", output);
	return 0;
}

/* One hook, with its start and result in the trace. */
static int run_logged(const struct rt_ctx *log, const struct oci_hook *h, const char *name,
		      size_t i, const char *state_json, int stub_fd, struct b_err *err)
{
	int64_t t0 = now_ms();
	int r;

	rt_logf(log, RT_LOG_DEBUG, "hooks: running %s hook #%zu: %s (timeout %d s)", name, i,
		h->path, h->timeout);
	r = run_hook(h, name, i, state_json, stub_fd, err);
	if (r < 0) {
		rt_logf(log, RT_LOG_DEBUG, "hooks: failed: %s", err->msg);
		return r;
	}
	rt_logf(log, RT_LOG_DEBUG, "hooks: %s hook #%zu (%s) exited 0 after %lld ms", name, i,
		h->path, (long long)(now_ms() - t0));
	return 0;
}

int rt_hooks_run_stub(const struct rt_ctx *log, const struct oci_hook_list *hooks,
		      enum oci_hook_kind kind, const char *state_json, int stub_fd,
		      struct b_err *err)
{
	const struct oci_hook_list *l = &hooks[kind];
	struct b_err local = { 0 };
	int r;

	for (size_t i = 0; i < l->n; i++)
		if ((r = run_logged(log, &l->items[i], oci_hook_kind_name(kind), i, state_json,
				    stub_fd, err ? err : &local)) < 0)
			return r;
	return 0;
}

int rt_hooks_run(const struct rt_ctx *log, const struct oci_hook_list *hooks,
		 enum oci_hook_kind kind, const char *state_json, struct b_err *err)
{
	return rt_hooks_run_stub(log, hooks, kind, state_json, -1, err);
}

/* Add one failure to the warning: the first one as is, later ones after
 * "; ", so that the caller's single warning names every hook that failed. */
static void warn_add(struct b_err *warn, const struct b_err *e)
{
	size_t n = strlen(warn->msg), add = strlen(e->msg);

	if (!warn->code) {
		*warn = *e;
		return;
	}
	if (n + 3 >= sizeof(warn->msg))
		return;
	memcpy(warn->msg + n, "; ", 2);
	n += 2;
	/* Cut, if it must be, on a character boundary. */
	if (add > sizeof(warn->msg) - 1 - n)
		add = b_utf8_trim(e->msg, sizeof(warn->msg) - 1 - n);
	memcpy(warn->msg + n, e->msg, add);
	warn->msg[n + add] = '\0';
}

void rt_hooks_run_all(const struct rt_ctx *log, const struct oci_hook_list *hooks,
		      enum oci_hook_kind kind, const char *state_json, struct b_err *warn)
{
	const struct oci_hook_list *l = &hooks[kind];

	for (size_t i = 0; i < l->n; i++) {
		struct b_err e = { 0 };
		int r = run_logged(log, &l->items[i], oci_hook_kind_name(kind), i, state_json, -1, &e);

		if (r < 0 && warn)
			warn_add(warn, &e);
	}
}
