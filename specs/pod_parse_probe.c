/* Probes (liveness, readiness, startup) and lifecycle.preStop.  Parsed in
 * full now so that a manifest is checked once, whenever the supervisor
 * starts to act on them. */
#include <string.h>

#include "common/cleanup.h"
#include "pod_parse_internal.h"

static const char *const probe_known[] = {
	"exec", "httpGet", "tcpSocket", "initialDelaySeconds", "periodSeconds",
	"timeoutSeconds", "successThreshold", "failureThreshold",
	"terminationGracePeriodSeconds", NULL,
};
static const char *const probe_unsupported[] = { "grpc", NULL };
static const struct pod_fields probe_fields = { probe_known, probe_unsupported, NULL };

static const char *const exec_known[] = { "command", NULL };
static const struct pod_fields exec_fields = { exec_known, NULL, NULL };

static const char *const http_known[] = {
	"path", "port", "host", "scheme", "httpHeaders", NULL,
};
static const struct pod_fields http_fields = { http_known, NULL, NULL };

static const char *const tcp_known[] = { "port", "host", NULL };
static const struct pod_fields tcp_fields = { tcp_known, NULL, NULL };

static const char *const header_known[] = { "name", "value", NULL };
static const struct pod_fields header_fields = { header_known, NULL, NULL };

static const char *const lifecycle_known[] = { "preStop", NULL };
static const char *const lifecycle_unsupported[] = { "postStart", "stopSignal", NULL };
static const struct pod_fields lifecycle_fields = {
	lifecycle_known, lifecycle_unsupported, NULL,
};

static const char *const pre_stop_known[] = { "exec", NULL };
static const char *const pre_stop_unsupported[] = { "httpGet", "tcpSocket", "sleep", NULL };
static const struct pod_fields pre_stop_fields = {
	pre_stop_known, pre_stop_unsupported, NULL,
};

/* Kubernetes' defaults (SetDefaults_Probe). */
#define PROBE_PERIOD 10
#define PROBE_TIMEOUT 1
#define PROBE_SUCCESS 1
#define PROBE_FAILURE 3

enum probe_kind { PROBE_LIVENESS, PROBE_READINESS, PROBE_STARTUP };

static const char *const probe_keys[] = {
	[PROBE_LIVENESS] = "livenessProbe",
	[PROBE_READINESS] = "readinessProbe",
	[PROBE_STARTUP] = "startupProbe",
};

/* ---- handlers -------------------------------------------------------- */

static int parse_exec(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_handler *h = item;
	int r;

	h->kind = POD_HANDLER_EXEC;
	if ((r = pod_v_object(c, v, &exec_fields)) < 0 ||
	    (r = pod_strv_nonempty(c, v, "command", true, "", &h->command)) < 0)
		return r;
	return 0;
}

static const struct pod_port *find_port(const struct pod_container *ct, const char *name)
{
	for (size_t i = 0; i < ct->n_ports; i++)
		if (ct->ports[i].name && !strcmp(ct->ports[i].name, name))
			return &ct->ports[i];
	return NULL;
}

/* IntOrString: a number, or the name of one of the container's ports. */
static int parse_port(struct oj *c, yajl_val v, const struct pod_container *ct,
		      struct pod_handler *h)
{
	yajl_val p = oj_member(v, "port");
	const struct pod_port *found;
	size_t mark = oj_push_key(c, "port");
	const char *s;
	int64_t n;
	int r;

	if (!p)
		return oj_fail(c, "required field is missing");
	if (YAJL_IS_NUMBER(p)) {
		r = oj_v_i64(c, p, 1, 65535, &n);
		if (r < 0)
			return r;
		h->port = (uint16_t)n;
		oj_pop(c, mark);
		return 0;
	}
	if (!YAJL_IS_STRING(p))
		return oj_fail(c, "expected a port number or name, got %s", oj_type_name(p));
	s = p->u.string;
	if (s[0] && strspn(s, "0123456789") == strlen(s))
		return oj_fail(c, "\"%s\" is not a valid port name (write the number without quotes)",
			       oj_quote(c, s));
	if ((r = pod_v_iana_svc_name(c, s)) < 0)
		return r;
	found = find_port(ct, s);
	if (!found)
		return oj_fail(c, "no port named \"%s\" in the container's ports", oj_quote(c, s));
	h->port = found->container_port;
	h->port_name = b_arena_strdup(c->arena, s);
	oj_pop(c, mark);
	return 0;
}

