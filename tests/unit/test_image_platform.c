/* images/platform.c: normalisation as containerd does it, the preference
 * order of Only(), choosing from an index (host first or second, no
 * platform at all, arm64 with and without v8) and --platform errors
 * (docs/design/image-facts.md §2, §10). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "images/platform.h"
#include "testmain.h"

#define H8(c) c c c c c c c c
#define D(c) "sha256:" H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c)
#define OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"

static struct img_plat plat(const char *os, const char *arch, const char *variant)
{
	struct img_plat p;

	memset(&p, 0, sizeof(p));
	snprintf(p.os, sizeof(p.os), "%s", os);
	snprintf(p.arch, sizeof(p.arch), "%s", arch);
	snprintf(p.variant, sizeof(p.variant), "%s", variant);
	return p;
}

static void same(const struct img_plat *p, const char *os, const char *arch,
		 const char *variant, const char *what)
{
	ck_assert_msg(!strcmp(p->os, os) && !strcmp(p->arch, arch) && !strcmp(p->variant, variant),
		      "%s: got %s/%s/%s, want %s/%s/%s", what, p->os, p->arch, p->variant, os, arch,
		      variant);
}

/* ---- normalisation ---------------------------------------------------------- */

static const struct {
	const char *in[3], *out[3];
} norm[] = {
	{ { "linux", "amd64", "" }, { "linux", "amd64", "" } },
	{ { "Linux", "X86_64", "" }, { "linux", "amd64", "" } },
	{ { "linux", "x86-64", "V1" }, { "linux", "amd64", "" } },
	{ { "linux", "amd64", "v1" }, { "linux", "amd64", "" } },
	{ { "linux", "amd64", "v3" }, { "linux", "amd64", "v3" } },
	{ { "linux", "i386", "x" }, { "linux", "386", "" } },
	{ { "linux", "386", "" }, { "linux", "386", "" } },
	{ { "linux", "aarch64", "" }, { "linux", "arm64", "" } },
	{ { "linux", "AArch64", "8" }, { "linux", "arm64", "" } },
	{ { "linux", "arm64", "v8" }, { "linux", "arm64", "" } },
	{ { "linux", "arm64", "v8.0" }, { "linux", "arm64", "" } },
	{ { "linux", "arm64", "v8.2" }, { "linux", "arm64", "v8.2" } },
	{ { "linux", "arm64", "9" }, { "linux", "arm64", "v9" } },
	{ { "linux", "arm64", "v9.0" }, { "linux", "arm64", "v9" } },
	{ { "linux", "armhf", "" }, { "linux", "arm", "v7" } },
	{ { "linux", "armhf", "v5" }, { "linux", "arm", "v7" } },
	{ { "linux", "armel", "" }, { "linux", "arm", "v6" } },
	{ { "linux", "arm", "" }, { "linux", "arm", "v7" } },
	{ { "linux", "arm", "7" }, { "linux", "arm", "v7" } },
	{ { "linux", "arm", "6" }, { "linux", "arm", "v6" } },
	{ { "linux", "arm", "5" }, { "linux", "arm", "v5" } },
	{ { "linux", "arm", "8" }, { "linux", "arm", "v8" } },
	{ { "linux", "ARM", "V6" }, { "linux", "arm", "v6" } },
	{ { "linux", "s390x", "" }, { "linux", "s390x", "" } },
	{ { "linux", "ppc64le", "" }, { "linux", "ppc64le", "" } },
	{ { "windows", "amd64", "" }, { "windows", "amd64", "" } },
};

START_TEST(test_normalize)
{
	struct img_plat p = plat(norm[_i].in[0], norm[_i].in[1], norm[_i].in[2]);

	img_platform_normalize(&p);
	same(&p, norm[_i].out[0], norm[_i].out[1], norm[_i].out[2], norm[_i].in[1]);
	img_platform_normalize(&p);     /* a normal form stays one */
	same(&p, norm[_i].out[0], norm[_i].out[1], norm[_i].out[2], "again");
}
END_TEST

START_TEST(test_set)
{
	struct img_plat p;
	char longer[40];

	ck_assert(img_platform_set(&p, "linux", "aarch64", NULL));
	same(&p, "linux", "arm64", "", "set");
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert(!img_platform_set(&p, "linux", longer, NULL));
	same(&p, "", "", "", "too long");
	ck_assert(!img_platform_set(&p, "linux", "arm", "v7v7v7v7v7v7v7v7"));
	ck_assert(img_platform_set(&p, "linux", "arm", "v7v7v7v7v7v7v7v"));
	ck_assert(!img_platform_set(&p, NULL, "amd64", NULL));
	ck_assert(!img_platform_set(&p, "linux", NULL, NULL));
	ck_assert(!img_platform_set(&p, "", "amd64", NULL));
	ck_assert(!img_platform_set(&p, "linux", "", NULL));
}
END_TEST

