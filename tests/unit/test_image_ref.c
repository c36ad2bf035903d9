/* images/ref.c: references parsed and normalised as containerd does
 * (docs/design/image-facts.md §1), refusals with a message that says what
 * is wrong, the imagePullPolicy default and local rootfs paths. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "images/ref.h"
#include "testmain.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D64 "sha256:" H64

static const struct {
	const char *in, *want;
} good[] = {
	{ "nginx", "docker.io/library/nginx:latest" },
	{ "nginx:1.25", "docker.io/library/nginx:1.25" },
	{ "library/nginx", "docker.io/library/nginx:latest" },
	{ "docker.io/nginx", "docker.io/library/nginx:latest" },
	{ "index.docker.io/library/nginx", "docker.io/library/nginx:latest" },
	{ "index.docker.io/nginx", "docker.io/library/nginx:latest" },
	{ "user/app", "docker.io/user/app:latest" },
	{ "quay.io/org/app:v1", "quay.io/org/app:v1" },
	{ "quay.io/app", "quay.io/app:latest" },
	{ "localhost/app", "localhost/app:latest" },
	{ "localhost:5000/a/b/c:t", "localhost:5000/a/b/c:t" },
	{ "127.0.0.1:5000/x@" D64, "127.0.0.1:5000/x@" D64 },
	{ "[::1]:5000/x", "[::1]:5000/x:latest" },
	{ "[fe80::1]/x:v", "[fe80::1]/x:v" },
	{ "x:tag@" D64, "docker.io/library/x:tag@" D64 },
	{ "x@" D64, "docker.io/library/x@" D64 },
	{ "Registry/app", "Registry/app:latest" }, /* upper case: a domain */
	{ "localhost:5000", "docker.io/library/localhost:5000" },
	{ "quay.io/a.b-c__d---e_f/g", "quay.io/a.b-c__d---e_f/g:latest" },
	{ "a-b__c---d_e/g.h", "docker.io/a-b__c---d_e/g.h:latest" },
	{ "x:_Tag.1-2", "docker.io/library/x:_Tag.1-2" },
	{ "my-reg.example.com:443/team/app:2024.01", "my-reg.example.com:443/team/app:2024.01" },
};

START_TEST(test_good)
{
	struct img_ref r;
	struct b_err err = { 0 };
	char buf[IMG_REF_MAX + 1];
	const char *in = good[_i].in;

	ck_assert_msg(img_ref_parse(in, &r, &err) == 0, "%s: %s", in, err.msg);
	img_ref_format(&r, buf, sizeof(buf));
	ck_assert_msg(!strcmp(buf, good[_i].want), "%s: want %s, got %s", in, good[_i].want, buf);
}
END_TEST

START_TEST(test_fields)
{
	struct img_ref r;
	struct b_err err = { 0 };
	char buf[IMG_REF_MAX + 1];

	ck_assert_int_eq(img_ref_parse("quay.io/org/app:1.2@" D64, &r, &err), 0);
	ck_assert_str_eq(r.domain, "quay.io");
	ck_assert_str_eq(r.path, "org/app");
	ck_assert_str_eq(r.tag, "1.2");
	ck_assert_str_eq(r.digest, D64);
	img_ref_name(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "quay.io/org/app");
	img_ref_format(&r, buf, 8);
	ck_assert_str_eq(buf, "quay.io");

	ck_assert_int_eq(img_ref_parse("busybox@" D64, &r, &err), 0);
	ck_assert_str_eq(r.domain, IMG_DEFAULT_DOMAIN);
	ck_assert_str_eq(r.path, "library/busybox");
	ck_assert_str_eq(r.tag, "");
	img_ref_name(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "docker.io/library/busybox");
}
END_TEST

static char long_tag[IMG_TAG_MAX + 8], max_tag[IMG_TAG_MAX + 8];
static char long_name[300], max_name[300], long_lib[300];

