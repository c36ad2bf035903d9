#!/usr/bin/env python3
"""Helper of bench/images.sh: test images, pod files, and the report.

  images.py gen OUTDIR [--mib 100] [--layers 5] [--seed 13] [--busybox P]
      OUTDIR/big/          OCI layout of localhost/bench-big:1: a busybox
                           base layer plus LAYERS layers of seeded random
                           files (MIB MiB in all, incompressible), tar+gzip
      OUTDIR/big.oci.tar   oci-archive of it
      OUTDIR/big.docker.tar docker-archive of it (uncompressed layers)
      OUTDIR/small/        OCI layout of localhost/bench-small:1: the busybox
                           base layer alone
      OUTDIR/small.oci.tar oci-archive of it (for podman load)
      OUTDIR/rootfs/       the same busybox content as a plain directory
      OUTDIR/info.json     sizes, digests
  images.py pod FILE NAME IMAGE      a pod running `true` (restartPolicy
                                     Never, berth.dev/network: none)
  images.py report RESULTS INFO ROUNDS VERSIONS   markdown to stdout

The output of gen is deterministic for a given busybox, seed and size (it
reuses tests/helpers/mkimage.py: mtime 0, sorted names, gzip mtime 0).
"""

import json
import os
import random
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "helpers"))
import mkimage  # noqa: E402
from mkimage import Entry as E  # noqa: E402

BIG = "localhost/bench-big:1"
SMALL = "localhost/bench-small:1"
APPLETS = ["cat", "echo", "env", "ls", "sh", "sleep", "true"]


def base_entries(bb):
    es = [E("bin/", "dir"), E("bin/busybox", mode=0o755, data=bb)]
    es += [E("bin/" + a, "symlink", linkname="busybox") for a in APPLETS]
    for d in ("dev", "etc", "proc", "sys", "tmp", "root", "run"):
        es.append(E(d + "/", "dir", mode=0o1777 if d == "tmp" else None))
    es.append(E("etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\n"))
    es.append(E("etc/group", data=b"root:x:0:\n"))
    return es


def random_layer(rng, n, size):
    """~SIZE bytes of random files: 3/4 in 1 MiB files, 1/4 in 16 KiB ones
    (spread over 16 directories), so both data and per-file work count."""
    big, small = 1 << 20, 16 << 10
    es = [E("data/", "dir"), E("data/l%d/" % n, "dir")]
    nbig = max(1, (size * 3 // 4) // big)
    nsmall = max(1, (size - nbig * big) // small)
    for i in range(nbig):
        es.append(E("data/l%d/big%03d" % (n, i), data=rng.randbytes(big)))
    for d in range(16):
        es.append(E("data/l%d/d%02d/" % (n, d), "dir"))
    for i in range(nsmall):
        es.append(E("data/l%d/d%02d/f%04d" % (n, i % 16, i),
                    data=rng.randbytes(small)))
    return es


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def gen(outdir, mib=100, layers=5, seed=13, busybox="/bin/busybox"):
    bb = open(busybox, "rb").read()
    arch, variant = mkimage.host_platform()
    rng = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    base = mkimage.Layer(mkimage.make_tar(base_entries(bb)), "gzip")
    ls = [base]
    per = (mib << 20) // layers
    nfiles = 0
    for n in range(layers):
        es = random_layer(rng, n, per)
        nfiles += sum(1 for e in es if e.kind == "file")
        tar = mkimage.make_tar(es)
        ls.append(mkimage.Layer(tar, "gzip"))
    hist = [{"created": mkimage.CREATED, "created_by": "images.py layer %d" % i}
            for i in range(len(ls))]
    cfg = {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]}
    info = {}
    for name, key, lay in ((BIG, "big", ls), (SMALL, "small", [base])):
        c = mkimage.make_config(arch, variant, lay, cfg, hist[:len(lay)])
        L = mkimage.Layout()
        desc, i = mkimage.add_image(L, lay, c)
        L.add_ref(desc, name)
        L.write(os.path.join(outdir, key))
        write(os.path.join(outdir, key + ".oci.tar"), L.archive())
        if key == "big":
            plain, _, _ = mkimage.docker_archives(lay, c, name)
            write(os.path.join(outdir, key + ".docker.tar"), plain)
        info[key] = {"name": name, "layers": len(lay),
                     "blob_bytes": sum(x.size for x in lay),
                     "tar_bytes": sum(len(x.tar) for x in lay),
                     "files": 0, "manifest_digest": i["manifest_digest"]}
    # the rootfs directory: the same content as the small image
    root = os.path.join(outdir, "rootfs")
    for e in base_entries(bb):
        p = os.path.join(root, e.name)
        if e.kind == "dir":
            os.makedirs(p, exist_ok=True)
            os.chmod(p, e.mode)
        elif e.kind == "symlink":
            os.symlink(e.linkname, p)
        else:
            write(p, e.data)
            os.chmod(p, e.mode)
    for k in ("big.oci.tar", "big.docker.tar", "small.oci.tar"):
        info[k] = os.path.getsize(os.path.join(outdir, k))
    info["big"]["files"] = nfiles
    write(os.path.join(outdir, "info.json"), json.dumps(info, indent=1).encode())


def pod(path, name, image):
    c = {"name": "c", "image": image, "command": ["/bin/true"],
         "imagePullPolicy": "Never"}
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": name,
                      "annotations": {"berth.dev/network": "none"}},
         "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
                  "containers": [c]}}
    write(path, json.dumps(p).encode())


# ---------------------------------------------------------------- report

