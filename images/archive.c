/* docker-archive and oci-archive loading (load.h): one sequential pass
 * over the tar turns every regular member into a file named by its own
 * sha256 in a private directory under the store's tmp/, and fills a table
 * of member names; everything after that looks members up in the table.
 * So a pipe works (manifest.json often comes after the layers), and no
 * name from the tar ever reaches the filesystem. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/load.h"
#include "images/relpath.h"
#include "images/ref.h"
#include "specs/jsonw.h"

/* No real archive is near these; a hostile one must not make the table
 * (or the link chase) unbounded. */
#define MEMBERS_MAX 100000
#define LINK_DEPTH 16
#define REPO_TAGS_MAX 1024
/* Bytes read after the tar's end, so a producer writing its last padding
 * into our pipe does not die of SIGPIPE; bounded, the rest is ignored. */
#define DRAIN_MAX (1u << 20)
#define COPY_BUF (128u << 10)

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar"

struct member {
	char *name;   /* clean archive path */
	bool link;    /* symlink or hardlink */
	char *target; /* a link's clean archive path; NULL when it leaves the archive */
	char digest[IMG_DIGEST_SIZE]; /* a file's content */
	int64_t size;
};

struct load {
	struct img_store *s;
	char tmp[64]; /* "tmp/load-..." beneath s->dir */
	int dir;      /* that directory: blobs/sha256/<hex>, "part", index.json */
	struct member *m;
	size_t n, cap;
	char *buf; /* COPY_BUF bytes */
};


/* The last member of that name wins, as tar extraction would have it. */
static const struct member *find(const struct load *L, const char *name)
{
	for (size_t i = L->n; i-- > 0;)
		if (!strcmp(L->m[i].name, name))
			return &L->m[i];
	return NULL;
}

/* A member by the name a manifest gives, links followed within the table. */
static int lookup(const struct load *L, const char *path, const struct member **out,
		  struct b_err *err)
{
	char cur[PATH_MAX];

	if (img_path_join("", path, false, cur, sizeof(cur)) < 0 || !cur[0])
		return b_err_set(err, EINVAL, "archive member \"%s\": not a relative path", path);
	for (int depth = 0; depth <= LINK_DEPTH; depth++) {
		const struct member *m = find(L, cur);
		if (!m)
			return b_err_set(err, ENOENT, "archive has no member \"%s\"%s%s%s", path,
					 depth ? " (a link to \"" : "", depth ? cur : "",
					 depth ? "\")" : "");
		if (!m->link) {
			*out = m;
			return 0;
		}
		if (!m->target)
			return b_err_set(err, EINVAL,
					 "archive member \"%s\": link \"%s\" leaves the archive",
					 path, m->name);
		snprintf(cur, sizeof(cur), "%s", m->target);
	}
	return b_err_set(err, ELOOP, "archive member \"%s\": more than %d links (a loop?)", path,
			 LINK_DEPTH);
}

static void hex_of(struct sha256_ctx *c, char digest[IMG_DIGEST_SIZE])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(c, sizeof(d), d);
	memcpy(digest, "sha256:", 7);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(digest + 7 + 2 * i, 3, "%02x", d[i]);
}

/* "part" becomes blobs/sha256/<its hex>: a name berth computed.  The same
 * content twice simply lands on the same name. */
static int commit_part(struct load *L, struct sha256_ctx *c, char digest[IMG_DIGEST_SIZE],
		       struct b_err *err)
{
	char name[128];

	hex_of(c, digest);
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	if (renameat(L->dir, "part", L->dir, name) < 0)
		return b_err_sys(err, errno, "image store %s: renaming into %s", L->s->path,
				 L->tmp);
	return 0;
}

