#!/usr/bin/env bash
# Dynamic VM: the virtio-balloon free page reporting (FPR) row of the
# reclaim benchmark.  A plain Linux guest run directly by QEMU (TCG, no
# Xen): Debian's stock kernel (the dom0 kernel package) with virtio_balloon
# loaded and QEMU's -device virtio-balloon-pci,free-page-reporting=on.  It
# runs the same guest workload as the PPR jobs (dvm-ppr from the guest
# initramfs) while this script samples QEMU's resident memory every 100 ms.
#
#   scripts/bench-fpr.sh OUTDIR reclaim|frag [MIB]
#
# reclaim: fill 16 MiB (kept) + MIB, free MIB;  frag: fill MIB, free every
# other 4 KiB page.  Writes OUTDIR/fpr-<mode>/{serial.log,rss.txt},
# OUTDIR/fpr-<mode>.dat (seconds after the free, MiB returned) and prints
# one line:
#   FPR mode=M freed_kib=K returned_kib=R fraction=F t50_s=A t95_s=B
# (t50/t95: seconds from the guest's "freed" marker until QEMU's RSS fell
# by 50%/95% of what was freed; "-" if never).  Needs `make build` first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: bench-fpr.sh OUTDIR reclaim\|frag [MIB]}
mode=${2:?usage: bench-fpr.sh OUTDIR reclaim\|frag [MIB]}
mib=${3:-128}
case "$mode" in
    reclaim) wl=ppr-reclaim; marker='^DVM-PPR-FREED ' ;;
    frag)    wl=ppr-fragmented; marker='^DVM-PPR-FRAG-FREED ' ;;
    *) die "bench-fpr: unknown mode $mode (reclaim or frag)" ;;
esac

kdir=$DVM_BUILD/dom0-kernel
mods=$kdir/lib/modules/$DOM0_KERNEL_ABI/kernel/drivers/virtio
kernel=$DVM_BUILD/boot/vmlinuz-dom0
initrd=$DVM_BUILD/boot/guest.cpio.gz
for f in "$kernel" "$initrd" "$mods/virtio_balloon.ko"; do
    [ -f "$f" ] || die "bench-fpr: $f missing (run make build)"
done

o=$out/fpr-$mode
rm -rf "$o"; mkdir -p "$o/root/lib/modules" "$o/root/dvm/guest"

# An extra initramfs appended to the guest's: the virtio modules and a
# workload that loads them, then runs the PPR workload unchanged.
for m in virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev \
         virtio_pci virtio_balloon; do
    cp "$mods/$m.ko" "$o/root/lib/modules/"
done
cat > "$o/root/dvm/guest/fpr.sh" <<'EOF'
# virtio-balloon free page reporting guest (scripts/bench-fpr.sh)
for m in virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev \
         virtio_pci virtio_balloon; do
    insmod "/lib/modules/$m.ko" || echo "DVM-FPR insmod $m failed"
done
echo "DVM-FPR-BALLOON devices=$(ls /sys/bus/virtio/drivers/virtio_balloon 2>/dev/null | grep -c virtio)"
sh "/dvm/guest/$(sed -n 's/.*dvm\.fpr=\([^ ]*\).*/\1/p' /proc/cmdline).sh"
EOF
(cd "$o/root" && find . | cpio -o -H newc --quiet | gzip -9) > "$o/extra.cpio.gz"
cat "$initrd" "$o/extra.cpio.gz" > "$o/initrd.gz"
rm -rf "$o/root"

log "FPR $mode: QEMU guest, ${mib} MiB"
serial=$o/serial.log
: > "$serial"
timeout -s KILL 600 "${DVM_QEMU:-$DVM_BUILD/qemu/qemu-system-x86_64}" -machine q35 -cpu qemu64 -m 1024 \
    -smp 1 -display none -no-reboot -monitor none -serial "file:$serial" \
    -kernel "$kernel" -initrd "$o/initrd.gz" \
    -device virtio-balloon-pci,free-page-reporting=on \
    -append "console=ttyS0 quiet dvm.run=fpr dvm.fpr=$wl dvm.mib=$mib dvm.keep=16 dvm.hold=5 dvm.wait=20" &
tpid=$!
qpid=
for _ in $(seq 50); do
    qpid=$(pgrep -P "$tpid" qemu-system || true)
    [ -n "$qpid" ] && break
    sleep 0.1
done
[ -n "$qpid" ] || die "bench-fpr: QEMU did not start"

# Sample QEMU's RSS (KiB) every 100 ms; note when the guest freed.
t0=$(date +%s%N); tfree=
while kill -0 "$qpid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$qpid/status" 2>/dev/null) || break
    now=$(date +%s%N)
    echo "$(( (now - t0) / 1000000 )) ${rss:-0}"
    if [ -z "$tfree" ] && grep -qa "$marker" "$serial"; then
        tfree=$(( (now - t0) / 1000000 ))
        echo "# freed $tfree"
    fi
    sleep 0.1
done > "$o/rss.txt"
wait "$tpid" || true

grep -qa '^DVM-FPR-BALLOON devices=[1-9]' "$serial" ||
    die "bench-fpr: the guest has no virtio-balloon device (see $serial)"
grep -qa "^DVM-GUEST-DONE run=fpr rc=0" "$serial" ||
    die "bench-fpr: the guest workload failed (see $serial)"
tfree=$(sed -n 's/^# freed //p' "$o/rss.txt")
[ -n "$tfree" ] || die "bench-fpr: no free marker seen (see $serial)"

# What the guest freed, in KiB: MIB, or the pages the frag test dropped.
if [ "$mode" = frag ]; then
    freed=$(( $(sed -n 's/^DVM-PPR-FRAG-FREED pages=\([0-9]*\).*/\1/p' "$serial" | tr -d '\r') * 4 ))
else
    freed=$((mib * 1024))
fi

# RSS when the guest freed (last sample at or before the marker), then the
# lowest RSS until the guest re-maps the memory (end of its wait).
awk -v tf="$tfree" -v freed="$freed" -v mode="$mode" -v dat="$out/fpr-$mode.dat" '
    /^#/ { next }
    $1 <= tf { base = $2; next }
    $1 > tf + 20000 { next }
    {
        ret = base - $2
        printf "%.1f %.1f\n", ($1 - tf) / 1000, ret / 1024 > dat
        if ( ret > best ) best = ret
        if ( t50 == "" && ret >= freed * 0.5 ) t50 = ($1 - tf) / 1000
        if ( t95 == "" && ret >= freed * 0.95 ) t95 = ($1 - tf) / 1000
    }
    END {
        if ( best < 0 ) best = 0
        printf "FPR mode=%s freed_kib=%d returned_kib=%d fraction=%.3f " \
               "t50_s=%s t95_s=%s\n", mode, freed, best, best / freed,
               t50 == "" ? "-" : sprintf("%.1f", t50),
               t95 == "" ? "-" : sprintf("%.1f", t95)
    }' "$o/rss.txt" | tee "$o/result.txt"
