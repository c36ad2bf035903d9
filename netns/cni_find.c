/* Which network a pod joins: a config file from the CNI config directory
 * (so a conflist written for a cluster works unchanged), or the built-in
 * network `berth` when there is none. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strutil.h"
#include "common/fsutil.h"
#include "netns/cni_run.h"

#define CONF_MAX (1 << 20)

/* The built-in network.  host-local keeps its leases under /run, so a
 * reboot leaves none behind; 10.90.0.0/16 stays clear of podman's
 * 10.88.0.0/16, CRI-O's 10.85.0.0/16 and Docker's 172.17.0.0/16. */
static const char builtin[] =
	"{\n"
	"  \"cniVersion\": \"1.0.0\",\n"
	"  \"name\": \"berth\",\n"
	"  \"plugins\": [\n"
	"    {\n"
	"      \"type\": \"bridge\",\n"
	"      \"bridge\": \"berth0\",\n"
	"      \"isGateway\": true,\n"
	"      \"ipMasq\": true,\n"
	"      \"hairpinMode\": true,\n"
	"      \"ipam\": {\n"
	"        \"type\": \"host-local\",\n"
	"        \"ranges\": [[{ \"subnet\": \"10.90.0.0/16\" }]],\n"
	"        \"routes\": [{ \"dst\": \"0.0.0.0/0\" }],\n"
	"        \"dataDir\": \"/run/cni/networks\"\n"
	"      }\n"
	"    },\n"
	"    { \"type\": \"portmap\", \"capabilities\": { \"portMappings\": true } },\n"
	"    { \"type\": \"firewall\" }\n"
	"  ]\n"
	"}\n";

const char *cni_builtin_conflist(void)
{
	return builtin;
}

static bool is_config_name(const char *n)
{
	size_t len = strlen(n);
	static const char *const ext[] = { ".conflist", ".conf", ".json" };

	if (n[0] == '.')
		return false;
	for (size_t i = 0; i < B_ARRAY_SIZE(ext); i++) {
		size_t e = strlen(ext[i]);
		if (len > e && !strcmp(n + len - e, ext[i]))
			return true;
	}
	return false;
}

/* The config files of `dir` in byte order; a missing dir has none. */
static int list_configs(const char *dir, char ***out, size_t *n, struct b_err *err)
{
	_cleanup_(b_closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : b_err_sys(err, errno, "CNI config directory %s", dir);
	while ((de = readdir(d))) {
		char **nv;

		if ((de->d_type != DT_REG && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN) ||
		    !is_config_name(de->d_name))
			continue;
		if (!(nv = realloc(v, (k + 1) * sizeof(*v))) || !(nv[k] = strdup(de->d_name))) {
			b_strv_free(nv ? nv : v, k);
			return b_err_set(err, ENOMEM, "out of memory");
		}
		v = nv;
		k++;
	}
	b_strv_sort(v, k);
	*out = v;
	*n = k;
	return 0;
}

static int load_one(const char *path, char **text, struct cni_conflist **out, struct b_err *err)
{
	size_t len;
	int r = b_read_file(path, CONF_MAX, text, &len);

	if (r < 0)
		return b_err_sys(err, -r, "reading CNI config %s", path);
	if ((r = cni_conflist_parse(path, *text, len, out, err)) < 0) {
		free(*text);
		*text = NULL;
	}
	return r;
}

static int use_builtin(char **text, char **source, struct cni_conflist **out, struct b_err *err)
{
	int r;

	*text = strdup(builtin);
	*source = strdup("built-in");
	if (!*text || !*source)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = cni_conflist_parse("the built-in network", *text, strlen(*text), out, err)) < 0)
		return r;
	return 0;
}

int cni_find_network(const char *dir, const char *name, char **text, char **source,
		     struct cni_conflist **out, struct b_err *err)
{
	char **files, path[4096];
	size_t n;
	int r;

	*text = *source = NULL;
	if (!dir)
		dir = CNI_DEFAULT_CONFIG_DIR;
	if ((r = list_configs(dir, &files, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((r = load_one(path, text, out, err)) < 0)
			break;
		if (!name || !strcmp((*out)->name, name)) {
			b_strv_free(files, n);
			return (*source = strdup(path)) ? 0 : b_err_set(err, ENOMEM, "out of memory");
		}
		cni_conflist_free(*out);
		*out = NULL;
		free(*text);
		*text = NULL;
	}
	b_strv_free(files, n);
	if (r < 0)
		return r;
	if (!name || !strcmp(name, CNI_BUILTIN_NAME))
		return use_builtin(text, source, out, err);
	return b_err_set(err, ENOENT, "network \"%s\": no CNI config in %s has that name", name, dir);
}

char *cni_host_local_dir(const struct cni_conflist *l)
{
	const char *type = NULL, *data_dir = NULL;
	char *out = NULL;

	if (!cni_plugin_ipam(l, 0, &type, &data_dir) || !type || strcmp(type, "host-local"))
		return NULL;
	if (asprintf(&out, "%s/%s", data_dir ? data_dir : "/var/lib/cni/networks", l->name) < 0)
		return NULL;
	return out;
}
