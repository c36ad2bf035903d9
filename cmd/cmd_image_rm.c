/* berth image inspect | rm | prune. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/image_cmds.h"
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
	size_t n;
	int r = 0;

	if (argc < 2)
		return cli_usage(cli, c, "inspect: expected one or more images");
	if (image_store_open(cli, &s, IMG_STORE_SHARED))
		return 1;
	if (img_image_list(&s, &v, &n, &err) < 0)
		return cli_error(cli, &err);
	printf("[\n");
	for (int i = 1; i < argc && r >= 0; i++)
		r = inspect_one(&s, argv[i], v, n, i == 1, &err);
	printf("\n]\n");
	img_info_free(v, n);
	return r < 0 ? cli_error(cli, &err) : 0;
}

int image_rm(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	struct img_gc_stats st;
	int untagged, failed = 0;

	if (argc < 2)
		return cli_usage(cli, c, "rm: expected one or more images");
	if (image_store_open(cli, &s, IMG_STORE_EXCLUSIVE))
		return 1;
	for (int i = 1; i < argc; i++) {
		struct b_err err = { 0 };
		if (img_image_remove(&s, argv[i], &untagged, &st, &err) < 0) {
			failed = cli_error(cli, &err);
			continue;
		}
		printf("%s: %s\n", untagged ? "Untagged" : "Deleted", argv[i]);
	}
	return failed;
}

int image_prune(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ 0 },
	};
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	struct img_gc_stats st;
	struct b_err err = { 0 };
	bool all = false;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+af", opts, NULL)) != -1) {
		if (ch == 'a')
			all = true;
		else if (ch != 'f')   /* podman's -f (no prompt): berth never prompts */
			return cli_usage(cli, c, "prune: unknown option %s", argv[optind - 1]);
	}
	if (argc != optind)
		return cli_usage(cli, c, "prune: no arguments");
	if (image_store_open(cli, &s, IMG_STORE_EXCLUSIVE))
		return 1;
	if (img_prune(&s, all, &st, &err) < 0)
		return cli_error(cli, &err);
	printf("removed %zu images, %zu layers, %zu blobs (%llu bytes)\n", st.images, st.layers,
	       st.blobs, (unsigned long long)st.bytes);
	return 0;
}
