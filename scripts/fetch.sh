#!/usr/bin/env bash
# Dynamic VM: download the pinned upstream inputs into $DVM_CACHE/dl.
# Nothing downloaded here is ever committed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$DVM_DL"
cd "$DVM_DL"
# apt's sandbox user cannot write here; downloading as root is intended.
# A stale package list is refreshed once before giving up.
aptq() {
    apt-get -q -o APT::Sandbox::User=root "$@" >/dev/null && return 0
    log "apt-get $1 failed; apt-get update and retry"
    apt-get update -q >/dev/null
    apt-get -q -o APT::Sandbox::User=root "$@" >/dev/null
}

if [ ! -f "${XEN_SRC_PKG}_${XEN_DEB_VERSION}.dsc" ]; then
    log "fetching source package $XEN_SRC_PKG=$XEN_DEB_VERSION"
    aptq source --download-only "$XEN_SRC_PKG=$XEN_DEB_VERSION"
fi
# QEMU: Debian's orig tarball only (apt checks it against the Sources
# index; this archive mirror serves no .dsc of the backport).
if [ ! -f "$QEMU_ORIG_TARBALL" ]; then
    log "fetching $QEMU_SRC_PKG=$QEMU_DEB_VERSION (orig tarball)"
    aptq source --download-only --tar-only "$QEMU_SRC_PKG=$QEMU_DEB_VERSION"
fi
echo "$QEMU_ORIG_SHA256  $QEMU_ORIG_TARBALL" | sha256sum -c --quiet - ||
    die "$QEMU_ORIG_TARBALL does not match QEMU_ORIG_SHA256"
for spec in "$XEN_HV_PKG=$XEN_DEB_VERSION" \
            "$DOM0_KERNEL_PKG=$LINUX_DEB_VERSION" \
            "$LINUX_SRC_PKG=$LINUX_DEB_VERSION" \
            "$QEMU_XEN_PKG=$QEMU_XEN_DEB_VERSION" \
            "qemu-system-data=$QEMU_XEN_DATA_DEB_VERSION"; do
    pkg=${spec%%=*}; ver=${spec#*=}
    # apt writes an epoch N: of the version as N%3a in the file name.
    ls "${pkg}_$(printf '%s' "$ver" | sed 's/:/%3a/')"_*.deb >/dev/null 2>&1 &&
        continue
    log "fetching $pkg=$ver"
    aptq download "$spec"
done
log "inputs in $DVM_DL"
