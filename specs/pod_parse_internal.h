/* Pieces of the Pod manifest parser shared between its files.  Each parser
 * gets the walker (specs/oci_json.h) with the path at its object. */
#pragma once

#include "common/strindex.h"
#include "specs/oci_json.h"
#include "specs/pod_spec.h"
#include "specs/quantity.h"

/* ---- fields (pod_parse_fields.c) -------------------------------------- */

/* The members an object may have, as NULL-terminated lists.  A member in
 * none of them is "unknown field"; one in `unsupported` (part of the
 * Kubernetes schema that berth does not implement) is "not supported by
 * berth" unless its value is null, [] or {}; `ignored` ones are skipped. */
struct pod_fields {
	const char *const *known;
	const char *const *unsupported;
	const char *const *ignored;
};

/* `v` must be an object whose members all pass `f`. */
int pod_v_object(struct oj *c, yajl_val v, const struct pod_fields *f);

/* Push a member name onto the path: bare when it looks like a field name,
 * else as ["key"] (quoted, so the message stays one line). */
void pod_push_field(struct oj *c, const char *key);

/* Parse the object member `key` with `fn` (path at key, item/ud passed
 * through); returns 1 when present, 0 when absent, negative on error. */
int pod_member(struct oj *c, yajl_val obj, const char *key, bool required,
	       oj_item_fn fn, void *item, void *ud);

/* A string member that must be one of `t`; *out keeps its value when the
 * member is absent, so callers preset the default. */
int pod_enum(struct oj *c, yajl_val obj, const char *key,
	     const struct oj_name *t, size_t n, const char *what, long *out);

/* Like oj_i64 for an int32 seconds/count field where 0 (Go's zero value)
 * means the default: *out is left alone for absent or 0. */
int pod_i32_default(struct oj *c, yajl_val obj, const char *key, int32_t *out);

/* A string list that must have at least one element, whose first element
 * is not empty; `why` is appended to the "required field is missing" and
 * "must not be empty" messages.  *out is NULL when absent. */
int pod_strv_nonempty(struct oj *c, yajl_val obj, const char *key,
		      bool required, const char *why, char ***out);

/* ---- names and paths (pod_parse_names.c) ------------------------------ */

bool pod_dns_label_ok(const char *s);
bool pod_iana_svc_name_ok(const char *s);
bool pod_qualified_name_ok(const char *s);   /* label/annotation keys */
bool pod_label_value_ok(const char *s);
bool pod_http_token_ok(const char *s);       /* HTTP header names */

/* Errors at the current path: `"x" is not a valid <what> (<rule>)`. */
int pod_v_dns_label(struct oj *c, const char *s);
int pod_v_iana_svc_name(struct oj *c, const char *s);

/* A DNS-1123 label string member. */
int pod_dns_label(struct oj *c, yajl_val obj, const char *key, bool required,
		  char **out);

/* An absolute path member (oj_abspath) that also has no ".." element. */
int pod_abspath(struct oj *c, yajl_val obj, const char *key, bool required,
		char **out);

/* True when a '/'-separated element of s is "..". */
bool pod_path_has_dotdot(const char *s);

/* base + "/" + rel (or rel alone when absolute) with ".", ".." and
 * repeated slashes resolved lexically; allocated in `a`. */
char *pod_path_join(struct b_arena *a, const char *base, const char *rel);

/* ---- quantities (pod_parse_resources.c) ------------------------------- */

/* A quantity member (JSON string or number), bytes or millicores.  Memory
 * must be a whole number of bytes. */
int pod_quantity(struct oj *c, yajl_val obj, const char *key,
		 enum quantity_kind kind, struct pod_quantity *q);

/* Check `text` at the current path (for annotation values). */
int pod_v_quantity(struct oj *c, const char *text, enum quantity_kind kind,
		   struct pod_quantity *q);

int pod_parse_resources(struct oj *c, yajl_val cont, struct pod_container *ct);

/* ---- security (pod_parse_security.c) ---------------------------------- */

int pod_parse_pod_security(struct oj *c, yajl_val spec, struct pod_spec *pod);
int pod_parse_container_security(struct oj *c, yajl_val cont,
				 struct pod_spec *pod, struct pod_container *ct);

/* ---- volumes (pod_parse_volumes.c) ------------------------------------ */

int pod_parse_volumes(struct oj *c, yajl_val spec, struct pod_spec *pod);
/* `volumes` indexes pod->volumes by name. */
int pod_parse_volume_mounts(struct oj *c, yajl_val cont, struct pod_spec *pod,
			    const struct b_strindex *volumes, struct pod_container *ct);

/* ---- probes and handlers (pod_parse_probe.c) -------------------------- */

int pod_parse_probes(struct oj *c, yajl_val cont, struct pod_container *ct);
int pod_parse_lifecycle(struct oj *c, yajl_val cont, struct pod_container *ct);

/* ---- containers (pod_parse_container.c) ------------------------------- */

int pod_parse_containers(struct oj *c, yajl_val spec, struct pod_spec *pod);

/* Index the names of init and regular containers, numbered as one list
 * (init containers first); on failure the error is set. */
int pod_container_names(struct oj *c, const struct pod_spec *pod, struct b_strindex *ix);

/* ---- names and addresses (pod_parse_network.c) ------------------------ */

/* A numeric IPv4 or IPv6 address (inet_pton's syntax, no zone). */
bool pod_ip_ok(const char *s);
/* Error at the current path: `"x" is not a valid IP address (IPv4 or IPv6)`. */
int pod_v_ip(struct oj *c, const char *s);
/* An IP address string member. */
int pod_ip(struct oj *c, yajl_val obj, const char *key, bool required, char **out);

/* spec.hostAliases, spec.dnsPolicy and spec.dnsConfig. */
int pod_parse_pod_network(struct oj *c, yajl_val spec, struct pod_spec *pod);

/* After the annotations: no hostPort without the pod network, and no two
 * ports of the pod published on the same host port, protocol and
 * address.  The path is at the document. */
int pod_check_host_ports(struct oj *c, const struct pod_spec *pod);

/* ---- berth.dev/ annotations (pod_parse_annotations.c) ----------------- */

/* After the containers: annotations may name them. */
int pod_parse_berth_annotations(struct oj *c, struct pod_spec *pod);

/* berth.dev/pressure values (pod_parse_pressure.c): the defaults, and a
 * value applied over what p holds. */
void pod_pressure_defaults(struct pod_pressure p[POD_PRESSURE_N]);
int pod_pressure_parse(struct oj *c, const char *val, struct pod_pressure p[POD_PRESSURE_N]);

/* Go-style duration ("1m30s", "1.5s", "300ms") in milliseconds; false when
 * the text is not one. */
bool pod_parse_duration(const char *s, int64_t *ms);

/* One Pod document (an object) into pod; pod_load.c reads files. */
int pod_parse_tree(struct oj *c, yajl_val doc, struct pod_spec *pod);
