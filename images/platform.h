/* Platforms (os/arch/variant): normalised and matched the way containerd's
 * platforms package does, so that berth picks from an image index what
 * containerd would (docs/design/image-facts.md §2).  Pure logic apart from
 * img_platform_host()'s uname(2). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "specs/image.h"

/* Normalised and lower case; variant "" when there is none (which is also
 * the normal form of amd64/v1 and arm64/v8). */
struct img_plat {
	char os[32];
	char arch[32];
	char variant[16];
};

/* "linux/amd64", "linux/arm64/v8", "linux/arm/v7": OS/ARCH[/VARIANT],
 * each part non-empty, of [A-Za-z0-9_.-], fitting its field; normalised.
 * -EINVAL with "platform \"<input>\": <what is wrong>" otherwise.  Any
 * OS is accepted here: whether berth can run it is the caller's call. */
int img_platform_parse(const char *s, struct img_plat *out, struct b_err *err);

/* Fill and normalise from separate strings (an index entry's platform, an
 * image config); variant may be NULL.  False, with *out zeroed, when os or
 * arch is NULL or empty or a part does not fit: no real platform is that
 * long, so such a one matches nothing. */
bool img_platform_set(struct img_plat *out, const char *os, const char *arch,
		      const char *variant);

/* In place: lower case; x86_64/x86-64 -> amd64 (v1 -> none); i386 -> 386;
 * aarch64 -> arm64 (8, v8, v8.0 -> none; 9, 9.0, v9.0 -> v9); armhf ->
 * arm/v7; armel -> arm/v6; arm "" or 7 -> v7, 5/6/8 -> v5/v6/v8. */
void img_platform_normalize(struct img_plat *p);

/* The platform of a Linux machine named as uname(2)'s `machine` names it
 * ("x86_64", "aarch64", "armv7l", "i686", ...), normalised. */
void img_platform_from_machine(const char *machine, struct img_plat *out);

/* This host: os "linux" and uname(2)'s machine. */
void img_platform_host(struct img_plat *out);

/* How well a candidate (os, arch, variant: an index entry's platform, not
 * yet normalised; variant may be NULL) suits `want`, as containerd's
 * Only(): 0 for the same normalised platform, then in order of
 * preference the ones `want` can also run (arm64/v8.x: v8.(x-1) .. v8;
 * arm64/v9.x: v9.(x-1) .. v9, v8.(x+5) .. v8; then any arm64: arm/v8 ..
 * v5; arm/vN: vN-1 .. v5; amd64/vN: vN-1 .. v1).  Lower is better; -1
 * when want cannot run it (or os or arch is NULL). */
int img_platform_rank(const struct img_plat *want, const char *os, const char *arch,
		      const char *variant);

/* The entry of x->manifests to pull for want: among entries whose media
 * type is a manifest type, the best ranked (the first of equals); when
 * none matches, the first manifest entry with no platform at all, as
 * containers/image does; -1 when there is neither. */
long img_platform_choose(const struct img_index *x, const struct img_plat *want);

/* "linux/amd64", "linux/arm/v7"; cut to fit size (64 always fits). */
void img_platform_format(const struct img_plat *p, char *buf, size_t size);
