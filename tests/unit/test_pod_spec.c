/* specs/pod_*: Pod manifests, their defaults and errors; the mapping
 * helpers; the embedded RuntimeDefault seccomp profile.
 *
 * JSON in this file is written with single quotes for readability; sq()
 * turns them into double quotes before parsing. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "specs/oci_config.h"
#include "specs/pod_spec.h"
#include "specs/seccomp_default.h"
#include "testjson.h"
#include "testmain.h"
#include "testscale.h"

#define BASE_DIR "/srv/pods"

static struct pod_spec *parse_ok(const char *json_sq)
{
	_cleanup_free_ char *json = sq(json_sq);
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;
	int r = pod_spec_parse("pod.json", BASE_DIR, json, strlen(json), &pod, &err);

	ck_assert_msg(r == 0, "unexpected error: %s", err.msg);
	ck_assert_ptr_nonnull(pod);
	return pod;
}

static void check_err(const char *json_sq, const char *want)
{
	_cleanup_free_ char *json = sq(json_sq);
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;
	int r = pod_spec_parse("pod.json", BASE_DIR, json, strlen(json), &pod, &err);

	ck_assert_msg(r == -EINVAL, "expected failure for %s, got %d", json, r);
	ck_assert_ptr_null(pod);
	ck_assert_int_eq(err.code, EINVAL);
	ck_assert_str_eq(err.msg, want);
}

#define CAP(n) (1ULL << (n))

#define HEAD "'apiVersion':'v1','kind':'Pod'"
#define META "'metadata':{'name':'p'}"
#define CT0 "'name':'c','image':'./rootfs','command':['sh']"
/* A pod with extra spec members and one container with extra members. */
#define POD(spec) "{" HEAD "," META ",'spec':{" spec "}}"
#define PODC(ct) POD("'containers':[{" CT0 "," ct "}]")
#define PODCS(spec, ct) POD(spec ",'containers':[{" CT0 "," ct "}]")
#define ANN(ann, ct) "{" HEAD ",'metadata':{'name':'p','annotations':{" ann "}}," \
	"'spec':{'containers':[{" CT0 "," ct "}]}}"
#define MINIMAL POD("'containers':[{" CT0 "}]")

#define P "pod.json: spec.containers[0]."

/* ---- a full manifest ---------------------------------------------------- */

static const char full_pod[] =
	"{'apiVersion':'v1','kind':'Pod',"
	" 'metadata':{'name':'web','namespace':'default','uid':'0b1c','creationTimestamp':null,"
	"  'resourceVersion':'42','generateName':null,'finalizers':[],"
	"  'labels':{'app':'web','example.com/tier':'front_end.x','empty':''},"
	"  'annotations':{'berth.dev/oom-policy':'stop','berth.dev/oom-policy.app':'grow',"
	"   'berth.dev/oom-grow':'1.5,1Gi','berth.dev/restart-backoff':'1m30s,5m,1h',"
	"   'kubernetes.io/description':'any text: at all'}},"
	" 'spec':{'restartPolicy':'OnFailure','terminationGracePeriodSeconds':5,"
	"  'hostname':'webhost','hostNetwork':false,'hostPID':false,'hostIPC':false,"
	"  'shareProcessNamespace':true,'tolerations':[],'nodeSelector':{},'affinity':null,"
	"  'securityContext':{'runAsUser':1000,'runAsGroup':2000,'runAsNonRoot':true,"
	"   'seccompProfile':{'type':'RuntimeDefault'},'supplementalGroups':[],"
	"   'sysctls':[{'name':'net.ipv4.ip_unprivileged_port_start','value':'0'},"
	"    {'name':'kernel.shm_rmid_forced','value':'1'}]},"
	"  'volumes':[{'name':'data','emptyDir':{}},"
	"   {'name':'cache','emptyDir':{'medium':'Memory','sizeLimit':'64Mi'}},"
	"   {'name':'host','hostPath':{'path':'/srv/data','type':'DirectoryOrCreate'}},"
	"   {'name':'plain','hostPath':{'path':'/tmp','type':''}},"
	"   {'name':'sock','hostPath':{'path':'/run/x.sock','type':'Socket'}}],"
	"  'initContainers':["
	"   {'name':'setup','image':'./rootfs','command':['sh','-c','echo hi > /data/index.html'],"
	"    'volumeMounts':[{'name':'data','mountPath':'/data'}]},"
	"   {'name':'logger','image':'../images/logger','command':['tail'],'args':['-F','/data/log'],"
	"    'restartPolicy':'Always','readinessProbe':{'exec':{'command':['true']}},"
	"    'lifecycle':{'preStop':{'exec':{'command':['kill','1']}}},"
	"    'volumeMounts':[{'name':'data','mountPath':'/data','readOnly':true,'subPath':'logs'},"
	"     {'name':'plain','mountPath':'/host-tmp','subPath':''}]}],"
	"  'containers':["
	"   {'name':'app','image':'/var/lib/rootfs//web/','command':['httpd'],'args':['-f','-p','8080'],"
	"    'workingDir':'/www','env':[{'name':'A','value':'1'},{'name':'EMPTY'},{'name':'a.b-c','value':'x=y'}],"
	"    'ports':[{'containerPort':8080,'name':'http'},{'containerPort':53,'protocol':'UDP'},"
	"     {'containerPort':9000,'name':'metrics','protocol':'SCTP','hostPort':0}],"
	"    'resources':{'limits':{'cpu':'500m','memory':'512Mi'},'requests':{'cpu':0.25}},"
	"    'securityContext':{'runAsUser':1001,'readOnlyRootFilesystem':true,"
	"     'allowPrivilegeEscalation':false,"
	"     'capabilities':{'add':['NET_BIND_SERVICE','cap_net_raw'],'drop':['ALL']},"
	"     'seccompProfile':{'type':'Localhost','localhostProfile':'profiles/app.json'}},"
	"    'volumeMounts':[{'name':'data','mountPath':'/www'},{'name':'cache','mountPath':'/cache'}],"
	"    'livenessProbe':{'httpGet':{'path':'/healthz','port':'http','host':'localhost',"
	"      'scheme':'HTTP','httpHeaders':[{'name':'X-Probe','value':'1'}]},"
	"     'initialDelaySeconds':3,'periodSeconds':5,'timeoutSeconds':2,'failureThreshold':4,"
	"     'terminationGracePeriodSeconds':7},"
	"    'readinessProbe':{'tcpSocket':{'port':8080,'host':'127.0.0.1'},'successThreshold':2},"
	"    'startupProbe':{'exec':{'command':['cat','/tmp/ready']},'failureThreshold':30,'periodSeconds':1},"
	"    'lifecycle':{'preStop':{'exec':{'command':['sh','-c','sleep 1']}}},"
	"    'terminationMessagePath':'/tmp/term','terminationMessagePolicy':'FallbackToLogsOnError',"
	"    'stdin':null,'envFrom':[]},"
	"   {'name':'side','image':'.','command':['sleep','inf'],"
	"    'resources':{'limits':{'memory':1073741824,'cpu':2}},"
	"    'securityContext':{'privileged':true,'runAsNonRoot':false,'runAsUser':0,"
	"     'seccompProfile':{'type':'Unconfined'}}}]},"
	" 'status':{'phase':'Running','podIP':'10.0.0.5'}}";

static const struct pod_container *ct_named(const struct pod_spec *pod, const char *name)
{
	const struct pod_container *c = pod_find_container(pod, name);

	ck_assert_msg(c != NULL, "no container %s", name);
	return c;
}

START_TEST(full_pod_metadata_and_spec)
{
	struct pod_spec *pod = parse_ok(full_pod);

	ck_assert_str_eq(pod->base_dir, BASE_DIR);
	ck_assert_str_eq(pod->name, "web");
	ck_assert_str_eq(pod->namespace_, "default");
	ck_assert_uint_eq(pod->labels.n, 3);
	ck_assert_str_eq(pod->labels.items[1].key, "example.com/tier");
	ck_assert_str_eq(pod->labels.items[1].value, "front_end.x");
	ck_assert_uint_eq(pod->annotations.n, 5);
	ck_assert_int_eq(pod->restart_policy, POD_RESTART_ON_FAILURE);
	ck_assert_int_eq(pod->termination_grace_period_seconds, 5);
	ck_assert_str_eq(pod->hostname, "webhost");
	ck_assert(!pod->host_network && !pod->host_pid && !pod->host_ipc);
	ck_assert(pod->share_process_namespace);
	ck_assert(pod->has_run_as_user && pod->run_as_user == 1000);
	ck_assert(pod->has_run_as_group && pod->run_as_group == 2000);
	ck_assert(pod->run_as_non_root);
	ck_assert_int_eq(pod->seccomp.type, POD_SECCOMP_RUNTIME_DEFAULT);
	ck_assert_uint_eq(pod->sysctls.n, 2);
	ck_assert_str_eq(pod->sysctls.items[0].key, "net.ipv4.ip_unprivileged_port_start");
	ck_assert_str_eq(pod->sysctls.items[0].value, "0");
	ck_assert_str_eq(pod->sysctls.items[1].key, "kernel.shm_rmid_forced");

	ck_assert_uint_eq(pod->n_volumes, 5);
	ck_assert_str_eq(pod->volumes[0].name, "data");
	ck_assert_int_eq(pod->volumes[0].kind, POD_VOLUME_EMPTY_DIR);
	ck_assert(!pod->volumes[0].memory && !pod->volumes[0].size_limit.set);
	ck_assert(pod->volumes[1].memory);
	ck_assert(pod->volumes[1].size_limit.set);
	ck_assert_int_eq(pod->volumes[1].size_limit.value, 64 << 20);
	ck_assert_str_eq(pod->volumes[1].size_limit.text, "64Mi");
	ck_assert_int_eq(pod->volumes[2].kind, POD_VOLUME_HOST_PATH);
	ck_assert_str_eq(pod->volumes[2].host_path, "/srv/data");
	ck_assert_int_eq(pod->volumes[2].host_path_type, POD_HOST_PATH_DIRECTORY_OR_CREATE);
	ck_assert_int_eq(pod->volumes[3].host_path_type, POD_HOST_PATH_UNSET);
	ck_assert_int_eq(pod->volumes[4].host_path_type, POD_HOST_PATH_SOCKET);

	ck_assert_uint_eq(pod->n_init_containers, 2);
	ck_assert_uint_eq(pod->n_containers, 2);
	ck_assert_int_eq(pod->backoff.initial_ms, 90000);
	ck_assert_int_eq(pod->backoff.max_ms, 300000);
	ck_assert_int_eq(pod->backoff.reset_ms, 3600000);
	ck_assert(pod->oom_grow.set);
	ck_assert(pod->oom_grow.factor == 1.5);
	ck_assert_int_eq(pod->oom_grow.max_bytes, 1LL << 30);
	ck_assert_str_eq(pod->oom_grow.max_text, "1Gi");
	pod_spec_free(pod);
}
END_TEST

START_TEST(full_pod_init_containers)
{
	struct pod_spec *pod = parse_ok(full_pod);
	const struct pod_container *setup = &pod->init_containers[0];
	const struct pod_container *logger = &pod->init_containers[1];

	ck_assert_str_eq(setup->name, "setup");
	ck_assert(setup->init && !setup->sidecar);
	ck_assert_str_eq(setup->image, "./rootfs");
	ck_assert_str_eq(setup->rootfs, "/srv/pods/rootfs");
	ck_assert_str_eq(setup->command[2], "echo hi > /data/index.html");
	ck_assert_ptr_null(setup->args[0]);
	ck_assert_int_eq(setup->oom_policy, POD_OOM_STOP);    /* the pod default */
	/* Inherited from spec.securityContext. */
	ck_assert(setup->security.has_run_as_user && setup->security.run_as_user == 1000);
	ck_assert_uint_eq(setup->security.run_as_group, 2000);
	ck_assert(setup->security.run_as_non_root);
	ck_assert_int_eq(setup->security.seccomp.type, POD_SECCOMP_RUNTIME_DEFAULT);

	ck_assert(logger->init && logger->sidecar);
	ck_assert_str_eq(logger->rootfs, "/srv/images/logger");
	ck_assert_str_eq(logger->args[1], "/data/log");
	ck_assert_ptr_nonnull(logger->readiness);
	ck_assert_ptr_null(logger->liveness);
	ck_assert_str_eq(logger->pre_stop[0], "kill");
	ck_assert_uint_eq(logger->n_mounts, 2);
	ck_assert(logger->mounts[0].read_only);
	ck_assert_str_eq(logger->mounts[0].sub_path, "logs");
	ck_assert_ptr_eq(logger->mounts[0].volume, &pod->volumes[0]);
	ck_assert_ptr_null(logger->mounts[1].sub_path);
	ck_assert_ptr_eq(logger->mounts[1].volume, &pod->volumes[3]);
	pod_spec_free(pod);
}
END_TEST

START_TEST(full_pod_app_container)
{
	struct pod_spec *pod = parse_ok(full_pod);
	const struct pod_container *app = ct_named(pod, "app");
	const struct pod_security *s = &app->security;

	ck_assert(!app->init && !app->sidecar);
	ck_assert_str_eq(app->image, "/var/lib/rootfs//web/");
	ck_assert_str_eq(app->rootfs, "/var/lib/rootfs/web");
	ck_assert_str_eq(app->working_dir, "/www");
	ck_assert_uint_eq(app->n_env, 3);
	ck_assert_str_eq(app->env[1].name, "EMPTY");
	ck_assert_str_eq(app->env[1].value, "");
	ck_assert_str_eq(app->env[2].name, "a.b-c");
	ck_assert_str_eq(app->env[2].value, "x=y");

	ck_assert_uint_eq(app->n_ports, 3);
	ck_assert_str_eq(app->ports[0].name, "http");
	ck_assert_uint_eq(app->ports[0].container_port, 8080);
	ck_assert_int_eq(app->ports[0].protocol, POD_PROTO_TCP);
	ck_assert_ptr_null(app->ports[1].name);
	ck_assert_int_eq(app->ports[1].protocol, POD_PROTO_UDP);
	ck_assert_int_eq(app->ports[2].protocol, POD_PROTO_SCTP);

	ck_assert(app->resources.cpu_limit.set);
	ck_assert_int_eq(app->resources.cpu_limit.value, 500);
	ck_assert_int_eq(app->resources.cpu_request.value, 250);
	ck_assert_str_eq(app->resources.cpu_request.text, "0.25");
	ck_assert_int_eq(app->resources.memory_limit.value, 512LL << 20);
	/* Defaulted from the limit. */
	ck_assert(app->resources.memory_request.set);
	ck_assert_int_eq(app->resources.memory_request.value, 512LL << 20);
	ck_assert_str_eq(app->resources.memory_request.text, "512Mi");

	ck_assert(s->has_run_as_user && s->run_as_user == 1001);
	ck_assert(s->has_run_as_group && s->run_as_group == 2000);
	ck_assert(s->run_as_non_root && s->read_only_root_filesystem);
	ck_assert(!s->allow_privilege_escalation && !s->privileged);
	ck_assert(s->caps.drop_all && !s->caps.add_all);
	ck_assert_uint_eq(s->caps.add, CAP(10) | CAP(13));
	ck_assert_uint_eq(pod_container_capabilities(app), CAP(10) | CAP(13));
	ck_assert(pod_container_no_new_privs(app));
	ck_assert_int_eq(s->seccomp.type, POD_SECCOMP_LOCALHOST);
	ck_assert_str_eq(s->seccomp.localhost_profile, "profiles/app.json");
	ck_assert_str_eq(s->seccomp.localhost_path, "/srv/pods/profiles/app.json");

	ck_assert_uint_eq(app->n_mounts, 2);
	ck_assert_str_eq(app->mounts[1].mount_path, "/cache");
	ck_assert(app->mounts[1].volume->memory);
	ck_assert_str_eq(app->pre_stop[2], "sleep 1");
	ck_assert_str_eq(app->termination_message_path, "/tmp/term");
	ck_assert_int_eq(app->termination_message_policy, POD_TERMINATION_MESSAGE_FALLBACK_TO_LOGS);
	ck_assert_int_eq(app->oom_policy, POD_OOM_GROW);
	pod_spec_free(pod);
}
END_TEST

