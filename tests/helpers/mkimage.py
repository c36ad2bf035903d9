#!/usr/bin/env python3
"""Build berth's OCI/Docker test images offline from a static busybox.

Usage:  python3 tests/helpers/mkimage.py OUTDIR [--busybox PATH]
        (or, from a test:  import mkimage; mkimage.build_all(outdir, busybox))

Nothing is fetched: the only inputs are the busybox binary (default
/bin/busybox), Python's standard library and the `zstd` command.  The output
is deterministic (mtime 0, uid/gid 0 unless stated, names sorted, gzip mtime 0
and no file name, compact sorted-key JSON), so every digest is stable from
run to run on the same machine (the architecture goes into the configs).
See docs/design/image-facts.md sections 2, 3 and 10.

Outputs written into OUTDIR (each is replaced if it already exists):

  layout/            OCI image layout of localhost/berth-test:1
                     (index.json annotations org.opencontainers.image.ref.name
                     and io.containerd.image.name).
                     layer 1, tar+gzip, "base": bin/busybox, bin/sh and applet
                       symlinks, bin/busybox-hl (hardlink), bin/suid (4755,
                       pax xattrs user.berth="kept" and security.capability =
                       VFS_CAP_REVISION_2 with CAP_NET_BIND_SERVICE effective),
                       dev/null-test (char 1:3), etc/passwd, etc/group,
                       etc/motd, etc/motd-link -> motd, home/app (1000:1000),
                       root/, tmp/ (1777) + tmp/old, data/keep, data/gone,
                       opq/old1.
                     layer 2, tar+zstd (zstd -19): data/.wh.gone (whiteout),
                       opq/.wh..wh..opq (opaque) + opq/new1, etc/motd2,
                       app/hello.sh.
                     config: host architecture, Entrypoint ["/bin/sh","-c"],
                       Cmd ["echo image-cmd"], Env, WorkingDir /tmp, User app,
                       Labels {"t":"1"}, StopSignal SIGTERM, two history
                       entries.
  layout2/           localhost/berth-test2:1: the same layer 1 blob and a
                     gzip layer 2 with etc/second; no User/Entrypoint,
                     Cmd ["/bin/sh","-c","echo second"].
  test.oci.tar       oci-archive: tar of layout/ (oci-layout, index.json,
                     blobs/).
  test.docker.tar    docker-archive of image 1: <diffid>.tar (uncompressed
                     layers), <config>.json, manifest.json, repositories.
  test.docker-legacy.tar
                     the same, but manifest.json "Layers" name
                     <id>/layer.tar, a symlink to ../<diffid>.tar (plus
                     <id>/VERSION and <id>/json), as Docker >= 25 writes.
                     Entries are sorted, so manifest.json comes after the
                     layers and each symlink before its target.  Note:
                     skopeo/podman 4.3 (containers/image) cannot copy this
                     one ("blob size mismatch": it takes the size from the
                     symlink header, containers/image PR 2963); it is valid.
  multi/             localhost/berth-multi:1: index.json -> an image index
                     blob with [linux/s390x, host] (host entry second).
  multi-hostfirst/   the same with the host entry first.
                     (On an s390x host the "other" platform is linux/amd64.)
  hostile/<case>/    one-layer OCI layouts named localhost/hostile-<case>:1,
                     plain-tar layer unless noted:
                       dotdot              entry ../../etc/x
                       absolute            entry /etc/x
                       symlink-escape      a -> /, then a/etc/x
                       symlink-rel-escape  a -> ../../.., then a/x
                       hardlink-outside    hardlink h -> ../../etc/passwd
                     (the five above have correct digests, sizes and diffIDs)
                       bad-layer-digest    manifest layer digest wrong by one
                                           hex digit (the blob is stored
                                           under that wrong name)
                       bad-diffid          config diff_id wrong by one digit
                       truncated-gzip      tar+gzip cut in half; descriptor
                                           digest/size match the cut bytes
                       bad-size            layer descriptor size = real + 1
                       digest-traversal    layer digest
                                           "sha256:../../../../tmp/x"
  summary.json       {"host_arch", "host_variant" (null unless arm),
                      "images": {<key>: {...}}, "archives": {<file>: {...}}}
                     <key> is the output path: layout, layout2,
                     hostile/<case> hold name, path, manifest_digest,
                     manifest_size, config_digest (= image_id), config_size,
                     layers, layer_sizes, layer_media_types, diff_ids,
                     chain_ids (plus true_layer_digest, true_diff_id,
                     true_layer_size or full_gzip_size for the bad-* cases);
                     multi and multi-hostfirst hold name, path, index_digest,
                     index_size, host_first, platforms (index order), and
                     "host"/"other" with the per-manifest fields above.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"

CREATED = "2026-01-01T00:00:00Z"
IMAGE1 = "localhost/berth-test:1"
IMAGE2 = "localhost/berth-test2:1"
MULTI = "localhost/berth-multi:1"

APPLETS = ["cat", "echo", "env", "id", "ls", "pwd", "sh", "sleep", "stat",
           "true", "wget"]

# struct vfs_cap_data, VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE,
# permitted = CAP_NET_BIND_SERVICE (10), inheritable = 0, upper words 0.
VFS_CAP_REVISION_2 = 0x02000000
VFS_CAP_FLAGS_EFFECTIVE = 0x000001
CAP_NET_BIND_SERVICE = 10
SECURITY_CAPABILITY = struct.pack(
    "<IIIII", VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE,
    1 << CAP_NET_BIND_SERVICE, 0, 0, 0)
assert len(SECURITY_CAPABILITY) == 20


# ---------------------------------------------------------------- helpers

def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def hexof(digest):
    return digest.split(":", 1)[1]


def cjson(obj):
    """Canonical-ish JSON: compact, sorted keys, UTF-8."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def host_platform():
    """(architecture, variant) of this host, normalised as containerd does."""
    m = os.uname().machine.lower()
    table = {
        "x86_64": ("amd64", None), "x86-64": ("amd64", None),
        "amd64": ("amd64", None),
        "aarch64": ("arm64", None), "arm64": ("arm64", None),
        "armv8l": ("arm", "v8"), "armv7l": ("arm", "v7"),
        "armhf": ("arm", "v7"), "arm": ("arm", "v7"),
        "armv6l": ("arm", "v6"), "armel": ("arm", "v6"),
        "armv5tel": ("arm", "v5"),
        "i386": ("386", None), "i486": ("386", None),
        "i586": ("386", None), "i686": ("386", None),
        "ppc64le": ("ppc64le", None), "ppc64": ("ppc64", None),
        "s390x": ("s390x", None), "riscv64": ("riscv64", None),
        "mips64": ("mips64", None), "mips64el": ("mips64le", None),
        "loongarch64": ("loong64", None),
    }
    return table.get(m, (m, None))


