/* state, list, ps, features, spec. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "table.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "specs/jsonw.h"
#include "specs/oci_default.h"

int cmd_state(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct oci_state *st = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	char *json;

	if (cli_simple(&a, cli, c, argc, argv, 1, 1, "exactly one container ID"))
		return a.rc;
	if (rt_state(&cli->ctx, a.pos[0], &st, &err) < 0)
		return cli_error(cli, &err);
	json = oci_state_to_json(st, false, true);
	oci_state_free(st);
	if (!json)
		return cli_errorf(cli, "serialising the state");
	printf("%s%s", json, json[0] && json[strlen(json) - 1] == '\n' ? "" : "\n");
	free(json);
	return 0;
}

/* --format table|json; the exit status of a usage error, else 0 */
static int parse_format(struct cli_args *a, bool *json)
{
	if (!strcmp(a->arg, "json"))
		*json = true;
	else if (!strcmp(a->arg, "table"))
		*json = false;
	else
		return cli_usage(a->cli, a->c, "--format: \"%s\" is not table or json", a->arg);
	return 0;
}

static void list_table(struct oci_state **list, size_t n)
{
	static const char *const head[] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
	struct table t;

	table_init(&t, 6);
	for (size_t i = 0; i < 6; i++)
		table_add(&t, head[i]);
	for (size_t i = 0; i < n; i++) {
		table_add(&t, list[i]->id);
		table_addf(&t, "%d", (int)list[i]->pid);
		table_add(&t, list[i]->status);
		table_add(&t, list[i]->bundle);
		table_add(&t, list[i]->created);
		table_add(&t, list[i]->owner && *list[i]->owner ? list[i]->owner : "root");
	}
	table_print(&t, stdout);
	table_free(&t);
}

int cmd_list(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct oci_state **list = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	bool quiet = false, json = false;
	size_t n = 0;
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'q')
			quiet = true;
		else if (k == 'f' && parse_format(&a, &json))
			return 1;
	if (k == CLI_EXIT || cli_want_pos(&a, 0, 0, "no arguments"))
		return a.rc;
	if (rt_list(&cli->ctx, &list, &n, &err) < 0)
		return cli_error(cli, &err);
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", list[i]->id);
	} else if (json) {
		printf("[");
		for (size_t i = 0; i < n; i++) {
			char *s = oci_state_to_json(list[i], false, false);
			printf("%s%s", i ? "," : "", s ? s : "null");
			free(s);
		}
		printf("]\n");
	} else {
		list_table(list, n);
	}
	rt_list_free(list, n);
	return 0;
}

static void print_proc_row(pid_t pid)
{
	char path[64], cmd[256] = "";
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	unsigned ppid = 0, uid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (b_read_file(path, 0, &buf, &len) == 0) {
		for (size_t i = 0; i + 1 < len; i++)
			if (!buf[i])
				buf[i] = ' ';
		snprintf(cmd, sizeof(cmd), "%s", buf);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f) {
		char line[256];
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "PPid: %u", &ppid);
			sscanf(line, "Uid: %u", &uid);
		}
		fclose(f);
	}
	printf("%-6u %-8d %-8u %s\n", uid, (int)pid, ppid, cmd);
}

int cmd_ps(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct b_err err = { 0 };
	_cleanup_free_ pid_t *pids = NULL;
	CLI_ARGS a = { 0 };
	bool json = false;
	size_t n = 0;
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'f' && parse_format(&a, &json))
			return 1;
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 1, "a container ID"))
		return a.rc;
	if (rt_ps(&cli->ctx, a.pos[0], &pids, &n, &err) < 0)
		return cli_error(cli, &err);
	if (json) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		return 0;
	}
	printf("%-6s %-8s %-8s %s\n", "UID", "PID", "PPID", "CMD");
	for (size_t i = 0; i < n; i++)
		print_proc_row(pids[i]);
	return 0;
}

static void str_array(struct jw *w, const char *key, const char *const *v)
{
	jw_key(w, key);
	jw_arr_open(w);
	for (size_t i = 0; v[i]; i++)
		jw_str(w, v[i]);
	jw_arr_close(w);
}

