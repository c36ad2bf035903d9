/* berth's extensions live in metadata.annotations under berth.dev/, where
 * Kubernetes keeps (and ignores) them, so the manifest stays valid there.
 * They are validated like fields: a typo in a key is an error, not a
 * silently missing setting. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "common/cleanup.h"
#include "pod_parse_internal.h"

#define PREFIX "berth.dev/"
#define OOM_POLICY PREFIX "oom-policy"
#define OOM_GROW PREFIX "oom-grow"
#define BACKOFF PREFIX "restart-backoff"
#define SD_NOTIFY PREFIX "sd-notify"
#define NETWORK PREFIX "network"
#define PRESSURE PREFIX "pressure"
/* CNI's rule for a network name. */
#define NETWORK_NAME_MAX 128

/* The kubelet's crash-loop backoff. */
#define BACKOFF_INITIAL_MS 10000
#define BACKOFF_MAX_MS 300000
#define BACKOFF_RESET_MS 600000

static const struct oj_name oom_policies[] = {
	{ "restart", POD_OOM_RESTART },
	{ "stop", POD_OOM_STOP },
	{ "grow", POD_OOM_GROW },
};

/* ---- durations ------------------------------------------------------- */

static const struct {
	const char *unit;
	int64_t ns;
} units[] = {
	{ "ms", 1000000LL },           /* before "m" */
	{ "s", 1000000000LL },
	{ "m", 60000000000LL },
	{ "h", 3600000000000LL },
};

/* One <number><unit> term at *s; adds its nanoseconds to *total. */
static bool duration_term(const char **s, __int128 *total)
{
	const char *p = *s;
	__int128 ip = 0, frac = 0, scale = 1;
	size_t nd = 0, nf = 0, i;

	for (; *p >= '0' && *p <= '9'; p++, nd++)
		if (ip < INT64_MAX)
			ip = ip * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, nf++)
			if (nf < 18) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
	if (nd + nf == 0)
		return false;
	for (i = 0; i < B_ARRAY_SIZE(units); i++)
		if (!strncmp(p, units[i].unit, strlen(units[i].unit)))
			break;
	if (i == B_ARRAY_SIZE(units))
		return false;
	*total += ip * units[i].ns + frac * units[i].ns / scale;
	*s = p + strlen(units[i].unit);
	return *total <= INT64_MAX;
}

/* Go's time.ParseDuration with the units ms, s, m and h, unsigned. */
bool pod_parse_duration(const char *s, int64_t *ms)
{
	__int128 total = 0;

	if (!strcmp(s, "0")) {
		*ms = 0;
		return true;
	}
	if (!*s)
		return false;
	while (*s)
		if (!duration_term(&s, &total))
			return false;
	*ms = (int64_t)(total / 1000000);
	return true;
}

/* ---- values ---------------------------------------------------------- */

/* Split "a,b,c" into exactly n parts (in the arena), blanks trimmed. */
static bool split_n(struct b_arena *a, const char *s, char **parts, size_t n)
{
	char *copy = b_arena_strdup(a, s), *p = copy;

	for (size_t i = 0; i < n; i++) {
		char *end = i + 1 < n ? strchr(p, ',') : p + strlen(p);

		if (!end || (i + 1 == n && strchr(p, ',')))
			return false;
		*end = '\0';
		while (*p == ' ')
			p++;
		for (char *e = end; e > p && e[-1] == ' '; e--)
			e[-1] = '\0';
		parts[i] = p;
		if (!*p)
			return false;
		p = end + 1;
	}
	return true;
}

static int parse_oom_grow(struct oj *c, const char *val, struct pod_spec *pod)
{
	struct pod_quantity max = { 0 };
	char *parts[2], *end;
	double factor;
	int r;

	if (!split_n(c->arena, val, parts, 2))
		return oj_fail(c, "\"%s\" is not of the form factor,max (e.g. \"1.5,512Mi\")",
			       oj_quote(c, val));
	errno = 0;
	factor = strtod(parts[0], &end);
	if (errno || *end || strspn(parts[0], "0123456789.") != strlen(parts[0]))
		return oj_fail(c, "factor \"%s\" is not a number", oj_quote(c, parts[0]));
	if (!(factor > 1.0))
		return oj_fail(c, "factor \"%s\" must be greater than 1", oj_quote(c, parts[0]));
	r = pod_v_quantity(c, parts[1], QUANTITY_MEMORY, &max);
	if (r < 0)
		return r;
	pod->oom_grow.set = true;
	pod->oom_grow.factor = factor;
	pod->oom_grow.max_bytes = max.value;
	pod->oom_grow.max_text = max.text;
	return 0;
}

