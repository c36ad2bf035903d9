/* netns/cni_exec.c, cni_list.c, cni_find.c: running CNI plugins (fake
 * ones: small /bin/sh scripts in a temporary directory given as the
 * plugin path) and finding the network config. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netns/cni_run.h"
#include "testmain.h"

#define BIG_LEN 300000

/* ---- helpers ------------------------------------------------------------ */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* This process's CPU time (user + system). */
static int64_t cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static void make_tmpdir(char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/berth-cni-run.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	ck_assert_msg(f != NULL, "creating %s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* A fake plugin: a shell script that knows its directory as $D. */
static void plugin(const char *dir, const char *name, const char *body)
{
	char *text = NULL;

	ck_assert_int_ge(asprintf(&text, "#!/bin/sh\nD=${0%%/*}\n%s", body), 0);
	put_file(dir, name, text, 0755);
	free(text);
}

/* A file's text, NULL when there is none. */
static char *slurp(const char *dir, const char *name, size_t *len_out)
{
	char path[512], *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "re")))
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	if (len_out)
		*len_out = len;
	return buf;
}

static pid_t read_pid(const char *dir, const char *name)
{
	char *s = slurp(dir, name, NULL);
	pid_t pid;

	ck_assert_msg(s != NULL, "the plugin wrote no %s", name);
	pid = (pid_t)atoi(s);
	free(s);
	ck_assert_int_gt(pid, 1);
	return pid;
}

/* Gone, or a zombie nobody reaps (its parent is init or a subreaper
 * now): either way it runs no more. */
static bool pid_dead(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !p || !p[1] || p[2] == 'Z' || p[2] == 'X';
}

static bool wait_dead(pid_t pid, int ms)
{
	for (int i = 0; i < ms / 20; i++) {
		if (pid_dead(pid))
			return true;
		usleep(20000);
	}
	return pid_dead(pid);
}

struct trace_rec {
	int calls;
	char plugin[64], command[16];
	int64_t ms;
	int status;
};

static void trace_fn(void *ud, const char *plugin_name, const char *command, int64_t ms,
		     int status)
{
	struct trace_rec *t = ud;

	t->calls++;
	snprintf(t->plugin, sizeof(t->plugin), "%s", plugin_name);
	snprintf(t->command, sizeof(t->command), "%s", command);
	t->ms = ms;
	t->status = status;
}

static const struct cni_attachment attach = {
	.list = NULL,
	.container_id = "ctr-1",
	.netns = "/run/netns/pod-1",
	.ifname = "eth0",
	.args = "IgnoreUnknown=1;K8S_POD_NAME=web",
};

static int run(const char *dir, const char *name, const char *command,
	       const struct cni_attachment *at, const char *input, int64_t timeout_ms,
	       char **out, size_t *out_len, struct b_err *err)
{
	struct cni_opts o = { .plugin_path = dir, .timeout_ms = timeout_ms };
	struct cni_exec_req q = { name, command, at, input, input ? strlen(input) : 0 };

	*out = NULL;
	*out_len = 0;
	return cni_exec(&o, &q, out, out_len, err);
}

/* ---- one exec ------------------------------------------------------------ */

/* Exactly the CNI_* variables and PATH; nothing of ours (dash adds PWD,
 * other shells SHLVL and _). */
