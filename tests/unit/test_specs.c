/* specs/: config.json and process.json parsing, name tables, `berth spec`.
 *
 * JSON in this file is written with single quotes for readability; sq()
 * turns them into double quotes before parsing. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "common/utf8.h"
#include "specs/oci_config.h"
#include "specs/oci_default.h"
#include "testjson.h"
#include "testmain.h"
#include "testscale.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static struct oci_config *parse_ok(const char *json_sq)
{
	_cleanup_free_ char *json = sq(json_sq);
	struct b_err err = { 0 };
	struct oci_config *cfg = NULL;
	int r = oci_config_parse("config.json", json, strlen(json), &cfg, &err);

	ck_assert_msg(r == 0, "unexpected error: %s", err.msg);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

static void check_err(const char *json_sq, const char *want)
{
	_cleanup_free_ char *json = sq(json_sq);
	struct b_err err = { 0 };
	struct oci_config *cfg = NULL;
	int r = oci_config_parse("config.json", json, strlen(json), &cfg, &err);

	ck_assert_msg(r == -EINVAL, "expected failure for %s, got %d", json, r);
	ck_assert_ptr_null(cfg);
	ck_assert_int_eq(err.code, EINVAL);
	ck_assert_str_eq(err.msg, want);
}

#define BASE "'ociVersion':'1.2.0','root':{'path':'rootfs'}"
#define DOC(extra) "{" BASE "," extra "}"
#define PROC(extra) DOC("'process':{'args':['sh'],'cwd':'/'," extra "}")
#define LINUX(extra) DOC("'linux':{" extra "}")
#define RES(extra) LINUX("'resources':{" extra "}")
#define SECCOMP(extra) LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW'," extra "}")

/* ---- a full config -------------------------------------------------- */

static const char full_config[] =
	"{'ociVersion':'1.3.0',"
	" 'root':{'path':'/var/lib/rootfs','readonly':true},"
	" 'mounts':["
	"  {'destination':'/proc','type':'proc','source':'proc'},"
	"  {'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','ro'],"
	"   'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
	"   'gidMappings':[{'containerID':0,'hostID':200000,'size':1000}]}],"
	" 'process':{"
	"  'terminal':true,'consoleSize':{'height':25,'width':80},"
	"  'user':{'uid':1000,'gid':1001,'umask':18,'additionalGids':[5,6,4294967295]},"
	"  'args':['/bin/sh','-c','echo hi'],"
	"  'env':['PATH=/bin','EMPTY=','X=a=b'],"
	"  'cwd':'/home/user',"
	"  'capabilities':{'bounding':['CAP_CHOWN','CAP_SYS_ADMIN','CAP_CHECKPOINT_RESTORE'],"
	"   'effective':['CAP_KILL'],'inheritable':[],'permitted':['CAP_KILL','CAP_NET_RAW'],"
	"   'ambient':['CAP_NET_BIND_SERVICE']},"
	"  'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':4096},"
	"   {'type':'RLIMIT_CORE','soft':0,'hard':18446744073709551615}],"
	"  'noNewPrivileges':true,'oomScoreAdj':-500,"
	"  'apparmorProfile':'berth-default','selinuxLabel':'system_u:system_r:container_t:s0',"
	"  'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':4},"
	"  'scheduler':{'policy':'SCHED_DEADLINE','nice':-5,"
	"   'flags':['SCHED_FLAG_RESET_ON_FORK','SCHED_FLAG_DL_OVERRUN'],"
	"   'runtime':1000,'deadline':2000,'period':3000}},"
	" 'hostname':'box','domainname':'example.org',"
	" 'hooks':{"
	"  'prestart':[{'path':'/usr/bin/hook','args':['hook','pre'],'env':['A=1'],'timeout':5}],"
	"  'createRuntime':[{'path':'/a'},{'path':'/b'}],"
	"  'createContainer':[{'path':'/c'}],'startContainer':[{'path':'/d'}],"
	"  'poststart':[{'path':'/e'}],'poststop':[{'path':'/f'}]},"
	" 'annotations':{'org.example.key':'value','other':''},"
	" 'linux':{"
	"  'namespaces':[{'type':'pid'},{'type':'network','path':'/var/run/netns/x'},"
	"   {'type':'mount'},{'type':'ipc'},{'type':'uts'},{'type':'user'},"
	"   {'type':'cgroup'},{'type':'time'}],"
	"  'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
	"  'gidMappings':[{'containerID':0,'hostID':1000,'size':1},"
	"   {'containerID':1,'hostID':100000,'size':65536}],"
	"  'timeOffsets':{'monotonic':{'secs':-3600,'nanosecs':5},'boottime':{'secs':86400}},"
	"  'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229,'fileMode':438,"
	"   'uid':0,'gid':5},{'type':'p','path':'/dev/fifo'}],"
	"  'cgroupsPath':'/berth/test',"
	"  'resources':{"
	"   'devices':[{'allow':false,'access':'rwm'},"
	"    {'allow':true,'type':'c','major':10,'minor':229,'access':'mrw'},"
	"    {'allow':true,'type':'b','major':8}],"
	"   'memory':{'limit':536870912,'reservation':268435456,'swap':-1,'kernel':0,"
	"    'kernelTCP':1,'swappiness':60,'disableOOMKiller':true,'useHierarchy':true,"
	"    'checkBeforeUpdate':false},"
	"   'cpu':{'shares':1024,'quota':50000,'burst':10000,'period':100000,"
	"    'realtimeRuntime':950000,'realtimePeriod':1000000,'cpus':'0-3','mems':'0','idle':1},"
	"   'pids':{'limit':100},"
	"   'blockIO':{'weight':500,'leafWeight':300,"
	"    'weightDevice':[{'major':8,'minor':0,'weight':700,'leafWeight':200},"
	"     {'major':8,'minor':16,'weight':100}],"
	"    'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
	"    'throttleWriteBpsDevice':[{'major':8,'minor':1,'rate':2}],"
	"    'throttleReadIOPSDevice':[{'major':8,'minor':2,'rate':3}],"
	"    'throttleWriteIOPSDevice':[{'major':8,'minor':3,'rate':4}]},"
	"   'hugepageLimits':[{'pageSize':'2MB','limit':9223372036854772000}],"
	"   'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':500}]},"
	"   'rdma':{'mlx5_1':{'hcaHandles':3}},"
	"   'unified':{'memory.high':'1G','io.weight':'default 100'}},"
	"  'sysctl':{'net.ipv4.ip_forward':'1','kernel.msgmax':'8192'},"
	"  'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,"
	"   'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_AARCH64'],"
	"   'flags':['SECCOMP_FILTER_FLAG_LOG'],"
	"   'listenerPath':'/run/seccomp.sock','listenerMetadata':'meta',"
	"   'syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
	"    {'names':['personality'],'action':'SCMP_ACT_ALLOW','args':["
	"     {'index':0,'value':8,'op':'SCMP_CMP_EQ'},"
	"     {'index':5,'value':255,'valueTwo':16,'op':'SCMP_CMP_MASKED_EQ'}]},"
	"    {'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'},"
	"    {'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':1}]},"
	"  'rootfsPropagation':'rslave',"
	"  'maskedPaths':['/proc/kcore','/sys/firmware'],"
	"  'readonlyPaths':['/proc/sys'],"
	"  'mountLabel':'system_u:object_r:container_file_t:s0',"
	"  'personality':{'domain':'LINUX32','flags':[]},"
	"  'intelRdt':{'closID':'x','l3CacheSchema':'L3:0=ff'},"
	"  'unknownLinuxField':{'anything':[1,2]}},"
	" 'unknownTopLevel':42}";

#define CAP(n) (1ULL << (n))

