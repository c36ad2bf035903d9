/* spec.volumes and containers[].volumeMounts.  berth has the two volume
 * sources that need nothing but the host: hostPath and emptyDir. */
#include <string.h>

#include "common/cleanup.h"
#include "pod_parse_internal.h"

static const char *const volume_known[] = { "name", "hostPath", "emptyDir", NULL };
static const char *const volume_unsupported[] = {
	"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder",
	"configMap", "csi", "downwardAPI", "ephemeral", "fc", "flexVolume",
	"flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "image", "iscsi",
	"nfs", "persistentVolumeClaim", "photonPersistentDisk", "portworxVolume",
	"projected", "quobyte", "rbd", "scaleIO", "secret", "storageos",
	"vsphereVolume", NULL,
};
static const struct pod_fields volume_fields = { volume_known, volume_unsupported, NULL };

static const char *const host_path_known[] = { "path", "type", NULL };
static const struct pod_fields host_path_fields = { host_path_known, NULL, NULL };

static const char *const empty_dir_known[] = { "medium", "sizeLimit", NULL };
static const struct pod_fields empty_dir_fields = { empty_dir_known, NULL, NULL };

static const char *const mount_known[] = {
	"name", "mountPath", "readOnly", "subPath", NULL,
};
static const char *const mount_unsupported[] = {
	"mountPropagation", "subPathExpr", "recursiveReadOnly", NULL,
};
static const struct pod_fields mount_fields = { mount_known, mount_unsupported, NULL };

/* Plus "" (the default): no check before mounting. */
static const struct oj_name host_path_types[] = {
	{ "DirectoryOrCreate", POD_HOST_PATH_DIRECTORY_OR_CREATE },
	{ "Directory", POD_HOST_PATH_DIRECTORY },
	{ "FileOrCreate", POD_HOST_PATH_FILE_OR_CREATE },
	{ "File", POD_HOST_PATH_FILE },
	{ "Socket", POD_HOST_PATH_SOCKET },
	{ "CharDevice", POD_HOST_PATH_CHAR_DEVICE },
	{ "BlockDevice", POD_HOST_PATH_BLOCK_DEVICE },
};

/* ---- volumes --------------------------------------------------------- */

static int parse_host_path(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_volume *vol = item;
	long type = POD_HOST_PATH_UNSET;
	char *t = NULL;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &host_path_fields)) < 0 ||
	    (r = pod_abspath(c, v, "path", true, &vol->host_path)) < 0 ||
	    (r = oj_str(c, v, "type", false, &t)) < 0)
		return r;
	if (t && t[0]) {
		mark = oj_push_key(c, "type");
		r = oj_v_enum(c, t, host_path_types, B_ARRAY_SIZE(host_path_types),
			      "hostPath type", true, &type);
		if (r < 0)
			return r;
		oj_pop(c, mark);
	}
	vol->kind = POD_VOLUME_HOST_PATH;
	vol->host_path_type = (enum pod_host_path_type)type;
	return 0;
}

static int parse_empty_dir(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_volume *vol = item;
	char *medium = NULL;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &empty_dir_fields)) < 0 ||
	    (r = oj_str(c, v, "medium", false, &medium)) < 0 ||
	    (r = pod_quantity(c, v, "sizeLimit", QUANTITY_MEMORY, &vol->size_limit)) < 0)
		return r;
	vol->kind = POD_VOLUME_EMPTY_DIR;
	if (!medium || !medium[0])
		return 0;
	mark = oj_push_key(c, "medium");
	if (!strncmp(medium, "HugePages", 9))
		return oj_fail(c, "\"%s\" is not supported by berth (expected \"\" or Memory)",
			       oj_quote(c, medium));
	if (strcmp(medium, "Memory"))
		return oj_fail(c, "unknown medium \"%s\" (expected \"\" or Memory)",
			       oj_quote(c, medium));
	vol->memory = true;
	oj_pop(c, mark);
	return 0;
}

static int parse_volume(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_volume *vol = item;
	int r, n = 0;

	if ((r = pod_v_object(c, v, &volume_fields)) < 0 ||
	    (r = pod_dns_label(c, v, "name", true, &vol->name)) < 0)
		return r;
	r = pod_member(c, v, "hostPath", false, parse_host_path, vol, NULL);
	if (r < 0)
		return r;
	n += r;
	r = pod_member(c, v, "emptyDir", false, parse_empty_dir, vol, NULL);
	if (r < 0)
		return r;
	n += r;
	if (n == 0)
		return oj_fail(c, "no volume source (berth supports hostPath and emptyDir)");
	if (n > 1)
		return oj_fail(c, "more than one volume source (hostPath and emptyDir)");
	return 0;
}

