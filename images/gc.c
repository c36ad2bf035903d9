/* rm and prune: records go first, then a sweep of every blob and layer no
 * remaining record uses (record.h).  The caller holds the store lock
 * exclusively, so no load, pull or pod start is half-way through. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/names.h"
#include "images/record.h"
#include "images/ref.h"

/* The hex digests some record uses, sorted for bsearch. */
struct live {
	char (*hex)[65];
	size_t n, cap;
};

static void live_free(struct live *l)
{
	free(l->hex);
}

static int live_add(struct live *l, const char *digest)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char (*h)[65] = realloc(l->hex, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		l->hex = h;
		l->cap = cap;
	}
	snprintf(l->hex[l->n++], 65, "%s", digest + 7);
	return 0;
}

static int hex_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool live_has(const struct live *l, const char *hex)
{
	return l->n && bsearch(hex, l->hex, l->n, sizeof(*l->hex), hex_cmp);
}

/* A record that cannot be read now (EMFILE, EIO, a parser grown
 * stricter) may still be in use: the sweep stops rather than guess. */
static int mark(struct img_store *s, const char *id, struct live *l, struct b_err *err)
{
	__attribute__((cleanup(img_manifest_freep))) struct img_manifest *m = NULL;
	__attribute__((cleanup(img_config_freep))) struct img_config *c = NULL;
	int r = live_add(l, id);

	if (r < 0)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = img_image_read(s, id, &m, &c, err)) < 0)
		return b_err_prefix(err, "image %s: nothing removed, as its record cannot be read", id);
	r = live_add(l, m->config.digest);
	for (size_t i = 0; r >= 0 && i < m->n_layers; i++)
		r = live_add(l, m->layers[i].digest);
	for (size_t i = 0; r >= 0 && i < c->n_diff_ids; i++)
		r = live_add(l, c->diff_ids[i]);
	return r < 0 ? b_err_set(err, ENOMEM, "out of memory") : 0;
}

static int mark_all(struct img_store *s, struct live *l, struct b_err *err)
{
	struct img_info *v = NULL;
	size_t n = 0;
	int r = img_image_list(s, &v, &n, err);

	for (size_t i = 0; r >= 0 && i < n; i++)
		r = mark(s, v[i].id, l, err);
	img_info_free(v, n);
	if (r >= 0)
		if (l->n)   /* qsort wants a non-NULL base */
			qsort(l->hex, l->n, sizeof(*l->hex), hex_cmp);
	return r;
}

/* Out of its committed name first (a rename is atomic), then deleted:
 * an interrupted delete leaves garbage in tmp/, never a gutted layer
 * that a later import would take for complete. */
static int remove_entry(struct img_store *s, int dfd, const char *dir, const char *name)
{
	char tmp[160];
	uint64_t rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint64_t)getpid();
	snprintf(tmp, sizeof(tmp), "tmp/gc-%.16s-%016llx", name, (unsigned long long)rnd);
	if (renameat(dfd, name, s->dir, tmp) < 0)
		return errno == ENOENT ? 0 : -errno;
	(void)dir;
	int r = b_rm_rf_at(s->dir, tmp);
	return r == -ENOENT ? 0 : r;
}

/* Remove every entry of `dir` that is not live (nor mounted: `busy`);
 * count and size them. */
static int sweep_dir(struct img_store *s, const char *dir, const struct live *l,
		     const struct live *busy, size_t *count, uint64_t *bytes, struct b_err *err)
{
	int dfd = openat(s->dir, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	struct stat st;
	int r = 0;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return b_err_sys(err, errno, "image store %s: reading %s", s->path, dir);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || live_has(l, e->d_name) || (busy && live_has(busy, e->d_name)))
			continue;
		if (bytes && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			*bytes += (uint64_t)st.st_size;
		if ((r = remove_entry(s, dirfd(d), dir, e->d_name)) < 0) {
			r = b_err_sys(err, -r, "image store %s: removing %s/%s", s->path, dir, e->d_name);
			break;
		}
		(*count)++;
	}
	closedir(d);
	return r;
}

/* Layers an overlay mount still names, whether or not a supervisor pins
 * them (one killed with SIGKILL leaves its containers running): any
 * 64-hex word in an overlay's mount options. */
static int mounted_layers(struct img_store *s, struct live *busy, struct b_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = b_read_file("/proc/self/mountinfo", 0, &text, &len);

	if (r < 0)
		return b_err_sys(err, -r, "image store %s: reading /proc/self/mountinfo", s->path);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, " - overlay "))
			continue;
		for (char *p = line; *p; p++) {
			size_t n = strspn(p, "0123456789abcdef");
			char digest[IMG_DIGEST_SIZE];
			if (n == 64 && (p == line || !isxdigit((unsigned char)p[-1]))) {
				snprintf(digest, sizeof(digest), "sha256:%.64s", p);
				if (live_add(busy, digest) < 0)
					return b_err_set(err, ENOMEM, "out of memory");
			}
			p += n ? n - 1 : 0;
		}
	}
	if (busy->n)
		qsort(busy->hex, busy->n, sizeof(*busy->hex), hex_cmp);
	return 0;
}