START_TEST(test_machines)
{
	static const struct {
		const char *machine, *arch, *variant;
	} t[] = {
		{ "x86_64", "amd64", "" }, { "i686", "386", "" }, { "i386", "386", "" },
		{ "aarch64", "arm64", "" }, { "armv7l", "arm", "v7" }, { "armv6l", "arm", "v6" },
		{ "armv5tel", "arm", "v5" }, { "armv8l", "arm", "v8" }, { "s390x", "s390x", "" },
		{ "ppc64le", "ppc64le", "" }, { "riscv64", "riscv64", "" },
		{ "loongarch64", "loong64", "" }, { "", "unknown", "" },
	};
	struct img_plat p, host;
	struct utsname u;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		img_platform_from_machine(t[i].machine, &p);
		same(&p, "linux", t[i].arch, t[i].variant, t[i].machine);
	}
	img_platform_from_machine(NULL, &p);
	same(&p, "linux", "unknown", "", "NULL");
	ck_assert_int_eq(uname(&u), 0);
	img_platform_from_machine(u.machine, &p);
	img_platform_host(&host);
	same(&host, p.os, p.arch, p.variant, "host");
	ck_assert_str_eq(host.os, "linux");
	ck_assert(host.arch[0] != '\0');
}
END_TEST

/* ---- --platform -------------------------------------------------------------------- */

START_TEST(test_parse_good)
{
	static const struct {
		const char *in, *arch, *variant, *formatted;
	} t[] = {
		{ "linux/amd64", "amd64", "", "linux/amd64" },
		{ "linux/arm64/v8", "arm64", "", "linux/arm64" },
		{ "linux/arm64/v8.2", "arm64", "v8.2", "linux/arm64/v8.2" },
		{ "linux/arm/v7", "arm", "v7", "linux/arm/v7" },
		{ "linux/arm", "arm", "v7", "linux/arm/v7" },
		{ "linux/arm/v6", "arm", "v6", "linux/arm/v6" },
		{ "LINUX/X86_64", "amd64", "", "linux/amd64" },
		{ "linux/s390x", "s390x", "", "linux/s390x" },
		{ "linux/aarch64/8", "arm64", "", "linux/arm64" },
	};
	struct b_err err = { 0 };
	struct img_plat p;
	char buf[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(img_platform_parse(t[i].in, &p, &err) == 0, "%s", err.msg);
		same(&p, "linux", t[i].arch, t[i].variant, t[i].in);
		img_platform_format(&p, buf, sizeof(buf));
		ck_assert_str_eq(buf, t[i].formatted);
	}
	p = plat("linux", "arm64", "v8.2");
	img_platform_format(&p, buf, 9);
	ck_assert_str_eq(buf, "linux/ar");
}
END_TEST

static const struct {
	const char *in, *msg;
} parse_bad[] = {
	{ "", "platform \"\": expected OS/ARCH or OS/ARCH/VARIANT (linux/amd64, linux/arm64/v8)" },
	{ "linux", "platform \"linux\": expected OS/ARCH or OS/ARCH/VARIANT" },
	{ "linux/arm/v7/x", "platform \"linux/arm/v7/x\": expected OS/ARCH or OS/ARCH/VARIANT" },
	{ "linux/", "platform \"linux/\": the architecture is empty" },
	{ "/amd64", "platform \"/amd64\": the OS is empty" },
	{ "linux//v7", "platform \"linux//v7\": the architecture is empty" },
	{ "linux/arm/", "platform \"linux/arm/\": the variant is empty" },
	{ "linux/amd 64", "platform \"linux/amd 64\": the architecture may hold only letters, "
	  "digits, '_', '.' and '-'" },
	{ "li\"nux/x", "platform \"li\\\"nux/x\": the OS may hold only" },
	{ "linux/\x01", "platform \"linux/\\x01\": the architecture may hold only" },
	{ "linux/arm/v7\n", "platform \"linux/arm/v7\\x0a\": the variant may hold only" },
	{ "linux/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "platform \"linux/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": the architecture is longer than "
	  "31 characters" },
	{ "linux/arm/v7v7v7v7v7v7v7v7", "the variant is longer than 15 characters" },
	{ "oooooooooooooooooooooooooooooooo/amd64", "the OS is longer than 31 characters" },
};

