# Guest workload for PPR + xl save/restore: keep dvm.mib MiB (default 32)
# of data, free as much again, check the kept data every second for
# dvm.secs s (default 120; dom0 saves and restores the guest meanwhile),
# then map fresh memory.  Final marker: DVM-PPR-HOLD result=pass|fail ...
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-ppr hold -m "$(arg mib | grep . || echo 32)" \
    -t "$(arg secs | grep . || echo 120)" -s 0x501d