int cmd_features(struct cli *cli, const struct command *c, int argc, char **argv)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
		"startContainer", "poststart", "poststop", NULL };
	static const char *const mount_opts[] = { "async", "atime", "bind", "defaults", "dev",
		"diratime", "dirsync", "exec", "lazytime", "loud", "mand", "noatime", "nodev",
		"nodiratime", "noexec", "nolazytime", "nomand", "norelatime", "nostrictatime",
		"nosuid", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount",
		"rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnosuid",
		"rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave",
		"rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent",
		"slave", "strictatime", "suid", "sync", "unbindable", NULL };
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "time",
		"user", "uts", NULL };
	static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
		"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
		"SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL };
	static const char *const ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
		"SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL };
	static const char *const archs[] = { "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
		"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL };
	static const char *const flags[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
		"SECCOMP_FILTER_FLAG_TSYNC", NULL };
	CLI_ARGS a = { 0 };
	struct jw *w;
	char *out;

	if (cli_simple(&a, cli, c, argc, argv, 0, 0, "no arguments"))
		return a.rc;
	w = jw_new(true);
	jw_obj_open(w);
	jw_kstr(w, "ociVersionMin", "1.0.0");
	jw_kstr(w, "ociVersionMax", "1.3.0");
	str_array(w, "hooks", hooks);
	str_array(w, "mountOptions", mount_opts);
	jw_key(w, "linux");
	jw_obj_open(w);
	str_array(w, "namespaces", ns);
	jw_key(w, "capabilities");
	jw_arr_open(w);
	for (int i = 0; i <= oci_cap_last(); i++)
		if (oci_cap_name(i))
			jw_str(w, oci_cap_name(i));
	jw_arr_close(w);
	jw_key(w, "cgroup");
	jw_obj_open(w);
	jw_kbool(w, "v1", false);
	jw_kbool(w, "v2", true);
	jw_kbool(w, "systemd", false);
	jw_kbool(w, "systemdUser", false);
	jw_kbool(w, "rdma", false);
	jw_obj_close(w);
	jw_key(w, "seccomp");
	jw_obj_open(w);
	jw_kbool(w, "enabled", true);
	str_array(w, "actions", actions);
	str_array(w, "operators", ops);
	str_array(w, "archs", archs);
	str_array(w, "knownFlags", flags);
	str_array(w, "supportedFlags", flags);
	jw_obj_close(w);
	jw_key(w, "apparmor"); jw_obj_open(w); jw_kbool(w, "enabled", true); jw_obj_close(w);
	jw_key(w, "selinux"); jw_obj_open(w); jw_kbool(w, "enabled", false); jw_obj_close(w);
	jw_key(w, "intelRdt"); jw_obj_open(w); jw_kbool(w, "enabled", false); jw_obj_close(w);
	jw_key(w, "mountExtensions");
	jw_obj_open(w);
	jw_key(w, "idmap"); jw_obj_open(w); jw_kbool(w, "enabled", false); jw_obj_close(w);
	jw_obj_close(w);
	jw_obj_close(w);
	jw_key(w, "annotations");
	jw_obj_open(w);
	jw_kstr(w, "dev.berth.version", BERTH_VERSION);
	jw_obj_close(w);
	jw_obj_close(w);
	out = jw_finish(w, NULL);
	jw_free(w);
	if (!out)
		return cli_errorf(cli, "features: building JSON failed");
	printf("%s\n", out);
	free(out);
	return 0;
}

int cmd_spec(struct cli *cli, const struct command *c, int argc, char **argv)
{
	const char *bundle = ".";
	bool rootless = false;
	char path[PATH_MAX];
	_cleanup_free_ char *json = NULL;
	CLI_ARGS a = { 0 };
	int k, fd;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'b')
			bundle = a.arg;
		else if (k == OPT_ROOTLESS)
			rootless = true;
	if (k == CLI_EXIT || cli_want_pos(&a, 0, 0, "no arguments"))
		return a.rc;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	json = oci_default_spec_json(rootless);
	if (!json)
		return cli_errorf(cli, "spec: building the default config failed");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return cli_errorf(cli, "spec: %s exists; remove it first", path);
		return cli_errorf(cli, "spec: creating %s: %s", path, strerror(errno));
	}
	if (b_write_all(fd, json, strlen(json)) < 0 || b_write_all(fd, "\n", 1) < 0) {
		close(fd);
		return cli_errorf(cli, "spec: writing %s: %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}