static int parse_backoff(struct oj *c, const char *val, struct pod_spec *pod)
{
	static const char *const what[] = { "initial", "max", "reset" };
	int64_t ms[3];
	char *parts[3];

	if (!split_n(c->arena, val, parts, 3))
		return oj_fail(c, "\"%s\" is not of the form initial,max,reset "
			       "(e.g. \"10s,300s,10m\")", oj_quote(c, val));
	for (int i = 0; i < 3; i++) {
		if (!pod_parse_duration(parts[i], &ms[i]))
			return oj_fail(c, "%s \"%s\" is not a duration (e.g. 500ms, 10s, 1m30s)",
				       what[i], oj_quote(c, parts[i]));
		/* Zero would restart a crashing container in a tight loop. */
		if (ms[i] <= 0)
			return oj_fail(c, "%s \"%s\" must be at least 1ms", what[i],
				       oj_quote(c, parts[i]));
	}
	if (ms[0] > ms[1])
		return oj_fail(c, "initial \"%s\" is longer than max \"%s\"",
			       oj_quote(c, parts[0]), oj_quote(c, parts[1]));
	pod->backoff.initial_ms = ms[0];
	pod->backoff.max_ms = ms[1];
	pod->backoff.reset_ms = ms[2];
	return 0;
}

/* Init and regular containers numbered as one list. */
static struct pod_container *container_at(struct pod_spec *pod, size_t i)
{
	if (i < pod->n_init_containers)
		return &pod->init_containers[i];
	return &pod->containers[i - pod->n_init_containers];
}

/* What the annotations are applied to: the pod, its containers by name
 * (numbered as container_at() does) and which of them have an OOM policy
 * of their own. */
struct ann_ctx {
	struct pod_spec *pod;
	const struct b_strindex *names;
	bool *explicit_policy;
};

static ssize_t find_container(const struct ann_ctx *ac, const char *name)
{
	size_t i = b_strindex_find(ac->names, name);

	return i == B_STRINDEX_NONE ? -1 : (ssize_t)i;
}

/* ---- OOM policy ------------------------------------------------------ */

static int policy_value(struct oj *c, const char *val, enum pod_oom_policy *out)
{
	long p;
	int r = oj_v_enum(c, val, oom_policies, B_ARRAY_SIZE(oom_policies),
			  "OOM policy", true, &p);

	if (r == 0)
		*out = (enum pod_oom_policy)p;
	return r;
}

/* "grow" needs a limit to grow from and somewhere to stop. */
static int check_grow(struct oj *c, const struct pod_spec *pod,
		      const struct pod_container *ct)
{
	const struct pod_quantity *lim = &ct->resources.memory_limit;

	if (!lim->set)
		return oj_fail(c, "container \"%s\" has no memory limit to grow "
			       "(set resources.limits.memory)", ct->name);
	if (!pod->oom_grow.set)
		return oj_fail(c, "grow needs the %s annotation (e.g. \"1.5,1Gi\")", OOM_GROW);
	if (pod->oom_grow.max_bytes <= lim->value)
		return oj_fail(c, "grow for container \"%s\" needs a %s max above its "
			       "memory limit \"%s\" (max is \"%s\")", ct->name, OOM_GROW,
			       oj_quote(c, lim->text), oj_quote(c, pod->oom_grow.max_text));
	return 0;
}

/* ---- the annotations ------------------------------------------------- */

/* Where the messages point: metadata.annotations["<key>"]. */
static size_t push_annotation(struct oj *c, const char *key)
{
	size_t mark = oj_push_key(c, "metadata");

	oj_push_key(c, "annotations");
	oj_push_mapkey(c, key);
	return mark;
}

/* sd-notify.<container>: "true" gives the container a NOTIFY_SOCKET whose
 * messages the supervisor relays to systemd (READY=1 counts towards the
 * container's readiness). */
static int parse_sd_notify(struct oj *c, const struct ann_ctx *ac, const char *name,
			   const char *val)
{
	ssize_t i = find_container(ac, name);

	if (i < 0)
		return oj_fail(c, "no container named \"%s\"", oj_quote(c, name));
	if (strcmp(val, "true") && strcmp(val, "false"))
		return oj_fail(c, "expected \"true\" or \"false\", got \"%s\"", oj_quote(c, val));
	container_at(ac->pod, (size_t)i)->sd_notify = !strcmp(val, "true");
	return 0;
}

/* network: "none" (no network but loopback) or the name of the CNI
 * network to attach the pod to instead of the default one. */
static bool network_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NETWORK_NAME_MAX || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static int parse_network(struct oj *c, const char *val, struct pod_spec *pod)
{
	if (pod->host_network)
		return oj_fail(c, "has no effect with hostNetwork (the pod uses the host's "
			       "network); remove it");
	if (!strcmp(val, "none")) {
		pod->no_network = true;
		return 0;
	}
	if (!network_name_ok(val))
		return oj_fail(c, "\"%s\" is not a network (expected none or a CNI network name: "
			       "a letter or digit, then letters, digits, '_', '.' or '-', at most "
			       "%d characters)", oj_quote(c, val), NETWORK_NAME_MAX);
	pod->network = b_arena_strdup(c->arena, val);
	return 0;
}

static int parse_pressure_of(struct oj *c, const struct ann_ctx *ac, const char *name,
			     const char *val)
{
	ssize_t i = find_container(ac, name);

	if (i < 0)
		return oj_fail(c, "no container named \"%s\"", oj_quote(c, name));
	return pod_pressure_parse(c, val, container_at(ac->pod, (size_t)i)->pressure);
}

