# Images (docs/images.md): load, ls, rm, prune, pods from image references,
# and pulls from a registry on loopback.  The images are built offline by
# tests/helpers/mkimage.py from this machine's busybox.
source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

# The fixtures, built once per run (T_CACHE is shared by the run's tests).
img_fixtures() {
  IMG=$T_CACHE/images
  if [ ! -e "$IMG/summary.json" ]; then
    mkdir -p "$T_CACHE" && python3 "$T_HERE/../helpers/mkimage.py" "$IMG.tmp.$$" >/dev/null ||
      fail "mkimage.py failed"
    mv -T "$IMG.tmp.$$" "$IMG" 2>/dev/null || rm -rf "$IMG.tmp.$$"
  fi
}

# berth with the test's own image store (never the machine's /var/lib/berth).
bi() { "$BERTH" --root "$T_ROOT" --image-root "$T_DIR/store" "$@"; }
layer_count() { ls "$T_DIR/store/images/layers" | wc -l; }

# image_pod FILE PYTHON: a pod whose container "c" runs localhost/berth-test:1.
image_pod() {
  python3 - "$1" "$2" <<'PY' || fail "writing pod json"
import json, sys
path, code = sys.argv[1], sys.argv[2]
c = {"name": "c", "image": "localhost/berth-test:1", "imagePullPolicy": "Never"}
p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tp"},
     "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 2, "containers": [c]}}
exec(code)
json.dump(p, open(path, "w"), indent=1)
PY
}

# (--rm: each run of the same pod starts clean; t_pod_control.sh covers kept pods)
img_pod_run() { timeout 60 "$BERTH" --root "$T_ROOT" --image-root "$T_DIR/store" pod run --rm --log-dir "$T_DIR/logs" "$@"; }

test_image_load_every_format_names_and_shares_layers() {
  img_fixtures
  local out
  out=$(bi image load "$IMG/layout") || fail "load layout: $out"
  assert_eq "Loaded image: localhost/berth-test:1" "$out" "layout load output"
  out=$(bi image load - < "$IMG/test.oci.tar") || fail "load oci-archive from stdin: $out"
  assert_contains "$out" "localhost/berth-test:1"
  out=$(bi image load "$IMG/test.docker.tar") || fail "load docker-archive: $out"
  assert_contains "$out" "localhost/berth-test:1"
  out=$(bi image load "$IMG/test.docker-legacy.tar") || fail "load legacy docker-archive: $out"
  out=$(bi image load "$IMG/layout2") || fail "load layout2: $out"
  assert_contains "$out" "localhost/berth-test2:1"
  # image 1 has two layers, image 2 shares the first: three directories
  assert_eq 3 "$(layer_count)" "layer directories"
  out=$(bi image ls)
  assert_contains "$out" "localhost/berth-test2 "
  assert_contains "$out" "localhost/berth-test "
  out=$(bi image inspect localhost/berth-test:1)
  assert_contains "$out" '"User": "app"'
  assert_contains "$out" '"WorkingDir": "/tmp"'
}

test_image_rm_keeps_shared_layers_and_prune_removes_unused() {
  img_fixtures
  bi image load "$IMG/layout" >/dev/null && bi image load "$IMG/layout2" >/dev/null || fail "load"
  assert_eq 3 "$(layer_count)" "layer directories after two loads"
  bi image rm localhost/berth-test2:1 >/dev/null || fail "image rm"
  assert_eq 2 "$(layer_count)" "the shared base layer stays with image 1"
  bi image inspect localhost/berth-test:1 >/dev/null || fail "image 1 went with image 2"
  # an unnamed image: loaded, then its name moved to another image
  bi image load "$IMG/test.docker.tar" >/dev/null || fail "docker load"
  bi image load "$IMG/layout" >/dev/null || fail "layout reload"
  local before; before=$(bi image ls -q | wc -l)
  assert_eq 2 "$before" "images before prune (one unnamed)"
  bi image prune >/dev/null || fail "prune"
  assert_eq 1 "$(bi image ls -q | wc -l)" "images after prune"
  assert_eq 2 "$(layer_count)" "layers of the named image survive prune"
  bi image prune -a >/dev/null || fail "prune -a"
  assert_eq 0 "$(layer_count)" "layers after prune -a"
  [ -z "$(ls "$T_DIR/store/images/blobs/sha256")" ] || fail "blobs left: $(ls "$T_DIR/store/images/blobs/sha256")"
}

