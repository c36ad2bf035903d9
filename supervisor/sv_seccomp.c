/* The pod's seccomp profiles: each distinct one is read, parsed and
 * compiled once, at pod setup, and every start, restart, probe and preStop
 * exec of the containers that name it uses that filter.
 *
 * Once, because:
 * - compiling is most of the cost of starting a container;
 * - libseccomp 2.5.4 was reported to leak ~96 bytes per rule it adds for
 *   some multiplexed syscalls on x86 (socketcall with an argument
 *   condition): compiling on every restart would grow the supervisor for
 *   as long as it runs;
 * - the kubelet too reads a Localhost profile at pod admission: editing or
 *   removing the file does not change a running pod's containers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "runtime/seccomp.h"
#include "specs/seccomp_default.h"
#include "supervisor/sv_internal.h"

static bool has_profile(const struct pod_container *c)
{
	return !c->security.privileged && c->security.seccomp.type != POD_SECCOMP_UNCONFINED;
}

/* path NULL: RuntimeDefault. */
static struct sv_profile *find(struct sv *s, const char *path)
{
	for (size_t i = 0; i < s->n_profiles; i++) {
		struct sv_profile *p = &s->profiles[i];

		if (path ? p->path && strcmp(p->path, path) == 0 : !p->path)
			return p;
	}
	return NULL;
}

static int load_runtime_default(struct sv *s, struct sv_profile *p, struct b_err *err)
{
	p->text = berth_default_seccomp_json();
	if (sv_runtime_default_parse(&s->sc_arena, &p->spec, err) < 0 ||
	    rt_seccomp_compile(p->spec, &p->bpf, err) < 0)
		return b_err_prefix(err, "RuntimeDefault seccomp profile");
	return 0;
}

/* The text is kept as read: `berth exec` compiles the same profile. */
static int load_localhost(struct sv *s, const struct pod_container *c, struct sv_profile *p,
			  struct b_err *err)
{
	_cleanup_free_ char *text = NULL;
	char *copy;
	size_t len;
	int r;

	p->path = c->security.seccomp.localhost_path;
	if ((r = b_read_file(p->path, 0, &text, &len)) < 0)
		return b_err_sys(err, -r, "container %s: seccomp profile %s", c->name, p->path);
	copy = b_arena_alloc(&s->sc_arena, len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	p->text = copy;
	if (oci_seccomp_parse(p->path, copy, len, &s->sc_arena, &p->spec, err) < 0)
		return b_err_prefix(err, "container %s", c->name);
	if (rt_seccomp_compile(p->spec, &p->bpf, err) < 0)
		return b_err_prefix(err, "container %s: seccomp profile %s", c->name, p->path);
	return 0;
}

int sv_seccomp_setup(struct sv *s, struct b_err *err)
{
	/* At most one per container, and never moved: containers point in. */
	s->profiles = calloc(s->n ? s->n : 1, sizeof(*s->profiles));
	if (!s->profiles)
		return b_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n; i++) {
		const struct pod_container *c = s->cs[i].c;
		bool localhost = c->security.seccomp.type == POD_SECCOMP_LOCALHOST;
		struct sv_profile *p;
		int r;

		if (!has_profile(c))
			continue;
		p = find(s, localhost ? c->security.seccomp.localhost_path : NULL);
		if (!p) {
			p = &s->profiles[s->n_profiles++];
			r = localhost ? load_localhost(s, c, p, err) : load_runtime_default(s, p, err);
			if (r < 0)
				return r;
		}
		s->cs[i].profile = p;
	}
	return 0;
}

void sv_seccomp_free(struct sv *s)
{
	for (size_t i = 0; i < s->n_profiles; i++)
		rt_seccomp_free(s->profiles[i].bpf);
	free(s->profiles);
	s->profiles = NULL;
	s->n_profiles = 0;
	b_arena_release(&s->sc_arena);
}