static int open_part(struct load *L, struct b_err *err)
{
	int fd = openat(L->dir, "part", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	return fd < 0 ? b_err_sys(err, errno, "image store %s: creating %s/part", L->s->path,
				  L->tmp) :
			fd;
}

static int store_bytes(struct load *L, const char *buf, size_t len, char digest[IMG_DIGEST_SIZE],
		       struct b_err *err)
{
	_cleanup_close_ int fd = open_part(L, err);
	struct sha256_ctx c;

	if (fd < 0)
		return fd;
	if (b_write_all(fd, buf, len) < 0)
		return b_err_sys(err, errno, "image store %s: writing %s/part", L->s->path, L->tmp);
	sha256_init(&c);
	sha256_update(&c, len, (const uint8_t *)buf);
	return commit_part(L, &c, digest, err);
}

/* A regular member's data, hashed on its way into "part". */
static int copy_member(struct load *L, struct archive *a, struct member *m, struct b_err *err)
{
	_cleanup_close_ int fd = open_part(L, err);
	struct sha256_ctx c;
	la_ssize_t n;

	if (fd < 0)
		return fd;
	sha256_init(&c);
	while ((n = archive_read_data(a, L->buf, COPY_BUF)) > 0) {
		if (b_write_all(fd, L->buf, (size_t)n) < 0)
			return b_err_sys(err, errno, "image store %s: writing %s/part", L->s->path,
					 L->tmp);
		sha256_update(&c, (size_t)n, (const uint8_t *)L->buf);
		m->size += n;
	}
	if (n < 0)
		return b_err_set(err, EBADMSG, "archive member \"%s\": %s", m->name,
				 archive_error_string(a));
	return commit_part(L, &c, m->digest, err);
}

/* Where a link points, in the table's terms: a symlink's target is
 * relative to the member's directory, a hardlink's to the archive root.
 * One leaving the archive (absolute, or ".." above the root) is kept as
 * such, and only an error if a manifest ever goes through it. */
static int link_target(struct member *m, struct archive_entry *e, struct b_err *err)
{
	const char *hl = archive_entry_hardlink(e);
	const char *sl = hl ? NULL : archive_entry_symlink(e);
	const char *t = hl ? hl : sl;
	char dir[PATH_MAX], out[PATH_MAX];

	m->link = true;
	snprintf(dir, sizeof(dir), "%s", hl ? "" : m->name);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	if (!t || t[0] == '/' || img_path_join(dir, t, true, out, sizeof(out)) < 0 || !out[0])
		return 0;
	return (m->target = strdup(out)) ? 0 : b_err_set(err, ENOMEM, "out of memory");
}

static int grow(struct load *L, struct b_err *err)
{
	if (L->n == MEMBERS_MAX)
		return b_err_set(err, E2BIG, "archive: more than %d members", MEMBERS_MAX);
	if (L->n == L->cap) {
		size_t cap = L->cap ? 2 * L->cap : 64;
		struct member *m = realloc(L->m, cap * sizeof(*m));
		if (!m)
			return b_err_set(err, ENOMEM, "out of memory");
		L->m = m;
		L->cap = cap;
	}
	return 0;
}

static int add_member(struct load *L, struct archive *a, struct archive_entry *e, struct b_err *err)
{
	/* a pax name that is not ASCII has no form in the C locale: take its UTF-8 */
	const char *path = archive_entry_pathname(e) ?: archive_entry_pathname_utf8(e);
	mode_t type = archive_entry_filetype(e);
	bool is_link = archive_entry_hardlink(e) || type == AE_IFLNK;
	char name[PATH_MAX];
	int r;

	if (!path || img_path_join("", path, false, name, sizeof(name)) < 0)
		return b_err_set(err, EINVAL,
				 "archive member \"%s\": absolute or \"..\" names are refused",
				 path ? path : "(unreadable name)");
	if (!is_link && type != AE_IFREG)
		return 0; /* directories and the rest name no content */
	if (!name[0] || (r = grow(L, err)) < 0)
		return name[0] ? r : b_err_set(err, EINVAL, "archive member \"%s\": no name", path);
	struct member *m = &L->m[L->n];
	memset(m, 0, sizeof(*m));
	if (!(m->name = strdup(name)))
		return b_err_set(err, ENOMEM, "out of memory");
	L->n++;
	return is_link ? link_target(m, e, err) : copy_member(L, a, m, err);
}

static int open_tar(struct archive *a, int fd, struct b_err *err)
{
	/* ARCHIVE_WARN here means an external program would be run: no. */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_none(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK)
		return b_err_set(err, ENOTSUP,
				 "archive: libarchive lacks built-in tar/gzip/zstd support");
	if (archive_read_open_fd(a, fd, COPY_BUF) != ARCHIVE_OK)
		return b_err_set(err, EBADMSG, "archive: %s", archive_error_string(a));
	return 0;
}

static void drain(int fd, char *buf)
{
	size_t total = 0;
	ssize_t n;

	while (total < DRAIN_MAX &&
	       ((n = read(fd, buf, COPY_BUF)) > 0 || (n < 0 && errno == EINTR)))
		total += n > 0 ? (size_t)n : 0;
}

static int read_members(struct load *L, int fd, struct b_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r = 0, ar;

	if (!a)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = open_tar(a, fd, err)) < 0)
		goto out;
	while ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN)
		if ((r = add_member(L, a, e, err)) < 0)
			goto out;
	if (ar != ARCHIVE_EOF)
		r = b_err_set(err, EBADMSG, "archive: %s", archive_error_string(a));
	else
		drain(fd, L->buf);
