/* Typed access to a yajl tree with JSON-path error messages.  Internal to
 * specs/: the parsers for config.json, process.json and state.json share
 * these so that every message has the same shape:
 *
 *	<name>: <json.path>: <what was wrong / expected>
 *
 * The walker keeps the path of the value being looked at in `oj.path`; the
 * member getters push the key, check the value and pop it again.  After a
 * failure the path is left as it was at the failing value (parsing stops at
 * the first error, so nobody needs it afterwards).
 *
 * Member getters return 1 when the member was present and valid, 0 when it is
 * absent (JSON null counts as absent, as in Go's encoding/json which produced
 * most configs), and a negative errno with oj.err filled on failure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "common/arena.h"
#include "common/error.h"
#include "specs/oci_config.h"

#define OJ_PATH_MAX 512

struct oj {
	const char *name;        /* document name used as message prefix */
	struct b_arena *arena;   /* where parsed strings and arrays go */
	struct b_err *err;
	size_t len;              /* strlen(path) */
	bool cut;                /* path[] was too short: push nothing more */
	char path[OJ_PATH_MAX];
};

void oj_init(struct oj *c, const char *name, struct b_arena *arena,
	     struct b_err *err);

/* Parse a whole document (oci_json_text.c); on failure err reads
 * "<name>: invalid JSON: <reason> at line L, column C", or
 * "<name>: <json.path>: not valid UTF-8" for a string that is not
 * shortest-form UTF-8.  Free with yajl_tree_free(). */
int oj_parse_text(struct oj *c, const char *json, size_t len, yajl_val *out);

/* Set the error at the current path; returns -EINVAL. */
int oj_fail(struct oj *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "<name>: out of memory"; returns -ENOMEM. */
int oj_oom(struct oj *c);

/* Path stack: each push returns a mark for oj_pop(). */
size_t oj_push_key(struct oj *c, const char *key);
size_t oj_push_index(struct oj *c, size_t i);
size_t oj_push_mapkey(struct oj *c, const char *key);  /* ["key"] */
/* A member name: bare when it looks like a field name (letters, digits,
 * '-' and '_'), else as ["key"], quoted so the message stays one line. */
size_t oj_push_field(struct oj *c, const char *key);
void oj_pop(struct oj *c, size_t mark);

/* "a string", "an object", ... for "expected X, got Y" messages. */
const char *oj_type_name(yajl_val v);

/* A string made safe to print inside double quotes on one line: escaped,
 * bytes that are not UTF-8 shown as \xNN, and cut after 96 bytes on a
 * character boundary; allocated in c->arena.  Only for messages. */
const char *oj_quote(struct oj *c, const char *s);

/* The member `key` of object `obj`, NULL when absent or null.  On duplicate
 * keys the last one wins, as in Go's encoding/json. */
yajl_val oj_member(yajl_val obj, const char *key);

/* ---- value-level checks (the path already names v) ------------------- */

int oj_v_object(struct oj *c, yajl_val v);
int oj_v_str(struct oj *c, yajl_val v, char **out);
int oj_v_bool(struct oj *c, yajl_val v, bool *out);
int oj_v_u64(struct oj *c, yajl_val v, uint64_t max, uint64_t *out);
int oj_v_i64(struct oj *c, yajl_val v, int64_t min, int64_t max, int64_t *out);
int oj_v_u32(struct oj *c, yajl_val v, uint32_t *out);
int oj_v_strv(struct oj *c, yajl_val v, char ***out);
int oj_v_kv(struct oj *c, yajl_val v, struct oci_kv_list *out);
/* `s` must be an absolute path (the message quotes it). */
int oj_v_abspath(struct oj *c, const char *s);

/* ---- member-level getters (see the return convention above) ---------- */

int oj_obj(struct oj *c, yajl_val obj, const char *key, bool required,
	   yajl_val *out);
int oj_str(struct oj *c, yajl_val obj, const char *key, bool required,
	   char **out);
/* Like oj_str, and the value must be an absolute path. */
int oj_abspath(struct oj *c, yajl_val obj, const char *key, bool required,
	       char **out);
int oj_bool(struct oj *c, yajl_val obj, const char *key, bool *out);
int oj_u64(struct oj *c, yajl_val obj, const char *key, bool required,
	   uint64_t max, uint64_t *out);
int oj_i64(struct oj *c, yajl_val obj, const char *key, bool required,
	   int64_t min, int64_t max, int64_t *out);
int oj_u32(struct oj *c, yajl_val obj, const char *key, bool required,
	   uint32_t *out);
int oj_u16(struct oj *c, yajl_val obj, const char *key, bool required,
	   uint16_t *out);
/* String lists are never NULL: absent gives an empty list. */
int oj_strv(struct oj *c, yajl_val obj, const char *key, char ***out);
int oj_kv(struct oj *c, yajl_val obj, const char *key, struct oci_kv_list *out);

/* Parse an array of objects into a freshly allocated C array: `fn` is called
 * with the path at "key[i]" and a zeroed item of `size` bytes. */
typedef int (*oj_item_fn)(struct oj *c, yajl_val v, void *item, void *ud);
int oj_array(struct oj *c, yajl_val obj, const char *key, bool required,
	     size_t size, void **items, size_t *n, oj_item_fn fn, void *ud);

/* ---- name tables ----------------------------------------------------- */

struct oj_name {
	const char *name;
	long value;
};

/* Look `s` up in a table; on a miss the message reads
 * `unknown <what> "<s>"` and, when `list` is set, `(expected a, b or c)`. */
int oj_v_enum(struct oj *c, const char *s, const struct oj_name *t, size_t n,
	      const char *what, bool list, long *out);
int oj_enum(struct oj *c, yajl_val obj, const char *key, bool required,
	    const struct oj_name *t, size_t n, const char *what, bool list,
	    long *out);