START_TEST(exec_environment)
{
	char dir[64], *out = NULL, *env, *line, *save = NULL, want_path[128];
	size_t len;
	struct b_err err = { 0 };
	int seen = 0;
	int r;

	make_tmpdir(dir, sizeof(dir));
	ck_assert_int_eq(setenv("BERTH_TEST_MARKER", "leaked", 1), 0);
	plugin(dir, "envp", "env > \"$D/env\"\ncat > /dev/null\necho '{\"ok\":1}'\n");
	r = run(dir, "envp", "ADD", &attach, "{}", 5000, &out, &len, &err);
	ck_assert_msg(r == 0, "cni_exec: %s", err.msg);
	ck_assert_str_eq(out, "{\"ok\":1}\n");
	ck_assert_uint_eq(len, strlen("{\"ok\":1}\n"));
	free(out);

	snprintf(want_path, sizeof(want_path), "CNI_PATH=%s", dir);
	env = slurp(dir, "env", NULL);
	ck_assert_ptr_nonnull(env);
	ck_assert_msg(!strstr(env, "BERTH_TEST_MARKER"), "the plugin saw our environment:\n%s",
		      env);
	for (line = strtok_r(env, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "CNI_COMMAND=ADD") || !strcmp(line, "CNI_CONTAINERID=ctr-1") ||
		    !strcmp(line, "CNI_NETNS=/run/netns/pod-1") || !strcmp(line, "CNI_IFNAME=eth0") ||
		    !strcmp(line, "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=web") ||
		    !strcmp(line, want_path))
			seen++;
		else if (!strncmp(line, "PATH=", 5))
			ck_assert_msg(strstr(line, "/usr/sbin") != NULL, "PATH without sbin: %s", line);
		else
			ck_assert_msg(!strncmp(line, "PWD=", 4) || !strncmp(line, "SHLVL=", 6) ||
				      !strncmp(line, "_=", 2),
				      "unexpected in the plugin's environment: %s", line);
	}
	ck_assert_int_eq(seen, 6);
	free(env);

	/* VERSION has no attachment: only CNI_COMMAND, CNI_PATH and PATH. */
	r = run(dir, "envp", "VERSION", NULL, "{\"cniVersion\":\"1.0.0\"}", 5000, &out, &len, &err);
	ck_assert_msg(r == 0, "cni_exec: %s", err.msg);
	free(out);
	env = slurp(dir, "env", NULL);
	ck_assert_ptr_nonnull(env);
	ck_assert_ptr_nonnull(strstr(env, "CNI_COMMAND=VERSION\n"));
	ck_assert_ptr_nonnull(strstr(env, want_path));
	ck_assert_ptr_null(strstr(env, "CNI_CONTAINERID"));
	ck_assert_ptr_null(strstr(env, "CNI_IFNAME"));
	free(env);
	rm_tree(dir);
}
END_TEST

static char *big_input(void)
{
	char *in = malloc(BIG_LEN + 1);

	ck_assert_ptr_nonnull(in);
	for (size_t i = 0; i < BIG_LEN; i++)
		in[i] = (i % 64 == 63) ? '\n' : (char)('a' + (i * 7 + i / 64) % 26);
	in[BIG_LEN] = '\0';
	return in;
}

/* 300 KB in while 300 KB comes back on stdout and 300 KB on stderr, the
 * first stderr part before the plugin reads anything: only a loop that
 * feeds and drains at once gets through. */
START_TEST(exec_big_io)
{
	char dir[64], *out = NULL, *in = big_input(), *copy;
	size_t len, copy_len;
	struct b_err err = { 0 };
	struct trace_rec tr = { 0 };
	struct cni_opts o = { .timeout_ms = 8000, .trace = trace_fn, .ud = &tr };
	struct cni_exec_req q = { "big", "ADD", &attach, in, BIG_LEN };
	int64_t t0 = now_ms();
	int r;

	make_tmpdir(dir, sizeof(dir));
	o.plugin_path = dir;
	plugin(dir, "big",
	       "head -c 200000 /dev/zero | tr '\\0' e >&2\n"
	       "tee \"$D/stdin.copy\"\n"
	       "head -c 100000 /dev/zero | tr '\\0' f >&2\n");
	r = cni_exec(&o, &q, &out, &len, &err);
	ck_assert_msg(r == 0, "cni_exec: %s", err.msg);
	ck_assert_uint_eq(len, BIG_LEN);
	ck_assert_msg(memcmp(out, in, BIG_LEN) == 0, "stdout is not what went in");
	ck_assert_int_eq(out[len], '\0');
	copy = slurp(dir, "stdin.copy", &copy_len);
	ck_assert_ptr_nonnull(copy);
	ck_assert_uint_eq(copy_len, BIG_LEN);
	ck_assert_msg(memcmp(copy, in, BIG_LEN) == 0, "the plugin's stdin is not what was sent");
	ck_assert_int_lt(now_ms() - t0, 5000);

	ck_assert_int_eq(tr.calls, 1);
	ck_assert_str_eq(tr.plugin, "big");
	ck_assert_str_eq(tr.command, "ADD");
	ck_assert_int_eq(tr.status, 0);
	ck_assert_int_ge(tr.ms, 0);
	free(copy);
	free(out);
	free(in);
	rm_tree(dir);
}
END_TEST

/* A plugin that exits without reading its (large) stdin: the write fails
 * with EPIPE and that is no error of the plugin's.  berth runs with
 * SIGPIPE ignored (cmd/main.c); so does this test. */