def flip_hex(digest):
    """Change the last hex digit of a digest (stays a valid sha256 form)."""
    last = digest[-1]
    return digest[:-1] + ("0" if last != "0" else "1")


class Entry:
    """One tar member, built by hand so nothing is taken from the disk."""

    def __init__(self, name, kind="file", mode=None, data=b"", linkname="",
                 uid=0, gid=0, major=0, minor=0, pax=None):
        self.name, self.kind, self.data = name, kind, data
        self.linkname, self.uid, self.gid = linkname, uid, gid
        self.major, self.minor, self.pax = major, minor, pax or {}
        defaults = {"file": 0o644, "dir": 0o755, "symlink": 0o777,
                    "hardlink": 0o644, "chr": 0o666}
        self.mode = defaults[kind] if mode is None else mode


def sort_key(e):
    return e.name.rstrip("/").split("/")


def make_tar(entries, sort=True):
    """Return the bytes of a deterministic pax tar of ENTRIES."""
    if sort:
        entries = sorted(entries, key=sort_key)
    buf = io.BytesIO()
    types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE,
             "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
             "chr": tarfile.CHRTYPE}
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e.name)
            ti.type = types[e.kind]
            ti.mode = e.mode
            ti.uid, ti.gid = e.uid, e.gid
            ti.uname = ti.gname = ""
            ti.mtime = 0
            ti.linkname = e.linkname
            if e.kind == "chr":
                ti.devmajor, ti.devminor = e.major, e.minor
            if e.pax:
                ti.pax_headers = dict(e.pax)
            if e.kind == "file":
                ti.size = len(e.data)
                t.addfile(ti, io.BytesIO(e.data))
            else:
                ti.size = 0
                t.addfile(ti)
    return buf.getvalue()


