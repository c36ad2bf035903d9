/* images/load.c and images/archive.c over the images
 * tests/helpers/mkimage.py builds, plus archives made here from them:
 * compressed copies, two images in one docker-archive, a Docker 25 style
 * tar that is both formats (with a non-ASCII member name), hardlinked
 * layer members, layouts with assorted name annotations and one manifest
 * per platform, and hostile tars (a "../x" member, a link loop, a link
 * leaving the archive, a missing member, a blob whose bytes disagree with
 * its name, garbage) that must each fail with nothing left in the store's
 * tmp/ and layers/. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "images/load.h"
#include "images/ref.h"

static char top[] = "/tmp/berth-load-XXXXXX";
static char root[160], imgs[160];
static char want_id[80], want_config[80]; /* the layout image's, from summary.json */

/* Archives derived from mkimage.py's outputs (argv: IMGDIR SRCDIR). */
static const char fixtures_py[] =
	"import gzip, io, json, os, shutil, subprocess, sys, tarfile\n"
	"d = sys.argv[1]\n"
	"S = json.load(open(d + '/summary.json'))\n"
	"def rd(p):\n"
	"    return open(os.path.join(d, p), 'rb').read()\n"
	"def tar(name, members):\n"
	"    buf = io.BytesIO()\n"
	"    with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t:\n"
	"        for n, kind, v in members:\n"
	"            ti = tarfile.TarInfo(n)\n"
	"            if kind == 'f':\n"
	"                ti.size = len(v)\n"
	"                t.addfile(ti, io.BytesIO(v))\n"
	"            else:\n"
	"                ti.type = tarfile.SYMTYPE if kind == 'l' else tarfile.LNKTYPE\n"
	"                ti.linkname = v\n"
	"                t.addfile(ti)\n"
	"    open(os.path.join(d, name), 'wb').write(buf.getvalue())\n"
	"def plain(b):\n"
	"    if b[:2] == b'\\x1f\\x8b':\n"
	"        return gzip.decompress(b)\n"
	"    if b[:4] == b'\\x28\\xb5\\x2f\\xfd':\n"
	"        return subprocess.run(['zstd', '-d', '-q', '-c'], input=b,\n"
	"                              stdout=subprocess.PIPE, check=True).stdout\n"
	"    return b\n"
	"def oci_members(path):\n"
	"    src = tarfile.open(os.path.join(d, path))\n"
	"    return [(m.name, 'f', src.extractfile(m).read()) for m in src.getmembers() if m.isfile()]\n"
	"open(d + '/test.docker.tar.gz', 'wb').write(gzip.compress(rd('test.docker.tar')))\n"
	"subprocess.run(['zstd', '-q', '-f', '-o', d + '/test.oci.tar.zst', d + '/test.oci.tar'], check=True)\n"
	"# two images in one manifest.json (podman save -m), sharing the base layer\n"
	"mem, man = [], []\n"
	"for key, tags in (('layout', ['localhost/berth-test:1', 'berth-test']),\n"
	"                  ('layout2', ['localhost/berth-test2:1', 'Not A Name!'])):\n"
	"    i = S['images'][key]\n"
	"    names = []\n"
	"    for dig, blob in zip(i['diff_ids'], i['layers']):\n"
	"        names.append(dig[7:] + '.tar')\n"
	"        if names[-1] not in [m[0] for m in mem]:\n"
	"            mem.append((names[-1], 'f', plain(rd(key + '/blobs/sha256/' + blob[7:]))))\n"
	"    c = i['config_digest'][7:] + '.json'\n"
	"    mem.append((c, 'f', rd(key + '/blobs/sha256/' + c[:-5])))\n"
	"    man.append({'Config': c, 'RepoTags': tags, 'Layers': names})\n"
	"mem.append(('manifest.json', 'f', json.dumps(man).encode()))\n"
	"tar('multi.docker.tar', mem)\n"
	"# Docker >= 25: an OCI layout and a manifest.json in one tar\n"
	"i = S['images']['layout']\n"
	"mem = oci_members('test.oci.tar')\n"
	"mem.append(('manifest.json', 'f', json.dumps([{'Config': 'blobs/sha256/' + i['config_digest'][7:],\n"
	"    'RepoTags': ['example.com/other:2'],\n"
	"    'Layers': ['blobs/sha256/' + l[7:] for l in i['layers']]}]).encode()))\n"
	"tar('both.tar', mem + [('d\\u00f3c/\\u00fc.txt', 'f', b'non-ASCII name')])\n"
	"# hardlinks name their target from the archive root\n"
	"src = tarfile.open(d + '/test.docker.tar')\n"
	"mem, m = [], json.loads(src.extractfile('manifest.json').read())\n"
	"for t in src.getmembers():\n"
	"    if t.name != 'manifest.json':\n"
	"        mem.append((t.name, 'f', src.extractfile(t).read()))\n"
	"for n, l in enumerate(m[0]['Layers']):\n"
	"    mem.append(('%d/layer.tar' % n, 'h', l))\n"
	"    m[0]['Layers'][n] = '%d/layer.tar' % n\n"
	"tar('hardlink.docker.tar', mem + [('manifest.json', 'f', json.dumps(m).encode())])\n"
	"# a layout listing one manifest per platform, without an index blob\n"
	"shutil.copytree(d + '/multi', d + '/layout-platforms')\n"
	"x = json.load(open(d + '/multi/index.json'))\n"
	"x['manifests'] = json.loads(rd('multi/blobs/sha256/' + x['manifests'][0]['digest'][7:]))['manifests']\n"
	"json.dump(x, open(d + '/layout-platforms/index.json', 'w'))\n"
	"# index.json names: tag only, full ref.name, bad containerd name, unknown type\n"
	"shutil.copytree(d + '/layout', d + '/layout-names')\n"
	"x = json.load(open(d + '/layout-names/index.json'))\n"
	"e = x['manifests'][0]\n"
	"x['manifests'] = [dict(e, annotations={'org.opencontainers.image.ref.name': '1.0'}),\n"
	"    dict(e, annotations={'org.opencontainers.image.ref.name': 'example.com/x:2'}),\n"
	"    dict(e, annotations={'io.containerd.image.name': 'bad name',\n"
	"                         'org.opencontainers.image.ref.name': 'quay.io/y'}),\n"
	"    {'mediaType': 'application/vnd.example+json', 'digest': e['digest'], 'size': e['size']}]\n"
	"json.dump(x, open(d + '/layout-names/index.json', 'w'))\n"
	"# hostile\n"
	"def dm(layers):\n"
	"    return ('manifest.json', 'f', json.dumps([{'Config': 'c.json', 'RepoTags': None,\n"
	"                                               'Layers': layers}]).encode())\n"
	"cfg = ('c.json', 'f', b'{}')\n"
	"tar('h-dotdot.tar', [('../x', 'f', b'x'), dm(['x'])])\n"
	"tar('h-loop.tar', [cfg, ('a/layer.tar', 'l', '../b/layer.tar'),\n"
	"                   ('b/layer.tar', 'l', '../a/layer.tar'), dm(['a/layer.tar'])])\n"
	"tar('h-escape.tar', [cfg, ('l.tar', 'l', '../../etc/passwd'), dm(['l.tar'])])\n"
	"tar('h-missing.tar', [cfg, dm(['nothere.tar'])])\n"
	"bad = 'blobs/sha256/' + i['layers'][0][7:]\n"
	"tar('h-badblob.tar', [(n, k, b'not the layer' if n == bad else v)\n"
	"                      for n, k, v in oci_members('test.oci.tar')])\n"
	"open(d + '/h-garbage.tar', 'wb').write(b'this is no tar\\n' * 1000)\n"
	"tar('h-none.tar', [('README', 'f', b'hi')])\n"
	"open(d + '/expect', 'w').write('%s %s\\n' % (i['manifest_digest'], i['config_digest']))\n";

