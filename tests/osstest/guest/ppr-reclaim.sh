# Guest workload for ppr-reclaim / ppr-stock: fill dvm.mib MiB (default 64)
# and keep dvm.keep MiB (default 16), hold dvm.hold s (default 5), free the
# dvm.mib MiB, wait dvm.wait s (default 30), map it again: zeroes, then own
# data; kept data intact.  Markers: see dvm-ppr.c (DVM-PPR-ALLOCATED,
# DVM-PPR-FREED, DVM-PPR-WAIT, DVM-PPR-WAITED, DVM-PPR-RECLAIM result=).
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-ppr reclaim -m "$(arg mib | grep . || echo 64)" \
    -k "$(arg keep | grep . || echo 16)" -H "$(arg hold | grep . || echo 5)" \
    -w "$(arg wait | grep . || echo 30)" -s 0x9e37
