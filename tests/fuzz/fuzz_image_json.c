/* Image JSON documents (specs/image*.c): indexes and manifests from a
 * registry or an archive, image configs, a docker-archive's manifest.json,
 * and the store's names.json.  The first input byte picks the parser, the
 * rest is the document.
 *
 * Properties (from specs/image.h):
 *  - a failure says "<docname>: ..." on one line, with *out left NULL;
 *  - every digest that comes out is "sha256:" + 64 lowercase hex, so it
 *    can become a file name;
 *  - counts stay within their caps (1..IMG_LAYERS_MAX layers and diffIDs,
 *    at least one archive image), string lists are as long as their
 *    counts say, archive paths are relative without "..";
 *  - media types are of the kind their place needs;
 *  - img_platform_choose picks a manifest entry or nothing;
 *  - names.json reads back the same through img_names_write, and writing
 *    that again gives the same text. */
#include <errno.h>

#include "fuzz.h"

#include "images/platform.h"
#include "specs/image.h"

#define FUZZ_MAX_INPUT (64 * 1024)

enum doc { INDEX, MANIFEST, CONFIG, DOCKER, NAMES, N_DOCS };

static const char *const doc_names[N_DOCS] = { "index", "manifest", "image config",
					       "manifest.json", "names.json" };

static void check_failure(enum doc kind, int rc, const struct b_err *err)
{
	size_t n = strlen(doc_names[kind]);

	fuzz_check_result(rc, err);
	FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM);
	FUZZ_CHECK(strncmp(err->msg, doc_names[kind], n) == 0 && err->msg[n] == ':');
	FUZZ_CHECK(strchr(err->msg, '\n') == NULL);
}

static void check_descriptor(const struct img_descriptor *d)
{
	FUZZ_CHECK(d->media_type != NULL);
	FUZZ_CHECK(img_digest_valid(d->digest));
	FUZZ_CHECK(d->size >= 0);
	FUZZ_CHECK((d->platform.os == NULL) == (d->platform.architecture == NULL));
	FUZZ_CHECK(!d->platform.os || (d->platform.os[0] && d->platform.architecture[0]));
	FUZZ_CHECK(!d->platform.variant || d->platform.variant[0]);
	FUZZ_CHECK(!d->platform.variant || d->platform.os);
}

static void check_choice(const struct img_index *x, const struct img_plat *want)
{
	long i = img_platform_choose(x, want);
	const struct img_descriptor *d;

	FUZZ_CHECK(i >= -1 && (i < 0 || (size_t)i < x->n_manifests));
	if (i < 0)
		return;
	d = &x->manifests[i];
	FUZZ_CHECK(img_media_kind(d->media_type) == IMG_MEDIA_MANIFEST);
	FUZZ_CHECK(!d->platform.os || img_platform_rank(want, d->platform.os,
							d->platform.architecture,
							d->platform.variant) >= 0);
}

static void fuzz_index(const char *json, size_t len)
{
	static const char *const wants[] = { "linux/amd64", "linux/arm64", "linux/arm/v6",
					     "linux/arm64/v9.2", "linux/amd64/v3" };
	struct img_index *x = NULL;
	struct b_err err = { 0 };
	struct img_plat want;
	int rc = img_index_parse(NULL, json, len, &x, &err);

	if (rc < 0) {
		check_failure(INDEX, rc, &err);
		FUZZ_CHECK(x == NULL);
		return;
	}
	for (size_t i = 0; i < x->n_manifests; i++)
		check_descriptor(&x->manifests[i]);
	img_platform_host(&want);
	check_choice(x, &want);
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		FUZZ_CHECK(img_platform_parse(wants[i], &want, &err) == 0);
		check_choice(x, &want);
	}
	img_index_free(x);
}

static void fuzz_manifest(const char *json, size_t len)
{
	struct img_manifest *m = NULL;
	struct b_err err = { 0 };
	int rc = img_manifest_parse(NULL, json, len, &m, &err);

	if (rc < 0) {
		check_failure(MANIFEST, rc, &err);
		FUZZ_CHECK(m == NULL);
		return;
	}
	FUZZ_CHECK(!m->media_type || img_media_kind(m->media_type) == IMG_MEDIA_MANIFEST);
	check_descriptor(&m->config);
	FUZZ_CHECK(img_media_kind(m->config.media_type) == IMG_MEDIA_CONFIG);
	FUZZ_CHECK(m->n_layers >= 1 && m->n_layers <= IMG_LAYERS_MAX);
	for (size_t i = 0; i < m->n_layers; i++) {
		check_descriptor(&m->layers[i]);
		FUZZ_CHECK(img_media_kind(m->layers[i].media_type) == IMG_MEDIA_LAYER);
	}
	img_manifest_free(m);
}

