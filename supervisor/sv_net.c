/* The pod's network: its namespace attached to a CNI network once, at
 * setup (container restarts keep the pod's IP, as in Kubernetes), and
 * detached at teardown while the namespace still exists, since a DEL
 * without it leaves the bridge plugin's masquerade rules behind
 * (plugins#810).
 *
 * What was attached is recorded in <state dir>/network.json before the
 * first ADD runs, and the namespace is pinned by a bind mount on
 * <state dir>/netns, so whoever cleans up after a killed supervisor can
 * run the same DEL with the same config, arguments, port mappings and
 * result (sv_net_gc.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "netns/cni_run.h"
#include "supervisor/sv_internal.h"

#define IFNAME "eth0"

void sv_net_container_id(const struct rt_ctx *ctx, const char *name, char *buf, size_t size)
{
	uint32_t h = 2166136261u;   /* FNV-1a: two --root trees give two ids */

	for (const char *p = ctx->root; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, size, "berth-%08x-%s", h, name);
}

/* Every exec goes to the debug trace; ADD times also to the "network"
 * event, where users and bench/ see where the setup time goes. */
static void trace_exec(void *ud, const char *plugin, const char *command, int64_t ms,
		       int status)
{
	struct sv *s = ud;
	size_t n = strlen(s->net.timing);

	sv_trace(s, "cni: %s %s: %lld ms, status %d", plugin, command, (long long)ms, status);
	if (strcmp(command, "ADD"))
		return;
	s->net.add_ms += ms;
	snprintf(s->net.timing + n, sizeof(s->net.timing) - n, "%s%s %lld", n ? ", " : "", plugin,
		 (long long)ms);
}

static void network_event(struct sv *s)
{
	char msg[512];
	struct sv_ev ev = { .type = "network", .backoff_ms = -1, .message = msg };

	snprintf(msg, sizeof(msg), "network %s (%s): %s%s%s; set up in %lld ms (%s)",
		 s->net.list->name, s->net.source, s->net.ip4, s->net.ip4[0] && s->net.ip6[0] ? " " : "",
		 s->net.ip6, (long long)s->net.add_ms, s->net.timing);
	sv_event(s, &ev);
}

static void record_result(void *ud, const char *result);

static struct cni_opts net_opts(struct sv *s)
{
	return (struct cni_opts){ s->o->cni_plugin_path, s->o->cni_timeout_ms, trace_exec, s,
				  record_result };
}

static struct cni_attachment attachment(struct sv *s)
{
	return (struct cni_attachment){ s->net.list, s->net.cid, s->net.netns, IFNAME, s->net.args,
					{ s->net.maps, s->net.n_maps } };
}

/* network.json, replaced atomically: before ADD without a result, after
 * it with one. */
