/* CNI (Container Network Interface, spec 1.0.0) documents: a network
 * configuration list, each plugin's stdin built from it, a plugin's ADD
 * result and error object, and berth's own cache of what DEL needs after a
 * crash (docs/design/cni-facts.md).  Executing the plugins is netns/'s
 * job; this is only the JSON, and the only place that touches yajl for it.
 *
 * Parsers return 0 or a negative errno and fill struct b_err with
 * "<docname>: <json.path>: <what is wrong>", as the other specs/ parsers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"

/* yajl's tree node, opaque here: the layers above must not see yajl. */
struct yajl_val_s;

/* One plugin of a list. */
struct cni_plugin {
	char *type;              /* the binary's name: [A-Za-z0-9_.-]+, not "." or "..", <= 255 bytes */
	bool cap_port_mappings;  /* "capabilities": {"portMappings": true} */
	/* private: the plugin's object in the list's tree */
	struct yajl_val_s *obj;
};

struct cni_conflist {
	struct b_arena arena;
	char *name;              /* network name: first char [A-Za-z0-9], then [A-Za-z0-9_.-], <= 128 bytes */
	char *cni_version;       /* one of "0.3.0", "0.3.1", "0.4.0", "1.0.0" (others refused, message lists these) */
	bool disable_check;
	struct cni_plugin *plugins;
	size_t n_plugins;        /* >= 1 */
	/* private: the parsed document, which the plugins' objects point into,
	 * so that cni_plugin_stdin() can pass every member through as written;
	 * and the document's name, for cni_plugin_stdin()'s messages */
	struct yajl_val_s *doc;
	char *docname;
};

/* A .conflist document, or a single-plugin .conf/.json document (an object with a top-level "type"
 * and no "plugins"), which becomes a one-plugin list as libcni "upconverts" it.  docname names the
 * document in messages (the file path).  On failure *out is untouched.
 *
 * Each plugin's "capabilities" must be an object of booleans.  A single-plugin document's
 * "disableCheck" is not read (libcni's upconversion does not either). */
int cni_conflist_parse(const char *docname, const char *json, size_t len,
		       struct cni_conflist **out, struct b_err *err);
void cni_conflist_free(struct cni_conflist *l);
static inline void cni_conflist_freep(struct cni_conflist **l)
{
	if (*l)
		cni_conflist_free(*l);
}

struct cni_port_mapping {
	uint16_t host_port, container_port;
	const char *protocol;    /* "tcp", "udp" or "sctp"; NULL is written as "tcp" */
	const char *host_ip;     /* NULL: all addresses */
};

/* What the runtime supplies for capabilities (only portMappings today). */
struct cni_runtime_args {
	const struct cni_port_mapping *port_mappings;
	size_t n_port_mappings;
};

/* Plugin i's stdin: its object from "plugins" with "name" and "cniVersion" set from the list,
 * "prevResult" = prev_result (raw JSON text of a result; NULL: none), "runtimeConfig" holding
 * {"portMappings":[{"hostPort":H,"containerPort":C,"protocol":"tcp","hostIP":"..."}]} only when the
 * plugin declares the capability AND rt has mappings (omit hostIP when NULL), and "capabilities"
 * removed.  Every other member passes through unchanged, numbers keeping their exact text, nested
 * objects included.  A prev_result that is not a JSON object is -EINVAL.  *out is malloc'ed,
 * NUL-terminated.
 *
 * When berth supplies no prevResult (or no runtimeConfig), a member of that name in the
 * plugin's object passes through like any other, as in libcni.  rt may be NULL. */
int cni_plugin_stdin(const struct cni_conflist *l, size_t i, const char *prev_result,
		     const struct cni_runtime_args *rt, char **out, size_t *len, struct b_err *err);

struct cni_iface {
	char *name, *mac, *sandbox;   /* NULL when absent */
};
struct cni_ip {
	char *address;           /* CIDR as given ("10.1.0.5/24") */
	char *gateway;           /* NULL when absent */
	int interface;           /* index into ifaces, -1 when absent */
	int family;              /* 4 or 6, from the address */
};
struct cni_result {
	struct b_arena arena;
	char *cni_version;
	struct cni_iface *ifaces;
	size_t n_ifaces;
	struct cni_ip *ips;
	size_t n_ips;
	char **dns_nameservers;  /* never NULL (empty list) */
	char **dns_search;
	char **dns_options;
	char *dns_domain;        /* NULL when absent */
};

