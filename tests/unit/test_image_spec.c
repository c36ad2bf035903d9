/* specs/image*.c: OCI and Docker image indexes, manifests and configs, a
 * docker-archive's manifest.json and the store's names.json
 * (docs/design/image-facts.md §2, §3): what real documents look like,
 * every refusal with its full message, digest edge cases and the cap. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/image.h"
#include "testjson.h"
#include "testmain.h"

#define H8(c) c c c c c c c c
#define H64(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c)
#define DA "sha256:" H64("a")
#define DB "sha256:" H64("b")
#define DC "sha256:" H64("c")
#define DD "sha256:" H64("0")

#define OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* ---- digests and media types ------------------------------------------------ */

START_TEST(test_digest_valid)
{
	static const char *bad[] = {
		NULL, "", "sha256:", "sha256", DA "a", "SHA256:" H64("a"),
		"sha256:" H64("A"), "sha256:" H8("a") H8("a") H8("a") H8("a") H8("a") H8("a")
		H8("a") "aaaaaaa", "sha256:../../x", "sha512:" H64("a") H64("a"),
		" " DA, DA " ", DA "\n", "sha256:" H64("g"), "sha256::" H64("a"),
	};

	ck_assert(img_digest_valid(DA));
	ck_assert(img_digest_valid("sha256:0123456789abcdef0123456789abcdef"
				   "0123456789abcdef0123456789abcdef"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!img_digest_valid(bad[i]), "%zu: %s", i, bad[i] ? bad[i] : "NULL");
	ck_assert_uint_eq(strlen(DA) + 1, IMG_DIGEST_SIZE);
}
END_TEST

START_TEST(test_media_kinds)
{
	static const struct {
		const char *type;
		enum img_media kind;
		enum img_compression comp;
	} t[] = {
		{ OCI_INDEX, IMG_MEDIA_INDEX, IMG_COMP_UNKNOWN },
		{ DOCKER_LIST, IMG_MEDIA_INDEX, IMG_COMP_UNKNOWN },
		{ OCI_MANIFEST, IMG_MEDIA_MANIFEST, IMG_COMP_UNKNOWN },
		{ DOCKER_MANIFEST, IMG_MEDIA_MANIFEST, IMG_COMP_UNKNOWN },
		{ OCI_CONFIG, IMG_MEDIA_CONFIG, IMG_COMP_UNKNOWN },
		{ DOCKER_CONFIG, IMG_MEDIA_CONFIG, IMG_COMP_UNKNOWN },
		{ OCI_LAYER, IMG_MEDIA_LAYER, IMG_COMP_NONE },
		{ OCI_LAYER "+gzip", IMG_MEDIA_LAYER, IMG_COMP_GZIP },
		{ OCI_LAYER "+zstd", IMG_MEDIA_LAYER, IMG_COMP_ZSTD },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar", IMG_MEDIA_LAYER,
		  IMG_COMP_NONE },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", IMG_MEDIA_LAYER,
		  IMG_COMP_GZIP },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", IMG_MEDIA_LAYER,
		  IMG_COMP_ZSTD },
		{ DOCKER_LAYER, IMG_MEDIA_LAYER, IMG_COMP_GZIP },
		{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", IMG_MEDIA_LAYER,
		  IMG_COMP_GZIP },
		{ "application/vnd.docker.image.rootfs.diff.tar", IMG_MEDIA_LAYER, IMG_COMP_NONE },
		{ "application/vnd.docker.image.rootfs.diff.tar.zstd", IMG_MEDIA_LAYER,
		  IMG_COMP_ZSTD },
		{ "application/vnd.docker.distribution.manifest.v1+json", IMG_MEDIA_SCHEMA1,
		  IMG_COMP_UNKNOWN },
		{ "application/vnd.docker.distribution.manifest.v1+prettyjws", IMG_MEDIA_SCHEMA1,
		  IMG_COMP_UNKNOWN },
		{ "application/vnd.oci.empty.v1+json", IMG_MEDIA_UNKNOWN, IMG_COMP_UNKNOWN },
		{ "application/vnd.in-toto+json", IMG_MEDIA_UNKNOWN, IMG_COMP_UNKNOWN },
		{ OCI_LAYER "+bzip2", IMG_MEDIA_UNKNOWN, IMG_COMP_UNKNOWN },
		{ "APPLICATION/VND.OCI.IMAGE.INDEX.V1+JSON", IMG_MEDIA_UNKNOWN, IMG_COMP_UNKNOWN },
		{ "", IMG_MEDIA_UNKNOWN, IMG_COMP_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(img_media_kind(t[i].type) == t[i].kind, "%s", t[i].type);
		ck_assert_msg(img_media_compression(t[i].type) == t[i].comp, "%s", t[i].type);
	}
	ck_assert_int_eq(img_media_kind(NULL), IMG_MEDIA_UNKNOWN);
	ck_assert_int_eq(img_media_compression(NULL), IMG_COMP_UNKNOWN);
}
END_TEST

/* ---- indexes ----------------------------------------------------------------- */

