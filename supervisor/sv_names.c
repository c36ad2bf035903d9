/* Names: the pod's /etc/hosts, /etc/resolv.conf and /etc/hostname, files
 * in its state dir bind-mounted read-only into every container (read-only
 * unlike the kubelet's, so a container cannot fill the host's /run with
 * them).  Pods on one network find each other by name: whenever a pod
 * joins or leaves, the hosts file of every running pod on that network is
 * rewritten in place (the same inode, so the bind mounts see it) from its
 * hosts.base and the current peers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "netns/names.h"
#include "supervisor/sv_internal.h"

#define PEERS_HEADER "# Other pods on this network (berth).\n"
#define RESOLV_HOST "/etc/resolv.conf"
#define RESOLV_RESOLVED "/run/systemd/resolve/resolv.conf"

struct cni_cache *sv_net_peer_cache(const struct rt_ctx *ctx, const char *name, bool dead_too)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	struct cni_cache *c = NULL;
	struct b_err e = { 0 };
	_cleanup_close_ int fd = -1;
	size_t len;
	int st = sv_pod_probe(ctx, name, &e);

	if (st != SV_POD_RUNNING && !(dead_too && st == SV_POD_DEAD))
		return NULL;
	snprintf(path, sizeof(path), "%s/pods/%s/network.json", ctx->root, name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || b_read_fd(fd, 4 << 20, &text, &len) < 0)
		return NULL;
	if (cni_cache_parse(path, text, len, &c, &e) < 0)
		return NULL;
	return c;
}

static int write_file(struct sv *s, const char *name, const char *text, size_t len,
		      struct b_err *err)
{
	char path[PATH_MAX + 32];
	int r;

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	if ((r = b_write_atomic(path, text, len, 0644)) < 0)
		return b_err_sys(err, -r, "writing %s", path);
	return 0;
}

static int write_hosts_base(struct sv *s, struct b_err *err)
{
	const char *ips[3] = { NULL, NULL, NULL };
	size_t k = 0, len;
	struct ns_hosts_in in = { s->pod->hostname ? s->pod->hostname : s->pod->name, ips,
				  s->pod->host_aliases, s->pod->n_host_aliases, NULL, 0 };
	_cleanup_free_ char *text = NULL;
	int r;

	if (s->net.ip4[0])
		ips[k++] = s->net.ip4;
	if (s->net.ip6[0])
		ips[k++] = s->net.ip6;
	if (!(text = ns_hosts_render(&in, &len)))
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = write_file(s, "hosts.base", text, len, err)) < 0 ||
	    (r = write_file(s, "hosts", text, len, err)) < 0)
		return r;
	return 0;
}

/* The host's resolv.conf, or systemd-resolved's real one behind its stub
 * (127.0.0.53 means nothing inside the pod's own network namespace). */
static char *host_resolv(bool own_netns)
{
	char *text = NULL;
	size_t len;

	if (b_read_file(RESOLV_HOST, 1 << 20, &text, &len) < 0)
		return strdup("");
	if (own_netns && ns_resolv_is_stub(text)) {
		char *real = NULL;
		if (b_read_file(RESOLV_RESOLVED, 1 << 20, &real, &len) == 0) {
			free(text);
			return real;
		}
	}
	return text;
}

static int write_resolv(struct sv *s, struct b_err *err)
{
	_cleanup_free_ char *host = host_resolv(!s->pod->host_network);
	_cleanup_free_ char *text = NULL;
	struct ns_resolv_in in = { host ? host : "", !s->pod->host_network, s->pod->dns_policy,
				   s->pod->has_dns_config ? &s->pod->dns_config : NULL };
	const char *warning = NULL;
	size_t len;

	if (!host || !(text = ns_resolv_render(&in, &len, &warning)))
		return b_err_set(err, ENOMEM, "out of memory");
	if (warning) {
		struct b_err w = { 0 };
		b_err_set(&w, 0, "/etc/resolv.conf of the pod: %s", warning);
		sv_warn(s, &w);
	}
	return write_file(s, "resolv.conf", text, len, err);
}