START_TEST(test_parse_bad)
{
	struct b_err err = { 0 };
	struct img_plat p;

	memset(&p, 'x', sizeof(p));
	ck_assert_int_eq(img_platform_parse(parse_bad[_i].in, &p, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, parse_bad[_i].msg), "got %s, want %s", err.msg,
		      parse_bad[_i].msg);
	ck_assert(!strncmp(err.msg, "platform \"", 10));
	same(&p, "", "", "", "zeroed");
}
END_TEST

START_TEST(test_parse_quote_cut)
{
	char in[200];
	struct b_err err = { 0 };
	struct img_plat p;

	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	ck_assert_int_eq(img_platform_parse(in, &p, &err), -EINVAL);
	ck_assert(strstr(err.msg, "aaaa...\": expected OS/ARCH"));
	ck_assert_uint_lt(strlen(err.msg), 160);
}
END_TEST

/* ---- rank ------------------------------------------------------------------------------ */

static const struct {
	const char *want[3];
	const char *os, *arch, *variant;
	int rank;
} ranks[] = {
	/* arm64 (v8): v8 spelled any way, then 32-bit arm, newest first */
	{ { "linux", "arm64", "" }, "linux", "arm64", NULL, 0 },
	{ { "linux", "arm64", "" }, "linux", "arm64", "v8", 0 },
	{ { "linux", "arm64", "" }, "linux", "aarch64", "8", 0 },
	{ { "linux", "arm64", "" }, "linux", "arm64", "v8.1", -1 },
	{ { "linux", "arm64", "" }, "linux", "arm", "v8", 1 },
	{ { "linux", "arm64", "" }, "linux", "arm", "v7", 2 },
	{ { "linux", "arm64", "" }, "linux", "arm", NULL, 2 },
	{ { "linux", "arm64", "" }, "linux", "armhf", NULL, 2 },
	{ { "linux", "arm64", "" }, "linux", "arm", "v5", 4 },
	{ { "linux", "arm64", "" }, "linux", "arm", "v4", -1 },
	{ { "linux", "arm64", "" }, "linux", "amd64", NULL, -1 },
	{ { "linux", "arm64", "" }, "windows", "arm64", NULL, -1 },
	{ { "linux", "arm64", "" }, "Linux", "ARM64", "V8", 0 },
	/* arm64/v8.2: lower minors, then arm */
	{ { "linux", "arm64", "v8.2" }, "linux", "arm64", "v8.2", 0 },
	{ { "linux", "arm64", "v8.2" }, "linux", "arm64", "v8.1", 1 },
	{ { "linux", "arm64", "v8.2" }, "linux", "arm64", NULL, 2 },
	{ { "linux", "arm64", "v8.2" }, "linux", "arm", "v8", 3 },
	{ { "linux", "arm64", "v8.2" }, "linux", "arm64", "v8.3", -1 },
	{ { "linux", "arm64", "v8.2" }, "linux", "arm64", "v9", -1 },
	/* arm64/v9.1: v9, then v8.6 .. v8, then arm */
	{ { "linux", "arm64", "v9.1" }, "linux", "arm64", "v9", 1 },
	{ { "linux", "arm64", "v9.1" }, "linux", "arm64", "v9.0", 1 },
	{ { "linux", "arm64", "v9.1" }, "linux", "arm64", "v8.6", 2 },
	{ { "linux", "arm64", "v9.1" }, "linux", "arm64", "v8.1", 7 },
	{ { "linux", "arm64", "v9.1" }, "linux", "arm64", "v8", 8 },
	{ { "linux", "arm64", "v9.1" }, "linux", "arm", "v7", 10 },
	{ { "linux", "arm64", "v9.1" }, "linux", "arm64", "v8.7", -1 },
	{ { "linux", "arm64", "v9.1" }, "linux", "arm64", "v9.2", -1 },
	/* an arm64 variant berth does not know matches itself only */
	{ { "linux", "arm64", "v10" }, "linux", "arm64", "v10", 0 },
	{ { "linux", "arm64", "v10" }, "linux", "arm64", "v8", -1 },
	{ { "linux", "arm64", "v8.99" }, "linux", "arm64", "v8.98", -1 },
	/* arm/vN: vN-1 .. v5 */
	{ { "linux", "arm", "v7" }, "linux", "arm", "v7", 0 },
	{ { "linux", "arm", "v7" }, "linux", "arm", "v6", 1 },
	{ { "linux", "arm", "v7" }, "linux", "armel", NULL, 1 },
	{ { "linux", "arm", "v7" }, "linux", "arm", "v5", 2 },
	{ { "linux", "arm", "v7" }, "linux", "arm", "v8", -1 },
	{ { "linux", "arm", "v7" }, "linux", "arm64", NULL, -1 },
	{ { "linux", "arm", "v5" }, "linux", "arm", "v6", -1 },
	{ { "linux", "arm", "v8" }, "linux", "arm", "v5", 3 },
	/* amd64/vN: vN-1 .. v1; no 386 */
	{ { "linux", "amd64", "" }, "linux", "amd64", NULL, 0 },
	{ { "linux", "amd64", "" }, "linux", "amd64", "v1", 0 },
	{ { "linux", "amd64", "" }, "linux", "x86_64", NULL, 0 },
	{ { "linux", "amd64", "" }, "linux", "amd64", "v2", -1 },
	{ { "linux", "amd64", "" }, "linux", "386", NULL, -1 },
	{ { "linux", "amd64", "v3" }, "linux", "amd64", "v3", 0 },
	{ { "linux", "amd64", "v3" }, "linux", "amd64", "v2", 1 },
	{ { "linux", "amd64", "v3" }, "linux", "amd64", NULL, 2 },
	{ { "linux", "amd64", "v3" }, "linux", "amd64", "v4", -1 },
	/* others: exact only; missing parts never match */
	{ { "linux", "s390x", "" }, "linux", "s390x", NULL, 0 },
	{ { "linux", "s390x", "" }, "linux", "s390x", "x", -1 },
	{ { "linux", "s390x", "" }, NULL, "s390x", NULL, -1 },
	{ { "linux", "s390x", "" }, "linux", NULL, NULL, -1 },
	{ { "linux", "s390x", "" }, "linux", "", NULL, -1 },
};