static void build_images(void)
{
	char cmd[768], py[200];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(imgs, sizeof(imgs), "%s/img", top);
	snprintf(py, sizeof(py), "%s/fixtures.py", top);
	snprintf(cmd, sizeof(cmd),
		 "python3 %s/tests/helpers/mkimage.py %s >/dev/null && python3 %s %s", SRCDIR, imgs,
		 py, imgs);
	ck_assert_ptr_nonnull(f = fopen(py, "w"));
	fputs(fixtures_py, f);
	fclose(f);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(py, sizeof(py), "%s/expect", imgs);
	ck_assert_ptr_nonnull(f = fopen(py, "r"));
	ck_assert_int_eq(fscanf(f, "%79s %79s", want_id, want_config), 2);
	fclose(f);
}

static void remove_images(void)
{
	b_rm_rf(top);
}

/* A fresh store per test, also without CK_FORK. */
static void new_store(void)
{
	static int n;
	snprintf(root, sizeof(root), "%s/store-%d-%d", top, (int)getpid(), ++n);
}

static int count(const char *sub)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, sub);
	DIR *d = opendir(p);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

#define MAX_IMAGES 8
struct rec {
	int n;
	int fail_at; /* 1-based image whose callback fails; 0: none */
	struct img_imported im[MAX_IMAGES];
	size_t n_names[MAX_IMAGES];
	char names[MAX_IMAGES][4][IMG_REF_MAX + 1];
};

