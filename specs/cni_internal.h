/* What the CNI documents (cni_conf.c, cni_result.c, cni_cache.c) share;
 * internal to specs/. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "specs/cni.h"
#include "specs/jsonw.h"
#include "specs/oci_json.h"

/* Containers yajl's generator opens at most (its YAJL_MAX_DEPTH is 128
 * and it refuses the 128th); a tree deeper than what is left of this
 * where it is embedded cannot be written back. */
#define CNI_GEN_DEPTH 127

/* The "cniVersion" member (required), one of the versions berth speaks. */
int cni_version(struct oj *c, yajl_val obj, char **out);

/* 4 or 6 when `s` is an IPv4 or IPv6 address (inet_pton), else 0. */
int cni_ip_family(const char *s);

/* Parse text that must be one JSON object (prevResult, a cached result),
 * naming it `what` in messages.  Free with yajl_tree_free(). */
int cni_object_text(struct oj *c, const char *json, size_t len, yajl_val *out);

/* Levels of containers in v: 0 for a scalar, 1 for {} or [].  The tree
 * came from oj_parse_text(), which bounds the recursion. */
size_t cni_tree_depth(yajl_val v);

/* v written as compact JSON (malloc'ed), NULL when the writer failed. */
char *cni_tree_text(yajl_val v, size_t *len);

/* The "portMappings" array as plugins and the cache hold it. */
void cni_write_mappings(struct jw *w, const struct cni_port_mapping *m, size_t n);
