#!/usr/bin/env bash
# Dynamic VM: check the patch queues (xen/patches, docs/patches.md; the Linux
# queues of guest/linux-pv and kvm).
#
#   - series names every patch file once, in number order, and nothing else;
#   - each patch is format-patch output: "[PATCH] component: subject",
#     Signed-off-by, and, in 00xx (fixes of upstream bugs), Fixes:;
#   - the ranges apply to Debian's source with zero fuzz in these
#     combinations: 00xx; 00xx+01xx; 00xx+01xx+02xx (PPR without PageONE);
#     00xx+01xx+03xx (PageONE without PPR); the whole queue;
#   - the Linux queues (guest/linux-pv/patches, kvm/patches): series names
#     every patch file once, in order; each has a "[PATCH...]" subject and
#     Signed-off-by.  They apply with zero fuzz in their builds
#     (scripts/build-guest-kernel.sh, scripts/build-kvm.sh).
#
# Prints one line per check and "check-queue: SUCCESS" or exits non-zero
# with "check-queue: FAILURE: ...".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

q=$TOP/xen/patches
fail() { echo "check-queue: FAILURE: $*"; exit 1; }

# read_series DIR ARRAY: DIR/series into ARRAY, which must name exactly
# DIR's patch files, in order.
read_series() {
    local -n list=$2
    local -a files

    mapfile -t list < <(grep -v '^\s*\(#\|$\)' "$1/series")
    mapfile -t files < <(cd "$1" && ls ./*.patch | sed 's|^\./||')
    [ "${list[*]}" = "${files[*]}" ] ||
        fail "${1#"$TOP"/}: series does not list exactly the patch" \
             "files, in order"
}

read_series "$q" series
echo "series: ${#series[@]} patches"

range() {   # range PREFIX: the patches of a range, e.g. range 02
    local p
    for p in "${series[@]}"; do
        case $p in "$1"[0-9][0-9]-*) echo "$p" ;; esac
    done
}

for p in "${series[@]}"; do
    case $p in
    00[0-9][0-9]-*|01[0-9][0-9]-*|02[0-9][0-9]-*|03[0-9][0-9]-*) ;;
    *) fail "$p: not in a documented range (00xx 01xx 02xx 03xx)" ;;
    esac
    grep -q -E '^Subject: \[PATCH\] [a-z0-9_/]+: ' "$q/$p" ||
        fail "$p: subject is not '[PATCH] component: ...'"
    grep -q '^Signed-off-by: ' "$q/$p" || fail "$p: no Signed-off-by"
    case $p in
    00*) grep -q -E '^Fixes: [0-9a-f]{12} \(".*"\)$' "$q/$p" ||
             fail "$p: a fix without Fixes: <12-digit sha> (\"subject\")" ;;
    esac
done
echo "format: every patch has its subject, Signed-off-by (and Fixes: in 00xx)"

for lq in guest/linux-pv/patches kvm/patches; do
    read_series "$TOP/$lq" lseries
    for p in "${lseries[@]}"; do
        grep -q -E '^Subject: \[PATCH( [0-9]+/[0-9]+)?\] ' "$TOP/$lq/$p" ||
            fail "$lq/$p: subject is not '[PATCH] ...'"
        grep -q '^Signed-off-by: ' "$TOP/$lq/$p" ||
            fail "$lq/$p: no Signed-off-by"
    done
    echo "format: $lq: ${#lseries[@]} patches, subjects and Signed-off-by"
done

[ -f "$DVM_DL/${XEN_SRC_PKG}_${XEN_DEB_VERSION}.dsc" ] ||
    fail "no $XEN_SRC_PKG $XEN_DEB_VERSION source in $DVM_DL (scripts/fetch.sh)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-source -x "$DVM_DL/${XEN_SRC_PKG}_${XEN_DEB_VERSION}.dsc" "$work/src" \
    >/dev/null 2>&1 || fail "dpkg-source -x failed"

# try NAME PATCH...: the patches apply in order to a copy of the source.
try() {
    local name=$1 p
    shift
    rm -rf "$work/t"
    cp -al "$work/src" "$work/t"
    for p in "$@"; do
        patch -d "$work/t" -p1 -F0 -N -s --no-backup-if-mismatch \
            < "$q/$p" > "$work/out" 2>&1 ||
            fail "$name: $p does not apply: $(head -n 3 "$work/out" | tr '\n' ' ')"
    done
    echo "applies: $name ($# patches)"
}

mapfile -t fixes < <(range 00)
mapfile -t base < <(range 01)
mapfile -t ppr < <(range 02)
mapfile -t pageone < <(range 03)
try "00xx" "${fixes[@]}"
try "00xx+01xx" "${fixes[@]}" "${base[@]}"
try "00xx+01xx+02xx" "${fixes[@]}" "${base[@]}" "${ppr[@]}"
try "00xx+01xx+03xx" "${fixes[@]}" "${base[@]}" "${pageone[@]}"
try "whole queue" "${series[@]}"
echo "check-queue: SUCCESS"
