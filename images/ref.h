/* Image references ("nginx", "quay.io/org/app:v1", "x@sha256:…") and the
 * imagePullPolicy default (docs/design/image-facts.md §1).  Pure string
 * logic: no I/O, no allocation. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define IMG_DEFAULT_DOMAIN "docker.io"

/* The longest name (domain "/" path), as distribution's NameTotalLengthMax. */
#define IMG_NAME_MAX 255
#define IMG_TAG_MAX 128
/* "sha256:" and 64 hex digits. */
#define IMG_DIGEST_LEN 71
/* img_ref_format's longest output, without the NUL. */
#define IMG_REF_MAX (IMG_NAME_MAX + 1 + IMG_TAG_MAX + 1 + IMG_DIGEST_LEN)

struct img_ref {
	char domain[256]; /* "docker.io", "quay.io", "127.0.0.1:5000", "localhost" */
	char path[256];   /* "library/nginx", "org/app": lowercase components */
	char tag[129];    /* "" when absent (and no default was applied) */
	char digest[80];  /* "sha256:<64 lowercase hex>" or "" */
};

/* Parse and normalise as containerd/Kubernetes do (the docker/distribution
 * reference grammar): a first component is a domain when it contains '.' or
 * ':', is "localhost", or is not all lower case; otherwise the domain is
 * docker.io.  docker.io paths with one component get "library/";
 * "index.docker.io" becomes "docker.io"; no tag and no digest gives tag
 * "latest"; a digest may come with or without a tag (both are kept).
 * Refused with -EINVAL and "image \"<input>\": <what is wrong>" in err:
 * an empty string, upper case in the path, bad characters, a bad tag
 * ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), a digest that is not sha256 with 64
 * lowercase hex digits (other algorithms refused by name), a name over 255
 * characters once normalised, and a string of 64 hex digits alone
 * (ambiguous with an image ID, as docker refuses).  *out is zeroed first. */
int img_ref_parse(const char *s, struct img_ref *out, struct b_err *err);

/* "docker.io/library/nginx:latest", "x@sha256:…", "x:1.2@sha256:…";
 * cut to fit size (IMG_REF_MAX + 1 always fits). */
void img_ref_format(const struct img_ref *r, char *buf, size_t size);

/* The repository without tag or digest: "docker.io/library/nginx". */
void img_ref_name(const struct img_ref *r, char *buf, size_t size);

/* A pod `image` that names a local root filesystem directory rather than a
 * reference: it starts with "/", "./" or "../", or is exactly "." or "..". */
bool img_is_local_path(const char *image);

enum img_pull_policy { IMG_PULL_ALWAYS, IMG_PULL_IF_NOT_PRESENT, IMG_PULL_NEVER };

/* Kubernetes' default imagePullPolicy for the reference as the user wrote
 * it: Always when its tag is "latest" or it has neither tag nor digest
 * (busybox, busybox:latest, busybox:latest@sha256:…), IfNotPresent
 * otherwise (busybox:1.36, busybox@sha256:…), and IfNotPresent for a
 * string that does not parse, as the API server's defaulting does. */
enum img_pull_policy img_default_pull_policy(const char *written);

/* "Always", "IfNotPresent", "Never"; "?" for anything else. */
const char *img_pull_policy_name(enum img_pull_policy p);
