/* images/passwd.c: an image's User against its /etc/passwd and /etc/group
 * (docs/design/image-facts.md §9): every form, the supplementary groups
 * by name (CVE-2023-25173), and files an image author made hostile. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "images/passwd.h"
#include "testmain.h"

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"app:x:1000:1001:App,,,:/home/app:/bin/sh\n"
	"nogroup-user:x:2000:4242::/:/bin/false\n"
	"app:x:3000:3000:a second app, ignored:/:/bin/sh\n";
static const char group[] =
	"root:x:0:\n"
	"daemon:x:1:\n"
	"wheel:x:10:root,app\n"
	"app:x:1001:\n"
	"audio:x:29:daemon,app\n"
	"staff:x:50:\n"
	"video:x:44:apple,ap,app2\n"         /* no member named exactly "app" */
	"wheel2:x:10:app\n";                  /* gid 10 again: once */

static struct img_user ok(const char *spec)
{
	struct img_user u;
	struct b_err err = { 0 };

	ck_assert_msg(img_user_resolve(spec, passwd, strlen(passwd), group, strlen(group), &u,
				       &err) == 0, "%s: %s", spec, err.msg);
	return u;
}

static void check(const char *spec, uint32_t uid, uint32_t gid, const char *groups)
{
	struct img_user u = ok(spec);
	char got[256] = "";

	for (size_t i = 0; i < u.n_groups; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%u", i ? "," : "",
			 u.groups[i]);
	ck_assert_msg(u.uid == uid && u.gid == gid, "%s: %u:%u, want %u:%u", spec, u.uid, u.gid,
		      uid, gid);
	ck_assert_msg(!strcmp(got, groups), "%s: groups %s, want %s", spec, got, groups);
}

static void check_err(const char *spec, const char *pw, const char *gr, int code,
		      const char *want)
{
	struct img_user u;
	struct b_err err = { 0 };

	ck_assert_int_eq(img_user_resolve(spec, pw, pw ? strlen(pw) : 0, gr, gr ? strlen(gr) : 0,
					  &u, &err), -code);
	ck_assert_str_eq(err.msg, want);
}

START_TEST(forms)
{
	/* uid alone: the passwd entry's gid and its name's groups. */
	check("1000", 1000, 1001, "10,29");
	check("0", 0, 0, "10");
	/* uid without an entry: gid 0, no groups, no error. */
	check("4000", 4000, 0, "");
	/* name: the first entry of that name. */
	check("app", 1000, 1001, "10,29");
	check("daemon", 1, 1, "29");
	/* uid:gid as they are, groups by the uid's name. */
	check("1000:7", 1000, 7, "10,29");
	check("4000:7", 4000, 7, "");
	check("1000:10", 1000, 10, "29");              /* the primary gid is not repeated */
	/* uid:group, name:gid, name:group. */
	check("1000:staff", 1000, 50, "10,29");
	check("app:50", 1000, 50, "10,29");
	check("app:audio", 1000, 29, "10");
	check("nogroup-user", 2000, 4242, "");
	/* Root when the image has no User. */
	check("", 0, 0, "10");
	{
		struct img_user u;
		struct b_err err = { 0 };

		ck_assert_int_eq(img_user_resolve(NULL, passwd, strlen(passwd), group, strlen(group),
						  &u, &err), 0);
		ck_assert_uint_eq(u.uid, 0);
		ck_assert_uint_eq(u.n_groups, 1);
	}
}
END_TEST

START_TEST(for_uid)
{
	struct img_user u;
	struct b_err err = { 0 };

	ck_assert_int_eq(img_user_for_uid(1000, passwd, strlen(passwd), group, strlen(group), &u,
					  &err), 0);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 1001);
	ck_assert_uint_eq(u.n_groups, 2);
	ck_assert_int_eq(img_user_for_uid(77, passwd, strlen(passwd), group, strlen(group), &u,
					  &err), 0);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_uint_eq(u.n_groups, 0);
}
END_TEST