START_TEST(full_pod_probes)
{
	struct pod_spec *pod = parse_ok(full_pod);
	const struct pod_container *app = ct_named(pod, "app");
	const struct pod_probe *l = app->liveness, *r = app->readiness, *s = app->startup;

	ck_assert_int_eq(l->handler.kind, POD_HANDLER_HTTP_GET);
	ck_assert_str_eq(l->handler.path, "/healthz");
	ck_assert_uint_eq(l->handler.port, 8080);
	ck_assert_str_eq(l->handler.port_name, "http");
	ck_assert_str_eq(l->handler.host, "localhost");
	ck_assert_uint_eq(l->handler.n_http_headers, 1);
	ck_assert_str_eq(l->handler.http_headers[0].name, "X-Probe");
	ck_assert_str_eq(l->handler.http_headers[0].value, "1");
	ck_assert_int_eq(l->initial_delay_seconds, 3);
	ck_assert_int_eq(l->period_seconds, 5);
	ck_assert_int_eq(l->timeout_seconds, 2);
	ck_assert_int_eq(l->success_threshold, 1);
	ck_assert_int_eq(l->failure_threshold, 4);
	ck_assert(l->has_termination_grace_period);
	ck_assert_int_eq(l->termination_grace_period_seconds, 7);

	ck_assert_int_eq(r->handler.kind, POD_HANDLER_TCP_SOCKET);
	ck_assert_uint_eq(r->handler.port, 8080);
	ck_assert_ptr_null(r->handler.port_name);
	ck_assert_str_eq(r->handler.host, "127.0.0.1");
	ck_assert_int_eq(r->success_threshold, 2);
	ck_assert(!r->has_termination_grace_period);

	ck_assert_int_eq(s->handler.kind, POD_HANDLER_EXEC);
	ck_assert_str_eq(s->handler.command[1], "/tmp/ready");
	ck_assert_int_eq(s->failure_threshold, 30);
	ck_assert_int_eq(s->period_seconds, 1);
	ck_assert_int_eq(s->timeout_seconds, 1);
	pod_spec_free(pod);
}
END_TEST

START_TEST(full_pod_privileged_container)
{
	struct pod_spec *pod = parse_ok(full_pod);
	const struct pod_container *side = ct_named(pod, "side");

	ck_assert_str_eq(side->rootfs, "/srv/pods");
	ck_assert(side->security.privileged);
	ck_assert(!side->security.run_as_non_root);
	ck_assert_uint_eq(side->security.run_as_user, 0);
	ck_assert_int_eq(side->security.seccomp.type, POD_SECCOMP_UNCONFINED);
	ck_assert_uint_eq(pod_container_capabilities(side), (CAP(oci_cap_last()) << 1) - 1);
	ck_assert(!pod_container_no_new_privs(side));
	/* Numbers are quantities too. */
	ck_assert_int_eq(side->resources.memory_limit.value, 1LL << 30);
	ck_assert_str_eq(side->resources.memory_limit.text, "1073741824");
	ck_assert_int_eq(side->resources.cpu_limit.value, 2000);
	ck_assert_int_eq(pod_memory_limit(side), 1LL << 30);
	ck_assert_int_eq(side->oom_policy, POD_OOM_STOP);
	pod_spec_free(pod);
}
END_TEST

/* ---- defaults ----------------------------------------------------------- */

START_TEST(minimal_defaults)
{
	struct pod_spec *pod = parse_ok(MINIMAL);
	const struct pod_container *c = &pod->containers[0];

	ck_assert_str_eq(pod->name, "p");
	ck_assert_ptr_null(pod->namespace_);
	ck_assert_uint_eq(pod->labels.n, 0);
	ck_assert_uint_eq(pod->annotations.n, 0);
	ck_assert_int_eq(pod->restart_policy, POD_RESTART_ALWAYS);
	ck_assert_int_eq(pod->termination_grace_period_seconds, 30);
	ck_assert_str_eq(pod->hostname, "p");
	ck_assert(!pod->host_network && !pod->host_pid && !pod->host_ipc);
	ck_assert(!pod->share_process_namespace);
	ck_assert(!pod->has_run_as_user && !pod->has_run_as_group && !pod->run_as_non_root);
	ck_assert_int_eq(pod->seccomp.type, POD_SECCOMP_RUNTIME_DEFAULT);
	ck_assert_uint_eq(pod->sysctls.n, 0);
	ck_assert_uint_eq(pod->n_volumes, 0);
	ck_assert_uint_eq(pod->n_init_containers, 0);
	ck_assert_uint_eq(pod->n_containers, 1);
	ck_assert(!pod->oom_grow.set);
	ck_assert_int_eq(pod->backoff.initial_ms, 10000);
	ck_assert_int_eq(pod->backoff.max_ms, 300000);
	ck_assert_int_eq(pod->backoff.reset_ms, 600000);

	ck_assert_str_eq(c->name, "c");
	ck_assert(!c->init && !c->sidecar);
	ck_assert_str_eq(c->rootfs, "/srv/pods/rootfs");
	ck_assert_str_eq(c->command[0], "sh");
	ck_assert_ptr_null(c->command[1]);
	ck_assert_ptr_nonnull(c->args);
	ck_assert_ptr_null(c->args[0]);
	ck_assert_uint_eq(c->n_env, 0);
	ck_assert_str_eq(c->working_dir, "/");
	ck_assert_uint_eq(c->n_ports, 0);
	ck_assert(!c->resources.cpu_limit.set && !c->resources.cpu_request.set);
	ck_assert(!c->resources.memory_limit.set && !c->resources.memory_request.set);
	ck_assert(!c->security.has_run_as_user && !c->security.has_run_as_group);
	ck_assert(!c->security.run_as_non_root && !c->security.read_only_root_filesystem);
	ck_assert(c->security.allow_privilege_escalation && !c->security.privileged);
	ck_assert(!c->security.caps.add && !c->security.caps.drop);
	ck_assert_int_eq(c->security.seccomp.type, POD_SECCOMP_RUNTIME_DEFAULT);
	ck_assert_uint_eq(c->n_mounts, 0);
	ck_assert_ptr_null(c->pre_stop);
	ck_assert_str_eq(c->termination_message_path, "/dev/termination-log");
	ck_assert_int_eq(c->termination_message_policy, POD_TERMINATION_MESSAGE_FILE);
	ck_assert_ptr_null(c->liveness);
	ck_assert_ptr_null(c->readiness);
	ck_assert_ptr_null(c->startup);
	ck_assert_int_eq(c->oom_policy, POD_OOM_RESTART);
	ck_assert_int_eq(pod_memory_limit(c), -1);
	ck_assert_uint_eq(pod_container_capabilities(c), pod_default_capabilities());
	ck_assert(!pod_container_no_new_privs(c));
	pod_spec_free(pod);
}
END_TEST

START_TEST(probe_defaults)
{
	struct pod_spec *pod = parse_ok(PODC(
		"'ports':[{'containerPort':80,'name':'web'}],"
		"'livenessProbe':{'httpGet':{'port':'web'}},"
		"'readinessProbe':{'tcpSocket':{'port':81},'periodSeconds':0,'timeoutSeconds':0,"
		" 'successThreshold':0,'failureThreshold':0,'initialDelaySeconds':0},"
		"'startupProbe':{'exec':{'command':['true']},'successThreshold':1}"));
	const struct pod_container *c = &pod->containers[0];
	const struct pod_probe *probes[] = { c->liveness, c->readiness, c->startup };

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(probes[i]->initial_delay_seconds, 0);
		ck_assert_int_eq(probes[i]->period_seconds, 10);
		ck_assert_int_eq(probes[i]->timeout_seconds, 1);
		ck_assert_int_eq(probes[i]->success_threshold, 1);
		ck_assert_int_eq(probes[i]->failure_threshold, 3);
		ck_assert(!probes[i]->has_termination_grace_period);
	}
	ck_assert_str_eq(c->liveness->handler.path, "/");
	ck_assert_uint_eq(c->liveness->handler.port, 80);
	ck_assert_ptr_null(c->liveness->handler.host);
	ck_assert_uint_eq(c->liveness->handler.n_http_headers, 0);
	ck_assert_uint_eq(c->readiness->handler.port, 81);
	pod_spec_free(pod);
}
END_TEST

START_TEST(requests_default_to_limits)
{
	struct pod_spec *pod = parse_ok(PODC(
		"'resources':{'limits':{'cpu':'1'},'requests':{'memory':'10Mi'}}"));
	const struct pod_resources *r = &pod->containers[0].resources;

	ck_assert(r->cpu_request.set);
	ck_assert_int_eq(r->cpu_request.value, 1000);
	ck_assert_str_eq(r->cpu_request.text, "1");
	ck_assert(!r->memory_limit.set);
	ck_assert_int_eq(r->memory_request.value, 10 << 20);
	pod_spec_free(pod);

	/* Equal is fine; so is a zero request. */
	pod = parse_ok(PODC("'resources':{'limits':{'cpu':'1','memory':'1Gi'},"
			    "'requests':{'cpu':'1000m','memory':0}}"));
	ck_assert_int_eq(pod->containers[0].resources.memory_request.value, 0);
	ck_assert(pod->containers[0].resources.memory_request.set);
	pod_spec_free(pod);
}
END_TEST

START_TEST(security_inheritance)
{
	struct pod_spec *pod = parse_ok(
		"{" HEAD "," META ",'spec':{"
		"'securityContext':{'runAsUser':7,'runAsGroup':8,'runAsNonRoot':true,"
		" 'seccompProfile':{'type':'Localhost','localhostProfile':'./a/./b.json'}},"
		"'containers':[{" CT0 "},"
		" {'name':'d','image':'./r','command':['x'],'securityContext':{'runAsGroup':9,"
		"  'seccompProfile':{'type':'RuntimeDefault'}}},"
		" {'name':'e','image':'./r','command':['x'],'securityContext':{'runAsNonRoot':false,"
		"  'runAsUser':0}}]}}");
	const struct pod_security *c = &pod->containers[0].security;
	const struct pod_security *d = &pod->containers[1].security;
	const struct pod_security *e = &pod->containers[2].security;

	ck_assert_str_eq(pod->seccomp.localhost_path, "/srv/pods/a/b.json");
	ck_assert_uint_eq(c->run_as_user, 7);
	ck_assert_uint_eq(c->run_as_group, 8);
	ck_assert(c->run_as_non_root);
	ck_assert_int_eq(c->seccomp.type, POD_SECCOMP_LOCALHOST);
	ck_assert_str_eq(c->seccomp.localhost_path, "/srv/pods/a/b.json");
	ck_assert_uint_eq(d->run_as_user, 7);
	ck_assert_uint_eq(d->run_as_group, 9);
	ck_assert_int_eq(d->seccomp.type, POD_SECCOMP_RUNTIME_DEFAULT);
	ck_assert_ptr_null(d->seccomp.localhost_path);
	ck_assert(!e->run_as_non_root);
	ck_assert(e->has_run_as_user && e->run_as_user == 0);
	pod_spec_free(pod);
}
END_TEST

static uint64_t caps_of(const char *ct_sq)
{
	_cleanup_free_ char *doc = NULL;
	struct pod_spec *pod;
	uint64_t set;

	ck_assert_int_ge(asprintf(&doc, PODC("%s"), ct_sq), 0);
	pod = parse_ok(doc);
	set = pod_container_capabilities(&pod->containers[0]);
	pod_spec_free(pod);
	return set;
}

START_TEST(capabilities)
{
	uint64_t def = pod_default_capabilities();
	uint64_t all = (CAP(oci_cap_last()) << 1) - 1;

	/* containerd's 14 defaults. */
	ck_assert_int_eq(__builtin_popcountll(def), 14);
	ck_assert(def & CAP(0));          /* CHOWN */
	ck_assert(def & CAP(29));         /* AUDIT_WRITE */
	ck_assert(!(def & CAP(21)));      /* not SYS_ADMIN */
	ck_assert_uint_eq(caps_of("'securityContext':{}"), def);
	ck_assert_uint_eq(caps_of("'securityContext':{'capabilities':{'add':['SYS_ADMIN']}}"),
			  def | CAP(21));
	ck_assert_uint_eq(caps_of("'securityContext':{'capabilities':{'add':['CAP_SYS_ADMIN','sys_time'],"
				  "'drop':['KILL','Chown']}}"),
			  (def | CAP(21) | CAP(25)) & ~(CAP(5) | CAP(0)));
	ck_assert_uint_eq(caps_of("'securityContext':{'capabilities':{'drop':['ALL']}}"), 0);
	ck_assert_uint_eq(caps_of("'securityContext':{'capabilities':{'add':['ALL'],'drop':['NET_RAW']}}"),
			  all & ~CAP(13));
	/* add and drop of the same: the drop wins, as in containerd. */
	ck_assert_uint_eq(caps_of("'securityContext':{'capabilities':{'add':['BPF'],'drop':['BPF','all']}}"), 0);
	ck_assert_uint_eq(caps_of("'securityContext':{'privileged':true,'capabilities':{'drop':['ALL']}}"), all);
}
END_TEST

START_TEST(image_paths)
{
	static const struct {
		const char *base, *image, *want;
	} t[] = {
		{ "/srv/pods", "./rootfs", "/srv/pods/rootfs" },
		{ "/srv/pods", "../x/./y//", "/srv/x/y" },
		{ "/srv/pods", "../../../../r", "/r" },
		{ "/srv/pods", "/abs//r/.", "/abs/r" },
		{ "/srv/pods", ".", "/srv/pods" },
		{ "/srv/pods", "..", "/srv" },
		{ "/", "./a", "/a" },
		{ "/srv//pods/", "./a", "/srv/pods/a" },
		{ "/srv/pods", "./rootfs:v1", "/srv/pods/rootfs:v1" },
	};

	for (size_t i = 0; i < B_ARRAY_SIZE(t); i++) {
		_cleanup_free_ char *doc = NULL, *json = NULL;
		struct b_err err = { 0 };
		struct pod_spec *pod = NULL;

		ck_assert_int_ge(asprintf(&doc, POD("'containers':[{'name':'c','image':'%s',"
						    "'command':['x']}]"), t[i].image), 0);
		json = sq(doc);
		ck_assert_msg(pod_spec_parse("pod.json", t[i].base, json, strlen(json), &pod, &err) == 0,
			      "%s: %s", t[i].image, err.msg);
		ck_assert_str_eq(pod->containers[0].image, t[i].image);
		ck_assert_str_eq(pod->containers[0].rootfs, t[i].want);
		pod_spec_free(pod);
	}
}
END_TEST

/* Anything but a path is an image reference, kept as written for the
 * supervisor: no rootfs, and command and workingDir left to the image. */
START_TEST(image_references)
{
	static const char *const refs[] = {
		"busybox", "nginx:1.25", "localhost:5000/app", "images/web", "rootfs",
		"docker.io/library/busybox@sha256:abc", "UPPER/Case", ".hidden", "..x", "~/r",
	};

	for (size_t i = 0; i < B_ARRAY_SIZE(refs); i++) {
		_cleanup_free_ char *doc = NULL;
		struct pod_spec *pod;
		const struct pod_container *c;

		ck_assert_int_ge(asprintf(&doc, POD("'containers':[{'name':'c','image':'%s'}]"),
					  refs[i]), 0);
		pod = parse_ok(doc);
		c = &pod->containers[0];
		ck_assert_str_eq(c->image, refs[i]);
		ck_assert_ptr_null(c->rootfs);
		ck_assert_ptr_null(c->command);
		ck_assert_ptr_nonnull(c->args);
		ck_assert_ptr_null(c->args[0]);
		ck_assert_ptr_null(c->working_dir);
		ck_assert_int_eq(c->pull_policy, POD_PULL_DEFAULT);
		pod_spec_free(pod);
	}
}
END_TEST

START_TEST(image_reference_process)
{
	struct pod_spec *pod = parse_ok(POD("'containers':["
		"{'name':'a','image':'busybox','command':[],'args':['-c','x'],'workingDir':'/w'},"
		"{'name':'b','image':'busybox:1.36','command':['sh'],'imagePullPolicy':'Never'},"
		"{'name':'d','image':'busybox','imagePullPolicy':'IfNotPresent'},"
		"{'name':'e','image':'busybox','imagePullPolicy':'Always'}]"));
	const struct pod_container *a = &pod->containers[0], *b = &pod->containers[1];

	/* [] is absent, as over the CRI: the image's Entrypoint applies. */
	ck_assert_ptr_null(a->command);
	ck_assert_str_eq(a->args[0], "-c");
	ck_assert_str_eq(a->working_dir, "/w");
	ck_assert_str_eq(b->command[0], "sh");
	ck_assert_int_eq(b->pull_policy, POD_PULL_NEVER);
	ck_assert_int_eq(pod->containers[2].pull_policy, POD_PULL_IF_NOT_PRESENT);
	ck_assert_int_eq(pod->containers[3].pull_policy, POD_PULL_ALWAYS);
	pod_spec_free(pod);

	/* A local rootfs accepts the field and has no use for it. */
	pod = parse_ok(PODC("'imagePullPolicy':'Always'"));
	ck_assert_int_eq(pod->containers[0].pull_policy, POD_PULL_ALWAYS);
	ck_assert_str_eq(pod->containers[0].rootfs, "/srv/pods/rootfs");
	pod_spec_free(pod);
}
END_TEST

