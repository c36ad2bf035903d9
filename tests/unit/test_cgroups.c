/* cgroups/: the parts that need no cgroup hierarchy.  Where a
 * linux.cgroupsPath leads (cg_resolve_rel, with the mount and the caller's
 * own cgroup given), which absolute paths lie below the mount
 * (cg_path_split), the OCI → cgroup v2 weight conversions, and what the
 * undo of a failed create removes (on plain directories in /tmp).  Nothing
 * here reads or writes /sys/fs/cgroup. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cgroups/resources.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "testmain.h"

#define MNT "/sys/fs/cgroup"

/* want_rel NULL: refused with want_code. */
static const struct resolve_case {
	const char *path, *id, *self;
	const char *want_rel;
	int want_code;
} resolve_cases[] = {
	/* unset or empty: /berth/<id>, wherever the caller is */
	{ NULL, "c1", "/user.slice", "/berth/c1", 0 },
	{ "", "c1", "/", "/berth/c1", 0 },
	/* absolute: below the root, the caller's own cgroup plays no part */
	{ "/pods/c1", "x", "/user.slice", "/pods/c1", 0 },
	{ "/a", "x", "/", "/a", 0 },
	{ "/pods/c1/", "x", "/", "/pods/c1", 0 },
	{ "/pods/c1///", "x", "/", "/pods/c1", 0 },
	{ "/a.b/..c/c..", "x", "/", "/a.b/..c/c..", 0 },
	/* relative: below the caller's own cgroup */
	{ "pods/c1", "x", "/user.slice/u.service", "/user.slice/u.service/pods/c1", 0 },
	{ "pods/c1", "x", "/", "/pods/c1", 0 },
	{ "c1/", "x", "/", "/c1", 0 },
	/* "." and ".." components could leave the tree, so they never pass */
	{ "/pods/../c1", "x", "/", NULL, EINVAL },
	{ "/..", "x", "/", NULL, EINVAL },
	{ "/pods/./c1", "x", "/", NULL, EINVAL },
	{ "/pods/..", "x", "/", NULL, EINVAL },
	{ "..", "x", "/user.slice", NULL, EINVAL },
	{ "../sibling", "x", "/user.slice", NULL, EINVAL },
	{ ".", "x", "/user.slice", NULL, EINVAL },
	{ NULL, "..", "/", NULL, EINVAL },
	/* the root itself is no container's cgroup */
	{ "/", "x", "/", NULL, EINVAL },
	{ "//", "x", "/", NULL, EINVAL },
};

START_TEST(resolve_table)
{
	const struct resolve_case *t = &resolve_cases[_i];
	struct cg_path out = { .mount = MNT };
	struct b_err err = { 0 };
	int r = cg_resolve_rel(t->path, t->id, t->self, &out, &err);

	if (!t->want_rel) {
		ck_assert_msg(r == -t->want_code, "\"%s\": got %d (%s), want -%d", t->path, r,
			      err.msg, t->want_code);
		ck_assert_int_eq(err.code, t->want_code);
		ck_assert(strstr(err.msg, "cgroup"));
		return;
	}
	ck_assert_msg(r == 0, "\"%s\": %s", t->path, err.msg);
	ck_assert_str_eq(out.rel, t->want_rel);
	ck_assert_str_eq(out.mount, MNT);
	ck_assert(strncmp(out.abs, MNT, strlen(MNT)) == 0);
	ck_assert_str_eq(out.abs + strlen(MNT), t->want_rel);
}
END_TEST

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* A path that does not fit struct cg_path is refused, not cut short into
 * the name of another cgroup (two long ids with one prefix would share). */
