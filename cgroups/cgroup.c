#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "resources.h"

int cg_find_mount(char *buf, size_t size, struct b_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return b_err_sys(err, errno, "reading /proc/self/mountinfo");
	/* Prefer /sys/fs/cgroup itself (pure v2); otherwise the first cgroup2
	 * mount, e.g. /sys/fs/cgroup/unified on a hybrid host. */
	while (getline(&line, &cap, f) > 0) {
		char mnt[512], fstype[64];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1)
			continue;
		if (!found || !strcmp(mnt, "/sys/fs/cgroup")) {
			if (snprintf(buf, size, "%s", mnt) >= (int)size)
				return b_err_set(err, ENAMETOOLONG, "cgroup2 mount path too long");
			found = true;
		}
	}
	if (!found)
		return b_err_set(err, ENOENT, "no cgroup2 filesystem is mounted (berth supports cgroup v2 only)");
	return 0;
}

static int own_cgroup(char *buf, size_t size, struct b_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (!f)
		return b_err_sys(err, errno, "reading /proc/self/cgroup");
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "0::", 3))
			continue;
		b_rstrip(line);
		snprintf(buf, size, "%s", line + 3);
		return 0;
	}
	return b_err_set(err, ENOENT, "the calling process is not in a cgroup v2 hierarchy");
}

static bool valid_rel(const char *p)
{
	/* No component may be "." or "..": the path must stay inside. */
	const char *s = p;

	while (*s) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s = *e ? e + 1 : e;
	}
	return true;
}

/* Fill out->rel and out->abs; out->mount is set.  A name that does not fit
 * is refused: cut short, it would name another cgroup. */
int cg_resolve_rel(const char *cgroups_path, const char *id, const char *self,
		   struct cg_path *out, struct b_err *err)
{
	int n;

	if (!cgroups_path || !*cgroups_path)
		n = snprintf(out->rel, sizeof(out->rel), "/berth/%s", id);
	else if (cgroups_path[0] == '/')
		n = snprintf(out->rel, sizeof(out->rel), "%s", cgroups_path);
	else
		n = snprintf(out->rel, sizeof(out->rel), "%s/%s", strcmp(self, "/") ? self : "",
			     cgroups_path);
	if (n < 0 || n >= (int)sizeof(out->rel))
		return b_err_set(err, ENAMETOOLONG, "cgroup path \"%.64s...\" is too long",
				 cgroups_path && *cgroups_path ? cgroups_path : out->rel);
	if (!valid_rel(out->rel))
		return b_err_set(err, EINVAL, "cgroup path \"%s\" must not contain \".\" or \"..\" components",
				 cgroups_path);
	/* Collapse a trailing slash so rmdir and comparisons see one name. */
	while (strlen(out->rel) > 1 && out->rel[strlen(out->rel) - 1] == '/')
		out->rel[strlen(out->rel) - 1] = '\0';
	if (!strcmp(out->rel, "/"))
		return b_err_set(err, EINVAL, "cgroup path \"%s\" is the cgroup root; a container needs its own cgroup",
				 cgroups_path);
	if (snprintf(out->abs, sizeof(out->abs), "%s%s", out->mount, out->rel) >= (int)sizeof(out->abs))
		return b_err_set(err, ENAMETOOLONG, "cgroup path too long");
	return 0;
}

int cg_resolve(const char *cgroups_path, const char *id, bool systemd,
	       struct cg_path *out, struct b_err *err)
{
	char self[512] = "/";
	int r;

	memset(out, 0, sizeof(*out));
	if (systemd || (cgroups_path && strchr(cgroups_path, ':') && cgroups_path[0] != '/')) {
		if (access("/run/systemd/system", F_OK) < 0)
			return b_err_set(err, ENOTSUP,
				"cgroup path \"%s\": systemd cgroup management was requested (--systemd-cgroup or slice:prefix:name) but systemd is not running on this host",
				cgroups_path ? cgroups_path : "");
		return b_err_set(err, ENOTSUP,
			"cgroup path \"%s\": the systemd cgroup driver is not supported yet; use a plain cgroup path",
			cgroups_path ? cgroups_path : "");
	}
	r = cg_find_mount(out->mount, sizeof(out->mount), err);
	if (r < 0)
		return r;
	/* Only a relative path needs the caller's own cgroup. */
	if (cgroups_path && *cgroups_path && cgroups_path[0] != '/' &&
	    (r = own_cgroup(self, sizeof(self), err)) < 0)
		return r;
	return cg_resolve_rel(cgroups_path, id, self, out, err);
}

