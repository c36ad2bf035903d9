/* Loading the images an OCI layout's index.json lists (load.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/load.h"
#include "images/ref.h"

/* index.json beneath the layout, never through a symlink, a regular file:
 * the layout may have come out of a hostile archive. */
static int read_index_json(int dir_fd, char **text, size_t *len, struct b_err *err)
{
	int r;
	_cleanup_close_ int fd = b_open_regular_at(dir_fd, "index.json",
						   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
							   RESOLVE_NO_MAGICLINKS);

	if (fd == -ENOENT)
		return b_err_set(err, ENOENT, "not an OCI image layout: it has no index.json");
	if (fd == -EINVAL)
		return b_err_set(err, EINVAL, "image layout: index.json is not a regular file");
	if (fd < 0)
		return b_err_sys(err, -fd, "image layout: opening index.json");
	if ((r = b_read_fd(fd, IMG_JSON_MAX + 1, text, len)) == -EFBIG)
		return b_err_set(err, EFBIG, "image layout: index.json is over %u bytes", IMG_JSON_MAX);
	if (r < 0)
		return b_err_sys(err, -r, "image layout: reading index.json");
	return 0;
}

/* The normalised form of `text` in buf, or false when it does not parse
 * (a bad name only costs the image that name). */
static bool normalise(const char *text, char *buf, size_t size)
{
	struct img_ref ref;
	struct b_err ignored = { 0 };

	if (!text || !text[0] || img_ref_parse(text, &ref, &ignored) < 0)
		return false;
	img_ref_format(&ref, buf, size);
	return true;
}

/* containerd's importer order: its own annotation, then ref.name, but
 * only a full reference: a bare tag ("1.0") needs a base name berth does
 * not have, and "1.0" alone would parse as docker.io/library/1.0. */
static bool entry_name(const struct img_descriptor *d, char *buf, size_t size)
{
	const char *r = d->ref_name;

	if (normalise(d->containerd_name, buf, size))
		return true;
	return r && strpbrk(r, "/:@") && normalise(r, buf, size);
}

/* A manifest entry for another platform is some other machine's image in
 * the same layout, not an error; one without a platform is always tried
 * (img_import_manifest checks the config's platform anyway). */
static bool wanted(const struct img_descriptor *d, const struct img_plat *want)
{
	enum img_media k = img_media_kind(d->media_type);

	if (k == IMG_MEDIA_INDEX)
		return true;
	if (k != IMG_MEDIA_MANIFEST)
		return false;
	return !d->platform.os || img_platform_rank(want, d->platform.os, d->platform.architecture,
						    d->platform.variant) >= 0;
}

static int load_entry(struct img_store *s, int dir_fd, const struct img_descriptor *d,
		      const struct img_plat *want, img_load_cb cb, void *arg, struct b_err *err)
{
	struct img_imported im;
	char name[IMG_REF_MAX + 1];
	const char *names[1] = { name };
	int r;

	if ((r = img_import_manifest(s, dir_fd, d, want, &im, err)) < 0)
		return b_err_prefix(err, "image layout: index.json entry %s", d->digest);
	bool named = entry_name(d, name, sizeof(name));
	if (named)
		snprintf(im.name, sizeof(im.name), "%s", name);
	return cb(arg, &im, names, named ? 1 : 0, err);
}

int img_load_layout(struct img_store *s, int dir_fd, const struct img_plat *want, img_load_cb cb,
		    void *arg, struct b_err *err)
{
	_cleanup_free_ char *text = NULL;
	__attribute__((cleanup(img_index_freep))) struct img_index *x = NULL;
	size_t len, loaded = 0;
	char plat[96];
	int r;

	if ((r = read_index_json(dir_fd, &text, &len, err)) < 0 ||
	    (r = img_index_parse("index.json", text, len, &x, err)) < 0)
		return r;
	for (size_t i = 0; i < x->n_manifests; i++) {
		if (!wanted(&x->manifests[i], want))
			continue;
		if ((r = load_entry(s, dir_fd, &x->manifests[i], want, cb, arg, err)) < 0)
			return r;
		loaded++;
	}
	img_platform_format(want, plat, sizeof(plat));
	if (!loaded)
		return b_err_set(err, ENOENT, "image layout: index.json lists no image for %s",
				 plat);
	return 0;
}
