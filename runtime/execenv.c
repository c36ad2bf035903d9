/* What a container process is exec'd with: args[0] found on its PATH and
 * its environment (HOME from the container's /etc/passwd when unset).  Both
 * run inside the container's root, with berth's fds already closed. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "internal.h"
#include "safepath.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int dup_path(const char *path, char **out, struct b_err *err)
{
	*out = strdup(path);
	return *out ? 0 : b_err_set(err, ENOMEM, "exec: \"%s\": out of memory", path);
}

int rt_find_executable(const char *name, char *const *env, char **out, struct b_err *err)
{
	const char *path = DEFAULT_PATH;
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (!*name)
		return b_err_set(err, ENOENT, "exec: process.args[0] is empty");
	if (strchr(name, '/')) {
		if (!executable(name))
			return b_err_sys(err, errno ? errno : EACCES, "exec: \"%s\"", name);
		return dup_path(name, out, err);
	}
	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], "PATH=", 5))
			path = env[i] + 5;
	copy = strdup(path);
	if (!copy)
		return b_err_set(err, ENOMEM, "exec: \"%s\": out of memory", name);
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char cand[4096];
		snprintf(cand, sizeof(cand), "%s/%s", *dir ? dir : ".", name);
		if (executable(cand))
			return dup_path(cand, out, err);
	}
	return b_err_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

/* The container's /etc/passwd: a regular file only (a FIFO would hang the
 * runtime, /dev/zero would fill its memory), through a root-confined open. */
static FILE *open_passwd(void)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = root < 0 ? -1 : sp_open_file_in_root(root, "/etc/passwd");
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "re"))) {
		close(fd);
		return NULL;
	}
	return f;
}

/* HOME from the container's /etc/passwd, as runc does when env lacks it. */
static char *home_for(uint32_t uid)
{
	_cleanup_fclose_ FILE *f = open_passwd();
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		char *fields[7] = { 0 };
		char *s = line;
		int n = 0;
		unsigned long u;

		for (char *tok; n < 7 && (tok = strsep(&s, ":")); )
			fields[n++] = tok;
		if (n < 6 || !fields[2] || !fields[5])
			continue;
		u = strtoul(fields[2], NULL, 10);
		if (u == uid)
			return strdup(fields[5]);
	}
	return strdup("/");
}

char **rt_build_env(const struct oci_process *p)
{
	size_t n = 0;
	bool has_home = false;
	char **env;

	while (p->env && p->env[n]) {
		if (!strncmp(p->env[n], "HOME=", 5))
			has_home = true;
		n++;
	}
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		env[i] = p->env[i];
	if (!has_home) {
		_cleanup_free_ char *home = home_for(p->user.uid);
		if (home && asprintf(&env[n], "HOME=%s", home) < 0)
			env[n] = NULL;
	}
	return env;
}