/* No /etc/passwd or /etc/group in the image: numbers work, names do not. */
START_TEST(missing_files)
{
	struct img_user u;
	struct b_err err = { 0 };

	ck_assert_int_eq(img_user_resolve("1000", NULL, 0, NULL, 0, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_int_eq(img_user_resolve("5:6", NULL, 0, NULL, 0, &u, &err), 0);
	ck_assert_uint_eq(u.gid, 6);
	check_err("app", NULL, NULL, ENOENT,
		  "user \"app\": no user \"app\" in the image's /etc/passwd");
	check_err("1000:staff", NULL, NULL, ENOENT,
		  "user \"1000:staff\": no group \"staff\" in the image's /etc/group");
}
END_TEST

START_TEST(errors)
{
	check_err("nobody", passwd, group, ENOENT,
		  "user \"nobody\": no user \"nobody\" in the image's /etc/passwd");
	check_err("app:nogroup", passwd, group, ENOENT,
		  "user \"app:nogroup\": no group \"nogroup\" in the image's /etc/group");
	/* Group names are not user names and the other way round. */
	check_err("staff", passwd, group, ENOENT,
		  "user \"staff\": no user \"staff\" in the image's /etc/passwd");
	check_err("a:b:c", passwd, group, EINVAL,
		  "user \"a:b:c\": expected uid, name, uid:gid or name:group");
	check_err(":1", passwd, group, EINVAL, "user \":1\": expected uid, name, uid:gid or name:group");
	check_err("1:", passwd, group, EINVAL, "user \"1:\": expected uid, name, uid:gid or name:group");
	check_err(":", passwd, group, EINVAL, "user \":\": expected uid, name, uid:gid or name:group");
	check_err("4294967295", passwd, group, EINVAL,
		  "user \"4294967295\": uid out of range (at most 4294967294)");
	check_err("99999999999999999999", passwd, group, EINVAL,
		  "user \"99999999999999999999\": uid out of range (at most 4294967294)");
	check_err("1:4294967295", passwd, group, EINVAL,
		  "user \"1:4294967295\": gid out of range (at most 4294967294)");
	/* Signs and blanks make a name, which must then exist. */
	check_err("-1", passwd, group, ENOENT, "user \"-1\": no user \"-1\" in the image's /etc/passwd");
	check_err(" 1", passwd, group, ENOENT, "user \" 1\": no user \" 1\" in the image's /etc/passwd");
	/* What the image wrote is quoted, not printed. */
	check_err("a\"b\\\n\x01", passwd, group, ENOENT,
		  "user \"a\\\"b\\\\\\x0a\\x01\": no user \"a\\\"b\\\\\\x0a\\x01\" in the image's /etc/passwd");
}
END_TEST

/* Lines an image author wrote badly or on purpose are skipped, never
 * taken for something else. */
START_TEST(hostile_files)
{
	static const char pw[] =
		"# comment:x:0:0\n"
		"\n"
		"   \t\r\n"
		"short\n"
		"noid:x\n"
		"neg:x:-1:0\n"
		"big:x:4294967295:0\n"
		"huge:x:99999999999999999999:0\n"
		"hex:x:0x10:0\n"
		"space:x: 5:0\n"
		"badgid:x:7:abc\n"
		"nogid:x:8\n"
		":x:9:9\n"
		"  trimmed:x:10:11:::  \r\n"
		"nul\0x:x:12:12\n"
		"max:x:4294967294:4294967294\n"
		"last:x:13:13";                   /* no final newline */
	static const char gr[] =
		"g1:x:100:trimmed\n"
		"g2:x:notanumber:trimmed\n"
		"g3:x:4294967295:trimmed\n"
		"g4:x:101\n"                      /* no member field */
		"g5:x:102:,,trimmed,,\n"
		"g6:x:103: trimmed\n"             /* a blank makes another name */
		"g7:x:100:trimmed\n";             /* 100 again */
	size_t pl = sizeof(pw) - 1, gl = sizeof(gr) - 1;
	struct img_user u;
	struct b_err err = { 0 };

	static const char *const missing[] = {
		"short", "noid", "neg", "big", "huge", "hex", "space", "badgid", "nogid", "nul",
		"comment", "# comment",
	};
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		ck_assert_msg(img_user_resolve(missing[i], pw, pl, gr, gl, &u, &err) == -ENOENT,
			      "%s resolved", missing[i]);
	/* A uid whose only lines are bad has no entry: gid 0. */
	ck_assert_int_eq(img_user_resolve("7", pw, pl, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_int_eq(img_user_resolve("9", pw, pl, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.gid, 0);

	ck_assert_int_eq(img_user_resolve("trimmed", pw, pl, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 10);
	ck_assert_uint_eq(u.gid, 11);
	ck_assert_uint_eq(u.n_groups, 2);
	ck_assert_uint_eq(u.groups[0], 100);
	ck_assert_uint_eq(u.groups[1], 102);
	ck_assert_int_eq(img_user_resolve("max", pw, pl, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 4294967294u);
	ck_assert_uint_eq(u.gid, 4294967294u);
	ck_assert_int_eq(img_user_resolve("last", pw, pl, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 13);
	/* The length given is all that is read. */
	ck_assert_int_eq(img_user_resolve("last", pw, pl - 1, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.gid, 1);
	ck_assert_int_eq(img_user_resolve("last", pw, pl - 12, gr, gl, &u, &err), -ENOENT);
}
END_TEST

/* One line of megabytes and a file of many lines cost no more than
 * reading them. */
START_TEST(long_lines)
{
	enum { N = 4 << 20 };
	_cleanup_free_ char *pw = malloc(N + 64), *gr = malloc(N + 64);
	struct img_user u;
	struct b_err err = { 0 };
	size_t pl, gl;

	ck_assert(pw && gr);
	memset(pw, 'a', N);
	pl = N + (size_t)sprintf(pw + N, ":x:1:2\nu:x:5:6\n");
	/* "u" in a member list a megabyte long, and in another group. */
	gl = (size_t)sprintf(gr, "big:x:70:");
	memset(gr + gl, ',', N);
	gl += N;
	gl += (size_t)sprintf(gr + gl, "u\nsmall:x:71:u\n");
	ck_assert_int_eq(img_user_resolve("u", pw, pl, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 5);
	ck_assert_uint_eq(u.n_groups, 2);
	ck_assert_int_eq(img_user_resolve("1", pw, pl, gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.gid, 2);
}
END_TEST

/* More groups than fit is refused, not cut: a group left out can be the
 * one that denies access. */
START_TEST(too_many_groups)
{
	char gr[8192];
	size_t gl = 0;
	struct img_user u;
	struct b_err err = { 0 };
	static const char pw[] = "u:x:5:5\n";

	for (int i = 0; i < IMG_USER_GROUPS_MAX; i++)
		gl += (size_t)snprintf(gr + gl, sizeof(gr) - gl, "g%d:x:%d:u\n", i, 100 + i);
	ck_assert_int_eq(img_user_resolve("u", pw, strlen(pw), gr, gl, &u, &err), 0);
	ck_assert_uint_eq(u.n_groups, IMG_USER_GROUPS_MAX);
	/* The primary gid and repeats do not count. */
	gl += (size_t)snprintf(gr + gl, sizeof(gr) - gl, "p:x:5:u\nagain:x:100:u\n");
	ck_assert_int_eq(img_user_resolve("u", pw, strlen(pw), gr, gl, &u, &err), 0);
	gl += (size_t)snprintf(gr + gl, sizeof(gr) - gl, "one-more:x:999:u\n");
	ck_assert_int_eq(img_user_resolve("u", pw, strlen(pw), gr, gl, &u, &err), -E2BIG);
	ck_assert_str_eq(err.msg, "user \"u\": in more than 64 groups in the image's /etc/group "
			 "(leaving one out could grant access it denies)");
}
END_TEST

static Suite *image_user_suite(void)
{
	Suite *s = suite_create("image_user");
	TCase *tc = tcase_create("resolve");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, forms);
	tcase_add_test(tc, for_uid);
	tcase_add_test(tc, missing_files);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, hostile_files);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, too_many_groups);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(image_user_suite)