START_TEST(test_rank)
{
	struct img_plat want = plat(ranks[_i].want[0], ranks[_i].want[1], ranks[_i].want[2]);
	int r = img_platform_rank(&want, ranks[_i].os, ranks[_i].arch, ranks[_i].variant);

	ck_assert_msg(r == ranks[_i].rank, "want %s/%s/%s, candidate %s/%s/%s: rank %d, not %d",
		      want.os, want.arch, want.variant, ranks[_i].os ? ranks[_i].os : "NULL",
		      ranks[_i].arch ? ranks[_i].arch : "NULL",
		      ranks[_i].variant ? ranks[_i].variant : "NULL", r, ranks[_i].rank);
}
END_TEST

/* A want that is not normalised yet ranks as its normal form. */
START_TEST(test_rank_normalises_want)
{
	struct img_plat want = plat("Linux", "aarch64", "v8");

	ck_assert_int_eq(img_platform_rank(&want, "linux", "arm64", NULL), 0);
	ck_assert_int_eq(img_platform_rank(&want, "linux", "arm", "v7"), 2);
}
END_TEST

/* ---- choose ------------------------------------------------------------------------------ */

/* An index from entries given as 'platform' JSON fragments ("" = none). */
static struct img_index *index_with(const char *const *platforms, size_t n, const char *mt_last)
{
	char json[4096], *p = json;
	struct img_index *x = NULL;
	struct b_err err = { 0 };

	p += sprintf(p, "{\"schemaVersion\": 2, \"manifests\": [");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s{\"mediaType\": \"%s\", \"digest\": \"" D("a") "\", \"size\": 1%s%s}",
			     i ? ", " : "", i + 1 == n && mt_last ? mt_last : OCI_MANIFEST,
			     platforms[i][0] ? ", \"platform\": " : "", platforms[i]);
	strcpy(p, "]}");
	ck_assert_msg(img_index_parse("index", json, strlen(json), &x, &err) == 0, "%s", err.msg);
	return x;
}

#define P(arch) "{\"os\": \"linux\", \"architecture\": \"" arch "\"}"
#define PV(arch, v) "{\"os\": \"linux\", \"architecture\": \"" arch "\", \"variant\": \"" v "\"}"
#define N(a) (sizeof(a) / sizeof((a)[0]))