int pod_parse_volumes(struct oj *c, yajl_val spec, struct pod_spec *pod)
{
	_cleanup_strindex_ struct b_strindex names = { 0 };
	size_t j;
	int r = oj_array(c, spec, "volumes", false, sizeof(struct pod_volume),
			 (void **)&pod->volumes, &pod->n_volumes, parse_volume, pod);

	if (r < 0)
		return r;
	if (B_STRINDEX_ITEMS(&names, pod->volumes, pod->n_volumes, name) < 0)
		return oj_oom(c);
	j = b_strindex_first_dup(&names);
	if (j == B_STRINDEX_NONE)
		return 0;
	oj_push_key(c, "volumes");
	oj_push_index(c, j);
	oj_push_key(c, "name");
	return oj_fail(c, "\"%s\" is already used by spec.volumes[%zu]",
		       oj_quote(c, pod->volumes[j].name), names.first[j]);
}

/* ---- volumeMounts ---------------------------------------------------- */

struct mounts_ctx {
	struct pod_spec *pod;
	const struct b_strindex *volumes;
};

static struct pod_volume *find_volume(const struct mounts_ctx *mc, const char *name)
{
	size_t i = b_strindex_find(mc->volumes, name);

	return i == B_STRINDEX_NONE ? NULL : &mc->pod->volumes[i];
}

/* /proc and /sys are the kernel's view, which the runtime itself relies on
 * (cap_last_cap, masked paths): a volume over them could fake it
 * (CVE-2019-19921).  Checked here for a clear message; the runtime refuses
 * such a mount again after resolving symlinks. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (path[0] == '/' && path[1] == '/')
		path++;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static int check_mount_path(struct oj *c, const char *path)
{
	if (!under(path, "/proc") && !under(path, "/sys"))
		return 0;
	oj_push_key(c, "mountPath");
	return oj_fail(c, "\"%s\" is on or under %s: volumes cannot cover the kernel's /proc or /sys",
		       oj_quote(c, path), under(path, "/proc") ? "/proc" : "/sys");
}

static int parse_mount(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_volume_mount *m = item;
	const struct mounts_ctx *mc = ud;
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &mount_fields)) < 0 ||
	    (r = oj_str(c, v, "name", true, &m->name)) < 0 ||
	    (r = pod_abspath(c, v, "mountPath", true, &m->mount_path)) < 0 ||
	    (r = oj_bool(c, v, "readOnly", &m->read_only)) < 0 ||
	    (r = oj_str(c, v, "subPath", false, &m->sub_path)) < 0)
		return r;
	if ((r = check_mount_path(c, m->mount_path)) < 0)
		return r;
	mark = oj_push_key(c, "name");
	m->volume = find_volume(mc, m->name);
	if (!m->volume)
		return oj_fail(c, "no volume named \"%s\" in spec.volumes", oj_quote(c, m->name));
	oj_pop(c, mark);
	if (m->sub_path && !m->sub_path[0])
		m->sub_path = NULL;       /* "" is Kubernetes' "the volume root" */
	mark = oj_push_key(c, "subPath");
	if (m->sub_path && (m->sub_path[0] == '/' || pod_path_has_dotdot(m->sub_path)))
		return oj_fail(c, "\"%s\" must be a relative path without '..'",
			       oj_quote(c, m->sub_path));
	oj_pop(c, mark);
	return 0;
}

int pod_parse_volume_mounts(struct oj *c, yajl_val cont, struct pod_spec *pod,
			    const struct b_strindex *volumes, struct pod_container *ct)
{
	_cleanup_strindex_ struct b_strindex paths = { 0 };
	struct mounts_ctx mc = { pod, volumes };
	size_t j;
	int r = oj_array(c, cont, "volumeMounts", false, sizeof(struct pod_volume_mount),
			 (void **)&ct->mounts, &ct->n_mounts, parse_mount, &mc);

	if (r < 0)
		return r;
	if (B_STRINDEX_ITEMS(&paths, ct->mounts, ct->n_mounts, mount_path) < 0)
		return oj_oom(c);
	j = b_strindex_first_dup(&paths);
	if (j == B_STRINDEX_NONE)
		return 0;
	oj_push_key(c, "volumeMounts");
	oj_push_index(c, j);
	oj_push_key(c, "mountPath");
	return oj_fail(c, "\"%s\" is already mounted by volumeMounts[%zu]",
		       oj_quote(c, ct->mounts[j].mount_path), paths.first[j]);
}
