/* NOTIFY_SOCKET for a container started by `berth run` under systemd:
 * the caller owns a socket in `dir` (cmd/run_notify_relay.c); the container
 * sees that directory at RT_NOTIFY_DIR and NOTIFY_SOCKET pointing into it,
 * so its messages reach the caller, which passes them on.  runc and crun
 * pass on only READY=1; the caller here relays every state change. */
#include <errno.h>
#include <string.h>

#include "common/notify_inbox.h"
#include "runtime/container.h"
#include "specs/oci_config.h"

#define NOTIFY_ENV "NOTIFY_SOCKET=" RT_NOTIFY_DIR "/" B_NOTIFY_INBOX_SOCK

static int add_env(struct oci_config *cfg, struct b_err *err)
{
	struct oci_process *p = cfg->process;
	size_t n = 0;
	char **env;

	while (p->env && p->env[n]) {
		/* The bundle's own NOTIFY_SOCKET would point nowhere we listen. */
		if (!strncmp(p->env[n], "NOTIFY_SOCKET=", 14)) {
			p->env[n] = b_arena_strdup(&cfg->arena, NOTIFY_ENV);
			return p->env[n] ? 0 : b_err_set(err, ENOMEM, "out of memory");
		}
		n++;
	}
	env = b_arena_calloc(&cfg->arena, n + 2, sizeof(*env));
	if (!env)
		return b_err_set(err, ENOMEM, "out of memory");
	if (n)
		memcpy(env, p->env, n * sizeof(*env));
	env[n] = b_arena_strdup(&cfg->arena, NOTIFY_ENV);
	p->env = env;
	return 0;
}

int rt_config_add_notify_socket(struct oci_config *cfg, const char *dir, struct b_err *err)
{
	static const char *const opts[] = { "rbind", "nosuid", "nodev", "noexec", NULL };
	struct oci_mount *m;
	char **o;

	if (!cfg->process)
		return b_err_set(err, EINVAL, "config.json has no process to notify from");
	m = b_arena_calloc(&cfg->arena, cfg->n_mounts + 1, sizeof(*m));
	o = b_arena_calloc(&cfg->arena, 5, sizeof(*o));
	if (!m || !o)
		return b_err_set(err, ENOMEM, "out of memory");
	if (cfg->n_mounts)
		memcpy(m, cfg->mounts, cfg->n_mounts * sizeof(*m));
	for (size_t i = 0; opts[i]; i++)
		o[i] = b_arena_strdup(&cfg->arena, opts[i]);
	m[cfg->n_mounts] = (struct oci_mount){
		.destination = b_arena_strdup(&cfg->arena, RT_NOTIFY_DIR),
		.type = b_arena_strdup(&cfg->arena, "bind"),
		.source = b_arena_strdup(&cfg->arena, dir),
		.options = o,
	};
	cfg->mounts = m;
	cfg->n_mounts++;
	return add_env(cfg, err);
}