int sv_names_write(struct sv *s, struct b_err *err)
{
	const char *host = s->pod->hostname ? s->pod->hostname : s->pod->name;
	char line[300];
	int r;

	snprintf(line, sizeof(line), "%s\n", host);
	if ((r = write_hosts_base(s, err)) < 0 || (r = write_resolv(s, err)) < 0 ||
	    (r = write_file(s, "hostname", line, strlen(line), err)) < 0)
		return r;
	s->net.names = true;
	return 0;
}

struct peer {
	char *name;
	char ip[48];
};

/* The running pods on network `net` with an address, this one included
 * while it is attached. */
static size_t list_peers(struct sv *s, const char *net, struct peer **out)
{
	char **names = NULL;
	size_t n = 0, k = 0;
	struct b_err e = { 0 };
	struct peer *v;

	*out = NULL;
	if (sv_pod_list(s->ctx, &names, &n, &e) < 0 || !n || !(v = calloc(n, sizeof(*v)))) {
		sv_pod_list_free(names, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct cni_cache *c = sv_net_peer_cache(s->ctx, names[i], false);
		struct cni_result *res = NULL;

		if (c && c->result && !strcmp(c->network, net) &&
		    cni_result_parse("peer", c->result, strlen(c->result), &res, &e) == 0 &&
		    (cni_result_pod_ip(res, c->ifname, 4, v[k].ip, sizeof(v[k].ip)) ||
		     cni_result_pod_ip(res, c->ifname, 6, v[k].ip, sizeof(v[k].ip)))) {
			v[k++].name = names[i];
			names[i] = NULL;
		}
		if (res)
			cni_result_free(res);
		if (c)
			cni_cache_free(c);
	}
	sv_pod_list_free(names, n);
	*out = v;
	return k;
}

/* hosts.base and every peer but `self`. */
static char *hosts_text(const char *base, const struct peer *p, size_t n, size_t self,
			size_t *len)
{
	size_t cap = strlen(base) + sizeof(PEERS_HEADER) + n * 128 + 1, k;
	char *t = malloc(cap);

	if (!t)
		return NULL;
	k = (size_t)snprintf(t, cap, "%s%s", base, n > 1 ? PEERS_HEADER : "");
	for (size_t i = 0; i < n && k < cap; i++)
		if (i != self)
			k += (size_t)snprintf(t + k, cap - k, "%s\t%s\n", p[i].ip, p[i].name);
	*len = k < cap ? k : cap - 1;
	return t;
}

/* Pod `self`'s hosts, rewritten in place (the same inode: the containers'
 * bind mounts see the new text). */
static void rewrite_hosts(struct sv *s, const struct peer *p, size_t n, size_t self)
{
	char dir[PATH_MAX];
	_cleanup_close_ int dfd = -1, fd = -1;
	_cleanup_free_ char *base = NULL, *text = NULL;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/pods/%s", s->ctx->root, p[self].name);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || (fd = openat(dfd, "hosts.base", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    b_read_fd(fd, 1 << 20, &base, &len) < 0 || !(text = hosts_text(base, p, n, self, &len)))
		return;
	close(fd);
	/* Over the old text, then cut: a lookup never sees an empty file. */
	fd = openat(dfd, "hosts", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && pwrite(fd, text, len, 0) == (ssize_t)len)
		(void)ftruncate(fd, (off_t)len);
}

void sv_names_refresh_peers(struct sv *s)
{
	struct peer *p = NULL;
	size_t n;

	if (!s->net.list)
		return;
	n = list_peers(s, s->net.list->name, &p);
	for (size_t i = 0; i < n; i++)
		rewrite_hosts(s, p, n, i);
	for (size_t i = 0; i < n; i++)
		free(p[i].name);
	free(p);
}
