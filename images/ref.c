/* Image references by the docker/distribution grammar and its
 * normalisation (images/ref.h; docs/design/image-facts.md §1):
 *
 *   reference := name [":" tag] ["@" digest]     name := [domain "/"] path
 *
 * The input is cut into spans first (digest at the first '@', tag at the
 * last ':' after the last '/', domain before the first '/' when it looks
 * like one), then each span is checked against its own rule, so every
 * byte belongs to exactly one checked part and a message can say which. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/strutil.h"
#include "images/ref.h"

#define LEGACY_DOMAIN "index.docker.io"
#define OFFICIAL_PREFIX "library/"
/* How much of a string a message quotes, in input bytes. */
#define QUOTE_MAX 96

struct span {
	const char *p;
	size_t n;
};

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool span_is(struct span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static bool span_has(struct span s, char c)
{
	return memchr(s.p, c, s.n) != NULL;
}

/* s[0..n) for a message inside double quotes (b_quote_bytes); buf holds
 * QUOTE_BUF bytes. */
static void quote(const char *s, size_t n, char *buf)
{
	b_quote_bytes(s, n, QUOTE_MAX, buf);
}

#define QUOTE_BUF (QUOTE_MAX * 4 + 4)

/* One offending byte for a message: 'x', or \xNN when it is not printable. */
static void char_name(char c, char buf[8])
{
	unsigned char u = (unsigned char)c;

	if (u > 0x20 && u < 0x7f && c != '\'' && c != '"' && c != '\\')
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "\\x%02x", u);
}

/* The parse error: "image \"<input>\": <what>". */
static int fail(struct b_err *err, const char *input, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct b_err *err, const char *input, const char *fmt, ...)
{
	char q[QUOTE_BUF], what[B_ERR_MSG_MAX];
	va_list ap;

	quote(input, strlen(input), q);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return b_err_set(err, EINVAL, "image \"%s\": %s", q, what);
}

/* ---- the parts -------------------------------------------------------- */

/* A domain name: components of letters, digits and '-' (not at either
 * end), joined by single dots. */
