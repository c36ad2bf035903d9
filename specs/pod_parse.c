/* A Pod manifest: the document entry points, the top level (apiVersion,
 * kind, metadata) and spec's own scalars.  Containers, volumes, security,
 * probes, names and addresses (pod_parse_network.c) and the berth.dev/
 * annotations live in their own files. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "pod_parse_internal.h"
#include "specs/jsonw.h"
#include "specs/yaml.h"

#define DEFAULT_GRACE_SECONDS 30
/* Kubernetes' limit on the total size of a pod's annotations. */
#define ANNOTATIONS_MAX (256 * 1024)

static const char *const doc_known[] = { "apiVersion", "kind", "metadata", "spec", NULL };
/* A manifest exported from a cluster carries its status. */
static const char *const doc_ignored[] = { "status", NULL };
static const struct pod_fields doc_fields = { doc_known, NULL, doc_ignored };

static const char *const meta_known[] = {
	"name", "namespace", "labels", "annotations", NULL,
};
static const char *const meta_unsupported[] = {
	"generateName", "ownerReferences", "finalizers", NULL,
};
/* Set by the API server; meaningless outside a cluster. */
static const char *const meta_ignored[] = {
	"uid", "resourceVersion", "generation", "creationTimestamp",
	"deletionTimestamp", "deletionGracePeriodSeconds", "managedFields",
	"selfLink", NULL,
};
static const struct pod_fields meta_fields = { meta_known, meta_unsupported, meta_ignored };

static const char *const spec_known[] = {
	"containers", "initContainers", "volumes", "restartPolicy",
	"terminationGracePeriodSeconds", "hostname", "hostNetwork", "hostPID",
	"hostIPC", "shareProcessNamespace", "securityContext", "hostAliases",
	"dnsPolicy", "dnsConfig", NULL,
};
static const char *const spec_unsupported[] = {
	"activeDeadlineSeconds", "affinity", "automountServiceAccountToken",
	"enableServiceLinks", "ephemeralContainers",
	"evictionResponders", "hostUsers", "hostnameOverride",
	"imagePullSecrets", "nodeName", "nodeSelector", "os", "overhead",
	"preemptionPolicy", "priority", "priorityClassName", "readinessGates",
	"resourceClaims", "resources", "runtimeClassName", "schedulerName",
	"schedulingGates", "schedulingGroup", "serviceAccount",
	"serviceAccountName", "setHostnameAsFQDN", "subdomain", "tolerations",
	"topologySpreadConstraints", "workloadRef", NULL,
};
static const struct pod_fields spec_fields = { spec_known, spec_unsupported, NULL };

static const struct oj_name restart_policies[] = {
	{ "Always", POD_RESTART_ALWAYS },
	{ "OnFailure", POD_RESTART_ON_FAILURE },
	{ "Never", POD_RESTART_NEVER },
};

/* ---- apiVersion, kind ------------------------------------------------ */

static int parse_type(struct oj *c, yajl_val doc)
{
	char *api, *kind;
	size_t mark;
	int r;

	if ((r = oj_str(c, doc, "apiVersion", true, &api)) < 0 ||
	    (r = oj_str(c, doc, "kind", true, &kind)) < 0)
		return r;
	mark = oj_push_key(c, "apiVersion");
	if (strcmp(api, "v1"))
		return oj_fail(c, "\"%s\" is not supported (berth reads apiVersion v1, kind Pod)",
			       oj_quote(c, api));
	oj_pop(c, mark);
	mark = oj_push_key(c, "kind");
	if (strcmp(kind, "Pod"))
		return oj_fail(c, "\"%s\" is not supported (berth reads apiVersion v1, kind Pod)",
			       oj_quote(c, kind));
	oj_pop(c, mark);
	return 0;
}

/* ---- metadata -------------------------------------------------------- */

/* Kubernetes' cap on annotations, over the map (a duplicated key counts
 * once, with its last value).  Checked before the keys one by one: a map
 * over the cap is refused as a whole, whatever its keys. */
static int check_size(struct oj *c, const struct oci_kv_list *l)
{
	size_t total = 0;

	for (size_t i = 0; i < l->n; i++)
		total += strlen(l->items[i].key) + strlen(l->items[i].value);
	if (total > ANNOTATIONS_MAX)
		return oj_fail(c, "larger than 256 KiB in total");
	return 0;
}

