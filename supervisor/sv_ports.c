/* Published ports.  A hostPort becomes a portMappings entry for the CNI
 * portmap plugin, which only writes DNAT rules: it reserves nothing, so on
 * its own the last pod to map a port would silently win and a host
 * service on that port would be shadowed.  Like the kubelet's hostport
 * manager, berth therefore holds each published port open on the host
 * for the pod's life: a port a host process already uses fails the pod
 * at start, and another pod's is named from its network.json. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "supervisor/sv_internal.h"

static const char *proto_name(enum pod_protocol p)
{
	return p == POD_PROTO_UDP ? "udp" : p == POD_PROTO_SCTP ? "sctp" : "tcp";
}

static bool any_ip(const char *ip)
{
	return !ip || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::");
}

static bool overlap(const struct cni_port_mapping *a, const struct cni_port_mapping *b)
{
	return a->host_port == b->host_port && !strcmp(a->protocol, b->protocol) &&
	       (any_ip(a->host_ip) || any_ip(b->host_ip) || !strcmp(a->host_ip, b->host_ip));
}

static void collect_list(struct sv *s, const struct pod_container *cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < cs[i].n_ports; k++) {
			const struct pod_port *p = &cs[i].ports[k];
			struct cni_port_mapping *m = &s->net.maps[s->net.n_maps];

			if (!p->host_port)
				continue;
			*m = (struct cni_port_mapping){ p->host_port, p->container_port,
							proto_name(p->protocol), p->host_ip };
			s->net.n_maps++;
		}
}

static int collect(struct sv *s, struct b_err *err)
{
	size_t n = 0;

	for (size_t i = 0; i < s->pod->n_init_containers; i++)
		n += s->pod->init_containers[i].n_ports;
	for (size_t i = 0; i < s->pod->n_containers; i++)
		n += s->pod->containers[i].n_ports;
	if (!n)
		return 0;
	if (!(s->net.maps = calloc(n, sizeof(*s->net.maps))))
		return b_err_set(err, ENOMEM, "out of memory");
	collect_list(s, s->pod->init_containers, s->pod->n_init_containers);
	collect_list(s, s->pod->containers, s->pod->n_containers);
	return 0;
}

/* Another pod of this --root publishing the same port: a running one, or
 * a dead one whose DEL failed (its DNAT rules are still there). */
static int check_pods(struct sv *s, struct b_err *err)
{
	char **names = NULL;
	size_t n = 0;
	int r = 0;

	if (sv_pod_list(s->ctx, &names, &n, err) < 0)
		return b_err_prefix(err, "checking the other pods' hostPorts");
	for (size_t i = 0; i < n && !r; i++) {
		struct cni_cache *c = strcmp(names[i], s->pod->name) ?
				      sv_net_peer_cache(s->ctx, names[i], true) : NULL;

		for (size_t j = 0; c && j < c->n_port_mappings && !r; j++)
			for (size_t k = 0; k < s->net.n_maps && !r; k++)
				if (overlap(&c->port_mappings[j], &s->net.maps[k]))
					r = b_err_set(err, EADDRINUSE,
						      "hostPort %u/%s is already published by pod \"%s\"%s",
						      s->net.maps[k].host_port, s->net.maps[k].protocol,
						      names[i], sv_pod_probe(s->ctx, names[i], err) ==
						      SV_POD_RUNNING ? "" : " (not running, but its "
						      "network could not be torn down: berth pod rm it)");
		if (c)
			cni_cache_free(c);
	}
	sv_pod_list_free(names, n);
	return r;
}

static int bind_port(const struct cni_port_mapping *m, struct b_err *err)
{
	union { struct sockaddr_in v4; struct sockaddr_in6 v6; } sa = { 0 };
	bool v6 = m->host_ip && strchr(m->host_ip, ':');
	bool tcp = !strcmp(m->protocol, "tcp");
	const char *ip = m->host_ip ? m->host_ip : "0.0.0.0";
	int one = 1, fd;

	sa.v4.sin_family = v6 ? AF_INET6 : AF_INET;
	sa.v4.sin_port = htons(m->host_port);
	if (inet_pton(sa.v4.sin_family, ip, v6 ? (void *)&sa.v6.sin6_addr : (void *)&sa.v4.sin_addr) != 1)
		return b_err_set(err, EINVAL, "hostIP %s: not an IP address", ip);
	fd = socket(sa.v4.sin_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return b_err_sys(err, errno, "hostPort %u/%s: socket", m->host_port, m->protocol);
	/* Only to step over TIME_WAIT: a listener still makes bind fail. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, v6 ? sizeof(sa.v6) : sizeof(sa.v4)) < 0 ||
	    (tcp && listen(fd, 1) < 0)) {
		int e = errno;
		close(fd);
		if (e == EADDRINUSE)
			return b_err_set(err, e, "hostPort %u/%s on %s is in use by another process on "
					 "this host (see: ss -lnp 'sport = :%u')", m->host_port,
					 m->protocol, ip, m->host_port);
		return b_err_sys(err, e, "hostPort %u/%s on %s", m->host_port, m->protocol, ip);
	}
	return fd;
}

int sv_ports_reserve(struct sv *s, struct b_err *err)
{
	int r;

	if ((r = collect(s, err)) < 0 || !s->net.n_maps)
		return r;
	if ((r = check_pods(s, err)) < 0)
		return r;
	if (!(s->net.port_fds = calloc(s->net.n_maps, sizeof(int))))
		return b_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < s->net.n_maps; i++) {
		/* SCTP may not even be loadable here; portmap maps it anyway. */
		if (!strcmp(s->net.maps[i].protocol, "sctp"))
			continue;
		if ((r = bind_port(&s->net.maps[i], err)) < 0)
			return r;
		s->net.port_fds[s->net.n_port_fds++] = r;
	}
	return 0;
}

void sv_ports_release(struct sv *s)
{
	for (size_t i = 0; i < s->net.n_port_fds; i++)
		close(s->net.port_fds[i]);
	free(s->net.port_fds);
	s->net.port_fds = NULL;
	s->net.n_port_fds = 0;
}
