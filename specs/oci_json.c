/* Typed getters over yajl's tree API; see oci_json.h. */
#include "oci_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "common/cleanup.h"

/* Deeper nesting than any real config; bounds yajl_tree_free()'s recursion. */
#define OJ_MAX_DEPTH 128
/* How much of a user-supplied string a message quotes. */
#define OJ_QUOTE_MAX 96

void oj_init(struct oj *c, const char *name, struct b_arena *arena,
	     struct b_err *err)
{
	c->name = name ? name : "config";
	c->arena = arena;
	c->err = err;
	c->len = 0;
	c->path[0] = '\0';
}

/* ---- errors and paths ------------------------------------------------ */

int oj_fail(struct oj *c, const char *fmt, ...)
{
	char msg[B_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->len)
		return b_err_set(c->err, EINVAL, "%s: %s: %s", c->name, c->path, msg);
	return b_err_set(c->err, EINVAL, "%s: %s", c->name, msg);
}

static size_t push(struct oj *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t push(struct oj *c, const char *fmt, ...)
{
	size_t mark = c->len, room = sizeof(c->path) - c->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n < room ? (size_t)n : room - 1;
	return mark;
}

size_t oj_push_key(struct oj *c, const char *key)
{
	return push(c, c->len ? ".%s" : "%s", key);
}

size_t oj_push_index(struct oj *c, size_t i)
{
	return push(c, "[%zu]", i);
}

size_t oj_push_mapkey(struct oj *c, const char *key)
{
	return push(c, "[\"%s\"]", oj_quote(c, key));
}

void oj_pop(struct oj *c, size_t mark)
{
	c->len = mark;
	c->path[mark] = '\0';
}

const char *oj_type_name(yajl_val v)
{
	if (!v || YAJL_IS_NULL(v))
		return "null";
	if (YAJL_IS_STRING(v))
		return "a string";
	if (YAJL_IS_NUMBER(v))
		return "a number";
	if (YAJL_IS_OBJECT(v))
		return "an object";
	if (YAJL_IS_ARRAY(v))
		return "an array";
	return "a boolean";
}

const char *oj_quote(struct oj *c, const char *s)
{
	char *out = b_arena_alloc(c->arena, OJ_QUOTE_MAX * 6 + 4);
	size_t o = 0, i;

	for (i = 0; s[i] && i < OJ_QUOTE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch == '\n') {
			memcpy(out + o, "\\n", 2);
			o += 2;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)sprintf(out + o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	if (s[i])
		memcpy(out + o, "...", 4);
	else
		out[o] = '\0';
	return out;
}

/* ---- document parsing ------------------------------------------------ */

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

/* What yajl's tree API cannot tell us: a NUL byte in the text or a \u0000
 * escape would silently truncate a string (a path!), and unbounded nesting
 * would make the recursive tree code overflow the stack. */
static int prescan(struct oj *c, const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);
	bool in_str = false;
	unsigned depth = 0;

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
			if (ch == '"') {
				in_str = false;
			} else if (ch == '\\' && i + 1 < len) {
				if (s[i + 1] == 'u' && len - i >= 6 &&
				    !memcmp(s + i + 2, "0000", 4))
					return fail_at(c, s, i, "\\u0000 in a string");
				i++;
			}
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
	*out = v;
	return 0;
}

/* ---- lookup ---------------------------------------------------------- */

yajl_val oj_member(yajl_val obj, const char *key)
{
	yajl_val found = NULL;

	if (!obj || !YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			found = obj->u.object.values[i];
	if (found && YAJL_IS_NULL(found))
		return NULL;
	return found;
}

/* ---- value-level ----------------------------------------------------- */

static int expected(struct oj *c, const char *what, yajl_val v)
{
	return oj_fail(c, "expected %s, got %s", what, oj_type_name(v));
}

int oj_v_object(struct oj *c, yajl_val v)
{
	return YAJL_IS_OBJECT(v) ? 0 : expected(c, "an object", v);
}

int oj_v_str(struct oj *c, yajl_val v, char **out)
{
	if (!YAJL_IS_STRING(v))
		return expected(c, "a string", v);
	*out = b_arena_strdup(c->arena, v->u.string);
	return 0;
}

int oj_v_bool(struct oj *c, yajl_val v, bool *out)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return expected(c, "a boolean", v);
	*out = YAJL_IS_TRUE(v);
	return 0;
}

/* JSON integers only: no fraction, no exponent ("1e3" is a float to us, as
 * to Go's encoding/json when decoding into an integer). */
static const char *int_text(struct oj *c, yajl_val v, int *r)
{
	const char *s;

	*r = 0;
	if (!YAJL_IS_NUMBER(v)) {
		*r = expected(c, "an integer", v);
		return NULL;
	}
	s = v->u.number.r;
	if (s[strspn(s, "-0123456789")] != '\0') {
		*r = oj_fail(c, "expected an integer, got %s", oj_quote(c, s));
		return NULL;
	}
	return s;
}

int oj_v_u64(struct oj *c, yajl_val v, uint64_t max, uint64_t *out)
{
	unsigned long long x;
	const char *s;
	char *end;
	int r;

	s = int_text(c, v, &r);
	if (!s)
		return r;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (s[0] == '-') {
		if (strcmp(s, "-0"))
			return oj_fail(c, "%s is out of range (0 to %llu)",
				       oj_quote(c, s), (unsigned long long)max);
		x = 0;
	}
	if (errno == ERANGE || x > max)
		return oj_fail(c, "%s is out of range (0 to %llu)",
			       oj_quote(c, s), (unsigned long long)max);
	*out = x;
	return 0;
}

int oj_v_i64(struct oj *c, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
	long long x;
	const char *s;
	char *end;
	int r;

	s = int_text(c, v, &r);
	if (!s)
		return r;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno == ERANGE || x < min || x > max)
		return oj_fail(c, "%s is out of range (%lld to %lld)",
			       oj_quote(c, s), (long long)min, (long long)max);
	*out = x;
	return 0;
}

