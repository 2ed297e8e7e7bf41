#!/usr/bin/env bash
# Dynamic VM: the L1 KVM host the kvm-* jobs and the KVM bench boot under
# QEMU: Debian's stock kernel (DOM0_KERNEL_PKG, booted with -kernel) and
# an initramfs holding busybox, the kvm modules of scripts/build-kvm.sh
# and Debian's stock ones, Debian's qemu-system-x86_64 (the host's
# binary, with its library closure and firmware), our guest kernel and
# initramfs for the L2 guests, the job scripts and tools.
# Needs: $DVM_BUILD/kvm/ (build-kvm.sh), $DVM_BUILD/guest/bzImage and
# $DVM_BUILD/boot/guest.cpio.gz (build-guest-kernel.sh, build-initramfs.sh).
# Output: $DVM_BUILD/kvm-l1/{vmlinuz,l1.cpio.gz}, cached in
# $DVM_CACHE/kvm-l1/<hash>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

abi=$DOM0_KERNEL_ABI
kl=$TOP/tests/osstest/lib/kvm
qemu=/usr/bin/qemu-system-x86_64
busybox=/bin/busybox
out=$DVM_BUILD/kvm-l1
mkdir -p "$out"
for f in "$DVM_BUILD/kvm/kvm.ko" "$DVM_BUILD/kvm/stock/kvm.ko" \
         "$DVM_BUILD/guest/bzImage" "$DVM_BUILD/boot/guest.cpio.gz" "$qemu"; do
    [ -e "$f" ] || die "missing $f (build it first)"
done
file -L "$busybox" | grep -q 'statically linked' ||
    die "$busybox is not busybox-static"

key=$( (hash_inputs Config.mk scripts/build-kvm-l1.sh scripts/lib.sh \
            tests/osstest/lib/kvm $(cd "$TOP" && ls -d tests/osstest/jobs/kvm-*) \
            tools/kvm-ppr
        sha256sum "$DVM_BUILD"/kvm/*.ko "$DVM_BUILD"/kvm/stock/*.ko \
            "$DVM_BUILD/guest/bzImage" "$DVM_BUILD/boot/guest.cpio.gz" \
            "$busybox" "$qemu" | cut -d' ' -f1
        dpkg-query -W qemu-system-x86 qemu-system-data seabios) |
       sha256sum | cut -c1-16)
cache=$DVM_CACHE/kvm-l1/$key
if [ -f "$cache/l1.cpio.gz" ]; then
    cp "$cache"/* "$out/"
    log "kvm L1 image: cached ($key)"
    exit 0
fi

work=$DVM_BUILD/kvm-l1-work
rm -rf "$work"; mkdir -p "$work"
r=$work/root
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,var/log} \
         "$r/dvm/jobs" "$r/dvm/l2" "$r/lib/dvm/kvm" "$r/lib/dvm/stock" \
         "$r/lib/dvm/deps"
cp "$busybox" "$r/bin/busybox"
for a in $("$busybox" --list-full); do
    [ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
done

# The stock kernel, and what the kvm modules need of its modules.
kdir=$work/kernel
mkdir -p "$kdir"
dpkg-deb -x "$(deb_path "$DOM0_KERNEL_PKG" "$LINUX_DEB_VERSION")" "$kdir"
mdir=$kdir/lib/modules/$abi/kernel
deps() {
    local m f d
    for m in "$@"; do
        f=$(find "$mdir" \( -name "$m.ko" -o -name "$(echo "$m" | tr _ -).ko" \) |
            head -n1)
        [ -n "$f" ] || die "module $m not in $DOM0_KERNEL_PKG"
        for d in $(modinfo -F depends "$f" | tr ',' ' '); do
            case " $d " in *" kvm "*) continue ;; esac
            deps "$d"
            echo "$d"
        done
    done
}
: > "$r/lib/dvm/deps/order"
for d in $(deps kvm kvm-amd kvm-intel | awk '!seen[$0]++'); do
    cp "$(find "$mdir" -name "$d.ko" | head -n1)" "$r/lib/dvm/deps/"
    echo "$d" >> "$r/lib/dvm/deps/order"
done
cp "$DVM_BUILD"/kvm/*.ko "$r/lib/dvm/kvm/"
cp "$DVM_BUILD"/kvm/stock/*.ko "$r/lib/dvm/stock/"

# Debian's QEMU for the L2 guests, its libraries and firmware.
cp "$qemu" "$r/usr/bin/"
libs=$(ldd "$qemu" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | sort -u)
for l in $libs; do
    [ -e "$l" ] || die "library $l missing on the host"
    mkdir -p "$r$(dirname "$l")"
    cp -L "$l" "$r$l"
done
# QEMU's firmware path: /usr/share/qemu, then seabios' directory.
for f in qemu/linuxboot_dma.bin qemu/kvmvapic.bin seabios/bios-256k.bin; do
    [ -e "/usr/share/$f" ] || die "no /usr/share/$f (qemu-system-data, seabios)"
    mkdir -p "$r/usr/share/$(dirname "$f")"
    cp -L "/usr/share/$f" "$r/usr/share/$f"
done

# L2: our guest kernel, the guest initramfs and, appended to it (the
# kernel unpacks concatenated archives), the kvm jobs' workloads.
cp "$DVM_BUILD/guest/bzImage" "$r/dvm/l2/bzImage"
x=$work/l2-extra
mkdir -p "$x/dvm/guest" "$x/bin"
cp "$kl"/guest/*.sh "$x/dvm/guest/"
gcc -O2 -static -Wall -Wextra -Werror -o "$x/bin/dvm-disk" "$kl/dvm-disk.c" ||
    die "dvm-disk failed to build"
cp "$x/bin/dvm-disk" "$r/usr/bin/"
(cd "$x" && find . -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc --quiet --reproducible) | gzip -9n > "$work/l2-extra.cpio.gz"
cat "$DVM_BUILD/boot/guest.cpio.gz" "$work/l2-extra.cpio.gz" > "$r/dvm/l2/initrd.gz"

# The L1 side of the harness and the operator's tool.
install -m 755 "$kl/l1-init" "$r/init"
cp "$kl/l1.sh" "$r/dvm/lib.sh"
for j in "$TOP"/tests/osstest/jobs/kvm-*/l1.sh; do
    cp "$j" "$r/dvm/jobs/$(basename "$(dirname "$j")").sh"
done
install -m 755 "$TOP/tools/kvm-ppr/kvm-ppr" "$r/usr/sbin/kvm-ppr"

(cd "$r" && find . -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc --quiet --reproducible) | gzip -6n > "$work/l1.cpio.gz"
mkdir -p "$cache"
cp "$kdir/boot/vmlinuz-$abi" "$cache/vmlinuz"
cp "$work/l1.cpio.gz" "$cache/"
cp "$cache"/* "$out/"
rm -rf "$work"
log "kvm L1 image: $out/l1.cpio.gz $(du -h "$out/l1.cpio.gz" | cut -f1) ($key)"
