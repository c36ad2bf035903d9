/* The text of a pod's /etc/hosts and /etc/resolv.conf, as the kubelet
 * writes them, from the pod's addresses and manifest.  Pure: no I/O; the
 * caller reads the host's resolv.conf and writes the results. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "specs/pod_spec.h"

/* Another pod on the same network. */
struct ns_hosts_peer {
	const char *name;
	const char *ip;
};

struct ns_hosts_in {
	const char *hostname;          /* the pod's hostname */
	const char *const *pod_ips;    /* NULL-terminated, may be empty (no network): then no hostname line */
	const struct pod_host_alias *aliases;
	size_t n_aliases;
	const struct ns_hosts_peer *peers;   /* in the order given; skip a peer named like the pod's hostname */
	size_t n_peers;
};

/* /etc/hosts as the kubelet writes it: a header comment saying berth
 * manages it, 127.0.0.1 localhost, the IPv6 localhost/ip6-* lines,
 * "<ip>\t<hostname>" per pod IP, then a "# Entries added by HostAliases."
 * section (one "<ip>\t<name>\t<name>..." line per alias), then a "# Other
 * pods on this network (berth)." section with "<ip>\t<name>" per peer.
 * Each section only when it has a line; a peer whose name or address is
 * empty or has blanks, control characters or '#' is skipped (it would
 * break the line).  malloc'ed, NUL-terminated, *len without the NUL;
 * NULL on ENOMEM. */
char *ns_hosts_render(const struct ns_hosts_in *in, size_t *len);

struct ns_resolv_in {
	const char *host_text;         /* the host's resolv.conf as read ("" if missing) */
	bool own_netns;                /* the pod has its own network namespace: loopback nameservers are dropped */
	enum pod_dns_policy policy;
	const struct pod_dns_config *dns_config;   /* NULL when absent */
};

/* The pod's /etc/resolv.conf.  Default/ClusterFirst*: the host's
 * nameserver, search (also "domain", which becomes a search entry as
 * glibc treats the last of domain/search), options lines, minus
 * nameservers in 127.0.0.0/8 and ::1 when own_netns; then dnsConfig
 * merged as Kubernetes does (nameservers appended, de-duplicated, at most
 * 3 kept; searches appended de-duplicated; options merged by name, the
 * pod's value winning).  None: only dnsConfig.  As the kubelet, at most
 * 32 search entries and 2048 characters of them are kept.
 *
 * Host lines are read as the kubelet reads them: blank-separated words,
 * lines starting with '#' or ';' are comments, unknown keywords and
 * nameservers that are not IP addresses are ignored, a trailing '.' of a
 * search entry is dropped.  Output: a comment line, "search", one
 * "nameserver" line each, "options" (each line only when it has words).
 * *warning (static text or NULL) says when no nameserver is left.
 * malloc'ed, NUL-terminated, *len without the NUL; NULL on ENOMEM. */
char *ns_resolv_render(const struct ns_resolv_in *in, size_t *len, const char **warning);

/* True when host_text's nameservers are only systemd-resolved's stub
 * 127.0.0.53 (or 127.0.0.54): the caller then reads
 * /run/systemd/resolve/resolv.conf instead. */
bool ns_resolv_is_stub(const char *host_text);
