/* runtime/validate.c: which container ids are accepted (they name a
 * directory under --root), which linux.sysctl keys a config may set
 * (only those its own namespaces isolate), and which fields need a mount
 * or uts namespace. */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"
#include "runtime/container.h"
#include "runtime/internal.h"
#include "testmain.h"

static const struct id_case {
	const char *id;
	int code;                 /* 0: accepted */
	const char *msg;          /* in the message when refused */
} id_cases[] = {
	{ "c1", 0, NULL },
	{ "a", 0, NULL },
	{ "My_Container-1.2+3", 0, NULL },
	{ ".hidden", 0, NULL },
	{ "a..b", 0, NULL },       /* ".." only as the whole name leaves --root */
	{ "...", 0, NULL },
	{ "-", 0, NULL },
	{ "pods1", 0, NULL },
	{ "Pods", 0, NULL },
	{ "", EINVAL, "must not be empty" },
	{ ".", EINVAL, "invalid container id" },
	{ "..", EINVAL, "invalid container id" },
	{ "pods", EINVAL, "reserved" },
	{ "a/b", EINVAL, "only letters, digits" },
	{ "/abs", EINVAL, "only letters, digits" },
	{ "../x", EINVAL, "only letters, digits" },
	{ "a b", EINVAL, "only letters, digits" },
	{ "a\nb", EINVAL, "only letters, digits" },
	{ "a:b", EINVAL, "only letters, digits" },
	{ "a*", EINVAL, "only letters, digits" },
	{ "caf\xc3\xa9", EINVAL, "only letters, digits" },   /* isalnum is ASCII only */
};

START_TEST(id_table)
{
	const struct id_case *t = &id_cases[_i];
	struct b_err err = { 0 };
	int r = rt_validate_id(t->id, &err);

	if (!t->code) {
		ck_assert_msg(r == 0, "\"%s\" refused: %s", t->id, err.msg);
		return;
	}
	ck_assert_msg(r == -t->code, "\"%s\": got %d, want -%d", t->id, r, t->code);
	ck_assert_int_eq(err.code, t->code);
	ck_assert_msg(strstr(err.msg, t->msg), "\"%s\": message \"%s\"", t->id, err.msg);
}
END_TEST

START_TEST(id_null_and_length)
{
	char id[1026];
	struct b_err err = { 0 };

	ck_assert_int_eq(rt_validate_id(NULL, &err), -EINVAL);
	memset(id, 'a', sizeof(id));
	id[1024] = '\0';
	ck_assert_int_eq(rt_validate_id(id, &err), 0);
	id[1024] = 'a';
	id[1025] = '\0';
	ck_assert_int_eq(rt_validate_id(id, &err), -EINVAL);
}
END_TEST

/* A config with the namespaces `kinds` (ending with OCI_NS_KINDS), each
 * created fresh, or joined by path when `joined` is that kind, and one
 * sysctl. */
struct sysctl_cfg {
	struct oci_config cfg;
	struct oci_kv kv;
};

static void make_cfg(struct sysctl_cfg *c, const char *key, const enum oci_ns_kind *kinds,
		     enum oci_ns_kind joined)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; kinds[i] != OCI_NS_KINDS; i++) {
		struct oci_namespace *ns = &c->cfg.linux.namespaces[c->cfg.linux.n_namespaces++];

		ns->kind = kinds[i];
		ns->path = kinds[i] == joined ? "/proc/1/ns/whatever" : NULL;
	}
	c->kv.key = (char *)key;
	c->kv.value = "1";
	c->cfg.has_linux = true;
	c->cfg.linux.sysctl.items = &c->kv;
	c->cfg.linux.sysctl.n = 1;
}

#define ALL_NS { OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_KINDS }
#define NO_NET { OCI_NS_PID, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_KINDS }
#define NO_IPC { OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_UTS, OCI_NS_KINDS }
#define NO_UTS { OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_KINDS }
#define NONE { OCI_NS_KINDS }

