/* Platform normalisation and matching (images/platform.h): containerd's
 * rules, restated.  A wanted platform expands into the list of platforms
 * it can run, best first (its "vector"); a candidate's rank is its place
 * in that list. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "images/platform.h"

/* How much of an input a message quotes, in bytes. */
#define QUOTE_MAX 64
#define QUOTE_BUF (QUOTE_MAX * 4 + 4)
/* Variant numbers beyond these name no real CPU: such a variant matches
 * itself only, and the vector stays small. */
#define MAJOR_MAX 9
#define MINOR_MAX 15
/* arm64/v9.15: 15 + 21 arm64 variants, 4 arm ones, the exact one. */
#define VECTOR_MAX 48

/* One platform a wanted one can run, in normal form (same os). */
struct alt {
	const char *arch;
	char variant[sizeof(((struct img_plat *)0)->variant)];
};

struct vector {
	struct alt a[VECTOR_MAX];
	size_t n;
};

static bool is(const char *s, const char *lit)
{
	return strcmp(s, lit) == 0;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only: platform names are, and the locale must not matter. */
static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* ---- normalisation -------------------------------------------------------- */

static void normalize_arm64(char *v)
{
	if (is(v, "8") || is(v, "v8") || is(v, "v8.0"))
		v[0] = '\0';
	else if (is(v, "9") || is(v, "9.0") || is(v, "v9.0"))
		strcpy(v, "v9");
}

static void normalize_arm(char *v)
{
	if (is(v, "") || is(v, "7")) {
		strcpy(v, "v7");
	} else if (is(v, "5") || is(v, "6") || is(v, "8")) {
		v[1] = v[0];
		v[0] = 'v';
		v[2] = '\0';
	}
}

void img_platform_normalize(struct img_plat *p)
{
	char *a = p->arch, *v = p->variant;

	lower(p->os);
	lower(a);
	lower(v);
	if (is(a, "x86_64") || is(a, "x86-64") || is(a, "amd64")) {
		strcpy(a, "amd64");
		if (is(v, "v1"))
			v[0] = '\0';
	} else if (is(a, "i386")) {
		strcpy(a, "386");
		v[0] = '\0';
	} else if (is(a, "aarch64") || is(a, "arm64")) {
		strcpy(a, "arm64");
		normalize_arm64(v);
	} else if (is(a, "armhf") || is(a, "armel")) {
		strcpy(v, is(a, "armhf") ? "v7" : "v6");
		strcpy(a, "arm");
	} else if (is(a, "arm")) {
		normalize_arm(v);
	}
}

static bool copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

bool img_platform_set(struct img_plat *out, const char *os, const char *arch,
		      const char *variant)
{
	memset(out, 0, sizeof(*out));
	if (!os || !arch || !os[0] || !arch[0] ||
	    !copy_field(out->os, sizeof(out->os), os) ||
	    !copy_field(out->arch, sizeof(out->arch), arch) ||
	    !copy_field(out->variant, sizeof(out->variant), variant ? variant : "")) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	img_platform_normalize(out);
	return true;
}

/* ---- the host --------------------------------------------------------------- */

/* uname's names that are not already Go's (GOARCH is what images use). */
static const struct {
	const char *machine, *arch;
} machines[] = {
	{ "i486", "386" }, { "i586", "386" }, { "i686", "386" },
	{ "loongarch64", "loong64" }, { "aarch64_be", "arm64be" },
};

void img_platform_from_machine(const char *machine, struct img_plat *out)
{
	const char *arch = machine && machine[0] ? machine : "unknown";
	char variant[8] = "";

	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (is(arch, machines[i].machine))
			arch = machines[i].arch;
	/* armv7l, armv6l, armv5tel, armv8l (32-bit on a 64-bit CPU):
	 * the digit is the variant. */
	if (!strncmp(arch, "armv", 4) && digit(arch[4])) {
		snprintf(variant, sizeof(variant), "v%c", arch[4]);
		arch = "arm";
	}
	if (!img_platform_set(out, "linux", arch, variant))
		img_platform_set(out, "linux", "unknown", NULL);
}

void img_platform_host(struct img_plat *out)
{
	struct utsname u;

	img_platform_from_machine(uname(&u) == 0 ? u.machine : NULL, out);
}

/* ---- the vector -------------------------------------------------------------- */

static void add(struct vector *v, const char *arch, const char *variant)
{
	if (v->n >= VECTOR_MAX)
		return;
	v->a[v->n].arch = arch;
	snprintf(v->a[v->n].variant, sizeof(v->a[v->n].variant), "%s", variant);
	v->n++;
}

/* A decimal number of at most three digits at *s, without a leading
 * zero, *s moved past it; -1 when there is none. */
static int small_number(const char **s)
{
	const char *p = *s;
	int n = 0;

	while (digit(*p) && p - *s < 3)
		n = n * 10 + (*p++ - '0');
	if (p == *s || digit(*p) || (p - *s > 1 && **s == '0'))
		return -1;
	*s = p;
	return n;
}

/* "v<major>" or "v<major>.<minor>" with numbers a CPU could have. */
static bool version_of(const char *s, int *major, int *minor)
{
	*minor = 0;
	if (*s++ != 'v' || (*major = small_number(&s)) < 1 || *major > MAJOR_MAX)
		return false;
	if (*s == '.' && (++s, (*minor = small_number(&s)) < 0 || *minor > MINOR_MAX))
		return false;
	return *s == '\0';
}

/* arm64 variants in normal form: v8.0 is "", v9.0 "v9". */
static void add_arm64(struct vector *v, int major, int minor)
{
	char buf[16] = "";

	if (minor > 0)
		snprintf(buf, sizeof(buf), "v%d.%d", major, minor);
	else if (major != 8)
		snprintf(buf, sizeof(buf), "v%d", major);
	add(v, "arm64", buf);
}

static void add_down(struct vector *v, const char *arch, int from, int to)
{
	char buf[16];

	for (int n = from; n >= to; n--) {
		snprintf(buf, sizeof(buf), "v%d", n);
		add(v, arch, buf);
	}
}

/* v8.x runs v8.(x-1) .. v8; v9.x runs v9.(x-1) .. v9 and, as v9.x
 * contains v8.(x+5), v8.(x+5) .. v8; every arm64 CPU berth knows runs
 * 32-bit arm/v8 .. v5 code. */
static void arm64_alts(struct vector *v, const char *variant)
{
	int major = 8, minor = 0;

	if (variant[0] && (!version_of(variant, &major, &minor) || (major != 8 && major != 9)))
		return;
	for (int m = minor - 1; m >= 0; m--)
		add_arm64(v, major, m);
	if (major == 9)
		for (int m = minor + 5; m >= 0; m--)
			add_arm64(v, 8, m);
	add_down(v, "arm", 8, 5);
}

static void build_vector(const struct img_plat *want, struct vector *v)
{
	int major, minor;

	add(v, want->arch, want->variant);
	if (is(want->arch, "arm64")) {
		arm64_alts(v, want->variant);
	} else if (is(want->arch, "arm")) {
		if (version_of(want->variant, &major, &minor) && minor == 0)
			add_down(v, "arm", major - 1, 5);
	} else if (is(want->arch, "amd64")) {
		/* amd64/v1 is the normal form "", added last. */
		if (version_of(want->variant, &major, &minor) && minor == 0 && major >= 2) {
			add_down(v, "amd64", major - 1, 2);
			add(v, "amd64", "");
		}
	}
}

int img_platform_rank(const struct img_plat *want, const char *os, const char *arch,
		      const char *variant)
{
	struct img_plat w = *want, c;
	struct vector v = { .n = 0 };

	img_platform_normalize(&w);
	if (!img_platform_set(&c, os, arch, variant) || !is(c.os, w.os))
		return -1;
	build_vector(&w, &v);
	for (size_t i = 0; i < v.n; i++)
		if (is(v.a[i].arch, c.arch) && is(v.a[i].variant, c.variant))
			return (int)i;
	return -1;
}

long img_platform_choose(const struct img_index *x, const struct img_plat *want)
{
	long best = -1, bare = -1;
	int best_rank = -1;

	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct img_descriptor *d = &x->manifests[i];
		int rank;

		if (img_media_kind(d->media_type) != IMG_MEDIA_MANIFEST)
			continue;
		if (!d->platform.os) {
			if (bare < 0)
				bare = (long)i;
			continue;
		}
		rank = img_platform_rank(want, d->platform.os, d->platform.architecture,
					 d->platform.variant);
		if (rank >= 0 && (best < 0 || rank < best_rank)) {
			best = (long)i;
			best_rank = rank;
		}
	}
	return best >= 0 ? best : bare;
}

