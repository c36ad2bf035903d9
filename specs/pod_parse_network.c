/* The pod's names and addresses: spec.hostAliases, spec.dnsPolicy,
 * spec.dnsConfig, and the hostPorts of all containers checked together
 * (after the berth.dev/ annotations, which may take the network away).
 * What berth makes of them is in netns/names.h and docs/networking.md. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strutil.h"
#include "pod_parse_internal.h"

/* Kubernetes' limits on spec.dnsConfig (and glibc's old ones). */
#define DNS_NAMESERVERS_MAX 3
#define DNS_SEARCHES_MAX 32
#define DNS_SEARCH_MAX 253
#define DNS_SEARCH_CHARS_MAX 2048

static const char *const alias_known[] = { "ip", "hostnames", NULL };
static const struct pod_fields alias_fields = { alias_known, NULL, NULL };

static const char *const dns_known[] = { "nameservers", "searches", "options", NULL };
static const struct pod_fields dns_fields = { dns_known, NULL, NULL };

static const char *const option_known[] = { "name", "value", NULL };
static const struct pod_fields option_fields = { option_known, NULL, NULL };

static const struct oj_name dns_policies[] = {
	{ "ClusterFirst", POD_DNS_CLUSTER_FIRST },
	{ "ClusterFirstWithHostNet", POD_DNS_CLUSTER_FIRST_WITH_HOST_NET },
	{ "Default", POD_DNS_DEFAULT },
	{ "None", POD_DNS_NONE },
};

/* ---- addresses and words --------------------------------------------- */

bool pod_ip_ok(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int pod_v_ip(struct oj *c, const char *s)
{
	if (pod_ip_ok(s))
		return 0;
	return oj_fail(c, "\"%s\" is not a valid IP address (IPv4 or IPv6)", oj_quote(c, s));
}

int pod_ip(struct oj *c, yajl_val obj, const char *key, bool required, char **out)
{
	size_t mark;
	int r = oj_str(c, obj, key, required, out);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	if ((r = pod_v_ip(c, *out)) < 0)
		return r;
	oj_pop(c, mark);
	return 1;
}

/* A word of /etc/hosts or /etc/resolv.conf: non-empty printable ASCII or
 * UTF-8 without blanks, control characters or '#' (which would split the
 * line or start a comment there). */
static bool word_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '#')
			return false;
	return true;
}

#define WORD_RULE "non-empty, without blanks, control characters or '#'"

/* ---- hostAliases ----------------------------------------------------- */

static int parse_host_alias(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_host_alias *a = item;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &alias_fields)) < 0 ||
	    (r = pod_ip(c, v, "ip", true, &a->ip)) < 0 ||
	    (r = oj_strv(c, v, "hostnames", &a->hostnames)) < 0)
		return r;
	mark = oj_push_key(c, "hostnames");
	if (r == 0)
		return oj_fail(c, "required field is missing");
	if (!a->hostnames[0])
		return oj_fail(c, "must have at least one hostname");
	for (size_t i = 0; a->hostnames[i]; i++) {
		size_t m = oj_push_index(c, i);

		if (!word_ok(a->hostnames[i]))
			return oj_fail(c, "\"%s\" is not a valid hostname (" WORD_RULE ")",
				       oj_quote(c, a->hostnames[i]));
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* ---- dnsConfig ------------------------------------------------------- */

static int parse_dns_option(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_dns_option *o = item;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &option_fields)) < 0 ||
	    (r = oj_str(c, v, "name", true, &o->name)) < 0 ||
	    (r = oj_str(c, v, "value", false, &o->value)) < 0)
		return r;
	mark = oj_push_key(c, "name");
	if (!word_ok(o->name))
		return oj_fail(c, "\"%s\" is not a valid option name (" WORD_RULE ")",
			       oj_quote(c, o->name));
	oj_pop(c, mark);
	mark = oj_push_key(c, "value");
	if (o->value && o->value[0] && !word_ok(o->value))
		return oj_fail(c, "\"%s\" is not a valid option value (without blanks, "
			       "control characters or '#')", oj_quote(c, o->value));
	oj_pop(c, mark);
	return 0;
}