test_image_concurrent_loads_of_one_image_unpack_each_layer_once() {
  img_fixtures
  local pids=() i
  for i in 1 2 3 4; do
    bi image load "$IMG/test.oci.tar" > "$T_DIR/load.$i" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || fail "load $((i + 1)) failed: $(cat "$T_DIR/load.$((i + 1))")"
  done
  assert_eq 2 "$(layer_count)" "layer directories"
  assert_eq 1 "$(bi image ls -q | wc -l)" "images"
  [ -z "$(ls "$T_DIR/store/images/tmp")" ] || fail "tmp/ not empty: $(ls "$T_DIR/store/images/tmp")"
}

test_image_rm_of_a_missing_image_fails() {
  local out
  out=$(bi image rm localhost/nope:1 2>&1) && fail "rm of a missing image succeeded"
  assert_contains "$out" "localhost/nope:1"
  assert_contains "$out" "not in the store"
}

test_image_pod_applies_the_image_config() {
  img_fixtures
  bi image load "$IMG/layout" >/dev/null || fail "load"
  # args only: Entrypoint (sh -c) + args; image Env under the pod's env;
  # WorkingDir; User app (1000) with supplementary group extra (2000)
  image_pod "$T_DIR/pod.json" '
c["args"] = ["echo A=$A B=$B uid=$(id -u) gid=$(id -g) groups=$(id -G) pwd=$(pwd)"]
c["env"] = [{"name": "B", "value": "pod"}]'
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "A=image B=pod uid=1000 gid=1000 groups=1000 2000 pwd=/tmp"
  assert_pod_gone tp
}

test_image_pod_default_command_is_entrypoint_plus_cmd() {
  img_fixtures
  bi image load "$IMG/layout" >/dev/null || fail "load"
  image_pod "$T_DIR/pod.json" ''
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "[c] image-cmd"
  # command alone drops the image's Cmd too
  image_pod "$T_DIR/pod.json" 'c["command"] = ["/bin/echo", "only-command"]'
  out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "[c] only-command"
  assert_not_contains "$out" "image-cmd"
  # command and args: both the pod's
  image_pod "$T_DIR/pod.json" 'c["command"] = ["/bin/echo", "cmd"]; c["args"] = ["and-args"]'
  out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "[c] cmd and-args"
  # runAsUser overrides the image user, and its gid comes from the image's passwd
  image_pod "$T_DIR/pod.json" '
c["args"] = ["echo uid=$(id -u) gid=$(id -g)"]
c["securityContext"] = {"runAsUser": 0}'
  out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "uid=0 gid=0"
}

test_image_pod_sees_layers_whiteouts_and_file_modes() {
  img_fixtures
  bi image load "$IMG/layout" >/dev/null || fail "load"
  image_pod "$T_DIR/pod.json" '
c["command"] = ["/bin/sh", "-c", "echo data=$(ls /data) opq=$(ls /opq); stat -c %a /bin/suid; [ /bin/busybox -ef /bin/busybox-hl ] && echo hardlinked; cat /etc/motd2; echo changed > /etc/motd; cat /etc/motd"]
c["securityContext"] = {"runAsUser": 0}'
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "[c] data=keep opq=new1"
  assert_contains "$out" "[c] 4755"
  assert_contains "$out" "[c] hardlinked"
  assert_contains "$out" "[c] layer2"
  assert_contains "$out" "[c] changed"
  # the write went to the container's own layer, not the store
  grep -rqs changed "$T_DIR/store/images/layers/"*/etc/motd && fail "the image's layer was written to"
  true
}

test_image_pull_policy_never_with_a_missing_image_is_a_clear_error() {
  image_pod "$T_DIR/pod.json" ''
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) && fail "pod run succeeded: $out"
  assert_contains "$out" "localhost/berth-test:1 is not in the store and imagePullPolicy is Never"
  assert_pod_gone tp
}

