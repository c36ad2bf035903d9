/* OCI image indexes and manifests, Docker manifest lists and schema2
 * manifests (docs/design/image-facts.md §2): digests, media types,
 * descriptors, and the helpers the other image documents share. */
#include "image_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST_PREFIX "sha256:"
#define DIGEST_HEX 64
#define ANN_REF_NAME "org.opencontainers.image.ref.name"
#define ANN_CONTAINERD_NAME "io.containerd.image.name"

/* ---- digests ---------------------------------------------------------- */

static bool lower_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

bool img_digest_valid(const char *s)
{
	size_t n = sizeof(DIGEST_PREFIX) - 1;

	if (!s || strncmp(s, DIGEST_PREFIX, n))
		return false;
	/* The NUL is not hex, so a short string stops the loop in bounds. */
	for (size_t i = 0; i < DIGEST_HEX; i++)
		if (!lower_hex(s[n + i]))
			return false;
	return s[n + DIGEST_HEX] == '\0';
}

/* The algorithm is named when it is not sha256: "sha512" says more than
 * "not a digest" to someone holding a sha512-only image. */
int img_v_digest(struct oj *c, const char *s)
{
	const char *colon = strchr(s, ':');
	size_t alg = colon ? (size_t)(colon - s) : 0;

	if (img_digest_valid(s))
		return 0;
	if (!colon || alg == 0)
		return oj_fail(c, "\"%s\" is not a digest (expected sha256:<64 lowercase hex digits>)",
			       oj_quote(c, s));
	if (alg != sizeof(DIGEST_PREFIX) - 2 || strncmp(s, DIGEST_PREFIX, alg))
		return oj_fail(c, "digest algorithm \"%s\" is not supported (berth reads sha256 only)",
			       oj_quote(c, b_arena_strndup(c->arena, s, alg)));
	return oj_fail(c, "\"%s\" is not a sha256 digest (expected 64 lowercase hex digits "
		       "after \"sha256:\")", oj_quote(c, s));
}

int img_digest_member(struct oj *c, yajl_val obj, const char *key, bool required,
		      char out[IMG_DIGEST_SIZE])
{
	char *s = NULL;
	size_t mark;
	int r = oj_str(c, obj, key, required, &s);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	if ((r = img_v_digest(c, s)) < 0)
		return r;
	oj_pop(c, mark);
	memcpy(out, s, IMG_DIGEST_SIZE);   /* valid: exactly 71 bytes and the NUL */
	return 1;
}

/* ---- media types -------------------------------------------------------- */

static const struct oj_name media_types[] = {
	{ "application/vnd.oci.image.index.v1+json", IMG_MEDIA_INDEX },
	{ "application/vnd.docker.distribution.manifest.list.v2+json", IMG_MEDIA_INDEX },
	{ "application/vnd.oci.image.manifest.v1+json", IMG_MEDIA_MANIFEST },
	{ "application/vnd.docker.distribution.manifest.v2+json", IMG_MEDIA_MANIFEST },
	{ "application/vnd.oci.image.config.v1+json", IMG_MEDIA_CONFIG },
	{ "application/vnd.docker.container.image.v1+json", IMG_MEDIA_CONFIG },
	{ "application/vnd.oci.image.layer.v1.tar", IMG_MEDIA_LAYER },
	{ "application/vnd.oci.image.layer.v1.tar+gzip", IMG_MEDIA_LAYER },
	{ "application/vnd.oci.image.layer.v1.tar+zstd", IMG_MEDIA_LAYER },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar", IMG_MEDIA_LAYER },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", IMG_MEDIA_LAYER },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", IMG_MEDIA_LAYER },
	{ "application/vnd.docker.image.rootfs.diff.tar.gzip", IMG_MEDIA_LAYER },
	{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", IMG_MEDIA_LAYER },
	/* Not in Docker's own spec, but containerd writes and reads them. */
	{ "application/vnd.docker.image.rootfs.diff.tar", IMG_MEDIA_LAYER },
	{ "application/vnd.docker.image.rootfs.diff.tar.zstd", IMG_MEDIA_LAYER },
	{ "application/vnd.docker.image.rootfs.foreign.diff.tar", IMG_MEDIA_LAYER },
	{ "application/vnd.docker.distribution.manifest.v1+json", IMG_MEDIA_SCHEMA1 },
	{ "application/vnd.docker.distribution.manifest.v1+prettyjws", IMG_MEDIA_SCHEMA1 },
};

