#!/usr/bin/env python3
"""Build the examples' image offline: busybox with every applet, as an
oci-archive named localhost/berth-example/busybox:1.

Usage:  python3 examples/make-image.py OUT.tar [--busybox PATH]

No registry and no network: the layer is made from this machine's static
busybox with the same deterministic tar writer the tests use
(tests/helpers/mkimage.py).  Load it with `berth image load OUT.tar`.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "helpers"))
import mkimage  # noqa: E402

NAME = "localhost/berth-example/busybox:1"


def rootfs_layer(busybox):
    E = mkimage.Entry
    data = open(busybox, "rb").read()
    applets = subprocess.run([busybox, "--list"], capture_output=True,
                             text=True, check=True).stdout.split()
    passwd = (b"root:x:0:0:root:/root:/bin/sh\n"
              b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
    group = b"root:x:0:\nnogroup:x:65534:\n"
    es = [E("bin/", "dir"), E("bin/busybox", mode=0o755, data=data),
          E("etc/", "dir"), E("etc/passwd", data=passwd),
          E("etc/group", data=group), E("root/", "dir", mode=0o700),
          E("tmp/", "dir", mode=0o1777), E("www/", "dir")]
    es += [E("bin/" + a, "symlink", linkname="busybox")
           for a in applets if a != "busybox"]
    return mkimage.make_tar(es)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--busybox", default="/bin/busybox")
    a = ap.parse_args()
    arch, variant = mkimage.host_platform()
    layer = mkimage.Layer(rootfs_layer(a.busybox), "gzip")
    cfg = {"Cmd": ["sh"], "Env": ["PATH=/bin"], "WorkingDir": "/"}
    config = mkimage.make_config(arch, variant, [layer], cfg,
                                 [{"created": mkimage.CREATED,
                                   "created_by": "examples/make-image.py"}])
    layout = mkimage.Layout()
    desc, _ = mkimage.add_image(layout, [layer], config)
    layout.add_ref(desc, NAME)
    with open(a.out + ".tmp", "wb") as f:
        f.write(layout.archive())
    os.replace(a.out + ".tmp", a.out)
    print(f"{a.out}: {NAME}")


if __name__ == "__main__":
    main()
