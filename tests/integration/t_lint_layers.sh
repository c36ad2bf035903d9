# The layer rules hold by themselves (README "How it is built"): nothing
# below cmd/ prints or exits, yajl stays in specs/, no include goes up.
# tests/lint/layers.py checks them; tests/lint/layers.allow lists the
# calls that only look like output, with why.

_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

test_layers_hold() {
  local out
  out=$(python3 "$_repo/tests/lint/layers.py" "$_repo" 2>&1) || fail "$out"
}

# The lint itself can fail: a printf added to a copy of runtime/ is caught.
test_layers_lint_catches_a_printf() {
  local copy=$T_DIR/tree out
  mkdir -p "$copy"
  cp -r "$_repo/runtime" "$copy/"
  printf '\nvoid sneaky(void);\nvoid sneaky(void)\n{\n\tprintf("hi\\n");\n}\n' >> "$copy/runtime/exec.c"
  out=$(python3 "$_repo/tests/lint/layers.py" "$copy" 2>&1) && fail "a printf in runtime/ passed the lint"
  assert_contains "$out" "runtime/exec.c:"
  assert_contains "$out" "sneaky(): printf()"
}

# And so can the include rules: yajl above specs/, runtime/ reaching up.
test_layers_lint_catches_yajl_and_upward_includes() {
  local copy=$T_DIR/tree out
  mkdir -p "$copy"
  cp -r "$_repo/runtime" "$copy/"
  printf '#include <yajl/yajl_tree.h>\n#include "supervisor/supervisor.h"\n' >> "$copy/runtime/misc.c"
  out=$(python3 "$_repo/tests/lint/layers.py" "$copy" 2>&1) && fail "the includes passed the lint"
  assert_contains "$out" "runtime/misc.c:"
  assert_contains "$out" "includes <yajl/yajl_tree.h>: only specs/ uses yajl"
  assert_contains "$out" "includes \"supervisor/supervisor.h\": runtime/ must not include from supervisor/"
}
