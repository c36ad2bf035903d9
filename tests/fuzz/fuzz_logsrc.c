/* `berth pod logs` / `pod events` reading a container's log files
 * (supervisor/logread.c): the rotated files c.log.N ... c.log.1 then c.log, whose
 * content is what the container printed (CRI records) or the event lines.
 * logsrc works on files, so each input is written to a private directory
 * under /dev/shm (or $TMPDIR) and read back through logsrc_open/peek/pop,
 * first as a follower would (final = false), then to the end.
 *
 * Input: byte 0 holds flags (bit 0: CRI records, else plain lines); the
 * rest is split at form feeds into up to three files, oldest first.
 *
 * Properties: every record's message is NUL-terminated and has no newline;
 * the records never hold more text than the files do; and for plain lines
 * the records are exactly the files' lines (an unterminated last line of a
 * file is a line of its own). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "fuzz.h"

#include "supervisor/logread.h"

/* Two read chunks (64 KiB each) and a bit: lines across a chunk end. */
#define FUZZ_MAX_INPUT (160 * 1024)
#define MAX_FILES 3

static char dir[64];

static void cleanup_dir(void)
{
	char p[128];

	for (int i = 0; i < MAX_FILES; i++) {
		snprintf(p, sizeof(p), i ? "%s/c.log.%d" : "%s/c.log", dir, i);
		unlink(p);
	}
	rmdir(dir);
}

static void make_dir(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/berth-fuzz-logsrc.XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup_dir);
}

static void write_file(const char *path, const char *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		abort();
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			abort();
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

struct expect {
	const char *p;      /* the files' text, pieces separated by '\f' */
	size_t len, off;
	size_t total;       /* message bytes seen */
	bool plain;
};

/* Next plain line of the input, as logsrc should return it. */
static bool next_plain(struct expect *e, const char **line, size_t *len)
{
	while (e->off < e->len && e->p[e->off] == '\f')
		e->off++;   /* empty files, and file ends right after a newline */
	if (e->off >= e->len)
		return false;
	*line = e->p + e->off;
	for (*len = 0; e->off < e->len && e->p[e->off] != '\n' && e->p[e->off] != '\f'; e->off++)
		++*len;
	if (e->off < e->len && e->p[e->off] == '\n')
		e->off++;
	return true;
}

static void check_record(struct expect *e, const struct log_rec *r)
{
	const char *line;
	size_t len;

	FUZZ_CHECK(r->msg.len == 0 || (r->msg.p && r->msg.p[r->msg.len] == '\0'));
	FUZZ_CHECK(!r->msg.len || !memchr(r->msg.p, '\n', r->msg.len));
	FUZZ_CHECK(memchr(r->ts, '\0', sizeof(r->ts)) != NULL);
	e->total += r->msg.len;
	FUZZ_CHECK(e->total <= e->len);
	if (!e->plain)
		return;
	FUZZ_CHECK(next_plain(e, &line, &len));
	FUZZ_CHECK(r->msg.len == len && (!len || !memcmp(r->msg.p, line, len)));
}

static void drain(struct logsrc *s, bool final, struct expect *e)
{
	struct b_err err = { 0 };
	int r;

	while ((r = logsrc_peek(s, final, &err)) > 0) {
		check_record(e, &s->head);
		logsrc_pop(s);
	}
	fuzz_check_result(r, &err);
	FUZZ_CHECK(r == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	const char *piece[MAX_FILES];
	size_t plen[MAX_FILES], n = 0;
	struct logsrc s;
	struct b_err err = { 0 };
	struct expect e;
	char path[128];
	const char *line;
	size_t len;
	int r;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	if (!dir[0])
		make_dir();
	/* Split at form feeds: the last piece takes any further ones. */
	while (n < MAX_FILES - 1 && p < end) {
		const char *ff = memchr(p, '\f', (size_t)(end - p));

		if (!ff)
			break;
		piece[n] = p;
		plen[n++] = (size_t)(ff - p);
		p = ff + 1;
	}
	piece[n] = p;
	plen[n++] = (size_t)(end - p);
	for (int i = 0; i < MAX_FILES; i++) {
		snprintf(path, sizeof(path), i ? "%s/c.log.%d" : "%s/c.log", dir, i);
		unlink(path);
	}
	/* piece 0 is the oldest: c.log.(n-1); the last piece is c.log. */
	for (size_t i = 0; i < n; i++) {
		size_t num = n - 1 - i;

		snprintf(path, sizeof(path), num ? "%s/c.log.%zu" : "%s/c.log", dir, num);
		write_file(path, piece[i], plen[i]);
	}

	e = (struct expect){ .p = (const char *)data + 1, .len = size - 1, .plain = !(data[0] & 1) };
	/* A '\f' inside the last piece is text there, not a file end: the
	 * plain-line model only holds without one. */
	if (memchr(piece[n - 1], '\f', plen[n - 1]))
		e.plain = false;
	r = logsrc_open(&s, dir, "c.log", "c", data[0] & 1, &err);
	if (r < 0)
		fprintf(stderr, "logsrc_open: %s\n", err.msg);
	FUZZ_CHECK(r == 0);
	drain(&s, false, &e);
	drain(&s, true, &e);
	if (e.plain)
		FUZZ_CHECK(!next_plain(&e, &line, &len));
	logsrc_free(&s);
	return 0;
}
