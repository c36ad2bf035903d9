/* Containers whose `image` is a reference (docs/images.md): resolve it in
 * the store under the pull policy, pull when the policy says so, pin the
 * record for the pod's life, mount the layers under the container's
 * writable layer, and read the image's users. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/lower.h"
#include "images/passwd.h"
#include "images/pull.h"
#include "images/record.h"
#include "images/ref.h"
#include "supervisor/sv_internal.h"

/* The image's /etc/passwd or /etc/group is the image author's: capped. */
#define IMAGE_USERDB_MAX (1u << 20)

static enum img_pull_policy policy(const struct pod_container *c)
{
	switch (c->pull_policy) {
	case POD_PULL_ALWAYS: return IMG_PULL_ALWAYS;
	case POD_PULL_IF_NOT_PRESENT: return IMG_PULL_IF_NOT_PRESENT;
	case POD_PULL_NEVER: return IMG_PULL_NEVER;
	case POD_PULL_DEFAULT: break;
	}
	return img_default_pull_policy(c->image);
}

static int pull(struct sv *s, struct sv_ctr *c, const struct img_ref *ref, struct b_err *err)
{
	struct img_plat want;
	struct img_pull_opts o = { .want = &want, .skopeo = s->o->skopeo, .progress_fd = -1,
				   .registries_conf = s->o->registries_conf };
	struct img_imported im;
	const char *names[1] = { im.name };
	struct sv_ev ev = { .type = "pulling", .c = c, .backoff_ms = -1, .message = c->c->image };
	int r;

	img_platform_host(&want);
	sv_event(s, &ev);
	if ((r = img_pull(&s->store, ref, &o, &im, err)) < 0 ||
	    (r = img_image_add(&s->store, &im, names, 1, err)) < 0)
		return r;
	ev.type = "pulled";
	sv_event(s, &ev);
	snprintf(c->img.id, sizeof(c->img.id), "%s", im.id);
	return 0;
}

/* The image ID under the container's pull policy. */
static int resolve(struct sv *s, struct sv_ctr *c, struct b_err *err)
{
	struct img_ref ref;
	struct b_err miss = { 0 };
	enum img_pull_policy p = policy(c->c);
	char name[IMG_REF_MAX + 1];
	int r;

	if ((r = img_ref_parse(c->c->image, &ref, err)) < 0)
		return r;
	img_ref_format(&ref, name, sizeof(name));
	r = p == IMG_PULL_ALWAYS ? -ENOENT : img_image_resolve(&s->store, name, c->img.id, &miss);
	if (r == -ENOENT && p == IMG_PULL_NEVER)
		return b_err_set(err, ENOENT,
				 "image %s is not in the store and imagePullPolicy is Never (berth image load or pull it first)",
				 name);
	if (r == -ENOENT)
		return pull(s, c, &ref, err);
	if (r < 0)
		*err = miss;
	return r;
}

static int setup_one(struct sv *s, struct sv_ctr *c, struct b_err *err)
{
	__attribute__((cleanup(img_manifest_freep))) struct img_manifest *m = NULL;
	int r;

	if ((r = resolve(s, c, err)) < 0)
		return r;
	if ((c->img.pin = img_image_pin(&s->store, c->img.id, err)) < 0)
		return c->img.pin;
	return img_image_read(&s->store, c->img.id, &m, &c->img.cfg, err);
}

static bool any_image(const struct sv *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->cs[i].c->rootfs)
			return true;
	return false;
}

int sv_images_setup(struct sv *s, struct b_err *err)
{
	char path[PATH_MAX];
	int r = 0;

	if (!any_image(s))
		return 0;
	snprintf(path, sizeof(path), "%s/images", s->o->image_root ? s->o->image_root : IMG_DEFAULT_ROOT);
	if ((r = img_store_open(&s->store, path, IMG_STORE_SHARED, err)) < 0)
		return r;
	for (size_t i = 0; i < s->n && r >= 0; i++)
		if (!s->cs[i].c->rootfs && (r = setup_one(s, &s->cs[i], err)) < 0)
			b_err_prefix(err, "container %s", s->cs[i].c->name);
	/* The pins hold the images from here on; rm and prune may run. */
	close(s->store.lock_fd);
	s->store.lock_fd = -1;
	return r;
}

