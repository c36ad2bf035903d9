#include "jsonw.h"

#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct jw {
	yajl_gen g;
	bool failed;
};

struct jw *jw_new(bool pretty)
{
	struct jw *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->g = yajl_gen_alloc(NULL);
	if (!w->g) {
		free(w);
		return NULL;
	}
	yajl_gen_config(w->g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
	if (pretty)
		yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
	return w;
}

void jw_free(struct jw *w)
{
	if (!w)
		return;
	yajl_gen_free(w->g);
	free(w);
}

static void check(struct jw *w, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		w->failed = true;
}

#define JW_GUARD(w) do { if (!(w) || (w)->failed) return; } while (0)

void jw_obj_open(struct jw *w) { JW_GUARD(w); check(w, yajl_gen_map_open(w->g)); }
void jw_obj_close(struct jw *w) { JW_GUARD(w); check(w, yajl_gen_map_close(w->g)); }
void jw_arr_open(struct jw *w) { JW_GUARD(w); check(w, yajl_gen_array_open(w->g)); }
void jw_arr_close(struct jw *w) { JW_GUARD(w); check(w, yajl_gen_array_close(w->g)); }
void jw_null(struct jw *w) { JW_GUARD(w); check(w, yajl_gen_null(w->g)); }
void jw_bool(struct jw *w, bool v) { JW_GUARD(w); check(w, yajl_gen_bool(w->g, v)); }
void jw_int(struct jw *w, int64_t v) { JW_GUARD(w); check(w, yajl_gen_integer(w->g, v)); }
void jw_double(struct jw *w, double v) { JW_GUARD(w); check(w, yajl_gen_double(w->g, v)); }

void jw_fixed(struct jw *w, double v, int decimals)
{
	char buf[64];
	int n;

	JW_GUARD(w);
	if (!isfinite(v)) {
		check(w, yajl_gen_null(w->g));
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	check(w, yajl_gen_number(w->g, buf, (size_t)n));
}

void jw_uint(struct jw *w, uint64_t v)
{
	char buf[24];
	int n;

	JW_GUARD(w);
	/* yajl_gen_integer is signed; large unsigned values go out verbatim. */
	n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	check(w, yajl_gen_number(w->g, buf, (size_t)n));
}

void jw_str(struct jw *w, const char *s)
{
	JW_GUARD(w);
	if (!s) {
		check(w, yajl_gen_null(w->g));
		return;
	}
	check(w, yajl_gen_string(w->g, (const unsigned char *)s, strlen(s)));
}

void jw_key(struct jw *w, const char *key) { jw_str(w, key); }

void jw_kstr(struct jw *w, const char *key, const char *s) { jw_key(w, key); jw_str(w, s); }
void jw_kint(struct jw *w, const char *key, int64_t v) { jw_key(w, key); jw_int(w, v); }
void jw_kuint(struct jw *w, const char *key, uint64_t v) { jw_key(w, key); jw_uint(w, v); }
void jw_kbool(struct jw *w, const char *key, bool v) { jw_key(w, key); jw_bool(w, v); }

static void tree_object(struct jw *w, const struct yajl_val_s *v)
{
	jw_obj_open(w);
	for (size_t i = 0; i < v->u.object.len && !w->failed; i++) {
		jw_key(w, v->u.object.keys[i]);
		jw_tree(w, v->u.object.values[i]);
	}
	jw_obj_close(w);
}

/* Recursion is bounded by the generator: past its depth limit the open
 * fails, w->failed is set, and nothing descends further. */
void jw_tree(struct jw *w, const struct yajl_val_s *v)
{
	JW_GUARD(w);
	if (!v || YAJL_IS_NULL(v)) {
		jw_null(w);
	} else if (YAJL_IS_STRING(v)) {
		jw_str(w, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		check(w, yajl_gen_number(w->g, v->u.number.r, strlen(v->u.number.r)));
	} else if (YAJL_IS_OBJECT(v)) {
		tree_object(w, v);
	} else if (YAJL_IS_ARRAY(v)) {
		jw_arr_open(w);
		for (size_t i = 0; i < v->u.array.len && !w->failed; i++)
			jw_tree(w, v->u.array.values[i]);
		jw_arr_close(w);
	} else {
		jw_bool(w, YAJL_IS_TRUE(v));
	}
}

/* yajl's beautifier prints an empty object or array over several lines
 * ("{\n\n  }"); write it as "{}" / "[]".  Whitespace outside strings
 * between an opening bracket and its closing one is all there is. */
static size_t collapse_empty(char *s, size_t n)
{
	size_t r = 0, w = 0;
	bool in_str = false;

	while (r < n) {
		char ch = s[r];

		if (in_str) {
			s[w++] = s[r++];
			if (ch == '\\' && r < n)
				s[w++] = s[r++];
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"')
			in_str = true;
		if (ch == '{' || ch == '[') {
			size_t k = r + 1;

			while (k < n && (s[k] == ' ' || s[k] == '\n'))
				k++;
			if (k < n && s[k] == (ch == '{' ? '}' : ']')) {
				s[w++] = ch;
				s[w++] = s[k];
				r = k + 1;
				continue;
			}
		}
		s[w++] = s[r++];
	}
	return w;
}

char *jw_finish(struct jw *w, size_t *len)
{
	const unsigned char *buf;
	size_t n;
	char *out;

	if (!w || w->failed)
		return NULL;
	if (yajl_gen_get_buf(w->g, &buf, &n) != yajl_gen_status_ok)
		return NULL;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	if (n)   /* an empty generator may have no buffer at all */
		memcpy(out, buf, n);
	n = collapse_empty(out, n);
	out[n] = '\0';
	if (len)
		*len = n;
	return out;
}