static int parse_header(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_http_header *hd = item;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &header_fields)) < 0 ||
	    (r = oj_str(c, v, "name", true, &hd->name)) < 0 ||
	    (r = oj_str(c, v, "value", true, &hd->value)) < 0)
		return r;
	mark = oj_push_key(c, "name");
	if (!pod_http_token_ok(hd->name))
		return oj_fail(c, "\"%s\" is not a valid HTTP header name", oj_quote(c, hd->name));
	oj_pop(c, mark);
	return 0;
}

static int parse_http_get(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_handler *h = item;
	char *scheme = NULL;
	size_t mark;
	int r;

	h->kind = POD_HANDLER_HTTP_GET;
	if ((r = pod_v_object(c, v, &http_fields)) < 0 ||
	    (r = oj_str(c, v, "path", false, &h->path)) < 0 ||
	    (r = parse_port(c, v, ud, h)) < 0 ||
	    (r = oj_str(c, v, "host", false, &h->host)) < 0 ||
	    (r = oj_str(c, v, "scheme", false, &scheme)) < 0 ||
	    (r = oj_array(c, v, "httpHeaders", false, sizeof(struct pod_http_header),
			  (void **)&h->http_headers, &h->n_http_headers,
			  parse_header, NULL)) < 0)
		return r;
	if (!h->path || !h->path[0])
		h->path = b_arena_strdup(c->arena, "/");
	if (h->host && !h->host[0])
		h->host = NULL;
	mark = oj_push_key(c, "scheme");
	if (scheme && !strcmp(scheme, "HTTPS"))
		return oj_fail(c, "HTTPS is not supported by berth (expected HTTP)");
	if (scheme && strcmp(scheme, "HTTP"))
		return oj_fail(c, "unknown scheme \"%s\" (expected HTTP)", oj_quote(c, scheme));
	oj_pop(c, mark);
	return 0;
}

static int parse_tcp_socket(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_handler *h = item;
	int r;

	h->kind = POD_HANDLER_TCP_SOCKET;
	if ((r = pod_v_object(c, v, &tcp_fields)) < 0 ||
	    (r = parse_port(c, v, ud, h)) < 0 ||
	    (r = oj_str(c, v, "host", false, &h->host)) < 0)
		return r;
	if (h->host && !h->host[0])
		h->host = NULL;
	return 0;
}

/* Exactly one of the handler members; `ct` resolves named ports. */
static int parse_handler(struct oj *c, yajl_val v, const struct pod_container *ct,
			 struct pod_handler *h)
{
	int r, n = 0;

	r = pod_member(c, v, "exec", false, parse_exec, h, NULL);
	if (r < 0)
		return r;
	n += r;
	r = pod_member(c, v, "httpGet", false, parse_http_get, h, (void *)ct);
	if (r < 0)
		return r;
	n += r;
	r = pod_member(c, v, "tcpSocket", false, parse_tcp_socket, h, (void *)ct);
	if (r < 0)
		return r;
	n += r;
	if (n == 0)
		return oj_fail(c, "no handler (expected one of exec, httpGet or tcpSocket)");
	if (n > 1)
		return oj_fail(c, "more than one handler (exec, httpGet and tcpSocket "
			       "are alternatives)");
	return 0;
}

/* ---- probes ---------------------------------------------------------- */

struct probe_ctx {
	const struct pod_container *ct;
	enum probe_kind kind;
};

static int probe_rules(struct oj *c, yajl_val v, enum probe_kind kind,
		       struct pod_probe *p)
{
	size_t mark;
	int r;

