/* Typed getters over yajl's tree API; see oci_json.h. */
#include "oci_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strindex.h"
#include "common/utf8.h"

/* How much of a user-supplied string a message quotes, in bytes. */
#define OJ_QUOTE_MAX 96
/* Room for that much quoted: six bytes for each byte escaped as \u00XX, and
 * "..." and the NUL. */
#define OJ_QUOTE_BUF (OJ_QUOTE_MAX * 6 + 4)

void oj_init(struct oj *c, const char *name, struct b_arena *arena,
	     struct b_err *err)
{
	c->name = name ? name : "config";
	c->arena = arena;
	c->err = err;
	c->len = 0;
	c->cut = false;
	c->path[0] = '\0';
}

/* ---- quoting -------------------------------------------------------- */

/* One byte or character of s for a message; returns its length in out. */
static size_t quote_char(char *out, const char *s, size_t n)
{
	unsigned char ch = (unsigned char)s[0];

	if (n > 1) {
		memcpy(out, s, n);
		return n;
	}
	if (n == 0)             /* not UTF-8: shown, the message stays UTF-8 */
		return (size_t)sprintf(out, "\\x%02x", ch);
	if (ch == '"' || ch == '\\') {
		out[0] = '\\';
		out[1] = (char)ch;
		return 2;
	}
	if (ch == '\n')
		return (size_t)sprintf(out, "\\n");
	if (ch < 0x20 || ch == 0x7f)
		return (size_t)sprintf(out, "\\u%04x", ch);
	out[0] = (char)ch;
	return 1;
}

/* Writes s escaped and cut (at a character boundary) into out, which has
 * OJ_QUOTE_BUF bytes; returns the length. */
static size_t quote_into(char *out, const char *s)
{
	size_t o = 0, i = 0;

	while (s[i]) {
		size_t n = b_utf8_char(s + i, strnlen(s + i, 4));

		if (i + (n ? n : 1) > OJ_QUOTE_MAX)
			break;
		o += quote_char(out + o, s + i, n);
		i += n ? n : 1;
	}
	if (s[i]) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}

const char *oj_quote(struct oj *c, const char *s)
{
	char buf[OJ_QUOTE_BUF];
	size_t n = quote_into(buf, s);

	return b_arena_strndup(c->arena, buf, n);
}

/* ---- errors and paths ------------------------------------------------ */

int oj_oom(struct oj *c)
{
	return b_err_set(c->err, ENOMEM, "%s: out of memory", c->name);
}

int oj_fail(struct oj *c, const char *fmt, ...)
{
	char msg[B_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) >= (int)sizeof(msg))
		msg[b_utf8_trim(msg, strlen(msg))] = '\0';
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

	if (c->cut)
		return mark;
	va_start(ap, fmt);
	n = vsnprintf(c->path + c->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n < room) {
		c->len += n > 0 ? (size_t)n : 0;
		return mark;
	}
	/* A path that does not fit is cut, but not inside a character, and
	 * what is pushed after that would not be next to it: nothing is. */
	c->len += b_utf8_trim(c->path + c->len, room - 1);
	c->path[c->len] = '\0';
	c->cut = true;
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

/* Quoted on the stack: a map with many keys must not cost an arena quote
 * buffer per key when no error is produced. */
size_t oj_push_mapkey(struct oj *c, const char *key)
{
	char q[OJ_QUOTE_BUF];

	quote_into(q, key);
	return push(c, "[\"%s\"]", q);
}

size_t oj_push_field(struct oj *c, const char *key)
{
	bool plain = key[0] != '\0';

	for (const char *p = key; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '_' && *p != '-')
			plain = false;
	return plain ? oj_push_key(c, key) : oj_push_mapkey(c, key);
}

void oj_pop(struct oj *c, size_t mark)
{
	/* The cut part is always the last one there: popping anything pops it. */
	if (mark < c->len)
		c->cut = false;
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
	_cleanup_strindex_ struct b_strindex keys = { 0 };
	_cleanup_free_ size_t *slot = NULL;   /* where a key's first occurrence went */
	size_t n;

	if (!YAJL_IS_OBJECT(v))
		return expected(c, "an object with string values", v);
	n = v->u.object.len;
	slot = calloc(n + 1, sizeof(*slot));
	if (!slot || b_strindex_init(&keys, v->u.object.keys, n) < 0)
		return oj_oom(c);
	out->items = b_arena_calloc(c->arena, n, sizeof(*out->items));
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *key = v->u.object.keys[i];
		size_t mark = oj_push_mapkey(c, key);
		struct oci_kv *kv;
		char *val;
		int r = oj_v_str(c, v->u.object.values[i], &val);

		if (r < 0)
			return r;
		oj_pop(c, mark);
		/* Last duplicate wins, in place of the first. */
		if (b_strindex_dup(&keys, i)) {
			kv = &out->items[slot[keys.first[i]]];
		} else {
			slot[i] = out->n;
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