START_TEST(exec_unread_stdin)
{
	char dir[64], *out = NULL, *in = big_input();
	size_t len;
	struct b_err err = { 0 };
	int64_t t0, cpu0;
	int r;

	signal(SIGPIPE, SIG_IGN);
	make_tmpdir(dir, sizeof(dir));
	plugin(dir, "deaf", "echo ok\n");
	r = run(dir, "deaf", "ADD", &attach, in, 3000, &out, &len, &err);
	ck_assert_msg(r == 0, "cni_exec: %s", err.msg);
	ck_assert_str_eq(out, "ok\n");
	free(out);

	/* It closes stdin and goes on for a while: the loop waits for it
	 * without spinning on the dead pipe. */
	plugin(dir, "deaf2", "exec <&-\nsleep 0.4\necho ok2\n");
	t0 = now_ms();
	cpu0 = cpu_ms();
	r = run(dir, "deaf2", "ADD", &attach, in, 3000, &out, &len, &err);
	ck_assert_msg(r == 0, "cni_exec: %s", err.msg);
	ck_assert_str_eq(out, "ok2\n");
	ck_assert_int_ge(now_ms() - t0, 350);
	ck_assert_msg(cpu_ms() - cpu0 < 150, "cni_exec used %lld ms of CPU waiting 400 ms",
		      (long long)(cpu_ms() - cpu0));
	free(out);
	free(in);
	rm_tree(dir);
}
END_TEST

START_TEST(exec_error_object)
{
	char dir[64], *out = NULL;
	size_t len;
	struct b_err err = { 0 };
	int r;

	make_tmpdir(dir, sizeof(dir));
	plugin(dir, "errobj",
	       "cat > /dev/null\n"
	       "echo '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad\",\"details\":\"more\"}'\n"
	       "echo 'stderr is not the message' >&2\n"
	       "exit 1\n");
	r = run(dir, "errobj", "ADD", &attach, "{}", 5000, &out, &len, &err);
	ck_assert_int_eq(r, -EIO);
	ck_assert_int_eq(err.code, EIO);
	ck_assert_str_eq(err.msg, "CNI plugin errobj ADD failed: bad: more (CNI error code 7)");
	ck_assert_ptr_null(out);
	rm_tree(dir);
}
END_TEST

START_TEST(exec_error_stderr)
{
	char dir[64], *out = NULL;
	size_t len;
	struct b_err err = { 0 };
	int r;

	make_tmpdir(dir, sizeof(dir));
	plugin(dir, "txt",
	       "cat > /dev/null\n"
	       "echo 'not an error object' \n"
	       "printf 'cannot open\\nthe bridge\\n' >&2\n"
	       "exit 3\n");
	r = run(dir, "txt", "DEL", &attach, "{}", 5000, &out, &len, &err);
	ck_assert_int_eq(r, -EIO);
	ck_assert_str_eq(err.msg, "CNI plugin txt DEL failed (exit status 3): cannot open the bridge");
	ck_assert_ptr_null(out);

	/* Nothing on stderr: stdout's text then. */
	plugin(dir, "txt2", "cat > /dev/null\necho 'only stdout'\nexit 2\n");
	r = run(dir, "txt2", "ADD", &attach, "{}", 5000, &out, &len, &err);
	ck_assert_int_eq(r, -EIO);
	ck_assert_str_eq(err.msg, "CNI plugin txt2 ADD failed (exit status 2): only stdout");
	rm_tree(dir);
}
END_TEST

START_TEST(exec_killed_by_signal)
{
	char dir[64], *out = NULL;
	size_t len;
	struct b_err err = { 0 };
	int r;

	make_tmpdir(dir, sizeof(dir));
	plugin(dir, "sig", "cat > /dev/null\necho 'going down' >&2\nkill -9 $$\nsleep 5\n");
	r = run(dir, "sig", "ADD", &attach, "{}", 5000, &out, &len, &err);
	ck_assert_int_eq(r, -EIO);
	ck_assert_str_eq(err.msg, "CNI plugin sig ADD was killed by signal 9: going down");
	ck_assert_ptr_null(out);
	rm_tree(dir);
}
END_TEST

/* At the deadline the whole process group goes, the plugin's own child
 * included, and cni_exec returns right away. */
START_TEST(exec_deadline)
{
	char dir[64], *out = NULL;
	size_t len;
	struct b_err err = { 0 };
	struct trace_rec tr = { 0 };
	struct cni_opts o = { .timeout_ms = 300, .trace = trace_fn, .ud = &tr };
	struct cni_exec_req q = { "slow", "ADD", &attach, "{}", 2 };
	int64_t t0, dt;
	pid_t bg;
	int r;

	make_tmpdir(dir, sizeof(dir));
	o.plugin_path = dir;
	plugin(dir, "slow", "sleep 100 &\necho $! > \"$D/bg.pid\"\nsleep 100\n");
	t0 = now_ms();
	r = cni_exec(&o, &q, &out, &len, &err);
	dt = now_ms() - t0;
	ck_assert_int_eq(r, -ETIMEDOUT);
	ck_assert_int_eq(err.code, ETIMEDOUT);
	ck_assert_msg(strstr(err.msg, "CNI plugin slow ADD did not finish within 300 ms"),
		      "message: %s", err.msg);
	ck_assert_ptr_null(out);
	ck_assert_int_ge(dt, 290);
	ck_assert_int_lt(dt, 5000);
	ck_assert_int_eq(tr.calls, 1);
	ck_assert(WIFSIGNALED(tr.status) && WTERMSIG(tr.status) == SIGKILL);

	bg = read_pid(dir, "bg.pid");
	if (!wait_dead(bg, 1000)) {
		kill(bg, SIGKILL);
		ck_abort_msg("the plugin's child %d outlived the deadline", (int)bg);
	}
	rm_tree(dir);
}
END_TEST

