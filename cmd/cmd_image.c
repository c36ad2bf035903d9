/* berth image: the image store from the command line (docs/images.md). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/image_cmds.h"
#include "cmd/opts.h"
#include "common/cleanup.h"
#include "images/load.h"
#include "images/record.h"

void image_store_path(const struct cli *cli, char *buf, size_t size)
{
	snprintf(buf, size, "%s/images", cli->image_root);
}

int image_store_open(struct cli *cli, struct img_store *s, enum img_store_mode mode)
{
	char path[4096];
	struct b_err err = { 0 };

	image_store_path(cli, path, sizeof(path));
	if (img_store_open(s, path, mode, &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

/* On a terminal: one line rewritten in place per import. */
static void progress_line(void *arg, const struct img_progress *p)
{
	(void)arg;
	fprintf(stderr, "\r\033[Kunpacking layer %zu/%zu, %.1f MB", p->layer + (p->layer < p->n_layers),
		p->n_layers, (double)p->bytes / 1e6);
	if (p->layer == p->n_layers)
		fputc('\n', stderr);
}

void image_progress(struct img_store *s, bool quiet)
{
	if (!quiet && isatty(2))
		s->progress = progress_line;
}

/* Loaded images are recorded and named as they come. */
static int loaded(void *arg, const struct img_imported *im, const char *const *names,
		  size_t n_names, struct b_err *err)
{
	struct img_store *s = arg;
	int r = img_image_add(s, im, names, n_names, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n_names; i++)
		printf("Loaded image: %s\n", names[i]);
	if (!n_names)
		printf("Loaded image: %s\n", im->id);
	fflush(stdout);
	return 0;
}

static int load_path(struct img_store *s, const char *path, const struct img_plat *want,
		     struct b_err *err)
{
	struct stat st;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : fcntl(0, F_DUPFD_CLOEXEC, 3);
	int r;

	if (fd < 0 || fstat(fd, &st) < 0) {
		r = b_err_sys(err, errno, "%s", path);
		if (fd >= 0)
			close(fd);
		return r;
	}
	if (S_ISDIR(st.st_mode))
		r = img_load_layout(s, fd, want, loaded, s, err);
	else
		r = img_load_archive(s, fd, want, loaded, s, err);
	close(fd);
	if (r < 0)
		b_err_prefix(err, "loading %s", strcmp(path, "-") ? path : "standard input");
	return r;
}

int image_load(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	const char *path = NULL, *platform = NULL;
	bool quiet = false;
	struct img_plat want;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'i')
			path = a.arg;
		else if (k == 'q')
			quiet = true;
		else if (k == OPT_PLATFORM)
			platform = a.arg;
	if (k == CLI_EXIT)
		return a.rc;
	if (!path && a.npos == 1)
		path = a.pos[0];
	else if (a.npos != 0 || !path)
		return cli_usage(cli, c, "expected one FILE, DIR or - (standard input)");
	if (image_platform(cli, platform, &want))
		return 1;
	if (image_store_open(cli, &s, IMG_STORE_SHARED))
		return 1;
	image_progress(&s, quiet);
	if (load_path(&s, path, &want, &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

int image_platform(struct cli *cli, const char *text, struct img_plat *want)
{
	struct b_err err = { 0 };

	if (!text) {
		img_platform_host(want);
		return 0;
	}
	if (img_platform_parse(text, want, &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

