# Guest workload for ppr-integrity: dvm.procs processes (default 4) churn
# up to dvm.mib MiB each (default 16) for dvm.secs seconds (default 180):
# write patterns, hold some across scan periods, verify, drop and re-touch
# ranges (zeroes), tmpfs files.  Final marker:
#   DVM-PPR-CHURN result=pass|fail ... mismatches=N
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-ppr churn -p "$(arg procs | grep . || echo 4)" \
    -m "$(arg mib | grep . || echo 16)" -t "$(arg secs | grep . || echo 180)" \
    -s 0x5eed