static long choose(const char *const *platforms, size_t n, const char *mt_last,
		   const struct img_plat *want)
{
	struct img_index *x = index_with(platforms, n, mt_last);
	long i = img_platform_choose(x, want);

	img_index_free(x);
	return i;
}

START_TEST(test_choose_host_first_or_second)
{
	static const char *const amd_first[] = { P("amd64"), P("s390x") };
	static const char *const amd_second[] = { P("s390x"), P("amd64"), P("amd64") };
	static const char *const arm_mix[] = { PV("arm", "v7"), PV("arm64", "v8"), P("arm64") };
	struct img_plat amd = plat("linux", "amd64", ""), arm64 = plat("linux", "arm64", "");
	struct img_plat s390x = plat("linux", "s390x", ""), armv6 = plat("linux", "arm", "v6");

	ck_assert_int_eq(choose(amd_first, N(amd_first), NULL, &amd), 0);
	ck_assert_int_eq(choose(amd_second, N(amd_second), NULL, &amd), 1);
	ck_assert_int_eq(choose(amd_first, N(amd_first), NULL, &s390x), 1);
	ck_assert_int_eq(choose(amd_second, N(amd_second), NULL, &s390x), 0);
	/* arm64 prefers its own over 32-bit arm listed first */
	ck_assert_int_eq(choose(arm_mix, N(arm_mix), NULL, &arm64), 1);
	ck_assert_int_eq(choose(arm_mix + 1, 2, NULL, &arm64), 0);
	ck_assert_int_eq(choose(arm_mix + 2, 1, NULL, &arm64), 0);
	ck_assert_int_eq(choose(arm_mix, 1, NULL, &arm64), 0);
	ck_assert_int_eq(choose(arm_mix, N(arm_mix), NULL, &armv6), -1);
	ck_assert_int_eq(choose(amd_first, N(amd_first), NULL, &arm64), -1);
}
END_TEST

/* The host's own platform, listed after another, as image-facts §10's
 * multi-arch test image has it. */
START_TEST(test_choose_real_host)
{
	struct img_plat host;
	char entry[256];
	const char *platforms[2] = { PV("s390x", "zz"), entry };

	img_platform_host(&host);
	snprintf(entry, sizeof(entry), "{\"os\": \"%s\", \"architecture\": \"%s\", "
		 "\"variant\": \"%s\"}", host.os, host.arch, host.variant);
	ck_assert_int_eq(choose(platforms, 2, NULL, &host), 1);
	ck_assert_int_eq(choose(platforms + 1, 1, NULL, &host), 0);
}
END_TEST

/* Entries that are not manifests are skipped, whatever their platform;
 * with no match, the first entry without a platform. */
START_TEST(test_choose_skips_and_falls_back)
{
	static const char *const nested[] = { P("amd64"), P("amd64") };
	static const char *const bare[] = { P("s390x"), "", "" };
	static const char *const bare_first[] = { "", P("amd64") };
	static const char *const attest[] = { P("amd64"),
		"{\"os\": \"unknown\", \"architecture\": \"unknown\"}" };
	struct img_plat amd = plat("linux", "amd64", "");
	struct img_index empty = { 0 };

	ck_assert_int_eq(choose(nested, 1, OCI_INDEX, &amd), -1);
	ck_assert_int_eq(choose(nested, 2, "application/vnd.in-toto+json", &amd), 0);
	ck_assert_int_eq(choose(bare, N(bare), NULL, &amd), 1);
	ck_assert_int_eq(choose(bare_first, N(bare_first), NULL, &amd), 1);
	ck_assert_int_eq(choose(bare_first, 1, OCI_INDEX, &amd), -1);
	ck_assert_int_eq(choose(attest, N(attest), NULL, &amd), 0);
	ck_assert_int_eq(img_platform_choose(&empty, &amd), -1);
}
END_TEST

static Suite *image_platform_suite(void)
{
	Suite *s = suite_create("image_platform");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_normalize, 0, N(norm));
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_machines);
	tcase_add_test(tc, test_parse_good);
	tcase_add_loop_test(tc, test_parse_bad, 0, N(parse_bad));
	tcase_add_test(tc, test_parse_quote_cut);
	tcase_add_loop_test(tc, test_rank, 0, N(ranks));
	tcase_add_test(tc, test_rank_normalises_want);
	tcase_add_test(tc, test_choose_host_first_or_second);
	tcase_add_test(tc, test_choose_real_host);
	tcase_add_test(tc, test_choose_skips_and_falls_back);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(image_platform_suite)
