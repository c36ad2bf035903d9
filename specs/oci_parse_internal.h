/* Pieces of the config.json parser shared between its files.  Each parser
 * gets the walker with the path pointing at its object. */
#pragma once

#include "specs/oci_config.h"
#include "specs/oci_json.h"

int oci_parse_process_obj(struct oj *c, yajl_val v, struct oci_process *p);
int oci_parse_linux(struct oj *c, yajl_val v, struct oci_linux *l);
int oci_parse_resources(struct oj *c, yajl_val v, struct oci_resources *res);
int oci_parse_seccomp(struct oj *c, yajl_val v, struct oci_seccomp *s);

/* oj_item_fn for {containerID, hostID, size} entries. */
int oci_parse_idmap(struct oj *c, yajl_val v, void *item, void *ud);

/* An environment list: each entry must read KEY=VALUE with a non-empty KEY.
 * Absent gives an empty list. */
int oci_parse_env(struct oj *c, yajl_val obj, const char *key, char ***out);

/* Fill the never-NULL lists of an absent "linux" object. */
void oci_linux_defaults(struct b_arena *a, struct oci_linux *l);

/* Parse a document whose top level is one object handled by `fn` (a
 * process.json, a resources file, a seccomp profile); the object of `size`
 * bytes is allocated in the arena. */
int oci_parse_bare(const char *name, const char *json, size_t len, struct b_arena *arena,
		   size_t size, int (*fn)(struct oj *c, yajl_val v, void *obj), void **out,
		   struct b_err *err);