static int sweep(struct img_store *s, struct img_gc_stats *st, struct b_err *err)
{
	struct live l __attribute__((cleanup(live_free))) = { 0 };
	size_t locks = 0;
	int r;

	struct live busy __attribute__((cleanup(live_free))) = { 0 };

	if ((r = mark_all(s, &l, err)) < 0 || (r = mounted_layers(s, &busy, err)) < 0 ||
	    (r = sweep_dir(s, "layers", &l, &busy, &st->layers, NULL, err)) < 0 ||
	    (r = sweep_dir(s, "blobs/sha256", &l, NULL, &st->blobs, &st->bytes, err)) < 0)
		return r;
	/* per-layer lock files: nobody else holds one under the exclusive lock */
	struct live none = { 0 };
	return sweep_dir(s, "locks", &none, NULL, &locks, NULL, err);
}

static int drop_record(struct img_store *s, const char *id, struct b_err *err)
{
	char name[96];
	int pinned = img_image_pinned(s, id);

	if (pinned == 1)
		return b_err_set(err, EBUSY, "image %s is in use by a pod; stop the pod first", id);
	snprintf(name, sizeof(name), "images/%s", id + 7);
	if (unlinkat(s->dir, name, 0) < 0 && errno != ENOENT)
		return b_err_sys(err, errno, "image store %s: removing %s", s->path, name);
	return 0;
}

static int names_of(struct img_store *s, const char *id, struct img_names **m, size_t *count,
		    struct b_err *err)
{
	int r = img_names_load(s, m, err);

	*count = 0;
	for (size_t i = 0; r >= 0 && i < (*m)->n_names; i++)
		*count += !strcmp((*m)->names[i].id, id);
	return r;
}

/* What `text` names once normalised, "" when it is no reference. */
static void normalised(const char *text, char *buf, size_t size)
{
	struct img_ref ref;
	struct b_err e = { 0 };

	buf[0] = '\0';
	if (img_ref_parse(text, &ref, &e) == 0)
		img_ref_format(&ref, buf, size);
}

static bool names_has(const struct img_names *m, const char *name, const char *id)
{
	for (size_t i = 0; i < m->n_names; i++)
		if (!strcmp(m->names[i].id, id) && !strcmp(m->names[i].name, name))
			return true;
	return false;
}

int img_image_remove(struct img_store *s, const char *text, int *untagged,
		     struct img_gc_stats *st, struct b_err *err)
{
	__attribute__((cleanup(img_names_freep))) struct img_names *m = NULL;
	char id[IMG_DIGEST_SIZE], name[IMG_REF_MAX + 1] = "";
	size_t count;
	int r;

	memset(st, 0, sizeof(*st));
	*untagged = 0;
	if ((r = img_image_resolve(s, text, id, err)) < 0 || (r = names_of(s, id, &m, &count, err)) < 0)
		return r;
	normalised(text, name, sizeof(name));
	if (name[0] && !names_has(m, name, id))
		name[0] = '\0';   /* named by an ID, or by name@digest of another name */
	if (name[0] && count > 1) {
		*untagged = 1;
		return img_names_unset(s, name, err);
	}
	/* names first: a crash in between leaves an unnamed record for prune,
	 * never a name pointing at nothing */
	if (img_image_pinned(s, id) == 1)
		return b_err_set(err, EBUSY, "image %s is in use by a pod; stop the pod first", id);
	for (size_t i = 0; i < m->n_names; i++)
		if (!strcmp(m->names[i].id, id) && (r = img_names_unset(s, m->names[i].name, err)) < 0)
			return r;
	if ((r = drop_record(s, id, err)) < 0)
		return r;
	st->images = 1;
	return sweep(s, st, err);
}

int img_prune(struct img_store *s, bool all, struct img_gc_stats *st, struct b_err *err)
{
	struct img_info *v = NULL;
	size_t n = 0;
	int r = img_image_list(s, &v, &n, err);

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; r >= 0 && i < n; i++) {
		if (v[i].pinned || (!all && v[i].names[0]))
			continue;
		struct b_err e = { 0 };
		if (img_image_pinned(s, v[i].id) == 1)
			continue;   /* pinned since the listing: it stays */
		for (char **p = v[i].names; r >= 0 && *p; p++)
			r = img_names_unset(s, *p, err);
		if (r >= 0 && drop_record(s, v[i].id, &e) < 0)
			continue;
		st->images++;
	}
	img_info_free(v, n);
	return r < 0 ? r : sweep(s, st, err);
}