static bool host_name_ok(struct span h)
{
	size_t start = 0;

	if (h.n == 0)
		return false;
	for (size_t i = 0; i <= h.n; i++) {
		if (i < h.n && h.p[i] != '.') {
			if (!is_alnum(h.p[i]) && h.p[i] != '-')
				return false;
			continue;
		}
		if (i == start || h.p[start] == '-' || h.p[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* "[" hex digits and colons "]", as distribution's ipv6address. */
static bool host_ipv6_ok(struct span h)
{
	if (h.n < 3 || h.p[0] != '[' || h.p[h.n - 1] != ']')
		return false;
	for (size_t i = 1; i + 1 < h.n; i++)
		if (!is_lower_hex(h.p[i]) && !(h.p[i] >= 'A' && h.p[i] <= 'F') && h.p[i] != ':')
			return false;
	return true;
}

static int check_domain(const char *input, struct span d, struct b_err *err)
{
	char q[QUOTE_BUF];
	struct span host = d, port = { NULL, 0 };
	const char *colon;

	quote(d.p, d.n, q);
	if (d.n > 0 && d.p[0] == '[') {
		const char *close = memchr(d.p, ']', d.n);

		host.n = close ? (size_t)(close - d.p) + 1 : d.n;
		colon = host.n < d.n ? d.p + host.n : NULL;
		if (colon && *colon != ':')
			return fail(err, input,
				    "registry \"%s\": ']' must end the host "
				    "or come before :port",
				    q);
	} else {
		colon = memchr(d.p, ':', d.n);
		host.n = colon ? (size_t)(colon - d.p) : d.n;
	}
	if (colon) {
		port = (struct span){ colon + 1, d.n - host.n - 1 };
		if (port.n == 0)
			return fail(err, input, "registry \"%s\": empty port after ':'", q);
		for (size_t i = 0; i < port.n; i++)
			if (port.p[i] < '0' || port.p[i] > '9')
				return fail(err, input, "registry \"%s\": the port must be digits",
					    q);
	}
	if (host.n > 0 && host.p[0] == '[' ? !host_ipv6_ok(host) : !host_name_ok(host))
		return fail(err, input,
			    "registry \"%s\": not a host name (letters, digits and '-' between "
			    "dots) or a bracketed IPv6 address",
			    q);
	return 0;
}

/* A run of separators inside a path component: ".", "_", "__" or any
 * number of '-'. */
static bool separator_ok(const char *p, size_t n)
{
	if (n == 1)
		return p[0] == '.' || p[0] == '_' || p[0] == '-';
	if (n == 2 && p[0] == '_' && p[1] == '_')
		return true;
	for (size_t i = 0; i < n; i++)
		if (p[i] != '-')
			return false;
	return true;
}

/* One path component: [a-z0-9]+ runs joined by separators. */
static int check_component(const char *input, struct span c, struct b_err *err)
{
	char q[QUOTE_BUF], sq[QUOTE_BUF];

	quote(c.p, c.n, q);
	if (c.n == 0)
		return fail(err, input, "empty path component (a '/' at an end or twice)");
	if (!is_lower_alnum(c.p[0]) || !is_lower_alnum(c.p[c.n - 1]))
		return fail(err, input,
			    "path component \"%s\" must start and end with a letter or digit", q);
	for (size_t i = 0; i < c.n;) {
		size_t j = i;

		while (j < c.n && !is_lower_alnum(c.p[j]))
			j++;
		if (j > i && !separator_ok(c.p + i, j - i)) {
			quote(c.p + i, j - i, sq);
			return fail(err, input,
				    "path component \"%s\": separator \"%s\" (one '.', one or "
				    "two '_', or '-'s)",
				    q, sq);
		}
		while (j < c.n && is_lower_alnum(c.p[j]))
			j++;
		i = j;
	}
	return 0;
}

static int check_path(const char *input, struct span p, struct b_err *err)
{
	char q[QUOTE_BUF], cn[8];
	size_t start = 0;

	if (p.n == 0)
		return fail(err, input, "no repository name");
	quote(p.p, p.n, q);
	for (size_t i = 0; i < p.n; i++)
		if (p.p[i] >= 'A' && p.p[i] <= 'Z')
			return fail(err, input, "repository name \"%s\" must be lowercase", q);
	for (size_t i = 0; i < p.n; i++) {
		char c = p.p[i];

		if (!is_lower_alnum(c) && c != '.' && c != '_' && c != '-' && c != '/') {
			char_name(c, cn);
			return fail(err, input, "bad character %s in repository name \"%s\"", cn,
				    q);
		}
	}
	for (size_t i = 0; i <= p.n; i++) {
		if (i < p.n && p.p[i] != '/')
			continue;
		int r = check_component(input, (struct span){ p.p + start, i - start }, err);
		if (r < 0)
			return r;
		start = i + 1;
	}
	return 0;
}

static int check_tag(const char *input, struct span t, struct b_err *err)
{
	char cn[8];

	if (t.n == 0)
		return fail(err, input, "empty tag after ':'");
	if (t.n > IMG_TAG_MAX)
		return fail(err, input, "tag is longer than %d characters (%zu)", IMG_TAG_MAX, t.n);
	if (!is_word(t.p[0])) {
		char_name(t.p[0], cn);
		return fail(err, input, "tag starts with %s (a letter, digit or '_' first)", cn);
	}
	for (size_t i = 1; i < t.n; i++) {
		if (!is_word(t.p[i]) && t.p[i] != '.' && t.p[i] != '-') {
			char_name(t.p[i], cn);
			return fail(err, input,
				    "bad character %s in tag (letters, digits, '_', '.', '-')", cn);
		}
	}
	return 0;
}

/* distribution's algorithm grammar: [A-Za-z][A-Za-z0-9]* joined by one of
 * "-_+.".  Only decides between "unsupported" and "malformed". */
static bool algorithm_ok(struct span a)
{
	bool want_letter = true;

	if (a.n == 0)
		return false;
	for (size_t i = 0; i < a.n; i++) {
		char c = a.p[i];

		if (want_letter) {
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
				return false;
			want_letter = false;
		} else if (c == '-' || c == '_' || c == '+' || c == '.') {
			want_letter = true;
		} else if (!is_alnum(c)) {
			return false;
		}
	}
	return !want_letter;
}

static int check_digest(const char *input, struct span d, struct b_err *err)
{
	char q[QUOTE_BUF];
	const char *colon = memchr(d.p, ':', d.n);
	struct span alg, hex;

	if (d.n == 0)
		return fail(err, input, "empty digest after '@'");
	if (!colon)
		return fail(err, input, "digest is not algorithm:hex (sha256:<64 hex digits>)");
	alg = (struct span){ d.p, (size_t)(colon - d.p) };
	hex = (struct span){ colon + 1, d.n - alg.n - 1 };
	quote(alg.p, alg.n, q);
	if (!span_is(alg, "sha256")) {
		if (algorithm_ok(alg))
			return fail(err, input,
				    "digest algorithm \"%s\" is not supported (only sha256)", q);
		return fail(err, input, "bad digest algorithm \"%s\" (only sha256)", q);
	}
	bool ok = hex.n == 64;

	for (size_t i = 0; ok && i < hex.n; i++)
		ok = is_lower_hex(hex.p[i]);
	if (!ok)
		return fail(err, input,
			    "sha256 digest must be 64 lowercase hexadecimal digits (got %zu "
			    "characters)",
			    hex.n);
	return 0;
}

/* ---- the whole reference ---------------------------------------------- */

struct parts {
	struct span domain, path, tag, digest;
	bool has_domain, has_tag, has_digest, library;
};

/* distribution's splitDockerDomain: the first component is a registry when
 * it contains '.' or ':', is "localhost", or has upper case. */
static bool looks_like_domain(struct span c)
{
	if (span_has(c, '.') || span_has(c, ':') || span_is(c, "localhost"))
		return true;
	for (size_t i = 0; i < c.n; i++)
		if (c.p[i] >= 'A' && c.p[i] <= 'Z')
			return true;
	return false;
}

static void split(const char *s, struct parts *pt)
{
	size_t len = strlen(s), name_end, repo_end, tag_from = 0;
	const char *at = strchr(s, '@'), *slash;

	memset(pt, 0, sizeof(*pt));
	name_end = at ? (size_t)(at - s) : len;
	if (at)
		pt->digest = (struct span){ at + 1, len - name_end - 1 };
	pt->has_digest = at != NULL;
	for (size_t i = 0; i < name_end; i++)
		if (s[i] == '/')
			tag_from = i + 1;
	repo_end = name_end;
	for (size_t i = name_end; i > tag_from; i--) {
		if (s[i - 1] == ':') {
			repo_end = i - 1;
			pt->tag = (struct span){ s + i, name_end - i };
			pt->has_tag = true;
			break;
		}
	}
	slash = memchr(s, '/', repo_end);
	pt->path = (struct span){ s, repo_end };
	pt->domain = (struct span){ IMG_DEFAULT_DOMAIN, strlen(IMG_DEFAULT_DOMAIN) };
	if (slash && looks_like_domain((struct span){ s, (size_t)(slash - s) })) {
		pt->domain = (struct span){ s, (size_t)(slash - s) };
		pt->path = (struct span){ slash + 1, repo_end - pt->domain.n - 1 };
		pt->has_domain = true;
	}
	if (span_is(pt->domain, LEGACY_DOMAIN))
		pt->domain = (struct span){ IMG_DEFAULT_DOMAIN, strlen(IMG_DEFAULT_DOMAIN) };
	pt->library = span_is(pt->domain, IMG_DEFAULT_DOMAIN) && !span_has(pt->path, '/');
}

static bool is_image_id(const char *s)
{
	size_t n = 0;

	while (s[n] && is_lower_hex(s[n]))
		n++;
	return n == 64 && s[n] == '\0';
}

static void copy_span(char *dst, struct span s)
{
	memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
}

int img_ref_parse(const char *s, struct img_ref *out, struct b_err *err)
{
	struct parts pt;
	size_t name_len;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return fail(err, "", "empty reference");
	if (is_image_id(s))
		return fail(err, s,
			    "64 hexadecimal digits alone look like an image ID, "
			    "not a reference (write sha256:... after '@' for a digest)");
	split(s, &pt);
	if (pt.has_domain)
		r = check_domain(s, pt.domain, err);
	if (r == 0)
		r = check_path(s, pt.path, err);
	if (r == 0 && pt.has_tag)
		r = check_tag(s, pt.tag, err);
	if (r == 0 && pt.has_digest)
		r = check_digest(s, pt.digest, err);
	if (r < 0)
		return r;
	name_len = pt.domain.n + 1 + (pt.library ? strlen(OFFICIAL_PREFIX) : 0) + pt.path.n;
	if (name_len > IMG_NAME_MAX)
		return fail(err, s, "name is longer than %d characters (%zu once normalised)",
			    IMG_NAME_MAX, name_len);
	copy_span(out->domain, pt.domain);
	snprintf(out->path, sizeof(out->path), "%s", pt.library ? OFFICIAL_PREFIX : "");
	copy_span(out->path + strlen(out->path), pt.path);
	if (pt.has_tag)
		copy_span(out->tag, pt.tag);
	else if (!pt.has_digest)
		strcpy(out->tag, "latest");
	if (pt.has_digest)
		copy_span(out->digest, pt.digest);
	return 0;
}

void img_ref_name(const struct img_ref *r, char *buf, size_t size)
{
	if (size > 0)
		snprintf(buf, size, "%s/%s", r->domain, r->path);
}

void img_ref_format(const struct img_ref *r, char *buf, size_t size)
{
	if (size > 0)
		snprintf(buf, size, "%s/%s%s%s%s%s", r->domain, r->path, r->tag[0] ? ":" : "",
			 r->tag, r->digest[0] ? "@" : "", r->digest);
}

bool img_is_local_path(const char *image)
{
	if (!image)
		return false;
	return image[0] == '/' || strncmp(image, "./", 2) == 0 || strncmp(image, "../", 3) == 0 ||
	       strcmp(image, ".") == 0 || strcmp(image, "..") == 0;
}

enum img_pull_policy img_default_pull_policy(const char *written)
{
	struct img_ref r;
	struct b_err err;

	if (img_ref_parse(written, &r, &err) < 0)
		return IMG_PULL_IF_NOT_PRESENT;
	return strcmp(r.tag, "latest") == 0 ? IMG_PULL_ALWAYS : IMG_PULL_IF_NOT_PRESENT;
}

const char *img_pull_policy_name(enum img_pull_policy p)
{
	switch (p) {
	case IMG_PULL_ALWAYS:
		return "Always";
	case IMG_PULL_IF_NOT_PRESENT:
		return "IfNotPresent";
	case IMG_PULL_NEVER:
		return "Never";
	}
	return "?";
}
