/* A pod container's process from the container and its image's config
 * (image_proc.h; docs/design/image-facts.md §9). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strindex.h"
#include "common/strutil.h"
#include "images/passwd.h"
#include "specs/image.h"
#include "supervisor/image_proc.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define NOTIFY_ENV "NOTIFY_SOCKET=" SV_NOTIFY_DIR "/notify.sock"
/* How much of an image's User a message shows. */
#define USER_SHOWN 64

/* ---- argv -------------------------------------------------------------- */

struct strs {
	char *const *v;
	size_t n;
};

static struct strs pod_list(char *const *v)
{
	return (struct strs){ v, b_strv_len(v) };
}

/* containerd takes an Entrypoint of [""] for none. */
static struct strs image_entrypoint(const struct img_config *ic)
{
	if (!ic || (ic->n_entrypoint == 1 && !ic->entrypoint[0][0]))
		return (struct strs){ NULL, 0 };
	return (struct strs){ ic->entrypoint, ic->n_entrypoint };
}

/* containerd's WithProcessArgs: the image's Cmd is only for a pod that
 * gives neither command nor args, its Entrypoint only without command. */
static int build_args(struct b_arena *a, const struct sv_oci_ctx *oc,
		      const struct pod_container *c, struct oci_process *p, struct b_err *err)
{
	struct strs cmd = pod_list(c->command), args = pod_list(c->args);
	size_t k = 0;

	if (!cmd.n) {
		if (!args.n && oc->image)
			args = (struct strs){ oc->image->cmd, oc->image->n_cmd };
		cmd = image_entrypoint(oc->image);
	}
	if (!cmd.n && !args.n)
		return b_err_set(err, EINVAL, "container %s: no command specified: the pod gives "
				 "no command and image %s has no Entrypoint or Cmd", c->name, c->image);
	p->args = b_arena_calloc(a, cmd.n + args.n + 1, sizeof(char *));
	for (size_t i = 0; i < cmd.n; i++)
		p->args[k++] = b_arena_strdup(a, cmd.v[i]);
	for (size_t i = 0; i < args.n; i++)
		p->args[k++] = b_arena_strdup(a, args.v[i]);
	return 0;
}

/* ---- env --------------------------------------------------------------- */

/* Every definition in order, as "NAME=value" with its name apart. */
struct env_list {
	const char **names;      /* malloc'ed, for the index */
	char **kv;               /* in the config's arena */
	size_t n;
};

static void env_add(struct env_list *l, const char *name, char *kv)
{
	l->names[l->n] = name;
	l->kv[l->n++] = kv;
}

/* The PATH default first: the image's or the pod's PATH replaces it in
 * its place (containerd's default spec has it, and later definitions
 * replace in place), so it stays only when neither sets one. */
static void env_collect(struct b_arena *a, const struct sv_oci_ctx *oc,
			const struct pod_container *c, struct env_list *l)
{
	const struct img_config *ic = oc->image;

	env_add(l, "PATH", b_arena_strdup(a, DEFAULT_PATH));
	for (size_t i = 0; ic && i < ic->n_env; i++) {
		/* img_config_parse() checked that each has a name and '='. */
		const char *e = ic->env[i];

		env_add(l, b_arena_strndup(a, e, strcspn(e, "=")), b_arena_strdup(a, e));
	}
	if (oc->notify_dir)
		env_add(l, "NOTIFY_SOCKET", b_arena_strdup(a, NOTIFY_ENV));
	for (size_t i = 0; i < c->n_env; i++)
		env_add(l, c->env[i].name,
			b_arena_printf(a, "%s=%s", c->env[i].name, c->env[i].value));
}

/* A later definition of a name replaces the earlier one, in the earlier
 * one's place; the names are indexed, as an env can be as long as the pod
 * file (or the image) makes it. */
static int build_env(struct b_arena *a, const struct sv_oci_ctx *oc,
		     const struct pod_container *c, struct oci_process *p, struct b_err *err)
{
	size_t max = 2 + c->n_env + (oc->image ? oc->image->n_env : 0), k = 0;
	struct env_list l = { calloc(max + 1, sizeof(char *)),
			      b_arena_calloc(a, max + 1, sizeof(char *)), 0 };
	_cleanup_strindex_ struct b_strindex names = { 0 };
	_cleanup_free_ size_t *slot = calloc(max, sizeof(*slot));  /* where each first went */

	if (l.names)
		env_collect(a, oc, c, &l);
	if (b_strindex_adopt(&names, l.names, l.n) < 0 || !slot)
		return b_err_set(err, ENOMEM, "container %s: out of memory", c->name);
	p->env = b_arena_calloc(a, l.n + 1, sizeof(char *));
	for (size_t i = 0; i < l.n; i++) {
		if (b_strindex_dup(&names, i)) {
			p->env[slot[names.first[i]]] = l.kv[i];
		} else {
			slot[i] = k;
			p->env[k++] = l.kv[i];
		}
	}
	return 0;
}

