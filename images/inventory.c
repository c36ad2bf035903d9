/* `image ls`: every record with its names, size and platform (record.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "images/names.h"
#include "images/platform.h"
#include "images/record.h"

void img_info_free(struct img_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		for (char **p = v[i].names; p && *p; p++)
			free(*p);
		free(v[i].names);
	}
	free(v);
}

static int collect_names(struct img_info *v, const struct img_names *m)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < m->n_names; i++)
		n += !strcmp(m->names[i].id, v->id);
	if (!(v->names = calloc(n + 1, sizeof(char *))))
		return -ENOMEM;
	for (size_t i = 0; i < m->n_names; i++)
		if (!strcmp(m->names[i].id, v->id) && !(v->names[k++] = strdup(m->names[i].name)))
			return -ENOMEM;
	return 0;
}

/* Size and platform from the manifest and config; an unreadable record
 * is still listed (so it can be removed), with what is known. */
static void describe(struct img_store *s, struct img_info *v)
{
	__attribute__((cleanup(img_manifest_freep))) struct img_manifest *m = NULL;
	__attribute__((cleanup(img_config_freep))) struct img_config *c = NULL;
	struct img_plat p;
	struct b_err e = { 0 };

	if (img_image_read(s, v->id, &m, &c, &e) < 0) {
		snprintf(v->platform, sizeof(v->platform), "?");
		return;
	}
	snprintf(v->config, sizeof(v->config), "%s", m->config.digest);
	snprintf(v->created, sizeof(v->created), "%s", c->created ? c->created : "");
	img_platform_set(&p, c->os, c->architecture, c->variant);
	img_platform_format(&p, v->platform, sizeof(v->platform));
	v->size = (uint64_t)m->config.size;
	for (size_t i = 0; i < m->n_layers; i++)
		v->size += (uint64_t)m->layers[i].size;
	v->n_layers = m->n_layers;
}

static int add_one(struct img_store *s, int dfd, const char *hex, const struct img_names *m,
		   struct img_info *v)
{
	struct stat st;

	snprintf(v->id, sizeof(v->id), "sha256:%s", hex);
	if (fstatat(dfd, hex, &st, AT_SYMLINK_NOFOLLOW) == 0)
		v->stored = st.st_mtime;
	describe(s, v);
	v->pinned = img_image_pinned(s, v->id) == 1;
	return collect_names(v, m);
}

static int by_stored(const void *a, const void *b)
{
	const struct img_info *x = a, *y = b;

	if (x->stored != y->stored)
		return x->stored < y->stored ? 1 : -1;
	return strcmp(x->id, y->id);
}

int img_image_list(struct img_store *s, struct img_info **out, size_t *n, struct b_err *err)
{
	__attribute__((cleanup(img_names_freep))) struct img_names *m = NULL;
	int dfd = openat(s->dir, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct img_info *v = NULL;
	size_t cap = 0;
	struct dirent *e;

	*out = NULL;
	*n = 0;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return b_err_sys(err, errno, "image store %s: reading images/", s->path);
	}
	if ((r = img_names_load(s, &m, err)) < 0)
		goto out;
	while ((e = readdir(d))) {
		char digest[IMG_DIGEST_SIZE + 8];

		snprintf(digest, sizeof(digest), "sha256:%s", e->d_name);
		if (!img_digest_valid(digest))
			continue;
		if (*n == cap) {
			struct img_info *nv = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*v));
			if (!nv) { r = b_err_set(err, ENOMEM, "out of memory"); goto out; }
			v = nv;
		}
		memset(&v[*n], 0, sizeof(*v));
		if ((r = add_one(s, dirfd(d), e->d_name, m, &v[(*n)++])) < 0) {
			r = b_err_set(err, -r, "out of memory");
			goto out;
		}
	}
	if (*n)
		qsort(v, *n, sizeof(*v), by_stored);
out:
	closedir(d);
	if (r < 0) {
		img_info_free(v, *n);
		*n = 0;
		return r;
	}
	*out = v;
	return 0;
}
