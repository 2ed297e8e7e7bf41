# Guest workload for bench-ppr-overhead: dvm-ppr bench with dvm.mib MiB
# (default 32) for dvm.secs s (default 30).  PPR on or off is the guest
# kernel's own switch (ppr=off on its command line).
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr bench -m "$(arg mib | grep . || echo 32)" \
    -t "$(arg secs | grep . || echo 30)"
