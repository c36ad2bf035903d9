/* spec.containers[] and spec.initContainers[]: identity, image, process,
 * ports; resources, security, mounts and probes have their own files. */
#include <string.h>

#include "common/cleanup.h"
#include "pod_parse_internal.h"

#define TERMINATION_LOG "/dev/termination-log"

static const char *const container_known[] = {
	"name", "image", "imagePullPolicy", "command", "args", "env", "workingDir", "ports",
	"resources", "securityContext", "volumeMounts", "restartPolicy",
	"lifecycle", "terminationMessagePath", "terminationMessagePolicy",
	"livenessProbe", "readinessProbe", "startupProbe", NULL,
};
static const char *const container_unsupported[] = {
	"envFrom", "resizePolicy", "restartPolicyRules",
	"stdin", "stdinOnce", "tty", "volumeDevices", NULL,
};
static const struct pod_fields container_fields = {
	container_known, container_unsupported, NULL,
};

static const char *const env_known[] = { "name", "value", NULL };
static const char *const env_unsupported[] = { "valueFrom", NULL };
static const struct pod_fields env_fields = { env_known, env_unsupported, NULL };

static const char *const port_known[] = {
	"containerPort", "name", "protocol", "hostPort", "hostIP", NULL,
};
static const struct pod_fields port_fields = { port_known, NULL, NULL };

static const struct oj_name protocols[] = {
	{ "TCP", POD_PROTO_TCP }, { "UDP", POD_PROTO_UDP }, { "SCTP", POD_PROTO_SCTP },
};

/* Kubernetes allows nothing but Always on a container (it makes an init
 * container a sidecar). */
static const struct oj_name container_restart[] = { { "Always", 1 } };

static const struct oj_name pull_policies[] = {
	{ "Always", POD_PULL_ALWAYS },
	{ "IfNotPresent", POD_PULL_IF_NOT_PRESENT },
	{ "Never", POD_PULL_NEVER },
};

static const struct oj_name message_policies[] = {
	{ "File", POD_TERMINATION_MESSAGE_FILE },
	{ "FallbackToLogsOnError", POD_TERMINATION_MESSAGE_FALLBACK_TO_LOGS },
};

struct container_ctx {
	struct pod_spec *pod;
	const struct b_strindex *volumes;   /* pod->volumes by name */
	bool init;
};

/* ---- image ----------------------------------------------------------- */

/* A path names a local root filesystem; anything else is an image
 * reference.  Same rule as images/ref.h img_is_local_path(), which specs/
 * cannot include. */
static bool image_is_path(const char *s)
{
	return s[0] == '/' || !strcmp(s, ".") || !strcmp(s, "..") ||
	       !strncmp(s, "./", 2) || !strncmp(s, "../", 3);
}

/* Only what no reference can hold: the supervisor parses it in full
 * (images/ref.h) and its messages name the reference. */
static bool ref_chars_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int parse_image(struct oj *c, yajl_val v, const struct pod_spec *pod,
		       struct pod_container *ct)
{
	long policy = POD_PULL_DEFAULT;
	size_t mark;
	int r = oj_str(c, v, "image", true, &ct->image);

	if (r < 0 || (r = pod_enum(c, v, "imagePullPolicy", pull_policies,
				   B_ARRAY_SIZE(pull_policies), "image pull policy", &policy)) < 0)
		return r;
	ct->pull_policy = (enum pod_pull_policy)policy;
	mark = oj_push_key(c, "image");
	if (!ct->image[0])
		return oj_fail(c, "must not be empty (give an image reference or a path to an "
			       "unpacked rootfs)");
	if (image_is_path(ct->image))
		ct->rootfs = pod_path_join(c->arena, pod->base_dir, ct->image);
	else if (!ref_chars_ok(ct->image))
		return oj_fail(c, "\"%s\" is not an image reference (it has blanks or control "
			       "characters)", oj_quote(c, ct->image));
	oj_pop(c, mark);
	return 0;
}

/* ---- env ------------------------------------------------------------- */

/* Kubernetes' relaxed rule: printable ASCII except '='. */
static bool env_name_ok(const char *s)
{
	if (!s[0])
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '=')
			return false;
	return true;
}

static int parse_env(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_env *e = item;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &env_fields)) < 0 ||
	    (r = oj_str(c, v, "name", true, &e->name)) < 0 ||
	    (r = oj_str(c, v, "value", false, &e->value)) < 0)
		return r;
	if (!e->value)
		e->value = b_arena_strdup(c->arena, "");
	mark = oj_push_key(c, "name");
	if (!env_name_ok(e->name))
		return oj_fail(c, "\"%s\" is not a valid environment variable name "
			       "(printable ASCII characters except '=')", oj_quote(c, e->name));
	oj_pop(c, mark);
	return 0;
}

/* ---- ports ----------------------------------------------------------- */

/* A hostPort is published on the pod network (the CNI portmap plugin).
 * With hostNetwork the container's own port is the host's, and
 * Kubernetes requires the two to be equal.  hostIP ("" = absent) narrows
 * a hostPort to one host address.  Conflicts between ports are checked
 * for the whole pod later (pod_check_host_ports()). */