static void check_full_top(const struct oci_config *cfg)
{
	ck_assert_str_eq(cfg->oci_version, "1.3.0");
	ck_assert_str_eq(cfg->root_path, "/var/lib/rootfs");
	ck_assert(cfg->root_readonly);
	ck_assert_str_eq(cfg->hostname, "box");
	ck_assert_str_eq(cfg->domainname, "example.org");
	ck_assert_uint_eq(cfg->annotations.n, 2);
	ck_assert_str_eq(cfg->annotations.items[0].key, "org.example.key");
	ck_assert_str_eq(cfg->annotations.items[0].value, "value");
	ck_assert_str_eq(cfg->annotations.items[1].key, "other");
	ck_assert_str_eq(cfg->annotations.items[1].value, "");

	ck_assert_uint_eq(cfg->n_mounts, 2);
	ck_assert_str_eq(cfg->mounts[0].destination, "/proc");
	ck_assert_str_eq(cfg->mounts[0].type, "proc");
	ck_assert_str_eq(cfg->mounts[0].source, "proc");
	ck_assert_ptr_nonnull(cfg->mounts[0].options);
	ck_assert_ptr_null(cfg->mounts[0].options[0]);
	ck_assert_uint_eq(cfg->mounts[0].n_uid_mappings, 0);
	ck_assert_str_eq(cfg->mounts[1].options[0], "rbind");
	ck_assert_str_eq(cfg->mounts[1].options[1], "ro");
	ck_assert_ptr_null(cfg->mounts[1].options[2]);
	ck_assert_uint_eq(cfg->mounts[1].n_uid_mappings, 1);
	ck_assert_uint_eq(cfg->mounts[1].uid_mappings[0].host_id, 100000);
	ck_assert_uint_eq(cfg->mounts[1].uid_mappings[0].size, 65536);
	ck_assert_uint_eq(cfg->mounts[1].n_gid_mappings, 1);
	ck_assert_uint_eq(cfg->mounts[1].gid_mappings[0].host_id, 200000);

	ck_assert_uint_eq(cfg->hooks[OCI_HOOK_PRESTART].n, 1);
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_PRESTART].items[0].path, "/usr/bin/hook");
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_PRESTART].items[0].args[1], "pre");
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_PRESTART].items[0].env[0], "A=1");
	ck_assert_int_eq(cfg->hooks[OCI_HOOK_PRESTART].items[0].timeout, 5);
	ck_assert_uint_eq(cfg->hooks[OCI_HOOK_CREATE_RUNTIME].n, 2);
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_CREATE_RUNTIME].items[1].path, "/b");
	ck_assert_int_eq(cfg->hooks[OCI_HOOK_CREATE_RUNTIME].items[1].timeout, 0);
	ck_assert_ptr_null(cfg->hooks[OCI_HOOK_CREATE_RUNTIME].items[1].args[0]);
	ck_assert_ptr_null(cfg->hooks[OCI_HOOK_CREATE_RUNTIME].items[1].env[0]);
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_CREATE_CONTAINER].items[0].path, "/c");
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_START_CONTAINER].items[0].path, "/d");
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_POSTSTART].items[0].path, "/e");
	ck_assert_str_eq(cfg->hooks[OCI_HOOK_POSTSTOP].items[0].path, "/f");
}

static void check_full_process(const struct oci_process *p)
{
	ck_assert_ptr_nonnull(p);
	ck_assert(p->terminal);
	ck_assert(p->has_console_size);
	ck_assert_uint_eq(p->console_height, 25);
	ck_assert_uint_eq(p->console_width, 80);
	ck_assert_uint_eq(p->user.uid, 1000);
	ck_assert_uint_eq(p->user.gid, 1001);
	ck_assert(p->user.has_umask);
	ck_assert_uint_eq(p->user.umask, 18);
	ck_assert_uint_eq(p->user.n_additional_gids, 3);
	ck_assert_uint_eq(p->user.additional_gids[2], 4294967295u);
	ck_assert_str_eq(p->args[0], "/bin/sh");
	ck_assert_str_eq(p->args[2], "echo hi");
	ck_assert_ptr_null(p->args[3]);
	ck_assert_str_eq(p->env[2], "X=a=b");
	ck_assert_ptr_null(p->env[3]);
	ck_assert_str_eq(p->cwd, "/home/user");
	ck_assert_ptr_nonnull(p->capabilities);
	ck_assert_uint_eq(p->capabilities->bounding, CAP(0) | CAP(21) | CAP(40));
	ck_assert_uint_eq(p->capabilities->effective, CAP(5));
	ck_assert_uint_eq(p->capabilities->inheritable, 0);
	ck_assert_uint_eq(p->capabilities->permitted, CAP(5) | CAP(13));
	ck_assert_uint_eq(p->capabilities->ambient, CAP(10));
	ck_assert_uint_eq(p->n_rlimits, 2);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(p->rlimits[0].soft, 1024);
	ck_assert_uint_eq(p->rlimits[0].hard, 4096);
	ck_assert_int_eq(p->rlimits[1].resource, RLIMIT_CORE);
	ck_assert_uint_eq(p->rlimits[1].hard, UINT64_MAX);
	ck_assert(p->no_new_privileges);
	ck_assert(p->has_oom_score_adj);
	ck_assert_int_eq(p->oom_score_adj, -500);
	ck_assert_str_eq(p->apparmor_profile, "berth-default");
	ck_assert_str_eq(p->selinux_label, "system_u:system_r:container_t:s0");
	ck_assert_ptr_nonnull(p->io_priority);
	ck_assert_int_eq(p->io_priority->class, 2);
	ck_assert_int_eq(p->io_priority->priority, 4);
	ck_assert_ptr_nonnull(p->scheduler);
	ck_assert_int_eq(p->scheduler->policy, 6);
	ck_assert_int_eq(p->scheduler->nice, -5);
	ck_assert_uint_eq(p->scheduler->priority, 0);
	ck_assert_uint_eq(p->scheduler->flags, 0x01 | 0x04);
	ck_assert_uint_eq(p->scheduler->runtime, 1000);
	ck_assert_uint_eq(p->scheduler->deadline, 2000);
	ck_assert_uint_eq(p->scheduler->period, 3000);
}

static void check_full_linux(const struct oci_config *cfg)
{
	const struct oci_linux *l = &cfg->linux;
	static const enum oci_ns_kind order[] = {
		OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC,
		OCI_NS_UTS, OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_TIME,
	};
	static const int flags[] = {
		CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWIPC,
		CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME,
	};

	ck_assert(cfg->has_linux);
	ck_assert_uint_eq(l->n_namespaces, 8);
	for (size_t i = 0; i < 8; i++) {
		ck_assert_int_eq(l->namespaces[i].kind, order[i]);
		ck_assert_int_eq(l->namespaces[i].clone_flag, flags[i]);
	}
	ck_assert_str_eq(l->namespaces[1].path, "/var/run/netns/x");
	ck_assert_ptr_null(l->namespaces[0].path);
	ck_assert_ptr_eq(oci_config_ns(cfg, OCI_NS_NETWORK), &l->namespaces[1]);
	ck_assert_uint_eq(l->n_uid_mappings, 1);
	ck_assert_uint_eq(l->uid_mappings[0].host_id, 1000);
	ck_assert_uint_eq(l->n_gid_mappings, 2);
	ck_assert_uint_eq(l->gid_mappings[1].container_id, 1);
	ck_assert_uint_eq(l->gid_mappings[1].size, 65536);
	ck_assert(l->time_monotonic.set);
	ck_assert_int_eq(l->time_monotonic.secs, -3600);
	ck_assert_uint_eq(l->time_monotonic.nanosecs, 5);
	ck_assert(l->time_boottime.set);
	ck_assert_int_eq(l->time_boottime.secs, 86400);
	ck_assert_uint_eq(l->time_boottime.nanosecs, 0);
	ck_assert_uint_eq(l->n_devices, 2);
	ck_assert_int_eq(l->devices[0].type, 'c');
	ck_assert_str_eq(l->devices[0].path, "/dev/fuse");
	ck_assert_int_eq(l->devices[0].major, 10);
	ck_assert_int_eq(l->devices[0].minor, 229);
	ck_assert(l->devices[0].has_file_mode);
	ck_assert_uint_eq(l->devices[0].file_mode, 0666);
	ck_assert(l->devices[0].has_uid && l->devices[0].has_gid);
	ck_assert_uint_eq(l->devices[0].gid, 5);
	ck_assert_int_eq(l->devices[1].type, 'p');
	ck_assert(!l->devices[1].has_file_mode && !l->devices[1].has_uid);
	ck_assert_str_eq(l->cgroups_path, "/berth/test");
	ck_assert_uint_eq(l->sysctl.n, 2);
	ck_assert_str_eq(l->sysctl.items[0].key, "net.ipv4.ip_forward");
	ck_assert_str_eq(l->sysctl.items[0].value, "1");
	ck_assert_uint_eq(l->rootfs_propagation, MS_SLAVE | MS_REC);
	ck_assert_str_eq(l->masked_paths[1], "/sys/firmware");
	ck_assert_ptr_null(l->masked_paths[2]);
	ck_assert_str_eq(l->readonly_paths[0], "/proc/sys");
	ck_assert_str_eq(l->mount_label, "system_u:object_r:container_file_t:s0");
	ck_assert_ptr_nonnull(l->personality);
	ck_assert_uint_eq(l->personality->domain, PER_LINUX32);
	ck_assert_ptr_null(l->personality->flags[0]);
}

