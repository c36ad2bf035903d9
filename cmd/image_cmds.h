/* `berth image` subcommands, split by concern across cmd_image*.c. */
#pragma once

#include "cmd/cli.h"
#include "images/platform.h"
#include "images/record.h"
#include "images/store.h"

/* <--image-root>/images */
void image_store_path(const struct cli *cli, char *buf, size_t size);
/* Open the store, reporting a failure (returns 1 then, 0 when open). */
int image_store_open(struct cli *cli, struct img_store *s, enum img_store_mode mode);
/* Progress lines on stderr when it is a terminal and not quiet. */
void image_progress(struct img_store *s, bool quiet);
/* --platform OS/ARCH[/VARIANT], or the host's when text is NULL; 1 on error. */
int image_platform(struct cli *cli, const char *text, struct img_plat *want);

int image_load(struct cli *cli, const struct command *c, int argc, char **argv);
int image_ls(struct cli *cli, const struct command *c, int argc, char **argv);
int image_inspect(struct cli *cli, const struct command *c, int argc, char **argv);
int image_rm(struct cli *cli, const struct command *c, int argc, char **argv);
int image_prune(struct cli *cli, const struct command *c, int argc, char **argv);
int image_pull(struct cli *cli, const struct command *c, int argc, char **argv);

/* The JSON of `image inspect` for one image (malloc'ed, NULL on ENOMEM). */
char *image_inspect_json(const struct img_info *v, const struct img_manifest *m,
			 const struct img_config *c);