/* A plugin that closes stdout and stderr and then hangs: closed pipes are
 * no exit, the deadline still holds. */
START_TEST(exec_deadline_closed_pipes)
{
	char dir[64], *out = NULL;
	size_t len;
	struct b_err err = { 0 };
	int64_t t0 = now_ms();
	int r;

	make_tmpdir(dir, sizeof(dir));
	plugin(dir, "mute", "cat > /dev/null\nexec >&- 2>&-\nsleep 100\n");
	r = run(dir, "mute", "CHECK", &attach, "{}", 300, &out, &len, &err);
	ck_assert_int_eq(r, -ETIMEDOUT);
	ck_assert_msg(strstr(err.msg, "did not finish within 300 ms"), "message: %s", err.msg);
	ck_assert_int_lt(now_ms() - t0, 5000);
	rm_tree(dir);
}
END_TEST

/* stdout closed early, exit 0 a little later: what came before counts. */
START_TEST(exec_stdout_closed_early)
{
	char dir[64], *out = NULL;
	size_t len;
	struct b_err err = { 0 };
	int64_t t0 = now_ms();
	int r;

	make_tmpdir(dir, sizeof(dir));
	plugin(dir, "early", "cat > /dev/null\necho early\nexec >&-\nsleep 0.2\necho late >&2\n");
	r = run(dir, "early", "ADD", &attach, "{}", 5000, &out, &len, &err);
	ck_assert_msg(r == 0, "cni_exec: %s", err.msg);
	ck_assert_str_eq(out, "early\n");
	ck_assert_int_ge(now_ms() - t0, 150);
	free(out);
	rm_tree(dir);
}
END_TEST

/* The plugin exits 0 but left a child holding its stdout: cni_exec takes
 * what was written and does not wait for the child. */
START_TEST(exec_child_holds_stdout)
{
	char dir[64], *out = NULL;
	size_t len;
	struct b_err err = { 0 };
	int64_t t0 = now_ms(), dt;
	pid_t bg;
	int r;

	make_tmpdir(dir, sizeof(dir));
	plugin(dir, "leaky",
	       "cat > /dev/null\n"
	       "echo '{\"cniVersion\":\"1.0.0\"}'\n"
	       "sleep 100 &\n"
	       "echo $! > \"$D/bg.pid\"\n"
	       "exit 0\n");
	r = run(dir, "leaky", "ADD", &attach, "{}", 3000, &out, &len, &err);
	dt = now_ms() - t0;
	bg = read_pid(dir, "bg.pid");
	kill(bg, SIGKILL);
	ck_assert_msg(r == 0, "cni_exec: %s", err.msg);
	ck_assert_str_eq(out, "{\"cniVersion\":\"1.0.0\"}\n");
	ck_assert_int_lt(dt, 2000);
	free(out);
	rm_tree(dir);
}
END_TEST

/* ---- finding a plugin ------------------------------------------------------ */