/* The no-internal-process rule: a cgroup with processes cannot hand
 * controllers to children.  When that cgroup is the caller's own (a systemd
 * unit with Delegate=yes runs berth in it), the caller and its companions
 * move into a leaf, as systemd's own delegation guidance asks. */
static int move_to_leaf(const char *dir, struct b_err *err)
{
	char self[512], own[1100], leaf[1100], mnt[256];
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r;

	if ((r = own_cgroup(self, sizeof(self), err)) < 0 ||
	    (r = cg_find_mount(mnt, sizeof(mnt), err)) < 0)
		return r;
	snprintf(own, sizeof(own), "%s%s", mnt, strcmp(self, "/") ? self : "");
	if (strcmp(own, dir))
		return b_err_set(err, EBUSY,
			"cgroup %s has processes of its own, so it cannot delegate controllers (no-internal-process rule); use a cgroupsPath below an empty cgroup",
			dir);
	snprintf(leaf, sizeof(leaf), "%s/berth-caller", dir);
	if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return b_err_sys(err, errno, "creating %s", leaf);
	if ((r = cg_pids(dir, &pids, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char path[1200], buf[32];
		snprintf(path, sizeof(path), "%s/cgroup.procs", leaf);
		snprintf(buf, sizeof(buf), "%d", (int)pids[i]);
		r = b_write_file(path, buf, strlen(buf));
		if (r < 0 && r != -ESRCH)
			return b_err_sys(err, -r, "moving pid %d into %s", (int)pids[i], leaf);
	}
	return 0;
}

/* Processes directly in this cgroup (not in its descendants). */
static bool has_own_procs(const char *dir)
{
	char path[1100];
	_cleanup_free_ char *buf = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	return b_read_file(path, 0, &buf, NULL) == 0 && buf[strspn(buf, " \n")] != '\0';
}

/* Enable `ctl` in dir/cgroup.subtree_control unless it already is. */
static int enable_controller(const struct cg_path *cg, const char *dir, const char *ctl,
			     struct b_err *err)
{
	char path[1100], buf[64];
	_cleanup_free_ char *cur = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	if (b_read_file(path, 0, &cur, NULL) == 0 && cg_word_in(cur, ctl))
		return 0;
	snprintf(buf, sizeof(buf), "+%s", ctl);
	cg_tracef(cg, "cgroup: writing \"%s\" to %s", buf, path);
	r = b_write_file(path, buf, strlen(buf));
	if (r < 0)
		return b_err_sys(err, -r, "enabling the %s controller in %s", ctl, path);
	return 0;
}

static int enable_path(const struct cg_path *cg, unsigned need, struct b_err *err)
{
	char dir[1024];
	size_t len;
	int r;

	if (!need)
		return 0;
	r = cg_check_available(cg->mount, need, err);
	if (r < 0)
		return r;
	/* Walk from the root down to the container's parent. */
	snprintf(dir, sizeof(dir), "%s", cg->mount);
	len = strlen(dir);
	for (const char *p = cg->rel + 1;;) {
		const char *slash = strchr(p, '/');

		/* Before, not on failure: threaded-capable controllers (pids,
		 * cpuset) are accepted next to processes but then turn the
		 * children into unusable "domain invalid" cgroups. */
		if (len > strlen(cg->mount) && has_own_procs(dir)) {
			cg_tracef(cg, "cgroup: %s has processes: moving them to a leaf", dir);
			if ((r = move_to_leaf(dir, err)) < 0)
				return r;
		}
		for (unsigned i = 0; i < CG_CTRL_COUNT; i++) {
			if (!(need & (1u << i)))
				continue;
			r = enable_controller(cg, dir, cg_ctrl_name(i), err);
			if (r < 0)
				return r;
		}
		if (!slash)
			break;
		snprintf(dir + len, sizeof(dir) - len, "/%.*s", (int)(slash - p), p);
		len = strlen(dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return b_err_sys(err, errno, "creating cgroup %s", dir);
		p = slash + 1;
	}
	return 0;
}

/* Make the missing directories of cg->rel, top-down, below the mount (never
 * the mount or anything above it).  cg->made counts the trailing run of
 * them this call made: a directory found already there (made by a racing
 * create, say) resets it, so undo never removes what is not ours. */
static int make_dirs(struct cg_path *cg, struct b_err *err)
{
	char dir[sizeof(cg->abs)];

	snprintf(dir, sizeof(dir), "%s", cg->abs);
	cg->made = 0;
	for (char *p = dir + strlen(cg->mount) + 1;; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			cg->made++;
			cg_tracef(cg, "cgroup: made %s", dir);
		} else if (errno == EEXIST) {
			cg->made = 0;
		} else {
			return b_err_sys(err, errno, "creating cgroup %s", dir);
		}
		if (!c)
			return 0;
		*p = c;
	}
}

int cg_create(struct cg_path *cg, const struct oci_resources *res, int *dirfd,
	      struct b_err *err)
{
	unsigned need = cg_needed_controllers(res);
	int r, fd;

	cg_tracef(cg, "cgroup: creating %s", cg->abs);
	r = make_dirs(cg, err);
	if (r < 0)
		return r;
	r = enable_path(cg, need, err);
	if (r < 0)
		return r;
	fd = open(cg->abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return b_err_sys(err, errno, "opening cgroup %s", cg->abs);
	*dirfd = fd;
	return 0;
}

int cg_enter(const struct cg_path *cg, pid_t pid, struct b_err *err)
{
	char path[1100], buf[32];
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->abs);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	cg_tracef(cg, "cgroup: writing \"%s\" to %s", buf, path);
	r = b_write_file(path, buf, strlen(buf));
	if (r < 0)
		return b_err_sys(err, -r, "moving pid %d into %s", (int)pid, path);
	return 0;
}

int cg_pids(const char *abs, pid_t **pids, size_t *n, struct b_err *err)
{
	char path[1100];
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ pid_t *out = NULL;
	size_t cnt = 0, cap = 0;
	char *save = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", abs);
	r = b_read_file(path, 0, &buf, NULL);
	if (r < 0)
		return b_err_sys(err, -r, "reading %s", path);
	for (char *tok = strtok_r(buf, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		int pid;
		if (b_parse_int(tok, &pid) < 0)
			continue;
		if (cnt == cap) {
			pid_t *np;
			cap = cap ? cap * 2 : 16;
			np = realloc(out, cap * sizeof(*np));
			if (!np)
				return b_err_set(err, ENOMEM, "out of memory");
			out = np;
		}
		out[cnt++] = pid;
	}
	*pids = b_steal_ptr(out);
	*n = cnt;
	return 0;
}

int cg_signal_all(const char *abs, int sig, struct b_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r = cg_pids(abs, &pids, &n, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return b_err_sys(err, errno, "sending signal %d to pid %d", sig, (int)pids[i]);
	return 0;
}

int cg_kill_all(const char *abs, struct b_err *err)
{
	char path[1100];
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.kill", abs);
	r = b_write_file(path, "1", 1);
	if (r == 0 || r == -ENOENT) {
		if (r == 0)
			return 0;
		if (access(abs, F_OK) < 0)
			return 0; /* cgroup already gone */
	}
	/* Kernels before 5.14 have no cgroup.kill. */
	return cg_signal_all(abs, SIGKILL, err);
}

bool cg_is_empty(const char *abs)
{
	char path[1100];
	_cleanup_free_ char *buf = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.events", abs);
	if (b_read_file(path, 0, &buf, NULL) < 0)
		return true;
	return strstr(buf, "populated 0") != NULL;
}

int cg_is_frozen(const char *abs)
{
	char path[1100];
	_cleanup_free_ char *buf = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.events", abs);
	r = b_read_file(path, 0, &buf, NULL);
	if (r < 0)
		return r;
	return strstr(buf, "frozen 1") != NULL;
}

/* Wait for a cgroup.events condition with inotify (the kernel signals
 * modifications of cgroup.events as IN_MODIFY), bounded by `timeout_ms`. */
static int wait_events(const char *abs, bool (*done)(const char *abs, void *arg),
		       void *arg, int timeout_ms)
{
	char path[1100];
	_cleanup_close_ int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	struct pollfd pfd;

	if (ifd < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/cgroup.events", abs);
	if (inotify_add_watch(ifd, path, IN_MODIFY) < 0)
		return -errno;
	pfd.fd = ifd;
	pfd.events = POLLIN;
	while (!done(abs, arg)) {
		char buf[4096];
		int n = poll(&pfd, 1, timeout_ms);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		while (read(ifd, buf, sizeof(buf)) > 0)
			;
	}
	return 0;
}

static bool frozen_is(const char *abs, void *arg)
{
	return cg_is_frozen(abs) == *(bool *)arg;
}

int cg_freeze(const char *abs, bool freeze, struct b_err *err)
{
	char path[1100];
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.freeze", abs);
	r = b_write_file(path, freeze ? "1" : "0", 1);
	if (r < 0)
		return b_err_sys(err, -r, "writing %s", path);
	r = wait_events(abs, frozen_is, &freeze, 10000);
	if (r < 0)
		return b_err_sys(err, -r, "waiting for %s to become %s", abs, freeze ? "frozen" : "thawed");
	return 0;
}

static bool empty_cb(const char *abs, void *arg)
{
	(void)arg;
	return cg_is_empty(abs);
}

/* Child cgroups first: rmdir of a cgroup that has children fails. */
static int destroy_children(const char *abs, struct b_err *err)
{
	_cleanup_(b_closedirp) DIR *d = opendir(abs);
	struct dirent *de;
	int r;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char child[PATH_MAX];

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", abs, de->d_name) >= sizeof(child))
			return b_err_set(err, ENAMETOOLONG, "cgroup path too long under %s", abs);
		if ((r = cg_destroy(child, err)) < 0)
			return r;
	}
	return 0;
}

int cg_destroy(const char *abs, struct b_err *err)
{
	int r;

	if (rmdir(abs) == 0 || errno == ENOENT)
		return 0;
	if (errno == EBUSY && (r = destroy_children(abs, err)) < 0)
		return r;
	if (rmdir(abs) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return b_err_sys(err, errno, "removing cgroup %s", abs);
	/* Killed processes take a moment to leave; cgroup.events tells when. */
	if (wait_events(abs, empty_cb, NULL, 5000) < 0 && !cg_is_empty(abs))
		return b_err_set(err, EBUSY, "removing cgroup %s: processes are still in it", abs);
	if (rmdir(abs) < 0 && errno != ENOENT)
		return b_err_sys(err, errno, "removing cgroup %s", abs);
	return 0;
}

int cg_destroy_made(const struct cg_path *cg, struct b_err *err)
{
	char dir[sizeof(cg->abs)];
	size_t top = strlen(cg->mount);
	int r = cg_destroy(cg->abs, err);

	snprintf(dir, sizeof(dir), "%s", cg->abs);
	/* The leaf was one of them; each parent goes only while empty. */
	for (unsigned i = 1; r == 0 && i < cg->made; i++) {
		char *slash = strrchr(dir, '/');

		if (!slash || (size_t)(slash - dir) <= top)
			break;
		*slash = '\0';
		cg_tracef(cg, "cgroup: removing %s, made for this cgroup", dir);
		if (rmdir(dir) < 0 && errno != ENOENT) {
			if (errno == EBUSY || errno == ENOTEMPTY)
				break;
			r = b_err_sys(err, errno, "removing cgroup %s", dir);
		}
	}
	return r;
}

unsigned long long cg_oom_kills(const char *abs)
{
	char path[1100];
	_cleanup_free_ char *buf = NULL;
	const char *p;

	snprintf(path, sizeof(path), "%s/memory.events", abs);
	if (b_read_file(path, 0, &buf, NULL) < 0)
		return 0;
	p = strstr(buf, "oom_kill ");
	return p ? strtoull(p + 9, NULL, 10) : 0;
}

int cg_path_split(const char *abs, struct cg_path *out, struct b_err *err)
{
	size_t n = strlen(out->mount);

	if (strncmp(abs, out->mount, n) || abs[n] != '/')
		return b_err_set(err, EINVAL, "cgroup %s is not under the cgroup2 mount %s", abs, out->mount);
	if (strlen(abs + n) >= sizeof(out->rel))
		return b_err_set(err, ENAMETOOLONG, "cgroup %.64s... is too long", abs);
	snprintf(out->rel, sizeof(out->rel), "%s", abs + n);
	snprintf(out->abs, sizeof(out->abs), "%s", abs);
	return 0;
}

int cg_path_from_abs(const char *abs, struct cg_path *out, struct b_err *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = cg_find_mount(out->mount, sizeof(out->mount), err)) < 0)
		return r;
	return cg_path_split(abs, out, err);
}

int cg_enable(const struct cg_path *cg, const struct oci_resources *res, struct b_err *err)
{
	return enable_path(cg, cg_needed_controllers(res), err);
}
