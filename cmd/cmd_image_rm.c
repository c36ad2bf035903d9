/* berth image inspect | rm | prune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/image_cmds.h"
#include "cmd/opts.h"
#include "common/cleanup.h"
#include "images/record.h"

static int inspect_one(struct img_store *s, const char *text, const struct img_info *v, size_t n,
		       bool first, struct b_err *err)
{
	__attribute__((cleanup(img_manifest_freep))) struct img_manifest *m = NULL;
	__attribute__((cleanup(img_config_freep))) struct img_config *c = NULL;
	_cleanup_free_ char *json = NULL;
	char id[IMG_DIGEST_SIZE];
	size_t i;
	int r;

	if ((r = img_image_resolve(s, text, id, err)) < 0 || (r = img_image_read(s, id, &m, &c, err)) < 0)
		return r;
	for (i = 0; i < n && strcmp(v[i].id, id); i++)
		;
	if (i == n)
		return b_err_set(err, ENOENT, "image %s: not in the store", text);
	if (!(json = image_inspect_json(&v[i], m, c)))
		return b_err_set(err, ENOMEM, "image %s: writing its JSON", text);
	printf("%s%s", first ? "" : ",\n", json);
	return 0;
}

int image_inspect(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	struct img_info *v = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	size_t n;
	int r = 0;

	if (cli_simple(&a, cli, c, argc, argv, 1, -1, "one or more images"))
		return a.rc;
	if (image_store_open(cli, &s, IMG_STORE_SHARED))
		return 1;
	if (img_image_list(&s, &v, &n, &err) < 0)
		return cli_error(cli, &err);
	printf("[\n");
	for (int i = 0; i < a.npos && r >= 0; i++)
		r = inspect_one(&s, a.pos[i], v, n, i == 0, &err);
	printf("\n]\n");
	img_info_free(v, n);
	return r < 0 ? cli_error(cli, &err) : 0;
}

int image_rm(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	struct img_gc_stats st;
	int untagged, failed = 0;
	CLI_ARGS a = { 0 };

	if (cli_simple(&a, cli, c, argc, argv, 1, -1, "one or more images"))
		return a.rc;
	if (image_store_open(cli, &s, IMG_STORE_EXCLUSIVE))
		return 1;
	for (int i = 0; i < a.npos; i++) {
		struct b_err err = { 0 };
		if (img_image_remove(&s, a.pos[i], &untagged, &st, &err) < 0) {
			failed = cli_error(cli, &err);
			continue;
		}
		printf("%s: %s\n", untagged ? "Untagged" : "Deleted", a.pos[i]);
	}
	return failed;
}

int image_prune(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	struct img_gc_stats st;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	bool all = false;
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	/* podman's -f (no prompt) is accepted: berth never prompts */
	while ((k = cli_next(&a)) > 0)
		all = all || k == 'a';
	if (k == CLI_EXIT || cli_want_pos(&a, 0, 0, "no arguments"))
		return a.rc;
	if (image_store_open(cli, &s, IMG_STORE_EXCLUSIVE))
		return 1;
	if (img_prune(&s, all, &st, &err) < 0)
		return cli_error(cli, &err);
	printf("removed %zu images, %zu layers, %zu blobs (%llu bytes)\n", st.images, st.layers,
	       st.blobs, (unsigned long long)st.bytes);
	return 0;
}