START_TEST(resolve_too_long)
{
	size_t room = sizeof(((struct cg_path *)0)->rel) - 1;   /* rel[] holds this many */
	_cleanup_free_ char *fits = repeat('a', room);
	_cleanup_free_ char *over = repeat('a', room + 1);
	_cleanup_free_ char *long_id = repeat('i', room);
	struct cg_path out = { .mount = MNT };
	struct b_err err = { 0 };

	fits[0] = '/';
	over[0] = '/';
	ck_assert_int_eq(cg_resolve_rel(fits, "x", "/", &out, &err), 0);
	ck_assert_uint_eq(strlen(out.rel), room);
	ck_assert_int_eq(cg_resolve_rel(over, "x", "/", &out, &err), -ENAMETOOLONG);
	ck_assert_int_eq(err.code, ENAMETOOLONG);
	/* The same limit through the default /berth/<id> and a relative path. */
	ck_assert_int_eq(cg_resolve_rel(NULL, long_id, "/", &out, &err), -ENAMETOOLONG);
	ck_assert_int_eq(cg_resolve_rel(fits + 1, "x", "/user.slice", &out, &err), -ENAMETOOLONG);
}
END_TEST

/* systemd's "slice:prefix:name" and --systemd-cgroup are refused whether
 * systemd runs here or not (only the message differs), before any
 * hierarchy is looked at. */
START_TEST(resolve_systemd_refused)
{
	static const char *const paths[] = { "system.slice:berth:c1", ":berth:c1", "a:b" };
	struct cg_path out;
	struct b_err err = { 0 };

	for (size_t i = 0; i < B_ARRAY_SIZE(paths); i++) {
		ck_assert_int_eq(cg_resolve(paths[i], "c1", false, &out, &err), -ENOTSUP);
		ck_assert(strstr(err.msg, paths[i]));
		ck_assert(strstr(err.msg, "systemd"));
	}
	ck_assert_int_eq(cg_resolve("/pods/c1", "c1", true, &out, &err), -ENOTSUP);
	ck_assert_int_eq(cg_resolve(NULL, "c1", true, &out, &err), -ENOTSUP);
}
END_TEST

static const struct split_case {
	const char *abs;
	const char *want_rel;   /* NULL: refused */
	int want_code;
} split_cases[] = {
	{ MNT "/berth/c1", "/berth/c1", 0 },
	{ MNT "/a", "/a", 0 },
	{ MNT "/", "/", 0 },
	{ MNT, NULL, EINVAL },                 /* the mount itself */
	{ MNT "x/a", NULL, EINVAL },           /* a sibling sharing the prefix */
	{ "/sys/fs/cgroup2/a", NULL, EINVAL },
	{ "/other/a", NULL, EINVAL },
	{ "", NULL, EINVAL },
	{ "sys/fs/cgroup/a", NULL, EINVAL },
};

START_TEST(split_table)
{
	const struct split_case *t = &split_cases[_i];
	struct cg_path out = { .mount = MNT };
	struct b_err err = { 0 };
	int r = cg_path_split(t->abs, &out, &err);

	if (!t->want_rel) {
		ck_assert_msg(r == -t->want_code, "\"%s\": got %d", t->abs, r);
		ck_assert(strstr(err.msg, MNT));
		return;
	}
	ck_assert_msg(r == 0, "\"%s\": %s", t->abs, err.msg);
	ck_assert_str_eq(out.rel, t->want_rel);
	ck_assert_str_eq(out.abs, t->abs);
}
END_TEST

START_TEST(split_too_long)
{
	size_t room = sizeof(((struct cg_path *)0)->rel) - 1;
	_cleanup_free_ char *fits = repeat('a', strlen(MNT) + room);
	_cleanup_free_ char *over = repeat('a', strlen(MNT) + room + 1);
	struct cg_path out = { .mount = MNT };
	struct b_err err = { 0 };

	memcpy(fits, MNT "/", strlen(MNT) + 1);
	memcpy(over, MNT "/", strlen(MNT) + 1);
	ck_assert_int_eq(cg_path_split(fits, &out, &err), 0);
	ck_assert_str_eq(out.abs, fits);
	ck_assert_int_eq(cg_path_split(over, &out, &err), -ENAMETOOLONG);
}
END_TEST

/* cpu.shares → cpu.weight.  The fixed points are the ones runc and crun
 * document (2 → 1, 1024 → 100, 262144 → 10000); the others are that
 * formula's values, which a linear mapping (1024 → 39) would miss. */