/* runAsNonRoot without runAsUser: an image's User decides, at start. */
START_TEST(image_reference_non_root)
{
	struct pod_spec *pod = parse_ok(POD("'securityContext':{'runAsNonRoot':true},"
		"'containers':[{'name':'c','image':'busybox'},"
		"{'name':'d','image':'busybox','securityContext':{'runAsUser':7}}]"));

	ck_assert(pod->containers[0].security.run_as_non_root);
	ck_assert(!pod->containers[0].security.has_run_as_user);
	ck_assert_uint_eq(pod->containers[1].security.run_as_user, 7);
	pod_spec_free(pod);
	/* The same pod with a local rootfs still fails at parse time. */
	check_err(POD("'securityContext':{'runAsNonRoot':true},"
		      "'containers':[{'name':'c','image':'busybox'},{" CT0 "}]"),
		  "pod.json: spec.containers[1]: runAsNonRoot is true but no runAsUser is set, so the "
		  "container would run as root (a local root filesystem has no USER)");
}
END_TEST

START_TEST(base_dir_default_is_cwd)
{
	_cleanup_free_ char *json = sq(MINIMAL), *want = NULL;
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;
	char cwd[4096];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(pod_spec_parse(NULL, NULL, json, strlen(json), &pod, &err), 0);
	ck_assert_str_eq(pod->base_dir, cwd);
	ck_assert_int_ge(asprintf(&want, "%s/rootfs", strcmp(cwd, "/") ? cwd : ""), 0);
	ck_assert_str_eq(pod->containers[0].rootfs, want);
	pod_spec_free(pod);
	/* The default name in messages. */
	ck_assert_int_eq(pod_spec_parse(NULL, NULL, "[]", 2, &pod, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "pod.json: expected a JSON object, got an array");
}
END_TEST

START_TEST(load_from_file)
{
	char dir[] = "/tmp/berth-pod-XXXXXX";
	_cleanup_free_ char *path = NULL, *json = sq(MINIMAL), *bad = NULL, *missing = NULL;
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_ge(asprintf(&path, "%s/pod.json", dir), 0);
	ck_assert_int_eq(b_write_atomic(path, json, strlen(json), 0644), 0);
	ck_assert_int_eq(pod_spec_load(path, &pod, &err), 0);
	ck_assert_str_eq(pod->base_dir, dir);
	ck_assert(b_startswith(pod->containers[0].rootfs, dir));
	ck_assert_str_eq(pod->containers[0].rootfs + strlen(dir), "/rootfs");
	pod_spec_free(pod);

	/* Messages are named by the path as given. */
	ck_assert_int_ge(asprintf(&bad, "%s/bad.json", dir), 0);
	ck_assert_int_eq(b_write_atomic(bad, "{}", 2, 0644), 0);
	ck_assert_int_eq(pod_spec_load(bad, &pod, &err), -EINVAL);
	ck_assert(b_startswith(err.msg, bad));
	ck_assert_str_eq(err.msg + strlen(bad), ": apiVersion: required field is missing");

	ck_assert_int_ge(asprintf(&missing, "%s/nope.json", dir), 0);
	ck_assert_int_eq(pod_spec_load(missing, &pod, &err), -ENOENT);
	ck_assert(b_startswith(err.msg, missing));
	ck_assert_str_eq(err.msg + strlen(missing), ": cannot read: No such file or directory");
	unlink(path);
	unlink(bad);
	rmdir(dir);
}
END_TEST

START_TEST(relative_load_path)
{
	char dir[] = "/tmp/berth-pod-XXXXXX", cwd[4096];
	_cleanup_free_ char *path = NULL, *json = sq(MINIMAL);
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_ge(asprintf(&path, "%s/pod.json", dir), 0);
	ck_assert_int_eq(b_write_atomic(path, json, strlen(json), 0644), 0);
	ck_assert_int_eq(chdir("/tmp"), 0);
	free(path);
	ck_assert_int_ge(asprintf(&path, "%s/pod.json", dir + 5), 0);
	ck_assert_int_eq(pod_spec_load(path, &pod, &err), 0);
	ck_assert_str_eq(pod->base_dir, dir);
	pod_spec_free(pod);
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(pod_spec_load("pod.json", &pod, &err), 0);
	ck_assert_str_eq(pod->base_dir, dir);
	pod_spec_free(pod);
	ck_assert_int_eq(chdir(cwd), 0);
	free(path);
	ck_assert_int_ge(asprintf(&path, "%s/pod.json", dir), 0);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(tolerated_fields)
{
	/* Server-set metadata, status, and unsupported fields left empty. */
	struct pod_spec *pod = parse_ok(
		"{" HEAD ",'metadata':{'name':'p','uid':'x','resourceVersion':'1','generation':3,"
		" 'creationTimestamp':'2024-01-01T00:00:00Z','managedFields':[{'manager':'kubectl'}],"
		" 'selfLink':'/api','deletionTimestamp':null,'ownerReferences':[]},"
		"'spec':{'containers':[{" CT0 ",'tty':null,'volumeDevices':[],'resources':{},"
		" 'securityContext':{'seLinuxOptions':{}}}],'imagePullSecrets':[],'dnsConfig':{},"
		" 'volumes':[{'name':'v','emptyDir':{},'secret':null}]},"
		"'status':{'anything':[1,2,{'deep':true}]}}");

	ck_assert_str_eq(pod->name, "p");
	pod_spec_free(pod);
	/* Comments, as config.json allows them. */
	pod = parse_ok("/* a pod */ {" HEAD "," META ", // the spec\n'spec':{'containers':[{" CT0 "}]}}");
	pod_spec_free(pod);
	/* Duplicate keys: the last wins, as in Go. */
	pod = parse_ok("{" HEAD ",'metadata':{'name':'x','name':'y'},'spec':{'containers':[{" CT0 "}]}}");
	ck_assert_str_eq(pod->name, "y");
	pod_spec_free(pod);
}
END_TEST

START_TEST(host_namespaces)
{
	struct pod_spec *pod = parse_ok(PODCS(
		"'hostNetwork':true,'hostPID':true,'hostIPC':true,"
		"'securityContext':{'sysctls':[{'name':'kernel.domainname','value':'x'}]}",
		"'ports':[{'containerPort':8080,'hostPort':8080}]"));

	ck_assert(pod->host_network && pod->host_pid && pod->host_ipc);
	ck_assert_uint_eq(pod->sysctls.n, 1);
	pod_spec_free(pod);
}
END_TEST

/* Defaults, a pod-wide value, then a container's own over it, whatever
 * the order the annotations come in. */
START_TEST(pressure_annotations)
{
	struct pod_spec *pod = parse_ok(
		"{" HEAD ",'metadata':{'name':'p','annotations':{"
		" 'berth.dev/pressure.b':'memory=20%/4s, io=off','berth.dev/pressure':'cpu=off'}},"
		"'spec':{'containers':[{'name':'a','image':'./r','command':['x']},"
		"  {'name':'b','image':'./r','command':['x']}]}}");
	const struct pod_pressure *a = pod->containers[0].pressure, *b = pod->containers[1].pressure;

	ck_assert(a[POD_PRESSURE_CPU].off && b[POD_PRESSURE_CPU].off);
	ck_assert(!a[POD_PRESSURE_MEMORY].off);
	ck_assert_int_eq(a[POD_PRESSURE_MEMORY].stall_us, 200000);
	ck_assert_int_eq(a[POD_PRESSURE_MEMORY].window_us, 2000000);
	ck_assert_int_eq(b[POD_PRESSURE_MEMORY].stall_us, 800000);
	ck_assert_int_eq(b[POD_PRESSURE_MEMORY].window_us, 4000000);
	ck_assert(!a[POD_PRESSURE_IO].off && b[POD_PRESSURE_IO].off);
	pod_spec_free(pod);
	pod = parse_ok(ANN("'berth.dev/pressure':'off'", "'name':'c'"));
	for (int r = 0; r < POD_PRESSURE_N; r++)
		ck_assert(pod->containers[0].pressure[r].off);
	pod_spec_free(pod);
}
END_TEST

START_TEST(berth_annotations)
{
	struct pod_spec *pod = parse_ok(
		"{" HEAD ",'metadata':{'name':'p','annotations':{"
		" 'berth.dev/oom-policy.b':'stop','berth.dev/oom-policy':'grow',"
		" 'berth.dev/oom-grow':' 2 , 4Gi ','berth.dev/restart-backoff':'500ms,1.5s,0.5h'}},"
		"'spec':{'initContainers':[{'name':'i','image':'./r','command':['x'],"
		"  'resources':{'limits':{'memory':'1Gi'}}}],"
		" 'containers':[{'name':'a','image':'./r','command':['x'],"
		"  'resources':{'limits':{'memory':'2Gi'}}},"
		"  {'name':'b','image':'./r','command':['x']}]}}");

	ck_assert_int_eq(pod->init_containers[0].oom_policy, POD_OOM_GROW);
	ck_assert_int_eq(pod->containers[0].oom_policy, POD_OOM_GROW);
	ck_assert_int_eq(pod->containers[1].oom_policy, POD_OOM_STOP);
	ck_assert(pod->oom_grow.factor == 2.0);
	ck_assert_int_eq(pod->oom_grow.max_bytes, 4LL << 30);
	ck_assert_int_eq(pod->backoff.initial_ms, 500);
	ck_assert_int_eq(pod->backoff.max_ms, 1500);
	ck_assert_int_eq(pod->backoff.reset_ms, 1800000);
	ck_assert_str_eq(pod_oom_policy_name(pod->containers[1].oom_policy), "stop");
	pod_spec_free(pod);

	pod = parse_ok(ANN("'berth.dev/restart-backoff':'1h1m1s1ms,2h,1.25m'", "'name':'c'"));
	ck_assert_int_eq(pod->backoff.initial_ms, 3661001);
	ck_assert_int_eq(pod->backoff.max_ms, 7200000);
	ck_assert_int_eq(pod->backoff.reset_ms, 75000);
	pod_spec_free(pod);
}
END_TEST

START_TEST(mapping_helpers)
{
	ck_assert_uint_eq(POD_CPU_PERIOD, 100000);
	ck_assert_uint_eq(pod_cpu_quota(0), 0);
	ck_assert_uint_eq(pod_cpu_quota(1), 1000);       /* at least 1ms */
	ck_assert_uint_eq(pod_cpu_quota(10), 1000);
	ck_assert_uint_eq(pod_cpu_quota(11), 1100);
	ck_assert_uint_eq(pod_cpu_quota(250), 25000);
	ck_assert_uint_eq(pod_cpu_quota(500), 50000);
	ck_assert_uint_eq(pod_cpu_quota(1500), 150000);
	ck_assert_uint_eq(pod_cpu_quota(INT64_MAX), INT64_MAX);

	ck_assert_uint_eq(pod_cpu_shares(0), 2);
	ck_assert_uint_eq(pod_cpu_shares(1), 2);
	ck_assert_uint_eq(pod_cpu_shares(2), 2);
	ck_assert_uint_eq(pod_cpu_shares(3), 3);
	ck_assert_uint_eq(pod_cpu_shares(100), 102);
	ck_assert_uint_eq(pod_cpu_shares(250), 256);
	ck_assert_uint_eq(pod_cpu_shares(500), 512);
	ck_assert_uint_eq(pod_cpu_shares(1000), 1024);
	ck_assert_uint_eq(pod_cpu_shares(256000), 262144);
	ck_assert_uint_eq(pod_cpu_shares(300000), 262144);
	ck_assert_uint_eq(pod_cpu_shares(INT64_MAX), 262144);

	ck_assert_str_eq(pod_restart_policy_name(POD_RESTART_ALWAYS), "Always");
	ck_assert_str_eq(pod_restart_policy_name(POD_RESTART_ON_FAILURE), "OnFailure");
	ck_assert_str_eq(pod_restart_policy_name(POD_RESTART_NEVER), "Never");
	ck_assert_str_eq(pod_oom_policy_name(POD_OOM_RESTART), "restart");
	ck_assert_str_eq(pod_oom_policy_name(POD_OOM_GROW), "grow");
	ck_assert_str_eq(pod_seccomp_type_name(POD_SECCOMP_RUNTIME_DEFAULT), "RuntimeDefault");
	ck_assert_str_eq(pod_seccomp_type_name(POD_SECCOMP_LOCALHOST), "Localhost");
	ck_assert_str_eq(pod_seccomp_type_name(POD_SECCOMP_UNCONFINED), "Unconfined");
}
END_TEST

/* ---- errors: the document and unknown fields ---------------------------- */

START_TEST(err_document)
{
	check_err("[1]", "pod.json: expected a JSON object, got an array");
	check_err("{'apiVersion':", "pod.json: invalid JSON: parse error: premature EOF at line 1, column 15");
	check_err("{}", "pod.json: apiVersion: required field is missing");
	check_err("{'apiVersion':'v1'}", "pod.json: kind: required field is missing");
	check_err("{'apiVersion':'apps/v1','kind':'Deployment'}",
		  "pod.json: apiVersion: \"apps/v1\" is not supported (berth reads apiVersion v1, kind Pod)");
	check_err("{'apiVersion':'v1','kind':'Service'}",
		  "pod.json: kind: \"Service\" is not supported (berth reads apiVersion v1, kind Pod)");
	check_err("{'apiVersion':1,'kind':'Pod'}", "pod.json: apiVersion: expected a string, got a number");
	check_err("{" HEAD "}", "pod.json: metadata: required field is missing");
	check_err("{" HEAD ",'metadata':[]}", "pod.json: metadata: expected an object, got an array");
	check_err("{" HEAD "," META "}", "pod.json: spec: required field is missing");
	check_err("{" HEAD ",'metadata':{}}", "pod.json: metadata.name: required field is missing");
	check_err(POD(""), "pod.json: spec.containers: required field is missing");
	check_err(POD("'containers':[]"), "pod.json: spec.containers: must have at least one container");
	check_err(POD("'containers':{}"), "pod.json: spec.containers: expected an array, got an object");
	check_err(POD("'containers':[1]"), "pod.json: spec.containers[0]: expected an object, got a number");
}
END_TEST

START_TEST(err_unknown_fields)
{
	check_err("{" HEAD "," META ",'spec':{},'extra':1}", "pod.json: extra: unknown field");
	check_err("{" HEAD ",'metadata':{'name':'p','nmae':'x'}}", "pod.json: metadata.nmae: unknown field (did you mean name?)");
	check_err(PODC("'imagePullPolicyy':'Always'"),
		  P "imagePullPolicyy: unknown field (did you mean imagePullPolicy?)");
	check_err(PODC("'Image':'x'"), P "Image: unknown field (did you mean image?)");
	check_err(PODC("'comand':['x']"), P "comand: unknown field (did you mean command?)");
	check_err(PODC("'workignDir':'/'"), P "workignDir: unknown field (did you mean workingDir?)");
	check_err(PODC("'a.b':1"), "pod.json: spec.containers[0][\"a.b\"]: unknown field");
	check_err(PODC("'a\\nb':1"), "pod.json: spec.containers[0][\"a\\nb\"]: unknown field");
	check_err(PODC("'':1"), "pod.json: spec.containers[0][\"\"]: unknown field");
	check_err(POD("'containers':[{" CT0 "}],'volume':[]"),
		  "pod.json: spec.volume: unknown field (did you mean volumes?)");
	check_err(PODC("'securityContext':{'runAsUsr':1}"),
		  P "securityContext.runAsUsr: unknown field (did you mean runAsUser?)");
	check_err(PODC("'livenessProbe':{'exec':{'command':['x']},'period':1}"),
		  P "livenessProbe.period: unknown field");
	check_err(POD("'containers':[{" CT0 "}],'volumes':[{'name':'v','emptyDir':{'size':'1Mi'}}]"),
		  "pod.json: spec.volumes[0].emptyDir.size: unknown field");
}
END_TEST

START_TEST(err_unsupported_fields)
{
	check_err(PODC("'envFrom':[{'configMapRef':{'name':'x'}}]"), P "envFrom: not supported by berth");
	check_err(PODC("'tty':true"), P "tty: not supported by berth");
	check_err(PODC("'stdin':false"), P "stdin: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'nodeSelector':{'a':'b'}"),
		  "pod.json: spec.nodeSelector: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'enableServiceLinks':false"),
		  "pod.json: spec.enableServiceLinks: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'serviceAccountName':'default'"),
		  "pod.json: spec.serviceAccountName: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'tolerations':[{'operator':'Exists'}]"),
		  "pod.json: spec.tolerations: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'readinessGates':[{'conditionType':'x'}]"),
		  "pod.json: spec.readinessGates: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'volumes':[{'name':'v','configMap':{'name':'x'}}]"),
		  "pod.json: spec.volumes[0].configMap: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'volumes':[{'name':'v','persistentVolumeClaim':{'claimName':'x'}}]"),
		  "pod.json: spec.volumes[0].persistentVolumeClaim: not supported by berth");
	check_err(POD("'containers':[{" CT0 "}],'securityContext':{'fsGroup':2000}"),
		  "pod.json: spec.securityContext.fsGroup: not supported by berth");
	check_err(PODC("'securityContext':{'procMount':'Unmasked'}"),
		  P "securityContext.procMount: not supported by berth");
	check_err(PODC("'env':[{'name':'A','valueFrom':{'fieldRef':{'fieldPath':'x'}}}]"),
		  P "env[0].valueFrom: not supported by berth");
	check_err(PODC("'volumeMounts':[{'name':'v','mountPath':'/v','mountPropagation':'Bidirectional'}]"),
		  P "volumeMounts[0].mountPropagation: not supported by berth");
	check_err(PODC("'lifecycle':{'postStart':{'exec':{'command':['x']}}}"),
		  P "lifecycle.postStart: not supported by berth");
	check_err(PODC("'lifecycle':{'preStop':{'httpGet':{'port':80}}}"),
		  P "lifecycle.preStop.httpGet: not supported by berth");
	check_err(PODC("'lifecycle':{'preStop':{'sleep':{'seconds':5}}}"),
		  P "lifecycle.preStop.sleep: not supported by berth");
	check_err(PODC("'livenessProbe':{'grpc':{'port':9000}}"),
		  P "livenessProbe.grpc: not supported by berth");
	check_err(PODC("'resources':{'claims':[{'name':'gpu'}]}"),
		  P "resources.claims: not supported by berth");
	check_err(PODC("'resources':{'limits':{'ephemeral-storage':'1Gi'}}"),
		  P "resources.limits.ephemeral-storage: not supported by berth (berth limits cpu and memory)");
	check_err(PODC("'resources':{'limits':{'hugepages-2Mi':'1Gi'}}"),
		  P "resources.limits.hugepages-2Mi: not supported by berth (berth limits cpu and memory)");
	check_err(PODC("'resources':{'requests':{'nvidia.com/gpu':1}}"),
		  P "resources.requests[\"nvidia.com/gpu\"]: not supported by berth (berth limits cpu and memory)");
	check_err(PODC("'resources':{'limits':{'mem':'1Gi'}}"),
		  P "resources.limits.mem: unknown resource (expected cpu or memory)");
	check_err("{" HEAD ",'metadata':{'name':'p','ownerReferences':[{'kind':'x'}]}}",
		  "pod.json: metadata.ownerReferences: not supported by berth");
}
END_TEST