int oj_v_u32(struct oj *c, yajl_val v, uint32_t *out)
{
	uint64_t x;
	int r = oj_v_u64(c, v, UINT32_MAX, &x);

	if (r == 0)
		*out = (uint32_t)x;
	return r;
}

int oj_v_strv(struct oj *c, yajl_val v, char ***out)
{
	char **list;
	size_t n;

	if (!YAJL_IS_ARRAY(v))
		return expected(c, "an array of strings", v);
	n = v->u.array.len;
	list = b_arena_calloc(c->arena, n + 1, sizeof(*list));
	for (size_t i = 0; i < n; i++) {
		size_t mark = oj_push_index(c, i);
		int r = oj_v_str(c, v->u.array.values[i], &list[i]);

		if (r < 0)
			return r;
		oj_pop(c, mark);
	}
	*out = list;
	return 0;
}

int oj_v_kv(struct oj *c, yajl_val v, struct oci_kv_list *out)
{
	size_t n;

	if (!YAJL_IS_OBJECT(v))
		return expected(c, "an object with string values", v);
	n = v->u.object.len;
	out->items = b_arena_calloc(c->arena, n, sizeof(*out->items));
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *key = v->u.object.keys[i];
		size_t mark = oj_push_mapkey(c, key);
		struct oci_kv *kv = NULL;
		char *val;
		int r = oj_v_str(c, v->u.object.values[i], &val);

		if (r < 0)
			return r;
		oj_pop(c, mark);
		/* Last duplicate wins, in place of the first. */
		for (size_t j = 0; j < out->n; j++)
			if (!strcmp(out->items[j].key, key))
				kv = &out->items[j];
		if (!kv) {
			kv = &out->items[out->n++];
			kv->key = b_arena_strdup(c->arena, key);
		}
		kv->value = val;
	}
	return 0;
}

int oj_v_abspath(struct oj *c, const char *s)
{
	if (s[0] != '/')
		return oj_fail(c, "\"%s\" is not an absolute path", oj_quote(c, s));
	return 0;
}

/* ---- member-level ---------------------------------------------------- */

/* Push `key` and fetch the member; a missing required member is an error. */
static int enter(struct oj *c, yajl_val obj, const char *key, bool required,
		 yajl_val *v, size_t *mark)
{
	*mark = oj_push_key(c, key);
	*v = oj_member(obj, key);
	if (*v)
		return 1;
	if (required)
		return oj_fail(c, "required field is missing");
	oj_pop(c, *mark);
	return 0;
}

/* Shared tail of the getters: pop on success, keep the path on failure. */
static int leave(struct oj *c, size_t mark, int r)
{
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 1;
}

int oj_obj(struct oj *c, yajl_val obj, const char *key, bool required,
	   yajl_val *out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, required, &v, &mark);

	if (r <= 0)
		return r;
	*out = v;
	return leave(c, mark, oj_v_object(c, v));
}

int oj_str(struct oj *c, yajl_val obj, const char *key, bool required,
	   char **out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, required, &v, &mark);

	if (r <= 0)
		return r;
	return leave(c, mark, oj_v_str(c, v, out));
}

