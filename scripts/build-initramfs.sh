#!/usr/bin/env bash
# Dynamic VM: assemble the initramfs images the harness boots.
#
#   guest initramfs: busybox-static + tests/osstest/rootfs/guest/init +
#       tests/osstest/guest/*.sh workloads + static guest tools.
#   dom0 initramfs:  busybox-static + the stock Debian dom0 kernel's Xen
#       modules + Debian's xl/xenstored/xenconsoled/xen-init-dom0/
#       libxl-save-helper (with their library closure) + xl-ppr + the
#       harness (dom0 init, job scripts) + the guest kernel and guest
#       initramfs + the HVM device model: Debian's qemu-system-xen with
#       its ROMs, hvmloader and SeaBIOS (docs/hvm.md).
#
# Needs $DVM_BUILD/guest/bzImage (scripts/build-guest-kernel.sh) and
# $DVM_BUILD/xl-ppr/xl-ppr (make -C tools/xl-ppr).
# Output: $DVM_BUILD/boot/{vmlinuz-dom0,dom0.cpio.gz,guest.cpio.gz},
# cached by input hash in $DVM_CACHE/initramfs/<hash>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$DVM_BUILD/boot
mkdir -p "$out"
[ -f "$DVM_BUILD/guest/bzImage" ] || die "no guest kernel (build it first)"
[ -x "$DVM_BUILD/xl-ppr/xl-ppr" ] || die "no xl-ppr (make -C tools/xl-ppr)"
command -v cpio >/dev/null || die "cpio is missing (scripts/setup-host.sh)"
busybox=/bin/busybox
file -L "$busybox" | grep -q 'statically linked' ||
    die "$busybox is not busybox-static"

xen_bins="xl xenstored xenconsoled xen-init-dom0 libxl-save-helper xenctx xen-hvmctx"
tool_files=$(for b in $xen_bins; do printf '%s\n' "$XEN_LIBEXEC/bin/$b"; done)
qemu_xen_deb=$(deb_path "$QEMU_XEN_PKG" "$QEMU_XEN_DEB_VERSION")
qemu_data_deb=$(deb_path qemu-system-data "$QEMU_XEN_DATA_DEB_VERSION")
hvm_files="$XEN_LIBEXEC/boot/hvmloader /usr/share/seabios/bios-256k.bin"
key=$( (hash_inputs pin:DOM0_KERNEL_PKG pin:DOM0_KERNEL_ABI pin:LINUX_DEB_VERSION \
            pin:XEN_LIBEXEC pin:QEMU_XEN_DEB_VERSION pin:QEMU_XEN_DATA_DEB_VERSION \
            scripts/build-initramfs.sh scripts/lib.sh \
            abi tests/osstest/rootfs tests/osstest/guest tests/osstest/guest-tools tests/osstest/xtf \
            tests/osstest/dom0-tools tests/osstest/jobs tests/osstest/lib
        sha256sum "$DVM_BUILD/guest/bzImage" "$DVM_BUILD/xl-ppr/xl-ppr" \
            "$busybox" $tool_files $hvm_files "$qemu_xen_deb" "$qemu_data_deb" |
            cut -d' ' -f1
        dpkg-query -W 'libxen*' 'xen-utils*' 2>/dev/null) | sha256sum | cut -c1-16)