static int write_cache_with(struct sv *s, const char *result, struct b_err *err)
{
	struct cni_cache c = { .network = s->net.list->name, .container_id = s->net.cid,
			       .ifname = IFNAME, .netns = s->net.netns, .cni_args = s->net.args,
			       .config = s->net.conf_text, .port_mappings = s->net.maps,
			       .n_port_mappings = s->net.n_maps, .result = (char *)result,
			       .cni_path = (char *)s->o->cni_plugin_path };
	_cleanup_free_ char *json = NULL;
	char path[PATH_MAX + 16];
	size_t len;
	int r;

	if ((r = cni_cache_write(&c, &json, &len, err)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/network.json", s->dir);
	if ((r = b_write_atomic(path, json, len, 0600)) < 0)
		return b_err_sys(err, -r, "writing %s", path);
	return 0;
}

/* A bind mount of the namespace on a file of the state dir: it outlives
 * the supervisor, and the plugins accept it (they check for nsfs). */
static int write_cache(struct sv *s, struct b_err *err)
{
	return write_cache_with(s, s->net.result, err);
}

/* After each plugin's ADD: a crash before the next one still leaves the
 * DEL everything it needs (the firewall plugin removes nothing without
 * its prevResult). */
static void record_result(void *ud, const char *result)
{
	struct sv *s = ud;
	struct b_err e = { 0 };

	if (write_cache_with(s, result, &e) < 0)
		sv_warn(s, &e);
}

static int pin_netns(struct sv *s, struct b_err *err)
{
	char src[64];
	_cleanup_close_ int fd = -1;

	snprintf(s->net.netns, sizeof(s->net.netns), "%s/netns", s->dir);
	fd = open(s->net.netns, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0)
		return b_err_sys(err, errno, "creating %s", s->net.netns);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", s->ns.net);
	if (mount(src, s->net.netns, NULL, MS_BIND, NULL) < 0)
		return b_err_sys(err, errno, "pinning the pod's network namespace on %s",
				 s->net.netns);
	s->net.pinned = true;
	return 0;
}

static void unpin_netns(struct sv *s)
{
	if (s->net.pinned && umount2(s->net.netns, MNT_DETACH) < 0) {
		struct b_err e = { 0 };
		b_err_sys(&e, errno, "unmounting %s", s->net.netns);
		sv_warn(s, &e);
	}
	s->net.pinned = false;
	unlink(s->net.netns);
}

/* containerd's CNI_ARGS for a pod; IgnoreUnknown so that plugins that do
 * not know a key accept it. */
static void make_args(struct sv *s)
{
	snprintf(s->net.args, sizeof(s->net.args),
		 "IgnoreUnknown=1;K8S_POD_NAMESPACE=%s;K8S_POD_NAME=%s;K8S_POD_INFRA_CONTAINER_ID=%s",
		 s->pod->namespace_ ? s->pod->namespace_ : "default", s->pod->name, s->net.cid);
}

static int find_network(struct sv *s, struct b_err *err)
{
	struct cni_opts o = net_opts(s);
	int r;

	r = cni_find_network(s->o->cni_config_dir, s->pod->network, &s->net.conf_text,
			     &s->net.source, &s->net.list, err);
	if (r < 0)
		return r;
	if ((r = cni_list_check_plugins(&o, s->net.list, err)) < 0)
		return b_err_prefix(err, "network %s (%s): install Debian's containernetworking-"
				    "plugins, give the plugins' directory with --cni-plugin-dir, or run "
				    "the pod without a network (annotation berth.dev/network: none)",
				    s->net.list->name, s->net.source);
	return 0;
}

/* The pod's addresses from the final result. */
static int read_result(struct sv *s, struct b_err *err)
{
	struct cni_result *res = NULL;
	int r = cni_result_parse("the network's result", s->net.result, strlen(s->net.result),
				 &res, err);

	if (r < 0)
		return r;
	cni_result_pod_ip(res, IFNAME, 4, s->net.ip4, sizeof(s->net.ip4));
	cni_result_pod_ip(res, IFNAME, 6, s->net.ip6, sizeof(s->net.ip6));
	cni_result_free(res);
	if (!s->net.ip4[0] && !s->net.ip6[0])
		return b_err_set(err, EPROTO, "the network's result gives the pod no address");
	return 0;
}

static int attach(struct sv *s, struct b_err *err)
{
	struct cni_opts o = net_opts(s);
	struct cni_attachment at = attachment(s);
	int r;

	if ((r = pin_netns(s, err)) < 0 || (r = write_cache(s, err)) < 0)
		return r;
	s->net.attached = true;
	if ((r = cni_list_add(&o, &at, &s->net.result, err)) < 0)
		return r;
	s->net.added = true;
	if ((r = write_cache(s, err)) < 0 || (r = read_result(s, err)) < 0)
		return r;
	return 0;
}

/* Serializes network setup and teardown of the pods of one --root: the
 * hostPort check, the leftover sweep and the peers' hosts files each see
 * one consistent set of pods. */
static int lock_network(struct sv *s, struct b_err *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/pods/.network.lock", s->ctx->root);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return b_err_sys(err, errno, "opening %s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return b_err_sys(err, e, "locking %s", path);
		}
	return fd;
}

static int setup_locked(struct sv *s, struct b_err *err)
{
	int r;

	if ((r = find_network(s, err)) < 0)
		return r;
	sv_net_gc(s);
	if ((r = sv_ports_reserve(s, err)) < 0)
		return r;
	if ((r = attach(s, err)) < 0) {
		b_err_prefix(err, "network %s (%s)", s->net.list->name, s->net.source);
		return r;
	}
	network_event(s);
	if ((r = sv_names_write(s, err)) < 0)
		return r;
	sv_names_refresh_peers(s);
	return 0;
}

/* The host's own address, as status.hostIP: the source address of its
 * default route (a UDP connect sends nothing), "" without one. */
static void find_host_ip(char *buf, size_t size)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) }, me;
	socklen_t len = sizeof(me);
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	buf[0] = '\0';
	inet_pton(AF_INET, "192.0.2.1", &to.sin_addr);   /* TEST-NET-1 */
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &len) < 0)
		return;
	inet_ntop(AF_INET, &me.sin_addr, buf, (socklen_t)size);
}

