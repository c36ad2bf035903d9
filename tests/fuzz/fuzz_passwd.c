/* An image's User against its /etc/passwd and /etc/group (images/passwd.c):
 * all three come from the image author, and the supervisor (root) turns
 * the result into the container's uid, gid and groups.
 *
 * Input: the User up to the first '\n', then the passwd text up to the
 * first '\f', then the group text.
 *
 * Properties (from images/passwd.h):
 *  - a refusal is -EINVAL, -ENOENT or -E2BIG with "user \"...\": ..." on
 *    one line;
 *  - no id is 4294967295; the groups are at most IMG_USER_GROUPS_MAX,
 *    distinct, and never the primary gid;
 *  - "uid:gid" in decimal gives exactly those two numbers;
 *  - img_user_for_uid() of the resolved uid finds the same uid, and the
 *    same answer twice. */
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"

#include "images/passwd.h"

#define FUZZ_MAX_INPUT (64 * 1024)

static void check_user(const struct img_user *u)
{
	FUZZ_CHECK(u->uid != UINT32_MAX && u->gid != UINT32_MAX);
	FUZZ_CHECK(u->n_groups <= IMG_USER_GROUPS_MAX);
	for (size_t i = 0; i < u->n_groups; i++) {
		FUZZ_CHECK(u->groups[i] != u->gid && u->groups[i] != UINT32_MAX);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(u->groups[i] != u->groups[j]);
	}
}

static void check_refusal(int r, const struct b_err *err)
{
	fuzz_check_result(r, err);
	FUZZ_CHECK(r == -EINVAL || r == -ENOENT || r == -E2BIG);
	FUZZ_CHECK(strncmp(err->msg, "user \"", 6) == 0);
	FUZZ_CHECK(strchr(err->msg, '\n') == NULL);
}

/* "digits:digits" with both parts at most 9 digits (so in range). */
static bool small_numeric(const char *s, unsigned long *uid, unsigned long *gid)
{
	size_t a = strspn(s, "0123456789"), b;

	if (a == 0 || a > 9 || s[a] != ':')
		return false;
	b = strspn(s + a + 1, "0123456789");
	if (b == 0 || b > 9 || s[a + 1 + b])
		return false;
	*uid = strtoul(s, NULL, 10);
	*gid = strtoul(s + a + 1, NULL, 10);
	return true;
}

static void check_for_uid(const struct img_user *u, const char *pw, size_t pl,
			  const char *gr, size_t gl)
{
	struct img_user a, b;
	struct b_err err = { 0 };
	int r = img_user_for_uid(u->uid, pw, pl, gr, gl, &a, &err);

	if (r < 0) {
		check_refusal(r, &err);
		FUZZ_CHECK(r == -E2BIG);
		return;
	}
	check_user(&a);
	FUZZ_CHECK(a.uid == u->uid);
	FUZZ_CHECK(img_user_for_uid(u->uid, pw, pl, gr, gl, &b, &err) == 0);
	FUZZ_CHECK(!memcmp(&a, &b, sizeof(a)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nl, *ff;
	struct img_user u;
	struct b_err err = { 0 };
	unsigned long uid, gid;
	size_t sl, pl;
	char *spec;
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	nl = memchr(text, '\n', size);
	sl = nl ? (size_t)(nl - text) : size;
	spec = fuzz_cstr(data, sl);
	text += sl + (nl != NULL);
	size -= sl + (nl != NULL);
	ff = memchr(text, '\f', size);
	pl = ff ? (size_t)(ff - text) : size;

	r = img_user_resolve(spec, text, pl, ff ? ff + 1 : NULL, ff ? size - pl - 1 : 0, &u, &err);
	if (r < 0) {
		check_refusal(r, &err);
	} else {
		check_user(&u);
		if (small_numeric(spec, &uid, &gid))
			FUZZ_CHECK(u.uid == uid && u.gid == gid);
		check_for_uid(&u, text, pl, ff ? ff + 1 : NULL, ff ? size - pl - 1 : 0);
	}
	free(spec);
	return 0;
}