START_TEST(find_plugin)
{
	char a[64], b[64], path[256], buf[512], want[512];
	struct b_err err = { 0 };
	struct cni_opts o = { .plugin_path = path };

	make_tmpdir(a, sizeof(a));
	make_tmpdir(b, sizeof(b));
	snprintf(path, sizeof(path), "%s::%s", a, b);
	plugin(a, "both", "exit 0\n");
	plugin(b, "both", "exit 0\n");
	plugin(b, "onlyb", "exit 0\n");
	put_file(a, "noexec", "#!/bin/sh\n", 0644);
	plugin(b, "noexec", "exit 0\n");
	put_file(a, "never", "#!/bin/sh\n", 0644);
	/* A directory is searchable (X_OK) but no plugin. */
	snprintf(want, sizeof(want), "%s/isdir", a);
	ck_assert_int_eq(mkdir(want, 0755), 0);
	plugin(b, "isdir", "exit 0\n");

	ck_assert_int_eq(cni_find_plugin(&o, "both", buf, sizeof(buf), &err), 0);
	snprintf(want, sizeof(want), "%s/both", a);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(cni_find_plugin(&o, "onlyb", buf, sizeof(buf), &err), 0);
	snprintf(want, sizeof(want), "%s/onlyb", b);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(cni_find_plugin(&o, "noexec", buf, sizeof(buf), &err), 0);
	snprintf(want, sizeof(want), "%s/noexec", b);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(cni_find_plugin(&o, "isdir", buf, sizeof(buf), &err), 0);
	snprintf(want, sizeof(want), "%s/isdir", b);
	ck_assert_str_eq(buf, want);

	ck_assert_int_eq(cni_find_plugin(&o, "never", buf, sizeof(buf), &err), -ENOENT);
	ck_assert_int_eq(err.code, ENOENT);
	snprintf(want, sizeof(want), "CNI plugin \"never\" not found in %s", path);
	ck_assert_str_eq(err.msg, want);

	/* cni_exec says the same, running nothing. */
	{
		char *out = NULL;
		size_t len;

		ck_assert_int_eq(run(path, "gone", "ADD", &attach, "{}", 1000, &out, &len, &err),
				 -ENOENT);
		ck_assert_ptr_nonnull(strstr(err.msg, a));
		ck_assert_ptr_nonnull(strstr(err.msg, b));
	}
	rm_tree(a);
	rm_tree(b);
}
END_TEST

/* ---- a whole list ------------------------------------------------------------ */

/* Logs "COMMAND name", keeps its stdin as in.COMMAND.name, fails with an
 * error object when fail.COMMAND.name exists, prints nothing when
 * quiet.COMMAND.name exists, else a result naming itself. */
static const char list_plugin[] =
	"N=${0##*/}\n"
	"cat > \"$D/in.$CNI_COMMAND.$N\"\n"
	"echo \"$CNI_COMMAND $N\" >> \"$D/log\"\n"
	"if [ -e \"$D/fail.$CNI_COMMAND.$N\" ]; then\n"
	"  printf '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"%s broke\"}\\n' \"$N\"\n"
	"  exit 1\n"
	"fi\n"
	"[ -e \"$D/quiet.$CNI_COMMAND.$N\" ] ||\n"
	"  printf '{\"cniVersion\":\"1.0.0\",\"from\":\"%s\"}\\n' \"$N\"\n";

struct lfx {
	char dir[64];
	struct cni_conflist *list;
	struct cni_attachment at;
	struct cni_opts o;
};

static void lfx_init(struct lfx *f, const char *version, bool disable_check)
{
	char json[512];
	struct b_err err = { 0 };
	int r;

	memset(f, 0, sizeof(*f));
	make_tmpdir(f->dir, sizeof(f->dir));
	plugin(f->dir, "p1", list_plugin);
	plugin(f->dir, "p2", list_plugin);
	plugin(f->dir, "p3", list_plugin);
	snprintf(json, sizeof(json),
		 "{\"cniVersion\":\"%s\",\"name\":\"net3\",\"disableCheck\":%s,\"plugins\":["
		 "{\"type\":\"p1\",\"one\":1},{\"type\":\"p2\"},{\"type\":\"p3\"}]}",
		 version, disable_check ? "true" : "false");
	r = cni_conflist_parse("net3.conflist", json, strlen(json), &f->list, &err);
	ck_assert_msg(r == 0, "parse: %s", err.msg);
	f->at = attach;
	f->at.list = f->list;
	f->o = (struct cni_opts){ .plugin_path = f->dir, .timeout_ms = 5000 };
}

static void lfx_done(struct lfx *f)
{
	cni_conflist_free(f->list);
	rm_tree(f->dir);
}

static void touch(const char *dir, const char *name)
{
	put_file(dir, name, "", 0644);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
}

static void expect_log(const char *dir, const char *want)
{
	char *log = slurp(dir, "log", NULL);

	ck_assert_str_eq(log ? log : "", want);
	free(log);
	if (log)
		remove_file(dir, "log");
}

/* Whether the stdin that `name` got for `command` contains `s`. */
static bool stdin_has(const char *dir, const char *command, const char *name, const char *s)
{
	char file[64], *in;
	bool has;

	snprintf(file, sizeof(file), "in.%s.%s", command, name);
	in = slurp(dir, file, NULL);
	ck_assert_msg(in != NULL, "%s got no stdin", name);
	has = strstr(in, s) != NULL;
	free(in);
	return has;
}

