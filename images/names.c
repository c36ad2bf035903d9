/* names.json read-modify-write under names.lock (names.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/names.h"

#define NAMES_FILE "names.json"

int img_names_load(struct img_store *s, struct img_names **out, struct b_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = b_read_file_at(s->dir, NAMES_FILE, IMG_JSON_MAX + 1, &text, &len);

	if (r == -ENOENT)
		return img_names_parse(NAMES_FILE, "{\"names\":{}}", 12, out, err);
	if (r < 0)
		return b_err_sys(err, -r, "image store %s: reading %s", s->path, NAMES_FILE);
	return img_names_parse(NAMES_FILE, text, len, out, err);
}

static int save(struct img_store *s, const struct img_name *names, size_t n, struct b_err *err)
{
	_cleanup_free_ char *text = img_names_write(names, n);
	char tmp[64];

	/* NULL: ENOMEM, or EINVAL for a map that would not read back the same
	 * (an empty or duplicate name, a bad ID) */
	if (!text)
		return b_err_sys(err, errno, "image store %s: writing %s", s->path, NAMES_FILE);
	snprintf(tmp, sizeof(tmp), "tmp/names-%d", (int)getpid());
	_cleanup_close_ int fd = openat(s->dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
					0600);
	if (fd < 0 || b_write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0 ||
	    renameat(s->dir, tmp, s->dir, NAMES_FILE) < 0) {
		int e = errno;
		unlinkat(s->dir, tmp, 0);
		return b_err_sys(err, e, "image store %s: writing %s", s->path, NAMES_FILE);
	}
	fsync(s->dir);
	return 0;
}

static int lock_names(struct img_store *s, struct b_err *err)
{
	int fd = openat(s->dir, "names.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return b_err_sys(err, e, "image store %s: locking its names", s->path);
	}
	return fd;
}

/* The map with `name` removed and, when id is not NULL, added for id. */
static int change(struct img_store *s, const char *name, const char *id, char *old_id,
		  struct b_err *err)
{
	__attribute__((cleanup(img_names_freep))) struct img_names *m = NULL;
	_cleanup_free_ struct img_name *next = NULL;
	size_t n = 0;
	int r, found = 0;

	if ((r = img_names_load(s, &m, err)) < 0)
		return r;
	if (!(next = calloc(m->n_names + 1, sizeof(*next))))
		return b_err_set(err, ENOMEM, "out of memory");
	if (old_id)
		old_id[0] = '\0';
	for (size_t i = 0; i < m->n_names; i++) {
		if (strcmp(m->names[i].name, name)) {
			next[n++] = m->names[i];
			continue;
		}
		found = 1;
		if (old_id)
			snprintf(old_id, IMG_DIGEST_SIZE, "%s", m->names[i].id);
	}
	if (id) {
		next[n].name = (char *)name;
		snprintf(next[n++].id, IMG_DIGEST_SIZE, "%s", id);
	} else if (!found) {
		return -ENOENT;
	}
	return save(s, next, n, err);
}

int img_names_set(struct img_store *s, const char *name, const char *id, char *old_id,
		  struct b_err *err)
{
	_cleanup_close_ int lk = lock_names(s, err);

	if (lk < 0)
		return lk;
	if (!img_digest_valid(id))
		return b_err_set(err, EINVAL, "image ID %s: not a sha256 digest", id);
	return change(s, name, id, old_id, err);
}

int img_names_unset(struct img_store *s, const char *name, struct b_err *err)
{
	_cleanup_close_ int lk = lock_names(s, err);

	if (lk < 0)
		return lk;
	return change(s, name, NULL, NULL, err);
}
