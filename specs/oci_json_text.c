/* From text to a yajl tree (oj_parse_text), with the checks yajl leaves
 * out; see oci_json.h. */
#include "oci_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "common/cleanup.h"
#include "common/utf8.h"

/* Deeper nesting than any real config; bounds yajl_tree_free()'s recursion
 * and check_strings()'s. */
#define OJ_MAX_DEPTH 128

static void line_col(const char *s, size_t off, unsigned *line, unsigned *col)
{
	size_t bol = 0;

	*line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (unsigned)(off - bol + 1);
}

static int fail_at(struct oj *c, const char *s, size_t off, const char *what)
{
	unsigned line, col;

	line_col(s, off, &line, &col);
	return b_err_set(c->err, EINVAL, "%s: invalid JSON: %s at line %u, column %u",
			 c->name, what, line, col);
}

/* Past a comment starting at s[i] (yajl_tree_parse() accepts them); returns
 * the index of its last byte. */
static size_t skip_comment(const char *s, size_t len, size_t i)
{
	if (s[i + 1] == '/') {
		while (i + 1 < len && s[i + 1] != '\n')
			i++;
		return i;
	}
	for (i += 2; i + 1 < len; i++)
		if (s[i] == '*' && s[i + 1] == '/')
			return i + 1;
	return len - 1;
}

/* The code unit of a \uXXXX escape at s[i], or -1 when there is none
 * (yajl then reports the bad escape itself). */
static long escape_unit(const char *s, size_t len, size_t i)
{
	long u = 0;

	if (i + 6 > len || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	for (size_t k = i + 2; k < i + 6; k++) {
		char ch = s[k];
		int d = ch >= '0' && ch <= '9' ? ch - '0' :
			ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		u = u * 16 + d;
	}
	return u;
}

/* Check the escape at s[*i] (a backslash in a string) and move *i to its
 * last byte.  yajl turns \u0000 into a NUL that silently truncates a string
 * (a path!), a first surrogate half without its second into '?', one with
 * a bad second half into some other character, and a lone second half
 * into bytes that are not UTF-8. */
static int check_escape(struct oj *c, const char *s, size_t len, size_t *i)
{
	long u = escape_unit(s, len, *i), low;

	if (u < 0) {
		*i += 1;
		return 0;
	}
	if (u == 0)
		return fail_at(c, s, *i, "\\u0000 in a string");
	if (u >= 0xdc00 && u <= 0xdfff)
		return fail_at(c, s, *i, "unpaired surrogate escape in a string");
	if (u >= 0xd800 && u <= 0xdbff) {
		low = escape_unit(s, len, *i + 6);
		if (low < 0xdc00 || low > 0xdfff)
			return fail_at(c, s, *i, "unpaired surrogate escape in a string");
		*i += 6;
	}
	*i += 5;
	return 0;
}

/* What yajl's tree API cannot tell us: a NUL byte in the text or a bad
 * \u escape (check_escape()), and unbounded nesting that would make the
 * recursive tree code overflow the stack. */
static int prescan(struct oj *c, const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);
	bool in_str = false;
	unsigned depth = 0;
	int r;

	if (nul)
		return fail_at(c, s, (size_t)(nul - s), "NUL byte in text");
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (!in_str && ch == '/' && i + 1 < len &&
		    (s[i + 1] == '/' || s[i + 1] == '*')) {
			i = skip_comment(s, len, i);
			continue;
		}
		if (in_str) {
			if (ch == '"')
				in_str = false;
			else if (ch == '\\' && i + 1 < len && (r = check_escape(c, s, len, &i)) < 0)
				return r;
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == '{' || ch == '[') {
			if (++depth > OJ_MAX_DEPTH)
				return fail_at(c, s, i, "nesting too deep");
		} else if ((ch == '}' || ch == ']') && depth) {
			depth--;
		}
	}
	return 0;
}

/* yajl_tree_parse() only offers a multi-line "verbose" message; replay the
 * text through a bare parser to get the short one and the byte offset. */