test_image_rm_refuses_an_image_a_pod_uses() {
  img_fixtures
  bi image load "$IMG/layout" >/dev/null || fail "load"
  image_pod "$T_DIR/pod.json" 'c["command"] = ["sleep", "30"]'
  bi pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local out; out=$(bi image rm localhost/berth-test:1 2>&1) && fail "rm of a pinned image succeeded"
  assert_contains "$out" "in use by a pod"
  bi image prune -a >/dev/null || fail "prune -a"
  assert_eq 2 "$(layer_count)" "layers of the pinned image after prune -a"
  bi pod rm -f -t 0 tp >/dev/null || fail "pod rm"
  bi image rm localhost/berth-test:1 >/dev/null || fail "rm once the pod is gone"
  assert_eq 0 "$(layer_count)" "layers after rm"
}

test_image_hostile_layouts_are_refused_and_leave_nothing() {
  img_fixtures
  local c out
  for c in dotdot absolute symlink-escape symlink-rel-escape hardlink-outside bad-layer-digest \
           bad-diffid truncated-gzip bad-size digest-traversal; do
    out=$(bi image load "$IMG/hostile/$c" 2>&1) && fail "$c: loaded: $out"
    [ -n "$out" ] || fail "$c: no error message"
    assert_eq 0 "$(layer_count)" "$c: layer directories"
    [ -z "$(ls "$T_DIR/store/images/tmp")" ] || fail "$c: tmp/ not empty"
    [ -z "$(ls "$T_DIR/store/images/images")" ] || fail "$c: an image record"
  done
  [ ! -e /etc/x ] || fail "/etc/x exists"
}

# ---- a registry on loopback (Debian's docker-registry) -----------------

# start_registry: REG=127.0.0.1:PORT serving from $T_DIR/registry, inside
# the test's own network namespace; skopeo pushes image 1 (and the
# multi-arch index) there.
start_registry() {
  command -v docker-registry >/dev/null || skip "docker-registry is not installed"
  command -v skopeo >/dev/null || skip "skopeo is not installed"
  img_fixtures
  local port=5000
  REG=127.0.0.1:$port
  cat > "$T_DIR/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $T_DIR/registry
http:
  addr: $REG
YML
  docker-registry serve "$T_DIR/registry.yml" > "$T_DIR/registry.log" 2>&1 &
  REG_PID=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  skopeo copy --quiet --dest-tls-verify=false "oci:$IMG/layout:localhost/berth-test:1" \
    "docker://$REG/berth/test:1" >/dev/null 2>"$T_DIR/push.err" || fail "push: $(cat "$T_DIR/push.err")"
  # a registries.conf that marks it insecure, as a user would for pods
  cat > "$T_DIR/registries.conf" <<CONF
[[registry]]
location = "$REG"
insecure = true
CONF
  export CONTAINERS_REGISTRIES_CONF=$T_DIR/registries.conf
}

stop_registry() { kill "$REG_PID" 2>/dev/null; wait "$REG_PID" 2>/dev/null || true; }

test_image_pull_by_tag_and_digest_from_a_local_registry() {
  start_registry
  local out id
  out=$(bi image pull --tls-verify=false "$REG/berth/test:1" 2>&1) || fail "pull by tag: $out"
  id=$(printf '%s\n' "$out" | tail -1)
  [[ "$id" == sha256:* ]] || fail "pull printed no image ID: $out"
  assert_contains "$(bi image ls)" "$REG/berth/test "
  assert_eq 2 "$(layer_count)" "layer directories"
  local digest
  digest=$(skopeo inspect --tls-verify=false "docker://$REG/berth/test:1" |
           python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])') || fail "skopeo inspect"
  out=$(bi image pull --tls-verify=false "$REG/berth/test@$digest" 2>&1) || fail "pull by digest: $out"
  bi image inspect "$REG/berth/test@$digest" >/dev/null || fail "no image by digest"
  assert_eq 2 "$(layer_count)" "layers after the second pull (shared)"
  # a multi-arch index: the host's entry is picked
  skopeo copy --quiet --all --dest-tls-verify=false "oci:$IMG/multi:localhost/berth-multi:1" \
    "docker://$REG/berth/multi:1" >/dev/null 2>"$T_DIR/push.err" || fail "push multi: $(cat "$T_DIR/push.err")"
  out=$(bi image pull --tls-verify=false "$REG/berth/multi:1" 2>&1) || fail "pull multi: $out"
  out=$(bi image inspect "$REG/berth/multi:1")
  assert_contains "$out" "\"Architecture\": \"$(python3 -c 'import json; print(json.load(open("'"$IMG"'/summary.json"))["host_arch"])')\""
  stop_registry
}