/* ---- cwd and user ------------------------------------------------------ */

/* The pod's workingDir was checked by the parser; an image's is only
 * known to be non-empty, and docker refuses a relative one too. */
static int build_cwd(struct b_arena *a, const struct sv_oci_ctx *oc,
		     const struct pod_container *c, struct oci_process *p, struct b_err *err)
{
	const char *wd = c->working_dir;

	if (!wd && oc->image && oc->image->working_dir) {
		wd = oc->image->working_dir;
		if (wd[0] != '/')
			return b_err_set(err, EINVAL, "container %s: image %s: WorkingDir is not "
					 "an absolute path", c->name, c->image);
	}
	p->cwd = b_arena_strdup(a, wd ? wd : "/");
	return 0;
}

/* runAsUser and runAsGroup win.  oc->user is used only where it describes
 * the uid the process gets: then its gid stands in for a missing
 * runAsGroup and its groups are added (CVE-2023-25173). */
static void build_user(struct b_arena *a, const struct sv_oci_ctx *oc,
		       const struct pod_container *c, struct oci_user *u)
{
	const struct pod_security *s = &c->security;
	const struct img_user *iu = oc->user;
	bool ours;

	u->uid = s->has_run_as_user ? s->run_as_user : iu ? iu->uid : 0;
	ours = iu && iu->uid == u->uid;
	u->gid = s->has_run_as_group ? s->run_as_group : ours ? iu->gid : 0;
	if (!ours || !iu->n_groups)
		return;
	u->additional_gids = b_arena_calloc(a, iu->n_groups, sizeof(uint32_t));
	for (size_t i = 0; i < iu->n_groups; i++)
		if (iu->groups[i] != u->gid)
			u->additional_gids[u->n_additional_gids++] = iu->groups[i];
}

int sv_build_process(struct oci_config *cfg, const struct sv_oci_ctx *oc,
		     const struct pod_container *c, struct b_err *err)
{
	struct b_arena *a = &cfg->arena;
	struct oci_process *p;
	int r;

	p = cfg->process = b_arena_calloc(a, 1, sizeof(*p));
	if ((r = build_args(a, oc, c, p, err)) < 0 || (r = build_env(a, oc, c, p, err)) < 0 ||
	    (r = build_cwd(a, oc, c, p, err)) < 0)
		return r;
	build_user(a, oc, c, &p->user);
	p->capabilities = b_arena_calloc(a, 1, sizeof(*p->capabilities));
	pod_container_cap_sets(c, p->capabilities);
	p->no_new_privileges = pod_container_no_new_privs(c);
	return 0;
}

/* ---- runAsNonRoot ------------------------------------------------------ */

/* s[0..n) for a message: printable ASCII, other bytes as '?'. */
static void shown(const char *s, size_t n, char buf[USER_SHOWN + 4])
{
	size_t i;

	for (i = 0; i < n && i < USER_SHOWN; i++)
		buf[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(buf + i, i < n ? "..." : "");
}

int sv_image_verify_non_root(const struct pod_container *c, const struct img_config *ic,
			     struct b_err *err)
{
	const struct pod_security *s = &c->security;
	const char *user = ic && ic->user ? ic->user : "";
	size_t n = strcspn(user, ":");
	char buf[USER_SHOWN + 4];

	if (!s->run_as_non_root)
		return 0;
	if (s->has_run_as_user) {
		if (s->run_as_user != 0)
			return 0;
		return b_err_set(err, EPERM, "container %s: runAsNonRoot is true but runAsUser is 0",
				 c->name);
	}
	/* The kubelet takes an image without a User for root. */
	if (n && strspn(user, "0123456789") == n)
		return strspn(user, "0") == n
			? b_err_set(err, EPERM, "container %s: runAsNonRoot is true and image %s "
				    "will run as root", c->name, c->image)
			: 0;
	if (!n)
		return b_err_set(err, EPERM, "container %s: runAsNonRoot is true and image %s has "
				 "no user, so it would run as root", c->name, c->image);
	shown(user, n, buf);
	return b_err_set(err, EPERM, "container %s: runAsNonRoot is true and image %s has "
			 "non-numeric user (%s), cannot verify user is non-root", c->name,
			 c->image, buf);
}