void sv_images_free(struct sv *s)
{
	for (size_t i = 0; s->cs && i < s->n; i++) {
		struct sv_image *im = &s->cs[i].img;
		if (im->pin >= 0)
			close(im->pin);
		im->pin = -1;
		img_config_freep(&im->cfg);
	}
	img_store_close(&s->store);
}

/* ---- per run ---------------------------------------------------------- */

int sv_image_mount(struct sv *s, struct sv_ctr *c, struct b_err *err)
{
	char upper[PATH_MAX + 8], work[PATH_MAX + 8], merged[PATH_MAX + 8];
	int r;

	if ((r = sv_overlay_remove(c->dir, err)) < 0)
		return r;
	snprintf(upper, sizeof(upper), "%s/upper", c->dir);
	snprintf(work, sizeof(work), "%s/work", c->dir);
	snprintf(merged, sizeof(merged), "%s/merged", c->dir);
	if ((r = b_mkdir_p(upper, 0755)) < 0 || (r = b_mkdir_p(work, 0700)) < 0 ||
	    (r = b_mkdir_p(merged, 0755)) < 0)
		return b_err_sys(err, -r, "creating %s", c->dir);
	if ((r = img_overlay_mount(&s->store, c->img.cfg, upper, work, merged, err)) < 0)
		return b_err_prefix(err, "image %s", c->c->image);
	return 0;
}

/* etc/passwd or etc/group of the mounted image, resolved inside it (its
 * symlinks stay in the image), a regular file (checked before it is
 * opened), capped; "" when absent. */
static int read_userdb(int root, const char *name, char **text, size_t *len, struct b_err *err)
{
	int fd = b_open_regular_at(root, name, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
	int r;

	if (fd == -ENOENT) {
		*text = strdup("");
		*len = 0;
		return *text ? 0 : b_err_set(err, ENOMEM, "out of memory");
	}
	if (fd == -EINVAL)
		return b_err_set(err, EINVAL, "the image's /%s is not a regular file", name);
	if (fd < 0)
		return b_err_sys(err, -fd, "the image's /%s", name);
	r = b_read_fd(fd, IMAGE_USERDB_MAX, text, len);
	close(fd);
	if (r == -EFBIG)
		return b_err_set(err, EFBIG, "the image's /%s is over %u bytes", name, IMAGE_USERDB_MAX);
	return r < 0 ? b_err_sys(err, -r, "reading the image's /%s", name) : 0;
}

int sv_image_user(struct sv_ctr *c, const char *merged, struct img_user *u, struct b_err *err)
{
	_cleanup_free_ char *pw = NULL, *gr = NULL;
	_cleanup_close_ int root = open(merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const struct pod_security *sc = &c->c->security;
	size_t pl, gl;
	int r;

	if (root < 0)
		return b_err_sys(err, errno, "opening %s", merged);
	if ((r = read_userdb(root, "etc/passwd", &pw, &pl, err)) < 0 ||
	    (r = read_userdb(root, "etc/group", &gr, &gl, err)) < 0)
		return b_err_prefix(err, "container %s", c->c->name);
	if (sc->has_run_as_user)
		r = img_user_for_uid(sc->run_as_user, pw, pl, gr, gl, u, err);
	else
		r = img_user_resolve(c->img.cfg->user ? c->img.cfg->user : "0", pw, pl, gr, gl, u, err);
	return r < 0 ? b_err_prefix(err, "container %s: image %s", c->c->name, c->c->image) : 0;
}