static struct img_index *index_of(const char *json)
{
	_cleanup_free_ char *text = sq(json);
	struct img_index *x = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(img_index_parse("index", text, strlen(text), &x, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(x);
	return x;
}

/* An OCI index as buildkit pushes it: two images and an attestation. */
static const char oci_index[] =
	"{'schemaVersion': 2, 'mediaType': '" OCI_INDEX "',"
	" 'manifests': ["
	"  {'mediaType': '" OCI_MANIFEST "', 'digest': '" DA "', 'size': 1234,"
	"   'platform': {'architecture': 'amd64', 'os': 'linux'}},"
	"  {'mediaType': '" OCI_MANIFEST "', 'digest': '" DB "', 'size': 0,"
	"   'platform': {'architecture': 'arm64', 'os': 'linux', 'variant': 'v8',"
	"                'os.features': ['x'], 'os.version': '1'},"
	"   'annotations': {'org.opencontainers.image.ref.name': '1.0',"
	"                   'io.containerd.image.name': 'docker.io/library/x:1.0', 'other': ''}},"
	"  {'mediaType': 'application/vnd.in-toto+json', 'digest': '" DC "', 'size': 566,"
	"   'platform': {'architecture': 'unknown', 'os': 'unknown'}, 'artifactType': 'x',"
	"   'urls': ['http://example.com/x'], 'data': 'e30='}],"
	" 'annotations': {'a': 'b'}, 'subject': {}, 'unknown': [1, {'x': null}]}";

START_TEST(test_index_oci)
{
	struct img_index *x = index_of(oci_index);
	const struct img_descriptor *d = x->manifests;

	ck_assert_uint_eq(x->n_manifests, 3);
	ck_assert_str_eq(d[0].media_type, OCI_MANIFEST);
	ck_assert_str_eq(d[0].digest, DA);
	ck_assert_int_eq(d[0].size, 1234);
	ck_assert_str_eq(d[0].platform.os, "linux");
	ck_assert_str_eq(d[0].platform.architecture, "amd64");
	ck_assert_ptr_null(d[0].platform.variant);
	ck_assert_ptr_null(d[0].ref_name);
	ck_assert_ptr_null(d[0].containerd_name);
	ck_assert_int_eq(d[1].size, 0);
	ck_assert_str_eq(d[1].platform.variant, "v8");
	ck_assert_str_eq(d[1].ref_name, "1.0");
	ck_assert_str_eq(d[1].containerd_name, "docker.io/library/x:1.0");
	ck_assert_int_eq(img_media_kind(d[2].media_type), IMG_MEDIA_UNKNOWN);
	ck_assert_str_eq(d[2].digest, DC);
	img_index_free(x);
}
END_TEST

/* A Docker manifest list from a registry, and an OCI layout's index.json
 * (no mediaType, no platform, null members). */
START_TEST(test_index_docker_and_layout)
{
	struct img_index *x = index_of(
		"{'schemaVersion': 2, 'mediaType': '" DOCKER_LIST "', 'manifests': ["
		" {'mediaType': '" DOCKER_MANIFEST "', 'digest': '" DA "', 'size': 528,"
		"  'platform': {'architecture': 'arm', 'os': 'linux', 'variant': '',"
		"               'features': ['sse4']}}]}");

	ck_assert_uint_eq(x->n_manifests, 1);
	ck_assert_str_eq(x->manifests[0].platform.architecture, "arm");
	ck_assert_ptr_null(x->manifests[0].platform.variant);
	img_index_free(x);

	x = index_of("{'schemaVersion': 2, 'mediaType': null, 'manifests': ["
		     " {'mediaType': '" OCI_MANIFEST "', 'digest': '" DD "', 'size': 9007199254740993,"
		     "  'platform': null, 'annotations': {'org.opencontainers.image.ref.name':"
		     "  'localhost/berth-test:1'}, 'urls': null}]}");
	ck_assert_uint_eq(x->n_manifests, 1);
	ck_assert_ptr_null(x->manifests[0].platform.os);
	ck_assert_ptr_null(x->manifests[0].platform.architecture);
	ck_assert_int_eq(x->manifests[0].size, 9007199254740993LL);
	ck_assert_str_eq(x->manifests[0].ref_name, "localhost/berth-test:1");
	img_index_free(x);

	x = index_of("{'schemaVersion': 2, 'manifests': []}");
	ck_assert_uint_eq(x->n_manifests, 0);
	img_index_free(x);
}
END_TEST

/* ---- manifests ------------------------------------------------------------------ */

static struct img_manifest *manifest_of(const char *json)
{
	_cleanup_free_ char *text = sq(json);
	struct img_manifest *m = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(img_manifest_parse("manifest", text, strlen(text), &m, &err) == 0, "%s",
		      err.msg);
	ck_assert_ptr_nonnull(m);
	return m;
}

START_TEST(test_manifest_oci)
{
	struct img_manifest *m = manifest_of(
		"{'schemaVersion': 2, 'mediaType': '" OCI_MANIFEST "',"
		" 'config': {'mediaType': '" OCI_CONFIG "', 'digest': '" DA "', 'size': 1470},"
		" 'layers': [{'mediaType': '" OCI_LAYER "+gzip', 'digest': '" DB "', 'size': 2,"
		"             'annotations': {'org.opencontainers.image.title': 'l1'}},"
		"            {'mediaType': '" OCI_LAYER "+zstd', 'digest': '" DC "', 'size': 3,"
		"             'platform': 'ignored here'}],"
		" 'annotations': {'org.opencontainers.image.created': '2024'}, 'subject': null}");

	ck_assert_str_eq(m->media_type, OCI_MANIFEST);
	ck_assert_str_eq(m->config.media_type, OCI_CONFIG);
	ck_assert_str_eq(m->config.digest, DA);
	ck_assert_int_eq(m->config.size, 1470);
	ck_assert_uint_eq(m->n_layers, 2);
	ck_assert_str_eq(m->layers[0].digest, DB);
	ck_assert_int_eq(img_media_compression(m->layers[0].media_type), IMG_COMP_GZIP);
	ck_assert_str_eq(m->layers[1].digest, DC);
	ck_assert_int_eq(img_media_compression(m->layers[1].media_type), IMG_COMP_ZSTD);
	ck_assert_int_eq(m->layers[1].size, 3);
	img_manifest_free(m);
}
END_TEST

/* Docker schema2 with a foreign (Windows-style) layer; and an OCI 1.0
 * manifest without mediaType. */
START_TEST(test_manifest_docker)
{
	struct img_manifest *m = manifest_of(
		"{'schemaVersion': 2, 'mediaType': '" DOCKER_MANIFEST "',"
		" 'config': {'mediaType': '" DOCKER_CONFIG "', 'size': 7023, 'digest': '" DA "'},"
		" 'layers': [{'mediaType': 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',"
		"   'size': 1, 'digest': '" DB "', 'urls': ['https://mcr.example/x']},"
		"  {'mediaType': '" DOCKER_LAYER "', 'size': 32654, 'digest': '" DC "'}]}");

	ck_assert_str_eq(m->media_type, DOCKER_MANIFEST);
	ck_assert_str_eq(m->config.media_type, DOCKER_CONFIG);
	ck_assert_uint_eq(m->n_layers, 2);
	ck_assert_int_eq(m->layers[1].size, 32654);
	img_manifest_free(m);

	m = manifest_of("{'schemaVersion': 2, 'config': {'mediaType': '" OCI_CONFIG "',"
			" 'digest': '" DA "', 'size': 1}, 'layers': [{'mediaType': '" OCI_LAYER "',"
			" 'digest': '" DA "', 'size': 1}], 'artifactType': null}");
	ck_assert_ptr_null(m->media_type);
	ck_assert_uint_eq(m->n_layers, 1);
	img_manifest_free(m);
}
END_TEST

/* IMG_LAYERS_MAX layers are fine, one more is refused before any is read. */
static char *many_layers(size_t n, const char *layer)
{
	size_t cap = 256 + n * (strlen(layer) + 1);
	char *s = malloc(cap), *p = s;

	ck_assert_ptr_nonnull(s);
	p += sprintf(p, "{\"schemaVersion\": 2, \"config\": {\"mediaType\": \"" OCI_CONFIG "\", "
		     "\"digest\": \"" DA "\", \"size\": 1}, \"layers\": [");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", layer);
	strcpy(p, "]}");
	return s;
}

START_TEST(test_manifest_layer_cap)
{
	const char *layer = "{\"mediaType\": \"" OCI_LAYER "\", \"digest\": \"" DB "\", \"size\": 1}";
	_cleanup_free_ char *max = many_layers(IMG_LAYERS_MAX, layer);
	_cleanup_free_ char *over = many_layers(IMG_LAYERS_MAX + 1, "{}");
	struct img_manifest *m = NULL;
	struct b_err err = { 0 };

	ck_assert_int_eq(img_manifest_parse("m", max, strlen(max), &m, &err), 0);
	ck_assert_uint_eq(m->n_layers, IMG_LAYERS_MAX);
	img_manifest_free(m);
	m = NULL;
	ck_assert_int_eq(img_manifest_parse("m", over, strlen(over), &m, &err), -EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err.msg, "m: layers: 501 layers, more than 500 (what overlayfs can stack)");
}
END_TEST

/* ---- configs --------------------------------------------------------------------- */

static struct img_config *config_of(const char *json)
{
	_cleanup_free_ char *text = sq(json);
	struct img_config *x = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(img_config_parse(NULL, text, strlen(text), &x, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(x);
	return x;
}

START_TEST(test_config_oci)
{
	struct img_config *x = config_of(
		"{'created': '2026-12-03T10:00:00Z', 'author': 'berth', 'architecture': 'arm64',"
		" 'variant': 'v8', 'os': 'linux', 'os.version': '', 'os.features': null,"
		" 'config': {'User': 'app', 'ExposedPorts': {'80/tcp': {}},"
		"  'Env': ['PATH=/bin', 'A=image', 'EMPTY=', 'B=x=y'],"
		"  'Entrypoint': ['/bin/sh', '-c'], 'Cmd': ['echo hi'], 'Volumes': {'/data': {}},"
		"  'WorkingDir': '/tmp', 'Labels': {'k': 'v'}, 'StopSignal': 'SIGQUIT',"
		"  'ArgsEscaped': true, 'Memory': 1, 'CpuShares': 2},"
		" 'rootfs': {'type': 'layers', 'diff_ids': ['" DA "', '" DB "']},"
		" 'history': [{'created_by': 'a'}, {'empty_layer': true}, {}]}");

	ck_assert_str_eq(x->architecture, "arm64");
	ck_assert_str_eq(x->os, "linux");
	ck_assert_str_eq(x->variant, "v8");
	ck_assert_str_eq(x->created, "2026-12-03T10:00:00Z");
	ck_assert_str_eq(x->user, "app");
	ck_assert_uint_eq(x->n_env, 4);
	ck_assert_str_eq(x->env[3], "B=x=y");
	ck_assert_ptr_null(x->env[4]);
	ck_assert_uint_eq(x->n_entrypoint, 2);
	ck_assert_str_eq(x->entrypoint[1], "-c");
	ck_assert_uint_eq(x->n_cmd, 1);
	ck_assert_str_eq(x->cmd[0], "echo hi");
	ck_assert_str_eq(x->working_dir, "/tmp");
	ck_assert_str_eq(x->stop_signal, "SIGQUIT");
	ck_assert_uint_eq(x->n_diff_ids, 2);
	ck_assert_str_eq(x->diff_ids[0], DA);
	ck_assert_str_eq(x->diff_ids[1], DB);
	ck_assert_uint_eq(x->n_history, 3);
	img_config_free(x);
}
END_TEST

/* What `docker save` writes: capitalised and lower-case extras, empty
 * strings and nulls where the image sets nothing. */
START_TEST(test_config_docker)
{
	struct img_config *x = config_of(
		"{'architecture': 'amd64', 'variant': null,"
		" 'config': {'Hostname': '', 'Domainname': '', 'User': '', 'AttachStdin': false,"
		"  'Tty': false, 'Env': null, 'Cmd': null, 'Image': 'sha256:" H64("1") "',"
		"  'Volumes': null, 'WorkingDir': '', 'Entrypoint': [''], 'OnBuild': null,"
		"  'Labels': null, 'Healthcheck': {'Test': ['NONE']}},"
		" 'container': '0123', 'container_config': {'Cmd': ['/bin/sh', '-c', '#(nop)']},"
		" 'created': null, 'docker_version': '20.10.7', 'history': null, 'os': 'linux',"
		" 'rootfs': {'type': 'layers', 'diff_ids': ['" DC "']}}");

	ck_assert_str_eq(x->architecture, "amd64");
	ck_assert_ptr_null(x->variant);
	ck_assert_ptr_null(x->created);
	ck_assert_ptr_null(x->user);
	ck_assert_ptr_null(x->env);
	ck_assert_uint_eq(x->n_env, 0);
	ck_assert_ptr_null(x->cmd);
	ck_assert_uint_eq(x->n_cmd, 0);
	/* [""] stays as written: the caller applies containerd's rule. */
	ck_assert_uint_eq(x->n_entrypoint, 1);
	ck_assert_str_eq(x->entrypoint[0], "");
	ck_assert_ptr_null(x->working_dir);
	ck_assert_ptr_null(x->stop_signal);
	ck_assert_uint_eq(x->n_history, 0);
	img_config_free(x);

	x = config_of("{'architecture': 's390x', 'os': 'linux', 'config': null,"
		      " 'rootfs': {'type': 'layers', 'diff_ids': ['" DA "']}}");
	ck_assert_ptr_null(x->entrypoint);
	ck_assert_ptr_null(x->user);
	ck_assert_uint_eq(x->n_diff_ids, 1);
	img_config_free(x);
}
END_TEST

/* ---- docker-archive manifest.json ------------------------------------------------ */

static struct img_docker_manifest *docker_of(const char *json)
{
	_cleanup_free_ char *text = sq(json);
	struct img_docker_manifest *m = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(img_docker_manifest_parse(NULL, text, strlen(text), &m, &err) == 0, "%s",
		      err.msg);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* `podman save -m` of two images, one unnamed, legacy layer paths. */
START_TEST(test_docker_manifest)
{
	struct img_docker_manifest *m = docker_of(
		"[{'Config': '" H64("a") ".json', 'RepoTags': ['localhost/berth-test:1', 'busybox'],"
		"  'Layers': ['" H64("b") ".tar', '0123/layer.tar'], 'Parent': '',"
		"  'LayerSources': {'" DB "': {'mediaType': 'x', 'size': 1, 'digest': '" DB "'}}},"
		" {'Config': 'blobs/sha256/" H64("c") "', 'RepoTags': null,"
		"  'Layers': ['./a/..b/c.tar']}]");

	ck_assert_uint_eq(m->n_images, 2);
	ck_assert_str_eq(m->images[0].config, H64("a") ".json");
	ck_assert_uint_eq(m->images[0].n_repo_tags, 2);
	ck_assert_str_eq(m->images[0].repo_tags[1], "busybox");
	ck_assert_uint_eq(m->images[0].n_layers, 2);
	ck_assert_str_eq(m->images[0].layers[1], "0123/layer.tar");
	ck_assert_ptr_null(m->images[1].repo_tags);
	ck_assert_uint_eq(m->images[1].n_repo_tags, 0);
	ck_assert_uint_eq(m->images[1].n_layers, 1);
	ck_assert_str_eq(m->images[1].layers[0], "./a/..b/c.tar");
	img_docker_manifest_free(m);
}
END_TEST

/* ---- names.json -------------------------------------------------------------------- */

static struct img_names *names_of(const char *text)
{
	struct img_names *x = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(img_names_parse(NULL, text, strlen(text), &x, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(x);
	return x;
}

START_TEST(test_names_roundtrip)
{
	static const char want[] =
		"{\n  \"names\": {\n"
		"    \"docker.io/library/busybox:latest\": \"" DB "\",\n"
		"    \"localhost/berth-test:1\": \"" DA "\",\n"
		"    \"quay.io/x@" DD "\": \"" DB "\"\n  }\n}\n";
	struct img_name in[] = {
		{ (char *)"quay.io/x@" DD, DB },
		{ (char *)"localhost/berth-test:1", DA },
		{ (char *)"docker.io/library/busybox:latest", DB },
	};
	_cleanup_free_ char *text = img_names_write(in, 3);
	struct img_names *x;

	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, want);
	x = names_of(text);
	ck_assert_uint_eq(x->n_names, 3);
	ck_assert_str_eq(x->names[0].name, "docker.io/library/busybox:latest");
	ck_assert_str_eq(x->names[0].id, DB);
	ck_assert_str_eq(x->names[2].name, "quay.io/x@" DD);
	img_names_free(x);

	free(text);
	text = img_names_write(NULL, 0);
	ck_assert_str_eq(text, "{\n  \"names\": {}\n}\n");
	x = names_of(text);
	ck_assert_uint_eq(x->n_names, 0);
	img_names_free(x);
}
END_TEST

/* A name twice keeps its last ID; the writer refuses what would not read
 * back as given. */
START_TEST(test_names_duplicates_and_refusals)
{
	struct img_names *x = names_of("{\"names\": {\"a\": \"" DA "\", \"b\": \"" DC "\", "
				       "\"a\": \"" DB "\"}, \"extra\": 1}");
	struct img_name dup[] = { { (char *)"a", DA }, { (char *)"a", DB } };
	struct img_name empty[] = { { (char *)"", DA } };
	struct img_name bad_id[] = { { (char *)"a", "sha256:x" } };
	struct img_name bad_utf8[] = { { (char *)"a\xff", DA } };

	ck_assert_uint_eq(x->n_names, 2);
	ck_assert_str_eq(x->names[0].name, "a");
	ck_assert_str_eq(x->names[0].id, DB);
	ck_assert_str_eq(x->names[1].id, DC);
	img_names_free(x);
	errno = 0;
	ck_assert_ptr_null(img_names_write(dup, 2));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(img_names_write(empty, 1));
	ck_assert_ptr_null(img_names_write(bad_id, 1));
	ck_assert_ptr_null(img_names_write(bad_utf8, 1));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* ---- refusals ------------------------------------------------------------------------ */

enum doc { INDEX, MANIFEST, CONFIG, DOCKER, NAMES };

static const char *const doc_names[] = { "index", "manifest", "image config",
					 "manifest.json", "names.json" };

static int parse_only(enum doc kind, const char *json, size_t len, void **out,
		      struct b_err *err)
{
	switch (kind) {
	case INDEX:
		return img_index_parse(NULL, json, len, (struct img_index **)out, err);
	case MANIFEST:
		return img_manifest_parse(NULL, json, len, (struct img_manifest **)out, err);
	case CONFIG:
		return img_config_parse(NULL, json, len, (struct img_config **)out, err);
	case DOCKER:
		return img_docker_manifest_parse(NULL, json, len,
						 (struct img_docker_manifest **)out, err);
	case NAMES:
		return img_names_parse(NULL, json, len, (struct img_names **)out, err);
	}
	return -1;
}

static void free_doc(enum doc kind, void *out)
{
	switch (kind) {
	case INDEX: img_index_free(out); break;
	case MANIFEST: img_manifest_free(out); break;
	case CONFIG: img_config_free(out); break;
	case DOCKER: img_docker_manifest_free(out); break;
	case NAMES: img_names_free(out); break;
	}
}

/* Parses with the document's default name; a failure leaves *out alone
 * and names the document first. */
static int parse_doc(enum doc kind, const char *json, size_t len, struct b_err *err)
{
	void *out = NULL;
	int r = parse_only(kind, json, len, &out, err);

	if (r < 0) {
		ck_assert_ptr_null(out);
		ck_assert_msg(!strncmp(err->msg, doc_names[kind], strlen(doc_names[kind])) &&
			      err->msg[strlen(doc_names[kind])] == ':', "%s", err->msg);
	}
	free_doc(kind, out);
	return r;
}

#define DESC(mt, d) "{'mediaType': '" mt "', 'digest': '" d "', 'size': 1}"
#define IDX(entry) "{'schemaVersion': 2, 'manifests': [" entry "]}"
#define MAN(config, layers) "{'schemaVersion': 2, 'config': " config ", 'layers': [" layers "]}"
#define CFG DESC(OCI_CONFIG, DA)
#define LAYER DESC(OCI_LAYER, DB)
#define ROOTFS "'rootfs': {'type': 'layers', 'diff_ids': ['" DA "']}"
#define CONF(more) "{'architecture': 'amd64', 'os': 'linux', " more "}"

static const struct {
	enum doc kind;
	const char *json, *msg;
} bad[] = {
	/* indexes */
	{ INDEX, "[]", "index: expected a JSON object, got an array" },
	{ INDEX, "{'schemaVersion': 2, 'manifests': []", "index: invalid JSON: " },
	{ INDEX, "{'mediaType': '" OCI_MANIFEST "', 'schemaVersion': 2, 'manifests': []}",
	  "index: mediaType: \"" OCI_MANIFEST "\" is a manifest, not an image index" },
	{ INDEX, "{'mediaType': 'application/vnd.docker.distribution.manifest.v1+json'}",
	  "index: mediaType: \"application/vnd.docker.distribution.manifest.v1+json\" is a "
	  "Docker schema 1 manifest, which berth does not read (expected an image index)" },
	{ INDEX, "{'mediaType': 'text/plain'}",
	  "index: mediaType: unknown media type \"text/plain\" (expected an image index)" },
	{ INDEX, "{'mediaType': 7}", "index: mediaType: expected a string, got a number" },
	{ INDEX, "{'manifests': []}", "index: schemaVersion: required field is missing" },
	{ INDEX, "{'schemaVersion': 3, 'manifests': []}",
	  "index: schemaVersion: 3 is not supported (expected 2)" },
	{ INDEX, "{'schemaVersion': '2', 'manifests': []}",
	  "index: schemaVersion: expected an integer, got a string" },
	{ INDEX, "{'schemaVersion': 2}", "index: manifests: required field is missing" },
	{ INDEX, "{'schemaVersion': 2, 'manifests': {}}",
	  "index: manifests: expected an array, got an object" },
	{ INDEX, IDX("7"), "index: manifests[0]: expected an object, got a number" },
	{ INDEX, IDX(DESC(OCI_MANIFEST, DA) ", {'digest': '" DA "', 'size': 1}"),
	  "index: manifests[1].mediaType: required field is missing" },
	{ INDEX, IDX("{'mediaType': 'x', 'size': 1}"),
	  "index: manifests[0].digest: required field is missing" },
	{ INDEX, IDX("{'mediaType': 'x', 'size': 1, 'digest': null}"),
	  "index: manifests[0].digest: required field is missing" },
	{ INDEX, IDX(DESC("x", "sha256:" H64("A"))),
	  "index: manifests[0].digest: \"sha256:" H64("A") "\" is not a sha256 digest (expected "
	  "64 lowercase hex digits after \"sha256:\")" },
	{ INDEX, IDX(DESC("x", "sha256:" H8("a") H8("a") H8("a") H8("a") H8("a") H8("a") H8("a")
			  "aaaaaaa")), "is not a sha256 digest" },
	{ INDEX, IDX(DESC("x", DA "0")), "is not a sha256 digest" },
	{ INDEX, IDX(DESC("x", "sha256:../../x")),
	  "index: manifests[0].digest: \"sha256:../../x\" is not a sha256 digest" },
	{ INDEX, IDX(DESC("x", "sha512:" H64("a") H64("a"))),
	  "index: manifests[0].digest: digest algorithm \"sha512\" is not supported (berth reads "
	  "sha256 only)" },
	{ INDEX, IDX(DESC("x", "md5:../x")), "digest algorithm \"md5\" is not supported" },
	{ INDEX, IDX(DESC("x", H64("a"))),
	  "index: manifests[0].digest: \"" H64("a") "\" is not a digest (expected "
	  "sha256:<64 lowercase hex digits>)" },
	{ INDEX, IDX(DESC("x", ":" H64("a"))), "is not a digest (expected" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "'}"),
	  "index: manifests[0].size: required field is missing" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': -1}"),
	  "index: manifests[0].size: -1 is out of range (0 to 9223372036854775807)" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': 1.5}"),
	  "index: manifests[0].size: expected an integer, got 1.5" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': 9223372036854775808}"),
	  "index: manifests[0].size: 9223372036854775808 is out of range" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': 1, 'platform': 'linux'}"),
	  "index: manifests[0].platform: expected an object, got a string" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': 1,"
		     " 'platform': {'architecture': 'amd64'}}"),
	  "index: manifests[0].platform.os: required field is missing" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': 1,"
		     " 'platform': {'architecture': '', 'os': 'linux'}}"),
	  "index: manifests[0].platform.architecture: must not be empty" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': 1,"
		     " 'platform': {'architecture': 'arm', 'os': 'linux', 'variant': 7}}"),
	  "index: manifests[0].platform.variant: expected a string, got a number" },
	{ INDEX, IDX("{'mediaType': 'x', 'digest': '" DA "', 'size': 1,"
		     " 'annotations': {'org.opencontainers.image.ref.name': 1}}"),
	  "index: manifests[0].annotations[\"org.opencontainers.image.ref.name\"]: expected a "
	  "string, got a number" },
	/* manifests */
	{ MANIFEST, "'x'", "manifest: expected a JSON object, got a string" },
	{ MANIFEST, "{'mediaType': '" OCI_INDEX "'}",
	  "manifest: mediaType: \"" OCI_INDEX "\" is an index, not an image manifest" },
	{ MANIFEST, "{'schemaVersion': 2, 'manifests': []}",
	  "manifest: this is an index (it has \"manifests\"), not an image manifest" },
	{ MANIFEST, "{'mediaType': '" DOCKER_LIST "'}",
	  "manifest: mediaType: \"" DOCKER_LIST "\" is an index, not an image manifest" },
	{ MANIFEST, "{'mediaType': 'application/vnd.docker.distribution.manifest.v1+prettyjws'}",
	  "manifest: mediaType: \"application/vnd.docker.distribution.manifest.v1+prettyjws\" is "
	  "a Docker schema 1 manifest, which berth does not read (expected an image manifest)" },
	{ MANIFEST, "{'mediaType': '" OCI_CONFIG "'}",
	  "manifest: mediaType: \"" OCI_CONFIG "\" is an image config, not an image manifest" },
	{ MANIFEST, "{'mediaType': '" OCI_LAYER "'}",
	  "manifest: mediaType: \"" OCI_LAYER "\" is a layer, not an image manifest" },
	{ MANIFEST, "{'schemaVersion': 1, 'name': 'x', 'tag': 'y', 'fsLayers': []}",
	  "manifest: schemaVersion: 1 is a Docker schema 1 manifest, which berth does not read "
	  "(expected 2)" },
	{ MANIFEST, "{'schemaVersion': 2, 'artifactType': 'application/vnd.example.sbom',"
		    " 'config': " CFG ", 'layers': [" LAYER "]}",
	  "manifest: artifactType: \"application/vnd.example.sbom\": not a runnable image "
	  "(an artifact)" },
	{ MANIFEST, MAN(DESC("application/vnd.oci.empty.v1+json", DA), LAYER),
	  "manifest: config.mediaType: \"application/vnd.oci.empty.v1+json\": not a runnable "
	  "image (its config is not an image config: an artifact)" },
	{ MANIFEST, MAN(DESC("application/vnd.cncf.helm.config.v1+json", DA), LAYER),
	  "manifest: config.mediaType: \"application/vnd.cncf.helm.config.v1+json\": not a "
	  "runnable image" },
	{ MANIFEST, MAN(DESC(OCI_LAYER, DA), LAYER),
	  "manifest: config.mediaType: \"" OCI_LAYER "\": not a runnable image" },
	{ MANIFEST, "{'schemaVersion': 2, 'layers': [" LAYER "]}",
	  "manifest: config: required field is missing" },
	{ MANIFEST, MAN("[]", LAYER), "manifest: config: expected an object, got an array" },
	{ MANIFEST, MAN(DESC(OCI_CONFIG, "sha256:x"), LAYER),
	  "manifest: config.digest: \"sha256:x\" is not a sha256 digest" },
	{ MANIFEST, "{'schemaVersion': 2, 'config': " CFG "}",
	  "manifest: layers: required field is missing" },
	{ MANIFEST, "{'schemaVersion': 2, 'config': " CFG ", 'layers': {}}",
	  "manifest: layers: expected an array, got an object" },
	{ MANIFEST, MAN(CFG, ""), "manifest: layers: no layers (an image needs at least one)" },
	{ MANIFEST, MAN(CFG, LAYER ", " DESC(OCI_CONFIG, DB)),
	  "manifest: layers[1].mediaType: \"" OCI_CONFIG "\" is not a layer media type" },
	{ MANIFEST, MAN(CFG, DESC(OCI_LAYER, "sha256:" H64("F"))),
	  "manifest: layers[0].digest: \"sha256:" H64("F") "\" is not a sha256 digest" },
	{ MANIFEST, MAN(CFG, "{'mediaType': '" OCI_LAYER "', 'digest': '" DB "', 'size': -5}"),
	  "manifest: layers[0].size: -5 is out of range" },
	/* configs */
	{ CONFIG, "null", "image config: expected a JSON object, got null" },
	{ CONFIG, "{'os': 'linux', " ROOTFS "}",
	  "image config: architecture: required field is missing" },
	{ CONFIG, "{'architecture': 'amd64', 'os': '', " ROOTFS "}",
	  "image config: os: must not be empty" },
	{ CONFIG, "{'architecture': 'amd64', 'os': null, " ROOTFS "}",
	  "image config: os: required field is missing" },
	{ CONFIG, CONF("'variant': ['v8'], " ROOTFS),
	  "image config: variant: expected a string, got an array" },
	{ CONFIG, CONF("'config': []"), "image config: config: expected an object, got an array" },
	{ CONFIG, CONF("'config': {'Env': ['A=1', 'NOEQ']}, " ROOTFS),
	  "image config: config.Env[1]: \"NOEQ\" is not NAME=value" },
	{ CONFIG, CONF("'config': {'Env': ['=x']}, " ROOTFS),
	  "image config: config.Env[0]: \"=x\" is not NAME=value" },
	{ CONFIG, CONF("'config': {'Cmd': 'sh'}, " ROOTFS),
	  "image config: config.Cmd: expected an array of strings, got a string" },
	{ CONFIG, CONF("'config': {'Entrypoint': [null]}, " ROOTFS),
	  "image config: config.Entrypoint[0]: expected a string, got null" },
	{ CONFIG, CONF("'config': {'User': 0}, " ROOTFS),
	  "image config: config.User: expected a string, got a number" },
	{ CONFIG, CONF("'config': {'WorkingDir': {}}, " ROOTFS),
	  "image config: config.WorkingDir: expected a string, got an object" },
	{ CONFIG, CONF("'config': {'StopSignal': 9}, " ROOTFS),
	  "image config: config.StopSignal: expected a string, got a number" },
	{ CONFIG, CONF("'created': 1, " ROOTFS),
	  "image config: created: expected a string, got a number" },
	{ CONFIG, CONF("'history': {}, " ROOTFS),
	  "image config: history: expected an array, got an object" },
	{ CONFIG, CONF("'x': 1"), "image config: rootfs: required field is missing" },
	{ CONFIG, CONF("'rootfs': {'diff_ids': []}"),
	  "image config: rootfs.type: required field is missing" },
	{ CONFIG, CONF("'rootfs': {'type': 'tar', 'diff_ids': []}"),
	  "image config: rootfs.type: \"tar\" is not supported (expected \"layers\")" },
	{ CONFIG, CONF("'rootfs': {'type': 'layers'}"),
	  "image config: rootfs.diff_ids: required field is missing" },
	{ CONFIG, CONF("'rootfs': {'type': 'layers', 'diff_ids': '" DA "'}"),
	  "image config: rootfs.diff_ids: expected an array of digests, got a string" },
	{ CONFIG, CONF("'rootfs': {'type': 'layers', 'diff_ids': []}"),
	  "image config: rootfs.diff_ids: no layers (an image needs at least one)" },
	{ CONFIG, CONF("'rootfs': {'type': 'layers', 'diff_ids': ['" DA "', 'sha256:../../x']}"),
	  "image config: rootfs.diff_ids[1]: \"sha256:../../x\" is not a sha256 digest" },
	{ CONFIG, CONF("'rootfs': {'type': 'layers', 'diff_ids': [1]}"),
	  "image config: rootfs.diff_ids[0]: expected a string, got a number" },
	{ CONFIG, CONF("'rootfs': {'type': 'layers', 'diff_ids': ['sha384:ab']}"),
	  "image config: rootfs.diff_ids[0]: digest algorithm \"sha384\" is not supported" },
	/* docker-archive manifest.json */
	{ DOCKER, "{}", "manifest.json: expected a JSON array of images, got an object" },
	{ DOCKER, "[]", "manifest.json: lists no image" },
	{ DOCKER, "[7]", "manifest.json: [0]: expected an object, got a number" },
	{ DOCKER, "[{'Layers': ['a']}]", "manifest.json: [0].Config: required field is missing" },
	{ DOCKER, "[{'Config': '/etc/passwd', 'Layers': ['a']}]",
	  "manifest.json: [0].Config: \"/etc/passwd\" is not a path inside the archive (relative, "
	  "not empty, no \"..\")" },
	{ DOCKER, "[{'Config': '', 'Layers': ['a']}]",
	  "manifest.json: [0].Config: \"\" is not a path inside the archive" },
	{ DOCKER, "[{'Config': '..', 'Layers': ['a']}]",
	  "manifest.json: [0].Config: \"..\" is not a path inside the archive" },
	{ DOCKER, "[{'Config': 'c', 'Layers': ['a']}, {'Config': 'c', 'Layers': ['ok.tar', "
		  "'a/../../x']}]",
	  "manifest.json: [1].Layers[1]: \"a/../../x\" is not a path inside the archive" },
	{ DOCKER, "[{'Config': 'c', 'Layers': ['x/..']}]",
	  "manifest.json: [0].Layers[0]: \"x/..\" is not a path inside the archive" },
	{ DOCKER, "[{'Config': 'c', 'Layers': ['../x']}]", "\"../x\" is not a path inside" },
	{ DOCKER, "[{'Config': 'c', 'Layers': ['/x']}]", "\"/x\" is not a path inside" },
	{ DOCKER, "[{'Config': 'c'}]", "manifest.json: [0].Layers: required field is missing" },
	{ DOCKER, "[{'Config': 'c', 'Layers': null}]",
	  "manifest.json: [0].Layers: required field is missing" },
	{ DOCKER, "[{'Config': 'c', 'Layers': []}]",
	  "manifest.json: [0].Layers: no layers (an image needs at least one)" },
	{ DOCKER, "[{'Config': 'c', 'Layers': [3]}]",
	  "manifest.json: [0].Layers[0]: expected a string, got a number" },
	{ DOCKER, "[{'Config': 'c', 'Layers': ['a'], 'RepoTags': 'x'}]",
	  "manifest.json: [0].RepoTags: expected an array of strings, got a string" },
	/* names.json */
	{ NAMES, "[]", "names.json: expected a JSON object, got an array" },
	{ NAMES, "{}", "names.json: names: required field is missing" },
	{ NAMES, "{'names': null}", "names.json: names: required field is missing" },
	{ NAMES, "{'names': []}", "names.json: names: expected an object with string values, "
	  "got an array" },
	{ NAMES, "{'names': {'a': 1}}", "names.json: names[\"a\"]: expected a string, got a number" },
	{ NAMES, "{'names': {'': '" DA "'}}", "names.json: names[\"\"]: an empty name" },
	{ NAMES, "{'names': {'x:1': 'sha512:" H64("a") H64("a") "'}}",
	  "names.json: names[\"x:1\"]: digest algorithm \"sha512\" is not supported (berth reads "
	  "sha256 only)" },
	{ NAMES, "{'names': {'x': 'sha256:" H64("a") "\\n'}}",
	  "names.json: names[\"x\"]: \"sha256:" H64("a") "\\n\" is not a sha256 digest" },
};

/* A message that starts with the document's name is the whole message's
 * beginning (usually all of it); others are a part of it. */
START_TEST(test_refusals)
{
	_cleanup_free_ char *json = sq(bad[_i].json);
	const char *name = doc_names[bad[_i].kind], *want = bad[_i].msg;
	struct b_err err = { 0 };
	int r = parse_doc(bad[_i].kind, json, strlen(json), &err);
	bool whole = !strncmp(want, name, strlen(name)) && want[strlen(name)] == ':';

	ck_assert_msg(r == -EINVAL, "%s: parsed (%d)", bad[_i].json, r);
	ck_assert_msg(whole ? !strncmp(err.msg, want, strlen(want)) : !!strstr(err.msg, want),
		      "%s:\n  got  %s\n  want %s", bad[_i].json, err.msg, want);
	ck_assert_msg(!strchr(err.msg, '\n'), "%s", err.msg);
}
END_TEST

/* The cap is on the text, before parsing: a document of exactly 4 MiB
 * (padded with white space) is read, one byte more is not, whatever it
 * holds. */
START_TEST(test_size_cap)
{
	static const char doc[] = "{\"schemaVersion\": 2, \"manifests\": []}";
	char *big = malloc(IMG_JSON_MAX + 2);
	struct b_err err = { 0 };

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', IMG_JSON_MAX + 1);
	memcpy(big, doc, strlen(doc));
	ck_assert_int_eq(parse_doc(INDEX, big, IMG_JSON_MAX, &err), 0);
	for (int kind = INDEX; kind <= NAMES; kind++) {
		ck_assert_int_eq(parse_doc((enum doc)kind, big, IMG_JSON_MAX + 1, &err), -EINVAL);
		ck_assert_msg(strstr(err.msg, ": larger than 4 MiB"), "%s", err.msg);
	}
	ck_assert_str_eq(err.msg, "names.json: larger than 4 MiB");
	ck_assert_int_eq(img_manifest_parse("blobs/sha256/x", big, IMG_JSON_MAX + 1,
					    &(struct img_manifest *){ NULL }, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "blobs/sha256/x: larger than 4 MiB");
	free(big);
}
END_TEST

static Suite *image_spec_suite(void)
{
	Suite *s = suite_create("image_spec");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_digest_valid);
	tcase_add_test(tc, test_media_kinds);
	tcase_add_test(tc, test_index_oci);
	tcase_add_test(tc, test_index_docker_and_layout);
	tcase_add_test(tc, test_manifest_oci);
	tcase_add_test(tc, test_manifest_docker);
	tcase_add_test(tc, test_manifest_layer_cap);
	tcase_add_test(tc, test_config_oci);
	tcase_add_test(tc, test_config_docker);
	tcase_add_test(tc, test_docker_manifest);
	tcase_add_test(tc, test_names_roundtrip);
	tcase_add_test(tc, test_names_duplicates_and_refusals);
	tcase_add_loop_test(tc, test_refusals, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_size_cap);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(image_spec_suite)