enum img_media img_media_kind(const char *media_type)
{
	if (!media_type)
		return IMG_MEDIA_UNKNOWN;
	for (size_t i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++)
		if (!strcmp(media_types[i].name, media_type))
			return (enum img_media)media_types[i].value;
	return IMG_MEDIA_UNKNOWN;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* By the name's ending alone, so that a layer type berth does not list
 * still says how it claims to be compressed (the bytes decide anyway). */
enum img_compression img_media_compression(const char *media_type)
{
	if (!media_type)
		return IMG_COMP_UNKNOWN;
	if (ends_with(media_type, ".tar"))
		return IMG_COMP_NONE;
	if (ends_with(media_type, "+gzip") || ends_with(media_type, ".gzip"))
		return IMG_COMP_GZIP;
	if (ends_with(media_type, "+zstd") || ends_with(media_type, ".zstd"))
		return IMG_COMP_ZSTD;
	return IMG_COMP_UNKNOWN;
}

/* A document of one kind where another was expected, said by name: the
 * user learns what they handed over, not only that it is wrong. */
static int wrong_media(struct oj *c, const char *mt, const char *want)
{
	const char *q = oj_quote(c, mt);

	switch (img_media_kind(mt)) {
	case IMG_MEDIA_SCHEMA1:
		return oj_fail(c, "\"%s\" is a Docker schema 1 manifest, which berth does not "
			       "read (expected %s)", q, want);
	case IMG_MEDIA_INDEX:
		return oj_fail(c, "\"%s\" is an index, not %s", q, want);
	case IMG_MEDIA_MANIFEST:
		return oj_fail(c, "\"%s\" is a manifest, not %s", q, want);
	case IMG_MEDIA_CONFIG:
		return oj_fail(c, "\"%s\" is an image config, not %s", q, want);
	case IMG_MEDIA_LAYER:
		return oj_fail(c, "\"%s\" is a layer, not %s", q, want);
	case IMG_MEDIA_UNKNOWN:
	default:
		return oj_fail(c, "unknown media type \"%s\" (expected %s)", q, want);
	}
}

/* ---- shared frame --------------------------------------------------------- */

int img_doc_run(const char *docname, const char *json, size_t len,
		struct b_arena *arena, img_doc_fn fn, void *res, struct b_err *err)
{
	yajl_val doc = NULL;
	struct oj c;
	int r;

