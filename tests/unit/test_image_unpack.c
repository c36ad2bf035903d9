/* images/unpack.c: layers written with libarchive's writer in memory, then
 * unpacked into a fresh directory.  The hostile cases must fail with a
 * message naming the entry and write nothing outside the layer. */
#include <archive_entry.h>
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zlib.h>

#include "common/fsutil.h"
#include "images/unpack.h"
#include "images/unpack_internal.h"

struct ent {
	const char *name;
	mode_t type;
	const char *data;    /* file content, symlink or hardlink target */
	bool hardlink;
};

static char top[] = "/tmp/berth-unpack-XXXXXX";

/* One ustar header block for e (written by hand: the point is to make
 * archives a careful writer would refuse to make). */
static size_t put_header(char *b, const struct ent *e)
{
	char typ = e->hardlink ? '1' : e->type == AE_IFDIR ? '5' : e->type == AE_IFLNK ? '2' : '0';
	size_t size = typ == '0' ? strlen(e->data) : 0;
	unsigned sum = 0;

	memset(b, 0, 512);
	snprintf(b, 100, "%s", e->name);
	snprintf(b + 100, 8, "%07o", e->type == AE_IFDIR ? 0755 : 0644);
	snprintf(b + 108, 8, "%07o", 0);
	snprintf(b + 116, 8, "%07o", 0);
	snprintf(b + 124, 12, "%011zo", size);
	snprintf(b + 136, 12, "%011o", 0);
	memset(b + 148, ' ', 8);
	b[156] = typ;
	if (typ == '1' || typ == '2')
		snprintf(b + 157, 100, "%s", e->data);
	memcpy(b + 257, "ustar", 6);
	memcpy(b + 263, "00", 2);
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)b[i];
	snprintf(b + 148, 8, "%06o", sum);
	if (size)
		memcpy(b + 512, e->data, size);
	return 512 + (size + 511) / 512 * 512;
}

static size_t gzip(const char *in, size_t n, char *out, size_t cap)
{
	z_stream z = { 0 };
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = z.total_out;
	deflateEnd(&z);
	return len;
}

/* A tar (gzip when gz) of ents in a memfd, positioned at 0. */
static int make_tar(const struct ent *ents, size_t n, bool gz, size_t *size)
{
	static char buf[1 << 16], zbuf[1 << 16];
	size_t used = 0;

	for (size_t i = 0; i < n; i++)
		used += put_header(buf + used, &ents[i]);
	memset(buf + used, 0, 1024);
	used += 1024;
	if (gz) {
		used = gzip(buf, used, zbuf, sizeof(zbuf));
		memcpy(buf, zbuf, used);
	}
	int fd = memfd_create("tar", MFD_CLOEXEC);
	ck_assert_int_eq(write(fd, buf, used), (ssize_t)used);
	lseek(fd, 0, SEEK_SET);
	*size = used;
	return fd;
}

static int layer_dir(void)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/layer", top);
	b_rm_rf(p);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	return open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int unpack(const struct ent *ents, size_t n, bool gz, struct b_err *err)
{
	size_t size;
	int fd = make_tar(ents, n, gz, &size), dir = layer_dir();
	int r = img_unpack_layer(fd, dir, NULL, NULL, err);
	close(fd);
	close(dir);
	return r;
}

static bool exists(const char *rel)
{
	char p[256];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	return lstat(p, &st) == 0;
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(top));
	char p[128];
	snprintf(p, sizeof(p), "%s/outside", top);
	mkdir(p, 0755);
}

static void teardown(void)
{
	b_rm_rf(top);
	strcpy(top, "/tmp/berth-unpack-XXXXXX");
}

START_TEST(plain_layer)
{
	struct ent ents[] = {
		{ "./", AE_IFDIR, NULL, false },
		{ "./etc/", AE_IFDIR, NULL, false },
		{ "./etc/motd", AE_IFREG, "hello\n", false },
		{ "./etc/link", AE_IFLNK, "/etc/motd", false },
		{ "./etc/hl", AE_IFREG, "etc/motd", true },
		{ "deep/a/b/c", AE_IFREG, "x", false },
	};
	struct b_err err = { 0 };
	ck_assert_int_eq(unpack(ents, 6, true, &err), 0);
	ck_assert(exists("layer/etc/motd"));
	ck_assert(exists("layer/deep/a/b/c"));
	char p[256], t[64] = "";
	snprintf(p, sizeof(p), "%s/layer/etc/link", top);
	ck_assert_int_gt(readlink(p, t, sizeof(t)), 0);
	ck_assert_str_eq(t, "/etc/motd");
	struct stat a, b;
	snprintf(p, sizeof(p), "%s/layer/etc/hl", top);
	ck_assert_int_eq(stat(p, &a), 0);
	snprintf(p, sizeof(p), "%s/layer/etc/motd", top);
	ck_assert_int_eq(stat(p, &b), 0);
	ck_assert_int_eq(a.st_ino, b.st_ino);
}
END_TEST

START_TEST(whiteouts)
{
	struct ent ents[] = {
		{ "etc/.wh.motd", AE_IFREG, "", false },
		{ "opq/.wh..wh..opq", AE_IFREG, "", false },
		{ "opq/new", AE_IFREG, "n", false },
		{ "x/.wh..wh.plnk", AE_IFREG, "", false },
	};
	struct b_err err = { 0 };
	ck_assert_int_eq(unpack(ents, 4, false, &err), 0);
	char p[256], v[4] = "";
	struct stat st;
	snprintf(p, sizeof(p), "%s/layer/etc/motd", top);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_int_eq(st.st_rdev, makedev(0, 0));
	ck_assert(!exists("layer/etc/.wh.motd"));
	snprintf(p, sizeof(p), "%s/layer/opq", top);
	ck_assert_int_eq(getxattr(p, "trusted.overlay.opaque", v, sizeof(v)), 1);
	ck_assert_int_eq(v[0], 'y');
	ck_assert(!exists("layer/x/.wh..wh.plnk"));
}
END_TEST

