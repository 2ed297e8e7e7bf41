#!/usr/bin/env bash
# Dynamic VM: build the emulator the harness runs (qemu-system-x86_64,
# TCG only) from Debian's orig tarball of QEMU_DEB_VERSION with
# qemu/patches/series (zero fuzz).  Firmware and data files are those of
# Debian's qemu-system-data and seabios packages of the same version.
# Output: $DVM_BUILD/qemu/qemu-system-x86_64, cached in
# $DVM_CACHE/qemu/<hash of inputs>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$DVM_BUILD/qemu
mkdir -p "$out"
key=$(hash_inputs pin:QEMU_DEB_VERSION pin:QEMU_ORIG_TARBALL pin:QEMU_ORIG_SHA256 \
      scripts/build-qemu.sh scripts/lib.sh qemu/patches)
cache=$DVM_CACHE/qemu/$key
if [ -x "$cache/qemu-system-x86_64" ]; then
    cp "$cache/qemu-system-x86_64" "$out/"
    log "qemu: cached ($key)"
    exit 0
fi

src=$DVM_BUILD/qemu-src
log "unpacking $QEMU_ORIG_TARBALL"
rm -rf "$src"; mkdir -p "$src"
tar -xJf "$DVM_DL/$QEMU_ORIG_TARBALL" -C "$src" --strip-components=1 \
    --no-same-owner
apply_queue "$src" "$TOP/qemu"

# Only what the harness uses: x86_64 system emulation with TCG, no
# display, no network backend.  The firmware path is Debian's.
log "building qemu-system-x86_64 (a few minutes)"
mkdir -p "$src/build"
if ! (cd "$src/build" &&
      ../configure --python=/usr/bin/python3 --prefix=/usr \
          --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu \
          --target-list=x86_64-softmmu --without-default-features \
          --disable-relocatable --disable-download --enable-tcg \
          --enable-fdt=system \
          --enable-pixman --disable-docs --disable-install-blobs \
          --with-pkgversion="Debian $QEMU_DEB_VERSION, Dynamic VM patches" &&
      ninja -j"$JOBS" qemu-system-x86_64) > "$out/build.log" 2>&1; then
    tail -n 30 "$out/build.log" >&2
    die "qemu build failed (log: $out/build.log)"
fi
mkdir -p "$cache"
cp "$src/build/qemu-system-x86_64" "$cache/"
cp "$cache/qemu-system-x86_64" "$out/"
rm -rf "$src"
log "qemu: $out/qemu-system-x86_64 ($("$out/qemu-system-x86_64" --version | head -n1))"
