# Guest workload for hvm-ppr-reclaim / hvm-ppr-stock: ppr-reclaim.sh's
# workload in an HVM guest, with disk I/O through the device model: the
# first dvm.disk_mib MiB of the memory to free are written to the emulated
# disk (/dev/sda) before the free and read back into the fresh memory
# after it (dvm-ppr.c, DVM-PPR-DISK); then the disk's checksum, read
# through the page cache, for dom0 to compare with the image.
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
disk_mib=$(arg disk_mib | grep . || echo 32)
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-ppr reclaim -m "$(arg mib | grep . || echo 64)" \
    -k "$(arg keep | grep . || echo 16)" -H "$(arg hold | grep . || echo 5)" \
    -w "$(arg wait | grep . || echo 30)" -s 0x9e37 -d /dev/sda -D "$disk_mib"
rc=$?
echo "DVM-HVM-DISK sha256=$(head -c $((disk_mib << 20)) /dev/sda | sha256sum | cut -d' ' -f1)"
exit $rc
