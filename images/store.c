/* The store's directories, its lock, blobs and layers (store.h). */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/safedir.h"
#include "images/store.h"
#include "specs/image.h"

static const char *const store_dirs[] = { "blobs", "blobs/sha256", "layers", "locks", "tmp", "images" };

static int make_layout(struct img_store *s, struct b_err *err)
{
	for (size_t i = 0; i < sizeof(store_dirs) / sizeof(store_dirs[0]); i++)
		if (mkdirat(s->dir, store_dirs[i], 0700) < 0 && errno != EEXIST)
			return b_err_sys(err, errno, "image store %s: creating %s", s->path,
					 store_dirs[i]);
	s->lock_fd = openat(s->dir, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return b_err_sys(err, errno, "image store %s: opening its lock", s->path);
	return 0;
}

/* Half-written content of holders that are gone: only an exclusive
 * holder knows nobody else is writing there. */
static void sweep_tmp(struct img_store *s)
{
	b_rm_rf_at(s->dir, "tmp");
	mkdirat(s->dir, "tmp", 0700);
}

int img_store_open(struct img_store *s, const char *path, enum img_store_mode mode,
		   struct b_err *err)
{
	int r;

	s->dir = s->lock_fd = -1;
	s->progress = NULL;   /* callers set it once open */
	s->progress_arg = NULL;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if ((r = b_mkdir_p(path, 0700)) < 0)
		return b_err_sys(err, -r, "image store %s: creating it", path);
	s->dir = b_dir_open_owned(AT_FDCWD, path, NULL, true, "image store", err);
	if (s->dir < 0)
		return s->dir;
	if ((r = make_layout(s, err)) < 0)
		goto fail;
	if (flock(s->lock_fd, mode == IMG_STORE_EXCLUSIVE ? LOCK_EX : LOCK_SH) < 0) {
		r = b_err_sys(err, errno, "image store %s: locking it", path);
		goto fail;
	}
	if (mode == IMG_STORE_EXCLUSIVE)
		sweep_tmp(s);
	return 0;
fail:
	img_store_close(s);
	return r;
}

void img_store_close(struct img_store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->dir >= 0)
		close(s->dir);
	s->dir = s->lock_fd = -1;
}

