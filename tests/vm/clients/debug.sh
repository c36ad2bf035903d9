# Sourced by tests/vm/t_podman.sh and t_containerd.sh.
#
# client_debug_wrapper DIR: write DIR/berth-debug, a runtime for a client to
# call instead of berth, and print its path.  It appends every call's argv to
# DIR/berth-calls.log, keeps a copy of each created bundle's config.json as
# DIR/configs/ID.json, and runs berth with `--debug --log DIR/berth-debug.log`
# placed after the client's own global options (berth takes the last --log,
# so the debug trace lands in our file, not the client's log).
# BERTH_CLIENT_DEBUG_DIR (e.g. a directory on the share) is used instead of
# DIR when set, so the logs outlive the guest.
client_debug_wrapper() {
  local dir=${BERTH_CLIENT_DEBUG_DIR:-$1}
  mkdir -p "$dir/configs"
  cat > "$1/berth-debug" <<EOF
#!/bin/bash
dir='$dir'
echo "\$(date +%T.%N) berth \$*" >> "\$dir/berth-calls.log"
pre=()
while [ \$# -gt 0 ]; do
  case \$1 in
  --root | --log | --log-format | --cgroup-manager) pre+=("\$1" "\$2"); shift 2 ;;
  -*) pre+=("\$1"); shift ;;
  *) break ;;
  esac
done
if [ "\${1:-}" = create ]; then
  prev= bundle=. id=
  for a in "\$@"; do
    if [ "\$prev" = --bundle ] || [ "\$prev" = -b ]; then bundle=\$a; fi
    prev=\$a id=\$a
  done
  cp "\$bundle/config.json" "\$dir/configs/\$id.json" 2>/dev/null
fi
exec '$BERTH' "\${pre[@]}" --debug --log "\$dir/berth-debug.log" "\$@"
EOF
  chmod +x "$1/berth-debug"
  echo "$1/berth-debug"
}