/* ---- errors: types, names ----------------------------------------------- */

START_TEST(err_types)
{
	check_err(POD("'containers':[{" CT0 "}],'terminationGracePeriodSeconds':'30'"),
		  "pod.json: spec.terminationGracePeriodSeconds: expected an integer, got a string");
	check_err(POD("'containers':[{" CT0 "}],'terminationGracePeriodSeconds':1.5"),
		  "pod.json: spec.terminationGracePeriodSeconds: expected an integer, got 1.5");
	check_err(POD("'containers':[{" CT0 "}],'terminationGracePeriodSeconds':-1"),
		  "pod.json: spec.terminationGracePeriodSeconds: -1 is out of range (0 to 9223372036854775807)");
	check_err(POD("'containers':[{" CT0 "}],'hostNetwork':'true'"),
		  "pod.json: spec.hostNetwork: expected a boolean, got a string");
	check_err(PODC("'command':'sh -c true'"), P "command: expected an array of strings, got a string");
	check_err(PODC("'args':[1]"), P "args[0]: expected a string, got a number");
	check_err(PODC("'ports':[{'containerPort':'80'}]"), P "ports[0].containerPort: expected an integer, got a string");
	check_err(PODC("'securityContext':{'runAsUser':-1}"),
		  P "securityContext.runAsUser: -1 is out of range (0 to 2147483647)");
	check_err(PODC("'securityContext':{'privileged':1}"),
		  P "securityContext.privileged: expected a boolean, got a number");
	check_err(PODC("'resources':{'limits':{'cpu':true}}"),
		  P "resources.limits.cpu: expected a quantity (a string such as \"500m\"), got a boolean");
	check_err(PODC("'resources':[]"), P "resources: expected an object, got an array");
	check_err(PODC("'livenessProbe':{'exec':{'command':['x']},'periodSeconds':-1}"),
		  P "livenessProbe.periodSeconds: -1 is out of range (0 to 2147483647)");
	check_err("{" HEAD ",'metadata':{'name':'p','labels':{'a':1}}}",
		  "pod.json: metadata.labels[\"a\"]: expected a string, got a number");
}
END_TEST

