/* An image's User against its /etc/passwd and /etc/group (passwd.h).
 * Every line is read in place as spans of the caller's buffer: nothing is
 * copied, so no line is too long and a NUL byte is just a byte. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/strutil.h"
#include "images/passwd.h"

/* The largest id: (uint32_t)-1 means "no change" to setresuid(2). */
#define ID_MAX 4294967294u
/* How much of the spec a message quotes, in bytes. */
#define QUOTE_MAX 64
#define QUOTE_BUF (QUOTE_MAX * 4 + 4)

struct span {
	const char *p;
	size_t n;
};

/* ---- text ------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next line of *text (without its '\n', blanks at both ends cut);
 * false at the end. */
static bool next_line(struct span *text, struct span *line)
{
	const char *nl;

	if (!text->n)
		return false;
	nl = memchr(text->p, '\n', text->n);
	line->p = text->p;
	line->n = nl ? (size_t)(nl - text->p) : text->n;
	text->p += line->n + (nl != NULL);
	text->n -= line->n + (nl != NULL);
	while (line->n && is_blank(line->p[0])) {
		line->p++;
		line->n--;
	}
	while (line->n && is_blank(line->p[line->n - 1]))
		line->n--;
	return true;
}

/* Field i (from 0) of a ':'-separated line; false when the line has fewer. */
static bool field(struct span line, unsigned i, struct span *out)
{
	for (;;) {
		const char *c = memchr(line.p, ':', line.n);
		size_t n = c ? (size_t)(c - line.p) : line.n;

		if (i-- == 0) {
			*out = (struct span){ line.p, n };
			return true;
		}
		if (!c)
			return false;
		line.p += n + 1;
		line.n -= n + 1;
	}
}