/* Label and annotation keys: [prefix/]name, as Kubernetes checks them. */
static int check_keys(struct oj *c, const struct oci_kv_list *l, bool values)
{
	int r = values ? 0 : check_size(c, l);

	if (r < 0)
		return r;
	for (size_t i = 0; i < l->n; i++) {
		const struct oci_kv *kv = &l->items[i];
		size_t mark = oj_push_mapkey(c, kv->key);

		if (!pod_qualified_name_ok(kv->key))
			return oj_fail(c, "not a valid key (an optional DNS subdomain and '/', "
				       "then at most 63 letters, digits, '-', '_' or '.', starting "
				       "and ending with a letter or digit)");
		if (values && !pod_label_value_ok(kv->value))
			return oj_fail(c, "\"%s\" is not a valid label value (at most 63 letters, "
				       "digits, '-', '_' or '.', starting and ending with a letter "
				       "or digit)", oj_quote(c, kv->value));
		oj_pop(c, mark);
	}
	return 0;
}

static int parse_kv_member(struct oj *c, yajl_val meta, const char *key,
			   struct oci_kv_list *l, bool label_values)
{
	size_t mark;
	int r = oj_kv(c, meta, key, l);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	r = check_keys(c, l, label_values);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_metadata(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_spec *pod = item;
	int r;

	if ((r = pod_v_object(c, v, &meta_fields)) < 0 ||
	    (r = pod_dns_label(c, v, "name", true, &pod->name)) < 0 ||
	    (r = pod_dns_label(c, v, "namespace", false, &pod->namespace_)) < 0 ||
	    (r = parse_kv_member(c, v, "labels", &pod->labels, true)) < 0 ||
	    (r = parse_kv_member(c, v, "annotations", &pod->annotations, false)) < 0)
		return r;
	return 0;
}

/* ---- spec ------------------------------------------------------------ */

static int parse_host_namespaces(struct oj *c, yajl_val v, struct pod_spec *pod)
{
	int r;

	if ((r = oj_bool(c, v, "hostNetwork", &pod->host_network)) < 0 ||
	    (r = oj_bool(c, v, "hostPID", &pod->host_pid)) < 0 ||
	    (r = oj_bool(c, v, "hostIPC", &pod->host_ipc)) < 0 ||
	    (r = oj_bool(c, v, "shareProcessNamespace", &pod->share_process_namespace)) < 0)
		return r;
	if (pod->share_process_namespace && pod->host_pid) {
		oj_push_key(c, "shareProcessNamespace");
		return oj_fail(c, "cannot be true when hostPID is true");
	}
	return 0;
}

static int parse_spec(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_spec *pod = item;
	long policy = POD_RESTART_ALWAYS;
	int r;

	pod->termination_grace_period_seconds = DEFAULT_GRACE_SECONDS;
	if ((r = pod_v_object(c, v, &spec_fields)) < 0 ||
	    (r = pod_enum(c, v, "restartPolicy", restart_policies,
			  B_ARRAY_SIZE(restart_policies), "restart policy", &policy)) < 0 ||
	    (r = oj_i64(c, v, "terminationGracePeriodSeconds", false, 0, INT64_MAX,
			&pod->termination_grace_period_seconds)) < 0 ||
	    (r = pod_dns_label(c, v, "hostname", false, &pod->hostname)) < 0 ||
	    (r = parse_host_namespaces(c, v, pod)) < 0 ||
	    (r = pod_parse_pod_network(c, v, pod)) < 0 ||
	    (r = pod_parse_pod_security(c, v, pod)) < 0 ||
	    (r = pod_parse_volumes(c, v, pod)) < 0 ||
	    (r = pod_parse_containers(c, v, pod)) < 0)
		return r;
	pod->restart_policy = (enum pod_restart_policy)policy;
	if (!pod->hostname)
		pod->hostname = pod->name;
	return 0;
}

/* ---- the document ---------------------------------------------------- */

int pod_parse_tree(struct oj *c, yajl_val doc, struct pod_spec *pod)
{
	int r;

	if (!YAJL_IS_OBJECT(doc))
		return oj_fail(c, "expected a JSON object, got %s", oj_type_name(doc));
	if ((r = pod_v_object(c, doc, &doc_fields)) < 0 ||
	    (r = parse_type(c, doc)) < 0 ||
	    (r = pod_member(c, doc, "metadata", true, parse_metadata, pod, NULL)) < 0 ||
	    (r = pod_member(c, doc, "spec", true, parse_spec, pod, NULL)) < 0 ||
	    (r = pod_parse_berth_annotations(c, pod)) < 0 ||
	    (r = pod_check_host_ports(c, pod)) < 0)
		return r;
	return 0;
}

void pod_spec_free(struct pod_spec *pod)
{
	if (!pod)
		return;
	b_arena_release(&pod->arena);
	free(pod);
}