int sv_net_setup(struct sv *s, struct b_err *err)
{
	_cleanup_close_ int lock = -1;
	int r;

	find_host_ip(s->net.host_ip, sizeof(s->net.host_ip));
	if (s->pod->host_network)
		return 0;
	if (s->pod->no_network)
		return sv_names_write(s, err) < 0 ? b_err_prefix(err, "pod %s", s->pod->name) : 0;
	sv_net_container_id(s->ctx, s->pod->name, s->net.cid, sizeof(s->net.cid));
	make_args(s);
	if ((lock = lock_network(s, err)) < 0)
		return lock;
	if ((r = setup_locked(s, err)) < 0)
		return b_err_prefix(err, "pod %s", s->pod->name);
	return 0;
}

/* A DEL that fails after a complete ADD keeps network.json and the pinned
 * namespace (and the state dir, sv_teardown): `pod rm`, or the next pod
 * that starts, runs it again; nothing is forgotten.  After an ADD that
 * failed, the plugins that never ran fail their DEL too (the spec still
 * requires it): only the trace shows that. */
static void detach(struct sv *s)
{
	struct cni_opts o = net_opts(s);
	struct cni_attachment at = attachment(s);
	struct b_err e = { 0 };
	char path[PATH_MAX + 16];

	o.on_result = NULL;
	if (cni_list_del(&o, &at, s->net.result, &e) < 0) {
		b_err_prefix(&e, "network %s: detaching the pod", s->net.list->name);
		if (s->net.added) {
			b_err_prefix(&e, "pod %s: kept its network.json for `berth pod rm %s` to retry",
				     s->pod->name, s->pod->name);
			sv_warn(s, &e);
			s->net.del_failed = true;
			return;
		}
		sv_trace(s, "%s", e.msg);
	}
	snprintf(path, sizeof(path), "%s/network.json", s->dir);
	unlink(path);
	s->net.attached = false;
}

void sv_net_teardown(struct sv *s)
{
	struct b_err e = { 0 };
	_cleanup_close_ int lock = -1;

	if (!s->net.list)
		goto out;
	if ((lock = lock_network(s, &e)) < 0)
		sv_warn(s, &e);
	if (s->net.attached)
		detach(s);
	if (!s->net.del_failed)
		unpin_netns(s);
	sv_names_refresh_peers(s);
out:
	sv_ports_release(s);
}

/* Kept until the end of sv_teardown: the final status names the network. */
void sv_net_free(struct sv *s)
{
	cni_conflist_free(s->net.list);
	s->net.list = NULL;
	free(s->net.conf_text);
	free(s->net.source);
	free(s->net.result);
	free(s->net.maps);
	s->net.conf_text = s->net.source = s->net.result = NULL;
	s->net.maps = NULL;
}