out:
	archive_read_free(a);
	return r;
}

/* A JSON member's text (NUL-terminated), capped as every image document. */
static int read_json(struct load *L, const char *path, char **text, size_t *len, struct b_err *err)
{
	const struct member *m;
	char name[128];
	int r;

	if ((r = lookup(L, path, &m, err)) < 0)
		return r;
	if (m->size > (int64_t)IMG_JSON_MAX)
		return b_err_set(err, EFBIG, "archive member \"%s\": over %u bytes", path,
				 IMG_JSON_MAX);
	snprintf(name, sizeof(name), "blobs/sha256/%s", m->digest + 7);
	_cleanup_close_ int fd = openat(L->dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || (r = b_read_fd(fd, IMG_JSON_MAX + 1, text, len)) < 0)
		return b_err_sys(err, fd < 0 ? errno : -r, "archive member \"%s\": reading it",
				 path);
	return 0;
}

/* An OCI manifest standing for a docker-archive image: the members'
 * digests and sizes, so img_import_manifest verifies the same bytes. */
static char *synth_manifest(const struct member *cfg, const struct member *const *layers, size_t n,
			    size_t *len)
{
	__attribute__((cleanup(jw_freep))) struct jw *w = jw_new(false);

	if (!w)
		return NULL;
	jw_obj_open(w);
	jw_kint(w, "schemaVersion", 2);
	jw_kstr(w, "mediaType", MT_MANIFEST);
	jw_key(w, "config");
	jw_obj_open(w);
	jw_kstr(w, "mediaType", MT_CONFIG);
	jw_kstr(w, "digest", cfg->digest);
	jw_kint(w, "size", cfg->size);
	jw_obj_close(w);
	jw_key(w, "layers");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_open(w);
		jw_kstr(w, "mediaType", MT_LAYER);
		jw_kstr(w, "digest", layers[i]->digest);
		jw_kint(w, "size", layers[i]->size);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
	return jw_finish(w, len);
}

static int docker_manifest(struct load *L, const struct img_docker_entry *e,
			   struct img_descriptor *d, struct b_err *err)
{
	_cleanup_free_ const struct member **layers = calloc(e->n_layers, sizeof(*layers));
	_cleanup_free_ char *text = NULL;
	const struct member *cfg;
	size_t len;
	int r;

	if (!layers)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = lookup(L, e->config, &cfg, err)) < 0)
		return r;
	for (size_t i = 0; i < e->n_layers; i++)
		if ((r = lookup(L, e->layers[i], &layers[i], err)) < 0)
			return r;
	if (!(text = synth_manifest(cfg, layers, e->n_layers, &len)))
		return b_err_set(err, ENOMEM, "out of memory");
	d->media_type = (char *)MT_MANIFEST;
	d->size = (int64_t)len;
	return store_bytes(L, text, len, d->digest, err);
}

/* RepoTags normalised; unparseable and repeated ones dropped. */
static void repo_names(const struct img_docker_entry *e, char (*buf)[IMG_REF_MAX + 1],
		       const char **names, size_t *n)
{
	struct b_err ignored = { 0 };
	struct img_ref ref;

	*n = 0;
	for (size_t i = 0; i < e->n_repo_tags; i++) {
		if (!e->repo_tags[i] || img_ref_parse(e->repo_tags[i], &ref, &ignored) < 0)
			continue;
		img_ref_format(&ref, buf[*n], sizeof(buf[*n]));
		bool dup = false;
		for (size_t j = 0; j < *n && !dup; j++)
			dup = !strcmp(names[j], buf[*n]);
		if (!dup) {
			names[*n] = buf[*n];
			(*n)++;
		}
	}
}

static int load_docker_image(struct load *L, const struct img_docker_entry *e,
			     const struct img_plat *want, img_load_cb cb, void *arg,
			     struct b_err *err)
{
	struct img_descriptor d = { 0 };
	struct img_imported im;
	size_t n;
	int r;

	if (e->n_repo_tags > REPO_TAGS_MAX)
		return b_err_set(err, E2BIG, "more than %d RepoTags", REPO_TAGS_MAX);
	_cleanup_free_ char(*buf)[IMG_REF_MAX + 1] = calloc(e->n_repo_tags + 1, sizeof(*buf));
	_cleanup_free_ const char **names = calloc(e->n_repo_tags + 1, sizeof(*names));
	if (!buf || !names)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = docker_manifest(L, e, &d, err)) < 0 ||
	    (r = img_import_manifest(L->s, L->dir, &d, want, &im, err)) < 0)
		return r;
	repo_names(e, buf, names, &n);
	if (n)
		snprintf(im.name, sizeof(im.name), "%s", names[0]);
	return cb(arg, &im, names, n, err);
}