/* ---- text ---------------------------------------------------------------------- */

void img_platform_format(const struct img_plat *p, char *buf, size_t size)
{
	if (size == 0)
		return;
	if (p->variant[0])
		snprintf(buf, size, "%s/%s/%s", p->os, p->arch, p->variant);
	else
		snprintf(buf, size, "%s/%s", p->os, p->arch);
}

/* s for a message inside double quotes: printable ASCII stays, '"' and
 * '\' are escaped, other bytes are \xNN; cut after QUOTE_MAX bytes. */
static void quote(const char *s, char buf[QUOTE_BUF])
{
	size_t o = 0, i;

	for (i = 0; s[i] && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			o += (size_t)sprintf(buf + o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)sprintf(buf + o, "\\x%02x", c);
	}
	strcpy(buf + o, s[i] ? "..." : "");
}

static int fail(struct b_err *err, const char *input, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct b_err *err, const char *input, const char *fmt, ...)
{
	char q[QUOTE_BUF], what[256];
	va_list ap;

	quote(input, q);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return b_err_set(err, EINVAL, "platform \"%s\": %s", q, what);
}

static bool name_char(char c)
{
	return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '.' || c == '-';
}

/* One part of OS/ARCH/VARIANT, s[0..n), into dst. */
static int take_part(struct b_err *err, const char *input, const char *what,
		     const char *s, size_t n, char *dst, size_t size)
{
	if (n == 0)
		return fail(err, input, "%s is empty", what);
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return fail(err, input, "%s may hold only letters, digits, '_', '.' "
				    "and '-'", what);
	if (n >= size)
		return fail(err, input, "%s is longer than %zu characters", what, size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int img_platform_parse(const char *s, struct img_plat *out, struct b_err *err)
{
	static const char *const what[] = { "the OS", "the architecture", "the variant" };
	char *dst[] = { out->os, out->arch, out->variant };
	const size_t size[] = { sizeof(out->os), sizeof(out->arch), sizeof(out->variant) };
	const char *p = s;
	size_t parts = 1;
	int r;

	memset(out, 0, sizeof(*out));
	for (const char *q = s; *q; q++)
		parts += *q == '/';
	if (parts < 2 || parts > 3)
		return fail(err, s, "expected OS/ARCH or OS/ARCH/VARIANT (linux/amd64, "
			    "linux/arm64/v8)");
	for (size_t i = 0; i < parts; i++) {
		size_t n = strcspn(p, "/");

		if ((r = take_part(err, s, what[i], p, n, dst[i], size[i])) < 0) {
			memset(out, 0, sizeof(*out));
			return r;
		}
		p += n + (p[n] == '/');
	}
	img_platform_normalize(out);
	return 0;
}