START_TEST(list_add_chains)
{
	struct lfx f;
	struct b_err err = { 0 };
	char *result = NULL;
	int r;

	lfx_init(&f, "1.0.0", false);
	ck_assert_int_eq(cni_list_check_plugins(&f.o, f.list, &err), 0);
	r = cni_list_add(&f.o, &f.at, &result, &err);
	ck_assert_msg(r == 0, "ADD: %s", err.msg);
	expect_log(f.dir, "ADD p1\nADD p2\nADD p3\n");
	ck_assert_str_eq(result, "{\"cniVersion\":\"1.0.0\",\"from\":\"p3\"}\n");
	ck_assert(!stdin_has(f.dir, "ADD", "p1", "prevResult"));
	ck_assert(stdin_has(f.dir, "ADD", "p1", "\"one\":1"));
	ck_assert(stdin_has(f.dir, "ADD", "p1", "\"name\":\"net3\""));
	ck_assert(stdin_has(f.dir, "ADD", "p2",
			    "\"prevResult\":{\"cniVersion\":\"1.0.0\",\"from\":\"p1\"}"));
	ck_assert(stdin_has(f.dir, "ADD", "p3",
			    "\"prevResult\":{\"cniVersion\":\"1.0.0\",\"from\":\"p2\"}"));
	free(result);
	result = NULL;

	/* A plugin that prints nothing passes the previous result on. */
	touch(f.dir, "quiet.ADD.p3");
	r = cni_list_add(&f.o, &f.at, &result, &err);
	ck_assert_msg(r == 0, "ADD: %s", err.msg);
	ck_assert_str_eq(result, "{\"cniVersion\":\"1.0.0\",\"from\":\"p2\"}\n");
	expect_log(f.dir, "ADD p1\nADD p2\nADD p3\n");
	free(result);
	lfx_done(&f);
}
END_TEST

START_TEST(list_add_stops_at_failure)
{
	struct lfx f;
	struct b_err err = { 0 };
	char *result = NULL;
	int r;

	lfx_init(&f, "1.0.0", false);
	touch(f.dir, "fail.ADD.p2");
	r = cni_list_add(&f.o, &f.at, &result, &err);
	ck_assert_int_eq(r, -EIO);
	ck_assert_str_eq(err.msg, "CNI plugin p2 ADD failed: p2 broke (CNI error code 11)");
	/* What the DEL after a failed ADD gets: the last result there was. */
	ck_assert_ptr_nonnull(result);
	ck_assert_ptr_nonnull(strstr(result, "\"from\":\"p1\""));
	free(result);
	expect_log(f.dir, "ADD p1\nADD p2\n");

	/* A missing plugin: -ENOENT before anything runs. */
	remove_file(f.dir, "p3");
	ck_assert_int_eq(cni_list_check_plugins(&f.o, f.list, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"p3\""));
	lfx_done(&f);
}
END_TEST

static const char final_result[] = "{\"cniVersion\":\"1.0.0\",\"from\":\"final\"}";

START_TEST(list_del_reverse_goes_on)
{
	struct lfx f;
	struct b_err err = { 0 };
	int r;

	lfx_init(&f, "1.0.0", false);
	r = cni_list_del(&f.o, &f.at, final_result, &err);
	ck_assert_msg(r == 0, "DEL: %s", err.msg);
	expect_log(f.dir, "DEL p3\nDEL p2\nDEL p1\n");
	for (int i = 1; i <= 3; i++) {
		char n[4];

		snprintf(n, sizeof(n), "p%d", i);
		ck_assert_msg(stdin_has(f.dir, "DEL", n, "\"prevResult\":{\"cniVersion\":\"1.0.0\","
						      "\"from\":\"final\"}"),
			      "%s got no prevResult", n);
	}

	/* p3 and p1 fail: all three run, p3's failure is the one reported. */
	touch(f.dir, "fail.DEL.p3");
	touch(f.dir, "fail.DEL.p1");
	r = cni_list_del(&f.o, &f.at, final_result, &err);
	ck_assert_int_eq(r, -EIO);
	ck_assert_str_eq(err.msg, "CNI plugin p3 DEL failed: p3 broke (CNI error code 11)");
	expect_log(f.dir, "DEL p3\nDEL p2\nDEL p1\n");

	/* Unknown result: no prevResult. */
	ck_assert_int_eq(cni_list_del(&f.o, &f.at, NULL, &err), -EIO);
	ck_assert(!stdin_has(f.dir, "DEL", "p2", "prevResult"));
	lfx_done(&f);
}
END_TEST

/* Spec 0.3.x has no prevResult on DEL, and no CHECK. */
START_TEST(list_del_old_version)
{
	struct lfx f;
	struct b_err err = { 0 };
	int r;

	lfx_init(&f, "0.3.1", false);
	r = cni_list_del(&f.o, &f.at, final_result, &err);
	ck_assert_msg(r == 0, "DEL: %s", err.msg);
	expect_log(f.dir, "DEL p3\nDEL p2\nDEL p1\n");
	ck_assert(!stdin_has(f.dir, "DEL", "p1", "prevResult"));
	ck_assert(!stdin_has(f.dir, "DEL", "p3", "prevResult"));
	ck_assert(stdin_has(f.dir, "DEL", "p3", "\"cniVersion\":\"0.3.1\""));
	ck_assert_int_eq(cni_list_check(&f.o, &f.at, final_result, &err), 0);
	expect_log(f.dir, "");
	lfx_done(&f);
}
END_TEST