static void check_full_resources(const struct oci_resources *r)
{
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->n_devices, 3);
	ck_assert(!r->devices[0].allow);
	ck_assert_int_eq(r->devices[0].type, 'a');
	ck_assert_int_eq(r->devices[0].major, -1);
	ck_assert_int_eq(r->devices[0].minor, -1);
	ck_assert_str_eq(r->devices[0].access, "rwm");
	ck_assert(r->devices[1].allow);
	ck_assert_int_eq(r->devices[1].type, 'c');
	ck_assert_int_eq(r->devices[1].major, 10);
	ck_assert_int_eq(r->devices[1].minor, 229);
	ck_assert_str_eq(r->devices[1].access, "rwm");
	ck_assert_int_eq(r->devices[2].type, 'b');
	ck_assert_int_eq(r->devices[2].major, 8);
	ck_assert_int_eq(r->devices[2].minor, -1);

	ck_assert(r->has_memory_limit && r->memory_limit == 536870912);
	ck_assert(r->has_memory_reservation && r->memory_reservation == 268435456);
	ck_assert(r->has_memory_swap && r->memory_swap == -1);
	ck_assert(r->has_memory_kernel && r->memory_kernel == 0);
	ck_assert(r->has_memory_kernel_tcp && r->memory_kernel_tcp == 1);
	ck_assert(r->has_memory_swappiness && r->memory_swappiness == 60);
	ck_assert(r->has_disable_oom_killer && r->disable_oom_killer);
	ck_assert(r->has_use_hierarchy && r->use_hierarchy);
	ck_assert(r->has_check_before_update && !r->check_before_update);

	ck_assert(r->has_cpu_shares && r->cpu_shares == 1024);
	ck_assert(r->has_cpu_quota && r->cpu_quota == 50000);
	ck_assert(r->has_cpu_burst && r->cpu_burst == 10000);
	ck_assert(r->has_cpu_period && r->cpu_period == 100000);
	ck_assert(r->has_cpu_realtime_runtime && r->cpu_realtime_runtime == 950000);
	ck_assert(r->has_cpu_realtime_period && r->cpu_realtime_period == 1000000);
	ck_assert_str_eq(r->cpu_cpus, "0-3");
	ck_assert_str_eq(r->cpu_mems, "0");
	ck_assert(r->has_cpu_idle && r->cpu_idle == 1);
	ck_assert(r->has_pids_limit && r->pids_limit == 100);

	ck_assert(r->has_blkio_weight && r->blkio_weight == 500);
	ck_assert(r->has_blkio_leaf_weight && r->blkio_leaf_weight == 300);
	ck_assert_uint_eq(r->n_blkio_weight_devices, 2);
	ck_assert(r->blkio_weight_devices[0].has_weight);
	ck_assert_uint_eq(r->blkio_weight_devices[0].weight, 700);
	ck_assert(r->blkio_weight_devices[0].has_leaf_weight);
	ck_assert_uint_eq(r->blkio_weight_devices[0].leaf_weight, 200);
	ck_assert_int_eq(r->blkio_weight_devices[1].minor, 16);
	ck_assert(!r->blkio_weight_devices[1].has_leaf_weight);
	ck_assert_uint_eq(r->n_throttle_read_bps, 1);
	ck_assert_uint_eq(r->throttle_read_bps[0].rate, 1048576);
	ck_assert_int_eq(r->throttle_write_bps[0].minor, 1);
	ck_assert_uint_eq(r->throttle_write_bps[0].rate, 2);
	ck_assert_int_eq(r->throttle_read_iops[0].minor, 2);
	ck_assert_uint_eq(r->throttle_read_iops[0].rate, 3);
	ck_assert_int_eq(r->throttle_write_iops[0].minor, 3);
	ck_assert_uint_eq(r->throttle_write_iops[0].rate, 4);
	ck_assert_uint_eq(r->n_hugepage_limits, 1);
	ck_assert_str_eq(r->hugepage_limits[0].page_size, "2MB");
	ck_assert_uint_eq(r->hugepage_limits[0].limit, 9223372036854772000ULL);
	ck_assert(r->has_network);
	ck_assert_uint_eq(r->unified.n, 2);
	ck_assert_str_eq(r->unified.items[1].key, "io.weight");
	ck_assert_str_eq(r->unified.items[1].value, "default 100");
}

static void check_full_seccomp(const struct oci_seccomp *s)
{
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->default_action, OCI_SCMP_ACT_ERRNO);
	ck_assert(s->has_default_errno_ret);
	ck_assert_uint_eq(s->default_errno_ret, 38);
	ck_assert_str_eq(s->architectures[1], "SCMP_ARCH_AARCH64");
	ck_assert_ptr_null(s->architectures[2]);
	ck_assert_str_eq(s->flags[0], "SECCOMP_FILTER_FLAG_LOG");
	ck_assert_str_eq(s->listener_path, "/run/seccomp.sock");
	ck_assert_str_eq(s->listener_metadata, "meta");
	ck_assert_uint_eq(s->n_syscalls, 4);
	ck_assert_str_eq(s->syscalls[0].names[1], "write");
	ck_assert_int_eq(s->syscalls[0].action, OCI_SCMP_ACT_ALLOW);
	ck_assert(!s->syscalls[0].has_errno_ret);
	ck_assert_uint_eq(s->syscalls[1].n_args, 2);
	ck_assert_uint_eq(s->syscalls[1].args[0].index, 0);
	ck_assert_uint_eq(s->syscalls[1].args[0].value, 8);
	ck_assert_int_eq(s->syscalls[1].args[0].op, OCI_SCMP_EQ);
	ck_assert_uint_eq(s->syscalls[1].args[1].index, 5);
	ck_assert_uint_eq(s->syscalls[1].args[1].value, 255);
	ck_assert_uint_eq(s->syscalls[1].args[1].value_two, 16);
	ck_assert_int_eq(s->syscalls[1].args[1].op, OCI_SCMP_MASKED_EQ);
	ck_assert_int_eq(s->syscalls[2].action, OCI_SCMP_ACT_NOTIFY);
	ck_assert_int_eq(s->syscalls[3].action, OCI_SCMP_ACT_ERRNO);
	ck_assert(s->syscalls[3].has_errno_ret);
	ck_assert_uint_eq(s->syscalls[3].errno_ret, 1);
}

START_TEST(full_config_parses)
{
	struct oci_config *cfg = parse_ok(full_config);

	check_full_top(cfg);
	check_full_process(cfg->process);
	check_full_linux(cfg);
	check_full_resources(cfg->linux.resources);
	check_full_seccomp(cfg->linux.seccomp);
	oci_config_free(cfg);
}
END_TEST

/* ---- defaults ------------------------------------------------------- */

START_TEST(minimal_defaults)
{
	struct oci_config *cfg = parse_ok("{" BASE "}");

	ck_assert_str_eq(cfg->root_path, "rootfs");
	ck_assert(!cfg->root_readonly);
	ck_assert_ptr_null(cfg->process);
	ck_assert_uint_eq(cfg->n_mounts, 0);
	ck_assert_ptr_null(cfg->hostname);
	ck_assert_uint_eq(cfg->annotations.n, 0);
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		ck_assert_uint_eq(cfg->hooks[k].n, 0);
	ck_assert(!cfg->has_linux);
	ck_assert_uint_eq(cfg->linux.n_namespaces, 0);
	ck_assert_ptr_nonnull(cfg->linux.masked_paths);
	ck_assert_ptr_null(cfg->linux.masked_paths[0]);
	ck_assert_ptr_nonnull(cfg->linux.readonly_paths);
	ck_assert_ptr_null(cfg->linux.resources);
	ck_assert_ptr_null(cfg->linux.seccomp);
	ck_assert_uint_eq(cfg->linux.rootfs_propagation, 0);
	ck_assert_ptr_null(oci_config_ns(cfg, OCI_NS_PID));
	oci_config_free(cfg);
}
END_TEST

START_TEST(process_defaults)
{
	struct oci_config *cfg = parse_ok(PROC("'terminal':false"));
	const struct oci_process *p = cfg->process;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(p->env);
	ck_assert_ptr_null(p->env[0]);
	ck_assert_str_eq(p->args[0], "sh");
	ck_assert_ptr_null(p->args[1]);
	ck_assert_ptr_null(p->capabilities);
	ck_assert_uint_eq(p->user.uid, 0);
	ck_assert(!p->user.has_umask);
	ck_assert(!p->has_console_size);
	ck_assert(!p->has_oom_score_adj);
	ck_assert_ptr_null(p->io_priority);
	ck_assert_ptr_null(p->scheduler);
	ck_assert_ptr_null(p->apparmor_profile);
	oci_config_free(cfg);
}
END_TEST

START_TEST(linux_defaults)
{
	struct oci_config *cfg = parse_ok(LINUX("'resources':{},'seccomp':{'defaultAction':'SCMP_ACT_KILL'}"));
	const struct oci_resources *r = cfg->linux.resources;

	ck_assert(cfg->has_linux);
	ck_assert_ptr_nonnull(r);
	ck_assert(!r->has_memory_limit && !r->has_pids_limit && !r->has_network);
	ck_assert_ptr_null(r->cpu_cpus);
	ck_assert_ptr_nonnull(cfg->linux.masked_paths);
	ck_assert_ptr_nonnull(cfg->linux.seccomp->architectures);
	ck_assert_ptr_null(cfg->linux.seccomp->architectures[0]);
	ck_assert_ptr_nonnull(cfg->linux.seccomp->flags);
	ck_assert_uint_eq(cfg->linux.seccomp->n_syscalls, 0);
	oci_config_free(cfg);
}
END_TEST

/* Go's encoding/json (which wrote most configs) treats null as absent and
 * lets the last of duplicate keys win; so do we. */
