/* Pulling: skopeo (the containers/image library podman and CRI-O use, so
 * registries.conf, mirrors, auth files, certificates and the signature
 * policy all apply as they do for podman) copies the image into an OCI
 * layout under the store's tmp/, which is then imported like a loaded
 * layout (import.h): every blob verified, every layer unpacked once. */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "images/import.h"
#include "images/platform.h"
#include "images/ref.h"
#include "images/store.h"

enum img_tls { IMG_TLS_DEFAULT, IMG_TLS_VERIFY, IMG_TLS_OFF };

struct img_pull_opts {
	const struct img_plat *want;   /* the platform to pick from an index */
	enum img_tls tls;              /* DEFAULT: registries.conf decides (insecure registries) */
	const char *authfile;          /* NULL: skopeo's default locations */
	/* registries.conf to use instead of the system's (the caller passes
	 * $CONTAINERS_REGISTRIES_CONF, which skopeo 1.9 does not read itself) */
	const char *registries_conf;
	const char *skopeo;            /* NULL: "skopeo" from PATH */
	int timeout_s;                 /* 0: 600 */
	int progress_fd;               /* skopeo's progress goes there; -1: quiet */
};

/* Pull `ref` (normalised) and import it; out->name is the reference.  The
 * caller records it (record.h).  skopeo's own error text ends up in err. */
int img_pull(struct img_store *s, const struct img_ref *ref, const struct img_pull_opts *o,
	     struct img_imported *out, struct b_err *err);
