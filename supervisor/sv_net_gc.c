/* What killed supervisors leave on the network, released: the DEL that
 * never ran (from the network.json the supervisor wrote before its first
 * ADD, with the namespace still pinned), and host-local leases whose pod
 * is gone, so that a crashed pod never blocks a new one: its stale DNAT
 * rules would shadow the new pod's hostPort, its lease would shrink the
 * pool (plugins#252). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "netns/cni_run.h"
#include "supervisor/sv_internal.h"

static int read_cache(const char *dir, int dirfd, struct cni_cache **out, struct b_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, "network.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	char name[PATH_MAX + 16];
	size_t len;
	int r;

	if (fd < 0)
		return errno == ENOENT ? 0 : b_err_sys(err, errno, "opening %s/network.json", dir);
	snprintf(name, sizeof(name), "%s/network.json", dir);
	if ((r = b_read_fd(fd, 4 << 20, &text, &len)) < 0)
		return b_err_sys(err, -r, "reading %s", name);
	if ((r = cni_cache_parse(name, text, len, out, err)) < 0)
		return r;
	return 1;
}

/* The pinned namespace, when it is still one; "" tells the plugins it is
 * gone (they then clean up what they can). */
static void pinned_netns(const char *dir, char *buf, size_t size)
{
	struct statfs fs;

	snprintf(buf, size, "%s/netns", dir);
	if (statfs(buf, &fs) < 0 || (fs.f_type != NSFS_MAGIC && fs.f_type != PROC_SUPER_MAGIC))
		buf[0] = '\0';
}

static int del_cached(const char *dir, const struct cni_cache *c, int64_t timeout_ms,
		      struct b_err *err)
{
	struct cni_conflist *l = NULL;
	struct cni_opts o = { .plugin_path = c->cni_path, .timeout_ms = timeout_ms };
	char netns[PATH_MAX + 8];
	int r;

	if ((r = cni_conflist_parse("the recorded network config", c->config, strlen(c->config),
				    &l, err)) < 0)
		return r;
	pinned_netns(dir, netns, sizeof(netns));
	struct cni_attachment at = { l, c->container_id, netns, c->ifname, c->cni_args,
				     { c->port_mappings, c->n_port_mappings } };
	r = cni_list_del(&o, &at, c->result, err);
	cni_conflist_free(l);
	return r;
}

int sv_net_cleanup_dir(const struct rt_ctx *ctx, const char *name, const char *dir, int dirfd,
		       int64_t timeout_ms, struct b_err *err)
{
	struct cni_cache *c = NULL;
	char netns[PATH_MAX + 8];
	int r;

	(void)ctx;
	if ((r = read_cache(dir, dirfd, &c, err)) <= 0)
		return r;
	r = del_cached(dir, c, timeout_ms, err);
	cni_cache_free(c);
	if (r < 0)
		return b_err_prefix(err, "pod %s: detaching it from its network (to give up on that, "
				    "remove %s/network.json)", name, dir);
	unlinkat(dirfd, "network.json", 0);
	snprintf(netns, sizeof(netns), "%s/netns", dir);
	umount2(netns, MNT_DETACH);
	unlinkat(dirfd, "netns", 0);
	return 0;
}

/* Another pod of this root whose supervisor is dead: its network only,
 * under its own lock (a `pod rm` of it may run now). */
static void gc_pod(struct sv *s, const char *name)
{
	struct b_err e = { 0 };
	char dir[PATH_MAX];
	_cleanup_close_ int dfd = -1, lock = -1;

	if (sv_pod_probe(s->ctx, name, &e) != SV_POD_DEAD)
		return;
	if ((dfd = sv_state_dir_open(s->ctx->root, name, false, NULL, &e)) < 0)
		return;
	lock = openat(dfd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0)
		return;
	snprintf(dir, sizeof(dir), "%s/pods/%s", s->ctx->root, name);
	if (sv_net_cleanup_dir(s->ctx, name, dir, dfd, s->o->cni_timeout_ms, &e) < 0)
		sv_warn(s, &e);
}

static bool lease_is_orphan(struct sv *s, int dfd, const char *file, const char *prefix)
{
	_cleanup_close_ int fd = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[256], *pod, path[PATH_MAX];
	ssize_t n;
	struct b_err e = { 0 };

	if (fd < 0 || (n = b_read_all(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (strncmp(buf, prefix, strlen(prefix)))
		return false;
	pod = buf + strlen(prefix);
	if (sv_pod_probe(s->ctx, pod, &e) == SV_POD_RUNNING)
		return false;
	/* A dead pod whose DEL failed still has the address on its veth. */
	snprintf(path, sizeof(path), "%s/pods/%s/network.json", s->ctx->root, pod);
	return access(path, F_OK) < 0 && errno == ENOENT;
}

/* host-local's files: one per address, named by it, holding the
 * container id; ours start with this root's prefix. */
static void gc_leases(struct sv *s)
{
	_cleanup_free_ char *dir = cni_host_local_dir(s->net.list);
	_cleanup_(b_closedirp) DIR *d = NULL;
	char prefix[64];
	struct dirent *de;

	if (!dir || !(d = opendir(dir)))
		return;
	sv_net_container_id(s->ctx, "", prefix, sizeof(prefix));
	while ((de = readdir(d))) {
		if (de->d_type != DT_REG || !strcmp(de->d_name, "lock") ||
		    !strncmp(de->d_name, "last_reserved_ip", 16))
			continue;
		if (lease_is_orphan(s, dirfd(d), de->d_name, prefix)) {
			struct b_err e = { 0 };
			unlinkat(dirfd(d), de->d_name, 0);
			b_err_set(&e, 0, "network %s: released address %s, leased to a pod that is gone",
				  s->net.list->name, de->d_name);
			sv_warn(s, &e);
		}
	}
}

void sv_net_gc(struct sv *s)
{
	char **names = NULL;
	size_t n = 0;
	struct b_err e = { 0 };

	if (sv_pod_list(s->ctx, &names, &n, &e) == 0)
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], s->pod->name))
				gc_pod(s, names[i]);
	sv_pod_list_free(names, n);
	gc_leases(s);
}