test_image_pull_errors_say_what_failed() {
  start_registry
  local out
  out=$(bi image pull --tls-verify=false "$REG/berth/nope:1" 2>&1) && fail "pulled a missing image"
  assert_contains "$out" "$REG/berth/nope:1"
  assert_contains "$out" "skopeo failed"
  out=$(PATH=/nonexistent "$BERTH" --root "$T_ROOT" --image-root "$T_DIR/store" image pull "$REG/berth/test:1" 2>&1) &&
    fail "pulled without skopeo"
  assert_contains "$out" "skopeo is not installed"
  [ -z "$(ls "$T_DIR/store/images/tmp")" ] || fail "tmp/ not empty"
  stop_registry
}

test_image_pod_pull_then_offline() {
  start_registry
  image_pod "$T_DIR/pod.json" "
c['image'] = '$REG/berth/test:1'
del c['imagePullPolicy']
c['args'] = ['echo pulled-and-ran']"
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "[c] pulled-and-ran"
  assert_contains "$(events)" '"type":"pulled"'
  stop_registry
  # the tag is not latest: IfNotPresent by default, so no registry needed now
  rm -rf "$T_DIR/logs"
  out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run without the registry: $out"
  assert_contains "$out" "[c] pulled-and-ran"
  assert_not_contains "$(events)" '"type":"pulling"'
  # Always must go to the registry, and fails without it
  image_pod "$T_DIR/pod.json" "
c['image'] = '$REG/berth/test:1'
c['imagePullPolicy'] = 'Always'
c['args'] = ['echo x']"
  out=$(img_pod_run "$T_DIR/pod.json" 2>&1) && fail "Always ran without the registry: $out"
  assert_contains "$out" "skopeo failed"
  assert_pod_gone tp
}

# ---- crash safety ----------------------------------------------------------

# big_layout DIR: an OCI layout whose one uncompressed layer holds 1500
# files of 40 KiB (~60 MB), slow enough to kill the unpack half-way.
big_layout() {
  python3 - "$1" <<'PY' || fail "writing the big layout"
import hashlib, io, json, os, random, sys, tarfile
out = sys.argv[1]
os.makedirs(out + "/blobs/sha256", exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d, len(data)
rng = random.Random(7)
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for i in range(1500):
        data = rng.randbytes(40960)
        ti = tarfile.TarInfo(f"big/f{i:05d}")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
layer = buf.getvalue()
ld, ls = put(layer)
arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
cfg = {"architecture": arch, "os": "linux", "config": {},
       "rootfs": {"type": "layers", "diff_ids": [ld]}}
cd, cs = put(json.dumps(cfg).encode())
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": ls}]}
md, ms = put(json.dumps(man).encode())
idx = {"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": md, "size": ms,
       "annotations": {"org.opencontainers.image.ref.name": "localhost/big:1"}}]}
open(out + "/index.json", "w").write(json.dumps(idx))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
print(ld)
PY
}

