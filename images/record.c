/* Image records, lookups and pins (record.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/names.h"
#include "images/platform.h"
#include "images/record.h"
#include "images/ref.h"

static void record_name(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "images/%s", id + 7);
}

int img_image_commit(struct img_store *s, const char *id, struct b_err *err)
{
	char name[96];

	if (!img_digest_valid(id))
		return b_err_set(err, EINVAL, "image ID %s: not a sha256 digest", id);
	record_name(id, name, sizeof(name));
	_cleanup_close_ int fd = openat(s->dir, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	_cleanup_close_ int dir = openat(s->dir, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || dir < 0 || fsync(fd) < 0 || fsync(dir) < 0)
		return b_err_sys(err, errno, "image store %s: recording image %s", s->path, id);
	return 0;
}

int img_image_add(struct img_store *s, const struct img_imported *im, const char *const *names,
		  size_t n_names, struct b_err *err)
{
	int r = img_image_commit(s, im->id, err);

	for (size_t i = 0; r >= 0 && i < n_names; i++)
		r = img_names_set(s, names[i], im->id, NULL, err);
	return r;
}

static bool record_exists(struct img_store *s, const char *id)
{
	char name[96];
	struct stat st;

	record_name(id, name, sizeof(name));
	return fstatat(s->dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static int read_json_blob(struct img_store *s, const char *digest, char **text, size_t *len,
			  struct b_err *err)
{
	_cleanup_close_ int fd = img_blob_open(s, digest, err);
	int r;

	if (fd < 0)
		return fd == -ENOENT ? b_err_set(err, ENOENT, "image store %s: blob %s is missing",
						 s->path, digest) : fd;
	if ((r = b_read_fd(fd, IMG_JSON_MAX + 1, text, len)) < 0)
		return b_err_sys(err, -r, "image store %s: reading blob %s", s->path, digest);
	return 0;
}

int img_image_read(struct img_store *s, const char *id, struct img_manifest **m,
		   struct img_config **c, struct b_err *err)
{
	_cleanup_free_ char *mt = NULL, *ct = NULL;
	size_t ml, cl;
	int r;

	*m = NULL;
	*c = NULL;
	if ((r = read_json_blob(s, id, &mt, &ml, err)) < 0 ||
	    (r = img_manifest_parse(id, mt, ml, m, err)) < 0 ||
	    (r = read_json_blob(s, (*m)->config.digest, &ct, &cl, err)) < 0 ||
	    (r = img_config_parse((*m)->config.digest, ct, cl, c, err)) < 0) {
		img_manifest_freep(m);
		return r;
	}
	return 0;
}

int img_image_pin(struct img_store *s, const char *id, struct b_err *err)
{
	char name[96];
	int fd;

	record_name(id, name, sizeof(name));
	fd = openat(s->dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return b_err_sys(err, errno, "image %s: not in the store", id);
	if (flock(fd, LOCK_SH) < 0) {
		int e = errno;
		close(fd);
		return b_err_sys(err, e, "image %s: pinning it", id);
	}
	return fd;
}

int img_image_pinned(struct img_store *s, const char *id)
{
	char name[96];

	record_name(id, name, sizeof(name));
	_cleanup_close_ int fd = openat(s->dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? 1 : -errno;
	flock(fd, LOCK_UN);
	return 0;
}

/* ---- resolving what the user typed ---------------------------------- */

static bool all_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* A unique record whose hex starts with `prefix`. */
static int by_prefix(struct img_store *s, const char *text, const char *prefix,
		     char id[IMG_DIGEST_SIZE], struct b_err *err)
{
	_cleanup_close_ int fd = openat(s->dir, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int found = 0;

	if (!d)
		return b_err_sys(err, errno, "image store %s: reading images/", s->path);
	fd = -1;  /* owned by d now */
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 64 || strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		found++;
		snprintf(id, IMG_DIGEST_SIZE, "sha256:%s", e->d_name);
	}
	closedir(d);
	if (found > 1)
		return b_err_set(err, EINVAL, "image %s: the ID prefix matches %d images", text, found);
	return found ? 0 : b_err_set(err, ENOENT, "image %s: not in the store", text);
}

static int by_name(struct img_store *s, const char *text, char id[IMG_DIGEST_SIZE],
		   struct b_err *err)
{
	__attribute__((cleanup(img_names_freep))) struct img_names *m = NULL;
	struct img_ref ref;
	char name[IMG_REF_MAX + 1];
	int r;

	if ((r = img_ref_parse(text, &ref, err)) < 0 || (r = img_names_load(s, &m, err)) < 0)
		return r;
	img_ref_format(&ref, name, sizeof(name));
	/* a name whose record is gone (a crash between the two) is no name */
	for (size_t i = 0; i < m->n_names; i++)
		if (!strcmp(m->names[i].name, name) && record_exists(s, m->names[i].id)) {
			snprintf(id, IMG_DIGEST_SIZE, "%s", m->names[i].id);
			return 0;
		}
	/* name@digest of a manifest stored under another name (or none) */
	if (ref.digest[0] && record_exists(s, ref.digest)) {
		snprintf(id, IMG_DIGEST_SIZE, "%s", ref.digest);
		return 0;
	}
	return b_err_set(err, ENOENT, "image %s (%s): not in the store", text, name);
}

int img_image_resolve(struct img_store *s, const char *text, char id[IMG_DIGEST_SIZE],
		      struct b_err *err)
{
	const char *hex = strncmp(text, "sha256:", 7) ? text : text + 7;
	size_t n = strlen(hex);

	if (n >= 12 && n <= 64 && all_hex(hex)) {
		int r = by_prefix(s, text, hex, id, err);
		/* 12+ hex digits may also be a (strange) repository name */
		if (r != -ENOENT || hex != text)
			return r;
	}
	if (!strncmp(text, "sha256:", 7))
		return b_err_set(err, EINVAL, "image %s: not a valid image ID", text);
	return by_name(s, text, id, err);
}
