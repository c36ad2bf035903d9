/* img_pull: skopeo copy docker://REF oci:<store>/tmp/pull-…:berth, then
 * import (pull.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/pull.h"

#define SKOPEO_STDERR_MAX 8192
#define LAYOUT_TAG "berth"

struct argv_buf {
	const char *v[32];
	size_t n;
	char timeout[32], src[IMG_REF_MAX + 16], dst[4200];
};

static void add(struct argv_buf *a, const char *s)
{
	if (a->n + 1 < sizeof(a->v) / sizeof(a->v[0]))
		a->v[a->n++] = s;
}

static void build_argv(struct argv_buf *a, const struct img_ref *ref, const struct img_pull_opts *o,
		       const char *layout)
{
	char name[IMG_REF_MAX + 1];

	img_ref_format(ref, name, sizeof(name));
	snprintf(a->timeout, sizeof(a->timeout), "%ds", o->timeout_s > 0 ? o->timeout_s : 600);
	snprintf(a->src, sizeof(a->src), "docker://%s", name);
	snprintf(a->dst, sizeof(a->dst), "oci:%s:" LAYOUT_TAG, layout);
	add(a, o->skopeo ? o->skopeo : "skopeo");
	if (o->registries_conf) {
		add(a, "--registries-conf");
		add(a, o->registries_conf);
	}
	add(a, "--command-timeout");
	add(a, a->timeout);
	add(a, "--override-os");
	add(a, o->want->os);
	add(a, "--override-arch");
	add(a, o->want->arch);
	if (o->want->variant[0]) {
		add(a, "--override-variant");
		add(a, o->want->variant);
	}
	add(a, "copy");
	if (o->progress_fd < 0)
		add(a, "--quiet");
	if (o->tls != IMG_TLS_DEFAULT)
		add(a, o->tls == IMG_TLS_OFF ? "--src-tls-verify=false" : "--src-tls-verify=true");
	if (o->authfile) {
		add(a, "--src-authfile");
		add(a, o->authfile);
	}
	add(a, a->src);
	add(a, a->dst);
	a->v[a->n] = NULL;
}

static void child(const struct argv_buf *a, int out_fd, int err_fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	/* a supervisor blocks SIGTERM/SIGCHLD for its signalfd; skopeo must
	 * not inherit that (Go keeps a blocked signal blocked) */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd >= 0 ? out_fd : null, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	execvp(a->v[0], (char *const *)a->v);
	_exit(errno == ENOENT ? 127 : 126);
}

/* skopeo's stderr until it closes, keeping the last SKOPEO_STDERR_MAX
 * bytes (the error is at the end), or until the deadline: then it is
 * killed (its own --command-timeout does not cover everything, e.g. a
 * credential helper that hangs). */
static int drain(int fd, pid_t pid, int timeout_s, char *tail, size_t *len)
{
	int64_t deadline_ms = (int64_t)(timeout_s + 30) * 1000, waited = 0;
	char buf[4096];

	*len = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, 1000);
		if (n == 0 && (waited += 1000) >= deadline_ms) {
			kill(pid, SIGKILL);
			return -ETIMEDOUT;
		}
		if (n <= 0)
			continue;
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		if (*len + (size_t)got > SKOPEO_STDERR_MAX) {
			size_t drop = *len + (size_t)got - SKOPEO_STDERR_MAX;
			drop = drop > *len ? *len : drop;
			memmove(tail, tail + drop, *len - drop);
			*len -= drop;
		}
		size_t keep = (size_t)got > SKOPEO_STDERR_MAX ? SKOPEO_STDERR_MAX : (size_t)got;
		memcpy(tail + *len, buf + got - keep, keep);
		*len += keep;
	}
}

/* skopeo's last error line is what the user needs ("manifest unknown",
 * "connection refused", "unauthorized"). */
