# Guest workload for the PageONE jobs: fill dvm.po_mib MiB from seed
# dvm.po_seed (same seed, same pages in every guest), then obey commands
# that dom0 writes to this console (see guest-tools/dvm-pageone.c).
mib=$(sed -n 's/.*dvm\.po_mib=\([0-9]*\).*/\1/p' /proc/cmdline)
seed=$(sed -n 's/.*dvm\.po_seed=\([0-9]*\).*/\1/p' /proc/cmdline)
stty -echo 2>/dev/null
dvm-pageone "${mib:-32}" "${seed:-1}"
