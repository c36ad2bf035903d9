/* runtime/mountopts.c: an OCI mount's option list → mount(2) flags, the
 * flags to clear, propagation, recursive mount_setattr(2) attributes, bind,
 * and the filesystem data string (every option berth does not know). */
#include <check.h>
#include <errno.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"
#include "runtime/internal.h"
#include "testmain.h"

#define MAX_OPTS 8

static const struct opts_case {
	const char *opts[MAX_OPTS];   /* NULL-terminated */
	unsigned long flags, clear, propagation;
	uint64_t rec_set, rec_clr;
	bool bind, rbind;
	const char *data;             /* NULL: none */
} cases[] = {
	{ .opts = { NULL } },
	{ .opts = { "defaults", NULL } },
	{ .opts = { "ro", "nosuid", "nodev", "rbind", "rprivate", "size=64m", NULL },
	  .flags = MS_RDONLY | MS_NOSUID | MS_NODEV, .propagation = MS_PRIVATE | MS_REC,
	  .bind = true, .rbind = true, .data = "size=64m" },
	{ .opts = { "bind", NULL }, .bind = true },
	{ .opts = { "noexec", "sync", "dirsync", "mand", "silent", NULL },
	  .flags = MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_SILENT },
	{ .opts = { "remount", "noatime", "nodiratime", "lazytime", NULL },
	  .flags = MS_REMOUNT | MS_NOATIME | MS_NODIRATIME | MS_LAZYTIME },
	{ .opts = { "relatime", "strictatime", NULL }, .flags = MS_RELATIME | MS_STRICTATIME },
	/* The "no" forms clear: the flag is dropped and remembered as cleared. */
	{ .opts = { "rw", "suid", "dev", "exec", "async", NULL },
	  .clear = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS },
	{ .opts = { "norelatime", "nostrictatime", "atime", "diratime", NULL },
	  .clear = MS_RELATIME | MS_STRICTATIME | MS_NOATIME | MS_NODIRATIME },
	{ .opts = { "nomand", "nolazytime", "loud", NULL },
	  .clear = MS_MANDLOCK | MS_LAZYTIME | MS_SILENT },
	/* The last of a pair wins, whichever way round. */
	{ .opts = { "ro", "rw", NULL }, .clear = MS_RDONLY },
	{ .opts = { "rw", "ro", NULL }, .flags = MS_RDONLY },
	{ .opts = { "nosuid", "suid", "nosuid", NULL }, .flags = MS_NOSUID },
	/* Propagation: one value, the last one given. */
	{ .opts = { "shared", NULL }, .propagation = MS_SHARED },
	{ .opts = { "rslave", NULL }, .propagation = MS_SLAVE | MS_REC },
	{ .opts = { "runbindable", "private", NULL }, .propagation = MS_PRIVATE },
	{ .opts = { "rshared", "slave", "unbindable", NULL }, .propagation = MS_UNBINDABLE },
	/* Recursive attributes collect in two sets and do not touch flags. */
	{ .opts = { "rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow", NULL },
	  .rec_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW },
	{ .opts = { "rrw", "rsuid", "rdev", "rexec", "rsymfollow", NULL },
	  .rec_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW },
	{ .opts = { "rnoatime", "rrelatime", "rstrictatime", "rnodiratime", NULL },
	  .rec_set = MOUNT_ATTR_NOATIME | MOUNT_ATTR_RELATIME | MOUNT_ATTR_STRICTATIME |
		     MOUNT_ATTR_NODIRATIME },
	{ .opts = { "ratime", "rnorelatime", "rdiratime", NULL },
	  .rec_clr = MOUNT_ATTR_NOATIME | MOUNT_ATTR_RELATIME | MOUNT_ATTR_NODIRATIME },
	{ .opts = { "rro", "rrw", NULL }, .rec_set = MOUNT_ATTR_RDONLY, .rec_clr = MOUNT_ATTR_RDONLY },
	/* Known to runc and crun, nothing to do here: neither flag nor data. */
	{ .opts = { "tmpcopyup", "notmpcopyup", "copy-symlink", "src-nofollow", NULL } },
	/* Everything else is the filesystem's, joined in order. */
	{ .opts = { "mode=755", "ro", "size=65536k", "uid=0", NULL }, .flags = MS_RDONLY,
	  .data = "mode=755,size=65536k,uid=0" },
	{ .opts = { "newinstance", "ptmxmode=0666", NULL }, .data = "newinstance,ptmxmode=0666" },
	/* Near misses of known names are not guessed at. */
	{ .opts = { "RO", "nosuid ", "r", "rbinds", NULL }, .data = "RO,nosuid ,r,rbinds" },
	{ .opts = { "", NULL }, .data = "" },
};