static int load_docker(struct load *L, const struct img_plat *want, img_load_cb cb, void *arg,
		       struct b_err *err)
{
	__attribute__((cleanup(img_docker_manifest_freep))) struct img_docker_manifest *dm = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if ((r = read_json(L, "manifest.json", &text, &len, err)) < 0 ||
	    (r = img_docker_manifest_parse("manifest.json", text, len, &dm, err)) < 0)
		return b_err_prefix(err, "docker-archive");
	for (size_t i = 0; i < dm->n_images; i++)
		if ((r = load_docker_image(L, &dm->images[i], want, cb, arg, err)) < 0)
			return dm->n_images > 1 ?
				       b_err_prefix(err, "docker-archive: manifest.json image %zu",
						    i + 1) :
				       b_err_prefix(err, "docker-archive");
	return 0;
}

/* The index.json member becomes the directory's own index.json: with the
 * blobs already named by digest there, the directory is an OCI layout. */
static int load_oci(struct load *L, const struct member *index, const struct img_plat *want,
		    img_load_cb cb, void *arg, struct b_err *err)
{
	char name[128];

	if (index->size > (int64_t)IMG_JSON_MAX)
		return b_err_set(err, EFBIG, "oci-archive: index.json is over %u bytes",
				 IMG_JSON_MAX);
	snprintf(name, sizeof(name), "blobs/sha256/%s", index->digest + 7);
	if (linkat(L->dir, name, L->dir, "index.json", 0) < 0)
		return b_err_sys(err, errno, "image store %s: linking %s/index.json", L->s->path,
				 L->tmp);
	if (img_load_layout(L->s, L->dir, want, cb, arg, err) < 0)
		return b_err_prefix(err, "oci-archive");
	return 0;
}

static int make_tmpdir(struct load *L, struct b_err *err)
{
	uint64_t rnd = 0;
	int r;

	for (int tries = 0;; tries++) {
		if (getrandom(&rnd, sizeof(rnd), 0) < 0)
			rnd ^= (uint64_t)tries * 0x9e3779b97f4a7c15ull;
		snprintf(L->tmp, sizeof(L->tmp), "tmp/load-%d-%016llx", (int)getpid(),
			 (unsigned long long)rnd);
		if (mkdirat(L->s->dir, L->tmp, 0700) == 0)
			break;
		if (errno != EEXIST || tries == 16) {
			r = b_err_sys(err, errno, "image store %s: creating %s", L->s->path,
				      L->tmp);
			L->tmp[0] = '\0'; /* not ours: release() must leave it */
			return r;
		}
	}
	L->dir = openat(L->s->dir, L->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (L->dir < 0 || mkdirat(L->dir, "blobs", 0700) < 0 ||
	    mkdirat(L->dir, "blobs/sha256", 0700) < 0)
		return b_err_sys(err, errno, "image store %s: preparing %s", L->s->path, L->tmp);
	return 0;
}

static void release(struct load *L)
{
	if (L->dir >= 0)
		close(L->dir);
	if (L->tmp[0])
		b_rm_rf_at(L->s->dir, L->tmp);
	for (size_t i = 0; i < L->n; i++) {
		free(L->m[i].name);
		free(L->m[i].target);
	}
	free(L->m);
	free(L->buf);
}

static int load_members(struct load *L, const struct img_plat *want, img_load_cb cb, void *arg,
			struct b_err *err)
{
	const struct member *index;
	int r;

	/* Docker >= 25 writes both; the OCI side carries the full names */
	if (find(L, "index.json")) {
		if ((r = lookup(L, "index.json", &index, err)) < 0)
			return b_err_prefix(err, "oci-archive");
		return load_oci(L, index, want, cb, arg, err);
	}
	if (find(L, "manifest.json"))
		return load_docker(L, want, cb, arg, err);
	return b_err_set(
		err, EINVAL,
		"archive has neither index.json (oci-archive) nor manifest.json (docker-archive)");
}

int img_load_archive(struct img_store *s, int fd, const struct img_plat *want, img_load_cb cb,
		     void *arg, struct b_err *err)
{
	struct load L = { .s = s, .dir = -1 };
	int r;

	if (!(L.buf = malloc(COPY_BUF)))
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = make_tmpdir(&L, err)) == 0 && (r = read_members(&L, fd, err)) == 0)
		r = load_members(&L, want, cb, arg, err);
	release(&L);
	return r;
}
