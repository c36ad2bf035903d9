#!/usr/bin/env python3
"""Pack a root filesystem directory as a one-layer image archive, offline.

    mkimage.py ROOTFS OUT.tar NAME[:TAG] [CMD...]

CMD is the image's default command (default: sh).

OUT.tar is a `docker save` archive (manifest.json + config + layer.tar),
the format both `podman load -i` and `ctr image import` read.  Every digest
is sha256 of the exact bytes; the layer is an uncompressed tar with fixed
owners and mtimes, so the same rootfs gives the same image id.
"""
import hashlib
import io
import json
import os
import sys
import tarfile


def layer_tar(root):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                full = os.path.join(dirpath, name)
                arc = os.path.relpath(full, root)
                ti = t.gettarinfo(full, arc)
                ti.uid = ti.gid = 0
                ti.uname = ti.gname = "root"
                ti.mtime = 0
                if ti.isreg():
                    with open(full, "rb") as f:
                        t.addfile(ti, f)
                else:
                    t.addfile(ti)
    return buf.getvalue()


def main():
    root, out, name = sys.argv[1:4]
    cmd = sys.argv[4:] or ["sh"]
    if ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    layer = layer_tar(root)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": cmd,
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "tests/vm/clients/mkimage.py"}],
    }
    cfg = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    cfg_hex = hashlib.sha256(cfg).hexdigest()
    layer_path = diff_id[7:] + "/layer.tar"
    manifest = [{"Config": cfg_hex + ".json", "RepoTags": [name], "Layers": [layer_path]}]
    repo, tag = name.rsplit(":", 1)
    repositories = {repo: {tag: diff_id[7:]}}

    def add(t, path, data):
        ti = tarfile.TarInfo(path)
        ti.size = len(data)
        ti.mode = 0o644
        t.addfile(ti, io.BytesIO(data))

    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        d = tarfile.TarInfo(diff_id[7:])
        d.type = tarfile.DIRTYPE
        d.mode = 0o755
        t.addfile(d)
        add(t, layer_path, layer)
        add(t, cfg_hex + ".json", cfg)
        add(t, "manifest.json", json.dumps(manifest).encode())
        add(t, "repositories", json.dumps(repositories).encode())
    print("sha256:" + cfg_hex)


if __name__ == "__main__":
    main()
