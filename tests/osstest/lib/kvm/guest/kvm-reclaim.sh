# L2 workload of kvm-ppr-reclaim and kvm-ppr-fragmented, one after the
# other in one guest: dvm-ppr reclaim (fill dvm.keep + dvm.mib MiB, hold
# dvm.hold s, free dvm.mib, wait dvm.wait s, re-map: zeroes, kept data
# intact), then dvm-ppr frag (fill dvm.fmib MiB, hold dvm.fhold s, free
# every other 4 KiB page, wait dvm.fwait s, check both halves).  Markers:
# those of dvm-ppr reclaim, then of dvm-ppr frag.
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-ppr reclaim -m "$(arg mib | grep . || echo 128)" \
    -k "$(arg keep | grep . || echo 16)" -H "$(arg hold | grep . || echo 12)" \
    -w "$(arg wait | grep . || echo 6)" -s 0x9e37 || exit 1
dvm-ppr frag -m "$(arg fmib | grep . || echo 128)" \
    -H "$(arg fhold | grep . || echo 12)" -w "$(arg fwait | grep . || echo 10)" \
    -s 0xf4a6