static const struct sysctl_case {
	const char *key;
	enum oci_ns_kind ns[OCI_NS_KINDS + 1];
	enum oci_ns_kind joined;      /* OCI_NS_KINDS: none joined */
	const char *refusal;          /* NULL: accepted; else in the message */
} sysctl_cases[] = {
	/* net.*: the network namespace */
	{ "net.ipv4.ip_forward", ALL_NS, OCI_NS_KINDS, NULL },
	{ "net.core.somaxconn", NO_IPC, OCI_NS_KINDS, NULL },
	{ "net.ipv4.ip_forward", NO_NET, OCI_NS_KINDS, "needs a network namespace" },
	{ "net.ipv4.ip_forward", NONE, OCI_NS_KINDS, "needs a network namespace" },
	/* the IPC list and fs.mqueue.*: the ipc namespace */
	{ "kernel.msgmax", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.msgmnb", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.msgmni", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.sem", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmall", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmmax", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmmni", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shm_rmid_forced", ALL_NS, OCI_NS_KINDS, NULL },
	{ "fs.mqueue.queues_max", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmmax", NO_IPC, OCI_NS_KINDS, "needs a ipc namespace" },
	{ "fs.mqueue.msg_max", NO_IPC, OCI_NS_KINDS, "needs a ipc namespace" },
	/* the uts names */
	{ "kernel.hostname", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.domainname", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.hostname", NO_UTS, OCI_NS_KINDS, "needs a uts namespace" },
	/* A joined namespace (a path) is accepted: it is the container's,
	 * whoever made it (sysctl_hosts_namespace: unless it is berth's). */
	{ "net.ipv4.ip_forward", ALL_NS, OCI_NS_NETWORK, NULL },
	{ "kernel.sem", ALL_NS, OCI_NS_IPC, NULL },
	/* Not namespaced, or only by prefix look-alikes: never set. */
	{ "kernel.pid_max", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "kernel.shm_next_id", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "kernel.sem_extra", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "kernel.hostnames", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "vm.swappiness", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "fs.mqueue", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "network.x", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	/* A name that could walk out of /proc/sys, in any namespace's form. */
	{ "net/../../kernel/x", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
	{ "net.ipv4/../../../kernel/core_pattern", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
	{ "net.ipv4..conf", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
	{ "fs.mqueue.x/y", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
};

START_TEST(sysctl_table)
{
	const struct sysctl_case *t = &sysctl_cases[_i];
	struct sysctl_cfg c;
	struct b_err err = { 0 };
	int r;

	make_cfg(&c, t->key, t->ns, t->joined);
	r = rt_sysctl_validate(&c.cfg, &err);
	if (!t->refusal) {
		ck_assert_msg(r == 0, "\"%s\" refused: %s", t->key, err.msg);
		return;
	}
	ck_assert_msg(r == -EINVAL, "\"%s\": got %d, want -EINVAL", t->key, r);
	ck_assert_msg(strstr(err.msg, t->refusal), "\"%s\": message \"%s\"", t->key, err.msg);
	ck_assert_msg(strncmp(err.msg, "config.json: linux.sysctl[\"", 27) == 0, "%s", err.msg);
	ck_assert(strstr(err.msg, t->key));
}
END_TEST

/* Joined by a path that is berth's own namespace (the host's), a sysctl
 * would change the host; and kernel.hostname/domainname next to the
 * config's field of the same name are one too many (as runc says). */
START_TEST(sysctl_hosts_namespace_and_uts_fields)
{
	static const enum oci_ns_kind all[] = ALL_NS;
	static const struct { const char *key; enum oci_ns_kind kind; const char *path; } hosts[] = {
		{ "net.ipv4.ip_forward", OCI_NS_NETWORK, "/proc/self/ns/net" },
		{ "kernel.shmmax", OCI_NS_IPC, "/proc/self/ns/ipc" },
		{ "kernel.hostname", OCI_NS_UTS, "/proc/self/ns/uts" },
	};
	struct sysctl_cfg c;
	struct b_err err = { 0 };

	for (size_t i = 0; i < B_ARRAY_SIZE(hosts); i++) {
		make_cfg(&c, hosts[i].key, all, hosts[i].kind);
		for (size_t j = 0; j < c.cfg.linux.n_namespaces; j++)
			if (c.cfg.linux.namespaces[j].kind == hosts[i].kind)
				c.cfg.linux.namespaces[j].path = (char *)hosts[i].path;
		ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), -EINVAL);
		ck_assert_msg(strstr(err.msg, "is the host's"), "%s: %s", hosts[i].key, err.msg);
	}
	make_cfg(&c, "kernel.hostname", all, OCI_NS_KINDS);
	c.cfg.hostname = "box";
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "conflicts with the \"hostname\" field"), "%s", err.msg);
	make_cfg(&c, "kernel.domainname", all, OCI_NS_KINDS);
	c.cfg.domainname = "example";
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "\"domainname\""), "%s", err.msg);
	make_cfg(&c, "kernel.domainname", all, OCI_NS_KINDS);
	c.cfg.hostname = "box";   /* another name: no conflict */
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), 0);
}
END_TEST

/* Each key is checked: one bad key among good ones is found. */
START_TEST(sysctl_every_key)
{
	static const enum oci_ns_kind all[] = ALL_NS;
	struct oci_kv kv[] = {
		{ "net.ipv4.ip_forward", "1" }, { "kernel.shmmax", "1" }, { "vm.overcommit_memory", "1" },
	};
	struct sysctl_cfg c;
	struct b_err err = { 0 };

	make_cfg(&c, "unused", all, OCI_NS_KINDS);
	c.cfg.linux.sysctl.items = kv;
	c.cfg.linux.sysctl.n = 2;
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), 0);
	c.cfg.linux.sysctl.n = 3;
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), -EINVAL);
	ck_assert(strstr(err.msg, "vm.overcommit_memory"));
	c.cfg.linux.sysctl.n = 0;
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), 0);
}
END_TEST