static int check_nameservers(struct oj *c, char **l)
{
	size_t n = b_strv_len(l), mark = oj_push_key(c, "nameservers");
	int r;

	if (n > DNS_NAMESERVERS_MAX)
		return oj_fail(c, "must not have more than %d nameservers (has %zu)",
			       DNS_NAMESERVERS_MAX, n);
	for (size_t i = 0; i < n; i++) {
		size_t m = oj_push_index(c, i);

		if ((r = pod_v_ip(c, l[i])) < 0)
			return r;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* As Kubernetes counts them: the list joined with spaces. */
static int check_searches(struct oj *c, char **l)
{
	size_t n = b_strv_len(l), total = 0, mark = oj_push_key(c, "searches");

	if (n > DNS_SEARCHES_MAX)
		return oj_fail(c, "must not have more than %d search domains (has %zu)",
			       DNS_SEARCHES_MAX, n);
	for (size_t i = 0; i < n; i++) {
		size_t m = oj_push_index(c, i), len = strlen(l[i]);

		if (!word_ok(l[i]))
			return oj_fail(c, "\"%s\" is not a valid search domain (" WORD_RULE ")",
				       oj_quote(c, l[i]));
		if (len > DNS_SEARCH_MAX)
			return oj_fail(c, "\"%s\" is longer than %d characters",
				       oj_quote(c, l[i]), DNS_SEARCH_MAX);
		total += len + (i > 0);
		oj_pop(c, m);
	}
	if (total > DNS_SEARCH_CHARS_MAX)
		return oj_fail(c, "must not have more than %d characters in total "
			       "(counting a space between entries; has %zu)", DNS_SEARCH_CHARS_MAX, total);
	oj_pop(c, mark);
	return 0;
}

static int parse_dns_config(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_dns_config *d = item;
	int r;

	if ((r = pod_v_object(c, v, &dns_fields)) < 0 ||
	    (r = oj_strv(c, v, "nameservers", &d->nameservers)) < 0 ||
	    (r = check_nameservers(c, d->nameservers)) < 0 ||
	    (r = oj_strv(c, v, "searches", &d->searches)) < 0 ||
	    (r = check_searches(c, d->searches)) < 0 ||
	    (r = oj_array(c, v, "options", false, sizeof(struct pod_dns_option),
			  (void **)&d->options, &d->n_options, parse_dns_option, NULL)) < 0)
		return r;
	return 0;
}

/* ---- the spec members ------------------------------------------------ */

/* Kubernetes: dnsPolicy None takes everything from dnsConfig, which must
 * then name a nameserver. */
static int check_policy_none(struct oj *c, const struct pod_spec *pod)
{
	if (pod->dns_policy != POD_DNS_NONE)
		return 0;
	oj_push_key(c, "dnsConfig");
	if (!pod->has_dns_config)
		return oj_fail(c, "required when dnsPolicy is None (give at least one nameserver)");
	if (!pod->dns_config.nameservers[0]) {
		oj_push_key(c, "nameservers");
		return oj_fail(c, "must have at least one nameserver when dnsPolicy is None");
	}
	return 0;
}

int pod_parse_pod_network(struct oj *c, yajl_val spec, struct pod_spec *pod)
{
	long policy = POD_DNS_CLUSTER_FIRST;
	int r;

	if ((r = oj_array(c, spec, "hostAliases", false, sizeof(struct pod_host_alias),
			  (void **)&pod->host_aliases, &pod->n_host_aliases,
			  parse_host_alias, NULL)) < 0 ||
	    (r = pod_enum(c, spec, "dnsPolicy", dns_policies, B_ARRAY_SIZE(dns_policies),
			  "DNS policy", &policy)) < 0 ||
	    (r = pod_member(c, spec, "dnsConfig", false, parse_dns_config,
			    &pod->dns_config, NULL)) < 0)
		return r;
	pod->dns_policy = (enum pod_dns_policy)policy;
	pod->has_dns_config = r > 0;
	if (!pod->dns_config.nameservers)
		pod->dns_config.nameservers = b_arena_calloc(c->arena, 1, sizeof(char *));
	if (!pod->dns_config.searches)
		pod->dns_config.searches = b_arena_calloc(c->arena, 1, sizeof(char *));
	return check_policy_none(c, pod);
}

/* ---- hostPorts across the pod ---------------------------------------- */

/* A published port; `family` 0 is "all addresses" (no hostIP). */
struct host_port {
	size_t idx;                      /* in document order */
	size_t ci, pi;                   /* container (init ones first), port */
	uint16_t port;
	int proto;
	int family;                      /* 0, AF_INET, AF_INET6 */
	bool any;                        /* 0.0.0.0 or :: */
	unsigned char addr[16];
};

static int cmp_host_port(const void *pa, const void *pb)
{
	const struct host_port *a = pa, *b = pb;
	int d;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((d = memcmp(a->addr, b->addr, sizeof(a->addr))))
		return d;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static const struct pod_container *nth_container(const struct pod_spec *pod, size_t i)
{
	if (i < pod->n_init_containers)
		return &pod->init_containers[i];
	return &pod->containers[i - pod->n_init_containers];
}

static void push_port(struct oj *c, const struct pod_spec *pod, size_t ci, size_t pi)
{
	bool init = ci < pod->n_init_containers;

	oj_push_key(c, init ? "initContainers" : "containers");
	oj_push_index(c, init ? ci : ci - pod->n_init_containers);
	oj_push_key(c, "ports");
	oj_push_index(c, pi);
}

static void fill_address(struct host_port *h, const char *ip)
{
	static const unsigned char zero[16];

	if (!ip)
		return;
	h->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	inet_pton(h->family, ip, h->addr);
	h->any = !memcmp(h->addr, zero, h->family == AF_INET ? 4 : 16);
}

/* The pod's hostPorts in document order. */
static int collect(struct oj *c, const struct pod_spec *pod, struct host_port **out,
		   size_t *n)
{
	size_t total = pod->n_init_containers + pod->n_containers, count = 0;
	struct host_port *h;

	for (size_t ci = 0; ci < total; ci++)
		for (size_t pi = 0; pi < nth_container(pod, ci)->n_ports; pi++)
			count += nth_container(pod, ci)->ports[pi].host_port != 0;
	h = calloc(count + 1, sizeof(*h));
	if (!h)
		return oj_oom(c);
	*out = h;
	*n = 0;
	for (size_t ci = 0; ci < total; ci++) {
		const struct pod_container *ct = nth_container(pod, ci);

		for (size_t pi = 0; pi < ct->n_ports; pi++) {
			const struct pod_port *p = &ct->ports[pi];

			if (!p->host_port)
				continue;
			h[*n] = (struct host_port){ .idx = *n, .ci = ci, .pi = pi,
						    .port = p->host_port, .proto = p->protocol };
			fill_address(&h[*n], p->host_ip);
			(*n)++;
		}
	}
	return 0;
}

#define NONE SIZE_MAX      /* no such entry */

static size_t min_below(size_t a, size_t b, size_t limit)
{
	if (b < limit && b < a)
		return b;
	return a;
}

/* Within one (port, protocol) group [g, e), sorted: for each entry the
 * earliest (document order) entry before it that it conflicts with.
 * "All addresses" conflicts with everything, 0.0.0.0 / :: with their
 * family, an address with itself.  Keeps in (*later, *earlier) the
 * conflicting pair (document indexes) whose later member comes first. */
static void scan_group(const struct host_port *h, size_t g, size_t e, size_t *later,
		       size_t *earlier)
{
	size_t first_all = NONE, first_entry = NONE, first_fam[2] = { NONE, NONE },
	       first_wild[2] = { NONE, NONE }, run = g;

	for (size_t i = g; i < e; i++) {
		int f = h[i].family == AF_INET6;

		first_entry = h[i].idx < first_entry ? h[i].idx : first_entry;
		if (!h[i].family)
			first_all = h[i].idx < first_all ? h[i].idx : first_all;
		else if (h[i].idx < first_fam[f])
			first_fam[f] = h[i].idx;
		if (h[i].family && h[i].any && h[i].idx < first_wild[f])
			first_wild[f] = h[i].idx;
	}
	for (size_t i = g; i < e; i++) {
		int f = h[i].family == AF_INET6;
		size_t j = h[i].idx, best = NONE;

		if (h[i].family != h[run].family || memcmp(h[i].addr, h[run].addr, 16))
			run = i;          /* a new address: sorted by idx within it */
		best = min_below(best, first_all, j);
		if (!h[i].family)
			best = min_below(best, first_entry, j);
		else if (h[i].any)
			best = min_below(best, first_fam[f], j);
		else
			best = min_below(best, first_wild[f], j);
		if (h[i].family)
			best = min_below(best, h[run].idx, j);
		if (best != NONE && (*later == NONE || j < *later)) {
			*later = j;
			*earlier = best;
		}
	}
}

static const char *proto_name(int p)
{
	return p == POD_PROTO_UDP ? "UDP" : p == POD_PROTO_SCTP ? "SCTP" : "TCP";
}

static int conflict(struct oj *c, const struct pod_spec *pod, const struct host_port *a,
		    const struct host_port *b)
{
	const struct pod_container *ca = nth_container(pod, a->ci), *cb = nth_container(pod, b->ci);
	bool init = b->ci < pod->n_init_containers;

	push_port(c, pod, a->ci, a->pi);
	oj_push_key(c, "hostPort");
	return oj_fail(c, "%u/%s of container \"%s\" is already published by container \"%s\" "
		       "(spec.%s[%zu].ports[%zu])", a->port, proto_name(a->proto), ca->name,
		       cb->name, init ? "initContainers" : "containers",
		       init ? b->ci : b->ci - pod->n_init_containers, b->pi);
}

int pod_check_host_ports(struct oj *c, const struct pod_spec *pod)
{
	_cleanup_free_ struct host_port *h = NULL;
	size_t n = 0, later = NONE, earlier = NONE, a = 0, b = 0;
	int r = collect(c, pod, &h, &n);

	if (r < 0)
		return r;
	if (n && pod->no_network) {
		oj_push_key(c, "spec");
		push_port(c, pod, h[0].ci, h[0].pi);
		oj_push_key(c, "hostPort");
		return oj_fail(c, "a hostPort needs the pod network (berth.dev/network is \"none\"); "
			       "remove the annotation or the hostPort");
	}
	qsort(h, n, sizeof(*h), cmp_host_port);
	for (size_t g = 0, e; g < n; g = e) {
		for (e = g + 1; e < n && h[e].port == h[g].port && h[e].proto == h[g].proto; e++)
			;
		scan_group(h, g, e, &later, &earlier);
	}
	if (later == NONE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		a = h[i].idx == later ? i : a;
		b = h[i].idx == earlier ? i : b;
	}
	oj_push_key(c, "spec");
	return conflict(c, pod, &h[a], &h[b]);
}
