#!/usr/bin/env bash
# Dynamic VM: install what the build, the harness and the tests need on a
# Debian 12 host.  Idempotent: does nothing (no apt-get) when all is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages)"
grep -q '^VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null || \
    log "warning: not Debian 12 (bookworm); continuing"

changed=
src=/etc/apt/sources.list.d/dynamicvm-src.sources
if ! grep -rqs "^Types: deb-src" /etc/apt/sources.list.d/ && \
   ! grep -qs "^deb-src .* $DEBIAN_SUITE main" /etc/apt/sources.list; then
    log "adding a deb-src entry for $DEBIAN_SUITE main ($src)"
    cat > "$src" <<EOT
Types: deb-src
URIs: $DEBIAN_MIRROR
Suites: $DEBIAN_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
    changed=1
fi

# Pin Debian's Xen tools and libraries to the version the fork is built
# from, so that "fork vs stock" differs only by our patches.
pin=/etc/apt/preferences.d/dynamicvm-xen
want="Package: /^(lib)?xen/
Pin: version $XEN_DEB_VERSION
Pin-Priority: 1001"
if [ "$(cat "$pin" 2>/dev/null)" != "$want" ]; then
    log "pinning Xen packages to $XEN_DEB_VERSION ($pin)"
    printf '%s\n' "$want" > "$pin"
    changed=1
fi

# QEMU 10 from backports: only the packages named in Config.mk, each at
# its version; everything else in backports is never installed.
bpo=/etc/apt/sources.list.d/dynamicvm-backports.sources
want="Types: deb deb-src
URIs: $DEBIAN_MIRROR
Suites: $BACKPORTS_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
if [ "$(cat "$bpo" 2>/dev/null)" != "$want" ]; then
    log "adding $BACKPORTS_SUITE for QEMU ($bpo)"
    printf '%s\n' "$want" > "$bpo"
    changed=1
fi

# PKG=VERSION for every package that must be at an exact version.
exact="$(for p in $XEN_TOOLS_PKGS; do echo "$p=$XEN_DEB_VERSION"; done)
$(for p in $QEMU_PKGS; do echo "$p=$QEMU_DEB_VERSION"; done)
seabios=$SEABIOS_DEB_VERSION
$(printf '%s\n' $QEMU_BUILD_BPO)"

qpin=/etc/apt/preferences.d/dynamicvm-qemu
want=$(printf '%s\n' "$exact" | grep -v '^\(lib\)\?xen' |
       while IFS== read -r p v; do
           printf 'Package: %s\nPin: version %s\nPin-Priority: 1001\n\n' "$p" "$v"
       done
       printf 'Package: *\nPin: release n=%s\nPin-Priority: -1' "$BACKPORTS_SUITE")
if [ "$(cat "$qpin" 2>/dev/null)" != "$want" ]; then
    log "pinning QEMU's packages to $QEMU_DEB_VERSION from $BACKPORTS_SUITE ($qpin)"
    printf '%s\n' "$want" > "$qpin"
    changed=1
fi

missing=
for p in $HOST_PKGS $QEMU_BUILD_PKGS $QEMU_XEN_LIB_PKGS $WINDOWS_PKGS; do
    v=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$v" = "install ok installed" ] || missing="$missing $p"
done
for spec in $exact; do
    p=${spec%%=*}
    v=$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null || true)
    [ "$v" = "install ok installed ${spec#*=}" ] || missing="$missing $spec"
done

if [ -n "$missing" ] || [ -n "$changed" ]; then
    log "apt-get update"
    apt-get update -q >/dev/null
fi
if [ -n "$missing" ]; then
    log "installing:$missing"
    # Installing xen-utils must not start Xen services on the build host.
    rcd=/usr/sbin/policy-rc.d
    own_rcd=
    if [ ! -e "$rcd" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$rcd"; chmod +x "$rcd"; own_rcd=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends --allow-downgrades $missing >/dev/null || {
        [ -z "$own_rcd" ] || rm -f "$rcd"; die "apt-get install failed"; }
    [ -z "$own_rcd" ] || rm -f "$rcd"
fi
log "host ready"