START_TEST(null_and_duplicates)
{
	struct oci_config *cfg = parse_ok(DOC("'process':null,'hostname':'a','hostname':'b',"
					      "'linux':{'sysctl':{'k':'1','k':'2'}}"));

	ck_assert_ptr_null(cfg->process);
	ck_assert_str_eq(cfg->hostname, "b");
	ck_assert_uint_eq(cfg->linux.sysctl.n, 1);
	ck_assert_str_eq(cfg->linux.sysctl.items[0].value, "2");
	oci_config_free(cfg);
}
END_TEST

/* yajl accepts comments; the pre-scan must not take quotes or brackets in
 * them for JSON. */
START_TEST(comments_accepted)
{
	struct oci_config *cfg = parse_ok("{/* an odd ' quote and [[[ */ 'ociVersion':'1.2.0', // ' {\n"
					  " 'root':{'path':'r'}} // trailing");

	ck_assert_str_eq(cfg->root_path, "r");
	oci_config_free(cfg);
}
END_TEST

START_TEST(versions_accepted)
{
	static const char *const ok[] = {
		"1.0.0", "1.0.0-rc5-dev", "1.0.2-dev", "1.1.0", "1.1.0-rc.1",
		"1.2.0", "1.2.1", "1.3.0", "1.3.99+build.7",
	};
	char buf[256];

	for (size_t i = 0; i < B_ARRAY_SIZE(ok); i++) {
		snprintf(buf, sizeof(buf), "{'ociVersion':'%s','root':{'path':'r'}}", ok[i]);
		oci_config_free(parse_ok(buf));
	}
}
END_TEST

START_TEST(propagation_values)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} t[] = {
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};
	char buf[256];

	for (size_t i = 0; i < B_ARRAY_SIZE(t); i++) {
		struct oci_config *cfg;

		snprintf(buf, sizeof(buf), LINUX("'rootfsPropagation':'%s'"), t[i].name);
		cfg = parse_ok(buf);
		ck_assert_uint_eq(cfg->linux.rootfs_propagation, t[i].flags);
		oci_config_free(cfg);
	}
}
END_TEST

/* ---- error messages ------------------------------------------------- */

START_TEST(err_document)
{
	check_err("[1,2]", "config.json: expected a JSON object, got an array");
	check_err("{'root':{'path':'r'}}", "config.json: ociVersion: required field is missing");
	check_err("{'ociVersion':1,'root':{'path':'r'}}",
		  "config.json: ociVersion: expected a string, got a number");
	check_err("{'ociVersion':'2.0.0','root':{'path':'r'}}",
		  "config.json: ociVersion: unsupported version \"2.0.0\" (berth supports 1.0.0 to 1.3.x)");
	check_err("{'ociVersion':'1.4.0','root':{'path':'r'}}",
		  "config.json: ociVersion: unsupported version \"1.4.0\" (berth supports 1.0.0 to 1.3.x)");
	check_err("{'ociVersion':'0.5.0-dev','root':{'path':'r'}}",
		  "config.json: ociVersion: unsupported version \"0.5.0-dev\" (berth supports 1.0.0 to 1.3.x)");
	check_err("{'ociVersion':'banana','root':{'path':'r'}}",
		  "config.json: ociVersion: \"banana\" is not a valid version (expected MAJOR.MINOR.PATCH)");
	check_err("{'ociVersion':'1.0','root':{'path':'r'}}",
		  "config.json: ociVersion: \"1.0\" is not a valid version (expected MAJOR.MINOR.PATCH)");
	check_err("{'ociVersion':'1.2.0'}", "config.json: root: required field is missing");
	check_err("{'ociVersion':'1.2.0','root':{}}", "config.json: root.path: required field is missing");
	check_err("{'ociVersion':'1.2.0','root':{'path':''}}", "config.json: root.path: must not be empty");
	check_err("{'ociVersion':'1.2.0','root':{'path':'r','readonly':'yes'}}",
		  "config.json: root.readonly: expected a boolean, got a string");
	check_err("{'ociVersion':'1.2.0','root':[]}", "config.json: root: expected an object, got an array");
	check_err(DOC("'annotations':{'k':1}"),
		  "config.json: annotations[\"k\"]: expected a string, got a number");
	check_err(DOC("'annotations':[]"),
		  "config.json: annotations: expected an object with string values, got an array");
	check_err(DOC("'hostname':true"), "config.json: hostname: expected a string, got a boolean");
}
END_TEST

START_TEST(err_invalid_json)
{
	check_err("", "config.json: invalid JSON: parse error: premature EOF at line 1, column 1");
	check_err("{'ociVersion': '1.2.0',\n 'root': {",
		  "config.json: invalid JSON: parse error: premature EOF at line 2, column 11");
	check_err("{'a': x}", "config.json: invalid JSON: lexical error: invalid char in json text at line 1, column 7");
	check_err("{'a': 1}}", "config.json: invalid JSON: parse error: trailing garbage at line 1, column 9");
	check_err("{\n'a': 1,\n}",
		  "config.json: invalid JSON: parse error: invalid object key (must be a string) at line 3, column 1");
	check_err("{'a': '\\u0000'}", "config.json: invalid JSON: \\u0000 in a string at line 1, column 8");
}
END_TEST