static int skopeo_failed(const char *text, int status, const char *name, struct b_err *err)
{
	size_t len = strlen(text);

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	const char *line = memrchr(text, '\n', len);   /* the last line only */
	if (line) {
		len -= (size_t)(line + 1 - text);
		text = line + 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return b_err_set(err, ENOENT,
				 "pulling %s: skopeo is not installed (berth pulls with it; Debian: apt-get install skopeo)",
				 name);
	return b_err_set(err, EIO, "pulling %s: skopeo failed (%s %d): %.*s", name,
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), (int)len, text);
}

static int run_skopeo(const struct argv_buf *a, const struct img_pull_opts *o, const char *name,
		      struct b_err *err)
{
	char tail[SKOPEO_STDERR_MAX + 1];
	int p[2], status, r;
	size_t len = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		return b_err_sys(err, errno, "pulling %s: a pipe for skopeo", name);
	pid_t pid = fork();
	if (pid == 0)
		child(a, o->progress_fd, p[1]);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return b_err_sys(err, errno, "pulling %s: starting skopeo", name);
	}
	r = drain(p[0], pid, o->timeout_s > 0 ? o->timeout_s : 600, tail, &len);
	close(p[0]);
	tail[len] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return b_err_sys(err, errno, "pulling %s: waiting for skopeo", name);
	if (r == -ETIMEDOUT)
		return b_err_set(err, ETIMEDOUT, "pulling %s: skopeo did not finish in time; killed", name);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return skopeo_failed(tail, status, name, err);
	return 0;
}

/* The descriptor skopeo tagged LAYOUT_TAG in the layout's index.json. */
static int tagged(int layout, struct img_descriptor *out, struct b_err *err)
{
	__attribute__((cleanup(img_index_freep))) struct img_index *x = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = b_read_file_at(layout, "index.json", IMG_JSON_MAX + 1, &text, &len);

	if (r < 0)
		return b_err_sys(err, -r, "the pulled layout has no index.json");
	if ((r = img_index_parse("index.json", text, len, &x, err)) < 0)
		return r;
	for (size_t i = 0; i < x->n_manifests; i++)
		if (x->manifests[i].ref_name && !strcmp(x->manifests[i].ref_name, LAYOUT_TAG)) {
			*out = x->manifests[i];
			out->media_type = strdup(out->media_type);
			out->ref_name = out->containerd_name = NULL;
			out->platform = (struct img_platform){ 0 };
			return out->media_type ? 0 : b_err_set(err, ENOMEM, "out of memory");
		}
	return b_err_set(err, ENOENT, "the pulled layout has no image tagged %s", LAYOUT_TAG);
}

static int import_pulled(struct img_store *s, const char *layout_path, const struct img_plat *want,
			 struct img_imported *out, struct b_err *err)
{
	_cleanup_close_ int layout = open(layout_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct img_descriptor d;
	int r;

	if (layout < 0)
		return b_err_sys(err, errno, "opening the pulled layout %s", layout_path);
	if ((r = tagged(layout, &d, err)) < 0)
		return r;
	r = img_import_manifest(s, layout, &d, want, out, err);
	free(d.media_type);
	return r;
}

int img_pull(struct img_store *s, const struct img_ref *ref, const struct img_pull_opts *o,
	     struct img_imported *out, struct b_err *err)
{
	struct argv_buf a = { 0 };
	char layout[4200], name[IMG_REF_MAX + 1];
	int r;

	img_ref_format(ref, name, sizeof(name));
	snprintf(layout, sizeof(layout), "%s/tmp/pull-XXXXXX", s->path);
	if (!mkdtemp(layout))
		return b_err_sys(err, errno, "pulling %s: a temporary directory in the store", name);
	build_argv(&a, ref, o, layout);
	r = run_skopeo(&a, o, name, err);
	if (r >= 0 && (r = import_pulled(s, layout, o->want, out, err)) < 0)
		b_err_prefix(err, "pulling %s", name);
	if (r >= 0)
		snprintf(out->name, sizeof(out->name), "%s", name);
	b_rm_rf(layout);
	return r;
}
