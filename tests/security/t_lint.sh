# The class, not only the instances: no open/mkdir/mount by name in
# runtime/ or supervisor/ outside runtime/safepath.c and safemount.c unless
# tests/lint/fs_calls.allow says why that path is the host's.

_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

test_fs_calls_go_through_safepath() {
  local out
  out=$(python3 "$_repo/tests/lint/fs_calls.py" "$_repo" 2>&1) || fail "$out"
}

# The lint itself can fail: a new call in a copy of the tree is caught.
test_fs_calls_lint_catches_a_new_call() {
  local copy=$T_DIR/tree out
  mkdir -p "$copy"
  cp -r "$_repo/runtime" "$_repo/supervisor" "$copy/"
  printf '\nint sneaky(const char *p);\nint sneaky(const char *p)\n{\n\treturn open(p, 0);\n}\n' >> "$copy/runtime/exec.c"
  out=$(python3 "$_repo/tests/lint/fs_calls.py" "$copy" 2>&1) && fail "a new open() passed the lint"
  assert_contains "$out" "runtime/exec.c: sneaky(): open()"
}