START_TEST(err_invalid_json_bytes)
{
	static const char nul[] = "{\"a\": \"x\0\"}";
	static const char utf8[] = "{\"a\": \"\xff\"}";
	char deep[300];
	struct b_err err = { 0 };
	struct oci_config *cfg = NULL;

	ck_assert_int_eq(oci_config_parse("config.json", nul, sizeof(nul) - 1, &cfg, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "config.json: invalid JSON: NUL byte in text at line 1, column 9");
	ck_assert_int_eq(oci_config_parse("config.json", utf8, sizeof(utf8) - 1, &cfg, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "config.json: invalid JSON: lexical error: invalid bytes in UTF8 string at line 1, column 8");
	memset(deep, '[', sizeof(deep));
	ck_assert_int_eq(oci_config_parse("config.json", deep, sizeof(deep), &cfg, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "config.json: invalid JSON: nesting too deep at line 1, column 129");
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(err_mounts)
{
	check_err(DOC("'mounts':[{'destination':'/a'},{'destination':'/b'},{'destination':'proc'}]"),
		  "config.json: mounts[2].destination: \"proc\" is not an absolute path");
	check_err(DOC("'mounts':[{'type':'tmpfs'}]"),
		  "config.json: mounts[0].destination: required field is missing");
	check_err(DOC("'mounts':{}"), "config.json: mounts: expected an array, got an object");
	check_err(DOC("'mounts':['/proc']"), "config.json: mounts[0]: expected an object, got a string");
	check_err(DOC("'mounts':[{'destination':'/a','options':['ro',1]}]"),
		  "config.json: mounts[0].options[1]: expected a string, got a number");
	check_err(DOC("'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1}]}]"),
		  "config.json: mounts[0].uidMappings[0].size: required field is missing");
}
END_TEST

START_TEST(err_process_basic)
{
	check_err(DOC("'process':[]"), "config.json: process: expected an object, got an array");
	check_err(DOC("'process':{'cwd':'/'}"), "config.json: process.args: required field is missing");
	check_err(PROC("'args':[]"),
		  "config.json: process.args: expected at least one element, got an empty array");
	check_err(PROC("'args':'sh'"), "config.json: process.args: expected an array of strings, got a string");
	check_err(DOC("'process':{'args':['sh']}"), "config.json: process.cwd: required field is missing");
	check_err(PROC("'cwd':'tmp'"), "config.json: process.cwd: \"tmp\" is not an absolute path");
	check_err(PROC("'env':['A=1','NOVALUE']"),
		  "config.json: process.env[1]: \"NOVALUE\" is not of the form KEY=VALUE");
	check_err(PROC("'env':['=x']"), "config.json: process.env[0]: \"=x\" is not of the form KEY=VALUE");
	check_err(PROC("'terminal':1"), "config.json: process.terminal: expected a boolean, got a number");
	check_err(PROC("'consoleSize':{'height':1}"),
		  "config.json: process.consoleSize.width: required field is missing");
	check_err(PROC("'oomScoreAdj':1001"),
		  "config.json: process.oomScoreAdj: 1001 is out of range (-1000 to 1000)");
	check_err(PROC("'oomScoreAdj':-1001"),
		  "config.json: process.oomScoreAdj: -1001 is out of range (-1000 to 1000)");
}
END_TEST

START_TEST(err_process_numbers)
{
	check_err(PROC("'user':{'uid':'0'}"), "config.json: process.user.uid: expected an integer, got a string");
	check_err(PROC("'user':{'uid':4294967296}"),
		  "config.json: process.user.uid: 4294967296 is out of range (0 to 4294967295)");
	check_err(PROC("'user':{'gid':-1}"),
		  "config.json: process.user.gid: -1 is out of range (0 to 4294967295)");
	check_err(PROC("'user':{'uid':1.5}"), "config.json: process.user.uid: expected an integer, got 1.5");
	check_err(PROC("'user':{'uid':1e3}"), "config.json: process.user.uid: expected an integer, got 1e3");
	check_err(PROC("'user':{'uid':null,'additionalGids':[1,'2']}"),
		  "config.json: process.user.additionalGids[1]: expected an integer, got a string");
	check_err(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':18446744073709551616}]"),
		  "config.json: process.rlimits[0].hard: 18446744073709551616 is out of range (0 to 18446744073709551615)");
}
END_TEST

START_TEST(err_capabilities)
{
	check_err(PROC("'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL','CAP_SYS_ADMIN','CAP_TEST']}"),
		  "config.json: process.capabilities.bounding[3]: unknown capability \"CAP_TEST\"");
	check_err(PROC("'capabilities':{'ambient':['cap_chown']}"),
		  "config.json: process.capabilities.ambient[0]: unknown capability \"cap_chown\"");
	check_err(PROC("'capabilities':{'effective':'CAP_KILL'}"),
		  "config.json: process.capabilities.effective: expected an array of strings, got a string");
	check_err(PROC("'capabilities':['CAP_KILL']"),
		  "config.json: process.capabilities: expected an object, got an array");
}
END_TEST

START_TEST(err_rlimits)
{
	check_err(PROC("'rlimits':[{'type':'RLIMIT_BOGUS','soft':1,'hard':1}]"),
		  "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\"");
	check_err(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':2048,'hard':1024}]"),
		  "config.json: process.rlimits[0]: soft limit 2048 is greater than hard limit 1024");
	check_err(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
		       "{'type':'RLIMIT_CORE','soft':1,'hard':1},{'type':'RLIMIT_NOFILE','soft':1,'hard':1}]"),
		  "config.json: process.rlimits[2]: duplicate rlimit \"RLIMIT_NOFILE\"");
	check_err(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':1}]"),
		  "config.json: process.rlimits[0].soft: required field is missing");
	check_err(PROC("'rlimits':[{'soft':1,'hard':1}]"),
		  "config.json: process.rlimits[0].type: required field is missing");
}
END_TEST

START_TEST(err_io_scheduler)
{
	check_err(PROC("'ioPriority':{'class':'IOPRIO_CLASS_NONE'}"),
		  "config.json: process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\" "
		  "(expected IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)");
	check_err(PROC("'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':8}"),
		  "config.json: process.ioPriority.priority: 8 is out of range (0 to 7)");
	check_err(PROC("'ioPriority':{'priority':1}"),
		  "config.json: process.ioPriority.class: required field is missing");
	check_err(PROC("'scheduler':{'policy':'SCHED_FAST'}"),
		  "config.json: process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\" (expected "
		  "SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE or SCHED_DEADLINE)");
	check_err(PROC("'scheduler':{'nice':1}"),
		  "config.json: process.scheduler.policy: required field is missing");
	check_err(PROC("'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
		  "config.json: process.scheduler.nice: 20 is out of range (-20 to 19)");
	check_err(PROC("'scheduler':{'policy':'SCHED_OTHER','priority':5}"),
		  "config.json: process.scheduler.priority: only valid with SCHED_FIFO or SCHED_RR");
	check_err(PROC("'scheduler':{'policy':'SCHED_FIFO','runtime':5}"),
		  "config.json: process.scheduler.runtime: only valid with SCHED_DEADLINE");
	check_err(PROC("'scheduler':{'policy':'SCHED_RR','flags':['SCHED_FLAG_RECLAIM','SCHED_FLAG_FAST']}"),
		  "config.json: process.scheduler.flags[1]: unknown scheduler flag \"SCHED_FLAG_FAST\"");
}
END_TEST

START_TEST(err_hooks)
{
	check_err(DOC("'hooks':{'prestart':[{'path':'hook'}]}"),
		  "config.json: hooks.prestart[0].path: \"hook\" is not an absolute path");
	check_err(DOC("'hooks':{'poststop':[{'path':'/a'},{'args':[]}]}"),
		  "config.json: hooks.poststop[1].path: required field is missing");
	check_err(DOC("'hooks':{'createRuntime':[{'path':'/a','timeout':0}]}"),
		  "config.json: hooks.createRuntime[0].timeout: 0 is out of range (1 to 2147483647)");
	check_err(DOC("'hooks':{'startContainer':[{'path':'/a','env':['X']}]}"),
		  "config.json: hooks.startContainer[0].env[0]: \"X\" is not of the form KEY=VALUE");
	check_err(DOC("'hooks':{'poststart':{}}"),
		  "config.json: hooks.poststart: expected an array, got an object");
}
END_TEST

START_TEST(err_namespaces)
{
	check_err(LINUX("'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'ipc'},{'type':'pid'}]"),
		  "config.json: linux.namespaces[3]: duplicate namespace \"pid\"");
	check_err(LINUX("'namespaces':[{'type':'net'}]"),
		  "config.json: linux.namespaces[0].type: unknown namespace type \"net\" (expected pid, "
		  "network, mount, ipc, uts, user, cgroup or time)");
	check_err(LINUX("'namespaces':[{'type':'network','path':'netns/x'}]"),
		  "config.json: linux.namespaces[0].path: \"netns/x\" is not an absolute path");
	check_err(LINUX("'namespaces':[{'path':'/x'}]"),
		  "config.json: linux.namespaces[0].type: required field is missing");
	check_err(LINUX("'namespaces':[{'type':'pid'}],'timeOffsets':{'monotonic':{'secs':1}}"),
		  "config.json: linux.timeOffsets: requires a time namespace (no \"time\" entry in linux.namespaces)");
	check_err(LINUX("'namespaces':[{'type':'time'}],'timeOffsets':{'realtime':{'secs':1}}"),
		  "config.json: linux.timeOffsets.realtime: unknown clock \"realtime\" (expected monotonic or boottime)");
	check_err(LINUX("'namespaces':[{'type':'time'}],'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
		  "config.json: linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range (0 to 999999999)");
	check_err(LINUX("'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
		  "config.json: linux.uidMappings: requires a user namespace (no \"user\" entry in linux.namespaces)");
	check_err(LINUX("'namespaces':[{'type':'user'}],'gidMappings':[{'containerID':0,'hostID':-1,'size':1}]"),
		  "config.json: linux.gidMappings[0].hostID: -1 is out of range (0 to 4294967295)");
}
END_TEST

START_TEST(err_linux_misc)
{
	check_err(LINUX("'devices':[{'type':'x','path':'/dev/x'}]"),
		  "config.json: linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)");
	check_err(LINUX("'devices':[{'type':'c','path':'/dev/x','major':1}]"),
		  "config.json: linux.devices[0].minor: required field is missing");
	check_err(LINUX("'devices':[{'type':'b','path':'dev/sda','major':8,'minor':0}]"),
		  "config.json: linux.devices[0].path: \"dev/sda\" is not an absolute path");
	check_err(LINUX("'rootfsPropagation':'recursive'"),
		  "config.json: linux.rootfsPropagation: unknown propagation \"recursive\" (expected private, "
		  "rprivate, slave, rslave, shared, rshared, unbindable or runbindable)");
	check_err(LINUX("'maskedPaths':['/proc/kcore','proc/keys']"),
		  "config.json: linux.maskedPaths[1]: \"proc/keys\" is not an absolute path");
	check_err(LINUX("'readonlyPaths':[1]"),
		  "config.json: linux.readonlyPaths[0]: expected a string, got a number");
	check_err(LINUX("'personality':{'domain':'LINUX64'}"),
		  "config.json: linux.personality.domain: unknown personality domain \"LINUX64\" (expected LINUX or LINUX32)");
	check_err(LINUX("'sysctl':{'net.ipv4.ip_forward':1}"),
		  "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got a number");
	check_err(DOC("'linux':[]"), "config.json: linux: expected an object, got an array");
}
END_TEST

START_TEST(err_resources)
{
	check_err(RES("'devices':[{'allow':true,'access':'rwx'}]"),
		  "config.json: linux.resources.devices[0].access: \"rwx\" is not a subset of \"rwm\"");
	check_err(RES("'devices':[{'access':'r'}]"),
		  "config.json: linux.resources.devices[0].allow: required field is missing");
	check_err(RES("'devices':[{'allow':true,'type':'p'}]"),
		  "config.json: linux.resources.devices[0].type: unknown device type \"p\" (expected a, b or c)");
	check_err(RES("'memory':{'limit':'1G'}"),
		  "config.json: linux.resources.memory.limit: expected an integer, got a string");
	check_err(RES("'memory':{'swappiness':-1}"),
		  "config.json: linux.resources.memory.swappiness: -1 is out of range (0 to 18446744073709551615)");
	check_err(RES("'cpu':{'shares':1.5}"),
		  "config.json: linux.resources.cpu.shares: expected an integer, got 1.5");
	check_err(RES("'pids':{}"), "config.json: linux.resources.pids.limit: required field is missing");
	check_err(RES("'blockIO':{'weight':65536}"),
		  "config.json: linux.resources.blockIO.weight: 65536 is out of range (0 to 65535)");
	check_err(RES("'blockIO':{'throttleReadBpsDevice':[{'major':8,'rate':1}]}"),
		  "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].minor: required field is missing");
	check_err(RES("'hugepageLimits':[{'limit':1}]"),
		  "config.json: linux.resources.hugepageLimits[0].pageSize: required field is missing");
	check_err(RES("'unified':{'memory.max':1}"),
		  "config.json: linux.resources.unified[\"memory.max\"]: expected a string, got a number");
	check_err(RES("'network':[]"),
		  "config.json: linux.resources.network: expected an object, got an array");
}
END_TEST

START_TEST(err_seccomp)
{
	check_err(LINUX("'seccomp':{}"), "config.json: linux.seccomp.defaultAction: required field is missing");
	check_err(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_DENY'}"),
		  "config.json: linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\"");
	check_err(SECCOMP("'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALOW'}]"),
		  "config.json: linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_ALOW\"");
	check_err(SECCOMP("'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'},"
			  "{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'}]"),
		  "config.json: linux.seccomp.syscalls[1].action: SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath");
	check_err(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_NOTIFY'}"),
		  "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath");
	check_err(SECCOMP("'listenerPath':'seccomp.sock'"),
		  "config.json: linux.seccomp.listenerPath: \"seccomp.sock\" is not an absolute path");
	check_err(SECCOMP("'syscalls':[{'names':[],'action':'SCMP_ACT_ALLOW'}]"),
		  "config.json: linux.seccomp.syscalls[0].names: expected at least one element, got an empty array");
	check_err(SECCOMP("'syscalls':[{'action':'SCMP_ACT_ALLOW'}]"),
		  "config.json: linux.seccomp.syscalls[0].names: required field is missing");
	check_err(SECCOMP("'syscalls':[{'names':['x'],'action':'SCMP_ACT_ALLOW','args':[{'index':6,'value':0,'op':'SCMP_CMP_EQ'}]}]"),
		  "config.json: linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0 to 5)");
	check_err(SECCOMP("'syscalls':[{'names':['x'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'op':'SCMP_CMP_XX'}]}]"),
		  "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\" (expected "
		  "SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT or SCMP_CMP_MASKED_EQ)");
	check_err(SECCOMP("'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_Z80']"),
		  "config.json: linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"");
	check_err(SECCOMP("'flags':['SECCOMP_FILTER_FLAG_NOPE']"),
		  "config.json: linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NOPE\"");
}
END_TEST

/* Values from the document are quoted so a message stays on one line. */
START_TEST(err_quoting)
{
	check_err(PROC("'cwd':'a\\nb\\\"c'"),
		  "config.json: process.cwd: \"a\\nb\\\"c\" is not an absolute path");
	check_err(LINUX("'namespaces':[{'type':'time'}],'timeOffsets':{'x\\ny':{}}"),
		  "config.json: linux.timeOffsets.x\\ny: unknown clock \"x\\ny\" (expected monotonic or boottime)");
	check_err(PROC("'user':{'uid':1" "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}"),
		  "config.json: process.user.uid: 1" "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000... is out of range (0 to 4294967295)");
	check_err(DOC("'annotations':{'a\\tb':1}"),
		  "config.json: annotations[\"a\\u0009b\"]: expected a string, got a number");
}
END_TEST

/* A quoted value is cut after 96 bytes, but between characters: with
 * --log-format json the message becomes a JSON string, which must be
 * valid UTF-8 or the caller never sees the error. */
START_TEST(err_quote_multibyte)
{
	static const struct {
		const char *ch;
		int fits;     /* after the leading "a", within 96 bytes */
	} t[] = { { "\xc3\xa9", 47 }, { "\xe2\x82\xac", 31 }, { "\xf0\x9f\x98\x80", 23 } };

	for (size_t k = 0; k < B_ARRAY_SIZE(t); k++) {
		char doc[1024], want[512], run[512] = "a";
		struct b_err err = { 0 };
		struct oci_config *cfg = NULL;
		_cleanup_free_ char *json = NULL;

		for (int i = 0; i < 100; i++)
			strcat(run, t[k].ch);
		snprintf(doc, sizeof(doc), PROC("'cwd':'%s'"), run);
		json = sq(doc);
		run[1 + t[k].fits * strlen(t[k].ch)] = '\0';
		snprintf(want, sizeof(want),
			 "config.json: process.cwd: \"%s...\" is not an absolute path", run);
		ck_assert_int_eq(oci_config_parse("config.json", json, strlen(json), &cfg, &err),
				 -EINVAL);
		ck_assert_msg(b_utf8_valid(err.msg, strlen(err.msg)), "not UTF-8: %s", err.msg);
		ck_assert_str_eq(err.msg, want);
	}
}
END_TEST

/* yajl checks only the shape of a UTF-8 sequence: overlong forms ("\xc0\xaf"
 * is '/'), surrogates and code points past U+10FFFF must not reach a path,
 * a hostname or a log line. */
START_TEST(err_utf8)
{
	static const char *const bad[] = {
		"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
	};
	struct oci_config *cfg;
	char buf[256];

	for (size_t i = 0; i < B_ARRAY_SIZE(bad); i++) {
		snprintf(buf, sizeof(buf), DOC("'hostname':'x%sy'"), bad[i]);
		check_err(buf, "config.json: hostname: not valid UTF-8");
	}
	check_err(PROC("'env':['A=1','B=\xc0\xaf']"), "config.json: process.env[1]: not valid UTF-8");
	check_err(DOC("'mounts':[{'destination':'/a','source':'/\xe0\x80\xaf'}]"),
		  "config.json: mounts[0].source: not valid UTF-8");
	check_err(DOC("'annotations':{'a\xc0\xaf':'v'}"),
		  "config.json: annotations[\"a\\xc0\\xaf\"]: key is not valid UTF-8");
	/* Members berth ignores are checked too. */
	check_err(DOC("'x-vendor':{'list':[1,'\xed\xa0\x80']}"),
		  "config.json: x-vendor.list[1]: not valid UTF-8");
	/* Escapes: yajl makes '?' of a lone first half, another character of
	 * a first half with a bad second, and a surrogate of a lone second. */
	check_err(DOC("'hostname':'\\udc00'"),
		  "config.json: invalid JSON: unpaired surrogate escape in a string at line 1, column 60");
	check_err(DOC("'hostname':'\\ud800'"),
		  "config.json: invalid JSON: unpaired surrogate escape in a string at line 1, column 60");
	check_err(DOC("'hostname':'\\ud800\\u0041'"),
		  "config.json: invalid JSON: unpaired surrogate escape in a string at line 1, column 60");
	/* Shortest forms up to U+10FFFF, raw or escaped, are fine. */
	cfg = parse_ok(DOC("'hostname':'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf "
			   "\\ud83d\\ude00 \\u00e9 \\uffff'"));
	ck_assert_str_eq(cfg->hostname, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf "
			 "\xf0\x9f\x98\x80 \xc3\xa9 \xef\xbf\xbf");
	oci_config_free(cfg);
}
END_TEST

/* A path too long for its buffer is cut between characters too (the lead
 * shifts the cut across a three-byte character). */
START_TEST(err_long_path_multibyte)
{
	for (int lead = 1; lead <= 3; lead++) {
		char key[256] = "", doc[2048] = "{" BASE ",'";
		struct b_err err = { 0 };
		struct oci_config *cfg = NULL;
		_cleanup_free_ char *json = NULL;

		for (int i = 0; i < 60; i++)
			strcat(key, "\xe2\x82\xac");
		strncat(doc, "xxx", (size_t)lead);
		strcat(doc, "':");
		for (int d = 0; d < 6; d++)
			snprintf(doc + strlen(doc), sizeof(doc) - strlen(doc), "{'%s':", key);
		strcat(doc, "'\xc0\xaf'}}}}}}}");
		json = sq(doc);
		ck_assert_int_eq(oci_config_parse("config.json", json, strlen(json), &cfg, &err),
				 -EINVAL);
		ck_assert_msg(b_utf8_valid(err.msg, strlen(err.msg)), "not UTF-8: %s", err.msg);
		ck_assert_msg(b_startswith(err.msg, "config.json: x"), "%s", err.msg);
		/* Cut once, and nothing pushed later hangs on to the cut. */
		ck_assert_msg(strstr(err.msg, "\xe2\x82\xac: not valid UTF-8"), "%s", err.msg);
	}
}
END_TEST

/* ---- scale ---------------------------------------------------------- */

#define MANY TEST_SCALE(100000)

/* config.json with MANY distinct annotation keys, then three repeating
 * earlier ones. */
static char *many_annotations(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	fputs("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"annotations\":{", f);
	for (int i = 0; i < MANY; i++)
		fprintf(f, "\"org.example.k%06d\":\"v%d\",", i, i);
	fprintf(f, "\"org.example.k000000\":\"again\",\"org.example.k%06d\":\"last\","
		"\"org.example.k000000\":\"final\"}}", MANY / 2);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* Map keys are checked for duplicates by sorting, not by a scan per key
 * (80,000 keys took 19 s), and a key costs no quote buffer unless an
 * error quotes it (a 1.2 MB config took 68 MB).  The last duplicate
 * still wins, in the first one's place. */
START_TEST(annotations_many_keys)
{
	size_t len;
	_cleanup_free_ char *json = many_annotations(&len);
	struct b_err err = { 0 };
	struct oci_config *cfg = NULL;
	size_t before = mallinfo2().uordblks, kept;

	ck_assert_int_eq(oci_config_parse("config.json", json, len, &cfg, &err), 0);
	/* What the parsed config holds on to: its strings, no more. */
	kept = mallinfo2().uordblks - before;
	ck_assert_msg(kept < 4 * len, "%zu bytes kept for a %zu-byte document", kept, len);
	ck_assert_uint_eq(cfg->annotations.n, MANY);
	ck_assert_str_eq(cfg->annotations.items[0].key, "org.example.k000000");
	ck_assert_str_eq(cfg->annotations.items[0].value, "final");
	ck_assert_str_eq(cfg->annotations.items[1].value, "v1");
	ck_assert_str_eq(cfg->annotations.items[MANY / 2].value, "last");
	ck_assert_int_eq(atoi(cfg->annotations.items[MANY - 1].key + 13), MANY - 1);
	ck_assert_int_eq(atoi(cfg->annotations.items[MANY - 1].value + 1), MANY - 1);
	oci_config_free(cfg);
}
END_TEST

/* The maps all share the code: sysctl and unified keep the same rules,
 * and an error at a repeated key names that key. */
START_TEST(map_duplicates)
{
	struct oci_config *cfg = parse_ok(RES("'unified':{'a':'1','b':'2','a':'3','c':'4','b':'5'}"));

	ck_assert_uint_eq(cfg->linux.resources->unified.n, 3);
	ck_assert_str_eq(cfg->linux.resources->unified.items[0].value, "3");
	ck_assert_str_eq(cfg->linux.resources->unified.items[1].value, "5");
	ck_assert_str_eq(cfg->linux.resources->unified.items[2].key, "c");
	oci_config_free(cfg);
	check_err(LINUX("'sysctl':{'k':'1','j':'2','k':3}"),
		  "config.json: linux.sysctl[\"k\"]: expected a string, got a number");
}
END_TEST

/* Every failure, however the document is damaged, is one prefixed line;
 * under ASan this doubles as a small fuzz run over the parser. */
static void check_damaged(const char *json, size_t len)
{
	struct b_err err = { 0 };
	struct oci_config *cfg = NULL;

	if (oci_config_parse("config.json", json, len, &cfg, &err) == 0) {
		oci_config_free(cfg);
		return;
	}
	ck_assert_ptr_null(cfg);
	ck_assert_msg(!strchr(err.msg, '\n'), "multi-line error: %s", err.msg);
	ck_assert_msg(b_startswith(err.msg, "config.json: "), "no prefix: %s", err.msg);
}

START_TEST(robust_prefixes_and_mutations)
{
	_cleanup_free_ char *json = sq(full_config);
	size_t len = strlen(json);
	static const char subst[] = { '"', '1', '}', 'x' };

	for (size_t n = 0; n < len; n++) {
		struct b_err err = { 0 };
		struct oci_config *cfg = NULL;

		/* No proper prefix of an object is a complete document. */
		ck_assert_int_eq(oci_config_parse("config.json", json, n, &cfg, &err), -EINVAL);
		check_damaged(json, n);
	}
	for (size_t i = 0; i < len; i++) {
		char saved = json[i];

		for (size_t k = 0; k < sizeof(subst); k++) {
			json[i] = subst[k];
			check_damaged(json, len);
		}
		json[i] = saved;
	}
}
END_TEST

/* ---- process.json --------------------------------------------------- */

static int parse_process(const char *json_sq, struct b_arena *a,
			 struct oci_process **p, struct b_err *err)
{
	_cleanup_free_ char *json = sq(json_sq);

	return oci_process_parse("process.json", json, strlen(json), a, p, err);
}

START_TEST(process_json)
{
	struct b_arena a = { 0 };
	struct oci_process *p = NULL;
	struct b_err err = { 0 };

	ck_assert_int_eq(parse_process("{'args':['ls','-l'],'cwd':'/tmp','env':['A=B'],"
				       "'user':{'uid':7},'capabilities':{'bounding':['CAP_KILL']}}",
				       &a, &p, &err), 0);
	ck_assert_str_eq(p->args[1], "-l");
	ck_assert_str_eq(p->cwd, "/tmp");
	ck_assert_str_eq(p->env[0], "A=B");
	ck_assert_uint_eq(p->user.uid, 7);
	ck_assert_uint_eq(p->capabilities->bounding, CAP(5));

	ck_assert_int_eq(parse_process("{'cwd':'/'}", &a, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "process.json: args: required field is missing");
	ck_assert_int_eq(parse_process("{'args':['x'],'cwd':'/','rlimits':[{'type':'RLIMIT_X','soft':1,'hard':1}]}",
				       &a, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "process.json: rlimits[0].type: unknown rlimit \"RLIMIT_X\"");
	ck_assert_int_eq(parse_process("['x']", &a, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "process.json: expected a JSON object, got an array");
	ck_assert_int_eq(parse_process("{'args':", &a, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "process.json: invalid JSON: parse error: premature EOF at line 1, column 9");
	b_arena_release(&a);
}
END_TEST

/* `update --resources FILE`: the same rules, paths relative to the file. */
START_TEST(resources_json)
{
	_cleanup_free_ char *ok = sq("{'memory':{'limit':1048576},'pids':{'limit':-1}}");
	_cleanup_free_ char *bad = sq("{'cpu':{'quota':'max'}}");
	struct b_arena a = { 0 };
	struct oci_resources *res = NULL;
	struct b_err err = { 0 };

	ck_assert_int_eq(oci_resources_parse("resources.json", ok, strlen(ok), &a, &res, &err), 0);
	ck_assert(res->has_memory_limit && res->memory_limit == 1048576);
	ck_assert(res->has_pids_limit && res->pids_limit == -1);
	ck_assert(!res->has_cpu_quota);
	ck_assert_int_eq(oci_resources_parse("resources.json", bad, strlen(bad), &a, &res, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "resources.json: cpu.quota: expected an integer, got a string");
	ck_assert_int_eq(oci_resources_parse("resources.json", "[]", 2, &a, &res, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "resources.json: expected a JSON object, got an array");
	b_arena_release(&a);
}
END_TEST

/* ---- load ----------------------------------------------------------- */

START_TEST(load_missing_file)
{
	struct b_err err = { 0 };
	struct oci_config *cfg = NULL;

	ck_assert_int_eq(oci_config_load("/nonexistent/config.json", "config.json", &cfg, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "config.json: cannot read /nonexistent/config.json: No such file or directory");
	ck_assert_ptr_null(cfg);
}
END_TEST

/* ---- name tables ---------------------------------------------------- */

START_TEST(cap_names)
{
	ck_assert_int_eq(oci_cap_last(), 40);
	ck_assert_int_eq(oci_cap_from_name("CAP_CHOWN"), 0);
	ck_assert_int_eq(oci_cap_from_name("CAP_NET_BIND_SERVICE"), 10);
	ck_assert_int_eq(oci_cap_from_name("CAP_SYS_ADMIN"), 21);
	ck_assert_int_eq(oci_cap_from_name("CAP_AUDIT_READ"), 37);
	ck_assert_int_eq(oci_cap_from_name("CAP_PERFMON"), 38);
	ck_assert_int_eq(oci_cap_from_name("CAP_BPF"), 39);
	ck_assert_int_eq(oci_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	ck_assert_int_eq(oci_cap_from_name("cap_chown"), -1);
	ck_assert_int_eq(oci_cap_from_name("CHOWN"), -1);
	ck_assert_int_eq(oci_cap_from_name(""), -1);
	for (int i = 0; i <= oci_cap_last(); i++) {
		ck_assert_ptr_nonnull(oci_cap_name(i));
		ck_assert_int_eq(oci_cap_from_name(oci_cap_name(i)), i);
	}
	ck_assert_ptr_null(oci_cap_name(-1));
	ck_assert_ptr_null(oci_cap_name(41));
}
END_TEST

START_TEST(rlimit_names)
{
	static const struct {
		const char *name;
		int res;
	} t[] = {
		{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
		{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_STACK", RLIMIT_STACK },
		{ "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_RSS", RLIMIT_RSS },
		{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
		{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
		{ "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
		{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
		{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	};

	for (size_t i = 0; i < B_ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(oci_rlimit_from_name(t[i].name), t[i].res);
		ck_assert_str_eq(oci_rlimit_name(t[i].res), t[i].name);
	}
	ck_assert_int_eq(oci_rlimit_from_name("RLIMIT_nofile"), -1);
	ck_assert_int_eq(oci_rlimit_from_name("NOFILE"), -1);
	ck_assert_ptr_null(oci_rlimit_name(RLIM_NLIMITS));
}
END_TEST

START_TEST(ns_and_hook_names)
{
	static const char *const ns[] = {
		"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time",
	};
	static const char *const hooks[] = {
		"prestart", "createRuntime", "createContainer", "startContainer",
		"poststart", "poststop",
	};

	for (int k = 0; k < OCI_NS_KINDS; k++)
		ck_assert_str_eq(oci_ns_name(k), ns[k]);
	ck_assert_ptr_null(oci_ns_name(OCI_NS_KINDS));
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		ck_assert_str_eq(oci_hook_kind_name(k), hooks[k]);
	ck_assert_ptr_null(oci_hook_kind_name(OCI_HOOK_KINDS));
}
END_TEST

/* ---- berth spec ----------------------------------------------------- */

static const struct oci_mount *find_mount(const struct oci_config *cfg, const char *dest)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (!strcmp(cfg->mounts[i].destination, dest))
			return &cfg->mounts[i];
	return NULL;
}

static bool has_option(const struct oci_mount *m, const char *opt)
{
	for (size_t i = 0; m->options[i]; i++)
		if (!strcmp(m->options[i], opt))
			return true;
	return false;
}

static struct oci_config *parse_default(bool rootless)
{
	_cleanup_free_ char *json = oci_default_spec_json(rootless);
	struct b_err err = { 0 };
	struct oci_config *cfg = NULL;

	ck_assert_ptr_nonnull(json);
	ck_assert_msg(oci_config_parse("spec", json, strlen(json), &cfg, &err) == 0,
		      "default spec does not parse: %s", err.msg);
	return cfg;
}

START_TEST(default_spec)
{
	struct oci_config *cfg = parse_default(false);
	const uint64_t caps = CAP(29) | CAP(5) | CAP(10);
	const struct oci_process *p = cfg->process;
	const struct oci_mount *m;

	ck_assert_str_eq(cfg->oci_version, "1.2.0");
	ck_assert_str_eq(cfg->root_path, "rootfs");
	ck_assert(cfg->root_readonly);
	ck_assert_str_eq(cfg->hostname, "berth");
	ck_assert(p->terminal && p->no_new_privileges);
	ck_assert_str_eq(p->args[0], "sh");
	ck_assert_str_eq(p->env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	ck_assert_str_eq(p->env[1], "TERM=xterm");
	ck_assert_str_eq(p->cwd, "/");
	ck_assert_uint_eq(p->capabilities->bounding, caps);
	ck_assert_uint_eq(p->capabilities->effective, caps);
	ck_assert_uint_eq(p->capabilities->permitted, caps);
	ck_assert_uint_eq(p->capabilities->inheritable, 0);
	ck_assert_uint_eq(p->n_rlimits, 1);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(p->rlimits[0].soft, 1024);
	ck_assert_uint_eq(cfg->n_mounts, 7);
	ck_assert_str_eq(cfg->mounts[0].destination, "/proc");
	ck_assert(has_option(find_mount(cfg, "/dev/pts"), "gid=5"));
	m = find_mount(cfg, "/sys");
	ck_assert_str_eq(m->type, "sysfs");
	ck_assert(has_option(m, "ro"));
	ck_assert_ptr_nonnull(find_mount(cfg, "/sys/fs/cgroup"));
	ck_assert_uint_eq(cfg->linux.n_namespaces, 6);
	ck_assert_ptr_nonnull(oci_config_ns(cfg, OCI_NS_NETWORK));
	ck_assert_ptr_nonnull(oci_config_ns(cfg, OCI_NS_CGROUP));
	ck_assert_ptr_null(oci_config_ns(cfg, OCI_NS_USER));
	ck_assert_uint_eq(cfg->linux.resources->n_devices, 1);
	ck_assert(!cfg->linux.resources->devices[0].allow);
	ck_assert_str_eq(cfg->linux.resources->devices[0].access, "rwm");
	ck_assert_str_eq(cfg->linux.masked_paths[0], "/proc/acpi");
	ck_assert_uint_eq(b_strv_len(cfg->linux.readonly_paths), 5);
	oci_config_free(cfg);
}
END_TEST

START_TEST(default_spec_rootless)
{
	struct oci_config *cfg = parse_default(true);
	const struct oci_mount *m;

	ck_assert_ptr_null(oci_config_ns(cfg, OCI_NS_NETWORK));
	ck_assert_ptr_nonnull(oci_config_ns(cfg, OCI_NS_USER));
	ck_assert_uint_eq(cfg->linux.n_namespaces, 6);
	ck_assert_uint_eq(cfg->linux.n_uid_mappings, 1);
	ck_assert_uint_eq(cfg->linux.uid_mappings[0].container_id, 0);
	ck_assert_uint_eq(cfg->linux.uid_mappings[0].host_id, geteuid());
	ck_assert_uint_eq(cfg->linux.uid_mappings[0].size, 1);
	ck_assert_uint_eq(cfg->linux.gid_mappings[0].host_id, getegid());
	ck_assert_ptr_null(cfg->linux.resources);
	m = find_mount(cfg, "/sys");
	ck_assert_str_eq(m->type, "none");
	ck_assert_str_eq(m->source, "/sys");
	ck_assert(has_option(m, "rbind") && has_option(m, "ro"));
	ck_assert(!has_option(find_mount(cfg, "/dev/pts"), "gid=5"));
	ck_assert_ptr_null(find_mount(cfg, "/sys/fs/cgroup"));
	ck_assert_uint_eq(cfg->n_mounts, 6);
	oci_config_free(cfg);
}
END_TEST

/* ---- bad-configs corpus --------------------------------------------- */

static int parse_config(const char *name, const char *json, size_t len, struct b_err *err)
{
	struct oci_config *cfg = NULL;
	int r = oci_config_parse(name, json, len, &cfg, err);

	ck_assert(r < 0 ? cfg == NULL : cfg != NULL);
	oci_config_free(cfg);
	return r;
}

static void check_bad_config(const char *dir, const char *json_file)
{
	corpus_check_bad(dir, json_file, "config.json", parse_config);
}

START_TEST(bad_configs_corpus)
{
	ck_assert_int_ge(corpus_for_each_json(BAD_CONFIGS_DIR, check_bad_config), 20);
}
END_TEST

static Suite *specs_suite(void)
{
	Suite *s = suite_create("specs");
	TCase *tc = tcase_create("parse");
	TCase *te = tcase_create("errors");
	TCase *tn = tcase_create("names");
	TCase *tr = tcase_create("robustness");
	TCase *tl = tcase_create("scale");

	tcase_add_test(tc, full_config_parses);
	tcase_add_test(tc, minimal_defaults);
	tcase_add_test(tc, process_defaults);
	tcase_add_test(tc, linux_defaults);
	tcase_add_test(tc, null_and_duplicates);
	tcase_add_test(tc, comments_accepted);
	tcase_add_test(tc, versions_accepted);
	tcase_add_test(tc, propagation_values);
	tcase_add_test(tc, process_json);
	tcase_add_test(tc, resources_json);
	tcase_add_test(tc, load_missing_file);
	tcase_add_test(tc, default_spec);
	tcase_add_test(tc, default_spec_rootless);
	suite_add_tcase(s, tc);

	tcase_add_test(te, err_document);
	tcase_add_test(te, err_invalid_json);
	tcase_add_test(te, err_invalid_json_bytes);
	tcase_add_test(te, err_mounts);
	tcase_add_test(te, err_process_basic);
	tcase_add_test(te, err_process_numbers);
	tcase_add_test(te, err_capabilities);
	tcase_add_test(te, err_rlimits);
	tcase_add_test(te, err_io_scheduler);
	tcase_add_test(te, err_hooks);
	tcase_add_test(te, err_namespaces);
	tcase_add_test(te, err_linux_misc);
	tcase_add_test(te, err_resources);
	tcase_add_test(te, err_seccomp);
	tcase_add_test(te, err_quoting);
	tcase_add_test(te, err_quote_multibyte);
	tcase_add_test(te, err_utf8);
	tcase_add_test(te, err_long_path_multibyte);
	tcase_add_test(te, bad_configs_corpus);
	suite_add_tcase(s, te);

	/* Tens of thousands of parses: slow under the sanitizers. */
	tcase_set_timeout(tr, 300);
	tcase_add_test(tr, robust_prefixes_and_mutations);
	suite_add_tcase(s, tr);

	/* Fast once linear; quadratic code hits the timeout instead. */
	tcase_set_timeout(tl, 10);
	tcase_add_test(tl, annotations_many_keys);
	tcase_add_test(tl, map_duplicates);
	suite_add_tcase(s, tl);

	tcase_add_test(tn, cap_names);
	tcase_add_test(tn, rlimit_names);
	tcase_add_test(tn, ns_and_hook_names);
	suite_add_tcase(s, tn);
	return s;
}

TEST_MAIN(specs_suite)