START_TEST(list_check)
{
	struct lfx f;
	struct b_err err = { 0 };
	int r;

	lfx_init(&f, "1.0.0", false);
	r = cni_list_check(&f.o, &f.at, final_result, &err);
	ck_assert_msg(r == 0, "CHECK: %s", err.msg);
	expect_log(f.dir, "CHECK p1\nCHECK p2\nCHECK p3\n");
	ck_assert(stdin_has(f.dir, "CHECK", "p2", "\"from\":\"final\""));
	touch(f.dir, "fail.CHECK.p2");
	ck_assert_int_eq(cni_list_check(&f.o, &f.at, final_result, &err), -EIO);
	ck_assert_str_eq(err.msg, "CNI plugin p2 CHECK failed: p2 broke (CNI error code 11)");
	expect_log(f.dir, "CHECK p1\nCHECK p2\n");
	lfx_done(&f);

	lfx_init(&f, "1.0.0", true);
	ck_assert_int_eq(cni_list_check(&f.o, &f.at, final_result, &err), 0);
	expect_log(f.dir, "");
	lfx_done(&f);
}
END_TEST

/* ---- finding the network ------------------------------------------------------ */

static const char b_conflist[] =
	"{\"cniVersion\":\"1.0.0\",\"name\":\"bee\",\"plugins\":[{\"type\":\"bridge\"},"
	"{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}]}\n";
static const char a_conf[] =
	"{\"cniVersion\":\"0.4.0\",\"name\":\"ay\",\"type\":\"macvlan\",\"master\":\"eth0\"}\n";

struct find_res {
	int r;
	char *text, *source;
	struct cni_conflist *list;
	struct b_err err;
};

static void find(const char *dir, const char *name, struct find_res *f)
{
	memset(f, 0, sizeof(*f));
	f->r = cni_find_network(dir, name, &f->text, &f->source, &f->list, &f->err);
}

static void find_done(struct find_res *f)
{
	if (f->list)
		cni_conflist_free(f->list);
	free(f->text);
	free(f->source);
}

static void expect_builtin(const char *dir, const char *name)
{
	struct find_res f;

	find(dir, name, &f);
	ck_assert_msg(f.r == 0, "%s", f.err.msg);
	ck_assert_str_eq(f.source, "built-in");
	ck_assert_str_eq(f.text, cni_builtin_conflist());
	ck_assert_str_eq(f.list->name, CNI_BUILTIN_NAME);
	ck_assert_uint_eq(f.list->n_plugins, 3);
	ck_assert_str_eq(f.list->plugins[0].type, "bridge");
	find_done(&f);
}

START_TEST(find_network)
{
	char dir[64], want[256], missing[128];
	struct find_res f;

	make_tmpdir(dir, sizeof(dir));
	put_file(dir, "b.conflist", b_conflist, 0644);
	put_file(dir, "a.conf", a_conf, 0644);
	put_file(dir, "junk.txt", "not json at all", 0644);
	put_file(dir, ".0.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"hidden\",\"type\":\"x\"}", 0644);
	snprintf(want, sizeof(want), "%s/0.conflist", dir);
	ck_assert_int_eq(mkdir(want, 0755), 0);
	put_file(dir, "c.json", "{\"cniVersion\":\"1.0.0\",\"name\":\"see\",\"type\":\"ptp\"}", 0644);

	/* No name: the first file in byte order, a .conf upconverted. */
	find(dir, NULL, &f);
	ck_assert_msg(f.r == 0, "%s", f.err.msg);
	snprintf(want, sizeof(want), "%s/a.conf", dir);
	ck_assert_str_eq(f.source, want);
	ck_assert_str_eq(f.text, a_conf);
	ck_assert_str_eq(f.list->name, "ay");
	ck_assert_uint_eq(f.list->n_plugins, 1);
	ck_assert_str_eq(f.list->plugins[0].type, "macvlan");
	find_done(&f);

	find(dir, "bee", &f);
	ck_assert_msg(f.r == 0, "%s", f.err.msg);
	snprintf(want, sizeof(want), "%s/b.conflist", dir);
	ck_assert_str_eq(f.source, want);
	ck_assert_str_eq(f.text, b_conflist);
	ck_assert_str_eq(f.list->name, "bee");
	ck_assert_uint_eq(f.list->n_plugins, 2);
	find_done(&f);

	find(dir, "see", &f);
	ck_assert_msg(f.r == 0, "%s", f.err.msg);
	snprintf(want, sizeof(want), "%s/c.json", dir);
	ck_assert_str_eq(f.source, want);
	find_done(&f);

	/* Dot files are not configs. */
	find(dir, "hidden", &f);
	ck_assert_int_eq(f.r, -ENOENT);
	find_done(&f);

	expect_builtin(dir, "berth");

	find(dir, "nope", &f);
	ck_assert_int_eq(f.r, -ENOENT);
	ck_assert_int_eq(f.err.code, ENOENT);
	snprintf(want, sizeof(want), "network \"nope\": no CNI config in %s has that name", dir);
	ck_assert_str_eq(f.err.msg, want);
	find_done(&f);

	snprintf(missing, sizeof(missing), "%s/no-such-dir", dir);
	expect_builtin(missing, NULL);
	expect_builtin(missing, "berth");
	find(missing, "nope", &f);
	ck_assert_int_eq(f.r, -ENOENT);
	find_done(&f);

	/* A broken file is an error naming it. */
	put_file(dir, "0-broken.conflist", "{\"cniVersion\": \"1.0.0\", \"name\": ", 0644);
	find(dir, NULL, &f);
	ck_assert_int_lt(f.r, 0);
	ck_assert_ptr_null(f.text);
	ck_assert_ptr_null(f.source);
	snprintf(want, sizeof(want), "%s/0-broken.conflist", dir);
	ck_assert_msg(strstr(f.err.msg, want) != NULL, "message: %s", f.err.msg);
	find_done(&f);
	rm_tree(dir);
}
END_TEST