START_TEST(err_names)
{
	static const char dns[] = "is not a valid name (lowercase letters, digits and '-', "
				  "starting and ending with a letter or digit, at most 63 characters)";
	char want[512];

	snprintf(want, sizeof(want), "pod.json: metadata.name: \"My_Pod\" %s", dns);
	check_err("{" HEAD ",'metadata':{'name':'My_Pod'}}", want);
	snprintf(want, sizeof(want), "pod.json: metadata.name: \"-p\" %s", dns);
	check_err("{" HEAD ",'metadata':{'name':'-p'}}", want);
	snprintf(want, sizeof(want), "pod.json: metadata.name: \"a.b\" %s", dns);
	check_err("{" HEAD ",'metadata':{'name':'a.b'}}", want);
	snprintf(want, sizeof(want), "pod.json: metadata.name: \"\" %s", dns);
	check_err("{" HEAD ",'metadata':{'name':''}}", want);
	snprintf(want, sizeof(want), "pod.json: metadata.name: \"%s\" %s",
		 "a123456789012345678901234567890123456789012345678901234567890123", dns);
	check_err("{" HEAD ",'metadata':{'name':'a123456789012345678901234567890123456789012345678901234567890123'}}", want);
	pod_spec_free(parse_ok("{" HEAD ",'metadata':{'name':'a12345678901234567890123456789012345678901234567890123456789012'},"
			       "'spec':{'containers':[{" CT0 "}]}}"));
	snprintf(want, sizeof(want), "pod.json: spec.containers[0].name: \"Web\" %s", dns);
	check_err(POD("'containers':[{'name':'Web'}]"), want);
	snprintf(want, sizeof(want), "pod.json: spec.hostname: \"h_1\" %s", dns);
	check_err(POD("'hostname':'h_1'"), want);
	snprintf(want, sizeof(want), "pod.json: spec.volumes[0].name: \"V\" %s", dns);
	check_err(POD("'volumes':[{'name':'V'}]"), want);

	check_err(POD("'initContainers':[{" CT0 "}],'containers':[{" CT0 "}]"),
		  "pod.json: spec.containers[0].name: \"c\" is already used by spec.initContainers[0]");
	check_err(POD("'containers':[{" CT0 "},{'name':'d','image':'./r','command':['x']},{" CT0 "}]"),
		  "pod.json: spec.containers[2].name: \"c\" is already used by spec.containers[0]");
	check_err(POD("'volumes':[{'name':'v','emptyDir':{}},{'name':'v','emptyDir':{}}],"
		      "'containers':[{" CT0 "}]"),
		  "pod.json: spec.volumes[1].name: \"v\" is already used by spec.volumes[0]");
	check_err("{" HEAD ",'metadata':{'name':'p','labels':{'a b':'x'}}}",
		  "pod.json: metadata.labels[\"a b\"]: not a valid key (an optional DNS subdomain and '/', "
		  "then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
	check_err("{" HEAD ",'metadata':{'name':'p','labels':{'Example.com/x':'x'}}}",
		  "pod.json: metadata.labels[\"Example.com/x\"]: not a valid key (an optional DNS subdomain and '/', "
		  "then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
	check_err("{" HEAD ",'metadata':{'name':'p','labels':{'a':'-x'}}}",
		  "pod.json: metadata.labels[\"a\"]: \"-x\" is not a valid label value (at most 63 letters, "
		  "digits, '-', '_' or '.', starting and ending with a letter or digit)");
	check_err("{" HEAD ",'metadata':{'name':'p','annotations':{'/x':'y'}}}",
		  "pod.json: metadata.annotations[\"/x\"]: not a valid key (an optional DNS subdomain and '/', "
		  "then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
	check_err("{" HEAD ",'metadata':{'name':'p','namespace':'Kube'}}",
		  "pod.json: metadata.namespace: \"Kube\" is not a valid name (lowercase letters, digits and '-', "
		  "starting and ending with a letter or digit, at most 63 characters)");
}
END_TEST

/* ---- errors: containers -------------------------------------------------- */

START_TEST(err_image)
{
	check_err(POD("'containers':[{'name':'c','image':'','command':['x']}]"),
		  P "image: must not be empty (give an image reference or a path to an unpacked rootfs)");
	check_err(POD("'containers':[{'name':'c','command':['x']}]"), P "image: required field is missing");
	/* The supervisor parses a reference; here only what none can hold. */
	check_err(POD("'containers':[{'name':'c','image':'nginx 1.25'}]"),
		  P "image: \"nginx 1.25\" is not an image reference (it has blanks or control characters)");
	check_err(POD("'containers':[{'name':'c','image':' busybox'}]"),
		  P "image: \" busybox\" is not an image reference (it has blanks or control characters)");
	check_err(POD("'containers':[{'name':'c','image':'busybox\\t'}]"),
		  P "image: \"busybox\\u0009\" is not an image reference (it has blanks or control characters)");
	check_err(POD("'containers':[{'name':'c','image':'a\\u007fb'}]"),
		  P "image: \"a\\u007fb\" is not an image reference (it has blanks or control characters)");
	check_err(PODC("'imagePullPolicy':'always'"),
		  P "imagePullPolicy: unknown image pull policy \"always\" "
		  "(expected Always, IfNotPresent or Never)");
	check_err(PODC("'imagePullPolicy':''"),
		  P "imagePullPolicy: unknown image pull policy \"\" "
		  "(expected Always, IfNotPresent or Never)");
	check_err(PODC("'imagePullPolicy':1"), P "imagePullPolicy: expected a string, got a number");
	check_err(POD("'containers':[{'name':'c','image':'nginx','imagePullPolicy':'Sometimes'}]"),
		  P "imagePullPolicy: unknown image pull policy \"Sometimes\" "
		  "(expected Always, IfNotPresent or Never)");
}
END_TEST

START_TEST(err_process)
{
	check_err(POD("'containers':[{'name':'c','image':'./r'}]"),
		  P "command: required field is missing (a local root filesystem has no ENTRYPOINT to default to)");
	check_err(POD("'containers':[{'name':'c','image':'./r','command':[]}]"),
		  P "command: must not be empty (a local root filesystem has no ENTRYPOINT to default to)");
	check_err(POD("'containers':[{'name':'c','image':'./r','command':['']}]"),
		  P "command[0]: must not be empty");
	/* An image may leave the command out, but one it gives must be usable. */
	check_err(POD("'containers':[{'name':'c','image':'busybox','command':['']}]"),
		  P "command[0]: must not be empty");
	check_err(POD("'containers':[{'name':'c','image':'busybox','command':'sh'}]"),
		  P "command: expected an array of strings, got a string");
	check_err(PODC("'workingDir':'www'"), P "workingDir: \"www\" is not an absolute path");
	check_err(PODC("'workingDir':'/a/../b'"), P "workingDir: \"/a/../b\" must not contain '..'");
	check_err(PODC("'env':[{'value':'x'}]"), P "env[0].name: required field is missing");
	check_err(PODC("'env':[{'name':'A=B'}]"),
		  P "env[0].name: \"A=B\" is not a valid environment variable name "
		  "(printable ASCII characters except '=')");
	check_err(PODC("'env':[{'name':''}]"),
		  P "env[0].name: \"\" is not a valid environment variable name "
		  "(printable ASCII characters except '=')");
	check_err(PODC("'env':[{'name':'A','value':1}]"), P "env[0].value: expected a string, got a number");
	check_err(PODC("'terminationMessagePath':'log'"), P "terminationMessagePath: \"log\" is not an absolute path");
	check_err(PODC("'terminationMessagePolicy':'Logs'"),
		  P "terminationMessagePolicy: unknown termination message policy \"Logs\" "
		  "(expected File or FallbackToLogsOnError)");
}
END_TEST

START_TEST(err_ports)
{
	check_err(PODC("'ports':[{'name':'x'}]"), P "ports[0].containerPort: required field is missing");
	check_err(PODC("'ports':[{'containerPort':0}]"), P "ports[0].containerPort: 0 is out of range (1 to 65535)");
	check_err(PODC("'ports':[{'containerPort':65536}]"), P "ports[0].containerPort: 65536 is out of range (1 to 65535)");
	check_err(PODC("'ports':[{'containerPort':80,'protocol':'tcp'}]"),
		  P "ports[0].protocol: unknown protocol \"tcp\" (expected TCP, UDP or SCTP)");
	check_err(PODC("'ports':[{'containerPort':80,'name':'http-web-server-1'}]"),
		  P "ports[0].name: \"http-web-server-1\" is not a valid port name (at most 15 lowercase "
		  "letters, digits and '-', with at least one letter and no '-' at either end or twice in a row)");
	check_err(PODC("'ports':[{'containerPort':80,'name':'8080'}]"),
		  P "ports[0].name: \"8080\" is not a valid port name (at most 15 lowercase "
		  "letters, digits and '-', with at least one letter and no '-' at either end or twice in a row)");
	check_err(PODC("'ports':[{'containerPort':80,'name':'a--b'}]"),
		  P "ports[0].name: \"a--b\" is not a valid port name (at most 15 lowercase "
		  "letters, digits and '-', with at least one letter and no '-' at either end or twice in a row)");
	check_err(PODC("'ports':[{'containerPort':80,'name':'web'},{'containerPort':81,'name':'web'}]"),
		  P "ports[1].name: \"web\" is already used by ports[0]");
	check_err(PODCS("'hostNetwork':true", "'ports':[{'containerPort':80,'hostPort':8080}]"),
		  P "ports[0].hostPort: 8080 must equal containerPort (80) with hostNetwork, "
		  "as in Kubernetes");
}
END_TEST

START_TEST(err_resources)
{
	check_err(POD("'containers':[{" CT0 "},{'name':'d','image':'./r','command':['x'],"
		      "'resources':{'limits':{'memory':'64MB'}}}]"),
		  "pod.json: spec.containers[1].resources.limits.memory: \"64MB\" is not a quantity (try 64Mi)");
	check_err(PODC("'resources':{'limits':{'memory':'1GB'}}"),
		  P "resources.limits.memory: \"1GB\" is not a quantity (try 1Gi)");
	check_err(PODC("'resources':{'requests':{'memory':'512KB'}}"),
		  P "resources.requests.memory: \"512KB\" is not a quantity (try 512Ki)");
	check_err(PODC("'resources':{'limits':{'memory':'1 Gi'}}"),
		  P "resources.limits.memory: \"1 Gi\" is not a quantity (try 1Gi)");
	check_err(PODC("'resources':{'limits':{'memory':'0x10'}}"),
		  P "resources.limits.memory: \"0x10\" is not a quantity (try 16)");
	check_err(PODC("'resources':{'limits':{'memory':'1.2.3'}}"),
		  P "resources.limits.memory: \"1.2.3\" is not a quantity (expected e.g. 128Mi or 1Gi)");
	check_err(PODC("'resources':{'limits':{'memory':''}}"),
		  P "resources.limits.memory: \"\" is not a quantity (expected e.g. 128Mi or 1Gi)");
	check_err(PODC("'resources':{'limits':{'memory':'-1'}}"),
		  P "resources.limits.memory: \"-1\" must not be negative");
	check_err(PODC("'resources':{'limits':{'memory':'1e30'}}"),
		  P "resources.limits.memory: \"1e30\" is too large");
	check_err(PODC("'resources':{'limits':{'memory':'128m'}}"),
		  P "resources.limits.memory: \"128m\" is not a whole number of bytes (try 128Mi)");
	check_err(PODC("'resources':{'limits':{'memory':'1.5'}}"),
		  P "resources.limits.memory: \"1.5\" is not a whole number of bytes");
	check_err(PODC("'resources':{'limits':{'cpu':'0.5cpu'}}"),
		  P "resources.limits.cpu: \"0.5cpu\" is not a quantity (try 0.5)");
	check_err(PODC("'resources':{'limits':{'cpu':'500mcpu'}}"),
		  P "resources.limits.cpu: \"500mcpu\" is not a quantity (try 500m)");
	check_err(PODC("'resources':{'limits':{'cpu':'half'}}"),
		  P "resources.limits.cpu: \"half\" is not a quantity (expected e.g. 500m or 2)");
	check_err(PODC("'resources':{'limits':{'cpu':-1}}"),
		  P "resources.limits.cpu: \"-1\" must not be negative");
	check_err(PODC("'resources':{'limits':{'cpu':'500m'},'requests':{'cpu':'1'}}"),
		  P "resources.requests.cpu: \"1\" must be less than or equal to limits.cpu \"500m\"");
	check_err(PODC("'resources':{'limits':{'memory':'1Gi'},'requests':{'memory':'1025Mi'}}"),
		  P "resources.requests.memory: \"1025Mi\" must be less than or equal to limits.memory \"1Gi\"");
	check_err(PODC("'resources':{'limits':[]}"), P "resources.limits: expected an object, got an array");
}
END_TEST

START_TEST(err_security)
{
	check_err(PODC("'securityContext':{'runAsNonRoot':true}"),
		  "pod.json: spec.containers[0]: runAsNonRoot is true but no runAsUser is set, so the "
		  "container would run as root (a local root filesystem has no USER)");
	check_err(PODCS("'securityContext':{'runAsNonRoot':true}", "'securityContext':{'runAsGroup':5}"),
		  "pod.json: spec.containers[0]: runAsNonRoot is true but no runAsUser is set, so the "
		  "container would run as root (a local root filesystem has no USER)");
	check_err(PODCS("'securityContext':{'runAsNonRoot':true,'runAsUser':5}",
			"'securityContext':{'runAsUser':0}"),
		  "pod.json: spec.containers[0]: runAsNonRoot is true but runAsUser is 0");
	/* Whatever an image's User, runAsUser 0 wins over it. */
	check_err(POD("'securityContext':{'runAsNonRoot':true,'runAsUser':0},"
		      "'containers':[{'name':'c','image':'busybox'}]"),
		  "pod.json: spec.containers[0]: runAsNonRoot is true but runAsUser is 0");
	check_err(PODC("'securityContext':{'capabilities':{'add':['NET_ADMINN']}}"),
		  P "securityContext.capabilities.add[0]: unknown capability \"NET_ADMINN\"");
	check_err(PODC("'securityContext':{'capabilities':{'drop':['KILL','CAP_']}}"),
		  P "securityContext.capabilities.drop[1]: unknown capability \"CAP_\"");
	check_err(PODC("'securityContext':{'capabilities':{'add':'ALL'}}"),
		  P "securityContext.capabilities.add: expected an array of strings, got a string");
	check_err(PODC("'securityContext':{'privileged':true,'allowPrivilegeEscalation':false}"),
		  P "securityContext.allowPrivilegeEscalation: cannot be false when privileged is true");
	check_err(PODC("'securityContext':{'capabilities':{'add':['SYS_ADMIN']},'allowPrivilegeEscalation':false}"),
		  P "securityContext.allowPrivilegeEscalation: cannot be false when capabilities.add has SYS_ADMIN");
	check_err(PODC("'securityContext':{'seccompProfile':{}}"),
		  P "securityContext.seccompProfile.type: required field is missing");
	check_err(PODC("'securityContext':{'seccompProfile':{'type':'Default'}}"),
		  P "securityContext.seccompProfile.type: unknown seccomp profile type \"Default\" "
		  "(expected RuntimeDefault, Unconfined or Localhost)");
	check_err(PODC("'securityContext':{'seccompProfile':{'type':'Localhost'}}"),
		  P "securityContext.seccompProfile.localhostProfile: required when type is Localhost");
	check_err(PODC("'securityContext':{'seccompProfile':{'type':'RuntimeDefault','localhostProfile':'a.json'}}"),
		  P "securityContext.seccompProfile.localhostProfile: only allowed when type is Localhost");
	check_err(PODC("'securityContext':{'seccompProfile':{'type':'Localhost','localhostProfile':'/etc/p.json'}}"),
		  P "securityContext.seccompProfile.localhostProfile: \"/etc/p.json\" must be a relative path "
		  "without '..' (resolved against the pod file's directory)");
	check_err(POD("'securityContext':{'seccompProfile':{'type':'Localhost','localhostProfile':'../p.json'}}"),
		  "pod.json: spec.securityContext.seccompProfile.localhostProfile: \"../p.json\" must be a relative "
		  "path without '..' (resolved against the pod file's directory)");
}
END_TEST

START_TEST(err_sysctls)
{
	check_err(POD("'securityContext':{'sysctls':[{'name':'net.ipv4..x','value':'1'}]}"),
		  "pod.json: spec.securityContext.sysctls[0].name: \"net.ipv4..x\" is not a valid sysctl name");
	check_err(POD("'securityContext':{'sysctls':[{'name':'Net.x','value':'1'}]}"),
		  "pod.json: spec.securityContext.sysctls[0].name: \"Net.x\" is not a valid sysctl name");
	check_err(POD("'securityContext':{'sysctls':[{'name':'net.x.','value':'1'}]}"),
		  "pod.json: spec.securityContext.sysctls[0].name: \"net.x.\" is not a valid sysctl name");
	check_err(POD("'securityContext':{'sysctls':[{'name':'net.x'}]}"),
		  "pod.json: spec.securityContext.sysctls[0].value: required field is missing");
	check_err(POD("'securityContext':{'sysctls':{}}"),
		  "pod.json: spec.securityContext.sysctls: expected an array, got an object");
	check_err(POD("'hostNetwork':true,'securityContext':{'sysctls':[{'name':'net.core.somaxconn','value':'1'}]}"),
		  "pod.json: spec.securityContext.sysctls[0].name: \"net.core.somaxconn\" is not allowed "
		  "with hostNetwork (it would change the host)");
	check_err(POD("'hostIPC':true,'securityContext':{'sysctls':[{'name':'kernel.shmmax','value':'1'}]}"),
		  "pod.json: spec.securityContext.sysctls[0].name: \"kernel.shmmax\" is not allowed "
		  "with hostIPC (it would change the host)");
	check_err(POD("'securityContext':{'sysctls':[{'name':'kernel.sem','value':'1'},"
		      "{'name':'kernel.sem','value':'2'}]}"),
		  "pod.json: spec.securityContext.sysctls[1].name: \"kernel.sem\" is set twice");
	/* Entries are checked in order, each against those before it. */
	check_err(POD("'securityContext':{'sysctls':[{'name':'net.a','value':'1'},"
		      "{'name':'Net.bad','value':'1'},{'name':'net.a','value':'2'}]}"),
		  "pod.json: spec.securityContext.sysctls[1].name: \"Net.bad\" is not a valid sysctl name");
	check_err(POD("'securityContext':{'sysctls':[{'name':'net.a','value':'1'},"
		      "{'name':7,'value':'1'},{'name':'net.a','value':'2'}]}"),
		  "pod.json: spec.securityContext.sysctls[1].name: expected a string, got a number");
	check_err(POD("'securityContext':{'sysctls':[{'name':'net.a','value':'1'},"
		      "{'name':'net.b','value':'1'},{'name':'net.b','name':'net.a','value':'2'}]}"),
		  "pod.json: spec.securityContext.sysctls[2].name: \"net.a\" is set twice");
}
END_TEST

START_TEST(err_volumes)
{
	check_err(POD("'volumes':[{'name':'v'}]"),
		  "pod.json: spec.volumes[0]: no volume source (berth supports hostPath and emptyDir)");
	check_err(POD("'volumes':[{'name':'v','emptyDir':{},'hostPath':{'path':'/x'}}]"),
		  "pod.json: spec.volumes[0]: more than one volume source (hostPath and emptyDir)");
	check_err(POD("'volumes':[{'emptyDir':{}}]"), "pod.json: spec.volumes[0].name: required field is missing");
	check_err(POD("'volumes':[{'name':'v','hostPath':{'path':'data'}}]"),
		  "pod.json: spec.volumes[0].hostPath.path: \"data\" is not an absolute path");
	check_err(POD("'volumes':[{'name':'v','hostPath':{'path':'/srv/../etc'}}]"),
		  "pod.json: spec.volumes[0].hostPath.path: \"/srv/../etc\" must not contain '..'");
	check_err(POD("'volumes':[{'name':'v','hostPath':{}}]"),
		  "pod.json: spec.volumes[0].hostPath.path: required field is missing");
	check_err(POD("'volumes':[{'name':'v','hostPath':{'path':'/x','type':'Dir'}}]"),
		  "pod.json: spec.volumes[0].hostPath.type: unknown hostPath type \"Dir\" (expected "
		  "DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice)");
	check_err(POD("'volumes':[{'name':'v','emptyDir':{'medium':'Disk'}}]"),
		  "pod.json: spec.volumes[0].emptyDir.medium: unknown medium \"Disk\" (expected \"\" or Memory)");
	check_err(POD("'volumes':[{'name':'v','emptyDir':{'medium':'HugePages-2Mi'}}]"),
		  "pod.json: spec.volumes[0].emptyDir.medium: \"HugePages-2Mi\" is not supported by berth "
		  "(expected \"\" or Memory)");
	check_err(POD("'volumes':[{'name':'v','emptyDir':{'sizeLimit':'1GB'}}]"),
		  "pod.json: spec.volumes[0].emptyDir.sizeLimit: \"1GB\" is not a quantity (try 1Gi)");
	check_err(PODC("'volumeMounts':[{'name':'v','mountPath':'/v'}]"),
		  P "volumeMounts[0].name: no volume named \"v\" in spec.volumes");
	check_err(PODCS("'volumes':[{'name':'v','emptyDir':{}}]", "'volumeMounts':[{'name':'v','mountPath':'v'}]"),
		  P "volumeMounts[0].mountPath: \"v\" is not an absolute path");
	check_err(PODCS("'volumes':[{'name':'v','emptyDir':{}}]", "'volumeMounts':[{'name':'v'}]"),
		  P "volumeMounts[0].mountPath: required field is missing");
	check_err(PODCS("'volumes':[{'name':'v','emptyDir':{}}]",
			"'volumeMounts':[{'name':'v','mountPath':'/v'},{'name':'v','mountPath':'/v'}]"),
		  P "volumeMounts[1].mountPath: \"/v\" is already mounted by volumeMounts[0]");
	check_err(PODCS("'volumes':[{'name':'v','emptyDir':{}}]",
			"'volumeMounts':[{'name':'v','mountPath':'/v','subPath':'a/../../b'}]"),
		  P "volumeMounts[0].subPath: \"a/../../b\" must be a relative path without '..'");
	check_err(PODCS("'volumes':[{'name':'v','emptyDir':{}}]",
			"'volumeMounts':[{'name':'v','mountPath':'/v','subPath':'/abs'}]"),
		  P "volumeMounts[0].subPath: \"/abs\" must be a relative path without '..'");
}
END_TEST

START_TEST(err_probes)
{
	check_err(PODC("'livenessProbe':{}"),
		  P "livenessProbe: no handler (expected one of exec, httpGet or tcpSocket)");
	check_err(PODC("'livenessProbe':{'exec':{'command':['x']},'tcpSocket':{'port':1}}"),
		  P "livenessProbe: more than one handler (exec, httpGet and tcpSocket are alternatives)");
	check_err(PODC("'livenessProbe':{'exec':{}}"), P "livenessProbe.exec.command: required field is missing");
	check_err(PODC("'livenessProbe':{'exec':{'command':[]}}"), P "livenessProbe.exec.command: must not be empty");
	check_err(PODC("'readinessProbe':{'httpGet':{'port':80,'scheme':'HTTPS'}}"),
		  P "readinessProbe.httpGet.scheme: HTTPS is not supported by berth (expected HTTP)");
	check_err(PODC("'readinessProbe':{'httpGet':{'port':80,'scheme':'http'}}"),
		  P "readinessProbe.httpGet.scheme: unknown scheme \"http\" (expected HTTP)");
	check_err(PODC("'readinessProbe':{'httpGet':{'path':'/'}}"),
		  P "readinessProbe.httpGet.port: required field is missing");
	check_err(PODC("'readinessProbe':{'httpGet':{'port':'http'}}"),
		  P "readinessProbe.httpGet.port: no port named \"http\" in the container's ports");
	check_err(PODC("'ports':[{'containerPort':80}],'readinessProbe':{'httpGet':{'port':'8080'}}"),
		  P "readinessProbe.httpGet.port: \"8080\" is not a valid port name (write the number without quotes)");
	check_err(PODC("'readinessProbe':{'tcpSocket':{'port':0}}"),
		  P "readinessProbe.tcpSocket.port: 0 is out of range (1 to 65535)");
	check_err(PODC("'readinessProbe':{'tcpSocket':{'port':'Http'}}"),
		  P "readinessProbe.tcpSocket.port: \"Http\" is not a valid port name (at most 15 lowercase "
		  "letters, digits and '-', with at least one letter and no '-' at either end or twice in a row)");
	check_err(PODC("'readinessProbe':{'tcpSocket':{'port':true}}"),
		  P "readinessProbe.tcpSocket.port: expected a port number or name, got a boolean");
	check_err(PODC("'readinessProbe':{'httpGet':{'port':80,'httpHeaders':[{'name':'X Y','value':'1'}]}}"),
		  P "readinessProbe.httpGet.httpHeaders[0].name: \"X Y\" is not a valid HTTP header name");
	check_err(PODC("'livenessProbe':{'exec':{'command':['x']},'successThreshold':2}"),
		  P "livenessProbe.successThreshold: must be 1 for a livenessProbe");
	check_err(PODC("'startupProbe':{'exec':{'command':['x']},'successThreshold':3}"),
		  P "startupProbe.successThreshold: must be 1 for a startupProbe");
	check_err(PODC("'readinessProbe':{'exec':{'command':['x']},'terminationGracePeriodSeconds':5}"),
		  P "readinessProbe.terminationGracePeriodSeconds: not allowed on a readinessProbe");
	check_err(PODC("'livenessProbe':{'exec':{'command':['x']},'terminationGracePeriodSeconds':0}"),
		  P "livenessProbe.terminationGracePeriodSeconds: 0 is out of range (1 to 9223372036854775807)");
	check_err(PODC("'lifecycle':{'preStop':{}}"), P "lifecycle.preStop: no handler (expected exec)");
}
END_TEST

START_TEST(err_restart_policies)
{
	check_err(POD("'restartPolicy':'Sometimes'"),
		  "pod.json: spec.restartPolicy: unknown restart policy \"Sometimes\" (expected Always, OnFailure or Never)");
	check_err(PODC("'restartPolicy':'Always'"),
		  P "restartPolicy: only init containers may set restartPolicy (Always makes one a sidecar)");
	check_err(POD("'initContainers':[{" CT0 ",'restartPolicy':'Never'}]"),
		  "pod.json: spec.initContainers[0].restartPolicy: unknown container restart policy \"Never\" "
		  "(expected Always)");
	check_err(POD("'initContainers':[{" CT0 ",'livenessProbe':{'exec':{'command':['x']}}}]"),
		  "pod.json: spec.initContainers[0].livenessProbe: not allowed on an init container unless "
		  "its restartPolicy is Always");
	check_err(POD("'initContainers':[{" CT0 ",'lifecycle':{'preStop':{'exec':{'command':['x']}}}}]"),
		  "pod.json: spec.initContainers[0].lifecycle: not allowed on an init container unless "
		  "its restartPolicy is Always");
	check_err(POD("'hostPID':true,'shareProcessNamespace':true"),
		  "pod.json: spec.shareProcessNamespace: cannot be true when hostPID is true");
}
END_TEST

START_TEST(err_annotations)
{
	check_err(ANN("'berth.dev/oom-polcy':'stop'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-polcy\"]: unknown berth annotation (expected "
		  "berth.dev/oom-policy, berth.dev/oom-policy.<container>, berth.dev/oom-grow, "
		  "berth.dev/restart-backoff, berth.dev/sd-notify.<container>, berth.dev/network or berth.dev/pressure[.<container>])");
	check_err(ANN("'berth.dev/oom-policy':'kill'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-policy\"]: unknown OOM policy \"kill\" "
		  "(expected restart, stop or grow)");
	check_err(ANN("'berth.dev/oom-policy.c':'Restart'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-policy.c\"]: unknown OOM policy \"Restart\" "
		  "(expected restart, stop or grow)");
	check_err(ANN("'berth.dev/oom-policy.web':'stop'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-policy.web\"]: no container named \"web\"");
	check_err(ANN("'berth.dev/oom-policy.c':'grow'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-policy.c\"]: container \"c\" has no memory "
		  "limit to grow (set resources.limits.memory)");
	check_err(ANN("'berth.dev/oom-policy':'grow'", "'resources':{'limits':{'memory':'1Gi'}}"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-policy\"]: grow needs the berth.dev/oom-grow "
		  "annotation (e.g. \"1.5,1Gi\")");
	check_err(ANN("'berth.dev/oom-policy':'grow','berth.dev/oom-grow':'2,1Gi'",
		      "'resources':{'limits':{'memory':'1Gi'}}"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-policy\"]: grow for container \"c\" needs a "
		  "berth.dev/oom-grow max above its memory limit \"1Gi\" (max is \"1Gi\")");
	check_err(ANN("'berth.dev/oom-grow':'2'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-grow\"]: \"2\" is not of the form factor,max "
		  "(e.g. \"1.5,512Mi\")");
	check_err(ANN("'berth.dev/oom-grow':'2,1Gi,3'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-grow\"]: \"2,1Gi,3\" is not of the form "
		  "factor,max (e.g. \"1.5,512Mi\")");
	check_err(ANN("'berth.dev/oom-grow':'1,1Gi'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-grow\"]: factor \"1\" must be greater than 1");
	check_err(ANN("'berth.dev/oom-grow':'x2,1Gi'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-grow\"]: factor \"x2\" is not a number");
	check_err(ANN("'berth.dev/oom-grow':'1e3,1Gi'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-grow\"]: factor \"1e3\" is not a number");
	check_err(ANN("'berth.dev/oom-grow':'2,1GB'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/oom-grow\"]: \"1GB\" is not a quantity (try 1Gi)");
	check_err(ANN("'berth.dev/restart-backoff':'1s,60s'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: \"1s,60s\" is not of the form "
		  "initial,max,reset (e.g. \"10s,300s,10m\")");
	check_err(ANN("'berth.dev/restart-backoff':'1s,60,10m'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: max \"60\" is not a duration "
		  "(e.g. 500ms, 10s, 1m30s)");
	check_err(ANN("'berth.dev/restart-backoff':'1s,1d,10m'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: max \"1d\" is not a duration "
		  "(e.g. 500ms, 10s, 1m30s)");
	check_err(ANN("'berth.dev/restart-backoff':'-1s,1m,10m'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: initial \"-1s\" is not a duration "
		  "(e.g. 500ms, 10s, 1m30s)");
	check_err(ANN("'berth.dev/restart-backoff':'0,1m,10m'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: initial \"0\" must be at least 1ms");
	check_err(ANN("'berth.dev/restart-backoff':'2m,1m,10m'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: initial \"2m\" is longer than "
		  "max \"1m\"");
	check_err(ANN("'berth.dev/restart-backoff':'1s,,10m'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: \"1s,,10m\" is not of the form "
		  "initial,max,reset (e.g. \"10s,300s,10m\")");
	check_err(ANN("'berth.dev/restart-backoff':'1s,9999999999h,10m'", "'name':'c'"),
		  "pod.json: metadata.annotations[\"berth.dev/restart-backoff\"]: max \"9999999999h\" is not a "
		  "duration (e.g. 500ms, 10s, 1m30s)");
	/* Other prefixes are not berth's business. */
	pod_spec_free(parse_ok(ANN("'berth.dev.other/x':'y','example.com/berth.dev':'z'", "'name':'c'")));
}
END_TEST

/* ---- scale ---------------------------------------------------------------- */

/* Names are checked for duplicates, and mounts find their volume, without a
 * scan per entry.  The counts make a quadratic check run for tens of
 * seconds (over the "scale" timeout), a linear one for a fraction of one.
 * The messages stay what they were: the first entry repeating an earlier
 * one, naming the first of those. */
#define N_VOLUMES TEST_SCALE(40000)
#define N_CONTAINERS TEST_SCALE(20000)     /* of each kind */
#define N_PORTS TEST_SCALE(80000)
#define N_SYSCTLS TEST_SCALE(80000)

/* The message `fmt` names with the entry counts above filled in. */
static char *expect(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *expect(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* A pod whose spec's members `body` writes, parsed; returns the error
 * message, or "" and *out when it parsed.  `annotations` are members of
 * metadata.annotations. */
static const char *parse_big(void (*body)(FILE *f, int variant), int variant,
			     const char *annotations, struct pod_spec **out, struct b_err *err)
{
	_cleanup_free_ char *json = NULL;
	size_t len;
	FILE *f = open_memstream(&json, &len);

	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
		"\"annotations\":{%s}},\"spec\":{", annotations);
	body(f, variant);
	fputs("}}", f);
	ck_assert_int_eq(fclose(f), 0);
	*out = NULL;
	err->msg[0] = '\0';
	pod_spec_parse("pod.json", BASE_DIR, json, len, out, err);
	return err->msg;
}

/* N_VOLUMES volumes and one container mounting each, in reverse; variant
 * 1 repeats a volume name at the end, variant 2 a mountPath. */
static void volumes_body(FILE *f, int variant)
{
	fputs("\"volumes\":[", f);
	for (int i = 0; i < N_VOLUMES; i++)
		fprintf(f, "{\"name\":\"v%d\",\"emptyDir\":{}},", i);
	fprintf(f, "{\"name\":\"%s\",\"emptyDir\":{}}],", variant == 1 ? "v7" : "last");
	fputs("\"containers\":[{\"name\":\"c\",\"image\":\"/r\",\"command\":[\"sh\"],"
	      "\"volumeMounts\":[", f);
	for (int i = 0; i < N_VOLUMES; i++)
		fprintf(f, "{\"name\":\"v%d\",\"mountPath\":\"/m%d\"},", N_VOLUMES - 1 - i, i);
	fprintf(f, "{\"name\":\"v0\",\"mountPath\":\"%s\"}]}]", variant == 2 ? "/m9" : "/end");
}

START_TEST(many_volumes_and_mounts)
{
	struct b_err err = { 0 };
	struct pod_spec *pod;
	const struct pod_container *c;

	ck_assert_str_eq(parse_big(volumes_body, 0, "", &pod, &err), "");
	c = &pod->containers[0];
	ck_assert_uint_eq(pod->n_volumes, N_VOLUMES + 1);
	ck_assert_uint_eq(c->n_mounts, N_VOLUMES + 1);
	for (size_t i = 0; i < N_VOLUMES; i++)
		ck_assert_ptr_eq(c->mounts[i].volume, &pod->volumes[N_VOLUMES - 1 - i]);
	ck_assert_ptr_eq(c->mounts[N_VOLUMES].volume, &pod->volumes[0]);
	pod_spec_free(pod);
	ck_assert_str_eq(parse_big(volumes_body, 1, "", &pod, &err),
			 expect("pod.json: spec.volumes[%d].name: \"v7\" is already used by "
				"spec.volumes[7]", N_VOLUMES));
	ck_assert_str_eq(parse_big(volumes_body, 2, "", &pod, &err),
			 expect(P "volumeMounts[%d].mountPath: \"/m9\" is already mounted by "
				"volumeMounts[9]", N_VOLUMES));
}
END_TEST

/* N_CONTAINERS init and as many regular containers; variant 1 repeats an
 * init container's name among the regular ones. */
static void containers_body(FILE *f, int variant)
{
	for (int list = 0; list < 2; list++) {
		fprintf(f, "%s\"%s\":[", list ? "," : "", list ? "containers" : "initContainers");
		for (int i = 0; i < N_CONTAINERS; i++)
			fprintf(f, "%s{\"name\":\"%c%d\",\"image\":\"/r\",\"command\":[\"sh\"]}",
				i ? "," : "", list ? 'c' : 'i', i);
		if (list && variant == 1)
			fputs(",{\"name\":\"i1234\",\"image\":\"/r\",\"command\":[\"sh\"]}", f);
		fputs("]", f);
	}
}

/* berth.dev/ annotations find the containers they name in either list. */
START_TEST(many_containers)
{
	struct b_err err = { 0 };
	struct pod_spec *pod;
	char ann[256];

	snprintf(ann, sizeof(ann),
		 "\"berth.dev/sd-notify.i0\":\"true\",\"berth.dev/sd-notify.c%d\":\"true\","
		 "\"berth.dev/oom-policy.i%d\":\"stop\",\"berth.dev/oom-policy.c0\":\"stop\"",
		 N_CONTAINERS - 1, N_CONTAINERS - 1);
	ck_assert_str_eq(parse_big(containers_body, 0, ann, &pod, &err), "");
	ck_assert_uint_eq(pod->n_init_containers + pod->n_containers, 2 * N_CONTAINERS);
	ck_assert(pod->init_containers[0].sd_notify);
	ck_assert(!pod->init_containers[1].sd_notify);
	ck_assert(pod->containers[N_CONTAINERS - 1].sd_notify);
	ck_assert_int_eq(pod->init_containers[N_CONTAINERS - 1].oom_policy, POD_OOM_STOP);
	ck_assert_int_eq(pod->containers[0].oom_policy, POD_OOM_STOP);
	ck_assert_int_eq(pod->containers[1].oom_policy, POD_OOM_RESTART);
	pod_spec_free(pod);
	ck_assert_str_eq(parse_big(containers_body, 1, "", &pod, &err),
			 expect("pod.json: spec.containers[%d].name: \"i1234\" is already used by "
				"spec.initContainers[1234]", N_CONTAINERS));
}
END_TEST

/* One container with N_PORTS named ports after two unnamed ones (which
 * repeat nothing); variant 1 repeats a name. */
static void ports_body(FILE *f, int variant)
{
	fputs("\"containers\":[{\"name\":\"c\",\"image\":\"/r\",\"command\":[\"sh\"],"
	      "\"ports\":[{\"containerPort\":1},{\"containerPort\":2}", f);
	for (int i = 0; variant >= 0 && i < N_PORTS; i++)
		fprintf(f, ",{\"containerPort\":%d,\"name\":\"p%d\"}", i % 65535 + 1, i);
	if (variant == 1)
		fputs(",{\"containerPort\":80,\"name\":\"p42\"}", f);
	fputs("]}]", f);
}

START_TEST(many_ports)
{
	struct b_err err = { 0 };
	struct pod_spec *pod;

	ck_assert_str_eq(parse_big(ports_body, 0, "", &pod, &err), "");
	ck_assert_uint_eq(pod->containers[0].n_ports, N_PORTS + 2);
	pod_spec_free(pod);
	ck_assert_str_eq(parse_big(ports_body, 1, "", &pod, &err),
			 expect(P "ports[%d].name: \"p42\" is already used by ports[44]", N_PORTS + 2));
}
END_TEST

/* One container with N_PORTS ports all published on host port 8080, each
 * on its own hostIP; variant 1 adds one on all addresses at the end. */
static void host_ports_body(FILE *f, int variant)
{
	fputs("\"containers\":[{\"name\":\"c\",\"image\":\"/r\",\"command\":[\"sh\"],"
	      "\"ports\":[", f);
	for (int i = 0; i < N_PORTS; i++)
		fprintf(f, "%s{\"containerPort\":%d,\"hostPort\":8080,\"hostIP\":\"10.%d.%d.%d\"}",
			i ? "," : "", i % 65535 + 1, i >> 16, (i >> 8) & 255, i & 255);
	if (variant == 1)
		fputs(",{\"containerPort\":80,\"hostPort\":8080}", f);
	fputs("]}]", f);
}

START_TEST(many_host_ports)
{
	struct b_err err = { 0 };
	struct pod_spec *pod;

	ck_assert_str_eq(parse_big(host_ports_body, 0, "", &pod, &err), "");
	ck_assert_uint_eq(pod->containers[0].n_ports, N_PORTS);
	pod_spec_free(pod);
	ck_assert_str_eq(parse_big(host_ports_body, 1, "", &pod, &err),
			 expect(P "ports[%d].hostPort: 8080/TCP of container \"c\" is already "
				"published by container \"c\" (spec.containers[0].ports[0])", N_PORTS));
}
END_TEST

/* N_SYSCTLS sysctls; variant 1 repeats one at the end. */
static void sysctls_body(FILE *f, int variant)
{
	fputs("\"securityContext\":{\"sysctls\":[", f);
	for (int i = 0; i < N_SYSCTLS; i++)
		fprintf(f, "{\"name\":\"net.core.k%d\",\"value\":\"1\"},", i);
	fprintf(f, "{\"name\":\"%s\",\"value\":\"2\"}]},", variant ? "net.core.k5" : "kernel.sem");
	fputs("\"containers\":[{\"name\":\"c\",\"image\":\"/r\",\"command\":[\"sh\"]}]", f);
}

START_TEST(many_sysctls)
{
	struct b_err err = { 0 };
	struct pod_spec *pod;

	ck_assert_str_eq(parse_big(sysctls_body, 0, "", &pod, &err), "");
	ck_assert_uint_eq(pod->sysctls.n, N_SYSCTLS + 1);
	ck_assert_str_eq(pod->sysctls.items[N_SYSCTLS].key, "kernel.sem");
	pod_spec_free(pod);
	ck_assert_str_eq(parse_big(sysctls_body, 1, "", &pod, &err),
			 expect("pod.json: spec.securityContext.sysctls[%d].name: \"net.core.k5\" is set "
				"twice", N_SYSCTLS));
}
END_TEST

/* Kubernetes' 256 KiB cap is over the map (a repeated key counts once,
 * with its last value), and refuses a map over it whatever its keys. */
START_TEST(annotations_cap)
{
	struct b_err err = { 0 };
	struct pod_spec *pod;
	_cleanup_free_ char *big = NULL, *dups = NULL, *bad = NULL, *exact = NULL, *over = NULL;
	char value[101];
	size_t len;
	FILE *f;

	memset(value, 'x', 100);
	value[100] = '\0';
	/* 2600 keys of 5 bytes with 100-byte values: 273,000 bytes. */
	f = open_memstream(&big, &len);
	for (int i = 0; i < 2600; i++)
		fprintf(f, "%s\"k%04d\":\"%s\"", i ? "," : "", i, value);
	fclose(f);
	ck_assert_str_eq(parse_big(ports_body, -1, big, &pod, &err),
			 "pod.json: metadata.annotations: larger than 256 KiB in total");
	ck_assert_int_ge(asprintf(&bad, "\"-bad-\":\"1\",%s", big), 0);
	ck_assert_str_eq(parse_big(ports_body, -1, bad, &pod, &err),
			 "pod.json: metadata.annotations: larger than 256 KiB in total");
	/* The same size in one key written 2600 times is 101 bytes. */
	f = open_memstream(&dups, &len);
	for (int i = 0; i < 2600; i++)
		fprintf(f, "%s\"k\":\"%.*s%04d\"", i ? "," : "", 96, value, i);
	fclose(f);
	ck_assert_str_eq(parse_big(ports_body, -1, dups, &pod, &err), "");
	ck_assert_uint_eq(pod->annotations.n, 1);
	ck_assert(b_startswith(pod->annotations.items[0].value + 96, "2599"));
	pod_spec_free(pod);
	/* 262,144 bytes exactly is allowed: 2 keys of 1 byte, 131,071-byte values. */
	ck_assert_int_ge(asprintf(&exact, "\"a\":\"%0131071d\",\"b\":\"%0131071d\"", 0, 0), 0);
	ck_assert_str_eq(parse_big(ports_body, -1, exact, &pod, &err), "");
	pod_spec_free(pod);
	/* One byte more: a key "c" with an empty value. */
	ck_assert_int_ge(asprintf(&over, "%s,\"c\":\"\"", exact), 0);
	ck_assert_str_eq(parse_big(ports_body, -1, over, &pod, &err),
			 "pod.json: metadata.annotations: larger than 256 KiB in total");
}
END_TEST

/* Strings must be shortest-form UTF-8 (yajl only checks the shape of a
 * sequence); and a quoted value is cut between characters, so that the
 * message can go into a JSON log line. */
START_TEST(err_utf8)
{
	char doc[2048], run[512] = "a", want[1024];
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;
	_cleanup_free_ char *json = NULL;

	check_err(POD("'volumes':[{'name':'v','hostPath':{'path':'/srv/\xc0\xaf'}}],"
		      "'containers':[{" CT0 "}]"),
		  "pod.json: spec.volumes[0].hostPath.path: not valid UTF-8");
	check_err(PODC("'env':[{'name':'A','value':'\xed\xa0\x80'}]"),
		  P "env[0].value: not valid UTF-8");
	check_err("{" HEAD ",'metadata':{'name':'p','labels':{'\xe0\x80\xaf':'x'}},"
		  "'spec':{'containers':[{" CT0 "}]}}",
		  "pod.json: metadata.labels[\"\\xe0\\x80\\xaf\"]: key is not valid UTF-8");
	for (int i = 0; i < 100; i++)
		strcat(run, "\xc3\xa9");
	/* The blank at the end, past what the message quotes, is the error. */
	snprintf(doc, sizeof(doc), POD("'containers':[{'name':'c','image':'%s x','command':['sh']}]"),
		 run);
	json = sq(doc);
	run[1 + 47 * 2] = '\0';
	snprintf(want, sizeof(want), P "image: \"%s...\" is not an image reference (it has "
		 "blanks or control characters)", run);
	ck_assert_int_eq(pod_spec_parse("pod.json", BASE_DIR, json, strlen(json), &pod, &err),
			 -EINVAL);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

/* Every error message is one line with the document name in front, and
 * nothing crashes, whatever the damage (run under ASan/UBSan too). */
static void check_damaged(const char *json, size_t len)
{
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;
	int r = pod_spec_parse("pod.json", BASE_DIR, json, len, &pod, &err);

	if (r == 0) {
		pod_spec_free(pod);
		return;
	}
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_ptr_null(pod);
	ck_assert_msg(!strchr(err.msg, '\n'), "multi-line: %s", err.msg);
	/* "pod.json: ..." or, from the YAML reader, "pod.json:LINE: ..." */
	ck_assert_msg(b_startswith(err.msg, "pod.json: ") ||
		      (b_startswith(err.msg, "pod.json:") && strspn(err.msg + 9, "0123456789") > 0),
		      "no prefix: %s", err.msg);
}

START_TEST(robust_prefixes_and_mutations)
{
	_cleanup_free_ char *json = sq(full_pod);
	size_t len = strlen(json);
	static const char subst[] = { '"', '1', '}', 'x', '-' };

	for (size_t n = 0; n < len; n++) {
		struct b_err err = { 0 };
		struct pod_spec *pod = NULL;

		ck_assert_int_eq(pod_spec_parse("pod.json", BASE_DIR, json, n, &pod, &err), -EINVAL);
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

/* ---- networking: hostPort, hostIP, hostAliases, DNS, berth.dev/network --- */

/* An init container and a regular one with the given ports. */
#define HP2(p1, p2) POD("'initContainers':[{'name':'init','image':'./r','command':['x'],"	\
	"'ports':[" p1 "]}],'containers':[{" CT0 ",'ports':[" p2 "]}]")
#define CONFLICT "pod.json: spec.containers[0].ports[0].hostPort: 8080/TCP of container \"c\" " \
	"is already published by container \"init\" (spec.initContainers[0].ports[0])"

START_TEST(host_ports)
{
	struct pod_spec *pod = parse_ok(PODC(
		"'ports':[{'containerPort':80,'hostPort':8080},"
		"{'containerPort':53,'protocol':'UDP','hostPort':5353,'hostIP':'127.0.0.1'},"
		"{'containerPort':443,'hostPort':8443,'hostIP':'fd00::1'},"
		"{'containerPort':9000,'hostPort':0,'hostIP':''},{'containerPort':9001}]"));
	const struct pod_port *p = pod->containers[0].ports;

	ck_assert_uint_eq(p[0].host_port, 8080);
	ck_assert_ptr_null(p[0].host_ip);
	ck_assert_uint_eq(p[1].host_port, 5353);
	ck_assert_str_eq(p[1].host_ip, "127.0.0.1");
	ck_assert_str_eq(p[2].host_ip, "fd00::1");
	ck_assert_uint_eq(p[3].host_port, 0);
	ck_assert_ptr_null(p[3].host_ip);
	ck_assert_uint_eq(p[4].host_port, 0);
	ck_assert_ptr_null(pod->network);
	ck_assert(!pod->no_network);
	pod_spec_free(pod);

	/* With hostNetwork: equal to containerPort. */
	pod = parse_ok(PODCS("'hostNetwork':true", "'ports':[{'containerPort':8080,'hostPort':8080}]"));
	ck_assert_uint_eq(pod->containers[0].ports[0].host_port, 8080);
	pod_spec_free(pod);

	/* No conflicts: another protocol, other addresses, another family. */
	pod_spec_free(parse_ok(HP2("{'containerPort':80,'hostPort':8080}",
				   "{'containerPort':80,'hostPort':8080,'protocol':'UDP'}")));
	pod_spec_free(parse_ok(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'}",
				   "{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.2'}")));
	pod_spec_free(parse_ok(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'0.0.0.0'}",
				   "{'containerPort':80,'hostPort':8080,'hostIP':'fd00::1'}")));
	pod_spec_free(parse_ok(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'::'}",
				   "{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'}")));
	pod_spec_free(parse_ok(HP2("{'containerPort':80,'hostPort':8080}",
				   "{'containerPort':8080,'hostPort':8081}")));
	/* berth.dev/network none without a hostPort. */
	pod = parse_ok(ANN("'berth.dev/network':'none'", "'ports':[{'containerPort':80}]"));
	ck_assert(pod->no_network);
	ck_assert_ptr_null(pod->network);
	pod_spec_free(pod);
}
END_TEST

START_TEST(err_host_ports)
{
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':65536}]"),
		  P "ports[0].hostPort: 65536 is out of range (0 to 65535)");
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':-1}]"),
		  P "ports[0].hostPort: -1 is out of range (0 to 65535)");
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0'}]"),
		  P "ports[0].hostIP: \"10.0.0\" is not a valid IP address (IPv4 or IPv6)");
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':8080,'hostIP':'fe80::1%eth0'}]"),
		  P "ports[0].hostIP: \"fe80::1%eth0\" is not a valid IP address (IPv4 or IPv6)");
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':8080,'hostIP':'localhost'}]"),
		  P "ports[0].hostIP: \"localhost\" is not a valid IP address (IPv4 or IPv6)");
	check_err(PODC("'ports':[{'containerPort':80,'hostIP':'10.0.0.1'}]"),
		  P "ports[0].hostIP: needs a hostPort (hostIP is the host address a hostPort is "
		  "published on)");
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':0,'hostIP':'10.0.0.1'}]"),
		  P "ports[0].hostIP: needs a hostPort (hostIP is the host address a hostPort is "
		  "published on)");
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':8080,'hostIP':1}]"),
		  P "ports[0].hostIP: expected a string, got a number");

	/* Conflicts, named by both containers. */
	check_err(HP2("{'containerPort':80,'hostPort':8080}", "{'containerPort':81,'hostPort':8080}"),
		  CONFLICT);
	check_err(HP2("{'containerPort':80,'hostPort':8080}",
		      "{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'}"), CONFLICT);
	check_err(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'}",
		      "{'containerPort':80,'hostPort':8080}"), CONFLICT);
	check_err(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'0.0.0.0'}",
		      "{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'}"), CONFLICT);
	check_err(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'}",
		      "{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'}"), CONFLICT);
	check_err(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'fd00::1'}",
		      "{'containerPort':80,'hostPort':8080,'hostIP':'::'}"), CONFLICT);
	check_err(HP2("{'containerPort':80,'hostPort':8080,'hostIP':'::1'}",
		      "{'containerPort':80,'hostPort':8080,'hostIP':'0:0::1'}"), CONFLICT);
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':8080,'protocol':'UDP'},"
		       "{'containerPort':81,'hostPort':8080,'protocol':'UDP'}]"),
		  P "ports[1].hostPort: 8080/UDP of container \"c\" is already published by "
		  "container \"c\" (spec.containers[0].ports[0])");
	/* The first port (in document order) that repeats an earlier one. */
	check_err(PODC("'ports':[{'containerPort':80,'hostPort':8080,'hostIP':'10.0.0.1'},"
		       "{'containerPort':81,'hostPort':9090},{'containerPort':82,'hostPort':9090},"
		       "{'containerPort':83,'hostPort':8080}]"),
		  P "ports[2].hostPort: 9090/TCP of container \"c\" is already published by "
		  "container \"c\" (spec.containers[0].ports[1])");
	check_err(POD("'containers':[{" CT0 ",'ports':[{'containerPort':1,'hostPort':7}]},"
		      "{'name':'d','image':'./r','command':['x'],'ports':[{'containerPort':2},"
		      "{'containerPort':3,'hostPort':7,'hostIP':'192.0.2.1'}]}]"),
		  "pod.json: spec.containers[1].ports[1].hostPort: 7/TCP of container \"d\" is already "
		  "published by container \"c\" (spec.containers[0].ports[0])");

	/* No pod network, nothing to publish on. */
	check_err(ANN("'berth.dev/network':'none'", "'ports':[{'containerPort':80,'hostPort':8080}]"),
		  P "ports[0].hostPort: a hostPort needs the pod network (berth.dev/network is "
		  "\"none\"); remove the annotation or the hostPort");
}
END_TEST

START_TEST(host_aliases)
{
	struct pod_spec *pod = parse_ok(POD(
		"'hostAliases':[{'ip':'10.0.0.1','hostnames':['foo.local','Bar_1']},"
		"{'ip':'fd00::1','hostnames':['db']}],'containers':[{" CT0 "}]"));

	ck_assert_uint_eq(pod->n_host_aliases, 2);
	ck_assert_str_eq(pod->host_aliases[0].ip, "10.0.0.1");
	ck_assert_str_eq(pod->host_aliases[0].hostnames[0], "foo.local");
	ck_assert_str_eq(pod->host_aliases[0].hostnames[1], "Bar_1");
	ck_assert_ptr_null(pod->host_aliases[0].hostnames[2]);
	ck_assert_str_eq(pod->host_aliases[1].ip, "fd00::1");
	pod_spec_free(pod);
	/* Allowed with hostNetwork too; absent or empty means none. */
	pod = parse_ok(POD("'hostNetwork':true,'hostAliases':[{'ip':'127.0.0.1','hostnames':['x']}],"
			   "'containers':[{" CT0 "}]"));
	ck_assert_uint_eq(pod->n_host_aliases, 1);
	pod_spec_free(pod);
	pod = parse_ok(POD("'hostAliases':[],'containers':[{" CT0 "}]"));
	ck_assert_uint_eq(pod->n_host_aliases, 0);
	pod_spec_free(pod);
}
END_TEST

START_TEST(err_host_aliases)
{
#define HA(a) POD("'hostAliases':[" a "],'containers':[{" CT0 "}]")
	check_err(HA("{'hostnames':['x']}"), "pod.json: spec.hostAliases[0].ip: required field is missing");
	check_err(HA("{'ip':'10.0.0.256','hostnames':['x']}"),
		  "pod.json: spec.hostAliases[0].ip: \"10.0.0.256\" is not a valid IP address (IPv4 or IPv6)");
	check_err(HA("{'ip':'','hostnames':['x']}"),
		  "pod.json: spec.hostAliases[0].ip: \"\" is not a valid IP address (IPv4 or IPv6)");
	check_err(HA("{'ip':'10.0.0.1'}"), "pod.json: spec.hostAliases[0].hostnames: required field is missing");
	check_err(HA("{'ip':'10.0.0.1','hostnames':[]}"),
		  "pod.json: spec.hostAliases[0].hostnames: must have at least one hostname");
	check_err(HA("{'ip':'10.0.0.1','hostnames':['a']},{'ip':'10.0.0.2','hostnames':['ok','a b']}"),
		  "pod.json: spec.hostAliases[1].hostnames[1]: \"a b\" is not a valid hostname "
		  "(non-empty, without blanks, control characters or '#')");
	check_err(HA("{'ip':'10.0.0.1','hostnames':['']}"),
		  "pod.json: spec.hostAliases[0].hostnames[0]: \"\" is not a valid hostname "
		  "(non-empty, without blanks, control characters or '#')");
	check_err(HA("{'ip':'10.0.0.1','hostnames':['a#b']}"),
		  "pod.json: spec.hostAliases[0].hostnames[0]: \"a#b\" is not a valid hostname "
		  "(non-empty, without blanks, control characters or '#')");
	check_err(HA("{'ip':'10.0.0.1','hostnames':['a\\nb']}"),
		  "pod.json: spec.hostAliases[0].hostnames[0]: \"a\\nb\" is not a valid hostname "
		  "(non-empty, without blanks, control characters or '#')");
	check_err(HA("{'ip':'10.0.0.1','hostname':['a']}"),
		  "pod.json: spec.hostAliases[0].hostname: unknown field (did you mean hostnames?)");
	check_err(POD("'hostAliases':{},'containers':[{" CT0 "}]"),
		  "pod.json: spec.hostAliases: expected an array, got an object");
#undef HA
}
END_TEST

START_TEST(dns)
{
	static const char *const names[] = { "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None" };
	struct pod_spec *pod = parse_ok(MINIMAL);
	char buf[256];

	ck_assert_int_eq(pod->dns_policy, POD_DNS_CLUSTER_FIRST);
	ck_assert(!pod->has_dns_config);
	ck_assert_ptr_nonnull(pod->dns_config.nameservers);
	ck_assert_ptr_null(pod->dns_config.nameservers[0]);
	ck_assert_ptr_nonnull(pod->dns_config.searches);
	ck_assert_ptr_null(pod->dns_config.searches[0]);
	ck_assert_uint_eq(pod->dns_config.n_options, 0);
	pod_spec_free(pod);

	for (int i = 0; i < 4; i++) {
		snprintf(buf, sizeof(buf), POD("'dnsPolicy':'%s','dnsConfig':{'nameservers':['1.1.1.1']},"
					       "'containers':[{" CT0 "}]"), names[i]);
		pod = parse_ok(buf);
		ck_assert_int_eq(pod->dns_policy, i);
		ck_assert_str_eq(pod_dns_policy_name(pod->dns_policy), names[i]);
		pod_spec_free(pod);
	}

	pod = parse_ok(POD("'dnsPolicy':'None','dnsConfig':{'nameservers':['192.0.2.1','2001:db8::1'],"
			   "'searches':['ns1.svc.cluster.local','my.dns.search.suffix.'],"
			   "'options':[{'name':'ndots','value':'2'},{'name':'edns0'}]},"
			   "'containers':[{" CT0 "}]"));
	ck_assert(pod->has_dns_config);
	ck_assert_str_eq(pod->dns_config.nameservers[1], "2001:db8::1");
	ck_assert_ptr_null(pod->dns_config.nameservers[2]);
	ck_assert_str_eq(pod->dns_config.searches[1], "my.dns.search.suffix.");
	ck_assert_uint_eq(pod->dns_config.n_options, 2);
	ck_assert_str_eq(pod->dns_config.options[0].name, "ndots");
	ck_assert_str_eq(pod->dns_config.options[0].value, "2");
	ck_assert_str_eq(pod->dns_config.options[1].name, "edns0");
	ck_assert_ptr_null(pod->dns_config.options[1].value);
	pod_spec_free(pod);

	/* {} is present and empty. */
	pod = parse_ok(POD("'dnsConfig':{},'containers':[{" CT0 "}]"));
	ck_assert(pod->has_dns_config);
	ck_assert_ptr_null(pod->dns_config.nameservers[0]);
	pod_spec_free(pod);
}
END_TEST

/* n search entries of `len` characters each. */
static char *searches_pod(int n, int len)
{
	char *s = NULL;
	size_t size;
	FILE *f = open_memstream(&s, &size);

	ck_assert_ptr_nonnull(f);
	fputs("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{"
	      "\"containers\":[{\"name\":\"c\",\"image\":\"./r\",\"command\":[\"x\"]}],"
	      "\"dnsConfig\":{\"searches\":[", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s\"%0*d\"", i ? "," : "", len, i);
	fputs("]}}}", f);
	ck_assert_int_eq(fclose(f), 0);
	return s;
}

static void check_searches(int n, int len, const char *want)
{
	_cleanup_free_ char *json = searches_pod(n, len);
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;
	int r = pod_spec_parse("pod.json", BASE_DIR, json, strlen(json), &pod, &err);

	if (!want) {
		ck_assert_msg(r == 0, "%s", err.msg);
		pod_spec_free(pod);
		return;
	}
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_str_eq(err.msg, want);
}

START_TEST(err_dns)
{
#define DC(d) POD("'dnsConfig':{" d "},'containers':[{" CT0 "}]")
	char want[256], big[300];

	check_err(POD("'dnsPolicy':'clusterFirst','containers':[{" CT0 "}]"),
		  "pod.json: spec.dnsPolicy: unknown DNS policy \"clusterFirst\" (expected ClusterFirst, "
		  "ClusterFirstWithHostNet, Default or None)");
	check_err(POD("'dnsPolicy':'None','containers':[{" CT0 "}]"),
		  "pod.json: spec.dnsConfig: required when dnsPolicy is None (give at least one nameserver)");
	check_err(POD("'dnsPolicy':'None','dnsConfig':{'searches':['a']},'containers':[{" CT0 "}]"),
		  "pod.json: spec.dnsConfig.nameservers: must have at least one nameserver when dnsPolicy is None");
	check_err(DC("'nameservers':['1.1.1.1','1.0.0.1','8.8.8.8','8.8.4.4']"),
		  "pod.json: spec.dnsConfig.nameservers: must not have more than 3 nameservers (has 4)");
	check_err(DC("'nameservers':['1.1.1.1','dns.example']"),
		  "pod.json: spec.dnsConfig.nameservers[1]: \"dns.example\" is not a valid IP address (IPv4 or IPv6)");
	check_err(DC("'nameserver':['1.1.1.1']"),
		  "pod.json: spec.dnsConfig.nameserver: unknown field (did you mean nameservers?)");
	check_err(DC("'searches':['a b']"),
		  "pod.json: spec.dnsConfig.searches[0]: \"a b\" is not a valid search domain "
		  "(non-empty, without blanks, control characters or '#')");
	check_err(DC("'searches':['']"),
		  "pod.json: spec.dnsConfig.searches[0]: \"\" is not a valid search domain "
		  "(non-empty, without blanks, control characters or '#')");
	check_err(DC("'options':[{'value':'1'}]"),
		  "pod.json: spec.dnsConfig.options[0].name: required field is missing");
	check_err(DC("'options':[{'name':''}]"),
		  "pod.json: spec.dnsConfig.options[0].name: \"\" is not a valid option name "
		  "(non-empty, without blanks, control characters or '#')");
	check_err(DC("'options':[{'name':'ndots','value':'1 2'}]"),
		  "pod.json: spec.dnsConfig.options[0].value: \"1 2\" is not a valid option value "
		  "(without blanks, control characters or '#')");
	check_err(DC("'options':[{'name':'ndots','vaule':'1'}]"),
		  "pod.json: spec.dnsConfig.options[0].vaule: unknown field (did you mean value?)");

	/* Kubernetes' limits: 32 entries, 253 characters each, 2048 in all. */
	check_searches(32, 10, NULL);
	check_searches(33, 10, "pod.json: spec.dnsConfig.searches: must not have more than 32 "
		       "search domains (has 33)");
	check_searches(1, 253, NULL);
	snprintf(big, sizeof(big), "%0254d", 0);
	snprintf(want, sizeof(want), "pod.json: spec.dnsConfig.searches[0]: \"%.96s...\" is longer "
		 "than 253 characters", big);
	check_searches(1, 254, want);
	check_searches(8, 253, NULL);   /* 2031 */
	check_searches(9, 226, NULL);   /* 2042 */
	check_searches(9, 227, "pod.json: spec.dnsConfig.searches: must not have more than 2048 "
		       "characters in total (counting a space between entries; has 2051)");
#undef DC
}
END_TEST

START_TEST(network_annotation)
{
	static const char max[] = "n23456789012345678901234567890123456789012345678901234567890123456789"
				  "01234567890123456789012345678901234567890123456789012345678";
	char buf[512];
	struct pod_spec *pod = parse_ok(ANN("'berth.dev/network':'my-net_1.x'", "'name':'c'"));

	ck_assert_str_eq(pod->network, "my-net_1.x");
	ck_assert(!pod->no_network);
	pod_spec_free(pod);
	ck_assert_uint_eq(strlen(max), 128);
	snprintf(buf, sizeof(buf), ANN("'berth.dev/network':'%s'", "'name':'c'"), max);
	pod = parse_ok(buf);
	ck_assert_str_eq(pod->network, max);
	pod_spec_free(pod);
	pod = parse_ok(ANN("'berth.dev/network':'None'", "'name':'c'"));   /* a network's name */
	ck_assert_str_eq(pod->network, "None");
	pod_spec_free(pod);
}
END_TEST

START_TEST(err_network_annotation)
{
#define NET_ERR "pod.json: metadata.annotations[\"berth.dev/network\"]: "
#define NET_RULE " is not a network (expected none or a CNI network name: a letter or digit, " \
	"then letters, digits, '_', '.' or '-', at most 128 characters)"
	char buf[512];

	check_err(ANN("'berth.dev/network':'-net'", "'name':'c'"), NET_ERR "\"-net\"" NET_RULE);
	check_err(ANN("'berth.dev/network':'a b'", "'name':'c'"), NET_ERR "\"a b\"" NET_RULE);
	check_err(ANN("'berth.dev/network':''", "'name':'c'"), NET_ERR "\"\"" NET_RULE);
	check_err(ANN("'berth.dev/network':'a/b'", "'name':'c'"), NET_ERR "\"a/b\"" NET_RULE);
	snprintf(buf, sizeof(buf), ANN("'berth.dev/network':'%0129d'", "'name':'c'"), 0);
	ck_assert_ptr_nonnull(strstr(buf, "00000"));
	{
		struct b_err err = { 0 };
		struct pod_spec *pod = NULL;
		_cleanup_free_ char *json = sq(buf);

		ck_assert_int_eq(pod_spec_parse("pod.json", BASE_DIR, json, strlen(json), &pod, &err),
				 -EINVAL);
		ck_assert_msg(strstr(err.msg, NET_RULE) != NULL, "%s", err.msg);
	}
	check_err("{" HEAD ",'metadata':{'name':'p','annotations':{'berth.dev/network':'none'}},"
		  "'spec':{'hostNetwork':true,'containers':[{" CT0 "}]}}",
		  NET_ERR "has no effect with hostNetwork (the pod uses the host's network); remove it");
	check_err("{" HEAD ",'metadata':{'name':'p','annotations':{'berth.dev/network':'net1'}},"
		  "'spec':{'hostNetwork':true,'containers':[{" CT0 "}]}}",
		  NET_ERR "has no effect with hostNetwork (the pod uses the host's network); remove it");
#undef NET_ERR
#undef NET_RULE
}
END_TEST

/* ---- the bad-pods corpus and the examples -------------------------------- */

static int parse_pod(const char *name, const char *json, size_t len, struct b_err *err)
{
	struct pod_spec *pod = NULL;
	int r = pod_spec_parse(name, BASE_DIR, json, len, &pod, err);

	ck_assert(r < 0 ? pod == NULL : pod != NULL);
	pod_spec_free(pod);
	return r;
}

static void check_bad_pod(const char *dir, const char *json_file)
{
	corpus_check_bad(dir, json_file, "pod.json", parse_pod);
}

START_TEST(bad_pods_corpus)
{
	ck_assert_int_ge(corpus_for_each_json(BAD_PODS_DIR, check_bad_pod), 20);
}
END_TEST

static void check_example(const char *dir, const char *file)
{
	_cleanup_free_ char *path = NULL;
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;

	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, file), 0);
	ck_assert_msg(pod_spec_load(path, &pod, &err) == 0, "%s", err.msg);
	pod_spec_free(pod);
}

START_TEST(examples_parse)
{
	ck_assert_int_ge(corpus_for_each_json(EXAMPLE_PODS_DIR, check_example), 2);
}
END_TEST

START_TEST(example_web)
{
	struct b_err err = { 0 };
	struct pod_spec *pod = NULL;
	const struct pod_container *content, *httpd, *hog;

	ck_assert_msg(pod_spec_load(EXAMPLE_PODS_DIR "/web.json", &pod, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(pod->base_dir, EXAMPLE_PODS_DIR);
	content = ct_named(pod, "content");
	httpd = ct_named(pod, "httpd");
	hog = ct_named(pod, "hog");
	ck_assert(content->init && content->sidecar);
	/* an image reference (examples/make-image.py builds it offline) */
	ck_assert_ptr_null(httpd->rootfs);
	ck_assert_str_eq(httpd->image, "localhost/berth-example/busybox:1");
	ck_assert_int_eq(httpd->pull_policy, POD_PULL_DEFAULT);
	ck_assert_ptr_eq(content->mounts[0].volume, httpd->mounts[0].volume);
	ck_assert_int_eq(content->mounts[0].volume->kind, POD_VOLUME_EMPTY_DIR);
	ck_assert(httpd->mounts[0].read_only);
	ck_assert_int_eq(httpd->readiness->handler.kind, POD_HANDLER_HTTP_GET);
	ck_assert_uint_eq(httpd->readiness->handler.port, 8080);
	ck_assert_int_eq(httpd->resources.cpu_request.value, 100);
	ck_assert_int_eq(httpd->resources.memory_limit.value, 64 << 20);
	ck_assert_uint_eq(pod_cpu_quota(httpd->resources.cpu_limit.value), 50000);
	ck_assert_uint_eq(pod_cpu_shares(httpd->resources.cpu_request.value), 102);
	ck_assert_int_eq(httpd->security.seccomp.type, POD_SECCOMP_RUNTIME_DEFAULT);
	ck_assert(pod_container_no_new_privs(httpd));
	ck_assert_uint_eq(pod_container_capabilities(httpd), 0);
	ck_assert_int_eq(hog->oom_policy, POD_OOM_RESTART);
	ck_assert_int_eq(pod_memory_limit(hog), 32 << 20);
	ck_assert_int_eq(pod->backoff.initial_ms, 1000);
	pod_spec_free(pod);
}
END_TEST

/* ---- the RuntimeDefault seccomp profile ---------------------------------- */

/* The action a profile gives a syscall called with all-zero arguments
 * (enough here: rules with arguments are checked one by one below). */
static const struct oci_seccomp_syscall *rule_for(const struct oci_seccomp *s,
						  const char *name, bool with_args)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if ((s->syscalls[i].n_args > 0) == with_args &&
		    b_strv_contains(s->syscalls[i].names, name))
			return &s->syscalls[i];
	return NULL;
}

START_TEST(seccomp_default_profile)
{
	static const char *const busybox_sh[] = {
		"execve", "brk", "mmap", "munmap", "mprotect", "arch_prctl", "set_tid_address",
		"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "getpid", "getppid", "getuid",
		"geteuid", "getgid", "getegid", "uname", "fork", "vfork", "wait4", "exit_group",
		"exit", "openat", "open", "read", "write", "writev", "close", "fstat", "newfstatat",
		"stat", "lstat", "ioctl", "getcwd", "chdir", "dup2", "dup3", "fcntl", "pipe", "pipe2",
		"poll", "nanosleep", "clock_nanosleep", "clock_gettime", "kill", "setpgid",
		"getpgrp", "lseek", "readlink", "access", "faccessat", "prctl", "futex", "chroot",
		"set_robust_list", "rseq", "prlimit64", "getrandom", "sysinfo",
	};
	struct b_arena a = { 0 };
	struct b_err err = { 0 };
	struct oci_seccomp *s = NULL;
	const char *json = berth_default_seccomp_json();
	const struct oci_seccomp_syscall *sc;
	int personas = 0;

	ck_assert_ptr_nonnull(json);
	ck_assert_int_gt(strlen(json), 1000);
	ck_assert_int_eq(oci_seccomp_parse("RuntimeDefault", json, strlen(json), &a, &s, &err), 0);
	ck_assert_int_eq(s->default_action, OCI_SCMP_ACT_ERRNO);
	ck_assert(s->has_default_errno_ret);
	ck_assert_uint_eq(s->default_errno_ret, 1);
	ck_assert(b_strv_contains(s->architectures, "SCMP_ARCH_X86_64"));
	ck_assert(b_strv_contains(s->architectures, "SCMP_ARCH_X86"));
	ck_assert(b_strv_contains(s->architectures, "SCMP_ARCH_X32"));
	ck_assert(b_strv_contains(s->architectures, "SCMP_ARCH_AARCH64"));
	ck_assert(b_strv_contains(s->architectures, "SCMP_ARCH_ARM"));

	for (size_t i = 0; i < B_ARRAY_SIZE(busybox_sh); i++) {
		sc = rule_for(s, busybox_sh[i], false);
		ck_assert_msg(sc && sc->action == OCI_SCMP_ACT_ALLOW, "%s is not allowed", busybox_sh[i]);
	}
	/* Denied by the default action: nothing lists them. */
	for (const char *const *n = (const char *const[]){ "mount", "umount2", "unshare", "setns",
		     "reboot", "kexec_load", "init_module", "bpf", "keyctl", "add_key",
		     "open_by_handle_at", "pivot_root", "swapon", "acct", "kcmp",
		     "io_uring_setup", "io_uring_enter", "io_uring_register", NULL }; *n; n++) {
		ck_assert_msg(!rule_for(s, *n, false) && !rule_for(s, *n, true), "%s is listed", *n);
	}

	/* clone: allowed unless arg0 has a CLONE_NEW* flag. */
	sc = rule_for(s, "clone", true);
	ck_assert_ptr_nonnull(sc);
	ck_assert_ptr_null(rule_for(s, "clone", false));
	ck_assert_int_eq(sc->action, OCI_SCMP_ACT_ALLOW);
	ck_assert_uint_eq(sc->n_args, 1);
	ck_assert_uint_eq(sc->args[0].index, 0);
	ck_assert_int_eq(sc->args[0].op, OCI_SCMP_MASKED_EQ);
	ck_assert_uint_eq(sc->args[0].value, 0x7E020000);
	ck_assert_uint_eq(sc->args[0].value_two, 0);

	/* clone3: ENOSYS, so glibc falls back to clone. */
	sc = rule_for(s, "clone3", false);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(sc->action, OCI_SCMP_ACT_ERRNO);
	ck_assert(sc->has_errno_ret);
	ck_assert_uint_eq(sc->errno_ret, 38);

	/* socket: anything but AF_VSOCK. */
	sc = rule_for(s, "socket", true);
	ck_assert_ptr_nonnull(sc);
	ck_assert_ptr_null(rule_for(s, "socket", false));
	ck_assert_int_eq(sc->args[0].op, OCI_SCMP_NE);
	ck_assert_uint_eq(sc->args[0].value, 40);

	/* personality: five exact values, one rule each (rules are ORed). */
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *p = &s->syscalls[i];
		static const uint64_t ok[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

		if (!b_strv_contains(p->names, "personality"))
			continue;
		ck_assert_uint_eq(p->n_args, 1);
		ck_assert_int_eq(p->args[0].op, OCI_SCMP_EQ);
		ck_assert_uint_eq(p->args[0].value, ok[personas]);
		personas++;
	}
	ck_assert_int_eq(personas, 5);
	b_arena_release(&a);
}
END_TEST

START_TEST(seccomp_parse_errors)
{
	struct b_arena a = { 0 };
	struct b_err err = { 0 };
	struct oci_seccomp *s = NULL;
	_cleanup_free_ char *j1 = sq("{'defaultAction':'SCMP_ACT_NOPE'}");
	_cleanup_free_ char *j2 = sq("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],'action':'SCMP_ACT_ERRNO'}]}");

	ck_assert_int_eq(oci_seccomp_parse("p.json", j1, strlen(j1), &a, &s, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "p.json: defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\"");
	ck_assert_int_eq(oci_seccomp_parse("p.json", j2, strlen(j2), &a, &s, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "p.json: syscalls[0].names: expected at least one element, got an empty array");
	ck_assert_int_eq(oci_seccomp_parse("p.json", "[]", 2, &a, &s, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "p.json: expected a JSON object, got an array");
	ck_assert_int_eq(oci_seccomp_parse("p.json", "{", 1, &a, &s, &err), -EINVAL);
	ck_assert(b_startswith(err.msg, "p.json: invalid JSON: "));
	ck_assert_ptr_null(s);
	b_arena_release(&a);
}
END_TEST

static Suite *pod_suite(void)
{
	Suite *s = suite_create("pod_spec");
	TCase *tc = tcase_create("parse");
	TCase *te = tcase_create("errors");
	TCase *td = tcase_create("data");
	TCase *tr = tcase_create("robustness");
	TCase *tl = tcase_create("scale");

	tcase_add_test(tc, full_pod_metadata_and_spec);
	tcase_add_test(tc, full_pod_init_containers);
	tcase_add_test(tc, full_pod_app_container);
	tcase_add_test(tc, full_pod_probes);
	tcase_add_test(tc, full_pod_privileged_container);
	tcase_add_test(tc, minimal_defaults);
	tcase_add_test(tc, probe_defaults);
	tcase_add_test(tc, requests_default_to_limits);
	tcase_add_test(tc, security_inheritance);
	tcase_add_test(tc, capabilities);
	tcase_add_test(tc, image_paths);
	tcase_add_test(tc, image_references);
	tcase_add_test(tc, image_reference_process);
	tcase_add_test(tc, image_reference_non_root);
	tcase_add_test(tc, base_dir_default_is_cwd);
	tcase_add_test(tc, load_from_file);
	tcase_add_test(tc, relative_load_path);
	tcase_add_test(tc, tolerated_fields);
	tcase_add_test(tc, host_namespaces);
	tcase_add_test(tc, berth_annotations);
	tcase_add_test(tc, mapping_helpers);
	suite_add_tcase(s, tc);

	tcase_add_test(te, err_document);
	tcase_add_test(te, err_unknown_fields);
	tcase_add_test(te, err_unsupported_fields);
	tcase_add_test(te, err_types);
	tcase_add_test(te, err_names);
	tcase_add_test(te, err_image);
	tcase_add_test(te, err_process);
	tcase_add_test(te, err_ports);
	tcase_add_test(te, err_resources);
	tcase_add_test(te, err_security);
	tcase_add_test(te, err_sysctls);
	tcase_add_test(te, err_volumes);
	tcase_add_test(te, err_probes);
	tcase_add_test(te, err_restart_policies);
	tcase_add_test(te, err_annotations);
	tcase_add_test(te, pressure_annotations);
	tcase_add_test(te, err_utf8);
	tcase_add_test(te, host_ports);
	tcase_add_test(te, err_host_ports);
	tcase_add_test(te, host_aliases);
	tcase_add_test(te, err_host_aliases);
	tcase_add_test(te, dns);
	tcase_add_test(te, err_dns);
	tcase_add_test(te, network_annotation);
	tcase_add_test(te, err_network_annotation);
	suite_add_tcase(s, te);

	tcase_add_test(td, bad_pods_corpus);
	tcase_add_test(td, examples_parse);
	tcase_add_test(td, example_web);
	tcase_add_test(td, seccomp_default_profile);
	tcase_add_test(td, seccomp_parse_errors);
	suite_add_tcase(s, td);

	/* Fast once linear; quadratic code hits the timeout instead. */
	tcase_set_timeout(tl, 10);
	tcase_add_test(tl, many_volumes_and_mounts);
	tcase_add_test(tl, many_containers);
	tcase_add_test(tl, many_ports);
	tcase_add_test(tl, many_host_ports);
	tcase_add_test(tl, many_sysctls);
	tcase_add_test(tl, annotations_cap);
	suite_add_tcase(s, tl);

	/* Tens of thousands of parses: slow under the sanitizers. */
	tcase_set_timeout(tr, 300);
	tcase_add_test(tr, robust_prefixes_and_mutations);
	suite_add_tcase(s, tr);
	return s;
}

TEST_MAIN(pod_suite)
