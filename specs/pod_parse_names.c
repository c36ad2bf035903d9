/* Name syntaxes of the Kubernetes API (DNS-1123 labels, IANA service
 * names, qualified label keys) and lexical path handling. */
#include <string.h>

#include "pod_parse_internal.h"

#define DNS_LABEL_MAX 63
#define DNS_SUBDOMAIN_MAX 253
#define IANA_SVC_NAME_MAX 15

static bool lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool alnum(char ch)
{
	return lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? of n characters. */
static bool dns_label_n(const char *s, size_t n)
{
	if (n == 0 || n > DNS_LABEL_MAX || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool pod_dns_label_ok(const char *s)
{
	return dns_label_n(s, strlen(s));
}

static bool dns_subdomain_n(const char *s, size_t n)
{
	size_t start = 0;

	if (n == 0 || n > DNS_SUBDOMAIN_MAX)
		return false;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '.') {
			if (!dns_label_n(s + start, i - start))
				return false;
			start = i + 1;
		}
	return true;
}

bool pod_iana_svc_name_ok(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;

	if (n == 0 || n > IANA_SVC_NAME_MAX || s[0] == '-' || s[n - 1] == '-' ||
	    strstr(s, "--"))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
		letter |= s[i] >= 'a' && s[i] <= 'z';
	}
	return letter;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63. */
static bool name_part_n(const char *s, size_t n)
{
	if (n == 0 || n > DNS_LABEL_MAX || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

bool pod_qualified_name_ok(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash)
		return name_part_n(s, strlen(s));
	return dns_subdomain_n(s, (size_t)(slash - s)) &&
	       name_part_n(slash + 1, strlen(slash + 1));
}

bool pod_label_value_ok(const char *s)
{
	return !s[0] || name_part_n(s, strlen(s));
}

bool pod_http_token_ok(const char *s)
{
	if (!s[0])
		return false;
	for (; *s; s++)
		if (!alnum(*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return false;
	return true;
}

int pod_v_dns_label(struct oj *c, const char *s)
{
	if (pod_dns_label_ok(s))
		return 0;
	return oj_fail(c, "\"%s\" is not a valid name (lowercase letters, digits and '-', "
		       "starting and ending with a letter or digit, at most 63 characters)",
		       oj_quote(c, s));
}

int pod_v_iana_svc_name(struct oj *c, const char *s)
{
	if (pod_iana_svc_name_ok(s))
		return 0;
	return oj_fail(c, "\"%s\" is not a valid port name (at most 15 lowercase letters, "
		       "digits and '-', with at least one letter and no '-' at either end "
		       "or twice in a row)", oj_quote(c, s));
}

int pod_dns_label(struct oj *c, yajl_val obj, const char *key, bool required,
		  char **out)
{
	size_t mark;
	int r = oj_str(c, obj, key, required, out);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	r = pod_v_dns_label(c, *out);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 1;
}

int pod_abspath(struct oj *c, yajl_val obj, const char *key, bool required,
		char **out)
{
	size_t mark;
	int r = oj_abspath(c, obj, key, required, out);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	if (pod_path_has_dotdot(*out))
		return oj_fail(c, "\"%s\" must not contain '..'", oj_quote(c, *out));
	oj_pop(c, mark);
	return 1;
}

bool pod_path_has_dotdot(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s += n;
		s += strspn(s, "/");
	}
	return false;
}

/* Elements are appended to `out` (which starts as "/"), ".." removing the
 * last one; the root has no parent. */
static void clean_into(char *out, size_t *o, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (*o > 1 && out[*o - 1] != '/')
				(*o)--;
			if (*o > 1)
				(*o)--;
		} else if (n && !(n == 1 && s[0] == '.')) {
			if (*o > 1)
				out[(*o)++] = '/';
			memcpy(out + *o, s, n);
			*o += n;
		}
		s += n;
		s += strspn(s, "/");
	}
	out[*o] = '\0';
}

char *pod_path_join(struct b_arena *a, const char *base, const char *rel)
{
	char *out = b_arena_alloc(a, strlen(base) + strlen(rel) + 3);
	size_t o = 1;

	out[0] = '/';
	out[1] = '\0';
	if (rel[0] != '/')
		clean_into(out, &o, base);
	clean_into(out, &o, rel);
	return out;
}