/* Which fields need which namespace (rt_namespaces_validate): each case
 * adds one field to a config with the namespaces `ns`. */
static const struct ns_case {
	enum oci_ns_kind ns[OCI_NS_KINDS + 1];
	enum oci_ns_kind joined;      /* OCI_NS_KINDS: none joined */
	int field;                    /* what the case sets, see set_field */
	const char *refusal;          /* NULL: accepted; else the message's start */
} ns_cases[] = {
	{ NONE, OCI_NS_KINDS, 0, NULL },  /* no namespace at all, nothing that needs one */
	{ NO_UTS, OCI_NS_KINDS, 0, NULL },
	{ ALL_NS, OCI_NS_KINDS, 1, NULL },
	{ ALL_NS, OCI_NS_UTS, 1, NULL },  /* set in the joined namespace */
	{ ALL_NS, OCI_NS_UTS, 2, NULL },
	{ NO_UTS, OCI_NS_KINDS, 1, "config.json: hostname: needs a uts namespace" },
	{ NO_UTS, OCI_NS_KINDS, 2, "config.json: domainname: needs a uts namespace" },
	{ ALL_NS, OCI_NS_MOUNT, 3, NULL },  /* a joined mount namespace is not the runtime's */
	{ ALL_NS, OCI_NS_KINDS, 3, NULL },
	{ NONE, OCI_NS_KINDS, 3, "config.json: linux.maskedPaths: needs a mount namespace" },
	{ NONE, OCI_NS_KINDS, 4, "config.json: linux.readonlyPaths: needs a mount namespace" },
	{ NONE, OCI_NS_KINDS, 5, "config.json: mounts: needs a mount namespace" },
	{ NONE, OCI_NS_KINDS, 6, "config.json: root.readonly: needs a mount namespace" },
	{ NONE, OCI_NS_KINDS, 7, "config.json: linux.rootfsPropagation: needs a mount namespace" },
	{ NONE, OCI_NS_KINDS, 8, "config.json: linux.devices: needs a mount namespace" },
};

START_TEST(ns_table)
{
	static char *paths[] = { "/proc/kcore", NULL };
	static char *none[] = { NULL };
	static struct oci_mount mount = { .destination = "/tmp", .type = "tmpfs" };
	const struct ns_case *t = &ns_cases[_i];
	struct sysctl_cfg c;
	struct b_err err = { 0 };
	int r;

	make_cfg(&c, "unused", t->ns, t->joined);
	c.cfg.linux.sysctl.n = 0;
	c.cfg.linux.masked_paths = t->field == 3 ? paths : none;
	c.cfg.linux.readonly_paths = t->field == 4 ? paths : none;
	c.cfg.hostname = t->field == 1 ? "h" : NULL;
	c.cfg.domainname = t->field == 2 ? "d" : NULL;
	c.cfg.mounts = t->field == 5 ? &mount : NULL;
	c.cfg.n_mounts = t->field == 5;
	c.cfg.root_readonly = t->field == 6;
	c.cfg.linux.rootfs_propagation = t->field == 7 ? MS_PRIVATE : 0;
	c.cfg.linux.n_devices = t->field == 8;
	r = rt_namespaces_validate(&c.cfg, &err);
	if (!t->refusal) {
		ck_assert_msg(r == 0, "case %d refused: %s", _i, err.msg);
		return;
	}
	ck_assert_msg(r == -EINVAL, "case %d: got %d, want -EINVAL", _i, r);
	ck_assert_msg(!strncmp(err.msg, t->refusal, strlen(t->refusal)), "case %d: \"%s\"", _i, err.msg);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *ids = tcase_create("ids");
	TCase *sysctls = tcase_create("sysctls");
	TCase *nss = tcase_create("namespaces");

	tcase_add_loop_test(ids, id_table, 0, (int)B_ARRAY_SIZE(id_cases));
	tcase_add_test(ids, id_null_and_length);
	suite_add_tcase(s, ids);
	tcase_add_loop_test(sysctls, sysctl_table, 0, (int)B_ARRAY_SIZE(sysctl_cases));
	tcase_add_test(sysctls, sysctl_every_key);
	tcase_add_test(sysctls, sysctl_hosts_namespace_and_uts_fields);
	suite_add_tcase(s, sysctls);
	tcase_add_loop_test(nss, ns_table, 0, (int)B_ARRAY_SIZE(ns_cases));
	suite_add_tcase(s, nss);
	return s;
}

TEST_MAIN(validate_suite)
