#!/usr/bin/env bash
# Install everything berth needs to build, test and benchmark on Debian 12.
# Idempotent; needs root.
set -euo pipefail

pkgs=(
  # build
  gcc libc6-dev meson ninja-build pkg-config libseccomp-dev libcap-dev libyajl-dev check
  # test rootfs, integration and VM lanes (libc6-dev above also gives the
  # static libc for tests/helpers/sdnotify.c)
  busybox-static iproute2 procps util-linux python3 cpio qemu-system-x86
  # the pod network: CNI plugins (bridge, host-local, portmap, firewall)
  # in /usr/lib/cni, and the iptables they run
  containernetworking-plugins iptables
  # images: libarchive reads tar/gzip/zstd layers (static berth links
  # libarchive.a with libzstd.a and libz.a); skopeo pulls from
  # registries; the tests run Debian's docker-registry on loopback and
  # build their images with zstd
  libarchive-dev libzstd-dev zlib1g-dev skopeo docker-registry zstd
  # telemetry: `berth metrics serve` is libmicrohttpd's (a dynamically
  # linked helper, berth-metrics: Debian's static libmicrohttpd needs
  # gnutls archives Debian does not ship); the tests check the output with
  # promtool and scrape it with a real Prometheus on loopback
  libmicrohttpd-dev prometheus curl
  # the interfaces: YAML pod files (libyaml); the man pages' check in
  # the tests renders them with groff
  libyaml-dev groff-base
  # real clients in the VM lane (tests/vm/t_podman.sh, t_containerd.sh):
  # podman 4.3 with conmon, containerd 1.6 with ctr and the runc v2 shim
  podman conmon containerd
  # AppArmor's profile loader, for the VM lane's tests/vm/t_apparmor.sh (the
  # guest kernel has AppArmor; the profiles are loaded there, not here)
  apparmor
  # systemd: the VM lane boots the host's /lib/systemd/systemd as the
  # guest's PID 1 (tests/vm/systemd-tests.sh); systemd-analyze checks the
  # units `berth pod unit` prints
  systemd
  # benchmark peers
  crun runc
  # fuzz lane (tools/fuzz.sh): clang with libFuzzer and the sanitizer
  # runtimes (libclang-rt-14-dev), llvm-symbolizer for readable stacks
  clang libclang-rt-14-dev llvm
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (apt-get needs it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${pkgs[@]}"
# The tests start their own containerd on a private socket inside the VM
# guest; a host-wide one the package may have started is not needed.
if [ -d /run/systemd/system ]; then
  systemctl disable --now containerd.service >/dev/null 2>&1 || true
  # The image tests start their own registry on 127.0.0.1 with a temp store.
  systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
  # ... and their own Prometheus, on 127.0.0.1 with a temp store.
  systemctl disable --now prometheus.service prometheus-node-exporter.service >/dev/null 2>&1 || true
fi