	if (kind != PROBE_READINESS && p->success_threshold != 1) {
		oj_push_key(c, "successThreshold");
		return oj_fail(c, "must be 1 for a %s", probe_keys[kind]);
	}
	r = oj_i64(c, v, "terminationGracePeriodSeconds", false, 1, INT64_MAX,
		   &p->termination_grace_period_seconds);
	if (r <= 0)
		return r;
	p->has_termination_grace_period = true;
	mark = oj_push_key(c, "terminationGracePeriodSeconds");
	if (kind == PROBE_READINESS)
		return oj_fail(c, "not allowed on a readinessProbe");
	oj_pop(c, mark);
	return 0;
}

static int parse_probe(struct oj *c, yajl_val v, void *item, void *ud)
{
	const struct probe_ctx *pc = ud;
	struct pod_probe *p = item;
	int r;

	p->period_seconds = PROBE_PERIOD;
	p->timeout_seconds = PROBE_TIMEOUT;
	p->success_threshold = PROBE_SUCCESS;
	p->failure_threshold = PROBE_FAILURE;
	if ((r = pod_v_object(c, v, &probe_fields)) < 0 ||
	    (r = parse_handler(c, v, pc->ct, &p->handler)) < 0 ||
	    (r = pod_i32_default(c, v, "initialDelaySeconds", &p->initial_delay_seconds)) < 0 ||
	    (r = pod_i32_default(c, v, "periodSeconds", &p->period_seconds)) < 0 ||
	    (r = pod_i32_default(c, v, "timeoutSeconds", &p->timeout_seconds)) < 0 ||
	    (r = pod_i32_default(c, v, "successThreshold", &p->success_threshold)) < 0 ||
	    (r = pod_i32_default(c, v, "failureThreshold", &p->failure_threshold)) < 0 ||
	    (r = probe_rules(c, v, pc->kind, p)) < 0)
		return r;
	return 0;
}

/* Regular init containers run to completion one after the other, so
 * nothing may probe or stop them; sidecars (restartPolicy Always) may. */
static int init_rule(struct oj *c, yajl_val cont, const struct pod_container *ct,
		     const char *key)
{
	if (!ct->init || ct->sidecar || !oj_member(cont, key))
		return 0;
	oj_push_key(c, key);
	return oj_fail(c, "not allowed on an init container unless its restartPolicy is Always");
}

int pod_parse_probes(struct oj *c, yajl_val cont, struct pod_container *ct)
{
	struct pod_probe **slots[] = {
		[PROBE_LIVENESS] = &ct->liveness,
		[PROBE_READINESS] = &ct->readiness,
		[PROBE_STARTUP] = &ct->startup,
	};

	for (int k = PROBE_LIVENESS; k <= PROBE_STARTUP; k++) {
		struct probe_ctx pc = { ct, (enum probe_kind)k };
		struct pod_probe *p = b_arena_alloc(c->arena, sizeof(*p));
		int r = init_rule(c, cont, ct, probe_keys[k]);

		if (r < 0)
			return r;
		r = pod_member(c, cont, probe_keys[k], false, parse_probe, p, &pc);
		if (r < 0)
			return r;
		*slots[k] = r ? p : NULL;
	}
	return 0;
}

/* ---- lifecycle ------------------------------------------------------- */

static int parse_pre_stop(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_container *ct = item;
	struct pod_handler h = { 0 };
	int r;

	if ((r = pod_v_object(c, v, &pre_stop_fields)) < 0)
		return r;
	r = pod_member(c, v, "exec", false, parse_exec, &h, NULL);
	if (r < 0)
		return r;
	if (r == 0)
		return oj_fail(c, "no handler (expected exec)");
	ct->pre_stop = h.command;
	return 0;
}

static int parse_lifecycle(struct oj *c, yajl_val v, void *item, void *ud)
{
	int r;

	if ((r = pod_v_object(c, v, &lifecycle_fields)) < 0 ||
	    (r = pod_member(c, v, "preStop", false, parse_pre_stop, item, NULL)) < 0)
		return r;
	return 0;
}

int pod_parse_lifecycle(struct oj *c, yajl_val cont, struct pod_container *ct)
{
	int r = init_rule(c, cont, ct, "lifecycle");

	if (r < 0)
		return r;
	r = pod_member(c, cont, "lifecycle", false, parse_lifecycle, ct, NULL);
	return r < 0 ? r : 0;
}