	oj_init(&c, docname, arena, err);
	/* Before yajl sees it: a hostile registry must not make berth build
	 * a tree of a gigabyte. */
	if (len > IMG_JSON_MAX)
		return oj_fail(&c, "larger than %u MiB", IMG_JSON_MAX >> 20);
	r = oj_parse_text(&c, json, len, &doc);
	if (r == 0)
		r = fn(&c, doc, res);
	yajl_tree_free(doc);
	return r;
}

int img_layer_count(struct oj *c, yajl_val obj, const char *key)
{
	yajl_val v = oj_member(obj, key);
	size_t mark, n;
	int r = 0;

	if (!v || !YAJL_IS_ARRAY(v))
		return 0;       /* the array getter says what is wrong */
	n = v->u.array.len;
	mark = oj_push_key(c, key);
	if (n == 0)
		r = oj_fail(c, "no layers (an image needs at least one)");
	else if (n > IMG_LAYERS_MAX)
		r = oj_fail(c, "%zu layers, more than %d (what overlayfs can stack)", n,
			    IMG_LAYERS_MAX);
	if (r == 0)
		oj_pop(c, mark);
	return r;
}

int img_strv(struct oj *c, yajl_val obj, const char *key, char ***out, size_t *n)
{
	yajl_val v = oj_member(obj, key);
	size_t mark;
	int r;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	mark = oj_push_key(c, key);
	if ((r = oj_v_strv(c, v, out)) < 0)
		return r;
	oj_pop(c, mark);
	*n = v->u.array.len;
	return 1;
}

int img_opt_str(struct oj *c, yajl_val obj, const char *key, char **out)
{
	int r = oj_str(c, obj, key, false, out);

	if (r > 0 && (*out)[0] == '\0') {
		*out = NULL;
		return 0;
	}
	return r;
}

int img_required_str(struct oj *c, yajl_val obj, const char *key, char **out)
{
	size_t mark;
	int r = oj_str(c, obj, key, true, out);

	if (r < 0 || (*out)[0] != '\0')
		return r;
	mark = oj_push_key(c, key);
	r = oj_fail(c, "must not be empty");
	oj_pop(c, mark);
	return r;
}

int img_top_object(struct oj *c, yajl_val doc)
{
	if (YAJL_IS_OBJECT(doc))
		return 0;
	return oj_fail(c, "expected a JSON object, got %s", oj_type_name(doc));
}

/* ---- descriptors ------------------------------------------------------------ */

static int parse_platform(struct oj *c, yajl_val desc, struct img_platform *p)
{
	yajl_val v = NULL;
	size_t mark;
	int r = oj_obj(c, desc, "platform", false, &v);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "platform");
	if ((r = img_required_str(c, v, "architecture", &p->architecture)) < 0 ||
	    (r = img_required_str(c, v, "os", &p->os)) < 0 ||
	    (r = img_opt_str(c, v, "variant", &p->variant)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

/* All values are checked to be strings (the spec's map of strings); only
 * the two naming annotations are kept. */
static int parse_annotations(struct oj *c, yajl_val desc, struct img_descriptor *d)
{
	struct oci_kv_list kv = { 0 };
	int r = oj_kv(c, desc, "annotations", &kv);

	if (r <= 0)
		return r;
	for (size_t i = 0; i < kv.n; i++) {
		if (!strcmp(kv.items[i].key, ANN_REF_NAME))
			d->ref_name = kv.items[i].value;
		else if (!strcmp(kv.items[i].key, ANN_CONTAINERD_NAME))
			d->containerd_name = kv.items[i].value;
	}
	return 0;
}

/* ud: a bool, whether a "platform" is read (index entries only). */
static int parse_descriptor(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct img_descriptor *d = item;
	const bool *with_platform = ud;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_str(c, v, "mediaType", true, &d->media_type)) < 0 ||
	    (r = img_digest_member(c, v, "digest", true, d->digest)) < 0 ||
	    (r = oj_i64(c, v, "size", true, 0, INT64_MAX, &d->size)) < 0 ||
	    (r = parse_annotations(c, v, d)) < 0)
		return r;
	return *with_platform ? parse_platform(c, v, &d->platform) : 0;
}

/* ---- document heads ------------------------------------------------------------ */

/* "mediaType" at the top: optional (OCI 1.0 documents and index.json
 * files often lack it), but when present it must name this kind. */
static int top_media(struct oj *c, yajl_val doc, enum img_media want, char **out)
{
	size_t mark;
	int r = oj_str(c, doc, "mediaType", false, out);

	if (r <= 0 || img_media_kind(*out) == want)
		return r < 0 ? r : 0;
	mark = oj_push_key(c, "mediaType");
	r = wrong_media(c, *out, want == IMG_MEDIA_INDEX ? "an image index" : "an image manifest");
	oj_pop(c, mark);
	return r;
}

static int schema_version(struct oj *c, yajl_val doc)
{
	int64_t v;
	size_t mark;
	int r = oj_i64(c, doc, "schemaVersion", true, INT64_MIN, INT64_MAX, &v);

	if (r < 0 || v == 2)
		return r < 0 ? r : 0;
	mark = oj_push_key(c, "schemaVersion");
	if (v == 1)
		r = oj_fail(c, "1 is a Docker schema 1 manifest, which berth does not read "
			    "(expected 2)");
	else
		r = oj_fail(c, "%lld is not supported (expected 2)", (long long)v);
	oj_pop(c, mark);
	return r;
}

/* ---- index ---------------------------------------------------------------------- */

void img_index_free(struct img_index *x)
{
	if (!x)
		return;
	b_arena_release(&x->arena);
	free(x);
}

static int parse_index(struct oj *c, yajl_val doc, void *res)
{
	struct img_index *x = res;
	bool with_platform = true;
	void *items = NULL;
	char *mt = NULL;
	int r;

	if ((r = img_top_object(c, doc)) < 0 ||
	    (r = top_media(c, doc, IMG_MEDIA_INDEX, &mt)) < 0 ||
	    (r = schema_version(c, doc)) < 0)
		return r;
	r = oj_array(c, doc, "manifests", true, sizeof(struct img_descriptor), &items,
		     &x->n_manifests, parse_descriptor, &with_platform);
	x->manifests = items;
	return r < 0 ? r : 0;
}

int img_index_parse(const char *docname, const char *json, size_t len,
		    struct img_index **out, struct b_err *err)
{
	struct img_index *x = calloc(1, sizeof(*x));
	const char *name = docname ? docname : "index";
	int r;

