/* What a CNI plugin prints: an ADD result (spec 1.0.0 section 5, with the
 * 0.3.x/0.4.0 shape it grew from) and an error object. */
#include "cni_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

void cni_result_free(struct cni_result *r)
{
	if (!r)
		return;
	b_arena_release(&r->arena);
	free(r);
}

static int parse_iface(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct cni_iface *f = item;
	int r;

	(void)ud;
	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_str(c, v, "name", false, &f->name)) < 0 ||
	    (r = oj_str(c, v, "mac", false, &f->mac)) < 0 ||
	    (r = oj_str(c, v, "sandbox", false, &f->sandbox)) < 0)
		return r;
	return 0;
}

/* 4 or 6 for "<ip>/<prefix>" with a prefix that fits the family (Go's
 * net.ParseCIDR, which the plugins used to print it), else 0. */
static int cidr_family(const char *s)
{
	const char *slash = strchr(s, '/');
	char ip[64];
	size_t n, digits;
	int family;

	if (!slash || (n = (size_t)(slash - s)) >= sizeof(ip))
		return 0;
	memcpy(ip, s, n);
	ip[n] = '\0';
	family = cni_ip_family(ip);
	digits = strspn(slash + 1, "0123456789");
	if (!family || digits == 0 || digits > 3 || slash[1 + digits] != '\0')
		return 0;
	return atoi(slash + 1) <= (family == 4 ? 32 : 128) ? family : 0;
}

/* Member `key` of obj, a string that must pass `family_of`; 1 when
 * present, 0 when absent. */
static int addr_member(struct oj *c, yajl_val obj, const char *key, bool required,
		       int (*family_of)(const char *), char **out, int *family)
{
	size_t mark;
	int r = oj_str(c, obj, key, required, out);

	if (r <= 0)
		return r;
	if ((*family = family_of(*out)) != 0)
		return 1;
	mark = oj_push_key(c, key);
	r = oj_fail(c, "\"%s\" is not %s", oj_quote(c, *out), family_of == cidr_family ?
		    "an IPv4 or IPv6 address with a prefix length (10.1.0.5/24, fd00::5/64)" :
		    "an IPv4 or IPv6 address");
	oj_pop(c, mark);
	return r;
}

/* "interface": an index into "interfaces", which must be there. */
static int parse_index(struct oj *c, yajl_val obj, size_t n_ifaces, int *out)
{
	yajl_val v = oj_member(obj, "interface");
	size_t mark;
	uint64_t x;
	int r;

	*out = -1;
	if (!v)
		return 0;
	mark = oj_push_key(c, "interface");
	if ((r = oj_v_u64(c, v, UINT64_MAX, &x)) < 0)
		return r;
	if (n_ifaces == 0)
		return oj_fail(c, "index %llu, but the result has no \"interfaces\"",
			       (unsigned long long)x);
	if ((r = oj_v_u64(c, v, n_ifaces - 1 < INT_MAX ? n_ifaces - 1 : INT_MAX, &x)) < 0)
		return r;
	*out = (int)x;
	oj_pop(c, mark);
	return 0;
}

static int parse_ip(struct oj *c, yajl_val v, void *item, void *ud)
{
	const size_t *n_ifaces = ud;
	struct cni_ip *ip = item;
	int family, r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = addr_member(c, v, "address", true, cidr_family, &ip->address, &ip->family)) < 0 ||
	    (r = addr_member(c, v, "gateway", false, cni_ip_family, &ip->gateway, &family)) < 0)
		return r;
	return parse_index(c, v, *n_ifaces, &ip->interface);
}