/* A decimal id from 0 to ID_MAX, nothing else (no sign, no blanks). */
static bool parse_id(struct span s, uint32_t *out)
{
	uint64_t v = 0;

	if (!s.n || s.n > 10)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (v > ID_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool span_eq(struct span a, struct span b)
{
	return a.n == b.n && !memcmp(a.p, b.p, a.n);
}

/* ---- passwd and group entries ------------------------------------------ */

/* name:password:id:... as in both files: the name and the id (field 2),
 * false for a line to skip. */
static bool entry(struct span line, struct span *name, uint32_t *id)
{
	struct span idf;

	if (!line.n || line.p[0] == '#')
		return false;
	return field(line, 0, name) && name->n && field(line, 2, &idf) && parse_id(idf, id);
}

/* The passwd entry with this name (by_name) or uid: its name, uid and gid.
 * A gid that is not a valid id skips the line, like a bad uid. */
static bool passwd_find(struct span text, bool by_name, struct span name, uint32_t uid,
			struct span *out_name, uint32_t *out_uid, uint32_t *out_gid)
{
	struct span line, n, g;
	uint32_t id, gid;

	while (next_line(&text, &line)) {
		if (!entry(line, &n, &id) || !field(line, 3, &g) || !parse_id(g, &gid))
			continue;
		if (by_name ? span_eq(n, name) : id == uid) {
			*out_name = n;
			*out_uid = id;
			*out_gid = gid;
			return true;
		}
	}
	return false;
}

static bool group_find(struct span text, struct span name, uint32_t *gid)
{
	struct span line, n;
	uint32_t id;

	while (next_line(&text, &line))
		if (entry(line, &n, &id) && span_eq(n, name)) {
			*gid = id;
			return true;
		}
	return false;
}

/* Whether the comma-separated member list names `user`. */
static bool has_member(struct span members, struct span user)
{
	while (members.n) {
		const char *c = memchr(members.p, ',', members.n);
		size_t n = c ? (size_t)(c - members.p) : members.n;

		if (span_eq((struct span){ members.p, n }, user))
			return true;
		members.p += n + (c != NULL);
		members.n -= n + (c != NULL);
	}
	return false;
}

static bool has_gid(const struct img_user *u, uint32_t gid)
{
	for (size_t i = 0; i < u->n_groups; i++)
		if (u->groups[i] == gid)
			return true;
	return gid == u->gid;
}

/* The groups listing `user` by name; false when there are too many. */
static bool collect_groups(struct span text, struct span user, struct img_user *u)
{
	struct span line, n, members;
	uint32_t gid;

	while (next_line(&text, &line)) {
		if (!entry(line, &n, &gid) || !field(line, 3, &members) ||
		    !has_member(members, user) || has_gid(u, gid))
			continue;
		if (u->n_groups == IMG_USER_GROUPS_MAX)
			return false;
		u->groups[u->n_groups++] = gid;
	}
	return true;
}

/* ---- the spec ----------------------------------------------------------- */

/* s for a message inside double quotes (b_quote_bytes). */
static void quote(struct span s, char *buf)
{
	b_quote_bytes(s.p, s.n, QUOTE_MAX, buf);
}

/* "user \"<spec>\": <what>". */
static int fail(struct b_err *err, int code, const char *spec, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct b_err *err, int code, const char *spec, const char *fmt, ...)
{
	char q[QUOTE_BUF], what[512];
	va_list ap;

	quote((struct span){ spec, strlen(spec) }, q);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return b_err_set(err, code, "user \"%s\": %s", q, what);
}

/* A user or group name the image's file does not have. */
static int fail_missing(struct b_err *err, const char *spec, const char *kind,
			struct span name, const char *file)
{
	char q[QUOTE_BUF];

	quote(name, q);
	return fail(err, ENOENT, spec, "no %s \"%s\" in the image's %s", kind, q, file);
}

struct files {
	struct span passwd, group;
};

/* The user part: a uid, or a name that must be in passwd.  *name is the
 * name whose groups apply (empty for a uid without an entry); *gid the
 * passwd entry's gid, 0 without one. */
static int resolve_user(const char *spec, struct span part, const struct files *f,
			struct img_user *out, struct span *name, struct b_err *err)
{
	static const struct span none = { "", 0 };
	bool numeric = part.n && strspn(part.p, "0123456789") >= part.n;
	uint32_t uid = 0, gid = 0;

	*name = none;
	if (numeric && !parse_id(part, &uid))
		return fail(err, EINVAL, spec, "uid out of range (at most %u)", ID_MAX);
	if (!passwd_find(f->passwd, !numeric, part, uid, name, &uid, &gid) && !numeric)
		return fail_missing(err, spec, "user", part, "/etc/passwd");
	out->uid = uid;
	out->gid = gid;
	return 0;
}

/* The group part: a gid as it is, or a name that must be in group. */
static int resolve_group(const char *spec, struct span part, const struct files *f,
			 struct img_user *out, struct b_err *err)
{
	if (part.n && strspn(part.p, "0123456789") >= part.n) {
		if (!parse_id(part, &out->gid))
			return fail(err, EINVAL, spec, "gid out of range (at most %u)", ID_MAX);
		return 0;
	}
	if (!group_find(f->group, part, &out->gid))
		return fail_missing(err, spec, "group", part, "/etc/group");
	return 0;
}

static int resolve(const char *spec, const struct files *f, struct img_user *out,
		   struct b_err *err)
{
	const char *colon = strchr(spec, ':');
	struct span user = { spec, colon ? (size_t)(colon - spec) : strlen(spec) };
	struct span name;
	int r;

	/* containerd splits on every ':' and takes one or two parts. */
	if (!user.n || (colon && (!colon[1] || strchr(colon + 1, ':'))))
		return fail(err, EINVAL, spec, "expected uid, name, uid:gid or name:group");
	if ((r = resolve_user(spec, user, f, out, &name, err)) < 0)
		return r;
	if (colon && (r = resolve_group(spec, (struct span){ colon + 1, strlen(colon + 1) },
					f, out, err)) < 0)
		return r;
	if (name.n && !collect_groups(f->group, name, out))
		return fail(err, E2BIG, spec, "in more than %d groups in the image's /etc/group "
			    "(leaving one out could grant access it denies)", IMG_USER_GROUPS_MAX);
	return 0;
}

int img_user_resolve(const char *spec, const char *passwd, size_t plen,
		     const char *group, size_t glen, struct img_user *out,
		     struct b_err *err)
{
	const struct files f = {
		{ passwd ? passwd : "", passwd ? plen : 0 },
		{ group ? group : "", group ? glen : 0 },
	};

	*out = (struct img_user){ 0 };
	/* The kubelet and containerd take no user for root. */
	return resolve(spec && spec[0] ? spec : "0:0", &f, out, err);
}

int img_user_for_uid(uint32_t uid, const char *passwd, size_t plen,
		     const char *group, size_t glen, struct img_user *out,
		     struct b_err *err)
{
	char spec[16];

	snprintf(spec, sizeof(spec), "%u", uid);
	return img_user_resolve(spec, passwd, plen, group, glen, out, err);
}
