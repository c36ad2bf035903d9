/* Layer unpacking: two libarchive readers in a row.  The first only
 * decompresses (format "raw", filters gzip/zstd/none), so every
 * uncompressed byte passes through here and is hashed for the diffID; the
 * second parses that byte stream as tar.  Entries are written by
 * unpack_write.c with fd-relative syscalls only. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "images/unpack.h"
#include "images/unpack_internal.h"

#define UNPACK_BUF (128u << 10)

struct stream {
	struct archive *raw;
	struct sha256_ctx sha;
	uint64_t bytes;
	char buf[UNPACK_BUF];
	char why[256];           /* the decompressor's error, kept for the message */
};

static ssize_t stream_read(struct archive *a, void *ud, const void **out)
{
	struct stream *s = ud;
	la_ssize_t n = archive_read_data(s->raw, s->buf, sizeof(s->buf));

	(void)a;
	if (n < 0) {
		snprintf(s->why, sizeof(s->why), "%s", archive_error_string(s->raw));
		return -1;
	}
	sha256_update(&s->sha, (size_t)n, (const uint8_t *)s->buf);
	s->bytes += (uint64_t)n;
	*out = s->buf;
	return n;
}

static int open_raw(struct stream *s, int fd, struct b_err *err)
{
	struct archive_entry *e;

	s->raw = archive_read_new();
	if (!s->raw)
		return b_err_set(err, ENOMEM, "out of memory");
	/* ARCHIVE_WARN means "through an external program from PATH": no */
	if (archive_read_support_filter_gzip(s->raw) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(s->raw) != ARCHIVE_OK)
		return b_err_set(err, ENOTSUP, "layer: this libarchive has no built-in gzip and zstd");
	archive_read_support_filter_none(s->raw);
	archive_read_support_format_raw(s->raw);
	if (archive_read_open_fd(s->raw, fd, UNPACK_BUF) != ARCHIVE_OK ||
	    archive_read_next_header(s->raw, &e) != ARCHIVE_OK)
		return b_err_set(err, EBADMSG, "layer: %s", archive_error_string(s->raw));
	sha256_init(&s->sha);
	return 0;
}

/* The rest of the uncompressed stream after tar's end marker (padding to a
 * record) is part of what the diffID covers. */
static int drain(struct stream *s, struct b_err *err)
{
	const void *p;
	ssize_t n;

	while ((n = stream_read(NULL, s, &p)) > 0)
		;
	if (n < 0)
		return b_err_set(err, EBADMSG, "layer: %s", s->why);
	return 0;
}

static int check_diff_id(struct stream *s, const char *want, struct b_err *err)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[IMG_HEX_SIZE];

	sha256_digest(&s->sha, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	if (want && (strncmp(want, "sha256:", 7) || strcmp(want + 7, hex)))
		return b_err_set(err, EBADMSG,
				 "layer content is sha256:%s but the image config says %s (diffID mismatch)",
				 hex, want);
	return 0;
}

static int read_entries(struct archive *t, struct unpack_ctx *u, struct stream *s,
			struct b_err *err)
{
	struct archive_entry *e;
	int r, ar;

	while ((ar = archive_read_next_header(t, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		if ((r = unpack_entry(u, t, e, err)) < 0)
			return r;
		u->stats.entries++;
	}
	if (ar != ARCHIVE_EOF)
		return b_err_set(err, EBADMSG, "layer: %s",
				 s->why[0] ? s->why : archive_error_string(t));
	return 0;
}

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

int img_unpack_layer(int blob_fd, int dirfd, const char *diff_id,
		     struct img_unpack_stats *stats, struct b_err *err)
{
	_cleanup_free_ struct stream *s = calloc(1, sizeof(*s));
	__attribute__((cleanup(archive_freep))) struct archive *t = NULL;
	struct unpack_ctx u = { .root = dirfd, .parent_fd = -1 };
	int r;

	if (!s)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = open_raw(s, blob_fd, err)) < 0)
		goto out;
	t = archive_read_new();
	if (!t) {
		r = b_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	archive_read_support_format_tar(t);
	if (archive_read_open(t, s, NULL, stream_read, NULL) != ARCHIVE_OK) {
		r = b_err_set(err, EBADMSG, "layer: %s", s->why[0] ? s->why : archive_error_string(t));
		goto out;
	}
	if ((r = read_entries(t, &u, s, err)) < 0 || (r = drain(s, err)) < 0 ||
	    (r = unpack_finish(&u, err)) < 0)
		goto out;
	u.stats.tar_bytes = s->bytes;
	r = check_diff_id(s, diff_id, err);
out:
	unpack_ctx_release(&u);
	if (s->raw)
		archive_read_free(s->raw);
	if (stats)
		*stats = u.stats;
	return r;
}
