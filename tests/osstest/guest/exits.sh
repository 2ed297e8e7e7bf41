# Guest workload for test-amd64-fork-boot's world-switch step: a #VMEXIT
# and a VMRUN per CPUID for dvm.exits_secs seconds (default 60).
secs=$(sed -n 's/.*dvm\.exits_secs=\([0-9]*\).*/\1/p' /proc/cmdline)
dvm-exits "${secs:-60}"
