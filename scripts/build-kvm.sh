#!/usr/bin/env bash
# Dynamic VM: build KVM with PPR as out-of-tree modules (kvm.ko,
# kvm-amd.ko, kvm-intel.ko) that Debian's stock host kernel
# DOM0_KERNEL_PKG loads: arch/x86/kvm and virt/kvm of LINUX_SRC_PKG with
# kvm/patches/series (zero fuzz), kvm/overlay/, the PPR core and ABI,
# built by kvm/build/Kbuild against Debian's linux-headers of the same
# kernel ABI.  A module build: no kernel is built.
# Output: $DVM_BUILD/kvm/{kvm.ko,kvm-amd.ko,kvm-intel.ko,build.log} and
# the stock modules of the same kernel in $DVM_BUILD/kvm/stock/, cached
# in $DVM_CACHE/kvm/<hash of inputs>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

abi=$DOM0_KERNEL_ABI
# The headers of exactly the host kernel image (Config.mk may pin them as
# KVM_HEADERS_PKGS; by default they follow DOM0_KERNEL_ABI).
: "${KVM_HEADERS_PKGS:=linux-headers-$abi linux-headers-${abi%-amd64}-common linux-kbuild-${LINUX_SRC_PKG#linux-source-}}"
mods="kvm kvm-amd kvm-intel"

out=$DVM_BUILD/kvm
mkdir -p "$out"
key=$( (hash_inputs Config.mk scripts/build-kvm.sh scripts/lib.sh kvm/patches \
            kvm/overlay kvm/build abi/ppr.h ppr/ppr_core.c ppr/ppr_core.h \
            ppr/ppr_platform.h
        echo "$KVM_HEADERS_PKGS") | sha256sum | cut -c1-16)
cache=$DVM_CACHE/kvm/$key
if [ -f "$cache/kvm.ko" ] && [ -f "$cache/stock/kvm.ko" ]; then
    rm -rf "$out"; mkdir -p "$out"
    cp -r "$cache"/. "$out/"
    log "kvm modules: cached ($key)"
    exit 0
fi

# apt's sandbox user cannot write the download cache; as in fetch.sh.
mkdir -p "$DVM_DL"
for pkg in $KVM_HEADERS_PKGS; do
    ls "$DVM_DL/${pkg}_${LINUX_DEB_VERSION}"_*.deb >/dev/null 2>&1 && continue
    log "fetching $pkg=$LINUX_DEB_VERSION"
    (cd "$DVM_DL" &&
     apt-get -q -o APT::Sandbox::User=root download "$pkg=$LINUX_DEB_VERSION" \
         >/dev/null) || die "cannot download $pkg=$LINUX_DEB_VERSION"
done

# The headers as the packages install them, under a root of our own.
hroot=$DVM_BUILD/kvm-headers
rm -rf "$hroot"; mkdir -p "$hroot"
for pkg in $KVM_HEADERS_PKGS; do
    dpkg-deb -x "$(deb_path "$pkg" "$LINUX_DEB_VERSION")" "$hroot"
done
hdr=$hroot/usr/src/linux-headers-$abi
[ -f "$hdr/Module.symvers" ] || die "no $hdr/Module.symvers"
# The arch package's Makefile includes the common one by absolute path.
sed -i "s|^include /usr/src/|include $hroot/usr/src/|" "$hdr/Makefile"

# Only KVM's two directories of the source tarball.
tree=$DVM_BUILD/kvm-src
rm -rf "$tree"; mkdir -p "$tree"
log "unpacking arch/x86/kvm and virt/kvm of $LINUX_SRC_PKG $LINUX_DEB_VERSION"
dpkg-deb --fsys-tarfile "$(deb_path "$LINUX_SRC_PKG" "$LINUX_DEB_VERSION")" |
    tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
    tar -xJ -C "$tree" --strip-components=1 --wildcards \
        '*/arch/x86/kvm/*' '*/virt/kvm/*'
[ -f "$tree/arch/x86/kvm/x86.c" ] || die "no arch/x86/kvm in $LINUX_SRC_PKG"

apply_queue "$tree" "$TOP/kvm"
cp "$TOP/kvm/build/Kbuild" "$tree/arch/x86/kvm/Kbuild"
# The ABI header and the portable core, as they are.
cp "$TOP/abi/ppr.h" "$tree/arch/x86/kvm/ppr/ppr.h"
cp "$TOP"/ppr/ppr_core.[ch] "$TOP"/ppr/ppr_platform.h "$tree/arch/x86/kvm/ppr/"

log "building kvm modules against linux-headers-$abi (about 2 minutes)"
if ! make -C "$hdr" M="$tree/arch/x86/kvm" -j"$JOBS" modules \
        > "$out/build.log" 2>&1; then
    tail -n 30 "$out/build.log" >&2
    die "kvm module build failed (log: $out/build.log)"
fi
for m in $mods; do
    f=$tree/arch/x86/kvm/$m.ko
    [ -f "$f" ] || die "no $m.ko"
    magic=$(modinfo -F vermagic "$f")
    case "$magic" in
        "$abi "*) ;;
        *) die "$m.ko: vermagic '$magic' is not $abi's" ;;
    esac
    # Debug info is 80% of kvm.ko: the L1 image carries the modules.
    strip --strip-debug -o "$out/$m.ko" "$f"
done

# Debian's own modules of the same kernel: the stock baseline.
kdir=$DVM_BUILD/kvm-stock-kernel
rm -rf "$kdir"; mkdir -p "$kdir"
dpkg-deb -x "$(deb_path "$DOM0_KERNEL_PKG" "$LINUX_DEB_VERSION")" "$kdir"
mkdir -p "$out/stock"
for m in $mods; do
    cp "$kdir/lib/modules/$abi/kernel/arch/x86/kvm/$m.ko" "$out/stock/"
done
rm -rf "$kdir"

mkdir -p "$cache"
cp -r "$out"/. "$cache/"
log "kvm modules: $out/{kvm,kvm-amd,kvm-intel}.ko ($key)"
