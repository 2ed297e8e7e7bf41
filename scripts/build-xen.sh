#!/usr/bin/env bash
# Dynamic VM: produce the hypervisor image for FLAVOUR (fork|release|stock).
#   stock:   Debian's binary xen.gz, unchanged.
#   release: Debian's source package + xen/patches/series (zero fuzz) +
#            xen/overlay/ + Debian's .config with xen/kconfig/*.config.
#   fork:    the release build with the test interfaces on
#            (xen/kconfig/test/*.config): what the tests boot.
# Output: $DVM_BUILD/xen-<flavour>/{xen.gz,config}.  Builds are cached in
# $DVM_CACHE/xen-<flavour>/<hash of inputs>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:-fork}
out=$DVM_BUILD/xen-$flavour
mkdir -p "$out"
hvdeb=$(deb_path "$XEN_HV_PKG" "$XEN_DEB_VERSION")

stockdir=$DVM_BUILD/stock-hv
if [ ! -f "$stockdir/$XEN_HV_IMAGE" ]; then
    rm -rf "$stockdir"; mkdir -p "$stockdir"
    dpkg-deb -x "$hvdeb" "$stockdir"
fi

if [ "$flavour" = stock ]; then
    cp "$stockdir/$XEN_HV_IMAGE" "$out/xen.gz"
    cp "$stockdir/$XEN_HV_CONFIG" "$out/config"
    log "stock hypervisor: $out/xen.gz"
    exit 0
fi
case $flavour in
fork)    fragments=("$TOP"/xen/kconfig/*.config "$TOP"/xen/kconfig/test/*.config) ;;
release) fragments=("$TOP"/xen/kconfig/*.config) ;;
*)       die "unknown flavour '$flavour' (fork|release|stock)" ;;
esac

key=$(hash_inputs pin:XEN_DEB_VERSION pin:XEN_HV_PKG pin:XEN_HV_CONFIG \
      scripts/build-xen.sh scripts/lib.sh abi \
      xen/patches xen/overlay xen/kconfig ppr/ppr_core.c ppr/ppr_core.h \
      ppr/ppr_platform.h pageone/pageone_core.c pageone/pageone_core.h \
      pageone/pageone_platform.h)
key=$key-$flavour
cache=$DVM_CACHE/xen-$flavour/$key
if [ -f "$cache/xen.gz" ]; then
    cp "$cache/xen.gz" "$cache/config" "$out/"
    log "$flavour hypervisor: cached ($key)"
    exit 0
fi

src=$DVM_BUILD/xen-src
log "unpacking $XEN_SRC_PKG $XEN_DEB_VERSION"
rm -rf "$src"
dpkg-source -x "$DVM_DL/${XEN_SRC_PKG}_${XEN_DEB_VERSION}.dsc" "$src" \
    >/dev/null 2>&1 || die "dpkg-source -x failed"

apply_queue "$src" "$TOP/xen"
# The public ABI headers live in abi/, the one home of every port's ABI.
cp "$TOP"/abi/ppr.h "$TOP"/abi/pageone.h "$src/xen/include/public/"
# The portable cores are compiled into the hypervisor as they are.
if [ -f "$TOP/ppr/ppr_core.c" ]; then
    mkdir -p "$src/xen/common/ppr"
    cp "$TOP"/ppr/ppr_core.[ch] "$TOP"/ppr/ppr_platform.h "$src/xen/common/ppr/"
fi
if [ -f "$TOP/pageone/pageone_core.c" ]; then
    mkdir -p "$src/xen/common/pageone"
    cp "$TOP"/pageone/pageone_core.[ch] "$TOP"/pageone/pageone_platform.h \
        "$src/xen/common/pageone/"
fi

cp "$stockdir/$XEN_HV_CONFIG" "$src/xen/.config"
cat "${fragments[@]}" >> "$src/xen/.config"
make -s -C "$src/xen" olddefconfig >/dev/null
for opt in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p' "${fragments[@]}"); do
    want=$(grep -h "^$opt=" "${fragments[@]}" | tail -n1)
    grep -qx "$want" "$src/xen/.config" || die "Kconfig: $want did not stick"
done
if [ "$flavour" = release ] && grep -q '^CONFIG_DVM_TESTING=y' "$src/xen/.config"; then
    die "Kconfig: a release build has CONFIG_DVM_TESTING"
fi

log "building the $flavour hypervisor (make -j$JOBS, a few minutes)"
if ! make -C "$src/xen" -j"$JOBS" \
        EXTRA_CFLAGS_XEN_CORE="-ffile-prefix-map=$src=." \
        > "$out/build.log" 2>&1; then
    tail -n 30 "$out/build.log" >&2
    die "hypervisor build failed (log: $out/build.log)"
fi
mkdir -p "$cache"
cp "$src/xen/xen.gz" "$cache/xen.gz"
cp "$src/xen/.config" "$cache/config"
cp "$src/xen/xen-syms" "$cache/xen-syms" 2>/dev/null || true
cp "$cache/xen.gz" "$cache/config" "$out/"
log "$flavour hypervisor: $out/xen.gz ($key)"
