/* `berth image load` of a docker-archive or oci-archive (images/archive.c,
 * images/load.c, then images/import.c and the layer unpacker): the whole
 * tar, plain or gzip/zstd-compressed, comes from whoever made the file.
 *
 * Input: the archive itself.  It reaches img_load_archive through a pipe,
 * as from `docker save | berth image load`: one pass, no seeking.  The
 * store is a private one under /dev/shm (or $TMPDIR), opened once; after
 * each input its content directories are emptied so runs stay independent
 * and the disk does not fill.  The platform wanted is linux/amd64 whatever
 * the host, so the committed seeds load everywhere.  RLIMIT_FSIZE caps
 * each file the loader writes (a compressed member or layer that inflates
 * without bound then fails with EFBIG instead of filling tmpfs).
 * FUZZ_ARCHIVE_VERBOSE=1 prints each input's outcome (the loader's error
 * message or "loaded"), to see how far seeds and crashes get.
 *
 * Properties (from images/load.h and images/store.h):
 *  - a failure has a message; a success called the callback at least once;
 *  - each image reported has a valid manifest and config digest, both
 *    stored under blobs/, 1..500 layers, and names that are normalised
 *    references (each formats back to itself), names[0] being im->name;
 *  - afterwards the store's tmp/ holds only what was there before: a
 *    canary standing for another holder's half-written blob, untouched
 *    (the loader removes its own directory on every path, the import its
 *    half-written blobs and layers, and nobody else's); the store root
 *    holds only its own entries; the directory around the store holds
 *    only the store and a canary file, untouched; no descriptor is left
 *    open;
 *  - every blobs/sha256/<hex> is a regular file whose content hashes to
 *    <hex>, and every layers/<hex> a directory: a name there always
 *    means complete and verified. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#include "common/fsutil.h"
#include "images/load.h"
#include "images/ref.h"

/* A real archive seed is a few KiB; room for the mutator, and under the
 * pipe size set below so the whole input is written before the load. */
#define FUZZ_MAX_INPUT (256 * 1024)
#define PIPE_SIZE (1024 * 1024)
/* Per file the loader writes: far above any input's honest content. */
#define FILE_MAX (32ull << 20)

static char base[128];   /* private, root-owned, 0700: "store" and a canary */
static int base_fd = -1;
static char store_path[160];
static struct img_store store = { .dir = -1, .lock_fd = -1 };
static struct img_plat want;

#define CANARY "canary"
#define CANARY_TEXT "another holder's content\n"

static const char *const store_entries[] = { "blobs", "layers", "locks", "tmp", "images", "lock" };
static const char *const content_dirs[] = { "blobs", "layers", "locks", "tmp", "images" };

static void put_canary(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || b_write_all(fd, CANARY_TEXT, strlen(CANARY_TEXT)) < 0)
		abort();
	close(fd);
}

static void cleanup(void)
{
	img_store_close(&store);
	if (base_fd >= 0)
		close(base_fd);
	if (base[0])
		b_rm_rf(base);
}

/* A crash ends the process without atexit: the directories of harness
 * processes that are gone ("berth-fuzz-archive.<pid>.XXXXXX") are removed
 * by the next one. */
static void sweep_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[256];
	long pid;

	while (d && (de = readdir(d))) {
		if (sscanf(de->d_name, "berth-fuzz-archive.%ld.", &pid) != 1 || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* not one, or its process is alive */
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		b_rm_rf(p);
	}
	if (d)
		closedir(d);
}

static void setup(void)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	struct b_err err = { 0 };
	struct rlimit rl = { FILE_MAX, FILE_MAX };

	dir = dir ? dir : "/tmp";
	sweep_stale(dir);
	snprintf(base, sizeof(base), "%s/berth-fuzz-archive.%d.XXXXXX", dir, (int)getpid());
	if (!mkdtemp(base))
		abort();
	atexit(cleanup);
	if ((base_fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		abort();
	put_canary(base_fd, CANARY);
	snprintf(store_path, sizeof(store_path), "%s/store", base);
	if (img_store_open(&store, store_path, IMG_STORE_SHARED, &err) < 0) {
		fprintf(stderr, "fuzz_image_archive: %s (the store must be root-owned: run as root)\n",
			err.msg);
		abort();
	}
	if (!img_platform_set(&want, "linux", "amd64", NULL))
		abort();
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		abort();
}

/* Entries of the directory `name` beneath `at` (AT_FDCWD: a path),
 * "." and ".." aside; each passed to fn when not NULL. */
static size_t list(int at, const char *name, void (*fn)(int dfd, const char *entry))
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t n = 0;

	if (!d) {
		fprintf(stderr, "fuzz_image_archive: listing %s: %s\n", name, strerror(errno));
		FUZZ_CHECK(!"the directories the harness made are still there");
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		if (fn)
			fn(dirfd(d), de->d_name);
	}
	closedir(d);
	return n;
}

static int open_fds(void)
{
	return (int)list(AT_FDCWD, "/proc/self/fd", NULL) - 1; /* the listing's own */
}

static bool is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static void check_store_entry(int dfd, const char *entry)
{
	(void)dfd;
	for (size_t i = 0; i < sizeof(store_entries) / sizeof(store_entries[0]); i++)
		if (!strcmp(entry, store_entries[i]))
			return;
	fprintf(stderr, "store root: unexpected entry \"%s\"\n", entry);
	FUZZ_CHECK(!"the store root holds only its own entries");
}