static int explain(struct oj *c, const char *s, size_t len)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	yajl_status st;
	unsigned char *e;
	size_t off = len, n;
	char msg[256];

	if (!h)
		return b_err_set(c->err, ENOMEM, "%s: out of memory", c->name);
	yajl_config(h, yajl_allow_comments, 1);
	st = yajl_parse(h, (const unsigned char *)s, len);
	if (st != yajl_status_ok) {
		size_t used = yajl_get_bytes_consumed(h);

		off = used ? used - 1 : 0;
	} else {
		st = yajl_complete_parse(h);
	}
	if (st == yajl_status_ok) {
		yajl_free(h);
		return b_err_set(c->err, EINVAL, "%s: invalid JSON", c->name);
	}
	e = yajl_get_error(h, 0, NULL, 0);
	snprintf(msg, sizeof(msg), "%s", e ? (char *)e : "parse error");
	yajl_free_error(h, e);
	yajl_free(h);
	/* "parse error: premature EOF\n" -> one line without the period. */
	n = strcspn(msg, "\n");
	while (n && (msg[n - 1] == '.' || msg[n - 1] == ' '))
		n--;
	msg[n] = '\0';
	return fail_at(c, s, off, msg);
}

static bool utf8_ok(const char *s)
{
	return b_utf8_valid(s, strlen(s));
}

/* Where find_bad() stopped: the member or element index at each level
 * down from the root, and whether it was a key or a string value. */
struct trail {
	size_t at[OJ_MAX_DEPTH + 1];
	size_t depth;
	bool key;
};

/* The first string or key that is not UTF-8, depth first.  The path is
 * only spelt out for the one that fails (report()), so a document with
 * many strings costs a walk, not a path per string.  prescan() bounds
 * the depth. */
static bool find_bad(yajl_val v, struct trail *t, size_t depth)
{
	if (YAJL_IS_STRING(v) && !utf8_ok(v->u.string)) {
		t->depth = depth;
		return true;
	}
	for (size_t i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++) {
		t->at[depth] = i;
		if (find_bad(v->u.array.values[i], t, depth + 1))
			return true;
	}
	for (size_t i = 0; YAJL_IS_OBJECT(v) && i < v->u.object.len; i++) {
		t->at[depth] = i;
		t->key = !utf8_ok(v->u.object.keys[i]);
		if (t->key) {
			t->depth = depth + 1;
			return true;
		}
		if (find_bad(v->u.object.values[i], t, depth + 1))
			return true;
	}
	return false;
}

static int report(struct oj *c, yajl_val v, const struct trail *t)
{
	for (size_t d = 0; d < t->depth; d++) {
		size_t i = t->at[d];

		if (YAJL_IS_ARRAY(v)) {
			oj_push_index(c, i);
			v = v->u.array.values[i];
		} else {
			oj_push_field(c, v->u.object.keys[i]);
			v = v->u.object.values[i];
		}
	}
	return oj_fail(c, t->key ? "key is not valid UTF-8" : "not valid UTF-8");
}

/* yajl only checks the shape of a UTF-8 sequence, so overlong forms
 * ("\xc0\xaf" for '/'), surrogates and code points past U+10FFFF would
 * reach paths, hostnames and logs; and JSON log lines, which must be
 * valid, would refuse our own messages quoting them.  Every string and
 * key must be shortest-form UTF-8. */
static int check_strings(struct oj *c, yajl_val root)
{
	struct trail t = { .depth = 0 };

	return find_bad(root, &t, 0) ? report(c, root, &t) : 0;
}

int oj_parse_text(struct oj *c, const char *json, size_t len, yajl_val *out)
{
	_cleanup_free_ char *text = NULL;
	char ebuf[256];
	yajl_val v;
	int r;

	r = prescan(c, json, len);
	if (r < 0)
		return r;
	text = malloc(len + 1);
	if (!text)
		return b_err_set(c->err, ENOMEM, "%s: out of memory", c->name);
	memcpy(text, json, len);
	text[len] = '\0';
	v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!v)
		return explain(c, text, len);
	r = check_strings(c, v);
	if (r < 0) {
		yajl_tree_free(v);
		return r;
	}
	*out = v;
	return 0;
}
