#!/usr/bin/env bash
# Dynamic VM: build the PVH guest kernel from Debian's linux-source-6.1
# with guest/linux-pv/patches/series (zero fuzz), guest/linux-pv/overlay/
# (the driver), guest/linux-pv/tests/overlay/ (its test-only code; the one
# kernel built here is the test kernel) and tinyconfig +
# guest/linux-pv/config/*.config.
# Output: $DVM_BUILD/guest/bzImage, cached in $DVM_CACHE/guest-kernel/<hash>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$DVM_BUILD/guest
mkdir -p "$out"
key=$(hash_inputs pin:LINUX_SRC_PKG pin:LINUX_DEB_VERSION \
      scripts/build-guest-kernel.sh scripts/lib.sh \
      guest/linux-pv/patches guest/linux-pv/overlay \
      guest/linux-pv/tests/overlay guest/linux-pv/config \
      abi/ppr.h ppr/ppr_core.c ppr/ppr_core.h \
      ppr/ppr_platform.h)
cache=$DVM_CACHE/guest-kernel/$key
if [ -f "$cache/bzImage" ]; then
    cp "$cache/bzImage" "$cache/config" "$out/"
    log "guest kernel: cached ($key)"
    exit 0
fi

srcdeb=$(deb_path "$LINUX_SRC_PKG" "$LINUX_DEB_VERSION")
src=$DVM_BUILD/linux-src
obj=$DVM_BUILD/linux-obj
log "unpacking $LINUX_SRC_PKG $LINUX_DEB_VERSION (about a minute)"
rm -rf "$src" "$obj"; mkdir -p "$src" "$obj"
dpkg-deb --fsys-tarfile "$srcdeb" | tar -xO --wildcards \
    './usr/src/linux-source-*.tar.xz' | tar -xJ -C "$src" --strip-components=1

apply_queue "$src" "$TOP/guest/linux-pv"
cp -r "$TOP/guest/linux-pv/tests/overlay/." "$src/"
cp "$TOP/abi/ppr.h" "$src/include/xen/interface/ppr.h"
cp "$TOP"/ppr/ppr_core.[ch] "$TOP"/ppr/ppr_platform.h "$src/drivers/virt/ppr/"

make -s -C "$src" O="$obj" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
    "$TOP"/guest/linux-pv/config/*.config >/dev/null
make -s -C "$src" O="$obj" olddefconfig >/dev/null
for want in $(grep -h '^CONFIG_[A-Z0-9_]*=y' "$TOP"/guest/linux-pv/config/*.config); do
    grep -qx "$want" "$obj/.config" || die "Kconfig: $want did not stick"
done

log "building the guest kernel (make -j$JOBS bzImage, several minutes)"
if ! make -C "$src" O="$obj" -j"$JOBS" bzImage > "$out/build.log" 2>&1; then
    tail -n 30 "$out/build.log" >&2
    die "guest kernel build failed (log: $out/build.log)"
fi
mkdir -p "$cache"
cp "$obj/arch/x86/boot/bzImage" "$cache/bzImage"
cp "$obj/.config" "$cache/config"
cp "$cache/bzImage" "$cache/config" "$out/"
log "guest kernel: $out/bzImage ($key)"