/* The IPAM of plugin i: its "ipam" object's "type" and "dataDir" (NULL
 * when absent), pointing into the list.  False when it has no ipam. */
bool cni_plugin_ipam(const struct cni_conflist *l, size_t i, const char **type,
		     const char **data_dir);

/* A plugin's ADD output (spec 0.3.0 .. 1.0.0 shape; a 0.3.x/0.4.0 "version" member in ips is
 * accepted and ignored; unknown members ignored).  Addresses must parse as IPv4/IPv6 CIDR
 * (inet_pton on the part before '/', prefix within 0..32 / 0..128), gateways as IPs, and an
 * "interface" index must be < n_ifaces, else -EINVAL with a path message.  "cniVersion" is
 * required and must be one of the versions a conflist may have. */
int cni_result_parse(const char *docname, const char *json, size_t len,
		     struct cni_result **out, struct b_err *err);
void cni_result_free(struct cni_result *r);
static inline void cni_result_freep(struct cni_result **r)
{
	if (*r)
		cni_result_free(*r);
}

/* The pod's first address of `family` on interface `ifname` inside a sandbox (an ip whose
 * interface index names an iface with that name and a non-NULL sandbox; when no ip names an
 * interface at all, the first ip of that family).  Address without the prefix, into buf.
 * An empty "sandbox" counts as none (the spec's mark of a host interface).  False when there
 * is no such address or it does not fit. */
bool cni_result_pod_ip(const struct cni_result *r, const char *ifname, int family,
		       char *buf, size_t size);

/* A plugin's error object {"cniVersion","code","msg","details"} from its stdout.  Returns 0 and fills
 * *out when the text is such an object with an integer code (msg/details "" when absent; both cut to
 * fit, made printable: control chars -> '?'), -EINVAL otherwise.  A msg or details that is not a
 * string counts as absent: the code is what matters. */
struct cni_error {
	unsigned code;
	char msg[512];
	char details[512];
};
int cni_error_parse(const char *json, size_t len, struct cni_error *out);

/* What DEL needs after a crash, kept in the pod's state dir as one JSON document:
 * {"kind":"berthCniCacheV1","network":..,"containerId":..,"ifName":..,"netns":..,"cniArgs":..,
 *  "config": "<the conflist text, as a JSON string>",
 *  "portMappings":[{"hostPort":..,"containerPort":..,"protocol":..,"hostIP":..}],
 *  "result": <the final ADD result object, raw; absent when ADD did not finish>}
 *
 * network, container_id, ifname and config are required; netns and cni_args may be NULL
 * (written as null, read back as NULL).  Ports are 1..65535.
 *
 * Ownership: a parsed cache owns its strings in its arena and is freed with cni_cache_free().
 * A caller that builds one only to write it may leave the arena zeroed and point the fields
 * at its own strings; it must not call cni_cache_free() on it. */
struct cni_cache {
	struct b_arena arena;
	char *network, *container_id, *ifname, *netns, *cni_args;
	char *config;            /* the conflist text */
	struct cni_port_mapping *port_mappings;
	size_t n_port_mappings;
	char *result;            /* the result as JSON text, NULL when absent */
	char *cni_path;          /* the plugin directories used (CNI_PATH), NULL: the default */
};
/* Serialize (malloc'ed, NUL-terminated).  c->result, when set, must be a JSON object (-EINVAL else). */
int cni_cache_write(const struct cni_cache *c, char **out, size_t *len, struct b_err *err);
int cni_cache_parse(const char *docname, const char *json, size_t len, struct cni_cache **out,
		    struct b_err *err);
void cni_cache_free(struct cni_cache *c);
static inline void cni_cache_freep(struct cni_cache **c)
{
	if (*c)
		cni_cache_free(*c);
}