static int parse_host_port(struct oj *c, yajl_val v, const struct pod_spec *pod,
			   struct pod_port *p)
{
	int64_t host_port = 0;
	size_t mark;
	int r;

	if ((r = oj_i64(c, v, "hostPort", false, 0, 65535, &host_port)) < 0 ||
	    (r = oj_str(c, v, "hostIP", false, &p->host_ip)) < 0)
		return r;
	p->host_port = (uint16_t)host_port;
	if (p->host_ip && !p->host_ip[0])
		p->host_ip = NULL;
	mark = oj_push_key(c, "hostIP");
	if (p->host_ip && (r = pod_v_ip(c, p->host_ip)) < 0)
		return r;
	oj_pop(c, mark);
	mark = oj_push_key(c, "hostPort");
	if (p->host_port && pod->host_network && p->host_port != p->container_port)
		return oj_fail(c, "%u must equal containerPort (%u) with hostNetwork, as in Kubernetes",
			       p->host_port, p->container_port);
	oj_pop(c, mark);
	if (p->host_ip && !p->host_port) {
		oj_push_key(c, "hostIP");
		return oj_fail(c, "needs a hostPort (hostIP is the host address a hostPort is "
			       "published on)");
	}
	return 0;
}

static int parse_port(struct oj *c, yajl_val v, void *item, void *ud)
{
	const struct pod_spec *pod = ud;
	struct pod_port *p = item;
	long proto = POD_PROTO_TCP;
	int64_t port;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &port_fields)) < 0 ||
	    (r = oj_i64(c, v, "containerPort", true, 1, 65535, &port)) < 0 ||
	    (r = oj_str(c, v, "name", false, &p->name)) < 0 ||
	    (r = pod_enum(c, v, "protocol", protocols, B_ARRAY_SIZE(protocols),
			  "protocol", &proto)) < 0)
		return r;
	p->container_port = (uint16_t)port;
	p->protocol = (enum pod_protocol)proto;
	if (p->name && !p->name[0])
		p->name = NULL;
	if (p->name) {
		mark = oj_push_key(c, "name");
		if ((r = pod_v_iana_svc_name(c, p->name)) < 0)
			return r;
		oj_pop(c, mark);
	}
	return parse_host_port(c, v, pod, p);
}

static int parse_ports(struct oj *c, yajl_val v, struct pod_spec *pod,
		       struct pod_container *ct)
{
	_cleanup_strindex_ struct b_strindex names = { 0 };
	size_t j;
	int r = oj_array(c, v, "ports", false, sizeof(struct pod_port),
			 (void **)&ct->ports, &ct->n_ports, parse_port, pod);

	if (r < 0)
		return r;
	/* Unnamed ports (NULL) repeat nothing. */
	if (B_STRINDEX_ITEMS(&names, ct->ports, ct->n_ports, name) < 0)
		return oj_oom(c);
	j = b_strindex_first_dup(&names);
	if (j == B_STRINDEX_NONE)
		return 0;
	oj_push_key(c, "ports");
	oj_push_index(c, j);
	oj_push_key(c, "name");
	return oj_fail(c, "\"%s\" is already used by ports[%zu]",
		       oj_quote(c, ct->ports[j].name), names.first[j]);
}

/* ---- the container --------------------------------------------------- */

static int parse_restart_policy(struct oj *c, yajl_val v, struct pod_container *ct)
{
	long always = 0;
	int r;

	if (!ct->init) {
		if (!oj_member(v, "restartPolicy"))
			return 0;
		oj_push_key(c, "restartPolicy");
		return oj_fail(c, "only init containers may set restartPolicy "
			       "(Always makes one a sidecar)");
	}
	r = pod_enum(c, v, "restartPolicy", container_restart,
		     B_ARRAY_SIZE(container_restart), "container restart policy", &always);
	ct->sidecar = always;
	return r < 0 ? r : 0;
}

/* A local root filesystem has no ENTRYPOINT to default to.  For an image
 * an empty list is absent, as over the CRI: the image's Entrypoint/Cmd
 * apply. */
static int parse_command(struct oj *c, yajl_val v, struct pod_container *ct)
{
	yajl_val cmd = oj_member(v, "command");

	if (!ct->rootfs && cmd && YAJL_IS_ARRAY(cmd) && !cmd->u.array.len) {
		ct->command = NULL;
		return 0;
	}
	return pod_strv_nonempty(c, v, "command", ct->rootfs != NULL,
				 " (a local root filesystem has no ENTRYPOINT to default to)",
				 &ct->command);
}

static int parse_process(struct oj *c, yajl_val v, struct pod_container *ct)
{
	int r;

	if ((r = parse_command(c, v, ct)) < 0 ||
	    (r = oj_strv(c, v, "args", &ct->args)) < 0 ||
	    (r = oj_array(c, v, "env", false, sizeof(struct pod_env),
			  (void **)&ct->env, &ct->n_env, parse_env, NULL)) < 0 ||
	    (r = pod_abspath(c, v, "workingDir", false, &ct->working_dir)) < 0)
		return r;
	/* An image's WorkingDir applies when the pod gives none. */
	if (!ct->working_dir && ct->rootfs)
		ct->working_dir = b_arena_strdup(c->arena, "/");
	return 0;
}

