# Guest workload for ppr-fragmented: fill dvm.mib MiB (default 128), hold
# dvm.hold s (default 5), MADV_DONTNEED every other 4 KiB page, wait
# dvm.wait s (default 30), check kept pages and zeroed ones.  Markers:
#   DVM-PPR-FRAG-ALLOCATED, DVM-PPR-FRAG-FREED pages=N,
#   DVM-PPR-FRAG result=pass|fail freed_pages=N ...
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-ppr frag -m "$(arg mib | grep . || echo 128)" \
    -H "$(arg hold | grep . || echo 5)" -w "$(arg wait | grep . || echo 30)" \
    -s 0xf4a6