static const struct { unsigned long long shares, weight; } share_cases[] = {
	{ 0, 0 },                 /* unset: the caller writes nothing */
	{ 1, 1 },                 /* below the cgroup v1 minimum of 2 */
	{ 2, 1 },
	{ 3, 2 },
	{ 100, 17 },
	{ 512, 59 },
	{ 1024, 100 },            /* the v1 default is the v2 default */
	{ 2048, 174 },
	{ 102400, 4429 },
	{ 262143, 10000 },
	{ 262144, 10000 },
	{ 262145, 10000 },        /* above the v1 maximum: clamped */
	{ UINT64_MAX, 10000 },
};

START_TEST(shares_table)
{
	unsigned long long s = share_cases[_i].shares;

	ck_assert_msg(cg_shares_to_weight(s) == share_cases[_i].weight, "%llu shares: %llu, want %llu",
		      s, cg_shares_to_weight(s), share_cases[_i].weight);
}
END_TEST

/* Every share value of the v1 range gives a weight cgroup v2 accepts, and
 * more shares never give less weight. */
START_TEST(shares_monotonic_in_range)
{
	unsigned long long prev = 1;

	for (unsigned long long s = 2; s <= 262144; s++) {
		unsigned long long w = cg_shares_to_weight(s);

		ck_assert_msg(w >= 1 && w <= 10000, "%llu shares: weight %llu", s, w);
		ck_assert_msg(w >= prev, "%llu shares: weight %llu after %llu", s, w, prev);
		prev = w;
	}
}
END_TEST

/* blockIO.weight → io.weight: 10..1000 onto 1..10000, both ends exact. */
static const struct { uint64_t blkio, io; } blkio_cases[] = {
	{ 0, 0 },                 /* unset: the caller writes nothing */
	{ 10, 1 },
	{ 11, 11 },
	{ 100, 910 },
	{ 500, 4950 },
	{ 1000, 10000 },
};

START_TEST(blkio_table)
{
	uint64_t w = blkio_cases[_i].blkio;

	ck_assert_msg(cg_blkio_to_io_weight(w) == blkio_cases[_i].io, "blkio %lu: %lu, want %lu",
		      (unsigned long)w, (unsigned long)cg_blkio_to_io_weight(w),
		      (unsigned long)blkio_cases[_i].io);
}
END_TEST

/* Outside 10..1000 (the parser takes any uint16) the result is outside
 * 1..10000, so the kernel refuses the io.weight write and create fails;
 * it is never quietly turned into some valid weight. */
START_TEST(blkio_out_of_range_stays_invalid)
{
	static const uint64_t bad[] = { 1, 9, 1001, 65535 };

	for (size_t i = 0; i < B_ARRAY_SIZE(bad); i++) {
		uint64_t io = cg_blkio_to_io_weight(bad[i]);

		ck_assert_msg(io < 1 || io > 10000, "blkio %lu became the valid io.weight %lu",
			      (unsigned long)bad[i], (unsigned long)io);
	}
	for (uint64_t w = 10; w <= 1000; w++) {
		uint64_t io = cg_blkio_to_io_weight(w);

		ck_assert_msg(io >= 1 && io <= 10000, "blkio %lu: %lu", (unsigned long)w,
			      (unsigned long)io);
	}
}
END_TEST

/* ---- undo of a create: a tree of plain directories plays the hierarchy */

