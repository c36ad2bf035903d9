/* A small JSON writer over yajl's generator, so that the layers above can
 * produce JSON without touching yajl.  Errors are sticky: after the first
 * failure every call is a no-op and jw_finish() reports it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jw;

struct jw *jw_new(bool pretty);
void jw_free(struct jw *w);
static inline void jw_freep(struct jw **w)
{
	if (*w)
		jw_free(*w);
}

void jw_obj_open(struct jw *w);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w);
void jw_arr_close(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);       /* NULL writes null */
void jw_int(struct jw *w, int64_t v);
void jw_uint(struct jw *w, uint64_t v);
void jw_double(struct jw *w, double v);
/* v with that many decimals ("12.50"); null when not finite. */
void jw_fixed(struct jw *w, double v, int decimals);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);

/* Convenience: key + value. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kuint(struct jw *w, const char *key, uint64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);

/* A parsed yajl tree value, written as it was read: numbers keep their
 * text ("1e400" stays 1e400), members their order, duplicates included.
 * For specs/ code holding a tree (the layers above cannot include yajl,
 * and need not: the type stays opaque to them).  Nesting deeper than
 * yajl's generator allows (127 levels, counting the ones already open)
 * fails the writer like any other error. */
struct yajl_val_s;
void jw_tree(struct jw *w, const struct yajl_val_s *v);

/* Returns a malloc'd NUL-terminated buffer (caller frees) or NULL if any
 * call failed (unbalanced nesting, invalid UTF-8, ...). */
char *jw_finish(struct jw *w, size_t *len);