static void hex_of(struct sha256_ctx *c, char hex[65])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(c, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Copy at most size+1 bytes (one more shows a blob that is too long). */
static int copy_hashed(int in, int out, int64_t size, char hex[65], int64_t *got)
{
	static const size_t bufsize = 1 << 17;
	_cleanup_free_ char *buf = malloc(bufsize);
	struct sha256_ctx c;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	sha256_init(&c);
	*got = 0;
	while (*got <= size) {
		size_t want = (uint64_t)(size + 1 - *got) < bufsize ? (size_t)(size + 1 - *got) : bufsize;
		if ((n = read(in, buf, want)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (b_write_all(out, buf, (size_t)n) < 0)
			return -errno;
		sha256_update(&c, (size_t)n, (uint8_t *)buf);
		*got += n;
	}
	if (n < 0)
		return -errno;
	hex_of(&c, hex);
	return 0;
}

/* Unique among every holder of the store, even two with one pid in
 * different pid namespaces: creators use O_EXCL / mkdirat on it. */
static int tmp_name(struct img_store *s, char *buf, size_t size, const char *kind, const char *hex)
{
	uint64_t rnd = 0;

	(void)s;
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint64_t)getpid() << 20 ^ (uint64_t)time(NULL);
	snprintf(buf, size, "tmp/%s-%.16s-%d-%016llx", kind, hex, (int)getpid(), (unsigned long long)rnd);
	return 0;
}

static int commit_blob(struct img_store *s, const char *tmp, const char *hex, struct b_err *err)
{
	char name[128];

	snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
	if (renameat(s->dir, tmp, s->dir, name) < 0)
		return b_err_sys(err, errno, "image store %s: storing blob sha256:%s", s->path, hex);
	_cleanup_close_ int d = openat(s->dir, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d >= 0)
		fsync(d);
	return 0;
}

/* 1 when the blob is stored already.  Its descriptor must still be
 * right: a wrong size is refused even for content berth has. */
static int blob_present(struct img_store *s, const char *name, const char *digest, int64_t size,
			struct b_err *err)
{
	struct stat st;

	if (fstatat(s->dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (st.st_size != size)
		return b_err_set(err, EBADMSG, "blob %s: %s than the %lld bytes its descriptor says",
				 digest, st.st_size > size ? "longer" : "shorter", (long long)size);
	return 1;
}

int img_blob_put(struct img_store *s, int fd, const char *digest, int64_t size,
		 struct b_err *err)
{
	char tmp[128], hex[65], name[128];
	int64_t got;
	int r;

	if (!img_digest_valid(digest) || size < 0)
		return b_err_set(err, EINVAL, "blob %s: not a sha256 digest", digest);
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	if ((r = blob_present(s, name, digest, size, err)) != 0)
		return r < 0 ? r : 0;
	tmp_name(s, tmp, sizeof(tmp), "blob", digest + 7);
	_cleanup_close_ int out = openat(s->dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					 0400);
	if (out < 0)
		return b_err_sys(err, errno, "image store %s: creating %s", s->path, tmp);
	if ((r = copy_hashed(fd, out, size, hex, &got)) < 0 || (fsync(out) < 0 && (r = -errno))) {
		unlinkat(s->dir, tmp, 0);
		return b_err_sys(err, -r, "blob %s: copying it", digest);
	}
	if (got != size || strcmp(hex, digest + 7)) {
		unlinkat(s->dir, tmp, 0);
		return got != size
			? b_err_set(err, EBADMSG, "blob %s: %s than the %lld bytes its descriptor says",
				    digest, got > size ? "longer" : "shorter", (long long)size)
			: b_err_set(err, EBADMSG, "blob %s: content is sha256:%s (digest mismatch)",
				    digest, hex);
	}
	return commit_blob(s, tmp, hex, err);
}

int img_blob_open(struct img_store *s, const char *digest, struct b_err *err)
{
	char name[128];
	int fd;

	if (!img_digest_valid(digest))
		return b_err_set(err, EINVAL, "blob %s: not a sha256 digest", digest);
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	fd = openat(s->dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : b_err_sys(err, errno, "image store %s: opening %s", s->path, name);
	return fd;
}

static int unpack_to_tmp(struct img_store *s, int blob, const char *tmp, const char *diff_id,
			 struct img_unpack_stats *st, struct b_err *err)
{
	if (mkdirat(s->dir, tmp, 0755) < 0)
		return b_err_sys(err, errno, "image store %s: creating %s", s->path, tmp);
	_cleanup_close_ int dir = openat(s->dir, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return b_err_sys(err, errno, "image store %s: opening %s", s->path, tmp);
	return img_unpack_layer(blob, dir, diff_id, st, err);
}

int img_layer_ensure(struct img_store *s, const char *blob_digest, const char *diff_id,
		     struct img_unpack_stats *stats, struct b_err *err)
{
	char name[128], lock[128], tmp[128];
	struct img_unpack_stats st = { 0 };
	int r;

	if (!img_digest_valid(diff_id))
		return b_err_set(err, EINVAL, "layer %s: not a sha256 digest", diff_id);
	snprintf(name, sizeof(name), "layers/%s", diff_id + 7);
	snprintf(lock, sizeof(lock), "locks/%s", diff_id + 7);
	_cleanup_close_ int lk = openat(s->dir, lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lk < 0 || flock(lk, LOCK_EX) < 0)
		return b_err_sys(err, errno, "image store %s: locking layer %s", s->path, diff_id);
	if (stats)
		*stats = st;
	if (faccessat(s->dir, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	_cleanup_close_ int blob = img_blob_open(s, blob_digest, err);
	if (blob < 0)
		return blob == -ENOENT ? b_err_set(err, ENOENT, "layer %s: blob %s is not in the store",
						   diff_id, blob_digest) : blob;
	tmp_name(s, tmp, sizeof(tmp), "layer", diff_id + 7);
	if ((r = unpack_to_tmp(s, blob, tmp, diff_id, &st, err)) < 0 ||
	    (renameat(s->dir, tmp, s->dir, name) < 0 &&
	     (r = b_err_sys(err, errno, "image store %s: renaming %s", s->path, tmp)) < 0)) {
		b_rm_rf_at(s->dir, tmp);
		return b_err_prefix(err, "layer %s", diff_id);
	}
	/* the name must survive a crash before the record that uses it does */
	_cleanup_close_ int layers = openat(s->dir, "layers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (layers >= 0)
		fsync(layers);
	if (stats)
		*stats = st;
	return 0;
}
