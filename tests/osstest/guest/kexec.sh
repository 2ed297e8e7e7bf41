# Guest workload for ppr-kexec: fill, free and re-touch dvm.free MiB
# (default 64) as ppr-reclaim does, so that Xen has taken pages back by
# this registration's array, then kexec into the same kernel and
# initramfs (/dvm/kexec, which dom0 appends to this guest's initramfs)
# with this command line but dvm.run=ppr-hold.  The kexec shuts the
# domain down for a soft reset, which dom0 does; the second kernel then
# boots through its PVH entry (guest-tools/dvm-kexec.c) and registers.
# Markers: dvm-ppr reclaim's, then dvm-kexec's DVM-KEXEC-LOADED.
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dvm-ppr stats -t boot
dvm-ppr reclaim -m "$(arg free | grep . || echo 64)" -k 16 -H 2 -w 10 \
    -s 0x6b78 || exit 1
# The ELF kernel inside the bzImage, and the RSDP that Xen's start info
# gave this kernel (the next one gets it the same way).
dvm-kexec payload /dvm/kexec/bzImage | gunzip > /tmp/vmlinux || exit 1
rsdp=$(dmesg | sed -n 's/.*ACPI: RSDP \(0x[0-9A-Fa-f]*\) .*/\1/p' | head -n 1)
echo "DVM-KEXEC-PREP vmlinux_bytes=$(wc -c < /tmp/vmlinux) rsdp=${rsdp:-none}"
# Freed just now, so FREE in the array when the kexec starts.
dvm-ppr stats -t kexec
next=$(sed 's/dvm\.run=kexec/dvm.run=ppr-hold/' /proc/cmdline)
exec dvm-kexec pvh /tmp/vmlinux /dvm/kexec/initrd.gz "${rsdp:-0}" "$next"