static int record(void *arg, const struct img_imported *im, const char *const *names,
		  size_t n_names, struct b_err *err)
{
	struct rec *r = arg;

	ck_assert_int_lt(r->n, MAX_IMAGES);
	ck_assert_int_le(n_names, 4);
	r->im[r->n] = *im;
	r->n_names[r->n] = n_names;
	for (size_t i = 0; i < n_names; i++)
		snprintf(r->names[r->n][i], sizeof(r->names[0][0]), "%s", names[i]);
	if (n_names)
		ck_assert_str_eq(im->name, names[0]);
	if (++r->n == r->fail_at)
		return b_err_set(err, ECANCELED, "callback says no");
	return 0;
}

static int load_layout(const char *dir, struct rec *rec, struct b_err *err)
{
	struct img_store s;
	struct img_plat host;
	char p[256];
	int r;

	snprintf(p, sizeof(p), "%s/%s", imgs, dir);
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	img_platform_host(&host);
	ck_assert_int_eq(img_store_open(&s, root, IMG_STORE_SHARED, err), 0);
	r = img_load_layout(&s, fd, &host, record, rec, err);
	img_store_close(&s);
	close(fd);
	return r;
}

/* A child copies the file into a pipe: the loader gets one unseekable
 * pass, as from `docker save | berth image load`. */
static pid_t feed(int fd, int *rfd)
{
	int p[2];
	char buf[65536];
	ssize_t n;

	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (b_write_all(p[1], buf, (size_t)n) < 0)
				_exit(1);
		_exit(n < 0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static int load_file(const char *file, bool piped, struct rec *rec, struct b_err *err)
{
	struct img_store s;
	struct img_plat host;
	char p[256];
	pid_t pid = -1;
	int r, status;

	snprintf(p, sizeof(p), "%s/%s", imgs, file);
	int fd = open(p, O_RDONLY | O_CLOEXEC), in = fd;
	ck_assert_int_ge(fd, 0);
	if (piped)
		pid = feed(fd, &in);
	img_platform_host(&host);
	ck_assert_int_eq(img_store_open(&s, root, IMG_STORE_SHARED, err), 0);
	r = img_load_archive(&s, in, &host, record, rec, err);
	img_store_close(&s);
	if (piped) {
		close(in);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		/* the whole stream was consumed: the writer saw no EPIPE */
		if (r == 0)
			ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "feeder: %#x",
				      status);
	}
	close(fd);
	return r;
}

static void check_test_image(const struct rec *rec, int i, bool oci)
{
	ck_assert_int_eq(rec->im[i].n_layers, 2);
	ck_assert_str_eq(rec->im[i].config, want_config);
	if (oci) /* a docker-archive's ID is the manifest berth wrote for it */
		ck_assert_str_eq(rec->im[i].id, want_id);
	ck_assert_int_eq(rec->n_names[i], 1);
	ck_assert_str_eq(rec->names[i][0], "localhost/berth-test:1");
	ck_assert_int_eq(count("layers"), 2);
	ck_assert_int_eq(count("tmp"), 0);
}

START_TEST(layout_dir)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_layout("layout", &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	check_test_image(&rec, 0, true);
}
END_TEST

START_TEST(layout_names)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_layout("layout-names", &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 3);          /* the unknown media type is skipped */
	ck_assert_int_eq(rec.n_names[0], 0); /* "1.0": a tag alone names nothing */
	ck_assert_int_eq(rec.n_names[1], 1);
	ck_assert_str_eq(rec.names[1][0], "example.com/x:2");
	ck_assert_int_eq(rec.n_names[2], 1); /* "bad name" skipped for ref.name */
	ck_assert_str_eq(rec.names[2][0], "quay.io/y:latest");
	ck_assert_str_eq(rec.im[0].name, "");
}
END_TEST

START_TEST(layout_multi_arch)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_layout("multi", &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	ck_assert_str_eq(rec.names[0][0], "localhost/berth-multi:1");
	ck_assert_int_eq(count("layers"), 2);
}
END_TEST

START_TEST(layout_other_platform_skipped)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_layout("layout-platforms", &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1); /* the s390x (or amd64) entry is not this host's */
	ck_assert_int_eq(rec.n_names[0], 0);
	ck_assert_int_eq(count("layers"), 2);
}
END_TEST

START_TEST(docker_hardlinks)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_file("hardlink.docker.tar", true, &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	check_test_image(&rec, 0, false);
}
END_TEST

START_TEST(oci_archive_pipe)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_file("test.oci.tar", true, &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	check_test_image(&rec, 0, true);
}
END_TEST