	if (!x)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	r = img_doc_run(name, json, len, &x->arena, parse_index, x, err);
	if (r < 0) {
		img_index_free(x);
		return r;
	}
	*out = x;
	return 0;
}

/* ---- manifest ------------------------------------------------------------------- */

void img_manifest_free(struct img_manifest *x)
{
	if (!x)
		return;
	b_arena_release(&x->arena);
	free(x);
}

/* OCI 1.1 artifacts (signatures, SBOMs, Helm charts) travel as manifests;
 * running one would fail much later, on a root filesystem of JSON. */
static int no_artifact_type(struct oj *c, yajl_val doc)
{
	char *type = NULL;
	size_t mark;
	int r = oj_str(c, doc, "artifactType", false, &type);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "artifactType");
	r = oj_fail(c, "\"%s\": not a runnable image (an artifact)", oj_quote(c, type));
	oj_pop(c, mark);
	return r;
}

static int parse_config_desc(struct oj *c, yajl_val doc, struct img_descriptor *d)
{
	bool with_platform = false;
	size_t mark = oj_push_key(c, "config");
	yajl_val v = oj_member(doc, "config");
	int r;

	if (!v)
		return oj_fail(c, "required field is missing");
	if ((r = parse_descriptor(c, v, d, &with_platform)) < 0)
		return r;
	if (img_media_kind(d->media_type) != IMG_MEDIA_CONFIG) {
		oj_push_key(c, "mediaType");
		return oj_fail(c, "\"%s\": not a runnable image (its config is not an image "
			       "config: an artifact)", oj_quote(c, d->media_type));
	}
	oj_pop(c, mark);
	return 0;
}

static int parse_layer(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct img_descriptor *d = item;
	size_t mark;
	int r;

	(void)ud;
	if ((r = parse_descriptor(c, v, item, &(bool){ false })) < 0)
		return r;
	if (img_media_kind(d->media_type) == IMG_MEDIA_LAYER)
		return 0;
	mark = oj_push_key(c, "mediaType");
	r = oj_fail(c, "\"%s\" is not a layer media type", oj_quote(c, d->media_type));
	oj_pop(c, mark);
	return r;
}

/* An index without "mediaType" (OCI 1.0 allowed that) is still an
 * index: said so, rather than "config: required field is missing". */
static int not_an_index(struct oj *c, yajl_val doc, const char *media_type)
{
	if (media_type || !oj_member(doc, "manifests") || oj_member(doc, "config"))
		return 0;
	return oj_fail(c, "this is an index (it has \"manifests\"), not an image manifest");
}

static int parse_manifest(struct oj *c, yajl_val doc, void *res)
{
	struct img_manifest *m = res;
	void *items = NULL;
	int r;

	if ((r = img_top_object(c, doc)) < 0 ||
	    (r = top_media(c, doc, IMG_MEDIA_MANIFEST, &m->media_type)) < 0 ||
	    (r = not_an_index(c, doc, m->media_type)) < 0 ||
	    (r = schema_version(c, doc)) < 0 ||
	    (r = no_artifact_type(c, doc)) < 0 ||
	    (r = parse_config_desc(c, doc, &m->config)) < 0 ||
	    (r = img_layer_count(c, doc, "layers")) < 0)
		return r;
	r = oj_array(c, doc, "layers", true, sizeof(struct img_descriptor), &items,
		     &m->n_layers, parse_layer, NULL);
	m->layers = items;
	return r < 0 ? r : 0;
}

int img_manifest_parse(const char *docname, const char *json, size_t len,
		       struct img_manifest **out, struct b_err *err)
{
	struct img_manifest *m = calloc(1, sizeof(*m));
	const char *name = docname ? docname : "manifest";
	int r;

	if (!m)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	r = img_doc_run(name, json, len, &m->arena, parse_manifest, m, err);
	if (r < 0) {
		img_manifest_free(m);
		return r;
	}
	*out = m;
	return 0;
}
