/* Image references (images/ref.c): a pod's `image`, a `berth image pull`
 * argument, names read back from an archive.  The grammar is small but
 * every byte is assigned to a part (domain, path, tag, digest) by hand.
 *
 * Properties (from images/ref.h):
 *  - a failure says "image \"...\": ..." on one line;
 *  - a success formats to at most IMG_REF_MAX bytes (255 + 1 + 128 + 1 +
 *    71), and that text parses again to the same struct: normalisation is
 *    idempotent;
 *  - every field is terminated, the domain and path are non-empty, a tag
 *    or a digest is present, a digest is exactly "sha256:" + 64 hex;
 *  - the pull policy default is Always exactly when the tag is "latest". */
#include <errno.h>

#include "fuzz.h"

#include "images/ref.h"

#define FUZZ_MAX_INPUT 1024

static void check_fields(const struct img_ref *r)
{
	FUZZ_CHECK(memchr(r->domain, '\0', sizeof(r->domain)) != NULL);
	FUZZ_CHECK(memchr(r->path, '\0', sizeof(r->path)) != NULL);
	FUZZ_CHECK(memchr(r->tag, '\0', sizeof(r->tag)) != NULL);
	FUZZ_CHECK(memchr(r->digest, '\0', sizeof(r->digest)) != NULL);
	FUZZ_CHECK(r->domain[0] != '\0' && r->path[0] != '\0');
	FUZZ_CHECK(r->tag[0] != '\0' || r->digest[0] != '\0');
	FUZZ_CHECK(r->digest[0] == '\0' || strlen(r->digest) == IMG_DIGEST_LEN);
	FUZZ_CHECK(strlen(r->domain) + 1 + strlen(r->path) <= IMG_NAME_MAX);
	FUZZ_CHECK(strcmp(r->domain, "index.docker.io") != 0);
}

static bool same(const struct img_ref *a, const struct img_ref *b)
{
	return !strcmp(a->domain, b->domain) && !strcmp(a->path, b->path) &&
	       !strcmp(a->tag, b->tag) && !strcmp(a->digest, b->digest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_ref r, again;
	struct b_err err = { 0 };
	char buf[IMG_REF_MAX + 64];
	char *s;
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	s = fuzz_cstr(data, size);
	rc = img_ref_parse(s, &r, &err);
	fuzz_check_result(rc, &err);
	if (rc < 0) {
		FUZZ_CHECK(rc == -EINVAL);
		FUZZ_CHECK(strncmp(err.msg, "image \"", 7) == 0);
		FUZZ_CHECK(strchr(err.msg, '\n') == NULL);
		FUZZ_CHECK(img_default_pull_policy(s) == IMG_PULL_IF_NOT_PRESENT);
		free(s);
		return 0;
	}
	check_fields(&r);
	img_ref_format(&r, buf, sizeof(buf));
	FUZZ_CHECK(strlen(buf) <= IMG_REF_MAX);
	FUZZ_CHECK(IMG_REF_MAX == 255 + 1 + 128 + 1 + 71);
	rc = img_ref_parse(buf, &again, &err);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(same(&r, &again));
	FUZZ_CHECK((img_default_pull_policy(s) == IMG_PULL_ALWAYS) == !strcmp(r.tag, "latest"));
	FUZZ_CHECK(img_default_pull_policy(buf) == img_default_pull_policy(s));
	img_ref_name(&r, buf, sizeof(buf));
	FUZZ_CHECK(strlen(buf) <= IMG_NAME_MAX);
	FUZZ_CHECK(!img_is_local_path(buf));
	free(s);
	return 0;
}