START_TEST(oci_archive_zstd_pipe)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_file("test.oci.tar.zst", true, &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	check_test_image(&rec, 0, true);
}
END_TEST

START_TEST(docker_archive)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_file("test.docker.tar", false, &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	check_test_image(&rec, 0, false);
}
END_TEST

START_TEST(docker_legacy_pipe)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	/* <id>/layer.tar symlinks, each before its target in the stream */
	ck_assert_msg(load_file("test.docker-legacy.tar", true, &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	check_test_image(&rec, 0, false);
}
END_TEST

START_TEST(docker_gzip_pipe)
{
	struct rec a = { 0 }, b = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_file("test.docker.tar.gz", true, &a, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(a.n, 1);
	check_test_image(&a, 0, false);
	/* the same image again, uncompressed: the same ID, nothing new */
	ck_assert_msg(load_file("test.docker.tar", false, &b, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(a.im[0].id, b.im[0].id);
	ck_assert_int_eq(b.im[0].bytes, 0);
}
END_TEST

START_TEST(docker_two_images)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_file("multi.docker.tar", true, &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 2);
	ck_assert_int_eq(rec.n_names[0], 2);
	ck_assert_str_eq(rec.names[0][0], "localhost/berth-test:1");
	ck_assert_str_eq(rec.names[0][1], "docker.io/library/berth-test:latest");
	ck_assert_int_eq(rec.n_names[1], 1); /* "Not A Name!" dropped */
	ck_assert_str_eq(rec.names[1][0], "localhost/berth-test2:1");
	ck_assert_int_eq(count("layers"), 3); /* the shared base unpacked once */
	ck_assert_int_gt(rec.im[0].bytes, rec.im[1].bytes);
	ck_assert_int_eq(count("tmp"), 0);
}
END_TEST

START_TEST(both_formats_prefers_oci)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };

	ck_assert_msg(load_file("both.tar", false, &rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rec.n, 1);
	check_test_image(&rec, 0, true); /* not example.com/other:2 */
}
END_TEST

START_TEST(callback_error_aborts)
{
	struct rec rec = { .fail_at = 1 };
	struct b_err err = { 0 };

	ck_assert_int_eq(load_file("multi.docker.tar", false, &rec, &err), -ECANCELED);
	ck_assert_int_eq(rec.n, 1);
	ck_assert_msg(strstr(err.msg, "callback says no"), "%s", err.msg);
	ck_assert_int_eq(count("tmp"), 0);
}
END_TEST

static void hostile(const char *file, bool piped, const char *msg)
{
	struct rec rec = { 0 };
	struct b_err err = { 0 };
	char p[256];

	new_store();
	ck_assert_msg(load_file(file, piped, &rec, &err) < 0, "%s was loaded", file);
	ck_assert_msg(strstr(err.msg, msg), "%s: %s", file, err.msg);
	ck_assert_int_eq(rec.n, 0);
	ck_assert_int_eq(count("tmp"), 0);
	ck_assert_int_eq(count("layers"), 0);
	snprintf(p, sizeof(p), "%s/x", root);
	ck_assert_int_ne(access(p, F_OK), 0);
}

START_TEST(hostile_archives)
{
	hostile("h-dotdot.tar", true, "absolute or \"..\" names are refused");
	hostile("h-loop.tar", false, "a loop?");
	hostile("h-escape.tar", false, "leaves the archive");
	hostile("h-missing.tar", true, "no member \"nothere.tar\"");
	hostile("h-badblob.tar", false, "not in the image layout");
	hostile("h-garbage.tar", true, "archive:");
	hostile("h-none.tar", false, "neither index.json");
}
END_TEST

int main(void)
{
	Suite *su = suite_create("image_load");
	TCase *tc = tcase_create("load");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, build_images, remove_images);
	tcase_add_checked_fixture(tc, new_store, NULL);
	tcase_add_test(tc, layout_dir);
	tcase_add_test(tc, layout_names);
	tcase_add_test(tc, layout_multi_arch);
	tcase_add_test(tc, layout_other_platform_skipped);
	tcase_add_test(tc, oci_archive_pipe);
	tcase_add_test(tc, oci_archive_zstd_pipe);
	tcase_add_test(tc, docker_archive);
	tcase_add_test(tc, docker_legacy_pipe);
	tcase_add_test(tc, docker_gzip_pipe);
	tcase_add_test(tc, docker_hardlinks);
	tcase_add_test(tc, docker_two_images);
	tcase_add_test(tc, both_formats_prefers_oci);
	tcase_add_test(tc, callback_error_aborts);
	tcase_add_test(tc, hostile_archives);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
