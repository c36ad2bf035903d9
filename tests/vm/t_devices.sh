# The eBPF device filter under the guest's real cgroup v2: the same tests as
# on the host.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/t_cgroups_host.sh"
unset -f test_unavailable_controller_is_a_clear_error test_kill_all_reaches_every_process
