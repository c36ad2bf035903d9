#!/usr/bin/env python3
"""Device-filter (BPF_CGROUP_DEVICE) programs attached to a cgroup v2 dir.

    devfilter.py query CGROUP_DIR    print the attached programs' ids
    devfilter.py detach CGROUP_DIR   detach them all; print how many

Used by tests/vm/t_podman.sh: podman 4.3 with --cgroup-manager cgroupfs
attaches a deny-everything device program to a pod's own cgroup (through
runc's cgroup v2 manager, with no device rules), so no container of the
pod can create or open /dev/null, whatever the OCI runtime (runc fails the
same way).  Detaching it lets the pod tests exercise berth.  x86_64 only.
"""
import ctypes
import os
import struct
import sys

SYS_BPF = 321
BPF_PROG_DETACH, BPF_PROG_GET_FD_BY_ID, BPF_PROG_QUERY = 9, 13, 16
BPF_CGROUP_DEVICE = 6

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr.ljust(128, b"\0"), 128)
    r = libc.syscall(ctypes.c_long(SYS_BPF), ctypes.c_long(cmd), buf, ctypes.c_uint(128))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, "bpf(%d): %s" % (cmd, os.strerror(e)))
    return r, buf.raw


def query(cg_fd):
    ids = (ctypes.c_uint32 * 64)()
    attr = struct.pack("=IIIIQI", cg_fd, BPF_CGROUP_DEVICE, 0, 0, ctypes.addressof(ids), 64)
    _, raw = bpf(BPF_PROG_QUERY, attr)
    cnt = struct.unpack_from("=I", raw, 24)[0]
    return list(ids[:cnt])


def main():
    op, path = sys.argv[1:3]
    cg_fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    ids = query(cg_fd)
    if op == "query":
        print(" ".join(str(i) for i in ids))
        return
    n = 0
    for pid in ids:
        fd, _ = bpf(BPF_PROG_GET_FD_BY_ID, struct.pack("=III", pid, 0, 0))
        bpf(BPF_PROG_DETACH, struct.pack("=IIII", cg_fd, fd, BPF_CGROUP_DEVICE, 0))
        os.close(fd)
        n += 1
    print(n)


if __name__ == "__main__":
    main()