def gzip_bytes(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def zstd_bytes(data):
    p = subprocess.run(["zstd", "-19", "-q", "-c", "-T1"], input=data,
                       stdout=subprocess.PIPE, check=True)
    return p.stdout


# ---------------------------------------------------------------- layouts

class Layout:
    """An OCI image layout kept in memory, then written out."""

    def __init__(self):
        self.blobs = {}          # hex name -> bytes
        self.index = []          # index.json descriptors

    def put(self, data, name=None):
        d = sha256(data)
        self.blobs[hexof(name or d)] = data
        return d

    def add_ref(self, desc, name):
        desc = dict(desc)
        desc["annotations"] = {"io.containerd.image.name": name,
                               "org.opencontainers.image.ref.name": name}
        self.index.append(desc)

    def files(self):
        out = [("oci-layout", cjson({"imageLayoutVersion": "1.0.0"})),
               ("index.json", cjson({"schemaVersion": 2,
                                     "mediaType": MT_INDEX,
                                     "manifests": self.index}))]
        for h in sorted(self.blobs):
            out.append(("blobs/sha256/" + h, self.blobs[h]))
        return out

    def write(self, path):
        os.makedirs(os.path.join(path, "blobs", "sha256"))
        for rel, data in self.files():
            with open(os.path.join(path, rel), "wb") as f:
                f.write(data)

    def archive(self):
        entries = [Entry("blobs/", "dir"), Entry("blobs/sha256/", "dir")]
        entries += [Entry(rel, data=data) for rel, data in self.files()]
        return make_tar(entries)


class Layer:
    def __init__(self, tar, compression):
        self.tar = tar
        self.diff_id = sha256(tar)
        if compression == "gzip":
            self.blob, self.media_type = gzip_bytes(tar), MT_LAYER_GZIP
        elif compression == "zstd":
            self.blob, self.media_type = zstd_bytes(tar), MT_LAYER_ZSTD
        else:
            self.blob, self.media_type = tar, MT_LAYER_TAR
        self.digest = sha256(self.blob)
        self.size = len(self.blob)

    def descriptor(self):
        return {"mediaType": self.media_type, "digest": self.digest,
                "size": self.size}


def chain_ids(diff_ids):
    out = []
    for d in diff_ids:
        out.append(d if not out else sha256((out[-1] + " " + d).encode()))
    return out


def make_config(arch, variant, layers, cfg, history, diff_ids=None):
    c = {"architecture": arch, "os": "linux", "created": CREATED,
         "config": cfg,
         "rootfs": {"type": "layers",
                    "diff_ids": diff_ids or [l.diff_id for l in layers]},
         "history": history}
    if variant:
        c["variant"] = variant
    return cjson(c)


def add_image(layout, layers, config, layer_descs=None):
    """Store layers, config and manifest in LAYOUT; return a summary dict."""
    for l in layers:
        layout.put(l.blob)
    cdig = layout.put(config)
    manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
                "config": {"mediaType": MT_CONFIG, "digest": cdig,
                           "size": len(config)},
                "layers": layer_descs or [l.descriptor() for l in layers]}
    mbytes = cjson(manifest)
    mdig = layout.put(mbytes)
    diff_ids = json.loads(config)["rootfs"]["diff_ids"]
    info = {"manifest_digest": mdig, "manifest_size": len(mbytes),
            "config_digest": cdig, "config_size": len(config),
            "image_id": cdig,
            "layers": [d["digest"] for d in manifest["layers"]],
            "layer_sizes": [d["size"] for d in manifest["layers"]],
            "layer_media_types": [d["mediaType"] for d in manifest["layers"]],
            "diff_ids": diff_ids, "chain_ids": chain_ids(diff_ids)}
    desc = {"mediaType": MT_MANIFEST, "digest": mdig, "size": len(mbytes)}
    return desc, info


# ---------------------------------------------------------------- content

