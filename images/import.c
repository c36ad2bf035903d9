/* Import from an OCI layout: manifest (or index → manifest), config and
 * layers, each verified on the way into the store (import.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/import.h"

/* A blob of the layout, beneath it, never through a symlink, a regular
 * file: the layout is as hostile as the archive it came from. */
static int open_layout_blob(int layout_fd, const char *digest, struct b_err *err)
{
	char name[128];
	int fd;

	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	fd = b_open_regular_at(layout_fd, name,
			       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd == -EINVAL)
		return b_err_set(err, EINVAL, "blob %s: %s is not a regular file", digest, name);
	if (fd < 0)
		return b_err_sys(err, -fd, "blob %s: not in the image layout (%s)", digest, name);
	return fd;
}

static int put_blob(struct img_store *s, int layout_fd, const struct img_descriptor *d,
		    struct b_err *err)
{
	_cleanup_close_ int fd = open_layout_blob(layout_fd, d->digest, err);

	if (fd < 0)
		return fd;
	return img_blob_put(s, fd, d->digest, d->size, err);
}

/* A stored blob's JSON (already verified, so trusted as bytes only). */
static int read_blob(struct img_store *s, const char *digest, char **text, size_t *len,
		     struct b_err *err)
{
	_cleanup_close_ int fd = img_blob_open(s, digest, err);
	int r;

	if (fd < 0)
		return fd == -ENOENT ? b_err_set(err, ENOENT, "blob %s: missing", digest) : fd;
	if ((r = b_read_fd(fd, IMG_JSON_MAX + 1, text, len)) < 0)
		return b_err_sys(err, -r, "blob %s: reading it", digest);
	return 0;
}

static int choose(struct img_store *s, int layout_fd, const struct img_descriptor *desc,
		  const struct img_plat *want, struct img_descriptor *out, struct b_err *err)
{
	_cleanup_free_ char *text = NULL;
	__attribute__((cleanup(img_index_freep))) struct img_index *x = NULL;
	char plat[96];
	size_t len;
	int r;

	if ((r = put_blob(s, layout_fd, desc, err)) < 0 ||
	    (r = read_blob(s, desc->digest, &text, &len, err)) < 0 ||
	    (r = img_index_parse(desc->digest, text, len, &x, err)) < 0)
		return r;
	long i = img_platform_choose(x, want);
	img_platform_format(want, plat, sizeof(plat));
	if (i < 0)
		return b_err_set(err, ENOENT, "index %s has no image for platform %s", desc->digest, plat);
	*out = x->manifests[i];
	/* the strings live in x's arena: only digest and size are used on */
	out->media_type = NULL;
	return 0;
}

static int check_platform(const struct img_config *c, const struct img_plat *want,
			  struct b_err *err)
{
	struct img_plat got;

	img_platform_set(&got, c->os, c->architecture, c->variant);
	if (img_platform_rank(want, c->os, c->architecture, c->variant) < 0) {
		char w[96], g[96];
		img_platform_format(want, w, sizeof(w));
		img_platform_format(&got, g, sizeof(g));
		return b_err_set(err, EINVAL, "image is for %s, not %s", g, w);
	}
	return 0;
}

static void report(struct img_store *s, size_t layer, size_t n, uint64_t bytes)
{
	struct img_progress p = { .layer = layer, .n_layers = n, .bytes = bytes };

	if (s->progress)
		s->progress(s->progress_arg, &p);
}

static int import_layers(struct img_store *s, int layout_fd, const struct img_manifest *m,
			 const struct img_config *c, struct img_imported *out, struct b_err *err)
{
	struct img_unpack_stats st;
	int r;

	if (m->n_layers != c->n_diff_ids)
		return b_err_set(err, EINVAL, "image has %zu layers but its config lists %zu diffIDs",
				 m->n_layers, c->n_diff_ids);
	for (size_t i = 0; i < m->n_layers; i++) {
		report(s, i, m->n_layers, out->bytes);
		if ((r = put_blob(s, layout_fd, &m->layers[i], err)) < 0 ||
		    (r = img_layer_ensure(s, m->layers[i].digest, c->diff_ids[i], &st, err)) < 0)
			return r;
		out->bytes += st.tar_bytes;
	}
	report(s, m->n_layers, m->n_layers, out->bytes);
	out->n_layers = m->n_layers;
	return 0;
}

int img_import_manifest(struct img_store *s, int layout_fd, const struct img_descriptor *desc,
			const struct img_plat *want, struct img_imported *out, struct b_err *err)
{
	__attribute__((cleanup(img_manifest_freep))) struct img_manifest *m = NULL;
	__attribute__((cleanup(img_config_freep))) struct img_config *c = NULL;
	_cleanup_free_ char *mt = NULL, *ct = NULL;
	struct img_descriptor d = *desc;
	size_t mlen, clen;
	int r;

	memset(out, 0, sizeof(*out));
	if (img_media_kind(desc->media_type) == IMG_MEDIA_INDEX &&
	    (r = choose(s, layout_fd, desc, want, &d, err)) < 0)
		return r;
	if ((r = put_blob(s, layout_fd, &d, err)) < 0 ||
	    (r = read_blob(s, d.digest, &mt, &mlen, err)) < 0 ||
	    (r = img_manifest_parse(d.digest, mt, mlen, &m, err)) < 0 ||
	    (r = put_blob(s, layout_fd, &m->config, err)) < 0 ||
	    (r = read_blob(s, m->config.digest, &ct, &clen, err)) < 0 ||
	    (r = img_config_parse(m->config.digest, ct, clen, &c, err)) < 0 ||
	    (r = check_platform(c, want, err)) < 0 ||
	    (r = import_layers(s, layout_fd, m, c, out, err)) < 0)
		return r;
	snprintf(out->id, sizeof(out->id), "%s", d.digest);
	snprintf(out->config, sizeof(out->config), "%s", m->config.digest);
	return 0;
}
