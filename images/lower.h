/* An image's layers as the lower stack of an overlay mount
 * (docs/design/image-facts.md §7).  Layers are stacked by one fsconfig
 * "lowerdir+" call each (Linux 6.8+), so there is no option-length limit
 * up to overlayfs' 500 layers; older kernels get the legacy mount(2)
 * option string, with layer names relative to the store's layers/ when
 * full paths do not fit in its page. */
#pragma once

#include "common/error.h"
#include "images/store.h"
#include "specs/image.h"

/* Mount at `target` an overlay of the image's layers (top layer first, as
 * overlayfs reads them) under upper/work.  The layers must be present and
 * stay so while mounted (pin the image: record.h). */
int img_overlay_mount(struct img_store *s, const struct img_config *c, const char *upper,
		      const char *work, const char *target, struct b_err *err);