static void refused(const struct ent *ents, size_t n, const char *msg)
{
	struct b_err err = { 0 };
	ck_assert_int_lt(unpack(ents, n, false, &err), 0);
	ck_assert_msg(strstr(err.msg, msg), "%s", err.msg);
	ck_assert(!exists("x"));
	ck_assert(!exists("outside/x"));
}

START_TEST(dotdot)
{
	struct ent e[] = { { "../x", AE_IFREG, "evil", false } };
	refused(e, 1, "\"../x\": absolute or \"..\"");
	struct ent e2[] = { { "a/../../x", AE_IFREG, "evil", false } };
	refused(e2, 1, "absolute or \"..\"");
}
END_TEST

/* ".wh..." names ".." as the file to white out: making room for it
 * must not remove the layer directory's parent (the store's tmp/). */
START_TEST(whiteout_of_dotdot)
{
	static const char *const names[] = { ".wh...", ".wh..", "a/.wh..." };
	char canary[160];

	snprintf(canary, sizeof(canary), "%s/canary", top);
	ck_assert_int_eq(mkdir(canary, 0755), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ent e[] = { { "a/", AE_IFDIR, "", false }, { "a/keep", AE_IFREG, "k", false },
				   { names[i], AE_IFREG, "", false } };
		struct b_err err = { 0 };
		ck_assert_int_lt(unpack(e, 3, false, &err), 0);
		ck_assert_msg(exists("canary"), "%s removed the layer's parent's entries", names[i]);
		ck_assert_msg(exists("outside"), "%s removed the layer's parent's entries", names[i]);
	}
}
END_TEST

START_TEST(absolute)
{
	char name[128];
	snprintf(name, sizeof(name), "%s/x", top);
	struct ent e[] = { { name, AE_IFREG, "evil", false } };
	refused(e, 1, "absolute or \"..\"");
}
END_TEST

START_TEST(symlink_escape)
{
	char target[128];
	snprintf(target, sizeof(target), "%s/outside", top);
	struct ent e[] = { { "a", AE_IFLNK, target, false }, { "a/x", AE_IFREG, "evil", false } };
	refused(e, 2, "is a symlink or not a directory");
	struct ent e2[] = { { "a", AE_IFLNK, "../outside", false }, { "a/x", AE_IFREG, "e", false } };
	refused(e2, 2, "is a symlink or not a directory");
	struct ent e3[] = { { "d", AE_IFDIR, NULL, false }, { "d/l", AE_IFLNK, "../../outside", false },
			    { "d/l/sub/x", AE_IFREG, "e", false } };
	refused(e3, 3, "is a symlink or not a directory");
}
END_TEST

START_TEST(hardlink_escape)
{
	struct ent e[] = { { "h", AE_IFREG, "../outside/f", true } };
	refused(e, 1, "leaves the layer");
	struct ent e2[] = { { "l", AE_IFLNK, "../outside", false }, { "h", AE_IFREG, "l/f", true } };
	refused(e2, 2, "not a file of this layer");
}
END_TEST

START_TEST(diff_id)
{
	struct ent ents[] = { { "f", AE_IFREG, "x", false } };
	struct b_err err = { 0 };
	size_t size;
	int fd = make_tar(ents, 1, true, &size), dir = layer_dir();
	ck_assert_int_eq(img_unpack_layer(fd, dir, "sha256:0000000000000000000000000000000000000000000000000000000000000000",
					  NULL, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "diffID mismatch"), "%s", err.msg);
	close(fd);
	close(dir);
}
END_TEST

START_TEST(truncated_gzip)
{
	struct ent ents[] = { { "f", AE_IFREG, "some content that compresses", false },
			      { "g", AE_IFREG, "more", false } };
	struct b_err err = { 0 };
	size_t size;
	int fd = make_tar(ents, 2, true, &size), dir = layer_dir();
	ck_assert_int_eq(ftruncate(fd, (off_t)size / 2), 0);
	ck_assert_int_lt(img_unpack_layer(fd, dir, NULL, NULL, &err), 0);
	ck_assert_msg(strstr(err.msg, "layer"), "%s", err.msg);
	close(fd);
	close(dir);
}
END_TEST

START_TEST(clean_names)
{
	char out[64];
	ck_assert_int_eq(unpack_clean_name("./a//b/./c/", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a/b/c");
	ck_assert_int_eq(unpack_clean_name("./", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(unpack_clean_name("/a", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(unpack_clean_name("a/..", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(unpack_clean_name("a/..b", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a/..b");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image_unpack");
	TCase *tc = tcase_create("unpack");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plain_layer);
	tcase_add_test(tc, whiteouts);
	tcase_add_test(tc, dotdot);
	tcase_add_test(tc, absolute);
	tcase_add_test(tc, whiteout_of_dotdot);
	tcase_add_test(tc, symlink_escape);
	tcase_add_test(tc, hardlink_escape);
	tcase_add_test(tc, diff_id);
	tcase_add_test(tc, truncated_gzip);
	tcase_add_test(tc, clean_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