static int parse_dns(struct oj *c, yajl_val doc, struct cni_result *res)
{
	size_t mark;
	yajl_val dns = NULL;
	int r = oj_obj(c, doc, "dns", false, &dns);

	if (r < 0)
		return r;
	/* Absent: the getters below see no members and give empty lists. */
	mark = oj_push_key(c, "dns");
	if ((r = oj_strv(c, dns, "nameservers", &res->dns_nameservers)) < 0 ||
	    (r = oj_strv(c, dns, "search", &res->dns_search)) < 0 ||
	    (r = oj_strv(c, dns, "options", &res->dns_options)) < 0 ||
	    (r = oj_str(c, dns, "domain", false, &res->dns_domain)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_result(struct oj *c, yajl_val doc, struct cni_result *res)
{
	void *ifaces = NULL, *ips = NULL;
	int r;

	if (!YAJL_IS_OBJECT(doc))
		return oj_fail(c, "expected a JSON object, got %s", oj_type_name(doc));
	if ((r = cni_version(c, doc, &res->cni_version)) < 0 ||
	    (r = oj_array(c, doc, "interfaces", false, sizeof(struct cni_iface), &ifaces,
			  &res->n_ifaces, parse_iface, NULL)) < 0)
		return r;
	res->ifaces = ifaces;
	r = oj_array(c, doc, "ips", false, sizeof(struct cni_ip), &ips, &res->n_ips,
		     parse_ip, &res->n_ifaces);
	if (r < 0)
		return r;
	res->ips = ips;
	return parse_dns(c, doc, res);
}

int cni_result_parse(const char *docname, const char *json, size_t len,
		     struct cni_result **out, struct b_err *err)
{
	struct cni_result *res;
	yajl_val doc = NULL;
	struct oj c;
	int r;

	res = calloc(1, sizeof(*res));
	if (!res)
		return b_err_set(err, ENOMEM, "%s: out of memory", docname ? docname : "result");
	oj_init(&c, docname ? docname : "result", &res->arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r == 0)
		r = parse_result(&c, doc, res);
	yajl_tree_free(doc);
	if (r < 0) {
		cni_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}

/* ---- the pod's address ------------------------------------------------ */

/* portmap's rule for the container's address: its interface has the name
 * CNI_IFNAME and a sandbox (an empty one marks a host interface). */
static bool in_sandbox(const struct cni_result *r, const struct cni_ip *ip, const char *ifname)
{
	const struct cni_iface *f;

	if (ip->interface < 0 || (size_t)ip->interface >= r->n_ifaces)
		return false;
	f = &r->ifaces[ip->interface];
	return f->sandbox && f->sandbox[0] && f->name && (!ifname || !strcmp(f->name, ifname));
}

bool cni_result_pod_ip(const struct cni_result *r, const char *ifname, int family,
		       char *buf, size_t size)
{
	bool named = false;
	size_t n;

	for (size_t i = 0; i < r->n_ips; i++)
		named |= r->ips[i].interface >= 0;
	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_ip *ip = &r->ips[i];

		if (ip->family != family || (named && !in_sandbox(r, ip, ifname)))
			continue;
		n = strcspn(ip->address, "/");
		if (n >= size)
			return false;
		memcpy(buf, ip->address, n);
		buf[n] = '\0';
		return true;
	}
	return false;
}

/* ---- the error object --------------------------------------------------- */

/* Cut to fit on a character boundary, control characters made '?': the
 * text goes into one-line messages and logs. */
static void printable(char *dst, size_t size, yajl_val v)
{
	const char *s = YAJL_IS_STRING(v) ? v->u.string : "";
	size_t n = b_utf8_trim(s, strnlen(s, size - 1));

	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[n] = '\0';
}

static int fill_error(struct oj *c, yajl_val doc, struct cni_error *e)
{
	yajl_val code = oj_member(doc, "code");
	uint64_t x;

	if (!code || oj_v_u64(c, code, UINT_MAX, &x) < 0)
		return -EINVAL;
	e->code = (unsigned)x;
	printable(e->msg, sizeof(e->msg), oj_member(doc, "msg"));
	printable(e->details, sizeof(e->details), oj_member(doc, "details"));
	return 0;
}

int cni_error_parse(const char *json, size_t len, struct cni_error *out)
{
	struct b_arena arena = { 0 };
	struct cni_error e;
	struct b_err err;
	yajl_val doc = NULL;
	struct oj c;
	int r;

	oj_init(&c, "error", &arena, &err);
	r = cni_object_text(&c, json, len, &doc);
	if (r == 0)
		r = fill_error(&c, doc, &e);
	yajl_tree_free(doc);
	b_arena_release(&arena);
	if (r < 0)
		return -EINVAL;
	*out = e;
	return 0;
}
