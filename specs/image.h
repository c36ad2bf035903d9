/* OCI image and Docker schema2 documents (docs/design/image-facts.md §2, §3):
 * an image index (or Docker manifest list, or an OCI layout's index.json),
 * an image manifest, an image config, a docker-archive's manifest.json,
 * and berth's own store file of names.  Only the JSON: reading blobs,
 * verifying digests and unpacking are images/'s job.
 *
 * Every document comes from an untrusted source (a registry, an archive):
 * parsers cap the text at IMG_JSON_MAX, check every digest against the
 * strict sha256 pattern before anyone can use it as a file name, ignore
 * unknown members, treat JSON null as absent, and fail with
 * "<docname>: <json.path>: <what is wrong>" like the other specs/ parsers.
 * On failure *out is untouched (NULL). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"

/* No image document berth reads is near this; a registry's are < 4 MiB. */
#define IMG_JSON_MAX (4u << 20)
/* "sha256:" + 64 lowercase hex digits, and its NUL. */
#define IMG_DIGEST_SIZE 72
/* Layers per image: overlayfs takes at most 500 lower directories. */
#define IMG_LAYERS_MAX 500

/* True for exactly "sha256:" followed by 64 characters of [0-9a-f]. */
bool img_digest_valid(const char *s);

enum img_media {
	IMG_MEDIA_UNKNOWN,
	IMG_MEDIA_INDEX,        /* OCI index v1, Docker manifest list v2 */
	IMG_MEDIA_MANIFEST,     /* OCI manifest v1, Docker manifest v2 */
	IMG_MEDIA_CONFIG,       /* OCI config v1, Docker container image v1 */
	IMG_MEDIA_LAYER,        /* any tar layer, compressed or not, incl. non-distributable/foreign */
	IMG_MEDIA_SCHEMA1,      /* Docker schema 1 (+prettyjws): recognised to be refused by name */
};
enum img_media img_media_kind(const char *media_type);

/* Compression named by a layer media type: "...tar" none, "+gzip"/".gzip"
 * gzip, "+zstd" zstd.  images/ also sniffs the bytes. */
enum img_compression { IMG_COMP_NONE, IMG_COMP_GZIP, IMG_COMP_ZSTD, IMG_COMP_UNKNOWN };
enum img_compression img_media_compression(const char *media_type);

struct img_platform {
	char *os;            /* NULL when the descriptor has no platform */
	char *architecture;
	char *variant;       /* NULL when absent or "" */
};

struct img_descriptor {
	char *media_type;    /* as written; required */
	char digest[IMG_DIGEST_SIZE];  /* validated with img_digest_valid */
	int64_t size;        /* >= 0 */
	struct img_platform platform;  /* index entries only */
	/* annotations berth reads (NULL when absent) */
	char *ref_name;      /* org.opencontainers.image.ref.name */
	char *containerd_name;         /* io.containerd.image.name */
};

/* An index: OCI image index, Docker manifest list, or an OCI layout's
 * index.json (schemaVersion 2; "mediaType" optional but, when present, must
 * be an index type).  Entries of unknown media types are kept (callers skip
 * them); entries with invalid digests or negative sizes are errors. */
struct img_index {
	struct b_arena arena;
	struct img_descriptor *manifests;
	size_t n_manifests;
};
int img_index_parse(const char *docname, const char *json, size_t len,
		    struct img_index **out, struct b_err *err);
void img_index_free(struct img_index *x);

/* A manifest (OCI or Docker schema2): schemaVersion 2, a config descriptor
 * whose media type is a config type (an artifact, e.g. config media type
 * "application/vnd.oci.empty.v1+json" or an "artifactType" member, is
 * refused: "not a runnable image"), 1..IMG_LAYERS_MAX layers each of a
 * layer media type.  A "mediaType" member, when present, must be a
 * manifest type (an index there is refused with "is an index"). */
struct img_manifest {
	struct b_arena arena;
	char *media_type;    /* NULL when absent */
	struct img_descriptor config;
	struct img_descriptor *layers;
	size_t n_layers;
};
int img_manifest_parse(const char *docname, const char *json, size_t len,
		       struct img_manifest **out, struct b_err *err);
void img_manifest_free(struct img_manifest *x);

/* An image config.  architecture and os required (non-empty); rootfs.type
 * must be "layers"; rootfs.diff_ids valid digests, 1..IMG_LAYERS_MAX.
 * Env entries must contain '=' (and a non-empty name before it).
 * String arrays may be null/absent (NULL, count 0); containerd's rule that
 * an Entrypoint of [""] means none is NOT applied here (the caller does). */
struct img_config {
	struct b_arena arena;
	char *architecture, *os, *variant;   /* variant NULL when absent or "" */
	char *created;                       /* as written, NULL when absent */
	char *user;                          /* config.User; NULL when absent or "" */
	char **env;                          /* config.Env */
	size_t n_env;
	char **entrypoint;                   /* config.Entrypoint */
	size_t n_entrypoint;
	char **cmd;                          /* config.Cmd */
	size_t n_cmd;
	char *working_dir;                   /* config.WorkingDir; NULL when absent or "" */
	char *stop_signal;                   /* config.StopSignal; NULL when absent */
	char (*diff_ids)[IMG_DIGEST_SIZE];
	size_t n_diff_ids;
	size_t n_history;                    /* history[] entries (for inspect) */
};
int img_config_parse(const char *docname, const char *json, size_t len,
		     struct img_config **out, struct b_err *err);
void img_config_free(struct img_config *x);

/* One image of a docker-archive's manifest.json (an array of these). */
struct img_docker_entry {
	char *config;        /* path of the config inside the archive */
	char **repo_tags;    /* "RepoTags", may be empty (NULL, 0 when absent or null) */
	size_t n_repo_tags;
	char **layers;       /* "Layers": paths inside the archive, 1..IMG_LAYERS_MAX */
	size_t n_layers;
};
/* Paths are archive member names: relative, non-empty, no ".." component,
 * no NUL; checked here so no caller joins a hostile one. */
struct img_docker_manifest {
	struct b_arena arena;
	struct img_docker_entry *images;
	size_t n_images;     /* >= 1 */
};
int img_docker_manifest_parse(const char *docname, const char *json, size_t len,
			      struct img_docker_manifest **out, struct b_err *err);
void img_docker_manifest_free(struct img_docker_manifest *x);

/* berth's store file names.json: {"names": {"<normalised ref>": "sha256:<hex>", ...}}.
 * The writer emits the same shape, sorted by name, with a trailing
 * newline. */
struct img_name {
	char *name;
	char id[IMG_DIGEST_SIZE];
};
struct img_names {
	struct b_arena arena;
	struct img_name *names;
	size_t n_names;
};
int img_names_parse(const char *docname, const char *json, size_t len,
		    struct img_names **out, struct b_err *err);
/* malloc'ed NUL-terminated text, NULL on ENOMEM, or with errno EINVAL
 * when the list could not be read back as given: a name empty, not UTF-8
 * or given twice, an id not a valid digest. */
char *img_names_write(const struct img_name *names, size_t n);
void img_names_free(struct img_names *x);

#define IMG_DEFINE_FREEP(T)                                   \
	static inline void T##_freep(struct T **p)            \
	{                                                      \
		if (*p)                                        \
			T##_free(*p);                          \
	}
IMG_DEFINE_FREEP(img_index)
IMG_DEFINE_FREEP(img_manifest)
IMG_DEFINE_FREEP(img_config)
IMG_DEFINE_FREEP(img_docker_manifest)
IMG_DEFINE_FREEP(img_names)