static int parse_one(struct oj *c, const struct ann_ctx *ac, const struct oci_kv *kv)
{
	struct pod_spec *pod = ac->pod;
	const char *k = kv->key + strlen(PREFIX);
	size_t n = strlen("oom-policy.");
	ssize_t i;

	if (!strcmp(kv->key, OOM_POLICY))
		return 0;                   /* the pod default, applied by the caller */
	if (!strcmp(kv->key, OOM_GROW))
		return parse_oom_grow(c, kv->value, pod);
	if (!strcmp(kv->key, BACKOFF))
		return parse_backoff(c, kv->value, pod);
	if (!strcmp(kv->key, NETWORK))
		return parse_network(c, kv->value, pod);
	if (!strncmp(k, "sd-notify.", strlen("sd-notify.")))
		return parse_sd_notify(c, ac, k + strlen("sd-notify."), kv->value);
	if (!strcmp(kv->key, PRESSURE))
		return 0;                   /* the pod default, applied by the caller */
	if (!strncmp(k, "pressure.", strlen("pressure.")))
		return parse_pressure_of(c, ac, k + strlen("pressure."), kv->value);
	if (strncmp(k, "oom-policy.", n))
		return oj_fail(c, "unknown berth annotation (expected %s, %s.<container>, "
			       "%s, %s, %s.<container>, %s or %s[.<container>])", OOM_POLICY,
			       OOM_POLICY, OOM_GROW, BACKOFF, SD_NOTIFY, NETWORK, PRESSURE);
	i = find_container(ac, k + n);
	if (i < 0)
		return oj_fail(c, "no container named \"%s\"", oj_quote(c, k + n));
	ac->explicit_policy[i] = true;
	return policy_value(c, kv->value, &container_at(pod, (size_t)i)->oom_policy);
}

static int check_grows(struct oj *c, struct pod_spec *pod, const bool *explicit_policy)
{
	for (size_t i = 0; i < pod->n_init_containers + pod->n_containers; i++) {
		const struct pod_container *ct = container_at(pod, i);
		char key[128];
		size_t mark;
		int r;

		if (ct->oom_policy != POD_OOM_GROW)
			continue;
		snprintf(key, sizeof(key), explicit_policy[i] ? "%s.%s" : "%s",
			 OOM_POLICY, ct->name);
		mark = push_annotation(c, key);
		r = check_grow(c, pod, ct);
		if (r < 0)
			return r;
		oj_pop(c, mark);
	}
	return 0;
}

/* berth.dev/pressure: over the defaults of every container, before any
 * berth.dev/pressure.<container>. */
static int pod_pressure_defaults_from(struct oj *c, struct pod_spec *pod, size_t n)
{
	for (size_t i = 0; i < pod->annotations.n; i++) {
		const struct oci_kv *kv = &pod->annotations.items[i];
		size_t mark;
		int r;

		if (strcmp(kv->key, PRESSURE))
			continue;
		mark = push_annotation(c, kv->key);
		for (size_t j = 0; j < n; j++)
			if ((r = pod_pressure_parse(c, kv->value, container_at(pod, j)->pressure)) < 0)
				return r;
		oj_pop(c, mark);
	}
	return 0;
}

int pod_parse_berth_annotations(struct oj *c, struct pod_spec *pod)
{
	size_t n = pod->n_init_containers + pod->n_containers, mark;
	_cleanup_free_ bool *explicit_policy = calloc(n + 1, sizeof(bool));
	_cleanup_strindex_ struct b_strindex names = { 0 };
	struct ann_ctx ac = { pod, &names, explicit_policy };
	enum pod_oom_policy def = POD_OOM_RESTART;
	int r;

	if (!explicit_policy)
		return oj_oom(c);
	if ((r = pod_container_names(c, pod, &names)) < 0)
		return r;
	pod->backoff = (struct pod_backoff){ BACKOFF_INITIAL_MS, BACKOFF_MAX_MS,
					     BACKOFF_RESET_MS };
	for (size_t i = 0; i < pod->annotations.n; i++) {
		const struct oci_kv *kv = &pod->annotations.items[i];

		if (strcmp(kv->key, OOM_POLICY))
			continue;
		mark = push_annotation(c, kv->key);
		if ((r = policy_value(c, kv->value, &def)) < 0)
			return r;
		oj_pop(c, mark);
	}
	for (size_t i = 0; i < n; i++) {
		container_at(pod, i)->oom_policy = def;
		pod_pressure_defaults(container_at(pod, i)->pressure);
	}
	if ((r = pod_pressure_defaults_from(c, pod, n)) < 0)
		return r;
	for (size_t i = 0; i < pod->annotations.n; i++) {
		const struct oci_kv *kv = &pod->annotations.items[i];

		if (strncmp(kv->key, PREFIX, strlen(PREFIX)))
			continue;
		mark = push_annotation(c, kv->key);
		if ((r = parse_one(c, &ac, kv)) < 0)
			return r;
		oj_pop(c, mark);
	}
	return check_grows(c, pod, explicit_policy);
}