/* A list of n strings followed by NULL, or NULL for none. */
static void check_strv(char **v, size_t n)
{
	FUZZ_CHECK(v != NULL || n == 0);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(v[i] != NULL);
	FUZZ_CHECK(v[n] == NULL);
}

static void fuzz_config(const char *json, size_t len)
{
	struct img_config *x = NULL;
	struct b_err err = { 0 };
	int rc = img_config_parse(NULL, json, len, &x, &err);

	if (rc < 0) {
		check_failure(CONFIG, rc, &err);
		FUZZ_CHECK(x == NULL);
		return;
	}
	FUZZ_CHECK(x->architecture && x->architecture[0] && x->os && x->os[0]);
	FUZZ_CHECK(!x->variant || x->variant[0]);
	FUZZ_CHECK(!x->user || x->user[0]);
	FUZZ_CHECK(!x->working_dir || x->working_dir[0]);
	check_strv(x->env, x->n_env);
	check_strv(x->entrypoint, x->n_entrypoint);
	check_strv(x->cmd, x->n_cmd);
	for (size_t i = 0; i < x->n_env; i++)
		FUZZ_CHECK(x->env[i][0] != '=' && strchr(x->env[i], '=') != NULL);
	FUZZ_CHECK(x->n_diff_ids >= 1 && x->n_diff_ids <= IMG_LAYERS_MAX);
	for (size_t i = 0; i < x->n_diff_ids; i++)
		FUZZ_CHECK(img_digest_valid(x->diff_ids[i]));
	img_config_free(x);
}

static bool path_ok(const char *s)
{
	if (!s || !s[0] || s[0] == '/')
		return false;
	for (const char *p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == s || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return false;
	return true;
}

static void fuzz_docker(const char *json, size_t len)
{
	struct img_docker_manifest *m = NULL;
	struct b_err err = { 0 };
	int rc = img_docker_manifest_parse(NULL, json, len, &m, &err);

	if (rc < 0) {
		check_failure(DOCKER, rc, &err);
		FUZZ_CHECK(m == NULL);
		return;
	}
	FUZZ_CHECK(m->n_images >= 1);
	for (size_t i = 0; i < m->n_images; i++) {
		const struct img_docker_entry *e = &m->images[i];

		FUZZ_CHECK(path_ok(e->config));
		check_strv(e->repo_tags, e->n_repo_tags);
		check_strv(e->layers, e->n_layers);
		FUZZ_CHECK(e->n_layers >= 1 && e->n_layers <= IMG_LAYERS_MAX);
		for (size_t k = 0; k < e->n_layers; k++)
			FUZZ_CHECK(path_ok(e->layers[k]));
	}
	img_docker_manifest_free(m);
}

/* Written, read back, written again: the same names and the same text. */
static void check_names_roundtrip(const struct img_names *x)
{
	struct img_names *back = NULL;
	struct b_err err = { 0 };
	char *text = img_names_write(x->names, x->n_names), *again;

	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(img_names_parse(NULL, text, strlen(text), &back, &err) == 0);
	FUZZ_CHECK(back->n_names == x->n_names);
	for (size_t i = 0; i < back->n_names; i++) {
		bool found = false;

		for (size_t k = 0; k < x->n_names && !found; k++)
			found = !strcmp(x->names[k].name, back->names[i].name) &&
				!strcmp(x->names[k].id, back->names[i].id);
		FUZZ_CHECK(found);
		FUZZ_CHECK(i == 0 || strcmp(back->names[i - 1].name, back->names[i].name) < 0);
	}
	again = img_names_write(back->names, back->n_names);
	FUZZ_CHECK(again != NULL && strcmp(text, again) == 0);
	free(again);
	free(text);
	img_names_free(back);
}

static void fuzz_names(const char *json, size_t len)
{
	struct img_names *x = NULL;
	struct b_err err = { 0 };
	int rc = img_names_parse(NULL, json, len, &x, &err);

	if (rc < 0) {
		check_failure(NAMES, rc, &err);
		FUZZ_CHECK(x == NULL);
		return;
	}
	for (size_t i = 0; i < x->n_names; i++) {
		FUZZ_CHECK(x->names[i].name && x->names[i].name[0]);
		FUZZ_CHECK(img_digest_valid(x->names[i].id));
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(x->names[k].name, x->names[i].name) != 0);
	}
	check_names_roundtrip(x);
	img_names_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void (*const parsers[N_DOCS])(const char *, size_t) = {
		fuzz_index, fuzz_manifest, fuzz_config, fuzz_docker, fuzz_names,
	};

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	parsers[data[0] % N_DOCS]((const char *)data + 1, size - 1);
	return 0;
}