/* The canary `name` beneath dirfd holds CANARY_TEXT still. */
static void check_canary(int dirfd, const char *name)
{
	char *text = NULL;
	size_t len;

	FUZZ_CHECK(b_read_file_at(dirfd, name, 4096, &text, &len) == 0);
	FUZZ_CHECK(len == strlen(CANARY_TEXT) && !memcmp(text, CANARY_TEXT, len));
	free(text);
}

static void check_tmp_entry(int dfd, const char *entry)
{
	(void)dfd;
	if (strcmp(entry, CANARY)) {
		fprintf(stderr, "store tmp/: \"%s\" left behind\n", entry);
		FUZZ_CHECK(!"the loader leaves nothing in tmp/");
	}
}

static void check_base_entry(int dfd, const char *entry)
{
	(void)dfd;
	if (strcmp(entry, "store") && strcmp(entry, CANARY)) {
		fprintf(stderr, "%s: unexpected entry \"%s\"\n", base, entry);
		FUZZ_CHECK(!"nothing is created beside the store");
	}
}

static char *buf;

static void check_blob(int dfd, const char *entry)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[65];
	struct stat st;
	ssize_t n;

	FUZZ_CHECK(is_hex64(entry));
	int fd = openat(dfd, entry, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FUZZ_CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	sha256_init(&c);
	while ((n = read(fd, buf, 1 << 16)) > 0)
		sha256_update(&c, (size_t)n, (const uint8_t *)buf);
	FUZZ_CHECK(n == 0);
	close(fd);
	sha256_digest(&c, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	FUZZ_CHECK(!strcmp(hex, entry));
}

static void check_layer(int dfd, const char *entry)
{
	struct stat st;

	FUZZ_CHECK(is_hex64(entry));
	FUZZ_CHECK(fstatat(dfd, entry, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode));
}

static bool blob_stored(const char *digest)
{
	char name[128];

	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	return faccessat(store.dir, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static size_t images_seen;
/* $FUZZ_ARCHIVE_VERBOSE set: one line per input, the loader's outcome. */
static bool verbose;

static int loaded(void *arg, const struct img_imported *im, const char *const *names,
		  size_t n_names, struct b_err *err)
{
	struct img_ref ref;
	struct b_err ignored = { 0 };
	char again[IMG_REF_MAX + 1];

	(void)arg;
	(void)err;
	images_seen++;
	FUZZ_CHECK(img_digest_valid(im->id) && img_digest_valid(im->config));
	FUZZ_CHECK(blob_stored(im->id) && blob_stored(im->config));
	FUZZ_CHECK(im->n_layers >= 1 && im->n_layers <= 500);
	FUZZ_CHECK(n_names == 0 || !strcmp(im->name, names[0]));
	FUZZ_CHECK(n_names > 0 || !im->name[0]);
	for (size_t i = 0; i < n_names; i++) {
		FUZZ_CHECK(names[i] && names[i][0]);
		FUZZ_CHECK(img_ref_parse(names[i], &ref, &ignored) == 0);
		img_ref_format(&ref, again, sizeof(again));
		FUZZ_CHECK(!strcmp(again, names[i]));
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(names[i], names[j]));
	}
	return 0;
}

/* Empty the content directories: each run starts from an empty store. */
static void reset(void)
{
	for (size_t i = 0; i < sizeof(content_dirs) / sizeof(content_dirs[0]); i++) {
		if (b_rm_rf_at(store.dir, content_dirs[i]) < 0 ||
		    mkdirat(store.dir, content_dirs[i], 0700) < 0)
			abort();
	}
	if (mkdirat(store.dir, "blobs/sha256", 0700) < 0 ||
	    mkdirat(store.dir, "tmp/" CANARY, 0700) < 0)
		abort();
	put_canary(store.dir, "tmp/" CANARY "/blob");
}

/* The input into a pipe big enough to hold it all, write end closed:
 * the loader reads to EOF without a writer process. */
static int feed(const uint8_t *data, size_t size)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		abort();
	if (fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE) < PIPE_SIZE / 2 ||
	    (size && b_write_all(p[1], data, size) < 0))
		abort();
	close(p[1]);
	return p[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct b_err err = { 0 };
	int r, fds;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (!base[0]) {
		setup();
		if (!(buf = malloc(1 << 16)))
			abort();
		verbose = getenv("FUZZ_ARCHIVE_VERBOSE") != NULL;
		reset();
	}
	int in = feed(data, size);
	fds = open_fds();
	images_seen = 0;
	r = img_load_archive(&store, in, &want, loaded, NULL, &err);
	FUZZ_CHECK(open_fds() == fds);
	close(in);

	fuzz_check_result(r, &err);
	FUZZ_CHECK(r < 0 || images_seen >= 1);
	if (verbose)
		fprintf(stderr, "fuzz_image_archive: %zu bytes: %s\n", size,
			r < 0 ? err.msg : "loaded");
	list(store.dir, "tmp", check_tmp_entry);
	FUZZ_CHECK(list(store.dir, "tmp/" CANARY, NULL) == 1);
	check_canary(store.dir, "tmp/" CANARY "/blob");
	list(store.dir, ".", check_store_entry);
	list(AT_FDCWD, base, check_base_entry);
	check_canary(base_fd, CANARY);
	FUZZ_CHECK(list(store.dir, "blobs", NULL) == 1);
	list(store.dir, "blobs/sha256", check_blob);
	list(store.dir, "layers", check_layer);
	reset();
	return 0;
}