int oj_abspath(struct oj *c, yajl_val obj, const char *key, bool required,
	       char **out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, required, &v, &mark);

	if (r <= 0)
		return r;
	r = oj_v_str(c, v, out);
	if (r == 0)
		r = oj_v_abspath(c, *out);
	return leave(c, mark, r);
}

int oj_bool(struct oj *c, yajl_val obj, const char *key, bool *out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, false, &v, &mark);

	if (r <= 0)
		return r;
	return leave(c, mark, oj_v_bool(c, v, out));
}

int oj_u64(struct oj *c, yajl_val obj, const char *key, bool required,
	   uint64_t max, uint64_t *out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, required, &v, &mark);

	if (r <= 0)
		return r;
	return leave(c, mark, oj_v_u64(c, v, max, out));
}

int oj_i64(struct oj *c, yajl_val obj, const char *key, bool required,
	   int64_t min, int64_t max, int64_t *out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, required, &v, &mark);

	if (r <= 0)
		return r;
	return leave(c, mark, oj_v_i64(c, v, min, max, out));
}

int oj_u32(struct oj *c, yajl_val obj, const char *key, bool required,
	   uint32_t *out)
{
	uint64_t x;
	int r = oj_u64(c, obj, key, required, UINT32_MAX, &x);

	if (r > 0)
		*out = (uint32_t)x;
	return r;
}

int oj_u16(struct oj *c, yajl_val obj, const char *key, bool required,
	   uint16_t *out)
{
	uint64_t x;
	int r = oj_u64(c, obj, key, required, UINT16_MAX, &x);

	if (r > 0)
		*out = (uint16_t)x;
	return r;
}

int oj_strv(struct oj *c, yajl_val obj, const char *key, char ***out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, false, &v, &mark);

	if (r == 0)
		*out = b_arena_calloc(c->arena, 1, sizeof(char *));
	if (r <= 0)
		return r;
	return leave(c, mark, oj_v_strv(c, v, out));
}

int oj_kv(struct oj *c, yajl_val obj, const char *key, struct oci_kv_list *out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, false, &v, &mark);

	if (r <= 0)
		return r;
	return leave(c, mark, oj_v_kv(c, v, out));
}

int oj_array(struct oj *c, yajl_val obj, const char *key, bool required,
	     size_t size, void **items, size_t *n, oj_item_fn fn, void *ud)
{
	size_t mark, count;
	char *arr;
	yajl_val v;
	int r = enter(c, obj, key, required, &v, &mark);

	if (r <= 0)
		return r;
	if (!YAJL_IS_ARRAY(v))
		return expected(c, "an array", v);
	count = v->u.array.len;
	arr = b_arena_calloc(c->arena, count, size);
	for (size_t i = 0; i < count; i++) {
		size_t m = oj_push_index(c, i);

		r = fn(c, v->u.array.values[i], arr + i * size, ud);
		if (r < 0)
			return r;
		oj_pop(c, m);
	}
	*items = arr;
	*n = count;
	return leave(c, mark, 0);
}

/* ---- name tables ----------------------------------------------------- */

static const char *expected_list(struct oj *c, const struct oj_name *t, size_t n)
{
	size_t sz = 16;
	char *buf, *p;

	for (size_t i = 0; i < n; i++)
		sz += strlen(t[i].name) + 4;
	p = buf = b_arena_alloc(c->arena, sz);
	for (size_t i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";

		p += sprintf(p, "%s%s", sep, t[i].name);
	}
	return buf;
}

int oj_v_enum(struct oj *c, const char *s, const struct oj_name *t, size_t n,
	      const char *what, bool list, long *out)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, s)) {
			*out = t[i].value;
			return 0;
		}
	if (list)
		return oj_fail(c, "unknown %s \"%s\" (expected %s)", what,
			       oj_quote(c, s), expected_list(c, t, n));
	return oj_fail(c, "unknown %s \"%s\"", what, oj_quote(c, s));
}

int oj_enum(struct oj *c, yajl_val obj, const char *key, bool required,
	    const struct oj_name *t, size_t n, const char *what, bool list,
	    long *out)
{
	size_t mark;
	yajl_val v;
	int r = enter(c, obj, key, required, &v, &mark);

	if (r <= 0)
		return r;
	if (!YAJL_IS_STRING(v))
		return expected(c, "a string", v);
	return leave(c, mark, oj_v_enum(c, v->u.string, t, n, what, list, out));
}