cache=$DVM_CACHE/initramfs/$key
if [ -f "$cache/dom0.cpio.gz" ]; then
    cp "$cache"/* "$out/"
    log "initramfs: cached ($key)"
    exit 0
fi

work=$DVM_BUILD/initramfs-work
rm -rf "$work"; mkdir -p "$work"

# populate_busybox DIR: a minimal FHS with busybox applets.
populate_busybox() {
    local root=$1 a
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,var/log}
    cp "$busybox" "$root/bin/busybox"
    for a in $("$busybox" --list-full); do
        [ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
    done
}

# pack DIR OUT: a gzip-compressed newc cpio of DIR.
pack() {
    (cd "$1" && find . -print0 | LC_ALL=C sort -z |
         cpio --null -o -H newc --quiet --reproducible) | gzip -9n > "$2"
}

# --- guest initramfs -------------------------------------------------------
g=$work/guest
populate_busybox "$g"
install -m 755 "$TOP/tests/osstest/rootfs/guest/init" "$g/init"
mkdir -p "$g/dvm/guest"
cp "$TOP"/tests/osstest/guest/*.sh "$g/dvm/guest/" 2>/dev/null || true
for c in "$TOP"/tests/osstest/guest-tools/*.c; do
    [ -e "$c" ] || continue
    gcc -O2 -static -Wall -Wextra -Werror -o "$g/bin/$(basename "$c" .c)" "$c" ||
        die "guest tool $c failed to build"
done
# The XTF-style tests: one static binary per test-*.c, each with lib.c.
mkdir -p "$g/bin/xtf"
for c in "$TOP"/tests/osstest/xtf/test-*.c; do
    [ -e "$c" ] || continue
    gcc -O2 -static -Wall -Wextra -Werror -D__XEN_TOOLS__ -I"$TOP/abi" \
        -idirafter /usr/include/xen -o "$g/bin/xtf/$(basename "$c" .c)" \
        "$c" "$TOP/tests/osstest/xtf/lib.c" ||
        die "xtf test $c failed to build"
done
pack "$g" "$work/guest.cpio.gz"

# --- dom0 initramfs --------------------------------------------------------
d=$work/dom0
kdir=$DVM_BUILD/dom0-kernel
kdeb=$(deb_path "$DOM0_KERNEL_PKG" "$LINUX_DEB_VERSION")
if [ ! -f "$kdir/boot/vmlinuz-$DOM0_KERNEL_ABI" ]; then
    rm -rf "$kdir"; mkdir -p "$kdir"
    dpkg-deb -x "$kdeb" "$kdir"
fi
populate_busybox "$d"
install -m 755 "$TOP/tests/osstest/rootfs/dom0/init" "$d/init"
mkdir -p "$d/lib/modules" "$d/dvm/guest" "$d/dvm/jobs" \
         "$d/var/lib/xen" "$d/var/lib/xenstored" "$d/var/run/xen" \
         "$d/var/log/xen/console" "$d/etc/xen" "$d$XEN_LIBEXEC/bin"
for m in drivers/xen/xen-privcmd drivers/xen/xen-evtchn drivers/xen/xen-gntdev \
         drivers/xen/xen-gntalloc drivers/xen/xenfs/xenfs; do
    f=$kdir/lib/modules/$DOM0_KERNEL_ABI/kernel/$m.ko
    [ -f "$f" ] || die "dom0 kernel module $m missing from $DOM0_KERNEL_PKG"
    cp "$f" "$d/lib/modules/"
done
for b in $xen_bins; do
    cp "$XEN_LIBEXEC/bin/$b" "$d$XEN_LIBEXEC/bin/"
    ln -sf "$XEN_LIBEXEC/bin/$b" "$d/usr/sbin/$b"
done
cp "$DVM_BUILD/xl-ppr/xl-ppr" "$d/usr/sbin/xl-ppr"
# The HVM device model where Debian's libxl looks for it, its ROMs (option
# ROMs for direct kernel boot; SeaBIOS's VGA BIOSes are not needed: HVM
# guests here have no VGA), hvmloader and SeaBIOS.
qdir=$work/qemu-xen
dpkg-deb -x "$qemu_xen_deb" "$qdir"
dpkg-deb -x "$qemu_data_deb" "$qdir"
qemu_dm=/usr/libexec/xen-qemu-system-i386
[ -x "$qdir$qemu_dm" ] || die "$QEMU_XEN_PKG has no $qemu_dm"
mkdir -p "$d/usr/libexec" "$d/usr/share/qemu" "$d$XEN_LIBEXEC/boot" "$d/usr/share/seabios"
cp "$qdir$qemu_dm" "$d$qemu_dm"
for r in linuxboot_dma.bin linuxboot.bin kvmvapic.bin; do
    cp "$qdir/usr/share/qemu/$r" "$d/usr/share/qemu/"
done
cp -r "$qdir/usr/share/qemu/keymaps" "$d/usr/share/qemu/"
for f in $hvm_files; do
    [ -f "$f" ] || die "$f missing on the host (scripts/setup-host.sh)"
    cp "$f" "$d$f"
done
# dom0's test tools: static, on the public ABI headers (abi/) and Xen's.
for c in "$TOP"/tests/osstest/dom0-tools/*.c; do
    [ -e "$c" ] || continue
    gcc -O2 -static -Wall -Wextra -Werror -D__XEN_TOOLS__ -I"$TOP/abi" \
        -idirafter /usr/include/xen -o "$d/usr/sbin/$(basename "$c" .c)" "$c" ||
        die "dom0 tool $c failed to build"
done
miss=$(ldd "$qdir$qemu_dm" | awk '/not found/ { print $1 }')
[ -z "$miss" ] || die "the device model needs" $miss "(scripts/setup-host.sh)"
# Shared library closure, plus libgcc_s (xl's pthread_cancel needs it).
libs=$( (for b in $xen_bins; do ldd "$XEN_LIBEXEC/bin/$b"; done
         ldd "$DVM_BUILD/xl-ppr/xl-ppr"; ldd "$qdir$qemu_dm") |
        awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | sort -u)
for l in $libs /lib/x86_64-linux-gnu/libgcc_s.so.1; do
    [ -e "$l" ] || die "library $l missing on the host"
    mkdir -p "$d$(dirname "$l")"
    cp -L "$l" "$d$l"
done
[ -f /etc/xen/xl.conf ] && cp /etc/xen/xl.conf "$d/etc/xen/"
# The dom0 side of the harness: lib/*.sh but the host's own library.
mkdir -p "$d/dvm/lib"
for l in "$TOP"/tests/osstest/lib/*.sh; do
    [ "$(basename "$l")" = host.sh ] || cp "$l" "$d/dvm/lib/"
done
for j in "$TOP"/tests/osstest/jobs/*/dom0.sh; do
    [ -e "$j" ] || continue
    cp "$j" "$d/dvm/jobs/$(basename "$(dirname "$j")").sh"
done
cp "$DVM_BUILD/guest/bzImage" "$d/dvm/guest/bzImage"
cp "$work/guest.cpio.gz" "$d/dvm/guest/initrd.gz"
pack "$d" "$work/dom0.cpio.gz"

mkdir -p "$cache"
cp "$work/guest.cpio.gz" "$work/dom0.cpio.gz" "$cache/"
cp "$kdir/boot/vmlinuz-$DOM0_KERNEL_ABI" "$cache/vmlinuz-dom0"
cp "$cache"/* "$out/"
rm -rf "$work"
log "initramfs: dom0 $(du -h "$out/dom0.cpio.gz" | cut -f1)," \
    "guest $(du -h "$out/guest.cpio.gz" | cut -f1) ($key)"