def base_layer_tar(busybox_data):
    E = Entry
    passwd = (b"root:x:0:0:root:/root:/bin/sh\n"
              b"app:x:1000:1000::/home/app:/bin/sh\n")
    group = b"root:x:0:\napp:x:1000:\nextra:x:2000:app\n"
    es = [
        E("bin/", "dir"),
        E("bin/busybox", mode=0o755, data=busybox_data),
        E("bin/busybox-hl", "hardlink", mode=0o755, linkname="bin/busybox"),
        E("bin/suid", mode=0o4755, data=b"#!/bin/sh\necho suid\n",
          pax={"SCHILY.xattr.user.berth": "kept",
               # bytes all < 0x80, so this str round-trips as UTF-8
               "SCHILY.xattr.security.capability":
                   SECURITY_CAPABILITY.decode("ascii")}),
        E("data/", "dir"),
        E("data/gone", data=b"gone\n"),
        E("data/keep", data=b"keep\n"),
        E("dev/", "dir"),
        E("dev/null-test", "chr", mode=0o666, major=1, minor=3),
        E("etc/", "dir"),
        E("etc/group", data=group),
        E("etc/motd", data=b"base motd\n"),
        E("etc/motd-link", "symlink", linkname="motd"),
        E("etc/passwd", data=passwd),
        E("home/", "dir"),
        E("home/app/", "dir", uid=1000, gid=1000),
        E("opq/", "dir"),
        E("opq/old1", data=b"old1\n"),
        E("root/", "dir", mode=0o700),
        E("tmp/", "dir", mode=0o1777),
        E("tmp/old", data=b"old\n"),
    ]
    es += [E("bin/" + a, "symlink", linkname="busybox") for a in APPLETS]
    return make_tar(es)


def layer2_tar():
    E = Entry
    return make_tar([
        E("app/", "dir"),
        E("app/hello.sh", mode=0o755,
          data=b"#!/bin/sh\necho hello from layer2\n"),
        E("data/", "dir"),
        E("data/.wh.gone", mode=0o600),
        E("etc/", "dir"),
        E("etc/motd2", data=b"layer2\n"),
        E("opq/", "dir"),
        E("opq/.wh..wh..opq", mode=0o600),
        E("opq/new1", data=b"new1\n"),
    ])


def image2_layer2_tar():
    return make_tar([Entry("etc/", "dir"),
                     Entry("etc/second", data=b"second\n")])


IMAGE1_CFG = {"Entrypoint": ["/bin/sh", "-c"], "Cmd": ["echo image-cmd"],
              "Env": ["PATH=/bin", "A=image", "B=image"],
              "WorkingDir": "/tmp", "User": "app", "Labels": {"t": "1"},
              "StopSignal": "SIGTERM"}
IMAGE1_HISTORY = [
    {"created": CREATED, "created_by": "mkimage.py: layer 1 (base, busybox)"},
    {"created": CREATED, "created_by": "mkimage.py: layer 2 (whiteouts)",
     "comment": "zstd"},
]
IMAGE2_CFG = {"Cmd": ["/bin/sh", "-c", "echo second"], "Env": ["PATH=/bin"]}
IMAGE2_HISTORY = [
    {"created": CREATED, "created_by": "mkimage.py: layer 1 (base, busybox)"},
    {"created": CREATED, "created_by": "mkimage.py: layer 2 (etc/second)"},
]


# ---------------------------------------------------------------- docker

def docker_archives(layers, config, name):
    """(plain, legacy) docker-archive bytes for one image."""
    cdig = sha256(config)
    repo, tag = name.rsplit(":", 1)
    diffs = [hexof(l.diff_id) for l in layers]

    # plain: <diffid>.tar at top level
    es = [Entry(hexof(cdig) + ".json", data=config)]
    es += [Entry(d + ".tar", data=l.tar) for d, l in zip(diffs, layers)]
    man = [{"Config": hexof(cdig) + ".json", "RepoTags": [name],
            "Layers": [d + ".tar" for d in diffs]}]
    es.append(Entry("manifest.json", data=cjson(man)))
    es.append(Entry("repositories", data=cjson({repo: {tag: diffs[-1]}})))
    plain = make_tar(es)

    # legacy: <v1id>/layer.tar -> ../<diffid>.tar, plus VERSION and json
    es = [Entry(hexof(cdig) + ".json", data=config)]
    ids, parent = [], None
    for cid, d, l in zip(chain_ids([l.diff_id for l in layers]), diffs,
                         layers):
        v1 = hashlib.sha256((cid + " " + (parent or "")).encode()).hexdigest()
        j = {"id": v1, "created": CREATED, "os": "linux",
             "container_config": {}}
        if parent:
            j["parent"] = parent
        ids.append(v1)
        es += [Entry(v1 + "/", "dir"),
               Entry(v1 + "/VERSION", data=b"1.0"),
               Entry(v1 + "/json", data=cjson(j)),
               Entry(v1 + "/layer.tar", "symlink",
                     linkname="../" + d + ".tar"),
               Entry(d + ".tar", data=l.tar)]
        parent = v1
    man = [{"Config": hexof(cdig) + ".json", "RepoTags": [name],
            "Layers": [i + "/layer.tar" for i in ids]}]
    es.append(Entry("manifest.json", data=cjson(man)))
    es.append(Entry("repositories", data=cjson({repo: {tag: ids[-1]}})))
    legacy = make_tar(es)
    return plain, legacy, ids


