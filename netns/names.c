/* A pod's /etc/hosts and /etc/resolv.conf as text (netns/names.h).  The
 * kubelet's formats: pkg/kubelet's managed hosts file and its DNS
 * configurer, which the CRI runtime writes out as search / nameserver /
 * options lines. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/textbuf.h"
#include "netns/names.h"

#define NAMESERVERS_MAX 3
#define SEARCHES_MAX 32
#define SEARCH_CHARS_MAX 2048

/* The strings given, up to a NULL. */
static void put(struct b_text *b, ...) __attribute__((sentinel));

static void put(struct b_text *b, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, b);
	while ((s = va_arg(ap, const char *)))
		b_text_puts(b, s);
	va_end(ap);
}

/* ---- /etc/hosts ------------------------------------------------------ */

/* A word that fits on a hosts line without changing its meaning. */
static bool word_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '#')
			return false;
	return true;
}

static void put_aliases(struct b_text *b, const struct ns_hosts_in *in)
{
	if (!in->n_aliases)
		return;
	put(b, "\n# Entries added by HostAliases.\n", NULL);
	for (size_t i = 0; i < in->n_aliases; i++) {
		const struct pod_host_alias *a = &in->aliases[i];

		put(b, a->ip, NULL);
		for (char **h = a->hostnames; h && *h; h++)
			put(b, "\t", *h, NULL);
		put(b, "\n", NULL);
	}
}

static void put_peers(struct b_text *b, const struct ns_hosts_in *in)
{
	bool header = false;

	for (size_t i = 0; i < in->n_peers; i++) {
		const struct ns_hosts_peer *p = &in->peers[i];

		if (!word_ok(p->name) || !word_ok(p->ip) ||
		    (in->hostname && !strcmp(p->name, in->hostname)))
			continue;
		if (!header)
			put(b, "\n# Other pods on this network (berth).\n", NULL);
		header = true;
		put(b, p->ip, "\t", p->name, "\n", NULL);
	}
}

char *ns_hosts_render(const struct ns_hosts_in *in, size_t *len)
{
	struct b_text b = { 0 };

	put(&b, "# Kubernetes-managed hosts file, managed by berth: changes are lost.\n",
	    "127.0.0.1\tlocalhost\n",
	    "::1\tlocalhost ip6-localhost ip6-loopback\n",
	    "fe00::0\tip6-localnet\n",
	    "fe00::0\tip6-mcastprefix\n",
	    "fe00::1\tip6-allnodes\n",
	    "fe00::2\tip6-allrouters\n", NULL);
	for (const char *const *ip = in->pod_ips; ip && *ip && in->hostname; ip++)
		put(&b, *ip, "\t", in->hostname, "\n", NULL);
	put_aliases(&b, in);
	put_peers(&b, in);
	return b_text_finish(&b, len);
}

/* ---- lists of words -------------------------------------------------- */

struct vec {
	const char **v;
	size_t n, cap;
	bool oom;
};

static void vec_push(struct vec *l, const char *s)
{
	if (l->oom)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		const char **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
}

static bool vec_has(const struct vec *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

/* An option: "name" or "name:value"; `value` NULL or "" writes the name
 * alone, as the kubelet does. */
struct opt {
	const char *name;
	size_t name_len;
	const char *value;
};

struct opts {
	struct opt *v;
	size_t n, cap;
	bool oom;
};

/* Merged by name: a later one replaces the value in place. */
static void opts_set(struct opts *o, const char *name, size_t name_len, const char *value)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].name_len == name_len && !memcmp(o->v[i].name, name, name_len)) {
			o->v[i].value = value;
			return;
		}
	if (o->oom)
		return;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		struct opt *v = realloc(o->v, cap * sizeof(*v));

		if (!v) {
			o->oom = true;
			return;
		}
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = (struct opt){ name, name_len, value };
}

/* ---- reading the host's resolv.conf ---------------------------------- */

struct resolv {
	char *text;                      /* a copy, cut into words in place */
	struct vec servers;
	struct vec searches;
	struct opts options;
	bool dropped_loopback;
};

static bool ip_ok(const char *s, bool *v6)
{
	unsigned char a[16];
	char tmp[INET6_ADDRSTRLEN + 1];
	size_t n = strcspn(s, "%");  /* glibc takes fe80::1%eth0 */

	*v6 = strchr(s, ':') != NULL;
	if (n >= sizeof(tmp) || (s[n] && !*v6))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(*v6 ? AF_INET6 : AF_INET, tmp, a) == 1;
}