START_TEST(options_table)
{
	const struct opts_case *t = &cases[_i];
	struct rt_mount_flags f;
	struct b_err err = { 0 };

	ck_assert_int_eq(rt_mount_flags_parse((char *const *)t->opts, &f, &err), 0);
	ck_assert_msg(f.flags == t->flags, "case %d: flags %#lx, want %#lx", _i, f.flags, t->flags);
	ck_assert_msg(f.clear == t->clear, "case %d: clear %#lx, want %#lx", _i, f.clear, t->clear);
	ck_assert_msg(f.propagation == t->propagation, "case %d: propagation %#lx, want %#lx", _i,
		      f.propagation, t->propagation);
	ck_assert_msg(f.rec_set == t->rec_set, "case %d: rec_set %#llx", _i,
		      (unsigned long long)f.rec_set);
	ck_assert_msg(f.rec_clr == t->rec_clr, "case %d: rec_clr %#llx", _i,
		      (unsigned long long)f.rec_clr);
	ck_assert_int_eq(f.bind, t->bind);
	ck_assert_int_eq(f.rbind, t->rbind);
	if (t->data)
		ck_assert_pstr_eq(f.data, t->data);
	else
		ck_assert_ptr_null(f.data);
	rt_mount_flags_free(&f);
	ck_assert_ptr_null(f.data);
}
END_TEST

START_TEST(no_list)
{
	struct rt_mount_flags f;
	struct b_err err = { 0 };

	memset(&f, 0xff, sizeof(f));
	ck_assert_int_eq(rt_mount_flags_parse(NULL, &f, &err), 0);
	ck_assert_uint_eq(f.flags | f.clear | f.propagation | f.rec_set | f.rec_clr, 0);
	ck_assert(!f.bind && !f.rbind);
	ck_assert_ptr_null(f.data);
}
END_TEST

/* Id-mapped mounts are refused by name, wherever they stand in the list,
 * and what was gathered before is freed (nothing for the caller to free). */
START_TEST(idmap_refused)
{
	static const char *const lists[][4] = {
		{ "idmap", NULL },
		{ "ridmap", NULL },
		{ "size=1m", "mode=700", "idmap", NULL },
	};
	struct rt_mount_flags f;
	struct b_err err = { 0 };

	for (size_t i = 0; i < B_ARRAY_SIZE(lists); i++) {
		ck_assert_int_eq(rt_mount_flags_parse((char *const *)lists[i], &f, &err), -ENOTSUP);
		ck_assert_int_eq(err.code, ENOTSUP);
		ck_assert(strstr(err.msg, "idmap"));
		ck_assert_ptr_null(f.data);
	}
}
END_TEST

static Suite *mountopts_suite(void)
{
	Suite *s = suite_create("mountopts");
	TCase *tc = tcase_create("mountopts");

	tcase_add_loop_test(tc, options_table, 0, (int)B_ARRAY_SIZE(cases));
	tcase_add_test(tc, no_list);
	tcase_add_test(tc, idmap_refused);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(mountopts_suite)