test_image_load_killed_mid_unpack_leaves_a_consistent_store() {
  local diff hex pid caught=
  diff=$(big_layout "$T_DIR/big") || fail "big layout"
  hex=${diff#sha256:}
  for _ in 1 2 3 4 5; do
    bi image load "$T_DIR/big" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 400); do
      { compgen -G "$T_DIR/store/images/tmp/layer-*" || compgen -G "$T_DIR/store/images/layers/*"; } \
        >/dev/null && { caught=1; break; }
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.005
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -n "$caught" ] && break
    bi image prune -a >/dev/null
  done
  [ -n "$caught" ] || skip "the unpack finished before it could be killed, five times"
  # nothing half-made looks complete: a layer directory is whole or absent
  if [ -e "$T_DIR/store/images/layers/$hex" ]; then
    assert_eq 1500 "$(ls "$T_DIR/store/images/layers/$hex/big" | wc -l)" "files in the killed load's layer"
  fi
  # loading again works, and the layer is whole
  bi image load "$T_DIR/big" >/dev/null || fail "load after the kill"
  assert_eq 1500 "$(ls "$T_DIR/store/images/layers/$hex/big" | wc -l)" "files in the layer"
  # an exclusive holder (prune) clears what the killed load left in tmp/
  bi image prune >/dev/null || fail "prune"
  [ -z "$(ls "$T_DIR/store/images/tmp")" ] || fail "tmp/ not swept: $(ls "$T_DIR/store/images/tmp")"
  bi image inspect localhost/big:1 >/dev/null || fail "prune removed the named image"
}

# ---- many layers -------------------------------------------------------------

# layered_layout DIR N: busybox's base layer from the fixtures, then N-1
# one-file layers (l/NN), so the overlay has N lowers: more than one
# mount(2) option page holds as full paths.
layered_layout() {
  python3 - "$1" "$2" "$IMG" <<'PY' || fail "writing the layered layout"
import hashlib, io, json, os, sys, tarfile
out, n, img = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out + "/blobs/sha256", exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d, len(data)
summ = json.load(open(img + "/summary.json"))["images"]["layout"]
base = open(f"{img}/layout/blobs/sha256/{summ['layers'][0][7:]}", "rb").read()
layers = [(put(base), summ["layer_media_types"][0], summ["diff_ids"][0])]
for i in range(1, n):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo(f"l/{i:03d}")
        t.addfile(ti, io.BytesIO(b""))
    (d, s) = put(buf.getvalue())
    layers.append(((d, s), "application/vnd.oci.image.layer.v1.tar", d))
arch = json.load(open(img + "/summary.json"))["host_arch"]
cfg = {"architecture": arch, "os": "linux", "config": {"Env": ["PATH=/bin"]},
       "rootfs": {"type": "layers", "diff_ids": [l[2] for l in layers]}}
cd, cs = put(json.dumps(cfg).encode())
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
       "layers": [{"mediaType": l[1], "digest": l[0][0], "size": l[0][1]} for l in layers]}
md, ms = put(json.dumps(man).encode())
idx = {"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": md, "size": ms,
       "annotations": {"org.opencontainers.image.ref.name": "localhost/layered:1"}}]}
open(out + "/index.json", "w").write(json.dumps(idx))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
}

test_image_with_many_layers_runs() {
  img_fixtures
  layered_layout "$T_DIR/layered" 50
  bi image load "$T_DIR/layered" >/dev/null || fail "load"
  assert_eq 50 "$(layer_count)" "layer directories"
  image_pod "$T_DIR/pod.json" '
c["image"] = "localhost/layered:1"
c["command"] = ["/bin/sh", "-c", "echo layers=$(ls /l | wc -l)"]'
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "[c] layers=49"
  assert_pod_gone tp
}

test_image_errors_show_control_bytes_from_archives_escaped() {
  python3 - "$T_DIR/ctl.tar" <<'PY' || fail "writing the archive"
import io, json, sys, tarfile
m = json.dumps([{"Config": "x\n\x1b[31mred", "RepoTags": [], "Layers": ["l.tar"]}]).encode()
with tarfile.open(sys.argv[1], "w") as t:
    ti = tarfile.TarInfo("manifest.json"); ti.size = len(m); t.addfile(ti, io.BytesIO(m))
PY
  local out; out=$(bi image load "$T_DIR/ctl.tar" 2>&1) && fail "loaded: $out"
  assert_contains "$out" 'x\x0a\x1b[31mred'
  [ "$(printf '%s' "$out" | wc -l)" -eq 0 ] || fail "the message spans lines: $out"
  printf '%s' "$out" | grep -q $'\x1b' && fail "a raw escape reached the terminal"
  true
}

# ---- review findings ---------------------------------------------------------