# ---------------------------------------------------------------- hostile

def hostile_cases(arch, variant):
    """Yield (case, Layout, info) for every hostile image."""
    E = Entry
    payload = b"hostile\n"
    path_cases = {
        "dotdot": [E("../../etc/x", data=payload)],
        "absolute": [E("/etc/x", data=payload)],
        "symlink-escape": [E("a", "symlink", linkname="/"),
                           E("a/etc/x", data=payload)],
        "symlink-rel-escape": [E("a", "symlink", linkname="../../.."),
                               E("a/x", data=payload)],
        "hardlink-outside": [E("h", "hardlink",
                               linkname="../../etc/passwd")],
    }
    benign = make_tar([E("ok", data=b"ok\n")])
    cfg = {"Cmd": ["/bin/sh"]}

    def hist(n):
        return [{"created": CREATED, "created_by": "mkimage.py: hostile"}] * n

    for case, entries in path_cases.items():
        lay = Layer(make_tar(entries, sort=False), None)
        L = Layout()
        desc, info = add_image(L, [lay],
                               make_config(arch, variant, [lay], cfg, hist(1)))
        yield case, L, desc, info

    # bad-layer-digest: descriptor names a blob whose bytes hash otherwise
    lay = Layer(benign, None)
    L = Layout()
    d = lay.descriptor()
    d["digest"] = flip_hex(lay.digest)
    L.put(lay.blob, name=d["digest"])
    desc, info = add_image(L, [], make_config(arch, variant, [lay], cfg,
                                              hist(1)), [d])
    info["true_layer_digest"] = lay.digest
    yield "bad-layer-digest", L, desc, info

    # bad-diffid
    lay = Layer(benign, None)
    L = Layout()
    desc, info = add_image(L, [lay], make_config(
        arch, variant, [lay], cfg, hist(1), [flip_hex(lay.diff_id)]))
    info["true_diff_id"] = lay.diff_id
    yield "bad-diffid", L, desc, info

    # truncated-gzip: a layer big enough that half a gzip is not a tar
    body = b"".join(b"line %06d of a layer that gets cut in half\n" % i
                    for i in range(4000))
    full = make_tar([E("big", data=body), E("ok", data=b"ok\n")])
    gz = gzip_bytes(full)
    cut = gz[:len(gz) // 2]
    L = Layout()
    L.put(cut)
    d = {"mediaType": MT_LAYER_GZIP, "digest": sha256(cut), "size": len(cut)}
    cfgb = make_config(arch, variant, [], cfg, hist(1), [sha256(full)])
    desc, info = add_image(L, [], cfgb, [d])
    info["full_gzip_size"] = len(gz)
    yield "truncated-gzip", L, desc, info

    # bad-size: real size + 1
    lay = Layer(benign, None)
    L = Layout()
    d = lay.descriptor()
    d["size"] = lay.size + 1
    L.put(lay.blob)
    desc, info = add_image(L, [], make_config(arch, variant, [lay], cfg,
                                              hist(1)), [d])
    info["true_layer_size"] = lay.size
    yield "bad-size", L, desc, info

    # digest-traversal: an invalid digest string; no such blob is written
    lay = Layer(benign, None)
    L = Layout()
    d = lay.descriptor()
    d["digest"] = "sha256:../../../../tmp/x"
    desc, info = add_image(L, [], make_config(arch, variant, [lay], cfg,
                                              hist(1)), [d])
    yield "digest-traversal", L, desc, info


# ---------------------------------------------------------------- main

OUTPUTS = ["layout", "layout2", "multi", "multi-hostfirst", "hostile",
           "test.oci.tar", "test.docker.tar", "test.docker-legacy.tar",
           "summary.json"]


def _clear(outdir):
    for n in OUTPUTS:
        p = os.path.join(outdir, n)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        elif os.path.lexists(p):
            os.unlink(p)


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def build_all(outdir, busybox="/bin/busybox"):
    """Write every output into OUTDIR and return the summary dict."""
    with open(busybox, "rb") as f:
        bb = f.read()
    os.makedirs(outdir, exist_ok=True)
    _clear(outdir)
    arch, variant = host_platform()
    other_arch = "s390x" if arch != "s390x" else "amd64"
    summary = {"host_arch": arch, "host_variant": variant, "images": {},
               "archives": {}}
    images = summary["images"]

    def platform(a, v):
        p = {"architecture": a, "os": "linux"}
        if v:
            p["variant"] = v
        return p

    # image 1
    l1 = Layer(base_layer_tar(bb), "gzip")
    l2 = Layer(layer2_tar(), "zstd")
    cfg1 = make_config(arch, variant, [l1, l2], IMAGE1_CFG, IMAGE1_HISTORY)
    L1 = Layout()
    desc1, info = add_image(L1, [l1, l2], cfg1)
    L1.add_ref(desc1, IMAGE1)
    L1.write(os.path.join(outdir, "layout"))
    images["layout"] = dict(name=IMAGE1, path="layout", **info)

    # image 2
    l2b = Layer(image2_layer2_tar(), "gzip")
    cfg2 = make_config(arch, variant, [l1, l2b], IMAGE2_CFG, IMAGE2_HISTORY)
    L2 = Layout()
    desc2, info = add_image(L2, [l1, l2b], cfg2)
    L2.add_ref(desc2, IMAGE2)
    L2.write(os.path.join(outdir, "layout2"))
    images["layout2"] = dict(name=IMAGE2, path="layout2", **info)

    # archives
    _write(os.path.join(outdir, "test.oci.tar"), L1.archive())
    plain, legacy, v1ids = docker_archives([l1, l2], cfg1, IMAGE1)
    _write(os.path.join(outdir, "test.docker.tar"), plain)
    _write(os.path.join(outdir, "test.docker-legacy.tar"), legacy)
    summary["archives"] = {
        "test.oci.tar": {"format": "oci-archive", "name": IMAGE1,
                         "image": "layout"},
        "test.docker.tar": {"format": "docker-archive", "name": IMAGE1,
                            "image": "layout",
                            "layer_files": [hexof(l.diff_id) + ".tar"
                                            for l in (l1, l2)]},
        "test.docker-legacy.tar": {"format": "docker-archive",
                                   "name": IMAGE1, "image": "layout",
                                   "layer_files": [i + "/layer.tar"
                                                   for i in v1ids]},
    }

    # multi-arch
    cfg_other = make_config(other_arch, None, [l1, l2], IMAGE1_CFG,
                            IMAGE1_HISTORY)
    for key, host_first in (("multi", False), ("multi-hostfirst", True)):
        L = Layout()
        dh, ih = add_image(L, [l1, l2], cfg1)
        do, io_ = add_image(L, [l1, l2], cfg_other)
        dh = dict(dh, platform=platform(arch, variant))
        do = dict(do, platform=platform(other_arch, None))
        mans = [dh, do] if host_first else [do, dh]
        idx = cjson({"schemaVersion": 2, "mediaType": MT_INDEX,
                     "manifests": mans})
        idig = L.put(idx)
        L.add_ref({"mediaType": MT_INDEX, "digest": idig, "size": len(idx)},
                  MULTI)
        L.write(os.path.join(outdir, key))
        images[key] = {
            "name": MULTI, "path": key, "index_digest": idig,
            "index_size": len(idx),
            "host_first": host_first,
            "platforms": ["linux/" + p["architecture"] +
                          ("/" + p["variant"] if p.get("variant") else "")
                          for p in (m["platform"] for m in mans)],
            "host": ih,
            "other": dict(io_, architecture=other_arch),
        }

    # hostile
    for case, L, desc, info in hostile_cases(arch, variant):
        name = "localhost/hostile-%s:1" % case
        L.add_ref(desc, name)
        path = os.path.join("hostile", case)
        L.write(os.path.join(outdir, path))
        images["hostile/" + case] = dict(name=name, path=path, **info)

    _write(os.path.join(outdir, "summary.json"),
           json.dumps(summary, indent=1, sort_keys=True).encode() + b"\n")
    return summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--busybox", default="/bin/busybox")
    a = ap.parse_args(argv)
    build_all(a.outdir, a.busybox)
    return 0


if __name__ == "__main__":
    sys.exit(main())
