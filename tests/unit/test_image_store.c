/* images/store.c: blobs enter only verified, a layer is unpacked once and
 * appears under its diffID only when complete. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "images/names.h"
#include "images/store.h"

static char top[] = "/tmp/berth-store-XXXXXX";
static char root[128];

/* A one-file ustar layer ("f" = "hi\n") and its sha256 (plain tar: the
 * blob digest is also the diffID). */
static int layer_fd(char digest[72])
{
	static char tar[2048];
	memset(tar, 0, sizeof(tar));
	snprintf(tar, 100, "f");
	snprintf(tar + 100, 8, "%07o", 0644);
	snprintf(tar + 108, 8, "%07o", 0);
	snprintf(tar + 116, 8, "%07o", 0);
	snprintf(tar + 124, 12, "%011o", 3);
	snprintf(tar + 136, 12, "%011o", 0);
	memset(tar + 148, ' ', 8);
	tar[156] = '0';
	memcpy(tar + 257, "ustar", 6);
	memcpy(tar + 263, "00", 2);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)tar[i];
	snprintf(tar + 148, 8, "%06o", sum);
	memcpy(tar + 512, "hi\n", 3);
	int fd = memfd_create("l", MFD_CLOEXEC);
	ck_assert_int_eq(write(fd, tar, sizeof(tar)), (ssize_t)sizeof(tar));
	lseek(fd, 0, SEEK_SET);
	/* sha256 of the 2048 bytes, computed by the shell once */
	char cmd[256], p[64];
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)getpid(), fd);
	snprintf(cmd, sizeof(cmd), "sha256sum < %s", p);
	FILE *f = popen(cmd, "r");
	ck_assert_int_eq(fscanf(f, "%64s", digest + 7), 1);
	memcpy(digest, "sha256:", 7);
	pclose(f);
	lseek(fd, 0, SEEK_SET);
	return fd;
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

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/store", top);
}

static void teardown(void)
{
	b_rm_rf(top);
	strcpy(top, "/tmp/berth-store-XXXXXX");
}

START_TEST(blob_verified)
{
	struct img_store s;
	struct b_err err = { 0 };
	char d[72];
	int fd = layer_fd(d);

	ck_assert_int_eq(img_store_open(&s, root, IMG_STORE_SHARED, &err), 0);
	ck_assert_int_eq(img_blob_put(&s, fd, d, 2047, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "longer than the 2047 bytes"), "%s", err.msg);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(img_blob_put(&s, fd, d, 4096, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "shorter"), "%s", err.msg);
	lseek(fd, 0, SEEK_SET);
	char wrong[72];
	strcpy(wrong, d);
	wrong[70] = wrong[70] == '0' ? '1' : '0';
	ck_assert_int_eq(img_blob_put(&s, fd, wrong, 2048, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "digest mismatch"), "%s", err.msg);
	ck_assert_int_eq(count("blobs/sha256"), 0);
	ck_assert_int_eq(count("tmp"), 0);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(img_blob_put(&s, fd, d, 2048, &err), 0);
	ck_assert_int_eq(count("blobs/sha256"), 1);
	ck_assert_int_eq(img_blob_put(&s, -1, d, 2048, &err), 0); /* present: not read */
	ck_assert_int_eq(img_blob_put(&s, -1, d, 2049, &err), -EBADMSG); /* present, wrong size */
	ck_assert_int_eq(img_blob_put(&s, fd, "sha256:../../x", 1, &err), -EINVAL);
	img_store_close(&s);
	close(fd);
}
END_TEST

START_TEST(layer_once)
{
	struct img_store s;
	struct b_err err = { 0 };
	struct img_unpack_stats st;
	char d[72], p[256];
	int fd = layer_fd(d);

	ck_assert_int_eq(img_store_open(&s, root, IMG_STORE_SHARED, &err), 0);
	ck_assert_int_eq(img_blob_put(&s, fd, d, 2048, &err), 0);
	char wrong[72];
	strcpy(wrong, d);
	wrong[70] = wrong[70] == '0' ? '1' : '0';
	ck_assert_int_eq(img_layer_ensure(&s, d, wrong, NULL, &err), -EBADMSG);
	ck_assert_int_eq(count("layers"), 0);
	ck_assert_int_eq(count("tmp"), 0);
	ck_assert_int_eq(img_layer_ensure(&s, d, d, &st, &err), 0);
	ck_assert_int_eq(st.entries, 1);
	snprintf(p, sizeof(p), "%s/layers/%s/f", root, d + 7);
	ck_assert_int_eq(access(p, F_OK), 0);
	ck_assert_int_eq(img_layer_ensure(&s, d, d, &st, &err), 0);
	ck_assert_int_eq(st.entries, 0); /* already there: not unpacked again */
	ck_assert_int_eq(count("layers"), 1);
	img_store_close(&s);
	close(fd);
}
END_TEST

START_TEST(refuses_open_store)
{
	struct img_store s;
	struct b_err err = { 0 };

	ck_assert_int_eq(mkdir(root, 0777), 0);
	chmod(root, 0777);
	ck_assert_int_lt(img_store_open(&s, root, IMG_STORE_SHARED, &err), 0);
	ck_assert_msg(strstr(err.msg, "image store"), "%s", err.msg);
}
END_TEST

START_TEST(names_move)
{
	struct img_store s;
	struct b_err err = { 0 };
	struct img_names *m = NULL;
	char id1[72] = "sha256:", id2[72] = "sha256:", old[72];

	memset(id1 + 7, 'a', 64);
	memset(id2 + 7, 'b', 64);
	ck_assert_int_eq(img_store_open(&s, root, IMG_STORE_SHARED, &err), 0);
	ck_assert_int_eq(img_names_set(&s, "localhost/x:1", id1, old, &err), 0);
	ck_assert_str_eq(old, "");
	ck_assert_int_eq(img_names_set(&s, "localhost/y:1", id1, NULL, &err), 0);
	ck_assert_int_eq(img_names_set(&s, "localhost/x:1", id2, old, &err), 0);
	ck_assert_str_eq(old, id1);
	ck_assert_int_eq(img_names_unset(&s, "localhost/y:1", &err), 0);
	ck_assert_int_eq(img_names_unset(&s, "localhost/y:1", &err), -ENOENT);
	ck_assert_int_eq(img_names_set(&s, "localhost/z:1", "sha256:../x", NULL, &err), -EINVAL);
	ck_assert_int_eq(img_names_load(&s, &m, &err), 0);
	ck_assert_int_eq(m->n_names, 1);
	ck_assert_str_eq(m->names[0].name, "localhost/x:1");
	ck_assert_str_eq(m->names[0].id, id2);
	img_names_free(m);
	ck_assert_int_eq(count("tmp"), 0);
	img_store_close(&s);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("image_store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, blob_verified);
	tcase_add_test(tc, layer_once);
	tcase_add_test(tc, refuses_open_store);
	tcase_add_test(tc, names_move);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