static int parse_termination(struct oj *c, yajl_val v, struct pod_container *ct)
{
	long policy = POD_TERMINATION_MESSAGE_FILE;
	int r;

	if ((r = pod_abspath(c, v, "terminationMessagePath", false,
			     &ct->termination_message_path)) < 0 ||
	    (r = pod_enum(c, v, "terminationMessagePolicy", message_policies,
			  B_ARRAY_SIZE(message_policies), "termination message policy",
			  &policy)) < 0)
		return r;
	if (!ct->termination_message_path)
		ct->termination_message_path = b_arena_strdup(c->arena, TERMINATION_LOG);
	ct->termination_message_policy = (enum pod_termination_message_policy)policy;
	return 0;
}

static int parse_container(struct oj *c, yajl_val v, void *item, void *ud)
{
	const struct container_ctx *cc = ud;
	struct pod_container *ct = item;
	int r;

	ct->init = cc->init;
	if ((r = pod_v_object(c, v, &container_fields)) < 0 ||
	    (r = pod_dns_label(c, v, "name", true, &ct->name)) < 0 ||
	    (r = parse_restart_policy(c, v, ct)) < 0 ||
	    (r = parse_image(c, v, cc->pod, ct)) < 0 ||
	    (r = parse_process(c, v, ct)) < 0 ||
	    (r = parse_ports(c, v, cc->pod, ct)) < 0 ||
	    (r = pod_parse_resources(c, v, ct)) < 0 ||
	    (r = pod_parse_container_security(c, v, cc->pod, ct)) < 0 ||
	    (r = pod_parse_volume_mounts(c, v, cc->pod, cc->volumes, ct)) < 0 ||
	    (r = pod_parse_probes(c, v, ct)) < 0 ||
	    (r = pod_parse_lifecycle(c, v, ct)) < 0 ||
	    (r = parse_termination(c, v, ct)) < 0)
		return r;
	return 0;
}

/* ---- both lists ------------------------------------------------------ */

static const char *list_key(bool init)
{
	return init ? "initContainers" : "containers";
}

/* Both lists as one, init containers first, as pod_container_names(). */
static const char *container_name(const struct pod_spec *pod, size_t i, bool *init,
				  size_t *index)
{
	*init = i < pod->n_init_containers;
	*index = *init ? i : i - pod->n_init_containers;
	return *init ? pod->init_containers[*index].name : pod->containers[*index].name;
}

int pod_container_names(struct oj *c, const struct pod_spec *pod, struct b_strindex *ix)
{
	size_t n = pod->n_init_containers + pod->n_containers, k;
	const char **names = calloc(n + 1, sizeof(*names));
	bool init;

	for (size_t i = 0; names && i < n; i++)
		names[i] = container_name(pod, i, &init, &k);
	return b_strindex_adopt(ix, names, n) < 0 ? oj_oom(c) : 0;
}

/* Names are unique across both lists: they name cgroups, logs and the
 * berth.dev/ annotations. */
static int check_unique_names(struct oj *c, const struct pod_spec *pod)
{
	_cleanup_strindex_ struct b_strindex names = { 0 };
	bool jinit, iinit;
	size_t j, jx, ix;
	const char *name;
	int r = pod_container_names(c, pod, &names);

	if (r < 0)
		return r;
	j = b_strindex_first_dup(&names);
	if (j == B_STRINDEX_NONE)
		return 0;
	name = container_name(pod, j, &jinit, &jx);
	container_name(pod, names.first[j], &iinit, &ix);
	oj_push_key(c, list_key(jinit));
	oj_push_index(c, jx);
	oj_push_key(c, "name");
	return oj_fail(c, "\"%s\" is already used by spec.%s[%zu]",
		       oj_quote(c, name), list_key(iinit), ix);
}

int pod_parse_containers(struct oj *c, yajl_val spec, struct pod_spec *pod)
{
	_cleanup_strindex_ struct b_strindex volumes = { 0 };
	struct container_ctx init = { pod, &volumes, true }, regular = { pod, &volumes, false };
	int r;

	if (B_STRINDEX_ITEMS(&volumes, pod->volumes, pod->n_volumes, name) < 0)
		return oj_oom(c);

	if ((r = oj_array(c, spec, "initContainers", false, sizeof(struct pod_container),
			  (void **)&pod->init_containers, &pod->n_init_containers,
			  parse_container, &init)) < 0 ||
	    (r = oj_array(c, spec, "containers", true, sizeof(struct pod_container),
			  (void **)&pod->containers, &pod->n_containers,
			  parse_container, &regular)) < 0)
		return r;
	if (pod->n_containers == 0) {
		oj_push_key(c, "containers");
		return oj_fail(c, "must have at least one container");
	}
	return check_unique_names(c, pod);
}