CASES = [
    ("load-oci", "load oci-archive",
     [("berth", "berth image load"), ("podman", "podman load")]),
    ("load-docker", "load docker-archive",
     [("berth", "berth image load"), ("podman", "podman load")]),
    ("pull", "pull + unpack, local registry",
     [("berth", "berth image pull"), ("podman", "podman pull"),
      ("skopeo", "skopeo copy to an OCI dir (no unpack)")]),
    ("start", "started (`-d`)",
     [("berth-image", "berth pod run -d, image reference"),
      ("berth-rootfs", "berth pod run -d, rootfs directory"),
      ("podman", "podman run -d (crun, --cgroups=disabled)"),
      ("podman-runc", "podman run -d (runc, cgroup)")]),
    ("run", "run to exit",
     [("berth-image", "berth pod run, image reference"),
      ("berth-rootfs", "berth pod run, rootfs directory"),
      ("podman", "podman run --rm (crun, --cgroups=disabled)"),
      ("podman-runc", "podman run --rm (runc, cgroup)")]),
]


def report(results, infof, rounds, versions):
    wall, cpu = {}, {}
    for line in open(results):
        case, who, w, u, s = line.split()
        wall.setdefault((case, who), []).append(float(w) * 1000)
        cpu.setdefault((case, who), []).append((float(u) + float(s)) * 1000)
    info = json.load(open(infof))
    med = {k: statistics.median(v) for k, v in wall.items()}
    out = print
    out("```\n" + open(versions).read().strip() + "\n```\n")
    b = info["big"]
    out("Image %s: %d layers (busybox + %d layers, %d random files), %.1f MiB "
        "of layer tars, %.1f MiB of gzip blobs; oci-archive %.1f MiB, "
        "docker-archive %.1f MiB. Rounds: %s; tools take turns, order "
        "rotated each round. Wall ms; CPU is user+sys of the command's "
        "waited process tree (not podman's conmon).\n" % (
            b["name"], b["layers"], b["layers"] - 1, b["files"],
            b["tar_bytes"] / 2**20, b["blob_bytes"] / 2**20,
            info["big.oci.tar"] / 2**20, info["big.docker.tar"] / 2**20,
            rounds))
    out("| case | tool | wall median | min | max | CPU median |")
    out("|---|---|---:|---:|---:|---:|")
    for case, title, whos in CASES:
        for who, label in whos:
            v = wall.get((case, who))
            if not v:
                continue
            out("| %s | %s | %.0f | %.0f | %.0f | %.0f |" % (
                title, label, statistics.median(v), min(v), max(v),
                statistics.median(cpu[(case, who)])))
    out("")
    out("| ratio | of the medians | per round: median (min–max) |")
    out("|---|---:|---:|")

    def ratio(label, a, b_):
        if a in med and b_ in med:
            r = med[a] / med[b_]
            # the same round's samples of the two tools, paired
            pr = [x / y for x, y in zip(wall[a], wall[b_])]
            out("| %s | %.2f | %.2f (%.2f–%.2f) |" % (
                label, r, statistics.median(pr), min(pr), max(pr)))
            return r
        return None

    r = {}
    r["lo"] = ratio("load oci-archive: berth / podman",
                    ("load-oci", "berth"), ("load-oci", "podman"))
    r["ld"] = ratio("load docker-archive: berth / podman",
                    ("load-docker", "berth"), ("load-docker", "podman"))
    r["pu"] = ratio("pull + unpack: berth / podman",
                    ("pull", "berth"), ("pull", "podman"))
    ratio("pull + unpack: berth / skopeo copy alone",
          ("pull", "berth"), ("pull", "skopeo"))
    r["st"] = ratio("started: berth image / berth rootfs dir",
                    ("start", "berth-image"), ("start", "berth-rootfs"))
    ratio("started: berth image / podman (crun)",
          ("start", "berth-image"), ("start", "podman"))
    ratio("started: berth image / podman (runc)",
          ("start", "berth-image"), ("start", "podman-runc"))
    r["ru"] = ratio("run to exit: berth image / berth rootfs dir",
                    ("run", "berth-image"), ("run", "berth-rootfs"))
    ratio("run to exit: berth image / podman (crun)",
          ("run", "berth-image"), ("run", "podman"))
    ratio("run to exit: berth image / podman (runc)",
          ("run", "berth-image"), ("run", "podman-runc"))
    out("")
    out("| target | result | status |")
    out("|---|---|---|")
    for key, label, limit in (
            ("lo", "load (oci-archive) ≤ podman", 1.0),
            ("ld", "load (docker-archive) ≤ podman", 1.0),
            ("pu", "pull + unpack ≤ podman", 1.0),
            ("st", "start from an image ≤ 1.10× start from a rootfs dir", 1.10),
            ("ru", "the same, run to exit", 1.10)):
        if r[key] is not None:
            out("| %s | %.2f× | %s |" % (label, r[key],
                                         "met" if r[key] <= limit else "**not met**"))


def main(argv):
    if argv[1] == "gen":
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument("outdir")
        ap.add_argument("--mib", type=int, default=100)
        ap.add_argument("--layers", type=int, default=5)
        ap.add_argument("--seed", type=int, default=13)
        ap.add_argument("--busybox", default="/bin/busybox")
        a = ap.parse_args(argv[2:])
        gen(a.outdir, a.mib, a.layers, a.seed, a.busybox)
    elif argv[1] == "pod":
        pod(*argv[2:5])
    elif argv[1] == "report":
        report(*argv[2:6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
