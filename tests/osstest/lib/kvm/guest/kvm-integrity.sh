# L2 workload of kvm-ppr-integrity: dvm.procs processes (default 4) churn
# dvm.mib MiB each (default 16) for dvm.secs seconds (default 120) as in
# ppr-integrity, while dvm-disk reads the virtio disk /dev/vda into
# freshly mapped pages (O_DIRECT: QEMU writes the guest's new pages) and
# through a dropped page cache, and checks every block.  Final marker:
#   DVM-KVM-INTEGRITY result=pass|fail churn_rc=N disk_rc=N
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
secs=$(arg secs | grep . || echo 120)
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-disk churn /dev/vda "$secs" "$(arg diskmib | grep . || echo 8)" \
    "$(arg diskseed | grep . || echo 0xd15c)" > /tmp/disk.out 2>&1 &
disk=$!
dvm-ppr churn -p "$(arg procs | grep . || echo 4)" \
    -m "$(arg mib | grep . || echo 16)" -t "$secs" -s 0x5eed
churn_rc=$?
wait $disk
disk_rc=$?
cat /tmp/disk.out
dvm-ppr stats -t end
result=pass
[ $churn_rc = 0 ] && [ $disk_rc = 0 ] || result=fail
echo "DVM-KVM-INTEGRITY result=$result churn_rc=$churn_rc disk_rc=$disk_rc"
[ $result = pass ]