/* A temp dir as the "mount" holding a pre-existing /p, and cg = /p/a/b/c. */
static void undo_tree(struct cg_path *cg, char *p, size_t size)
{
	memset(cg, 0, sizeof(*cg));
	snprintf(cg->mount, sizeof(cg->mount), "/tmp/berth-ut-cg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(cg->mount));
	snprintf(cg->rel, sizeof(cg->rel), "/p/a/b/c");
	snprintf(cg->abs, sizeof(cg->abs), "%s%s", cg->mount, cg->rel);
	snprintf(p, size, "%s/p", cg->mount);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static bool is_dir(const char *base, const char *sub)
{
	char path[1200];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", base, sub);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Only what the create made goes, deepest first; the parent that was
 * there before stays. */
START_TEST(undo_removes_made_parents_only)
{
	struct cg_path cg;
	struct b_err err = { 0 };
	char p[300];
	int fd = -1;

	undo_tree(&cg, p, sizeof(p));
	ck_assert_int_eq(cg_create(&cg, NULL, &fd, &err), 0);
	close(fd);
	ck_assert_uint_eq(cg.made, 3);
	ck_assert(is_dir(cg.abs, ""));
	ck_assert_int_eq(cg_destroy_made(&cg, &err), 0);
	ck_assert(!is_dir(p, "/a"));
	ck_assert(is_dir(p, ""));
	ck_assert_int_eq(rmdir(p), 0);
	ck_assert_int_eq(rmdir(cg.mount), 0);
}
END_TEST

/* A cgroup made next to ours since then (by another create) keeps the
 * parent it lives in, and so every one above: the walk stops at the first
 * parent that is not empty. */
START_TEST(undo_stops_at_a_parent_in_use)
{
	struct cg_path cg;
	struct b_err err = { 0 };
	char p[300], other[400];
	int fd = -1;

	undo_tree(&cg, p, sizeof(p));
	ck_assert_int_eq(cg_create(&cg, NULL, &fd, &err), 0);
	close(fd);
	snprintf(other, sizeof(other), "%s/a/b/other", p);
	ck_assert_int_eq(mkdir(other, 0755), 0);
	ck_assert_int_eq(cg_destroy_made(&cg, &err), 0);
	ck_assert(!is_dir(cg.abs, ""));
	ck_assert(is_dir(p, "/a/b/other"));
	ck_assert_int_eq(rmdir(other), 0);
	b_rm_rf(cg.mount);
}
END_TEST

/* Nothing made (the leaf was there, empty): only the leaf goes, as
 * before; its parents stay. */
START_TEST(undo_of_an_existing_leaf_keeps_its_parents)
{
	struct cg_path cg;
	struct b_err err = { 0 };
	char p[300];
	int fd = -1;

	undo_tree(&cg, p, sizeof(p));
	ck_assert_int_eq(b_mkdir_p(cg.abs, 0755), 0);
	ck_assert_int_eq(cg_create(&cg, NULL, &fd, &err), 0);
	close(fd);
	ck_assert_uint_eq(cg.made, 0);
	ck_assert_int_eq(cg_destroy_made(&cg, &err), 0);
	ck_assert(!is_dir(cg.abs, ""));
	ck_assert(is_dir(p, "/a/b"));
	b_rm_rf(cg.mount);
}
END_TEST

static Suite *cgroups_suite(void)
{
	Suite *s = suite_create("cgroups");
	TCase *paths = tcase_create("paths");
	TCase *weights = tcase_create("weights");
	TCase *undo = tcase_create("undo");

	tcase_add_loop_test(paths, resolve_table, 0, (int)B_ARRAY_SIZE(resolve_cases));
	tcase_add_test(paths, resolve_too_long);
	tcase_add_test(paths, resolve_systemd_refused);
	tcase_add_loop_test(paths, split_table, 0, (int)B_ARRAY_SIZE(split_cases));
	tcase_add_test(paths, split_too_long);
	suite_add_tcase(s, paths);
	tcase_add_loop_test(weights, shares_table, 0, (int)B_ARRAY_SIZE(share_cases));
	tcase_add_test(weights, shares_monotonic_in_range);
	tcase_add_loop_test(weights, blkio_table, 0, (int)B_ARRAY_SIZE(blkio_cases));
	tcase_add_test(weights, blkio_out_of_range_stays_invalid);
	suite_add_tcase(s, weights);
	tcase_add_test(undo, undo_removes_made_parents_only);
	tcase_add_test(undo, undo_stops_at_a_parent_in_use);
	tcase_add_test(undo, undo_of_an_existing_leaf_keeps_its_parents);
	suite_add_tcase(s, undo);
	return s;
}

TEST_MAIN(cgroups_suite)