# extra_layout DIR PYTHON: image 1's layers plus one more layer whose tar
# entries PYTHON appends to `es` (tarfile.TarInfo objects, data in `data`),
# and an image config edited by PYTHON through `cfg`; named localhost/extra:1.
extra_layout() {
  python3 - "$1" "$2" "$IMG" <<'PY' || fail "writing the layout"
import hashlib, io, json, os, sys, tarfile
out, code, img = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out + "/blobs/sha256", exist_ok=True)
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(b)
    return "sha256:" + d, len(b)
summ = json.load(open(img + "/summary.json"))
one = summ["images"]["layout"]
layers = []
for dg, mt, di in zip(one["layers"], one["layer_media_types"], one["diff_ids"]):
    b = open(f"{img}/layout/blobs/sha256/{dg[7:]}", "rb").read()
    d, n = put(b)
    layers.append({"mediaType": mt, "digest": d, "size": n, "diff": di})
es, data, cfg = [], {}, {"Env": ["PATH=/bin"], "User": "app"}
repeat = 0
exec(code)
if es:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti in es:
            t.addfile(ti, io.BytesIO(data.get(ti.name, b"")))
    d, n = put(buf.getvalue())
    layers += [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": n, "diff": d}] * (1 + repeat)
c = {"architecture": summ["host_arch"], "os": "linux", "config": cfg,
     "rootfs": {"type": "layers", "diff_ids": [l["diff"] for l in layers]}}
cd, cs = put(json.dumps(c).encode())
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
     "layers": [{k: l[k] for k in ("mediaType", "digest", "size")} for l in layers]}
md, ms = put(json.dumps(m).encode())
idx = {"schemaVersion": 2, "manifests": [{"mediaType": m["mediaType"], "digest": md, "size": ms,
       "annotations": {"org.opencontainers.image.ref.name": "localhost/extra:1"}}]}
open(out + "/index.json", "w").write(json.dumps(idx))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
}

test_image_passwd_that_is_a_device_is_never_opened() {
  img_fixtures
  extra_layout "$T_DIR/x" '
ti = tarfile.TarInfo("etc/passwd"); ti.type = tarfile.CHRTYPE; ti.devmajor, ti.devminor = 1, 3
es.append(ti)'
  bi image load "$T_DIR/x" >/dev/null || fail "load"
  image_pod "$T_DIR/pod.json" 'c["image"] = "localhost/extra:1"; c["command"] = ["true"]'
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) && fail "ran with a device as /etc/passwd: $out"
  assert_contains "$out" "/etc/passwd is not a regular file"
  assert_pod_gone tp
}

test_image_with_a_layer_listed_twice_runs() {
  img_fixtures
  extra_layout "$T_DIR/x" '
ti = tarfile.TarInfo("etc/twice"); ti.size = 6; data["etc/twice"] = b"twice\n"
es.append(ti)
repeat = 1'
  bi image load "$T_DIR/x" >/dev/null || fail "load"
  image_pod "$T_DIR/pod.json" 'c["image"] = "localhost/extra:1"; c["command"] = ["cat", "/etc/twice"]'
  local out; out=$(img_pod_run "$T_DIR/pod.json" 2>&1) || fail "pod run: $out"
  assert_contains "$out" "[c] twice"
}

test_image_prune_keeps_layers_a_mount_still_uses() {
  img_fixtures
  bi image load "$IMG/layout" >/dev/null || fail "load"
  image_pod "$T_DIR/pod.json" 'c["command"] = ["sleep", "60"]'
  (exec "$BERTH" --root "$T_ROOT" --image-root "$T_DIR/store" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" \
    > "$T_DIR/out" 2>&1) &
  local sup=$!
  wait_event container-started
  # a supervisor killed outright drops its pin; its container and overlay stay
  kill -9 "$sup"; wait "$sup" 2>/dev/null
  bi image prune -a >/dev/null || fail "prune -a"
  assert_eq 2 "$(layer_count)" "layers of the still-mounted image after prune -a"
  bi pod rm -f -t 0 tp >/dev/null 2>&1
  bi image prune -a >/dev/null || fail "second prune"
  assert_eq 0 "$(layer_count)" "layers once nothing mounts them"
}