static char *host_local_dir_of(const char *json)
{
	struct cni_conflist *l = NULL;
	struct b_err err = { 0 };
	char *d;

	ck_assert_msg(cni_conflist_parse("t.conflist", json, strlen(json), &l, &err) == 0, "%s",
		      err.msg);
	d = cni_host_local_dir(l);
	cni_conflist_free(l);
	return d;
}

START_TEST(host_local_dir)
{
	char *d;

	d = host_local_dir_of(cni_builtin_conflist());
	ck_assert_str_eq(d, "/run/cni/networks/berth");
	free(d);
	d = host_local_dir_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n1\",\"plugins\":[{\"type\":"
			      "\"bridge\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.1.0.0/16\"}}]}");
	ck_assert_str_eq(d, "/var/lib/cni/networks/n1");
	free(d);
	ck_assert_ptr_null(host_local_dir_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n2\",\"plugins\":"
					     "[{\"type\":\"bridge\",\"ipam\":{\"type\":\"dhcp\"}}]}"));
	ck_assert_ptr_null(host_local_dir_of("{\"cniVersion\":\"1.0.0\",\"name\":\"n3\",\"plugins\":"
					     "[{\"type\":\"loopback\"}]}"));
	/* Only plugin 0's IPAM counts. */
	ck_assert_ptr_null(host_local_dir_of(
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n4\",\"plugins\":[{\"type\":\"a\"},"
		"{\"type\":\"b\",\"ipam\":{\"type\":\"host-local\"}}]}"));
}
END_TEST

static Suite *cni_run_suite(void)
{
	Suite *s = suite_create("cni_run");
	TCase *tc = tcase_create("exec");
	TCase *tl = tcase_create("list");
	TCase *tf = tcase_create("find");

	tcase_set_timeout(tc, 20);
	tcase_set_timeout(tl, 20);
	tcase_add_test(tc, exec_environment);
	tcase_add_test(tc, exec_big_io);
	tcase_add_test(tc, exec_unread_stdin);
	tcase_add_test(tc, exec_error_object);
	tcase_add_test(tc, exec_error_stderr);
	tcase_add_test(tc, exec_killed_by_signal);
	tcase_add_test(tc, exec_deadline);
	tcase_add_test(tc, exec_deadline_closed_pipes);
	tcase_add_test(tc, exec_stdout_closed_early);
	tcase_add_test(tc, exec_child_holds_stdout);
	tcase_add_test(tc, find_plugin);
	suite_add_tcase(s, tc);
	tcase_add_test(tl, list_add_chains);
	tcase_add_test(tl, list_add_stops_at_failure);
	tcase_add_test(tl, list_del_reverse_goes_on);
	tcase_add_test(tl, list_del_old_version);
	tcase_add_test(tl, list_check);
	suite_add_tcase(s, tl);
	tcase_add_test(tf, find_network);
	tcase_add_test(tf, host_local_dir);
	suite_add_tcase(s, tf);
	return s;
}

TEST_MAIN(cni_run_suite)
