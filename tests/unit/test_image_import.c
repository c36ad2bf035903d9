/* images/import.c over the images tests/helpers/mkimage.py builds offline:
 * a two-layer image (gzip + zstd, whiteout, opaque dir, hardlink,
 * symlink, setuid), a second image sharing its base layer, a multi-arch
 * index, and hostile layouts that must be refused with nothing stored. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "images/import.h"

static char top[] = "/tmp/berth-import-XXXXXX";
static char root[160], imgs[160];

static void setup(void)
{
	char cmd[512];
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/store", top);
	snprintf(imgs, sizeof(imgs), "%s/img", top);
	snprintf(cmd, sizeof(cmd), "python3 %s/tests/helpers/mkimage.py %s >/dev/null", SRCDIR, imgs);
	ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
	b_rm_rf(top);
	strcpy(top, "/tmp/berth-import-XXXXXX");
}

static int count(const char *sub)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, sub);
	DIR *d = opendir(p);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Import the first entry of <imgs>/<layout>/index.json. */
static int import(const char *layout, struct img_imported *out, struct b_err *err)
{
	char p[256], *text = NULL;
	size_t len;
	struct img_index *x = NULL;
	struct img_store s;
	struct img_plat host;
	int r;

	snprintf(p, sizeof(p), "%s/%s", imgs, layout);
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(b_read_file_at(fd, "index.json", 0, &text, &len), 0);
	ck_assert_int_eq(img_index_parse("index.json", text, len, &x, err), 0);
	img_platform_host(&host);
	ck_assert_int_eq(img_store_open(&s, root, IMG_STORE_SHARED, err), 0);
	r = img_import_manifest(&s, fd, &x->manifests[0], &host, out, err);
	img_store_close(&s);
	img_index_free(x);
	free(text);
	close(fd);
	return r;
}

static const char *layer_path(const struct img_imported *im, int i, const char *rel)
{
	static char p[512];
	char cmd[512];
	/* the diffIDs from the image's config, via the summary */
	snprintf(cmd, sizeof(cmd),
		 "python3 -c \"import json;d=json.load(open('%s/summary.json'));"
		 "print([v for v in d['images'].values() if v.get('manifest_digest')=='%s'][0]['diff_ids'][%d][7:])\"",
		 imgs, im->id, i);
	FILE *f = popen(cmd, "r");
	char hex[80] = "";
	ck_assert_int_eq(fscanf(f, "%79s", hex), 1);
	pclose(f);
	snprintf(p, sizeof(p), "%s/layers/%s/%s", root, hex, rel);
	return p;
}

START_TEST(two_layers)
{
	struct img_imported im;
	struct b_err err = { 0 };
	struct stat st;
	char v[8] = "";

	ck_assert_msg(import("layout", &im, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(im.n_layers, 2);
	ck_assert_int_eq(count("layers"), 2);
	ck_assert_int_eq(stat(layer_path(&im, 0, "bin/busybox"), &st), 0);
	ck_assert_int_eq(st.st_nlink, 2); /* and bin/busybox-hl */
	ck_assert_int_eq(lstat(layer_path(&im, 0, "bin/suid"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 04755);
	ck_assert_int_eq(lstat(layer_path(&im, 0, "dev/null-test"), &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
	ck_assert_int_eq(lstat(layer_path(&im, 0, "home/app"), &st), 0);
	ck_assert_int_eq(st.st_uid, 1000);
	ck_assert_int_eq(lstat(layer_path(&im, 1, "data/gone"), &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	ck_assert_int_eq(getxattr(layer_path(&im, 1, "opq"), "trusted.overlay.opaque", v, sizeof(v)), 1);
	ck_assert_int_eq(count("tmp"), 0);
}
END_TEST

START_TEST(shared_base)
{
	struct img_imported a, b;
	struct b_err err = { 0 };

	ck_assert_msg(import("layout", &a, &err) == 0, "%s", err.msg);
	ck_assert_msg(import("layout2", &b, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(count("layers"), 3);
	ck_assert_int_eq(b.bytes < a.bytes, 1); /* the base was not unpacked again */
}
END_TEST

START_TEST(multi_arch)
{
	struct img_imported im;
	struct b_err err = { 0 };

	ck_assert_msg(import("multi", &im, &err) == 0, "%s", err.msg);
	ck_assert_msg(import("multi-hostfirst", &im, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(count("layers"), 2);
}
END_TEST

static void hostile(const char *which, const char *msg)
{
	struct img_imported im;
	struct b_err err = { 0 };
	char layout[64];

	snprintf(layout, sizeof(layout), "hostile/%s", which);
	ck_assert_msg(import(layout, &im, &err) < 0, "%s was imported", which);
	ck_assert_msg(strstr(err.msg, msg), "%s: %s", which, err.msg);
	ck_assert_int_eq(count("layers"), 0);
	ck_assert_int_eq(count("tmp"), 0);
}

START_TEST(hostile_layouts)
{
	hostile("dotdot", "absolute or \"..\"");
	hostile("absolute", "absolute or \"..\"");
	hostile("symlink-escape", "is a symlink or not a directory");
	hostile("symlink-rel-escape", "is a symlink or not a directory");
	hostile("hardlink-outside", "leaves the layer");
	hostile("bad-layer-digest", "digest mismatch");
	hostile("bad-diffid", "diffID mismatch");
	hostile("truncated-gzip", "layer");
	hostile("bad-size", "bytes its descriptor says");
	hostile("digest-traversal", "sha256");
}
END_TEST

int main(void)
{
	Suite *su = suite_create("image_import");
	TCase *tc = tcase_create("import");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, two_layers);
	tcase_add_test(tc, shared_base);
	tcase_add_test(tc, multi_arch);
	tcase_add_test(tc, hostile_layouts);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
