/* berth image pull [--tls-verify=false] [--platform OS/ARCH] [--authfile F] REF */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/image_cmds.h"
#include "images/pull.h"
#include "images/record.h"

static int tls_option(struct cli *cli, const struct command *c, const char *v, enum img_tls *tls)
{
	if (!v || !strcmp(v, "true"))
		*tls = IMG_TLS_VERIFY;
	else if (!strcmp(v, "false"))
		*tls = IMG_TLS_OFF;
	else
		return cli_usage(cli, c, "pull: --tls-verify: expected true or false, not \"%s\"", v);
	return 0;
}

/* Pull and record `text`; shared with `pod run`'s pull policy through
 * the library, this is the command-line face. */
static int pull(struct cli *cli, const char *text, struct img_pull_opts *o, bool quiet)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	const char *name_list[1];
	struct img_imported im;
	struct img_ref ref;
	struct b_err err = { 0 };
	char name[IMG_REF_MAX + 1];

	if (img_ref_parse(text, &ref, &err) < 0)
		return cli_error(cli, &err);
	img_ref_format(&ref, name, sizeof(name));
	if (image_store_open(cli, &s, IMG_STORE_SHARED))
		return 1;
	image_progress(&s, quiet);
	if (!quiet && o->progress_fd >= 0)
		fprintf(stderr, "Trying to pull %s...\n", name);
	if (img_pull(&s, &ref, o, &im, &err) < 0)
		return cli_error(cli, &err);
	name_list[0] = name;
	if (img_image_add(&s, &im, name_list, 1, &err) < 0)
		return cli_error(cli, &err);
	if (!quiet && o->progress_fd >= 0)
		fprintf(stderr, "%s: %zu layers, %llu bytes unpacked\n", name, im.n_layers,
			(unsigned long long)im.bytes);
	printf("%s\n", im.id);
	return 0;
}

int image_pull(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tls-verify", optional_argument, NULL, 't' },
		{ "platform", required_argument, NULL, 'p' },
		{ "authfile", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	struct img_plat want;
	struct img_pull_opts o = { .want = &want, .progress_fd = isatty(2) ? 2 : -1,
				   .registries_conf = getenv("CONTAINERS_REGISTRIES_CONF") };
	const char *platform = NULL;
	bool quiet = false;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
		if (ch == 't' && tls_option(cli, c, optarg, &o.tls))
			return 1;
		else if (ch == 'p')
			platform = optarg;
		else if (ch == 'a')
			o.authfile = optarg;
		else if (ch == 'q')
			quiet = true;
		else if (ch == '?')
			return cli_usage(cli, c, "pull: unknown option %s", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage(cli, c, "pull: expected one image reference");
	if (quiet)
		o.progress_fd = -1;
	if (image_platform(cli, platform, &want))
		return 1;
	return pull(cli, argv[optind], &o, quiet);
}