static bool is_loopback(const char *s)
{
	static const unsigned char one[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	unsigned char a[16];
	char tmp[INET6_ADDRSTRLEN + 1];
	size_t n = strcspn(s, "%");

	if (inet_pton(AF_INET, s, a) == 1)
		return a[0] == 127;
	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return false;
	return !memcmp(a, one, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
}

/* The next blank-separated word of the line at *p (NUL-terminated in
 * place), or NULL at the line's end. */
static char *next_word(char **p)
{
	char *s = *p, *w;

	s += strspn(s, " \t\r\f\v");
	if (!*s)
		return NULL;
	w = s;
	s += strcspn(s, " \t\r\f\v");
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

static void read_search(struct resolv *r, char *rest, bool domain)
{
	char *w;

	r->searches.n = 0;                /* the last domain or search line wins */
	while ((w = next_word(&rest))) {
		size_t n = strlen(w);

		if (n > 1 && w[n - 1] == '.')
			w[n - 1] = '\0';
		if (strcmp(w, "."))
			vec_push(&r->searches, w);
		if (domain)
			break;
	}
}

static void read_line(struct resolv *r, char *line, bool own_netns)
{
	char *w = next_word(&line);
	bool v6;

	if (!w || w[0] == '#' || w[0] == ';')
		return;
	if (!strcmp(w, "nameserver")) {
		w = next_word(&line);
		if (!w || !ip_ok(w, &v6))
			return;
		/* A zone (fe80::1%eth0) names a host interface: inside the
		 * pod's own namespace it means another one, or none. */
		if (own_netns && (is_loopback(w) || strchr(w, '%')))
			r->dropped_loopback = true;
		else
			vec_push(&r->servers, w);
	} else if (!strcmp(w, "search") || !strcmp(w, "domain")) {
		read_search(r, line, w[0] == 'd');
	} else if (!strcmp(w, "options")) {
		while ((w = next_word(&line))) {
			size_t n = strcspn(w, ":");

			opts_set(&r->options, w, n, w[n] ? w + n + 1 : NULL);
		}
	}
}

static bool read_host(struct resolv *r, const char *text, bool own_netns)
{
	char *line, *end;

	r->text = strdup(text ? text : "");
	if (!r->text)
		return false;
	for (line = r->text; line; line = end) {
		end = strchr(line, '\n');
		if (end)
			*end++ = '\0';
		read_line(r, line, own_netns);
	}
	return true;
}

static void resolv_free(struct resolv *r)
{
	free(r->text);
	free(r->servers.v);
	free(r->searches.v);
	free(r->options.v);
}

/* ---- the pod's resolv.conf ------------------------------------------- */

static void merge_pod(struct resolv *r, const struct pod_dns_config *d)
{
	for (char **s = d->nameservers; s && *s; s++)
		vec_push(&r->servers, *s);
	for (char **s = d->searches; s && *s; s++)
		vec_push(&r->searches, *s);
	for (size_t i = 0; i < d->n_options; i++)
		opts_set(&r->options, d->options[i].name, strlen(d->options[i].name),
			 d->options[i].value);
}

static void put_searches(struct b_text *b, const struct vec *l)
{
	struct vec seen = { 0 };
	size_t chars = 0;

	for (size_t i = 0; i < l->n && seen.n < SEARCHES_MAX; i++) {
		size_t n = strlen(l->v[i]) + (seen.n > 0);

		if (vec_has(&seen, l->v[i]) || chars + n > SEARCH_CHARS_MAX)
			continue;
		put(b, seen.n ? " " : "search ", l->v[i], NULL);
		chars += n;
		vec_push(&seen, l->v[i]);
		b->oom |= seen.oom;
	}
	if (seen.n)
		put(b, "\n", NULL);
	free(seen.v);
}

/* Returns how many nameserver lines were written. */
static size_t put_servers(struct b_text *b, const struct vec *l)
{
	struct vec seen = { 0 };
	size_t n;

	for (size_t i = 0; i < l->n && seen.n < NAMESERVERS_MAX; i++) {
		if (vec_has(&seen, l->v[i]))
			continue;
		put(b, "nameserver ", l->v[i], "\n", NULL);
		vec_push(&seen, l->v[i]);
		b->oom |= seen.oom;
	}
	n = seen.n;
	free(seen.v);
	return n;
}

static void put_options(struct b_text *b, const struct opts *o)
{
	for (size_t i = 0; i < o->n; i++) {
		put(b, i ? " " : "options ", NULL);
		b_text_put(b, o->v[i].name, o->v[i].name_len);
		if (o->v[i].value && o->v[i].value[0])
			put(b, ":", o->v[i].value, NULL);
	}
	if (o->n)
		put(b, "\n", NULL);
}

static const char *no_server_warning(const struct resolv *r, enum pod_dns_policy policy)
{
	if (policy == POD_DNS_NONE)
		return "the pod has no nameserver (dnsPolicy None and no dnsConfig.nameservers)";
	if (r->dropped_loopback)
		return "the pod has no nameserver: the host's resolv.conf names only loopback "
		       "or zoned link-local addresses, which the pod's own network namespace "
		       "does not reach "
		       "(set spec.dnsConfig.nameservers)";
	return "the pod has no nameserver: the host's resolv.conf names none "
	       "(set spec.dnsConfig.nameservers)";
}

char *ns_resolv_render(const struct ns_resolv_in *in, size_t *len, const char **warning)
{
	struct resolv r = { 0 };
	struct b_text b = { 0 };

	if (warning)
		*warning = NULL;
	if (!read_host(&r, in->policy == POD_DNS_NONE ? "" : in->host_text, in->own_netns))
		return NULL;
	if (in->dns_config)
		merge_pod(&r, in->dns_config);
	b.oom = r.servers.oom || r.searches.oom || r.options.oom;
	put(&b, "# Generated by berth (dnsPolicy ", pod_dns_policy_name(in->policy), ").\n",
	    NULL);
	put_searches(&b, &r.searches);
	if (put_servers(&b, &r.servers) == 0 && warning)
		*warning = no_server_warning(&r, in->policy);
	put_options(&b, &r.options);
	resolv_free(&r);
	return b_text_finish(&b, len);
}

bool ns_resolv_is_stub(const char *host_text)
{
	struct resolv r = { 0 };
	bool stub;

	if (!read_host(&r, host_text, false))
		return false;
	stub = r.servers.n > 0;
	for (size_t i = 0; i < r.servers.n; i++)
		stub &= !strcmp(r.servers.v[i], "127.0.0.53") ||
			!strcmp(r.servers.v[i], "127.0.0.54");
	resolv_free(&r);
	return stub;
}