static void make_long(void)
{
	memset(long_tag, 0, sizeof(long_tag));
	memset(max_tag, 0, sizeof(max_tag));
	memcpy(long_tag, "x:", 2);
	memset(long_tag + 2, 't', IMG_TAG_MAX + 1);
	memcpy(max_tag, "x:", 2);
	memset(max_tag + 2, 't', IMG_TAG_MAX);
	/* "quay.io/" + 248 = 256 characters; 247 gives 255. */
	snprintf(long_name, sizeof(long_name), "quay.io/%0248d", 0);
	snprintf(max_name, sizeof(max_name), "quay.io/%0247d", 0);
	/* 240 written, 258 once docker.io/library/ is added. */
	memset(long_lib, 'a', 240);
	long_lib[240] = '\0';
}

static const struct {
	const char *in, *frag;
} bad[] = {
	{ "", "empty reference" },
	{ "NGINX", "\"NGINX\" must be lowercase" },
	{ "docker.io/Library/nginx", "must be lowercase" },
	{ "quay.io/Org/app", "must be lowercase" },
	{ H64, "image ID" },
	{ "ngi nx", "bad character \\x20 in repository name" },
	{ "nginx!", "bad character '!'" },
	{ "nginx\n", "image \"nginx\\x0a\": bad character \\x0a" },
	{ "a\"b", "image \"a\\\"b\"" },
	{ "a//b", "empty path component" },
	{ "a/", "empty path component" },
	{ "/a", "empty path component" },
	{ "quay.io/", "no repository name" },
	{ "@" D64, "no repository name" },
	{ "a..b", "separator \"..\"" },
	{ "a___b", "separator \"___\"" },
	{ "a-", "must start and end with a letter or digit" },
	{ "_a", "must start and end with a letter or digit" },
	{ "a:b:c", "bad character ':'" },
	{ "nginx:", "empty tag" },
	{ "nginx:-x", "tag starts with '-'" },
	{ "nginx:.x", "tag starts with '.'" },
	{ "nginx:a+b", "bad character '+' in tag" },
	{ "nginx@", "empty digest" },
	{ "nginx@" H64, "not algorithm:hex" },
	{ "nginx@sha512:" H64 H64, "algorithm \"sha512\" is not supported" },
	{ "nginx@md5:abc", "algorithm \"md5\" is not supported" },
	{ "nginx@9x:abc", "bad digest algorithm \"9x\"" },
	{ "nginx@sha256:0123", "64 lowercase hexadecimal digits (got 4" },
	{ "nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	  "64 lowercase hexadecimal" },
	{ "nginx@" D64 "0", "(got 65" },
	{ "nginx@" D64 "@x", "64 lowercase hexadecimal" },
	{ "-bad.com/x", "registry \"-bad.com\": not a host name" },
	{ "bad..com/x", "not a host name" },
	{ "foo.com:/x", "empty port" },
	{ "foo.com:80a/x", "the port must be digits" },
	{ "nginx:1.2/x", "the port must be digits" },
	{ "[zz]:5000/x", "bracketed IPv6" },
	{ "[::1]x/y", "']' must end the host" },
	{ "[::1:5000/x", "not a host name" },
	{ "a_b.com/x", "not a host name" },
	{ long_tag, "tag is longer than 128 characters (129)" },
	{ long_name, "name is longer than 255 characters (256" },
	{ long_lib, "name is longer than 255 characters (258" },
};

START_TEST(test_bad)
{
	struct img_ref r;
	struct b_err err = { 0 };
	const char *in = bad[_i].in;

	make_long();
	ck_assert_msg(img_ref_parse(in, &r, &err) == -EINVAL, "\"%s\" parsed", in);
	ck_assert_int_eq(err.code, EINVAL);
	ck_assert_msg(!strncmp(err.msg, "image \"", 7), "%s", err.msg);
	ck_assert_msg(strstr(err.msg, bad[_i].frag), "\"%s\": want \"%s\" in \"%s\"", in,
		      bad[_i].frag, err.msg);
	ck_assert_msg(!strchr(err.msg, '\n'), "newline in \"%s\"", err.msg);
}
END_TEST

START_TEST(test_limits)
{
	struct img_ref r;
	struct b_err err = { 0 };
	char buf[IMG_REF_MAX + 1], q[600];

	make_long();
	ck_assert_msg(img_ref_parse(max_tag, &r, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(strlen(r.tag), IMG_TAG_MAX);
	ck_assert_msg(img_ref_parse(max_name, &r, &err) == 0, "%s", err.msg);
	/* The longest of everything fits IMG_REF_MAX. */
	snprintf(q, sizeof(q), "%s:%s@%s", max_name, max_tag + 2, D64);
	ck_assert_msg(img_ref_parse(q, &r, &err) == 0, "%s", err.msg);
	img_ref_format(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, q);
	ck_assert_uint_eq(strlen(buf), IMG_REF_MAX);
	/* A long input is quoted cut, on one line. */
	memset(q, 'A', 500);
	q[500] = '\0';
	ck_assert_int_eq(img_ref_parse(q, &r, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "AAA...\"") && strlen(err.msg) < 400, "%s", err.msg);
	/* Not all 64-hex strings are IDs. */
	ck_assert_int_eq(img_ref_parse(H64 "a", &r, &err), 0);
	ck_assert_int_eq(img_ref_parse(H64 ":v1", &r, &err), 0);
}
END_TEST

START_TEST(test_pull_policy)
{
	ck_assert_int_eq(img_default_pull_policy("busybox"), IMG_PULL_ALWAYS);
	ck_assert_int_eq(img_default_pull_policy("busybox:latest"), IMG_PULL_ALWAYS);
	ck_assert_int_eq(img_default_pull_policy("quay.io/x/busybox"), IMG_PULL_ALWAYS);
	ck_assert_int_eq(img_default_pull_policy("busybox:1.36"), IMG_PULL_IF_NOT_PRESENT);
	ck_assert_int_eq(img_default_pull_policy("busybox@" D64), IMG_PULL_IF_NOT_PRESENT);
	ck_assert_int_eq(img_default_pull_policy("busybox:latest@" D64), IMG_PULL_ALWAYS);
	ck_assert_int_eq(img_default_pull_policy("busybox:Latest"), IMG_PULL_IF_NOT_PRESENT);
	ck_assert_int_eq(img_default_pull_policy("BUSYBOX"), IMG_PULL_IF_NOT_PRESENT);
	ck_assert_str_eq(img_pull_policy_name(IMG_PULL_ALWAYS), "Always");
	ck_assert_str_eq(img_pull_policy_name(IMG_PULL_IF_NOT_PRESENT), "IfNotPresent");
	ck_assert_str_eq(img_pull_policy_name(IMG_PULL_NEVER), "Never");
	ck_assert_str_eq(img_pull_policy_name((enum img_pull_policy)7), "?");
}
END_TEST

START_TEST(test_local_path)
{
	static const char *local[] = { "/a", "/", "./a", "../a", ".", "..", "./" };
	static const char *not_local[] = { "a/b", "nginx", "", ".a", "..a", "...", "a/.",
					   "localhost/app" };

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		ck_assert_msg(img_is_local_path(local[i]), "%s", local[i]);
	for (size_t i = 0; i < sizeof(not_local) / sizeof(not_local[0]); i++)
		ck_assert_msg(!img_is_local_path(not_local[i]), "%s", not_local[i]);
	ck_assert(!img_is_local_path(NULL));
}
END_TEST

static Suite *image_ref_suite(void)
{
	Suite *s = suite_create("image_ref");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_test(tc, test_fields);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_pull_policy);
	tcase_add_test(tc, test_local_path);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(image_ref_suite)
