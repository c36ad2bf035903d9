/* berth image pull [--tls-verify=false] [--platform OS/ARCH] [--authfile F] REF */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/image_cmds.h"
#include "cmd/opts.h"
#include "images/pull.h"
#include "images/record.h"

static int tls_option(struct cli *cli, const struct command *c, const char *v, enum img_tls *tls)
{
	if (!v || !strcmp(v, "true"))
		*tls = IMG_TLS_VERIFY;
	else if (!strcmp(v, "false"))
		*tls = IMG_TLS_OFF;
	else
		return cli_usage(cli, c, "--tls-verify: expected true or false, not \"%s\"", v);
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
	struct img_plat want;
	struct img_pull_opts o = { .want = &want, .progress_fd = isatty(2) ? 2 : -1,
				   .registries_conf = getenv("CONTAINERS_REGISTRIES_CONF") };
	const char *platform = NULL;
	CLI_ARGS a = { 0 };
	bool quiet = false;
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == OPT_TLS_VERIFY && tls_option(cli, c, a.arg, &o.tls))
			return 1;
		else if (k == OPT_PLATFORM)
			platform = a.arg;
		else if (k == OPT_AUTHFILE)
			o.authfile = a.arg;
		else if (k == 'q')
			quiet = true;
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 1, "one image reference"))
		return a.rc;
	if (quiet)
		o.progress_fd = -1;
	if (image_platform(cli, platform, &want))
		return 1;
	return pull(cli, a.pos[0], &o, quiet);
}
